"""jsonschema-rs's error iteration names a file's schema errors word for word as ``jsonschema``
does: the same issues, messages, keywords, paths and order, for any breakage of a goal file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine.io import _schema_check
from planengine.io._loader import load_document, parse_document
from planengine.io._schema_check import check_schema

ROOT = Path(__file__).resolve().parent.parent
GOAL_FILES = sorted((ROOT / "examples" / "review").glob("*.yaml"))
DOCUMENTS = [load_document(path).data for path in GOAL_FILES]  # dates stay strings
#: values that break a field in every way the goal schema can say
BREAKERS: list[Any] = [
    "",
    "low",
    "x" * 3,
    -1,
    0,
    1.5,
    1e16,
    -1e16,
    True,
    None,
    [],
    [1],
    {},
    {"x-note": 1},
    {"unknown": 1},
    "2026-13-45",
    "Goal Id",
    "phq9",
    "<=",
    "week",
]
_DELETE = object()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path inside ``value`` (mappings and lists), depth first."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


@st.composite
def broken_goal_files(draw: st.DrawFn) -> dict[str, Any]:
    """A goal file of the examples with one to three values replaced or removed."""
    data = copy.deepcopy(draw(st.sampled_from(DOCUMENTS)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        value = draw(st.sampled_from([*BREAKERS, _DELETE]))
        if value is _DELETE and isinstance(parent, dict):
            del parent[path[-1]]
        elif value is not _DELETE:
            parent[path[-1]] = copy.deepcopy(value)
    return data


def _slow_issues(data: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as patched:
        patched.setattr(_schema_check, "_fast_errors", lambda data, schema: None)
        return check_schema(data, "goal")


@given(broken_goal_files())
def test_fast_errors_read_as_jsonschema_words_them(data: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        slow = _slow_issues(data, monkeypatch)
    assert check_schema(data, "goal") == slow
    # and in a document with positions, as validate reads it
    text = json.dumps(data, indent=1)
    with pytest.MonkeyPatch.context() as monkeypatch:
        slow = _slow_issues(parse_document(text, name="g.json"), monkeypatch)
    assert check_schema(parse_document(text, name="g.json"), "goal") == slow


def test_the_fast_errors_are_used_for_plain_errors() -> None:
    data = copy.deepcopy(DOCUMENTS[0])
    goal = data["goals"][0]
    goal["statement"] = 5
    del goal["area"]
    found = _schema_check._fast_errors(data, "goal")
    assert found is not None
    assert [(path, error.validator, error.message) for path, error in found] == [
        (("goals", 0), "required", "'area' is a required property"),
        (("goals", 0, "statement"), "type", "5 is not of type 'string'"),
    ]


def test_an_error_worded_from_the_schema_is_left_to_jsonschema() -> None:
    data = copy.deepcopy(DOCUMENTS[0])
    data["goals"][0]["statement_typo"] = "x"  # unknown field: the closest allowed name
    assert _schema_check._fast_errors(data, "goal") is None
    assert "did you mean 'statement'?" in check_schema(data, "goal")[0].message
