"""Scenario tests for the clinician's read 10, S5 and its smaller points: each fails without its
fix.

* S5, pregnancy: a waiting objective carries its time frame, not a calendar date the patient
  could read as due ("within 6 weeks of the referral"); a referral option shows its own
  contacts, not the self-help minutes that go with every option.
* Trauma at or above its cut-off: active monitoring alone is offered only "if the patient
  declines trauma-focused therapy" (``declined`` in data/stepped-care.yaml); below it, as is.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from plan_helpers import example_plan
from planengine.render._plan import render_goals, render_markdown
from test_strategies_scenarios import assessment, plan_for

PREGNANCY = "pregnancy-insomnia-nightmares.yaml"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}")


def _objectives(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for p in data["problems"] for o in p["objectives"]]


def test_a_waiting_objective_names_its_time_frame_not_a_date(engine) -> None:
    plan = example_plan(engine, PREGNANCY)
    irt = next(o for o in _objectives(plan.to_dict()) if o["id"] == "sleep-nightmare-treatment")
    assert irt["phase"] == "next"
    assert irt["statement"].endswith("with a trained clinician within 6 weeks of the referral.")
    waiting = yaml.safe_load(render_goals(plan))["x-waiting-goals"]
    assert waiting, "the pregnancy plan has waiting goals"
    for goal in waiting:  # no waiting goal carries a date to be read as due
        assert not _DATE.search(goal["statement"]), goal
    text = render_markdown(plan)
    assert "within 6 weeks of the referral." in text
    assert "by 18 January 2027" not in text and "by 2027-01-18" not in text


def test_an_objective_that_starts_now_keeps_its_date(engine) -> None:
    data = example_plan(engine, PREGNANCY).to_dict()
    diary = next(o for o in _objectives(data) if o["id"] == "sleep-sleep-diary")
    assert diary["phase"] == "now" and diary["statement"].endswith(f"by {diary['due_date']}.")


def test_a_referral_option_shows_its_own_contacts_not_the_shared_self_help(engine) -> None:
    text = render_markdown(example_plan(engine, PREGNANCY))
    assert "- **Refer for imagery rehearsal therapy for nightmares:** Referral; for 6 weeks." in text
    assert "Refer for CBT for insomnia (the plan follows this):** Referral; 1 x a week, for 8 weeks." in text
    options = [line for line in text.splitlines() if line.startswith("- **Guided self-help:**")]
    assert options and all("min a week" in line for line in options)  # self-help keeps its minutes
    assert not re.search(r"Referral[^\n]*self-help \d+ min a week", text)


PCL5_46 = [3, 3, 2, 2, 3, 2, 3, 2, 2, 2, 3, 2, 2, 3, 2, 2, 2, 2, 2, 2]
ISI_19 = [3, 3, 3, 3, 3, 2, 2]


def _monitor_title(data: dict[str, Any], area: str) -> str:
    choice = next(c for c in data["choices"] if c["area"] == area)
    return next(o["title"] for o in choice["options"] if o["id"] == "monitor-only")


@pytest.mark.parametrize(
    ("instrument", "answers", "area", "title"),
    [
        ("pcl5", PCL5_46, "trauma",
         "Active monitoring only (if the patient declines trauma-focused therapy)"),
        # an area whose rule names no declined course keeps the plain title
        ("isi", ISI_19, "sleep", "Active monitoring only"),
    ],
)
def test_monitoring_alone_for_trauma_at_its_cut_off_is_offered_only_if_therapy_is_declined(
    engine, instrument: str, answers: list[int], area: str, title: str
) -> None:
    assert sum(answers) in (46, 19)
    data = plan_for(engine, assessment({instrument: answers}))
    assert _monitor_title(data, area) == title


def test_the_apnoea_referral_that_gates_cbti_is_a_tracked_liaison_goal(engine) -> None:
    plan = example_plan(engine, "psychosis-depression-apnoea.yaml")
    data = plan.to_dict()
    objective = next(o for o in _objectives(data) if o["id"] == "sleep-apnoea-treatment")
    assert objective["liaison"] is True and objective["review_interval_days"] == 7
    assert objective["statement"].startswith("Confirm with the sleep service or GP")
    referral = next(
        s for p in data["problems"] for s in p["interventions"] if s["id"] == "sleep-apnoea-treatment-referral"
    )
    assert "sleep-apnoea-treatment" in referral["objectives"]
    goals = yaml.safe_load(render_goals(plan))["goals"]
    assert "sleep-apnoea-treatment" in {g["id"] for g in goals}  # reviewed, so a stall shows
    without = plan_for(engine, assessment({"isi": ISI_19}))
    assert "sleep-apnoea-treatment" not in {o["id"] for o in _objectives(without)}
