"""Plugins register new areas and conditions (register_vocabulary); a new area never takes over
another's long-term goal, ids or keywords; ``planengine areas`` lists them with their source."""

from __future__ import annotations

import datetime as dt
import json
import types

import pytest

import planengine
from planengine.testing import engine_with

AS_OF = dt.date(2026, 11, 25)


def _vocabulary_plugin(name: str, *items: object) -> types.SimpleNamespace:
    def register_vocabulary(register):  # type: ignore[no-untyped-def]
        for item in items:
            register(item)

    return types.SimpleNamespace(
        PLUGIN_NAME=name, __version__="1.0", register_vocabulary=planengine.hookimpl(register_vocabulary)
    )


ANGER = planengine.Area(
    id="anger", title="Anger", summary="Anger that harms relationships or work.",
    safety="ask-about-risk", safety_note="Anger can come with risk to others.",
    keywords=("lose my temper", "angry"),
)


def test_a_plugin_adds_an_area_an_assessment_may_name() -> None:
    engine = engine_with(_vocabulary_plugin("anger", ANGER, {
        "kind": "condition", "id": "chronic-pain", "title": "Chronic pain",
        "summary": "Pain for three months or more.", "safety": "routine"}))
    assert engine.vocabulary.source_of("anger") == "plugin:anger"
    assert engine.vocabulary.source_of("depression") == "built-in"
    # "angry" is the built-in emotional-awareness area's: it stays there, with a notice
    taken = [n.message for n in engine.load_notices if n.code == "vocabulary.keyword-taken"]
    assert len(taken) == 1 and "'angry'" in taken[0] and "emotional-awareness" in taken[0]
    assessment = planengine.Assessment(responses=(), context=planengine.Context(
        concerns=("anger",), conditions=("chronic-pain",),
        patient_goals=("I want to stop when I lose my temper",)))
    plan = engine.plan(assessment, as_of=AS_OF)
    assert [p.area for p in plan.problems] == ["safety", "anger"]  # no item 9 asked: read 16, M1
    assert plan.patient_goals[0]["linked_areas"] == ["anger"]
    safety = [n.message for n in plan.notices if n.code == "vocabulary.safety-relevant"]
    assert safety and "risk to others" in safety[0] and "no risk" not in safety[0].lower()
    # without the plugin the id is unknown, as before
    with pytest.raises(planengine.InputError, match="anger"):
        planengine.Engine(autoload=False).plan(assessment, as_of=AS_OF)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"kind": "area", "id": "sleep", "title": "S", "summary": "s", "safety": "routine"}],
         "built-in area"),
        ([{"kind": "area", "id": "safety", "title": "S", "summary": "s", "safety": "routine"}],
         "built-in area"),
        ([{"kind": "area", "id": "x", "title": "X", "summary": "s", "safety": "none"}],
         "safety must be one of"),
        ([{"kind": "area", "id": "x", "title": "X", "summary": "s", "safety": "ask-about-risk"}],
         "needs a safety_note"),
        ([{"kind": "area", "id": "x", "title": "X", "summary": "There is no risk here.",
           "safety": "routine"}], "rules out risk"),
        ([{"kind": "area", "id": "Bad Id", "title": "X", "summary": "s", "safety": "routine"}],
         "lower-case"),
        ([{"kind": "condition", "id": "c", "title": "C", "summary": "s", "safety": "routine",
           "area": "nowhere"}], "not a known area"),
    ],
)
def test_a_bad_registration_is_refused_naming_the_plugin(items, message) -> None:
    with pytest.raises(planengine.PluginError, match=message) as error:
        engine_with(_vocabulary_plugin("bad", *items))
    assert "'bad'" in str(error.value)


def test_two_plugins_registering_one_area_are_named_both() -> None:
    first, second = _vocabulary_plugin("alpha", ANGER), _vocabulary_plugin("beta", ANGER)
    engine = engine_with(first, second, strict=False)
    failed = [n.message for n in engine.load_notices if n.code == "plugin.failed"]
    assert len(failed) == 1 and "'alpha'" in failed[0] and "'beta'" in failed[0]
    assert engine.vocabulary.source_of("anger") == "plugin:alpha"


def _strategy_plugin(name: str, area: str, goal: str, priority: int) -> types.SimpleNamespace:
    data = {
        "planengine": 1, "kind": "strategy", "id": f"{name}-strategy", "name": name,
        "version": "1.0.0", "status": "production", "areas": [area], "priority": priority,
        "references": {"K1": "Kiresuk TJ, Sherman RE. Goal attainment scaling. 1968."},
        "long_term_goals": {area: goal}, "objectives": [],
        "interventions": [{"id": "talk", "title": "Talk", "description": "Talk it over.",
                           "delivery": "clinician-led", "rationale": "r", "citations": ["K1"],
                           "category": "therapy"}],
    }
    from planengine.strategies._strategy import strategy_from_mapping

    made = strategy_from_mapping(data, source=name)
    return types.SimpleNamespace(
        PLUGIN_NAME=name, __version__="1.0",
        register_strategies=planengine.hookimpl(lambda register: register(made)),
    )


def test_a_plugin_never_takes_over_a_built_in_long_term_goal() -> None:
    plugin = _strategy_plugin("loud", "sleep", "Sleep as the plugin says.", 100)
    engine = engine_with(plugin, builtins=True)
    assessment = planengine.Assessment(responses=(), context=planengine.Context(concerns=("sleep",)))
    plan = engine.plan(assessment, as_of=AS_OF)
    sleep = next(p for p in plan.problems if p.area == "sleep")
    assert sleep.long_term_goal_source.startswith("plugin:sleep@")
    collisions = [n.message for n in plan.notices if n.code == "assembly.id-collision"]
    assert any("long-term goal 'sleep'" in m and "plugin:loud@" in m for m in collisions)


def test_two_plugins_long_term_goals_conflict_is_reported_with_both_names() -> None:
    one = _strategy_plugin("one", "anger", "Goal one.", 50)
    two = _strategy_plugin("two", "anger", "Goal two.", 50)
    engine = engine_with(_vocabulary_plugin("anger", ANGER), one, two)
    plan = engine.plan(planengine.Assessment(responses=(), context=planengine.Context(
        concerns=("anger",))), as_of=AS_OF)
    notices = [n.message for n in plan.notices if n.code == "assembly.duplicate"]
    assert any("plugin:one@" in m and "plugin:two@" in m and "long-term goal" in m for m in notices)


def test_planengine_areas_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    from planengine.cli._areas import rows

    engine = engine_with(_vocabulary_plugin("anger", ANGER))
    listed = {row["id"]: row for row in rows(engine.vocabulary)}
    assert listed["anger"]["source"] == "plugin:anger" and listed["anger"]["safety"] == "ask-about-risk"
    assert listed["sleep"]["source"] == "built-in" and "sleep" in listed["sleep"]["keywords"]
    from planengine.cli._main import main

    assert main(["areas", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert {"kind": "area", "id": "sleep"}.items() <= items[0].items() or items
