"""Session 31, the tester's findings on what ``planengine review`` reads: a file of another kind
is named as such and never listed as routine; answers left out always say they were not checked
for risk items; one problem is one line."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import shutil

import pytest

from planengine.cli._main import main
from planengine.review import review_goals

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASE = ["review", "--as-of", "2027-01-20", "--no-plugins"]
AS_OF = dt.date(2027, 1, 20)


def _assessment(tmp_path: pathlib.Path) -> pathlib.Path:
    target = tmp_path / "assessment.yaml"
    shutil.copy(ROOT / "examples" / "severe-with-risk-flag.yaml", target)
    return target


def test_an_assessment_given_to_review_is_named_in_one_line(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _assessment(tmp_path)
    assert main([*BASE, str(path)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "this is an assessment" in text and "planengine plan FILE" in text
    assert "NOT checked for risk items" in text
    assert "'goals' is a required property" not in text
    assert "unknown fields" not in text


def test_an_assessment_is_never_routine_in_the_json_report(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _assessment(tmp_path)
    assert main([*BASE, "--format", "json", str(path)]) == 2
    report = json.loads(capsys.readouterr().out)
    [entry] = report["caseload"]
    assert entry["group"] == "not-reviewed"
    assert entry["status"].count("checked for risk items") == 1


def test_an_assessment_in_a_folder_is_said_to_be_skipped(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _assessment(tmp_path)
    shutil.copy(ROOT / "examples" / "review" / "on-track.yaml", tmp_path / "on-track.yaml")
    assert main([*BASE, "--format", "json", str(tmp_path)]) == 2
    out = capsys.readouterr()
    lines = [line for line in out.err.splitlines() if "assessment.yaml" in line]
    assert len(lines) == 1 and "skipped" in lines[0] and "an assessment" in lines[0]
    groups = {e["file"].rsplit("/", 1)[-1]: e["group"] for e in json.loads(out.out)["caseload"]}
    assert groups["assessment.yaml"] == "not-reviewed"


def test_review_goals_raises_for_a_file_of_another_kind() -> None:
    from planengine import InputError
    from planengine.io._loader import load_document

    with pytest.raises(InputError, match="this is an assessment"):
        review_goals(load_document(ROOT / "examples" / "severe-with-risk-flag.yaml"), as_of=AS_OF)
    review = review_goals({}, as_of=AS_OF, autoload=False)  # not a goal file of a known kind
    assert review.has_input_errors and review.goals == ()


_GOAL = {
    "id": "mood",
    "area": "depression",
    "addresses": ["phq9"],
    "statement": "Bring my PHQ-9 down to 9 or below by February.",
    "measure": {
        "instrument": "phq9",
        "baseline": {"value": 14, "date": "2026-09-01"},
        "target": {"value": 9, "comparator": "<="},
    },
    "start_date": "2026-09-01",
    "due_date": "2027-02-28",
    "review_interval_days": 30,
}
_ANSWERS = [2, 2, 2, 2, 2, 2, 2, 1, 2]


def _review(assessments: list[dict[str, object]], goal: dict[str, object] = _GOAL):  # type: ignore[no-untyped-def]
    data = {"planengine": 1, "patient": {"id": "p-1"}, "assessments": assessments,
            "goals": [goal]}
    return review_goals(data, as_of=AS_OF, autoload=False)


def test_an_assessment_after_as_of_says_its_answers_were_not_checked() -> None:
    review = _review([{"instrument": "phq9", "date": "2027-03-01", "total": 17,
                       "answers": _ANSWERS}])
    [finding] = [f for f in review.findings if f.code == "input.after-as-of"]
    assert "NOT checked for risk items" in finding.message


def test_an_assessment_without_a_date_says_it_has_none() -> None:
    review = _review([{"instrument": "phq9", "total": 17, "answers": _ANSWERS}])
    [finding] = [f for f in review.findings if f.code == "input.answers-not-checked"]
    assert finding.message.startswith("it has no date")
    assert "None" not in finding.message


def test_a_progress_entry_without_a_date_says_once_its_answers_were_not_checked() -> None:
    goal = {**_GOAL, "progress": [{"value": 12, "answers": _ANSWERS}]}
    review = _review([], goal)
    said = [
        f for f in review.findings
        if "NOT checked for risk items" in f.message
        and f.json_path.startswith("$.goals[0].progress[0]")
    ]
    assert len(said) == 1


def test_an_instrument_written_as_people_write_it_is_one_line() -> None:
    review = _review([{"instrument": "PHQ-9", "date": "2026-12-01", "total": 17,
                       "answers": _ANSWERS}])
    at = [f for f in review.findings if f.json_path == "$.assessments[0].instrument"]
    assert len(at) == 1
    assert "did you mean 'phq9'" in at[0].message
    assert "NOT checked for risk items" in at[0].message
