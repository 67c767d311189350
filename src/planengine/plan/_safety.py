"""Safety rules, enforced by the core and never by plugins.

* Every open flag (:mod:`planengine.plan._risk_flags`: a risk item endorsed or blank, risk language in
  the patient's words, PCL-5 item 16, documented intimate-partner violence) puts the safety
  problem first, with the clinician's step for each kind of flag, due at this visit: a structured
  suicide-risk assessment and a safety plan built on the six Stanley-Brown sections [R30], a
  review of risky behaviour, or a private safety assessment.
* Steps the patient carries out between sessions (self-guided and clinician-supervised, e.g.
  sleep restriction) are held until a clinician has reviewed the flag ([DN-risk-flags]); with
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
    Intervention,
    Notice,
    PlanDraft,
    Problem,
    RiskFlag,
)
from planengine.plan._flag_dispositions import flag_count
from planengine.plan._risk_flags import (
    KIND_ABUSE,
    KIND_LANGUAGE,
    PRIVATE_KINDS,
    SUICIDE_KINDS,
)
from planengine.plan._safety_problem import (
    _REQUIRED_STEPS,
    SAFETY_AREA,
    SAFETY_PLAN_SECTIONS,
    build_safety_problem,
)
from planengine.plan._safety_today import (
    URGENT_CARE_HOLD,
    answered_no,
    asked_and_recorded,
    assessed_today,
    never_asked,
    referred_for_urgent_care,
)

__all__ = [
    "SAFETY_AREA",
    "SAFETY_PLAN_SECTIONS",
    "build_safety_problem",
    "clinician_steps",
    "each_contact_flag",
    "enforce",
    "hold_reason",
    "open_suicide_flag",
    "replan_on_risk_item",
    "risk_item_today",
    "risk_statement",
    "screens",
]

RULE_HOLD = "safety.hold-self-guided"

#: Said with every risk flag, whatever its state.
CRISIS_ALONGSIDE = (
    "Crisis support from the clinic's configured list must be offered alongside any "
    "risk-related message."
)


def _flags_status(flags: tuple[RiskFlag, ...]) -> str:
    """Where the risk flags stand: a "no" recorded to a question never asked or left blank, a
    reported risk assessed today, a referral for urgent care, or still to be seen today."""
    count = flag_count(flags)
    if all(answered_no(f) for f in flags):
        return (
            f"{count}: the clinician asked the risk question and recorded the outcome below, so "
            "the self-help steps the flag held start today. The flag stays on record until its "
            "next review; any new signal reopens it."
        )
    if all(assessed_today(f) for f in flags):
        return (
            f"{count}: the clinician's risk assessment today is recorded below, so the "
            "self-help steps the flag held start today; the safety plan and follow-up stay due."
        )
    referred = referred_for_urgent_care(flags)
    if referred is not None:
        return (
            f"{count}: the clinician referred the patient for urgent care on "
            f"{referred.isoformat()}. Routine self-help steps stay held until the urgent service "
            "has seen the person and a clinician records a new disposition; the safety plan and "
            "follow-up stay due."
        )
    return (
        f"{count}. A clinician must see to each open flag today (the safety problem lists how); "
        "self-guided and supervised self-help steps are held until then."
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
        parts.append(f"{_flags_status(flags)} {CRISIS_ALONGSIDE}")
    flagged = {(f.instrument, f.item) for f in flags}
    suicide_item_given = False
    for signal, date, instrument in sorted(risk_items, key=lambda r: (r[2].name, r[0].item)):
        suicide_item_given = suicide_item_given or signal.kind == "suicidal-ideation"
        if (instrument.id, signal.item) in flagged:
            continue
        parts.append(_item_status(signal, date, instrument))
    if not suicide_item_given and not any(never_asked(f) for f in flags):  # else the flag says it
        parts.append(
            "No suicide-risk question (such as PHQ-9 item 9) was given, so suicide risk has not "
            "been screened by questionnaire; a clinician should ask about it directly."
        )
    elif not flags:
        parts.append("A clinician should still ask about risk directly.")
    if words_screened and not any(f.kind in (KIND_LANGUAGE, KIND_ABUSE) for f in flags):
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


#: Deliveries of steps the patient carries out between sessions: held while a flag is open
#: ("routine self-help tasks (e.g. sleep restriction, exposure homework) stay in draft until a
#: clinician reviews them", [DN-risk-flags]).
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


def screens(given: Iterable[str], instruments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`enforce` that depend on the questionnaires: whether an alcohol
    measure was given (``alcohol_measured``), the instruments with a suicide-risk item, id ->
    name (``each_contact``), when each one's item is endorsed, id -> "item 9 is 1 or more"
    (``endorsed_when``), and that item's name, id -> "item 9" (``risk_item_names``), all from
    the instruments' data.

    :param given: the ids of the instruments the assessment gave.
    :param instruments: every known instrument, by id.
    """
    return {
        "alcohol_measured": any(i in instruments and instruments[i].area == "alcohol" for i in given),
        "each_contact": {
            i: instrument.name
            for i, instrument in sorted(instruments.items())
            if any(r.kind == "suicidal-ideation" for r in instrument.risk_items)
        },
        "endorsed_when": {
            i: f"item {r.item} is {r.endorsed_at} or more"
            for i, instrument in sorted(instruments.items())
            for r in instrument.risk_items
            if r.kind == "suicidal-ideation"
        },
        "risk_item_names": {
            i: f"item {r.item}"
            for i, instrument in sorted(instruments.items())
            for r in instrument.risk_items
            if r.kind == "suicidal-ideation"
        },
    }


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
    *,
    alcohol_measured: bool = True,
    each_contact: Mapping[str, str] | None = None,
    endorsed_when: Mapping[str, str] | None = None,
    risk_item_names: Mapping[str, str] | None = None,
    urgent_contact_working_days: int = 1,
) -> None:
    """Restore the safety guarantees on a draft, whatever plugins did to it.

    With an open flag: the core's safety problem is first, unmodified, and every self-guided or
    clinician-supervised step elsewhere is held. Without one: no plugin may invent a safety
    problem that pretends to be the core's.

    :param active_before_hooks: when ``adjust_plan`` hooks ran, the steps that were not
        held before they did (:func:`clinician_steps`). Only those, unchanged, may stay
        active: a step a hook added, copied, relabelled, renamed or rewrote is held too.

    :param alcohol: what shows harmful drinking, if anything (the safety plan names alcohol).
    :param alcohol_measured: an alcohol measure was given (without one, a risky-behaviour review
        asks the AUDIT-C questions).
    :param each_contact: the instruments with a suicide-risk item, id -> name: while a suicide-risk flag is
        open, an objective measured with one is given at every contact
        (:func:`measure_each_contact`).
    :param endorsed_when: when each of those instruments' risk item is endorsed (id -> "item 9
        is 1 or more"): with a risk question never given open, the task that gives one says the
        plan is made again with its score (:func:`replan_on_risk_item`).
    :param risk_item_names: those instruments' risk item, id -> "item 9", as that task names it.
    :param urgent_contact_working_days: after a referral for urgent care, the working days after
        it by which the urgent service is to have seen the patient (``EngineConfig``).
    :raises SafetyInvariantError: if the guarantees still do not hold afterwards (a core bug).
    """
    draft.problems = [
        p for p in draft.problems if p.id != "problem-safety" and p.area != SAFETY_AREA
    ]
    if flags:
        today = risk_item_today(draft.problems, flags, each_contact or {}, as_of)
        core = build_safety_problem(
            flags, as_of, alcohol, alcohol_measured=alcohol_measured, risk_item_today=today,
            urgent_contact_working_days=urgent_contact_working_days,
        )
        draft.problems.insert(0, core)
        if any(f.kind in SUICIDE_KINDS for f in flags):
            flag = each_contact_flag((f.kind, f.item) for f in flags)
            measure_each_contact(draft.problems[1:], each_contact or {}, flag)
        if any(never_asked(f) for f in flags):
            replan_on_risk_item(
                draft.problems[1:],
                endorsed_when or {},
                as_of,
                risk_item_names or {},
                answered=asked_and_recorded(flags),
            )
        if any(f.kind in PRIVATE_KINDS for f in flags):
            _safe_relationship_goals(draft.problems[1:])
        held = 0
        until, reason = _held_until(flags), hold_reason(flags)
        holding = not all(assessed_today(f) for f in flags)
        for problem in draft.problems[1:] if holding else ():
            for step in problem.interventions:
                if step.status != "held" and _must_hold(step, active_before_hooks):
                    step.status, step.hold = "held", reason
                    step.notes.append(f"Held until {until} ({RULE_HOLD}).")
                    held += 1
        dependants = _hold_dependants(draft.problems[1:], until, reason) if holding else 0
        if (held or dependants) and not any(n.code == RULE_HOLD for n in draft.notices):
            also = f", and {dependants} step(s) that build on them," if dependants else ""
            draft.notices.append(
                Notice(
                    RULE_HOLD,
                    f"{held} self-guided or supervised self-help step(s){also} are held until "
                    f"{until}.",
                )
            )
        check = _before_printing(flags) if held or dependants else None
        if check and not any(n.code == RULE_ASK_BEFORE_PRINTING for n in draft.notices):
            draft.notices.append(Notice(RULE_ASK_BEFORE_PRINTING, check))
    for number, problem in enumerate(draft.problems):
        problem.priority = number
    _verify(draft, flags, active_before_hooks)


RULE_EACH_CONTACT = "safety.risk-item-each-contact"
RULE_ASK_BEFORE_PRINTING = "safety.ask-before-printing"
#: With a risk question unanswered or never given, the patient copy is printed from the plan
#: made again with today's answer (clinician read 17, S1).
ASK_BEFORE_PRINTING = (
    "Ask the risk question before printing the patient copy: record the answer and make the "
    "plan again with it, so the copy says which steps start today."
)

#: Where a risk was reported, the copy is printed from the plan made again with today's
#: recorded assessment (clinician read 18, N1).
ASSESS_BEFORE_PRINTING = (
    "Complete the risk assessment before printing the patient copy: record it and make the plan "
    "again with it, so the copy says which steps start today."
)


def _before_printing(flags: tuple[RiskFlag, ...]) -> str | None:
    """The check before printing while self-help is held for a suicide-risk flag that today's
    assessment closes (a reported risk with no current record, or a risk question not yet
    asked), or ``None``."""
    open_kinds = {f.kind for f in flags if f.kind in SUICIDE_KINDS and f.is_open}
    if open_kinds - {"risk-unknown"}:
        return ASSESS_BEFORE_PRINTING
    return ASK_BEFORE_PRINTING if open_kinds else None


def each_contact_flag(flags: Iterable[tuple[str, int | None]]) -> str:
    """The open flag that puts a questionnaire at every contact, named as the risk section names
    it, from each flag's ``(kind, item)``: "the suicide-risk flag" when a risk item was endorsed
    or words of suicide were found; "the risk flag (item 9 unanswered)" when the only one is an
    unanswered risk item (clinician read 13, S1: an unknown risk called a suicide-risk flag
    records what the patient did not say)."""
    suicide = [(kind, item) for kind, item in flags if kind in SUICIDE_KINDS]
    if any(kind != "risk-unknown" for kind, _ in suicide):
        return "the suicide-risk flag"
    items = sorted({item for _, item in suicide if item is not None})
    if not items:
        return "the risk flag"
    which = ", ".join(str(item) for item in items)
    return f"the risk flag (item{'s' if len(items) > 1 else ''} {which} unanswered)"


def open_suicide_flag(flags: Iterable[RiskFlag]) -> str | None:
    """The open suicide-risk flag as :func:`each_contact_flag` names it ("the suicide-risk flag",
    "the risk flag (item 9 unanswered)"), or None when no flag of a suicide kind is open.

    A flag of a risk question never given is left out: depression is not put first for it, nor
    is a questionnaire with a risk item given at every contact (no PHQ-9 is on file; the one
    given today re-makes the plan with its answer, clinician read 16, M1)."""
    suicide = [(f.kind, f.item) for f in flags if f.kind in SUICIDE_KINDS and not never_asked(f)]
    return each_contact_flag(suicide) if suicide else None


def measure_each_contact(
    problems: Sequence[Problem], instruments: Mapping[str, str], flag: str = "the suicide-risk flag"
) -> None:
    """While a suicide-risk flag is open, an objective measured with a questionnaire that has a
    suicide-risk item (the PHQ-9, with item 9) is given at every contact, not only at its review
    interval: the Zero Suicide model screens at every contact [R32], and NICE NG222 monitors
    suicidal ideation, especially early in treatment [S2]. Its review interval (when progress
    against the target is judged) is unchanged.

    :param flag: the open flag, as :func:`each_contact_flag` names it."""
    for problem in problems:
        for objective in problem.objectives:
            name = instruments.get(objective.measure.instrument or "")
            if name is not None and not objective.measured_each_contact:
                objective.measured_each_contact = True
                objective.notes.append(
                    f"While {flag} is open, the {name} "
                    "questionnaire, with its risk item, is given at every contact, not only at "
                    "each review (Zero Suicide: screen at every contact; NICE NG222: monitor "
                    f"suicidal ideation, especially early) ({RULE_EACH_CONTACT})."
                )


def risk_item_today(
    problems: Sequence[Problem],
    flags: tuple[RiskFlag, ...],
    instruments: Mapping[str, str],
    as_of: dt.date,
) -> str:
    """With a risk question never given open, the questionnaire with a suicide-risk item that
    another problem's task gives at this visit, and whose task it is ("the PHQ-9 given today
    (Trauma task)"), else ``""``: the safety step's assessment then records that answer once
    rather than asking the same question again (clinician read 17, S5).

    :param instruments: the instruments with a suicide-risk item, id -> name."""
    if not any(never_asked(f) for f in flags) or asked_and_recorded(flags):
        return ""
    given: dict[str, list[str]] = {}
    for problem in problems:
        due_today = {o.id for o in problem.objectives if o.due_date == as_of}
        for step in problem.interventions:
            name = instruments.get(step.administers or "")
            if name is not None and due_today.intersection(step.objective_ids):
                titles = given.setdefault(name, [])
                if problem.title not in titles:
                    titles.append(problem.title)
    return " and ".join(
        f"the {name} given today ({' and '.join(titles)} task{'s' if len(titles) > 1 else ''})"
        for name, titles in given.items()
    )


def replan_on_risk_item(
    problems: Sequence[Problem],
    endorsed_when: Mapping[str, str],
    as_of: dt.date,
    item_names: Mapping[str, str] | None = None,
    *,
    answered: bool = False,
) -> None:
    """While a risk question never given is open (clinician read 16, M1), each task whose step
    gives a questionnaire with a suicide-risk item (the PHQ-9) says in its measure that an
    endorsed item makes the plan again with its score, the day it is given: that opens the
    risk section (a safety plan and a follow-up contact), which no later review may wait for.

    :param endorsed_when: instrument id -> when its risk item is endorsed ("item 9 is 1 or
        more").
    :param item_names: instrument id -> its risk item's name ("item 9"), from its data; an
        instrument not named there: "the risk item".
    :param answered: the question has since been asked and "no" recorded
        (:func:`~planengine.plan._safety_today.asked_and_recorded`): only an endorsed item makes
        the plan again; there is no hold left to end (clinician read 20).

    An objective says it once (:attr:`~planengine._model.Objective.replans_on_risk_item`),
    however often the safety rules run on the draft."""
    names = item_names or {}
    given = {
        objective_id: (endorsed_when[step.administers], names.get(step.administers, "the risk item"))
        for problem in problems
        for step in problem.interventions
        if step.administers is not None and step.administers in endorsed_when
        for objective_id in step.objective_ids
    }
    for problem in problems:
        for objective in problem.objectives:
            found = given.get(objective.id)
            if found is None or objective.replans_on_risk_item:
                continue
            when, item = found
            day = "today" if objective.due_date == as_of else "the day it is given"
            objective.replans_on_risk_item = True
            method = (
                f"{objective.measure.method}; if {when}, the plan is made again with it {day} and "
                "opens the suicide-risk section with the safety plan and follow-up"
                if answered
                else f"{objective.measure.method}; {item}'s answer is recorded {day}, whatever it is, "
                "and the plan is made again with it: if it is 0 and the clinician has no concern, "
                "the clinician records that outcome, the held steps start then and the question "
                "is asked again at the flag's next review; if "
                f"{when}, the plan opens the suicide-risk section with the safety plan and "
                "follow-up"
            )
            objective.measure = attrs.evolve(objective.measure, method=method)


RULE_PRIVATE_GOAL = "safety.relationship-goal-with-abuse"
#: Where there is abuse, a relationship goal is about safety and the patient's own choices, never
#: about repairing conflict with the person who harms them (R-SC20; [R56][R57]).
_SAFE_RELATIONSHIP_GOAL = (
    "The patient is supported in staying safe in their close relationships and in the choices "
    "they make about them."
)


def _safe_relationship_goals(problems: Sequence[Problem]) -> None:
    """With abuse documented or disclosed, the relationships and assertiveness problems' long-term
    goals say safety, not repair or confrontation."""
    for problem in problems:
        if problem.area in ("relationships", "assertiveness"):
            problem.long_term_goal = _SAFE_RELATIONSHIP_GOAL
            problem.long_term_goal_source = f"rule:{RULE_PRIVATE_GOAL}"


def hold_reason(flags: tuple[RiskFlag, ...]) -> str:
    """What a step the safety rule holds waits for, one of
    :data:`~planengine._model.HOLD_REASONS`, in the order :func:`_held_until` words it: the
    urgent service after a referral for urgent care, whatever the other flags are (the
    longest wait, and the one the person's safety rests on: docs/safety.md); the private
    safety assessment with documented abuse; the risk question asked today when every flag
    is one left blank or never given; today's assessment recorded when every flag is of a
    suicide kind with none dispositioned; else a clinician's review of the flag."""
    if referred_for_urgent_care(flags) is not None:
        return "urgent-care"
    if any(f.kind in PRIVATE_KINDS for f in flags):
        return "private-assessment"
    if any(f.status == "dispositioned" for f in flags):
        return "risk-review"
    kinds = {f.kind for f in flags}
    if kinds == {"risk-unknown"}:
        return "risk-question"
    return "risk-assessment" if kinds <= SUICIDE_KINDS else "risk-review"


def _held_until(flags: tuple[RiskFlag, ...]) -> str:
    """What a held step waits for: the clinician's review of the flags, and, with documented
    abuse, the private assessment that agrees where written homework can be kept safely.
    After a referral for urgent care, the urgent service first, and the private assessment
    too while a private flag is still open (the clinician's plan only: the patient's copy
    words the hold from ``hold``, ``urgent-care``, and never names a private flag)."""
    if referred_for_urgent_care(flags) is not None:  # clinician read 19, M1
        if any(f.kind in PRIVATE_KINDS and f.is_open for f in flags):
            return (
                f"{URGENT_CARE_HOLD}, and the private safety assessment has agreed where "
                "written homework can be kept without being found"
            )
        return URGENT_CARE_HOLD
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


def _hold_dependants(problems: Sequence[Problem], until: str, reason: str) -> int:
    """Hold the steps that build on a held step (``requires``: avoidance problem-solving reviews
    the held activity schedule), in any problem, repeated until stable, for the safety hold's
    ``reason``; return how many were held."""
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
                step.status, step.hold = "held", reason
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
    if all(assessed_today(f) for f in flags):  # assessed today: nothing is held
        return
    for problem in draft.problems[1:]:
        for step in problem.interventions:
            if _must_hold(step, active_before_hooks) and step.status != "held":
                raise SafetyInvariantError(f"{step.delivery} step {step.id!r} is not held")
