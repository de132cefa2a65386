"""The console's screen and sound, in words: one line per change on screen, and which sound
bed plays. A breathing document is played the way a device plays it: its lead, then each
phase (the circle's motion with the cue said), then its end event asks for the next chunk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from trust_coach.speech import readable
from trust_coach_tools.device import Device

APLA = "Alexa.Presentation.APLA.RenderDocument"
MOTION = {"grow": "grows", "shrink": "shrinks", "hold": "holds"}
# How many chunk events the console follows on its own before handing back to the person.
MAX_CHUNKS = 30


def sound_lines(device: Device) -> Iterator[str]:
    """What a sound bed answer says, and the sound under it."""
    for directive in device.directives:
        if directive.get("type") == APLA:
            speech = directive["datasources"]["speech"]
            yield f"Alexa: {readable(speech['ssml'])}"
            sound = speech["sound"].rsplit("/", 1)[-1]
            yield f"Sound: {sound}, looped quietly under the speech ({speech['volume']})"


def card_line(card: dict[str, Any]) -> str:
    parts = [card.get("kicker"), card.get("title"), card.get("body")]
    parts += [f"{n['label']}: {n['number']}" for n in card.get("numbers") or []]
    if card.get("dots"):
        dots = "".join("●" if heard else "○" for heard in card["dots"])
        parts.append(f"{dots} {card.get('dotsLine', '')}".strip())
    if card.get("footer"):
        parts.append(card["footer"])
    if card.get("buttons"):
        parts.append("buttons: " + ", ".join(b["label"] for b in card["buttons"]))
    return "Screen: " + " | ".join(p for p in parts if p)


def circle(scale: float) -> str:
    return "large" if scale >= 1 else "small"


def breathing_lines(document: dict[str, Any]) -> Iterator[str]:
    """The breathing document as it plays: one line per phase."""
    properties = document["datasources"]["breathing"]["properties"]
    buttons = ", ".join(b["label"] for b in properties["buttons"])
    yield f"Screen: {properties['title']} | breathing circle | buttons: {buttons}"
    if properties.get("footer"):
        yield f"Screen: {properties['footer']}"
    (sequential,) = document["document"]["onMount"]
    for step in sequential["commands"]:
        if step["type"] == "SpeakItem":
            yield f"Alexa: {readable(properties['lead'])}"
        elif step["type"] == "Parallel":
            values = {c.get("componentId"): c.get("value") for c in step["commands"]}
            (move,) = [c for c in step["commands"] if c["type"] == "AnimateItem"]
            start = move["value"][0]["from"][0]["scale"]
            end = move["value"][0]["to"][0]["scale"]
            how = "holds" if start == end else ("grows" if end > start else "shrinks")
            round_label = f"{values['kicker']} | " if "kicker" in values else ""
            yield (
                f"Screen: {round_label}circle {how} to {circle(end)} over "
                f"{move['duration'] / 1000:g} s | Alexa: {values['cue']}"
            )


def show(device: Device, out: TextIO) -> None:
    """Print the last answer's screen and sound; play breathing chunks to the end."""
    for _ in range(MAX_CHUNKS):
        for line in sound_lines(device):
            out.write(line + "\n")
        following: list[str] | None = None
        for document in device.documents:
            data = document.get("datasources") or {}
            if "card" in data:
                out.write(card_line(data["card"]) + "\n")
            elif "breathing" in data:
                for line in breathing_lines(document):
                    out.write(line + "\n")
                following = document["document"]["onMount"][0]["commands"][-1]["arguments"]
        out.flush()
        if following is None:
            return
        device.user_event(*following)  # the document has played: it asks for the next chunk
        if device.ssml:
            out.write(f"Alexa: {readable(device.ssml)}\n")
