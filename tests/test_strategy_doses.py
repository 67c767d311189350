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


# -- intensity (stepped-care R-SC14: at most one high-intensity course starts at once) ----------

#: The built-in courses of high-intensity therapy, or referrals for one: ``file: step ids``.
HIGH_INTENSITY = {
    "assertiveness": {"role-play"},
    "ba": {"ba-sessions"},
    "cbt": {"restructuring-sessions"},
    "relationships": {"couple-sessions"},
    "relaxation": {"cbt-anxiety-referral"},
    "sleep": {"cbti-referral", "imagery-rehearsal-referral"},
    "trauma": {"trauma-therapy-referral"},
}


def _weekly(frequency: dict[str, Any] | None) -> float:
    """Occasions a week (a month taken as 52/12 weeks)."""
    if not frequency:
        return 0.0
    per_week = {"day": 7.0, "week": 1.0, "month": 12 / 52}[frequency["per"]]
    return float(frequency["times"]) * per_week


def _may_be_inferred_high(fields: dict[str, Any]) -> bool:
    """The engine infers ``high`` for a clinician-led or referral step with weekly sessions for
    4 weeks or more; read generously here (any frequency at all), so that every step the engine
    could read as a course says what it is."""
    return (
        fields["delivery"] in ("clinician-led", "referral")
        and bool(fields.get("frequency"))
        and (fields.get("course_weeks") or 0) >= 4
    )


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=[p.stem for p in STRATEGY_FILES])
def test_courses_of_therapy_declare_high_intensity_and_nothing_else_is_read_as_one(
    path: pathlib.Path,
) -> None:
    courses = HIGH_INTENSITY.get(path.stem, set())
    steps = {step["id"]: step for step in _load(path)["interventions"]}
    assert courses <= set(steps)
    for step in steps.values():
        for label, fields in step_picks(step):
            intensity = fields.get("intensity")
            if fields["delivery"] in HOMEWORK:  # guided self-help, sleep restriction, homework
                assert intensity != "high", f"{path.stem}: {label} is homework, not a course"
            elif step["id"] in courses and label == step["id"]:
                assert intensity == "high", f"{path.stem}: {label} is a course of therapy"
            elif _may_be_inferred_high(fields):
                assert intensity is not None, (
                    f"{path.stem}: {label} could be inferred high ({fields.get('frequency')}, "
                    f"{fields.get('course_weeks')} weeks); say which it is"
                )
            if step["id"] not in courses:
                assert intensity != "high", f"{path.stem}: {label} is not in the table of courses"


def test_guided_self_help_in_place_of_a_course_is_low_intensity() -> None:
    for name in ("ba", "cbt"):
        data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / f"{name}.yaml")
        (course,) = (s for s in data["interventions"] if s["id"] in HIGH_INTENSITY[name])
        variants = course["variants"]
        assert [v.get("intensity") for v in variants] == ["low"] * len(variants)
        assert any(v.get("delivery") == "clinician-supervised" for v in variants)
