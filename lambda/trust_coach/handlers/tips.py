"""The daily tip: the same tip all day, a new one each day, none repeated until all are heard."""

from __future__ import annotations

import hashlib

from ask_sdk_model import Response

from trust_coach.content import Tip
from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.state import Progress
from trust_coach.telemetry import TIPS_HEARD, count
from trust_coach.turn import Turn

SHORT_PAUSE = 0.6


def todays_tip(progress: Progress, tips: list[Tip], today: str, user_salt: str) -> Tip:
    """Pick (and record) the tip for `today`: today's again, or the next unheard one."""
    if progress.tip_date == today:
        same = next((t for t in tips if t.id == progress.tip_id), None)
        if same is not None:
            return same
    unheard = [t for t in tips if t.id not in progress.tips_heard]
    if not unheard:  # every tip heard: start a new round
        progress.tips_heard = []
        unheard = list(tips)
    # A per-user order, so people who start on the same day do not all hear the same tip.
    chosen = min(unheard, key=lambda t: hashlib.sha256(f"{user_salt}:{t.id}".encode()).digest())
    progress.tips_heard.append(chosen.id)
    progress.tip_date, progress.tip_id = today, chosen.id
    return chosen


def daily_tip(turn: Turn) -> Response:
    today = turn.today()
    again = turn.progress.tip_date == today
    tip = todays_tip(turn.progress, turn.catalog.tips, today, turn.user_salt)
    turn.place = At.TIP
    count(TIPS_HEARD)
    intro = turn.say("tip_again_intro") if again else turn.say("tip_intro")
    speech = turn.speech(intro, tip.text)
    speech.pause(SHORT_PAUSE).say(turn.say("tip_follow_up"))
    return turn.ask(speech, turn.say("tip_follow_up_reprompt"), Question(Ask.LIST))


class DailyTipHandler(TurnHandler):
    intents = ("DailyTipIntent",)

    def respond(self, turn: Turn) -> Response:
        return daily_tip(turn)


class TipRepeatHandler(TurnHandler):
    """ "Repeat" after today's tip says it again."""

    intents = ("AMAZON.RepeatIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place is At.TIP

    def respond(self, turn: Turn) -> Response:
        return daily_tip(turn)
