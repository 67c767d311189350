"""The homework budget and the burden: self-help placed week by week within the module limit
and the weekly budget (R-SC14, R-SC15), and what each phase asks of the patient.

* **Self-help** of a phase is placed monitoring first (a diary is no programme of its own), then
  in plan order, a step after the steps it builds on. What does not fit starts in the week
  earlier homework has ended; a step its protocol times (``start_week``, ``requires``) starts
  within the step-up weeks of that time or waits for the phase after, with its protocol; once a
  step of a problem waits, the steps after it wait too (advice, ``psychoeducation``, is no step
  of a protocol and is not held back).
* **The burden** of a phase is its courses, its clinician contacts in a usual week and its
  busiest week of self-help. The contacts count what the patient attends at the same time
  (clinician read 11, S1): the appointments with the clinician who holds the plan, plus the
  sessions of a service the patient is referred to. The plan's own clinician sees the patient
  for the sessions of its own courses and in one appointment for the low-intensity check-ins
  of the problems that run together (held in the same appointment, never one appointment per
  problem: the busiest of them counts), or for the reviews when they come more often (a review
  is a contact: the weekly review that chases a referral is one); a review is met in a session
  with the same clinician, so the two are not added. A task checked each day, or done at this visit, is no
  review with the patient (as the patient copy's next review). The review that active
  monitoring rests on (R-SC6) is one contact within its step-up weeks, so a plan whose problems
  are all on active monitoring does not read "none". Courses of ``next`` and ``later`` queue,
  one at a time (the course limit), so only the busiest that may run together count; the
  courses of ``now`` all run.
* **Held self-help** counts in a phase's busiest week: it is what the patient carries once the
  safety hold ends, and the budget placed it. The phase that starts now also records its busiest
  week without the held steps (``homework_minutes_while_held``), what starts today (clinician
  read 18, S2(b)).
* **Self-help minutes** are the patient's set-aside time: a rule followed through the day or
  night (the bed rules, sleep habits: ``rules``) asks no minutes of its own (clinician read 11,
  S5), so the budget and the burden count the tasks the patient ticks, as the patient copy's
  daily total does.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import attrs

from planengine._model import Intervention, Problem
from planengine.plan.stepped_care._dose import (
    HIGH,
    contacts_per_week,
    has_dose,
    homework_minutes,
)
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
from planengine.plan.stepped_care._rules import rule_id

__all__ = ["RULE_BUDGET", "RULE_LIMITS", "Budget", "Limits", "burden", "set_phase"]

RULE_BUDGET = rule_id("R-SC15")
RULE_LIMITS = rule_id("R-SC14")
RULE_DOSE = "stepped-care.dose-required"
RULE_PROTOCOL = "stepped-care.protocol-order"


@attrs.frozen(kw_only=True)
class Limits:
    """The limits a plan is made within (from :class:`planengine.EngineConfig`)."""

    courses: int
    modules: int
    homework: int
    step_up_weeks: int
    sequence_weeks: int
    horizon_weeks: int

    def as_pairs(self) -> tuple[tuple[str, int], ...]:
        """The limits as the plan reports them."""
        return (
            ("max_courses_now", self.courses),
            ("max_self_guided_modules", self.modules),
            ("homework_minutes_per_week", self.homework),
            ("step_up_review_weeks", self.step_up_weeks),
            ("sequence_review_weeks", self.sequence_weeks),
        )


def set_phase(
    step: Intervention,
    phase: str,
    rule: str,
    reason: str,
    *,
    entry: str | None = None,
    review: str | None = None,
) -> None:
    """Put ``step`` in ``phase``, saying why."""
    step.phase = phase
    step.phasing = Phasing(rule, reason, entry, review)


class Budget:
    """Self-help of one phase placed within the module limit and the weekly homework budget;
    what does not fit goes to the phase after it. Within a problem the order is kept: once one
    of its steps waits, the steps after it wait too (a protocol is never reordered)."""

    def __init__(self, limits: Limits, phase: str) -> None:
        self.limits = limits
        self.phase = phase
        self.after = NEXT if phase == NOW else LATER
        self.candidates: list[tuple[Problem, Intervention]] = []
        #: steps that start whatever the budget (they watch a documented condition)
        self.booked: list[Intervention] = []
        #: self-help the phase before could not take: it waits here first, before this phase's
        #: own (the queue), keeping why it waits; what does not fit here either goes after
        self.carried: list[Intervention] = []

    def place(self) -> list[Intervention]:
        """Place the candidates (in place); return the self-help that goes to the phase after
        for want of room (not for want of a dose), for that phase's budget to carry."""
        # Long: one placement over shared week-by-week state (minutes per week, each step's start
        # week, the problems one of whose steps waits); its passes (booked, carried, the rest, then
        # those placed after week 1) read in order here, and split they would pass that state
        # between them.
        limits, phase, after = self.limits, self.phase, self.after
        horizon = limits.horizon_weeks
        never = horizon + 1  # the start "week" of a step that does not start in this phase
        used = 0.0
        modules: list[str] = []
        # week -> minutes of self-help already planned in it (weeks 1..horizon)
        weeks = [0.0] * (horizon + 1)
        start_of: dict[str, int] = {}  # step id -> its start week in this phase
        blocked: set[str] = set()  # problems one of whose steps waits
        # (problem, step, minutes, the week its protocol allows it from): placed after week 1
        waiting: list[tuple[Problem, Intervention, float, int]] = []
        fits = Phasing(RULE_BUDGET, f"Fits the weekly homework budget ({limits.homework} minutes).")
        overflow: list[Intervention] = []
        for step in self.booked:
            minutes = homework_minutes(step)
            used += minutes
            _book(weeks, minutes, 1, min(step.course_weeks or horizon, horizon) + 1)
        for step in self.carried:  # the queue: what waited in the phase before comes first
            minutes = homework_minutes(step)
            if used + minutes > limits.homework:
                set_phase(step, after, RULE_BUDGET,
                          f"The weekly homework budget ({limits.homework} minutes) is taken, in "
                          "this phase too, by the steps before it.",
                          entry="Starts at a later review, when earlier homework has ended.")
                continue
            used += minutes
            _book(weeks, minutes, 1, min(step.course_weeks or horizon, horizon) + 1)
        earliest: dict[str, int] = {}  # problem id -> the start week of its last waiting step

        def place_waiting(problem: Problem, step: Intervention, minutes: float, protocol: int) -> None:
            """Book a step that does not start in week 1: in the first week from ``protocol`` it
            fits, or in the phase after."""
            protocol = max(protocol, *(start_of.get(r, 1) for r in step.requires), 1)
            least = max(earliest.get(problem.id, 2), protocol)
            # a step its protocol times (a week, or the steps it builds on) starts within the
            # step-up weeks of that time, or waits for a review with its protocol: never weeks
            # after the diary or the course it belongs with has ended
            timed = bool(step.start_week or step.requires)
            latest = protocol + limits.step_up_weeks - 1 if timed else horizon
            start = (
                _first_free_week(weeks, minutes, step.course_weeks, limits, least, latest)
                if least <= min(latest, horizon)
                else None
            )
            earliest[problem.id] = start_of[step.id] = never if start is None else start
            if start is None:
                overflow.append(step)
                set_phase(step, after, RULE_BUDGET,
                     f"The weekly homework budget ({limits.homework} minutes) is taken by the "
                     "steps before it.",
                     entry=f"Starts at a review, when earlier homework has ended, within "
                     f"{limits.homework} minutes a week.")
                return
            # it starts in this phase: in its protocol's week, or when earlier homework has ended
            step.phase = phase
            where = f"week {start}{'' if phase == NOW else ' of this phase'}"
            step.phasing = (
                Phasing(RULE_PROTOCOL, f"Starts in {where}, after the steps its protocol puts "
                        "first.", start_week=start)
                if start == protocol
                else Phasing(RULE_BUDGET, f"Starts in {where}, when earlier homework has ended, "
                             f"within {limits.homework} minutes a week.", start_week=start)
            )

        for problem, step in _in_order(self.candidates):
            if not has_dose(step):
                set_phase(step, after, RULE_DOSE, "No dose is given (how often, for how long).",
                     entry="Starts when the clinician has set how often and for how long.")
                start_of[step.id] = never
                continue
            monitoring = step.category == "monitoring"  # a diary is no programme of its own
            if not monitoring and problem.id not in modules and len(modules) >= limits.modules:
                set_phase(step, after, RULE_LIMITS,
                     f"At most {limits.modules} self-help programmes at once.",
                     entry="Starts when a self-help programme before it ends, at a review.")
                start_of[step.id] = never
                overflow.append(step)
                continue
            minutes = homework_minutes(step)
            least = step.start_week or 1  # its protocol's week, then the steps it builds on
            if step.requires:
                least = max(least, *(start_of.get(r, 1) for r in step.requires))
            # advice (psychoeducation) is no step of a protocol: it is not held back behind one
            ordered_step = step.category != "psychoeducation"
            span = min(1 + (step.course_weeks or horizon), horizon + 1)
            if (
                least > 1
                or (ordered_step and problem.id in blocked)
                or max(weeks[1:span]) + minutes > limits.homework
            ):
                if ordered_step:
                    blocked.add(problem.id)
                if not monitoring and problem.id not in modules:  # its programme's place,
                    modules.append(problem.id)  # kept for it while it waits for its week
                if problem.ordering is not None and problem.ordering.primary:
                    # the primary problem's protocol keeps its weeks: booked now, before the
                    # other problems' self-help fills week 1 (read 8, S7: worry time, staggered
                    # after relaxation, lost its place to a below-cut-off problem's habits)
                    place_waiting(problem, step, minutes, least)
                else:
                    waiting.append((problem, step, minutes, least))
                continue
            used += minutes
            start_of[step.id] = 1
            if not monitoring and problem.id not in modules:
                modules.append(problem.id)
            step.phase = phase
            step.phasing = fits
            _book(weeks, minutes, 1, min(step.course_weeks or horizon, horizon) + 1)
        for waits in waiting:
            place_waiting(*waits)
        return overflow


def _in_order(
    candidates: Sequence[tuple[Problem, Intervention]],
) -> list[tuple[Problem, Intervention]]:
    """Monitoring (diaries) first, then the rest in plan order; a step that builds on another
    candidate comes right after the last of those it builds on."""
    ordered = [c for c in candidates if c[1].category == "monitoring"]
    ordered += [c for c in candidates if c[1].category != "monitoring"]
    place = {step.id: index for index, (_, step) in enumerate(ordered)}
    keys = [float(index) for index in range(len(ordered))]
    moved = False
    for index, (_, step) in enumerate(ordered):
        for required in step.requires:
            after = place.get(required)
            if after is not None and after > index:
                keys[index] = max(keys[index], after + 0.5)
                moved = True
    if not moved:
        return ordered
    return [ordered[i] for i in sorted(range(len(ordered)), key=keys.__getitem__)]


def _book(weeks: list[float], minutes: float, start: int, end: int) -> None:
    """Add ``minutes`` to each of the weeks ``start`` to ``end - 1`` (none when ``end`` is not
    after ``start``; never past the list's end, which every caller keeps within)."""
    if end > start:
        weeks[start:end] = [week + minutes for week in weeks[start:end]]


def _first_free_week(
    weeks: list[float],
    minutes: float,
    course_weeks: int | None,
    limits: Limits,
    least: int,
    latest: int,
) -> int | None:
    """The first week from ``least`` to ``latest`` from which the step fits the budget for its
    whole length (or to the horizon), booking it there."""
    last = limits.horizon_weeks
    length = course_weeks or last
    room = limits.homework - minutes
    for start in range(max(least, 2), min(latest, last) + 1):
        if weeks[start] > room:  # the quick refusal, before the whole span is looked at
            continue
        end = min(start + length, last + 1)
        if max(weeks[start:end]) <= room:
            _book(weeks, minutes, start, end)
            return start
    return None


def burden(ordered: Sequence[tuple[Problem, Ordering]], limits: Limits) -> Burden:
    """Each phase's courses, its contacts in a usual week, and its busiest week of self-help."""
    horizon = limits.horizon_weeks
    courses_of = dict.fromkeys(PHASES, 0)
    own_courses = dict.fromkeys(PHASES, 0.0)  # sessions of the own clinician's courses
    check_ins = dict.fromkeys(PHASES, 0.0)  # the own clinician's busiest check-ins (one stream)
    referred = dict.fromkeys(PHASES, 0.0)  # sessions with a service the patient is referred to
    # per phase, the change in self-help minutes at the start of each week (a running sum)
    changes = {phase: [0.0] * (horizon + 2) for phase in PHASES}
    unheld_now = [0.0] * (horizon + 2)  # the same for the steps of now that are not held
    hosted = in_running_sessions(ordered)
    # the courses of a phase after ``now`` wait in a queue, at most ``limits.courses`` at once
    # (R-SC14): (referred, contacts a week) of each, of which only the busiest that may run
    # together are counted (clinician read 9, S2)
    queued: dict[str, list[tuple[bool, float]]] = {phase: [] for phase in PHASES}
    monitoring: list[tuple[str, float]] = []  # (phase, reviews a week) of active monitoring
    for problem, _ in ordered:
        for step in problem.interventions:
            if step.course_weeks and _is_monitoring_review(step):
                monitoring.append((step.phase, 1 / step.course_weeks))
            if step.intensity == HIGH:
                courses_of[step.phase] += 1
            if step.delivery != "self-guided" and step.id not in hosted:
                if step.intensity == HIGH and step.phase != NOW:
                    queued[step.phase].append((step.delivery == "referral", contacts_per_week(step)))
                elif step.delivery == "referral":
                    referred[step.phase] += contacts_per_week(step)
                elif step.intensity == HIGH:
                    own_courses[step.phase] += contacts_per_week(step)
                else:  # check-ins of problems that run together share one appointment
                    check_ins[step.phase] = max(check_ins[step.phase], contacts_per_week(step))
            minutes = homework_minutes(step)
            if minutes:
                start = (step.phasing.start_week if step.phasing else None) or 1
                end = min(start + (step.course_weeks or horizon), horizon + 1)
                steps_of_phase = changes[step.phase]
                steps_of_phase[start] += minutes
                steps_of_phase[end] -= minutes
                if step.phase == NOW and step.status != "held":
                    unheld_now[start] += minutes
                    unheld_now[end] -= minutes
    reviews = reviews_per_week(ordered)
    for phase, per_week in monitoring:
        reviews[phase] = max(reviews[phase], per_week)
    loads = []
    for phase in PHASES:
        together = sorted(queued[phase], key=lambda course: course[1], reverse=True)
        for referral, per_week in together[: limits.courses]:
            if referral:
                referred[phase] += per_week
            else:
                own_courses[phase] += per_week
        peak = max(0.0, *accumulate(changes[phase]))  # the busiest week's running sum
        # the own clinician's course sessions and one appointment for the check-ins; a review is
        # met in either
        own = max(own_courses[phase] + check_ins[phase], reviews[phase])
        contacts = own + referred[phase]
        # the self-help that starts today while a hold keeps some back (clinician read 18, S2(b))
        unheld = round(max(0.0, *accumulate(unheld_now))) if phase == NOW else round(peak)
        loads.append(
            (
                phase,
                PhaseLoad(
                    courses_of[phase],
                    _number(contacts),
                    round(peak),
                    _number(referred[phase]),
                    unheld if unheld != round(peak) else None,
                ),
            )
        )
    return Burden(limits.as_pairs(), tuple(loads))


#: the source of the review active monitoring rests on (R-SC6)
_MONITORING_REVIEW_SOURCE = f"rule:{rule_id('R-SC6')}"
#: phase -> its place in :data:`PHASES`
_RANK = {name: index for index, name in enumerate(PHASES)}


def _is_monitoring_review(step: Intervention) -> bool:
    """The review active monitoring rests on (R-SC6): one contact within its step-up weeks, with
    no dose of its own."""
    return (
        step.provenance.source == _MONITORING_REVIEW_SOURCE
        and step.category == "assessment"
        and step.delivery != "self-guided"
        and not step.frequency
    )


def reviews_per_week(ordered: Sequence[tuple[Problem, Ordering]]) -> dict[str, float]:
    """Per phase, the reviews with the patient a week: the shortest review interval among the
    phase's objectives that run (reviews of all objectives are held together). An objective
    due at this visit, checked each day (a clinician's safety task), or held has none, and
    neither has a safety review done once on its date (a flag's recorded next review: clinician
    read 21, S3), which is one dated contact, not one every so many days."""
    shortest: dict[str, int] = {}
    for problem, _ in ordered:
        for objective in problem.objectives:
            days = objective.review_interval_days
            if (
                objective.held
                or days <= 1
                or objective.due_date <= objective.start_date
                or (objective.area == "safety" and objective.review_date == objective.due_date)
            ):
                continue
            phase = objective.phase or problem.phase or NOW
            shortest[phase] = min(shortest.get(phase, days), days)
    return {phase: (7 / shortest[phase] if phase in shortest else 0.0) for phase in PHASES}


def _number(value: float) -> float:
    """Two decimals, and a whole number written as one (2, not 2.0)."""
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def in_running_sessions(ordered: Sequence[tuple[Problem, Ordering]]) -> frozenset[str]:
    """Ids of the steps done in the sessions of another step (``in_sessions_of``) that runs in
    the same or an earlier phase: they add no appointment of their own."""
    hosted = [
        step for problem, _ in ordered for step in problem.interventions if step.in_sessions_of
    ]
    if not hosted:  # no step is done in another's sessions (most plans)
        return frozenset()
    rank = _RANK
    phase_of: dict[str, int] = {}
    for problem, _ in ordered:
        for step in problem.interventions:
            phase_of[step.id] = rank[step.phase]
            if not step.in_sessions_of and step.delivery != "self-guided" and step.frequency:
                # an area's own sessions or check-ins
                key = f"area:{problem.area}"
                phase_of[key] = min(phase_of.get(key, len(PHASES)), rank[step.phase])
    return frozenset(
        step.id
        for step in hosted
        if any(phase_of.get(host, len(PHASES)) <= rank[step.phase] for host in step.in_sessions_of)
    )
