"""Clinician read 22, S2 and S1: a step held for the risk question waits for a 'not at all'
answer with no concern (an endorsed answer waits for the risk assessment), in the status line,
the held objectives and the Now row; a goal file's ``held:`` line and a plan's status line name
what the held steps really wait for (the strategy rule's own criterion, the urgent service, the
private review), never a risk flag "on record" that never lifts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLES, example_plan
from planengine import Assessment
from planengine.render._plan import render_goals, render_markdown, render_patient
from planengine.render._words import status_label
from planengine.strategies._conditions import Contraindication

#: the reader's words (read 22, S2)
RISK_QUESTION = (
    "Held until the risk question is asked today and answered 'not at all' with no clinician "
    "concern (if it is endorsed, until the clinician's risk assessment is recorded)"
)
GENERIC = "Held until a clinician has weighed the step's caution"
PSYCHOSIS = "until the liaison with the psychosis team has agreed how cognitive work is adapted, paced or postponed"
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml")) + sorted(
    p.name for p in EXAMPLES.glob("*.json")
)


def _held_lines(plan: Any) -> dict[str, str]:
    goals = yaml.safe_load(render_goals(plan))
    return {g["id"]: g["held"] for g in goals.get("x-waiting-goals", ()) if "held" in g}


def test_the_risk_question_hold_needs_a_not_at_all_answer() -> None:
    assert status_label({"status": "held", "hold": "risk-question"}) == RISK_QUESTION


@pytest.mark.parametrize(("name", "minutes"), [("alcohol-anxiety-sleep.yaml", 189)])
def test_the_now_row_and_the_status_say_not_at_all(engine, name: str, minutes: int) -> None:
    text = render_markdown(example_plan(engine, name))
    assert f"(Held until {RISK_QUESTION[len('Held until ') :]}; then these dates apply.)" in text
    assert f"**Status:** {RISK_QUESTION}\n" in text
    assert f"({minutes} once the risk question is answered 'not at all' today) |" in text
    assert "once the risk question is asked today)" not in text
    assert "Held until the risk question is asked today\n" not in text


def test_a_contraindication_hold_names_its_criterion_in_goal_file_and_plan(engine) -> None:
    plan = example_plan(engine, "psychosis-depression-apnoea.yaml")
    assert not plan.risk_flags
    assert _held_lines(plan)["self-esteem-thought-records"] == PSYCHOSIS
    text = render_markdown(plan)
    assert GENERIC not in text
    assert f"**Status:** Held {PSYCHOSIS}\n" in text


def test_the_private_screen_and_withdrawal_criteria_are_named(engine) -> None:
    plan = example_plan(engine, "all-instruments.yaml")
    held = _held_lines(plan)
    assert held and all(
        line.endswith("has found no violence or coercive control") for line in held.values()
    )
    assert GENERIC not in render_markdown(plan)
    text = render_markdown(example_plan(engine, "alcohol-dependence-insomnia.yaml"))
    assert GENERIC not in text
    assert (
        "**Status:** Held until the withdrawal-risk assessment in the alcohol plan is done" in text
    )


def test_after_a_referral_for_urgent_care_the_goal_file_waits_for_the_urgent_service(
    engine,
) -> None:
    raw = yaml.safe_load((EXAMPLES / "severe-with-risk-flag.yaml").read_text())
    raw["risk_dispositions"] = [
        {
            "signal": "phq9.item9",
            "by": "Dr M. Okafor",
            "date": "2026-12-07",
            "outcome": "assessed-referred-for-urgent-care",
            "next_review": "2026-12-21",
        }
    ]
    plan = engine.plan(Assessment.from_mapping(raw), as_of=dt.date(2026, 12, 7))
    held = _held_lines(plan)
    assert held
    assert all("the urgent service has seen the patient" in line for line in held.values())


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_goal_file_holds_a_goal_while_a_flag_is_on_record(engine, name: str) -> None:
    goals = render_goals(example_plan(engine, name))
    assert "while a risk flag is" not in goals
    assert "a clinician has weighed the step's caution" not in " ".join(goals.split())


@pytest.mark.parametrize(
    ("raw", "criterion"),
    [
        ({"reason": "held until the liaison is done; why.", "until": "the liaison is done"},
         "the liaison is done"),
        # the criterion is the rule's own field, never read from the reason's words
        ({"reason": "start only after a private screen has found no violence."}, None),
        ({"reason": "self-guided work waits.", "until": "the flag is reviewed"}, "the flag is reviewed"),
    ],
)
def test_a_hold_rules_criterion_is_its_until_field(raw: dict[str, str], criterion: str | None) -> None:
    rule = Contraindication.compile({"id": "x", "action": "hold", **raw})
    assert rule.hold_until == criterion


def _remade(engine: Any, name: str, signal: str, outcome: str, date: str, review: str) -> Any:
    """An example made again with a recorded disposition, as /work's re-made reads are."""
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    raw["risk_dispositions"] = [
        {
            "signal": signal,
            "by": "Dr M. Okafor",
            "date": date,
            "outcome": outcome,
            "next_review": review,
        }
    ]
    return engine.plan(Assessment.from_mapping(raw), as_of=dt.date(2026, 12, 7))


def _flag_review_line(text: str, opening: str) -> str:
    front = text.split("## Appendix A", 1)[0]
    return next(x for x in front.splitlines() if f"**Review the {opening}" in x)


def test_a_private_flags_review_is_private_and_counted_in_the_contacts(engine) -> None:
    """S3: one to one, then at each visit; no made-up 11-day cadence; the row counts it."""
    plan = _remade(
        engine,
        "relationships-with-ipv.yaml",
        "intimate-partner-violence",
        "assessed-private-safety-plan-in-place",
        "2026-11-20",
        "2026-12-18",
    )
    text = render_markdown(plan)
    line = _flag_review_line(text, "partner-violence flag")
    assert line.endswith(
        "**Review the partner-violence flag privately, one to one with no partner or family member "
        "present (immediate danger, any change, safe contact, homework storage), by 18 December "
        "2026; then at each visit.** Due 18 December 2026."
    )
    assert "Review every 11 days" not in text
    assert (
        "| Now | 0 | 1 today, 1 by 18 December 2026 (private flag review), then about 1 a month |"
        in text
    )
    assert "partner-violence" not in render_patient(plan)  # the copy stays private


@pytest.mark.parametrize(
    "outcome", ["assessed-safety-plan-in-place", "assessed-referred-for-urgent-care"]
)
def test_a_suicide_risk_flags_review_is_the_formal_one(engine, outcome: str) -> None:
    """S4: the formal review, with item 9 and the safety plan checked at every contact between."""
    plan = _remade(
        engine, "severe-with-risk-flag.yaml", "phq9.item9", outcome, "2026-12-07", "2026-12-21"
    )
    line = _flag_review_line(render_markdown(plan), "risk flag formally")
    assert line.endswith(
        "**Review the risk flag formally (direct question, safety plan, disposition recorded) by "
        "21 December 2026; between reviews, item 9 and the safety plan are checked at every "
        "contact.** Due 21 December 2026."
    )


def test_a_held_objective_marker_names_the_one_criterion_its_steps_wait_for() -> None:
    """S1: where a strategy's rule is the only hold, the held objectives' marker names its
    criterion; two different criteria, or none named, keep the table's words."""
    from planengine.render._patient_parts import clinician_held_text

    def data(*criteria: str | None) -> dict[str, Any]:
        steps = [
            {"status": "held", "hold": "contraindication", **({"hold_until": c} if c else {})}
            for c in criteria
        ]
        return {"risk": {"flags": []}, "problems": [{"interventions": steps}]}

    liaison = PSYCHOSIS.removeprefix("until ")
    assert clinician_held_text(data(liaison, liaison), "objective_held") == (
        f"(Held until {liaison}; then these dates apply.)"
    )
    generic = "(Held until a clinician has weighed the step's caution; then these dates apply.)"
    assert clinician_held_text(data(liaison, "the screen is done"), "objective_held") == generic
    assert clinician_held_text(data(liaison, None), "objective_held") == generic
