"""The ordered handler list: the first whose `can_handle` is true answers the request.

Order matters: safety comes before everything; handlers that depend on where the user is
come before the general ones for the same intent.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from trust_coach.handlers.exercises import (
    BreathingHandler,
    ExerciseChoiceHandler,
    ExerciseFallbackHandler,
    ExerciseGoOnHandler,
    ExerciseHandler,
    ExerciseHelpHandler,
    ExercisePreviousHandler,
    ExerciseRepeatHandler,
    ExerciseStartOverHandler,
    ExerciseStopHandler,
    ForgivenessHandler,
    PauseHandler,
    ResumePlaybackHandler,
)
from trust_coach.handlers.followups import NoHandler, YesHandler
from trust_coach.handlers.launch import LaunchHandler
from trust_coach.handlers.listening import InstructionsHandler, ListeningHandler, SwitchRolesHandler
from trust_coach.handlers.navigation import (
    FallbackHandler,
    HelpHandler,
    NavigateHomeHandler,
    RepeatHandler,
    SessionEndedHandler,
    StartOverHandler,
    StopHandler,
    UnknownRequestHandler,
)
from trust_coach.handlers.privacy import ForgetProgressHandler, SkillEventHandler
from trust_coach.handlers.promises import PromiseIntentHandler, PromiseNotCaughtHandler
from trust_coach.handlers.resume import ResumeHandler
from trust_coach.handlers.safety import SafetyHandler
from trust_coach.handlers.sharing import ShareHandler
from trust_coach.handlers.strategies import (
    ListStrategiesHandler,
    NextHandler,
    PreviousHandler,
    StrategyHandler,
    TellMeMoreHandler,
    TryTodayHandler,
)
from trust_coach.handlers.tips import DailyTipHandler


def request_handlers() -> list[AbstractRequestHandler]:
    return [
        SkillEventHandler(),
        SafetyHandler(),
        LaunchHandler(),
        SessionEndedHandler(),
        # Mid-exercise, these built-ins act on the exercise (each applies only there).
        ExerciseStopHandler(),
        ExerciseGoOnHandler(),
        ExercisePreviousHandler(),
        ExerciseRepeatHandler(),
        ExerciseStartOverHandler(),
        ExerciseHelpHandler(),
        ExerciseFallbackHandler(),
        BreathingHandler(),
        ForgivenessHandler(),
        ExerciseHandler(),
        ExerciseChoiceHandler(),
        ListeningHandler(),
        SwitchRolesHandler(),
        InstructionsHandler(),
        PromiseIntentHandler(),
        PromiseNotCaughtHandler(),
        PauseHandler(),
        ResumePlaybackHandler(),
        StopHandler(),
        ListStrategiesHandler(),
        StrategyHandler(),
        TellMeMoreHandler(),
        TryTodayHandler(),
        NextHandler(),
        PreviousHandler(),
        ResumeHandler(),
        ShareHandler(),
        DailyTipHandler(),
        ForgetProgressHandler(),
        YesHandler(),
        NoHandler(),
        RepeatHandler(),
        StartOverHandler(),
        HelpHandler(),
        NavigateHomeHandler(),
        FallbackHandler(),
        UnknownRequestHandler(),
    ]
