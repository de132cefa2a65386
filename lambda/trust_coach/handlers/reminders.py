"""The daily tip reminder, by voice: "remind me every day at 8", "when is my reminder", "stop
my reminders", and the permission Alexa asks for on the skill's behalf.

Whether the skill may set reminders is the API's to say: a 401 means not (yet). Then setting
one asks Alexa to ask the user (a `Connections.SendRequest` named `AskFor`), carrying the time
asked in the request's token; the answer comes back as a `Connections.Response` request, and
"accepted" sets the reminder at that time. A device that cannot ask, or a user who does not
answer, gets a permissions card in the Alexa app instead. The API calls are in `reminders.py`.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard

from trust_coach.budget import api_timeout
from trust_coach.handlers.base import TurnHandler
from trust_coach.questions import Ask, Question
from trust_coach.reminders import (
    DEFAULT_HOUR,
    REMINDERS_SCOPE,
    DailyTime,
    Failure,
    RemindersApi,
    RemindersError,
    daily_reminder,
)
from trust_coach.speech import Speech
from trust_coach.turn import Turn

ASK_FOR = "AskFor"
CONNECTIONS_RESPONSE = "Connections.Response"
TIME_TAG = "reminder:"  # the AskFor token: "reminder:08:00", the time the user asked
TIME_SLOT = "time"
_FAILURE_PROMPTS = {
    Failure.NO_PERMISSION: "reminder_permission_card",
    Failure.FULL: "reminder_full",
    Failure.UNAVAILABLE: "reminder_unavailable",
}


def spoken_time(turn: Turn, time: DailyTime) -> str:
    """ "8 a.m.", "7:30 p.m.", "noon": a time as the locale says it."""
    if time.minute == 0 and time.hour in (0, 12):
        return turn.say("clock_midnight" if time.hour == 0 else "clock_noon")
    hour = time.hour % 12 or 12
    clock = f"{hour}" if time.minute == 0 else f"{hour}:{time.minute:02d}"
    return turn.say("clock_am" if time.hour < 12 else "clock_pm", clock=clock)


def _api(turn: Turn) -> RemindersApi | None:
    context = turn.handler_input.request_envelope.context
    system = context.system if context else None
    if system is None:
        return None
    return RemindersApi.for_request(
        system.api_endpoint, system.api_access_token, lambda: api_timeout(turn.elapsed)
    )


def _finish(turn: Turn, speech: Speech) -> Response:
    """A one-shot ("ask Trust Coach to remind me at 8") gets its answer and ends; in a
    session that was already going, the user is asked whether there is anything else."""
    if turn.starts_session:
        return turn.tell(speech)
    speech.say(turn.say("anything_else"))
    return turn.ask(speech, turn.say("anything_else_reprompt"), Question(Ask.CLOSING))


def _with_card(turn: Turn) -> None:
    """A permissions card in the Alexa app, where reminders can be allowed by hand."""
    card = AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])
    turn.handler_input.response_builder.set_card(card)


def _failed(turn: Turn, failure: Failure, end: bool = False) -> Response:
    if failure is Failure.NO_PERMISSION:
        _with_card(turn)
    speech = turn.speech(turn.say(_FAILURE_PROMPTS[failure]))
    return turn.tell(speech) if end else _finish(turn, speech)


def set_reminder(
    turn: Turn, time: DailyTime, may_ask: bool = True, end: bool = False, chosen: bool = True
) -> Response:
    """Create the daily reminder at `time`, or move the one there is; without permission, ask
    for it (`may_ask`) or send the card. `chosen` is false when the user named no time."""
    api = _api(turn)
    if api is None:
        return _failed(turn, Failure.UNAVAILABLE, end)
    spoken = spoken_time(turn, time)
    try:
        existing = api.list()
        body = daily_reminder(
            time, turn.timezone(), turn.now, turn.catalog.locale, turn.say("reminder_text")
        )
        if not existing:
            api.create(body)
            speech = turn.speech(turn.say("reminder_set", time=spoken))
            if not chosen:
                speech.say(turn.say("reminder_other_time"))
        elif existing[0].time == time:
            speech = turn.speech(turn.say("reminder_already", time=spoken))
        else:
            api.update(existing[0].alert_token, body)
            old = existing[0].time
            if old is None:
                speech = turn.speech(turn.say("reminder_set", time=spoken))
            else:
                old_time = spoken_time(turn, old)
                speech = turn.speech(turn.say("reminder_changed", time=spoken, old_time=old_time))
    except RemindersError as error:
        if error.failure is Failure.NO_PERMISSION and may_ask:
            return ask_permission(turn, time)
        return _failed(turn, error.failure, end)
    return turn.tell(speech) if end else _finish(turn, speech)


def ask_permission(turn: Turn, time: DailyTime) -> Response:
    """Say what is about to happen, then hand over to Alexa, which asks for the permission
    and sends the answer back as a `Connections.Response` (the session's end is Alexa's)."""
    turn.session.question = None
    speech = turn.speech(turn.say("reminder_asking_permission", time=spoken_time(turn, time)))
    directive = SendRequestDirective(
        name=ASK_FOR,
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "1",
            "permissionScope": REMINDERS_SCOPE,
        },
        token=TIME_TAG + time.code,
    )
    builder = turn.handler_input.response_builder
    return builder.speak(speech.body).add_directive(directive).response


def reminder_status(turn: Turn) -> Response:
    api = _api(turn)
    if api is None:
        return _failed(turn, Failure.UNAVAILABLE)
    try:
        existing = api.list()
    except RemindersError as error:
        if error.failure is Failure.NO_PERMISSION:
            return _finish(turn, turn.speech(turn.say("reminder_no_permission")))
        return _failed(turn, error.failure)
    if not existing:
        return _finish(turn, turn.speech(turn.say("reminder_none")))
    time = existing[0].time
    if time is None:
        return _finish(turn, turn.speech(turn.say("reminder_status_unknown_time")))
    return _finish(turn, turn.speech(turn.say("reminder_status", time=spoken_time(turn, time))))


def stop_reminders(turn: Turn) -> Response:
    api = _api(turn)
    if api is None:
        return _failed(turn, Failure.UNAVAILABLE)
    try:
        existing = api.list()
        for reminder in existing:
            api.delete(reminder.alert_token)
    except RemindersError as error:
        if error.failure is Failure.NO_PERMISSION:
            return _finish(turn, turn.speech(turn.say("reminder_nothing_to_stop")))
        return _failed(turn, error.failure)
    key = "reminder_stopped" if existing else "reminder_nothing_to_stop"
    return _finish(turn, turn.speech(turn.say(key)))


class SetReminderHandler(TurnHandler):
    intents = ("SetReminderIntent",)

    def respond(self, turn: Turn) -> Response:
        time = DailyTime.from_slot(turn.slot(TIME_SLOT))
        return set_reminder(turn, time or DailyTime(DEFAULT_HOUR), chosen=time is not None)


class ReminderStatusHandler(TurnHandler):
    intents = ("ReminderStatusIntent",)

    def respond(self, turn: Turn) -> Response:
        return reminder_status(turn)


class StopRemindersHandler(TurnHandler):
    intents = ("StopRemindersIntent",)

    def respond(self, turn: Turn) -> Response:
        return stop_reminders(turn)


class PermissionAnswerHandler(TurnHandler):
    """Alexa's answer to the skill's request for the reminders permission."""

    request_types = (CONNECTIONS_RESPONSE,)

    def applies(self, turn: Turn) -> bool:
        request = turn.handler_input.request_envelope.request
        if getattr(request, "name", None) != ASK_FOR:
            return False
        scope = _payload(request).get("permissionScope")
        return scope in (None, REMINDERS_SCOPE)

    def respond(self, turn: Turn) -> Response:
        request = turn.handler_input.request_envelope.request
        status = getattr(getattr(request, "status", None), "code", None)
        if str(status) != "200":  # Alexa could not ask (the device, or the skill's set-up)
            return _failed(turn, Failure.NO_PERMISSION, end=True)
        answer = _payload(request).get("status")
        if answer == "ACCEPTED":
            return set_reminder(turn, _asked_time(request), may_ask=False, end=True)
        if answer == "DENIED":
            return turn.tell(turn.speech(turn.say("reminder_denied")))
        _with_card(turn)  # NOT_ANSWERED, or anything else: the card lets them say yes later
        return turn.tell(turn.speech(turn.say("reminder_not_answered")))


def _payload(request: Any) -> dict[str, Any]:
    payload = getattr(request, "payload", None)
    return payload if isinstance(payload, dict) else {}


def _asked_time(request: Any) -> DailyTime:
    """The time carried in the AskFor token; the default if the token is not one of ours."""
    token = getattr(request, "token", None)
    if isinstance(token, str) and token.startswith(TIME_TAG):
        time = DailyTime.from_code(token.removeprefix(TIME_TAG))
        if time is not None:
            return time
    return DailyTime(DEFAULT_HOUR)
