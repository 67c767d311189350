"""Doses in strategy data (issue 13): homework has a dose the engine can budget.

A self-guided or clinician-supervised step says how often and for how many minutes of the
patient's own time, its own or, for a variant that makes a step homework, the step's; the schema
refuses one without (``example-files/strategy/invalid/``: each file says the error it expects).
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from planengine import DataStrategy
from planengine._errors import DocumentSchemaError
from planengine.cli._main import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
STRATEGY_FILES = sorted((ROOT / "plugins" / "planengine_builtins" / "strategies").glob("*.yaml"))
FIXTURES = pathlib.Path(__file__).resolve().parent / "example-files" / "strategy"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))
HOMEWORK = ("self-guided", "clinician-supervised")


def _load(path: pathlib.Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _expected(path: pathlib.Path) -> str:
    found = re.search(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), re.M)
    assert found, f"{path.name} names no expected error"
    return found.group(1)


def step_picks(step: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(label, fields)`` for a step's default content and each variant's, merged over it as the
    loader merges them (a variant replaces the fields it sets)."""
    yield step["id"], step
    for index, variant in enumerate(step.get("variants", ())):
        yield f"{step['id']} variant {index}", {**step, **variant}


# -- the schema rule -------------------------------------------------------------------------


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_homework_without_a_dose_is_refused_naming_file_and_path(path: pathlib.Path, capsys) -> None:
    expected = _expected(path)
    with pytest.raises(DocumentSchemaError) as raised:
        DataStrategy.from_file(path)
    text = str(raised.value)
    assert text.startswith(str(path)) and expected in text
    assert main(["validate", "--schema", "strategy", str(path)]) == 1
    json_path, message = expected.split(": ", 1)
    assert f"{message} ({json_path})" in capsys.readouterr().out


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_homework_with_a_dose_its_own_or_the_steps_loads(path: pathlib.Path) -> None:
    DataStrategy.from_file(path)


# -- the built-in data -----------------------------------------------------------------------


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=[p.stem for p in STRATEGY_FILES])
def test_every_builtin_homework_step_has_a_dose(path: pathlib.Path) -> None:
    for step in _load(path)["interventions"]:
        for label, fields in step_picks(step):
            if fields["delivery"] in HOMEWORK:
                assert fields.get("frequency") and fields.get("duration_minutes"), (
                    f"{path.stem}: {label} is {fields['delivery']} without a full dose"
                )
