"""planengine: questionnaire answers in, a safe, explainable draft treatment plan out.

The public API is listed in ``__all__``. Names are imported lazily on first use, so that
``import planengine`` (and the command line's start-up) stays cheap.
"""

from __future__ import annotations

from planengine._version import __version__ as __version__

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (which would cost the start-up ~5 ms);
#: type checkers treat any constant of this name as true.
TYPE_CHECKING = False

if TYPE_CHECKING:  # what type checkers see; at run time the names load lazily (below)
    from planengine._config import Config, load_config
    from planengine._errors import (
        ConfigError,
        DocumentParseError,
        DocumentSchemaError,
        InputError,
        PlanEngineError,
        PluginError,
        SafetyInvariantError,
        UnknownNameError,
    )
    from planengine._model import (
        Assessment,
        Context,
        Exclusion,
        Finding,
        Intervention,
        Measure,
        Notice,
        Objective,
        Plan,
        PlanDraft,
        PlanningContext,
        Problem,
        Proposal,
        Provenance,
        Response,
        RiskFlag,
    )
    from planengine._vocabulary_hooks import Area, Condition
    from planengine.batch import (
        BatchSettings,
        BatchSummary,
        CohortDiff,
        diff_cohorts,
        render_cohort_diff,
        run_batch,
        write_synthetic_cohort,
    )
    from planengine.hookspecs import Strategy, hookimpl
    from planengine.instruments._build import instrument_from_mapping
    from planengine.instruments._instrument import Instrument
    from planengine.instruments._scoring import Score, score_response
    from planengine.io._assessment import load_assessment
    from planengine.io._loader import load_document
    from planengine.io._location import Location
    from planengine.io._plan_config import load_engine_config
    from planengine.plan._engine import Engine
    from planengine.plan._settings import EngineConfig
    from planengine.render._plan import plan_to_goal_document
    from planengine.review import (
        GoalReview,
        Review,
        ReviewConfig,
        ReviewContext,
        Suggestion,
        gas_t_score,
        reliable_change_index,
        review_goals,
    )
    from planengine.smart import GoalContext, Hit, SmartConfig, SmartRule, Violation, check_goals
    from planengine.smart._validate import ValidationReport, validate_paths
    from planengine.strategies._strategy import DataStrategy

#: public name -> private module that defines it
_EXPORTS: dict[str, str] = {
    "BatchSettings": "planengine.batch",
    "BatchSummary": "planengine.batch",
    "run_batch": "planengine.batch",
    "CohortDiff": "planengine.batch",
    "diff_cohorts": "planengine.batch",
    "render_cohort_diff": "planengine.batch",
    "write_synthetic_cohort": "planengine.batch",
    "Area": "planengine._vocabulary_hooks",
    "Assessment": "planengine._model",
    "Condition": "planengine._vocabulary_hooks",
    "GoalContext": "planengine.smart",
    "GoalReview": "planengine.review",
    "Hit": "planengine.smart",
    "ReviewContext": "planengine.review",
    "Review": "planengine.review",
    "ReviewConfig": "planengine.review",
    "SmartConfig": "planengine.smart",
    "SmartRule": "planengine.smart",
    "Suggestion": "planengine.review",
    "ValidationReport": "planengine.smart._validate",
    "Violation": "planengine.smart",
    "check_goals": "planengine.smart",
    "gas_t_score": "planengine.review",
    "reliable_change_index": "planengine.review",
    "review_goals": "planengine.review",
    "validate_paths": "planengine.smart._validate",
    "ConfigError": "planengine._errors",
    "Context": "planengine._model",
    "DocumentParseError": "planengine._errors",
    "DocumentSchemaError": "planengine._errors",
    "DataStrategy": "planengine.strategies._strategy",
    "Engine": "planengine.plan._engine",
    "EngineConfig": "planengine.plan._settings",
    "Exclusion": "planengine._model",
    "Finding": "planengine._model",
    "Intervention": "planengine._model",
    "Measure": "planengine._model",
    "Notice": "planengine._model",
    "Objective": "planengine._model",
    "PlanDraft": "planengine._model",
    "PlanningContext": "planengine._model",
    "Problem": "planengine._model",
    "Proposal": "planengine._model",
    "Provenance": "planengine._model",
    "RiskFlag": "planengine._model",
    "InputError": "planengine._errors",
    "Instrument": "planengine.instruments._instrument",
    "Plan": "planengine._model",
    "PlanEngineError": "planengine._errors",
    "PluginError": "planengine._errors",
    "Response": "planengine._model",
    "SafetyInvariantError": "planengine._errors",
    "Score": "planengine.instruments._scoring",
    "plan_to_goal_document": "planengine.render._plan",
    "UnknownNameError": "planengine._errors",
    "hookimpl": "planengine.hookspecs",
    "Strategy": "planengine.hookspecs",
    "load_assessment": "planengine.io._assessment",
    "load_document": "planengine.io._loader",
    "Location": "planengine.io._location",
    "instrument_from_mapping": "planengine.instruments._build",
    "load_engine_config": "planengine.io._plan_config",
    "Config": "planengine._config",
    "load_config": "planengine._config",
    "score_response": "planengine.instruments._scoring",
}

#: Written out (not computed from ``_EXPORTS``) so that type checkers read it; a test keeps the
#: two in step.
__all__ = [
    "Area",
    "Assessment",
    "BatchSettings",
    "BatchSummary",
    "CohortDiff",
    "Condition",
    "Config",
    "ConfigError",
    "Context",
    "DataStrategy",
    "DocumentParseError",
    "DocumentSchemaError",
    "Engine",
    "EngineConfig",
    "Exclusion",
    "Finding",
    "GoalContext",
    "GoalReview",
    "Hit",
    "InputError",
    "Instrument",
    "Intervention",
    "Location",
    "Measure",
    "Notice",
    "Objective",
    "Plan",
    "PlanDraft",
    "PlanEngineError",
    "PlanningContext",
    "PluginError",
    "Problem",
    "Proposal",
    "Provenance",
    "Response",
    "Review",
    "ReviewConfig",
    "ReviewContext",
    "RiskFlag",
    "SafetyInvariantError",
    "Score",
    "SmartConfig",
    "SmartRule",
    "Strategy",
    "Suggestion",
    "UnknownNameError",
    "ValidationReport",
    "Violation",
    "__version__",
    "check_goals",
    "diff_cohorts",
    "gas_t_score",
    "hookimpl",
    "instrument_from_mapping",
    "load_assessment",
    "load_config",
    "load_document",
    "load_engine_config",
    "plan_to_goal_document",
    "reliable_change_index",
    "render_cohort_diff",
    "review_goals",
    "run_batch",
    "score_response",
    "validate_paths",
    "write_synthetic_cohort",
]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'planengine' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
