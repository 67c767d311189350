"""What a plugin is handed cannot change the plan, nor any later plan: the context is read-only
all the way down, the problem is a copy, and a plugin never takes over a built-in id."""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
from typing import Any

import attrs
import pytest

import planengine
from planengine import Assessment, Engine, Proposal

AS_OF = dt.date(2026, 11, 25)
#: answers as a mapping (the form that once loaded as a plain dict), item 9 endorsed
RISKY = Assessment.from_mapping({
    "planengine": 1, "kind": "assessment",
    "responses": [{"instrument": "phq9", "date": "2026-11-20",
                   "answers": {str(i): 2 for i in range(1, 10)}},
                  {"instrument": "gad7", "date": "2026-11-20", "answers": [2] * 7},
                  {"instrument": "who5", "date": "2026-11-20", "answers": [1] * 5}],
    "context": {"concerns": ["sleep"], "conditions": ["bipolar-disorder"],
                "patient_goals": ["get moving again"]},
})


def plugin(name: str, **hooks: object) -> types.SimpleNamespace:
    namespace = types.SimpleNamespace(PLUGIN_NAME=name, __version__="1.0.0")
    for hook_name, function in hooks.items():
        setattr(namespace, hook_name, planengine.hookimpl(function))
    return namespace


_IMMUTABLE = (str, int, float, bool, type(None), dt.date, bytes, re.Pattern, enum.Enum)


def _mutable_paths(root: Any, name: str) -> list[str]:
    """Every public place under ``root`` that could be changed in place: a list, dict, set or
    mutable attrs record (private attributes, ``_*``, are no API and are not walked)."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(value: Any, path: str) -> None:
        if isinstance(value, _IMMUTABLE) or (callable(value) and not attrs.has(type(value))):
            return
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, (list, dict, set, bytearray)):
            found.append(path)
        if isinstance(value, (list, tuple, set, frozenset)):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, (dict, types.MappingProxyType)):
            for key, item in value.items():
                walk(item, f"{path}[{key!r}]")
        elif attrs.has(type(value)):
            if type(value).__setattr__ is object.__setattr__:
                found.append(f"{path} (a mutable {type(value).__name__})")
            for field in attrs.fields(type(value)):
                if not field.name.startswith("_"):
                    walk(getattr(value, field.name), f"{path}.{field.name}")
        else:
            found.append(f"{path} (a {type(value).__name__})")

    walk(root, name)
    return found


def test_everything_in_the_context_a_hook_is_given_is_read_only() -> None:
    seen: list[Any] = []

    def propose(problem, context):
        seen.append(context)

    Engine(plugins=[plugin("reader", propose=propose)]).plan(RISKY, as_of=AS_OF)
    assert seen
    assert _mutable_paths(seen[0], "context") == []


@pytest.mark.parametrize(
    "mutation",
    [
        lambda c: c.assessment.responses[0].answers.__setitem__("9", 0),
        lambda c: c.assessment.context.conditions.remove("bipolar-disorder"),
        lambda c: c.scores.__setitem__("phq9", None),
        lambda c: c.score_dates.clear(),
        lambda c: c.scores["who5"].derived.__setitem__("percent", 100),
        lambda c: c.instruments.__setitem__("phq9", None),
        lambda c: c.config.instrument_overrides.__setitem__("phq9", {}),
        lambda c: setattr(c, "risk_flags", ()),
        lambda c: setattr(c.assessment, "responses", ()),
    ],
)
def test_no_mutation_a_hook_tries_changes_this_plan_or_a_later_one(mutation: Any) -> None:
    before = Engine().plan(RISKY, as_of=AS_OF).to_json()
    errors: list[BaseException] = []

    def propose(problem, context):
        try:
            mutation(context)
        except (TypeError, AttributeError, attrs.exceptions.FrozenInstanceError) as error:
            errors.append(error)

    Engine(plugins=[plugin("vandal", propose=propose)]).plan(RISKY, as_of=AS_OF)
    assert errors, "the mutation went through"
    assert Engine().plan(RISKY, as_of=AS_OF).to_json() == before  # a fresh engine, as the issue


def test_a_hook_that_changes_the_problem_it_is_given_changes_nothing() -> None:
    def propose(problem, context):
        problem.area = "safety"
        problem.title = "Hijacked"
        problem.findings.clear()
        problem.patient_words.append("words never said")

    plain = Engine().plan(RISKY, as_of=AS_OF).to_dict()
    hooked = Engine(plugins=[plugin("hijacker", propose=propose)]).plan(RISKY, as_of=AS_OF).to_dict()
    summary = [(p["area"], p["title"], p["evidence"], p["patient_words"]) for p in plain["problems"]]
    assert [(p["area"], p["title"], p["evidence"], p["patient_words"])
            for p in hooked["problems"]] == summary


@attrs.frozen
class _Usurper:
    """A Python strategy of very high priority that proposes a built-in step id."""

    id: str = "usurper"
    name: str = "Usurper"
    version: str = "1.0.0"
    areas: tuple[str, ...] = ("depression",)
    priority: int = 10_000
    status: str = "production"

    def propose(self, problem, context, plugin):
        step = planengine.Intervention(
            id="depression-activity-scheduling", area="depression", title="Taken over",
            description="A plugin's own version.", delivery="self-guided", rationale="Mine.",
            provenance=planengine.Provenance(f"plugin:{plugin}"),
        )
        return Proposal(interventions=(step,))


def test_a_plugin_never_takes_over_a_built_in_id_and_the_collision_names_both() -> None:
    def register_strategies(register):
        register(_Usurper())

    engine = Engine(plugins=[plugin("usurper-plugin", register_strategies=register_strategies)])
    data = engine.plan(RISKY, as_of=AS_OF).to_dict()
    steps = [s for p in data["problems"] for s in p["interventions"]]
    kept = next(s for s in steps if s["id"] == "depression-activity-scheduling")
    assert kept["title"] != "Taken over"
    assert kept["provenance"]["source"].startswith("plugin:ba@")
    collision = next(n for n in data["notices"] if n["code"] == "assembly.id-collision")
    assert "usurper-plugin" in collision["message"] and "plugin:ba@" in collision["message"]
    # nothing of the built-in's is left out or blamed on it
    assert not any(e["id"] == "depression-activity-scheduling" for e in data["excluded"])
