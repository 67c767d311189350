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

from planengine._json_form import (
    ARGUMENT,
    DATE,
    DICT,
    FORM,
    FORMS,
    IF_EMPTY,
    IF_NONE,
    LIST,
    NULL,
    NUMBERED_FORMS,
    json_data,
    json_form,
    key,
)
from planengine._plan_form import (
    SIGN_OFF_JSON,
    generated_by,
    generated_by_json,
    patient_goals_as_is,
    risk,
    scores_as_is,
    sign_off,
)
from planengine._read_only import read_only
from planengine._records import Notice, PluginInfo, Provenance, RiskFlag
from planengine.io._assessment import Assessment, Context, Response
from planengine.io._json_text import json_text

if TYPE_CHECKING:  # pragma: no cover
    from planengine.plan._crisis import CrisisResources
    from planengine.plan.stepped_care._records import Burden, Choice, Ordering, Phasing

__all__ = [
    "HOLD_REASONS",
    "LOG_HELD_NOTE",
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

_from_day_number = dt.date.fromordinal


def _baseline(measure: Measure) -> dict[str, Any]:
    """A measure's ``baseline``: its value, and the date, or how and by when it is recorded."""
    baseline: dict[str, Any] = {"value": measure.baseline_value}
    if measure.baseline_date is not None:
        baseline["date"] = measure.baseline_date.isoformat()
    if measure.baseline_pending is not None:
        baseline["pending"] = measure.baseline_pending
        if measure.baseline_by is not None:
            baseline["by"] = measure.baseline_by.isoformat()
    return baseline


#: How the note on an objective held because the log that measures it is held begins (the
#: drinking limit counted in a held drinks diary, clinician read 9, S6).
LOG_HELD_NOTE = "Held: the log that measures it is held"


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

    to_dict = json_form(
        key("id"),
        key("area"),
        key("kind"),
        key("summary"),
        key("severity"),
        key("instrument"),
        key("total"),
        key("next_step"),
        key("citations", as_=LIST),
        key("provenance", as_=FORM),
    )


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

    to_dict = json_form(
        key("metric", omit=IF_EMPTY),
        key("instrument", omit=IF_EMPTY),
        key("unit"),
        key("method"),
        key("baseline", function=_baseline),
        key("target", function=lambda m: {"value": m.target_value, "comparator": m.comparator}),
        doc="JSON-ready form (the goal-file ``measure`` shape).",
    )


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
    #: A one-off contact with another team that other steps wait for (the psychosis-team or
    #: prescriber liaison, the cardiac clearance): tracked as a goal, but not counted in the
    #: per-problem limit of active objectives, so that it never pushes a treatment goal out.
    liaison: bool = False
    #: Cautions and stale-baseline warnings a clinician reads before agreeing the objective
    #: (a partner-involving objective waits for the private violence screen).
    notes: list[str] = attrs.Factory(list)
    #: ``now``, or ``next``/``later`` when none of its steps starts now: its dates are then
    #: provisional, agreed again when its steps start (set by the planning stage).
    phase: str | None = None
    #: of a waiting objective (``next``/``later``), when it starts, in the plan's words (its
    #: problem's or its steps' :attr:`Phasing.entry`: "Start if the PHQ-9 ... has not improved
    #: at the week-4 review."): a goal file's ``starts_when`` (clinician read 23, M2)
    starts_when: str | None = None
    #: every step that serves it is held (while a risk flag is open): its clock does not run
    held: bool = False
    #: it applies only if what this names is found at the visit ("item 9 is 1 or more when asked
    #: today, or the clinician is concerned"): a goal file lists it under ``x-waiting-goals``
    #: with its condition, so that a review never calls it overdue when the condition never
    #: arose; a plan made with the new answer makes it a goal (docs/safety.md)
    condition: str | None = None
    #: of an objective whose ``condition`` can only be met after this visit (the risk question
    #: asked and "no" recorded: clinician read 20, S5), the days after the condition is met by
    #: which it is due (the safety plan 0, the same day; its follow-up contact 3, within 72
    #: hours): its ``due_date`` is then only the plan's date, never a deadline, and a goal file
    #: gives this in its place (review s30, 3)
    due_after_condition_days: int | None = None
    #: its questionnaire carries a suicide-risk item and a suicide-risk flag is open: it is
    #: given at every contact, not only at each review ([R32]; NICE NG222, [S2])
    measured_each_contact: bool = False
    #: a clinician's task done at this visit (a questionnaire given today): due on the plan's
    #: date, not counted in the per-problem limit of active objectives, and said with today's
    #: questionnaires on the patient's copy (clinician read 11, S2; read 12, S3)
    at_this_visit: bool = False
    #: its measure says that the risk item's answer, given today or the day it is given, makes
    #: the plan again while a risk question never given is open (clinician read 16, M1): said
    #: once, however often the safety rules run
    replans_on_risk_item: bool = False

    @property
    def review_date(self) -> dt.date:
        """The first review: start date plus the review interval, never after the due date."""
        # in day numbers: a ``timedelta`` costs more than the rest (every plan reads this ~10x)
        day = self.start_date.toordinal() + self.review_interval_days
        due = self.due_date
        return _from_day_number(day) if day < due.toordinal() else due

    to_dict = json_form(
        key("id"),
        key("area"),
        key("statement"),
        key("patient_words", omit=IF_EMPTY),
        key("addresses", as_=LIST),
        key("measure", as_=FORM),
        key("frequency", as_=DICT, omit=IF_EMPTY),
        key("start_date", as_=DATE),
        key("due_date", as_=DATE),
        key("review_interval_days"),
        key("review_date", as_=DATE),
        key("rationale", omit=IF_EMPTY),
        key(
            "gas",
            function=lambda o: {"levels": dict(o.gas)} if o.gas else None,
            json_function=lambda o: {"levels": o.gas} if o.gas else None,
            omit=IF_NONE,
        ),
        key("citations", as_=LIST, omit=IF_EMPTY),
        key("urgent", omit=IF_EMPTY),
        key("liaison", omit=IF_EMPTY),
        key("notes", as_=LIST, omit=IF_EMPTY),
        key("phase", omit=IF_NONE),
        key("starts_when", omit=IF_NONE),
        key("held", omit=IF_EMPTY),
        key("condition", omit=IF_NONE),
        key("due_after_condition_days", omit=IF_NONE),
        key("measured_each_contact", omit=IF_EMPTY),
        key("at_this_visit", omit=IF_EMPTY),
        key("replans_on_risk_item", omit=IF_EMPTY),
        key("provenance", as_=FORM),
    )


#: What a held step waits for (:attr:`Intervention.hold`), one meaning each: a clinician's
#: review of an open risk flag; the risk question (left blank or never given) asked today;
#: today's assessment of a reported risk recorded; the urgent service and a new disposition
#: after a referral for urgent care; the private safety assessment where abuse is documented;
#: the private review today of a private safety plan already on record (clinician read 21, S1);
#: or what a strategy's hold rule names in the step's note.
HOLD_REASONS = (
    "risk-review",
    "risk-question",
    "risk-assessment",
    "urgent-care",
    "private-assessment",
    "private-review",
    "contraindication",
)


@attrs.define
class Intervention:
    """One step of a plan: what, how often, how long, who delivers it, why, with citations.

    :ivar delivery: ``"self-guided"``, ``"clinician-led"``, ``"clinician-supervised"`` or
        ``"referral"``. Self-guided steps are held while a risk flag is open.
    :ivar status: ``"active"``, ``"held"`` (waiting for clinician review) or ``"caution"``
        (kept, with a contraindication note the clinician must weigh).
    :ivar hold: of a held step, what it waits for, one of :data:`HOLD_REASONS` (``None``: not
        held, or held by a plugin that did not say): what documents read, never the note's
        words.
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
    #: the sub-steps as the patient's copy prints them when a caution for a documented
    #: condition rewrote or added to them, in the patient's words (empty: ``steps``)
    patient_steps: list[str] = attrs.Factory(list)
    #: the id of the questionnaire this step gives (``"isi"`` for "Give the ISI at this
    #: visit"): what the plan and the patient's copy read to know which questionnaire is given
    #: today and what it measures, never the step's words
    administers: str | None = None
    hold: str | None = None
    #: of a step a strategy's hold rule holds (``hold`` ``"contraindication"``), what releases
    #: it as a clause after "until", the rule's own criterion ("the liaison with the psychosis
    #: team has agreed how cognitive work is adapted, paced or postponed"); ``None``: the
    #: rule names none, or the step is held for another reason (clinician read 22, S1)
    hold_until: str | None = None

    to_dict = json_form(
        key("order", as_=ARGUMENT),
        key("id"),
        key("area"),
        key("title"),
        key("description"),
        key("category"),
        key("delivery"),
        key("status"),
        key("hold", omit=IF_NONE),
        key("hold_until", omit=IF_NONE),
        key("phase"),
        key("intensity", omit=IF_NONE),
        key("option", omit=IF_NONE),
        key("steps", as_=LIST, omit=IF_EMPTY),
        key("frequency", as_=DICT, omit=IF_EMPTY),
        key("duration_minutes", omit=IF_NONE),
        key("course_weeks", omit=IF_NONE),
        key("rationale"),
        key("citations", as_=LIST),
        key("objectives", "objective_ids", as_=LIST, omit=IF_EMPTY),
        key("administers", omit=IF_NONE),
        key("requires", as_=LIST, omit=IF_EMPTY),
        key("in_sessions_of", as_=LIST, omit=IF_EMPTY),
        key("notes", as_=LIST, omit=IF_EMPTY),
        key("patient_steps", as_=LIST, omit=IF_EMPTY),
        key("phasing", as_=FORM, omit=IF_NONE),
        key("provenance", as_=FORM),
        doc="JSON-ready form, with its place (``order``) in the problem's ordered steps.",
    )


@attrs.frozen
class Exclusion:
    """A step the engine left out, and why (a contraindication, a safety rule, a conflict)."""

    item_id: str
    area: str
    title: str
    reason: str
    rule: str
    source: str

    to_dict = json_form(
        key("id", "item_id"),
        key("area"),
        key("title"),
        key("reason"),
        key("rule"),
        key("proposed_by", "source"),
    )


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

    to_dict = json_form(
        key("id"),
        key("area"),
        key("title"),
        key("priority"),
        key("phase"),
        key("severity"),
        key("evidence", function=lambda p: [f.id for f in p.findings]),
        key("patient_words", as_=LIST),
        key("long_term_goal"),
        key("long_term_goal_source"),
        key("objectives", as_=FORMS),
        key("interventions", as_=NUMBERED_FORMS),
        key("deferred_objectives", as_=LIST, omit=IF_EMPTY),
        key("ordering", as_=FORM, omit=IF_NONE),
        key("phasing", as_=FORM, omit=IF_NONE),
    )


@attrs.frozen
class Proposal:
    """What a strategy or a ``propose`` hook offers for one problem."""

    long_term_goal: str | None = None
    objectives: tuple[Objective, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    notices: tuple[Notice, ...] = ()


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

    to_dict = json_form(
        key("planengine", constant=1),
        key("kind", constant="plan"),
        key("status"),
        key("as_of", as_=DATE),
        key("patient", function=lambda p: {"id": p.patient_id} if p.patient_id else None),
        key(
            "sign_off",
            function=lambda _plan: sign_off(),
            json_function=lambda _plan: SIGN_OFF_JSON,
        ),
        key("generated_by", function=generated_by, json_function=generated_by_json),
        key("risk", function=risk),
        key("scores", function=lambda p: [dict(s) for s in p.scores], json_function=scores_as_is),
        key("findings", as_=FORMS),
        key("problems", as_=FORMS),
        key("choices", as_=FORMS),
        key("burden", as_=FORM, omit=NULL),
        key(
            "patient_goals",
            function=lambda p: [dict(g) for g in p.patient_goals],
            json_function=patient_goals_as_is,
        ),
        key("excluded", "exclusions", as_=FORMS),
        key("notices", as_=FORMS),
        doc="The plan as JSON-ready data (the shape of ``schemas/plan.schema.json``).",
    )

    def to_json(self) -> str:
        """Deterministic JSON text (2-space indent, UTF-8 characters kept, trailing newline).

        Its numbers are finite: :meth:`planengine.Engine.plan` refuses plugin content with a NaN
        or an infinity when it makes the plan.
        """
        return json_text(json_data(self))
