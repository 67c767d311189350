"""Clinician read 19: after ``assessed-referred-for-urgent-care`` the re-made plan and patient
copy say what the held steps wait for and that the patient was referred (M1); the shipped
endorsed-risk plans name that exception in their release sentence (S1)."""

from __future__ import annotations

import pytest

from plan_helpers import example_plan, plan_with_records
from planengine.render._plan import render_markdown, render_patient
from test_clinician_read_18_items import OUTCOMES, REPORTED_RISK

URGENT = "assessed-referred-for-urgent-care"
#: read 19's words, kept whole
HELD_MARKER = (
    "(Held until the urgent service has seen the patient and a new disposition is recorded; "
    "then agree these dates again.)"
)
#: the copy's routine part gives way to one sentence while the urgent service is awaited
#: (clinician read 23, S3, superseding read 19's held-goal marker on the copy)
NEXT_STEPS = "Once the urgent service has seen you, we will plan the next steps together."
REFERRED = (
    "Your clinician has asked an urgent mental health service to see you (service: __________). "
    # the plan's dated check, by default the next working day (clinician read 20, S3)
    "They should contact you by 8 December 2026. If you have not heard from them by then, or you feel "
    "less safe before then, call the numbers in the box above."
)
EXCEPTION = (
    "If the clinician refers the patient for urgent care, routine self-help stays held until the "
    "urgent service has seen them and a new disposition is recorded."
)
#: what a clinician's review (a condition the disposition has already met) reads as
STALE = (
    "reviewed the risk flag",
    "reviewed the open risk flag",
    "held until a clinician reviews it",
    "Held until a clinician reviews it",
    "on hold for now; your clinician will tell you when it starts",
    "Start these when your clinician says so",
    "A clinician must see to each of them today",
)


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_the_urgent_referral_plan_says_what_the_hold_waits_for(engine, name: str) -> None:
    plan = plan_with_records(engine, name, URGENT)
    text = render_markdown(plan)
    assert HELD_MARKER in text
    assert "the clinician referred the patient for urgent care on 2026-12-07" in (
        plan.to_dict()["risk"]["statement"]
    )
    copy = render_patient(plan)
    assert NEXT_STEPS in copy
    for stale in STALE:
        assert stale not in text, stale
        assert stale not in copy, stale


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_the_urgent_referral_copy_says_who_contacts_the_patient(engine, name: str) -> None:
    copy = render_patient(plan_with_records(engine, name, URGENT))
    appointments = copy.split("Your next appointment", 1)[1]
    assert REFERRED in appointments
    # "the box above": the crisis numbers come before the referral sentence
    assert copy.index("If you need help now") < copy.index(REFERRED)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_no_other_disposition_mentions_an_urgent_referral(engine, outcome: str) -> None:
    plan = plan_with_records(engine, "severe-with-risk-flag.yaml", outcome)
    assert REFERRED not in render_patient(plan)
    assert HELD_MARKER not in render_markdown(plan)


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_the_release_sentence_names_the_urgent_care_exception(engine, name: str) -> None:
    plan = example_plan(engine, name)
    assessment = next(s for s in plan.problems[0].interventions if s.id == "safety-risk-assessment")
    assert EXCEPTION in assessment.description
    # the shipped draft records no disposition: nothing is said as if a referral were made
    assert REFERRED not in render_patient(plan)


@pytest.mark.parametrize("name", REPORTED_RISK)
def test_step_4_reads_as_the_referral_made(engine, name: str) -> None:
    plan = plan_with_records(engine, name, URGENT)
    step = next(s for s in plan.problems[0].interventions if s.id == "safety-specialist-option")
    assert step.title == "Urgent referral made (2026-12-07)"
    assert step.description.startswith(  # read 20, S3: by the urgent contact check's date
        "Confirm with the patient and the service that the person was seen by 2026-12-08; if the "
        "service has not seen the patient by that date, or the patient cannot be reached, act "
        "the same day by the clinic's pathway."
    )
    assert "Option for the clinician" not in render_markdown(plan)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_step_4_stays_an_option_without_a_referral(engine, outcome: str) -> None:
    plan = plan_with_records(engine, "severe-with-risk-flag.yaml", outcome)
    step = next(s for s in plan.problems[0].interventions if s.id == "safety-specialist-option")
    assert step.title.startswith("Option for the clinician")
