"""The ordered handler list: the first whose `can_handle` is true answers the request.

Order matters: safety comes before everything; a handler that applies only somewhere (in an
exercise, on a strategy, after the safety numbers) comes before the general one for the
same intent. What "yes" and "no" mean after each question is the table in `followups.py`.
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
    ExerciseNextHandler,
    ExercisePreviousHandler,
    ExerciseRepeatHandler,
    ExerciseResumeHandler,
    ExerciseStartOverHandler,
    ExerciseStopHandler,
    ForgivenessHandler,
    PauseHandler,
)
from trust_coach.handlers.followups import (
    ChooseForMeHandler,
    EnoughHandler,
    NextAfterExerciseHandler,
    NoHandler,
    SomethingElseHandler,
    ThanksHandler,
    YesHandler,
)
from trust_coach.handlers.launch import LaunchHandler
from trust_coach.handlers.listening import InstructionsHandler, ListeningHandler, SwitchRolesHandler
from trust_coach.handlers.navigation import (
    FallbackHandler,
    HelpHandler,
    NavigateHomeHandler,
    RepeatHandler,
    SessionEndedHandler,
    StopHandler,
    UnknownRequestHandler,
)
from trust_coach.handlers.privacy import ForgetProgressHandler, SkillEventHandler
from trust_coach.handlers.promises import (
    ChosenPromiseHandler,
    PromiseFollowUpHandler,
    PromiseIntentHandler,
    PromiseNotCaughtHandler,
)
from trust_coach.handlers.reminders import (
    PermissionAnswerHandler,
    ReminderStatusHandler,
    SetReminderHandler,
    StopRemindersHandler,
)
from trust_coach.handlers.safety import SafetyHandler, SafetyRepeatHandler, SafetyStopHandler
from trust_coach.handlers.screen import ChunkDoneHandler
from trust_coach.handlers.sharing import ShareHandler
from trust_coach.handlers.sound import (
    BreatheWithSoundHandler,
    ChangeSoundHandler,
    NoSoundBedHandler,
    SoundBedHandler,
)
from trust_coach.handlers.strategies import (
    ListStrategiesHandler,
    NextHandler,
    PreviousHandler,
    ResumeHandler,
    StartOverHandler,
    StrategyHandler,
    StrategyRepeatHandler,
    TellMeMoreHandler,
    TryTodayHandler,
)
from trust_coach.handlers.tips import DailyTipHandler, TipRepeatHandler


def request_handlers() -> list[AbstractRequestHandler]:
    return [
        SkillEventHandler(),
        SafetyHandler(),
        PromiseFollowUpHandler(),  # a launch that asks how a promise went
        LaunchHandler(),
        SessionEndedHandler(),
        PermissionAnswerHandler(),  # Alexa's answer when it asked for the reminders permission
        ChunkDoneHandler(),  # the breathing circle asks for its next chunk
        # Mid-exercise, these built-ins act on the exercise (each applies only there).
        ExerciseStopHandler(),
        ExerciseGoOnHandler(),
        ExerciseNextHandler(),
        ExercisePreviousHandler(),
        ExerciseRepeatHandler(),
        ExerciseStartOverHandler(),
        ExerciseHelpHandler(),
        ExerciseFallbackHandler(),
        BreathingHandler(),
        ForgivenessHandler(),
        ChosenPromiseHandler(),  # "an exercise" that lands on the small promise
        ExerciseHandler(),
        ExerciseChoiceHandler(),
        ListeningHandler(),
        SwitchRolesHandler(),
        InstructionsHandler(),
        PromiseIntentHandler(),
        PromiseNotCaughtHandler(),
        PauseHandler(),
        SoundBedHandler(),  # the sound bed, chosen by voice, anywhere
        BreatheWithSoundHandler(),
        ChangeSoundHandler(),
        NoSoundBedHandler(),
        SafetyStopHandler(),  # after the numbers: a kind close that points to them again
        StopHandler(),
        ListStrategiesHandler(),
        StrategyHandler(),
        TellMeMoreHandler(),
        TryTodayHandler(),
        NextAfterExerciseHandler(),  # "next" once an exercise ended: what it offered
        NextHandler(),
        PreviousHandler(),
        ExerciseResumeHandler(),  # "continue" to an exercise left partway
        ResumeHandler(),
        ShareHandler(),
        DailyTipHandler(),
        SetReminderHandler(),
        ReminderStatusHandler(),
        StopRemindersHandler(),
        ForgetProgressHandler(),
        YesHandler(),
        NoHandler(),
        ChooseForMeHandler(),
        ThanksHandler(),
        EnoughHandler(),
        SomethingElseHandler(),
        StrategyRepeatHandler(),
        TipRepeatHandler(),
        SafetyRepeatHandler(),
        RepeatHandler(),
        StartOverHandler(),
        HelpHandler(),
        NavigateHomeHandler(),
        FallbackHandler(),
        UnknownRequestHandler(),
    ]
