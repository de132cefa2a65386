"""The couples' listening timer in conversation: start it with a turn length, switch roles,
hear the instructions again. Everything else (pause, next, stop, resume) is the exercise
handlers', in `exercises.py`.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach import guided
from trust_coach.exercises import Exercise, duration_seconds, number
from trust_coach.handlers.base import TurnHandler
from trust_coach.questions import Ask, Question
from trust_coach.turn import Turn

LISTENING = "listening"
AGAIN = Question(Ask.START_EXERCISE, exercise=LISTENING)


def timer(turn: Turn) -> Exercise:
    return guided.library(turn).get(LISTENING)


def in_timer(turn: Turn) -> bool:
    """In this session's listening timer, finished or not."""
    return guided.after_exercise(turn) and guided.current(turn)[0].is_timer


def switch(turn: Turn) -> Response:
    """The next speaker's turn; after the last one, the first speaker's again."""
    exercise, place = guided.current(turn)
    turns = exercise.turn_starts(place.rounds)
    upcoming = [position for position in turns if position > place.begin]
    if upcoming:  # the next turn's own words say who speaks now
        return guided.speak(turn, exercise, place.rounds, upcoming[0])
    back = [turn.say("exercise_timer_switch_back")]
    return guided.speak(turn, exercise, place.rounds, turns[0], back)


def instructions(turn: Turn) -> Response:
    """How the timer works, then back to where the couple was (mid-turn: the time left)."""
    exercise, place = guided.current(turn)
    if place.done:
        speech = turn.speech(exercise.steps[0].text).say(turn.say("exercise_timer_again"))
        return turn.ask(speech, turn.say("exercise_timer_again_reprompt"), AGAIN)
    speech = turn.speech(exercise.steps[0].text, turn.say("exercise_timer_instructions_after"))
    return turn.ask(speech, turn.say("exercise_step_reprompt"), guided.GO_ON)


class ListeningHandler(TurnHandler):
    """ "The listening exercise", with a turn length in minutes or as a duration."""

    intents = ("ListeningIntent",)

    def respond(self, turn: Turn) -> Response:
        exercise = timer(turn)
        asked = exercise.asked_rounds(
            number(turn.slot("minutes")), duration_seconds(turn.slot("length"))
        )
        limit = guided.limit_note(turn, exercise, asked, by_length=False)
        return guided.start(turn, exercise, asked, limit)


class SwitchRolesHandler(TurnHandler):
    """ "Switch": in the timer, the other person's turn; elsewhere, an offer to start it."""

    intents = ("SwitchRolesIntent",)

    def respond(self, turn: Turn) -> Response:
        if in_timer(turn):
            return switch(turn)
        speech = turn.speech(turn.say("exercise_timer_offer"))
        return turn.ask(speech, turn.say("exercise_timer_offer_reprompt"), AGAIN)


class InstructionsHandler(TurnHandler):
    """ "Repeat the instructions" in an exercise: the timer's; in another, its step again.
    (Elsewhere it is help: see `navigation.HelpHandler`.)"""

    intents = ("InstructionsIntent",)

    def applies(self, turn: Turn) -> bool:
        return guided.after_exercise(turn)

    def respond(self, turn: Turn) -> Response:
        return instructions(turn) if in_timer(turn) else guided.repeat(turn)
