"""The data model: what goes into the engine and what comes out.

Input objects (:class:`Assessment`, :class:`Response`, :class:`Context`) are frozen, validated
and parsed where they are defined, :mod:`planengine.io._assessment` (re-exported here). Plan elements (:class:`Problem`,
:class:`Objective`, :class:`Intervention`) are mutable while the plan is being assembled, so the
``adjust_plan`` hook can edit them; the core re-checks safety afterwards. Every element carries a
:class:`Provenance` saying which rule or plugin made it and from which inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from planengine._read_only import read_only
from planengine._records import Provenance, RiskFlag
from planengine.io._assessment import Assessment, Context, Response
from planengine.io._json_text import json_text

if TYPE_CHECKING:  # pragma: no cover
    from planengine.plan._crisis import CrisisResources
    from planengine.plan.stepped_care._records import Burden, Choice, Ordering, Phasing

__all__ = [
    "Assessment",
    "Context",
    "Exclusion",
    "Finding",
    "Intervention",
    "Measure",
    "Notice",
    "Objective",
    "Plan",
    "PlanDraft",
    "PlanningContext",
    "PluginInfo",
    "Problem",
    "Proposal",
    "Provenance",
    "Response",
    "RiskFlag",
]

@attrs.frozen
class Finding:
    """A reason to plan: a band, a positive screen, a clinician concern or a patient goal."""

    id: str
    area: str
    kind: str
    summary: str
    severity: str | None
    weight: float
    instrument: str | None = None
    total: int | None = None
    next_step: str | None = None
    citations: tuple[str, ...] = ()
    provenance: Provenance = Provenance("rule:unknown")  # noqa: RUF009 (frozen: safe to share)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "area": self.area,
            "kind": self.kind,
            "summary": self.summary,
            "severity": self.severity,
            "instrument": self.instrument,
            "total": self.total,
            "next_step": self.next_step,
            "citations": list(self.citations),
            "provenance": self.provenance.to_dict(),
        }


@attrs.define
class Measure:
    """How an objective is measured: an instrument or a metric, with baseline and target.

    A metric's baseline may be pending (``baseline_pending``: how it is recorded, e.g. "recorded
    from the first week of the practice log"; ``baseline_by``: the date it is recorded by): then
    ``baseline_value`` and ``baseline_date`` are ``None``, never an invented 0.
    """

    unit: str
    method: str
    target_value: float | int
    comparator: str
    baseline_value: float | int | None
    baseline_date: dt.date | None
    instrument: str | None = None
    metric: str | None = None
    baseline_pending: str | None = None
    baseline_by: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the goal-file ``measure`` shape)."""
        out: dict[str, Any] = {}
        if self.metric:
            out["metric"] = self.metric
        if self.instrument:
            out["instrument"] = self.instrument
        out["unit"] = self.unit
        out["method"] = self.method
        baseline: dict[str, Any] = {"value": self.baseline_value}
        if self.baseline_date is not None:
            baseline["date"] = self.baseline_date.isoformat()
        if self.baseline_pending is not None:
            baseline["pending"] = self.baseline_pending
            if self.baseline_by is not None:
                baseline["by"] = self.baseline_by.isoformat()
        out["baseline"] = baseline
        out["target"] = {"value": self.target_value, "comparator": self.comparator}
        return out


@attrs.define
class Objective:
    """A SMART short-term objective."""

    id: str
    area: str
    statement: str
    measure: Measure
    start_date: dt.date
    due_date: dt.date
    review_interval_days: int
    addresses: list[str]
    provenance: Provenance
    frequency: dict[str, Any] | None = None
    patient_words: str | None = None
    rationale: str | None = None
    #: Goal Attainment Scaling levels ``"-2"`` .. ``"2"`` -> observable description ([DN-gas]), when the
    #: strategy writes them; ``"0"`` is the expected outcome at the due date.
    gas: dict[str, str] | None = None
    #: ``"ID: reference"`` strings for the thresholds and methods the objective rests on.
    citations: list[str] = attrs.Factory(list)
    #: A safety objective that comes before routine work (a private safety assessment where
    #: intimate-partner violence is documented): due at this visit, and its problem is listed
    #: first after the core's safety problem.
    urgent: bool = False
    #: Cautions and stale-baseline warnings a clinician reads before agreeing the objective
    #: (a partner-involving objective waits for the private violence screen).
    notes: list[str] = attrs.Factory(list)
    #: ``now``, or ``next``/``later`` when none of its steps starts now: its dates are then
    #: provisional, agreed again when its steps start (set by the planning stage).
    phase: str | None = None
    #: every step that serves it is held (while a risk flag is open): its clock does not run
    held: bool = False

    @property
    def review_date(self) -> dt.date:
        """The first review: start date plus the review interval, never after the due date."""
        return min(self.start_date + dt.timedelta(days=self.review_interval_days), self.due_date)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "id": self.id,
            "area": self.area,
            "statement": self.statement,
        }
        if self.patient_words:
            out["patient_words"] = self.patient_words
        out["addresses"] = list(self.addresses)
        out["measure"] = self.measure.to_dict()
        if self.frequency:
            out["frequency"] = dict(self.frequency)
        out["start_date"] = self.start_date.isoformat()
        out["due_date"] = self.due_date.isoformat()
        out["review_interval_days"] = self.review_interval_days
        out["review_date"] = self.review_date.isoformat()
        if self.rationale:
            out["rationale"] = self.rationale
        if self.gas:
            out["gas"] = {"levels": dict(self.gas)}
        if self.citations:
            out["citations"] = list(self.citations)
        if self.urgent:
            out["urgent"] = True
        if self.notes:
            out["notes"] = list(self.notes)
        if self.phase is not None:
            out["phase"] = self.phase
        if self.held:
            out["held"] = True
        out["provenance"] = self.provenance.to_dict()
        return out


@attrs.define
class Intervention:
    """One step of a plan: what, how often, how long, who delivers it, why, with citations.

    :ivar delivery: ``"self-guided"``, ``"clinician-led"``, ``"clinician-supervised"`` or
        ``"referral"``. Self-guided steps are held while a risk flag is open.
    :ivar status: ``"active"``, ``"held"`` (waiting for clinician review) or ``"caution"``
        (kept, with a contraindication note the clinician must weigh).
    :ivar requires: ids of steps this one builds on (sleep restriction is set from the sleep
        diary): a step whose required step is left out of the plan is left out too.
    """

    id: str
    area: str
    title: str
    description: str
    delivery: str
    rationale: str
    provenance: Provenance
    steps: list[str] = attrs.Factory(list)
    frequency: dict[str, Any] | None = None
    duration_minutes: int | None = None
    course_weeks: int | None = None
    category: str = "skill"
    citations: list[str] = attrs.Factory(list)
    objective_ids: list[str] = attrs.Factory(list)
    status: str = "active"
    notes: list[str] = attrs.Factory(list)
    conflicts_with: list[str] = attrs.Factory(list)
    requires: list[str] = attrs.Factory(list)
    #: ``"high"`` for a course of high-intensity therapy (or a referral for one), ``"low"``
    #: otherwise; ``None``: not declared (the planning stage infers it)
    intensity: str | None = None
    #: the treatment option this step belongs to, as a choice names it
    #: (``"cognitive-restructuring"``); ``None``: part of every option
    option: str | None = None
    #: the earliest week of its phase it starts in, when its protocol puts it after other
    #: steps' first weeks (``None``: as soon as it fits)
    start_week: int | None = None
    #: the steps in whose sessions this one is done (``"<step id>"``, or ``"area:<area>"`` for
    #: the sessions or check-ins of another area's care): while one of them runs, it adds no
    #: appointment of its own (problem-solving avoidance is part of each BA session)
    in_sessions_of: list[str] = attrs.Factory(list)
    #: ``"now"``, ``"next"`` or ``"later"``, set by the planning stage
    phase: str = "now"
    phasing: Phasing | None = None

    def to_dict(self, order: int) -> dict[str, Any]:
        """JSON-ready form, with its place in the problem's ordered steps."""
        out: dict[str, Any] = {
            "order": order,
            "id": self.id,
            "area": self.area,
            "title": self.title,
            "description": self.description,
            "category": self.category,
            "delivery": self.delivery,
            "status": self.status,
            "phase": self.phase,
        }
        if self.intensity is not None:
            out["intensity"] = self.intensity
        if self.option is not None:
            out["option"] = self.option
        if self.steps:
            out["steps"] = list(self.steps)
        if self.frequency:
            out["frequency"] = dict(self.frequency)
        if self.duration_minutes is not None:
            out["duration_minutes"] = self.duration_minutes
        if self.course_weeks is not None:
            out["course_weeks"] = self.course_weeks
        out["rationale"] = self.rationale
        out["citations"] = list(self.citations)
        if self.objective_ids:
            out["objectives"] = list(self.objective_ids)
        if self.requires:
            out["requires"] = list(self.requires)
        if self.in_sessions_of:
            out["in_sessions_of"] = list(self.in_sessions_of)
        if self.notes:
            out["notes"] = list(self.notes)
        if self.phasing is not None:
            out["phasing"] = self.phasing.to_dict()
        out["provenance"] = self.provenance.to_dict()
        return out


@attrs.frozen
class Exclusion:
    """A step the engine left out, and why (a contraindication, a safety rule, a conflict)."""

    item_id: str
    area: str
    title: str
    reason: str
    rule: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.item_id,
            "area": self.area,
            "title": self.title,
            "reason": self.reason,
            "rule": self.rule,
            "proposed_by": self.source,
        }


@attrs.frozen
class Notice:
    """Something the clinician should know about how the plan was made."""

    code: str
    message: str
    source: str = "core"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"code": self.code, "message": self.message, "source": self.source}


@attrs.define
class Problem:
    """One problem area of the plan with its evidence, long-term goal, objectives and steps."""

    id: str
    area: str
    title: str
    priority: int
    severity: str | None
    weight: float
    findings: list[Finding]
    long_term_goal: str | None = None
    long_term_goal_source: str | None = None
    objectives: list[Objective] = attrs.Factory(list)
    interventions: list[Intervention] = attrs.Factory(list)
    patient_words: list[str] = attrs.Factory(list)
    deferred_objectives: list[str] = attrs.Factory(list)
    #: ``"now"``, ``"next"`` or ``"later"``, with why, set by the planning stage
    phase: str = "now"
    phasing: Phasing | None = None
    #: its place in the plan and the rule that gave it, set by the planning stage
    ordering: Ordering | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "id": self.id,
            "area": self.area,
            "title": self.title,
            "priority": self.priority,
            "phase": self.phase,
            "severity": self.severity,
            "evidence": [f.id for f in self.findings],
            "patient_words": list(self.patient_words),
            "long_term_goal": self.long_term_goal,
            "long_term_goal_source": self.long_term_goal_source,
            "objectives": [o.to_dict() for o in self.objectives],
            "interventions": [s.to_dict(i) for i, s in enumerate(self.interventions, start=1)],
        }
        if self.deferred_objectives:
            out["deferred_objectives"] = list(self.deferred_objectives)
        if self.ordering is not None:
            out["ordering"] = self.ordering.to_dict()
        if self.phasing is not None:
            out["phasing"] = self.phasing.to_dict()
        return out


@attrs.frozen
class Proposal:
    """What a strategy or a ``propose`` hook offers for one problem."""

    long_term_goal: str | None = None
    objectives: tuple[Objective, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    notices: tuple[Notice, ...] = ()


@attrs.frozen
class PluginInfo:
    """A loaded plugin (or strategy) and its version, recorded in every plan."""

    name: str
    version: str
    kind: str = "plugin"
    #: the installed package it came from (``planengine`` for the built-ins)
    distribution: str | None = None
    #: for a strategy: the plugin (entry-point name) that registered it
    plugin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {"name": self.name, "version": self.version, "kind": self.kind}
        if self.distribution:
            out["distribution"] = self.distribution
        if self.plugin:
            out["plugin"] = self.plugin
        return out


@attrs.frozen
class PlanningContext:
    """Read-only facts a strategy or hook may use while planning.

    :ivar scores: instrument id -> the latest :class:`planengine.Score` for it.
    :ivar score_dates: instrument id -> the date of that response.
    :ivar score_paths: instrument id -> JSON path of that response in the assessment.
    :ivar areas: the problem areas of this plan: from instrument findings, clinician concerns and
        the patient's own goals (``None`` for a context built without them: then only findings
        and concerns are known, see :func:`planengine.strategies._conditions.assessed_areas`).
    """

    assessment: Assessment
    as_of: dt.date
    scores: Mapping[str, Any] = attrs.field(converter=read_only)
    score_dates: Mapping[str, dt.date] = attrs.field(converter=read_only)
    score_paths: Mapping[str, str] = attrs.field(converter=read_only)
    risk_flags: tuple[RiskFlag, ...]
    conditions: frozenset[str]
    instruments: Mapping[str, Any]
    config: Any
    areas: frozenset[str] | None = None

    @property
    def has_open_risk_flag(self) -> bool:
        """True while any risk flag is open (always true when one was raised: only clinicians close)."""
        return bool(self.risk_flags)


@attrs.define
class PlanDraft:
    """The mutable plan handed to the ``adjust_plan`` hook."""

    problems: list[Problem]
    exclusions: list[Exclusion]
    notices: list[Notice]


@attrs.frozen
class Plan:
    """A finished draft plan. ``status`` is always ``"draft"`` until a clinician signs it.

    Use :meth:`to_dict` / :meth:`to_json` for output; the JSON validates against
    ``schemas/plan.schema.json`` and is byte-identical for the same input and ``as_of``.
    """

    as_of: dt.date
    input_sha256: str
    engine_version: str
    plugins: tuple[PluginInfo, ...]
    scores: tuple[dict[str, Any], ...]
    risk_flags: tuple[RiskFlag, ...]
    risk_statement: str
    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...]
    exclusions: tuple[Exclusion, ...]
    notices: tuple[Notice, ...]
    patient_goals: tuple[dict[str, Any], ...]
    patient_id: str | None = None
    status: str = "draft"
    #: the clinic's crisis resources, shown beside the risk section (``None``: none configured)
    crisis: CrisisResources | None = None
    #: the answers of every response to an instrument with a risk item, as
    #: ``{"instrument", "date", "answers"}``: a goal file made from the plan carries them, so that
    #: its review sees the same risk items (not in the plan's JSON, which has the flags)
    risk_answers: tuple[dict[str, Any], ...] = ()
    #: the treatment options of each problem and the one followed (stepped care)
    choices: tuple[Choice, ...] = ()
    #: the limits applied and the weekly load of each phase
    burden: Burden | None = None

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the shape of ``schemas/plan.schema.json``)."""
        return {
            "planengine": 1,
            "kind": "plan",
            "status": self.status,
            "as_of": self.as_of.isoformat(),
            "patient": {"id": self.patient_id} if self.patient_id else None,
            "sign_off": {
                "required": True,
                "status": "unsigned",
                "signatures": [],
                "patient_participation": None,
                "note": "Draft decision support. A licensed clinician must review, edit and sign "
                "this plan before it is used.",
            },
            "generated_by": {
                "engine": "planengine",
                "version": self.engine_version,
                "plugins": [p.to_dict() for p in self.plugins],
                "input_sha256": self.input_sha256,
            },
            "risk": {
                "flags": [f.to_dict() for f in self.risk_flags],
                "statement": self.risk_statement,
                "crisis_locale": None if self.crisis is None else self.crisis.locale,
                "crisis_resources": []
                if self.crisis is None
                else [r.to_dict() for r in self.crisis.resources],
            },
            "scores": [dict(s) for s in self.scores],
            "findings": [f.to_dict() for f in self.findings],
            "problems": [p.to_dict() for p in self.problems],
            "choices": [c.to_dict() for c in self.choices],
            "burden": None if self.burden is None else self.burden.to_dict(),
            "patient_goals": [dict(g) for g in self.patient_goals],
            "excluded": [e.to_dict() for e in self.exclusions],
            "notices": [n.to_dict() for n in self.notices],
        }

    def to_json(self) -> str:
        """Deterministic JSON text (2-space indent, UTF-8 characters kept, trailing newline).

        Its numbers are finite: :meth:`planengine.Engine.plan` refuses plugin content with a NaN
        or an infinity when it makes the plan.
        """
        return json_text(self.to_dict())
