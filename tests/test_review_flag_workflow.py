"""Issue 19, items 2, 3 and 9: whose flag it is, a clinician's disposition of it, and what an open
flag holds back; a flag is never hidden by another file's input error."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
from typing import Any

import pytest
import yaml

from planengine.cli._main import main
from planengine.render._review_formats import render_review
from planengine.review import review_goals
from planengine.review._files import review_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)
FORMATS = ("text", "markdown", "json", "html")


def disposition_example() -> dict[str, Any]:
    # dates as text, as planengine's loader reads them (the goal schema's dates are strings)
    data = yaml.safe_load((EXAMPLES / "disposition.yaml").read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))


def write(folder: pathlib.Path, name: str, data: dict[str, Any]) -> pathlib.Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def item9_patient(patient: str, item9: int, date: str = "2027-01-10") -> dict[str, Any]:
    return {
        "planengine": 1,
        "patient": {"id": patient},
        "assessments": [
            {"instrument": "phq9", "date": date, "total": 12, "answers": [1, 1, 2, 2, 2, 1, 1, 1, item9]}
        ],
        "goals": [
            {
                "id": "mood",
                "area": "depression",
                "statement": "Bring my PHQ-9 down to 9 or below.",
                "measure": {
                    "instrument": "phq9",
                    "baseline": {"value": 12, "date": date},
                    "target": {"value": 9, "comparator": "<="},
                },
                "start_date": date,
                "due_date": "2027-06-01",
                "review_interval_days": 28,
            }
        ],
    }


# --- item 2: every output names the patient ------------------------------------------------


def test_two_patients_flags_are_told_apart_in_every_format(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "one.yaml", item9_patient("p-501", 1))
    write(tmp_path, "two.yaml", item9_patient("p-502", 2))
    run = review_paths([tmp_path], as_of=AS_OF)
    ids = [f.id for r in run.reviews for f in r.risk_flags]
    assert sorted(ids) == ["p-501/risk-1", "p-502/risk-1"]  # was risk-1 twice
    for fmt in FORMATS:
        out = render_review(run, fmt)
        assert "p-501" in out and "p-502" in out, fmt
    data = json.loads(render_review(run, "json"))
    assert [r["patient"] for r in data["reviews"]] == ["p-502", "p-501"]
    for review in data["reviews"]:
        for flag in review["risk_flags"]:
            assert flag["patient"] == review["patient"] and flag["id"].startswith(review["patient"] + "/")


def test_every_text_line_that_names_a_flag_names_its_patient(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "one.yaml", item9_patient("p-501", 1))
    write(tmp_path, "two.yaml", item9_patient("p-502", 2))
    run = review_paths([tmp_path], as_of=AS_OF)
    for fmt in ("text", "markdown"):
        for line in render_review(run, fmt).splitlines():
            if re.search(r"\brisk-\d+\b|RISK FLAG", line):
                assert re.search(r"p-50[12]", line), (fmt, line)


def test_a_folder_is_in_caseload_order_not_file_name_order(tmp_path: pathlib.Path) -> None:
    calm = item9_patient("p-601", 0)
    write(tmp_path, "a-calm.yaml", calm)
    write(tmp_path, "z-flag.yaml", item9_patient("p-602", 2))
    run = review_paths([tmp_path], as_of=AS_OF)
    assert [r.patient for r in run.reviews] == ["p-602", "p-601"]
    assert run.caseload[0].group == "open-risk-flag"


def test_a_file_without_a_patient_id_is_named_by_its_file(tmp_path: pathlib.Path) -> None:
    data = item9_patient("x", 2)
    del data["patient"]
    path = write(tmp_path, "nameless.yaml", data)
    run = review_paths([path], as_of=AS_OF)
    assert run.reviews[0].risk_flags[0].id == f"{path}/risk-1"
    assert "unidentified patient" in render_review(run, "text")


# --- item 3: the disposition record -----------------------------------------------------------


def test_a_recorded_disposition_stops_the_demand_for_an_assessment_today() -> None:
    review = review_goals(disposition_example(), as_of=AS_OF)
    (flag,) = review.risk_flags  # never deleted
    assert flag.status == "dispositioned" and flag.disposition.by == "Dr M. Okafor"
    assert "risk assessment today" not in flag.message
    assert "Dr M. Okafor recorded on 2026-10-28 that a safety plan is in place" in flag.message
    assert "next review 2027-02-17" in flag.message
    mood = review.goal("mood")
    assert [s.action for s in mood.suggestions] == ["close-goal"]  # no longer blocked forever
    assert review.exit_code == 0 and not review.open_flags


def test_without_the_disposition_the_same_file_still_blocks_closing() -> None:
    data = disposition_example()
    del data["risk_dispositions"]
    review = review_goals(data, as_of=AS_OF)
    assert review.risk_flags[0].status == "open"
    assert "risk assessment today" in review.risk_flags[0].message
    assert "close-goal" not in [s.action for s in review.goal("mood").suggestions]
    assert review.exit_code == 1


def test_a_new_item9_answer_after_the_disposition_reopens_it() -> None:
    data = disposition_example()
    data["assessments"].append(
        {"instrument": "phq9", "date": "2027-01-18", "total": 5, "answers": [1, 1, 0, 1, 0, 0, 1, 0, 1]}
    )
    review = review_goals(data, as_of=AS_OF)
    (flag,) = review.risk_flags
    assert flag.status == "reopened" and flag.is_open
    assert "assessed again today" in flag.message and "risk assessment today" in flag.message
    assert review.exit_code == 1
    assert review.goal("mood").review_due == AS_OF


def test_a_signal_on_the_disposition_day_is_covered() -> None:
    data = disposition_example()
    data["risk_dispositions"][0]["date"] = "2026-12-09"  # the day of a later answer of 0
    assert review_goals(data, as_of=AS_OF).risk_flags[0].status == "dispositioned"


def test_new_risk_language_after_the_disposition_reopens_a_language_flag() -> None:
    data = disposition_example()
    data["goals"][0]["progress"] = [{"date": "2026-11-02", "note": "said she wants to kill herself"}]
    data["risk_dispositions"].append(
        {
            "signal": "suicidal-language",
            "by": "Dr M. Okafor",
            "date": "2026-11-03",
            "outcome": "assessed-safety-plan-updated",
            "next_review": "2027-02-17",
        }
    )
    review = review_goals(data, as_of=AS_OF)
    assert {f.signal: f.status for f in review.risk_flags}["suicidal-language"] == "dispositioned"
    data["goals"][0]["progress"].append({"date": "2027-01-15", "note": "wants to kill herself again"})
    later = review_goals(data, as_of=AS_OF)
    statuses = sorted(f.status for f in later.risk_flags if f.signal == "suicidal-language")
    assert statuses == ["dispositioned", "reopened"] and later.exit_code == 1


def test_a_passed_next_review_makes_the_flag_due_again() -> None:
    review = review_goals(disposition_example(), as_of=dt.date(2027, 2, 17))
    (flag,) = review.risk_flags
    assert flag.status == "review-due" and flag.is_open and review.exit_code == 1
    assert "that review is due" in flag.message


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"outcome": "no risk"}, "outcome"),
        ({"by": ""}, "by"),
        ({"next_review": "2026-10-01"}, "next_review"),
        ({"date": "2027-03-01", "next_review": "2027-04-01"}, "date"),  # after the review date
    ],
)
def test_a_bad_disposition_is_an_input_error_and_the_flag_stays_open(
    change: dict[str, str], where: str
) -> None:
    data = disposition_example()
    data["risk_dispositions"][0].update(change)
    review = review_goals(data, as_of=AS_OF)
    assert review.risk_flags[0].status == "open"
    (finding,) = [f for f in review.findings if f.code == "input.disposition"]
    assert finding.json_path == f"$.risk_dispositions[0].{where}" and review.exit_code == 2


def test_a_disposition_of_another_signal_changes_nothing_and_is_said() -> None:
    data = disposition_example()
    data["risk_dispositions"][0]["signal"] = "phq9.item8"
    review = review_goals(data, as_of=AS_OF)
    assert review.risk_flags[0].status == "open"
    assert any(f.code == "input.disposition-unmatched" for f in review.findings)


def test_a_high_flag_makes_routine_suggestions_wait_and_the_flagged_goal_due_today() -> None:
    run = review_paths([EXAMPLES / "caseload" / "d-flag.yaml"], as_of=AS_OF)
    review = run.reviews[0]
    assert review.goal("mood").review_due == AS_OF  # not in four weeks
    for goal_id in ("sleep", "walking"):
        (suggestion,) = review.goal(goal_id).suggestions
        assert suggestion.action == "wait" and suggestion.rule == "review.wait-for-risk-flag"
        assert suggestion.details["waiting"]["action"] == "raise-target"
        assert "c-204/risk-1" in suggestion.reason


def test_the_goal_schema_and_linter_accept_a_disposition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES / "disposition.yaml"), "--as-of", "2027-01-20"]) == 0
    assert "E002" not in capsys.readouterr().out


def test_the_linter_rejects_an_outcome_that_is_not_a_clinicians_record(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = disposition_example()
    data["risk_dispositions"][0]["outcome"] = "no-risk"
    path = write(tmp_path, "bad.yaml", data)
    assert main(["validate", str(path), "--as-of", "2027-01-20"]) == 1
    assert "E002" in capsys.readouterr().out


# --- the plan side reads the same record --------------------------------------------------------


def assessment(dispositions: list[dict[str, str]] | None, item9_date: str = "2026-11-20") -> dict[str, Any]:
    data: dict[str, Any] = {
        "planengine": 1,
        "patient": {"id": "P-400"},
        "responses": [
            {"instrument": "phq9", "date": item9_date, "answers": [2, 2, 2, 2, 1, 1, 2, 1, 1]}
        ],
    }
    if dispositions is not None:
        data["risk_dispositions"] = dispositions
    return data


RECORD = {
    "signal": "phq9.item9",
    "by": "Dr A. Rivera",
    "date": "2026-11-24",
    "outcome": "assessed-no-current-risk-identified",
    "next_review": "2026-12-08",
}


def plan_of(data: dict[str, Any]) -> Any:
    from planengine import Assessment, Engine

    return Engine(autoload=False).plan(
        Assessment.from_mapping(data), as_of=dt.date(2026, 11, 25)
    )


def test_the_plan_reads_a_current_disposition_and_keeps_the_safety_problem() -> None:
    plan = plan_of(assessment([RECORD]))
    safety = plan.problems[0]
    assert safety.id == "problem-safety"  # a plan is a draft: the safety problem stays first
    step = next(s for s in safety.interventions if s.id == "safety-risk-assessment")
    assert step.title == "Review the clinician's recorded risk assessment with the patient"
    assert "Dr A. Rivera" in step.description
    objective = safety.objectives[0]
    assert objective.statement.startswith("Review the clinician's recorded risk assessment")
    text = json.dumps(plan.to_dict()).lower()
    assert "no risk" not in text and "risk assessment today" not in plan.risk_flags[0].message


def test_the_plan_without_a_current_disposition_asks_for_the_assessment_today() -> None:
    for data in (assessment(None), assessment([RECORD], item9_date="2026-11-25")):
        plan = plan_of(data)
        step = next(s for s in plan.problems[0].interventions if s.id == "safety-risk-assessment")
        assert step.title == "Clinician suicide-risk assessment today"


def test_the_plan_refuses_a_disposition_it_cannot_read() -> None:
    from planengine import Assessment, InputError

    bad = dict(RECORD, outcome="safe")
    with pytest.raises(InputError) as error:
        Assessment.from_mapping(assessment([bad]))
    assert "$.risk_dispositions[0].outcome" in str(error.value)


def test_the_plans_goal_file_carries_the_disposition_to_the_review() -> None:
    from planengine.render._plan import plan_to_goal_document

    document = plan_to_goal_document(plan_of(assessment([RECORD])))
    assert document["risk_dispositions"][0]["by"] == "Dr A. Rivera"
    review = review_goals(document, as_of=dt.date(2026, 11, 25))
    assert [f.status for f in review.risk_flags] == ["dispositioned"]


# --- item 9: crisis resources in text, and exit 2 never hides an open flag --------------------


def test_text_shows_the_abuse_services_beside_a_private_flag_as_json_lists_them() -> None:
    from planengine.review import ReviewConfig

    data = item9_patient("p-700", 0)
    data["x-private-flags"] = [{"id": "risk-1", "kind": "private-safety", "opened": "2027-01-10"}]
    review = review_goals(data, as_of=AS_OF, config=ReviewConfig(crisis_locale="US"))
    run = review_paths([], as_of=AS_OF)
    run = type(run)(AS_OF, (review,), ())
    text = render_review(run, "text")
    hotline = next(r for r in review.crisis.for_abuse if r not in review.crisis.for_crisis)
    assert hotline.name in text and hotline.name in render_review(run, "markdown")


def test_an_open_flag_is_not_hidden_by_another_files_input_error(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "flag.yaml", item9_patient("p-801", 2))
    (tmp_path / "broken.yaml").write_text("planengine: 1\ngoals: [\n", encoding="utf-8")
    code = main(["review", "--as-of", "2027-01-20", "--no-plugins", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2  # documented: input errors are exit 2, and the flag is still said
    assert "RISK FLAG [p-801/risk-1" in out
    assert "open risk flag(s) (p-801/risk-1)" in out and "open all the same" in out
    assert "p-801/risk-1" in err and "hides none of them" in err


def test_review_output_is_written_by_a_rename(tmp_path: pathlib.Path, monkeypatch: Any) -> None:
    import os

    renamed: list[str] = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renamed.append(str(b)), real(a, b)))
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")  # not planengine's: replaced only with --force
    main(["review", "--as-of", "2027-01-20", "--no-plugins", "-f", "markdown", "--force", "-o", str(target),
          str(EXAMPLES / "disposition.yaml")])
    assert renamed == [str(target)]  # never half a report under the real name
    assert target.read_text(encoding="utf-8").startswith("# Progress review")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left
