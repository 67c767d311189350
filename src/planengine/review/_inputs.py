"""What the review computes on, read from a goal file: goals, assessments and the finding sink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from planengine.goals._record import GoalFileRecord, GoalRecord
from planengine.instruments._instrument import Instrument
from planengine.instruments._units import PERCENT_UNITS, SCORE_UNITS, unit_scale
from planengine.io._document import Document
from planengine.io._json_path import format_json_path
from planengine.io._location import Location
from planengine.review._readings import Measurement, ReviewFinding, UnusableEntry

__all__ = [
    "PERCENT_UNITS",
    "SCORE_UNITS",
    "FindingSink",
    "ParsedAssessment",
    "ParsedFile",
    "ParsedGoal",
    "fmt_number",
    "unit_scale",
]


Path = tuple[str | int, ...]


@attrs.frozen
class ParsedAssessment:
    """One repeat questionnaire: its total (``None``: missing or unusable, so left out of the
    measurements), and its item answers when recorded."""

    instrument: str
    date: dt.date
    total: float | None
    answers: Any
    path: Path


@attrs.frozen
class ParsedGoal:
    """What the review judges one goal on: its :class:`GoalRecord` (``record``: what the file
    writes, which the SMART rules read too) and what the review makes of it on ``as_of`` with
    its instruments (the values it can use, the scale, the direction, the target it judges by).
    What the file writes is read from the record only. ``measurements`` start with the baseline
    and are in date order."""

    instrument: Instrument | None
    scale: str
    unit: str | None
    direction: str
    target: float | None
    comparator: str | None
    target_possible: bool
    start: dt.date | None
    due: dt.date | None
    review_interval_days: int | None
    measurements: tuple[Measurement, ...]
    has_baseline: bool
    gas_levels: Mapping[str, str] | None
    gas_weight: float
    gas_history: tuple[tuple[dt.date, int], ...]
    gas_current: int | None
    #: why the goal has no baseline yet while it is pending (recorded from the first week of a
    #: log, and no progress entry has given it): ``"baseline pending until 2026-12-14"``
    baseline_pending: str | None = None
    #: progress entries dated from the baseline to the review date whose value could not be used
    #: (a unit that is not the measure's, a value outside its range), in date order
    unusable: tuple[UnusableEntry, ...] = ()
    #: the goal as the file writes it, typed (the one goal model ``validate`` reads too)
    record: GoalRecord = attrs.field(kw_only=True, repr=False)

    @property
    def index(self) -> int:
        """The goal's position in ``goals``."""
        return self.record.index

    @property
    def goal_id(self) -> str:
        """The goal's id; a goal without a usable id (the schema check reported it) is named by
        its position, ``goal-1`` for the first."""
        return self.record.name

    @property
    def statement(self) -> str:
        """The goal in the clinician's words (``""``: none usable)."""
        return self.record.statement or ""

    @property
    def area(self) -> str | None:
        """The problem area it is filed under."""
        return self.record.area


@attrs.frozen
class ParsedFile:
    """The parts of a goal file the review uses, and what was wrong with the rest."""

    goals: tuple[ParsedGoal, ...]
    assessments: tuple[ParsedAssessment, ...]
    findings: tuple[ReviewFinding, ...]
    #: what the file writes beside its goals
    record: GoalFileRecord = attrs.field(kw_only=True, eq=False, repr=False)


class FindingSink:
    """Collects findings, each with its file position when the document has source text."""

    def __init__(self, document: Document | None, file: str | None) -> None:
        self.document = document
        self.file = file
        self.items: list[ReviewFinding] = []

    def add(
        self, code: str, severity: str, message: str, path: Path, goal_id: str | None = None
    ) -> None:
        line = column = None
        if self.document is not None:
            position = self.document.locate(path)
            if position is not None:
                line, column = position
        self.items.append(
            ReviewFinding(
                code=code,
                severity=severity,
                message=message,
                location=Location(self.file, line, column, format_json_path(path)),
                goal_id=goal_id,
            )
        )


def fmt_number(value: float) -> str:
    return f"{value:g}"
