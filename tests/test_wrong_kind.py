"""A file of another kind given to ``validate`` or ``plan`` is named by its kind, with the command
that reads it, in one line (in place of schema errors that never say so); a file of the right
kind, or one nothing identifies, keeps its schema errors. ``validate --schema`` takes every
bundled schema of a file a user writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planengine import validate_paths
from planengine.cli._main import main
from planengine.cli._validate import SCHEMAS
from planengine.io._kinds import document_kind, wrong_kind_message
from planengine.io._schema_check import schema_names

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
STRATEGY = ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml"
ASSESSMENT = ROOT / "examples" / "mild-sleep-only.yaml"
GOALS = ROOT / "examples" / "review" / "on-track.yaml"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"planengine": 1, "kind": "strategy", "id": "x"}, "strategy"),
        ({"planengine": 1, "kind": "plan"}, "plan"),
        ({"planengine": 1, "kind": "crisis-resources"}, "crisis-resources"),
        ({"resourceType": "Bundle"}, "fhir"),
        ({"planengine": 1, "goals": []}, "goal"),
        ({"planengine": 1, "responses": []}, "assessment"),
        ({"planengine": 1, "kind": "assessment", "responses": []}, "assessment"),
        ({"planengine": 1, "kind": "goal"}, None),  # not a kind any file writes
        ({"planengine": 1, "kind": "sleep-diary", "responses": []}, None),
        ({"planengine": 1}, None),
        (["goals"], None),
    ],
)
def test_document_kind_only_when_the_file_says(data: object, kind: str | None) -> None:
    assert document_kind(data) == kind


def test_the_right_kind_gets_no_message() -> None:
    assert wrong_kind_message({"planengine": 1, "goals": [1]}, "goal") is None
    assert wrong_kind_message({"planengine": 1, "kind": "plan"}, "plan") is None


@pytest.mark.parametrize(
    ("path", "schema", "expected"),
    [
        (
            STRATEGY,
            "goal",
            "this is a strategy file (`kind: strategy`), not a goal file; check it with "
            "`planengine validate --schema strategy FILE`",
        ),
        (
            ASSESSMENT,
            "goal",
            "this is an assessment (it has `responses`), not a goal file; check it with "
            "`planengine plan FILE` or `planengine validate --schema assessment FILE`",
        ),
        (
            GOALS,
            "strategy",
            "this is a goal file (it has `goals`), not a strategy file; check it with "
            "`planengine validate FILE` or `planengine review FILE`",
        ),
    ],
)
def test_validate_names_the_kind_in_one_finding(path: Path, schema: str, expected: str) -> None:
    report = validate_paths([str(path)], as_of=AS_OF, schema=schema)
    assert [(v.code, v.severity, v.message) for v in report.violations] == [
        ("E002", "error", expected)
    ]
    assert report.violations[0].location.json_path == "$"
    assert report.exit_code == 1  # as for any invalid file


def test_a_goal_file_with_a_mistake_keeps_its_schema_errors(tmp_path: Path) -> None:
    broken = tmp_path / "g.yaml"
    broken.write_text("planengine: 1\ngoals:\n  - statement: 3\n", encoding="utf-8")
    report = validate_paths([str(broken)], as_of=AS_OF, autoload=False)
    assert report.violations
    assert not any("this is" in v.message for v in report.violations)


def test_plan_names_a_goal_file_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", str(GOALS), "--as-of", "2026-11-25"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == (
        f"planengine: error: {GOALS}:2:1: $: this is a goal file (it has `goals`), not an "
        "assessment; check it with `planengine validate FILE` or `planengine review FILE`\n"
    )


def test_plan_keeps_an_assessment_s_own_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = tmp_path / "a.yaml"
    wrong.write_text("planengine: 1\nresponses: []\ncolour: blue\n", encoding="utf-8")
    assert main(["plan", str(wrong), "--as-of", "2026-11-25"]) == 2
    assert "colour" in capsys.readouterr().err


def test_validate_takes_every_schema_but_the_print_only_one() -> None:
    assert set(SCHEMAS) == set(schema_names()) - {"fhir-input"}


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("crisis-resources", "src/planengine/data/crisis-resources.yaml"),
        ("references", "src/planengine/data/references.yaml"),
    ],
)
def test_the_shipped_data_files_pass_their_schemas(
    capsys: pytest.CaptureFixture[str], schema: str, path: str
) -> None:
    assert main(["validate", "--schema", schema, str(ROOT / path)]) == 0, capsys.readouterr()
