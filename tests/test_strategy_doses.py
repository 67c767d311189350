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
#: step id (without the area prefix) -> the conditions with which a gate holds it back (read 10,
#: N-M1: with a cardiac condition, muscle relaxation waits for the medical clearance)
HELD_WITH = {
    step: frozenset(held["conditions"])
    for gate in yaml.safe_load(
        (ROOT / "src" / "planengine" / "data" / "stepped-care.yaml").read_text()
    )["gates"].values()
    for step, held in gate.get("with_conditions", {}).items()
}


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
    "ba": {"ba-sessions", "ipt-sessions"},
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
        # the courses with a guided self-help form (IPT for bipolar depression has none)
        (course,) = (s for s in data["interventions"] if s["id"] in HIGH_INTENSITY[name] and "variants" in s)
        variants = course["variants"]
        assert [v.get("intensity") for v in variants] == ["low"] * len(variants)
        assert any(v.get("delivery") == "clinician-supervised" for v in variants)


# -- objectives and their steps tell one story (issue 13 item 7) -------------------------------


def _objective_picks(
    objective: dict[str, Any],
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any], frozenset[str]]]:
    """``(label, frequency, target, conditions)`` for an objective's default dose and each
    variant that changes it (a variant keeps the default target unless it sets one;
    ``conditions``: the documented conditions the variant is for)."""
    default = objective["measure"].get("target")
    if objective.get("frequency"):
        yield objective["id"], objective["frequency"], default, frozenset()
    for index, variant in enumerate(objective.get("variants", ())):
        if variant.get("frequency"):
            label = f"{objective['id']} variant {index}"
            conditions = frozenset(variant["when"].get("conditions_any", ()))
            yield label, variant["frequency"], variant.get("target", default), conditions


def _serving(
    data: dict[str, Any], objective_id: str, conditions: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The homework steps (default content) that serve an objective, less those a gate holds
    back with one of ``conditions`` (they do not start with the objective)."""
    return [
        step for step in data["interventions"]
        if objective_id in step.get("objectives", ()) and step["delivery"] in HOMEWORK
        and not HELD_WITH.get(step["id"], frozenset()) & conditions
    ]


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=[p.stem for p in STRATEGY_FILES])
def test_an_objective_that_states_minutes_is_the_dose_its_steps_ask(path: pathlib.Path) -> None:
    """"Practise for 20 minutes on 5 days a week": each homework step serving it is practised on
    those days, and the steps' minutes add up to the objective's (no 10 minutes on 5 days over
    steps that ask for 40 minutes every day)."""
    data = _load(path)
    for objective in data["objectives"]:
        for label, frequency, _target, conditions in _objective_picks(objective):
            if "duration_minutes" not in frequency:
                continue
            steps = _serving(data, objective["id"], conditions)
            assert steps, f"{path.stem}: {label} states a dose that no homework step asks for"
            for step in steps:
                assert _weekly(step["frequency"]) == _weekly(frequency), (
                    f"{path.stem}: {step['id']} is {step['frequency']}, but {label} counts "
                    f"{frequency['times']} a {frequency['per']}"
                )
            minutes = sum(step["duration_minutes"] for step in steps)
            assert minutes == frequency["duration_minutes"], (
                f"{path.stem}: the steps serving {label} ask for {minutes} minutes a time, "
                f"the objective {frequency['duration_minutes']}"
            )


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=[p.stem for p in STRATEGY_FILES])
def test_a_counted_objective_asks_no_more_than_its_steps(path: pathlib.Path) -> None:
    """An objective that counts occasions a week has that count as its target, and at least one
    homework step serving it asks for as many: the count is a floor the steps can reach (a
    diary asked for daily may count 6 mornings a week as met), never above what they ask."""
    data = _load(path)
    for objective in data["objectives"]:
        for label, frequency, target, conditions in _objective_picks(objective):
            assert frequency["per"] == "week" and target == {
                "value": frequency["times"], "comparator": ">="
            }, f"{path.stem}: {label}: the target is not the count the statement names"
            steps = _serving(data, objective["id"], conditions)
            if steps:
                assert max(_weekly(s["frequency"]) for s in steps) >= _weekly(frequency), (
                    f"{path.stem}: {label} counts more than any step asks for"
                )


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=[p.stem for p in STRATEGY_FILES])
def test_a_minutes_a_week_target_is_what_the_steps_build_up_to(path: pathlib.Path) -> None:
    """"150 minutes a week": the activity steps serving it reach 150 minutes a week at their
    dose (a log of the minutes is not itself activity)."""
    data = _load(path)
    for objective in data["objectives"]:
        measure = objective["measure"]
        if measure.get("unit") != "minutes per week":
            continue
        active = [s for s in _serving(data, objective["id"]) if s.get("category") != "monitoring"]
        minutes = sum(_weekly(s["frequency"]) * s["duration_minutes"] for s in active)
        assert minutes == measure["target"]["value"], (
            f"{path.stem}: {objective['id']} aims at {measure['target']['value']} minutes a week, "
            f"its steps ask for {minutes:g}"
        )


def test_the_breathing_practice_is_one_routine_in_the_relaxation_and_trauma_plans() -> None:
    """The two copies are listed once when both are planned (assembly.shared): either gives the
    same routine, so they agree in wording and dose (the course length is each plan's own)."""
    folder = ROOT / "plugins" / "planengine_builtins" / "strategies"
    shared = ("title", "description", "steps", "delivery", "frequency", "duration_minutes")
    copies = [
        {key: step.get(key) for key in shared}
        for name in ("relaxation", "trauma")
        for step in _load(folder / f"{name}.yaml")["interventions"]
        if step["id"] == "paced-breathing"
    ]
    assert len(copies) == 2 and copies[0] == copies[1]
