"""Scenario tests for the leftovers of the plan at a glance (clinician reads 8-10): each fails
without its fix.

* The contacts of ``now`` count what happens now: the review active monitoring rests on is one
  contact within its step-up weeks (IPV, mild sleep: not "none"), and a safety assessment at this
  visit is "1 today" where the weekly count is below one a week.
* The "Why here" of a problem that waits says why it waits, as its details do: a problem ranked
  after a primary problem on active monitoring gives its own gate (IPV: the week-4 review), not
  "After Depression"; a "treated alongside" problem kept for a review gives its own phasing
  reason, never "Treated alongside".
"""

from __future__ import annotations

from typing import Any

import pytest

from plan_helpers import example_plan as _example_plan
from planengine.render._plan import render_markdown


def _glance_rows(text: str) -> dict[str, list[str]]:
    """The glance table's rows by problem title: phase and why here."""
    section = text.split("## The plan at a glance", 1)[1].split("**Limits:**", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            rows[cells[1]] = cells[2:]
    return rows


def _contacts(text: str) -> dict[str, str]:
    """The glance's phase table: clinician contacts by phase."""
    section = text.split("## The plan at a glance", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0] in ("Now", "Next", "Later (at a review)"):
            rows[cells[0]] = cells[2].split(" (")[0]  # the count, not its split (read 12, S2)
    return rows


def _problem(plan: dict[str, Any], area: str) -> dict[str, Any]:
    return next(p for p in plan["problems"] if p["area"] == area)


def test_ipv_relationships_glance_gives_the_gate_of_its_details(engine) -> None:
    plan = _example_plan(engine, "relationships-with-ipv.yaml")
    rows = _glance_rows(render_markdown(plan))
    gate = _problem(plan.to_dict(), "relationships")["phasing"]["entry"]
    phase, why = rows["Relationships"]
    assert phase == "Next"
    assert "After Depression" not in why
    assert why == gate
    assert "week-4 review" in why
    assert not any("After Depression" in why for _, why in rows.values())


def test_a_later_row_never_says_treated_alongside(engine) -> None:
    plan = _example_plan(engine, "old-item9-history.yaml")
    rows = _glance_rows(render_markdown(plan))
    phase, why = rows["Sleep"]
    assert phase == "Later (at a review)"
    assert "alongside" not in why.lower()
    assert why == _problem(plan.to_dict(), "sleep")["phasing"]["reason"]


def test_a_problem_that_starts_now_keeps_its_rank_reason(engine) -> None:
    plan = _example_plan(engine, "old-item9-history.yaml")
    rows = _glance_rows(render_markdown(plan))
    depression = _problem(plan.to_dict(), "depression")
    assert rows["Depression (treated first)"][1] == depression["ordering"]["reason"]


def test_ipv_now_counts_the_safety_assessment_today_and_the_monitoring_reviews(engine) -> None:
    plan = _example_plan(engine, "relationships-with-ipv.yaml")
    data = plan.to_dict()
    weeks = data["burden"]["limits"]["step_up_review_weeks"]
    assert data["burden"]["now"]["clinician_contacts_per_week"] == 1 / weeks
    assert _contacts(render_markdown(plan))["Now"] == "1 today, then about 1 a month"


@pytest.mark.parametrize(
    ("name", "now"),
    [
        ("mild-sleep-only.yaml", "about 1 a month"),  # active monitoring alone: not "none"
        ("old-item9-history.yaml", "1 a week"),  # a weekly course: today is one of them
        ("moderate-phq9-gad7-isi.yaml", "1 to 2 a week"),
        ("severe-with-risk-flag.yaml", "1 a week"),
    ],
)
def test_other_plans_keep_their_weekly_counts(engine, name: str, now: str) -> None:
    assert _contacts(render_markdown(_example_plan(engine, name)))["Now"] == now
