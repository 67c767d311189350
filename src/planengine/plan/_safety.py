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

from planengine._errors import SafetyInvariantError
from planengine._model import (
    Notice,
    PlanDraft,
    Problem,
    RiskFlag,
)
from planengine.plan._flag_dispositions import flag_count
from planengine.plan._risk_flags import (
    KIND_ABUSE,
    KIND_LANGUAGE,
    KIND_OTHERS,
    PRIVATE_KINDS,
    SUICIDE_KINDS,
    RiskQuestion,
)
from planengine.plan._risk_item_task import (
    each_contact_flag,
    measure_each_contact,
    open_suicide_flag,
    replan_on_risk_item,
    risk_item_today,
)
from planengine.plan._safety_hold import (
    RULE_HOLD,
    StepsSeen,
    clinician_steps,
    exempt_from_hold,
    held_until,
    hold_dependants,
    hold_reason,
    must_hold,
    recorded_before,
)
from planengine.plan._safety_on_record import asked_and_recorded
from planengine.plan._safety_problem import (
    _REQUIRED_STEPS,
    SAFETY_AREA,
    SAFETY_PLAN_SECTIONS,
    build_safety_problem,
)
from planengine.plan._safety_today import (
    answered_no,
    assessed_today,
    never_asked,
    private_plan_on_record,
    referred_for_urgent_care,
    urgent_referrals,
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


#: Said with every risk flag, whatever its state.
CRISIS_ALONGSIDE = (
    "Crisis support from the clinic's configured list must be offered alongside any "
    "risk-related message."
)
#: Said instead when the clinic has no crisis numbers set up (clinician read 24, S5).
CRISIS_NONE_SET_UP = "Offer crisis numbers (none are set up for this clinic: write them in)."


def _flags_status(flags: tuple[RiskFlag, ...], as_of: dt.date | None) -> str:
    """Where the risk flags stand: a "no" recorded to a question never asked or left blank, a
    reported risk assessed (today, or on its record's earlier date: clinician read 21, M1), a
    referral for urgent care, or still to be seen today."""
    referred = referred_for_urgent_care(flags)
    count = flag_count(flags, urgent_referrals(flags), _long(referred) if referred else "")
    if all(answered_no(f) for f in flags):
        return (
            f"{count}: the clinician asked the risk question and recorded the outcome below, so "
            "the self-help steps the flag held start today. The flag stays on record until its "
            "next review; any new signal reopens it."
        )
    if all(assessed_today(f) for f in flags):
        return f"{count}: {_assessment_recorded(flags, as_of)}"
    if referred is not None:
        return (
            f"{count}; the clinician referred the patient for urgent care on "
            f"{referred.isoformat()}. Routine self-help steps stay held until the urgent service "
            "has seen the person and a clinician records a new disposition; the safety plan and "
            "follow-up stay due."
        )
    private = private_plan_on_record(flags)
    if private is not None and all(assessed_today(f) or f.kind in PRIVATE_KINDS for f in flags):
        from planengine.render._words import long_date  # the documents' date wording

        if private == as_of:  # the private review was today's (clinician read 23, S6)
            return (
                f"{count}: the clinician's private safety assessment today, with a private "
                "safety plan in place, is recorded below; self-guided and supervised self-help "
                f"steps are held until {held_until(flags, as_of)}."
            )
        return (  # reviewed privately, not seen to as if nothing was done (read 21, S1)
            f"{count}: the clinician's private safety assessment of {long_date(private)} is "
            "recorded below; the private safety plan in place is reviewed one to one at this "
            "visit, and self-guided and supervised self-help steps are held until "
            f"{held_until(flags, as_of)}."
        )
    coping = " other than coping skills" if exempt_from_hold(flags, as_of) else ""  # read 24, S3
    return (
        f"{count}. A clinician must see to each open flag today (the safety problem lists how); "
        f"self-guided and supervised self-help steps{coping} are held until then."
    )


def _long(day: dt.date) -> str:
    """``7 December 2026``, as the documents write a date."""
    from planengine.render._words import long_date  # the documents' date wording

    return long_date(day)


def _assessment_recorded(flags: tuple[RiskFlag, ...], as_of: dt.date | None) -> str:
    """The clinician's recorded assessment that lets the held self-help start: "today" only when
    every record is dated the plan date; otherwise by its real date, reviewed at this visit
    (clinician read 21, M1, in its words: a week-old record is never a same-day assessment)."""
    from planengine.render._words import long_date  # the documents' date wording

    dates = sorted({f.disposition.date for f in flags if f.disposition is not None})
    if as_of is None or dates == [as_of]:
        return (
            "the clinician's risk assessment today is recorded below, so the self-help steps "
            "the flag held start today; the safety plan and follow-up stay due."
        )
    of = " and ".join(long_date(d) for d in dates)
    return (  # restarted after today's review, not on the old record (clinician read 23, S5)
        f"the clinician's risk assessment{'s' if len(dates) > 1 else ''} of {of} "
        f"{'are' if len(dates) > 1 else 'is'} recorded below and reviewed with the patient at "
        f"this visit; the self-help steps the flag held start once {held_until(flags, as_of)}, "
        "and the safety plan and follow-up stay due."
    )


def risk_statement(
    flags: tuple[RiskFlag, ...],
    risk_items: Sequence[tuple[Any, dt.date, Any]] = (),
    words_screened: bool = False,
    as_of: dt.date | None = None,
    *,
    crisis_set_up: bool = True,
) -> str:
    """What the plan says about risk. Never "no risk": at most "item 9 not endorsed".

    :param risk_items: the latest answer to each risk item given, as ``(RiskSignal, date,
        instrument)``; those no flag stands for are said as they are (below the threshold,
        unanswered), each never as evidence of safety.
    :param words_screened: the patient's own words were screened for risk language (and, with no
        flag, nothing matched: said as such, never as safety).
    :param as_of: the plan date: a recorded assessment dated before it is given by its date,
        never as today's.
    :param crisis_set_up: the clinic has crisis lines to offer (else the clinician is asked to
        write them in, never told to offer a list that is empty).
    """
    parts: list[str] = []
    if flags:
        crisis = CRISIS_ALONGSIDE if crisis_set_up else CRISIS_NONE_SET_UP
        parts.append(f"{_flags_status(flags, as_of)} {crisis}")
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
    if words_screened and not any(f.kind in (KIND_LANGUAGE, KIND_ABUSE, KIND_OTHERS) for f in flags):
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


def screens(given: Iterable[str], instruments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`enforce` that depend on the questionnaires, from the instruments'
    data: whether an alcohol measure was given (``alcohol_measured``), and the instruments with
    a suicide-risk item, id -> :class:`~planengine.plan._risk_flags.RiskQuestion` (its name,
    item and threshold: ``risk_items``), in one pass.

    :param given: the ids of the instruments the assessment gave.
    :param instruments: every known instrument, by id.
    """
    risk_items = {
        i: RiskQuestion(instrument.name, r.item, r.endorsed_at)
        for i, instrument in sorted(instruments.items())
        for r in instrument.risk_items
        if r.kind == "suicidal-ideation"
    }
    alcohol = any(i in instruments and instruments[i].area == "alcohol" for i in given)
    return {"alcohol_measured": alcohol, "risk_items": risk_items}


def enforce(
    draft: PlanDraft,
    flags: tuple[RiskFlag, ...],
    as_of: dt.date,
    active_before_hooks: StepsSeen | None = None,
    alcohol: str | None = None,
    *,
    alcohol_measured: bool = True,
    risk_items: Mapping[str, RiskQuestion] | None = None,
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
    :param risk_items: the instruments with a suicide-risk item, id -> its
        :class:`~planengine.plan._risk_flags.RiskQuestion` (:func:`screens`): while a
        suicide-risk flag is open, an objective measured with one is given at every contact
        (:func:`measure_each_contact`); with a risk question never given open, the task that
        gives one says the plan is made again with its answer (:func:`replan_on_risk_item`),
        naming the item and its threshold as the data do.
    :param urgent_contact_working_days: after a referral for urgent care, the working days after
        it by which the urgent service is to have seen the patient (``EngineConfig``).
    :raises SafetyInvariantError: if the guarantees still do not hold afterwards (a core bug).
    """
    draft.problems = [
        p for p in draft.problems if p.id != "problem-safety" and p.area != SAFETY_AREA
    ]
    if flags:
        questions = risk_items or {}
        names = {i: question.instrument for i, question in questions.items()}
        today = risk_item_today(draft.problems, flags, names, as_of)
        core = build_safety_problem(
            flags,
            as_of,
            alcohol,
            alcohol_measured=alcohol_measured,
            risk_item_today=today,
            risk_items=questions,
            urgent_contact_working_days=urgent_contact_working_days,
        )
        draft.problems.insert(0, core)
        if any(f.kind in SUICIDE_KINDS for f in flags):
            flag = each_contact_flag((f.kind, f.item) for f in flags)
            measure_each_contact(draft.problems[1:], names, flag)
        if any(never_asked(f) for f in flags):
            replan_on_risk_item(
                draft.problems[1:], questions, as_of, answered=asked_and_recorded(flags)
            )
        if any(f.kind in PRIVATE_KINDS for f in flags):
            _safe_relationship_goals(draft.problems[1:])
        held = 0
        until, reason = held_until(flags, as_of), hold_reason(flags, as_of)
        exempt = exempt_from_hold(flags, as_of)
        holding = not all(assessed_today(f) for f in flags) or any(
            recorded_before(f, as_of) for f in flags
        )
        for problem in draft.problems[1:] if holding else ():
            for step in problem.interventions:
                if step.status != "held" and must_hold(step, active_before_hooks, exempt):
                    step.status, step.hold = "held", reason
                    step.notes.append(f"Held until {until} ({RULE_HOLD}).")
                    held += 1
        dependants = hold_dependants(draft.problems[1:], until, reason) if holding else 0
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
    _verify(draft, flags, active_before_hooks, as_of)


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


def _verify(
    draft: PlanDraft,
    flags: tuple[RiskFlag, ...],
    active_before_hooks: StepsSeen | None,
    as_of: dt.date | None = None,
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
    exempt = exempt_from_hold(flags, as_of)
    for problem in draft.problems[1:]:
        for step in problem.interventions:
            if must_hold(step, active_before_hooks, exempt) and step.status != "held":
                raise SafetyInvariantError(f"{step.delivery} step {step.id!r} is not held")
