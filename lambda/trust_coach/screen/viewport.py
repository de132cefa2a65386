"""What a request says about its device's screen: whether it has one that runs APL, which
APL version it reports, and its size in dp (which picks the sizes the documents use)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_model import RequestEnvelope

# The documents declare this version: everything they use (AnimateItem, SpeakItem over an
# ssmlToSpeech transformer, SendEvent, SetValue, screenLock) exists in it, and every Echo
# Show in use reports it or later. A device reporting less gets the voice answer alone.
DOCUMENT_VERSION = "1.8"
# The highest version the documents are written and validated for (Amazon's apl-suggester):
# newer devices still run a 1.8 document the same way.
HIGHEST_VERSION = "2023.1"
DEFAULT_DPI = 160


@dataclass(frozen=True)
class Screen:
    """A screen that runs APL: its reported version and size in dp."""

    max_version: str
    width: int
    height: int
    tv: bool = False
    touch: bool = True

    @property
    def size(self) -> str:
        """The size class the documents' dimensions come from (`documents.SIZES`)."""
        if self.tv:
            return "tv"
        if self.height < 600:
            return "small"
        if self.height < 1000:
            return "medium"
        return "large"


def version_key(version: str) -> tuple[int, ...]:
    """ "1.8" < "1.10" < "2023.1": versions compare part by part as numbers."""
    parts: list[int] = []
    for part in version.split("."):
        parts.append(int(part) if part.isdigit() else 0)
    return tuple(parts)


def screen_of(envelope: RequestEnvelope) -> Screen | None:
    """The request's screen, or None for a device that cannot show an APL document."""
    system = envelope.context.system if envelope.context else None
    device = system.device if system else None
    interfaces = device.supported_interfaces if device else None
    apl = getattr(interfaces, "alexa_presentation_apl", None) if interfaces else None
    if apl is None:
        return None
    runtime = getattr(apl, "runtime", None)
    reported = getattr(runtime, "max_version", None) or DOCUMENT_VERSION
    if not isinstance(reported, str) or version_key(reported) < version_key(DOCUMENT_VERSION):
        return None
    viewport: Any = envelope.context.viewport if envelope.context else None
    if viewport is None:
        return Screen(reported, 960, 480)
    dpi = viewport.dpi or DEFAULT_DPI
    width = int((viewport.current_pixel_width or viewport.pixel_width or 960) * 160 / dpi)
    height = int((viewport.current_pixel_height or viewport.pixel_height or 480) * 160 / dpi)
    mode = getattr(getattr(viewport, "mode", None), "value", None)
    touch = bool(viewport.touch)
    return Screen(reported, width, height, tv=mode == "TV", touch=touch)
