"""Scenario tests for clinician read 12, S1: a PHQ-9 with an unanswered item still gets a PHQ-9
target and schedule. Each fails without its fix.

missing-item9's PHQ-9 has no item 9, so its total is a range (11-14) and is never imputed; the
depression strategies built their PHQ-9 objective only from a complete total, so the plan had no
PHQ-9 target, the copy no questionnaire, and nothing could trigger a step up or a deterioration
review. Their ``total_unknown`` variant now measures from today's complete PHQ-9, to below the
cut-off every possible total meets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plan_helpers import all_objectives, example_plan
from planengine import Assessment
from planengine.render._plan import render_patient

NAME = "missing-item9.json"


def _phq9_target(plan: Any) -> dict[str, Any]:
    [objective] = [
        o for o in all_objectives(plan.to_dict()) if o["measure"].get("instrument") == "phq9"
    ]
    return objective


def test_an_unanswered_item_still_gets_a_phq9_target(engine) -> None:
    objective = _phq9_target(example_plan(engine, NAME))
    measure = objective["measure"]
    assert measure["baseline"]["value"] is None  # never imputed
    assert measure["baseline"]["pending"] == "today's complete PHQ-9"
    assert measure["baseline"]["by"] == "2026-12-07"
    assert measure["target"] == {"value": 9, "comparator": "<="}  # below caseness (10)
    assert objective["due_date"] == "2027-03-01"
    assert objective["review_interval_days"] == 14
    assert "(baseline: today's complete PHQ-9)" in objective["statement"]
    assert any("every contact" in note for note in objective.get("notes", []))


def test_the_copy_lists_the_phq9_at_every_contact(engine) -> None:
    text = render_patient(example_plan(engine, NAME))
    assert "questionnaire about your mood (PHQ-9) at every appointment or call" in text


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            [2, 2, 1, 1, 1, 2, 1, 1, 0],
            {"value": 5, "comparator": "<="},
        ),  # complete: 11 to remission
        # 14-17 spans two bands: a total_unknown variant too (tests/test_clinician_read_14_phq9_range.py)
        ([2, 2, 2, 2, 2, 2, 2, 2, 0], {"value": 10, "comparator": "<="}),  # complete: 16, a drop of 6
    ],
)
def test_the_variant_is_only_for_an_unknown_total(engine, answers, expected) -> None:
    raw = {
        "planengine": 1,
        "patient": {"id": "P-1"},
        "responses": [{"instrument": "phq9", "date": "2026-12-01", "answers": answers}],
    }
    plan = engine.plan(Assessment.from_mapping(raw), as_of=dt.date(2026, 12, 7))
    found = [o for o in all_objectives(plan.to_dict()) if o["measure"].get("instrument") == "phq9"]
    if expected is None:
        assert not found
    else:
        [objective] = found
        assert objective["measure"]["target"] == expected
        assert "pending" not in objective["measure"]["baseline"]
