"""Clinician read 23, S4, S7 and NITs, in the reader's words: the patient copy names the plan's
own (earliest) revisit review, as a date; no engine or design-note wording, and no setting, in
the text a clinician signs (the settings stay in "How this plan was made"); "numbers at the
top"; "No problem reached its cut-off"; a due date, not an interval that is only the days to it;
"1 contact"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, example_plan
from planengine import Assessment
from planengine.render._plan import render_markdown, render_patient

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml")) + sorted(
    p.name for p in EXAMPLES.glob("*.json")
)
PROVENANCE = "## How this plan was made"
#: what the reader found above a signature (read 23, S7)
JARGON = ("design note", "clinical brief", "[tool.planengine", "crisis-resources (for", "The engine")
NO_NUMBERS = "No crisis numbers are set up for this clinic: write the local crisis and emergency numbers in by hand"


def _remade(engine: Any, name: str, outcome: str, day: dt.date, as_of: dt.date = EXAMPLE_AS_OF) -> Any:
    """The plan made again once the clinician has recorded ``outcome`` for every flag on ``day``
    (as the reader's documents were made)."""
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    flags = example_plan(engine, name).risk_flags
    raw["risk_dispositions"] = [
        {
            "signal": f.signal,
            "by": "Dr A. Clinician",
            "date": day.isoformat(),
            "outcome": outcome,
            "next_review": (day + dt.timedelta(days=14)).isoformat(),
        }
        for f in flags
    ]
    return engine.plan(Assessment.from_mapping(raw), as_of=as_of)


def _body(text: str) -> str:
    assert PROVENANCE in text
    return text.split(PROVENANCE, 1)[0]


# -- S4: one revisit review, as a date ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "private"),
    [("relationships-with-ipv.yaml", True), ("pregnancy-insomnia-nightmares.yaml", False)],
)
def test_the_copy_comes_back_at_the_plans_week_4_review_on_its_date(engine, name: str, private: bool) -> None:
    plan = example_plan(engine, name)
    assert "## Also noted – revisit at the week-4 review (4 January 2027)" in render_markdown(plan)
    copy = render_patient(plan)
    assert "week-8 review" not in copy
    if private:
        assert "We'll come back to the other things we talked about at your review on 4 January 2027." in copy
    else:
        assert "We'll come back to these at your review on 4 January 2027:" in copy


def test_the_remade_private_plan_copy_says_the_same_date(engine) -> None:
    plan = _remade(engine, "relationships-with-ipv.yaml", "assessed-private-safety-plan-in-place", EXAMPLE_AS_OF)
    assert "revisit at the week-4 review (4 January 2027)" in render_markdown(plan)
    copy = render_patient(plan)
    assert "We'll come back to these at your week-8 review" not in copy
    assert "at your review on 4 January 2027." in copy


# -- S7: no engine wording in what a clinician signs -------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_engine_wording_above_the_provenance_section(engine, name: str) -> None:
    body = _body(render_markdown(example_plan(engine, name)))
    for words in JARGON:
        assert words not in body, (name, words)
    assert "planengine" not in body.lower(), name


def test_the_remade_plans_carry_no_engine_wording_either(engine) -> None:
    for plan in (
        _remade(engine, "severe-with-risk-flag.yaml", "assessed-referred-for-urgent-care", EXAMPLE_AS_OF),
        _remade(engine, "relationships-with-ipv.yaml", "assessed-private-safety-plan-in-place", EXAMPLE_AS_OF),
        _remade(
            engine, "screens-and-wellbeing.yaml", "assessed-no-current-risk-identified", EXAMPLE_AS_OF,
            as_of=EXAMPLE_AS_OF + dt.timedelta(days=10),
        ),
    ):  # fmt: skip
        body = _body(render_markdown(plan))
        assert not [w for w in JARGON if w in body]


def test_the_setting_moves_to_how_this_plan_was_made_with_a_plain_sentence_left(engine) -> None:
    text = render_markdown(example_plan(engine, "relationships-with-ipv.yaml"))
    body, provenance = text.split(PROVENANCE, 1)
    assert f"> **No crisis line set up.** {NO_NUMBERS}" in body
    assert f"- {NO_NUMBERS}" in body  # the points to check before signing
    assert "no domestic-abuse service is set up for this clinic: give the patient the local domestic-abuse helpline" in body
    assert "set crisis-locale or crisis-resources in [tool.planengine.plan]" in provenance
    assert 'add one to crisis-resources (for = ["abuse"])' in provenance


def test_the_psychosis_caution_and_the_pregnancy_route_read_as_clinical_sentences(engine) -> None:
    psychosis = render_markdown(example_plan(engine, "psychosis-depression-apnoea.yaml"))
    assert "(design note, not in the clinical brief)" not in psychosis
    assert (
        "so sleep restriction is used only if agreed with the psychosis team (a precaution from "
        "clinical experience; no guideline reviewed sets it)"
    ) in psychosis
    pregnancy = render_markdown(example_plan(engine, "pregnancy-insomnia-nightmares.yaml"))
    assert "the clinical brief has none for pregnancy (unconfirmed)" not in pregnancy
    assert "clinical brief marks pregnancy" not in pregnancy
    assert (
        "No referral threshold is set here: the guidance reviewed gives none for pregnancy, and "
        "the evidence in pregnancy is limited."
    ) in pregnancy


def test_words_of_suicide_say_a_word_search_found_them(engine) -> None:
    text = render_markdown(example_plan(engine, "suicidal-words-in-goals.yaml"))
    assert "The engine does not weigh negation" not in text
    assert "These words were found by a word search, which cannot weigh negation, quotation or context" in text


# -- NITs --------------------------------------------------------------------------------------


def test_the_safety_plan_points_to_the_numbers_at_the_top(engine) -> None:
    copy = render_patient(example_plan(engine, "severe-with-risk-flag.yaml"))
    assert "crisis lines (numbers below)" not in copy
    assert "5. Who you can call: your clinician, urgent care, crisis lines (numbers at the top)" in copy
    assert copy.index("## If you need help now") < copy.index("## Keeping safe")


@pytest.mark.parametrize(
    ("name", "score"),
    [("relationships-with-ipv.yaml", "PHQ-9 8"), ("eating-disorder-lifestyle.yaml", "GAD-7 7")],
)
def test_nothing_at_its_cut_off_is_not_called_most_severe(engine, name: str, score: str) -> None:
    text = render_markdown(example_plan(engine, name))
    assert f"The most severe problem by its cut-offs ({score}, below" not in text
    assert f"**Order:** No problem reached its cut-off; this one is monitored first ({score}, below" in text


def test_a_review_on_its_due_date_is_a_due_date_not_an_interval(engine) -> None:
    plan = _remade(
        engine, "screens-and-wellbeing.yaml", "assessed-no-current-risk-identified", EXAMPLE_AS_OF,
        as_of=EXAMPLE_AS_OF + dt.timedelta(days=10),
    )  # fmt: skip
    text = render_markdown(plan)
    assert "review every 4 days (first 21 December 2026)" not in text
    assert "- **When:** Due 21 December 2026.\n" in text


def test_a_task_due_today_is_not_reviewed_every_7_days(engine) -> None:
    text = render_markdown(example_plan(engine, "alcohol-dependence-insomnia.yaml"))
    assert "Review every 7 days, first 7 December 2026" not in text
    assert (
        "before any change to drinking, by 7 December 2026.** Due 7 December 2026 (at this visit); "
        "checked at the next review."
    ) in text


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_one_contact(engine, name: str) -> None:
    text = render_markdown(example_plan(engine, name))
    assert "1 contacts" not in text
    if "follow-up contact made" in text:
        assert "follow-up contact made: from 0, to 1 contact; the clinician records the contact." in text
