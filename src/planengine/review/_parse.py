"""Read a goal file's data into what the review computes on, reporting every bad value.

Nothing raises for bad data inside the file: a value that cannot be used becomes a
:class:`ReviewFinding` (``error``: left out of the computation) and the review goes on. What the
review reads from the goal schema (``schemas/goal.schema.json``): ``goals[].measure`` (``metric``,
``instrument``, ``unit``, ``baseline {value, date}``, ``target {value, comparator}``),
``start_date``, ``due_date``, ``review_interval_days``, ``progress[] {date, value, gas_level,
note}``, ``gas {levels, weight, current_level}`` and the top-level ``assessments[] {instrument,
date, total, answers}``: item answers are checked for risk items such as PHQ-9 item 9, also in an
entry whose total is missing, unusable or a second one on the same date. ``progress[].unit``,
which the schema does not declare yet, is read when present (to catch a value recorded in
another unit). Any other field of a progress entry (but ``x-*``) is an error
(``input.unknown-field``), and so is an entry with neither value, gas_level nor note
(``input.no-value``); item answers found there belong in ``assessments`` but are still checked
for risk items.
"""

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from planengine._values import parse_date, read_number
from planengine.instruments._instrument import Instrument
from planengine.io._document import Document
from planengine.io._json_path import format_json_path
from planengine.review._inputs import (
    FindingSink,
    ParsedAssessment,
    ParsedFile,
    ParsedGoal,
    Path,
    fmt_number,
)
from planengine.review._model import Measurement
from planengine.review._parse_goal import GoalReader

__all__ = ["ParsedAssessment", "ParsedFile", "ParsedGoal", "parse_goal_file"]


#: The fields of an entry in ``assessments`` (goal.schema.json).
_ASSESSMENT_FIELDS = ("instrument", "date", "total", "answers")


def _assessments(
    data: Mapping[str, Any],
    as_of: dt.date,
    instruments: Mapping[str, Instrument],
    sink: FindingSink,
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
        unknown = sorted(
            str(k) for k in entry if str(k) not in _ASSESSMENT_FIELDS and not str(k).startswith("x-")
        )
        if unknown:  # as the goal schema says: a typo or a note here would be lost silently
            sink.add(
                "input.unknown-field",
                "error",
                f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                f"in an assessment; allowed: {', '.join(_ASSESSMENT_FIELDS)} (and x-*); ignored",
                path,
            )
        name = entry.get("instrument")
        instrument = instruments.get(name) if isinstance(name, str) else None
        # Answers left out with their entry are not checked for risk items: say so.
        unchecked = (
            "; its answers were NOT checked for risk items: fix it and review again"
            if entry.get("answers") is not None
            else ""
        )
        if instrument is None:
            sink.add(
                "input.unknown-instrument",
                "error",
                f"unknown instrument {name!r}; assessment left out{unchecked}",
                (*path, "instrument"),
            )
            continue
        date = parse_date(entry.get("date"))
        if date is None:
            sink.add(
                "input.date-invalid",
                "error",
                f"assessment date {entry.get('date')!r} is not a date (YYYY-MM-DD); left out"
                f"{unchecked}",
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
        # A total that cannot be used is left out of the measurements, but the entry stays:
        # its answers are still checked for risk items (a safety item is never skipped).
        answers = entry.get("answers")
        still = "; its answers are still checked for risk items" if answers is not None else ""
        total = read_number(entry.get("total"))
        if total is None and "total" in entry:
            sink.add(
                "input.not-a-number",
                "error",
                f"{instrument.name} total {entry.get('total')!r} is not a usable number (finite, within ±1e15); left out{still}",
                (*path, "total"),
            )
        elif total is None and answers is None:
            sink.add(
                "input.structure",
                "error",
                f"{instrument.name} on {date} has neither a total nor answers; left out",
                path,
            )
            continue
        elif total is None and "total" not in entry:
            total, prorated = _total_from_answers(instrument, answers)  # None: see the risk check
            if prorated and total is not None:
                sink.add(
                    "input.prorated",
                    "info",
                    f"{instrument.name} on {date}: items unanswered; its total "
                    f"{fmt_number(total)} is prorated from the items answered (the instrument's "
                    "missing-answer rule), an estimate",
                    (*path, "answers"),
                )
        elif total is not None and not instrument.total_min <= total <= instrument.total_max:
            sink.add(
                "input.out-of-range",
                "error",
                f"{instrument.name} total {fmt_number(total)} is outside {instrument.total_min}-"
                f"{instrument.total_max}; left out{still}",
                (*path, "total"),
            )
            total = None
        key = (instrument.id, date)
        if key in seen:
            sink.add(
                "input.duplicate-date",
                "error",
                f"a second {instrument.name} on {date} (the first is assessments[{seen[key]}]); "
                f"its total is left out{still}",
                (*path, "date"),
            )
            total = None
        else:
            seen[key] = i
        out.append(ParsedAssessment(instrument.id, date, total, answers, path))
    if any(b.date < a.date for a, b in itertools.pairwise(out) if a.instrument == b.instrument):
        sink.add(
            "input.unsorted",
            "warning",
            "assessments are not in date order; they are sorted by date for the review",
            ("assessments",),
        )
    out.sort(key=lambda a: (a.instrument, a.date))
    return out


def _total_from_answers(instrument: Instrument, answers: Any) -> tuple[float | None, bool]:
    """The total of a valid set of answers (an entry given as answers only), and whether it was
    prorated: ``None`` for an incomplete set the instrument's missing-answer rule gives none."""
    from planengine._errors import InputError
    from planengine.instruments._scoring import score_response

    try:
        score = score_response(instrument, answers)
    except InputError:
        # reported with its path by the risk check, which reads every entry's answers
        return None, False
    return (None if score.total is None else float(score.total)), score.prorated


def _merge_assessments(
    goal: ParsedGoal, assessments: Sequence[ParsedAssessment], sink: FindingSink
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
        if a.instrument != goal.instrument.id or a.date < baseline.date or a.total is None:
            continue
        value = a.total * factor
        existing = by_date.get(a.date)
        if existing is not None:
            if existing.value != value:
                sink.add(
                    "input.conflicting-values",
                    "warning",
                    f"{goal.instrument.name} total {fmt_number(value)} on {a.date} differs from the goal's "
                    f"own value {fmt_number(existing.value)} ({existing.json_path}); the goal's value is used",
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
    sink = FindingSink(document, document.path if document else None)
    version = data.get("planengine")
    if version != 1 or isinstance(version, bool):
        found = "missing" if "planengine" not in data else f"{version!r}"
        sink.add(
            "input.format-version",
            "error",
            f"format version `planengine` is {found}; this review reads version 1, so the "
            "values below may be misread",
            ("planengine",) if "planengine" in data else (),
        )
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
    item_answers: list[ParsedAssessment] = []
    for index, raw in enumerate(goals_raw):
        if not isinstance(raw, Mapping):
            sink.add(
                "input.structure", "error", "a goal must be a mapping; left out", ("goals", index)
            )
            continue
        reader = GoalReader(raw, index, as_of, instruments, sink)
        goal = reader.read()
        item_answers.extend(reader.item_answers)
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
    # Item answers misplaced in progress entries (each reported) are still read for risk items.
    checked = sorted([*assessments, *item_answers], key=lambda a: (a.instrument, a.date))
    return ParsedFile(tuple(goals), tuple(checked), tuple(sink.items))
