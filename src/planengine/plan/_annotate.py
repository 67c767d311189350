"""Notes the assembled draft needs before a clinician reads it: baselines too old to plan from,
objectives none of whose steps can start yet, why a plan has no problems, and the patient's goals
that no problem holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planengine._model import LOG_HELD_NOTE, Intervention, Notice, Objective, PlanDraft, Problem
from planengine.plan._safety_hold import HELD_DELIVERIES
from planengine.plan.stepped_care._records import WAITS_NOTE

__all__ = [
    "empty_plan_notices", "mark_held_objectives", "mark_stale_baselines", "unlinked_goal_notices",
]


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
    """A note on every objective all of whose steps are held, or whose measure is a log the
    patient keeps that is held (the drinking limit counted in a held drinks diary, clinician
    read 9, S6): its clock should not run while nothing that serves it can start, or while
    nothing can score it."""
    steps_of: dict[str, list[Intervention]] = {}
    for problem in draft.problems:
        for step in problem.interventions:
            for objective_id in step.objective_ids:
                steps_of.setdefault(objective_id, []).append(step)
    for problem in draft.problems:
        for objective in problem.objectives:
            steps = steps_of.get(objective.id)
            if not steps:
                continue
            if all(step.status == "held" for step in steps):
                objective.held = True
                # held says it waits: not both notes (clinician read 16, S3)
                objective.notes = [n for n in objective.notes if n != WAITS_NOTE]
                objective.notes.append(
                    "Held: every step that serves it is held; agree its dates again when they "
                    "start."
                )
            elif _log_held(objective, steps):
                objective.held = True
                objective.notes.append(
                    f"{LOG_HELD_NOTE}; agree its dates again when the log starts."
                )
            elif _practice_held(objective, steps):
                objective.held = True
                objective.notes = [n for n in objective.notes if n != WAITS_NOTE]
                objective.notes.append(
                    "Held: every step the patient practises for it is held; agree its dates "
                    "again when they start."
                )


def _practice_held(objective: Objective, steps: list[Intervention]) -> bool:
    """Whether ``objective`` is counted in what the patient does on their own (its measure is no
    questionnaire) and every step the patient does for it on their own is held: the clinician's
    check-ins that go through that practice leave nothing to count (clinician read 18, N4)."""
    if objective.measure.instrument or objective.phase not in (None, "now"):
        return False  # one that waits says so already
    own = [s for s in steps if s.delivery in HELD_DELIVERIES]
    return bool(own) and all(s.status == "held" for s in own)


def _log_held(objective: Objective, steps: list[Intervention]) -> bool:
    """Whether ``objective`` is counted in a log the patient keeps (its measure is no
    questionnaire, and a self-guided monitoring step serves it) and every such log is held."""
    if objective.measure.instrument:
        return False
    logs = [s for s in steps if s.delivery == "self-guided" and s.category == "monitoring"]
    return bool(logs) and all(s.status == "held" for s in logs)


def empty_plan_notices(
    problems: list[Problem], flagged: bool, patient_goals: list[dict[str, Any]]
) -> list[Notice]:
    """With no problem: never "nothing found" beside an open flag (the safety problem is the
    plan), and otherwise why no goals were generated."""
    if problems:
        return []
    if flagged:
        return [
            Notice(
                "plan.safety-only",
                "Apart from the open risk flag, no score reached a threshold and no concern "
                "or patient goal names a problem area, so the plan holds only the safety "
                "steps. The clinician may add goals after the risk assessment.",
            )
        ]
    return [
        Notice(
            "plan.nothing-above-threshold",
            (
                "No score reached a threshold, no concern was recorded and the patient's "
                "goals name no problem area the engine knows, so no goals were generated. "
                "The clinician may turn the patient's goals into plan goals."
                if patient_goals
                else "No score reached a threshold and no concern or patient goal was "
                "recorded, so no goals were generated. The clinician may still add goals."
            ),
        )
    ]


def unlinked_goal_notices(patient_goals: list[dict[str, Any]]) -> list[Notice]:
    """A notice for each of the patient's goals that links to no area (not even safety): its
    words name no problem the vocabulary knows, so the clinician is asked where it belongs. The
    goal is never set aside: it stays in the plan's ``patient_goals``, unlinked, until then."""
    return [
        Notice(
            "plan.unlinked-goal",
            f"The patient's goal “{' '.join(goal['text'].split())}” is not linked to any problem: its "
            "words name no problem area the engine knows. Which problem does it belong to, or is "
            "it a new one? The clinician links it, or adds it to the plan as a goal of its own.",
            "rule:context.patient-goal",
        )
        for goal in patient_goals
        if not goal["areas"]
    ]
