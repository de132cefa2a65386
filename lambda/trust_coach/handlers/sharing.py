"""When someone tells the skill how they feel or what happened ("I feel so let down",
"he lied to me again"): a short, warm acknowledgement and one gentle offer.

The words themselves have already passed the danger screen (see `safety`); they are never
said back, logged or kept, because the skill cannot understand them well enough to answer
them, and a reply that guessed wrong would hurt more than a plain one.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.turn import Turn

SETTLING_EXERCISE = "gentle"  # what "yes" to the offer starts (see followups)


def heard_you(turn: Turn) -> Response:
    turn.place = At.SHARE
    speech = turn.speech(turn.say("share_heard"), turn.say("share_offer"))
    return turn.ask(speech, turn.say("share_offer_reprompt"), Question(Ask.SHARE_OFFER))


class ShareHandler(TurnHandler):
    intents = ("ShareIntent",)

    def respond(self, turn: Turn) -> Response:
        return heard_you(turn)
