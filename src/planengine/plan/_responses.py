"""Reading the responses beyond their scores: two responses to one instrument on one day, and
what shows harmful drinking (which raises a suicide-risk flag, R-SC21)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from planengine._errors import InputError
from planengine.io._assessment import Assessment

__all__ = ["check_same_day", "harmful_drinking"]


def check_same_day(
    seen: dict[tuple[str, dt.date], tuple[int, str, tuple[int | None, ...]]],
    position: int,
    instrument: Any,
    date: dt.date,
    path: str,
    score: Any,
    source: str | None,
) -> bool:
    """Two different responses to one instrument on one day are an input error naming both: which
    is current cannot be told, and file order must not decide it. The same answers twice are one
    response: ``True`` for the second, which is then not read again.

    :param position: the response's place in the assessment (responses built in code may share a
        path index, so the place, not the path, tells two responses apart).
    """
    first = seen.setdefault((instrument.id, date), (position, path, score.raw_answers))
    if first[0] == position:
        return False
    if first[2] == score.raw_answers:
        return True
    where = (first[1], path) if first[1] != path else (f"response {first[0] + 1}", f"response {position + 1}")
    raise InputError(
        f"two different {instrument.name} responses on {date.isoformat()} ({where[0]} and "
        f"{where[1]}); keep the one that was given, or date them apart",
        file=source,
        path=path,
    )


def harmful_drinking(
    assessment: Assessment,
    latest: Mapping[str, Any],
    dates: Mapping[str, dt.date],
    paths: Mapping[str, str],
    instruments: Mapping[str, Any],
) -> tuple[str | None, tuple[str, ...]]:
    """What shows harmful drinking (an alcohol measure above its cut-off, or a documented
    substance use disorder), and where; ``(None, ())`` when nothing does (R-SC21)."""
    for instrument_id in sorted(latest):
        score = latest[instrument_id]
        instrument = instruments[instrument_id]
        if instrument.area == "alcohol" and score.cutoffs_met:
            total = (
                f" {score.total}"
                if score.total is not None
                else f" of at least {score.total_range[0]} (items unanswered)"
            )
            return (
                f"{instrument.name}{total} on {dates[instrument_id].isoformat()}, above its cut-off",
                (paths[instrument_id],),
            )
    conditions = assessment.context.conditions
    if "substance-use-disorder" in conditions:
        index = conditions.index("substance-use-disorder")
        return "a substance use disorder is documented", (f"$.context.conditions[{index}]",)
    return None, ()
