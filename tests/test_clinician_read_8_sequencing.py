"""Scenario tests for the sequencing items of the clinician's read 8: each fails without its fix.

* S3: a CBT-I course does not start beside the primary problem's own high-intensity course
  (severe depression, bipolar depression): it waits for that course's end or its week-8 review,
  as beside trauma; the sleep self-help still starts at once. Beside low-intensity care it still
  runs alongside (R-SC12).
* N5: with psychosis documented, the liaison with the psychosis team is a tracked objective and a
  gate: the therapy steps of its problem wait for it (``stepped-care.gate``); the apnoea referral
  has no made-up dose, and CBT-I waits for the apnoea treatment to start; the copy says what the
  clinician will do, in plain words.
* S9: one step-up point, the week-4 review (R-SC5); week 8 is the check of a course that runs;
  a plan cites CG185 (bipolar) only where bipolar disorder is documented; the PHQ-9, ISI and
  GAD-7 are measured every 2 weeks, their recall window (clinical brief 4.1).
* S4: the trauma copy lists no therapist's step as the patient's goal (imagery rehearsal) and no
  vague "other sleep steps"; without a PHQ-9, the trauma plan gives one (R-SC8 needs depression
  and suicide risk judged), unless depression care in the plan asks for it already.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import example_plan as _plan
from plan_helpers import steps_by_id as _steps
from planengine import Assessment
from planengine.render._plan import render_patient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("example", "course_phase", "cbti_phase"),
    [
        ("severe-with-risk-flag.yaml", "now", "next"),
        # with bipolar disorder the course waits for the prescriber liaison (read 9, S5), and
        # CBT-I still waits for the course
        ("bipolar-depression.yaml", "next", "later"),
    ],
)
def test_cbti_waits_beside_a_depression_course(engine, example, course_phase, cbti_phase) -> None:
    data = _plan(engine, example).to_dict()
    steps = _steps(data)
    assert steps["depression-ba-sessions"]["phase"] == course_phase
    cbti = steps["sleep-cbti-referral"]
    assert cbti["phase"] == cbti_phase
    assert cbti["phasing"]["entry"].startswith("Start when the course before it ends")
    assert data["burden"][course_phase]["courses"] == 1
    # the sleep self-help still starts at once
    assert steps["sleep-sleep-diary"]["phase"] == "now"


def test_cbti_still_runs_alongside_low_intensity_depression_care(engine) -> None:
    steps = _steps(_plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict())
    assert steps["depression-ba-sessions"]["phase"] != "now"  # guided self-help first
    assert steps["sleep-cbti-referral"]["phase"] == "now"
    assert steps["sleep-cbti-referral"]["phasing"]["rule"] == "stepped-care.R-SC12"


def test_psychosis_liaison_is_a_tracked_goal_and_a_gate_for_the_therapy_steps(engine) -> None:
    data = _plan(engine, "psychosis-depression-apnoea.yaml").to_dict()
    steps = _steps(data)
    objectives = {o["id"]: o for p in data["problems"] for o in p["objectives"]}
    liaison = objectives["depression-psychosis-team-liaison"]
    assert liaison["phase"] == "now" and liaison["review_interval_days"] == 7
    assert steps["depression-psychosis-team-liaison"]["objectives"] == [
        "depression-psychosis-team-liaison"]
    assert steps["depression-psychosis-team-liaison"]["phase"] == "now"
    for step_id in ("depression-activity-monitoring", "depression-values-and-hierarchy",
                    "depression-activity-scheduling", "depression-avoidance-problem-solving"):
        assert steps[step_id]["phase"] == "next", step_id
        assert steps[step_id]["phasing"]["rule"] == "stepped-care.gate"
        assert "liaison with the psychosis team is done" in steps[step_id]["phasing"]["entry"]
    # the bed rules, whose caution says to agree them with the psychosis team, wait too
    assert steps["sleep-stimulus-control"]["phase"] == "next"
    assert steps["sleep-sleep-diary"]["phase"] == "now"
    # without psychosis the same steps start now
    raw = yaml.safe_load((EXAMPLES / "psychosis-depression-apnoea.yaml").read_text())
    raw["context"]["conditions"].remove("psychosis")
    plain = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF).to_dict()
    assert _steps(plain)["depression-activity-monitoring"]["phase"] == "now"
    assert "depression-psychosis-team-liaison" not in {
        o["id"] for p in plain["problems"] for o in p["objectives"]}


def test_cbti_waits_for_the_apnoea_treatment_and_the_referral_has_no_dose(engine) -> None:
    steps = _steps(_plan(engine, "psychosis-depression-apnoea.yaml").to_dict())
    apnoea = steps["sleep-apnoea-treatment-referral"]
    assert apnoea["phase"] == "now" and "course_weeks" not in apnoea
    cbti = steps["sleep-cbti-referral"]
    assert cbti["phase"] == "next"
    assert cbti["phasing"]["entry"] == "Starts once the apnoea treatment has started."
    assert steps["sleep-sleep-diary"]["phase"] == "now"


def test_psychosis_copy_says_what_the_clinician_will_do(engine) -> None:
    text = render_patient(_plan(engine, "psychosis-depression-apnoea.yaml"))
    assert "Your clinician will speak with your mental health team first" in text
    assert "Liaise with" not in text and "psychosis team before" not in text
    assert "for 4 weeks" not in text


def test_low_intensity_plan_has_one_step_up_point_at_week_4(engine) -> None:
    plan = _plan(engine, "moderate-phq9-gad7-isi.yaml")
    data = plan.to_dict()
    objective = next(o for p in data["problems"] for o in p["objectives"]
                     if o["id"] == "depression-phq9-improvement")
    assert "step up at the week-4 review" in objective["rationale"]
    text = str(data)
    assert "non-response review at week 8" not in text.lower()
    assert "week-4 review" in _steps(data)["depression-ba-sessions"]["phasing"]["entry"]


def test_a_running_course_is_checked_at_week_8_not_stepped_up_twice(engine) -> None:
    data = _plan(engine, "severe-with-risk-flag.yaml").to_dict()
    check = _steps(data)["depression-non-response-review"]
    assert check["title"] == "Course check at the week-8 review"
    assert "not a second step-up point" in check["rationale"]
    objective = next(o for p in data["problems"] for o in p["objectives"]
                     if o["id"] == "depression-phq9-improvement")
    assert "course checked at the week-8 review" in objective["rationale"]


def _cites_cg185(item: dict[str, Any]) -> bool:
    return any(c.startswith("S12:") and "CG185" in c for c in item["citations"])


def test_cg185_is_cited_only_where_bipolar_disorder_is_documented(engine) -> None:
    data = _plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict()
    items = [x for p in data["problems"] for x in (*p["objectives"], *p["interventions"])]
    assert not [x["id"] for x in items if _cites_cg185(x)]
    bipolar = _plan(engine, "bipolar-depression.yaml").to_dict()
    cited = {x["id"] for p in bipolar["problems"]
             for x in (*p["objectives"], *p["interventions"]) if _cites_cg185(x)}
    assert {"depression-scheduled-activities", "depression-activity-scheduling",
            "sleep-cbti-referral"} <= cited


@pytest.mark.parametrize(("objective_id", "name"), [("depression-phq9-improvement", "PHQ-9"),
                                                    ("sleep-isi-improvement", "ISI")])
def test_two_week_recall_questionnaires_are_measured_every_2_weeks(engine, objective_id, name) -> None:
    plan = _plan(engine, "moderate-phq9-gad7-isi.yaml")
    objectives = {o["id"]: o for p in plan.to_dict()["problems"] for o in p["objectives"]}
    assert objectives[objective_id]["review_interval_days"] == 14
    assert f"({name}): every 14 days" in render_patient(plan)  # one of the copy's questionnaires


def test_trauma_copy_has_no_therapist_goal_and_plain_sleep_habits(engine) -> None:
    plan = _plan(engine, "trauma-pcl5-insomnia.yaml")
    objectives = {o["id"] for p in plan.to_dict()["problems"] for o in p["objectives"]}
    assert "trauma-nightmare-treatment" in objectives  # still tracked on the clinician's plan
    text = render_patient(plan)
    assert "imagery rehearsal" not in text.lower()
    # read 11, S5: no therapist is assigned yet; the clinician hears about the nightmares
    assert "Tell your clinician about the nightmares; the trauma therapy can work on them" in text
    assert "other sleep steps" not in text and "main sleep steps" not in text
    assert "Small habits that help sleep" in text


def test_trauma_plan_without_a_phq9_gives_one(engine) -> None:
    plan = _plan(engine, "trauma-pcl5-insomnia.yaml")
    step = _steps(plan.to_dict())["trauma-depression-measure"]
    assert step["phase"] == "now" and step["category"] == "assessment"
    assert "item 9" in step["description"]
    # said once, with today's appointments, not again under the sessions (read 15, S2)
    assert "a short questionnaire about your mood (PHQ-9)" in render_patient(plan)
    # with a PHQ-9 given, or depression care asking for one, it is not asked twice
    for name in ("ptsd-risky-behaviour.yaml", "screens-and-wellbeing.yaml"):
        assert "trauma-depression-measure" not in _steps(_plan(engine, name).to_dict())
