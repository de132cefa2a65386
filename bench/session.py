"""The conversation every program is measured on: a returning user's 10-turn session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trust_coach_tools.device import Device

RETURNING_USER = "amzn1.ask.account.bench-returning-user"

# After the launch, nine requests a returning user might make; the last one ends the session.
TURNS: tuple[tuple[str, dict[str, str]], ...] = (
    ("ListStrategiesIntent", {}),
    ("StrategyIntent", {"strategy": "three"}),
    ("TellMeMoreIntent", {}),
    ("TryTodayIntent", {}),
    ("AMAZON.NextIntent", {}),
    ("AMAZON.RepeatIntent", {}),
    ("AMAZON.HelpIntent", {}),
    ("DailyTipIntent", {}),
    ("AMAZON.StopIntent", {}),
)
SESSION_TURNS = 1 + len(TURNS)


def play_session(device: Device, each_turn: Callable[[int], None] | None = None) -> None:
    """Launch, then the nine turns; `each_turn(i)` runs after turn i (0 is the launch).

    The turns come back to back, as in every run since the first (docs/benchmarks.md): a
    person's come seconds apart, and then "tell me more", "what to try" and "repeat" also
    move the strategy's position in time, so those turns write too."""
    device.listens_to_the_end = False
    device.launch()
    if each_turn:
        each_turn(0)
    for number, (intent, slots) in enumerate(TURNS, start=1):
        device.intent(intent, **slots)
        if each_turn:
            each_turn(number)


def launch_event(user_id: str) -> dict[str, Any]:
    """The LaunchRequest envelope a device sends, for programs run outside this process."""
    captured: list[dict[str, Any]] = []

    def keep(event: dict[str, Any]) -> dict[str, Any]:
        captured.append(event)
        return {"response": {"shouldEndSession": True}}

    Device(keep, user_id=user_id).launch()
    return captured[0]
