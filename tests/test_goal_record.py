"""The goal model (``planengine.goals._record``): a goal as written, typed, read once by the one
reader of goal files, and the same record for the SMART rules and the review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from planengine.goals._record import GoalRecord, read_file_record, read_goal_record
from planengine.instruments._data_files import load_builtin_instruments
from planengine.review._parse import parse_goal_file
from planengine.smart import GoalContext, Hit, SmartConfig, SmartRule, check_goals

AS_OF = dt.date(2026, 12, 1)

GOAL: dict[str, Any] = {
    "id": "g1",
    "area": "depression",
    "statement": "Reduce depressive symptoms",
    "addresses": ["depression"],
    "start_date": "2026-10-01",
    "due_date": "2027-01-01",
    "review_interval_days": 14,
    "measure": {
        "instrument": "phq9",
        "unit": "points",
        "baseline": {"value": 16, "date": "2026-10-01"},
        "target": {"change_percent": -50},
    },
    "progress": [{"date": "2026-11-01", "value": 12}, {"date": "2026-02-30", "value": 99}],
    "suppress": [{"rule": "R402", "reason": "no words yet"}, {"rule": 7}, "x"],
}


def test_a_goal_reads_as_written_and_typed() -> None:
    record = read_goal_record(GOAL, 3)
    assert (record.index, record.id, record.area) == (3, "g1", "depression")
    assert record.start_date == dt.date(2026, 10, 1) and record.due_date == dt.date(2027, 1, 1)
    assert record.start == dt.date(2026, 10, 1)
    measure = record.measure
    assert measure.instrument == "phq9" and measure.baseline is not None
    assert measure.baseline.value == 16 and measure.baseline.date == dt.date(2026, 10, 1)
    # the target as written, and as the rules read it: -50 % of 16 is <= 8
    assert measure.target is not None and measure.target.value is None
    assert measure.target.change == "change_percent -50"
    assert measure.resolved_target is not None
    assert (measure.resolved_target.value, measure.resolved_target.comparator) == (8.0, "<=")
    assert [entry.value for entry in record.progress if entry] == [12, 99]
    assert record.unreadable_dates == ((("progress", 1, "date"), "2026-02-30"),)
    assert [(entry.index, entry.rule, entry.reason) for entry in record.suppress] == [
        (0, "R402", "no words yet")
    ]
    assert "patient_words" not in record.written and "measure" in record.written


def test_a_value_of_the_wrong_type_is_none_but_still_written() -> None:
    record = read_goal_record(
        {"id": 5, "statement": ["a"], "due_date": 20270101, "review_interval_days": True}, 0
    )
    assert record.id is None and record.statement is None and record.due_date is None
    assert record.review_interval_days is None  # a bool is no number
    assert {"id", "statement", "due_date", "review_interval_days"} <= record.written
    assert "measure" not in record.written and record.start is None


def test_progress_entries_gas_and_a_relative_target_read_as_written() -> None:
    record = read_goal_record(
        {
            **GOAL,
            "progress": [
                {"date": "2026-11-01", "value": 12, "unit": "points", "answers": [1, 0]},
                {"date": "2026-11-08", "gas_level": 1.0, "unit": 3},
                {"date": "2026-11-15", "gas_level": 3},
            ],
            "gas": {
                "levels": {"-2": "a", "-1": "b", 0: "c", "1": 4},
                "weight": 2,
                "current_level": -1,
            },
        },
        0,
    )
    first, second, third = record.progress
    assert first is not None and (first.unit, first.gas_level, first.answers) == (
        "points",
        None,
        [1, 0],
    )
    assert second is not None and second.gas_level == 1 and second.unit is None
    assert "unit" in second.written  # a unit that is no text: written, not usable
    assert third is not None and third.gas_level is None  # beyond +2
    gas = record.gas
    assert gas is not None and dict(gas.levels) == {"-2": "a", "-1": "b"}  # text, by text key
    assert (gas.weight, gas.current_level) == (2, -1)
    assert record.gas_expected_level == "c"  # a YAML ``0:`` key still names the expected level
    assert read_goal_record({"gas": "x"}, 0).gas == read_goal_record({"gas": []}, 0).gas
    assert read_goal_record({}, 0).gas is None
    target = record.measure.target
    assert target is not None and target.change_by == (-50, True)
    assert (
        target.change_comparator == "<="
        and target.value_at(16) == 8
        and target.value_at(None) is None
    )


def test_the_file_record_says_the_plan_cycle() -> None:
    file = read_file_record({"planengine": 1, "review_interval_days": 30, "goals": []})
    assert file.review_interval_days == 30 and "review_interval_days" in file.written


def test_the_file_record_reads_its_repeat_questionnaires_and_dates() -> None:
    file = read_file_record(
        {
            "planengine": 1,
            "as_of": "2026-02-30",
            "assessments": [
                {"instrument": "phq9", "date": "2026-11-01", "total": 12, "answers": [1, 2]},
                "not a mapping",
                {"instrument": 9, "date": "2026-13-01", "total": "x"},
            ],
            "goals": [],
        }
    )
    assert file.as_of is None
    first, second, third = file.assessments
    assert first is not None and (first.index, first.instrument, first.total) == (0, "phq9", 12)
    assert first.date == dt.date(2026, 11, 1) and first.answers == [1, 2]
    assert second is None
    assert third is not None and third.instrument is None and third.instrument_as_written == 9
    assert third.total is None and "total" in third.written and third.date is None
    assert file.unreadable_dates == (
        (("as_of",), "2026-02-30"),
        (("assessments", 2, "date"), "2026-13-01"),
    )
    assert read_file_record({"assessments": {"a": 1}}).assessments == ()


def test_the_review_and_the_rules_read_one_record_per_goal() -> None:
    """The reader of goal files gives each goal's record to the review (``ParsedGoal.record``);
    ``check_goals`` hands the rules the record the reader made, equal to one read alone."""
    document = {"planengine": 1, "goals": [GOAL, {**GOAL, "id": "g2"}]}
    instruments = load_builtin_instruments()
    parsed = parse_goal_file(document, as_of=AS_OF, instruments=instruments)
    assert [goal.record for goal in parsed.goals] == [
        read_goal_record(GOAL, 0),
        read_goal_record({**GOAL, "id": "g2"}, 1),
    ]
    seen: list[GoalRecord] = []

    def spy(ctx: GoalContext) -> list[Hit]:
        seen.append(ctx.record)
        assert ctx.record == read_goal_record(ctx.goal, ctx.index)
        return []

    rule = SmartRule(code="XG101", name="spy", letter="S", severity="info", message="m", check=spy)
    check_goals(
        document,
        as_of=AS_OF,
        config=SmartConfig(),
        instruments=instruments,
        extra_rules=[rule],
        autoload=False,
    )
    assert [record.id for record in seen] == ["g1", "g2"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "id",
        "statement",
        "area",
        "addresses",
        "start_date",
        "due_date",
        "measure",
        "progress",
        "suppress",
        "gas",
        "review_interval_days",
        "patient_words",
    ]
)
_GOALS = st.dictionaries(_KEYS, _JSON, max_size=8) | st.builds(
    lambda measure: {"measure": measure},
    st.dictionaries(st.sampled_from(["instrument", "unit", "metric", "baseline", "target"]), _JSON),
)


@given(_GOALS)
def test_any_goal_mapping_reads_into_typed_fields(goal: dict[str, Any]) -> None:
    record = read_goal_record(goal, 0)
    for text in (record.id, record.statement, record.area, record.patient_words):
        assert text is None or isinstance(text, str)
    for day in (record.start_date, record.due_date, record.start):
        assert day is None or isinstance(day, dt.date)
    days = record.review_interval_days
    assert days is None or (isinstance(days, (int, float)) and not isinstance(days, bool))
    assert record.written == frozenset(goal)
    for entry in record.suppress:
        assert isinstance(entry.rule, str) and (
            entry.reason is None or isinstance(entry.reason, str)
        )
    for path, value in record.unreadable_dates:
        assert value is not None and path[-1] in ("start_date", "due_date", "date", "by")
    for entry in record.progress:
        if entry is not None:
            assert entry.unit is None or isinstance(entry.unit, str)
            assert entry.gas_level in (None, -2, -1, 0, 1, 2)
    if record.gas is not None:
        assert all(isinstance(text, str) for text in record.gas.levels.values())
        assert set(record.gas.levels) <= {"-2", "-1", "0", "1", "2"}
    measure = record.measure
    assert measure.instrument is None or isinstance(measure.instrument, str)
    if measure.target is None:
        assert measure.resolved_target is None


def test_the_file_record_reads_the_patient_and_the_risk_dispositions() -> None:
    good = {
        "signal": "phq9.item9",
        "by": "Dr A. Example",
        "date": "2026-10-28",
        "outcome": "assessed-safety-plan-in-place",
        "next_review": "2027-02-17",
    }
    file = read_file_record(
        {"patient": {"id": 108}, "risk_dispositions": [good, {**good, "outcome": "fine"}, "x"]}
    )
    assert file.patient_id == "108"  # a whole number is read as text
    [record] = file.risk_dispositions
    assert (record.signal, record.date, record.json_path) == (
        "phq9.item9",
        dt.date(2026, 10, 28),
        "$.risk_dispositions[0]",
    )
    assert [path for path, _ in file.unreadable_dispositions] == [
        ("risk_dispositions", 1, "outcome"),
        ("risk_dispositions", 2),
    ]
    assert read_file_record({"patient": {"id": "  "}}).patient_id is None
    assert read_file_record({"risk_dispositions": 3}).unreadable_dispositions == (
        (("risk_dispositions",), "must be a list of disposition records"),
    )
