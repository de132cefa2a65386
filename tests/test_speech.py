from trust_coach.speech import Speech, check_response, check_ssml, readable


def test_text_is_escaped_for_ssml():
    speech = Speech().say("Tom & Jerry <3")
    assert speech.ssml() == "<speak>Tom &amp; Jerry &lt;3</speak>"
    assert check_ssml(speech.ssml()) == []


def test_long_pauses_are_split_into_breaks_alexa_accepts():
    speech = Speech().say("Breathe in.").pause(23)
    assert speech.body.count("<break") == 3
    assert check_ssml(speech.ssml()) == []
    assert "[pause 10s]" in readable(speech.ssml())


def test_phone_numbers_are_read_digit_by_digit():
    assert '<say-as interpret-as="telephone">988</say-as>' in Speech().phone("988").body


def test_punctuation_joins_the_word_before_it():
    assert Speech().say("call").phone("911").say(".").body.endswith("</say-as>.")


def test_check_finds_each_kind_of_problem():
    assert any("not well-formed" in p for p in check_ssml("<speak>oops <break></speak>"))
    assert any("unsupported" in p for p in check_ssml("<speak><blink>hi</blink></speak>"))
    assert any("over 10" in p for p in check_ssml('<speak><break time="11s"/></speak>'))
    assert any("over 8000" in p for p in check_ssml("<speak>" + "a" * 8000 + "</speak>"))
    audio = '<audio src="https://example.com/a.mp3"/>' * 6
    assert any("audio" in p for p in check_ssml(f"<speak>{audio}</speak>"))
    assert check_ssml('<speak><amazon:emotion name="disappointed">x</amazon:emotion></speak>') == []


def test_open_session_needs_a_reprompt_and_size_is_bounded():
    open_without_reprompt = {
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>hi</speak>"},
            "shouldEndSession": False,
        }
    }
    assert "session stays open without a reprompt" in check_response(open_without_reprompt)
    huge = {"response": {"shouldEndSession": True}, "sessionAttributes": {"x": "y" * 30000}}
    assert any("bytes" in p for p in check_response(huge))


def test_one_response_holds_at_most_240_seconds_of_silence():
    assert check_ssml(Speech().pause(240).ssml()) == []
    assert any("240 s" in p for p in check_ssml(Speech().pause(241).ssml()))


def test_a_soundbank_sound_is_an_audio_tag():
    body = Speech().audio("soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_01").body
    assert body == '<audio src="soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_01"/>'
    assert check_ssml(f"<speak>{body}</speak>") == []


def test_characters_xml_forbids_are_dropped_not_sent():
    speech = Speech().say("call \x1bmom\x00 at six \ud800")
    assert speech.body.strip() == "call mom at six"
    assert check_ssml(speech.ssml()) == []
