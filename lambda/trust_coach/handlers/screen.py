"""The breathing circle's end-of-chunk event: the screen asks for what comes next.

A chunk's document ends with a UserEvent naming the exercise and the segments it covered
(`screen/breathing.py`). If the conversation is still there, the next chunk follows, or,
after the last, the close and the offer of what next; an event from a document the
conversation has moved on from gets an empty answer.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach import guided
from trust_coach.handlers.base import TurnHandler
from trust_coach.places import InExercise
from trust_coach.screen import chunk_event
from trust_coach.turn import Turn


class ChunkDoneHandler(TurnHandler):
    request_types = ("Alexa.Presentation.APL.UserEvent",)

    def applies(self, turn: Turn) -> bool:
        return chunk_event(turn) is not None

    def respond(self, turn: Turn) -> Response:
        place = turn.place
        if not isinstance(place, InExercise) or not guided.chunk_is_current(
            turn, chunk_event(turn)
        ):
            return turn.handler_input.response_builder.response
        if place.done:  # the last chunk has played: the close, then what next
            return guided.repeat(turn)
        return guided.go_on(turn)
