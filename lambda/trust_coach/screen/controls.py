"""Touch controls are spoken intents: Next, Repeat, Pause and Stop on the screen send a
UserEvent naming the control, and this request interceptor turns it into the IntentRequest
the spoken word would have been, before any handler is chosen. So a button does exactly what
saying it does, wherever the conversation is (the same handlers, the same words)."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest

CONTROL_EVENT = "control"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
INTENTS = {
    "next": "AMAZON.NextIntent",
    "repeat": "AMAZON.RepeatIntent",
    "pause": "AMAZON.PauseIntent",
    "stop": "AMAZON.StopIntent",
}


def control_intent(request: object) -> str | None:
    """The intent a touch control stands for, if `request` is a press of one."""
    # By its type name: importing ask-sdk-model's APL package would cost every cold start.
    if getattr(request, "object_type", None) != USER_EVENT:
        return None
    arguments = getattr(request, "arguments", None) or []
    if len(arguments) != 2 or arguments[0] != CONTROL_EVENT:
        return None
    control = arguments[1]
    return INTENTS.get(control) if isinstance(control, str) else None


class TouchControlInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        request = envelope.request
        name = control_intent(request)
        if name is None:
            return
        envelope.request = IntentRequest(
            request_id=request.request_id,
            timestamp=request.timestamp,
            locale=request.locale,
            intent=Intent(name=name, slots={}, confirmation_status=IntentConfirmationStatus.NONE),
        )
