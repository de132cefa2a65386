"""An exercise in conversation: say the chunk that starts at a segment, then ask to go on.

The place in the session (`InExercise`) says which exercise, how many rounds, and which
segments the last response covered; the progress keeps the point to resume from in a later
session. Every exercise, breathing, reflection or timer, goes through these functions; the
handlers that call them are in `handlers/exercises.py` and `handlers/listening.py`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ask_sdk_model import Response

from trust_coach.exercises import (
    SETTLE_SECONDS,
    Exercise,
    Library,
    Segment,
    chunk_end,
    said_length,
    spoken_seconds,
)
from trust_coach.places import At, InExercise
from trust_coach.questions import Ask, Question
from trust_coach.screen import chunk_event, note_chunk
from trust_coach.speech import Speech
from trust_coach.telemetry import EXERCISES_FINISHED, count
from trust_coach.turn import Turn

SHORT_PAUSE = 0.8
# A request this close to a chunk's estimated end counts as after it (see `cut_into`).
HEARD_ALLOWANCE = 2.0
WEEK_DAYS = 7
GO_ON = Question(Ask.EXERCISE_CONTINUE)
STOP_OR_GO_ON = Question(Ask.STOP_EXERCISE)
CHOOSE = Question(Ask.CHOOSE_EXERCISE)


def library(turn: Turn) -> Library:
    return turn.bounds.library


# Where the user is -------------------------------------------------------------------------
def in_exercise(turn: Turn) -> bool:
    """Mid-exercise in this session (not finished): controls act on the exercise."""
    place = turn.place
    return isinstance(place, InExercise) and not place.done


def after_exercise(turn: Turn) -> bool:
    """In this session's exercise, finished or not: "repeat" and "start over" still act on it."""
    return isinstance(turn.place, InExercise)


def finished(turn: Turn) -> bool:
    """This session's exercise has just ended: its closing offer was the last question."""
    place = turn.place
    return isinstance(place, InExercise) and place.done


def current(turn: Turn) -> tuple[Exercise, InExercise]:
    """The exercise in this session's place, and the place."""
    place = turn.place
    if not isinstance(place, InExercise):
        raise LookupError("not in an exercise")
    return library(turn).get(place.exercise), place


def unfinished(turn: Turn) -> dict[str, Any] | None:
    """The exercise the user left partway, in this or an earlier session, if any (already
    checked against the content when the progress was read)."""
    return turn.progress.exercise


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


def start_by_id(turn: Turn, exercise_id: str) -> Response:
    if not library(turn).known(exercise_id):
        return choose(turn)
    return start(turn, library(turn).get(exercise_id))


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
    note_chunk(turn, lead)  # a screen shows it, a sound bed plays under it (presentation.py)
    speech = turn.speech(*lead)
    if speech:
        speech.pause(SETTLE_SECONDS)
    for segment in segments[begin:end]:
        speech.raw(segment.ssml)
    # When this chunk starts playing, to tell later which part an interruption cut into.
    spoken_at = turn.now.timestamp() + spoken_seconds(" ".join(lead)) + SETTLE_SECONDS
    turn.place = InExercise(exercise.id, rounds, begin, end, spoken_at)
    if end >= len(segments):
        # Counted once the end could have been heard: the next request says (`catch_up`).
        keep(turn, exercise, rounds, begin)
        return _close(turn, exercise, speech)
    last = segments[end - 1]
    # A reflection step is not done until the user has had their time with it.
    keep(turn, exercise, rounds, end - 1 if last.wait else end)
    if last.wait:
        speech.say(last.prompt or turn.say("exercise_step_prompt"))
        return turn.ask(speech, turn.say("exercise_step_reprompt"), GO_ON)
    if exercise.is_timer:  # a turn longer than one response: the clock goes on when asked
        speech.say(turn.say("exercise_timer_more"))
        return turn.ask(speech, turn.say("exercise_timer_more_reprompt"), GO_ON)
    speech.say(turn.say("exercise_round_done", round=end))
    return turn.ask(speech, turn.say("exercise_round_done_reprompt"), GO_ON)


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
    count(EXERCISES_FINISHED)


def _close(turn: Turn, exercise: Exercise, speech: Speech) -> Response:
    speech.say(exercise.close).pause(SHORT_PAUSE).say(exercise.next_offer)
    return turn.ask(speech, exercise.next_reprompt, exercise.next_action)


def catch_up(turn: Turn) -> None:
    """Before any handler: how much of the exercise's last response was heard.

    Alexa plays a response to its end unless the person cuts in ("Alexa, pause", "Alexa,
    stop", any request): the time between that response and this request says which segment
    was playing. Cut short, the place is held at that segment, in the session and for a later
    visit; heard to the end, the chunk is behind them, and a last chunk counts the exercise.
    """
    place = turn.place
    if not isinstance(place, InExercise) or place.spoken_at is None or place.done:
        return
    exercise = library(turn).get(place.exercise)
    segments = exercise.segments(place.rounds)
    elapsed = turn.now.timestamp() - place.spoken_at
    # A breathing document on a screen says when its chunk has played, exactly.
    played = chunk_is_current(turn, chunk_event(turn))
    cut = None if played else cut_into(segments, place.begin, place.following, elapsed)
    if cut is not None:
        following = step_after(segments, cut)
        turn.place = InExercise(place.exercise, place.rounds, cut, following, held=True)
        keep(turn, exercise, place.rounds, cut)
    elif place.following >= len(segments):
        turn.place = replace(place, spoken_at=None, done=True)
        finish(turn, exercise)
    else:
        turn.place = replace(place, spoken_at=None)


def chunk_is_current(turn: Turn, event: tuple[str, str] | None) -> bool:
    """Whether a screen's end-of-chunk event is about the chunk the place says is playing."""
    place = turn.place
    return (
        event is not None
        and isinstance(place, InExercise)
        and event == (place.exercise, str(place.following))
    )


def cut_into(segments: list[Segment], begin: int, following: int, elapsed: float) -> int | None:
    """The segment that was playing `elapsed` seconds into a response that said segments
    `begin` up to `following`, or None if they had all been played by then.

    Timelines are estimates (words at a speaking rate) and request times whole seconds: a
    request in the last `HEARD_ALLOWANCE` seconds counts as after the end."""
    left = elapsed - sum(s.seconds for s in segments[begin:following]) + HEARD_ALLOWANCE
    if left >= 0:
        return None
    for position in range(begin, min(following, len(segments))):
        elapsed -= segments[position].seconds
        if elapsed < 0:
            return position
    return following - 1


def step_after(segments: list[Segment], position: int) -> int:
    """The first segment of the next step (a breathing round, a reflection step, a turn)."""
    step = segments[position].step
    return next(
        (later for later in range(position + 1, len(segments)) if segments[later].step != step),
        len(segments),
    )


def go_on(turn: Turn) -> Response:
    """ "Continue": from where an interruption cut in, else after the last response."""
    exercise, place = current(turn)
    if not place.held:
        return speak(turn, exercise, place.rounds, place.following)
    return speak(turn, exercise, place.rounds, place.begin, back_to(turn, exercise, place.begin))


def back_to(turn: Turn, exercise: Exercise, position: int) -> list[str]:
    """What is said before going on from a round or step left partway: which one it is (a
    timer's turn says how long is left itself, in `speak`)."""
    if exercise.is_timer:
        return []
    key = "exercise_resume_round" if exercise.is_breathing else "exercise_resume_step"
    return [turn.say(key, name=exercise.name, round=position + 1, step=position + 1)]


def next_part(turn: Turn) -> Response:
    """ "Next": the next round or step, past one that was cut into; past the last, the close."""
    exercise, place = current(turn)
    if place.following >= len(exercise.segments(place.rounds)):
        turn.place = replace(place, spoken_at=None, held=False, done=True)
        finish(turn, exercise)
        return _close(turn, exercise, turn.speech())
    return speak(turn, exercise, place.rounds, place.following)


def repeat(turn: Turn) -> Response:
    exercise, place = current(turn)
    if place.done:  # say the close again; the practice is already recorded
        speech = turn.speech(exercise.close).pause(SHORT_PAUSE).say(exercise.next_offer)
        return turn.ask(speech, exercise.next_reprompt, exercise.next_action)
    return speak(turn, exercise, place.rounds, place.begin)


def previous(turn: Turn) -> Response:
    exercise, place = current(turn)
    return speak(turn, exercise, place.rounds, max(place.begin - 1, 0))


def start_over(turn: Turn) -> Response:
    exercise, place = current(turn)
    again = turn.say("exercise_start_over")
    lead = [again, exercise.posture, plan(turn, exercise, place.rounds, again)]
    return speak(turn, exercise, place.rounds, 0, lead)


def resume_saved(turn: Turn, saved: dict[str, Any]) -> Response:
    """Pick up an unfinished exercise from the progress, at its step."""
    exercise = library(turn).get(saved["id"])
    rounds = exercise.clamp_rounds(saved["rounds"])
    step = saved["step"]
    if exercise.is_timer:  # a turn cut off in an earlier session starts again
        segments = exercise.segments(rounds)
        step = exercise.step_starts(rounds)[segments[min(step, len(segments) - 1)].step]
        lead = turn.say("exercise_resume_timer", name=exercise.name)
        return speak(turn, exercise, rounds, step, [lead])
    return speak(turn, exercise, rounds, step, [*back_to(turn, exercise, step), exercise.posture])


def help_text(turn: Turn) -> str:
    exercise, place = current(turn)
    if exercise.is_timer:
        return turn.say("exercise_help_timer", name=exercise.name)
    if exercise.is_breathing:
        return turn.say(
            "exercise_help_breathing", name=exercise.name, done=place.following, rounds=place.rounds
        )
    return turn.say(
        "exercise_help_reflection",
        name=exercise.name,
        step=place.following,
        steps=len(exercise.steps),
    )


def stop(turn: Turn) -> Response:
    """End kindly; the place stays in the progress for "continue" another time."""
    return turn.tell(turn.speech(turn.say("exercise_stopped")))


def choose(turn: Turn) -> Response:
    """Ask which exercise (by name, or by an area of the strategies)."""
    turn.place = At.CHOOSING_EXERCISE
    speech = turn.speech(turn.say("exercise_choose"))
    return turn.ask(speech, turn.say("exercise_choose_reprompt"), CHOOSE)


# Replies mid-exercise that end it or may end it ---------------------------------------------
def waiting_for_next(turn: Turn) -> bool:
    """Whether the last response ended on a reflection step, waiting for "next" (rather than
    after a round or a slice of a turn, where "say continue, or stop" was asked)."""
    exercise, place = current(turn)
    segments = exercise.segments(place.rounds)
    return 0 < place.following <= len(segments) and segments[place.following - 1].wait


def ask_to_stop(turn: Turn) -> Response:
    """ "No" to "say next when you're ready": whether they would like to stop."""
    speech = turn.speech(turn.say("exercise_ask_stop"))
    return turn.ask(speech, turn.say("exercise_ask_stop_reprompt"), STOP_OR_GO_ON)


def enough(turn: Turn) -> Response:
    """ "I'm done" mid-exercise: its closing line, and the session ends.

    Once its last step that waits for the person has been said (a breathing exercise: its
    last round), only closing words were left, so the exercise counts as done; before that
    its place is kept for "continue", and the words say so.
    """
    exercise, place = current(turn)  # held where a cut came (`catch_up`)
    segments = exercise.segments(place.rounds)
    waiting = [segment.step for segment in segments if segment.wait]
    final = waiting[-1] if waiting else segments[-1].step
    if any(segment.step >= final for segment in segments[place.begin : place.following]):
        turn.place = replace(place, done=True)
        finish(turn, exercise)
        return turn.tell(turn.speech(turn.say("exercise_enough_done"), exercise.close))
    kept = turn.say("exercise_enough_kept", name=exercise.name)
    return turn.tell(turn.speech(turn.say("exercise_enough_paused"), exercise.close, kept))


# Said elsewhere ----------------------------------------------------------------------------
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
    first = (date.fromisoformat(today) - timedelta(days=WEEK_DAYS - 1)).isoformat()
    return sum(1 for day in days if first <= day <= today)
