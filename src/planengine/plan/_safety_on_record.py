"""The safety problem once the risk question was asked and "no" recorded (clinician read 20):
the flag stays on record, never "no risk", and the question is asked again at the flag's next
review rather than "today" again. :mod:`planengine.plan._safety_problem` assembles it."""

from __future__ import annotations

import datetime as dt

import attrs

from planengine._model import Objective, Provenance, RiskFlag
from planengine.plan._risk_flags import PRIVATE_KINDS, SUICIDE_KINDS
from planengine.plan._safety_today import (
    answered_no,
    current_dispositions,
    private_plan_on_record,
    risk_question,
    visit_objective,
)

__all__ = [
    "FLAG_REVIEW_ID",
    "ON_RECORD_REASON",
    "PRIVATE_ON_RECORD_REASON",
    "asked_again_objective",
    "asked_again_text",
    "asked_and_recorded",
    "flag_review_objective",
    "flag_review_statement",
    "next_review",
    "on_record_title",
]


#: the id of the flag's dated review (:func:`flag_review_objective`), as the documents find it
FLAG_REVIEW_ID = "safety-flag-review"


#: Why the safety problem stays first once the risk question was asked and "no" recorded
#: (clinician read 20, S4, in its words): on record, not "open", and nothing is held.
ON_RECORD_REASON = "Kept on record and asked again at review; no held steps."
#: The same with a private safety plan on record (clinician read 21, S1): reviewed privately at
#: each visit, and the homework held until the clinician records where it can be kept: at
#: today's private review, or, with the plan recorded today, as the hold says (read 23, S6).
PRIVATE_ON_RECORD_REASON = (
    "Kept on record and reviewed privately at each visit; homework held until the clinician "
    "records where it can be kept safely."
)


def on_record_title(flags: tuple[RiskFlag, ...], as_of: dt.date) -> str | None:
    """The safety problem's title once the risk question was asked and "no" recorded
    (:func:`asked_and_recorded`): "Safety: risk flag on record (assessed {date}; asked again by
    {next review})" (clinician read 20, S4: the flag is kept, never "no risk", and not called
    "open" either); with every flag a private one whose private safety plan is on record,
    "Safety: private flag on record (assessed {date}; reviewed privately at each visit; next
    review {date})" (clinician read 21, S1, in its words); ``None`` otherwise."""
    private = private_plan_on_record(flags)
    if private is not None and all(f.kind in PRIVATE_KINDS for f in flags):
        days = [f.disposition.next_review for f in flags if f.disposition]
        review = max(min(days, default=as_of), as_of)
        return (
            f"Safety: private flag on record (assessed {private.isoformat()}; reviewed privately "
            f"at each visit; next review {review.isoformat()})"
        )
    if not asked_and_recorded(flags):
        return None
    assessed = min(f.disposition.date for f in flags if answered_no(f) and f.disposition)
    return (
        f"Safety: risk flag on record (assessed {assessed.isoformat()}; asked again by "
        f"{next_review(flags, as_of).isoformat()})"
    )


def asked_and_recorded(flags: tuple[RiskFlag, ...]) -> bool:
    """Whether every suicide-risk flag is a question left blank or never given that has since
    been asked, with "no" recorded (:func:`answered_no`): the plan made again with that record
    asks it again at the flag's next review, not "today" again (clinician read 20)."""
    suicide = [f for f in flags if f.kind in SUICIDE_KINDS]
    return bool(suicide) and all(answered_no(f) for f in suicide)


def next_review(flags: tuple[RiskFlag, ...], as_of: dt.date) -> dt.date:
    """The earliest next review the clinicians recorded for the answered flags (not before
    ``as_of``)."""
    days = [f.disposition.next_review for f in flags if answered_no(f) and f.disposition]
    return max(min(days, default=as_of), as_of)


def asked_again_objective(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance
) -> Objective:
    """Once the risk question was asked and "no" recorded (:func:`asked_and_recorded`): it is
    asked again at the flag's next review, the day the clinician recorded for it."""
    due = next_review(flags, as_of)
    objective = visit_objective(
        "safety-risk-asked",
        # no risk words in a goal statement: the review screens statements for them
        f"Ask the risk question ({risk_question(flags)} or a direct question) again at the "
        "next review, within a structured risk assessment by a clinician, and record what was "
        f"found, by {due.isoformat()}.",
        "structured risk assessment completed",
        [f.id for f in flags if f.kind in SUICIDE_KINDS],
        as_of,
        provenance,
        f"The risk question was asked and the outcome recorded ({current_dispositions(flags)}); "
        "the flag stays on record, and the question is asked again at its next review and "
        "whenever the questionnaire with the risk item is given [R27].",
    )
    return attrs.evolve(objective, due_date=due, review_interval_days=max(1, (due - as_of).days))


def asked_again_text(flags: tuple[RiskFlag, ...]) -> tuple[str, str]:
    """The title and what the safety step says once the risk question was asked and "no"
    recorded (:func:`asked_and_recorded`; clinician read 20): nothing is asked "today" again."""
    return "Risk question asked and recorded: ask it again at the next review", (
        f"The risk question was asked and the outcome recorded ({current_dispositions(flags)}). "
        "A clinician asks about suicidal thoughts and self-harm directly again at the flag's "
        f"next review, and reads {risk_question(flags)} whenever that questionnaire is given; if "
        "it is endorsed, or the clinician is concerned, the plan is made again with it, which "
        "opens the safety plan and the follow-up contact"
    )


def flag_review_objective(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance
) -> Objective | None:
    """The review of the risk flags on the date the clinician recorded for it (clinician read 21,
    S3, in its words): "Review the risk flag with the patient (asked again directly; safety plan
    gone over), by {next_review}.", for each flag with a current disposition whose
    ``next_review`` is still to come (the earliest). A clinician who chose an earlier review than
    the plan's own keeps it: the objective is reviewed on that day, so the patient copy's "Next
    review" is the earlier of the two. ``None`` when no record dates one, or when a recorded
    "no" already asks again on that date (:func:`asked_again_objective`)."""
    asked = asked_and_recorded(flags)
    recorded = [
        f
        for f in flags
        if f.status == "dispositioned"
        and f.disposition is not None
        and f.disposition.next_review > as_of
        and not (asked and answered_no(f))
    ]
    if not recorded:
        return None
    day = min(f.disposition.next_review for f in recorded if f.disposition)
    records = "; ".join(f.disposition.describe() for f in recorded if f.disposition)
    objective = visit_objective(
        FLAG_REVIEW_ID,
        flag_review_statement(recorded, day),
        "risk flag review completed",
        [f.id for f in recorded],
        as_of,
        provenance,
        f"The clinician recorded the flag's next review for this day ({records}); "
        "it is kept even where the plan's own review comes later, so the flag is reviewed when "
        "the clinician decided.",
    )
    return attrs.evolve(objective, due_date=day, review_interval_days=max(1, (day - as_of).days))


def flag_review_statement(recorded: list[RiskFlag], day: dt.date) -> str:
    """What the dated review of the ``recorded`` flags says, by their kind, in the reader's
    words: a private flag's review is private, one to one, then at each visit (clinician read
    22, S3); a suicide-risk flag's is the formal review, with the risk item and the safety plan
    checked at every contact between reviews (read 22, S4); any other: the flag asked about
    again and the safety plan gone over (read 21, S3)."""
    if all(f.kind in PRIVATE_KINDS for f in recorded):
        name = (
            "partner-violence flag"
            if all(f.kind == "intimate-partner-violence" for f in recorded)
            else "private flag"
        )
        return (
            f"Review the {name} privately, one to one with no partner or family member present "
            f"(immediate danger, any change, safe contact, homework storage), by "
            f"{day.isoformat()}; then at each visit."
        )
    if all(f.kind in SUICIDE_KINDS for f in recorded):
        item = risk_question(tuple(recorded)).removeprefix("PHQ-9 ")
        return (
            "Review the risk flag formally (direct question, safety plan, disposition recorded) "
            f"by {day.isoformat()}; between reviews, {item} and the safety plan are checked at "
            "every contact."
        )
    return (
        "Review the risk flag with the patient (asked again directly; safety plan gone over), by "
        f"{day.isoformat()}."
    )
