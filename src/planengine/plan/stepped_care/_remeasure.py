"""The re-measure of a problem that waits behind drinking that harms (R-SC9), as a goal of its
own: mood is measured again after 3-4 weeks without alcohol, and at the week-4 review whatever
the drinking. Its objectives wait, so without this the re-measure was tracked nowhere (read 8,
M1b: it was only in the goal file's ``x-waiting-goals``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planengine._model import Intervention, Measure, Objective, Problem, Provenance
from planengine.plan.stepped_care._rules import load_rules, rule_id

__all__ = ["remeasure_after_alcohol"]


def remeasure_after_alcohol(problem: Problem, weeks: int, names: Mapping[str, str]) -> None:
    """Add to ``problem`` (in place) an objective and the review step that serves it: its
    instrument measured again at the week-``weeks`` review, and the decision on its care. A
    problem without an instrument objective (nothing to measure again) gets none.

    :param names: instrument id -> its name ("PHQ-9")."""
    measured = next((o for o in problem.objectives if o.measure.instrument), None)
    if measured is None:
        return
    rule = rule_id("R-SC9")
    rules = load_rules()
    instrument = measured.measure.instrument or ""
    # the guideline of the problem measured again (depression: NG222 [S2]; anxiety: CG113 [S3])
    # and the alcohol guideline that asks for the re-measure (CG115 [S9]) (clinician read 9, S9)
    own = rules["severity"].get(instrument, {}).get("citations", [])
    references = rules["references"]
    citations = [f"{key}: {references[key]}" for key in dict.fromkeys([*own, "S9"]) if key in references]
    label = names.get(instrument, instrument)
    start = measured.start_date
    due = start + dt.timedelta(weeks=weeks)
    key = f"{problem.area}-remeasure-after-alcohol"
    problem.objectives.insert(
        0,
        Objective(
            id=key,
            area=problem.area,
            statement=(
                f"Measure the {label} again at the week-{weeks} review, whatever the drinking, "
                f"and agree the next step for {problem.title.lower()} by {due.isoformat()}."
            ),
            measure=Measure(
                metric=f"{label} measured again and the next step agreed",
                unit="reviews",
                method=(
                    f"{label} at the review, read against the baseline of "
                    f"{measured.measure.baseline_value}; the clinician records whether the care "
                    "starts, or is planned with the alcohol service if drinking has not stopped"
                ),
                baseline_value=0,  # 0 by definition: the review is still to come
                baseline_date=start,
                target_value=1,
                comparator=">=",
            ),
            start_date=start,
            due_date=due,
            review_interval_days=weeks * 7,
            addresses=list(measured.addresses),
            provenance=Provenance(f"rule:{rule}"),
            rationale=(
                "Drinking that harms can cause or worsen low mood, anxiety and poor sleep, so the "
                "measure is taken again after 3-4 weeks without alcohol; it is taken at the "
                f"week-{weeks} review whatever the drinking, so the care that waits is decided "
                "and not forgotten."
            ),
            citations=citations,
        ),
    )
    problem.interventions.insert(
        0,
        Intervention(
            id=key,
            area=problem.area,
            # what starts now is the hold, not the questionnaire (clinician read 15, S1: "PHQ-9
            # again at the week-4 review" under "Now:" read as a PHQ-9 given today)
            title=(
                f"Hold {problem.title.lower()} care behind alcohol, and give the {label} again at "
                f"the week-{weeks} review"
            ),
            description=(
                f"Care for {problem.title.lower()} waits while the drinking is treated. At the "
                f"week-{weeks} review the clinician gives the {label} again and compares it with "
                "the baseline: care starts if it is still at or above its cut-off, or is planned "
                "with the alcohol service if drinking has not stopped."
            ),
            delivery="clinician-led",
            rationale="The problem waits behind the drinking; this review is when it is decided.",
            provenance=Provenance(f"rule:{rule}"),
            course_weeks=weeks,
            category="assessment",
            citations=citations,
            objective_ids=[key],
            intensity="low",
        ),
    )
