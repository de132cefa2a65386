"""The daily tip: the same tip all day, a new one each day, none repeated until all are heard.

Asked for in a session of its own ("ask Trust Coach for today's tip", or a Routine), the tip
is the whole answer: it ends with a goodbye, not a question. The first few such times, at
most once a day, it adds one line on setting a daily reminder.
"""

from __future__ import annotations

import hashlib
from datetime import date

from ask_sdk_model import Response

from trust_coach.content import Tip
from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.state import Progress
from trust_coach.telemetry import TIPS_HEARD, count
from trust_coach.turn import Turn

SHORT_PAUSE = 0.6
# The reminder hint: how many one-shot tips carry it, and where the progress counts them
# (`extra`, a map of numbers, so two copies of the record merge to the larger of each).
REMINDER_HINTS = 3
HINT_RECORD = "reminder_hint"
HINTS_GIVEN = "given"
HINT_DAY = "day"  # the local date it was last given, as a day number (date.toordinal)


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
    if turn.starts_session:  # a one-shot: the tip, perhaps the hint, and goodbye
        if take_reminder_hint(turn.progress, today):
            speech.pause(SHORT_PAUSE).say(turn.say("tip_reminder_hint"))
        speech.pause(SHORT_PAUSE).say(turn.say("tip_one_shot_close"))
        return turn.tell(speech)
    speech.pause(SHORT_PAUSE).say(turn.say("tip_follow_up"))
    return turn.ask(speech, turn.say("tip_follow_up_reprompt"), Question(Ask.LIST))


def take_reminder_hint(progress: Progress, today: str) -> bool:
    """Whether this one-shot tip carries the reminder hint (and count it if so): the first
    REMINDER_HINTS times, never twice on one day."""
    record = progress.extra.get(HINT_RECORD)
    record = record if isinstance(record, dict) else {}
    given, day = record.get(HINTS_GIVEN, 0), record.get(HINT_DAY, 0)
    given = given if isinstance(given, int) else REMINDER_HINTS
    today_number = date.fromisoformat(today).toordinal()
    if given >= REMINDER_HINTS or day == today_number:
        return False
    progress.extra[HINT_RECORD] = {HINTS_GIVEN: given + 1, HINT_DAY: today_number}
    return True


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
