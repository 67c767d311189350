"""Clinician read 23, M1, S5, S6 and S1: what the plan made again after the clinician's record
says about the risk, in the reader's words.

* M1: once a clinician has recorded an outcome, a risk question unanswered or never given is
  headed by what was done ("Suicide-risk question: asked by ... on ..."), never "risk unknown"
  beside the record; every recorded outcome is worded (documents.yaml ``clinician.outcome``)
  and attributed to the clinician, never printed as its code, never as the engine saying "no
  risk", and with no internal flag id; the plan's JSON keeps the code.
* S5: a reported risk recorded before the plan's day restarts the held self-help only once
  today's review finds no change.
* S6: a safety plan recorded on the plan's day reads as done today, not as a review due today;
  a private safety plan recorded today holds homework until the clinician records where it can
  be kept.
* S1: the patient copy's start line carries no condition that could coach the answer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, example_plan, plan_with_records
from planengine import Assessment
from planengine.io._disposition import DISPOSITION_OUTCOMES, outcomes_for
from planengine.plan._risk_wording import no_risk_claim_path
from planengine.render._plan import render_goals, render_markdown, render_patient
from planengine.render._words import words_data

#: the six plans the reader read again with a clinician's record (tools gen_read.py):
#: (example, outcome, days before the plan's day the record is dated, days the plan is made later)
REMADE = {
    "remade-severe-urgent": ("severe-with-risk-flag.yaml", "assessed-referred-for-urgent-care", 0, 0),
    "remade-severe-safetyplan": ("severe-with-risk-flag.yaml", "assessed-safety-plan-in-place", 0, 0),
    "remade-severe-safetyplan-lastweek": (
        "severe-with-risk-flag.yaml", "assessed-safety-plan-in-place", 7, 0,
    ),
    "remade-screens-no-risk": ("screens-and-wellbeing.yaml", "assessed-no-current-risk-identified", 0, 0),
    "remade-screens-no-risk-earlier": (
        "screens-and-wellbeing.yaml", "assessed-no-current-risk-identified", 0, 10,
    ),
    "remade-ipv-private-plan": (
        "relationships-with-ipv.yaml", "assessed-private-safety-plan-in-place", 0, 0,
    ),
}


def remade(engine: Any, variant: str) -> Any:
    """The plan the reader read as ``variant``, made as gen_read.py makes it."""
    name, outcome, before, later = REMADE[variant]
    day = EXAMPLE_AS_OF - dt.timedelta(days=before)
    return plan_with_records(
        engine, name, outcome, day, as_of=EXAMPLE_AS_OF + dt.timedelta(days=later)
    )


# M1 ---------------------------------------------------------------------------------------


def test_every_outcome_has_words_in_one_table() -> None:
    table = words_data()["clinician"]["outcome"]
    assert set(table) == set(DISPOSITION_OUTCOMES)
    for code, words in table.items():
        assert "assessed-" not in words and words.startswith("that ")
        # never the engine saying "no risk", whoever reads it
        assert no_risk_claim_path(f"Dr A. Clinician recorded {words}") is None, code


@pytest.mark.parametrize("variant", sorted(REMADE))
def test_no_document_prints_the_outcome_code_or_a_flag_id(engine, variant: str) -> None:
    plan = remade(engine, variant)
    outcome = REMADE[variant][1]
    for text in (render_markdown(plan), render_patient(plan)):
        assert "assessed-" not in text
        assert "clinician's recorded outcome" not in text
        assert not re.search(r"\brisk-\d+ (?:dispositioned|recorded)", text)
        assert no_risk_claim_path(text) is None
    # the plan's JSON (and the goal file) keep the code: machine-readable
    assert all(f["disposition"]["outcome"] == outcome for f in plan.to_dict()["risk"]["flags"])
    assert f"outcome: {outcome}" in render_goals(plan)


@pytest.mark.parametrize("variant", ["remade-screens-no-risk", "remade-screens-no-risk-earlier"])
def test_a_question_asked_is_headed_by_what_was_done(engine, variant: str) -> None:
    text = render_markdown(remade(engine, variant))
    # the reader: "Risk unknown ... risk is unknown. A clinician assessed it on 2026-12-07"
    assert "**Risk unknown (risk question unanswered or not given):**" not in text
    assert "risk is unknown. A clinician assessed it" not in text
    assert "**Suicide-risk question: asked by Dr A. Clinician on 7 December 2026.**" in text
    assert (
        "Dr A. Clinician recorded that their assessment did not identify a current risk; the flag "
        "stays on record and the question is asked again by 2026-12-21" in text
    )


def test_the_urgent_objective_headline_names_the_record_in_words(engine) -> None:
    text = render_markdown(remade(engine, "remade-severe-urgent"))
    assert (
        "Dr A. Clinician recorded on 7 December 2026 that the patient was referred for urgent "
        "care, next review 21 December 2026" in text
    )
    assert "risk-1 dispositioned by" not in text


@pytest.mark.parametrize("outcome", DISPOSITION_OUTCOMES)
def test_each_outcome_is_attributed_to_the_clinician(engine, outcome: str) -> None:
    name = (
        "relationships-with-ipv.yaml"
        if outcome not in outcomes_for("phq9.item9")
        else "severe-with-risk-flag.yaml"
    )
    plan = plan_with_records(engine, name, outcome)
    words = words_data()["clinician"]["outcome"][outcome]
    assert f"Dr A. Clinician recorded on 2026-12-07 {words}" in render_markdown(plan)


# S5 ---------------------------------------------------------------------------------------


def test_an_old_record_restarts_self_help_after_todays_review(engine) -> None:
    plan = remade(engine, "remade-severe-safetyplan-lastweek")
    text = render_markdown(plan)
    # the reader: "... is recorded below, so the self-help steps the flag held start; ..."
    assert "so the self-help steps the flag held start;" not in text
    assert (
        "the self-help steps the flag held start once today's review of the recorded risk "
        "assessment (and of its safety plan, where one was made) finds no change"
        in plan.risk_statement
    )
    held = [s for p in plan.problems[1:] for s in p.interventions if s.status == "held"]
    assert held and {s.hold for s in held} == {"risk-record-review"}
    copy = render_patient(plan)
    assert "Your clinician will tell you today, after your safety check, whether to start these now." in copy
    goals = yaml.safe_load(render_goals(plan))
    held_lines = [g["held"] for g in goals.get("x-waiting-goals", ()) if "held" in g]
    assert any(
        "where one was made) due at the visit of 2026-12-07 finds no change" in line
        for line in held_lines
    )


def test_a_record_made_today_still_starts_self_help_today(engine) -> None:
    plan = remade(engine, "remade-severe-safetyplan")
    assert not [s for p in plan.problems[1:] for s in p.interventions if s.status == "held"]


# S6 ---------------------------------------------------------------------------------------


def test_a_safety_plan_recorded_today_reads_as_done(engine) -> None:
    plan = remade(engine, "remade-severe-safetyplan")
    text = render_markdown(plan)
    # the reader: "Review the safety plan in place (recorded 7 December 2026) ... by 7 December 2026"
    assert "Review the safety plan in place (recorded 7 December 2026)" not in text
    assert (
        "**Safety plan in place (recorded today by Dr A. Clinician): give the patient their copy; "
        "review it with the patient, checking all six sections, by 21 December 2026.** Due 21 "
        "December 2026." in text
    )
    objective = next(o for o in plan.problems[0].objectives if o.id == "safety-plan-completed")
    assert objective.due_date == dt.date(2026, 12, 21)
    copy = render_patient(plan)
    assert "You and your clinician wrote your safety plan together today." in copy
    assert "will go over your safety plan together today" not in copy


def test_a_safety_plan_recorded_last_week_is_still_reviewed_today(engine) -> None:
    text = render_markdown(remade(engine, "remade-severe-safetyplan-lastweek"))
    assert "Review the safety plan in place (recorded 30 November 2026)" in text


def test_a_private_plan_recorded_today_is_not_reviewed_again(engine) -> None:
    plan = remade(engine, "remade-ipv-private-plan")
    text = render_markdown(plan)
    # the reader: "held until the private review today confirms where homework can be kept"
    assert "the private review today confirms" not in text
    assert "held until the clinician records where homework can be kept safely" in text
    assert "Review the private safety plan in place (recorded 7 December 2026)" not in text
    held = [s for p in plan.problems[1:] for s in p.interventions if s.status == "held"]
    assert held and {s.hold for s in held} == {"private-homework-place"}


# S1 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "missing-item9.json",
        "alcohol-anxiety-sleep.yaml",
        "lifestyle-stress-cardiac.yaml",
        "screens-and-wellbeing.yaml",
        "trauma-pcl5-insomnia.yaml",
    ],
)
def test_the_patient_copy_does_not_tell_the_patient_to_start(engine, name: str) -> None:
    copy = render_patient(example_plan(engine, name))
    # the reader: "Start these today, after your clinician has asked you some questions, ..."
    assert "unless you agree otherwise" not in copy
    assert "Your clinician will tell you today whether to start these now." in copy
    assert "not at all" not in copy.lower()  # never coaches the answer


def test_an_old_no_risk_record_names_no_safety_plan_as_made(engine) -> None:
    """(Code review, session 31) A week-old "no current risk identified" on an endorsed item 9
    still waits for today's review, and never speaks of a safety plan as if one was made."""
    import yaml

    from plan_helpers import EXAMPLE_AS_OF

    raw = yaml.safe_load((EXAMPLES / "severe-with-risk-flag.yaml").read_text())
    raw["risk_dispositions"] = [{
        "signal": "phq9.item9", "by": "Dr A. Clinician", "date": "2026-11-30",
        "outcome": "assessed-no-current-risk-identified", "next_review": "2026-12-14",
    }]
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)
    text = render_markdown(plan)
    assert "and the safety plan finds no change" not in text
    held = {s.hold for p in plan.problems[1:] for s in p.interventions if s.status == "held"}
    assert held == {"risk-record-review"}
