"""The couples' listening timer in conversation: start it with a turn length, switch roles,
hear the instructions again. Everything else (pause, next, stop, resume) is the exercise
engine's, in `handlers/exercises.py`.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.exercises import Exercise, duration_seconds, number
from trust_coach.handlers.base import TurnHandler, slot_value
from trust_coach.handlers.exercises import (
    CONTINUE,
    after_exercise,
    current,
    hold,
    library,
    limit_note,
    repeat,
    speak,
    start,
)
from trust_coach.turn import Turn

LISTENING = "listening"


def timer(turn: Turn) -> Exercise:
    return library(turn).get(LISTENING)


def in_timer(turn: Turn) -> bool:
    """In this session's listening timer, finished or not."""
    return after_exercise(turn) and current(turn)[0].is_timer


def switch(turn: Turn) -> Response:
    """The next speaker's turn; after the last one, the first speaker's again."""
    exercise, rounds, begin, _ = current(turn)
    turns = exercise.turn_starts(rounds)
    upcoming = [position for position in turns if position > begin]
    if upcoming:  # the next turn's own words say who speaks now
        return speak(turn, exercise, rounds, upcoming[0])
    return speak(turn, exercise, rounds, turns[0], [turn.say("exercise_timer_switch_back")])


def instructions(turn: Turn) -> Response:
    """How the timer works, then back to where the couple was (mid-turn: the time left)."""
    exercise, *_ = current(turn)
    if turn.place.get("done"):
        speech = turn.speech(exercise.steps[0].text).say(turn.say("exercise_timer_again"))
        again = turn.say("exercise_timer_again_reprompt")
        return turn.ask(speech, again, pending=f"exercise:{LISTENING}")
    hold(turn)
    speech = turn.speech(exercise.steps[0].text, turn.say("exercise_timer_instructions_after"))
    return turn.ask(speech, turn.say("exercise_step_reprompt"), pending=CONTINUE)


class ListeningHandler(TurnHandler):
    """ "The listening exercise", with a turn length in minutes or as a duration."""

    intents = ("ListeningIntent",)

    def respond(self, turn: Turn) -> Response:
        exercise = timer(turn)
        asked = exercise.asked_rounds(
            number(slot_value(turn, "minutes")), duration_seconds(slot_value(turn, "length"))
        )
        return start(turn, exercise, asked, limit_note(turn, exercise, asked, by_length=False))


class SwitchRolesHandler(TurnHandler):
    """ "Switch": in the timer, the other person's turn; elsewhere, an offer to start it."""

    intents = ("SwitchRolesIntent",)

    def respond(self, turn: Turn) -> Response:
        if in_timer(turn):
            return switch(turn)
        speech = turn.speech(turn.say("exercise_timer_offer"))
        reprompt = turn.say("exercise_timer_offer_reprompt")
        return turn.ask(speech, reprompt, pending=f"exercise:{LISTENING}")


class InstructionsHandler(TurnHandler):
    """ "Repeat the instructions": the timer's; in another exercise, its step again."""

    intents = ("InstructionsIntent",)

    def respond(self, turn: Turn) -> Response:
        if in_timer(turn):
            return instructions(turn)
        if after_exercise(turn):
            return repeat(turn)
        from trust_coach.handlers.navigation import HelpHandler

        return HelpHandler().respond(turn)
