"""Phases: what starts now, what next and what is watched for later (the budget itself is in
:mod:`._budget`).

Problems (in treatment order):

* the safety problem, a problem holding an urgent safety objective, the primary problem and the
  problems treated alongside it (insomnia, hazardous drinking: R-SC12, R-SC9) start ``now``, and
  so does a problem whose course fits another course place a clinic allows (max-courses-now);
* another problem (above its cut-off, or from a concern or the patient's words) is ``next``:
  waiting problems queue in rank order, the first after the primary problem has improved or at
  the sequencing review (R-SC1; after drinking that harms, once mood is measured again after 3-4
  weeks without alcohol, R-SC9), each later one after the one above it has started;
* a measured problem below its cut-off is ``later``: active monitoring, with a step up if it
  rises or does not improve (R-SC6), and so is a problem whose chosen option is monitoring;
* a problem treated within another's transdiagnostic course starts with it (R-SC16).

Steps: safety steps, steps that watch a documented condition, assessment and referrals for a
specialist assessment start ``now`` in every problem; the other steps of a waiting problem share
its phase. In a ``now`` (and again in a ``next``) problem, courses start within the course limit
(R-SC14), self-help within the module limit (R-SC14; a diary is no programme of its own) and the
weekly homework budget (R-SC15: monitoring first, then in order, a step after the steps it
builds on; what does not fit starts in the week earlier homework has ended, or waits for the
phase after), and once a step of a problem waits, the steps after it wait too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from planengine._model import Intervention, Problem, Provenance
from planengine.plan.stepped_care._budget import RULE_LIMITS, Budget, Limits, burden, set_phase
from planengine.plan.stepped_care._dose import (
    HIGH,
    SELF_HELP,
    is_rule_to_follow,
    own_words_rules_start_now,
)
from planengine.plan.stepped_care._options import Decision
from planengine.plan.stepped_care._order import (
    BELOW,
    CASENESS,
    SAFETY_FIRST,
    Severity,
    alongside,
)
from planengine.plan.stepped_care._records import (
    LATER,
    NEXT,
    NO_MEASURE,
    NOW,
    PHASES,
    WAITS_NOTE,
    Burden,
    Ordering,
    Phasing,
)
from planengine.plan.stepped_care._remeasure import remeasure_after_alcohol
from planengine.plan.stepped_care._rules import SteppedCareRules, load_rules, rule_id

__all__ = ["assign_phases"]

RULE_ASSESS = "stepped-care.assess-first"
RULE_REQUIRES = "stepped-care.requires"
#: a step in the sessions of a course that is referred for starts once that course has
RULE_REFERRED_COURSE = "stepped-care.after-referral"
#: a step behind a gate (``gates`` in the data) starts once the gate step is done
RULE_GATE = "stepped-care.gate"
_ASSESSMENT = frozenset({"assessment", "safety"})
#: steps that watch a documented condition (mood elevation in bipolar disorder): safety steps,
#: started at once whatever the phase of their problem, their minutes booked first in the budget
#: (R-SC11)
_ALWAYS_NOW = frozenset({"safety", "condition-monitoring"})
RULE_CONDITION = "stepped-care.condition-monitoring"


def assign_phases(
    ordered: Sequence[tuple[Problem, Ordering]],
    severities: Mapping[str, Severity],
    decisions: Mapping[str, Decision],
    measures: Mapping[str, str],
    rules: SteppedCareRules,
    limits: Limits,
    conditions: frozenset[str] = frozenset(),
) -> Burden:
    """Set every problem's and step's phase (in place) and return the plan's burden.

    The limits hold in ``now`` and again in ``next`` (a queue): what does not fit in ``next``
    goes ``later``, with when it starts.

    :param decisions: problem id -> how it starts (its option).
    :param measures: problem id -> what is re-measured meanwhile, in words.
    :param conditions: the documented conditions (a gate may hold a step only with one).
    """
    # Long: one pass over the problems in clinical order with the phase state they share (courses
    # per phase, the budgets, the problem each waits behind, the gates); each problem's case is a
    # small function, and what remains is the order they are applied in.
    primary = next((p for p, o in ordered if o.primary), None)
    primary_level = severities[primary.id].level if primary is not None else -1
    courses = {NOW: 0, NEXT: 0}
    alongside_used = False
    budgets = {NOW: Budget(limits, NOW), NEXT: Budget(limits, NEXT)}
    waiting_behind: Problem | None = None  # the last problem put in ``next``, for the queue
    gated = _behind_gates(ordered, rules, conditions)
    # advice for a wish in the patient's own words starts now (read 12, S3); not behind
    # drinking that harms, after which sleep and mood are measured again (R-SC9)
    own_words = (
        frozenset()
        if primary is not None and primary.ordering is not None
        and primary.ordering.rule == rule_id("R-SC9")
        else own_words_rules_start_now()
    )
    own_words_rules: list[Intervention] = []
    for problem, ordering in ordered:
        decision = decisions.get(problem.id)
        behind = waiting_behind
        _phase_problem(problem, ordering, severities[problem.id], decision, primary,
                       waiting_behind, measures, rules, limits, primary_level)
        if (
            problem.phase == NEXT
            and behind is None
            and primary is not None
            and primary is not problem
            and primary.ordering is not None
            and primary.ordering.rule == rule_id("R-SC9")
        ):  # its re-measure after 3-4 weeks without alcohol is a goal of its own (read 8, M1b)
            remeasure_after_alcohol(problem, limits.step_up_weeks, rules.names)
        if problem.phase == LATER:  # active monitoring has its review, and outreach (R-SC6)
            problem.interventions.append(
                _monitoring_review(problem, measures.get(problem.id, "its measure"), limits)
            )
        if (
            problem.phase == NEXT
            and limits.courses > 1
            and decision is not None
            and decision.start == "high"
            and severities[problem.id].level >= CASENESS
            and courses[NOW] < limits.courses
            and (primary is None or primary.ordering is None
                 or primary.ordering.rule != rule_id("R-SC9"))
        ):  # the clinic allows another course at once (max-courses-now); not before mood and
            # sleep are measured again after abstinence (R-SC9)
            problem.phase, problem.phasing = NOW, Phasing(
                RULE_LIMITS,
                f"Its course starts at once: up to {limits.courses} courses of therapy may run "
                "at the same time here (max-courses-now).",
            )
        phase = problem.phase
        if phase == NEXT:
            waiting_behind = problem
        starts_with = Phasing(ordering.rule, _STARTS_WITH)  # shared: a Phasing is immutable
        steps = problem.interventions
        if decision is not None and decision.first:  # the kept option's course first
            steps = sorted(steps, key=lambda step: step.id not in decision.first)
        for step in steps:
            # a step behind a gate (read 8, N5) is placed as if its problem waited
            here = NEXT if phase == NOW and step.id in gated else phase
            if problem.area == "safety" or step.category == "safety":
                step.phase, step.phasing = NOW, _SAFETY_STEP
            elif step.category in _ALWAYS_NOW:
                step.phase, step.phasing = NOW, _CONDITION_STEP
                if step.delivery in SELF_HELP:  # its minutes come first in the budget
                    budgets[NOW].booked.append(step)
            elif step.intensity != HIGH and (
                step.category in _ASSESSMENT or step.delivery == "referral"
            ):  # assessment, and a referral for a specialist assessment or liaison
                step.phase, step.phasing = NOW, _ASSESSMENT_STEP
            elif phase == LATER and step.category == "psychoeducation":
                # step 1 of stepped care: psychoeducation with active monitoring (R-SC6); the
                # patient's own reading goes through the budget like other self-help
                if step.delivery in SELF_HELP:
                    budgets[NOW].candidates.append((problem, step))
                else:
                    set_phase(step, NOW, rule_id("R-SC6"),
                              "Psychoeducation goes with active monitoring, at once.")
            elif phase == LATER:
                step.phase = LATER
                step.phasing = Phasing(problem.phasing.rule if problem.phasing else ordering.rule,
                                       _WAITS_WITH_PROBLEM)
            elif step.intensity == HIGH:
                placed = _place_course(step, problem, here, severities[problem.id], decision,
                                       primary, courses[here], alongside_used, measures, rules,
                                       limits)
                alongside_used = alongside_used or placed == "alongside"
                if placed == "course":  # the place beside the primary course is extra (R-SC12)
                    courses[here] += 1
            elif (
                phase == NEXT
                and step.id in own_words
                and problem.patient_words
                and not step.requires
                and is_rule_to_follow(step.id)
            ):  # a wish in the patient's own words: its rules to follow start now (read 12, S3)
                budgets[NOW].candidates.append((problem, step))
                own_words_rules.append(step)
            elif step.delivery in SELF_HELP:
                budgets[here].candidates.append((problem, step))
            elif step.start_week:  # later in its protocol (problem-solving after a week)
                step.phase = here
                step.phasing = Phasing(ordering.rule, f"Starts in week {step.start_week} of its "
                                       "protocol.", start_week=step.start_week)
            else:
                step.phase = here
                step.phasing = starts_with
    budgets[NEXT].carried = budgets[NOW].place()  # a queue: what waited now comes next first
    budgets[NEXT].place()
    for step in own_words_rules:
        if step.phase == NOW:
            step.phasing = _OWN_WORDS_RULE
    for step_id, (gate, entry) in gated.items():  # why it waits: its gate, not its problem
        step = next(s for p, _ in ordered for s in p.interventions if s.id == step_id)
        if step.phase == NEXT:
            step.phasing = Phasing(
                RULE_GATE, f"Waits for '{gate.title}', which must be done first.", entry=entry,
                start_week=step.phasing.start_week if step.phasing else None,
            )
    _wait_for_requirements(ordered)
    _note_waiting_objectives(ordered)
    return burden(ordered, limits)


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
    primary_level: int,
) -> None:
    measure = measures.get(problem.id)
    if ordering.rule == SAFETY_FIRST:
        problem.phase, problem.phasing = NOW, Phasing(ordering.rule, ordering.reason)
    elif decision is not None and decision.start == "within":  # one course treats both
        problem.phase, problem.phasing = NOW, Phasing(decision.rule, decision.reason)
    elif decision is not None and decision.start == "monitor":
        problem.phase, problem.phasing = LATER, Phasing(
            decision.rule,
            decision.reason,
            entry=f"Start if {measure} has not improved at the week-{limits.step_up_weeks} review.",
            review=measure,
            review_week=limits.step_up_weeks,
        )
    elif ordering.primary or (primary is not None and alongside(problem, primary, severity, rules)):
        problem.phase, problem.phasing = NOW, Phasing(ordering.rule, ordering.reason)
    elif severity.level >= CASENESS and primary is not None:
        entry, entry_week = _queue_entry(primary, waiting_behind, measure, limits, primary_level)
        problem.phase, problem.phasing = NEXT, Phasing(
            rule_id("R-SC1"),
            f"{severity.text}; {primary.title} is treated first, and treating it often helps "
            "this too.",
            entry=entry,
            review=measure,
            review_week=entry_week,
        )
    elif severity.level == BELOW:
        problem.phase, problem.phasing = LATER, Phasing(
            rule_id("R-SC6"),
            f"{severity.text}: active monitoring first.",
            entry=f"Start self-help if {measure} reaches its cut-off or has not improved at the "
            f"week-{limits.step_up_weeks} review.",
            review=measure,
            review_week=limits.step_up_weeks,
        )
    else:  # from a concern or the patient's words: one thing at a time
        entry, entry_week = _queue_entry(primary, waiting_behind, measure, limits, primary_level)
        problem.phase, problem.phasing = NEXT, Phasing(
            rule_id("R-SC1"),
            f"{severity.text[:1].upper()}{severity.text[1:]}; "
            + (
                "one thing at a time."
                if primary is not None and primary.phase == LATER
                else f"{'it' if primary is None else primary.title} comes first, one thing at a time."
            ),
            entry=entry,
            review=measure,
            review_week=entry_week,
        )


def _monitoring_review(problem: Problem, measure: str, limits: Limits) -> Intervention:
    """The review that active monitoring rests on, and the outreach when it is missed (R-SC6:
    review within 4 weeks; a missed review is followed up)."""
    weeks = limits.step_up_weeks
    return Intervention(
        id=f"{problem.area}-active-monitoring-review",
        area=problem.area,
        title="Active monitoring review, and outreach if it is missed",
        description=(
            f"The clinician measures {measure} and reviews it with the patient within {weeks} "
            f"week{'s' if weeks != 1 else ''}; if the review is "
            "missed, the clinic contacts the patient to rebook it."
        ),
        delivery="clinician-led",
        rationale="Active monitoring is care, not waiting: it works only if the review happens "
        "and a missed one is followed up (NICE NG222).",
        provenance=Provenance(f"rule:{rule_id('R-SC6')}"),
        course_weeks=weeks,
        category="assessment",
        citations=[f"S2: {load_rules()['references']['S2']}"],
        intensity="low",
    )


def _queue_entry(
    primary: Problem | None,
    behind: Problem | None,
    measure: str | None,
    limits: Limits,
    primary_level: int,
) -> tuple[str, int | None]:
    """When a waiting problem starts: after the primary problem has improved (or, for drinking
    that harms, after 3-4 weeks without alcohol), and never before a problem ranked above it;
    and the week of the review that entry names (none for one behind another waiting problem)."""
    if behind is not None:
        return (
            f"Start after {behind.title} has started (or no longer needs treatment), at a review "
            f"where the patient can take it on; until then {measure} is reviewed."
        ), None
    if primary is None:
        return f"Start at the week-{limits.step_up_weeks} review.", limits.step_up_weeks
    if primary.phase == LATER:  # on active monitoring, not in treatment: nothing to wait for
        return (
            f"Start at the week-{limits.step_up_weeks} review, or sooner if the patient and "
            f"clinician choose it ({primary.title} is on active monitoring, not in treatment)."
        ), limits.step_up_weeks
    if primary.ordering is not None and primary.ordering.rule == rule_id("R-SC9"):
        return (
            f"Measure {measure} again after 3-4 weeks without alcohol, and at the "
            f"week-{limits.step_up_weeks} review whatever the drinking; start if it is still at or "
            "above its cut-off, or plan the mood care with the alcohol service if drinking has not "
            "stopped."
        ), limits.step_up_weeks
    improved = "improved reliably" if primary_level >= CASENESS else "improved"
    if measure == NO_MEASURE:  # objectives that wait show no progress (clinician read 16, S2)
        return (
            f"Start when {primary.title} has {improved}, or at the week-{limits.sequence_weeks} "
            "review, if the patient still wants help with it (it has no questionnaire, and its "
            "objectives start with its steps)."
        ), limits.sequence_weeks
    return (
        f"Start when {primary.title} has {improved}, or at the week-{limits.sequence_weeks} "
        f"review if {measure} has not improved."
    ), limits.sequence_weeks


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
        set_phase(step, after, rule_id("R-SC5"),
             "Lower-intensity care comes first; this course is the step up."
             + (f" {decision.reason}" if decision is not None and decision.reason else ""),
             entry=f"Step up if {measure} has not improved reliably at the "
             f"{'week-' + str(limits.step_up_weeks) if phase == NOW else 'first'} review of its "
             "care, or sooner if the patient and clinician choose it.",
             review=measure)
        return ""
    entry = rules.alongside.get(problem.area)
    if (  # the place beside the primary course first: it is extra to the limit (R-SC12)
        phase == NOW
        and entry is not None
        and primary is not None
        and alongside(problem, primary, severity, rules)
        and not alongside_used
        and not {primary.area, "all"}.isdisjoint(rules.course_alongside.get(problem.area, ()))
        and not (problem.area in rules.waits_beside_a_course and _runs_a_course(primary))
    ):
        set_phase(step, NOW, entry[1],
             f"Runs alongside the course for {primary.title} (it may run at the same time).")
        return "alongside"
    if courses < limits.courses:
        set_phase(step, phase, decision.rule, decision.reason)
        return "course"
    own = rules.queue_review.get(step.id.removeprefix(f"{step.area}-"))
    # a course with a measure of its own (imagery rehearsal: the nightmare count) is checked at
    # the step-up review on it, not left to the end of the course before it (read 9, S10)
    weeks, change = (limits.step_up_weeks, own[1]) if own else (limits.sequence_weeks, "improved")
    measure = own[0] if own else measure
    set_phase(step, after, rule_id("R-SC14"),
         f"One course of therapy at a time ({limits.courses} in each phase).",
         entry=f"Start when the course before it ends, or at its week-{weeks} "
         f"review if {measure} has not {change}.",
         review=measure)
    return ""


def _behind_gates(
    ordered: Sequence[tuple[Problem, Ordering]],
    rules: SteppedCareRules,
    conditions: frozenset[str] = frozenset(),
) -> dict[str, tuple[Intervention, str]]:
    """Step id -> (its gate step, when it starts) for every step that waits behind a gate in
    the plan (``gates`` in the data: the psychosis-team liaison before the therapy steps of its
    problem, the apnoea treatment before CBT-I; with a cardiac condition, the medical clearance
    before muscle relaxation). A gate never waits behind itself."""
    behind: dict[str, tuple[Intervention, str]] = {}
    for problem, _ in ordered:
        for gate_step in problem.interventions:
            gate = rules.gates.get(gate_step.id.removeprefix(f"{gate_step.area}-"))
            if gate is None:
                continue
            for other, _ in ordered:
                for step in other.interventions:
                    if step is not gate_step and (
                        (other is problem and step.category in gate.categories)
                        or step.id.removeprefix(f"{step.area}-") in gate.steps
                    ):
                        behind.setdefault(step.id, (gate_step, gate.entry))
                    held = gate.with_conditions.get(step.id.removeprefix(f"{step.area}-"))
                    if step is not gate_step and held is not None and held[0] & conditions:
                        behind.setdefault(step.id, (gate_step, held[1]))
    return behind


def _runs_a_course(problem: Problem) -> bool:
    """Whether a high-intensity course of ``problem`` starts now (its steps already placed)."""
    return any(s.intensity == HIGH and s.phase == NOW for s in problem.interventions)


def _wait_for_requirements(ordered: Sequence[tuple[Problem, Ordering]]) -> None:
    """A step that builds on a step that starts later waits with it (to a fixed point); a step
    that builds on a referral for a course (imagery rehearsal within the trauma therapy) waits
    for that course to start, which is after the referral, in the phase after it."""
    steps = {s.id: s for p, _ in ordered for s in p.interventions}
    waiting = [s for s in steps.values() if s.requires]
    rank = _RANK

    def when(step: Intervention) -> tuple[int, int]:
        return rank[step.phase], (step.phasing.start_week if step.phasing else None) or 1

    for step in waiting:
        for required in step.requires:
            before = steps.get(required)
            if (
                before is not None
                and before.delivery == "referral"
                and before.intensity == HIGH
                and before.phase != LATER
                and rank[step.phase] <= rank[before.phase]
            ):
                step.phase = PHASES[rank[before.phase] + 1]
                step.phasing = Phasing(
                    RULE_REFERRED_COURSE,
                    f"It takes place in the sessions of '{before.title}', which start after the "
                    "referral is taken up.",
                    entry=f"Starts once the course from '{before.title}' has started.",
                )
    changed = bool(waiting)
    while changed:
        changed = False
        for step in waiting:
            for required in step.requires:
                before = steps.get(required)
                if before is not None and when(before) > when(step):
                    start = when(before)[1]
                    step.phase = before.phase
                    step.phasing = Phasing(
                        RULE_REQUIRES, f"Builds on '{before.title}'.",
                        entry=f"Starts after '{before.title}'.",
                        start_week=start if start > 1 else None,
                    )
                    changed = True


def _note_waiting_objectives(ordered: Sequence[tuple[Problem, Ordering]]) -> None:
    """An objective none of whose steps starts now says so (its dates are agreed when they do),
    with when it starts (``starts_when``: its problem's entry, or its steps'); one whose steps
    all start in a later week of ``now`` starts with them (dates moved on)."""
    first_week: dict[str, int] = {}  # objective id -> the first week a step serving it starts
    entries: dict[str, str] = {}  # objective id -> the entry of the first waiting step serving it
    treated: dict[str, bool] = {}  # objective id -> a step other than a log serving it starts now
    referred: set[str] = set()  # objective ids a referral serves
    for problem, _ in ordered:
        for step in problem.interventions:
            if step.delivery == "referral":
                referred.update(step.objective_ids)
            week = (
                ((step.phasing.start_week if step.phasing else None) or 1)
                if step.phase == NOW
                else _NEVER
            )
            for objective_id in step.objective_ids:
                first_week[objective_id] = min(first_week.get(objective_id, _NEVER), week)
                if step.phase != NOW and step.phasing is not None and step.phasing.entry:
                    entries.setdefault(objective_id, step.phasing.entry)
                if step.category != "monitoring":
                    treated[objective_id] = treated.get(objective_id, False) or week < _NEVER
    for objective_id, now in treated.items():  # a log alone does not start an objective whose
        if not now:  # treatment waits (read 8: an IRT assessment due before its referral)
            first_week[objective_id] = _NEVER
    for problem, _ in ordered:
        waiting = problem.phase != NOW
        for objective in problem.objectives:
            served = first_week.get(objective.id)
            objective.phase = NOW
            if (waiting and (served is None or served == _NEVER)) or (
                served == _NEVER and objective.measure.instrument is None
            ):
                objective.phase = problem.phase if waiting else NEXT
                objective.statement = _undated(objective.statement, objective.start_date,
                                               objective.due_date, objective.id in referred)
                objective.notes.append(WAITS_NOTE)
                # its trigger, in the plan's own words (a goal file's starts_when, read 23, M2)
                problem_entry = problem.phasing.entry if waiting and problem.phasing else None
                objective.starts_when = problem_entry or entries.get(objective.id)
            elif served is not None and 1 < served < _NEVER and objective.measure.instrument is None:
                later = dt.timedelta(weeks=served - 1)
                due = objective.due_date
                objective.start_date += later
                objective.due_date = due + later
                # the statement names its due date ("... by 2027-01-18."): the same date moves
                objective.statement = objective.statement.replace(
                    due.isoformat(), objective.due_date.isoformat()
                )
                objective.notes.append(f"Starts in week {served}, with its steps.")


def _undated(statement: str, start: dt.date, due: dt.date, referral: bool) -> str:
    """A waiting objective's statement with its time frame in place of a calendar date: no
    date the patient could read as due before its steps have started (clinician read 10, S5:
    "within 6 weeks of referral", not "by 18 January 2027")."""
    days = (due - start).days
    span = f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"
    after = "the referral" if referral else "starting"
    return statement.replace(f"by {due.isoformat()}", f"within {span} of {after}")


#: the start "week" of a step that does not start in ``now``
_NEVER = 10_000
#: phase -> its place in :data:`PHASES`
_RANK = {name: index for index, name in enumerate(PHASES)}


_STARTS_WITH = "Starts with the problem."
#: shared records (a Phasing is immutable)
_SAFETY_STEP = Phasing(SAFETY_FIRST, "Safety steps start at once.")
_CONDITION_STEP = Phasing(
    RULE_CONDITION, "It watches a documented condition: a safety step, started at once."
)
_ASSESSMENT_STEP = Phasing(RULE_ASSESS, "Assessment comes first, in every phase.")
_WAITS_WITH_PROBLEM = "Waits with its problem: it starts when the problem does."
_OWN_WORDS_RULE = Phasing(
    rule_id("R-SC15"),
    "A rule to follow for a wish in the patient's own words: it asks no minutes of the budget, "
    "so it starts now, once the clinician has gone through it.",
)


