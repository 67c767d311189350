"""Scenario tests for clinician read 13, S1: a plan whose only suicide-related flag is an
unanswered risk item names that flag as the risk section does, never as a suicide-risk flag, and
the PHQ-9 objective's reason reads as sentences. Each fails without its fix.

missing-item9 read "Given at every contact while the suicide-risk flag is open" beside a risk
section whose one flag is "Risk unknown (risk item unanswered)": calling an unknown risk a
suicide-risk flag records something the patient did not say.
"""

from __future__ import annotations

import pytest

from plan_helpers import all_objectives, example_plan
from planengine.plan._risk_item_task import each_contact_flag
from planengine.render._plan import render_markdown

UNKNOWN = "the risk flag (item 9 unanswered)"


def _each_contact(plan) -> list[dict]:
    return [o for o in all_objectives(plan.to_dict()) if o.get("measured_each_contact")]


def test_missing_item9_names_the_unanswered_item_flag(engine) -> None:
    plan = example_plan(engine, "missing-item9.json")
    assert [f.kind for f in plan.risk_flags] == ["risk-unknown"]
    (objective,) = _each_contact(plan)
    note = next(n for n in objective["notes"] if "every contact" in n)
    assert note.startswith(f"While {UNKNOWN} is on record, the PHQ-9 questionnaire")
    text = render_markdown(plan)
    assert f"Given at every contact while {UNKNOWN} is on record." in text  # read 21, S2
    assert "while the suicide-risk flag is" not in text.lower()


@pytest.mark.parametrize("name", ["severe-with-risk-flag.yaml", "suicidal-words-in-goals.yaml"])
def test_an_endorsed_item_or_words_keep_the_suicide_risk_flag(engine, name) -> None:
    plan = example_plan(engine, name)
    assert _each_contact(plan)
    assert "Given at every contact while the suicide-risk flag is on record." in render_markdown(plan)


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        ([("risk-unknown", 9)], UNKNOWN),
        ([("risk-unknown", 9), ("suicidal-ideation", 9)], "the suicide-risk flag"),
        ([("risk-unknown", 9), ("suicidal-language", None)], "the suicide-risk flag"),
        ([("risk-unknown", 9), ("intimate-partner-violence", None)], UNKNOWN),
        ([("risk-unknown", 9), ("risk-unknown", 3)], "the risk flag (items 3, 9 unanswered)"),
    ],
)
def test_the_flag_is_named_by_its_kind(flags, named) -> None:
    assert each_contact_flag(flags) == named


def test_the_unknown_total_reason_names_the_target_it_sets(engine) -> None:
    plan = example_plan(engine, "missing-item9.json")
    (objective,) = [
        o
        for o in all_objectives(plan.to_dict())
        if (o["measure"]["baseline"].get("pending") or "") == "today's complete PHQ-9"
    ]
    why = objective["rationale"]
    assert "every possible total meets" not in why
    target = objective["measure"]["target"]
    assert target["comparator"] == "<="
    assert f"below caseness ({target['value']} or lower)" in why


def test_missing_item9_orders_depression_first_under_the_flag_it_has(engine) -> None:
    """The order's reason names the open flag as the risk section does (read 13, left out by
    its first fix): "The risk flag (item 9 unanswered) is open", never "A suicide-risk flag"."""
    plan = example_plan(engine, "missing-item9.json").to_dict()
    reasons = [p["ordering"]["reason"] for p in plan["problems"] if p["area"] == "depression"]
    assert reasons == [
        "The risk flag (item 9 unanswered) is on record: depression is treated first, with the risk "
        "monitored at every contact."
    ]
    assert "suicide-risk flag is" not in render_markdown(example_plan(engine, "missing-item9.json"))


@pytest.mark.parametrize("name", ["severe-with-risk-flag.yaml", "suicidal-words-in-goals.yaml"])
def test_an_endorsed_item_or_words_order_depression_first_under_the_suicide_risk_flag(
    engine, name
) -> None:
    plan = example_plan(engine, name).to_dict()
    (reason,) = [p["ordering"]["reason"] for p in plan["problems"] if p["area"] == "depression"]
    assert reason.startswith("The suicide-risk flag is on record: depression is treated first")
