"""SMART rules, data-driven: every valid example passes, every invalid one breaks the rule it is
named after (tests/example-files/smart/{valid,invalid}/)."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from planengine.io._loader import load_document
from planengine.smart import (
    BUILTIN_RULES,
    Hit,
    SmartConfig,
    SmartRule,
    check_goals,
    config_from_mapping,
)
from planengine.smart._check import RuleSet, collect_plugin_rules

EXAMPLES = Path(__file__).parent / "example-files" / "smart"
AS_OF = datetime.date(2026, 12, 15)


def _stand_in(total_max: int, direction: str, rcp: float | None, mcid: float | None) -> Any:
    change = SimpleNamespace(mcid=mcid, reliable_change_points=rcp, scale="total")
    return SimpleNamespace(total_min=0, total_max=total_max, direction=direction, change=change)


@pytest.fixture(scope="module")
def instruments() -> Any:
    """The real registry when it loads; small stand-ins with the clinical.md numbers otherwise."""
    try:
        from planengine.instruments._data_files import load_builtin_instruments

        found = load_builtin_instruments()
        if {"phq9", "isi"} <= set(found):
            return found
    except Exception:
        pass
    return {
        "phq9": _stand_in(27, "higher-is-worse", 6, 5),
        "isi": _stand_in(28, "higher-is-worse", None, 6),
        "who5": _stand_in(25, "higher-is-better", None, None),
    }


def _codes(path: Path, instruments: Any, **kwargs: Any) -> list[str]:
    from planengine._errors import DocumentParseError

    try:
        document = load_document(path)
    except DocumentParseError:
        return ["E001"]
    return [v.code for v in check_goals(document, as_of=AS_OF, instruments=instruments, **kwargs)]


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").iterdir()), ids=lambda p: p.name)
def test_valid_examples_pass(path: Path, instruments: Any) -> None:
    assert _codes(path, instruments) == []


@pytest.mark.parametrize("path", sorted((EXAMPLES / "invalid").iterdir()), ids=lambda p: p.name)
def test_invalid_example_breaks_its_rule(path: Path, instruments: Any) -> None:
    code = path.stem.split(".")[0]  # "M203.pending-past-its-date": a second example of M203
    assert code in _codes(path, instruments)
    # and the rule can be switched off
    if code != "E001":
        config = SmartConfig(ignore=(code,))
        assert code not in _codes(path, instruments, config=config)


def test_every_rule_has_an_example_and_metadata() -> None:
    invalid = {p.stem.split(".")[0] for p in (EXAMPLES / "invalid").iterdir()}
    for rule in BUILTIN_RULES:
        assert rule.message and rule.fix and rule.source and rule.docs, rule.code
        if rule.code != "E009":  # raised only by a crashing rule; tested below
            assert rule.code in invalid, f"no invalid example for {rule.code}"
    assert len({r.code for r in BUILTIN_RULES}) == len(BUILTIN_RULES)
    assert len({r.name for r in BUILTIN_RULES}) == len(BUILTIN_RULES)


def _goal(**changes: Any) -> dict[str, Any]:
    goal: dict[str, Any] = {
        "id": "g",
        "area": "sleep",
        "statement": "Improve sleep",
        "patient_words": "sleep",
        "addresses": ["isi"],
        "measure": {
            "instrument": "isi",
            "baseline": {"value": 18, "date": "2026-11-01"},
            "target": {"value": 14, "comparator": "<="},
        },
        "start_date": "2026-11-01",
        "due_date": "2027-03-01",
        "review_interval_days": 30,
    }
    goal.update(changes)
    return {key: value for key, value in goal.items() if value is not None}


def test_vague_words_pass_with_metric_and_target(instruments: Any) -> None:
    assert check_goals(_goal(), as_of=AS_OF, instruments=instruments) == []
    # a missing date is T501's alone: S101 judges the wording (issue 20)
    codes = [v.code for v in check_goals(_goal(due_date=None), as_of=None, instruments=instruments)]
    assert "T501" in codes and "S101" not in codes
    codes = [v.code for v in check_goals(_goal(measure=None), as_of=None, instruments=instruments)]
    assert "S101" in codes


def test_seed_style_goal_is_flagged(instruments: Any) -> None:
    seed = {"id": "s", "area": "anxiety", "statement": "Manage anxiety better"}
    codes = {v.code for v in check_goals(seed, as_of=None, instruments=instruments)}
    assert {"S101", "M201", "T501", "T505", "R401"} <= codes
    violation = check_goals(seed, as_of=None, instruments=instruments)[0]
    assert violation.file is None and violation.line is None and violation.goal_id == "s"


def test_as_of_none_skips_due_date_passed(instruments: Any) -> None:
    goal = _goal(due_date="2026-12-10")
    assert "T503" in [v.code for v in check_goals(goal, as_of=AS_OF, instruments=instruments)]
    assert "T503" not in [v.code for v in check_goals(goal, as_of=None, instruments=instruments)]


@pytest.mark.parametrize(
    ("days", "limit", "fires"),
    [(90, 90, False), (91, 90, True), (45, 30, True), (365.0, 90, True), (90.0, 90, False)],
)
def test_review_interval_limit(days: int, limit: int, fires: bool, instruments: Any) -> None:
    config = SmartConfig(max_review_interval_days=limit)
    found = check_goals(
        _goal(review_interval_days=days), as_of=None, config=config, instruments=instruments
    )
    assert ("T506" in [v.code for v in found]) is fires


def test_selection_prefix_specificity() -> None:
    config = config_from_mapping(
        {"select": ["M", "T5"], "ignore": ["M2"], "extend-select": ["M203"]}
    )
    assert config.is_enabled("M203", "no-baseline")
    assert not config.is_enabled("M204", "no-target")
    assert config.is_enabled("T501", "no-due-date")
    assert not config.is_enabled("S101", "vague-without-measure")
    by_name = SmartConfig(ignore=("no-target",))
    assert not by_name.is_enabled("M204", "no-target")
    assert by_name.is_enabled("M203", "no-baseline")


def test_per_file_ignores_and_severity(instruments: Any) -> None:
    config = config_from_mapping(
        {"per-file-ignores": {"drafts/*": ["T"]}, "severity": {"R401": "warning"}}
    )
    assert not config.is_enabled("T501", "no-due-date", "drafts/a.yaml")
    assert config.is_enabled("T501", "no-due-date", "final/a.yaml")
    found = check_goals(_goal(addresses=[]), as_of=None, config=config, instruments=instruments)
    assert [(v.code, v.severity) for v in found] == [("R401", "warning")]


def _plugin_rule(**changes: Any) -> SmartRule:
    def check(ctx: Any) -> Any:
        if "sleep" in ctx.goal.get("statement", "").lower():
            yield Hit(("statement",), "mentions sleep")

    fields: dict[str, Any] = dict(
        code="SLP101",
        name="mentions-sleep",
        letter="S",
        severity="warning",
        message="mentions sleep",
        check=check,
    )
    fields.update(changes)
    return SmartRule(**fields)


def test_extra_rules_run_and_can_be_suppressed(instruments: Any) -> None:
    rule = _plugin_rule(plugin="sleep-plugin")
    found = check_goals(_goal(), as_of=None, instruments=instruments, extra_rules=[rule])
    assert [(v.code, v.plugin, v.json_path) for v in found] == [
        ("SLP101", "sleep-plugin", "$.goals[0].statement")
    ]
    suppressed = _goal(suppress=[{"rule": "mentions-sleep", "reason": "sleep programme"}])
    assert check_goals(suppressed, as_of=None, instruments=instruments, extra_rules=[rule]) == []


def test_crashing_rule_is_reported_not_raised(instruments: Any) -> None:
    def boom(ctx: Any) -> Any:
        raise RuntimeError("bug")

    rule = _plugin_rule(check=boom, plugin="bad")
    found = check_goals(_goal(), as_of=None, instruments=instruments, extra_rules=[rule])
    assert [v.code for v in found] == ["E009"]
    assert "bad" in found[0].message


def test_plugin_hook_registration() -> None:
    import pluggy

    from planengine import hookspecs
    from planengine._errors import PluginError

    class Good:
        @hookspecs.hookimpl
        def register_smart_rules(self, register: Any) -> None:
            register(_plugin_rule())

    class Clash:
        @hookspecs.hookimpl
        def register_smart_rules(self, register: Any) -> None:
            register(_plugin_rule(code="M999", name="core-prefix"))

    manager = pluggy.PluginManager("planengine")
    manager.add_hookspecs(hookspecs)
    manager.register(Good(), name="good")
    rules = collect_plugin_rules(manager)
    assert [(r.code, r.plugin) for r in rules] == [("SLP101", "good")]
    manager.register(Clash(), name="clash")
    with pytest.raises(PluginError, match="core prefix"):
        collect_plugin_rules(manager)
    with pytest.raises(PluginError, match="already defined"):
        RuleSet([_plugin_rule(), _plugin_rule(code="SLP102")])


@pytest.mark.parametrize(
    ("baseline", "target", "comparator", "due", "fires"),
    [
        (27, 0, "<=", "2026-11-15", True),  # clinical.md §6.2: PHQ-9 27 -> 0 in 2 weeks warns
        (15, 9, "<=", "2027-02-01", False),  # one reliable change in 13 weeks
        (27, 4, "<", "2027-10-01", False),  # 48 weeks allow it
        (27, 0, "<=", "2026-11-01", True),  # no time at all still allows only one reliable change
        (15, 9, "<=", "2026-11-01", False),
    ],
)
def test_plausible_change(
    baseline: int, target: int, comparator: str, due: str, fires: bool, instruments: Any
) -> None:
    goal = _goal(
        measure={
            "instrument": "phq9",
            "baseline": {"value": baseline, "date": "2026-11-01"},
            "target": {"value": target, "comparator": comparator},
        },
        due_date=due,
        addresses=["phq9"],
        area="depression",
        statement="PHQ-9 down",
    )
    codes = [v.code for v in check_goals(goal, as_of=None, instruments=instruments)]
    assert ("A303" in codes) is fires


def test_a_misspelt_config_key_is_an_error_not_ignored() -> None:
    from planengine._errors import ConfigError
    from planengine.smart._config import config_from_mapping

    with pytest.raises(ConfigError, match="unknown key 'ignores'"):
        config_from_mapping({"ignores": ["R402"]}, where="pyproject.toml")
    config_from_mapping({"ignore": ["R402"], "plan": {"horizon-weeks": 8}})  # known keys pass


def _phq9_goal(**changes: Any) -> dict[str, Any]:
    return _goal(
        measure={
            "instrument": "phq9",
            "baseline": {"value": 15, "date": "2026-11-01"},
            "target": {"value": 9, "comparator": "<="},
        },
        addresses=["phq9"],
        area="depression",
        statement="PHQ-9 down",
        **changes,
    )


def _codes_of(document: Any, instruments: Any, **kwargs: Any) -> list[str]:
    return [v.code for v in check_goals(document, as_of=None, instruments=instruments, **kwargs)]


def test_a_huge_integer_is_out_of_range_not_a_crash(instruments: Any) -> None:
    goal = _phq9_goal()
    goal["measure"]["baseline"]["value"] = 10**400
    codes = _codes_of(goal, instruments)
    assert "M206" in codes and "E009" not in codes


@pytest.mark.parametrize(("value", "shown"), [(10**400, "inf"), (-(10**400), "-inf"), (1e16, "10000000000000000")])
def test_a_number_too_large_to_use_is_still_out_of_range_and_too_long(
    instruments: Any, value: float, shown: str
) -> None:
    # planengine._values.read_number refuses it; the range and interval rules still report it
    goal = _phq9_goal(review_interval_days=value)
    goal["measure"]["baseline"]["value"] = value
    found = {v.code: v.message for v in check_goals(goal, as_of=None, instruments=instruments)}
    assert found["M206"] == f"{shown} is outside the phq9 range 0-27"
    assert ("T506" in found) == (value > 0)


@pytest.mark.parametrize(
    ("instrument", "baseline", "target", "comparator", "expected"),
    [
        # no comparator: the target value is where the goal heads (`planengine rules A302`)
        ("phq9", 12, 18, None, {"A302"}),
        ("phq9", 15, 18, None, {"A302"}),
        ("phq9", 12, 12, None, {"A301"}),  # no change asked for: met, not deterioration
        ("phq9", 12, 6, None, set()),
        ("who5", 12, 8, None, {"A302"}),  # higher is better
        ("who5", 12, 16, None, set()),
        # a comparator towards better that the baseline already meets is A301, not A302
        ("phq9", 15, 18, "<=", {"A301"}),
        ("phq9", 12, 18, ">=", {"A302"}),
        ("phq9", 12, 18, "==", {"A302"}),
        ("who5", 12, 8, ">=", {"A301"}),
    ],
)
def test_a302_reads_a_missing_comparator_as_heading_for_the_target(
    instrument: str,
    baseline: int,
    target: int,
    comparator: str | None,
    expected: set[str],
    instruments: Any,
) -> None:
    goal = _phq9_goal()
    goal["measure"] = {
        "instrument": instrument,
        "baseline": {"value": baseline, "date": "2026-11-01"},
        "target": {"value": target, **({"comparator": comparator} if comparator else {})},
    }
    goal["addresses"] = [instrument]
    assert set(_codes_of(goal, instruments)) & {"A301", "A302"} == expected


@pytest.mark.parametrize(
    ("start", "due", "fires"),
    [
        ("2026-11-26", "2027-11-26", False),  # exactly a year
        ("2026-11-26", "2027-11-27", True),  # a year and a day, though only 366 days
        ("2027-03-01", "2028-03-01", False),  # 366 days over 29 February: still a year
        ("2028-02-29", "2029-02-28", False),
        ("2028-02-29", "2029-03-01", True),
    ],
)
def test_t504_counts_calendar_years(start: str, due: str, fires: bool, instruments: Any) -> None:
    goal = _goal(start_date=start, due_date=due)
    goal["measure"]["baseline"]["date"] = start
    assert ("T504" in _codes_of(goal, instruments)) is fires


def test_dates_outside_the_goals_are_checked_too(instruments: Any) -> None:
    document = {
        "planengine": 1,
        "as_of": "2026-02-30",
        "assessments": [{"instrument": "phq9", "date": "2026-13-45", "total": 12}],
        "goals": [_goal()],
    }
    found = {(v.code, v.json_path) for v in check_goals(document, as_of=None, instruments=instruments)}
    assert {("E004", "$.as_of"), ("E004", "$.assessments[0].date")} <= found


def test_a_file_level_rule_cannot_be_suppressed(instruments: Any) -> None:
    twin = _goal(suppress=[{"rule": "E005", "reason": "on purpose"}])
    found = check_goals({"planengine": 1, "goals": [_goal(), twin]}, as_of=None, instruments=instruments)
    codes = [(v.code, v.message) for v in found]
    assert any(code == "E005" for code, _ in codes)
    assert not [c for c, _ in codes if c == "E007"]
    assert any(code == "E008" and "cannot be suppressed" in message for code, message in codes)


@pytest.mark.parametrize(("key", "level"), [("T", "info"), ("ALL", "info"), ("T5", "warning")])
def test_severity_by_prefix_or_all(key: str, level: str, instruments: Any) -> None:
    config = config_from_mapping({"severity": {key: level}, "max-review-interval-days": 20})
    found = check_goals(_goal(), as_of=None, config=config, instruments=instruments)
    assert {v.severity for v in found if v.code == "T506"} == {level}
    specific = config_from_mapping({"severity": {"T": "info", "T506": "warning"}})
    assert specific.severity_of("T506", "review-interval-over-max", "error") == "warning"
    assert specific.severity_of("E001", "parse-error", "error") == "error"


def test_a_gas_expected_level_of_only_spaces_is_not_written(instruments: Any) -> None:
    levels = {str(k): f"level {k}" for k in range(-2, 3)}
    base = _goal(measure=None, gas={"levels": levels})
    assert "M201" not in _codes_of(base, instruments)
    blank = _goal(measure=None, gas={"levels": {**levels, "0": "   "}})
    assert "M201" in _codes_of(blank, instruments)
    as_ints = _goal(measure=None, gas={"levels": {k: f"level {k}" for k in range(-2, 3)}})
    assert "M201" not in _codes_of(as_ints, instruments)


@pytest.mark.parametrize("as_of", ["2026-11-25", datetime.datetime(2026, 11, 25, 9, 0)])
def test_check_goals_refuses_an_as_of_that_is_not_a_date(as_of: Any, instruments: Any) -> None:
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date"):
        check_goals(_goal(), as_of=as_of, instruments=instruments)


def _metric_and_instrument_goal(
    instrument: str, unit: str, baseline: float, target: float, comparator: str
) -> dict[str, Any]:
    """A goal naming both a metric and an instrument, like ``planengine plan --format goals``."""
    return _goal(
        measure={
            "metric": f"{instrument} total",
            "instrument": instrument,
            "unit": unit,
            "baseline": {"value": baseline, "date": "2026-11-01"},
            "target": {"value": target, "comparator": comparator},
        },
        addresses=[instrument],
        statement="Total down",
    )


@pytest.mark.parametrize(
    ("instrument", "unit", "baseline", "target", "comparator", "expected"),
    [
        # the unit the engine writes, in any case, with the instrument's name or id
        ("phq9", "PHQ-9 points", 12, 18, ">=", {"A302"}),
        ("phq9", "phq9 points", 12, 18, ">=", {"A302"}),
        ("phq9", "PHQ-9 Score", 12, 18, ">=", {"A302"}),
        ("phq9", "phq-9 total", 12, 18, ">=", {"A302"}),
        ("phq9", "Points", 12, 18, ">=", {"A302"}),
        ("phq9", "points", 12, 18, ">=", {"A302"}),
        ("isi", "ISI points", 10, 20, ">=", {"A302"}),
        ("phq9", "PHQ-9 points", 40, 18, ">=", {"A302", "M206"}),
        ("phq9", "PHQ-9 points", 12, 30, "<=", {"M206"}),
        # a free metric in its own unit answers to the instrument but is not on its scale
        ("phq9", "minutes", 12, 18, ">=", set()),
        ("phq9", "minutes", 40, 18, ">=", set()),
        ("isi", "GAD-7 points", 10, 20, ">=", set()),
    ],
)
def test_a_unit_naming_the_instrument_total_is_its_scale(
    instrument: str,
    unit: str,
    baseline: float,
    target: float,
    comparator: str,
    expected: set[str],
    instruments: Any,
) -> None:
    goal = _metric_and_instrument_goal(instrument, unit, baseline, target, comparator)
    found = set(_codes_of(goal, instruments)) & {"A302", "M206"}
    assert found == expected


_WRONGLY_TYPED = {"planengine": 1, "goals": [{**_goal(), "review_interval_days": "900"}]}
_VERSION_2 = {"planengine": 2, "goals": [{"id": "v", "area": "depression", "statement": "x"}]}


@pytest.mark.parametrize(
    ("document", "code"), [(_WRONGLY_TYPED, "E002"), (_VERSION_2, "E003")], ids=["E002", "E003"]
)
@pytest.mark.parametrize(
    ("settings", "reported"),
    [
        ({}, True),
        ({"select": ["M"]}, True),
        ({"select": ["S", "M", "A", "R", "T"]}, True),  # the example in _smart/_config.py
        ({"select": ["T5"], "ignore": ["E"]}, True),
        ({"ignore": ["ALL"]}, True),
        ({"per-file-ignores": {"*": ["E0"]}}, True),
        ({"ignore": ["CODE"]}, False),  # only the exact code or name turns it off
        ({"ignore": ["NAME"]}, False),
        ({"select": ["M"], "per-file-ignores": {"*": ["CODE"]}}, False),
    ],
)
def test_input_validity_checks_run_whatever_select_says(
    document: dict[str, Any], code: str, settings: dict[str, Any], reported: bool, instruments: Any
) -> None:
    name = {"E002": "schema-violation", "E003": "unsupported-version"}[code]
    exact = {"CODE": code, "NAME": name}
    table = {
        key: (
            {glob: [exact.get(s, s) for s in codes] for glob, codes in value.items()}
            if isinstance(value, dict)
            else [exact.get(s, s) for s in value]
        )
        for key, value in settings.items()
    }
    config = config_from_mapping(table)
    assert config.is_enabled(code, name, "a.yaml") is reported
    assert config.is_enabled("E001", "parse-error", "a.yaml")
    if "per-file-ignores" not in settings:  # in-memory data has no file name to match
        found = check_goals(document, as_of=None, config=config, instruments=instruments)
        assert (code in [v.code for v in found]) is reported


@pytest.mark.parametrize(
    ("selector", "code", "selects"),
    [
        ("S", "S101", True),
        ("S1", "S101", True),
        ("S", "SLP101", False),  # a plugin's prefix is its own, as in ruff
        ("S1", "SLP101", False),
        ("SL", "SLP101", False),
        ("SLP", "SLP101", True),
        ("SLP1", "SLP101", True),
        ("SLP10", "SLP101", True),
        ("CB", "CBT101", False),
        ("CBT", "CBT101", True),
        ("ALL", "SLP101", True),
        ("SLP101", "SLP101", True),
        ("mentions-sleep", "SLP101", True),
    ],
)
def test_a_prefix_selects_only_codes_with_the_same_letters(
    selector: str, code: str, selects: bool
) -> None:
    name = "mentions-sleep" if code == "SLP101" else "some-rule"
    assert SmartConfig(select=(selector,)).is_enabled(code, name) is selects
    assert SmartConfig(ignore=(selector,)).is_enabled(code, name) is not selects
    assert SmartConfig(extend_select=(selector,), select=()).is_enabled(code, name) is selects
    severity = SmartConfig(severity=((selector, "info"),)).severity_of(code, name, "error")
    assert severity == ("info" if selects else "error")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, ["SLP101"]),
        ({"ignore": ["S"]}, ["SLP101"]),
        ({"select": ["S"]}, []),
        ({"select": ["SLP"]}, ["SLP101"]),
        ({"ignore": ["SLP1"]}, []),
    ],
)
def test_core_letter_selectors_leave_plugin_rules_alone(
    settings: dict[str, Any], expected: list[str], instruments: Any
) -> None:
    rule = _plugin_rule(plugin="sleep-plugin")
    config = config_from_mapping(settings)
    found = check_goals(_goal(), as_of=None, config=config, instruments=instruments, extra_rules=[rule])
    assert [v.code for v in found] == expected


@pytest.mark.parametrize(
    ("code", "allowed"),
    [("SLP101", True), ("ST101", True), ("CBT101", True), ("S999", False), ("E050", False)],
)
def test_a_plugin_rule_code_needs_its_own_letters(code: str, allowed: bool) -> None:
    from planengine._errors import PluginError
    from planengine.smart._check import _plugin_rule as check_plugin_rule

    rule = _plugin_rule(code=code)
    if allowed:
        assert check_plugin_rule(rule, "p").code == code
    else:
        with pytest.raises(PluginError, match="core prefix"):
            check_plugin_rule(rule, "p")


@pytest.mark.parametrize(
    ("rule", "due", "as_of", "expected"),
    [
        # T503 depends on the as-of date: before the due date it does not fire yet, but will
        ("T503", "2027-02-28", datetime.date(2026, 12, 1), []),
        ("T503", "2027-02-28", None, []),
        ("T503", "2026-11-30", datetime.date(2026, 12, 1), []),  # fires, and is suppressed
        ("due-date-passed", "2027-02-28", datetime.date(2026, 12, 1), []),
        # a rule that does not depend on the date is reported when it does not fire
        ("T504", "2027-02-28", datetime.date(2026, 12, 1), ["E007"]),
    ],
)
def test_an_unfired_date_dependent_suppression_is_not_unused(
    rule: str, due: str, as_of: datetime.date | None, expected: list[str], instruments: Any
) -> None:
    goal = _goal(
        due_date=due,
        start_date="2026-11-25",
        suppress=[{"rule": rule, "reason": "court-ordered 12-month programme"}],
    )
    found = check_goals(goal, as_of=as_of, instruments=instruments)
    assert [v.code for v in found] == expected


def test_only_t503_is_date_dependent() -> None:
    assert [rule.code for rule in BUILTIN_RULES if rule.date_dependent] == ["T503"]
