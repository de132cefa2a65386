"""The user's "day" follows the device's time zone, looked up quickly or not at all."""

import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from trust_coach.timezone import LOOKUP_TIMEOUT_SECONDS, local_date


@contextmanager
def settings_api(zone: str, delay: float = 0.0) -> Iterator[tuple[str, list[str]]]:
    """A local stand-in for the Alexa Settings API; yields its URL and the paths it was asked."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            time.sleep(delay)
            body = json.dumps(zone).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            except BrokenPipeError:
                pass  # the skill gave up waiting, as it should

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def with_api(device, url):
    original = device.envelope

    def envelope(request):
        event = original(request)
        event["context"]["System"]["apiEndpoint"] = url
        event["context"]["System"]["apiAccessToken"] = "token"
        return event

    device.envelope = envelope


def test_local_date_crosses_midnight_by_zone():
    moment = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    assert local_date(moment, "UTC") == "2026-05-01"
    assert local_date(moment, "America/Los_Angeles") == "2026-04-30"
    assert local_date(moment, "Not/AZone") == "2026-05-01"


def test_tip_day_follows_the_device_zone_and_is_asked_once_per_session(device):
    # 03:30 UTC on May 1st is still April 30th in Los Angeles.
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with settings_api("America/Los_Angeles") as (url, asked):
        with_api(device, url)
        device.launch()
        device.intent("DailyTipIntent")
        device.intent("DailyTipIntent")
    assert len(asked) == 1 and asked[0].endswith("/settings/System.timeZone")
    assert device.attributes["progress"]["tip_date"] == "2026-04-30"


def test_a_slow_settings_api_falls_back_to_utc_quickly(device):
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with settings_api("America/Los_Angeles", delay=LOOKUP_TIMEOUT_SECONDS + 1) as (url, _):
        with_api(device, url)
        device.launch()
        started = time.monotonic()
        device.intent("DailyTipIntent")
        elapsed = time.monotonic() - started
    assert elapsed < LOOKUP_TIMEOUT_SECONDS + 0.5
    assert device.attributes["progress"]["tip_date"] == "2026-05-01"


def test_remote_plain_http_is_never_asked(device):
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with_api(device, "http://example.com")
    device.launch()
    device.intent("DailyTipIntent")
    assert device.attributes["progress"]["tip_date"] == "2026-05-01"
