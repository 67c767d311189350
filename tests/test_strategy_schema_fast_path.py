"""A strategy file is checked against its schema by jsonschema-rs first, and by the pure-Python
check only when that refuses it (for the error reported): the two must give one verdict, on every
strategy file in the repository and on broken copies of them."""

from __future__ import annotations

import copy
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from planengine.strategies._validation import _fast_strategy_validator, _strategy_validator

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = sorted(
    path
    for folder in ("plugins", "examples", "tests/example-files")
    for path in (ROOT / folder).rglob("*.yaml")
    if "interventions:" in path.read_text("utf-8")
)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(name, None)


BREAKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "no id": _drop("id"),
    "no references": _drop("references"),
    "version a list": _set(("version",), [1]),
    "priority over 100": _set(("priority",), 101),
    "a review on 30 February": _set(("reviewed_by",), [{"name": "A", "date": "2026-02-30"}]),
    "a review date with a time": _set(
        ("reviewed_by",), [{"name": "A", "date": "2026-02-03T10:00"}]
    ),
    "a review without a date": _set(("reviewed_by",), [{"name": "A"}]),
    "interventions a mapping": _set(("interventions",), {"a": 1}),
    "an intervention without an id": lambda data: data["interventions"][0].pop("id", None),
    "an id ending in a newline": lambda data: data["interventions"][0].update(id="step\n"),
}


def _verdicts(data: Any) -> tuple[bool, bool]:
    fast = _fast_strategy_validator()
    assert fast is not None, "jsonschema-rs is a dependency: the fast path must be there"
    return fast.is_valid(data), not any(True for _ in _strategy_validator().iter_errors(data))


def test_there_are_strategy_files_to_compare() -> None:
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_the_fast_check_and_the_full_check_agree_on_each_strategy_file(path: pathlib.Path) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    fast, full = _verdicts(data)
    assert fast == full
    for name, change in BREAKS.items():
        broken = copy.deepcopy(data)
        try:
            change(broken)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # this file has nothing to break that way
        fast, full = _verdicts(broken)
        # the fast check may refuse more (the full check then has the last word), never less
        assert fast <= full, name
        assert fast == full or name == "an id ending in a newline", name
