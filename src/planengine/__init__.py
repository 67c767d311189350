"""planengine: questionnaire answers in, a safe, explainable draft treatment plan out.

The public API is listed in ``__all__``. Names are imported lazily on first use, so that
``import planengine`` (and the command line's start-up) stays cheap.
"""

from __future__ import annotations

from planengine._version import __version__ as __version__

#: public name -> private module that defines it
_EXPORTS: dict[str, str] = {
    "Assessment": "planengine._model",
    "GoalReview": "planengine._review",
    "Review": "planengine._review",
    "ReviewConfig": "planengine._review",
    "SmartConfig": "planengine._smart",
    "SmartRule": "planengine._smart",
    "Suggestion": "planengine._review",
    "ValidationReport": "planengine._validate",
    "Violation": "planengine._smart",
    "check_goals": "planengine._smart",
    "gas_t_score": "planengine._review",
    "reliable_change_index": "planengine._review",
    "review_goals": "planengine._review",
    "validate_paths": "planengine._validate",
    "ConfigError": "planengine._errors",
    "Context": "planengine._model",
    "DocumentParseError": "planengine._errors",
    "DocumentSchemaError": "planengine._errors",
    "DataStrategy": "planengine._strategy",
    "Engine": "planengine._engine",
    "EngineConfig": "planengine._engine",
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
    "Instrument": "planengine._instruments",
    "Plan": "planengine._model",
    "PlanEngineError": "planengine._errors",
    "PluginError": "planengine._errors",
    "Response": "planengine._model",
    "SafetyInvariantError": "planengine._errors",
    "Score": "planengine._scoring",
    "plan_to_goal_document": "planengine._render",
    "UnknownNameError": "planengine._errors",
    "hookimpl": "planengine.hookspecs",
    "load_assessment": "planengine._assessment",
    "load_engine_config": "planengine._plan_config",
    "score_response": "planengine._scoring",
}

__all__ = sorted([*_EXPORTS, "__version__"])


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
