"""Read a goal file's data into what the review computes on, reporting every bad value.

Nothing raises for bad data inside the file. The file is checked against the goal schema
(``schemas/goal.schema.json``) once, as ``planengine validate`` checks it: each schema error is an
error finding (:func:`schema_findings`), and a value of the wrong type or shape is not used. Then
the values are read (``_parse_goal``): what the schema cannot say (a value outside an
instrument's range, a date after the review date, an unknown instrument, answers a questionnaire
cannot have) is an error finding too, the same errors ``validate`` reports as E-codes
(``docs/goal-files.md``). Item answers are checked for risk items such as PHQ-9 item 9 whatever
else is wrong with the file: also in an entry whose total is missing or unusable, a second one on
the same date, or answers misplaced in a progress entry.
"""

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from planengine._values import impossible_date, read_number
from planengine.goals._record import GoalFileRecord, read_file_record, read_goal_record
from planengine.instruments._instrument import Instrument
from planengine.io._document import Document
from planengine.io._json_path import format_json_path
from planengine.io._schema_check import SchemaIssue, check_schema
from planengine.review._inputs import (
    FindingSink,
    ParsedAssessment,
    ParsedFile,
    ParsedGoal,
    Path,
    fmt_number,
)
from planengine.review._parse_goal import GoalReader
from planengine.review._readings import NOT_CHECKED, Measurement, ReviewFinding
from planengine.review._scales import metric_outside_instrument

__all__ = ["ParsedAssessment", "ParsedFile", "ParsedGoal", "parse_goal_file", "schema_findings"]


def _assessments(
    file: GoalFileRecord,
    as_of: dt.date,
    instruments: Mapping[str, Instrument],
    sink: FindingSink,
) -> list[ParsedAssessment]:
    # none, or not a list, gives no entries (the schema check reported it)
    # Long: one pass over a goal file's repeat questionnaires, each field read and checked in turn
    # with its own finding and position.
    out: list[ParsedAssessment] = []
    seen: dict[tuple[str, dt.date], int] = {}
    unreadable = dict(file.unreadable_dates) if file.unreadable_dates else {}
    for i, entry in enumerate(file.assessments):
        path: Path = ("assessments", i)
        if entry is None:
            continue  # not a mapping: the schema check reported it
        name = entry.instrument
        instrument = instruments.get(name) if name is not None else None
        # Answers left out with their entry are not checked for risk items: say so.
        unchecked = (
            f"; {NOT_CHECKED}: fix it and review again"
            if entry.answers is not None
            else ""
        )
        if name is None:  # the schema check reported it; the answers are not read
            if unchecked:
                what = entry.instrument_as_written
                _not_checked(sink, (*path, "instrument"), f"the instrument {what!r} is no name")
            continue
        if instrument is None:
            sink.add(
                "input.unknown-instrument",
                "error",
                f"unknown instrument {name!r}{_did_you_mean(name, instruments)}; assessment "
                f"left out{unchecked}",
                (*path, "instrument"),
            )
            continue
        date = entry.date
        if date is None:
            written = unreadable.get((*path, "date"))  # None: no date written
            if impossible_date(written):
                sink.add(
                    "input.date-invalid",
                    "error",
                    f"assessment date {written!r} is not a date (YYYY-MM-DD); left out{unchecked}",
                    (*path, "date"),
                )
            elif unchecked:  # the schema check reported the date
                why = "it has no date" if written is None else f"its date {written!r} is no date"
                _not_checked(sink, (*path, "date"), why)
            continue
        if date > as_of:
            sink.add(
                "input.after-as-of",
                "error",
                f"{instrument.name} on {date} is after the review date {as_of}; left out{unchecked}",
                (*path, "date"),
            )
            continue
        # A total that cannot be used is left out of the measurements, but the entry stays:
        # its answers are still checked for risk items (a safety item is never skipped).
        answers = entry.answers
        still = "; its answers are still checked for risk items" if answers is not None else ""
        total = read_number(entry.total)
        if total is None and "total" in entry.written:
            pass  # unusable (the schema check reported it): left out, the answers still read
        elif total is None and answers is None:
            continue  # neither a total nor answers (the schema check reported it)
        elif total is None and "total" not in entry.written:
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


def _did_you_mean(name: str, instruments: Mapping[str, Instrument]) -> str:
    """`` (did you mean 'phq9'?)`` for a name written as people write it ("PHQ-9", "GAD 7"),
    else ``""``: with it, the one line says what the schema's pattern error would have."""
    plain = "".join(c for c in name.lower() if c.isalnum())
    found = next((i for i in instruments if "".join(c for c in i if c.isalnum()) == plain), None)
    return f" (did you mean {found!r}?)" if found is not None and found != name else ""


def _not_checked(sink: FindingSink, path: Path, why: str) -> None:
    """Beside the schema's error: answers that could not be placed were not checked for risk."""
    sink.add(
        "input.answers-not-checked",
        "warning",
        f"{why}, so this entry's answers were NOT checked for risk items: fix it and review again",
        path,
    )


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


#: schema keyword -> the review's finding code for a schema error (``docs/goal-files.md``).
_SCHEMA_CODES = {
    "additionalProperties": "input.unknown-field",
    "enum": "input.invalid-value",
    "const": "input.format-version",
    "finite": "input.not-a-number",
    "minimum": "input.out-of-range",
    "maximum": "input.out-of-range",
    "exclusiveMinimum": "input.out-of-range",
    "minLength": "input.empty",
    "pattern": "input.invalid-value",
}


def _schema_code(issue: SchemaIssue) -> str:
    """The review's code for one schema error: what kind of value is wrong."""
    last = issue.parts[-1] if issue.parts else ""
    if issue.keyword == "enum" and last == "comparator":
        return "input.comparator"
    if issue.keyword == "anyOf" and len(issue.parts) == 4 and issue.parts[2] == "progress":
        return "input.no-value"  # a progress entry with neither value, gas_level nor note
    if issue.keyword == "pattern" and isinstance(last, str) and last in _DATE_FIELDS:
        return "input.date-invalid"
    if "not a usable number" in issue.message:  # beyond ±1e15
        return "input.not-a-number"
    if issue.keyword == "type":
        wanted = str(issue.message).rsplit(" of type ", 1)[-1]
        if "number" in wanted or "integer" in wanted:
            return "input.not-a-number"
        return "input.not-text" if wanted.strip("'") == "string" else "input.structure"
    return _SCHEMA_CODES.get(issue.keyword, "input.structure")


_DATE_FIELDS = frozenset({"date", "start_date", "due_date", "as_of", "by", "next_review"})


def schema_findings(
    source: Document | Mapping[str, Any], issues: Sequence[SchemaIssue] | None = None
) -> tuple[ReviewFinding, ...]:
    """Each goal-schema error of ``source`` as an error finding; the format version is left to
    :func:`parse_goal_file` (``input.format-version``, as ``validate`` says E003 for it).

    :param issues: the schema check's issues when the caller has them (``validate``: checked once).
    """
    if issues is None:
        issues = check_schema(source, "goal")
    document = source if isinstance(source, Document) else None
    sink = FindingSink(document, document.path if document else None)
    for issue in issues:
        if issue.parts[:1] == ("planengine",) or (
            issue.keyword == "required" and not issue.parts and "'planengine'" in issue.message
        ):
            continue
        sink.add(_schema_code(issue), "error", issue.message, issue.parts)
    return tuple(sink.items)


def parse_goal_file(
    source: Document | Mapping[str, Any], *, as_of: dt.date, instruments: Mapping[str, Instrument]
) -> ParsedFile:
    """Read goals and assessments; every unusable value becomes a finding, never an exception.

    This is the one reader of goal files: each goal is read into its typed
    :class:`planengine.goals._record.GoalRecord` (``ParsedGoal.record``), which ``validate``'s
    SMART rules read too, and then into what the review computes on.

    The findings are those the values give (:func:`schema_findings` gives the schema's).
    """
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
    file = read_file_record(data)
    as_of_written = dict(file.unreadable_dates).get(("as_of",)) if file.unreadable_dates else None
    if impossible_date(as_of_written):
        sink.add(
            "input.date-invalid",
            "error",
            f"as_of {as_of_written!r} is not a date (YYYY-MM-DD)",
            ("as_of",),
        )
    goals_raw = data.get("goals")
    if not isinstance(goals_raw, list):  # none, or not a list (the schema check reported it)
        goals_raw = []
    assessments = _assessments(file, as_of, instruments, sink)
    goals: list[ParsedGoal] = []
    ids: set[str] = set()
    item_answers: list[ParsedAssessment] = []
    for index, raw in enumerate(goals_raw):
        if not isinstance(raw, Mapping):
            continue  # the schema check reported it
        reader = GoalReader(read_goal_record(raw, index), as_of, instruments, sink)
        goal = reader.read()
        item_answers.extend(reader.item_answers)
        disagree = metric_outside_instrument(goal)
        if disagree is not None:
            sink.add(
                "input.metric-not-instrument",
                "warning",
                disagree,
                ("goals", index, "measure", "instrument"),
                goal.goal_id,
            )
        if goal.goal_id in ids:
            # an error, as validate's E005: a disposition or a suppression names a goal by its id
            sink.add(
                "input.duplicate-id",
                "error",
                f"goal id {goal.goal_id!r} is used twice",
                ("goals", index, "id"),
                goal.goal_id,
            )
        ids.add(goal.goal_id)
        goals.append(_merge_assessments(goal, assessments, sink))
    # Item answers misplaced in progress entries (each reported) are still read for risk items.
    checked = sorted([*assessments, *item_answers], key=lambda a: (a.instrument, a.date))
    return ParsedFile(tuple(goals), tuple(checked), tuple(sink.items), record=file)
