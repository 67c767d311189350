"""Notes the assembled draft needs before a clinician reads it: baselines too old to plan from,
and objectives none of whose steps can start yet."""

from __future__ import annotations

import datetime as dt

from planengine._model import Intervention, Notice, PlanDraft

__all__ = ["mark_held_objectives", "mark_stale_baselines"]


def mark_stale_baselines(draft: PlanDraft, as_of: dt.date, most: int) -> None:
    """A note on every objective whose baseline is older than ``most`` days, and one notice."""
    stale: set[str] = set()
    for problem in draft.problems:
        for objective in problem.objectives:
            measure = objective.measure
            if measure.instrument is None or measure.baseline_date is None:
                continue
            age = (as_of - measure.baseline_date).days
            if age > most:
                objective.notes.append(
                    f"Stale baseline: {measure.baseline_value} was measured "
                    f"{measure.baseline_date.isoformat()}, {age} days before this plan (more "
                    f"than {most}). Measure it again before agreeing the target."
                )
                stale.add(measure.instrument)
    if stale:
        draft.notices.append(
            Notice(
                "plan.stale-baseline",
                f"Baselines older than {most} days ({', '.join(sorted(stale))}): the objectives "
                "built on them say so; measure again before agreeing their targets.",
            )
        )


def mark_held_objectives(draft: PlanDraft) -> None:
    """A note on every objective all of whose steps are held: its clock should not run while
    nothing that serves it can start."""
    steps_of: dict[str, list[Intervention]] = {}
    for problem in draft.problems:
        for step in problem.interventions:
            for objective_id in step.objective_ids:
                steps_of.setdefault(objective_id, []).append(step)
    for problem in draft.problems:
        for objective in problem.objectives:
            steps = steps_of.get(objective.id)
            if steps and all(step.status == "held" for step in steps):
                objective.notes.append(
                    "Held: every step that serves it is held; agree its dates again when they "
                    "start."
                )
