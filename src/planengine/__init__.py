"""planengine: questionnaire answers in, a safe, explainable draft treatment plan out.

The public API is listed in ``__all__``. Names are imported lazily on first use, so that
``import planengine`` (and the command line's start-up) stays cheap.
"""

from __future__ import annotations

from planengine import _attrs_code
from planengine._version import __version__ as __version__

# attrs' generated methods for the record classes, compiled once and kept in the cache (a fifth
# of a one-file command's start-up otherwise); waits for attrs' first import, costs nothing until
_attrs_code.install()

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
        PluginInfo,
        Problem,
        Proposal,
        Provenance,
        Response,
        RiskFlag,
    )
    from planengine._public_renderers import render_lint, render_review
    from planengine._references import Reference, lookup_reference
    from planengine._vocabulary_hooks import Area, Condition
    from planengine.batch import (
        BatchSettings,
        BatchSummary,
        CohortDiff,
        PatientDiff,
        SynthStats,
        diff_cohorts,
        render_cohort_diff,
        run_batch,
        write_synthetic_cohort,
    )
    from planengine.goals._record import (
        AssessmentRecord,
        BaselineRecord,
        GasRecord,
        GoalFileRecord,
        GoalRecord,
        MeasureRecord,
        ProgressRecord,
        SuppressRecord,
        TargetRecord,
    )
    from planengine.hookspecs import Strategy, hookimpl
    from planengine.instruments._build import instrument_from_mapping
    from planengine.instruments._finding_rules import InstrumentFinding
    from planengine.instruments._instrument import Instrument
    from planengine.instruments._parts import (
        Band,
        ChangeAnchor,
        ChangeThresholds,
        Cutoff,
        DerivedScore,
        FindingRule,
        ItemCluster,
        Licence,
        Loinc,
        LoincCode,
        MissingRule,
        RiskItem,
    )
    from planengine.instruments._scoring import RiskSignal, Score, score_response
    from planengine.io._disposition import Disposition
    from planengine.io._document import Document
    from planengine.io._installed_assessment import load_assessment
    from planengine.io._loader import load_document
    from planengine.io._location import Location
    from planengine.io._plan_config import load_engine_config
    from planengine.plan._crisis import CrisisResource, CrisisResources
    from planengine.plan._engine import Engine
    from planengine.plan._settings import EngineConfig
    from planengine.plan.stepped_care._records import (
        Burden,
        Choice,
        Ordering,
        PhaseLoad,
        Phasing,
        TreatmentOption,
    )
    from planengine.render._plan import (
        plan_to_goal_document,
        render_goals,
        render_html,
        render_markdown,
        render_patient,
        render_patient_html,
    )
    from planengine.render._words import DocumentSettings
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
    from planengine.review._model import (
        ChangeReport,
        GasResult,
        GasSummary,
        Measurement,
        ReviewFinding,
        Status,
        Trajectory,
        WaitingGoal,
    )
    from planengine.smart import GoalContext, Hit, SmartConfig, SmartRule, Violation, check_goals
    from planengine.smart._check import RuleSet
    from planengine.smart._validate import ValidationReport, validate_paths
    from planengine.strategies._strategy import DataStrategy

#: public name -> private module that defines it
_EXPORTS: dict[str, str] = {
    "Area": "planengine._vocabulary_hooks",
    "Assessment": "planengine._model",
    "AssessmentRecord": "planengine.goals._record",
    "Band": "planengine.instruments._parts",
    "BaselineRecord": "planengine.goals._record",
    "BatchSettings": "planengine.batch",
    "BatchSummary": "planengine.batch",
    "Burden": "planengine.plan.stepped_care._records",
    "ChangeAnchor": "planengine.instruments._parts",
    "ChangeReport": "planengine.review._model",
    "ChangeThresholds": "planengine.instruments._parts",
    "Choice": "planengine.plan.stepped_care._records",
    "CohortDiff": "planengine.batch",
    "Condition": "planengine._vocabulary_hooks",
    "Config": "planengine._config",
    "ConfigError": "planengine._errors",
    "Context": "planengine._model",
    "CrisisResource": "planengine.plan._crisis",
    "CrisisResources": "planengine.plan._crisis",
    "Cutoff": "planengine.instruments._parts",
    "DataStrategy": "planengine.strategies._strategy",
    "DerivedScore": "planengine.instruments._parts",
    "Disposition": "planengine.io._disposition",
    "Document": "planengine.io._document",
    "DocumentParseError": "planengine._errors",
    "DocumentSchemaError": "planengine._errors",
    "DocumentSettings": "planengine.render._words",
    "Engine": "planengine.plan._engine",
    "EngineConfig": "planengine.plan._settings",
    "Exclusion": "planengine._model",
    "Finding": "planengine._model",
    "FindingRule": "planengine.instruments._parts",
    "GasRecord": "planengine.goals._record",
    "GasResult": "planengine.review._model",
    "GasSummary": "planengine.review._model",
    "GoalContext": "planengine.smart",
    "GoalFileRecord": "planengine.goals._record",
    "GoalRecord": "planengine.goals._record",
    "GoalReview": "planengine.review",
    "Hit": "planengine.smart",
    "InputError": "planengine._errors",
    "Instrument": "planengine.instruments._instrument",
    "InstrumentFinding": "planengine.instruments._finding_rules",
    "Intervention": "planengine._model",
    "ItemCluster": "planengine.instruments._parts",
    "Licence": "planengine.instruments._parts",
    "Location": "planengine.io._location",
    "Loinc": "planengine.instruments._parts",
    "LoincCode": "planengine.instruments._parts",
    "Measure": "planengine._model",
    "MeasureRecord": "planengine.goals._record",
    "Measurement": "planengine.review._model",
    "MissingRule": "planengine.instruments._parts",
    "Notice": "planengine._model",
    "Objective": "planengine._model",
    "Ordering": "planengine.plan.stepped_care._records",
    "PatientDiff": "planengine.batch",
    "PhaseLoad": "planengine.plan.stepped_care._records",
    "Phasing": "planengine.plan.stepped_care._records",
    "Plan": "planengine._model",
    "PlanDraft": "planengine._model",
    "PlanEngineError": "planengine._errors",
    "PlanningContext": "planengine._model",
    "PluginError": "planengine._errors",
    "PluginInfo": "planengine._model",
    "Problem": "planengine._model",
    "ProgressRecord": "planengine.goals._record",
    "Proposal": "planengine._model",
    "Provenance": "planengine._model",
    "Reference": "planengine._references",
    "Response": "planengine._model",
    "Review": "planengine.review",
    "ReviewConfig": "planengine.review",
    "ReviewContext": "planengine.review",
    "ReviewFinding": "planengine.review._model",
    "RiskFlag": "planengine._model",
    "RiskItem": "planengine.instruments._parts",
    "RiskSignal": "planengine.instruments._scoring",
    "RuleSet": "planengine.smart._check",
    "SafetyInvariantError": "planengine._errors",
    "Score": "planengine.instruments._scoring",
    "SmartConfig": "planengine.smart",
    "SmartRule": "planengine.smart",
    "Status": "planengine.review._model",
    "Strategy": "planengine.hookspecs",
    "Suggestion": "planengine.review",
    "SuppressRecord": "planengine.goals._record",
    "SynthStats": "planengine.batch",
    "TargetRecord": "planengine.goals._record",
    "Trajectory": "planengine.review._model",
    "TreatmentOption": "planengine.plan.stepped_care._records",
    "UnknownNameError": "planengine._errors",
    "ValidationReport": "planengine.smart._validate",
    "Violation": "planengine.smart",
    "WaitingGoal": "planengine.review._model",
    "check_goals": "planengine.smart",
    "diff_cohorts": "planengine.batch",
    "gas_t_score": "planengine.review",
    "hookimpl": "planengine.hookspecs",
    "instrument_from_mapping": "planengine.instruments._build",
    "load_assessment": "planengine.io._installed_assessment",
    "load_config": "planengine._config",
    "load_document": "planengine.io._loader",
    "load_engine_config": "planengine.io._plan_config",
    "lookup_reference": "planengine._references",
    "plan_to_goal_document": "planengine.render._plan",
    "reliable_change_index": "planengine.review",
    "render_cohort_diff": "planengine.batch",
    "render_goals": "planengine.render._plan",
    "render_html": "planengine.render._plan",
    "render_lint": "planengine._public_renderers",
    "render_markdown": "planengine.render._plan",
    "render_patient": "planengine.render._plan",
    "render_patient_html": "planengine.render._plan",
    "render_review": "planengine._public_renderers",
    "review_goals": "planengine.review",
    "run_batch": "planengine.batch",
    "score_response": "planengine.instruments._scoring",
    "validate_paths": "planengine.smart._validate",
    "write_synthetic_cohort": "planengine.batch",
}

#: Written out (not computed from ``_EXPORTS``) so that type checkers read it; a test keeps the
#: two in step.
__all__ = [
    "Area",
    "Assessment",
    "AssessmentRecord",
    "Band",
    "BaselineRecord",
    "BatchSettings",
    "BatchSummary",
    "Burden",
    "ChangeAnchor",
    "ChangeReport",
    "ChangeThresholds",
    "Choice",
    "CohortDiff",
    "Condition",
    "Config",
    "ConfigError",
    "Context",
    "CrisisResource",
    "CrisisResources",
    "Cutoff",
    "DataStrategy",
    "DerivedScore",
    "Disposition",
    "Document",
    "DocumentParseError",
    "DocumentSchemaError",
    "DocumentSettings",
    "Engine",
    "EngineConfig",
    "Exclusion",
    "Finding",
    "FindingRule",
    "GasRecord",
    "GasResult",
    "GasSummary",
    "GoalContext",
    "GoalFileRecord",
    "GoalRecord",
    "GoalReview",
    "Hit",
    "InputError",
    "Instrument",
    "InstrumentFinding",
    "Intervention",
    "ItemCluster",
    "Licence",
    "Location",
    "Loinc",
    "LoincCode",
    "Measure",
    "MeasureRecord",
    "Measurement",
    "MissingRule",
    "Notice",
    "Objective",
    "Ordering",
    "PatientDiff",
    "PhaseLoad",
    "Phasing",
    "Plan",
    "PlanDraft",
    "PlanEngineError",
    "PlanningContext",
    "PluginError",
    "PluginInfo",
    "Problem",
    "ProgressRecord",
    "Proposal",
    "Provenance",
    "Reference",
    "Response",
    "Review",
    "ReviewConfig",
    "ReviewContext",
    "ReviewFinding",
    "RiskFlag",
    "RiskItem",
    "RiskSignal",
    "RuleSet",
    "SafetyInvariantError",
    "Score",
    "SmartConfig",
    "SmartRule",
    "Status",
    "Strategy",
    "Suggestion",
    "SuppressRecord",
    "SynthStats",
    "TargetRecord",
    "Trajectory",
    "TreatmentOption",
    "UnknownNameError",
    "ValidationReport",
    "Violation",
    "WaitingGoal",
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
    "lookup_reference",
    "plan_to_goal_document",
    "reliable_change_index",
    "render_cohort_diff",
    "render_goals",
    "render_html",
    "render_lint",
    "render_markdown",
    "render_patient",
    "render_patient_html",
    "render_review",
    "review_goals",
    "run_batch",
    "score_response",
    "validate_paths",
    "write_synthetic_cohort",
]


def __getattr__(name: str) -> object:
    from planengine._lazy import exported_attribute

    return exported_attribute(globals(), _EXPORTS, name)


def __dir__() -> list[str]:
    return __all__
