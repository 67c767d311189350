"""The grief plugin: registered, planned and conformant (with planengine's kit)."""

from __future__ import annotations

import planengine
from planengine.testing import assert_conformant, engine_with


def test_the_plugin_registers_its_area_and_strategy() -> None:
    engine = engine_with("grief")
    assert engine.vocabulary.source_of("grief") == "plugin:grief"
    assert [s.id for s in engine.strategies] == ["grief-support"]


def test_a_plan_uses_the_new_area(planengine_as_of) -> None:
    engine = engine_with("grief", builtins=True)
    assessment = planengine.Assessment(
        responses=(),
        context=planengine.Context(concerns=("grief",), patient_goals=("Cope with my grief",)),
    )
    plan = engine.plan(assessment, as_of=planengine_as_of)
    problem = next(p for p in plan.problems if p.area == "grief")
    assert problem.long_term_goal_source.startswith("plugin:grief@")
    assert {s.id for s in problem.interventions} >= {"grief-grief-assessment"}
    assert any(n.code == "vocabulary.safety-relevant" for n in plan.notices)


def test_the_plugin_conforms() -> None:
    assert_conformant("grief", max_examples=10)
