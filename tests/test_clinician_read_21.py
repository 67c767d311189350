"""Clinician read 21, S1 (and the goal file's word for the hold): with documented abuse and the
clinician's recorded ``assessed-private-safety-plan-in-place``, the plan made again reviews the
private safety plan in place one to one at this visit, rather than assessing as if nothing was
done; the homework stays held until that review says where it can be kept; and the patient copy
stays private. (M1, S3, S4, S5: tests/test_safety_plan_on_record.py, test_clinician_read_20.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from plan_helpers import EXAMPLES
from planengine import Assessment
from planengine.render._plan import render_goals, render_markdown, render_patient

IPV = "relationships-with-ipv.yaml"
AS_OF = dt.date(2026, 12, 7)
RECORD = {
    "signal": "intimate-partner-violence",
    "by": "Dr M. Okafor",
    "date": "2026-11-20",
    "outcome": "assessed-private-safety-plan-in-place",
    "next_review": "2026-12-18",
}
#: the reader's words (read 21, S1)
REVIEW = (
    "Review the private safety plan in place (recorded 20 November 2026) one to one at this "
    "visit: immediate danger, any change since, the agreed safe contact, and whether written "
    "homework can be kept without being found; by 7 December 2026."
)
CONFIRM = (
    "confirm the specialist-service offer and safe-contact method recorded on 20 November 2026 "
    "still hold"
)
HOLD = "held until the private review today confirms where homework can be kept"
ROW = (
    "Safety: private flag on record (assessed 20 November 2026; reviewed privately at each "
    "visit; next review 18 December 2026)"
)


def ipv_plan(engine: Any, outcome: str | None = RECORD["outcome"]) -> Any:
    raw = yaml.safe_load((EXAMPLES / IPV).read_text())
    if outcome is not None:
        raw["risk_dispositions"] = [{**RECORD, "outcome": outcome}]
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def test_the_private_plan_in_place_is_reviewed_not_assessed_again(engine) -> None:
    plan = ipv_plan(engine)
    safety = plan.problems[0]
    assert safety.id == "problem-safety"  # first, whatever is recorded
    text = render_markdown(plan)
    assert REVIEW in text and CONFIRM in text
    assert "Have a private, one-to-one safety assessment" not in text
    assert "offer a specialist support service" not in text
    assert "agree a safe way and time to make contact" not in text
    step = next(s for s in safety.interventions if s.id == "safety-private-assessment")
    assert step.title == "Private review of the safety plan in place, one to one"
    assert set(step.objective_ids) == {o.id for o in safety.objectives} - {"safety-flag-review"}


def test_the_hold_names_the_private_review(engine) -> None:
    plan = ipv_plan(engine)
    held = [s for p in plan.problems[1:] for s in p.interventions if s.status == "held"]
    assert held and {s.hold for s in held} == {"private-review"}
    text = render_markdown(plan)
    assert HOLD in text and HOLD.capitalize() in text
    assert "A clinician must see to each open flag today" not in text
    assert "the clinician's private safety assessment of 20 November 2026 is recorded below" in (
        plan.risk_statement
    )
    goals = render_goals(plan)
    # what the held steps wait for, never a flag "on record" that never lifts (read 22, S1),
    # the visit named by its date: a goal file is read at a later review
    day = plan.as_of.isoformat()
    assert f"held: until the private review due at the visit of {day} confirms where homework" in goals
    assert "held while a risk flag" not in goals


def test_the_safety_row_says_private_flag_on_record(engine) -> None:
    text = render_markdown(ipv_plan(engine))
    assert f"| 1 | {ROW} | Now |" in text
    assert "Safety: open risk flag" not in text


def test_the_patient_copy_stays_private(engine) -> None:
    patient = render_patient(ipv_plan(engine)).lower()
    for word in ("abuse", "partner", "violence", "private flag", "risk flag", "homework can be"):
        assert word not in patient
    assert "next review: on or before 18 december 2026." in patient  # the flag's review (S3)


def test_without_the_record_the_private_assessment_is_asked_for(engine) -> None:
    for plan in (ipv_plan(engine, None), ipv_plan(engine, "assessed-no-current-risk-identified")):
        text = render_markdown(plan)
        assert "Have a private, one-to-one safety assessment with the clinician" in text
        assert REVIEW not in text and "private flag on record" not in text
        held = [s for p in plan.problems[1:] for s in p.interventions if s.status == "held"]
        assert held and {s.hold for s in held} == {"private-assessment"}


# --- S2: one vocabulary, "on record" -------------------------------------------------------

SEVERE = "severe-with-risk-flag.yaml"  # PHQ-9 item 9 answered 2


def severe_plan(engine: Any, outcome: str | None) -> Any:
    raw = yaml.safe_load((EXAMPLES / SEVERE).read_text())
    if outcome is not None:
        raw["risk_dispositions"] = [
            {"signal": "phq9.item9", "by": "Dr M. Okafor", "date": "2026-12-07",
             "outcome": outcome, "next_review": "2026-12-21"}
        ]
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def test_with_every_flag_dispositioned_nothing_says_open(engine) -> None:
    plan = severe_plan(engine, "assessed-safety-plan-in-place")
    text = render_markdown(plan)
    assert plan.risk_statement.startswith(
        "1 risk flag on record, assessed by the clinician (kept under review):"
    )
    assert "| 1 | Safety: risk flag on record | Now | Safety comes first in every plan while a " \
        "risk flag is on record. |" in text
    assert "The suicide-risk flag is on record: depression is treated first" in text
    assert "Given at every contact while the suicide-risk flag is on record." in text
    for old in ("open risk flag", "flag is open", "0 open", "0 dispositioned"):
        assert old not in text, old


def test_an_urgent_referral_is_counted_as_one(engine) -> None:
    plan = severe_plan(engine, "assessed-referred-for-urgent-care")
    assert plan.risk_statement.startswith(
        "1 risk flag on record: under urgent referral (7 December 2026) until the urgent service "
        "has seen the patient"
    )
    assert "assessed by the clinician (kept" not in plan.risk_statement  # never read as settled
    assert "Safety: risk flag on record" in render_markdown(plan)


def test_an_open_flag_is_counted_open_with_no_zero(engine) -> None:
    plan = severe_plan(engine, None)
    assert plan.risk_statement.startswith("1 risk flag on record, open. A clinician must see")
    text = render_markdown(plan)
    assert "| 1 | Safety: open risk flag | Now |" in text  # open while it is
    assert "0 assessed" not in text and "(kept under review)" not in text
