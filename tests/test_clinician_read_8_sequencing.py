"""Scenario tests for the sequencing items of the clinician's read 8: each fails without its fix.

* S3: a CBT-I course does not start beside the primary problem's own high-intensity course
  (severe depression, bipolar depression): it waits for that course's end or its week-8 review,
  as beside trauma; the sleep self-help still starts at once. Beside low-intensity care it still
  runs alongside (R-SC12).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_helpers import all_steps
from planengine import Assessment
from planengine.render._plan import render_patient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 12, 7)


def _plan(engine, name: str):
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    return engine.plan(Assessment.from_mapping(raw), as_of=AS_OF)


def _steps(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_steps(data)}


@pytest.mark.parametrize("example", ["severe-with-risk-flag.yaml", "bipolar-depression.yaml"])
def test_cbti_waits_beside_a_depression_course(engine, example) -> None:
    data = _plan(engine, example).to_dict()
    steps = _steps(data)
    assert steps["depression-ba-sessions"]["phase"] == "now"
    cbti = steps["sleep-cbti-referral"]
    assert cbti["phase"] == "next"
    assert cbti["phasing"]["entry"].startswith("Start when the course before it ends")
    assert data["burden"]["now"]["courses"] == 1
    # the sleep self-help still starts at once
    assert steps["sleep-sleep-diary"]["phase"] == "now"


def test_cbti_still_runs_alongside_low_intensity_depression_care(engine) -> None:
    steps = _steps(_plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict())
    assert steps["depression-ba-sessions"]["phase"] != "now"  # guided self-help first
    assert steps["sleep-cbti-referral"]["phase"] == "now"
    assert steps["sleep-cbti-referral"]["phasing"]["rule"] == "stepped-care.R-SC12"
