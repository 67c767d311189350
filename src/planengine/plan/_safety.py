"""Safety rules, enforced by the core and never by plugins.

* Every open flag (:mod:`planengine.plan._risk_flags`: a risk item endorsed or blank, risk language in
  the patient's words, PCL-5 item 16, documented intimate-partner violence) puts the safety
  problem first, with the clinician's step for each kind of flag, due at this visit: a structured
  suicide-risk assessment and a safety plan built on the six Stanley-Brown sections [R30], a
  review of risky behaviour, or a private safety assessment.
* Steps the patient carries out between sessions (self-guided and clinician-supervised, e.g.
  sleep restriction) are held until a clinician has reviewed the flag (clinical.md §3.2); with
  documented abuse, until the private assessment has agreed where written homework can be kept.
* The engine never states that there is no risk [R27][R29] (wording from plugins that does is
  removed: :mod:`planengine.plan._risk_wording`).

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
from planengine.plan._risk_flags import (
    KIND_ABUSE,
    KIND_IPV,
    KIND_LANGUAGE,
    PRIVATE_KINDS,
    SUICIDE_KINDS,
)

__all__ = [
    "SAFETY_AREA",
    "SAFETY_PLAN_SECTIONS",
    "build_safety_problem",
    "clinician_steps",
    "enforce",
    "risk_statement",
]

SAFETY_AREA = "safety"
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


def risk_statement(
    flags: tuple[RiskFlag, ...],
    risk_items: Sequence[tuple[Any, dt.date, Any]] = (),
    words_screened: bool = False,
) -> str:
    """What the plan says about risk. Never "no risk": at most "item 9 not endorsed".

    :param risk_items: the latest answer to each risk item given, as ``(RiskSignal, date,
        instrument)``; those no flag stands for are said as they are (below the threshold,
        unanswered), each never as evidence of safety.
    :param words_screened: the patient's own words were screened for risk language (and, with no
        flag, nothing matched: said as such, never as safety).
    """
    parts: list[str] = []
    if flags:
        parts.append(
            f"{len(flags)} open risk flag(s). A clinician must see to each of them today (the "
            "safety problem lists how); self-guided and supervised self-help steps are held "
            "until then. Crisis support from the clinic's configured list must be offered "
            "alongside any risk-related message."
        )
    flagged = {(f.instrument, f.item) for f in flags}
    suicide_item_given = False
    for signal, date, instrument in sorted(risk_items, key=lambda r: (r[2].name, r[0].item)):
        suicide_item_given = suicide_item_given or signal.kind == "suicidal-ideation"
        if (instrument.id, signal.item) in flagged:
            continue
        parts.append(_item_status(signal, date, instrument))
    if not suicide_item_given:
        parts.append(
            "No suicide-risk question (such as PHQ-9 item 9) was given, so suicide risk has not "
            "been screened by questionnaire; a clinician should ask about it directly."
        )
    elif not flags:
        parts.append("A clinician should still ask about risk directly.")
    if words_screened and not any(f.kind == KIND_LANGUAGE for f in flags):
        parts.append(
            "The patient's own words were screened for listed risk phrases and none was found; a "
            "phrase list misses much of what people write, so that is not evidence of safety "
            "either."
        )
    return " ".join(parts)


def _item_status(signal: Any, date: dt.date, instrument: Any) -> str:
    """One risk item's latest answer, when no flag stands for it."""
    label = instrument.item_labels[signal.item - 1] if instrument.item_labels else None
    what = f"{instrument.name} item {signal.item}" + (f" ({label})" if label else "")
    when = date.isoformat()
    if signal.value is None:
        return f"{what} was left unanswered on {when}: ask it at this visit."
    wording = instrument.answer_label(signal.value)
    answer = f"{signal.value} ('{wording}')" if wording else str(signal.value)
    risk = next(r for r in instrument.risk_items if r.item == signal.item)
    if signal.value == instrument.answer_min:
        return f"{what} answered {answer} on {when}: not endorsed, which is not evidence of safety."
    return (
        f"{what} answered {answer} on {when}, below the flag threshold of {risk.endorsed_at}; "
        "not evidence of safety either."
    )


def build_safety_problem(
    flags: tuple[RiskFlag, ...], as_of: dt.date, alcohol: str | None = None
) -> Problem:
    """The safety problem that opens every plan with an open flag: for each kind of flag, the
    clinician's step and an objective due at this visit.

    * a suicide-risk flag (a risk item endorsed or blank, risk language): a structured risk
      assessment and a written safety plan [R30] (and the blank item asked first);
    * a risky-behaviour flag (PCL-5 item 16): a clinician review of the behaviour;
    * documented intimate-partner violence: a private safety assessment, which also agrees where
      written homework can be kept safely (stepped-care.md §10, R-SC20).

    :param alcohol: what shows harmful drinking, when the assessment does: the safety plan then
        names alcohol among the warning signs and the means to make safe (R-SC21).
    """
    inputs = tuple(sorted({path for f in flags for path in f.provenance.inputs}))
    provenance = Provenance(f"rule:{RULE_FIRST}", inputs)
    kinds = {f.kind for f in flags}
    findings = [
        Finding(
            id=f"finding-{f.id}",
            area=SAFETY_AREA,
            kind="risk-flag",
            summary=f.message,
            severity=f.level,
            weight=1.0,
            instrument=f.instrument,
            citations=_FLAG_CITATIONS.get(f.kind, ("R26", "R27")),
            provenance=f.provenance,
        )
        for f in flags
    ]
    objectives: list[Objective] = []
    interventions: list[Intervention] = []
    if kinds & SUICIDE_KINDS:
        objectives.append(_suicide_objective(flags, as_of, provenance))
        interventions.extend(_suicide_steps(flags, provenance, alcohol))
    if "risky-behaviour" in kinds:
        objectives.append(
            _visit_objective(
                "safety-behaviour-reviewed",
                "Review the risky or self-destructive behaviour the PCL-5 recorded with the "
                f"clinician, and agree what happens next, by {as_of.isoformat()}.",
                "clinician review of the behaviour completed",
                [f.id for f in flags if f.kind == "risky-behaviour"],
                as_of,
                provenance,
                "Reckless or self-destructive behaviour goes with worse PTSD and depression; a "
                "clinician finds out what it is before any self-help starts.",
            )
        )
        interventions.append(
            Intervention(
                id="safety-behaviour-review",
                area=SAFETY_AREA,
                title="Clinician review of risky or self-destructive behaviour today",
                description=(
                    "The clinician asks what the behaviour is (for example self-harm, heavy "
                    "drinking or drug use, dangerous driving), how often and how recently, and "
                    "whether there are thoughts of suicide; any self-harm or suicidal thoughts "
                    "lead to a structured suicide-risk assessment and a safety plan the same day."
                ),
                delivery="clinician-led",
                category="safety",
                rationale=(
                    "PCL-5 item 16 is the DSM-5 symptom of reckless or self-destructive "
                    "behaviour; it is a flag for clinician review, not a score to act on alone."
                ),
                citations=[
                    "R18: Blevins CA et al. J Trauma Stress 2015;28:489-498",
                    "S19: Contractor AA et al. Psychiatry Res 2017;252:215-222",
                ],
                objective_ids=["safety-behaviour-reviewed"],
                provenance=provenance,
            )
        )
    if kinds & PRIVATE_KINDS:
        objectives.append(
            attrs.evolve(
                _visit_objective(
                    "safety-private-assessment",
                    "Have a private, one-to-one safety assessment with the clinician at this "
                    f"visit, by {as_of.isoformat()}.",
                    "private safety assessment completed",
                    [f.id for f in flags if f.kind in PRIVATE_KINDS],
                    as_of,
                    provenance,
                    "Where there is abuse in a relationship, safety comes before any other work.",
                ),
                urgent=True,
            )
        )
        interventions.append(
            Intervention(
                id="safety-private-assessment",
                area=SAFETY_AREA,
                title="Private safety assessment, one to one",
                description=(
                    "With no partner or family member in the room, the clinician explains the "
                    "limits of confidentiality, asks about immediate danger, makes a safety plan "
                    "for the abuse with the patient, offers specialist domestic-abuse services, "
                    "and agrees how to make contact safely and whether written homework "
                    "(diaries, thought records, logs) can be kept where no one else will find "
                    "it. Nothing that involves the partner starts before this."
                ),
                delivery="clinician-led",
                category="safety",
                rationale=(
                    "Domestic abuse is asked about privately, one to one, with the limits of "
                    "confidentiality explained; homework that a partner could find can put the "
                    "patient at risk."
                ),
                citations=[
                    "S17: NICE NG225 (2022) recs 1.6.1-1.6.4; NICE PH50 (2014); WHO IPV "
                    "guidelines 2013",
                ],
                objective_ids=["safety-private-assessment"],
                provenance=provenance,
            )
        )
    if kinds & PRIVATE_KINDS and kinds & SUICIDE_KINDS:
        for step in interventions:
            if step.id == "safety-plan":  # a written plan an abusive partner could find
                step.notes.append(
                    "Agree in the private safety assessment whether and where a copy of the "
                    "safety plan can be kept safely (or a discreet form of it) before giving one."
                )
    return Problem(
        id="problem-safety",
        area=SAFETY_AREA,
        title="Safety: open risk flag",
        priority=0,
        severity=None,  # no low/medium/high label of risk (R-SC22); the flags carry priority
        weight=1.0,
        findings=findings,
        long_term_goal=_long_term_goal(kinds),
        long_term_goal_source=f"rule:{RULE_FIRST}",
        objectives=objectives,
        interventions=interventions,
    )


def _long_term_goal(kinds: set[str]) -> str:
    """The safety problem's long-term goal, in the words that fit the flags that are open."""
    goals = []
    if kinds & SUICIDE_KINDS:
        goals.append(
            "has a clinician-reviewed safety plan and knows how to get help in a crisis"
        )
    if "risky-behaviour" in kinds:
        goals.append("understands the risky behaviour with the clinician and has a plan to reduce harm")
    if kinds & PRIVATE_KINDS:
        goals.append("has a private safety plan and knows how to reach specialist help safely")
    return "The patient " + "; and ".join(goals) + "."


#: Citations of each kind of flag's finding.
_FLAG_CITATIONS: Mapping[str, tuple[str, ...]] = {
    "suicidal-ideation": ("R26", "R27"),
    "risk-unknown": ("R26", "R27"),
    "suicidal-language": ("S19", "R27"),
    "risky-behaviour": ("R18", "S19"),
    KIND_IPV: ("S17",),
    KIND_ABUSE: ("S17", "S19"),
}

#: The steps the core puts in the safety problem for each kind of flag (checked by ``_verify``).
_REQUIRED_STEPS: Mapping[str, str] = {
    "suicidal-ideation": "safety-plan",
    "risk-unknown": "safety-plan",
    "suicidal-language": "safety-plan",
    "risky-behaviour": "safety-behaviour-review",
    KIND_IPV: "safety-private-assessment",
    KIND_ABUSE: "safety-private-assessment",
}


def _visit_objective(
    key: str,
    statement: str,
    metric: str,
    flag_ids: list[str],
    as_of: dt.date,
    provenance: Provenance,
    rationale: str,
) -> Objective:
    """An objective done at this visit (1 of 1)."""
    return Objective(
        id=key,
        area=SAFETY_AREA,
        statement=statement,
        measure=Measure(
            metric=metric,
            unit="assessments",
            method="clinician records it in the notes",
            baseline_value=0,
            baseline_date=as_of,
            target_value=1,
            comparator=">=",
        ),
        start_date=as_of,
        due_date=as_of,
        review_interval_days=1,
        addresses=flag_ids,
        provenance=provenance,
        rationale=rationale,
    )


def _suicide_objective(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance
) -> Objective:
    return Objective(
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
        addresses=[f.id for f in flags if f.kind in SUICIDE_KINDS],
        provenance=provenance,
        rationale="Open risk flags come before every other goal.",
    )


def _suicide_steps(
    flags: tuple[RiskFlag, ...], provenance: Provenance, alcohol: str | None
) -> list[Intervention]:
    kinds = {f.kind for f in flags}
    sections = [f"{title} ({key})" for key, title in SAFETY_PLAN_SECTIONS]
    notes: list[str] = []
    if alcohol is not None:
        sections[0] += "; include drinking as a warning sign"
        sections[-1] += "; include alcohol: what is kept at home and a plan to limit it"
        notes.append(
            f"Alcohol ({alcohol}): drinking raises the risk of acting on suicidal thoughts, so "
            "the plan names it among the warning signs and the means to make safe (R-SC21)."
        )
    reasons = []
    if kinds & {"suicidal-ideation", "risk-unknown"}:
        reasons.append(
            "Endorsing the PHQ-9 self-harm item predicts later suicide attempts even after "
            "adjusting for the depression score; a missing answer leaves risk unknown."
        )
    if KIND_LANGUAGE in kinds:
        reasons.append(
            "The patient's own words speak of suicide or self-harm; written words are read by a "
            "clinician, whatever the questionnaires say."
        )
    steps = [
        Intervention(
            id="safety-risk-assessment",
            area=SAFETY_AREA,
            title="Clinician suicide-risk assessment today",
            description=(
                "A clinician completes a structured suicide-risk assessment (for example the "
                "C-SSRS) with the patient on the same day, and records the risk level, actions "
                "taken and follow-up date."
                + (
                    " It covers drinking today and access to alcohol, which raise the risk of "
                    "acting on suicidal thoughts."
                    if alcohol is not None
                    else ""
                )
            ),
            delivery="clinician-led",
            category="safety",
            rationale=" ".join(reasons),
            citations=list(_SAFETY_CITATIONS[:1] + _SAFETY_CITATIONS[2:])
            + (["S19: multi-site NLP study, PMC10980141"] if KIND_LANGUAGE in kinds else []),
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
            steps=sections,
            delivery="clinician-led",
            category="safety",
            rationale=(
                "A safety plan with follow-up was linked to fewer suicidal behaviours after an "
                "emergency visit; it is built with a clinician, not alone."
            ),
            citations=[
                _SAFETY_CITATIONS[1],
                "R58: Stanley B et al. JAMA Psychiatry 2018;75:894-900",
            ]
            + (["S18: Borges G et al. Psychol Med 2017;47:949-957"] if alcohol else []),
            objective_ids=["safety-plan-completed"],
            provenance=provenance,
            notes=notes,
        ),
    ]
    if any(f.level == "unknown" for f in flags):
        steps.insert(
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
    return steps


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
    alcohol: str | None = None,
) -> None:
    """Restore the safety guarantees on a draft, whatever plugins did to it.

    With an open flag: the core's safety problem is first, unmodified, and every self-guided or
    clinician-supervised step elsewhere is held. Without one: no plugin may invent a safety
    problem that pretends to be the core's.

    :param active_before_hooks: when ``adjust_plan`` hooks ran, the steps that were not
        held before they did (:func:`clinician_steps`). Only those, unchanged, may stay
        active: a step a hook added, copied, relabelled, renamed or rewrote is held too.

    :param alcohol: what shows harmful drinking, if anything (the safety plan names alcohol).
    :raises SafetyInvariantError: if the guarantees still do not hold afterwards (a core bug).
    """
    draft.problems = [
        p for p in draft.problems if p.id != "problem-safety" and p.area != SAFETY_AREA
    ]
    if flags:
        draft.problems.insert(0, build_safety_problem(flags, as_of, alcohol))
        held = 0
        until = _held_until(flags)
        for problem in draft.problems[1:]:
            for step in problem.interventions:
                if step.status != "held" and _must_hold(step, active_before_hooks):
                    step.status = "held"
                    step.notes.append(f"Held until {until} ({RULE_HOLD}).")
                    held += 1
        dependants = _hold_dependants(draft.problems[1:], until)
        if (held or dependants) and not any(n.code == RULE_HOLD for n in draft.notices):
            also = f", and {dependants} step(s) that build on them," if dependants else ""
            draft.notices.append(
                Notice(
                    RULE_HOLD,
                    f"{held} self-guided or supervised self-help step(s){also} are held until "
                    f"{until}.",
                )
            )
    for number, problem in enumerate(draft.problems):
        problem.priority = number
    _verify(draft, flags, active_before_hooks)


def _held_until(flags: tuple[RiskFlag, ...]) -> str:
    """What a held step waits for: the clinician's review of the flags, and, with documented
    abuse, the private assessment that agrees where written homework can be kept safely."""
    if all(f.kind in PRIVATE_KINDS for f in flags):
        return (
            "the private safety assessment has covered safety and where written homework "
            "(diaries, logs, thought records) can be kept without being found"
        )
    if any(f.kind in PRIVATE_KINDS for f in flags):
        return (
            "a clinician has reviewed the open risk flags, and the private safety assessment has "
            "agreed where written homework can be kept without being found"
        )
    return "a clinician has reviewed the open risk flag"


def _hold_dependants(problems: Sequence[Problem], until: str) -> int:
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
                    f"until {until} ({RULE_HOLD})."
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
    needed = {_REQUIRED_STEPS.get(f.kind, "safety-plan") for f in flags}
    if (
        first is None
        or first.id != "problem-safety"
        or first.area != SAFETY_AREA
        or not needed <= {step.id for step in first.interventions}
    ):
        raise SafetyInvariantError("the safety step is not first in a plan with an open risk flag")
    for problem in draft.problems[1:]:
        for step in problem.interventions:
            if _must_hold(step, active_before_hooks) and step.status != "held":
                raise SafetyInvariantError(f"{step.delivery} step {step.id!r} is not held")
