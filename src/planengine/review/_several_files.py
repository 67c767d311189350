"""A patient with several goal files in one run (docs/review-workflow.md §4).

Two files of one patient give two pictures that can contradict each other: one file's goal
"target met: close the goal" beside the other's "back at caseness: ask about risk" (clinician
read 5, §4.4). Until the files are merged:

* each file carries the warning ``review.several-goal-files`` naming the others;
* a suggestion to close a goal or raise its target waits (``review.wait-for-merge``), naming
  the other file(s); the original suggestion is kept in ``details.waiting``, never dropped;
* the caseload shows the patient as one short row, "2 goal files – merge"
  (:mod:`planengine.review._caseload`).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from planengine._records import Notice
from planengine.review._model import GoalReview, Review, Suggestion

__all__ = ["HELD_FOR_MERGE", "RULE_WAIT_FOR_MERGE", "hold_for_merge", "several_files_notice"]

RULE_WAIT_FOR_MERGE = "review.wait-for-merge"
#: Suggestions that would end or change a goal on one file's picture alone.
HELD_FOR_MERGE = frozenset({"close-goal", "raise-target"})


def several_files_notice(review: Review, files: Sequence[str]) -> Notice:
    """The warning beside each file of a patient with several: read them together, merge them."""
    return Notice(
        "review.several-goal-files",
        f"patient {review.patient} has {len(files)} goal files in this run ({', '.join(files)}): "
        "the caseload shows them as one patient; read them together, and merge them into one "
        "goal file. Until then no goal is closed or given a higher target. Each flag id ends "
        "with its file's name.",
    )


def hold_for_merge(review: Review, files: Sequence[str]) -> Review:
    """``review`` with its close and raise-target suggestions waiting for the files to be merged
    (``files``: every goal file of the patient in the run, this one included)."""
    others = [f for f in files if f != review.file] or list(files)
    goals = tuple(_hold(goal, review.patient, others) for goal in review.goals)
    return attrs.evolve(review, goals=goals)


def _hold(goal: GoalReview, patient: str, others: Sequence[str]) -> GoalReview:
    if not any(s.action in HELD_FOR_MERGE for s in goal.suggestions):
        return goal
    suggestions = tuple(
        _waiting(s, patient, others) if s.action in HELD_FOR_MERGE else s
        for s in goal.suggestions
    )
    return attrs.evolve(goal, suggestions=suggestions)


def _waiting(suggestion: Suggestion, patient: str, others: Sequence[str]) -> Suggestion:
    return Suggestion(
        RULE_WAIT_FOR_MERGE,
        "wait",
        f"{suggestion.action} ({suggestion.rule}) waits until the goal files of {patient} are "
        f"merged: {', '.join(others)} also has goals for {patient}, and its picture may differ "
        f"(read it first). {suggestion.reason}",
        suggestion.goal_id,
        "core",
        {"waiting": suggestion.to_dict(), "other_files": list(others)},
    )
