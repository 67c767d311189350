"""One wording of a hold (review of session 30, findings 1, 6 and 13): what a held step waits
for is its ``hold``, worded from one table (documents.yaml ``clinician.hold``) by the step's
note, its status label, the held objectives and the Now row's minutes; and the reason names
the flags that actually keep the hold (those not yet assessed)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from plan_helpers import held_by_safety, steps_by_id
from planengine._model import HOLD_REASONS, Provenance, RiskFlag
from planengine.io._disposition import Disposition
from planengine.plan._safety_hold import held_until, hold_reasons
from planengine.render._clinician_parts import _row_minutes
from planengine.render._plan import render_markdown
from planengine.render._words import status_label, words_data
from test_clinician_read_17_same_visit import _plan, _raw
from test_clinician_read_19_leftovers import HOLD_BY_EXAMPLE

DAY = dt.date(2026, 11, 25)
SOURCE = Provenance("rule:test", ())


def _words(reason: str) -> str:
    return str(words_data()["clinician"]["hold"][reason])


def _flag(
    kind: str, *, item: int | None = None, outcome: str | None = None, private: bool = False,
    day: dt.date = DAY,
) -> RiskFlag:
    record = None if outcome is None else Disposition("x", "Dr A", day, outcome, day + dt.timedelta(days=7))
    return RiskFlag(
        f"risk-{kind}-{day.isoformat()}", kind, "unknown" if kind == "risk-unknown" else "endorsed", 1,
        "phq9" if item else None, item, None, DAY, f"{kind} flag", SOURCE, private=private,
        status="open" if record is None else "dispositioned", disposition=record,
    )


def test_every_hold_reason_has_its_words() -> None:
    assert set(words_data()["clinician"]["hold"]) == set(HOLD_REASONS)


def test_the_reason_names_the_flag_not_yet_assessed() -> None:
    """A question never asked beside a reported risk already assessed: the step waits for the
    question, not for "a clinician's review" of the flag already seen to (finding 13)."""
    flags = (
        _flag("risk-unknown"),
        _flag("suicidal-ideation", item=9, outcome="assessed-safety-plan-in-place"),
    )
    assert hold_reasons(flags) == ("risk-question",)
    assert held_until(flags) == _words("risk-question")


def test_an_urgent_referral_names_the_open_private_assessment_too() -> None:
    flags = (
        _flag("suicidal-ideation", item=9, outcome="assessed-referred-for-urgent-care"),
        _flag("intimate-partner-violence", private=True),
    )
    assert hold_reasons(flags) == ("urgent-care", "private-assessment")
    assert held_until(flags) == f"{_words('urgent-care')}, and {_words('private-assessment')}"


@pytest.mark.parametrize(("name", "reason"), sorted(HOLD_BY_EXAMPLE.items()))
def test_a_plan_words_its_hold_one_way(engine, name: str, reason: str) -> None:
    """The step's note, its status label and every held objective say the same thing."""
    plan = _plan(engine, _raw(name))
    until = _words(reason)
    steps = steps_by_id(plan.to_dict())
    for step_id in held_by_safety(plan):
        step = steps[step_id]
        assert step["hold"] == reason
        assert any(f"eld until {until} (" in n for n in step["notes"]), step["notes"]
        assert status_label(step) == f"Held until {until}"
    text = render_markdown(plan)
    said = set(re.findall(r"\(Held until (.+?); then", text))
    criteria = {s["hold_until"] for s in steps.values() if "hold_until" in s}  # read 22, S1
    assert said <= {until, _words("contraindication"), *criteria}, said
    if reason == "risk-question":  # the words of finding 1's contradiction are gone
        assert "until a clinician reviews it" not in text.lower()
        assert "reviewed the open risk flag" not in text


def test_a_contraindication_hold_names_no_risk_flag() -> None:
    """With no flag, steps a strategy's rule holds: the Now row's minutes say what they wait
    for, never "a clinician has reviewed the risk flag" (finding 2)."""
    data = {
        "risk": {"flags": []},
        "burden": {"now": {"homework_minutes_per_week": 120, "homework_minutes_while_held": 40}},
        "problems": [{"interventions": [{"id": "a", "status": "held", "hold": "contraindication"}]}],
    }
    row = _row_minutes(data, "now", 150)
    assert row == f"40 (120 once {_words('contraindication')})"
    assert "risk" not in row


def test_the_copy_says_asked_only_when_the_plan_records_a_no() -> None:
    """The patient copy's "asked" paragraph reads the safety plan's condition (the plan's record
    of a "no"), not the flags' status (finding 7): a flag dispositioned another way, with the
    safety plan still waiting on today's question, is asked today."""
    from planengine.plan._safety_today import ANSWERED_NO_CONDITION
    from planengine.render._patient_parts import safety_section
    from planengine.render._words import patient_text

    def data(condition: str) -> dict:
        flag = {"kind": "risk-unknown", "private": False, "status": "dispositioned"}
        safety = {"area": "safety", "interventions": [],
                  "objectives": [{"id": "safety-plan-completed", "condition": condition}]}
        return {"risk": {"flags": [flag]}, "problems": [safety]}

    def said(condition: str) -> str:
        section = safety_section(data(condition), lambda text: text)
        assert section is not None
        return section.blocks[0].text

    assert said(ANSWERED_NO_CONDITION) == patient_text("safety_asked")
    assert said("if PHQ-9 item 9 is endorsed when asked today") == patient_text("safety_ask_today")


def test_the_referral_step_and_the_urgent_check_count_from_one_day() -> None:
    """Two flags referred for urgent care on different days: the referral step's date and the
    day the urgent contact is counted from are the same, the earliest (finding 5)."""
    from planengine.plan._safety_today import (
        referred_for_urgent_care,
        specialist_option,
        urgent_contact_objective,
        urgent_referrals,
        working_days_after,
    )

    early, late = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    urgent = "assessed-referred-for-urgent-care"
    flags = (
        _flag("suicidal-ideation", item=9, outcome=urgent, day=late),
        _flag("suicidal-language", outcome=urgent, day=early),
        _flag("risky-behaviour"),
    )
    assert len(urgent_referrals(flags)) == 2
    assert referred_for_urgent_care(flags) == early
    objective = urgent_contact_objective(flags, early)
    assert objective is not None and objective.due_date == working_days_after(early, 1)
    step = specialist_option(SOURCE, referred_for_urgent_care(flags), objective.due_date)
    assert step.title == f"Urgent referral made ({early.isoformat()})"
