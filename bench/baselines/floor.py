"""Floor: the least an ask-sdk-core skill can be — answers a LaunchRequest, no store."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response


class AnyRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        text = "Hello." if is_request_type("LaunchRequest")(handler_input) else "Okay."
        return handler_input.response_builder.speak(text).ask(text).response


builder = SkillBuilder()
builder.add_request_handler(AnyRequestHandler())
lambda_handler = builder.lambda_handler()
