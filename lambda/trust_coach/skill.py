"""The skill object: ask-sdk-core's CustomSkill, less two costs it pays on every request.

- The SDK deep-copies the request's session attributes so that the turn's changes never reach
  the request envelope. A copy of the top-level dict does the same here: the skill only ever
  replaces a session attribute (`state.Conversation` sets keys, and progress is parsed into new
  objects), never changes one in place. The deep copy was a tenth of a warm turn.
- The SDK asks every handler in turn whether it can handle the request; most of them can only
  answer one request type or a few intents. `handler_index` asks only those that might.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter, AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill, SkillConfiguration
from ask_sdk_core.utils import RESPONSE_FORMAT_VERSION
from ask_sdk_core.view_resolvers import TemplateFactory
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_model.services import ApiConfiguration, ServiceClientFactory
from ask_sdk_runtime.exceptions import AskSdkException
from ask_sdk_runtime.utils import UserAgentManager

from trust_coach.handler_index import index_request_mappers


class SessionAttributesManager(AttributesManager):
    """The SDK's manager, whose session attributes are a new dict holding the request's values."""

    def __init__(
        self,
        request_envelope: RequestEnvelope,
        persistence_adapter: AbstractPersistenceAdapter | None = None,
    ) -> None:
        session = getattr(request_envelope, "session", None)
        attributes = session.attributes if session is not None else None
        if attributes is None:
            super().__init__(request_envelope, persistence_adapter)
            return
        session.attributes = None  # the SDK's constructor would deep-copy them
        try:
            super().__init__(request_envelope, persistence_adapter)
        finally:
            session.attributes = attributes
        self.session_attributes = dict(attributes)


class Skill(CustomSkill):
    def __init__(self, skill_configuration: SkillConfiguration) -> None:
        super().__init__(skill_configuration)
        dispatcher = self.request_dispatcher
        dispatcher.request_mappers = index_request_mappers(dispatcher.request_mappers)

    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        """CustomSkill.invoke (ask-sdk-core 1.19), with SessionAttributesManager."""
        if (
            self.skill_id is not None
            and request_envelope.context.system.application.application_id != self.skill_id
        ):
            raise AskSdkException("Skill ID Verification failed!!")
        factory = None
        if self.api_client is not None:
            system = request_envelope.context.system
            factory = ServiceClientFactory(
                api_configuration=ApiConfiguration(
                    serializer=self.serializer,
                    api_client=self.api_client,
                    authorization_value=system.api_access_token,
                    api_endpoint=system.api_endpoint,
                )
            )
        handler_input = HandlerInput(
            request_envelope=request_envelope,
            attributes_manager=SessionAttributesManager(
                request_envelope=request_envelope, persistence_adapter=self.persistence_adapter
            ),
            context=context,
            service_client_factory=factory,
            template_factory=TemplateFactory(
                template_loaders=self.loaders, template_renderer=self.renderer
            ),
        )
        response = self.request_dispatcher.dispatch(handler_input=handler_input)
        session_attributes = None
        if request_envelope.session is not None:
            session_attributes = handler_input.attributes_manager.session_attributes
        return ResponseEnvelope(
            response=response,
            version=RESPONSE_FORMAT_VERSION,
            session_attributes=session_attributes,
            user_agent=UserAgentManager.get_user_agent(),
        )
