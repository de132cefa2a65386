"""Guided exercises in conversation: start, go on, pause, repeat, start over, stop, resume.

The place in the session says which exercise, how many rounds, and which segments the last
response covered; the progress keeps the point to resume from in a later session. Every
exercise, breathing or reflection, goes through the same functions here.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Response

from trust_coach.exercises import (
    SETTLE_SECONDS,
    Exercise,
    Library,
    chunk_end,
    duration_seconds,
    library_for,
    number,
    said_length,
    spoken_seconds,
)
from trust_coach.handlers.base import TurnHandler, slot_value
from trust_coach.handlers.choosing import chosen_by_word, exercise_request, start_chosen
from trust_coach.handlers.followups import register
from trust_coach.turn import Turn

EXERCISE_AREA = "exercise"
CHOICE_AREA = "exercise_choice"  # the skill just asked which exercise
CONTINUE = "exercise_continue"  # pending: a "yes" goes on with the exercise
CHOICE = "exercise_resume_choice"  # pending: "yes" resumes the exercise, "no" the strategy
SHORT_PAUSE = 0.8
WEEK_DAYS = 7


def library(turn: Turn) -> Library:
    return library_for(turn.catalog)


# Where the user is -----------------------------------------------------------------------
def in_exercise(turn: Turn) -> bool:
    """Mid-exercise in this session (not finished): controls act on the exercise."""
    return after_exercise(turn) and not turn.place.get("done")


def after_exercise(turn: Turn) -> bool:
    """In this session's exercise, finished or not: "repeat" and "start over" still act on it."""
    place = turn.place
    return place.get("area") == EXERCISE_AREA and _readable(turn, place, "rounds", "at", "next")


def unfinished(turn: Turn) -> dict[str, Any] | None:
    """The exercise the user left partway, in this or an earlier session, if any."""
    saved = turn.progress.exercise
    return saved if _readable(turn, saved, "rounds", "step") else None


def _readable(turn: Turn, record: Any, *counts: str) -> bool:
    """A known exercise id and whole-number counts: anything else (content changed, a damaged
    record, a tampered session) is treated as no exercise rather than failing the turn."""
    return (
        isinstance(record, dict)
        and library(turn).known(record.get("id"))
        and all(type(record.get(key)) is int for key in counts)
    )


# Speaking the exercise ---------------------------------------------------------------------
def start(turn: Turn, exercise: Exercise, rounds: int | None = None, note: str = "") -> Response:
    rounds = exercise.clamp_rounds(rounds)
    opening = opening_for(turn, exercise)
    lead = [note, opening, exercise.posture, plan(turn, exercise, rounds, f"{note} {opening}")]
    return speak(turn, exercise, rounds, 0, lead)


def opening_for(turn: Turn, exercise: Exercise) -> str:
    """The full introduction the first time; later a short one, varied from run to run."""
    done = turn.progress.exercises_done.get(exercise.id, 0)
    return exercise.intro[(done - 1) % len(exercise.intro)] if done else exercise.about


def plan(turn: Turn, exercise: Exercise, rounds: int, opening: str | None = None) -> str:
    """What will happen, said before the first breath: how many rounds or steps, how long.
    `opening` is what is said before it (the introduction unless given)."""
    return _plan(turn, exercise, rounds, run_seconds(turn, exercise, rounds, opening))


def _plan(turn: Turn, exercise: Exercise, rounds: int, seconds: float) -> str:
    length = length_words(turn, seconds)
    if exercise.is_timer:
        return turn.say("exercise_plan_timer", turn=turn_words(turn, rounds), length=length)
    if not exercise.is_breathing:
        return turn.say("exercise_plan_steps", steps=len(exercise.steps), length=length)
    if rounds == 1:
        return turn.say("exercise_plan_one_round", length=length)
    return turn.say("exercise_plan_rounds", rounds=rounds, length=length)


def run_seconds(
    turn: Turn, exercise: Exercise, rounds: int | None = None, opening: str | None = None
) -> float:
    """How long a run takes to hear, from its timeline: the exercise's own words and pauses
    (`Exercise.length_seconds`), the prompts `speak` ends a response with, the plan sentence
    and the pause before the offer that follows the close."""
    rounds = exercise.clamp_rounds(rounds)
    if opening is None:
        opening = opening_for(turn, exercise)
    more = "exercise_timer_more" if exercise.is_timer else "exercise_round_done"
    seconds = exercise.length_seconds(
        rounds,
        opening=opening,
        step_prompt=turn.say("exercise_step_prompt"),
        more_prompt=turn.say(more, round=rounds),
    )
    # The plan says the length, so its own words are counted from a first draft of it.
    return seconds + spoken_seconds(_plan(turn, exercise, rounds, seconds)) + SHORT_PAUSE


def length_words(turn: Turn, seconds: float) -> str:
    """A length the way a person says it, within 15% (`said_length`)."""
    said = said_length(seconds)
    if said is None:
        return turn.say("exercise_length_short")
    if said == 60:
        return turn.say("exercise_length_one_minute")
    if said == 75:
        return turn.say("exercise_length_over_a_minute")
    if said == 90:
        return turn.say("exercise_length_minute_and_half")
    if said % 60:
        return turn.say("exercise_length_minutes_and_half", minutes=said // 60)
    return turn.say("exercise_length_minutes", minutes=said // 60)


def turn_words(turn: Turn, seconds: float) -> str:
    """A speaker's turn, said plainly: "one minute", "2 minutes", "30 seconds"."""
    if seconds < 60:
        return turn.say("exercise_turn_seconds", seconds=int(seconds))
    if round(seconds / 60) == 1:
        return turn.say("exercise_turn_one_minute")
    return turn.say("exercise_turn_minutes", minutes=round(seconds / 60))


def limit_note(turn: Turn, exercise: Exercise, asked: int | None, by_length: bool) -> str:
    """Said when a request is beyond the exercise's limits, rather than changing it silently:
    `asked` is the rounds (a timer: seconds a turn) before the limits, `by_length` whether
    they came from a length ("breathe for 20 minutes") rather than a count."""
    if asked is None or exercise.clamp_rounds(asked) == asked:
        return ""
    limit = exercise.clamp_rounds(asked)
    if exercise.is_timer:
        key = "exercise_limit_longest_turn" if asked > limit else "exercise_limit_shortest_turn"
        return turn.say(key, limit=turn_words(turn, limit))
    if not by_length:
        key = "exercise_limit_most_rounds" if asked > limit else "exercise_limit_fewest_rounds"
        return turn.say(key, rounds=limit)
    seconds = limit * exercise.round_seconds
    # Whole minutes are said as they are; anything else as about so long.
    words = turn_words(turn, seconds) if seconds % 60 == 0 else length_words(turn, seconds)
    return turn.say("exercise_limit_longest", limit=words)


def speak(
    turn: Turn, exercise: Exercise, rounds: int, begin: int, lead: list[str] | None = None
) -> Response:
    """Say the chunk of the exercise that starts at segment `begin`, then ask to go on."""
    segments = exercise.segments(rounds)
    begin = max(0, min(begin, len(segments) - 1))
    end = chunk_end(segments, begin, exercise.budget)
    lead = list(lead or [])
    if segments[begin].timed and not lead:  # back into a turn partway: say how long is left
        left = sum(
            s.seconds for s in segments[begin:] if s.timed and s.step == segments[begin].step
        )
        lead = [turn.say("exercise_timer_resumed", left=turn_words(turn, round(left)))]
    speech = turn.speech(*lead)
    if speech:
        speech.pause(SETTLE_SECONDS)
    for segment in segments[begin:end]:
        speech.raw(segment.ssml)
    place = {"area": EXERCISE_AREA, "id": exercise.id, "rounds": rounds, "at": begin, "next": end}
    # When this chunk starts playing, to tell later which part an interruption cut into.
    place["spoken_at"] = turn.now.timestamp() + spoken_seconds(" ".join(lead)) + SETTLE_SECONDS
    if end >= len(segments):
        turn.place = {**place, "done": True}
        finish(turn, exercise)
        speech.say(exercise.close).pause(SHORT_PAUSE).say(exercise.next_offer)
        return turn.ask(speech, exercise.next_reprompt, pending=exercise.next_action)
    turn.place = place
    last = segments[end - 1]
    # A reflection step is not done until the user has had their time with it.
    keep(turn, exercise, rounds, end - 1 if last.wait else end)
    if last.wait:
        speech.say(last.prompt or turn.say("exercise_step_prompt"))
        return turn.ask(speech, turn.say("exercise_step_reprompt"), pending=CONTINUE)
    if exercise.is_timer:  # a turn longer than one response: the clock goes on when asked
        speech.say(turn.say("exercise_timer_more"))
        return turn.ask(speech, turn.say("exercise_timer_more_reprompt"), pending=CONTINUE)
    speech.say(turn.say("exercise_round_done", round=end))
    return turn.ask(speech, turn.say("exercise_round_done_reprompt"), pending=CONTINUE)


def keep(turn: Turn, exercise: Exercise, rounds: int, step: int) -> None:
    """Remember where to pick up, for a later session."""
    turn.progress.exercise = {"id": exercise.id, "rounds": rounds, "step": step}
    turn.progress.position_at = turn.now.timestamp()


def finish(turn: Turn, exercise: Exercise) -> None:
    """Record a finished exercise: a count per exercise, its last date, the practice day."""
    progress = turn.progress
    today = turn.today()
    progress.exercises_done[exercise.id] = progress.exercises_done.get(exercise.id, 0) + 1
    progress.last_practice[exercise.id] = today
    progress.record_practice(today)
    progress.exercise = None
    progress.position_at = turn.now.timestamp()


def current(turn: Turn) -> tuple[Exercise, int, int, int]:
    """The exercise in this session's place: (exercise, rounds, chunk start, next segment)."""
    place = turn.place
    exercise = library(turn).get(place["id"])
    return exercise, int(place["rounds"]), int(place["at"]), int(place["next"])


def hold(turn: Turn) -> None:
    """After an interruption mid-turn, go on later from the slice of silence it cut into.

    Only a timer's turn is held this way: the request's time, less when its chunk started
    playing, says how far the turn had got. Elsewhere "continue" goes on after the chunk.
    """
    exercise, rounds, begin, following = current(turn)
    started = turn.place.get("spoken_at")
    if not exercise.is_timer or not isinstance(started, int | float):
        return
    segments = exercise.segments(rounds)
    elapsed = turn.now.timestamp() - started
    turn_starts = exercise.turn_starts(rounds)
    for position in range(begin, min(following, len(segments))):
        elapsed -= segments[position].seconds
        if elapsed < 0:
            # Cut into the turn's silence, or before it began: go on with the rest of it.
            if segments[position].timed or position in turn_starts:
                turn.place = {**turn.place, "next": position}
            return


def go_on(turn: Turn) -> Response:
    exercise, rounds, _, following = current(turn)
    return speak(turn, exercise, rounds, following)


def repeat(turn: Turn) -> Response:
    exercise, rounds, begin, _ = current(turn)
    if turn.place.get("done"):  # say the close again; the practice is already recorded
        speech = turn.speech(exercise.close).pause(SHORT_PAUSE).say(exercise.next_offer)
        return turn.ask(speech, exercise.next_reprompt, pending=exercise.next_action)
    return speak(turn, exercise, rounds, begin)


def previous(turn: Turn) -> Response:
    exercise, rounds, begin, _ = current(turn)
    return speak(turn, exercise, rounds, max(begin - 1, 0))


def start_over(turn: Turn) -> Response:
    exercise, rounds, _, _ = current(turn)
    again = turn.say("exercise_start_over")
    lead = [again, exercise.posture, plan(turn, exercise, rounds, again)]
    return speak(turn, exercise, rounds, 0, lead)


def resume_saved(turn: Turn) -> Response:
    """Pick up the unfinished exercise from the progress, at its step."""
    saved = unfinished(turn)
    if saved is None:  # gone meanwhile (forgotten on another device) or a damaged session
        from trust_coach.handlers.resume import resume

        return resume(turn)
    exercise = library(turn).get(saved["id"])
    rounds = exercise.clamp_rounds(saved["rounds"])
    step = saved["step"]
    if exercise.is_timer:  # a turn cut off in an earlier session starts again
        segments = exercise.segments(rounds)
        step = exercise.step_starts(rounds)[segments[min(step, len(segments) - 1)].step]
        lead = turn.say("exercise_resume_timer", name=exercise.name)
        return speak(turn, exercise, rounds, step, [lead])
    key = "exercise_resume_round" if exercise.is_breathing else "exercise_resume_step"
    lead = turn.say(key, name=exercise.name, round=step + 1, step=step + 1)
    return speak(turn, exercise, rounds, step, [lead, exercise.posture])


def resume_or_choose(turn: Turn) -> Response:
    """ "Continue" with an unfinished exercise: resume it, or ask which if a strategy waits too."""
    number_on = turn.progress.last_strategy
    if number_on is None:
        return resume_saved(turn)
    exercise = library(turn).get((unfinished(turn) or {}).get("id"))
    values = {"exercise": exercise.name, "strategy_name": turn.catalog.strategy(number_on).name}
    speech = turn.speech(turn.say("exercise_resume_choice", **values))
    return turn.ask(speech, turn.say("exercise_resume_choice_reprompt", **values), pending=CHOICE)


def resume_strategy(turn: Turn) -> Response:
    from trust_coach.handlers.strategies import read_strategy

    number_on = turn.progress.last_strategy or 1
    return read_strategy(turn, number_on, intro=turn.say("resume_intro"))


def help_text(turn: Turn) -> str:
    exercise, rounds, _, following = current(turn)
    if exercise.is_timer:
        return turn.say("exercise_help_timer", name=exercise.name)
    if exercise.is_breathing:
        return turn.say(
            "exercise_help_breathing", name=exercise.name, done=following, rounds=rounds
        )
    return turn.say(
        "exercise_help_reflection", name=exercise.name, step=following, steps=len(exercise.steps)
    )


def stop(turn: Turn) -> Response:
    """End kindly; the place stays in the progress for "continue" another time."""
    return turn.tell(turn.speech(turn.say("exercise_stopped")))


def welcome_note(turn: Turn, offers_continue: bool = True) -> str:
    """A gentle line for the welcome back: an exercise left partway, or days practised.

    `offers_continue` is false when the welcome already says "continue" for a strategy.
    """
    saved = unfinished(turn)
    if saved is not None:
        key = "exercise_unfinished" if offers_continue else "exercise_unfinished_also"
        return turn.say(key, name=library(turn).get(saved["id"]).name)
    if not turn.progress.practice_days:
        return ""
    days = practice_days_this_week(turn.progress.practice_days, turn.today())
    if days == 0:
        return ""  # never remind anyone of what they did not do
    if days == 1:
        return turn.say("exercise_practice_week_one")
    return turn.say("exercise_practice_week", days=days)


def practice_days_this_week(days: list[str], today: str) -> int:
    """Days practised in the seven days ending today (ISO dates compare as strings)."""
    from datetime import date, timedelta

    first = (date.fromisoformat(today) - timedelta(days=WEEK_DAYS - 1)).isoformat()
    return sum(1 for day in days if first <= day <= today)


def choose(turn: Turn) -> Response:
    turn.place = {"area": CHOICE_AREA}
    speech = turn.speech(turn.say("exercise_choose"))
    return turn.ask(speech, turn.say("exercise_choose_reprompt"))


def start_by_id(turn: Turn, exercise_id: str) -> Response:
    if not library(turn).known(exercise_id):
        return choose(turn)
    return start(turn, library(turn).get(exercise_id))


# Starting ----------------------------------------------------------------------------------
class BreathingHandler(TurnHandler):
    """A breathing exercise, by pattern name, number of rounds or length; defaults otherwise."""

    intents = ("BreathingIntent",)

    def respond(self, turn: Turn) -> Response:
        exercises = library(turn)
        heard = slot_value(turn, "pattern")
        exercise = exercises.find(heard)
        note = ""
        if exercise is None or not exercise.is_breathing:
            exercise = exercises.default_breathing
            if heard:
                note = turn.say("exercise_pattern_unknown", name=exercise.name)
        count = number(slot_value(turn, "rounds"))
        length = duration_seconds(slot_value(turn, "length"))
        asked = exercise.asked_rounds(count, length)
        limit = limit_note(turn, exercise, asked, by_length=count is None)
        return start(turn, exercise, asked, " ".join(filter(None, [note, limit])))


class ForgivenessHandler(TurnHandler):
    """The forgiveness reflection; "forgive myself" chooses the variant for oneself."""

    intents = ("ForgivenessIntent",)

    def respond(self, turn: Turn) -> Response:
        chosen = library(turn).find(slot_value(turn, "who"))
        if chosen is None or chosen.is_breathing:
            chosen = library(turn).get("forgiveness")
        return start(turn, chosen)


class ExerciseHandler(TurnHandler):
    """ "An exercise": the one named, else one for an area or strategy (see `choosing`)."""

    intents = ("ExerciseIntent",)

    def respond(self, turn: Turn) -> Response:
        chosen = library(turn).find(slot_value(turn, "exercise"))
        if chosen is None:
            return exercise_request(turn)
        return start(turn, chosen)


class ExerciseChoiceHandler(TurnHandler):
    """After "which exercise?", a bare "forgiveness" or "communication" is heard as a
    strategy name: it means that strategy's exercise."""

    intents = ("StrategyIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place.get("area") == CHOICE_AREA and self.chosen(turn) is not None

    @staticmethod
    def chosen(turn: Turn) -> str | None:
        return chosen_by_word(turn, slot_value(turn, "strategy"))

    def respond(self, turn: Turn) -> Response:
        ident = self.chosen(turn)
        return start_chosen(turn, ident) if ident else choose(turn)


# Mid-exercise controls: these come before the general handlers for the same intents ------
class InExerciseHandler(TurnHandler):
    def applies(self, turn: Turn) -> bool:
        return in_exercise(turn)


class ExerciseGoOnHandler(InExerciseHandler):
    intents = ("ResumeIntent", "AMAZON.NextIntent", "AMAZON.ResumeIntent")

    def respond(self, turn: Turn) -> Response:
        return go_on(turn)


class ExerciseRepeatHandler(TurnHandler):
    intents = ("AMAZON.RepeatIntent",)

    def applies(self, turn: Turn) -> bool:
        return after_exercise(turn)

    def respond(self, turn: Turn) -> Response:
        return repeat(turn)


class ExercisePreviousHandler(InExerciseHandler):
    intents = ("AMAZON.PreviousIntent",)

    def respond(self, turn: Turn) -> Response:
        return previous(turn)


class ExerciseStartOverHandler(TurnHandler):
    intents = ("AMAZON.StartOverIntent",)

    def applies(self, turn: Turn) -> bool:
        return after_exercise(turn)

    def respond(self, turn: Turn) -> Response:
        return start_over(turn)


class ExerciseHelpHandler(InExerciseHandler):
    intents = ("AMAZON.HelpIntent",)

    def respond(self, turn: Turn) -> Response:
        speech = turn.speech(help_text(turn))
        return turn.ask(speech, turn.say("exercise_help_reprompt"), pending=CONTINUE)


class ExerciseStopHandler(InExerciseHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def respond(self, turn: Turn) -> Response:
        return stop(turn)


class ExerciseFallbackHandler(InExerciseHandler):
    """Mid-reflection people may think aloud: that is not an error, so no "sorry"."""

    intents = ("AMAZON.FallbackIntent",)

    def respond(self, turn: Turn) -> Response:
        speech = turn.speech(turn.say("exercise_fallback"))
        return turn.ask(speech, turn.say("exercise_fallback_reprompt"), pending=CONTINUE)


class PauseHandler(TurnHandler):
    """ "Pause" holds the exercise where it is; elsewhere it just gives the user time."""

    intents = ("AMAZON.PauseIntent",)

    def respond(self, turn: Turn) -> Response:
        if in_exercise(turn):
            hold(turn)
            speech = turn.speech(turn.say("exercise_paused"))
            return turn.ask(speech, turn.say("exercise_paused_reprompt"), pending=CONTINUE)
        speech = turn.speech(turn.say("exercise_pause_idle"))
        return turn.ask(speech, turn.say("exercise_pause_idle_reprompt"))


class ResumePlaybackHandler(TurnHandler):
    """Alexa's own "resume", outside an exercise: the same as "continue"."""

    intents = ("AMAZON.ResumeIntent",)

    def respond(self, turn: Turn) -> Response:
        from trust_coach.handlers.resume import resume

        return resume(turn)


def _go_on_if_still_there(turn: Turn) -> Response:
    if in_exercise(turn):
        return go_on(turn)
    from trust_coach.handlers.navigation import home

    return home(turn)


register("exercise", start_by_id)
register(CONTINUE, lambda turn, _: _go_on_if_still_there(turn), lambda turn, _: stop(turn))
register(CHOICE, lambda turn, _: resume_saved(turn), lambda turn, _: resume_strategy(turn))
