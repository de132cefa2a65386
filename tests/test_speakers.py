"""Two people, one Echo: each recognised speaker's own record, on both stores.

GIVEN one account with two speakers Alexa recognises (voice profiles, skill personalization
on) and a voice it does not WHEN their sessions interleave THEN each hears only their own
promise and place, the unrecognised voice the account's as before; forgetting is per person,
then the household; SkillDisabled forgets everyone on the account; and when both partners
answer in one session (the listening timer, the promise exercise), the skill speaks as it
always did and each partner's promise goes to that partner's record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import assert_within_limits
from dynamodb_server import CallLog

from trust_coach import promises
from trust_coach.app import build_skill, handle_event
from trust_coach.content import catalog_for
from trust_coach.handlers.tips import todays_tip
from trust_coach.speech import readable
from trust_coach.state import Progress
from trust_coach.store.base import ProgressStore, StoreError, person_key, user_key
from trust_coach.store.dynamodb import DynamoDbStore
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device

CATALOG = catalog_for("en-US")
START = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
ACCOUNT = "amzn1.ask.account.HOUSEHOLD"
ALEX, SAM = "amzn1.ask.person.ALEX", "amzn1.ask.person.SAM"
ECHO = "amzn1.ask.device.KITCHEN"
ALEX_PROMISE, SAM_PROMISE = "text when I'm running late", "put my phone away at dinner"


def said(device: Device) -> str:
    return readable(device.ssml)


def variants(key: str) -> list[str]:
    return CATALOG.files["prompts"][key]


def heard_one_of(device: Device, key: str, **values: str) -> bool:
    return any(v.format(**values) in said(device) for v in variants(key))


def summary_of(number: int) -> str:
    return CATALOG.strategy(number).summary[:40]


@pytest.fixture(params=["sqlite", "dynamodb"])
def household_store(request, tmp_path) -> ProgressStore:
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "household.sqlite3")
    return request.getfixturevalue("dynamodb_store")


class Household:
    """One account on one Echo: a device per voice, so their sessions can interleave."""

    def __init__(self, store: ProgressStore, account: str = ACCOUNT) -> None:
        self.store = store
        self.skill = build_skill(store=store, skill_id=None)
        self.requests = 0
        self.account = account
        self.alex = self.voice(ALEX)
        self.sam = self.voice(SAM)
        self.guest = self.voice(None)  # a voice Alexa does not recognise

    def send(self, event: dict[str, Any]) -> dict[str, Any]:
        # Numbered requests: the words' variants (chosen by request id) repeat run to run.
        self.requests += 1
        event["request"]["requestId"] = f"amzn1.echo-api.request.{self.requests}"
        return assert_within_limits(handle_event(self.skill, event))

    def voice(self, person_id: str | None) -> Device:
        device = Device(self.send, user_id=self.account, device_id=ECHO)
        device.person_id = person_id
        device.clock = START
        return device

    def days_later(self, days: int) -> None:
        for device in (self.alex, self.sam, self.guest):
            device.clock = START + timedelta(days=days)

    def record(self, person_id: str | None):
        key = user_key(self.account) if person_id is None else person_key(self.account, person_id)
        return self.store.read(key)


def promise(device: Device, words: str) -> None:
    device.intent("PromiseIntent", promise=words)
    device.intent("AMAZON.YesIntent")


def stored_text(store: ProgressStore) -> str:
    """Everything the store holds, keys included, as text."""
    if isinstance(store, DynamoDbStore):
        items = store.client.scan(TableName=store.table_name)["Items"]
        return json.dumps(items)
    rows = store._connection().execute("SELECT * FROM progress").fetchall()
    return json.dumps(rows)


def interleaved_week(home: Household) -> None:
    """Alex and Sam each on a strategy with a promise, the guest on another, sessions mixed."""
    home.alex.launch()
    home.sam.launch()
    home.alex.intent("StrategyIntent", strategy="2")
    home.guest.launch()
    home.sam.intent("StrategyIntent", strategy="5")
    promise(home.alex, ALEX_PROMISE)
    home.guest.intent("StrategyIntent", strategy="3")
    promise(home.sam, SAM_PROMISE)
    for device in (home.guest, home.alex, home.sam):
        device.intent("AMAZON.StopIntent")


# Each their own ---------------------------------------------------------------------------
def test_each_recognised_speaker_hears_only_their_own_promise_and_place(household_store):
    home = Household(household_store)
    interleaved_week(home)
    home.days_later(2)

    home.sam.launch()  # Sam is asked about Sam's promise, never Alex's
    assert SAM_PROMISE in said(home.sam) and ALEX_PROMISE not in said(home.sam)
    home.alex.launch()
    assert ALEX_PROMISE in said(home.alex) and SAM_PROMISE not in said(home.alex)
    home.guest.launch()  # the account's record, as before: no promise, strategy three
    assert ALEX_PROMISE not in said(home.guest) and SAM_PROMISE not in said(home.guest)
    assert CATALOG.strategy(3).name in said(home.guest)

    home.alex.intent("AMAZON.YesIntent")  # kept it
    home.sam.intent("AMAZON.NoIntent")  # did not: a smaller one is asked for
    home.alex.intent("ResumeIntent")
    assert summary_of(2) in said(home.alex)
    home.sam.intent("AMAZON.StopIntent")
    home.sam.launch()
    home.sam.intent("ResumeIntent")
    assert summary_of(5) in said(home.sam)

    alex, sam, guest = home.record(ALEX), home.record(SAM), home.record(None)
    assert promises.counts(alex) == {"heard": 1, "kept": 1, "missed": 0}
    assert promises.counts(sam) == {"heard": 1, "kept": 0, "missed": 1}
    assert promises.promises(guest) == [] and guest.last_strategy == 3
    assert (alex.visits, sam.visits, guest.visits) == (2, 3, 2)
    text = stored_text(household_store)
    for raw in (ACCOUNT, ALEX, SAM, "ALEX", "SAM", "HOUSEHOLD"):
        assert raw not in text  # keys are hashes; nothing raw is stored


def test_a_turn_alexa_recognises_no_one_in_keeps_the_sessions_record(household_store):
    home = Household(household_store)
    home.alex.launch()
    home.alex.person_id = None  # mid-session, Alexa could not tell who spoke
    home.alex.intent("StrategyIntent", strategy="4")
    home.alex.intent("AMAZON.StopIntent")
    assert home.record(ALEX).last_strategy == 4
    assert home.record(None) is None


def test_a_session_naming_another_accounts_record_cannot_write_to_it(household_store):
    home = Household(household_store)
    home.alex.launch()
    home.alex.intent("StrategyIntent", strategy="2")
    before = home.record(ALEX)
    intruder = Device(home.send, user_id="amzn1.ask.account.OTHER")
    intruder.launch()
    intruder.attributes["owner"] = person_key(ACCOUNT, ALEX)  # a forged session
    intruder.intent("StrategyIntent", strategy="6")
    assert home.record(ALEX) == before
    assert household_store.read(user_key(intruder.user_id)).last_strategy == 6


# Forgetting -------------------------------------------------------------------------------
def test_a_recognised_person_forgets_only_their_own_then_may_keep_the_household(
    household_store,
):
    home = Household(household_store)
    interleaved_week(home)
    home.alex.launch()
    home.alex.intent("ForgetProgressIntent")
    assert heard_one_of(home.alex, "forget_confirm_person")
    home.alex.intent("AMAZON.YesIntent")
    assert heard_one_of(home.alex, "forget_done_person")
    assert heard_one_of(home.alex, "forget_household_offer") and home.alex.session_open
    assert home.record(ALEX) is None
    assert home.record(SAM) is not None and home.record(None) is not None
    home.alex.intent("AMAZON.NoIntent")
    assert heard_one_of(home.alex, "forget_household_kept") and not home.alex.session_open
    assert promises.promises(home.record(SAM))[0].text == SAM_PROMISE
    assert home.record(None).last_strategy == 3


def test_a_recognised_person_may_forget_the_whole_household(household_store):
    home = Household(household_store)
    interleaved_week(home)
    neighbours = Household(household_store, account="amzn1.ask.account.NEXT_DOOR")
    interleaved_week(neighbours)
    home.sam.launch()
    home.sam.intent("ForgetProgressIntent")
    home.sam.intent("AMAZON.YesIntent")
    home.sam.intent("AMAZON.YesIntent")  # everyone's too
    assert heard_one_of(home.sam, "forget_household_done") and not home.sam.session_open
    assert [home.record(p) for p in (ALEX, SAM, None)] == [None, None, None]
    assert all(neighbours.record(p) is not None for p in (ALEX, SAM, None))

    home.alex.launch()  # Alex starts fresh too
    assert variants("welcome_first")[0] in said(home.alex)


def test_an_unrecognised_voice_forgets_the_accounts_record_as_before(household_store):
    home = Household(household_store)
    interleaved_week(home)
    home.guest.launch()
    home.guest.intent("ForgetProgressIntent")
    assert heard_one_of(home.guest, "forget_confirm")
    home.guest.intent("AMAZON.YesIntent")
    assert heard_one_of(home.guest, "forget_done") and not home.guest.session_open
    assert home.record(None) is None
    assert home.record(ALEX) is not None and home.record(SAM) is not None


def test_skill_disabled_forgets_everyone_on_the_account_and_no_one_else(household_store):
    home = Household(household_store)
    interleaved_week(home)
    neighbours = Household(household_store, account="amzn1.ask.account.NEXT_DOOR")
    interleaved_week(neighbours)
    home.guest.skill_event("AlexaSkillEvent.SkillDisabled")
    assert [home.record(p) for p in (ALEX, SAM, None)] == [None, None, None]
    assert all(neighbours.record(p) is not None for p in (ALEX, SAM, None))


# Both partners in one session -------------------------------------------------------------
def test_each_partners_promise_in_one_session_goes_to_that_partners_record(household_store):
    home = Household(household_store)
    echo = home.alex  # one session on the Echo; who speaks changes
    echo.launch()
    echo.intent("PromiseIntent")
    promise(echo, ALEX_PROMISE)
    echo.person_id = SAM
    echo.intent("PromiseIntent", promise=SAM_PROMISE)
    echo.person_id = ALEX  # Alex says yes to Sam's promise: it is still Sam's
    echo.intent("AMAZON.YesIntent")
    assert heard_one_of(echo, "promise_kept_for_you") and echo.session_open
    echo.intent("AMAZON.StopIntent")

    alex, sam = home.record(ALEX), home.record(SAM)
    assert [p.text for p in promises.promises(alex)] == [ALEX_PROMISE]
    assert [p.text for p in promises.promises(sam)] == [SAM_PROMISE]
    # Each counted once, in its own record; the launch is Alex's visit.
    assert alex.exercises_done == {"promise": 1} and sam.exercises_done == {"promise": 1}
    assert (alex.visits, sam.visits) == (1, 0)
    assert home.record(None) is None

    home.days_later(1)
    home.sam.launch()
    assert SAM_PROMISE in said(home.sam) and ALEX_PROMISE not in said(home.sam)
    home.alex.launch()
    assert ALEX_PROMISE in said(home.alex) and SAM_PROMISE not in said(home.alex)


def timer_run(device: Device, speakers: list[str]) -> list[str]:
    """The listening timer, start to close, each answer said by the next of `speakers`."""
    steps = [
        ("ListeningIntent", {"minutes": "1"}),
        ("AMAZON.NextIntent", {}),
        ("AMAZON.NextIntent", {}),
        ("SwitchRolesIntent", {}),
        ("AMAZON.NextIntent", {}),
    ]
    heard = []
    for number, (intent, values) in enumerate(steps):
        device.person_id = speakers[number % len(speakers)]
        device.intent(intent, **values)
        heard.append(device.ssml)
    return heard


def test_the_listening_timer_speaks_as_before_when_both_partners_answer(
    household_store, tmp_path
):
    alone = Household(SqliteStore(tmp_path / "alone.sqlite3"))
    together = Household(household_store)
    alone.alex.launch()
    together.alex.launch()
    one_voice = timer_run(alone.alex, [ALEX])
    two_voices = timer_run(together.alex, [ALEX, SAM])
    assert two_voices == one_voice  # "the speaker" and "the listener", as always
    assert "speaks first" in readable(two_voices[0])
    assert together.alex.session_open
    together.alex.end_session()  # after the close was heard
    # The run is Alex's, who started it: counted once, finished, nothing left partway.
    alex = together.record(ALEX)
    assert alex.exercises_done == {"listening": 1} and alex.exercise is None
    assert together.record(SAM) is None

    together.alex.person_id = SAM  # after the close, Sam's own answer is Sam's
    together.alex.intent("StrategyIntent", strategy="5")
    together.alex.intent("AMAZON.StopIntent")
    assert together.record(SAM).last_strategy == 5
    assert together.record(ALEX).last_strategy is None


class SwitchableStore(SqliteStore):
    """A store that can be taken down: every call fails while `down` is true."""

    down = False

    def read(self, key: str):
        if self.down:
            raise StoreError("unreachable")
        return super().read(key)

    def write(self, key: str, progress, expected_version: int) -> None:
        if self.down:
            raise StoreError("unreachable")
        super().write(key, progress, expected_version)


def test_a_switch_waits_for_the_copy_in_hand_to_be_saved_losing_and_doubling_nothing(tmp_path):
    store = SwitchableStore(tmp_path / "outage.sqlite3")
    home = Household(store)
    echo = home.alex
    echo.launch()
    echo.intent("BreathingIntent", rounds="1")
    echo.intent("AMAZON.NextIntent")  # a finished exercise, saved
    before = home.record(ALEX)
    store.down = True
    echo.intent("StrategyIntent", strategy="2")  # Alex's, not saved: the store is down
    echo.person_id = SAM
    echo.intent("StrategyIntent", strategy="5")  # still down: the session keeps Alex's copy
    store.down = False
    assert home.record(SAM) is None and home.record(ALEX) == before

    echo.intent("StrategyIntent", strategy="6")  # Alex's copy is saved first, then Sam's
    echo.intent("AMAZON.StopIntent")
    alex, sam = home.record(ALEX), home.record(SAM)
    assert (alex.visits, alex.exercises_done) == (1, before.exercises_done)  # counted once
    assert sum(alex.exercises_done.values()) == 1
    assert alex.last_strategy == 5 and sam.last_strategy == 6
    assert sam.strategies_heard == [6] and {2, 5} <= set(alex.strategies_heard)


def test_the_store_is_read_once_per_session_and_speaker(dynamodb_store):
    home = Household(dynamodb_store)
    calls = CallLog(dynamodb_store.client)
    echo = home.alex
    echo.launch()  # Alex's record: one read
    timer_run(echo, [ALEX, SAM])  # Sam answers in the timer: Alex's still, no read
    assert calls.take()["GetItem"] == 1
    echo.person_id = SAM
    echo.intent("StrategyIntent", strategy="5")  # Sam's own answer: Sam's record, one read
    echo.intent("AMAZON.NextIntent")
    assert calls.take()["GetItem"] == 1
    echo.person_id = None  # no one recognised: the session's record, no read
    echo.intent("AMAZON.NextIntent")
    assert calls.take()["GetItem"] == 0


def tips_over(home: Household, device: Device, days: int) -> list[str]:
    heard = []
    for day in range(days):
        device.clock = START + timedelta(days=day)
        device.launch()
        device.intent("DailyTipIntent")
        device.intent("AMAZON.StopIntent")
        heard.append(home.record(device.person_id).tip_id)
    return heard


def test_each_recognised_speaker_has_their_own_tip_order_and_the_account_keeps_its(tmp_path):
    home = Household(SqliteStore(tmp_path / "tips.sqlite3"))
    alex, sam, guest = (tips_over(home, d, 4) for d in (home.alex, home.sam, home.guest))
    assert alex != sam and alex != guest and sam != guest
    # The account's order is the one it always had: seeded by the account's user id.
    progress = Progress()
    tips = CATALOG.tips
    assert guest == [todays_tip(progress, tips, f"day{n}", ACCOUNT).id for n in range(4)]
    assert len(set(alex)) == len(set(sam)) == 4  # and each hears no tip twice


def test_an_answer_about_one_partners_record_stays_with_that_record(household_store):
    home = Household(household_store)
    promise(home.alex, ALEX_PROMISE)  # a session of Alex's own
    home.alex.intent("AMAZON.StopIntent")
    home.days_later(2)
    echo = home.alex
    echo.launch()  # how did Alex's promise go?
    assert ALEX_PROMISE in said(echo)
    echo.person_id = SAM  # Sam answers for Alex: it is still Alex's promise that was kept
    echo.intent("AMAZON.YesIntent")
    assert promises.counts(home.record(ALEX))["kept"] == 1 and home.record(SAM) is None

    echo.person_id = ALEX
    echo.intent("ForgetProgressIntent")  # Alex asks; Sam's yes forgets Alex's, not Sam's
    echo.person_id = SAM
    echo.intent("AMAZON.YesIntent")
    assert heard_one_of(echo, "forget_done_person") and home.record(ALEX) is None
