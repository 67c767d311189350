"""Scenario tests for the clinician's read 11, S4 (pregnancy-insomnia-nightmares): with a
pregnancy documented, the plan names the perinatal mental health route as the clinician's
choice (local criteria; reliable deterioration or a disclosed risk, the criteria the plan already
has; no threshold of its own, as the brief has none), once, beside mood's active monitoring, and
the copy says where to turn if mood gets worse. Each fails without its fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from plan_helpers import EXAMPLES, all_steps, example_plan
from planengine import Assessment, Engine, EngineConfig
from planengine.render._plan import render_markdown, render_patient
from planengine.render._words import DocumentSettings

NAME = "pregnancy-insomnia-nightmares.yaml"
AS_OF = dt.date(2026, 12, 7)
COPY_LINE = (
    "If your mood gets worse, tell your clinician or midwife; there is a specialist pregnancy "
    "mental health team we can refer you to."
)


def _routes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s for s in all_steps(plan)
        if s["provenance"]["source"] == "rule:conditions.perinatal-route"
    ]


def test_pregnancy_plan_names_the_perinatal_route_once_beside_mood(engine) -> None:
    plan = example_plan(engine, NAME)
    routes = _routes(plan.to_dict())
    assert len(routes) == 1
    route = routes[0]
    assert route["area"] == "depression" and route["phase"] == "now"
    text = route["description"]
    assert "perinatal mental health service" in text and "local criteria" in text
    assert "reliable deterioration" in text and "risk flag" in text
    assert "the evidence in pregnancy is limited" in text  # uncertain, in plain words (read 23, S7)
    assert route["citations"] == ["DN-perinatal-route"]
    assert route["provenance"]["inputs"] == ["$.context.conditions[0]"]
    markdown = render_markdown(plan)
    assert "now: Perinatal mental health service: consider a referral, Active monitoring" in markdown


def test_the_copy_says_where_to_turn(engine) -> None:
    text = render_patient(example_plan(engine, NAME))
    sessions = text.split("## Your sessions\n", 1)[1].split("\n## ", 1)[0]
    assert COPY_LINE in sessions
    assert text.count(COPY_LINE) == 1
    assert "Perinatal mental health service" not in text  # the clinician's title stays off


def test_no_route_without_a_pregnancy(engine) -> None:
    raw = yaml.safe_load((EXAMPLES / NAME).read_text())
    raw["context"]["conditions"] = []
    plan = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)
    assert _routes(plan.to_dict()) == []
    assert COPY_LINE not in render_patient(plan)


def test_the_conditions_are_configurable() -> None:
    off = Engine(strict=True, config=EngineConfig(perinatal_conditions=()))
    raw = yaml.safe_load((EXAMPLES / NAME).read_text())
    assert _routes(off.plan(Assessment.from_mapping(raw), as_of=AS_OF).to_dict()) == []


def test_a_plan_without_mood_lists_the_route_under_its_first_mental_health_area(engine) -> None:
    raw = {
        "planengine": 1,
        "patient": {"id": "P-1"},
        "responses": [
            {"instrument": "gad7", "date": "2026-11-24", "answers": [2, 2, 2, 1, 2, 1, 2]},
            {"instrument": "isi", "date": "2026-11-24", "answers": [3, 3, 2, 3, 3, 2, 3]},
        ],
        "context": {"conditions": ["pregnancy"]},
    }
    plan = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)
    assert [r["area"] for r in _routes(plan.to_dict())] == ["anxiety"]
    assert COPY_LINE in render_patient(plan)


def test_a_clinic_that_keeps_pregnancy_off_the_copy_drops_the_line(engine) -> None:
    plan = example_plan(engine, NAME)
    hidden = render_patient(plan, DocumentSettings(sensitive_conditions=("pregnancy",)))
    assert COPY_LINE not in hidden and "pregnan" not in hidden.lower()
