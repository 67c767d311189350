"""The safety problem that opens every plan with an open flag: for each kind of flag, the
clinician's step and an objective due at this visit (a structured suicide-risk assessment and a
Stanley-Brown safety plan [R30][DN-safety-plan], a review of risky behaviour, a private safety assessment), with
its citations. :mod:`planengine.plan._safety` puts it first and keeps it there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from planengine._model import (
    Finding,
    Intervention,
    Objective,
    Problem,
    Provenance,
    RiskFlag,
)
from planengine.plan._risk_flags import (
    KIND_ABUSE,
    KIND_IPV,
    KIND_LANGUAGE,
    KIND_OTHERS,
    PRIVATE_KINDS,
    SUICIDE_KINDS,
    RiskQuestion,
)
from planengine.plan._safety_goals import (
    CONFIRM_FOLLOW_UP_TITLE,
    PRIVATE_FOLLOW_ONS,
    PRIVATE_REVIEW_TITLE,
    SAFETY_PLAN_SECTIONS,
    follow_up_due,
    follow_up_objective,
    private_objectives,
    private_review,
    safety_plan_on_record,
    suicide_objective,
    written_today,
)
from planengine.plan._safety_on_record import (
    ON_RECORD_REASON,
    PRIVATE_ON_RECORD_REASON,
    asked_again_objective,
    asked_again_text,
    asked_and_recorded,
    flag_review_objective,
    on_record_title,
)
from planengine.plan._safety_today import (
    ASSESSED_AND_REPLAN,
    BEHAVIOUR_CONDITION,
    SAFETY_AREA,
    alcohol_objective,
    alcohol_step,
    ask_today_description,
    asked_today_objective,
    conditional_title,
    current_dispositions,
    met_later,
    never_asked,
    private_plan_on_record,
    referred_for_urgent_care,
    safety_plan_condition,
    specialist_option,
    urgent_contact_objective,
    visit_objective,
    why_ask_today,
)
from planengine.plan.stepped_care._records import Ordering

__all__ = [
    "PRIVATE_FOLLOW_ONS",
    "RULE_FIRST",
    "SAFETY_AREA",
    "SAFETY_PLAN_SECTIONS",
    "build_safety_problem",
]

RULE_FIRST = "safety.step-first"

_SAFETY_CITATIONS = (
    "R26: Simon GE et al. Psychiatr Serv 2013;64:1195-1202",
    "R30: Stanley B, Brown GK. Cogn Behav Pract 2012;19:256-264",
    "R31: Columbia Lighthouse Project, C-SSRS triage guidelines",
    "R32: Zero Suicide Institute, Screening and Assessment",
)


def build_safety_problem(
    flags: tuple[RiskFlag, ...],
    as_of: dt.date,
    alcohol: str | None = None,
    *,
    alcohol_measured: bool = True,
    risk_item_today: str = "",
    urgent_contact_working_days: int = 1,
    risk_items: Mapping[str, RiskQuestion] | None = None,
) -> Problem:
    """The safety problem that opens every plan with an open flag: for each kind of flag, the
    clinician's step and an objective due at this visit.

    * a suicide-risk flag whose item is endorsed in the latest answer given, or risk language: a
      structured risk assessment, a written safety plan [R30] and a follow-up contact within 72
      hours [R58], with specialist care (step 4) as an option for the clinician [S1][S3];
    * a suicide-risk flag whose item was only left blank, or endorsed before a later answer that
      did not endorse it (read 8, N3): the flag stays open and the risk is asked about today
      with a structured assessment; the safety plan and the follow-up contact are conditional
      goals (:attr:`~planengine._model.Objective.condition`): if the item is endorsed today or
      the clinician is concerned;
    * a risky-behaviour flag (PCL-5 item 16): a clinician review of the behaviour, the same
      conditional safety plan and follow-up, and the alcohol questions when no alcohol measure
      was given;
    * documented intimate-partner violence: a private safety assessment, which also agrees where
      written homework can be kept safely ([S17][S18][S19], R-SC20).

    :param alcohol: what shows harmful drinking, when the assessment does: the safety plan then
        names alcohol among the warning signs and the means to make safe (R-SC21).
    :param alcohol_measured: an alcohol measure (AUDIT-C, AUDIT) was given; without one, a
        risky-behaviour review asks the AUDIT-C questions.
    :param risk_item_today: with a risk question never given, the questionnaire with a risk
        item another problem gives today, and whose task it is ("the PHQ-9 given today (Trauma
        task)"): its answer is the risk question's, recorded once (clinician read 17, S5).
    :param risk_items: the instruments with a suicide-risk item, id -> its
        :class:`~planengine.plan._risk_flags.RiskQuestion`: the step that asks a risk question
        names the item and its threshold from them (:func:`~planengine.plan._safety_today.record_and_replan`).
    :param urgent_contact_working_days: after a referral for urgent care, the working days after
        it by which the urgent service is to have seen the patient (clinician read 20, S3).
    """
    # Long: the safety problem is one record built kind by kind of flag (suicide, risky behaviour,
    # private), in the order the clinician reads them; each kind's steps and objectives come from
    # functions of their own, and what remains is that order, which is safety-critical and read
    # best in one place.
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
    condition = safety_plan_condition(flags)
    if kinds & SUICIDE_KINDS:
        if condition is not None:  # asked today first; the safety plan if the answer calls for it
            asked = asked_again_objective if asked_and_recorded(flags) else asked_today_objective
            objectives.append(asked(flags, as_of, provenance))
        objectives.append(
            suicide_objective(flags, as_of, provenance, bool(kinds & PRIVATE_KINDS), condition)
        )
        objectives.append(follow_up_objective(flags, as_of, provenance, condition))
        urgent = urgent_contact_objective(flags, as_of, urgent_contact_working_days)
        objectives.extend([urgent] if urgent is not None else [])
        interventions.extend(
            _suicide_steps(flags, provenance, alcohol, condition, risk_item_today,
                           None if urgent is None else urgent.due_date, as_of=as_of,
                           risk_items=risk_items)
        )
    if KIND_OTHERS in kinds:  # words of harm to others: risk to others, today
        # loaded only for such a flag (tests/test_startup_budget.py: most plans have none)
        from planengine.plan._safety_others import others_objective, others_step

        objectives.append(others_objective(flags, as_of, provenance))
        interventions.append(others_step(provenance))
    if "risky-behaviour" in kinds:
        objectives.append(
            visit_objective(
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
        if not alcohol_measured:
            objectives.append(alcohol_objective(flags, as_of, provenance))
            interventions.append(alcohol_step(provenance))
        if not kinds & SUICIDE_KINDS:  # what the review finds may call for a safety plan (read 8, S8)
            condition = BEHAVIOUR_CONDITION
            private = bool(kinds & PRIVATE_KINDS)
            objectives.append(suicide_objective(flags, as_of, provenance, private, condition))
            objectives.append(follow_up_objective(flags, as_of, provenance, condition))
            interventions.extend(
                s for s in _suicide_steps(flags, provenance, alcohol, condition, as_of=as_of)
                if s.id in ("safety-plan", "safety-follow-up-contact")
            )
    if kinds & PRIVATE_KINDS:
        objectives.append(
            attrs.evolve(
                visit_objective(
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
        objectives.extend(private_objectives(flags, as_of, provenance))
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
                steps=[
                    "Explain the limits of confidentiality before asking.",
                    "Ask about immediate danger, and whether children live in the household; "
                    "follow the clinic's safeguarding procedure where they do.",
                    "Use the clinic's structured domestic-abuse risk checklist (in the UK, "
                    "DASH); where risk is high, refer to specialist domestic-abuse services "
                    "(in the UK, an IDVA and MARAC) with the patient's knowledge.",
                    "Agree a safe way to make contact, and limit what letters, text "
                    "reminders and online records show.",
                    "Agree whether and where written homework and a copy of the plan can be "
                    "kept safely; otherwise keep them at the clinic.",
                ],
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
                objective_ids=["safety-private-assessment", *PRIVATE_FOLLOW_ONS],
                provenance=provenance,
            )
        )
        recorded = private_plan_on_record(flags)
        if recorded is not None:  # reviewed, not assessed as if nothing was done (read 21, S1)
            goals, interventions[-1].description = private_review(flags, as_of, provenance, recorded)
            private_ids = {"safety-private-assessment", *PRIVATE_FOLLOW_ONS}
            objectives[:] = [o for o in objectives if o.id not in private_ids] + goals
            interventions[-1].title = PRIVATE_REVIEW_TITLE
            interventions[-1].objective_ids = [goal.id for goal in goals]
    if kinds & PRIVATE_KINDS and kinds & SUICIDE_KINDS:
        for step in interventions:
            if step.id == "safety-plan":  # a written plan an abusive partner could find
                step.notes.append(
                    "Agree in the private safety assessment whether and where a copy of the "
                    "safety plan can be kept safely (or a discreet form of it) before giving one."
                )
    review = flag_review_objective(flags, as_of, provenance)  # the clinician's date (read 21, S3)
    objectives.extend([review] if review is not None else [])
    on_record = on_record_title(flags, as_of)
    if on_record is None and not any(f.is_open for f in flags):  # one word (read 21, S2)
        on_record = ON_RECORD_TITLE
    return Problem(
        id="problem-safety",
        area=SAFETY_AREA,
        title=on_record or "Safety: open risk flag",
        # why it stays first once "no" is recorded (read 20, S4); the stage keeps this reason
        ordering=Ordering(1, RULE_FIRST, _on_record_reason(on_record)) if on_record else None,
        priority=0,
        severity=None,  # no low/medium/high label of risk (R-SC22); the flags carry priority
        weight=1.0,
        findings=findings,
        long_term_goal=_long_term_goal(kinds, asked_first=safety_plan_condition(flags) is not None),
        long_term_goal_source=f"rule:{RULE_FIRST}",
        objectives=objectives,
        interventions=interventions,
    )


#: The safety problem's title once every flag is dispositioned, and why it is first: "on record",
#: never "open" beside a count of none open (clinician read 21, S2, in its words).
ON_RECORD_TITLE = "Safety: risk flag on record"
_ON_RECORD_FIRST = "Safety comes first in every plan while a risk flag is on record."


def _on_record_reason(title: str) -> str:
    """Why a safety problem on record stays first: a private one reviewed at each visit, with
    homework held (clinician read 21, S1); every flag dispositioned (read 21, S2); else asked
    again at review, nothing held."""
    if title == ON_RECORD_TITLE:
        return _ON_RECORD_FIRST
    private = title.startswith("Safety: private flag")
    return PRIVATE_ON_RECORD_REASON if private else ON_RECORD_REASON


#: The long-term goal's words for a harm-to-others flag.
OTHERS_GOAL = (
    "has had the risk to others assessed by a clinician, with the service's safeguarding policy "
    "followed"
)


def _long_term_goal(kinds: set[str], asked_first: bool = False) -> str:
    """The safety problem's long-term goal, in the words that fit the flags that are open
    (``asked_first``: the suicide risk is asked about today before any safety plan)."""
    goals = []
    if kinds & SUICIDE_KINDS and asked_first:
        goals.append(
            "has been asked about suicidal thoughts by a clinician, has a safety plan if that "
            "calls for one, and knows how to get help in a crisis"
        )
    elif kinds & SUICIDE_KINDS:
        goals.append(
            "has a clinician-reviewed safety plan and knows how to get help in a crisis"
        )
    if KIND_OTHERS in kinds:
        goals.append(OTHERS_GOAL)
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
    KIND_OTHERS: ("DN-risk-flags", "S19"),
}

#: The steps the core puts in the safety problem for each kind of flag (checked by ``_verify``).
_REQUIRED_STEPS: Mapping[str, str] = {
    "suicidal-ideation": "safety-plan",
    "risk-unknown": "safety-plan",
    "suicidal-language": "safety-plan",
    "risky-behaviour": "safety-behaviour-review",
    KIND_IPV: "safety-private-assessment",
    KIND_ABUSE: "safety-private-assessment",
    KIND_OTHERS: "safety-others-assessment",  # planengine.plan._safety_others.OTHERS_STEP
}


def _suicide_steps(
    flags: tuple[RiskFlag, ...],
    provenance: Provenance,
    alcohol: str | None,
    condition: str | None = None,
    risk_item_today: str = "",
    urgent_due: dt.date | None = None,
    *,
    as_of: dt.date,
    risk_items: Mapping[str, RiskQuestion] | None = None,
) -> list[Intervention]:
    """The clinician's steps for suicide risk: the assessment today, the safety plan, the
    follow-up contact, and (with the safety plan due today) specialist care as an option; with
    a ``condition``, the safety plan and the follow-up are done only if it is met. A risk
    question left blank or never given is asked within the assessment, one step (clinician
    read 17, S5; ``risk_item_today``: :func:`build_safety_problem`)."""
    # Long: the suicide-risk steps are one ordered list (assessment today, safety plan, means,
    # follow-up), each step a record whose text, citations and conditions are written out in full
    # for review by a clinician; split, the order would be spread over several functions.
    kinds = {f.kind for f in flags}
    sections = [f"{title} ({key})" for key, title in SAFETY_PLAN_SECTIONS]
    notes: list[str] = []
    if alcohol is not None:
        sections[0] += "; include drinking as a warning sign"
        # clinician read 9, S6: with suicidal thoughts the aim is less drinking around a crisis,
        # not a controlled-drinking target (the drinking-limit goal is held with its diary)
        sections[1] += "; agree to drink less, or not at all, when you feel low"
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
    recorded = current_dispositions(flags)
    plan_day = None if condition is not None else safety_plan_on_record(flags)
    today = None if plan_day is None else written_today(flags, as_of)
    due, passed = follow_up_due(plan_day, as_of)
    title, assess = "Clinician suicide-risk assessment today", (
        "A clinician completes a structured suicide-risk assessment (for example the "
        "C-SSRS) with the patient on the same day, and records what was found, the "
        "actions taken and the follow-up date"
    )
    assessed_for = "safety-plan-completed"
    unknown = condition is not None and any(f.level == "unknown" for f in flags)
    asked_then = ""  # with the question asked in the assessment: what follows it
    # a reported risk: the held self-help starts once today's assessment is recorded (read 18, N1)
    replan = bool(kinds & (SUICIDE_KINDS - {"risk-unknown"})) and not recorded
    if asked_and_recorded(flags):  # asked, "no" recorded: again at the next review (read 20)
        (title, assess), assessed_for = asked_again_text(flags), "safety-risk-asked"
    elif condition is not None:
        unasked = any(never_asked(f) for f in flags)
        title, assess = "Ask about suicidal thoughts today: a structured risk assessment", (
            f"{why_ask_today(flags)} A clinician asks about suicidal thoughts and self-harm "
            "directly at this visit, with a structured suicide-risk assessment (for example the "
            f"C-SSRS screener), asks the risk question{'' if unasked else ' again'}, and records "
            "what was found. If it "
            "is endorsed, or the clinician is concerned, the safety plan below is written today "
            "and the follow-up contact is made within 72 hours"
        )
        assessed_for = "safety-risk-asked"
        if unknown:  # the question itself, asked in it (no second step for it)
            assess, asked_then = ask_today_description(flags, risk_item_today, risk_items)
    elif recorded:
        title, assess = "Review the clinician's recorded risk assessment with the patient", (
            f"A clinician reviews the recorded risk assessment ({recorded}) with the patient, asks "
            "about suicidal thoughts directly again, and repeats the structured suicide-risk "
            "assessment (for example the C-SSRS) if anything has changed, recording what was "
            "found, the actions taken and the next review date"
        )
    steps = [
        Intervention(
            id="safety-risk-assessment",
            area=SAFETY_AREA,
            title=title,
            description=(
                f"{assess} (no low, medium or high label: NICE "
                "advises against using one to predict risk or decide care, R-SC22)."
                + (f" {ASSESSED_AND_REPLAN}" if replan else "")
                + (f" {asked_then}" if asked_then else "")
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
            + (["S19: multi-site NLP study, PMC10980141"] if KIND_LANGUAGE in kinds else [])
            + (["R27: Louzon SA et al. Psychiatr Serv 2016"] if unknown else []),
            objective_ids=[assessed_for],
            provenance=provenance,
        ),
        Intervention(
            id="safety-plan",
            area=SAFETY_AREA,
            title=conditional_title(condition, "Build a written safety plan together")
            if plan_day is None
            else "Review the written safety plan together"
            if today is None
            else f"Safety plan in place (recorded today by {today.by}): give the patient their "
            "copy",
            description=(
                "Clinician and patient write a safety plan in the patient's own words, section by "
                "section, rate how likely each part is to be used, solve barriers, and give the "
                "patient a copy."
                if plan_day is None
                else "The safety plan was written with the patient today: check that the patient "
                "has their copy, and go over it section by section, in the patient's own words, "
                f"by the flag's next review on {today.next_review.isoformat()}, or sooner if "
                "anything changes."
                if today is not None  # done today, not repeated (clinician read 23, S6)
                else f"Clinician and patient go over the safety plan in place (recorded "
                f"{plan_day.isoformat()}) section by section, in the patient's own words: update "
                "any part that has changed, rate again how likely each part is to be used, solve "
                "barriers, and check that the patient still has a copy."
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
        Intervention(  # within FOLLOW_UP_DAYS (72 hours) [R58]
            id="safety-follow-up-contact",
            area=SAFETY_AREA,
            title=(
                CONFIRM_FOLLOW_UP_TITLE
                if passed
                else "Follow-up contact after the safety plan"
                if condition is None
                else "If a safety plan is made: follow-up contact after it"
                if met_later(condition)
                else "If a safety plan is made today: follow-up contact after it"
            ),
            description=_follow_up_text(plan_day, due, passed),
            delivery="clinician-led",
            category="safety",
            rationale=(
                "The safety plan was linked to fewer suicidal behaviours together with follow-up "
                "contact; a plan handed over with no contact after it is not the intervention "
                "that was studied."
            ),
            citations=["R58: Stanley B et al. JAMA Psychiatry 2018;75:894-900"],
            objective_ids=["safety-follow-up-contact"],
            provenance=provenance,
        ),
    ]
    if condition is None:
        steps.append(
            specialist_option(
                provenance, referred_for_urgent_care(flags), urgent_due, recorded=bool(recorded)
            )
        )
    return steps


def _follow_up_text(plan_day: dt.date | None, due: dt.date, passed: bool) -> str:
    """What the follow-up step says: within 72 hours of the safety plan made at this visit, or
    by ``due`` after the one on record (``plan_day``), or, once that date has ``passed``, the
    contact confirmed at this visit and made today if it was missed (attack s30, 7)."""
    after = (
        "A named clinician contacts the patient (a call is enough) within 72 hours"
        if plan_day is None
        else f"A named clinician contacts the patient (a call is enough) by {due.isoformat()}, "
        f"within 72 hours of the safety plan recorded on {plan_day.isoformat()}"
    )
    if passed and plan_day is not None:
        return (
            f"The follow-up contact after the safety plan recorded on {plan_day.isoformat()} was "
            f"due by {due.isoformat()}. The clinician confirms at this visit that it was made; "
            "if it was not, a named clinician makes it today (a call is enough), asks about "
            "suicidal thoughts and whether the safety plan was used, and goes over it again at "
            "every contact while the flag is on record."
        )
    return (
        f"{after}, and before the next scheduled session, asks about suicidal thoughts and "
        "whether the safety plan was used, and goes over it again at every contact while the "
        "flag is on record; a missed contact is followed up the same day."
    )

