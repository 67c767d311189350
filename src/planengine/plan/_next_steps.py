"""The core's follow-up for a finding that asks for one (a positive screen, a cut-off): complete
the full measure, or refer; an unanswered risk item is asked at this visit, not later, and so is
the full questionnaire a positive screen asks for (it is self-report, and the screen did not ask
the risk item: clinician read 9, S1). Its wording is the instrument data's ``next_step``.

The core's other per-problem proposals join it: the PHQ-9 at this visit for a plan with no
depression measure (:mod:`planengine.plan._depression_measure`) and the perinatal mental health
route (:mod:`planengine.plan._perinatal_route`), clinician read 11."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from planengine._model import (
    Finding,
    Intervention,
    Measure,
    Objective,
    PlanningContext,
    Problem,
    Proposal,
    Provenance,
)
from planengine.plan._depression_measure import DEPRESSION_MEASURE, depression_measure
from planengine.plan._perinatal_route import perinatal_route

__all__ = ["QUESTIONNAIRE_TODAY", "SCREEN_FOLLOW_UP", "next_steps"]

#: the rule behind a questionnaire a positive screen asks for, given at this visit
SCREEN_FOLLOW_UP = "rule:findings.screen-follow-up"
#: the rules behind a full questionnaire given at this visit (a clinician's task, not a goal of
#: the patient's): a positive screen's, and the PHQ-9 of a plan with no depression measure
QUESTIONNAIRE_TODAY = (SCREEN_FOLLOW_UP, DEPRESSION_MEASURE)


def next_steps(
    problem: Problem, context: PlanningContext, proposals: Sequence[Proposal] = ()
) -> Proposal:
    """Core follow-up for positive screens and cut-offs: complete the full measure, or refer.

    :param proposals: the strategies' proposals for this problem. A referral for a course of
        therapy among them (one service, which assesses before it treats) covers a referral for
        assessment: none is made beside it, and the step says that it covers what the finding
        asks for. A clinician-led assessment due at this visit (the alcohol withdrawal-risk
        assessment) covers the clinician's review a positive screen asks for, and says so (one
        conversation, not two; clinician read 7).
    """
    # Long: one pass over a problem's findings, each giving its objective and step or folding into
    # a strategy's referral or assessment; most lines are the two records' keyword arguments.
    mood = _joined(depression_measure(problem, context), perinatal_route(problem, context))
    course_referral, urgent_assessment = _covering(proposals)
    if not any(f.next_step for f in problem.findings):
        return mood
    objectives: list[Objective] = []
    steps: list[Intervention] = []
    seen: set[str] = set()
    due = context.as_of + dt.timedelta(days=context.config.screen_followup_days)
    # A screen asks for the full measure; when a full measure of this area was given
    # (a severity or cut-off finding from another instrument), the screen's request is met.
    measured = {
        f.instrument for f in problem.findings if f.kind in ("severity", "cutoff") and f.instrument
    }
    for finding in problem.findings:
        if not finding.next_step or finding.next_step in seen:
            continue
        if finding.kind == "screen-positive" and measured - {finding.instrument}:
            continue
        seen.add(finding.next_step)
        # a step that refers only on a result ("Give the PCL-5 ...; if it is 31 or more,
        # refer ...") is the clinician's own at this visit, not a referral
        refers = finding.next_step.lower().startswith("refer")
        if refers and course_referral is not None:
            source = context.instruments.get(finding.instrument or "")
            course_referral.notes.append(
                f"It covers what the {source.name if source else 'screening'} result asks "
                f"for: {finding.next_step.rstrip('.')} ({finding.summary.rstrip('.')}); the "
                "service assesses before it treats."
            )
            continue
        if not refers and urgent_assessment is not None and finding.kind == "screen-positive":
            urgent_assessment.notes.append(
                f"It covers what the screening result asks for: {finding.next_step.rstrip('.')} "
                f"({finding.summary.rstrip('.')})."
            )
            continue
        key = f"{problem.area}-next-step-{len(seen)}"
        # An unanswered risk item is asked at this visit, as the safety step says, not later;
        # so is the full questionnaire a positive screen asks for (self-report, given in the
        # clinic; the PHQ-2 has no item 9).
        questionnaire = _questionnaire_today(finding, context)
        today = questionnaire is not None or _risk_item_missing(finding, context)
        provenance = Provenance(
            SCREEN_FOLLOW_UP if questionnaire is not None else "rule:findings.next-step",
            finding.provenance.inputs,
        )
        when = context.as_of if today else due
        objectives.append(
            Objective(
                id=key,
                area=problem.area,
                statement=(
                    f"{finding.next_step.rstrip('.')}{',' if today else ''} by "
                    f"{when.isoformat()}."
                ),
                measure=Measure(
                    metric="follow-up assessment completed",
                    unit="assessments",
                    method=_recorded(questionnaire, context),
                    baseline_value=0,
                    baseline_date=context.as_of,
                    target_value=1,
                    comparator=">=",
                ),
                start_date=context.as_of,
                due_date=when,
                review_interval_days=min(
                    context.config.screen_followup_days,
                    context.config.max_review_interval_days,
                ),
                addresses=[finding.id],
                provenance=provenance,
                rationale=finding.summary,
            )
        )
        steps.append(
            Intervention(
                id=key,
                area=problem.area,
                title=finding.next_step.rstrip("."),
                description=finding.summary,  # the title is the next step itself
                delivery="referral" if refers else "clinician-led",
                category="assessment",
                # a review by the clinician is part of the area's own talks while they run, not
                # one more appointment (read 8, S7: a separate alcohol-talk line on the copy);
                # a risk item asked at this visit stays a step of its own
                in_sessions_of=[] if refers or when == context.as_of else [f"area:{problem.area}"],
                rationale=finding.summary,
                citations=list(finding.citations),
                objective_ids=[key],
                provenance=provenance,
                administers=questionnaire,
            )
        )
    return Proposal(
        objectives=(*objectives, *mood.objectives), interventions=(*steps, *mood.interventions)
    )


def _joined(first: Proposal, second: Proposal) -> Proposal:
    """Two of the core's proposals as one (either alone when the other is empty)."""
    if not second.objectives and not second.interventions:
        return first
    if not first.objectives and not first.interventions:
        return second
    return Proposal(
        objectives=(*first.objectives, *second.objectives),
        interventions=(*first.interventions, *second.interventions),
    )


def _covering(proposals: Sequence[Proposal]) -> tuple[Intervention | None, Intervention | None]:
    """A strategy's referral for a course, and its clinician-led assessment due at this visit."""
    steps = [s for proposal in proposals for s in proposal.interventions]
    course = next((s for s in steps if s.delivery == "referral" and s.intensity == "high"), None)
    urgent = {o.id for proposal in proposals for o in proposal.objectives if o.urgent}
    assessment = next(
        (s for s in steps if s.category == "assessment" and s.delivery == "clinician-led"
         and not urgent.isdisjoint(s.objective_ids)),
        None,
    ) if urgent else None
    return course, assessment


def _recorded(questionnaire: str | None, context: PlanningContext) -> str:
    """How a follow-up's completion is recorded: a questionnaire given at this visit is named,
    with its repeat every recall window if it is given (clinician read 16, S1: a criterion
    "given today, then every 14 days" needs the repeat scheduled), else "clinician records
    completion"."""
    instrument = context.instruments.get(questionnaire or "")
    if instrument is None:
        return "clinician records completion"
    every = instrument.recall_window_days or context.config.review_interval_days
    return f"clinician records the {instrument.name}; if it is given, it is repeated every {every} days"


def _questionnaire_today(finding: Finding, context: PlanningContext) -> str | None:
    """The id of the questionnaire a positive screen's next step gives (named by its name in the
    instrument data: "Give the full PHQ-9 ..."; the longest name that fits), which is done at
    this visit, or ``None``. The step carries it (``administers``): nothing after this reads
    the words again."""
    if finding.kind != "screen-positive" or not finding.next_step:
        return None
    named = [
        (len(instrument.name), instrument_id)
        for instrument_id, instrument in context.instruments.items()
        if instrument_id != finding.instrument
        and instrument.name
        and instrument.name in finding.next_step
    ]
    return max(named)[1] if named else None


def _risk_item_missing(finding: Finding, context: PlanningContext) -> bool:
    """Whether ``finding`` is an incomplete response whose unanswered items include a risk item
    (PHQ-9 item 9)."""
    if finding.kind != "incomplete" or finding.instrument is None:
        return False
    score = context.scores.get(finding.instrument)
    instrument = context.instruments.get(finding.instrument)
    if score is None or instrument is None:
        return False
    return any(risk.item in score.missing_items for risk in instrument.risk_items)
