"""What the safety problem asks at this visit besides the core bundle (read 8, N3, S2, S8;
docs/safety.md): when the safety plan and its follow-up are conditional (the risk item only left
blank, or endorsed before a later answer that did not endorse it: ask today first), the visit's
own objectives (asking again, the AUDIT-C with a behaviour review), and specialist care (step 4)
as the clinician's option. :mod:`planengine.plan._safety_problem` assembles them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import attrs

from planengine._model import Intervention, Measure, Objective, Provenance, RiskFlag
from planengine.io._disposition import URGENT_CARE_OUTCOME, Disposition
from planengine.plan._risk_flags import (
    PRIVATE_KINDS,
    SUICIDE_KINDS,
    UNSCREENED_QUESTION,
    RiskQuestion,
)

__all__ = [
    "ANSWERED_NO_CONDITION",
    "ASSESSED_AND_REPLAN",
    "BEHAVIOUR_CONDITION",
    "RULE_URGENT_CONTACT",
    "SAFETY_AREA",
    "URGENT_CONTACT",
    "addressed",
    "alcohol_objective",
    "alcohol_step",
    "answered_no",
    "ask_today_description",
    "asked_today_objective",
    "assessed_today",
    "conditional_title",
    "current_dispositions",
    "met_later",
    "never_asked",
    "private_plan_on_record",
    "record_and_replan",
    "referred_for_urgent_care",
    "risk_question",
    "safety_plan_condition",
    "specialist_option",
    "urgent_contact_objective",
    "urgent_referrals",
    "visit_objective",
    "why_ask_today",
    "working_days_after",
]

#: the area of the core's safety problem (no plugin may use it)
SAFETY_AREA = "safety"


def visit_objective(
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


#: The condition of the safety plan beside a risky-behaviour flag alone (read 8, S8).
BEHAVIOUR_CONDITION = (
    "if the review of the behaviour finds self-harm or suicidal thoughts, or the clinician is "
    "concerned"
)
_ITEM_NAME = re.compile(r"^(.*? item \d+)")


def safety_plan_condition(flags: tuple[RiskFlag, ...]) -> str | None:
    """When the suicide-risk flags call for the risk to be asked today before a safety plan: the
    condition of the safety plan and its follow-up; ``None`` when they call for both today.

    Both are called for today by risk words, by an item endorsed in the latest answer given to
    it, or by a clinician's current record (reviewed today). Otherwise (the item only left
    blank, or a later answer did not endorse it) the flag stays open and is asked about today.
    """
    suicide = [f for f in flags if f.kind in SUICIDE_KINDS]
    if not suicide or any(f.endorsed_now for f in suicide):
        return None
    if all(answered_no(f) for f in suicide):  # asked, not endorsed: no safety plan unless concern
        return ANSWERED_NO_CONDITION
    if current_dispositions(flags):
        return None
    return f"if {risk_question(flags)} is endorsed when asked today, or the clinician is concerned"


#: The condition of the safety plan once the risk question was asked and not endorsed
#: (:func:`answered_no`): written only if that changes (clinician read 17, S1).
ANSWERED_NO_CONDITION = (
    "if the clinician becomes concerned, or a new answer endorses the risk question"
)


def met_later(condition: str | None) -> bool:
    """Whether ``condition`` can only be met after this visit (:data:`ANSWERED_NO_CONDITION`:
    the question was asked and "no" recorded): the safety plan is then due the same day as it,
    with the follow-up contact within 72 hours of that, not on a date that will have passed
    when it arises (clinician read 20, S5). The other conditions are settled at this visit."""
    return condition == ANSWERED_NO_CONDITION


def never_asked(flag: RiskFlag) -> bool:
    """Whether ``flag`` stands for a suicide-risk question never given (no item, no answer:
    :func:`planengine.plan._risk_flags.unscreened_flags`), not for an item left blank."""
    return flag.kind == "risk-unknown" and flag.item is None


#: The clinician's recorded outcome that closes a risk-unknown flag's hold (the question asked
#: and not endorsed, with no concern: clinician read 17, S1).
NOT_ENDORSED_OUTCOME = "assessed-no-current-risk-identified"


#: The dated check that the urgent service has made contact, after a referral for urgent care
#: (clinician read 19, M1): its objective's id and the rule that puts it in the plan.
URGENT_CONTACT = "safety-urgent-contact-confirmed"
RULE_URGENT_CONTACT = "safety.urgent-contact-confirmed"


def working_days_after(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day (Monday to Friday) after ``day``."""
    while count > 0:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5
    return day


def urgent_contact_objective(
    flags: tuple[RiskFlag, ...], as_of: dt.date, working_days: int = 1
) -> Objective | None:
    """After a current disposition that refers the patient for urgent care, the safety problem's
    check that the urgent service has made contact, due ``working_days`` working days after the
    disposition (the next working day by default: ``EngineConfig.urgent_contact_working_days``,
    clinician read 20, S3; not before the plan's date) and checked each day until it is done
    (clinician read 19, M1: the handover in which people at risk get lost); ``None`` without
    such a disposition. Its inputs are the flags' signals and the dispositions that record the
    referral."""
    referred = urgent_referrals(flags)
    day = referred_for_urgent_care(flags)
    if day is None:
        return None
    due = max(working_days_after(day, working_days), as_of)
    inputs = {path for f in referred for path in f.provenance.inputs}
    inputs |= {f.disposition.json_path for f in referred if f.disposition is not None}
    objective = visit_objective(
        URGENT_CONTACT,
        # no risk words in a goal statement: the review screens statements for them
        f"Urgent service contact confirmed, by {due.isoformat()}.",
        "urgent service contact confirmed",
        [f.id for f in referred],
        as_of,
        Provenance(f"rule:{RULE_URGENT_CONTACT}", tuple(sorted(inputs))),
        "The clinician referred the patient for urgent care; until the service is confirmed to "
        "have seen the person, the referral is a handover in which a person at risk can be "
        "lost, so it is checked each day and a missed contact is acted on the same day. The "
        "date is the clinic's setting (by default the next working day after the referral), "
        "and the patient copy gives the same date.",
    )
    return attrs.evolve(
        objective,
        due_date=due,
        measure=attrs.evolve(
            objective.measure,
            unit="confirmations",
            method="the clinician records that the urgent service has seen the patient, as the "
            "patient or the service confirms it",
        ),
    )


def answered_no(flag: RiskFlag) -> bool:
    """Whether ``flag`` is a risk item left blank or never given whose current disposition
    records that the clinician asked and identified no current risk: the self-help it held
    starts (clinician read 17, S1). The flag stays on record, and first in the plan."""
    return (
        flag.kind == "risk-unknown"
        and flag.status == "dispositioned"
        and flag.disposition is not None
        and flag.disposition.outcome == NOT_ENDORSED_OUTCOME
    )


#: The clinician's recorded outcome that a private safety plan is in place (documented abuse).
PRIVATE_PLAN_OUTCOME = "assessed-private-safety-plan-in-place"


def private_plan_on_record(flags: tuple[RiskFlag, ...]) -> dt.date | None:
    """The day of the latest current record that a private safety plan is in place, when every
    private flag (documented abuse) has one; ``None`` otherwise. The plan made again reviews that
    plan one to one at this visit rather than assessing as if nothing was done, and the homework
    stays held until that review confirms where it can be kept (clinician read 21, S1)."""
    private = [f for f in flags if f.kind in PRIVATE_KINDS]
    records: list[Disposition] = [
        f.disposition
        for f in private
        if f.status == "dispositioned"
        and f.disposition is not None
        and f.disposition.outcome == PRIVATE_PLAN_OUTCOME
    ]
    if not private or len(records) < len(private):
        return None
    return max(record.date for record in records)


def urgent_referrals(flags: tuple[RiskFlag, ...]) -> list[RiskFlag]:
    """The flags whose current disposition refers the patient for urgent care
    (:data:`URGENT_CARE_OUTCOME`)."""
    return [
        f
        for f in flags
        if f.status == "dispositioned"
        and f.disposition is not None
        and f.disposition.outcome == URGENT_CARE_OUTCOME
    ]


def referred_for_urgent_care(flags: tuple[RiskFlag, ...]) -> dt.date | None:
    """The day of the earliest current disposition that refers the patient for urgent care
    (:func:`urgent_referrals`), or ``None``: routine self-help then waits for the urgent service
    and a new disposition (clinician read 19, M1); the urgent contact is counted from that day,
    and the referral step is titled with it."""
    return min((f.disposition.date for f in urgent_referrals(flags) if f.disposition), default=None)


def assessed_today(flag: RiskFlag) -> bool:
    """Whether the self-help ``flag`` held starts: the risk question answered "no"
    (:func:`answered_no`), or a reported risk (an endorsed item, risk words) with the
    clinician's current disposition on record (clinician read 18, N1), unless that disposition
    is a referral for urgent care: routine self-help then waits until the urgent service has
    seen the person and a clinician records a new disposition. A reported risk's flag stays
    open for monitoring, with the safety plan and follow-up due."""
    if answered_no(flag):
        return True
    return (
        flag.kind in SUICIDE_KINDS
        and flag.kind != "risk-unknown"
        and flag.status == "dispositioned"
        and flag.disposition is not None
        and flag.disposition.outcome != URGENT_CARE_OUTCOME
    )


def addressed(flags: tuple[RiskFlag, ...]) -> list[str]:
    """The flags a safety plan answers: the suicide-risk ones, else the risky-behaviour ones."""
    suicide = [f.id for f in flags if f.kind in SUICIDE_KINDS]
    return suicide or [f.id for f in flags if f.kind == "risky-behaviour"]


def asked_today_objective(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance
) -> Objective:
    """The risk asked about at this visit, with a structured assessment, when the item was only
    left blank, never given, or last endorsed before a later answer that did not endorse it
    (once it was asked and "no" recorded: :func:`~planengine.plan._safety_on_record.asked_again_objective`)."""
    if any(never_asked(f) for f in flags):
        return visit_objective(
            "safety-risk-asked",
            # no risk words in a goal statement: the review screens statements for them
            f"Ask the risk question ({UNSCREENED_QUESTION} or a direct question) at this visit, "
            "within a structured risk assessment by a clinician, and record what was found, by "
            f"{as_of.isoformat()}.",
            "structured risk assessment completed",
            [f.id for f in flags if f.kind in SUICIDE_KINDS],
            as_of,
            provenance,
            "No suicide-risk question was given, so risk is unknown, as it is when the item is "
            "left blank [R27]: the question is asked today before anything is decided.",
        )
    return visit_objective(
        "safety-risk-asked",
        # no risk words in a goal statement: the review screens statements for them
        "Ask the risk question again at this visit, within a structured risk assessment by a "
        f"clinician, and record what was found, by {as_of.isoformat()}.",
        "structured risk assessment completed",
        [f.id for f in flags if f.kind in SUICIDE_KINDS],
        as_of,
        provenance,
        "A blank risk item means risk is unknown, and an old endorsement is not cleared by a "
        "later 'not at all' [R27]: the question is asked today before anything is decided.",
    )


def alcohol_objective(
    flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance
) -> Objective:
    """The alcohol questions asked with the review of risky behaviour when no alcohol measure
    was given."""
    return attrs.evolve(
        visit_objective(
            "safety-alcohol-asked",
            "Ask the three AUDIT-C questions about drinking at this visit and record the score, "
            f"by {as_of.isoformat()}.",
            "AUDIT-C given",
            [f.id for f in flags if f.kind == "risky-behaviour"],
            as_of,
            provenance,
            "Heavy drinking is one of the risky behaviours the PCL-5 item covers, and drinking "
            "raises the risk of acting on suicidal thoughts.",
        ),
        citations=[_AUDIT_C, _ALCOHOL_RISK],
    )


_AUDIT_C = "R24: Bush K et al. Arch Intern Med 1998;158:1789-1795; Babor TF et al. AUDIT, WHO 2001"
_ALCOHOL_RISK = "S18: Borges G et al. Psychol Med 2017;47:949-957"


def alcohol_step(provenance: Provenance) -> Intervention:
    """The clinician's step that asks the AUDIT-C questions with the review of risky behaviour
    (when no alcohol measure was given)."""
    return Intervention(
        id="safety-alcohol-questions",
        area=SAFETY_AREA,
        title="Ask about drinking (AUDIT-C) with the behaviour review",
        description=(
            "No alcohol measure was given. The clinician asks the three AUDIT-C questions (how "
            "often, how much on a typical day, how often 6 or more drinks) and records the "
            "score. A positive score (4 or more for men, 3 or more for women) goes into the "
            "plan and into any safety plan's warning signs and means; 10 or more, or signs of "
            "dependence, call for a withdrawal assessment before any advice to cut down "
            "(never to stop suddenly)."
        ),
        delivery="clinician-led",
        category="safety",
        rationale=(
            "Reckless or self-destructive behaviour often includes heavy drinking; acute "
            "alcohol use raises the odds of a suicide attempt, so it is asked about, not assumed."
        ),
        citations=[_AUDIT_C, _ALCOHOL_RISK],
        objective_ids=["safety-alcohol-asked"],
        provenance=provenance,
    )


def record_and_replan(
    flags: tuple[RiskFlag, ...], risk_items: Mapping[str, RiskQuestion] | None = None
) -> str:
    """How the hold of a risk-unknown flag ends at this visit, on either answer (clinician read
    17, S1, in its words): the answer is recorded and the plan made again with it today. The
    questionnaire, its risk item and its threshold are named from the instruments' data
    (``risk_items``: :func:`planengine.plan._safety.screens`): the flagged instrument's, or,
    for a question never given, each one's."""
    known = risk_items or {}
    flagged = [
        f.instrument
        for f in flags
        if f.kind in SUICIDE_KINDS and f.instrument is not None and f.instrument in known
    ]
    questions = [known[i] for i in dict.fromkeys(flagged)] or list(known.values())
    if not questions:
        answered, no, yes = "a questionnaire with its risk item answered", "the risk item is not endorsed", "it is endorsed"
    elif len(questions) == 1:
        (q,) = questions
        answered = f"a {q.instrument} with {q.name} answered"
        no, yes = f"{q.name} is {q.not_endorsed}", f"it is {q.endorsed_at} or more"
    else:
        answered = " or ".join(f"a {q.instrument} with {q.name} answered" for q in questions)
        no = " or ".join(f"{q.instrument} {q.name} is {q.not_endorsed}" for q in questions)
        yes = " or ".join(f"{q.instrument} {q.name} is {q.endorsed_at} or more" for q in questions)
    return (
        f"Record the answer today, whatever it is, and make the plan again with it: {answered}, "
        f"or the clinician's disposition of this flag. If {no}, or the direct question is not "
        "endorsed, and the clinician has no concern, the clinician records that outcome; the "
        "held steps start today and the question is asked again at the flag's next review. If "
        f"{yes}, or the clinician is concerned, the plan opens the suicide-risk section with the "
        "safety plan and follow-up. Print the patient copy from the plan made again."
    )


#: How the hold ends where a risk was reported (clinician read 18, N1, in its words): the
#: assessment done today is recorded and the plan made again with it; with its urgent-care
#: exception (clinician read 19, S1, in its words).
ASSESSED_AND_REPLAN = (
    "When the risk assessment (and the safety plan, if one is made) is done today, the clinician "
    "records it and makes the plan again: the flag stays open for monitoring, and the held steps "
    "start today unless the clinician records a reason to keep one held. Print the patient copy "
    "from the plan made again. If the clinician refers the patient for urgent care, routine "
    "self-help stays held until the urgent service has seen them and a new disposition is "
    "recorded."
)


def ask_today_description(
    flags: tuple[RiskFlag, ...],
    risk_item_today: str = "",
    risk_items: Mapping[str, RiskQuestion] | None = None,
) -> tuple[str, str]:
    """What the one step that asks a risk question left blank or never given says (clinician
    read 17, S5: one question, one task), as (the assessment that asks the question, what
    follows it): the structured assessment asks the question itself; where another problem
    gives the questionnaire with the risk item today (``risk_item_today``: "the PHQ-9 given
    today (Trauma task)"), that answer is the risk question's, recorded once; and the hold ends
    on either recorded answer (:func:`record_and_replan`, with ``risk_items``)."""
    unasked = any(never_asked(f) for f in flags)
    once = (
        f"{risk_item_today[0].upper()}{risk_item_today[1:]} answers the risk question; record "
        "it once. "
        if risk_item_today
        else ""
    )
    assess = (
        f"{why_ask_today(flags)} Before the session ends, a clinician asks about suicidal "
        "thoughts and self-harm directly: a structured risk assessment (for example the C-SSRS "
        f"screener), including {risk_question(flags)} or a direct question about thoughts of "
        "being better off dead or of self-harm, and records what was found"
    )
    blank = "A question not asked" if unasked else "A blank answer"
    replan = record_and_replan(flags, risk_items)
    return assess, f"{once}{replan} {blank} is never treated as 'not at all'."


def risk_question(flags: tuple[RiskFlag, ...]) -> str:
    """The risk question the suicide-risk flags ask today, named as their messages name it
    ("PHQ-9 item 9"; :data:`UNSCREENED_QUESTION` for a question never given)."""
    names: list[str] = []
    for flag in flags:
        if flag.kind not in SUICIDE_KINDS:
            continue
        match = _ITEM_NAME.match(flag.message)
        name = (
            UNSCREENED_QUESTION
            if never_asked(flag)
            else match.group(1)
            if match
            else "the risk question"
        )
        if name not in names:
            names.append(name)
    return " or ".join(names) or "the risk question"


def current_dispositions(flags: tuple[RiskFlag, ...]) -> str:
    """The clinicians' records when every suicide-risk flag has a current disposition
    in words (``Dr A recorded on ... that a safety plan is in place (next review ...)``: no flag
    id, no outcome code; clinician read 23, M1), else ``""``: one flag without a record keeps the
    full assessment today."""
    suicide = [f for f in flags if f.kind in SUICIDE_KINDS]
    if not suicide or any(f.status != "dispositioned" for f in suicide):
        return ""
    return "; ".join(f.disposition.describe() for f in suicide if f.disposition)  # no flag ids


def conditional_title(condition: str | None, title: str) -> str:
    """A step's title, led by its condition when it has one (done "today" unless the condition
    can only be met later: :func:`met_later`)."""
    if condition is None:
        return title
    today = "" if met_later(condition) else " today"
    return f"{condition[0].upper()}{condition[1:]}: {title[0].lower()}{title[1:]}{today}"


def why_ask_today(flags: tuple[RiskFlag, ...]) -> str:
    """Why the risk is asked about today before a safety plan: each suicide-risk flag's item
    left blank, or endorsed before a later answer that did not endorse it."""
    reasons = []
    for flag in flags:
        if flag.kind not in SUICIDE_KINDS:
            continue
        given = [(day, value) for day, value in flag.history if value is not None]
        if never_asked(flag):
            reasons.append(f"{flag.id}: no suicide-risk question was given, so risk is unknown.")
        elif flag.level == "unknown" or not given:
            reasons.append(f"{flag.id}: the item was left blank, so risk is unknown.")
        else:
            reasons.append(
                f"{flag.id}: the item was endorsed on {flag.observed_on.isoformat()} and "
                f"answered {given[-1][1]} on {given[-1][0].isoformat()}, which does not close "
                "the flag."
            )
    return " ".join(reasons)


def specialist_option(
    provenance: Provenance,
    referred: dt.date | None = None,
    due: dt.date | None = None,
    *,
    recorded: bool = False,
) -> Intervention:
    """Specialist mental health care (step 4), as an option the clinician weighs after the risk
    assessment: not a default, and not gated by any label of risk (R-SC22). Once the clinician
    has recorded a referral for urgent care on ``referred``, the step reads as the referral made,
    with its check that the person was seen by ``due`` (the urgent contact objective's date;
    clinician read 19, M1, and read 20, S3, in its words). With the assessment already
    ``recorded`` (a current disposition of every suicide-risk flag), it is worded for that
    record and today's review of it, not for an assessment still to come (attack s30, 7)."""
    if referred is None:
        title = "Option for the clinician: specialist mental health care (step 4)"
        finds = (
            "the recorded assessment, or today's review of it, finds"
            if recorded
            else "today's assessment finds"
        )
        description = (
            f"If {finds} a high risk of self-harm, very marked impairment or "
            "self-neglect, in the clinician's judgement, the route is specialist care: an "
            "urgent referral to secondary mental health care or, the same day, the crisis "
            "(home treatment) team, by the clinic's pathway; the rest of this plan is then "
            "agreed again with that team."
        )
    else:
        title = f"Urgent referral made ({referred.isoformat()})"
        by = f" by {due.isoformat()}" if due is not None else ""
        description = (
            f"Confirm with the patient and the service that the person was seen{by}; if the "
            "service has not seen the patient by that date, or the patient cannot be reached, "
            "act the same day by the clinic's pathway. The rest of this plan is then agreed "
            "again with that service."
        )
    return Intervention(
        id="safety-specialist-option",
        area=SAFETY_AREA,
        title=title,
        description=description,
        delivery="clinician-led",
        category="safety",
        rationale=(
            "Stepped care starts at the step that fits: step 4 is specialist care for high "
            "self-harm risk, very marked impairment or self-neglect. The clinician decides on "
            "the assessment, never on a score or a risk label."
        ),
        citations=[
            "S1: NICE CMG41 (2011), stepped care",
            "S3: NICE CG113 (2011), step 4",
            "S17: NICE NG225 (2022): risk scales and stratification are not used to allocate care",
        ],
        objective_ids=["safety-plan-completed"] if referred is None else [URGENT_CONTACT],
        provenance=provenance,
    )
