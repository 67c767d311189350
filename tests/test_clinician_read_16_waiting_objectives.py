"""Scenario tests for clinician read 16, S2 and S3: objectives that wait show no progress and have
no baseline yet. Each fails without its fix.

* S2: missing-item9's Assertiveness (no questionnaire; its objectives wait) started "at the
  week-8 review if progress on its objectives has not improved": met by default, since
  objectives that have not started cannot show progress. It starts at week 8 "if the patient
  still wants help with it".
* S3: a waiting objective's baseline was "recorded from the first week of the practice record by
  <next week>", a date no record can meet; and a held objective carried both "Waits" and "Held".
"""

from __future__ import annotations

import pytest

from plan_helpers import all_objectives, example_plan
from planengine.plan.stepped_care._records import WAITS_NOTE
from planengine.render._plan import render_markdown

_STILL_WANTS = (
    "or at the week-8 review, if the patient still wants help with it (it has no questionnaire, "
    "and its objectives start with its steps)."
)


@pytest.mark.parametrize(
    ("name", "area"),
    [
        ("missing-item9.json", "assertiveness"),
        ("psychosis-depression-apnoea.yaml", "self-esteem"),
        ("trauma-pcl5-insomnia.yaml", "emotional-awareness"),
    ],
)
def test_an_unscored_problem_that_waits_starts_if_the_patient_still_wants_help(
    engine, name, area
) -> None:
    plan = example_plan(engine, name).to_dict()
    problem = next(p for p in plan["problems"] if p["area"] == area)
    entry = problem["phasing"]["entry"]
    assert entry.endswith(_STILL_WANTS), entry
    assert "if progress on its objectives has not improved" not in entry
    text = render_markdown(example_plan(engine, name))
    assert "week-8 review if progress on its objectives has not improved" not in text


def test_a_scored_problem_that_waits_keeps_its_questionnaire(engine) -> None:
    plan = example_plan(engine, "suicidal-words-in-goals.yaml").to_dict()
    sleep = next(p for p in plan["problems"] if p["area"] == "sleep")
    assert "if the ISI (given today, then every 14 days) has not improved" in sleep["phasing"]["entry"]


def test_a_waiting_objective_has_no_baseline_date_and_one_note(engine) -> None:
    plan = example_plan(engine, "missing-item9.json")
    text = render_markdown(plan)
    assertiveness = text.split("### 3. Assertiveness", 1)[1].split("\n### ", 1)[0]
    assert (
        "baseline recorded from the first week of the practice record, once its steps start, to "
        "at least 3 occasions per week" in assertiveness
    )
    assert "practice record by " not in assertiveness
    for objective in all_objectives(plan.to_dict()):
        if objective.get("held"):
            assert WAITS_NOTE not in objective.get("notes", []), objective["id"]


def test_an_objective_that_starts_now_keeps_its_baseline_date(engine) -> None:
    text = render_markdown(example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    assert (
        "baseline recorded from the first week of the practice log by 14 December 2026" in text
    )
