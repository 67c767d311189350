"""Scenario tests: a PHQ-9 whose possible totals span two bands gets a PHQ-9 objective (session
29 follow-up to clinician read 12, S1). Each fails without its fix.

An unanswered item leaves a range of totals. A range within one band (missing-item9: 11-14,
moderate) got the ``total_unknown`` objective: baseline today's complete PHQ-9, target below
caseness. A range across two bands (8-11: mild or moderate; 14-17: moderate or moderately
severe) has no single band, so the strategies' band test failed and the plan had no PHQ-9
target, no schedule and nothing for the step-up and deterioration reviews to read. A band test
now holds when it holds for every total the score can have, and a range that may sit below
caseness is measured to remission, which none of its possible totals meets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plan_helpers import all_objectives
from planengine import Assessment

AS_OF = dt.date(2026, 12, 7)


def _plan(engine: Any, answers: list[int | None]) -> dict[str, Any]:
    raw = {
        "planengine": 1,
        "patient": {"id": "P-1"},
        "responses": [{"instrument": "phq9", "date": "2026-12-01", "answers": answers}],
        "context": {"concerns": ["depression"]},
    }
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF).to_dict()


def _phq9_objectives(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in all_objectives(plan) if o["measure"].get("instrument") == "phq9"]


@pytest.mark.parametrize(
    ("answers", "total_range", "target"),
    [
        # 8-11: mild or moderate; 8 and 9 are below caseness, so 'below caseness' could already
        # be met: the target is remission (below 5), which no possible total meets
        ([2, 2, 1, 1, 1, 0, 1, 0, None], [8, 11], {"value": 5, "comparator": "<"}),
        # 5-8: all mild, none at caseness: remission as well
        ([1, 1, 1, 1, 1, 0, 0, 0, None], [5, 8], {"value": 5, "comparator": "<"}),
        # 14-17: moderate or moderately severe; every possible total is at caseness: below it
        ([2, 2, 2, 2, 2, 2, 2, 0, None], [14, 17], {"value": 9, "comparator": "<="}),
    ],
)
def test_a_range_across_bands_gets_the_dated_phq9_objective(
    engine, answers, total_range, target
) -> None:
    plan = _plan(engine, answers)
    [row] = [s for s in plan["scores"] if s["instrument"] == "phq9"]
    assert row["total"] is None and row["total_range"] == total_range
    [objective] = _phq9_objectives(plan)
    measure = objective["measure"]
    assert measure["baseline"]["value"] is None  # never imputed
    assert measure["baseline"]["pending"] == "today's complete PHQ-9"
    assert measure["baseline"]["by"] == AS_OF.isoformat()
    assert measure["target"] == target
    assert objective["review_interval_days"] == 14
    assert objective["due_date"] == (AS_OF + dt.timedelta(weeks=12)).isoformat()
    assert "(baseline: today's complete PHQ-9)" in objective["statement"]
    # the unanswered item is the risk item: the flag stays open and the PHQ-9 is given at
    # every contact (never read as "no risk")
    assert [f["kind"] for f in plan["risk"]["flags"]] == ["risk-unknown"]
    assert any("every contact" in note for note in objective.get("notes", []))


def test_the_remission_target_says_why(engine) -> None:
    [objective] = _phq9_objectives(_plan(engine, [2, 2, 1, 1, 1, 0, 1, 0, None]))
    assert "below 5" in objective["statement"]
    assert "not every total it could have reaches caseness (10)" in objective["rationale"]
    assert "target is remission (below 5)" in objective["rationale"]


def test_a_range_that_reaches_the_minimal_band_sets_no_target(engine) -> None:
    # 3-6: minimal or mild. A complete minimal PHQ-9 gets no PHQ-9 target either, and 'below 5'
    # may already be met; the dated task to complete the PHQ-9 today stands.
    plan = _plan(engine, [1, 1, 1, 0, 0, 0, 0, 0, None])
    assert not _phq9_objectives(plan)
    [task] = [o for o in all_objectives(plan) if o["id"] == "depression-next-step-1"]
    assert "answer item 9 of the PHQ-9" in task["statement"]
    assert task["due_date"] == AS_OF.isoformat()
