"""The screen for the user's own words: does free text say someone may be in danger?

Alexa sends a call for help as CrisisIntent when it matches that intent's samples; the same
words can also arrive inside a slot that carries what the user said (a promise, or something
they shared). Every such slot goes through this one screen before its words are echoed, kept
or followed up. A match gets the safety answer, never coaching.

The screen reads phrases, not single words. `content/<locale>/danger.json` holds phrase
templates (see `templates`) in two lists: `harmless` phrases that only sound violent ("stop
hitting snooze", "hurt my feelings", "kill time") are blanked out first, then any `harm`
phrase left is a match. Contractions are spelled out first, so one template covers "I'm"
and "I am".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from trust_coach.content import Catalog

if TYPE_CHECKING:
    from trust_coach.templates import Templates

_BLANK = "~ "


class DangerScreen:
    def __init__(self, rules: dict) -> None:
        # Imported here: only a screen being made needs the notation, and a cold start whose
        # first request shares no words never makes one (see app.prepare_for_lambda).
        from trust_coach.templates import Templates

        templates = Templates(rules["templates"])
        self._contractions: dict[str, str] = rules["contractions"]
        self._harmless = _compile(templates, rules["harmless"])
        self._harm = _compile(templates, rules["harm"])

    def normalise(self, text: str) -> str:
        """Lower case, no punctuation, contractions spelled out, and a space either side."""
        words = re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'", "").replace("\u2019", ""))
        spelled = (self._contractions.get(word, word) for word in words.split())
        return f" {' '.join(spelled)} "

    def matches(self, text: str | None) -> bool:
        if not text or not text.strip():
            return False
        heard = self._harmless.sub(_BLANK, self.normalise(text))
        return self._harm.search(heard) is not None


def _compile(templates: Templates, phrases: list[str]) -> re.Pattern[str]:
    # Each template's pattern ends in a space; the look-behind makes it start at a word.
    alternatives = "|".join(templates.pattern(phrase) for phrase in phrases)
    return re.compile(f"(?<= )(?:{alternatives})")


_screens: WeakKeyDictionary[Catalog, DangerScreen] = WeakKeyDictionary()


def screen_for(catalog: Catalog) -> DangerScreen:
    """The locale's screen, compiled once per catalog."""
    if catalog not in _screens:
        _screens[catalog] = DangerScreen(catalog.files["danger"])
    return _screens[catalog]


def sounds_unsafe(catalog: Catalog, text: str | None) -> bool:
    # No words, nothing to screen: the screen is not even made (see app.prepare_for_lambda).
    if not text or not text.strip():
        return False
    return screen_for(catalog).matches(text)
