"""Safety rules, enforced by the core and never by plugins.

* A risk item endorsed (PHQ-9 item 9 >= 1) raises a suicide-risk flag; 2-3 ranks higher [R26].
* A risk item left blank raises a "risk unknown" flag asking for completion (clinical.md §2.1).
* Any open flag puts the safety problem first, with a same-day clinician risk assessment and a
  safety plan built on the six Stanley-Brown sections [R30]; steps the patient carries out
  between sessions (self-guided and clinician-supervised, e.g. sleep restriction) are held until a
  clinician has reviewed the flag (clinical.md §3.2).
* The engine never states that there is no risk [R27][R29] (wording from plugins that does is
  removed: :mod:`planengine._risk_wording`).

:func:`enforce` runs after every plugin and hook; whatever they did, it restores these guarantees
and raises :class:`SafetyInvariantError` if it cannot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import SafetyInvariantError
from planengine._model import (
    Finding,
    Intervention,
    Measure,
    Notice,
    Objective,
    PlanDraft,
    Problem,
    Provenance,
    RiskFlag,
)

__all__ = [
    "SAFETY_AREA",
    "SAFETY_PLAN_SECTIONS",
    "build_risk_flags",
    "build_safety_problem",
    "clinician_steps",
    "enforce",
    "risk_statement",
]

SAFETY_AREA = "safety"
RULE_ENDORSED = "safety.risk-item-endorsed"
RULE_UNKNOWN = "safety.risk-item-missing"
RULE_HOLD = "safety.hold-self-guided"
RULE_FIRST = "safety.step-first"

#: The six sections of a Stanley-Brown safety plan, as structure only (no template text) [R30].
SAFETY_PLAN_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "warning_signs",
        "Personal warning signs that a crisis may be building, in the patient's words",
    ),
    ("internal_coping", "Things the patient can do alone to take their mind off the crisis"),
    ("social_distraction", "People and places that offer distraction"),
    ("help_contacts", "Family members or friends who can be asked for help"),
    ("professional_contacts", "Clinicians, urgent care and crisis lines from the clinic's configured list"),
    ("means_safety", "Making the environment safe: a plan for each means the patient can reach"),
)

_SAFETY_CITATIONS = (
    "R26: Simon GE et al. Psychiatr Serv 2013;64:1195-1202",
    "R30: Stanley B, Brown GK. Cogn Behav Pract 2012;19:256-264",
    "R31: Columbia Lighthouse Project, C-SSRS triage guidelines",
    "R32: Zero Suicide Institute, Screening and Assessment",
)


def build_risk_flags(
    signals: Iterable[tuple[Any, dt.date, str]],
    names: Mapping[str, str],
) -> tuple[RiskFlag, ...]:
    """Open a flag for every endorsed or unanswered risk item.

    :param signals: ``(RiskSignal, response date, JSON path of the response)`` triples.
    :param names: instrument id -> display name (``PHQ-9``), for the messages.
    :return: flags sorted most urgent first (then by date, instrument, item).
    """
    flags: list[RiskFlag] = []
    for signal, observed_on, path in signals:
        level = signal.level
        name = names.get(signal.instrument_id, signal.instrument_id)
        if level == "not-endorsed":
            continue
        if level == "high":
            rank, message = (
                1,
                (
                    f"{name} item {signal.item} answered {signal.value} "
                    "(more than half the days or nearly every day): clinician risk assessment today."
                ),
            )
            rule = RULE_ENDORSED
        elif level == "endorsed":
            rank, message = (
                2,
                (
                    f"{name} item {signal.item} answered {signal.value}: "
                    "clinician risk assessment today."
                ),
            )
            rule = RULE_ENDORSED
        else:
            rank, message = (
                3,
                (
                    f"{name} item {signal.item} was not answered: risk is "
                    "unknown. Ask it now; it is never estimated or imputed."
                ),
            )
            rule = RULE_UNKNOWN
        flags.append(
            RiskFlag(
                id="",
                kind=signal.kind if level != "unknown" else "risk-unknown",
                level=level,
                rank=rank,
                instrument=signal.instrument_id,
                item=signal.item,
                value=signal.value,
                observed_on=observed_on,
                message=message,
                provenance=Provenance(f"rule:{rule}", (f"{path}.answers[{signal.item - 1}]",)),
            )
        )
    flags.sort(key=lambda f: (f.rank, f.observed_on, f.instrument, f.item))
    return tuple(
        attrs.evolve(flag, id=f"risk-{number}") for number, flag in enumerate(flags, start=1)
    )


def risk_statement(flags: tuple[RiskFlag, ...], risk_items_answered: Mapping[str, bool]) -> str:
    """What the plan says about risk. Never "no risk": at most "item 9 not endorsed".

    :param risk_items_answered: risk item label (e.g. "PHQ-9 item 9") -> whether it was answered.
    """
    if flags:
        return (
            f"{len(flags)} open risk flag(s). A clinician must assess risk today; self-guided "
            "and supervised self-help steps are held until then. Crisis support from the "
            "clinic's configured list must be offered alongside any risk-related message."
        )
    answered = sorted(name for name, seen in risk_items_answered.items() if seen)
    if answered:
        items = ", ".join(answered)
        return (
            f"{items} not endorsed, so the questionnaires raised no flag. This is not evidence "
            "of safety; a clinician should still ask about risk directly."
        )
    return (
        "No questionnaire with a risk item was given, so risk has not been screened. "
        "A clinician should ask about risk directly."
    )


def build_safety_problem(flags: tuple[RiskFlag, ...], as_of: dt.date) -> Problem:
    """The safety problem that opens every plan with an open flag."""
    inputs = tuple(sorted({path for f in flags for path in f.provenance.inputs}))
    provenance = Provenance(f"rule:{RULE_FIRST}", inputs)
    flag_ids = [f.id for f in flags]
    findings = [
        Finding(
            id=f"finding-{f.id}",
            area=SAFETY_AREA,
            kind="risk-flag",
            summary=f.message,
            severity=f.level,
            weight=1.0,
            instrument=f.instrument,
            citations=("R26", "R27"),
            provenance=f.provenance,
        )
        for f in flags
    ]
    interventions = [
        Intervention(
            id="safety-risk-assessment",
            area=SAFETY_AREA,
            title="Clinician suicide-risk assessment today",
            description=(
                "A clinician completes a structured suicide-risk assessment (for example the "
                "C-SSRS) with the patient on the same day, and records the risk level, actions "
                "taken and follow-up date."
            ),
            delivery="clinician-led",
            category="safety",
            rationale=(
                "Endorsing the PHQ-9 self-harm item predicts later suicide attempts even after "
                "adjusting for the depression score; a missing answer leaves risk unknown."
            ),
            citations=list(_SAFETY_CITATIONS[:1] + _SAFETY_CITATIONS[2:]),
            objective_ids=["safety-plan-completed"],
            provenance=provenance,
        ),
        Intervention(
            id="safety-plan",
            area=SAFETY_AREA,
            title="Build a written safety plan together",
            description=(
                "Clinician and patient write a safety plan in the patient's own words, section by "
                "section, rate how likely each part is to be used, solve barriers, and give the "
                "patient a copy."
            ),
            steps=[f"{title} ({key})" for key, title in SAFETY_PLAN_SECTIONS],
            delivery="clinician-led",
            category="safety",
            rationale=(
                "A safety plan with follow-up was linked to fewer suicidal behaviours after an "
                "emergency visit; it is built with a clinician, not alone."
            ),
            citations=[
                _SAFETY_CITATIONS[1],
                "R58: Stanley B et al. JAMA Psychiatry 2018;75:894-900",
            ],
            objective_ids=["safety-plan-completed"],
            provenance=provenance,
        ),
    ]
    if any(f.level == "unknown" for f in flags):
        interventions.insert(
            0,
            Intervention(
                id="safety-complete-risk-item",
                area=SAFETY_AREA,
                title="Ask the unanswered risk question now",
                description=(
                    "The self-harm question was left blank. Ask it directly before the session "
                    "ends; a blank answer is never treated as 'not at all'."
                ),
                delivery="clinician-led",
                category="safety",
                rationale="A missing item 9 means risk is unknown, not absent.",
                citations=["R27: Louzon SA et al. Psychiatr Serv 2016"],
                provenance=provenance,
            ),
        )
    objective = Objective(
        id="safety-plan-completed",
        area=SAFETY_AREA,
        statement=(
            "Complete a clinician risk assessment and a written safety plan covering all six "
            f"sections, with the patient keeping a copy, by {as_of.isoformat()}."
        ),
        measure=Measure(
            metric="safety plan sections completed with the clinician",
            unit="sections",
            method="clinician review of the written safety plan",
            baseline_value=0,
            baseline_date=as_of,
            target_value=len(SAFETY_PLAN_SECTIONS),
            comparator=">=",
        ),
        start_date=as_of,
        due_date=as_of,
        review_interval_days=1,
        addresses=flag_ids,
        provenance=provenance,
        rationale="Open risk flags come before every other goal.",
    )
    return Problem(
        id="problem-safety",
        area=SAFETY_AREA,
        title="Safety: open risk flag",
        priority=0,
        severity=flags[0].level if flags else None,
        weight=1.0,
        findings=findings,
        long_term_goal="The patient has a clinician-reviewed safety plan and knows how to get help in a crisis.",
        long_term_goal_source=f"rule:{RULE_FIRST}",
        objectives=[objective],
        interventions=interventions,
    )


#: Deliveries of steps the patient carries out between sessions: held while a flag is open
#: ("routine self-help tasks (e.g. sleep restriction, exposure homework) stay in draft until a
#: clinician reviews them", clinical.md §3.2).
HELD_DELIVERIES = frozenset({"self-guided", "clinician-supervised"})

#: Steps that were not held before the ``adjust_plan`` hooks ran: object identity ->
#: (the step, kept so that no identity is reused, and what it said; see :func:`_fingerprint`).
StepsSeen = Mapping[int, tuple[Intervention, tuple[object, ...]]]


def _fingerprint(step: Intervention) -> tuple[object, ...]:
    """Everything that says what a step asks the patient to do and who delivers it."""
    return (
        step.id,
        step.delivery,
        step.category,
        step.title,
        step.description,
        step.rationale,
        tuple(step.steps),
        repr(step.frequency),
        step.duration_minutes,
        step.course_weeks,
    )


def clinician_steps(problems: Iterable[Problem]) -> StepsSeen:
    """The steps that may stay active while a flag is open, as they are before hooks run."""
    return {
        id(step): (step, _fingerprint(step))
        for problem in problems
        for step in problem.interventions
        if step.delivery not in HELD_DELIVERIES
    }


def enforce(
    draft: PlanDraft,
    flags: tuple[RiskFlag, ...],
    as_of: dt.date,
    active_before_hooks: StepsSeen | None = None,
) -> None:
    """Restore the safety guarantees on a draft, whatever plugins did to it.

    With an open flag: the core's safety problem is first, unmodified, and every self-guided or
    clinician-supervised step elsewhere is held. Without one: no plugin may invent a safety
    problem that pretends to be the core's.

    :param active_before_hooks: when ``adjust_plan`` hooks ran, the steps that were not
        held before they did (:func:`clinician_steps`). Only those, unchanged, may stay
        active: a step a hook added, copied, relabelled, renamed or rewrote is held too.

    :raises SafetyInvariantError: if the guarantees still do not hold afterwards (a core bug).
    """
    draft.problems = [
        p for p in draft.problems if p.id != "problem-safety" and p.area != SAFETY_AREA
    ]
    if flags:
        draft.problems.insert(0, build_safety_problem(flags, as_of))
        held = 0
        for problem in draft.problems[1:]:
            for step in problem.interventions:
                if step.status != "held" and _must_hold(step, active_before_hooks):
                    step.status = "held"
                    step.notes.append(
                        f"Held until a clinician has reviewed the open risk flag ({RULE_HOLD})."
                    )
                    held += 1
        dependants = _hold_dependants(draft.problems[1:])
        if (held or dependants) and not any(n.code == RULE_HOLD for n in draft.notices):
            also = f", and {dependants} step(s) that build on them," if dependants else ""
            draft.notices.append(
                Notice(
                    RULE_HOLD,
                    f"{held} self-guided or supervised self-help step(s){also} are held until a "
                    "clinician has reviewed the open risk flag.",
                )
            )
    for number, problem in enumerate(draft.problems):
        problem.priority = number
    _verify(draft, flags, active_before_hooks)


def _hold_dependants(problems: Sequence[Problem]) -> int:
    """Hold the steps that build on a held step (``requires``: avoidance problem-solving reviews
    the held activity schedule), in any problem, repeated until stable; return how many were
    held."""
    steps = [step for problem in problems for step in problem.interventions]
    held = {step.id for step in steps if step.status == "held"}
    count = 0
    changed = bool(held)
    while changed:
        changed = False
        for step in steps:
            if step.status == "held" or not step.requires:
                continue
            waiting = [r for r in step.requires if r in held]
            if waiting:
                step.status = "held"
                step.notes.append(
                    f"Held: it builds on {', '.join(map(repr, waiting))}, which is held "
                    f"until a clinician has reviewed the open risk flag ({RULE_HOLD})."
                )
                held.add(step.id)
                count += 1
                changed = True
    return count


def _must_hold(step: Intervention, active_before_hooks: StepsSeen | None) -> bool:
    if step.delivery in HELD_DELIVERIES:
        return True
    if active_before_hooks is None:
        return False
    seen = active_before_hooks.get(id(step))
    return seen is None or seen[0] is not step or seen[1] != _fingerprint(step)


def _verify(
    draft: PlanDraft,
    flags: tuple[RiskFlag, ...],
    active_before_hooks: StepsSeen | None,
) -> None:
    if not flags:
        return
    first = draft.problems[0] if draft.problems else None
    if first is None or first.area != SAFETY_AREA or first.interventions[-1].id != "safety-plan":
        raise SafetyInvariantError("the safety step is not first in a plan with an open risk flag")
    for problem in draft.problems[1:]:
        for step in problem.interventions:
            if _must_hold(step, active_before_hooks) and step.status != "held":
                raise SafetyInvariantError(f"{step.delivery} step {step.id!r} is not held")
