"""A goal as its file writes it, typed (see the package's docstring).

Nothing here judges a value: a number outside an instrument's range or a due date before the
start is still recorded as written; the reader of goal files and the SMART rules say what is
wrong with it. A value of the wrong type (text where a number belongs) is ``None``: the schema
check has reported it. Numbers are kept as the JSON number written (``int`` or ``float``, never
``bool``), so that messages can show a number too large to use as it was written.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, TypeGuard

import attrs

from planengine._relative_target import (
    absolute_target,
    apply_change,
    describe_change,
    is_relative,
    read_change,
    relative_comparator,
)
from planengine._values import is_number, parse_date, read_number
from planengine.io._disposition import Disposition, read_dispositions

__all__ = [
    "NO_MEASURE",
    "AssessmentRecord",
    "BaselineRecord",
    "GasRecord",
    "GoalFileRecord",
    "GoalRecord",
    "MeasureRecord",
    "ProgressRecord",
    "SuppressRecord",
    "TargetRecord",
    "gas_level",
    "read_file_record",
    "read_goal_record",
    "read_patient_id",
]

#: A JSON number as written: an ``int`` or ``float``, never a ``bool`` (``None``: none usable).
Number = int | float  # (the type of a JSON number as written)


def _text(value: Any) -> str | None:
    return value if type(value) is str or isinstance(value, str) else None


def _number(value: Any) -> int | float | None:
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    return value if is_number(value) else None


def _is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    return type(value) is dict or isinstance(value, Mapping)


@attrs.frozen
class BaselineRecord:
    """``measure.baseline``: a dated value, or a pending one (``pending``, ``by``).

    :ivar value: the value written (``None``: none, or not a number).
    :ivar date: its date (``None``: none, or not a calendar date).
    :ivar pending: where a pending baseline will come from (text).
    :ivar by: the date a pending baseline is due by.
    :ivar written: the keys the baseline writes.
    """

    value: int | float | None
    date: dt.date | None
    pending: str | None
    by: dt.date | None
    written: frozenset[str]


@attrs.frozen
class TargetRecord:
    """``measure.target``: a value with a comparator, or a change from the baseline.

    :ivar value: the value written (``None``: none, or not a number).
    :ivar comparator: the comparator written (``None``: none, or not text).
    :ivar change: a target stated as a change from the baseline (``change``, ``change_percent``)
        as messages quote it (``change_percent -50``); ``None`` for an absolute target.
    :ivar written: the keys the target writes.
    :ivar change_by: a relative target's change as a number and whether it is a percentage of
        the baseline (``None``: an absolute target, or no usable change).
    :ivar change_comparator: a relative target's comparator: its own, else the direction of the
        change (``None``: an absolute target, or none to tell).
    """

    value: int | float | None
    comparator: str | None
    change: str | None
    written: frozenset[str]
    change_by: tuple[float, bool] | None = None
    change_comparator: str | None = None

    @property
    def relative(self) -> bool:
        """Whether it is stated as a change from the baseline."""
        return self.change is not None

    def value_at(self, baseline: float | None) -> float | None:
        """The value a relative target stands for at ``baseline`` (``None``: no baseline, or no
        usable change)."""
        return apply_change(self.change_by, baseline)


@attrs.frozen
class ProgressRecord:
    """One entry of ``progress``: a dated value (or a GAS level, or a note).

    :ivar date: its date (``None``: none, or not a calendar date).
    :ivar value: the value written (``None``: none, or not a number).
    :ivar written: the keys the entry writes.
    :ivar unit: the unit written (``None``: none, or not text: ``"unit" in written`` tells).
    :ivar gas_level: the GAS level written, a whole number from -2 to +2 (``None``: none, or
        not such a number).
    :ivar answers: item answers written in the entry (not a progress field: the schema refuses
        them, and the review still reads them for risk items), as written.
    """

    date: dt.date | None
    value: int | float | None
    written: frozenset[str]
    unit: str | None = None
    gas_level: int | None = None
    answers: Any = None


@attrs.frozen
class GasRecord:
    """``gas``: a goal's Goal Attainment Scale.

    :ivar levels: the levels written as text, by their key (``"-2"`` ... ``"2"``).
    :ivar weight: its weight as written (``None``: none, or not a number).
    :ivar current_level: the level rated now, a whole number from -2 to +2 (``None``: none, or
        not such a number).
    :ivar written: the keys it writes (empty when ``gas`` is not a mapping).
    """

    levels: Mapping[str, str]
    weight: int | float | None
    current_level: int | None
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
class SuppressRecord:
    """One entry of a goal's ``suppress`` list that names a rule.

    :ivar index: its position in ``suppress``.
    :ivar rule: the rule's code or name, as written.
    :ivar reason: why the rule does not apply (``None``: none, or not text).
    """

    index: int
    rule: str
    reason: str | None


#: The measure of a goal that writes none.
NO_MEASURE = MeasureRecord(None, None, None, None, None, None, None, frozenset())


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
    :ivar measure: its measure (:data:`NO_MEASURE`, which writes nothing, when the goal has
        none or it is not a mapping; ``"measure" in written`` says whether it is written).
    :ivar written: the keys the goal writes (a key with an unusable value is written too).
    :ivar source: the goal's mapping, from which the parts only some rules use (``progress``,
        ``suppress``, ``unreadable_dates``, ``gas``, ``gas_expected_level``) are read on first use.
    """

    index: int
    id: str | None
    statement: str | None
    area: str | None
    addresses: tuple[Any, ...] | None
    patient_words: str | None
    start_date: dt.date | None
    due_date: dt.date | None
    review_interval_days: int | float | None
    measure: MeasureRecord
    written: frozenset[str]
    _source: Mapping[str, Any] = attrs.field(eq=False, repr=False, alias="source")

    @functools.cached_property
    def progress(self) -> tuple[ProgressRecord | None, ...]:
        """Its progress entries, by position (``None`` for an entry that is not a mapping);
        ``()`` when there are none or ``progress`` is not a list."""
        return _progress(self._source.get("progress"))

    @functools.cached_property
    def gas(self) -> GasRecord | None:
        """Its Goal Attainment Scale (``None``: the goal writes none)."""
        return _gas(self._source.get("gas"))

    @functools.cached_property
    def gas_expected_level(self) -> str | None:
        """The expected (``0``) level of its Goal Attainment Scale, when written as text
        (``None``: no scale, or no such level)."""
        return _expected_level(self._source.get("gas"))

    @functools.cached_property
    def unreadable_dates(self) -> tuple[tuple[tuple[str | int, ...], Any], ...]:
        """The dates it writes that are no calendar date, each with its path below the goal and
        the value as written (E004)."""
        return _unreadable_dates(self)

    @functools.cached_property
    def suppress(self) -> tuple[SuppressRecord, ...]:
        """The entries of its ``suppress`` list that name a rule (an entry that is not a
        mapping, or names no rule as text, breaks the schema and is not read)."""
        return _suppress(self._source.get("suppress"))

    @property
    def name(self) -> str:
        """How findings and reviews name the goal: its id, or, without a usable id (the schema
        check reported it), its position (``goal-1`` for the first)."""
        return self.id or f"goal-{self.index + 1}"

    @property
    def start(self) -> dt.date | None:
        """The goal's start: ``start_date``, else the baseline's date."""
        if self.start_date is not None:
            return self.start_date
        baseline = self.measure.baseline
        return baseline.date if baseline is not None else None


@attrs.frozen
class AssessmentRecord:
    """One entry of ``assessments``: a repeat questionnaire, by its total or its item answers.

    :ivar index: its position in ``assessments``.
    :ivar instrument: the questionnaire's id (``None``: none, or not text).
    :ivar date: its date (``None``: none, or not a calendar date).
    :ivar total: the total written (``None``: none, or not a number).
    :ivar answers: the item answers as written (``None``: none), read for risk items whatever
        their shape.
    :ivar written: the keys the entry writes.
    :ivar instrument_as_written: the ``instrument`` value as written, quoted when it is no name.
    """

    index: int
    instrument: str | None
    date: dt.date | None
    total: int | float | None
    answers: Any
    written: frozenset[str]
    instrument_as_written: Any = None


@attrs.frozen
class GoalFileRecord:
    """What a goal file writes beside its goals that the rules and the review read.

    :ivar review_interval_days: the plan's review cycle in days, as written.
    :ivar written: the keys the file writes.
    :ivar as_of: the file's own ``as_of`` date (``None``: none, or not a calendar date).
    :ivar assessments: its repeat questionnaires, by position (``None`` for an entry that is not
        a mapping); ``()`` when there are none or ``assessments`` is not a list.
    :ivar unreadable_dates: the dates it writes outside its goals (``as_of``, each assessment's
        ``date``) that are no calendar date, each with its path and the value as written (E004).
    :ivar patient_id: ``patient.id`` as text (:func:`read_patient_id`).
    :ivar risk_dispositions: the clinicians' dispositions of risk flags it records that can be
        read (:func:`planengine.io._disposition.read_dispositions`), in the file's order.
    :ivar unreadable_dispositions: each record of ``risk_dispositions`` that cannot be read, as
        (path, why), in the file's order.
    """

    review_interval_days: int | float | None
    written: frozenset[str]
    as_of: dt.date | None = None
    assessments: tuple[AssessmentRecord | None, ...] = ()
    unreadable_dates: tuple[tuple[tuple[str | int, ...], Any], ...] = ()
    patient_id: str | None = None
    risk_dispositions: tuple[Disposition, ...] = ()
    unreadable_dispositions: tuple[tuple[tuple[str | int, ...], str], ...] = ()


def _baseline(raw: Mapping[str, Any]) -> BaselineRecord:
    return BaselineRecord(
        value=_number(raw.get("value")),
        date=parse_date(raw.get("date")),
        pending=_text(raw.get("pending")),
        by=parse_date(raw.get("by")),
        written=frozenset(raw),
    )


def _target(raw: Mapping[str, Any]) -> TargetRecord:
    relative = is_relative(raw)
    return TargetRecord(
        value=_number(raw.get("value")),
        comparator=_text(raw.get("comparator")),
        change=describe_change(raw) if relative else None,
        written=frozenset(raw),
        change_by=read_change(raw) if relative else None,
        change_comparator=relative_comparator(raw) if relative else None,
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
    target = _target(target_raw) if _is_mapping(target_raw) else None
    return MeasureRecord(
        metric=raw.get("metric"),
        instrument=_text(raw.get("instrument")),
        unit=_text(raw.get("unit")),
        method=_text(raw.get("method")),
        baseline=_baseline(baseline_raw) if _is_mapping(baseline_raw) else None,
        target=target,
        resolved_target=None if target is None else _resolved(target_raw, target, baseline_raw),  # type: ignore[arg-type]
        written=frozenset(raw),
    )


def _progress(raw: Any) -> tuple[ProgressRecord | None, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(_progress_entry(entry) if _is_mapping(entry) else None for entry in raw)


def _progress_entry(entry: Mapping[str, Any]) -> ProgressRecord:
    get = entry.get
    unit, level = get("unit"), get("gas_level")  # most entries write neither
    return ProgressRecord(
        parse_date(get("date")),
        _number(get("value")),
        frozenset(entry),
        None if unit is None else _text(unit),
        None if level is None else gas_level(level),
        get("answers"),
    )


def gas_level(value: Any) -> int | None:
    """``value`` as a GAS level, a whole number from -2 to +2 (``1.0`` is 1, as JSON Schema's
    ``integer`` says), else ``None`` (the schema check reported it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() and -2 <= value <= 2 else None


_GAS_KEYS = ("-2", "-1", "0", "1", "2")


def _gas(raw: Any) -> GasRecord | None:
    if raw is None:
        return None
    gas = raw if _is_mapping(raw) else {}
    levels = gas.get("levels")
    levels = levels if _is_mapping(levels) else {}
    return GasRecord(
        levels={key: text for key in _GAS_KEYS if isinstance(text := levels.get(key), str)},
        weight=_number(gas.get("weight")),
        current_level=gas_level(gas.get("current_level")),
        written=frozenset(gas),
    )


def _expected_level(gas: Any) -> str | None:
    """The ``0`` level of ``gas.levels`` (a YAML ``0:`` key is the number 0) when it is text."""
    levels = gas.get("levels") if isinstance(gas, Mapping) else None
    if not isinstance(levels, Mapping):
        return None
    expected = levels.get("0", levels.get(0))
    return expected if isinstance(expected, str) else None


def _unreadable_dates(goal: GoalRecord) -> tuple[tuple[tuple[str | int, ...], Any], ...]:
    """The goal's written dates that its record could not read as a day: each date is parsed
    once, by the record, and only a date it left empty is looked up as written."""
    raw = goal._source
    found: list[tuple[tuple[str | int, ...], Any]] = []

    def look(day: dt.date | None, written: Mapping[str, Any], *path: str | int, key: str) -> None:
        if day is None and (value := written.get(key)) is not None:
            found.append(((*path, key), value))

    look(goal.start_date, raw, key="start_date")
    look(goal.due_date, raw, key="due_date")
    baseline = goal.measure.baseline  # a record only when measure.baseline is a mapping
    if baseline is not None:
        written = raw["measure"]["baseline"]
        look(baseline.date, written, "measure", "baseline", key="date")
        look(baseline.by, written, "measure", "baseline", key="by")
    if any(entry is not None and entry.date is None for entry in goal.progress):
        entries = raw["progress"]
        for index, entry in enumerate(goal.progress):
            if entry is not None:
                look(entry.date, entries[index], "progress", index, key="date")
    return tuple(found)


def _suppress(raw: Any) -> tuple[SuppressRecord, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        SuppressRecord(index, entry["rule"], _text(entry.get("reason")))
        for index, entry in enumerate(raw)
        if isinstance(entry, Mapping) and isinstance(entry.get("rule"), str)
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
        measure=_measure(measure) if _is_mapping(measure) else NO_MEASURE,
        written=frozenset(raw),
        source=raw,
    )


def _assessment(raw: Any, index: int) -> AssessmentRecord | None:
    if not _is_mapping(raw):
        return None
    name = raw.get("instrument")
    return AssessmentRecord(
        index=index,
        instrument=_text(name),
        date=parse_date(raw.get("date")),
        total=_number(raw.get("total")),
        answers=raw.get("answers"),
        written=frozenset(raw),
        instrument_as_written=name,
    )


def read_patient_id(data: Mapping[str, Any]) -> str | None:
    """``patient.id`` as text (a whole number is read as text), ``None`` when absent or empty."""
    patient = data.get("patient")
    raw = patient.get("id") if _is_mapping(patient) else None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        return None
    return str(raw).strip() or None


def read_file_record(data: Mapping[str, Any]) -> GoalFileRecord:
    """What the goal file ``data`` writes beside its goals."""
    raw = data.get("assessments")
    entries: list[Any] = raw if isinstance(raw, list) else []
    assessments = tuple(_assessment(entry, index) for index, entry in enumerate(entries))
    as_of = data.get("as_of")
    dates: list[tuple[tuple[str | int, ...], Any]] = [(("as_of",), as_of)]
    dates += [
        (("assessments", index, "date"), entry.get("date"))
        for index, entry in enumerate(entries)
        if _is_mapping(entry)
    ]
    unreadable: list[tuple[tuple[str | int, ...], str]] = []
    dispositions = read_dispositions(
        data.get("risk_dispositions"), lambda path, why: unreadable.append((path, why))
    )
    return GoalFileRecord(
        review_interval_days=_number(data.get("review_interval_days")),
        written=frozenset(data),
        as_of=parse_date(as_of),
        assessments=assessments,
        unreadable_dates=tuple(
            (path, value)
            for path, value in dates
            if value is not None and parse_date(value) is None
        ),
        patient_id=read_patient_id(data),
        risk_dispositions=tuple(dispositions),
        unreadable_dispositions=tuple(unreadable),
    )
