"""Multi-turn conversations through the real Lambda handler path, on the embedded store."""

from datetime import UTC, datetime, timedelta

from trust_coach.app import handle_event
from trust_coach.content import catalog_for
from trust_coach.speech import readable
from trust_coach_tools.device import Device

CATALOG = catalog_for("en-US")


def said(device: Device) -> str:
    return readable(device.ssml)


def strategy_slot(device: Device, value: str) -> dict:
    return device.intent("StrategyIntent", strategy=value)


# GIVEN a first-time user WHEN they open the skill
def test_first_welcome_says_it_is_not_professional_help_and_offers_three_things(device):
    device.launch()
    text = said(device)
    assert "not a substitute" in text
    assert "strategies" in text and "exercise" in text and "tip" in text
    assert device.session_open and device.reprompt_ssml


def test_list_names_all_six_and_asks_which(device):
    device.launch()
    device.intent("ListStrategiesIntent")
    text = said(device)
    for strategy in CATALOG.strategies:
        assert strategy.name in text
    assert text.endswith("?") or "Which one" in text


def test_strategy_by_number_by_name_and_by_key_word(device):
    device.launch()
    strategy_slot(device, "three")
    assert CATALOG.strategy(3).summary[:40] in said(device)
    strategy_slot(device, "forgiveness")
    assert CATALOG.strategy(6).summary[:40] in said(device)
    strategy_slot(device, "expectations")
    assert CATALOG.strategy(5).summary[:40] in said(device)


def test_resolved_slot_id_wins_over_heard_words(device):
    device.launch()
    slot = {
        "name": "strategy",
        "value": "the bit about letting things go",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.x.STRATEGY",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "forgiveness", "id": "forgiveness"}}],
                }
            ]
        },
    }
    device.intent("StrategyIntent", slots={"strategy": slot})
    assert CATALOG.strategy(6).summary[:40] in said(device)


def test_unknown_or_missing_strategy_is_answered_kindly(device):
    device.launch()
    strategy_slot(device, "astrology")
    assert "didn't catch which strategy" in said(device)
    device.intent("StrategyIntent")
    assert "didn't catch which strategy" in said(device)
    assert device.session_open


def test_more_action_next_previous_repeat_from_where_the_user_is(device):
    device.launch()
    strategy_slot(device, "2")
    device.intent("TellMeMoreIntent")
    assert CATALOG.strategy(2).more[:40] in said(device)
    assert CATALOG.strategy(2).question in said(device)
    device.intent("TryTodayIntent")
    assert CATALOG.strategy(2).action in said(device)
    device.intent("AMAZON.RepeatIntent")
    assert CATALOG.strategy(2).action in said(device)
    device.intent("AMAZON.NextIntent")
    assert CATALOG.strategy(3).summary[:40] in said(device)
    device.intent("AMAZON.PreviousIntent")
    assert CATALOG.strategy(2).summary[:40] in said(device)
    device.intent("AMAZON.RepeatIntent")
    assert CATALOG.strategy(2).summary[:40] in said(device)
    device.intent("AMAZON.StartOverIntent")
    assert CATALOG.strategy(1).summary[:40] in said(device)


def test_ends_of_the_list_offer_a_way_on(device):
    device.launch()
    strategy_slot(device, "six")
    device.intent("AMAZON.NextIntent")
    assert "last of the six" in said(device)
    device.intent("AMAZON.YesIntent")
    assert CATALOG.strategy(1).summary[:40] in said(device)
    device.intent("AMAZON.PreviousIntent")
    assert "first strategy" in said(device)


def test_more_or_action_before_any_strategy_offers_the_first(device):
    device.launch()
    device.intent("TellMeMoreIntent")
    assert "haven't started" in said(device)
    device.intent("AMAZON.YesIntent")
    assert CATALOG.strategy(1).summary[:40] in said(device)


def test_yes_takes_the_first_offer(device):
    device.launch()
    strategy_slot(device, "1")
    device.intent("AMAZON.YesIntent")  # "hear more, or something to try?"
    assert CATALOG.strategy(1).more[:40] in said(device)


def test_continue_in_the_same_and_a_later_session(make_device):
    device = make_device()
    device.launch()
    device.intent("ResumeIntent")
    assert "nothing to pick up" in said(device)
    strategy_slot(device, "4")
    device.intent("ResumeIntent")
    assert CATALOG.strategy(4).summary[:40] in said(device)
    device.intent("AMAZON.StopIntent")
    assert not device.session_open

    device.launch()  # a later session: welcomed back by the strategy's name
    assert CATALOG.strategy(4).name in said(device)
    assert "continue" in said(device).lower()
    device.intent("ResumeIntent")
    assert CATALOG.strategy(4).summary[:40] in said(device)


def test_yes_to_the_welcome_back_continues(device):
    device.launch()
    strategy_slot(device, "5")
    device.end_session()
    device.launch()
    device.intent("AMAZON.YesIntent")
    assert CATALOG.strategy(5).summary[:40] in said(device)


def test_returning_welcome_varies_from_visit_to_visit(device):
    device.launch()
    strategy_slot(device, "2")
    device.end_session()
    welcomes = set()
    for _ in range(4):
        device.launch()
        welcomes.add(said(device))
        device.end_session()
    assert len(welcomes) >= 2


def test_daily_tip_same_all_day_new_next_day_no_repeats(device):
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    heard = []
    for day in range(len(CATALOG.tips)):
        device.clock = start + timedelta(days=day)
        device.launch()
        device.intent("DailyTipIntent")
        first = said(device)
        device.clock += timedelta(hours=8)
        device.intent("DailyTipIntent")
        assert "still this one" in said(device) or "same as before" in said(device)
        tip = next(t for t in CATALOG.tips if t.text in first)
        assert tip.text in said(device)
        heard.append(tip.id)
        device.end_session()
    assert len(set(heard)) == len(CATALOG.tips)
    device.clock = start + timedelta(days=len(CATALOG.tips))
    device.launch()
    device.intent("DailyTipIntent")  # a new round begins once all were heard
    assert any(t.text in said(device) for t in CATALOG.tips)


def test_different_users_start_on_different_tips(make_device):
    tips = set()
    for _ in range(6):
        device = make_device()
        device.launch()
        device.intent("DailyTipIntent")
        tips.add(said(device).split(".")[1])
    assert len(tips) >= 2


def test_help_and_fallback_depend_on_where_the_user_is(device):
    device.launch()
    device.intent("AMAZON.HelpIntent")
    top_help = said(device)
    assert "not a substitute" in top_help
    device.intent("AMAZON.FallbackIntent")
    assert "didn't" in said(device) and device.session_open
    strategy_slot(device, "3")
    device.intent("AMAZON.HelpIntent")
    assert CATALOG.strategy(3).name in said(device) and said(device) != top_help
    device.intent("AMAZON.FallbackIntent")
    assert "next" in said(device)
    device.intent("AMAZON.RepeatIntent")  # help did not lose the place
    assert CATALOG.strategy(3).summary[:40] in said(device)


def test_stop_cancel_and_no_end_kindly(make_device):
    for ending in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
        device = make_device()
        device.launch()
        device.intent(ending)
        assert not device.session_open
        assert said(device)
    device = make_device()
    device.launch()
    device.intent("DailyTipIntent")
    device.intent("AMAZON.NoIntent")
    assert "anything else" in said(device).lower()
    device.intent("AMAZON.NoIntent")
    assert not device.session_open


def test_navigate_home_returns_to_the_top(device):
    device.launch()
    strategy_slot(device, "3")
    device.intent("AMAZON.NavigateHomeIntent")
    assert "back to the start" in said(device)
    device.intent("AMAZON.HelpIntent")
    assert "six strategies" in said(device)


def test_session_ended_saves_and_says_nothing(device, store):
    device.launch()
    strategy_slot(device, "2")
    response = device.end_session()
    assert "outputSpeech" not in response["response"]
    from trust_coach.store.base import user_key

    assert store.load(user_key(device.user_id)).last_strategy == 2


def test_danger_gets_hotlines_and_no_coaching(device):
    device.launch()
    strategy_slot(device, "1")
    device.intent("CrisisIntent")
    text = said(device)
    assert "sorry" in text.lower()
    assert "911" in text and "988" in text and "1-800-799-7233" in text
    assert '<say-as interpret-as="telephone">988</say-as>' in device.ssml
    assert CATALOG.strategy(1).name not in text
    for tip in CATALOG.tips:
        assert tip.text not in text
    device.intent("AMAZON.YesIntent")
    assert "988" in said(device)
    device.intent("AMAZON.NoIntent")
    assert not device.session_open


def test_a_failing_handler_gets_a_spoken_apology(device, monkeypatch):
    from trust_coach.handlers import strategies

    def broken(turn):
        raise RuntimeError("boom")

    monkeypatch.setattr(strategies, "list_strategies", broken)
    device.launch()
    device.intent("ListStrategiesIntent")
    assert "Sorry" in said(device) and device.session_open


def test_unknown_intent_is_answered_not_raised(device):
    device.launch()
    device.intent("SomethingNewIntent")
    assert "Sorry" in said(device)


def apology_heard(device: Device) -> bool:
    return any(readable(text) in said(device) for text in CATALOG.files["prompts"]["error"])


def test_an_intent_request_naming_no_intent_gets_the_fallback_not_an_apology(device):
    # Found by fuzzing: the SDK's intent-name helper raised on it, and the user heard an apology.
    device.launch()
    envelope = device.envelope({"type": "IntentRequest"})
    device.last = device.send(envelope)
    assert "didn't" in said(device) and not apology_heard(device)


def test_a_damaged_strategy_place_counts_as_nowhere(device):
    # Found by fuzzing: help on a strategy whose number was not a number raised a TypeError.
    device.launch()
    strategy_slot(device, "3")
    for number in (None, "three", [3], 0, 99, True, 2.5):
        device.attributes["place"] = {"area": "strategy", "number": number, "part": "summary"}
        device.intent("AMAZON.HelpIntent")
        assert not apology_heard(device), number
        assert "not a substitute" in said(device)  # the top-level help
        device.attributes["place"] = {"area": "strategy", "number": number, "part": "more"}
        device.intent("AMAZON.RepeatIntent")
        assert not apology_heard(device), number


def test_skill_id_is_checked_when_configured(store):
    import pytest

    from trust_coach.app import SkillIdMismatch, build_skill

    checked = build_skill(store=store, skill_id="amzn1.ask.skill.ours")
    ours = Device(lambda e: handle_event(checked, e), skill_id="amzn1.ask.skill.ours")
    ours.launch()
    assert ours.session_open
    other = Device(lambda e: handle_event(checked, e), skill_id="amzn1.ask.skill.other")
    with pytest.raises(SkillIdMismatch):
        other.launch()


def test_progress_survives_a_new_skill_instance_on_the_same_store(store):
    from trust_coach.app import build_skill

    first = build_skill(store=store)
    device = Device(lambda e: handle_event(first, e))
    device.launch()
    strategy_slot(device, "6")
    device.intent("AMAZON.StopIntent")
    second = build_skill(store=store)
    device.send = lambda e: handle_event(second, e)
    device.launch()
    assert CATALOG.strategy(6).name in said(device)


def test_plain_welcome_back_does_not_offer_to_continue_nothing(device):
    device.launch()
    device.intent("DailyTipIntent")
    device.end_session()
    device.launch()
    assert "continue" not in readable(device.reprompt_ssml).lower()
