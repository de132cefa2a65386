"""One small promise in conversation: ask for it, confirm it back, keep it, and on a later
visit ask gently how it went.

What the person promised is said back to them and kept in their progress only after it
passed the danger screen; it is never logged (log lines carry only the request type, intent
name and a hashed user). A kept promise that today's screen would refuse is dropped when the
progress is loaded, so it is never followed up.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach import promises
from trust_coach.handlers.base import TurnHandler, slot_value
from trust_coach.handlers.followups import register
from trust_coach.turn import Turn

ASK_AREA = "promise_ask"  # the skill asked for a promise
CONFIRM_AREA = "promise_confirm"  # the skill said a promise back and asked to keep it
KEEP = "promise_keep"  # pending: "yes" keeps the promise just heard
KEPT = "promise_kept"  # pending: "yes" means the last promise was kept
AGAIN = "promise"  # pending: "yes" asks for a new promise
PROMISE_ID = "promise"  # counted with the exercises done


def ask(turn: Turn, smaller: bool = False) -> Response:
    """The exercise's start: its length, what a good promise is like, then the question."""
    turn.place = {"area": ASK_AREA}
    if smaller:
        speech = turn.speech(turn.say("promise_smaller"))
    else:
        done = turn.progress.exercises_done.get(PROMISE_ID, 0)
        speech = turn.speech(turn.say("promise_intro_again" if done else "promise_intro"))
    speech.say(turn.say("promise_ask"))
    return turn.ask(speech, turn.say("promise_ask_reprompt"))


def not_caught(turn: Turn) -> Response:
    """No words came through: ask again, and keep nothing."""
    turn.place = {"area": ASK_AREA}
    speech = turn.speech(turn.say("promise_not_caught"))
    return turn.ask(speech, turn.say("promise_ask_reprompt"))


def confirm(turn: Turn, text: str) -> Response:
    turn.place = {"area": CONFIRM_AREA, "text": text}
    speech = turn.speech(turn.say("promise_confirm", promise=text))
    return turn.ask(speech, turn.say("promise_confirm_reprompt"), pending=KEEP)


def keep(turn: Turn) -> Response:
    """Yes to the confirmation: keep the promise with today's date, and record the practice."""
    text = promises.clean(turn.place.get("text") if turn.place.get("area") == CONFIRM_AREA else "")
    if not text:
        return not_caught(turn)
    today = turn.today()
    progress = turn.progress
    promises.make(progress, text, today)
    progress.exercises_done[PROMISE_ID] = progress.exercises_done.get(PROMISE_ID, 0) + 1
    progress.last_practice[PROMISE_ID] = today
    progress.record_practice(today)
    turn.place = {}
    speech = turn.speech(turn.say("promise_kept_for_you"), turn.say("promise_next"))
    return turn.ask(speech, turn.say("promise_next_reprompt"), pending="tip")


def follow_up(turn: Turn, greeting: str) -> Response | None:
    """On a later launch: ask once about a promise made one to seven days ago, if any."""
    promise = promises.due(turn.progress, turn.today())
    if promise is None:
        return None
    promises.mark_asked(turn.progress, promise)
    days = promises.days_since(promise, turn.today())
    when = (
        turn.say("promise_when_yesterday")
        if days == 1
        else turn.say("promise_when_days", days=days)
    )
    turn.place = {"area": "promise_follow_up"}
    speech = turn.speech(greeting, turn.say("promise_follow_up", when=when, promise=promise.text))
    return turn.ask(speech, turn.say("promise_follow_up_reprompt"), pending=KEPT)


def kept(turn: Turn) -> Response:
    promises.answered(turn.progress, kept=True)
    turn.place = {}
    speech = turn.speech(turn.say("promise_celebrate"))
    total = promises.counts(turn.progress)["kept"]
    if total > 1:  # a run of kept promises is worth hearing; misses are never counted aloud
        speech.say(turn.say("promise_kept_count", kept=total))
    speech.say(turn.say("promise_another"))
    return turn.ask(speech, turn.say("promise_another_reprompt"), pending=AGAIN)


def missed(turn: Turn) -> Response:
    promises.answered(turn.progress, kept=False)
    return ask(turn, smaller=True)


class PromiseIntentHandler(TurnHandler):
    """ "The promise exercise", or the promise itself ("I promise to call when I'm late")."""

    intents = ("PromiseIntent",)

    def respond(self, turn: Turn) -> Response:
        # Words that fail the danger screen never reach here (see safety.SafetyHandler).
        text = promises.clean(slot_value(turn, "promise"))
        if text:
            return confirm(turn, text)
        if turn.place.get("area") in (ASK_AREA, CONFIRM_AREA):
            return not_caught(turn)
        return ask(turn)


class PromiseNotCaughtHandler(TurnHandler):
    """Right after "what's your promise?", words Alexa could not place are the promise not
    caught, not an error elsewhere in the skill."""

    intents = ("AMAZON.FallbackIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place.get("area") == ASK_AREA

    def respond(self, turn: Turn) -> Response:
        return not_caught(turn)


register(KEEP, lambda turn, _: keep(turn), lambda turn, _: ask(turn))
register(KEPT, lambda turn, _: kept(turn), lambda turn, _: missed(turn))
register(AGAIN, lambda turn, _: ask(turn))
