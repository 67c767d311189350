"""Schema checking: the fast path agrees with the full validator; errors carry paths and positions."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import pytest

from planengine._errors import ConfigError
from planengine.io._loader import parse_document
from planengine.io._schema_check import _full_validator, check_schema, is_valid

GOOD = {"planengine": 1, "goals": [{"id": "a", "area": "sleep", "statement": "Sleep 7 hours."}]}


def test_valid_mapping() -> None:
    assert check_schema(GOOD, "goal") == []
    assert is_valid(GOOD, "goal")


def test_errors_have_paths_and_positions() -> None:
    doc = parse_document(
        "planengine: 1\ngoals:\n  - id: a\n    area: sleep\n    statement: x\n"
        "    measure: {target: {value: often}}\n  - id: B\n",
        name="g.yaml",
    )
    issues = check_schema(doc, "goal")
    found = {(i.path_text, i.keyword, i.line, i.column) for i in issues}
    assert ("$.goals[0].measure.target.value", "type", 6, 31) in found
    assert ("$.goals[1]", "required", 7, 5) in found  # missing property: the parent's position
    assert ("$.goals[1].id", "pattern", 7, 9) in found


def test_any_of_reports_best_match() -> None:
    data = {
        "planengine": 1,
        "goals": [
            {
                "id": "a",
                "area": "sleep",
                "statement": "x",
                "progress": [{"date": "2026-01-01", "value": "x"}],
            }
        ],
    }
    issues = check_schema(data, "goal")
    assert [i.path_text for i in issues] == ["$.goals[0].progress[0].value"]
    assert "'x' is not of type 'number'" in issues[0].message


@pytest.mark.parametrize(
    "data",
    [
        GOOD,
        {"planengine": 1},
        {"planengine": 2, "goals": []},
        {"planengine": 1, "goals": [{"id": "a"}]},
        {"planengine": 1, "goals": [], "extra": 1},
        {"planengine": 1, "goals": [], "x-local": {"any": "thing"}},
        {"planengine": 1, "goals": [{**GOOD["goals"][0], "due_date": "2026-1-1"}]},
    ],
)
def test_fast_path_agrees_with_full_validator(data: dict) -> None:
    assert is_valid(data, "goal") == (not list(_full_validator("goal").iter_errors(data)))


def test_unknown_schema_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not bundled"):
        check_schema({}, "no-such-kind")


def test_dates_from_yaml_validate_as_strings() -> None:
    doc = parse_document(
        "planengine: 1\ngoals:\n  - {id: a, area: sleep, statement: x, due_date: 2027-01-01}\n",
        name="g.yaml",
    )
    assert check_schema(doc, "goal") == []


def test_goal_by_goal_check_reports_what_a_whole_document_check_reports(monkeypatch) -> None:
    """Goal files are checked goal by goal for speed; the issues must be the same as whole-file."""
    import pathlib

    from planengine._errors import InputError
    from planengine.io import _schema_check
    from planengine.io._loader import load_document

    root = pathlib.Path(__file__).parent / "example-files" / "smart"
    documents = []
    for path in sorted(root.rglob("*.*")):
        try:
            document = load_document(path)
        except InputError:
            continue  # parse errors are not schema errors
        if isinstance(document.data, dict):
            documents.append(document)
    mixed = {
        "planengine": 1,
        "extra": True,
        "goals": [
            {"id": "ok", "area": "sleep", "statement": "Sleep."},
            {"id": "Bad Id", "area": 3, "statement": ""},
            "not a goal",
            {"id": "g", "area": "sleep", "statement": "x", "measure": {"target": {"value": "5"}}},
        ],
    }
    itemised = [_schema_check.check_schema(d, "goal") for d in documents]
    itemised.append(_schema_check.check_schema(mixed, "goal"))
    monkeypatch.setattr(_schema_check, "_ITEMISED", {})
    whole = [_schema_check.check_schema(d, "goal") for d in documents]
    whole.append(_schema_check.check_schema(mixed, "goal"))
    assert itemised == whole
    assert len(whole[-1]) >= 4


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_are_schema_errors_with_their_place(value: str) -> None:
    doc = parse_document(
        "planengine: 1\ngoals:\n  - id: g\n    area: sleep\n    statement: Sleep well.\n"
        f"    measure: {{metric: sleep, unit: hours, method: diary, baseline: {{value: {value},"
        " date: 2026-11-01}, target: {value: 7, comparator: '>='}}\n",
        name="g.yaml",
    )
    issues = [i for i in check_schema(doc, "goal") if i.keyword == "finite"]
    assert [i.path_text for i in issues] == ["$.goals[0].measure.baseline.value"]
    assert issues[0].line == 6


def test_the_fast_path_is_on_when_jsonschema_rs_is_installed() -> None:
    """An old jsonschema-rs (before 0.27: no ``retriever``) silently halves validate's speed."""
    pytest.importorskip("jsonschema_rs")
    from planengine.io._schema_check import _fast_validator

    for name in ("goal", "assessment", "plan", "instrument", "strategy"):
        assert _fast_validator(name) is not None, name


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_non_finite_number_is_the_only_issue_of_an_otherwise_valid_goal(value: str) -> None:
    """Not also "the detailed check could not name the value" (the fast check refuses what the
    detailed one lets in, and the non-finite check has named it)."""
    doc = parse_document(
        f"planengine: 1\ngoals:\n  - {{id: a, area: sleep, statement: x, measure: {{baseline: "
        f"{{value: {value}}}}}}}\n",
        name="g.yaml",
    )
    issues = check_schema(doc, "goal")
    assert [(i.keyword, i.path_text) for i in issues] == [
        ("finite", "$.goals[0].measure.baseline.value")
    ]


def test_validators_that_disagree_never_pass_a_document(monkeypatch: pytest.MonkeyPatch) -> None:
    from planengine.io import _schema_check

    monkeypatch.setattr(_schema_check, "is_valid", lambda data, schema: False)
    monkeypatch.setattr(_schema_check, "_full_errors", lambda data, schema: iter(()))
    issues = check_schema(GOOD, "goal")
    assert [(i.keyword, i.path_text) for i in issues] == [("schema", "$")]
    assert "please report this" in issues[0].message


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        ({"a": [1.0, {"b": float("nan")}], "c": "x"}, [("a", 1, "b")]),
        ({"a": MappingProxyType({"b": float("inf")}), "d": dt.date(2026, 1, 1)}, [("a", "b")]),
        ({1: -float("inf"), "e": object()}, [(1,)]),
        ({"t": (float("nan"),), "f": 1e308}, []),  # a tuple is no JSON array: not walked
        ({"a": [1.5, None, True, "nan"], "d": dt.date(2026, 1, 1)}, []),
    ],
)
def test_non_finite_numbers_are_found_wherever_they_are(data, paths) -> None:
    """The encoder's quick answer ("none") and the walk agree."""
    from planengine.io._schema_check import _non_finite_paths

    assert _non_finite_paths(data) == paths
