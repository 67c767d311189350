"""Read one goal of a goal file into the review's model (see ``_parse``).

The goal schema (``schemas/goal.schema.json``) has already been checked, once, by ``_parse``:
a value of the wrong type or shape is reported there, and here it is simply not used. What this
reader reports is what the schema cannot say: values outside an instrument's range, dates after
the review date or before the baseline, a second entry for a date, a unit that is not the
measure's, a target that asks for the worse direction. ``planengine validate`` reports the same
errors (``smart._contract``), so both commands give one verdict for one file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from planengine._values import (
    COMPARATORS,
    ORDER_COMPARATORS,
    compare,
    impossible_date,
    read_number,
)
from planengine.goals._record import GoalRecord, TargetRecord
from planengine.instruments._instrument import Instrument
from planengine.io._json_path import format_json_path
from planengine.review._inputs import (
    FindingSink,
    ParsedAssessment,
    ParsedGoal,
    Path,
    fmt_number,
    unit_scale,
)
from planengine.review._pending_baseline import (
    PendingBaseline,
    first_entry_as_baseline,
    pending_baseline,
    position_reason,
)
from planengine.review._readings import NOT_CHECKED, Measurement, UnusableEntry
from planengine.review._scales import (
    convert_time,
    measure_bounds,
    range_hint,
    reachable,
    same_unit,
)

__all__ = ["GoalReader"]


class GoalReader:
    """Reads one goal; a class only to share the finding sink and the goal's coordinates.

    After :meth:`read`, ``item_answers`` holds item answers recorded in progress entries (which
    the goal schema does not allow there) as assessments without a total, so the review still
    checks them for risk items.
    """

    def __init__(
        self,
        record: GoalRecord,
        as_of: dt.date,
        instruments: Mapping[str, Instrument],
        sink: FindingSink,
    ) -> None:
        self.record = record
        self._unreadable: dict[Path, Any] | None = None
        self.index = index = record.index
        self.as_of = as_of
        self.instruments = instruments
        self.sink = sink
        self.base: Path = ("goals", index)
        self.item_answers: list[ParsedAssessment] = []
        self.pending: PendingBaseline | None = None
        self.goal_id = record.name
        self.unusable: list[UnusableEntry] = []  # entries in the goal's span left out

    def add(self, code: str, severity: str, message: str, rel: Path) -> None:
        self.sink.add(code, severity, message, self.base + rel, self.goal_id)

    def _impossible_date(self, rel: Path) -> Any:
        """The text written at ``rel`` (below the goal) when it has the form of a date but is no
        day (``2026-02-30``), else ``None``: the record's :attr:`GoalRecord.unreadable_dates`."""
        if self._unreadable is None:
            self._unreadable = dict(self.record.unreadable_dates)
        value = self._unreadable.get(rel)
        return value if impossible_date(value) else None

    def _report_impossible_date(self, label: str, rel: Path, day: dt.date | None) -> None:
        """An error for the text at ``rel`` when it has the form of a date but is no day
        (``day``: the record's date there; ``label``: what the message calls it)."""
        if day is not None:
            return
        value = self._impossible_date(rel)
        if value is not None:
            self.add(
                "input.date-invalid", "error", f"{label} {value!r} is not a date (YYYY-MM-DD)", rel
            )

    def read(self) -> ParsedGoal:
        instrument, scale, unit = self._scale()
        bounds = measure_bounds(instrument, scale)
        start, due = self.record.start_date, self.record.due_date
        self._report_impossible_date("start_date", ("start_date",), start)
        self._report_impossible_date("due_date", ("due_date",), due)
        if start and due and due < start:
            self.add(
                "input.due-before-start",
                "error",
                f"due_date {due} is before start_date {start}; no trajectory",
                ("due_date",),
            )
            due = None
        target, comparator, possible = self._target(bounds)
        baseline = self._baseline(bounds, start, instrument, scale)
        relative = self.record.measure.target
        if relative is None or not relative.relative:
            relative = None
        elif baseline is not None:
            target, comparator, possible = self._relative_target(relative, bounds, baseline.value)
        else:  # no baseline yet: the change says which way is better; the value comes later
            comparator = relative.change_comparator
        # A free metric that names an instrument (activities per week, for PHQ-9) improves the
        # way its own target says, not the way the instrument's totals do.
        direction = self._direction(
            None if scale == "metric" else instrument, comparator, baseline, target
        )
        if target is not None and self._target_against_direction(
            instrument, scale, comparator, target, direction
        ):
            target, comparator, possible = None, None, True
        if comparator is None and target is not None:
            comparator = "<=" if direction == "lower-is-better" else ">="
        if (
            baseline is not None
            and target is not None
            and comparator in ORDER_COMPARATORS
            and compare(baseline.value, comparator, target)
        ):
            self.add(
                "input.baseline-meets-target",
                "warning",
                f"the baseline {fmt_number(baseline.value)} already meets the target {comparator} "
                f"{fmt_number(target)}: the goal plans no change, so meeting the target says "
                "nothing about progress (set a target beyond the baseline, or a maintenance goal)",
                ("measure", "target"),
            )
        progress, gas_history = self._progress(baseline, bounds, unit, instrument, scale)
        if self.pending is not None:
            baseline, progress = first_entry_as_baseline(
                self.pending, progress, start, self.sink, self.base, self.goal_id
            )
            if relative is not None and baseline is not None:
                target, comparator, possible = self._relative_target(
                    relative, bounds, baseline.value
                )
        measurements = ([baseline] if baseline else []) + progress
        interval = self.record.review_interval_days
        if not isinstance(interval, int) or interval < 1:
            interval = None  # the schema check reported a value that is not a whole number >= 1
        levels, weight, current = self._gas(gas_history)
        return ParsedGoal(
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
            baseline_pending=None
            if baseline or not self.pending
            else position_reason(self.pending.by, self.as_of),
            gas_levels=levels,
            gas_weight=weight,
            gas_history=tuple(gas_history),
            gas_current=current,
            unusable=tuple(sorted(self.unusable, key=lambda e: e.date)),
            record=self.record,
        )

    def _scale(self) -> tuple[Instrument | None, str, str | None]:
        measure = self.record.measure
        name, unit, metric = measure.instrument, measure.unit, measure.metric
        if name is None:
            return None, "metric", unit
        instrument = self.instruments.get(name)
        if instrument is None:
            self.add(
                "input.unknown-instrument",
                "warning",
                f"unknown instrument {name!r}; the values are reviewed as a free metric without "
                "instrument thresholds",
                ("measure", "instrument"),
            )
            return None, "metric", unit
        scale = unit_scale(unit, (instrument.name, instrument.id))
        if scale == "total":
            return instrument, "total", unit
        if scale == "percent":
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

    def _target(self, bounds: tuple[float, float] | None) -> tuple[float | None, str | None, bool]:
        written = self.record.measure.target
        target = read_number(written.value) if written is not None else None
        if written is None or target is None:  # none, or one the schema check refused
            return None, None, True
        comparator: str | None = written.comparator
        if comparator not in COMPARATORS:
            comparator = None  # the way the measure improves is used instead
        possible = True
        if bounds is not None and not bounds[0] <= target <= bounds[1]:
            self.add(
                "input.target-out-of-range",
                "error",
                f"target {fmt_number(target)} is outside the range {fmt_number(bounds[0])}-{fmt_number(bounds[1])}",
                ("measure", "target", "value"),
            )
            possible = reachable(target, comparator, bounds)
        return target, comparator, possible

    def _relative_target(
        self, target: TargetRecord, bounds: tuple[float, float] | None, baseline: float
    ) -> tuple[float | None, str | None, bool]:
        """A target stated as a change from the baseline, as the value it stands for (the same
        reading as ``validate``'s: ``planengine._relative_target``)."""
        value = target.value_at(baseline)
        comparator = target.change_comparator
        if value is None or comparator not in COMPARATORS:
            return None, None, True
        self.add(
            "input.relative-target",
            "info",
            f"the target is {target.change} from the baseline {fmt_number(baseline)}: "
            f"{comparator} {fmt_number(value)}",
            ("measure", "target"),
        )
        possible = True
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.add(
                "input.target-out-of-range",
                "error",
                f"the target {target.change} from the baseline {fmt_number(baseline)} "
                f"is {fmt_number(value)}, outside the range {fmt_number(bounds[0])}-"
                f"{fmt_number(bounds[1])}",
                ("measure", "target"),
            )
            possible = reachable(value, comparator, bounds)
        return value, comparator, possible

    def _baseline(
        self,
        bounds: tuple[float, float] | None,
        start: dt.date | None,
        instrument: Instrument | None,
        scale: str,
    ) -> Measurement | None:
        measure = self.record.measure
        written = measure.baseline
        if written is None:
            if "baseline" in measure.written:
                return None  # not a mapping: the schema check reported it
            if measure.written:
                self.add(
                    "input.missing-baseline",
                    "warning",
                    "no baseline: change and trajectory cannot be judged",
                    ("measure",),
                )
            return None
        if (pending := pending_baseline(written)) is not None:
            self.pending = pending  # recorded from the log's first week: not an input error
            self._report_impossible_date("baseline by", ("measure", "baseline", "by"), pending.by)
            return None
        value = read_number(written.value)
        if value is None:  # the schema check reported it
            return None
        date = written.date
        self._report_impossible_date("baseline date", ("measure", "baseline", "date"), date)
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
                f"baseline {fmt_number(value)} is outside the range {fmt_number(bounds[0])}-{fmt_number(bounds[1])}; left out",
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

    def _target_against_direction(
        self,
        instrument: Instrument | None,
        scale: str,
        comparator: str | None,
        target: float,
        direction: str,
    ) -> bool:
        """Whether the comparator asks an instrument's score to move the worse way (PHQ-9
        ``>= 9``): then meeting the target would call a worsening a success, so it is left out."""
        if instrument is None or scale == "metric" or comparator not in ORDER_COMPARATORS:
            return False
        wants_higher = comparator in (">=", ">")
        if wants_higher == (direction == "higher-is-better"):
            return False
        better = "higher" if direction == "higher-is-better" else "lower"
        self.add(
            "input.target-direction",
            "error",
            f"target {comparator} {fmt_number(target)} asks {instrument.name} to go the wrong way "
            f"({better} is better); the target is left out and the goal is judged by change only",
            ("measure", "target", "comparator"),
        )
        return True

    def _progress(
        self,
        baseline: Measurement | None,
        bounds: tuple[float, float] | None,
        unit: str | None,
        instrument: Instrument | None,
        scale: str,
    ) -> tuple[list[Measurement], list[tuple[dt.date, int]]]:
        # Long: one pass over a goal's progress entries, each field read and checked in turn with
        # its own finding and position; split, the parts would pass the entry, its path and the
        # sink between them.
        values: list[Measurement] = []
        gas: list[tuple[dt.date, int]] = []
        seen: dict[dt.date, int] = {}
        previous: dt.date | None = None
        unsorted = False
        # none, or not a list, gives no entries (the schema check reported it)
        for i, entry in enumerate(self.record.progress):
            rel: Path = ("progress", i)
            if entry is None:
                continue  # not a mapping: the schema check reported it
            date = entry.date
            has_answers = "answers" in entry.written
            if has_answers:
                # answers in a progress entry are read for risk items only with a usable date
                read = date is not None and date <= self.as_of and entry.answers is not None
                self._misplaced_answers(rel, instrument if read else None)
            if date is None:
                date_raw = self._impossible_date((*rel, "date"))
                if date_raw is not None:  # else the schema check reported it
                    self.add(
                        "input.date-invalid",
                        "error",
                        f"progress date {date_raw!r} is not a date (YYYY-MM-DD); entry "
                        "left out"
                        + (f"; {NOT_CHECKED}" if has_answers else ""),
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
                    f"progress date {date} is after the review date {self.as_of}; entry left out"
                    + (f"; {NOT_CHECKED}" if has_answers else ""),
                    (*rel, "date"),
                )
                continue
            if entry.answers is not None and instrument is not None:
                # Not a progress field, but a safety item is never skipped: read them for risk.
                self.item_answers.append(
                    ParsedAssessment(instrument.id, date, None, entry.answers, self.base + rel)
                )
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
            entry_unit = entry.unit
            if entry_unit is None and "unit" in entry.written:
                continue  # a unit that is no text (the schema check reported it): left out
            value = read_number(entry.value)
            converted_from = None
            if entry_unit is not None and not same_unit(entry_unit, unit, scale, instrument):
                plain = value is not None and scale == "metric"  # a free metric's time unit
                exact = convert_time(value, entry_unit, unit) if plain else None  # type: ignore[arg-type]
                if exact is None:
                    self.add(
                        "input.unit-mismatch",
                        "error",
                        f"progress value in {entry_unit!r} but the measure is in "
                        f"{unit or 'points'!r}; entry left out (convert it, then record it)",
                        (*rel, "unit"),
                    )
                    why = f"recorded in {entry_unit!r}, not the measure's {unit or 'points'!r}"
                    self._unusable(date, why, rel)
                    continue
                assert value is not None
                converted_from = f"{fmt_number(value)} {entry_unit}"
                value = exact
                self.add(
                    "input.unit-converted",
                    "info",
                    f"progress value {converted_from} converted to {fmt_number(value)} {unit} "
                    "(plain time units convert exactly) and used as that",
                    (*rel, "unit"),
                )
            if entry.gas_level is not None:
                gas.append((date, entry.gas_level))
            if value is None:  # none (a GAS level or a note), or one the schema check refused
                continue
            if bounds is not None and not bounds[0] <= value <= bounds[1]:
                span = f"{fmt_number(bounds[0])}-{fmt_number(bounds[1])}"
                self.add(
                    "input.out-of-range",
                    "error",
                    f"value {fmt_number(value)} is outside the range {span}"
                    f"{range_hint(instrument, scale, value, bounds)}; entry left out",
                    (*rel, "value"),
                )
                self._unusable(date, f"value {fmt_number(value)} outside the range {span}", rel)
                continue
            if baseline is not None and date == baseline.date:
                if value != baseline.value:
                    self.add(
                        "input.duplicate-date",
                        "error",
                        f"progress value {fmt_number(value)} on the baseline date {date} differs from the "
                        f"baseline {fmt_number(baseline.value)}; left out",
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
            path = format_json_path(self.base + rel)
            values.append(Measurement(date, value, "progress", path, converted_from))
        values.sort(key=lambda m: m.date)
        gas.sort()
        return values, gas

    def _unusable(self, date: dt.date, why: str, rel: Path) -> None:
        """Note an entry in the goal's span whose value could not be used (the status says so
        when it is the newest entry)."""
        self.unusable.append(UnusableEntry(date, why, format_json_path(self.base + rel)))

    def _misplaced_answers(self, rel: Path, instrument: Instrument | None) -> None:
        """A warning beside the schema's error for item answers in a progress entry: they
        belong in ``assessments``, and whether they were still checked for risk items.

        :param instrument: the goal's instrument when the entry's answers are read for its risk
            items (a usable date), else ``None``: the message then says they were NOT checked.
        """
        checked = (
            f"they are still checked for {instrument.name}'s risk items here"
            if instrument is not None and instrument.risk_items
            else "they were NOT checked for risk items here"
        )
        self.add(
            "input.answers-misplaced",
            "warning",
            "item answers belong in assessments ({instrument, date, answers}), not in a progress "
            f"entry; {checked}",
            (*rel, "answers"),
        )

    def _gas(
        self, history: list[tuple[dt.date, int]]
    ) -> tuple[Mapping[str, str] | None, float, int | None]:
        written = self.record.gas
        if written is None:
            if history:
                self.add(
                    "input.gas-without-levels",
                    "warning",
                    "progress records gas_level but the goal has no `gas.levels`: without written "
                    "levels the goal cannot be GAS-scored",
                    ("progress",),
                )
            return None, 1.0, None
        levels = written.levels
        missing = [key for key in ("-2", "-1", "0", "1", "2") if key not in levels]
        weight = read_number(written.weight)
        weight = weight if weight is not None and weight > 0 else 1.0  # else the schema said so
        current = written.current_level
        if missing:
            self.add(
                "input.gas-incomplete",
                "warning",
                f"GAS levels {', '.join(missing)} are not written; the goal cannot be GAS-scored",
                ("gas", "levels"),
            )
            return None, weight, current
        return {k: levels[k] for k in ("-2", "-1", "0", "1", "2")}, weight, current
