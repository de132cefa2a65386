"""When someone tells the skill how they feel or what happened ("I feel so let down",
"he lied to me again"): a short, warm acknowledgement and one gentle offer.

The words themselves have already passed the danger screen (see `safety`); they are never
said back, logged or kept, because the skill cannot understand them well enough to answer
them, and a reply that guessed wrong would hurt more than a plain one.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers import navigation
from trust_coach.handlers.base import TurnHandler
from trust_coach.handlers.exercises import start_by_id
from trust_coach.handlers.followups import register
from trust_coach.turn import Turn

SHARE_AREA = "share"
OFFER = "share_offer"  # pending: "yes" starts gentle breathing, "no" goes to the menu
SETTLING_EXERCISE = "gentle"


def heard_you(turn: Turn) -> Response:
    turn.place = {"area": SHARE_AREA}
    speech = turn.speech(turn.say("share_heard"), turn.say("share_offer"))
    return turn.ask(speech, turn.say("share_offer_reprompt"), pending=OFFER)


class ShareHandler(TurnHandler):
    intents = ("ShareIntent",)

    def respond(self, turn: Turn) -> Response:
        return heard_you(turn)


register(
    OFFER,
    lambda turn, _: start_by_id(turn, SETTLING_EXERCISE),
    lambda turn, _: navigation.home(turn),
)
