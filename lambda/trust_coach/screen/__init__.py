"""Echo Show: what the screen shows for each place in the conversation, the breathing circle
that moves with the spoken cues, and the touch buttons.

Voice stays the product: a device without `Alexa.Presentation.APL` gets exactly the answer it
got before this package existed, and nothing here can stop an answer being spoken (a failure
leaves the spoken answer as it was). Documents are data (`apl/*.json`); this package fills them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trust_coach.turn import Turn

_CHUNK_LEAD = "guided_chunk_lead"
# A breathing document's last command sends this, with the exercise and the chunk it played.
CHUNK_EVENT = "chunk"


def chunk_event(turn: Turn) -> tuple[str, str] | None:
    """The exercise and the `following` segment a breathing document's end-of-chunk event
    names, if this request is one: the document sends it when its last phase has played."""
    request = turn.handler_input.request_envelope.request
    if getattr(request, "object_type", None) != "Alexa.Presentation.APL.UserEvent":
        return None
    arguments = [str(argument) for argument in getattr(request, "arguments", None) or []]
    if len(arguments) != 4 or arguments[0] != CHUNK_EVENT:
        return None
    return arguments[1], arguments[3]


def note_chunk(turn: Turn, lead: list[str]) -> None:
    """Called by `guided.speak`: this turn speaks a chunk of an exercise, after `lead`.

    A screen shows that chunk as it is spoken, and a sound bed plays under it
    (`presentation.py`); other answers given mid-exercise (help, pause) are not chunks."""
    turn.handler_input.attributes_manager.request_attributes[_CHUNK_LEAD] = list(lead)


def noted_chunk(turn: Turn) -> list[str] | None:
    """The lead of the chunk this turn speaks, if it speaks one."""
    return turn.handler_input.attributes_manager.request_attributes.get(_CHUNK_LEAD)
