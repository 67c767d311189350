"""The safety problem's dated goals (:mod:`planengine.plan._safety_problem` assembles them):
the written safety plan of six Stanley-Brown sections [R30] and the follow-up contact after it
[R58], each conditional when the flags call for the risk to be asked first (docs/safety.md), and
the goals the private safety assessment settles."""

from __future__ import annotations

import datetime as dt

import attrs

from planengine._model import Measure, Objective, Provenance, RiskFlag
from planengine.io._disposition import Disposition
from planengine.plan._risk_flags import PRIVATE_KINDS, SUICIDE_KINDS
from planengine.plan._safety_today import (
    SAFETY_AREA,
    addressed,
    current_dispositions,
    met_later,
    visit_objective,
)

__all__ = [
    "CONFIRM_FOLLOW_UP_TITLE",
    "FOLLOW_UP_DAYS",
    "PRIVATE_FOLLOW_ONS",
    "PRIVATE_REVIEW_TITLE",
    "SAFETY_PLAN_OUTCOMES",
    "SAFETY_PLAN_SECTIONS",
    "follow_up_due",
    "follow_up_objective",
    "private_objectives",
    "private_review",
    "safety_plan_on_record",
    "safety_plan_record",
    "suicide_objective",
    "written_today",
]


#: The six sections of a Stanley-Brown safety plan, as structure only (no template text) [R30].
SAFETY_PLAN_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "warning_signs",
        "Personal warning signs that a crisis may be building, in the patient's words",
    ),
    ("internal_coping", "Things the patient can do alone to take their mind off the crisis"),
    ("social_distraction", "People and places that offer distraction"),
    ("help_contacts", "Family members or friends who can be asked for help"),
    (
        "professional_contacts",
        "Clinicians, urgent care and crisis lines from the clinic's configured list",
    ),
    ("means_safety", "Making the environment safe: a plan for each means the patient can reach"),
)


#: What the private safety assessment itself settles, each tracked as its own goal (clinician
#: read 8, S6): the offer of specialist support, and a safe way and time to make contact [S17].
PRIVATE_FOLLOW_ONS = ("safety-specialist-support-offered", "safety-safe-contact-agreed")


def private_objectives(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance
) -> list[Objective]:
    """The goals of the private safety assessment beside holding it: specialist support offered
    (a referral only with the patient's consent) and a safe way and time to make contact agreed.
    Their words name no abuse: a goal file or a review may be seen by others."""
    flag_ids = [f.id for f in flags if f.kind in PRIVATE_KINDS]
    offered = visit_objective(
        PRIVATE_FOLLOW_ONS[0],
        "In the private assessment, offer a specialist support service for the concern it "
        "covers, and refer only if the patient agrees, recording the answer where only the care "
        f"team sees it, by {as_of.isoformat()}.",
        "specialist support offered, and the patient's answer recorded",
        flag_ids,
        as_of,
        provenance,
        "Specialist services are offered privately, with the patient's consent; an offer "
        "that is not recorded cannot be followed up.",
    )
    contact = visit_objective(
        PRIVATE_FOLLOW_ONS[1],
        "In the private assessment, agree a safe way and time to make contact (which number, "
        "when, and what a message or letter may say), recorded where only the care team sees "
        f"it, by {as_of.isoformat()}.",
        "safe contact method agreed and recorded",
        flag_ids,
        as_of,
        provenance,
        "Reminders, letters and calls can be seen by someone else at home; every later "
        "contact uses only the way and time agreed.",
    )
    return [
        attrs.evolve(offered, measure=attrs.evolve(offered.measure, unit="offers")),
        attrs.evolve(contact, measure=attrs.evolve(contact.measure, unit="agreements")),
    ]


#: With a private safety plan on record: what the one-to-one review at this visit goes over
#: (clinician read 21, S1, in its words; no word names abuse: a goal file may be seen by others).
PRIVATE_REVIEW_TITLE = "Private review of the safety plan in place, one to one"


def private_review(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance, recorded: dt.date
) -> tuple[list[Objective], str]:
    """With a private safety plan on record (dated ``recorded``): the goals of its private review
    at this visit, in place of a first private assessment and its offers as if none was made
    (clinician read 21, S1, in its words), and what the step does."""
    flag_ids = [f.id for f in flags if f.kind in PRIVATE_KINDS]
    if recorded == as_of:  # the private review was today's: not repeated (clinician read 23, S6)
        place = visit_objective(
            "safety-private-assessment",
            "Private safety plan in place (recorded today): record where written homework can be "
            f"kept without being found, one to one, by {as_of.isoformat()}.",
            "where homework can be kept recorded",
            flag_ids,
            as_of,
            provenance,
            "The private safety plan was made today; the homework the plan holds waits only for "
            "where it can be kept safely.",
        )
        return [attrs.evolve(place, urgent=True)], (
            "The private safety assessment and plan were recorded today. With no partner or "
            "family member in the room, the clinician records where written homework (diaries, "
            "thought records, logs) can be kept where no one else will find it. Nothing that "
            "involves the partner starts before this."
        )
    review = visit_objective(
        "safety-private-assessment",
        f"Review the private safety plan in place (recorded {recorded.isoformat()}) one to one at "
        "this visit: immediate danger, any change since, the agreed safe contact, and whether "
        f"written homework can be kept without being found; by {as_of.isoformat()}.",
        "private safety plan reviewed one to one",
        flag_ids,
        as_of,
        provenance,
        "A private check at each visit; the recorded plan is gone over, not made again.",
    )
    confirmed = visit_objective(
        "safety-private-arrangements-confirmed",
        "In the private review, confirm the specialist-service offer and safe-contact method "
        f"recorded on {recorded.isoformat()} still hold, by {as_of.isoformat()}.",
        "recorded offer and safe contact confirmed",
        flag_ids,
        as_of,
        provenance,
        "Every later contact uses only the way and time agreed; what was agreed can change.",
    )
    what = (
        "With no partner or family member in the room, the clinician goes over the private "
        f"safety plan recorded on {recorded.isoformat()}: immediate danger, any change since, "
        "whether the specialist-service offer and the agreed safe way to make contact still "
        "hold, and whether written homework (diaries, thought records, logs) can be kept where "
        "no one else will find it. Nothing that involves the partner starts before this."
    )
    return [attrs.evolve(review, urgent=True), confirmed], what


#: the first follow-up call of the studied safety-plan intervention came within 72 hours [R58]
#: (L: the study's protocol, not a number of the brief)
FOLLOW_UP_DAYS = 3

#: The clinician's recorded outcomes that say a (suicide) safety plan is in place: the plan made
#: again with one reviews that safety plan rather than asking for it again (attack s30, 7).
SAFETY_PLAN_OUTCOMES = frozenset({"assessed-safety-plan-in-place", "assessed-safety-plan-updated"})


def safety_plan_on_record(flags: tuple[RiskFlag, ...]) -> dt.date | None:
    """The day of the latest current record that a safety plan is in place (or was updated),
    when every suicide-risk flag has a current record (:func:`current_dispositions`); ``None``
    otherwise: one flag without a record keeps the safety plan due today."""
    if not current_dispositions(flags):
        return None
    days = [
        f.disposition.date
        for f in flags
        if f.kind in SUICIDE_KINDS
        and f.disposition is not None
        and f.disposition.outcome in SAFETY_PLAN_OUTCOMES
    ]
    return max(days, default=None)


def safety_plan_record(flags: tuple[RiskFlag, ...]) -> Disposition | None:
    """The latest current record that a safety plan is in place (or was updated), on the day
    :func:`safety_plan_on_record` gives (``None``: none): who recorded it, and its next review."""
    day = safety_plan_on_record(flags)
    found = [
        f.disposition
        for f in flags
        if f.kind in SUICIDE_KINDS
        and f.disposition is not None
        and f.disposition.outcome in SAFETY_PLAN_OUTCOMES
        and f.disposition.date == day
    ]
    return min(found, key=lambda d: d.next_review) if found else None


def written_today(flags: tuple[RiskFlag, ...], as_of: dt.date) -> Disposition | None:
    """The record of a safety plan written (or updated) on the plan's own day, ``as_of``: the
    plan made again after it reads the safety plan as done today, never as a review due today
    (clinician read 23, S6); ``None`` for none, or one dated before ``as_of``."""
    record = safety_plan_record(flags)
    return record if record is not None and record.date == as_of else None


#: The follow-up step's title once the contact after a recorded safety plan was due before this
#: visit: it is confirmed, not set again (the patient copy reads it too).
CONFIRM_FOLLOW_UP_TITLE = "Confirm the follow-up contact after the safety plan"


def follow_up_due(plan_day: dt.date | None, as_of: dt.date) -> tuple[dt.date, bool]:
    """The follow-up contact's date, within 72 hours of the safety plan (of ``plan_day``, the
    recorded one, else of this visit), and whether that date has passed: the contact is then
    confirmed at this visit, not set again 72 hours on."""
    due = (plan_day or as_of) + dt.timedelta(days=FOLLOW_UP_DAYS)
    return due, due < as_of


def follow_up_objective(
    flags: tuple[RiskFlag, ...],
    as_of: dt.date,
    provenance: Provenance,
    condition: str | None = None,
) -> Objective:
    """The follow-up contact after the safety plan, dated, so that a review of the goal file
    flags it when it is missed (conditional, like the safety plan, when that is). After a
    recorded safety plan (:func:`safety_plan_on_record`) it is dated from that record, and once
    that date has passed it is confirmed at this visit (:func:`follow_up_due`)."""
    plan_day = None if condition else safety_plan_on_record(flags)
    due, passed = follow_up_due(plan_day, as_of)
    later = met_later(condition)
    contact = (
        # no risk words in a goal statement: the review screens statements for them
        "a named clinician makes a follow-up contact with the patient (a call is enough) to go "
        "over the safety plan and how the patient is, "
        + ("within 72 hours of it." if later else f"by {due.isoformat()}.")
    )
    if passed:
        contact = (
            f"confirm the follow-up contact after the safety plan (due {due.isoformat()}) was "
            f"made, and make it today if it was not, by {as_of.isoformat()}."
        )
        due = as_of
    lead = "If a safety plan is made" if later else "If a safety plan is made today"
    objective = visit_objective(
        "safety-follow-up-contact",
        f"{lead}: {contact}" if condition else contact[0].upper() + contact[1:],
        "follow-up contact made",
        addressed(flags),
        as_of,
        provenance,
        "The safety plan was studied with follow-up contact soon after the visit; a missed "
        "contact is followed up the same day."
        + (
            f" The safety plan on record dates from {plan_day.isoformat()}, so the contact is "
            "dated from it, not from this visit."
            if plan_day is not None
            else ""
        ),
    )
    return attrs.evolve(
        objective,
        due_date=due,
        condition=condition,
        due_after_condition_days=FOLLOW_UP_DAYS if later else None,
        measure=attrs.evolve(
            objective.measure, unit="contacts", method="the clinician records the contact"
        ),
    )


def suicide_objective(
    flags: tuple[RiskFlag, ...],
    as_of: dt.date,
    provenance: Provenance,
    private: bool,
    condition: str | None = None,
) -> Objective:
    """The written safety plan of six sections, with the patient keeping a copy, due at this
    visit (conditional, and then due the same day as its condition when that can only be met
    later: :func:`~planengine.plan._safety_today.met_later`)."""
    # with abuse, where a copy can be kept is agreed in the private assessment first
    copy = (
        "with the patient keeping a copy where the private safety assessment agreed it is safe"
        if private
        else "with the patient keeping a copy"
    )
    recorded = current_dispositions(flags)
    plan_day = safety_plan_on_record(flags)
    statement = (
        "Complete a clinician risk assessment and a written safety plan covering all six "
        f"sections, {copy}, by {as_of.isoformat()}."
    )
    if condition is not None:  # asked today first (safety-risk-asked): the plan if it is needed
        # a condition met only later (read 20, S5): the same day as it, not a date now past
        when = "the same day" if met_later(condition) else f"by {as_of.isoformat()}"
        statement = (
            f"{condition[0].upper()}{condition[1:]}: write a safety plan covering all six "
            f"sections with the patient, {copy}, {when}."
        )
    elif (today := written_today(flags, as_of)) is not None:  # done today (read 23, S6)
        return _written_today_objective(flags, today, provenance, copy)
    elif plan_day is not None:  # a safety plan on record: reviewed, not asked for again
        statement = (
            f"Review the safety plan in place (recorded {plan_day.isoformat()}) with the patient, "
            f"checking all six sections, {copy}, by {as_of.isoformat()}."
        )
    elif recorded:  # a clinician assessed every suicide-risk flag: review that record now
        statement = (
            f"Review the clinician's recorded risk assessment ({recorded}) with the patient, "
            "and a written safety plan covering all six sections, "
            f"{copy}, by {as_of.isoformat()}."
        )
    return Objective(
        id="safety-plan-completed",
        area=SAFETY_AREA,
        statement=statement,
        measure=Measure(
            metric=(
                "safety plan sections completed with the clinician"
                if condition is not None or plan_day is None
                else "safety plan sections reviewed with the clinician"
            ),
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
        addresses=addressed(flags),
        provenance=provenance,
        rationale=(
            "A risk flag kept on record comes before every other goal: a safety plan is written "
            "the day a concern or an endorsed answer calls for one."
            if condition is not None and met_later(condition)
            else "A risk flag kept on record comes before every other goal: the safety plan in "
            "place is gone over with the patient at this visit."
            if condition is None and plan_day is not None
            else "Open risk flags come before every other goal."
        ),
        condition=condition,
        due_after_condition_days=0 if met_later(condition) else None,
    )


def _written_today_objective(
    flags: tuple[RiskFlag, ...], record: Disposition, provenance: Provenance, copy: str
) -> Objective:
    """The safety plan recorded on the plan's own day: done today, its copy given, and gone over
    with the patient by the record's next review (clinician read 23, S6, in its words)."""
    give = "give the patient their copy" + copy.removeprefix("with the patient keeping a copy")
    return Objective(
        id="safety-plan-completed",
        area=SAFETY_AREA,
        statement=(
            f"Safety plan in place (recorded today by {record.by}): {give}; review it with the "
            f"patient, checking all six sections, by {record.next_review.isoformat()}."
        ),
        measure=Measure(
            metric="safety plan sections reviewed with the clinician",
            unit="sections",
            method="clinician review of the written safety plan",
            baseline_value=0,
            baseline_date=record.date,
            target_value=len(SAFETY_PLAN_SECTIONS),
            comparator=">=",
        ),
        start_date=record.date,
        due_date=record.next_review,
        review_interval_days=(record.next_review - record.date).days,
        addresses=addressed(flags),
        provenance=provenance,
        rationale=(
            "A risk flag kept on record comes before every other goal: the safety plan was "
            "written with the patient today, so it is gone over at the flag's next review, not "
            "again at this visit."
        ),
    )
