"""Guided exercises in conversation: start one, and the controls while it runs (go on, pause,
repeat, previous, start over, help, stop), and "continue" to one left partway.

What is said is `guided`'s; these handlers decide when each applies. The listening timer's
own controls are in `listening.py`.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Response

from trust_coach import guided
from trust_coach.choosing import (
    chosen,
    exercise_for,
    name_and_length,
    suggested,
    suggested_after,
)
from trust_coach.exercises import duration_seconds, number
from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.turn import Turn


def offer(turn: Turn, strategy_number: int) -> Response:
    """Offer the exercise for a strategy, saying its length; without one, ask which."""
    ident = exercise_for(turn, strategy_number)
    if ident is None:
        return guided.choose(turn)
    name, length = name_and_length(turn, ident)
    strategy_name = turn.catalog.strategy(strategy_number).name
    speech = turn.speech(
        turn.say("exercise_offer", strategy_name=strategy_name, exercise=name, length=length)
    )
    reprompt = turn.say("exercise_offer_reprompt", exercise=name)
    return turn.ask(speech, reprompt, Question(Ask.OFFER_EXERCISE, exercise=ident))


def suggest(turn: Turn) -> Response:
    """Today's exercise, chosen from the person's history (`choosing.rotation`), named with
    its length, and one yes/no to start it. Naming another exercise, or an area, still
    starts that one (the place says an exercise is being chosen)."""
    ident = suggested(turn)
    number_on = turn.progress.last_strategy
    if number_on is not None and exercise_for(turn, number_on) == ident:
        turn.place = At.CHOOSING_EXERCISE
        return offer(turn, number_on)  # said as the exercise of the strategy they are on
    return _suggestion(turn, ident, "exercise_suggest")


def suggest_another(turn: Turn, after: str | None) -> Response:
    """ "Something else": the next one in today's rotation."""
    return _suggestion(turn, suggested_after(turn, after), "exercise_suggest_another")


def _suggestion(turn: Turn, ident: str, key: str) -> Response:
    name, length = name_and_length(turn, ident)
    speech = turn.speech(turn.say(key, exercise=name, length=length))
    reprompt = turn.say("exercise_suggest_reprompt", exercise=name)
    turn.place = At.CHOOSING_EXERCISE
    return turn.ask(speech, reprompt, Question(Ask.SUGGEST_EXERCISE, exercise=ident))


def resume_or_choose(turn: Turn, saved: dict[str, Any]) -> Response:
    """ "Continue" with an unfinished exercise: resume it, or ask which if a strategy waits too."""
    number_on = turn.progress.last_strategy
    if number_on is None:
        return guided.resume_saved(turn, saved)
    exercise = guided.library(turn).get(saved["id"])
    values = {"exercise": exercise.name, "strategy_name": turn.catalog.strategy(number_on).name}
    speech = turn.speech(turn.say("exercise_resume_choice", **values))
    reprompt = turn.say("exercise_resume_choice_reprompt", **values)
    return turn.ask(speech, reprompt, Question(Ask.RESUME_CHOICE))


# Starting ----------------------------------------------------------------------------------
class BreathingHandler(TurnHandler):
    """A breathing exercise, by pattern name, number of rounds or length; defaults otherwise."""

    intents = ("BreathingIntent",)

    def respond(self, turn: Turn) -> Response:
        exercises = guided.library(turn)
        heard = turn.slot("pattern")
        exercise = exercises.find(heard)
        note = ""
        if exercise is None or not exercise.is_breathing:
            exercise = exercises.default_breathing
            if heard:
                note = turn.say("exercise_pattern_unknown", name=exercise.name)
        count = number(turn.slot("rounds"))
        length = duration_seconds(turn.slot("length"))
        asked = exercise.asked_rounds(count, length)
        limit = guided.limit_note(turn, exercise, asked, by_length=count is None)
        return guided.start(turn, exercise, asked, " ".join(filter(None, [note, limit])))


class ForgivenessHandler(TurnHandler):
    """The forgiveness reflection; "forgive myself" chooses the variant for oneself."""

    intents = ("ForgivenessIntent",)

    def respond(self, turn: Turn) -> Response:
        exercises = guided.library(turn)
        wanted = exercises.find(turn.slot("who"))
        if wanted is None or wanted.is_breathing:
            wanted = exercises.get("forgiveness")
        return guided.start(turn, wanted)


class ExerciseHandler(TurnHandler):
    """ "An exercise": the one named, else the one for an area or the strategy the user is on
    (see `choosing.chosen`); else today's, suggested from the person's history."""

    intents = ("ExerciseIntent",)

    def respond(self, turn: Turn) -> Response:
        ident = chosen(turn)
        if ident is not None:
            return guided.start_by_id(turn, ident)
        if turn.catalog.find_strategy(turn.slot("area")) is not None:
            return guided.choose(turn)  # an area without an exercise of its own
        return suggest(turn)


class ExerciseChoiceHandler(TurnHandler):
    """After "which exercise?", a bare "forgiveness" or "communication" is heard as a
    strategy name: it means that strategy's exercise."""

    intents = ("StrategyIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place is At.CHOOSING_EXERCISE and chosen(turn) is not None

    def respond(self, turn: Turn) -> Response:
        ident = chosen(turn)
        return guided.start_by_id(turn, ident) if ident else guided.choose(turn)


class ExerciseResumeHandler(TurnHandler):
    """ "Continue" (or Alexa's own "resume") with an exercise left partway, in this or an
    earlier session."""

    intents = ("ResumeIntent", "AMAZON.ResumeIntent")

    def applies(self, turn: Turn) -> bool:
        return guided.unfinished(turn) is not None

    def respond(self, turn: Turn) -> Response:
        saved = guided.unfinished(turn)
        return resume_or_choose(turn, saved) if saved else guided.choose(turn)


# Mid-exercise controls: these come before the general handlers for the same intents ------
class InExerciseHandler(TurnHandler):
    def applies(self, turn: Turn) -> bool:
        return guided.in_exercise(turn)


class ExerciseGoOnHandler(InExerciseHandler):
    intents = ("ResumeIntent", "AMAZON.ResumeIntent")

    def respond(self, turn: Turn) -> Response:
        return guided.go_on(turn)


class ExerciseNextHandler(InExerciseHandler):
    intents = ("AMAZON.NextIntent",)

    def respond(self, turn: Turn) -> Response:
        return guided.next_part(turn)


class ExerciseRepeatHandler(TurnHandler):
    intents = ("AMAZON.RepeatIntent",)

    def applies(self, turn: Turn) -> bool:
        return guided.after_exercise(turn)

    def respond(self, turn: Turn) -> Response:
        return guided.repeat(turn)


class ExercisePreviousHandler(InExerciseHandler):
    intents = ("AMAZON.PreviousIntent",)

    def respond(self, turn: Turn) -> Response:
        return guided.previous(turn)


class ExerciseStartOverHandler(TurnHandler):
    intents = ("AMAZON.StartOverIntent",)

    def applies(self, turn: Turn) -> bool:
        return guided.after_exercise(turn)

    def respond(self, turn: Turn) -> Response:
        return guided.start_over(turn)


class ExerciseHelpHandler(InExerciseHandler):
    intents = ("AMAZON.HelpIntent",)

    def respond(self, turn: Turn) -> Response:
        speech = turn.speech(guided.help_text(turn))
        return turn.ask(speech, turn.say("exercise_help_reprompt"), guided.GO_ON)


class ExerciseStopHandler(InExerciseHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def respond(self, turn: Turn) -> Response:
        return guided.stop(turn)


class ExerciseFallbackHandler(InExerciseHandler):
    """Mid-reflection people may think aloud: that is not an error, so no "sorry"."""

    intents = ("AMAZON.FallbackIntent",)

    def respond(self, turn: Turn) -> Response:
        speech = turn.speech(turn.say("exercise_fallback"))
        return turn.ask(speech, turn.say("exercise_fallback_reprompt"), guided.GO_ON)


class PauseHandler(TurnHandler):
    """ "Pause" holds the exercise where it is; elsewhere it just gives the user time."""

    intents = ("AMAZON.PauseIntent",)

    def respond(self, turn: Turn) -> Response:
        if guided.in_exercise(turn):  # held where it was cut into (`guided.catch_up`)
            speech = turn.speech(turn.say("exercise_paused"))
            return turn.ask(speech, turn.say("exercise_paused_reprompt"), guided.GO_ON)
        speech = turn.speech(turn.say("exercise_pause_idle"))
        return turn.ask(speech, turn.say("exercise_pause_idle_reprompt"))
