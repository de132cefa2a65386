"""Every APL document the skill can send, on every kind of screen, passes Amazon's validator
(apl-suggester, run offline), declares a version every Echo Show runs, and keeps its
response under 24 KB; the breathing circle's motion lasts exactly as long as each phase."""

from __future__ import annotations

import json

import pytest
from apl_suggester import findings, installed_version
from screen_runs import (
    BREATHING_DOCUMENT,
    CARD_DOCUMENT,
    LIBRARY,
    breathe,
    breathe_through,
    commands,
    rendered,
    visit_everything,
)

from trust_coach.screen.viewport import DOCUMENT_VERSION, HIGHEST_VERSION, version_key
from trust_coach.speech import MAX_RESPONSE_BYTES
from trust_coach_tools.device import SCREENS

PROFILES = tuple(SCREENS)  # Echo Show 5, 8, 15 and a TV


@pytest.fixture(scope="module")
def everything_sent(tmp_path_factory) -> dict[str, list[dict]]:
    """Each screen's responses to a visit of every place with something on screen."""
    from trust_coach.app import build_skill, handle_event
    from trust_coach.speech import check_response
    from trust_coach.store.sqlite import SqliteStore
    from trust_coach_tools.device import Device

    sent: dict[str, list[dict]] = {}
    for profile in PROFILES:
        store = SqliteStore(tmp_path_factory.mktemp(profile) / "progress.sqlite3")
        skill = build_skill(store=store, skill_id=None)

        def send(event: dict, skill=skill) -> dict:
            response = handle_event(skill, event)
            assert not check_response(response), check_response(response)
            return response

        sent[profile] = visit_everything(Device(send, screen=profile))
    return sent


def test_the_visit_shows_every_kind_of_document(everything_sent):
    for responses in everything_sent.values():
        tokens = {d["token"] for d in rendered(responses)}
        assert tokens == {CARD_DOCUMENT, BREATHING_DOCUMENT}
        cards = [
            d["datasources"]["card"] for d in rendered(responses) if "card" in d["datasources"]
        ]
        assert any(card["numbers"] for card in cards)  # the crisis numbers
        assert any(card["dots"] for card in cards)  # a strategy
        assert any(card["kicker"].startswith("Step") for card in cards)  # a reflection step


def test_every_response_stays_under_24_kb(everything_sent):
    sizes = [len(json.dumps(r).encode()) for rs in everything_sent.values() for r in rs]
    assert max(sizes) <= MAX_RESPONSE_BYTES


def test_documents_declare_a_version_every_echo_show_runs(everything_sent):
    for responses in everything_sent.values():
        for directive in rendered(responses):
            version = directive["document"]["version"]
            assert version == DOCUMENT_VERSION
            assert version_key(version) <= version_key(HIGHEST_VERSION)


@pytest.mark.slow
def test_every_document_on_every_screen_passes_apl_suggester(everything_sent):
    documents = {}
    for profile, responses in everything_sent.items():
        for index, directive in enumerate(rendered(responses)):
            documents[f"{profile}/{index}/{directive['token']}"] = directive
    results = findings(documents)
    assert set(results) == set(documents)
    assert {name: found for name, found in results.items() if found} == {}


@pytest.mark.slow
def test_the_validator_is_really_checking(everything_sent):
    """A broken copy of a real document gets findings: the check above is not a no-op."""
    installed_version()
    directive = json.loads(json.dumps(rendered(everything_sent["show8"])[0]))
    frame = directive["document"]["mainTemplate"]["items"][0]
    frame["widht"] = "10dp"  # a misspelt property
    frame["borderRadius"] = [3]  # a property of the wrong type
    (found,) = findings({"broken": directive}).values()
    assert len(found) >= 2


@pytest.mark.parametrize("pattern", [e.id for e in LIBRARY.exercises if e.is_breathing])
def test_each_phase_pairs_its_cue_with_motion_lasting_exactly_its_seconds(make_device, pattern):
    exercise = LIBRARY.get(pattern)
    device = make_device(screen="show5")
    device.launch()
    breathe(device, pattern, exercise.rounds_max)
    responses = breathe_through(device)
    durations: list[float] = []
    for directive in rendered(responses):
        if directive["token"] != BREATHING_DOCUMENT:
            continue
        steps = [c for c in commands(directive) if c["type"] == "Parallel"]
        for step in steps:
            kinds = [c["type"] for c in step["commands"]]
            assert kinds.count("SpeakItem") == 1 and kinds.count("AnimateItem") == 1
            (animation,) = [c for c in step["commands"] if c["type"] == "AnimateItem"]
            durations.append(animation["duration"] / 1000)
    expected = [phase.seconds for phase in exercise.phases] * exercise.rounds_max
    assert durations == expected


def test_each_screen_gets_its_own_sizes_and_a_tv_gets_no_buttons(everything_sent):
    first_card = {
        profile: next(d for d in rendered(responses) if d["token"] == CARD_DOCUMENT)
        for profile, responses in everything_sent.items()
    }
    title = {p: d["datasources"]["card"]["sizes"]["title"] for p, d in first_card.items()}
    points = {p: int(size.removesuffix("dp")) for p, size in title.items()}
    assert points["show5"] < points["show8"] < points["show15"]
    for profile, directive in first_card.items():
        labels = [b["label"] for b in directive["datasources"]["card"]["buttons"]]
        assert labels == ([] if profile == "tv" else ["Next", "Repeat", "Pause", "Stop"])
