"""Read a goal file's data into what the review computes on, reporting every bad value.

Nothing raises for bad data inside the file: a value that cannot be used becomes a
:class:`ReviewFinding` (``error``: left out of the computation) and the review goes on. What the
review reads from the goal schema (``schemas/goal.schema.json``): ``goals[].measure`` (``metric``,
``instrument``, ``unit``, ``baseline {value, date}``, ``target {value, comparator}``),
``start_date``, ``due_date``, ``review_interval_days``, ``progress[] {date, value, gas_level,
note}``, ``gas {levels, weight, current_level}`` and the top-level ``assessments[] {instrument,
date, total}``. Two fields the schema does not declare yet are read when present:
``assessments[].answers`` (item answers, to check risk items such as PHQ-9 item 9) and
``progress[].unit`` (to catch a value recorded in another unit).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from planengine._instruments import Instrument
from planengine._loader import Document, format_json_path
from planengine._review._model import Measurement, ReviewFinding

__all__ = ["ParsedAssessment", "ParsedFile", "ParsedGoal", "parse_goal_file"]

#: Units that mean "the instrument's own total".
SCORE_UNITS = frozenset({"points", "point", "score", "total", "raw", "raw score"})
PERCENT_UNITS = frozenset({"percent", "%", "percentage", "percent score"})

Path = tuple[str | int, ...]


@attrs.frozen
class ParsedAssessment:
    """One repeat questionnaire: its total, and its item answers when recorded."""

    instrument: str
    date: dt.date
    total: float
    answers: Any
    path: Path


@attrs.frozen
class ParsedGoal:
    """One goal's usable data. ``measurements`` start with the baseline and are in date order."""

    index: int
    goal_id: str
    statement: str
    area: str | None
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


@attrs.frozen
class ParsedFile:
    """The parts of a goal file the review uses, and what was wrong with the rest."""

    goals: tuple[ParsedGoal, ...]
    assessments: tuple[ParsedAssessment, ...]
    findings: tuple[ReviewFinding, ...]


class _Findings:
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
                json_path=format_json_path(path),
                file=self.file,
                line=line,
                column=column,
                goal_id=goal_id,
            )
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _fmt(value: float) -> str:
    return f"{value:g}"


class _GoalReader:
    """Reads one goal; a class only to share the finding sink and the goal's coordinates."""

    def __init__(
        self,
        raw: Mapping[str, Any],
        index: int,
        as_of: dt.date,
        instruments: Mapping[str, Instrument],
        sink: _Findings,
    ) -> None:
        self.raw = raw
        self.index = index
        self.as_of = as_of
        self.instruments = instruments
        self.sink = sink
        self.base: Path = ("goals", index)
        goal_id = raw.get("id")
        self.goal_id = goal_id if isinstance(goal_id, str) and goal_id else f"goal-{index + 1}"
        if self.goal_id != goal_id:
            self.add(
                "input.missing-id", "warning", f"goal has no id; called {self.goal_id!r} here", ()
            )

    def add(self, code: str, severity: str, message: str, rel: Path) -> None:
        self.sink.add(code, severity, message, self.base + rel, self.goal_id)

    def date_field(self, key: str) -> dt.date | None:
        value = self.raw.get(key)
        parsed = _date(value)
        if value is not None and parsed is None:
            self.add(
                "input.date-invalid", "error", f"{key} {value!r} is not a date (YYYY-MM-DD)", (key,)
            )
        return parsed

    def read(self) -> ParsedGoal:
        measure = _mapping(self.raw.get("measure"))
        instrument, scale, unit = self._scale(measure)
        bounds = _bounds(instrument, scale)
        start, due = self.date_field("start_date"), self.date_field("due_date")
        if start and due and due < start:
            self.add(
                "input.due-before-start",
                "error",
                f"due_date {due} is before start_date {start}; no trajectory",
                ("due_date",),
            )
            due = None
        target, comparator, possible = self._target(measure, bounds)
        baseline = self._baseline(measure, bounds, start, instrument, scale)
        direction = self._direction(instrument, comparator, baseline, target)
        if comparator is None and target is not None:
            comparator = "<=" if direction == "lower-is-better" else ">="
        progress, gas_history = self._progress(baseline, bounds, unit, instrument, scale)
        measurements = ([baseline] if baseline else []) + progress
        interval = self.raw.get("review_interval_days")
        if interval is not None and (
            isinstance(interval, bool) or not isinstance(interval, int) or interval < 1
        ):
            self.add(
                "input.review-interval",
                "warning",
                f"review_interval_days {interval!r} is not a positive whole number; the default is used",
                ("review_interval_days",),
            )
            interval = None
        levels, weight, current = self._gas(gas_history)
        statement = self.raw.get("statement")
        area = self.raw.get("area")
        return ParsedGoal(
            index=self.index,
            goal_id=self.goal_id,
            statement=statement if isinstance(statement, str) else "",
            area=area if isinstance(area, str) else None,
            instrument=instrument,
            scale=scale,
            unit=unit,
            direction=direction,
            target=target,
            comparator=comparator,
            target_possible=possible,
            start=start or (baseline.date if baseline else None),
            due=due,
            review_interval_days=interval,
            measurements=tuple(measurements),
            has_baseline=baseline is not None,
            gas_levels=levels,
            gas_weight=weight,
            gas_history=tuple(gas_history),
            gas_current=current,
        )

    def _scale(self, measure: Mapping[str, Any]) -> tuple[Instrument | None, str, str | None]:
        name = measure.get("instrument")
        unit_raw = measure.get("unit")
        unit = unit_raw if isinstance(unit_raw, str) else None
        metric = measure.get("metric")
        if name is None:
            return None, "metric", unit
        instrument = self.instruments.get(name) if isinstance(name, str) else None
        if instrument is None:
            self.add(
                "input.unknown-instrument",
                "warning",
                f"unknown instrument {name!r}; the values are reviewed as a free metric without "
                "instrument thresholds",
                ("measure", "instrument"),
            )
            return None, "metric", unit
        key = (unit or "").strip().lower()
        if unit is None or key in SCORE_UNITS:
            return instrument, "total", unit
        if key in PERCENT_UNITS:
            if any(d.id == "percent" for d in instrument.derived):
                return instrument, "percent", unit
            self.add(
                "input.unit-mismatch",
                "warning",
                f"unit {unit!r} does not fit {instrument.name}, which has no percent score; "
                "the values are reviewed as a free metric",
                ("measure", "unit"),
            )
            return instrument, "metric", unit
        if not metric:
            self.add(
                "input.unit-mismatch",
                "warning",
                f"unit {unit!r} does not fit {instrument.name} totals (points) and no metric is "
                "named; the values are reviewed as a free metric",
                ("measure", "unit"),
            )
        # A free metric (minutes of sleep onset) answering to an instrument: not its totals.
        return instrument, "metric", unit

    def _target(
        self, measure: Mapping[str, Any], bounds: tuple[float, float] | None
    ) -> tuple[float | None, str | None, bool]:
        raw = _mapping(measure.get("target"))
        if not raw:
            return None, None, True
        target = _number(raw.get("value"))
        if target is None:
            self.add(
                "input.not-a-number",
                "error",
                f"target value {raw.get('value')!r} is not a number",
                ("measure", "target", "value"),
            )
            return None, None, True
        comparator = raw.get("comparator")
        if comparator not in ("<=", "<", ">=", ">", "=="):
            comparator = None
        possible = True
        if bounds is not None and not bounds[0] <= target <= bounds[1]:
            self.add(
                "input.target-out-of-range",
                "error",
                f"target {_fmt(target)} is outside the range {_fmt(bounds[0])}-{_fmt(bounds[1])}",
                ("measure", "target", "value"),
            )
            possible = _reachable(target, comparator, bounds)
        return target, comparator, possible

    def _baseline(
        self,
        measure: Mapping[str, Any],
        bounds: tuple[float, float] | None,
        start: dt.date | None,
        instrument: Instrument | None,
        scale: str,
    ) -> Measurement | None:
        raw = measure.get("baseline")
        if not isinstance(raw, Mapping):
            if measure:
                self.add(
                    "input.missing-baseline",
                    "warning",
                    "no baseline: change and trajectory cannot be judged",
                    ("measure",),
                )
            return None
        value = _number(raw.get("value"))
        if value is None:
            self.add(
                "input.not-a-number",
                "error",
                f"baseline value {raw.get('value')!r} is not a number",
                ("measure", "baseline", "value"),
            )
            return None
        date_raw = raw.get("date")
        date = _date(date_raw)
        if date_raw is not None and date is None:
            self.add(
                "input.date-invalid",
                "error",
                f"baseline date {date_raw!r} is not a date (YYYY-MM-DD)",
                ("measure", "baseline", "date"),
            )
        if date is None:
            if start is None:
                self.add(
                    "input.missing-baseline",
                    "warning",
                    "the baseline has no date and the goal no start_date: change and trajectory "
                    "cannot be judged",
                    ("measure", "baseline"),
                )
                return None
            date = start
        if date > self.as_of:
            self.add(
                "input.after-as-of",
                "error",
                f"baseline date {date} is after the review date {self.as_of}; left out",
                ("measure", "baseline", "date"),
            )
            return None
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.add(
                "input.out-of-range",
                "error",
                f"baseline {_fmt(value)} is outside the range {_fmt(bounds[0])}-{_fmt(bounds[1])}; left out",
                ("measure", "baseline", "value"),
            )
            return None
        self._whole(value, instrument, scale, ("measure", "baseline", "value"))
        return Measurement(
            date, value, "baseline", format_json_path((*self.base, "measure", "baseline"))
        )

    def _whole(self, value: float, instrument: Instrument | None, scale: str, rel: Path) -> None:
        if instrument is not None and scale == "total" and not value.is_integer():
            self.add(
                "input.not-whole-number",
                "warning",
                f"{instrument.name} totals are whole numbers; {value:g} cannot be placed in a band",
                rel,
            )

    def _direction(
        self,
        instrument: Instrument | None,
        comparator: str | None,
        baseline: Measurement | None,
        target: float | None,
    ) -> str:
        if instrument is not None:
            return "higher-is-better" if instrument.higher_is_better else "lower-is-better"
        if comparator in ("<=", "<"):
            return "lower-is-better"
        if comparator in (">=", ">"):
            return "higher-is-better"
        if baseline is not None and target is not None and target != baseline.value:
            return "lower-is-better" if target < baseline.value else "higher-is-better"
        if target is not None:
            self.add(
                "input.direction-unknown",
                "info",
                "neither the comparator nor baseline and target say which way is better; "
                "lower is taken as better",
                ("measure", "target"),
            )
        return "lower-is-better"

    def _progress(
        self,
        baseline: Measurement | None,
        bounds: tuple[float, float] | None,
        unit: str | None,
        instrument: Instrument | None,
        scale: str,
    ) -> tuple[list[Measurement], list[tuple[dt.date, int]]]:
        raw = self.raw.get("progress")
        if raw is None:
            return [], []
        if not isinstance(raw, list):
            self.add(
                "input.structure",
                "error",
                "progress must be a list of entries; left out",
                ("progress",),
            )
            return [], []
        values: list[Measurement] = []
        gas: list[tuple[dt.date, int]] = []
        seen: dict[dt.date, int] = {}
        previous: dt.date | None = None
        unsorted = False
        for i, entry in enumerate(raw):
            rel: Path = ("progress", i)
            if not isinstance(entry, Mapping):
                self.add(
                    "input.structure", "error", "a progress entry must be a mapping; left out", rel
                )
                continue
            date = _date(entry.get("date"))
            if date is None:
                self.add(
                    "input.date-invalid",
                    "error",
                    f"progress date {entry.get('date')!r} is not a date (YYYY-MM-DD); entry left out",
                    (*rel, "date"),
                )
                continue
            if previous is not None and date < previous and not unsorted:
                unsorted = True
                self.add(
                    "input.unsorted",
                    "warning",
                    f"progress entries are not in date order (first here: {date} after {previous}); "
                    "they are sorted by date for the review",
                    (*rel, "date"),
                )
            previous = date if previous is None else max(previous, date)
            if date > self.as_of:
                self.add(
                    "input.after-as-of",
                    "error",
                    f"progress date {date} is after the review date {self.as_of}; entry left out",
                    (*rel, "date"),
                )
                continue
            if baseline is not None and date < baseline.date:
                self.add(
                    "input.before-baseline",
                    "error",
                    f"progress date {date} is before the baseline date {baseline.date}; entry left out",
                    (*rel, "date"),
                )
                continue
            if date in seen:
                self.add(
                    "input.duplicate-date",
                    "error",
                    f"a second progress entry for {date} (the first is progress[{seen[date]}]); "
                    "this one is left out",
                    (*rel, "date"),
                )
                continue
            seen[date] = i
            entry_unit = entry.get("unit")
            if entry_unit is not None and entry_unit != unit:
                self.add(
                    "input.unit-mismatch",
                    "error",
                    f"progress value in {entry_unit!r} but the measure is in {unit or 'points'!r}; "
                    "entry left out (convert it, then record it)",
                    (*rel, "unit"),
                )
                continue
            level = entry.get("gas_level")
            if level is not None:
                if isinstance(level, bool) or not isinstance(level, int) or not -2 <= level <= 2:
                    self.add(
                        "input.out-of-range",
                        "error",
                        f"gas_level {level!r} is not a whole number from -2 to +2; left out",
                        (*rel, "gas_level"),
                    )
                else:
                    gas.append((date, level))
            if "value" not in entry:
                continue
            value = _number(entry.get("value"))
            if value is None:
                self.add(
                    "input.not-a-number",
                    "error",
                    f"progress value {entry.get('value')!r} is not a number; entry left out",
                    (*rel, "value"),
                )
                continue
            if bounds is not None and not bounds[0] <= value <= bounds[1]:
                self.add(
                    "input.out-of-range",
                    "error",
                    f"value {_fmt(value)} is outside the range {_fmt(bounds[0])}-{_fmt(bounds[1])}"
                    f"{_range_hint(instrument, scale, value, bounds)}; entry left out",
                    (*rel, "value"),
                )
                continue
            if baseline is not None and date == baseline.date:
                if value != baseline.value:
                    self.add(
                        "input.duplicate-date",
                        "error",
                        f"progress value {_fmt(value)} on the baseline date {date} differs from the "
                        f"baseline {_fmt(baseline.value)}; left out",
                        (*rel, "date"),
                    )
                else:
                    self.add(
                        "input.duplicate-date",
                        "info",
                        f"progress entry on the baseline date {date} repeats the baseline; counted once",
                        (*rel, "date"),
                    )
                continue
            self._whole(value, instrument, scale, (*rel, "value"))
            values.append(Measurement(date, value, "progress", format_json_path(self.base + rel)))
        values.sort(key=lambda m: m.date)
        gas.sort()
        return values, gas

    def _gas(
        self, history: list[tuple[dt.date, int]]
    ) -> tuple[Mapping[str, str] | None, float, int | None]:
        raw = self.raw.get("gas")
        if raw is None:
            if history:
                self.add(
                    "input.gas-without-levels",
                    "warning",
                    "progress records gas_level but the goal has no `gas.levels`: without written "
                    "levels the goal cannot be GAS-scored",
                    ("progress",),
                )
            return None, 1.0, None
        gas = _mapping(raw)
        levels = _mapping(gas.get("levels"))
        missing = [
            key for key in ("-2", "-1", "0", "1", "2") if not isinstance(levels.get(key), str)
        ]
        weight = _number(gas.get("weight"))
        if gas.get("weight") is not None and (weight is None or weight <= 0):
            self.add(
                "input.gas-weight",
                "warning",
                f"GAS weight {gas.get('weight')!r} is not a positive number; 1 is used",
                ("gas", "weight"),
            )
        weight = weight if weight is not None and weight > 0 else 1.0
        current = gas.get("current_level")
        if current is not None and (
            isinstance(current, bool) or not isinstance(current, int) or not -2 <= current <= 2
        ):
            self.add(
                "input.out-of-range",
                "error",
                f"gas current_level {current!r} is not a whole number from -2 to +2; left out",
                ("gas", "current_level"),
            )
            current = None
        if missing:
            self.add(
                "input.gas-incomplete",
                "warning",
                f"GAS levels {', '.join(missing)} are not written; the goal cannot be GAS-scored",
                ("gas", "levels"),
            )
            return None, weight, current
        return {k: str(levels[k]) for k in ("-2", "-1", "0", "1", "2")}, weight, current


def _range_hint(
    instrument: Instrument | None, scale: str, value: float, bounds: tuple[float, float]
) -> str:
    if instrument is not None and scale == "total":
        for derived in instrument.derived:
            if derived.id == "percent" and value <= bounds[1] * derived.multiply:
                return f" (a {instrument.name} percent score? then set the measure's unit to 'percent')"
    return ""


def _bounds(instrument: Instrument | None, scale: str) -> tuple[float, float] | None:
    if instrument is None or scale == "metric":
        return None
    if scale == "percent":
        multiply = next(d.multiply for d in instrument.derived if d.id == "percent")
        return float(instrument.total_min * multiply), float(instrument.total_max * multiply)
    return float(instrument.total_min), float(instrument.total_max)


def _reachable(target: float, comparator: str | None, bounds: tuple[float, float]) -> bool:
    low, high = bounds
    if comparator == "<=":
        return low <= target
    if comparator == "<":
        return low < target
    if comparator == ">=":
        return target <= high
    if comparator == ">":
        return target < high
    return low <= target <= high


def _assessments(
    data: Mapping[str, Any], as_of: dt.date, instruments: Mapping[str, Instrument], sink: _Findings
) -> list[ParsedAssessment]:
    raw = data.get("assessments")
    if raw is None:
        return []
    if not isinstance(raw, list):
        sink.add(
            "input.structure", "error", "assessments must be a list; left out", ("assessments",)
        )
        return []
    out: list[ParsedAssessment] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for i, entry in enumerate(raw):
        path: Path = ("assessments", i)
        if not isinstance(entry, Mapping):
            sink.add("input.structure", "error", "an assessment must be a mapping; left out", path)
            continue
        name = entry.get("instrument")
        instrument = instruments.get(name) if isinstance(name, str) else None
        if instrument is None:
            sink.add(
                "input.unknown-instrument",
                "error",
                f"unknown instrument {name!r}; assessment left out",
                (*path, "instrument"),
            )
            continue
        date = _date(entry.get("date"))
        if date is None:
            sink.add(
                "input.date-invalid",
                "error",
                f"assessment date {entry.get('date')!r} is not a date (YYYY-MM-DD); left out",
                (*path, "date"),
            )
            continue
        if date > as_of:
            sink.add(
                "input.after-as-of",
                "error",
                f"{instrument.name} on {date} is after the review date {as_of}; left out",
                (*path, "date"),
            )
            continue
        total = _number(entry.get("total"))
        if total is None:
            sink.add(
                "input.not-a-number",
                "error",
                f"{instrument.name} total {entry.get('total')!r} is not a number; left out",
                (*path, "total"),
            )
            continue
        if not instrument.total_min <= total <= instrument.total_max:
            sink.add(
                "input.out-of-range",
                "error",
                f"{instrument.name} total {_fmt(total)} is outside {instrument.total_min}-"
                f"{instrument.total_max}; left out",
                (*path, "total"),
            )
            continue
        key = (instrument.id, date)
        if key in seen:
            sink.add(
                "input.duplicate-date",
                "error",
                f"a second {instrument.name} on {date} (the first is assessments[{seen[key]}]); "
                "this one is left out",
                (*path, "date"),
            )
            continue
        seen[key] = i
        out.append(ParsedAssessment(instrument.id, date, total, entry.get("answers"), path))
    if any(b.date < a.date for a, b in itertools.pairwise(out) if a.instrument == b.instrument):
        sink.add(
            "input.unsorted",
            "warning",
            "assessments are not in date order; they are sorted by date for the review",
            ("assessments",),
        )
    out.sort(key=lambda a: (a.instrument, a.date))
    return out


def _merge_assessments(
    goal: ParsedGoal, assessments: Sequence[ParsedAssessment], sink: _Findings
) -> ParsedGoal:
    """Add repeat questionnaire totals of the goal's instrument to its measurements."""
    if goal.instrument is None or goal.scale == "metric" or not goal.measurements:
        return goal
    factor = 1.0
    if goal.scale == "percent":
        factor = float(next(d.multiply for d in goal.instrument.derived if d.id == "percent"))
    baseline = goal.measurements[0]
    by_date = {m.date: m for m in goal.measurements}
    added: list[Measurement] = []
    for a in assessments:
        if a.instrument != goal.instrument.id or a.date < baseline.date:
            continue
        value = a.total * factor
        existing = by_date.get(a.date)
        if existing is not None:
            if existing.value != value:
                sink.add(
                    "input.conflicting-values",
                    "warning",
                    f"{goal.instrument.name} total {_fmt(value)} on {a.date} differs from the goal's "
                    f"own value {_fmt(existing.value)} ({existing.json_path}); the goal's value is used",
                    (*a.path, "total"),
                    goal.goal_id,
                )
            continue
        added.append(Measurement(a.date, value, "assessment", format_json_path(a.path)))
    if not added:
        return goal
    merged = sorted([*goal.measurements[1:], *added], key=lambda m: m.date)
    return attrs.evolve(goal, measurements=(baseline, *merged))


def parse_goal_file(
    source: Document | Mapping[str, Any], *, as_of: dt.date, instruments: Mapping[str, Instrument]
) -> ParsedFile:
    """Read goals and assessments; every unusable value becomes a finding, never an exception."""
    document = source if isinstance(source, Document) else None
    data = source.data if isinstance(source, Document) else source
    sink = _Findings(document, document.path if document else None)
    goals_raw = data.get("goals")
    if goals_raw is None:
        goals_raw = []
        sink.add("input.structure", "error", "the file has no `goals` list", ())
    elif not isinstance(goals_raw, list):
        sink.add("input.structure", "error", "`goals` must be a list", ("goals",))
        goals_raw = []
    assessments = _assessments(data, as_of, instruments, sink)
    goals: list[ParsedGoal] = []
    ids: set[str] = set()
    for index, raw in enumerate(goals_raw):
        if not isinstance(raw, Mapping):
            sink.add(
                "input.structure", "error", "a goal must be a mapping; left out", ("goals", index)
            )
            continue
        goal = _GoalReader(raw, index, as_of, instruments, sink).read()
        if goal.goal_id in ids:
            sink.add(
                "input.duplicate-id",
                "warning",
                f"goal id {goal.goal_id!r} is used twice",
                ("goals", index, "id"),
                goal.goal_id,
            )
        ids.add(goal.goal_id)
        goals.append(_merge_assessments(goal, assessments, sink))
    return ParsedFile(tuple(goals), tuple(assessments), tuple(sink.items))
