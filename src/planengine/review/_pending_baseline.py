"""A goal whose baseline is pending (``measure.baseline: {pending, by}``): recorded from the first
week of a log, so the goal file has no value yet. The review takes the first progress entry on or
after the start as the baseline and says so; without one, the goal's position is unknown until
the baseline's date, never an input error."""

from __future__ import annotations

import datetime as dt

import attrs

from planengine.goals._record import BaselineRecord
from planengine.review._inputs import FindingSink, Path, fmt_number
from planengine.review._readings import Measurement

__all__ = ["PendingBaseline", "pending_baseline", "position_reason"]


@attrs.frozen
class PendingBaseline:
    """How the baseline is recorded (``how``) and the date it is recorded by (``None``: no
    usable date in the file)."""

    how: str
    by: dt.date | None


def pending_baseline(baseline: BaselineRecord) -> PendingBaseline | None:
    """The pending baseline ``baseline`` writes, ``None`` when it has a value (or is not
    pending)."""
    if "pending" not in baseline.written or baseline.value is not None:
        return None
    return PendingBaseline(" ".join((baseline.pending or "").split()), baseline.by)


def first_entry_as_baseline(
    pending: PendingBaseline,
    progress: list[Measurement],
    start: dt.date | None,
    sink: FindingSink,
    base: Path,
    goal_id: str,
) -> tuple[Measurement | None, list[Measurement]]:
    """The baseline and the measurements after it: the first progress value on or after
    ``start`` becomes the baseline (an entry before the start is left out, and said so)."""
    where: Path = (*base, "measure", "baseline")
    due = "" if pending.by is None else f", by {pending.by}"
    kept = [m for m in progress if start is None or m.date >= start]
    for early in progress[: len(progress) - len(kept)]:
        sink.add(
            "input.before-baseline",
            "warning",
            f"progress on {early.date} is before the start {start}, so before the pending "
            "baseline; left out",
            where,
            goal_id,
        )
    if not kept:
        return None, []
    first = kept[0]
    sink.add(
        "input.baseline-from-progress",
        "info",
        f"the baseline was pending ({pending.how}{due}): the first progress entry, "
        f"{fmt_number(first.value)} on {first.date}, is taken as the baseline",
        where,
        goal_id,
    )
    return Measurement(first.date, first.value, "baseline", first.json_path), kept[1:]


def position_reason(by: dt.date | None, as_of: dt.date) -> str:
    """Why a goal whose baseline is still pending has no position yet."""
    if by is None:
        return "baseline pending: no progress entry yet to take it from"
    if as_of <= by:
        return f"baseline pending until {by}"
    return f"baseline pending until {by}, and no progress entry has recorded it since"
