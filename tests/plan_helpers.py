"""Small helpers for reading plans in tests."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from planengine import Assessment, schemas

#: the example assessments, and the date their documents are generated for
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_AS_OF = dt.date(2026, 12, 7)


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    """A compiled validator for a bundled schema."""
    schema = schemas.load(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(name: str, data: Any) -> None:
    """Fail with the best-matching schema error."""
    error = jsonschema.exceptions.best_match(validator(name).iter_errors(data))
    assert error is None, f"{list(error.absolute_path)}: {error.message}"


def all_steps(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every intervention of every problem, in plan order."""
    return [step for problem in plan["problems"] for step in problem["interventions"]]


def held_by_safety(plan: Any) -> list[str]:
    """The ids of the steps the safety rule holds (others wait for their own gates, such as a
    private IPV screen)."""
    return [
        s["id"]
        for s in all_steps(plan.to_dict())
        if s["status"] == "held" and any("safety.hold-self-guided" in n for n in s.get("notes", ()))
    ]


def steps_by_id(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every intervention of a plan's dict form, by id."""
    return {step["id"]: step for step in all_steps(plan)}


def example_plan(engine: Any, name: str, as_of: dt.date = EXAMPLE_AS_OF) -> Any:
    """The plan ``engine`` makes of ``examples/<name>`` on ``as_of``."""
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    return engine.plan(Assessment.from_mapping(raw), as_of=as_of)


def example_plan_item9_asked(engine: Any, name: str, as_of: dt.date = EXAMPLE_AS_OF) -> Any:
    """The plan of ``examples/<name>`` with a PHQ-9 of 0 added on its latest response's date: the
    risk question asked and not endorsed, so an example that gave none (clinician read 16, M1)
    can be read without the safety step holding its self-help."""
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    latest = max(str(r["date"]) for r in raw["responses"])
    raw["responses"].append({"instrument": "phq9", "date": latest, "answers": [0] * 9})
    return engine.plan(Assessment.from_mapping(raw), as_of=as_of)


def plan_with_records(
    engine: Any,
    name: str,
    outcome: str,
    day: dt.date = EXAMPLE_AS_OF,
    as_of: dt.date | None = None,
) -> Any:
    """The plan of ``examples/<name>`` made on ``as_of`` (default ``day``) with a clinician's
    record of ``outcome``, dated ``day`` (next review 14 days on), for each of its risk flags:
    the plan made again once the clinician has recorded the assessment."""
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    raw["risk_dispositions"] = [
        {
            "signal": flag.signal,
            "by": "Dr A. Clinician",
            "date": day.isoformat(),
            "outcome": outcome,
            "next_review": (day + dt.timedelta(days=14)).isoformat(),
        }
        for flag in example_plan(engine, name).risk_flags
    ]
    return engine.plan(Assessment.from_mapping(raw), as_of=as_of or day)


def all_objectives(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every objective of every problem, in plan order."""
    return [o for problem in plan["problems"] for o in problem["objectives"]]


def instrument_copy_plugin(source_id: str, new_id: str, plugin_name: str = "clinic-instruments") -> Any:
    """A plugin registering a copy of a built-in instrument under ``new_id`` (a clinic's own)."""
    import json
    import types

    import planengine
    from planengine.instruments._data_files import load_builtin_instruments

    data = json.loads(
        json.dumps(load_builtin_instruments()[source_id].to_dict()).replace(
            f'"{source_id}.', f'"{new_id}.'
        )
    )
    data.pop("source", None)
    data.update(id=new_id, name=f"{data['name']} (clinic copy)")
    return types.SimpleNamespace(
        PLUGIN_NAME=plugin_name,
        register_instruments=planengine.hookimpl(lambda register: register(data)),
    )


def engine_without_cbti(**kwargs: Any) -> Any:
    """An engine for a clinic with no CBT-I service to refer to: the built-in sleep strategy is
    blocked and a copy without the CBT-I referral registered in its place. Clinician-supervised
    sleep restriction is a separate step only there (with a CBT-I referral in the plan, the
    course does the titration: ``delivered_by`` in data/stepped-care.yaml)."""
    import types

    import planengine
    from planengine import Engine
    from planengine.strategies._strategy import DataStrategy

    source = next(s for s in Engine().strategies if s.id == "sleep")
    data = {**source.data}
    data["interventions"] = [s for s in data["interventions"] if s["id"] != "cbti-referral"]
    strategy = DataStrategy(
        id="sleep", name=f"{source.name} (no CBT-I service)", version=source.version,
        status=source.status, areas=tuple(source.areas), priority=source.priority, data=data,
    )
    clinic = types.SimpleNamespace(
        PLUGIN_NAME="clinic-sleep",
        register_strategies=planengine.hookimpl(lambda register: register(strategy)),
    )
    return Engine(plugins=[clinic], block=["sleep"], **kwargs)
