"""Which steps the safety rules hold while a risk flag is open, and what each waits for: the
steps the patient carries out between sessions (and those that build on them) are held until a
clinician has seen to each flag not yet assessed ([DN-risk-flags]); the step's ``hold`` records
what it waits for, and every document words it from that one field (documents.yaml
``clinician.hold``). :func:`planengine.plan._safety.enforce` applies them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from planengine._model import Intervention, Problem, RiskFlag
from planengine.plan._risk_flags import PRIVATE_KINDS, SUICIDE_KINDS
from planengine.plan._safety_today import (
    answered_no,
    assessed_today,
    private_plan_on_record,
    referred_for_urgent_care,
)

__all__ = [
    "HELD_DELIVERIES",
    "PRIVATE_REASONS",
    "RISK_HOLD_EXEMPT",
    "RULE_HOLD",
    "StepsSeen",
    "clinician_steps",
    "exempt_from_hold",
    "held_until",
    "hold_dependants",
    "hold_reason",
    "must_hold",
    "recorded_before",
]


RULE_HOLD = "safety.hold-self-guided"


#: Deliveries of steps the patient carries out between sessions: held while a flag is open
#: ("routine self-help tasks (e.g. sleep restriction, exposure homework) stay in draft until a
#: clinician reviews them", [DN-risk-flags]).
HELD_DELIVERIES = frozenset({"self-guided", "clinician-supervised"})

#: Categories of self-guided steps the risk hold leaves active (clinician read 24, S3): the
#: coping skills of a safety plan's own part 2 (grounding, paced breathing, a sleep routine:
#: ``stabilisation``) and general advice (sleep hygiene as a supporting step:
#: ``psychoeducation``). Distress-tolerance skills are not homework that can harm, and holding
#: them made the safest steps wait longest. Never exposure-like steps, monitoring or diaries, or
#: activity scheduling: those stay held (docs/safety.md). The one place these are named.
RISK_HOLD_EXEMPT = frozenset({"stabilisation", "psychoeducation"})

#: The ``hold`` reasons of a flag of documented abuse: where written homework can be kept is the
#: question, so the steps :data:`RISK_HOLD_EXEMPT` frees stay held while one applies.
PRIVATE_REASONS = frozenset({"private-assessment", "private-review", "private-homework-place"})


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
        if step.delivery not in HELD_DELIVERIES or step.category in RISK_HOLD_EXEMPT
    }


def recorded_before(flag: RiskFlag, as_of: dt.date | None) -> bool:
    """Whether ``flag`` is a reported suicide risk whose current record (any outcome but a
    referral for urgent care) is dated before the plan's day ``as_of``: the self-help it held
    starts once today's review of that record (and of its safety plan, where one was made) finds
    no change, not on the old record alone (clinician read 23, S5: a week-old assessment is not
    today's). A risk question asked and not endorsed (:func:`answered_no`) is not held again."""
    record = flag.disposition
    return (
        as_of is not None
        and record is not None
        and record.date < as_of
        and assessed_today(flag)
        and not answered_no(flag)
    )


def hold_reasons(flags: tuple[RiskFlag, ...], as_of: dt.date | None = None) -> tuple[str, ...]:
    """What a step the safety rule holds waits for, each one of
    :data:`~planengine._model.HOLD_REASONS`, decided from the flags not yet assessed (a flag
    already assessed today keeps nothing back: the reason names what actually keeps the hold),
    the one its ``hold`` records first: the urgent service after a referral for urgent care,
    whatever the other flags are (the longest wait, and the one the person's safety rests on:
    docs/safety.md), and the private safety assessment beside it while a private flag is still
    open; else the private safety assessment with documented abuse (its private review today,
    with a private safety plan on record: :func:`private_plan_on_record`), and the clinician's part for
    the other flags: the risk question asked today when each is one left blank or never given,
    today's assessment recorded when each is of a suicide kind with none dispositioned, else a
    clinician's review of the flag; a record dated before the plan's day ``as_of`` waits for
    today's review of it (:func:`recorded_before`)."""
    pending = tuple(f for f in flags if not assessed_today(f) or recorded_before(f, as_of))
    urgent = referred_for_urgent_care(pending) is not None
    private = [f for f in pending if f.kind in PRIVATE_KINDS]
    others = [f for f in pending if f.kind not in PRIVATE_KINDS]
    reasons = ["urgent-care"] if urgent else []
    if private and (not urgent or any(f.is_open for f in private)):  # read 21, S1: a plan on record
        reasons.append(_private_reason(flags, as_of))
    if others and not urgent:
        reasons.append(_review_reason(others, as_of))
    return tuple(reasons) or ("risk-review",)


def _private_reason(flags: tuple[RiskFlag, ...], as_of: dt.date | None) -> str:
    """What the steps held for documented abuse wait for: the private safety assessment; with a
    private safety plan on record, its private review today; with that plan recorded on the
    plan's own day, the private review was today's, but the record does not say where homework
    can be kept, so the hold stays until the clinician records that (clinician read 23, S6)."""
    day = private_plan_on_record(flags)
    if day is None:
        return "private-assessment"
    return "private-homework-place" if day == as_of else "private-review"


def _review_reason(flags: Sequence[RiskFlag], as_of: dt.date | None) -> str:
    """What the flags other than private ones wait for (:func:`hold_reasons`)."""
    if all(recorded_before(f, as_of) for f in flags):
        return "risk-record-review"
    if any(f.status == "dispositioned" for f in flags):
        return "risk-review"
    kinds = {f.kind for f in flags}
    if kinds == {"risk-unknown"}:
        return "risk-question"
    return "risk-assessment" if kinds <= SUICIDE_KINDS else "risk-review"


def hold_reason(flags: tuple[RiskFlag, ...], as_of: dt.date | None = None) -> str:
    """The ``hold`` of a step the safety rule holds: the first of :func:`hold_reasons`."""
    return hold_reasons(flags, as_of)[0]


def held_until(flags: tuple[RiskFlag, ...], as_of: dt.date | None = None) -> str:
    """What a held step waits for, in words: each of :func:`hold_reasons` worded as every
    document words that ``hold`` (documents.yaml ``clinician.hold``: one table, so the step's
    note, its status label and the held objectives never say different things)."""
    return ", and ".join(hold_words(reason) for reason in hold_reasons(flags, as_of))


def hold_words(reason: str) -> str:
    """A ``hold`` reason in words, as a clause after "until" ("the risk question is asked
    today"), from documents.yaml ``clinician.hold``.

    :raises KeyError: for a reason with no words (the tests check each of ``HOLD_REASONS``)."""
    from planengine.render._words import words_data  # the documents' words, read once

    table: Mapping[str, str] = words_data()["clinician"]["hold"]
    return table[reason]


def hold_dependants(problems: Sequence[Problem], until: str, reason: str) -> int:
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


def exempt_from_hold(flags: tuple[RiskFlag, ...], as_of: dt.date | None = None) -> bool:
    """Whether the hold for ``flags`` leaves :data:`RISK_HOLD_EXEMPT` steps active: yes for a
    risk hold, no while any of its reasons is a private one (:data:`PRIVATE_REASONS`)."""
    return not PRIVATE_REASONS.intersection(hold_reasons(flags, as_of))


def must_hold(
    step: Intervention, active_before_hooks: StepsSeen | None, exempt: bool = False
) -> bool:
    """Whether the safety hold holds ``step``: a step the patient carries out between sessions
    (:data:`HELD_DELIVERIES`), unless ``exempt`` (:func:`exempt_from_hold`) and its category is
    one of :data:`RISK_HOLD_EXEMPT`; and, when hooks ran, any step a hook added or changed
    (a hook cannot free a step by relabelling its category)."""
    if active_before_hooks is not None:
        seen = active_before_hooks.get(id(step))
        if seen is None or seen[0] is not step or seen[1] != _fingerprint(step):
            return True
    if step.delivery in HELD_DELIVERIES:
        return not (exempt and step.category in RISK_HOLD_EXEMPT)
    return False
