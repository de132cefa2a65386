"""The usual way: the pattern of the official persistent Alexa Python samples.

StandardSkillBuilder with ask-sdk's DynamoDB adapter (a boto3 resource), and handlers that
read and save persistent attributes on every request.
"""

import os

from ask_sdk.standard import StandardSkillBuilder
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response

STRATEGIES = [
    "root cause", "honest talk", "consistency", "past hurt", "expectations", "forgiveness",
]  # fmt: skip

builder = StandardSkillBuilder(table_name=os.environ["TABLE_NAME"], auto_create_table=False)


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        attributes = handler_input.attributes_manager.persistent_attributes
        attributes["visits"] = int(attributes.get("visits", 0)) + 1
        handler_input.attributes_manager.save_persistent_attributes()
        last = attributes.get("last_strategy")
        text = f"Welcome back. You were on {STRATEGIES[int(last)]}." if last is not None else "Hi."
        return handler_input.response_builder.speak(text).ask(text).response


class IntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        attributes = handler_input.attributes_manager.persistent_attributes
        name = get_intent_name(handler_input)
        current = int(attributes.get("last_strategy", 0))
        if name == "AMAZON.NextIntent":
            current = (current + 1) % len(STRATEGIES)
        attributes["last_strategy"] = current
        handler_input.attributes_manager.save_persistent_attributes()
        text = f"Strategy {STRATEGIES[current]}."
        return handler_input.response_builder.speak(text).ask(text).response


builder.add_request_handler(LaunchHandler())
builder.add_request_handler(IntentHandler())
lambda_handler = builder.lambda_handler()
