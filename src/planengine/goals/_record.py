"""A goal as its file writes it, typed (see the package's docstring).

Nothing here judges a value: a number outside an instrument's range or a due date before the
start is still recorded as written; the reader of goal files and the SMART rules say what is
wrong with it. A value of the wrong type (text where a number belongs) is ``None``: the schema
check has reported it. Numbers are kept as the JSON number written (``int`` or ``float``, never
``bool``), so that messages can show a number too large to use as it was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from planengine._relative_target import absolute_target, is_relative, relative_comparator
from planengine._values import is_number, parse_date, read_number

__all__ = [
    "BaselineRecord",
    "GoalFileRecord",
    "GoalRecord",
    "MeasureRecord",
    "TargetRecord",
    "read_file_record",
    "read_goal_record",
]

#: A JSON number as written: an ``int`` or ``float``, never a ``bool`` (``None``: none usable).
Number = int | float


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> Number | None:
    return value if is_number(value) else None


def _keys(mapping: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(key for key in mapping if isinstance(key, str))


@attrs.frozen
class BaselineRecord:
    """``measure.baseline``: a dated value, or a pending one (``pending``, ``by``).

    :ivar value: the value written (``None``: none, or not a number).
    :ivar date: its date (``None``: none, or not a calendar date).
    :ivar pending: where a pending baseline will come from (text).
    :ivar by: the date a pending baseline is due by.
    :ivar written: the keys the baseline writes.
    """

    value: Number | None
    date: dt.date | None
    pending: str | None
    by: dt.date | None
    written: frozenset[str]


@attrs.frozen
class TargetRecord:
    """``measure.target``: a value with a comparator, or a change from the baseline.

    :ivar value: the value written (``None``: none, or not a number).
    :ivar comparator: the comparator written (``None``: none, or not text).
    :ivar relative: whether it is stated as a change from the baseline (``change``,
        ``change_percent``).
    :ivar written: the keys the target writes.
    """

    value: Number | None
    comparator: str | None
    relative: bool
    written: frozenset[str]


@attrs.frozen
class MeasureRecord:
    """``measure``: what is counted (``metric`` or ``instrument``), in which unit, from which
    baseline to which target."""

    metric: Any
    """The metric written (any truthy value names one; text in a schema-valid file)."""
    instrument: str | None
    unit: str | None
    method: str | None
    baseline: BaselineRecord | None
    target: TargetRecord | None
    """The target as written."""
    resolved_target: TargetRecord | None
    """The target as the rules read it: a change from the baseline as the value and comparator
    it stands for at the baseline value (``planengine._relative_target``); as written while
    there is no baseline value, or for an absolute target."""
    written: frozenset[str]


@attrs.frozen
class GoalRecord:
    """One goal of a goal file, as written.

    :ivar index: its position in ``goals``.
    :ivar id: its id (``None``: none, or not text).
    :ivar statement: the goal in the clinician's words.
    :ivar area: the problem area it is filed under.
    :ivar addresses: the problems it is linked to (the list as written; ``None``: none, or not
        a list).
    :ivar patient_words: the goal in the patient's own words.
    :ivar start_date: its start (``None``: none, or not a calendar date).
    :ivar due_date: its due date (``None``: none, or not a calendar date).
    :ivar review_interval_days: how often it is reviewed, in days, as written.
    :ivar measure: its measure (``None``: none, or not a mapping).
    :ivar written: the keys the goal writes (a key with an unusable value is written too).
    """

    index: int
    id: str | None
    statement: str | None
    area: str | None
    addresses: tuple[Any, ...] | None
    patient_words: str | None
    start_date: dt.date | None
    due_date: dt.date | None
    review_interval_days: Number | None
    measure: MeasureRecord | None
    written: frozenset[str]

    @property
    def start(self) -> dt.date | None:
        """The goal's start: ``start_date``, else the baseline's date."""
        if self.start_date is not None:
            return self.start_date
        baseline = self.measure.baseline if self.measure is not None else None
        return baseline.date if baseline is not None else None


@attrs.frozen
class GoalFileRecord:
    """What a goal file writes beside its goals that the rules read.

    :ivar review_interval_days: the plan's review cycle in days, as written.
    :ivar written: the keys the file writes.
    """

    review_interval_days: Number | None
    written: frozenset[str]


def _baseline(raw: Mapping[str, Any]) -> BaselineRecord:
    return BaselineRecord(
        value=_number(raw.get("value")),
        date=parse_date(raw.get("date")),
        pending=_text(raw.get("pending")),
        by=parse_date(raw.get("by")),
        written=_keys(raw),
    )


def _target(raw: Mapping[str, Any]) -> TargetRecord:
    return TargetRecord(
        value=_number(raw.get("value")),
        comparator=_text(raw.get("comparator")),
        relative=is_relative(raw),
        written=_keys(raw),
    )


def _resolved(raw: Mapping[str, Any], written: TargetRecord, baseline: Any) -> TargetRecord:
    """A relative target as the absolute value and comparator it stands for at the baseline."""
    if not written.relative:
        return written
    start = read_number(baseline.get("value")) if isinstance(baseline, Mapping) else None
    value = absolute_target(raw, start)
    comparator = relative_comparator(raw)
    if value is None or comparator is None:
        return written
    keys = written.written | {"value", "comparator"}
    return attrs.evolve(written, value=value, comparator=comparator, written=keys)


def _measure(raw: Mapping[str, Any]) -> MeasureRecord:
    baseline_raw, target_raw = raw.get("baseline"), raw.get("target")
    target = _target(target_raw) if isinstance(target_raw, Mapping) else None
    return MeasureRecord(
        metric=raw.get("metric"),
        instrument=_text(raw.get("instrument")),
        unit=_text(raw.get("unit")),
        method=_text(raw.get("method")),
        baseline=_baseline(baseline_raw) if isinstance(baseline_raw, Mapping) else None,
        target=target,
        resolved_target=None
        if target is None
        else _resolved(target_raw, target, baseline_raw),  # type: ignore[arg-type]
        written=_keys(raw),
    )


def read_goal_record(raw: Mapping[str, Any], index: int) -> GoalRecord:
    """The goal at ``goals[index]`` as written (``raw``: its mapping)."""
    addresses = raw.get("addresses")
    measure = raw.get("measure")
    return GoalRecord(
        index=index,
        id=_text(raw.get("id")),
        statement=_text(raw.get("statement")),
        area=_text(raw.get("area")),
        addresses=tuple(addresses) if isinstance(addresses, list) else None,
        patient_words=_text(raw.get("patient_words")),
        start_date=parse_date(raw.get("start_date")),
        due_date=parse_date(raw.get("due_date")),
        review_interval_days=_number(raw.get("review_interval_days")),
        measure=_measure(measure) if isinstance(measure, Mapping) else None,
        written=_keys(raw),
    )


def read_file_record(data: Mapping[str, Any]) -> GoalFileRecord:
    """What the goal file ``data`` writes beside its goals."""
    return GoalFileRecord(
        review_interval_days=_number(data.get("review_interval_days")),
        written=_keys(data),
    )
