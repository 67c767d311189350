"""The caseload view of a review run: one line per patient, the most urgent first (issue 19).

The order, and why (docs/review-workflow.md):

1. ``open-risk-flag``: patients with a risk flag that asks for a clinician now, by the flag's
   place in the queue (rank, then kind: suicide risk first), then patient id. Safety first.
2. ``not-reviewed``: files that could not be read at all. Their risk items were not checked,
   so they come before anything routine.
3. ``needs-attention``: a goal needs the clinician (worsening, behind, no response ...).
4. ``measurement-overdue``: its review date has passed, or no new measurement within the
   measurement cadence (:attr:`GoalReview.measurement_overdue`).
5. ``routine``: the rest.

Within a group, patients are in id order (then file), so the same files give the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from planengine.plan._risk_flags import flag_queue_key
from planengine.review._model import GoalReview, Review

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._files import FileError

__all__ = ["CASELOAD_GROUPS", "CaseloadEntry", "caseload"]

#: The caseload's groups, most urgent first.
CASELOAD_GROUPS = (
    "open-risk-flag",
    "not-reviewed",
    "needs-attention",
    "measurement-overdue",
    "routine",
)


@attrs.frozen
class CaseloadEntry:
    """One patient's (one file's) line in the caseload.

    :ivar patient: the patient id, or ``unidentified patient (FILE)``.
    :ivar group: one of :data:`CASELOAD_GROUPS`.
    :ivar status_line: the one-line status, naming the patient and each open flag.
    """

    patient: str
    file: str | None
    group: str
    status_line: str
    open_flags: tuple[str, ...] = ()
    attention_goals: tuple[str, ...] = ()
    overdue_goals: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "patient": self.patient,
            "file": self.file,
            "group": self.group,
            "status": self.status_line,
            "open_risk_flags": list(self.open_flags),
            "attention_goals": list(self.attention_goals),
            "measurement_overdue_goals": list(self.overdue_goals),
        }


_OVERDUE_REASONS = ("review overdue", "measurement overdue")


def _clinical_attention(goal: GoalReview) -> bool:
    """Attention for anything but a review date or a measurement that is overdue (that is the
    overdue group)."""
    return any(not reason.startswith(_OVERDUE_REASONS) for reason in goal.attention)


def _entry(review: Review) -> CaseloadEntry:
    patient = review.patient
    open_flags = review.open_flags
    attention = tuple(g.goal_id for g in review.goals if _clinical_attention(g))
    overdue = tuple(
        g.goal_id for g in review.goals if g.overdue or g.measurement_overdue
    )
    parts = [
        f"open risk flag {f.id} ({f.kind.replace('-', ' ')}, priority {f.rank})" for f in open_flags
    ]
    parts += [
        f"flag {f.id} {f.disposition.describe()}" for f in review.risk_flags if not f.is_open
    ]
    by_id = {g.goal_id: g for g in review.goals}
    if attention:
        parts.append(
            "needs attention: "
            + ", ".join(f"{i} ({by_id[i].status.code}, {by_id[i].trajectory.position})" for i in attention)
        )
    if overdue:
        parts.append("measurement overdue: " + ", ".join(overdue))
    if not attention and not overdue:
        parts.append(f"{len(review.goals)} goal(s) on track or waiting for their next measurement")
    errors = sum(f.severity == "error" for f in review.findings)
    if errors:
        parts.append(f"{errors} input error(s)")
    group = (
        "open-risk-flag"
        if open_flags
        else "needs-attention"
        if attention
        else "measurement-overdue"
        if overdue
        else "routine"
    )
    return CaseloadEntry(
        patient, review.file, group, f"{patient}: " + "; ".join(parts),
        tuple(f.id for f in open_flags), attention, overdue,
    )


def _key(entry: CaseloadEntry, review: Review | None) -> tuple[Any, ...]:
    flags = () if review is None else tuple(sorted(flag_queue_key(f) for f in review.open_flags))
    return (CASELOAD_GROUPS.index(entry.group), flags, entry.patient, entry.file or "")


def caseload(
    reviews: Sequence[Review], errors: Sequence[FileError] = ()
) -> tuple[tuple[CaseloadEntry, ...], tuple[Review, ...]]:
    """The caseload lines, most urgent first, and the reviews in the same order."""
    keyed: list[tuple[tuple[Any, ...], CaseloadEntry, Review | None]] = []
    for review in reviews:
        entry = _entry(review)
        keyed.append((_key(entry, review), entry, review))
    for error in errors:
        patient = f"unknown patient ({error.file})"
        entry = CaseloadEntry(
            patient, error.file, "not-reviewed",
            f"{patient}: could not be reviewed ({error.message}); its risk items were not checked",
        )
        keyed.append((_key(entry, None), entry, None))
    keyed.sort(key=lambda item: item[0])
    return (
        tuple(entry for _, entry, _ in keyed),
        tuple(review for _, _, review in keyed if review is not None),
    )
