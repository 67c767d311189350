"""The review's data: settings, input findings, measurements, change statistics, suggestions, results.

Input findings and measurements, what reading a goal file makes, are defined in
:mod:`planengine.review._readings` (re-exported here), so that ``validate``, which reads goal
files the same way, need not build the review's results. Everything here is a frozen attrs
class with a ``to_dict()`` giving JSON-ready output; the
computing modules (``_change``, ``_trajectory``, ``_status``, ``_gas``, ``_suggest``) fill them in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from planengine._json_form import DATE, DICT, FORM, FORMS, IF_EMPTY, LIST, NULL, json_form, key
from planengine._records import RiskFlag
from planengine.plan._crisis import CrisisResources
from planengine.review._config import ReviewConfig
from planengine.review._readings import Measurement, ReviewFinding, UnusableEntry

__all__ = [
    "ACHIEVEMENT_STATUSES",
    "ACHIEVEMENT_SYSTEM",
    "ChangeReport",
    "GasResult",
    "GasSummary",
    "GoalReview",
    "Measurement",
    "Review",
    "ReviewConfig",
    "ReviewContext",
    "ReviewFinding",
    "Status",
    "Suggestion",
    "Trajectory",
    "UnusableEntry",
    "WaitingGoal",
]

#: FHIR ``Goal.achievementStatus`` codes ([R4-Goal]), in the value set's order.
ACHIEVEMENT_STATUSES = (
    "in-progress",
    "improving",
    "worsening",
    "no-change",
    "achieved",
    "sustaining",
    "not-achieved",
    "no-progress",
    "not-attainable",
)
ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"


@attrs.frozen
class Status:
    """The goal's FHIR achievementStatus and the rule that chose it."""

    code: str = attrs.field(validator=attrs.validators.in_(ACHIEVEMENT_STATUSES))
    rule: str
    reason: str

    to_dict = json_form(
        key("code"),
        key("system", constant=ACHIEVEMENT_SYSTEM),
        key("rule"),
        key("reason"),
        doc="JSON-ready form, with the FHIR coding.",
    )


@attrs.frozen
class Trajectory:
    """The expected-recovery path from baseline to target by the due date, against the latest
    value (docs/review.md).

    :ivar position: ``ahead``, ``on-track``, ``behind`` or ``unknown`` (no baseline, target,
        start, due date or measurement after baseline). A goal that is worsening, lost its
        target or did not respond by the non-response review point is never on track or ahead.
    :ivar expected_now: the value the path expects on the latest measurement's date.
    :ivar path: vertices ``(date, value)``: start, the non-response review point (if it bends
        there), due date; ``review_points``: ``(date, label)``.
    :ivar deviation: (actual progress - expected progress) as a fraction of the planned change;
        positive is ahead.
    :ivar projected_date: when the target would be reached at the rate seen so far (``None`` when
        the rate is zero or the wrong way).
    """

    position: str
    days_left: int | None
    start: dt.date | None
    due: dt.date | None
    expected_now: float | None = None
    actual: float | None = None
    deviation: float | None = None
    tolerance: float | None = None
    projected_date: dt.date | None = None
    reason: str = ""
    path: tuple[tuple[dt.date, float], ...] = ()
    review_points: tuple[tuple[dt.date, str], ...] = ()

    to_dict = json_form(
        key("position"),
        key("days_left"),
        key("start", as_=DATE, omit=NULL),
        key("due", as_=DATE, omit=NULL),
        key("expected_now", function=lambda t: _round(t.expected_now)),
        key("actual"),
        key("deviation", function=lambda t: _round(t.deviation)),
        key("tolerance"),
        key("projected_date", as_=DATE, omit=NULL),
        key("reason"),
        key(
            "path",
            function=lambda t: [
                {"date": day.isoformat(), "value": _round(value)} for day, value in t.path
            ],
        ),
        key(
            "review_points",
            function=lambda t: [
                {"date": day.isoformat(), "label": label} for day, label in t.review_points
            ],
        ),
    )


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


@attrs.frozen
class ChangeReport:
    """Change from baseline to the latest value of an instrument measure, each criterion apart.

    Each criterion is ``None`` when the instrument's data does not define it. Statistical change
    (reliable change, MCID), categorical change (band) and goal change (GAS) can disagree, so they
    are reported side by side ([DN-change-measures]).

    :ivar improvement: the change in the better direction (positive = better), on the goal's scale.
    :ivar response: ``{"met": bool, "basis": str, "percent": float | None}`` or ``None``.
    :ivar remission: ``{"met": bool, "rule": "< 5", "baseline_met": bool}`` or ``None``.
    :ivar reliable_change: ``{"method", "rci", "threshold", "direction", "note"}`` or ``None``;
        ``direction`` is ``improved``, ``deteriorated`` or ``none``.
    :ivar mcid: ``{"value", "improved", "deteriorated"}`` or ``None``.
    :ivar band: ``{"from", "to", "moved"}`` with ``moved`` ``better``/``worse``/``same``, or ``None``.
    :ivar category: Jacobson-Truax category: ``recovered``, ``improved``, ``unchanged``,
        ``deteriorated`` (``None`` when there is no reliable-change criterion).
    :ivar caveats: recall-window overlaps and notes on the thresholds used.
    :ivar recovery: recovery against caseness (``recovered``, ``reliable_recovery`` ...), or
        ``None`` without a caseness cut-off; ``cutoffs``: the WHO-5's depression cut-offs.
    """

    instrument: str
    baseline: float
    latest: float
    baseline_date: dt.date
    latest_date: dt.date
    improvement: float
    response: Mapping[str, Any] | None = None
    remission: Mapping[str, Any] | None = None
    reliable_change: Mapping[str, Any] | None = None
    mcid: Mapping[str, Any] | None = None
    band: Mapping[str, Any] | None = None
    category: str | None = None
    caveats: tuple[str, ...] = ()
    recovery: Mapping[str, Any] | None = None
    cutoffs: tuple[Mapping[str, Any], ...] = ()

    @property
    def reliable_improvement(self) -> bool:
        """Whether the reliable-change criterion shows improvement."""
        return bool(self.reliable_change and self.reliable_change["direction"] == "improved")

    @property
    def reliable_deterioration(self) -> bool:
        """Whether the reliable-change criterion shows deterioration."""
        return bool(self.reliable_change and self.reliable_change["direction"] == "deteriorated")

    to_dict = json_form(
        key("instrument"),
        key(
            "baseline",
            function=lambda c: {"value": c.baseline, "date": c.baseline_date.isoformat()},
        ),
        key("latest", function=lambda c: {"value": c.latest, "date": c.latest_date.isoformat()}),
        key("improvement", function=lambda c: _round(c.improvement)),
        key("response", as_=DICT, omit=NULL),
        key("remission", as_=DICT, omit=NULL),
        key("reliable_change", as_=DICT, omit=NULL),
        key("reliable_deterioration"),
        key("mcid", as_=DICT, omit=NULL),
        key("band", as_=DICT, omit=NULL),
        key("category"),
        key("recovery", as_=DICT, omit=NULL),
        key("cutoffs", function=lambda c: [dict(cutoff) for cutoff in c.cutoffs]),
        key("caveats", as_=LIST),
    )


@attrs.frozen
class GasResult:
    """Goal Attainment Scaling for one goal: the latest level (-2..+2) and its history."""

    level: int | None
    weight: float
    levels: Mapping[str, str]
    history: tuple[tuple[dt.date, int], ...] = ()
    source: str = ""

    @property
    def description(self) -> str | None:
        """The written outcome for the current level."""
        return None if self.level is None else self.levels.get(str(self.level))

    to_dict = json_form(
        key("level"),
        key("description"),
        key("weight"),
        key("source"),
        key(
            "history",
            function=lambda g: [
                {"date": day.isoformat(), "level": level} for day, level in g.history
            ],
        ),
    )


@attrs.frozen
class GasSummary:
    """The GAS T-score across the goals that have a level ([R39]).

    :ivar interim_days: when a rating was made before its goal's due date, the most days between
        a rating and the due date (the T-score is then interim, not the outcome); else ``None``.
    """

    t_score: float | None
    rho: float
    goals: tuple[str, ...]
    levels: tuple[int, ...]
    weights: tuple[float, ...]
    interim_days: int | None = None

    to_dict = json_form(
        key("t_score", function=lambda g: None if g.t_score is None else round(g.t_score, 1)),
        key("t_score_exact", "t_score"),
        key("rho"),
        key("goals", as_=LIST),
        key("levels", as_=LIST),
        key("weights", as_=LIST),
        key("interim_days"),
        doc="JSON-ready form; ``t_score`` rounded to one decimal place as the brief reports it.",
    )


@attrs.frozen
class Suggestion:
    """One proposed adjustment, with the rule that made it and why.

    Plugins return these from the ``review_suggestions`` hook. ``source`` is ``core`` or
    ``plugin:<name>`` (set by the host). A suggestion can never close or downgrade a risk flag;
    the actions in :data:`FORBIDDEN_ACTIONS` are refused.

    :ivar rule: the rule id, e.g. ``review.change-strategy`` (plugins: their own prefix).
    :ivar action: ``keep``, ``raise-target``, ``close-goal``, ``extend``, ``split``,
        ``change-strategy``, ``escalate``, ``review-now``, ``record-measurement``,
        ``revise-goal``, ``reprioritise`` or a plugin's own verb.
    :ivar reason: the facts that triggered the rule, in a sentence.
    :ivar goal_id: the goal it is about (``None`` for the whole plan).
    :ivar details: extra JSON-ready data (a proposed date, a new order ...).
    """

    rule: str
    action: str
    reason: str
    goal_id: str | None = None
    source: str = "core"
    details: Mapping[str, Any] = attrs.field(factory=dict)

    to_dict = json_form(
        *map(key, ("rule", "action", "reason", "goal_id", "source")),
        key("details", as_=DICT),
    )


#: Actions no suggestion may carry: only a clinician closes or downgrades a risk flag ([DN-risk-flags]).
FORBIDDEN_ACTIONS = frozenset(
    {"close-risk-flag", "downgrade-risk-flag", "dismiss-risk-flag", "resolve-risk-flag"}
)


@attrs.frozen
class GoalReview:
    """Where one goal stands on ``as_of``.

    :ivar instrument: the instrument id when the goal's values are its totals, else ``None``.
    :ivar scale: ``total``, ``percent`` (WHO-5 percent scores) or ``metric`` (a free metric).
    :ivar direction: ``lower-is-better`` or ``higher-is-better``.
    :ivar measurements: the values used, baseline first, in date order.
    :ivar review_due: next review date (last measurement + review interval); ``overdue`` when past.
    :ivar attention: why the goal needs attention (empty when it does not).
    :ivar judged_by: how status and trajectory read the values, if not as measured (rolling median).
    :ivar measurement_age_days: days from the latest value (or GAS rating) to ``as_of``; older
        than ``measurement_interval_days`` (the cadence) is overdue.
    :ivar unusable_newer: progress entries newer than the latest usable value whose value could
        not be used (the status rests on older data: re-measure).
    """

    goal_id: str
    index: int
    statement: str
    area: str | None
    instrument: str | None
    scale: str
    unit: str | None
    direction: str
    target: float | None
    comparator: str | None
    measurements: tuple[Measurement, ...]
    status: Status
    trajectory: Trajectory
    review_due: dt.date | None
    overdue: bool
    review_interval_days: int
    change: ChangeReport | None = None
    gas: GasResult | None = None
    suggestions: tuple[Suggestion, ...] = ()
    attention: tuple[str, ...] = ()
    findings: tuple[ReviewFinding, ...] = ()
    judged_by: str | None = None
    measurement_age_days: int | None = None
    measurement_interval_days: int | None = None
    unusable_newer: tuple[UnusableEntry, ...] = ()

    @property
    def measurement_overdue(self) -> bool:
        """Whether the latest value is older than the measurement cadence (re-measure first)."""
        age, cadence = self.measurement_age_days, self.measurement_interval_days
        return age is not None and cadence is not None and age > cadence

    @property
    def needs_attention(self) -> bool:
        """Whether anything about this goal calls for the clinician's attention."""
        return bool(self.attention)

    @property
    def latest(self) -> Measurement | None:
        """The latest measurement (the baseline when nothing came after it)."""
        return self.measurements[-1] if self.measurements else None

    to_dict = json_form(
        *map(key, ("goal_id", "statement", "area", "instrument", "scale", "unit", "direction")),
        key(
            "target",
            function=lambda g: (
                None if g.target is None else {"value": g.target, "comparator": g.comparator}
            ),
        ),
        key("status", as_=FORM),
        key("trajectory", as_=FORM),
        key(
            "review",
            function=lambda g: {
                "due": None if g.review_due is None else g.review_due.isoformat(),
                "overdue": g.overdue,
                "interval_days": g.review_interval_days,
                "measurement_age_days": g.measurement_age_days,
                "measurement_interval_days": g.measurement_interval_days,
                "measurement_overdue": g.measurement_overdue,
            },
        ),
        key("judged_by"),
        key("measurements", as_=FORMS),
        key("unusable_newer", as_=FORMS, omit=IF_EMPTY),
        key("change", as_=FORM, omit=NULL),
        key("gas", as_=FORM, omit=NULL),
        key("suggestions", as_=FORMS),
        key("needs_attention"),
        key("attention", as_=LIST),
    )


@attrs.frozen
class WaitingGoal:
    """A goal a goal file lists under ``x-waiting-goals``: not reviewed against its dates, and
    listed with what it waits for, in the file's order (``starts_when``, ``held``,
    ``condition``: the first is its trigger, clinician read 23, M2).

    :ivar triggers: ``(key, words)`` pairs, as the file gives them.
    """

    goal_id: str
    triggers: tuple[tuple[str, str], ...] = ()

    to_dict = json_form(
        key("id", "goal_id"),
        key("triggers", function=lambda w: [{"key": k, "words": v} for k, v in w.triggers]),
    )


@attrs.frozen
class ReviewContext:
    """What a ``review_suggestions`` hook sees besides the goal: read-only.

    :ivar goals: every goal's review as computed by the core (before plugin suggestions).
    :ivar assessments: repeat questionnaire totals as ``(instrument, date, total)``.
    """

    as_of: dt.date
    instruments: Mapping[str, Any]
    goals: tuple[GoalReview, ...]
    risk_flags: tuple[RiskFlag, ...]
    config: ReviewConfig
    assessments: tuple[tuple[str, dt.date, float], ...] = ()


@attrs.frozen
class Review:
    """The review of one goal file on ``as_of``.

    :ivar patient_id: the goal file's ``patient.id`` (``None``: the file names no patient; its
        outputs then name the file); every flag id starts with it (``p-105/risk-1``).
    :ivar goals: per-goal reviews in the file's order.
    :ivar risk_flags: safety flags from repeat questionnaires, words and private records (never
        suggestions; only a clinician closes them), each with its status: open, or
        dispositioned by a clinician (:attr:`open_flags` are the ones that ask for a clinician
        now).
    :ivar priority: goal ids in the suggested order of attention.
    :ivar suggestions: plan-level suggestions (re-prioritising).
    :ivar findings: problems with the input, each with its place in the file.
    :ivar notices: what the clinician should know about how the review was made (plugin failures,
        dropped plugin suggestions, risk items not recorded).
    """

    as_of: dt.date
    file: str | None
    goals: tuple[GoalReview, ...]
    gas: GasSummary | None
    risk_flags: tuple[RiskFlag, ...]
    priority: tuple[str, ...]
    suggestions: tuple[Suggestion, ...]
    findings: tuple[ReviewFinding, ...]
    notices: tuple[Any, ...]
    assessments: tuple[tuple[str, dt.date, float], ...] = ()
    config: ReviewConfig = attrs.field(factory=ReviewConfig)
    #: the clinic's crisis resources, shown beside open risk flags
    crisis: CrisisResources = attrs.field(factory=CrisisResources)
    patient_id: str | None = None
    #: risk items recorded as totals only (:class:`planengine.review._patient.RiskItemGap`)
    risk_item_gaps: tuple[Any, ...] = ()
    #: since when each unassessed flag has waited (:class:`planengine.review._patient.FlagClock`)
    flag_clocks: tuple[Any, ...] = ()
    #: why risk is not known (``PHQ-9 item 9 never recorded (4 PHQ-9s)``, ``no risk screen on
    #: file``), for the summary's flag count, which is never a bare 0 (``None``: a risk item was
    #: answered, or a flag is on file; :func:`planengine.review._patient.risk_not_known`)
    risk_not_known: str | None = None
    #: the goals the file lists as waiting, with their triggers (not reviewed)
    waiting: tuple[WaitingGoal, ...] = ()

    @property
    def patient(self) -> str:
        """Who the review is about, for every output: the patient id, or, when the file names no
        patient, ``unidentified patient (FILE)``."""
        if self.patient_id:
            return self.patient_id
        return f"unidentified patient ({self.file or 'in-memory data'})"

    @property
    def open_flags(self) -> tuple[RiskFlag, ...]:
        """The flags that ask for a clinician now: every flag but a currently dispositioned one."""
        return tuple(flag for flag in self.risk_flags if flag.is_open)

    @property
    def has_input_errors(self) -> bool:
        """Whether any input value had to be left out (exit code 2 on the command line)."""
        return any(f.severity == "error" for f in self.findings)

    @property
    def needs_attention(self) -> bool:
        """Whether any risk flag is open, any goal needs attention or a re-measurement, or a
        risk item not recorded needs asking (a high total without it)."""
        return (
            bool(self.open_flags)
            or any(g.needs_attention or g.measurement_overdue for g in self.goals)
            or any(gap.needs_attention for gap in self.risk_item_gaps)
        )

    @property
    def exit_code(self) -> int:
        """2 on input errors, 1 when anything needs attention, else 0."""
        if self.has_input_errors:
            return 2
        return 1 if self.needs_attention else 0

    def goal(self, goal_id: str) -> GoalReview:
        """The review of the goal with this id.

        :raises KeyError: when no goal has that id.
        """
        for goal in self.goals:
            if goal.goal_id == goal_id:
                return goal
        raise KeyError(goal_id)

    def _unassessed_since(self, flag_id: str) -> dict[str, Any]:
        """``{"unassessed_since": date}`` for a flag no clinician has assessed, else empty."""
        clock = next((c for c in self.flag_clocks if c.flag_id == flag_id), None)
        return {} if clock is None else {"unassessed_since": clock.since.isoformat()}

    to_dict = json_form(
        key("as_of", as_=DATE),
        *map(key, ("file", "patient", "patient_id", "needs_attention")),
        key(
            "risk_flags",
            function=lambda r: [
                {**flag.to_dict(), "patient": r.patient, "signal": flag.signal}
                | r._unassessed_since(flag.id)
                for flag in r.risk_flags
            ],
        ),
        key("goals", as_=FORMS),
        key("waiting_goals", "waiting", as_=FORMS),
        key("gas", as_=FORM, omit=NULL),
        key("priority", as_=LIST),
        key("suggestions", as_=FORMS),
        key("findings", as_=FORMS),
        key("notices", as_=FORMS),
        key(
            "assessments",
            function=lambda r: [
                {"instrument": i, "date": d.isoformat(), "total": t} for i, d, t in r.assessments
            ],
        ),
        key("risk_items_not_recorded", "risk_item_gaps", as_=FORMS),
        key("risk_not_known"),
        key("config", as_=FORM),
        key("crisis_locale", function=lambda r: r.crisis.locale),
        key("crisis_resources", function=lambda r: [c.to_dict() for c in r.crisis.resources]),
    )
