"""Scenario tests for clinician read 15, S1, S4 and S5: what a waiting problem's phase line
says starts now, and what it is measured by meanwhile. Each fails without its fix.

* S1: alcohol-dependence-insomnia's Depression read "Now: PHQ-9 again at the week-4 review", a
  step due in four weeks. What starts now is holding the care behind the drinking; the
  re-measure step of every problem that waits behind drinking that harms (R-SC9) says so.
* S4: two phase lines ended "Meanwhile: progress on its objectives.", which names no measure.
  No phase line says a "Meanwhile" for a problem no questionnaire measures.
* S5: suicidal-words-in-goals' Sleep started "at the week-8 review if progress on its
  objectives has not improved", while its only objective is held. A problem whose own
  questionnaire a task at this visit gives is measured by it meanwhile: "if the ISI (given
  today, then every 14 days) has not improved".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, example_plan, steps_by_id
from planengine import Assessment
from planengine.plan.stepped_care._order import given_today
from planengine.plan.stepped_care._records import NO_MEASURE
from planengine.plan.stepped_care._rules import SteppedCareRules
from planengine.render._plan import render_markdown

NAMES = sorted(p.name for p in Path(EXAMPLES).iterdir() if p.is_file())


def _phase_line(text: str, heading: str) -> str:
    """The phase line of the problem headed ``heading`` ("2. Depression") in Appendix A."""
    appendix = text.split("## Appendix A.", 1)[1]
    found = re.search(
        rf"^### {re.escape(heading)}[^\n]*\n\n(\*\*Phase: [^\n]+)", appendix, flags=re.M
    )
    assert found is not None, heading
    return found.group(1)


def test_alcohol_dependence_depression_now_is_the_hold(engine) -> None:
    plan = example_plan(engine, "alcohol-dependence-insomnia.yaml")
    line = _phase_line(render_markdown(plan), "2. Depression")
    now = line.split(" Now: ", 1)[1].split(" Waiting: ", 1)[0]
    assert (
        now == "Hold depression care behind alcohol, and give the PHQ-9 again at the week-4 review."
    )
    step = steps_by_id(plan.to_dict())["depression-remeasure-after-alcohol"]
    assert step["phase"] == "now"
    assert step["description"].startswith(
        "Care for depression waits while the drinking is treated."
    )


def test_anxiety_behind_drinking_is_held_the_same_way(engine) -> None:
    """The wording comes from the rule, not the example: anxiety measured by the GAD-7 waits
    behind drinking that harms the same way."""
    raw = yaml.safe_load((EXAMPLES / "alcohol-dependence-insomnia.yaml").read_text())
    raw["responses"] = [r for r in raw["responses"] if r["instrument"] != "phq9"]
    raw["responses"].append(
        {"instrument": "gad7", "date": "2026-11-24", "answers": [2, 2, 2, 2, 2, 1, 1]}
    )
    data = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF).to_dict()
    step = steps_by_id(data)["anxiety-remeasure-after-alcohol"]
    assert (
        step["title"]
        == "Hold anxiety care behind alcohol, and give the GAD-7 again at the week-4 review"
    )
    assert step["phase"] == "now"


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("eating-disorder-lifestyle.yaml", "3. Lifestyle"),  # after the safety step (read 16)
        ("relationships-with-ipv.yaml", "3. Relationships"),
    ],
)
def test_the_two_lines_read_15_named_end_without_an_empty_meanwhile(engine, name, heading) -> None:
    line = _phase_line(render_markdown(example_plan(engine, name)), heading)
    assert "Meanwhile" not in line
    assert line.endswith("(Anxiety is on active monitoring, not in treatment).") or line.endswith(
        "(Depression is on active monitoring, not in treatment)."
    )


@pytest.mark.parametrize("name", NAMES)
def test_no_phase_line_says_progress_on_its_objectives_meanwhile(engine, name) -> None:
    assert f"Meanwhile: {NO_MEASURE}." not in render_markdown(example_plan(engine, name))


def test_suicidal_words_sleep_is_measured_by_the_isi_given_today(engine) -> None:
    plan = example_plan(engine, "suicidal-words-in-goals.yaml")
    sleep = next(p for p in plan.to_dict()["problems"] if p["area"] == "sleep")
    assert (
        sleep["phasing"]["review"] == "the ISI (given today, then every 14 days)"
    )  # its recall window
    line = _phase_line(render_markdown(plan), "4. Sleep")
    assert line.endswith(
        "Start when Depression has improved reliably, or at the week-8 review if the ISI (given "
        "today, then every 14 days) has not improved."
    )
    assert NO_MEASURE not in line


def test_the_full_questionnaire_a_screen_asks_for_today_is_the_measure_too(engine) -> None:
    """screens-and-wellbeing's Depression (a positive PHQ-2, waiting behind trauma) has the full
    PHQ-9 given today: its start criterion reads on it, not on "progress on its objectives"."""
    plan = example_plan(engine, "screens-and-wellbeing.yaml")
    line = _phase_line(render_markdown(plan), "4. Depression")  # after the safety step
    assert (
        "at the week-8 review if the PHQ-9 (given today, then every 14 days) has not improved"
        in line
    )
    assert NO_MEASURE not in line


def test_a_questionnaire_of_another_area_given_today_is_not_the_measure(engine) -> None:
    """The PHQ-9 the trauma plan gives today is about mood, not trauma."""
    plan = example_plan(engine, "trauma-pcl5-insomnia.yaml")
    rules = SteppedCareRules.for_instruments(engine.instruments)
    trauma = next(p for p in plan.problems if p.area == "trauma")
    assert any(s.administers == "phq9" for s in trauma.interventions)
    assert given_today(trauma, rules) is None
    for step in trauma.interventions:  # the same step giving the PCL-5 would be trauma's measure
        if step.administers == "phq9":
            step.administers = "pcl5"
    assert given_today(trauma, rules) == "pcl5"
