"""Deleting what the skill remembers: "forget my progress" with a yes/no, and SkillDisabled."""

from __future__ import annotations

import logging

import pytest
from conftest import assert_within_limits

from trust_coach.app import build_skill, handle_event
from trust_coach.content import catalog_for
from trust_coach.speech import readable
from trust_coach.state import Progress
from trust_coach.store.base import StoreError, user_key
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device
from trust_coach_tools.nlu import Understanding

CATALOG = catalog_for("en-US")


def said(device: Device) -> str:
    return readable(device.ssml)


def variants(key: str) -> list[str]:
    return CATALOG.files["prompts"][key]


def heard_one_of(device: Device, key: str) -> bool:
    return any(v in said(device) for v in variants(key))


def returning_user(device: Device, strategy: str = "4") -> None:
    """A user with stored progress, in an open session."""
    device.launch()
    device.intent("StrategyIntent", strategy=strategy)
    device.intent("AMAZON.StopIntent")
    device.launch()


class FailingRemoveStore(SqliteStore):
    """An embedded store whose deletions fail, as if the table were unreachable."""

    def remove(self, key: str) -> None:
        raise StoreError("unreachable")

    def remove_account(self, account: str) -> None:
        raise StoreError("unreachable")


class SwitchableStore(SqliteStore):
    """An embedded store that can be taken down, counting the calls made while down."""

    down = False
    calls_while_down = 0

    def _check(self) -> None:
        if self.down:
            self.calls_while_down += 1
            raise StoreError("unreachable")

    def read(self, key: str) -> Progress | None:
        self._check()
        return super().read(key)

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        self._check()
        super().write(key, progress, expected_version)

    def remove(self, key: str) -> None:
        self._check()
        super().remove(key)

    def remove_account(self, account: str) -> None:
        self._check()
        super().remove_account(account)


# GIVEN a returning user WHEN they ask to forget THEN they are asked first
def test_forget_asks_for_a_yes_or_no_before_deleting(device, store):
    returning_user(device)
    device.intent("ForgetProgressIntent")
    assert heard_one_of(device, "forget_confirm")
    assert device.session_open and "yes" in readable(device.reprompt_ssml).lower()
    assert store.read(user_key(device.user_id)).last_strategy == 4


def test_yes_deletes_the_record_and_the_sessions_copy(device, store):
    returning_user(device)
    device.intent("ForgetProgressIntent")
    response = device.intent("AMAZON.YesIntent")
    assert heard_one_of(device, "forget_done")
    assert not device.session_open
    assert store.read(user_key(device.user_id)) is None
    # The session's copy is emptied too, so nothing of it can be saved again.
    assert response["sessionAttributes"]["progress"] == Progress().to_dict()

    device.launch()  # next time: a fresh start, not "welcome back"
    assert variants("welcome_first")[0] in said(device)
    stored = store.read(user_key(device.user_id))
    assert stored.visits == 1 and stored.strategies_heard == [] and stored.last_strategy is None


def test_no_keeps_everything(device, store):
    returning_user(device)
    before = store.read(user_key(device.user_id))
    device.intent("ForgetProgressIntent")
    device.intent("AMAZON.NoIntent")
    assert heard_one_of(device, "forget_kept")
    assert device.session_open
    assert store.read(user_key(device.user_id)) == before
    device.intent("ResumeIntent")
    assert CATALOG.strategy(4).summary[:40] in said(device)


def test_cancel_during_the_question_keeps_everything(device, store):
    returning_user(device)
    before = store.read(user_key(device.user_id))
    device.intent("ForgetProgressIntent")
    device.intent("AMAZON.CancelIntent")
    assert not device.session_open
    assert store.read(user_key(device.user_id)) == before


def test_when_deleting_fails_the_user_is_told_nothing_was_forgotten(tmp_path, caplog):
    store = FailingRemoveStore(tmp_path / "progress.sqlite3")
    skill = build_skill(store=store)
    device = Device(lambda event: assert_within_limits(handle_event(skill, event)))
    returning_user(device)
    device.intent("ForgetProgressIntent")
    with caplog.at_level(logging.WARNING):
        device.intent("AMAZON.YesIntent")
    assert heard_one_of(device, "forget_failed")
    assert store.read(user_key(device.user_id)).last_strategy == 4
    assert "forgetting progress failed" in caplog.text
    assert device.user_id not in caplog.text


def test_a_failed_deletion_makes_one_store_call_and_forgets_nothing(tmp_path):
    store = SwitchableStore(tmp_path / "progress.sqlite3")
    skill = build_skill(store=store)
    device = Device(lambda event: assert_within_limits(handle_event(skill, event)))
    returning_user(device, strategy="2")
    store.down = True
    device.intent("StrategyIntent", strategy="3")  # not saved: a save is pending
    device.intent("ForgetProgressIntent")
    store.calls_while_down = 0
    device.intent("AMAZON.YesIntent")
    assert heard_one_of(device, "forget_failed")
    assert store.calls_while_down == 1  # the deletion only: no save is tried after it failed

    store.down = False
    device.launch()
    assert CATALOG.strategy(2).name in said(device)  # welcomed back: nothing was forgotten


def test_forgetting_on_one_device_is_not_undone_by_another(make_device, store):
    kitchen = make_device()
    returning_user(kitchen, strategy="2")
    bedroom = make_device(user_id=kitchen.user_id)
    bedroom.launch()
    bedroom.intent("ForgetProgressIntent")
    bedroom.intent("AMAZON.YesIntent")

    kitchen.intent("StrategyIntent", strategy="3")  # its session still holds the old copy
    assert CATALOG.strategy(3).summary[:40] in said(kitchen)
    assert store.read(user_key(kitchen.user_id)) is None


def test_forget_my_progress_is_understood_and_forget_it_still_cancels():
    understanding = Understanding.for_locale("en-US")
    for words in (
        "forget my progress",
        "delete my data",
        "please forget my progress",
        "clear my history",
    ):
        assert understanding.resolve(words).intent == "ForgetProgressIntent", words
    assert understanding.resolve("forget it").intent == "AMAZON.CancelIntent"


# Skill events -----------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "dynamodb"])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "events.sqlite3")
    return request.getfixturevalue("dynamodb_store")


def test_skill_disabled_deletes_that_users_record_and_says_nothing(any_store, caplog):
    skill = build_skill(store=any_store)
    send = lambda event: assert_within_limits(handle_event(skill, event))  # noqa: E731
    leaving, staying = Device(send), Device(send)
    for device in (leaving, staying):
        returning_user(device)
    with caplog.at_level(logging.DEBUG):
        response = leaving.skill_event(
            "AlexaSkillEvent.SkillDisabled", {"userInformationPersistenceStatus": "PERSISTED"}
        )
    assert "outputSpeech" not in (response.get("response") or {})
    assert any_store.read(user_key(leaving.user_id)) is None
    assert any_store.read(user_key(staying.user_id)).last_strategy == 4
    assert user_key(leaving.user_id) in caplog.text
    assert leaving.user_id not in caplog.text


def test_other_skill_events_are_answered_and_delete_nothing(device, store):
    returning_user(device)
    response = device.skill_event("AlexaSkillEvent.SkillEnabled")
    assert "outputSpeech" not in (response.get("response") or {})
    assert store.read(user_key(device.user_id)).last_strategy == 4


def test_a_failed_deletion_fails_the_invocation_instead_of_apologising(tmp_path):
    skill = build_skill(store=FailingRemoveStore(tmp_path / "progress.sqlite3"))
    device = Device(lambda event: handle_event(skill, event))
    with pytest.raises(StoreError):
        device.skill_event("AlexaSkillEvent.SkillDisabled")
