"""The self-hosted endpoint through Flask's test client: verified requests reach the skill,
everything else gets a short 4xx and the endpoint goes on serving."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alexa_signing import CERT_URL, SigningPki, body_of
from conftest import assert_within_limits
from hypothesis import given
from hypothesis import strategies as st

from trust_coach.app import build_skill
from trust_coach.store import user_key
from trust_coach_tools.device import DEFAULT_SKILL_ID, Device
from trust_coach_tools.signing_certs import SigningCertificates
from trust_coach_tools.web import MAX_BODY_BYTES, create_app, nested_too_deeply

OTHER_SKILL = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture(scope="module")
def pki() -> SigningPki:
    return SigningPki()


@pytest.fixture
def clock(pki) -> Clock:
    return Clock(pki.now)


@pytest.fixture
def certificates(pki, clock) -> SigningCertificates:
    chains = {CERT_URL: pki.chain_pem()}
    return SigningCertificates(load=chains.__getitem__, roots=[pki.root], clock=clock)


@pytest.fixture
def client(store, certificates, clock):
    app = create_app(
        build_skill(store=store, skill_id=DEFAULT_SKILL_ID),
        skill_id=DEFAULT_SKILL_ID,
        certificates=certificates,
        clock=clock,
    )
    return app.test_client()


def launch(moment: datetime, request_type: str = "LaunchRequest", **changes: Any) -> dict:
    device = Device(lambda event: {}, skill_id=changes.pop("skill_id", DEFAULT_SKILL_ID))
    device.clock = moment
    event = device.envelope({"type": request_type, **changes})
    return event


def post_signed(client, pki, event: dict, **header_changes: str):
    body = body_of(event)
    headers = {**pki.headers(body), **header_changes}
    return client.post("/", data=body, headers={k: v for k, v in headers.items() if v})


def assert_rejected(response, status: int = 400) -> dict:
    assert response.status_code == status
    assert response.is_json
    answer = response.get_json()
    assert set(answer) == {"error"}
    text = response.get_data(as_text=True)
    for internal in ("Traceback", 'File "', "Exception", "trust_coach", "werkzeug"):
        assert internal not in text
    return answer


# -- accepted -----------------------------------------------------------------------------


def test_a_signed_request_reaches_the_skill(client, pki):
    response = post_signed(client, pki, launch(pki.now))
    assert response.status_code == 200
    answer = assert_within_limits(response.get_json())
    assert "Trust Coach" in answer["response"]["outputSpeech"]["ssml"]
    assert answer["response"]["shouldEndSession"] is False


def test_a_whole_conversation_runs_through_the_verified_endpoint(client, pki):
    def send(event: dict[str, Any]) -> dict[str, Any]:
        response = post_signed(client, pki, event)
        assert response.status_code == 200, response.get_data(as_text=True)
        return assert_within_limits(response.get_json())

    device = Device(send)
    device.clock = pki.now
    device.launch()
    device.intent("AMAZON.StopIntent")
    assert not device.session_open


def test_steady_state_costs_one_chain_walk_in_all(client, pki, certificates):
    for _ in range(10):
        assert post_signed(client, pki, launch(pki.now)).status_code == 200
    assert certificates.validations == 1


def test_timestamps_just_inside_the_tolerance_are_accepted(client, pki):
    for offset in (timedelta(seconds=-149), timedelta(seconds=149)):
        assert post_signed(client, pki, launch(pki.now + offset)).status_code == 200


def test_a_skill_event_may_be_an_hour_old(client, pki):
    event = launch(pki.now - timedelta(seconds=3500), "AlexaSkillEvent.SkillEnabled")
    event["request"]["eventCreationTime"] = event["request"]["timestamp"]
    assert post_signed(client, pki, event).status_code == 200


def test_health_answers_without_verification(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


# -- refused by verification -----------------------------------------------------------


def test_a_tampered_body_is_rejected(client, pki):
    body = body_of(launch(pki.now))
    headers = pki.headers(body)
    tampered = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    answer = assert_rejected(client.post("/", data=tampered, headers=headers))
    assert "verification" in answer["error"]


def test_a_signature_by_another_key_is_rejected(client, pki):
    body = body_of(launch(pki.now))
    forged = SigningPki(now=pki.now).signature(body)
    assert_rejected(
        client.post("/", data=body, headers={**pki.headers(body), "Signature-256": forged})
    )


def test_a_signature_that_is_not_base64_is_rejected(client, pki):
    assert_rejected(
        post_signed(client, pki, launch(pki.now), **{"Signature-256": "!!not base64!!"})
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "https://notamazon.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert-test.pem",
    ],
)
def test_a_certificate_url_outside_amazons_is_rejected(client, pki, url):
    assert_rejected(post_signed(client, pki, launch(pki.now), SignatureCertChainUrl=url))


@pytest.mark.parametrize("missing", ["Signature-256", "SignatureCertChainUrl"])
def test_missing_signature_headers_are_rejected(client, pki, missing):
    assert_rejected(post_signed(client, pki, launch(pki.now), **{missing: ""}))


def test_an_unsigned_request_is_rejected(client, pki):
    assert_rejected(client.post("/", data=body_of(launch(pki.now))))


def _serve_chain(pki, clock, store, chain: bytes):
    certificates = SigningCertificates(load=lambda url: chain, roots=[pki.root], clock=clock)
    skill = build_skill(store=store, skill_id=DEFAULT_SKILL_ID)
    return create_app(skill, certificates=certificates, clock=clock).test_client()


def test_an_expired_signing_certificate_is_rejected(pki, clock, store):
    expired = pki.issue(
        pki.leaf_key, not_before=pki.now - timedelta(days=30), not_after=pki.now - timedelta(days=1)
    )
    client = _serve_chain(pki, clock, store, pki.chain_pem(expired))
    assert_rejected(post_signed(client, pki, launch(pki.now)))


def test_a_signing_certificate_for_another_name_is_rejected(pki, clock, store):
    client = _serve_chain(
        pki, clock, store, pki.chain_pem(pki.issue(pki.leaf_key, san="api.example.com"))
    )
    assert_rejected(post_signed(client, pki, launch(pki.now)))


def test_a_signing_chain_from_an_unknown_ca_is_rejected(pki, clock, store):
    stranger = SigningPki(now=pki.now)
    client = _serve_chain(pki, clock, store, stranger.chain_pem())
    body = body_of(launch(pki.now))
    headers = {**pki.headers(body), "Signature-256": stranger.signature(body)}
    assert_rejected(client.post("/", data=body, headers=headers))


@pytest.mark.parametrize("offset", [timedelta(seconds=-151), timedelta(seconds=151)])
def test_a_request_outside_150_seconds_is_rejected(client, pki, offset):
    assert_rejected(post_signed(client, pki, launch(pki.now + offset)))


def test_a_skill_event_older_than_an_hour_is_rejected(client, pki):
    event = launch(pki.now - timedelta(seconds=3601), "AlexaSkillEvent.SkillEnabled")
    event["request"]["eventCreationTime"] = event["request"]["timestamp"]
    assert_rejected(post_signed(client, pki, event))


def test_a_request_for_another_skill_is_rejected(client, pki, store):
    event = launch(pki.now, skill_id=OTHER_SKILL)
    assert_rejected(post_signed(client, pki, event))


# -- refused before verification ---------------------------------------------------------


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe\x00", b"", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_json_is_rejected(client, body):
    answer = assert_rejected(client.post("/", data=body))
    assert answer["error"] in {"body is not JSON", "body is not an Alexa request envelope"}


@pytest.mark.parametrize(
    "envelope",
    [
        {},
        {"version": "1.0"},
        {"version": "1.0", "request": "LaunchRequest"},
        {"version": "1.0", "request": {"type": "LaunchRequest"}},
        {"version": "1.0", "request": {"type": "Nonsense", "requestId": "x", "timestamp": "x"}},
        {
            "version": "1.0",
            "request": {"type": "LaunchRequest", "requestId": "x", "timestamp": "not a time"},
        },
    ],
)
def test_json_that_is_not_a_request_envelope_is_rejected(client, envelope):
    answer = assert_rejected(client.post("/", data=json.dumps(envelope)))
    assert answer == {"error": "body is not an Alexa request envelope"}


def test_a_body_over_the_limit_is_rejected(client, pki):
    event = launch(pki.now)
    event["session"]["attributes"] = {"padding": "x" * MAX_BODY_BYTES}
    answer = assert_rejected(post_signed(client, pki, event), status=413)
    assert answer == {"error": "request body too large"}


def test_other_methods_and_paths_get_short_answers(client):
    assert assert_rejected(client.get("/"), status=405) == {"error": "method not allowed"}
    assert assert_rejected(client.post("/admin", data="{}"), status=404) == {"error": "not found"}


def test_the_endpoint_keeps_serving_after_bad_requests(client, pki):
    client.post("/", data=b"not json")
    post_signed(client, pki, launch(pki.now), **{"Signature-256": "AAAA"})
    client.post("/", data=b"x" * (MAX_BODY_BYTES + 1))
    assert post_signed(client, pki, launch(pki.now)).status_code == 200


def test_a_rejection_is_logged_as_one_line_without_a_traceback(client, pki, caplog):
    post_signed(client, pki, launch(pki.now), **{"Signature-256": "AAAA"})
    rejected = [r for r in caplog.records if "request rejected" in r.getMessage()]
    assert [r.getMessage() for r in rejected] == [
        "request rejected: signature does not match the body"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_the_skill_never_runs_for_a_rejected_request(client, pki, store):
    stale, fresh = launch(pki.now - timedelta(hours=1)), launch(pki.now)
    assert_rejected(post_signed(client, pki, stale))
    assert post_signed(client, pki, fresh).status_code == 200
    # The accepted launch left progress behind; the rejected one left nothing.
    assert store.read(user_key(fresh["session"]["user"]["userId"])) is not None
    assert store.read(user_key(stale["session"]["user"]["userId"])) is None


# -- malformed requests: a 4xx with a reason, never a 5xx (issue 16 item 2) -------------


@pytest.mark.parametrize(
    "url",
    [
        "https://[x/echo.api/a.pem",
        "https://s3.amazonaws.com:abc/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/\u00e9.pem",
        "https://s3.amazonaws.com/echo.api/%zz.pem",
        "https://s3.amazonaws.com/echo.api/%2e%2e/evil/x.pem",
        "https://169.254.169.254@s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem?x=1",
        "https://s3.amazonaws.com/echo.api/" + "a" * 5000,
        "\x00",
    ],
)
def test_a_malformed_certificate_url_is_refused_with_a_reason(client, pki, url, caplog):
    answer = assert_rejected(post_signed(client, pki, launch(pki.now), SignatureCertChainUrl=url))
    assert "verification" in answer["error"]
    assert not [r for r in caplog.records if r.exc_info]  # one line, no traceback
    assert any("certificate URL" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("signature", ["A" * 5000, "====", "\u00e9\u00e9"])
def test_a_malformed_signature_is_refused(client, pki, signature):
    assert_rejected(post_signed(client, pki, launch(pki.now), **{"Signature-256": signature}))


def _nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


@pytest.mark.parametrize(
    "body",
    [
        _nested(1000),  # 2 KB
        _nested(20000),  # deeper than the JSON parser's own recursion limit
        '{"a":' * 1000 + "1" + "}" * 1000,
        '{"version": "1.0", "x": ' + _nested(5000) + "}",
    ],
)
def test_a_deeply_nested_body_is_refused_before_it_is_parsed(client, body):
    answer = assert_rejected(client.post("/", data=body))
    assert answer == {"error": "body is nested too deeply"}


def test_deep_session_attributes_are_refused_even_without_verification(store, pki):
    # The body passes as an envelope; the skill would copy the attributes (RecursionError).
    app = create_app(build_skill(store=store), verify_requests=False, skill_id=None)
    event = launch(pki.now)
    body = body_of(event).replace(
        b'"new": true', b'"new": true, "attributes": ' + _nested(1000, '{"a":', "}").encode()
    )
    body = body.replace(b'{"a":}', b'{"a":1}')
    answer = assert_rejected(app.test_client().post("/", data=body))
    assert answer == {"error": "body is nested too deeply"}


def test_nesting_up_to_the_limit_is_read(store, pki):
    # GIVEN session attributes nested as deep as the limit allows, in a real envelope
    from trust_coach_tools.web import MAX_JSON_DEPTH

    app = create_app(build_skill(store=store), verify_requests=False, skill_id=None)
    event = launch(pki.now)
    inner: Any = 1
    for _ in range(MAX_JSON_DEPTH - 3):  # the envelope, session and attributes take three
        inner = {"a": inner}
    event["session"]["attributes"] = {"deep": inner}
    assert json_depth(body_of(event)) == MAX_JSON_DEPTH
    # WHEN it is posted THEN the skill answers it
    assert app.test_client().post("/", data=body_of(event)).status_code == 200


def json_depth(body: bytes) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for character in body.decode():
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


# -- local use without verification -----------------------------------------------------


@pytest.fixture
def insecure_client(store):
    return create_app(build_skill(store=store), verify_requests=False, skill_id=None).test_client()


def test_without_verification_an_unsigned_request_is_answered(insecure_client, pki):
    response = insecure_client.post("/", data=body_of(launch(datetime.now(UTC))))
    assert response.status_code == 200
    assert_within_limits(response.get_json())


def test_without_verification_the_skill_id_is_still_checked(store, pki):
    app = create_app(build_skill(store=store), verify_requests=False, skill_id=DEFAULT_SKILL_ID)
    client = app.test_client()
    assert client.post("/", data=body_of(launch(pki.now))).status_code == 200
    assert_rejected(client.post("/", data=body_of(launch(pki.now, skill_id=OTHER_SKILL))))


def test_the_skill_id_comes_from_the_environment_as_on_lambda(store, pki, monkeypatch):
    monkeypatch.setenv("SKILL_ID", OTHER_SKILL)
    client = create_app(build_skill(store=store), verify_requests=False).test_client()
    assert_rejected(client.post("/", data=body_of(launch(pki.now))))
    assert client.post("/", data=body_of(launch(pki.now, skill_id=OTHER_SKILL))).status_code == 200


def test_a_failure_inside_the_sdk_is_a_short_500(store, pki, monkeypatch):
    # GIVEN a skill that itself expects another skill id, so the SDK refuses to dispatch
    monkeypatch.delenv("SKILL_ID", raising=False)
    skill = build_skill(store=store, skill_id=OTHER_SKILL)
    client = create_app(skill, verify_requests=False, skill_id=None).test_client()
    # WHEN a request reaches it THEN the answer is a bare 500 with nothing from inside
    response = client.post("/", data=body_of(launch(pki.now)))
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal error"}


def test_a_request_without_a_context_is_refused_not_a_500(store, pki):
    # Found by tests/test_fuzz_endpoint.py: the session named this skill, the context nothing,
    # and the SDK's own skill id check failed on the missing context with a 500.
    app = create_app(build_skill(store=store), verify_requests=False, skill_id=DEFAULT_SKILL_ID)
    event = launch(pki.now)
    del event["context"]
    assert_rejected(app.test_client().post("/", data=body_of(event)))


# -- the server -------------------------------------------------------------------------


def test_the_server_is_waitress_as_published(store):
    # GIVEN the app WHEN make_server builds its server THEN it is waitress's own, with the
    # chosen thread count and the body limit, and no private arguments in the module
    from pathlib import Path

    import trust_coach_tools.web as web

    app = create_app(build_skill(store=store), verify_requests=False, skill_id=None)
    server = web.make_server(app, "127.0.0.1", 0)
    try:
        assert server.adj.threads == web.THREADS
        assert server.adj.max_request_body_size == MAX_BODY_BYTES
        assert server.adj.connection_limit == web.CONNECTION_LIMIT
        assert server.adj.channel_timeout == web.CHANNEL_TIMEOUT_SECONDS
        assert server.adj.asyncore_use_poll  # select() stops at 1,024 descriptors
        assert type(server.task_dispatcher).__module__.startswith("waitress.")
    finally:
        server.close()
    assert "_dispatcher" not in Path(web.__file__).read_text(encoding="utf-8")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n', max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\a', max_size=4), children, max_size=3)
    ),
    max_leaves=40,
)


@given(json_values, st.integers(0, 12))
def test_the_depth_check_agrees_with_the_json_itself(value, limit):
    text = json.dumps(value, ensure_ascii=False)
    assert nested_too_deeply(text, limit) == (json_depth(text.encode()) > limit)


class _Limits:
    """A stand-in for the resource module's open-file limits."""

    RLIMIT_NOFILE = 7
    RLIM_INFINITY = -1

    def __init__(self, soft: int, hard: int, may_raise: bool = True) -> None:
        self.soft, self.hard, self.may_raise = soft, hard, may_raise

    def getrlimit(self, which: int) -> tuple[int, int]:
        return self.soft, self.hard

    def setrlimit(self, which: int, limits: tuple[int, int]) -> None:
        if not self.may_raise:
            raise ValueError("not allowed")
        self.soft, self.hard = limits


@pytest.mark.parametrize(
    ("soft", "hard", "may_raise", "expected_limit", "expected_soft"),
    [
        (20000, 20000, True, 1000, 20000),  # room already: nothing changes
        (1024, 524288, True, 1000, 1064),  # Debian's usual soft limit: raised as ulimit -n would
        (1024, 1024, True, 960, 1024),  # cannot be raised: fewer connections, room kept
        (1024, 524288, False, 960, 1024),  # not allowed to raise it
        (-1, -1, True, 1000, -1),  # unlimited
    ],
)
def test_the_connection_limit_fits_the_open_file_limit(
    monkeypatch, soft, hard, may_raise, expected_limit, expected_soft
):
    import sys

    import trust_coach_tools.web as web

    limits = _Limits(soft, hard, may_raise)
    monkeypatch.setitem(sys.modules, "resource", limits)
    assert web.connection_limit(1000) == expected_limit
    assert limits.soft == expected_soft
