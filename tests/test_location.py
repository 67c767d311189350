"""One location type: every finding and error type carries a :class:`planengine.Location`, reads
its file, line and column from it, and is printed through it (``file:line:column: $.path``)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pathlib
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from planengine import (
    DocumentParseError,
    DocumentSchemaError,
    InputError,
    Location,
    Violation,
    validate_paths,
)
from planengine.io._loader import load_document
from planengine.io._schema_check import SchemaIssue, check_schema
from planengine.render._lint import render
from planengine.render._review import render_text
from planengine.review import review_goals
from planengine.review._files import FileError, ReviewRun, review_paths
from planengine.review._model import ReviewFinding

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
HERE = Location("goals.yaml", 3, 5, "$.goals[0].measure")

#: every finding and error type, built at ``HERE`` the way the code that raises or reports it does
TYPES: dict[str, Callable[[Location], Any]] = {
    "InputError": lambda at: InputError(
        "bad", file=at.file, line=at.line, column=at.column, path=at.json_path
    ),
    "DocumentParseError": lambda at: DocumentParseError(
        "bad", file=at.file, line=at.line, column=at.column, path=at.json_path
    ),
    "DocumentSchemaError": lambda at: DocumentSchemaError(
        "bad", file=at.file, line=at.line, column=at.column, path=at.json_path
    ),
    "Violation": lambda at: Violation("M203", "no-baseline", "M", "error", "bad", location=at),
    "ReviewFinding": lambda at: ReviewFinding("input.out-of-range", "error", "bad", at),
    "SchemaIssue": lambda at: SchemaIssue("bad", ("goals", 0, "measure"), "type", at),
    "FileError": lambda at: FileError(at, "bad"),
}
#: the name each type has long read its JSON path text by
PATH_NAMES = {
    "InputError": "path",
    "DocumentParseError": "path",
    "DocumentSchemaError": "path",
    "Violation": "json_path",
    "ReviewFinding": "json_path",
    "SchemaIssue": "path_text",
    "FileError": None,
}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_finding_and_error_type_carries_one_location(name: str) -> None:
    made = TYPES[name](HERE)
    assert isinstance(made.location, Location)
    assert made.location == HERE
    # the old attribute names still read, from the location
    assert (made.line, made.column) == (HERE.line, HERE.column)
    if not isinstance(made, SchemaIssue):  # a schema issue's file is its document's
        assert made.file == HERE.file
    if PATH_NAMES[name] is not None:  # an unreadable file has no path to point at
        assert getattr(made, PATH_NAMES[name]) == HERE.json_path


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_type_formats_its_location_one_way(name: str) -> None:
    made = TYPES[name](HERE)
    if isinstance(made, InputError):
        assert not {"file", "line", "column", "path"} & set(vars(made))  # kept only in location
        assert str(made) == "goals.yaml:3:5: $.goals[0].measure: bad"
        assert str(made) == f"{made.location}: {made.message}"
    if hasattr(made, "where"):
        assert made.where == "goals.yaml:3:5" == made.location.where


def test_no_other_class_keeps_a_position_of_its_own() -> None:
    """A new finding type takes a ``Location``, not its own ``line`` and ``column`` fields (the
    errors' keyword arguments of those names go into their location, tested above)."""
    package = ROOT / "src" / "planengine"
    found = []
    for path in sorted(package.rglob("_*.py")):
        name = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        if name.endswith("__init__") or name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value is Location or value.__module__ != module.__name__:
                continue
            if attrs.has(value) and {"line", "column"} <= {f.name for f in attrs.fields(value)}:
                found.append(f"{name}.{value.__name__}")
    assert not found, found


@pytest.mark.parametrize(
    ("location", "text", "where"),
    [
        (Location("a.yaml", 3, 5, "$.x"), "a.yaml:3:5: $.x", "a.yaml:3:5"),
        (Location("a.yaml", 3, None, "$.x"), "a.yaml:3: $.x", "a.yaml:3"),
        (Location("a.yaml", None, None, "$.x"), "a.yaml: $.x", "a.yaml"),
        (Location("a.yaml", 3, 5), "a.yaml:3:5", "a.yaml:3:5"),
        (Location("a.yaml"), "a.yaml", "a.yaml"),
        # input from no file: no position in the text, ``<data>`` where one must be printed
        (Location(json_path="$.x"), "$.x", "<data>"),
        (Location(), "", "<data>"),
    ],
)
def test_a_location_is_formatted_one_way(location: Location, text: str, where: str) -> None:
    assert (str(location), location.where) == (text, where)


def test_reporters_print_the_location_they_were_given() -> None:
    """What the reporters print about a place is the finding's ``location.where``."""
    bad = ROOT / "tests" / "example-files" / "smart" / "invalid" / "E004.json"
    report = validate_paths([bad], as_of=AS_OF)
    lines = render(report, "text").splitlines()
    assert report.violations
    for violation, line in zip(report.violations, lines, strict=False):
        assert line.startswith(f"{violation.location.where}: {violation.code} ")

    review = review_goals(load_document(ROOT / "examples" / "review" / "bad-input.yaml"), as_of=AS_OF)
    assert review.findings
    text = render_text(ReviewRun(AS_OF, (review,), ()))
    for finding in review.findings:
        assert f"{finding.location.where}: {finding.code} [{finding.severity}]" in text


def test_an_unreadable_file_is_reported_at_its_location(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("goals: [\n", encoding="utf-8")
    run = review_paths([bad], as_of=AS_OF)
    (error,) = run.errors
    with pytest.raises(InputError) as raised:
        load_document(bad)
    assert error.location == raised.value.location
    assert render_text(run).startswith(f"{error.location.where}: error: ")
    assert str(raised.value).startswith(f"{raised.value.location}: ")


def test_a_schema_issue_is_located_in_its_document(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "g.yaml"
    bad.write_text("planengine: 1\ngoals: 3\n", encoding="utf-8")
    (issue, *_) = check_schema(load_document(bad), "goal")
    assert issue.location.file == str(bad) and issue.location.line == 2
    assert issue.location.json_path == issue.path_text == "$.goals"
