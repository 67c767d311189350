"""Scenario tests for the sleep items of the clinician's read 9: each fails without its fix.

* M2: in pregnancy, clinician-supervised sleep restriction waits for the midwife or obstetric
  team (a gate on the liaison step, ``stepped-care.gate``), not only for "a clinician"; the copy
  never tells a pregnant patient to set a time in bed before the midwife has agreed.
* M2/S2: with a CBT-I referral in the plan (any phase), sleep restriction is no separate step:
  the course does the titration. The contacts of ``next`` and ``later`` count only the courses
  that may run together (one at a time), not every course that may start there.
* S10: nightmares as the patient's goal: imagery rehearsal does not wait for the end of CBT-I
  (8 weeks) but is checked at the week-4 review on the nightmare count, and the CBT-I provider
  is asked to include it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import all_steps, engine_without_cbti
from planengine import Assessment, Engine
from planengine.render._plan import render_markdown, render_patient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)
PREGNANCY = "pregnancy-insomnia-nightmares.yaml"


def _assessment(name: str) -> Assessment:
    return Assessment.from_mapping(yaml.safe_load((EXAMPLES / name).read_text()))


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


# -- M2: the midwife's agreement is a gate ----------------------------------------------------


def test_in_pregnancy_sleep_restriction_waits_for_the_midwife_liaison() -> None:
    # a clinic without CBT-I: sleep restriction is a step of its own there
    data = engine_without_cbti().plan(_assessment(PREGNANCY), as_of=AS_OF).to_dict()
    steps = _steps(data)
    assert steps["sleep-pregnancy-liaison"]["phase"] == "now"
    restriction = steps["sleep-sleep-restriction"]
    assert restriction["phase"] == "next"
    assert restriction["phasing"]["rule"] == "stepped-care.gate"
    assert restriction["phasing"]["entry"] == (
        "Held until the midwife or obstetric team agrees (not before the liaison step is done)."
    )
    # without the pregnancy, nothing holds it back to the next phase
    raw = yaml.safe_load((EXAMPLES / PREGNANCY).read_text())
    raw["context"]["conditions"] = [c for c in raw["context"]["conditions"] if c != "pregnancy"]
    plain = _steps(engine_without_cbti().plan(Assessment.from_mapping(raw), as_of=AS_OF).to_dict())
    assert "sleep-pregnancy-liaison" not in plain
    assert plain["sleep-sleep-restriction"]["phase"] == "now"


def test_the_pregnancy_copy_sets_no_time_in_bed(engine: Engine) -> None:
    plan = engine.plan(_assessment(PREGNANCY), as_of=AS_OF)
    copy = render_patient(plan)
    assert "A set time in bed" not in copy and "time in bed" not in copy.lower()
    clinician = render_markdown(plan)
    # the referral tells the provider that the time in bed waits for the midwife
    referral = clinician.split("**Refer for CBT for insomnia:** Refer to", 1)[1].split("\n9. ", 1)[0]
    assert "waits until the midwife or obstetric team has agreed it" in referral


# -- M2/S2: one titration, and contacts that run together ---------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "trauma-pcl5-insomnia.yaml",
        "all-instruments.yaml",
        "moderate-phq9-gad7-isi.yaml",
        "psychosis-depression-apnoea.yaml",
        PREGNANCY,
    ],
)
def test_with_a_cbti_referral_sleep_restriction_is_the_courses(engine: Engine, name: str) -> None:
    data = engine.plan(_assessment(name), as_of=AS_OF).to_dict()
    steps = _steps(data)
    assert "sleep-cbti-referral" in steps
    assert "sleep-sleep-restriction" not in steps
    excluded = {e["id"]: e for e in data["excluded"]}
    left = excluded.get("sleep-sleep-restriction")
    if left is not None and left["rule"] == "stepped-care.delivered-by-course":
        assert "not adjusted by two people" in left["reason"]
    else:  # left out earlier for a contraindication (apnoea) or a plan-length rule
        assert left is not None and left["rule"] != "stepped-care.delivered-by-course"


def test_next_and_later_count_only_the_courses_that_run_together(engine: Engine) -> None:
    data = engine.plan(_assessment("all-instruments.yaml"), as_of=AS_OF).to_dict()
    later = data["burden"]["later"]
    # four step-up courses may start later, one at a time: one weekly course, not four
    assert later["courses"] == 4
    assert later["clinician_contacts_per_week"] == 1
    trauma = engine.plan(_assessment("trauma-pcl5-insomnia.yaml"), as_of=AS_OF).to_dict()
    assert trauma["burden"]["next"]["clinician_contacts_per_week"] <= 2


def test_now_still_counts_every_course_that_runs(engine: Engine) -> None:
    # CBT-I beside guided self-help for depression runs in the same weeks: both are counted
    data = engine.plan(_assessment("moderate-phq9-gad7-isi.yaml"), as_of=AS_OF).to_dict()
    now = [s for s in all_steps(data) if s["phase"] == "now" and s["intensity"] == "high"]
    assert {s["id"] for s in now} == {"sleep-cbti-referral"}
    assert data["burden"]["now"]["clinician_contacts_per_week"] >= 1


# -- S10: nightmare care does not wait for the end of CBT-I --------------------------------------


def test_imagery_rehearsal_is_checked_at_week_4_on_the_nightmare_count(engine: Engine) -> None:
    data = engine.plan(_assessment(PREGNANCY), as_of=AS_OF).to_dict()
    steps = _steps(data)
    irt = steps["sleep-imagery-rehearsal-referral"]
    assert irt["phase"] == "next"
    assert irt["phasing"]["entry"] == (
        "Start when the course before it ends, or at its week-4 review if the nightmare count "
        "(the nightmare log) has not fallen."
    )
    assert "week-8" not in irt["phasing"]["entry"]
    cbti = steps["sleep-cbti-referral"]
    assert "ask the provider to include imagery rehearsal" in cbti["description"]


def test_other_queued_courses_keep_the_week_8_review(engine: Engine) -> None:
    # (severe depression: CBT-I queues behind the BA course; with bipolar disorder it now waits
    # behind the prescriber liaison too, read 9 S5)
    data = engine.plan(_assessment("severe-with-risk-flag.yaml"), as_of=AS_OF).to_dict()
    cbti = _steps(data)["sleep-cbti-referral"]
    assert cbti["phase"] == "next"
    assert "week-8 review if the ISI" in cbti["phasing"]["entry"]
    assert "include imagery rehearsal" not in cbti["description"]
