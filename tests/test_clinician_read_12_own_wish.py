"""Scenario tests for clinician read 12, S3: a wish in the patient's own words that waits is
measured today and its advice starts now, under an open risk flag too. Each fails without its
fix.

suicidal-words-in-goals: the patient's only visible wish is "Sleep better"; sleep waited behind
depression until the week-8 review, with no ISI and nothing meanwhile. Now the ISI is given at
this visit (a task at this visit, on the copy with today's questionnaires) and the sleep habits
(advice that asks no budget minutes) start now, once the clinician has gone through them; the
safety step stays first and the self-help stays held while the risk flag is open.
"""

from __future__ import annotations

from plan_helpers import all_objectives, example_plan, steps_by_id
from planengine.plan.stepped_care._dose import own_words_rules_start_now
from planengine.render._plan import render_patient

NAME = "suicidal-words-in-goals.yaml"


def test_the_isi_is_given_at_this_visit(engine) -> None:
    data = example_plan(engine, NAME).to_dict()
    [isi] = [o for o in all_objectives(data) if o["id"] == "sleep-isi-at-this-visit"]
    assert isi["at_this_visit"] is True
    assert isi["due_date"] == isi["start_date"] == "2026-12-07"
    assert isi["statement"].startswith("Give the ISI at this visit")
    assert steps_by_id(data)["sleep-measure-insomnia"]["phase"] == "now"
    assert data["problems"][0]["area"] == "safety"  # the safety step stays first


def test_the_sleep_habits_start_now_even_under_the_flag(engine) -> None:
    data = example_plan(engine, NAME).to_dict()
    habits = steps_by_id(data)["sleep-sleep-hygiene"]
    assert habits["phase"] == "now"
    assert habits["status"] == "active"  # general advice is not held for a risk flag (read 24, S3)
    assert steps_by_id(data)["sleep-sleep-diary"]["phase"] != "now"  # the programme still waits


def test_the_copy_asks_the_isi_today_and_lists_the_habits(engine) -> None:
    text = render_patient(example_plan(engine, NAME))
    # depression comes first while the suicide-risk flag is open: what help fits is agreed
    assert (
        "Today your clinician will also ask you to fill in a short questionnaire about your sleep (ISI). "
        "Then we agree together what help fits."
    ) in text
    assert "week-8 review" not in text.split("## Who to contact", 1)[0]
    rules = text.split("### Rules to follow\n", 1)[1]  # none held (clinician read 24, S3)
    assert "**Small habits that can help sleep:**" in rules.split("\n### ", 1)[0]


def test_only_advice_starts_now_and_not_behind_drinking(engine) -> None:
    assert own_words_rules_start_now() == frozenset({"sleep-sleep-hygiene"})
    # drinking that harms first (R-SC9): sleep is measured again after abstinence
    data = example_plan(engine, "alcohol-dependence-insomnia.yaml").to_dict()
    for step_id in ("sleep-sleep-hygiene", "sleep-stimulus-control"):
        step = steps_by_id(data).get(step_id)
        assert step is None or step["phase"] != "now"


def test_a_screened_measure_keeps_its_own_problem_on_the_copy(engine) -> None:
    # the PHQ-9 at this visit is about mood: the anxiety problem proposing it is not "screened"
    text = render_patient(example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    assert "questionnaire about your mood (PHQ-9)" in text
