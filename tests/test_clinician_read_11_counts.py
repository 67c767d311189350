"""Scenario tests for clinician read 11, S1 and S5 (second bullet): the plan at a glance counts
what the patient attends and does at the same time, and the table and the patient copy come from
one count. Each fails without its fix.

* S1: the contacts of a phase are the sessions of the course that runs (one at a time) plus one
  appointment with the plan's own clinician, where the check-ins and reviews of every problem
  that runs are held together: all-instruments read "Next | 1 | 3 to 4 a week" and
  psychosis-depression-apnoea "Next | 1 | 2 to 3 a week", adding every check-in that might start.
* S5: severe-with-risk-flag's table read 210 self-help minutes in Now while its copy said "about
  15 minutes a day": the bed rules and sleep habits are rules to follow, not set-aside time, and
  the budget, the table and the copy's daily total now count the same tasks.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from plan_helpers import EXAMPLES, example_plan, steps_by_id
from planengine.plan.stepped_care._dose import homework_minutes, is_rule_to_follow
from planengine.plan.stepped_care._rules import load_rules
from planengine.render._patient_words import is_rule
from planengine.render._plan import render_markdown, render_patient

EXAMPLE_NAMES = sorted(p.name for p in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])


def _phase_rows(text: str) -> dict[str, list[str]]:
    """The glance's phase table: courses, contacts and minutes by phase."""
    section = text.split("## The plan at a glance", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0] in ("Now", "Next", "Later (at a review)"):
            rows[cells[0]] = cells[1:]
    return rows


def _own_check_ins(plan: dict[str, Any], phase: str) -> list[dict[str, Any]]:
    """The own clinician's low-intensity steps of a phase that come round weekly or so."""
    return [
        step
        for step in steps_by_id(plan).values()
        if step["phase"] == phase
        and step["delivery"] == "clinician-led"
        and step.get("intensity") != "high"
        and step.get("frequency")
        and step.get("duration_minutes")
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("all-instruments.yaml", "2 a week"), ("psychosis-depression-apnoea.yaml", "2 a week")],
)
def test_next_counts_one_course_and_one_own_appointment(engine, name: str, expected: str) -> None:
    plan = example_plan(engine, name)
    data = plan.to_dict()
    # more than one problem's check-ins may start in Next: they share one appointment
    assert len({s["area"] for s in _own_check_ins(data, "next")}) >= 2
    assert data["burden"]["next"]["courses"] == 1
    assert data["burden"]["next"]["clinician_contacts_per_week"] == 2
    # the count, then (read 12, S2) how it splits between a referred service and this clinician
    assert _phase_rows(render_markdown(plan))["Next"][1].split(" (")[0] == expected


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_phase_asks_more_than_a_course_and_one_own_appointment_a_week(engine, name: str) -> None:
    """With one course at a time (the default limit), each weekly at most, a phase's contacts
    are at most its course's sessions and one appointment with the plan's own clinician."""
    data = example_plan(engine, name).to_dict()
    assert data["burden"]["limits"]["max_courses_now"] == 1
    for phase in ("now", "next", "later"):
        assert data["burden"][phase]["clinician_contacts_per_week"] <= 2, phase


def test_glance_says_what_the_contacts_count_and_that_courses_queue(engine) -> None:
    text = render_markdown(example_plan(engine, "all-instruments.yaml"))
    glance = text.split("## The plan at a glance", 1)[1].split("\n## ", 1)[0]
    assert "Contacts count what runs at once" in glance
    assert "not one per problem" in glance
    # four courses wait in Later: one at a time, never read as four at once
    assert _phase_rows(text)["Later (at a review)"][0] == "4, 1 at a time"


def test_severe_minutes_are_the_copys_tick_rows(engine) -> None:
    plan = example_plan(engine, "severe-with-risk-flag.yaml")
    # tick rows: 10 min a day (activity monitoring, then scheduling) + 5 min sleep diary
    assert plan.to_dict()["burden"]["now"]["homework_minutes_per_week"] == 105
    # all of it held until today's assessment is recorded (clinician read 18, S2(b))
    assert _phase_rows(render_markdown(plan))["Now"][2] == (
        "0 (105 once today's risk assessment is recorded)"
    )
    assert "about 15 minutes a day" in render_patient(plan)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_table_and_copy_come_from_one_count(engine, name: str) -> None:
    """The copy's daily total is the table's weekly minutes now, a day, rounded up to 5."""
    plan = example_plan(engine, name)
    weekly = plan.to_dict()["burden"]["now"]["homework_minutes_per_week"]
    found = re.search(r"about (\d+) minutes a day", render_patient(plan))
    daily = int(found.group(1)) if found else 0
    assert daily == 5 * math.ceil(weekly / 7 / 5), (weekly, daily)


def test_rules_to_follow_ask_no_budget_minutes(engine) -> None:
    listed = load_rules()["rules_to_follow"]["steps"]
    seen = 0
    for name in EXAMPLE_NAMES:
        for step in example_plan(engine, name).problems:
            for intervention in step.interventions:
                if intervention.id in listed:
                    seen += 1
                    assert intervention.duration_minutes  # it keeps its dose
                    assert homework_minutes(intervention) == 0
    assert seen
    # one home: the patient copy's rules box reads the same list
    assert all(is_rule(step_id) and is_rule_to_follow(step_id) for step_id in listed)
    assert not is_rule("sleep-sleep-diary")


def test_the_clinician_plan_gives_a_rule_no_minutes(engine) -> None:
    """The plan's dose of a rule says it is no set-aside time, as the glance counts it."""
    text = render_markdown(example_plan(engine, "severe-with-risk-flag.yaml"))
    lines = [line.strip() for line in text.splitlines()]
    line = next(line for line in lines if line.startswith("- **Dose:**") and "rule" in line)
    assert line == "- **Dose:** once a day (a rule to follow: no set-aside minutes), for 6 weeks"
    assert "once a day, 10 min each, for 6 weeks" not in text  # stimulus control's estimate
