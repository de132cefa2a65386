"""Floor with store: the floor plus a boto3 DynamoDB client made at import and one GetItem.

The least any skill with these dependencies can do to answer a returning user.
"""

import os

import boto3
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response

TABLE = os.environ["TABLE_NAME"]
client = boto3.client("dynamodb")


class AnyRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        user = handler_input.request_envelope.context.system.user.user_id
        client.get_item(TableName=TABLE, Key={"user_key": {"S": user}})
        return handler_input.response_builder.speak("Hello.").ask("Hello.").response


builder = SkillBuilder()
builder.add_request_handler(AnyRequestHandler())
lambda_handler = builder.lambda_handler()
