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
from trust_coach.choosing import chosen
from trust_coach.exercises import PROMISE
from trust_coach.handlers.base import TurnHandler, arrive, greeting
from trust_coach.places import At, ConfirmingPromise
from trust_coach.questions import Ask, Question
from trust_coach.telemetry import EXERCISES_FINISHED, count
from trust_coach.turn import Turn

PROMISE_ID = PROMISE  # counted with the exercises done


def ask(turn: Turn, smaller: bool = False) -> Response:
    """The exercise's start: its length, what a good promise is like, then the question."""
    turn.place = At.ASKING_PROMISE
    if smaller:
        speech = turn.speech(turn.say("promise_smaller"))
    else:
        done = turn.progress.exercises_done.get(PROMISE_ID, 0)
        speech = turn.speech(turn.say("promise_intro_again" if done else "promise_intro"))
    speech.say(turn.say("promise_ask"))
    return turn.ask(speech, turn.say("promise_ask_reprompt"))


def not_caught(turn: Turn) -> Response:
    """No words came through: ask again, and keep nothing."""
    turn.place = At.ASKING_PROMISE
    speech = turn.speech(turn.say("promise_not_caught"))
    return turn.ask(speech, turn.say("promise_ask_reprompt"))


def confirm(turn: Turn, text: str) -> Response:
    turn.place = ConfirmingPromise(text)
    speech = turn.speech(turn.say("promise_confirm", promise=text))
    return turn.ask(speech, turn.say("promise_confirm_reprompt"), Question(Ask.KEEP_PROMISE))


def keep(turn: Turn) -> Response:
    """Yes to the confirmation: keep the promise with today's date, and record the practice."""
    place = turn.place
    text = promises.clean(place.text if isinstance(place, ConfirmingPromise) else "")
    if not text:
        return not_caught(turn)
    today = turn.today()
    progress = turn.progress
    promises.make(progress, text, today)
    progress.exercises_done[PROMISE_ID] = progress.exercises_done.get(PROMISE_ID, 0) + 1
    progress.last_practice[PROMISE_ID] = today
    progress.record_practice(today)
    count(EXERCISES_FINISHED)
    turn.place = At.NOWHERE
    speech = turn.speech(turn.say("promise_kept_for_you"), turn.say("promise_next"))
    return turn.ask(speech, turn.say("promise_next_reprompt"), Question(Ask.TIP))


def follow_up(turn: Turn, greeting: str) -> Response:
    """On a later launch: ask once about the promise made one to seven days ago."""
    promise = promises.due(turn.progress, turn.today())
    if promise is None:  # asked already by the handler's check; nothing to ask after all
        raise LookupError("no promise due")
    promises.mark_asked(turn.progress, promise)
    days = promises.days_since(promise, turn.today())
    when = (
        turn.say("promise_when_yesterday")
        if days == 1
        else turn.say("promise_when_days", days=days)
    )
    turn.place = At.FOLLOWING_UP_PROMISE
    speech = turn.speech(greeting, turn.say("promise_follow_up", when=when, promise=promise.text))
    return turn.ask(speech, turn.say("promise_follow_up_reprompt"), Question(Ask.PROMISE_KEPT))


def kept(turn: Turn) -> Response:
    promises.answered(turn.progress, kept=True)
    turn.place = At.NOWHERE
    speech = turn.speech(turn.say("promise_celebrate"))
    total = promises.counts(turn.progress)["kept"]
    if total > 1:  # a run of kept promises is worth hearing; misses are never counted aloud
        speech.say(turn.say("promise_kept_count", kept=total))
    speech.say(turn.say("promise_another"))
    return turn.ask(speech, turn.say("promise_another_reprompt"), Question(Ask.ANOTHER_PROMISE))


def missed(turn: Turn) -> Response:
    promises.answered(turn.progress, kept=False)
    return ask(turn, smaller=True)


class PromiseIntentHandler(TurnHandler):
    """ "The promise exercise", or the promise itself ("I promise to call when I'm late")."""

    intents = ("PromiseIntent",)

    def respond(self, turn: Turn) -> Response:
        # Words that fail the danger screen never reach here (see safety.SafetyHandler).
        text = promises.clean(turn.slot("promise"))
        if text:
            return confirm(turn, text)
        if turn.place is At.ASKING_PROMISE or isinstance(turn.place, ConfirmingPromise):
            return not_caught(turn)
        return ask(turn)


class PromiseNotCaughtHandler(TurnHandler):
    """Right after "what's your promise?", words Alexa could not place are the promise not
    caught, not an error elsewhere in the skill."""

    intents = ("AMAZON.FallbackIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place is At.ASKING_PROMISE

    def respond(self, turn: Turn) -> Response:
        return not_caught(turn)


class PromiseFollowUpHandler(TurnHandler):
    """Opening the skill a few days after a promise: the welcome asks how it went, once."""

    request_types = ("LaunchRequest",)

    def applies(self, turn: Turn) -> bool:
        progress = turn.progress
        if progress.is_new or not promises.promises(progress):
            return False  # nothing to ask about: today's date (a time-zone lookup) is not needed
        return promises.due(progress, turn.today()) is not None

    def respond(self, turn: Turn) -> Response:
        salt = arrive(turn)
        welcome = turn.catalog.prompt("welcome_back_plain", salt)
        return follow_up(turn, f"{greeting(turn, salt)} {welcome}".strip())


class ChosenPromiseHandler(TurnHandler):
    """ "An exercise" that lands on the small promise (it goes with a strategy as the others
    do), or the promise's area named after "which exercise?"."""

    intents = ("ExerciseIntent", "StrategyIntent")

    def applies(self, turn: Turn) -> bool:
        return chosen(turn) == PROMISE

    def respond(self, turn: Turn) -> Response:
        return ask(turn)
