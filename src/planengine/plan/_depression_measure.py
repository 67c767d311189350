"""The core's PHQ-9 at this visit when a plan measures anxiety or drinking above a cut-off but
has no depression measure at all (clinician read 11, S2).

Anxiety and hazardous drinking often come with depression, and drinking raises the risk of a
suicide attempt [S18]; NHS Talking Therapies judges recovery on the PHQ-9 beside the GAD-7
[R37], and NICE asks for mood and suicidal ideation to be monitored [S2]. So a problem of one of
``EngineConfig.depression_measure_areas`` whose questionnaire met one of its cut-offs, in a plan
with no PHQ-9 or PHQ-2 on file and no depression problem, gets the full PHQ-9 (item 9 asked
directly) at this visit: a dated clinician task and its step. If it is given, it is repeated as
often as its recall window (14 days [R1]). Every such problem proposes the same task; the plan
lists it once (``merge_across_problems``). Trauma and well-being plans give a PHQ-9 of their own
when none is on file (their strategies' steps), so the rule stays out of plans with them.
"""

from __future__ import annotations

from planengine._model import (
    Intervention,
    Measure,
    Objective,
    PlanningContext,
    Problem,
    Proposal,
    Provenance,
)

__all__ = ["DEPRESSION_MEASURE", "MEASURED_INSTRUMENT", "depression_measure"]

#: the rule behind the PHQ-9 given at this visit to a plan with no depression measure
DEPRESSION_MEASURE = "rule:findings.depression-measure"
#: the questionnaire the rule gives, and repeats every recall window if it is given
MEASURED_INSTRUMENT = "phq9"
#: the area a depression measure belongs to; a problem of it asks for its own PHQ-9
_DEPRESSION = "depression"
#: areas whose strategies give a PHQ-9 of their own when none is on file (trauma's before
#: trauma-focused therapy, R-SC8; well-being's within the week): no second one
_OWN_PHQ9_AREAS = frozenset({_DEPRESSION, "trauma", "wellbeing"})

_TITLE = "Give the full PHQ-9 (with item 9) at this visit"
_WHY = (
    "No depression measure (PHQ-9 or PHQ-2) is on file, and no suicide-risk question was asked. "
    "Anxiety and hazardous drinking often come with depression, and drinking raises the risk of "
    "a suicide attempt; NHS Talking Therapies measures mood with the PHQ-9 beside the GAD-7."
)
_CITATIONS = ("R1", "R37", "S18", "S2", "DN-questionnaire-today")


def depression_measure(problem: Problem, context: PlanningContext) -> Proposal:
    """The full PHQ-9 at this visit for ``problem`` (see the module docstring), or an empty
    proposal when the rule does not apply."""
    if not _applies(problem, context):
        return _NO_PROPOSAL
    phq9 = context.instruments.get(MEASURED_INSTRUMENT)
    if phq9 is None:  # an installation without the PHQ-9 cannot give it
        return _NO_PROPOSAL
    every = phq9.recall_window_days or context.config.review_interval_days
    key = f"{problem.area}-depression-measure"
    measured = [f for f in problem.findings if f.instrument in context.scores]
    inputs = [path for f in measured for path in f.provenance.inputs]
    provenance = Provenance(DEPRESSION_MEASURE, tuple(inputs))
    objective = Objective(
        id=key,
        area=problem.area,
        statement=f"{_TITLE}, by {context.as_of.isoformat()}.",
        measure=Measure(
            metric="PHQ-9 completed",
            unit="assessments",
            method=f"clinician records the PHQ-9; if it is given, it is repeated every {every} days",
            baseline_value=0,
            baseline_date=context.as_of,
            target_value=1,
            comparator=">=",
        ),
        start_date=context.as_of,
        due_date=context.as_of,
        review_interval_days=min(every, context.config.max_review_interval_days),
        addresses=[f.id for f in measured],
        provenance=provenance,
        rationale=_WHY,
        at_this_visit=True,
    )
    step = Intervention(
        id=key,
        area=problem.area,
        title=_TITLE,
        description=(
            f"{_WHY} The clinician gives the PHQ-9 at this visit and asks item 9 directly; if "
            "the patient takes it, the plan is made again with its score, and it is repeated "
            f"every {every} days (its recall window) with the other questionnaires."
        ),
        delivery="clinician-led",
        category="assessment",
        rationale=_WHY,
        citations=list(_CITATIONS),
        objective_ids=[key],
        provenance=provenance,
        administers=MEASURED_INSTRUMENT,
    )
    return Proposal(objectives=(objective,), interventions=(step,))


def _applies(problem: Problem, context: PlanningContext) -> bool:
    """Whether ``problem`` is of a configured area, measured at or above one of its
    questionnaire's cut-offs, in a plan with no depression measure and no plan of its own for
    one."""
    if problem.area not in context.config.depression_measure_areas:
        return False
    if context.areas is not None and not _OWN_PHQ9_AREAS.isdisjoint(context.areas):
        return False
    for instrument_id in context.scores:
        instrument = context.instruments.get(instrument_id)
        if instrument is not None and instrument.area == _DEPRESSION:
            return False  # a PHQ-9 or PHQ-2 is on file
    return any(
        context.scores[f.instrument].cutoffs_met
        for f in problem.findings
        if f.instrument is not None and f.instrument in context.scores
    )


#: What ``depression_measure`` offers when the rule does not apply (frozen, so shared).
_NO_PROPOSAL = Proposal()
