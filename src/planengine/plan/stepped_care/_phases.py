"""Phases and the burden budget: what starts now, what next and what is watched for later.

Problems (in treatment order):

* the safety problem, a problem holding an urgent safety objective, and the primary problem
  start ``now``;
* insomnia above its cut-off runs ``now`` alongside the primary depression, anxiety or PTSD
  (R-SC12);
* another problem above its cut-off is ``next``: it starts when the primary problem has improved
  or at the sequencing review (R-SC1);
* a measured problem below its cut-off is ``later``: active monitoring, with a step up if it
  rises or does not improve (R-SC6);
* a problem no questionnaire measured (a concern, the patient's words) starts ``now``,
  proportionately: low-intensity steps within the budget;
* a problem whose chosen option is active monitoring is ``later``.

Steps: assessment steps start ``now`` in every problem (recognition and assessment are step 1);
the other steps of a ``next`` or ``later`` problem share its phase. In a ``now`` problem, courses
start within the course limit (R-SC14), self-help within the module limit (R-SC14) and the weekly
homework budget (R-SC15: monitoring first, then in order; what does not fit is ``next`` with the
week it can start), and a step that builds on a deferred step waits with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planengine._model import Intervention, Problem
from planengine.plan.stepped_care._dose import (
    HIGH,
    SELF_HELP,
    contacts_per_week,
    has_dose,
    homework_minutes,
)
from planengine.plan.stepped_care._options import Decision
from planengine.plan.stepped_care._order import BELOW, CASENESS, Severity, alongside
from planengine.plan.stepped_care._records import (
    LATER,
    NEXT,
    NOW,
    PHASES,
    Burden,
    Ordering,
    PhaseLoad,
    Phasing,
)
from planengine.plan.stepped_care._rules import SteppedCareRules, rule_id

__all__ = ["Limits", "assign_phases"]

RULE_ASSESS = "stepped-care.assess-first"
RULE_BUDGET = rule_id("R-SC15")
RULE_LIMITS = rule_id("R-SC14")
RULE_DOSE = "stepped-care.dose-required"
RULE_REQUIRES = "stepped-care.requires"
_ASSESSMENT = frozenset({"assessment", "safety"})


class Limits:
    """The limits a plan is made within (from :class:`planengine.EngineConfig`)."""

    __slots__ = ("courses", "homework", "horizon_weeks", "modules", "sequence_weeks", "step_up_weeks")

    def __init__(
        self,
        *,
        courses: int,
        modules: int,
        homework: int,
        step_up_weeks: int,
        sequence_weeks: int,
        horizon_weeks: int,
    ) -> None:
        self.courses = courses
        self.modules = modules
        self.homework = homework
        self.step_up_weeks = step_up_weeks
        self.sequence_weeks = sequence_weeks
        self.horizon_weeks = horizon_weeks

    def as_pairs(self) -> tuple[tuple[str, int], ...]:
        """The limits as the plan reports them."""
        return (
            ("max_courses_now", self.courses),
            ("max_self_guided_modules", self.modules),
            ("homework_minutes_per_week", self.homework),
            ("step_up_review_weeks", self.step_up_weeks),
            ("sequence_review_weeks", self.sequence_weeks),
        )


def assign_phases(
    ordered: Sequence[tuple[Problem, Ordering]],
    severities: Mapping[str, Severity],
    decisions: Mapping[str, Decision],
    measures: Mapping[str, str],
    rules: SteppedCareRules,
    limits: Limits,
) -> Burden:
    """Set every problem's and step's phase (in place) and return the plan's burden.

    The limits hold in ``now`` and again in ``next`` (a queue): what does not fit in ``next``
    goes ``later``, with when it starts.

    :param decisions: problem id -> how it starts (its option).
    :param measures: problem id -> what is re-measured meanwhile, in words.
    """
    primary = next((p for p, o in ordered if o.primary), None)
    courses = {NOW: 0, NEXT: 0}
    alongside_used = False
    budgets = {NOW: _Budget(limits, NOW), NEXT: _Budget(limits, NEXT)}
    waiting_behind: Problem | None = None  # the last problem put in ``next``, for the queue
    for problem, ordering in ordered:
        decision = decisions.get(problem.id)
        _phase_problem(problem, ordering, severities[problem.id], decision, primary,
                       waiting_behind, measures, rules, limits)
        phase = problem.phase
        if phase == NEXT:
            waiting_behind = problem
        for step in problem.interventions:
            if problem.area == "safety" or step.category == "safety":
                _set(step, NOW, "stepped-care.safety-first", "Safety steps start at once.")
            elif step.category in _ASSESSMENT and step.intensity != HIGH:
                _set(step, NOW, RULE_ASSESS, "Assessment comes first, in every phase.")
            elif phase == LATER:
                step.phase, step.phasing = LATER, None
            elif step.intensity == HIGH:
                placed = _place_course(step, problem, phase, severities[problem.id], decision,
                                       primary, courses[phase], alongside_used, measures, rules,
                                       limits)
                alongside_used = alongside_used or placed == "alongside"
                if step.phase == phase:
                    courses[phase] += 1
            elif step.delivery in SELF_HELP:
                budgets[phase].candidates.append((problem, step))
            else:
                step.phase = phase
                step.phasing = Phasing(ordering.rule, _STARTS_WITH)
    budgets[NOW].place()
    budgets[NEXT].place()
    _wait_for_requirements(ordered)
    _note_waiting_objectives(ordered)
    return _burden(ordered, limits)


def _phase_problem(
    problem: Problem,
    ordering: Ordering,
    severity: Severity,
    decision: Decision | None,
    primary: Problem | None,
    waiting_behind: Problem | None,
    measures: Mapping[str, str],
    rules: SteppedCareRules,
    limits: Limits,
) -> None:
    measure = measures.get(problem.id)
    entry = _queue_entry(primary, waiting_behind, measure, limits)
    if ordering.rule == "stepped-care.safety-first":
        problem.phase, problem.phasing = NOW, Phasing(ordering.rule, ordering.reason)
    elif decision is not None and decision.start == "within":  # one course treats both
        problem.phase, problem.phasing = NOW, Phasing(decision.rule, decision.reason)
    elif decision is not None and decision.start == "monitor":
        problem.phase, problem.phasing = LATER, Phasing(
            decision.rule,
            decision.reason,
            entry=f"Start if {measure} has not improved at the week-{limits.step_up_weeks} review.",
            review=measure,
        )
    elif ordering.primary or (primary is not None and alongside(problem, primary, severity, rules)):
        problem.phase, problem.phasing = NOW, Phasing(ordering.rule, ordering.reason)
    elif severity.level >= CASENESS and primary is not None:
        problem.phase, problem.phasing = NEXT, Phasing(
            rule_id("R-SC1"),
            f"{severity.text}; {primary.title} is treated first, and treating it often helps "
            "this too.",
            entry=entry,
            review=measure,
        )
    elif severity.level == BELOW:
        problem.phase, problem.phasing = LATER, Phasing(
            rule_id("R-SC6"),
            f"{severity.text}: active monitoring first.",
            entry=f"Start self-help if {measure} reaches its cut-off or has not improved at the "
            f"week-{limits.step_up_weeks} review.",
            review=measure,
        )
    else:  # from a concern or the patient's words: one thing at a time
        problem.phase, problem.phasing = NEXT, Phasing(
            rule_id("R-SC1"),
            f"{severity.text[:1].upper()}{severity.text[1:]}; "
            f"{'it' if primary is None else primary.title} comes first, one thing at a time.",
            entry=entry,
            review=measure,
        )


def _queue_entry(
    primary: Problem | None, behind: Problem | None, measure: str | None, limits: Limits
) -> str:
    """When a waiting problem starts: after the primary problem has improved (or, for drinking
    that harms, after 3-4 weeks without alcohol), and never before a problem ranked above it."""
    if behind is not None:
        return (
            f"Start after {behind.title} has started, at a review where the patient can take it "
            f"on; until then {measure} is reviewed."
        )
    if primary is None:
        return f"Start at the week-{limits.step_up_weeks} review."
    if primary.ordering is not None and primary.ordering.rule == rule_id("R-SC9"):
        return (
            f"Measure {measure} again after 3-4 weeks without alcohol; start if it is still at or "
            "above its cut-off (R-SC9)."
        )
    return (
        f"Start when {primary.title} has improved reliably, or at the week-"
        f"{limits.sequence_weeks} review if {measure} has not improved."
    )


def _place_course(
    step: Intervention,
    problem: Problem,
    phase: str,
    severity: Severity,
    decision: Decision | None,
    primary: Problem | None,
    courses: int,
    alongside_used: bool,
    measures: Mapping[str, str],
    rules: SteppedCareRules,
    limits: Limits,
) -> str:
    """Put a course step of a problem in ``phase`` (``now`` or ``next``) in its own phase;
    ``"alongside"`` when it used the place beside the primary course (R-SC12)."""
    measure = measures.get(problem.id, "the measure")
    after = NEXT if phase == NOW else LATER
    if decision is None or decision.start != "high" or step.id not in decision.course:
        _set(step, after, rule_id("R-SC5"),
             "Lower-intensity care comes first; this course is the step up."
             + (f" {decision.reason}" if decision is not None and decision.reason else ""),
             entry=f"Step up if {measure} has not improved reliably at the "
             f"{'week-' + str(limits.step_up_weeks) if phase == NOW else 'first'} review of its "
             "care, or sooner if the patient and clinician choose it.",
             review=measure)
        return ""
    if courses < limits.courses:
        _set(step, phase, decision.rule, decision.reason)
        return "course"
    entry = rules.alongside.get(problem.area)
    if (
        phase == NOW
        and entry is not None
        and primary is not None
        and alongside(problem, primary, severity, rules)
        and not alongside_used
    ):
        _set(step, NOW, entry[1],
             f"Runs alongside the course for {primary.title} (it may run at the same time).")
        return "alongside"
    _set(step, after, rule_id("R-SC14"),
         f"One course of therapy at a time ({limits.courses} in each phase).",
         entry=f"Start when the course before it ends, or at its week-{limits.sequence_weeks} "
         f"review if {measure} has not improved.",
         review=measure)
    return ""


class _Budget:
    """Self-help of one phase placed within the module limit and the weekly homework budget;
    what does not fit goes to the phase after it. Within a problem the order is kept: once one
    of its steps waits, the steps after it wait too (a protocol is never reordered)."""

    def __init__(self, limits: Limits, phase: str) -> None:
        self.limits = limits
        self.phase = phase
        self.after = NEXT if phase == NOW else LATER
        self.candidates: list[tuple[Problem, Intervention]] = []

    def place(self) -> None:
        limits, phase, after = self.limits, self.phase, self.after
        horizon = limits.horizon_weeks
        used = 0.0
        modules: list[str] = []
        # week -> minutes of self-help already planned in it (weeks 1..horizon)
        weeks = [0.0] * (limits.horizon_weeks + 1)
        waiting: list[tuple[Problem, Intervention, float]] = []
        blocked: set[str] = set()  # problems one of whose steps waits
        first = [c for c in self.candidates if c[1].category == "monitoring"]
        rest = [c for c in self.candidates if c[1].category != "monitoring"]
        for problem, step in (*first, *rest):
            if not has_dose(step):
                _set(step, after, RULE_DOSE, "No dose is given (how often, for how long).",
                     entry="Starts when the clinician has set how often and for how long.")
                continue
            if problem.id not in modules and len(modules) >= limits.modules:
                _set(step, after, RULE_LIMITS,
                     f"At most {limits.modules} self-help programmes at once.",
                     entry="Starts when a self-help programme before it ends, at a review.")
                continue
            minutes = homework_minutes(step)
            if problem.id in blocked or used + minutes > limits.homework:
                blocked.add(problem.id)
                waiting.append((problem, step, minutes))
                continue
            used += minutes
            if problem.id not in modules:
                modules.append(problem.id)
            step.phase = phase
            step.phasing = Phasing(RULE_BUDGET, f"Fits the weekly homework budget ({round(used)} "
                                   f"of {limits.homework} minutes).")
            for week in range(1, min(step.course_weeks or horizon, horizon) + 1):
                weeks[week] += minutes
        earliest: dict[str, int] = {}  # problem id -> the start week of its last waiting step
        for problem, step, minutes in waiting:
            start = _first_free_week(weeks, minutes, step.course_weeks, limits,
                                     earliest.get(problem.id, 2))
            if start is not None:
                earliest[problem.id] = start
            else:
                earliest[problem.id] = limits.horizon_weeks + 1
            week = f"week {start}" if phase == NOW else f"week {start} of this phase"
            when = (
                f"Starts in {week}, when earlier homework has ended"
                if start is not None
                else "Starts at a later review, when earlier homework has ended"
            )
            # in ``now``, a step that starts in a later week is ``next`` (it does not start now);
            # in ``next``, it is scheduled within the phase unless it never fits
            _set(step, NEXT if start is not None else after, RULE_BUDGET,
                 f"The weekly homework budget ({limits.homework} minutes) is taken by the steps "
                 "before it.",
                 entry=f"{when}, within {limits.homework} minutes a week.")


def _first_free_week(
    weeks: list[float], minutes: float, course_weeks: int | None, limits: Limits, least: int
) -> int | None:
    """The first week from ``least`` on from which the step fits the budget for its whole length
    (or to the horizon), booking it there."""
    last = limits.horizon_weeks
    length = course_weeks or last
    room = limits.homework - minutes
    for start in range(max(least, 2), last + 1):
        end = min(start + length, last + 1)
        if max(weeks[start:end]) <= room:
            for week in range(start, end):
                weeks[week] += minutes
            return start
    return None


def _wait_for_requirements(ordered: Sequence[tuple[Problem, Ordering]]) -> None:
    """A step that builds on a step not starting now waits with it (to a fixed point)."""
    steps = {s.id: s for p, _ in ordered for s in p.interventions}
    waiting = [s for s in steps.values() if s.requires]
    rank = {name: index for index, name in enumerate(PHASES)}
    changed = bool(waiting)
    while changed:
        changed = False
        for step in waiting:
            for required in step.requires:
                before = steps.get(required)
                if before is not None and rank[before.phase] > rank[step.phase]:
                    _set(step, before.phase, RULE_REQUIRES, f"Builds on '{before.title}'.",
                         entry=f"Starts after '{before.title}'.")
                    changed = True


def _note_waiting_objectives(ordered: Sequence[tuple[Problem, Ordering]]) -> None:
    """An objective none of whose steps starts now says so: its dates are agreed when they do."""
    phase_of = {s.id: s.phase for p, _ in ordered for s in p.interventions}
    for problem, _ in ordered:
        for objective in problem.objectives:
            steps = [phase_of[s.id] for s in problem.interventions
                     if objective.id in s.objective_ids]
            waits = steps and NOW not in steps and objective.measure.instrument is None
            if problem.phase != NOW or waits:
                objective.notes.append(
                    "Waits: none of its steps starts now; agree its dates again when they start."
                )


def _set(
    step: Intervention,
    phase: str,
    rule: str,
    reason: str,
    *,
    entry: str | None = None,
    review: str | None = None,
) -> None:
    step.phase = phase
    step.phasing = Phasing(rule, reason, entry, review)


_STARTS_WITH = "Starts with the problem."


def _burden(ordered: Sequence[tuple[Problem, Ordering]], limits: Limits) -> Burden:
    totals = {phase: [0, 0.0, 0.0] for phase in PHASES}  # courses, contacts, minutes
    for problem, _ in ordered:
        for step in problem.interventions:
            total = totals[step.phase]
            if step.intensity == HIGH:
                total[0] += 1
            total[1] += contacts_per_week(step)
            total[2] += homework_minutes(step)
    return Burden(
        limits.as_pairs(),
        tuple(
            (phase, PhaseLoad(int(courses), _number(contacts), round(minutes)))
            for phase, (courses, contacts, minutes) in totals.items()
        ),
    )


def _number(value: float) -> float:
    """Two decimals, and a whole number written as one (2, not 2.0)."""
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded
