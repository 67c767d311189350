"""Bad input: every bad value is a finding with file, line and JSON path; none is dropped silently."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest

from planengine.io._loader import load_document, parse_document
from planengine.review import review_goals

AS_OF = dt.date(2026, 11, 25)
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"


def test_bad_input_example_reports_each_problem_where_it_is() -> None:
    result = review_goals(load_document(EXAMPLES / "bad-input.yaml"), as_of=AS_OF)
    found = {(f.code, f.json_path, f.line) for f in result.findings}
    assert ("input.before-baseline", "$.goals[0].progress[0].date", 17) in found
    assert ("input.unsorted", "$.goals[0].progress[2].date", 19) in found
    assert ("input.duplicate-date", "$.goals[0].progress[3].date", 20) in found
    assert ("input.out-of-range", "$.goals[0].progress[4].value", 21) in found
    assert ("input.after-as-of", "$.goals[0].progress[5].date", 22) in found
    assert ("input.unit-converted", "$.goals[1].progress[1].unit", 37) in found
    assert ("input.unit-mismatch", "$.goals[1].progress[2].unit", 38) in found
    assert all(f.file and f.file.endswith("bad-input.yaml") for f in result.findings)
    assert result.exit_code == 2
    # Usable entries still count: 16 (baseline), 14 (2026-10-01), 13 (2026-11-01).
    assert [m.value for m in result.goal("mood").measurements] == [16, 14, 13]


def test_every_progress_entry_is_used_or_reported() -> None:
    result = review_goals(load_document(EXAMPLES / "bad-input.yaml"), as_of=AS_OF)
    for index, goal in enumerate(result.goals):
        doc = load_document(EXAMPLES / "bad-input.yaml").data["goals"][index]
        used = {m.json_path for m in goal.measurements if m.source == "progress"}
        left_out = {
            f.json_path.rsplit(".", 1)[0]
            for f in result.findings
            if f.severity == "error" and f.goal_id == goal.goal_id
        }
        for i in range(len(doc["progress"])):
            path = f"$.goals[{index}].progress[{i}]"
            assert (path in used) != (path in left_out), path


YAML = """\
planengine: 1
goals:
  - id: calm
    area: anxiety
    statement: s
    measure:
      instrument: gad7
      unit: minutes
      baseline: {value: 30, date: 2026-09-01}
      target: {value: 10, comparator: "<="}
    start_date: 2026-09-01
    due_date: 2027-01-01
  - id: well
    area: wellbeing
    statement: s
    measure:
      instrument: who5
      baseline: {value: 12, date: 2026-09-01}
      target: {value: 17, comparator: ">="}
    start_date: 2026-09-01
    due_date: 2027-01-01
    progress:
      - {date: 2026-10-01, value: 60}
      - {date: not-a-date, value: 14}
      - {date: 2026-10-15, value: "15"}
      - {date: 2026-10-20, value: 14.5}
"""


def test_unit_mismatches_and_bad_values() -> None:
    result = review_goals(parse_document(YAML, name="goals.yaml"), as_of=AS_OF)
    codes = {(f.code, f.json_path) for f in result.findings}
    assert ("input.unit-mismatch", "$.goals[0].measure.unit") in codes
    assert result.goal("calm").scale == "metric"
    assert ("input.out-of-range", "$.goals[1].progress[0].value") in codes
    hint = next(f for f in result.findings if f.json_path == "$.goals[1].progress[0].value")
    assert "percent" in hint.message  # WHO-5 60 looks like a percent score
    assert ("input.date-invalid", "$.goals[1].progress[1].date") in codes
    assert ("input.not-a-number", "$.goals[1].progress[2].value") in codes
    assert ("input.not-whole-number", "$.goals[1].progress[3].value") in codes
    for finding in result.findings:
        assert finding.line is not None and finding.file == "goals.yaml"


@pytest.mark.parametrize(
    "data",
    [
        {"planengine": 1},
        {"planengine": 1, "goals": "x"},
        {"planengine": 1, "goals": [1, None, "x"]},
        {"planengine": 1, "goals": [{"id": 3, "measure": "x", "progress": "x", "gas": 5}]},
        {
            "planengine": 1,
            "goals": [{"measure": {"instrument": "nope", "baseline": {"value": "a"}}}],
        },
        {
            "planengine": 1,
            "goals": [
                {
                    "measure": {"baseline": {"value": 1}, "target": {"value": True}},
                    "due_date": "2026-01-01",
                    "start_date": "2026-02-01",
                }
            ],
        },
        {
            "planengine": 1,
            "assessments": [
                None,
                {"instrument": "phq9", "date": "2026-01-01", "total": 99},
                {"instrument": "phq9", "date": "2026-01-01", "total": 5, "answers": [9, 9]},
            ],
            "goals": [],
        },
    ],
)
def test_malformed_documents_give_findings_not_exceptions(data) -> None:
    result = review_goals(data, as_of=AS_OF)
    assert result.findings
    result.to_dict()


def test_duplicate_assessment_and_conflicting_goal_value() -> None:
    data = {
        "planengine": 1,
        "assessments": [
            {"instrument": "phq9", "date": "2026-10-01", "total": 12},
            {"instrument": "phq9", "date": "2026-10-01", "total": 13},
        ],
        "goals": [
            {
                "id": "g",
                "area": "depression",
                "statement": "s",
                "measure": {
                    "instrument": "phq9",
                    "baseline": {"value": 15, "date": "2026-09-01"},
                    "target": {"value": 9, "comparator": "<="},
                },
                "due_date": "2027-01-01",
                "progress": [{"date": "2026-10-01", "value": 11}],
            }
        ],
    }
    result = review_goals(data, as_of=AS_OF)
    codes = {f.code for f in result.findings}
    assert {"input.duplicate-date", "input.conflicting-values"} <= codes
    assert [m.value for m in result.goal("g").measurements] == [15, 11]


def test_answers_disagreeing_with_the_total() -> None:
    data = {
        "planengine": 1,
        "goals": [],
        "assessments": [
            {
                "instrument": "phq9",
                "date": "2026-10-01",
                "total": 20,
                "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0],
            }
        ],
    }
    result = review_goals(data, as_of=AS_OF)
    assert [f.code for f in result.findings] == ["input.total-mismatch"]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ("{instrument: phq9, date: 2026-13-45, answers: [0,0,0,0,0,0,0,0,2]}", "input.date-invalid"),
        ("{instrument: PHQ9, date: 2026-11-20, answers: [0,0,0,0,0,0,0,0,2]}", "input.unknown-instrument"),
    ],
)
def test_answers_left_out_with_their_entry_say_they_were_not_checked_for_risk(entry: str, code: str) -> None:
    text = f"planengine: 1\nassessments: [{entry}]\ngoals: []\n"
    result = review_goals(parse_document(text, name="r.yaml"), as_of=AS_OF)
    (finding,) = [f for f in result.findings if f.code == code]
    assert "NOT checked for risk items" in finding.message and result.exit_code == 2


# -- wrong shapes and odd values are findings, never silently ignored ----------------------------

PHQ9_GOAL = {
    "id": "mood",
    "area": "depression",
    "statement": "s",
    "measure": {
        "instrument": "phq9",
        "baseline": {"value": 20, "date": "2026-09-01"},
        "target": {"value": 9, "comparator": "<="},
    },
    "start_date": "2026-09-01",
    "due_date": "2027-02-28",
    "progress": [{"date": "2026-11-20", "value": 8}],
}


def _goal(**changes: object) -> dict:
    import copy

    goal = copy.deepcopy(PHQ9_GOAL)
    for key, value in changes.items():
        node = goal
        *parents, last = key.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return goal


@pytest.mark.parametrize(
    ("goal", "code", "path"),
    [
        (_goal(measure="PHQ-9 monthly"), "input.structure", "$.goals[0].measure"),
        (_goal(measure__target=9), "input.structure", "$.goals[0].measure.target"),
        (_goal(measure__baseline=20), "input.structure", "$.goals[0].measure.baseline"),
        (_goal(gas=[1, 2]), "input.structure", "$.goals[0].gas"),
        (
            _goal(measure__target={"value": 9, "comparator": "=<"}),
            "input.comparator",
            "$.goals[0].measure.target.comparator",
        ),
        (
            _goal(measure__target={"value": 9, "comparator": ">="}),
            "input.target-direction",
            "$.goals[0].measure.target.comparator",
        ),
        (
            _goal(measure__target={"value": 30, "comparator": ">="}),  # also out of range
            "input.target-direction",
            "$.goals[0].measure.target.comparator",
        ),
        (
            _goal(measure__baseline={"value": 1e300, "date": "2026-09-01"}),
            "input.not-a-number",
            "$.goals[0].measure.baseline.value",
        ),
        (_goal(progress=[{"date": "2026-11-20", "value": 10**400}]), "input.not-a-number",
         "$.goals[0].progress[0].value"),
    ],
)
def test_wrong_shapes_are_errors_where_they_are(goal: dict, code: str, path: str) -> None:
    result = review_goals({"planengine": 1, "goals": [goal]}, as_of=AS_OF)
    assert (code, path, "error") in {(f.code, f.json_path, f.severity) for f in result.findings}
    assert result.exit_code == 2


@pytest.mark.parametrize("version", [2, "1", True, None])
def test_another_format_version_is_an_error(version: object) -> None:
    data = {"goals": [PHQ9_GOAL]} if version is None else {"planengine": version, "goals": [PHQ9_GOAL]}
    result = review_goals(data, as_of=AS_OF)
    assert "input.format-version" in {f.code for f in result.findings} and result.exit_code == 2
    assert result.goal("mood").status.code == "achieved"  # still reviewed: nothing is lost


def test_a_target_asking_for_the_worse_direction_is_not_success() -> None:
    goal = _goal(
        measure__target={"value": 9, "comparator": ">="}, progress=[{"date": "2026-11-20", "value": 22}]
    )
    review = review_goals({"planengine": 1, "goals": [goal]}, as_of=AS_OF).goal("mood")
    assert review.status.code != "achieved"
    better = _goal(
        measure__target={"value": 9, "comparator": ">="}, progress=[{"date": "2026-11-20", "value": 10}]
    )
    assert review_goals({"planengine": 1, "goals": [better]}, as_of=AS_OF).goal("mood").status.code == "improving"


@pytest.mark.parametrize(
    ("measure_unit", "entry_unit"),
    [(None, "points"), (None, "score"), ("points", "Points"), ("percent", "%"), ("%", "percent")],
)
def test_unit_names_of_the_same_scale_are_the_same_unit(measure_unit, entry_unit) -> None:
    percent = measure_unit in ("percent", "%")
    goal = {
        "id": "g",
        "area": "depression",
        "statement": "s",
        "measure": {
            "instrument": "who5" if percent else "phq9",
            "baseline": {"value": 40 if percent else 20, "date": "2026-09-01"},
            "target": {"value": 60, "comparator": ">="} if percent else {"value": 9, "comparator": "<="},
        },
        "start_date": "2026-09-01",
        "due_date": "2027-02-28",
        "progress": [{"date": "2026-11-20", "value": 64 if percent else 8, "unit": entry_unit}],
    }
    if measure_unit:
        goal["measure"]["unit"] = measure_unit
    result = review_goals({"planengine": 1, "goals": [goal]}, as_of=AS_OF)
    assert not result.findings and len(result.goal("g").measurements) == 2


def test_a_gas_level_written_as_a_float_is_that_level() -> None:
    goal = {
        "id": "say-no",
        "area": "assertiveness",
        "statement": "s",
        "gas": {"levels": {str(k): f"level {k}" for k in range(-2, 3)}},
        "progress": [{"date": "2026-11-20", "gas_level": 1.0}],
    }
    result = review_goals({"planengine": 1, "goals": [goal]}, as_of=AS_OF)
    assert not [f for f in result.findings if f.severity == "error"]
    assert result.goal("say-no").gas.level == 1


def test_a_phq9_given_as_answers_only_is_a_measurement() -> None:
    data = {
        "planengine": 1,
        "assessments": [
            {"instrument": "phq9", "date": "2026-11-20", "answers": [0, 0, 1, 0, 0, 0, 0, 0, 0]}
        ],
        "goals": [_goal(progress=[])],
    }
    review = review_goals(data, as_of=AS_OF).goal("mood")
    assert [m.value for m in review.measurements] == [20, 1]
    assert review.status.code == "achieved"


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ([3, None], "high"),  # a later blank leaves the flag high
        ([3, 0], "high"),
        ([3, 1], "high"),  # a later lower answer does not downgrade it
        ([1, 3], "high"),
        ([1, None], "endorsed"),
        ([None, 1], "endorsed"),
        ([0, None], "unknown"),
    ],
)
def test_a_flag_keeps_its_most_serious_level(answers: list, level: str) -> None:
    data = {
        "planengine": 1,
        "goals": [],
        "assessments": [
            {"instrument": "phq9", "date": f"2026-1{i}-01", "answers": [0] * 8 + [value]}
            for i, value in enumerate(answers)
        ],
    }
    flags = review_goals(data, as_of=AS_OF).risk_flags
    assert [f.level for f in flags] == [level]


def test_of_equally_serious_answers_the_latest_is_named() -> None:
    data = {
        "planengine": 1,
        "goals": [],
        "assessments": [
            {"instrument": "phq9", "date": "2026-10-01", "answers": [0] * 8 + [3]},
            {"instrument": "phq9", "date": "2026-11-01", "answers": [0] * 8 + [2]},
        ],
    }
    (flag,) = review_goals(data, as_of=AS_OF).risk_flags
    assert (flag.level, flag.observed_on, flag.value) == ("high", dt.date(2026, 11, 1), 2)


def test_goal_values_of_a_questionnaire_with_a_risk_item_say_it_was_not_checked() -> None:
    data = {
        "planengine": 1,
        "assessments": [
            {"instrument": "phq9", "date": "2026-11-20", "answers": [0, 0, 1, 0, 0, 0, 0, 0, 0]}
        ],
        "goals": [_goal(progress=[{"date": "2026-10-20", "value": 12}])],
    }
    notices = [n for n in review_goals(data, as_of=AS_OF).notices if n.code == "review.risk-item-not-recorded"]
    assert len(notices) == 1
    assert "PHQ-9 on 2026-09-01, 2026-10-20 recorded as totals only" in notices[0].message
    assert "2026-11-20" not in notices[0].message  # answered that day: item 9 was read


TYPO_YAML = """\
planengine: 1
goals:
  - id: mood
    area: depression
    statement: PHQ-9 9 or below
    measure:
      instrument: phq9
      baseline: {value: 12, date: 2026-09-01}
      target: {value: 9, comparator: "<="}
    start_date: 2026-09-01
    due_date: 2027-02-28
    review_interval_days: 30
    progress:
      - {date: 2026-10-20, valeu: 19}
      - {date: 2026-11-20, score: 22, answers: [3, 3, 3, 3, 3, 3, 3, 0, 3]}
      - {date: 2026-11-21, note: called in sick, x-source: ehr}
"""


def test_a_progress_entry_with_unknown_fields_or_no_value_is_an_error() -> None:
    result = review_goals(parse_document(TYPO_YAML, name="typo.yaml"), as_of=AS_OF)
    found = {(f.code, f.json_path, f.line) for f in result.findings if f.severity == "error"}
    assert found == {
        ("input.unknown-field", "$.goals[0].progress[0]", 14),
        ("input.no-value", "$.goals[0].progress[0]", 14),
        ("input.unknown-field", "$.goals[0].progress[1]", 15),
        ("input.no-value", "$.goals[0].progress[1]", 15),
    }
    # the goal schema's errors (as validate's E002), with the review's words on the answers
    messages = {f.json_path + f.code: f.message for f in result.findings}
    assert "'valeu'" in messages["$.goals[0].progress[0]input.unknown-field"]
    assert "did you mean 'value'" in messages["$.goals[0].progress[0]input.unknown-field"]
    assert "'score'" in messages["$.goals[0].progress[1]input.unknown-field"]
    answers = messages["$.goals[0].progress[1].answersinput.answers-misplaced"]
    assert "answers belong in assessments" in answers and "still checked" in answers
    assert "value, gas_level, note" in messages["$.goals[0].progress[1]input.no-value"]
    assert result.exit_code == 2
    # The misplaced item answers are still read for the risk item: item 9 answered 3.
    assert [(f.instrument, f.value, f.level) for f in result.risk_flags] == [("phq9", 3, "high")]


@pytest.mark.parametrize(
    ("date", "answers", "checked"),
    [
        ("2026-11-20", [1, 1, 1, 1, 1, 1, 1, 1, 2], True),
        ("2026-12-01", [1, 1, 1, 1, 1, 1, 1, 1, 2], False),
        ("20-11-2026", [1, 1, 1, 1, 1, 1, 1, 1, 2], False),
        ("2026-11-20", None, False),
    ],
)
def test_answers_in_a_progress_entry_say_truly_whether_they_were_checked(
    date: str, answers: list[int] | None, checked: bool
) -> None:
    data = {
        "planengine": 1,
        "goals": [_goal(progress=[{"date": date, "value": 12, "answers": answers}])],
    }
    result = review_goals(data, as_of=AS_OF)
    messages = " ".join(f.message for f in result.findings)
    assert ("still checked for PHQ-9's risk items" in messages) is checked
    assert ("NOT checked" in messages) is not checked
    assert bool(result.risk_flags) is (checked and answers is not None)


def test_a_misplaced_key_in_gas_is_an_input_error_as_validate_says() -> None:
    """Issue 22: `gas: {progress: [...]}` is E002 in validate; the review used to ignore it and
    report the goal as "not rated"."""
    import datetime as dt

    from planengine.review import review_goals

    goal = {
        "id": "g", "area": "assertiveness", "statement": "s",
        "measure": {"metric": "refusals", "unit": "occasions per week",
                    "baseline": {"value": 0, "date": "2026-09-01"},
                    "target": {"value": 3, "comparator": ">="}},
        "start_date": "2026-09-01", "due_date": "2027-01-31", "review_interval_days": 30,
        "gas": {"levels": {k: "x" for k in ("-2", "-1", "0", "1", "2")},
                "progress": [{"date": "2026-11-20", "gas_level": 0}]},
    }
    review = review_goals({"planengine": 1, "goals": [goal]}, as_of=dt.date(2026, 11, 25))
    (finding,) = [f for f in review.findings if f.code == "input.unknown-field"]
    assert finding.severity == "error" and "'progress'" in finding.message
    assert finding.json_path == "$.goals[0].gas"
