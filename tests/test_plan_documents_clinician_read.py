"""What an experienced clinician found in the plan documents (clinician read 4), held by tests:
the patient's copy in plain second person with a help box on every copy, a crisis box the
clinician must fill in, the plan's own warning about stopping drinking, an IPV copy safe to
take home, plain titles, a realistic weekly schedule and what happens now for a problem that
waits; in the clinician's plan, "left out" entries that say what they were left out of."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from collections.abc import Mapping

import pytest

from planengine import Engine, EngineConfig, load_assessment
from planengine.render._patient_parts import _span, homework, schedule_rows
from planengine.render._plan import render_markdown, render_patient, render_patient_html
from planengine.render._words import words_data

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
EXAMPLES = sorted(
    p.name for p in (ROOT / "examples").iterdir() if p.is_file() and p.suffix in (".yaml", ".json")
)
ENGINE = Engine()


def _plan(name: str, engine: Engine = ENGINE):  # type: ignore[no-untyped-def]
    return engine.plan(load_assessment(str(ROOT / "examples" / name)), as_of=AS_OF)


def test_the_safety_plan_speaks_to_the_patient_in_plain_second_person() -> None:
    copy = render_patient(_plan("severe-with-risk-flag.yaml"))
    section = copy.split("## Keeping safe", 1)[1].split("## ", 1)[0]
    assert "take your mind off things" in section
    assert "Who you can call: your clinician, urgent care, crisis lines (numbers at the top)" in section
    assert (
        "Making your home safer: what we agree to do about things you could use to hurt yourself, "
        "such as stored medicines"
    ) in section
    for name in EXAMPLES:
        text = render_patient(_plan(name))
        for wrong in ("their mind", "configured list", "means you can reach", "the crisis (", "(warning_signs)"):
            assert wrong not in text, (name, wrong)


def test_a_plan_adding_to_a_safety_plan_part_keeps_its_addition() -> None:
    copy = render_patient(_plan("suicidal-words-in-goals.yaml"))
    assert "in your own words; include drinking as a warning sign" in copy
    assert "such as stored medicines; include alcohol" in copy


def test_with_an_open_flag_and_no_crisis_numbers_the_copy_has_a_box_the_clinician_must_fill() -> None:
    plan = _plan("severe-with-risk-flag.yaml")
    for copy in (render_patient(plan), render_patient_html(plan)):
        assert "Your clinician must write the crisis numbers here before you take this copy home:" in copy
        assert "☐ done" in copy
    clinician = render_markdown(plan)
    risk = clinician.split("## Risk and safety", 1)[1].split("## Scores", 1)[0]
    assert "The patient copy needs crisis numbers written in." in risk
    configured = _plan("severe-with-risk-flag.yaml", Engine(config=EngineConfig(crisis_locale="GB")))
    assert "must write the crisis numbers" not in render_patient(configured)
    assert "needs crisis numbers written in" not in render_markdown(configured)
    assert risk.index("needs crisis numbers") < risk.index("### If you are in crisis now")


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_patient_copy_says_where_to_get_help(name: str) -> None:
    copy = render_patient(_plan(name))
    assert "## If you need help now" in copy
    assert "If you feel unsafe or think of harming yourself" in copy
    assert "In an emergency, call your local emergency number." in copy


def test_the_help_box_lists_the_clinics_crisis_lines_when_configured() -> None:
    plan = _plan("moderate-phq9-gad7-isi.yaml", Engine(config=EngineConfig(crisis_locale="US")))
    help_now = render_patient(plan).split("## If you need help now", 1)[1]
    assert "988 Suicide & Crisis Lifeline: call or text 988" in help_now
    assert "contact your clinician or one of the crisis lines below" in help_now


@pytest.mark.parametrize("name", EXAMPLES)
def test_with_alcohol_in_the_plan_the_copy_warns_not_to_stop_drinking_suddenly(name: str) -> None:
    plan = _plan(name)
    warning = words_data()["patient"]["withdrawal_warning"]["text"]
    copy = render_patient(plan)
    # only with a sign of daily drinking or dependence (read 9, S7; tests/test_clinician_read_9_copy.py)
    daily = {"alcohol-dependence-insomnia.yaml", "all-instruments.yaml"}
    if any(p.area == "alcohol" for p in plan.problems) and name in daily:
        assert warning in copy
        assert copy.index(warning) < copy.index("## Your next appointment")
    else:
        assert warning not in copy


def test_the_ipv_copy_quotes_nothing_about_a_partner_and_is_held_until_safe() -> None:
    plan = _plan("relationships-with-ipv.yaml")
    for copy in (render_patient(plan), render_patient_html(plan)):
        lowered = copy.lower()
        assert "partner" not in lowered and "relationship" not in lowered
        assert "just the two of you" not in lowered
        assert "Your clinician will talk with you today about how things are going." in copy
        # read 7: none of the patient's words either ("say no without being afraid" tells a
        # partner that help is sought), and no problem named; they stay in the clinician's plan
        assert "Say no without being afraid" not in copy and "Assertiveness" not in copy
    clinician = render_markdown(plan)
    risk = clinician.split("## Risk and safety", 1)[1].split("## Scores", 1)[0]
    assert (
        "Give the patient's copy only once the private assessment confirms it is safe to take home; "
        "offer to keep it at the clinic."
    ) in risk


#: clinical words the clinician found on the copies, never shown to a patient
JARGON = (
    "Stimulus control", "hierarchy", "sleep efficiency", "Brief intervention", "Non-response review",
    "CPT, PE, EMDR", "AUDIT-C again", "Refer for CBT", "Clinician review of alcohol",
    "not a treatment for chronic insomnia", "when that is also planned",
)  # fmt: skip


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_patients_copy_has_none_of_the_jargon_the_clinician_found(name: str) -> None:
    copy = render_patient(_plan(name))
    assert not [word for word in JARGON if word in copy]


def _strings(value: object) -> str:
    """Every text inside a strategy document, joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return " ".join(_strings(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return " ".join(_strings(v) for v in value)
    return ""


def _self_help_titles() -> list[str]:
    """The titles (and variant titles) of every built-in self-help step."""
    titles = []
    for strategy in ENGINE.strategies:
        for step in strategy.data["interventions"]:
            if step.get("delivery") in ("self-guided", "clinician-supervised"):
                titles += [step["title"], *(v["title"] for v in step.get("variants", ()) if "title" in v)]
    return titles


def _long_words(title: str) -> list[str]:
    """The words of four syllables or more (a grade formula means little on a short title)."""
    from readability import reading_grade

    reading_grade("a")  # makes textstat's syllable data available offline
    import textstat

    common = {"anxiety"}  # a long word every patient with it knows
    return [w for w in re.findall(r"[A-Za-z]+", title) if textstat.syllable_count(w) >= 4 and w.lower() not in common]


def test_every_built_in_self_help_step_has_a_plain_title_or_reads_plainly() -> None:
    from readability import reading_grade

    plain = words_data()["patient"]["plain_titles"]
    hard = [t for t in _self_help_titles() if t not in plain and (reading_grade(t) > 8 or _long_words(t))]
    assert not hard, hard
    assert not [(t, _long_words(t)) for t in plain.values() if _long_words(t)]


def test_every_plain_phrase_and_title_is_one_a_built_in_strategy_uses() -> None:
    texts = " ".join(_strings(strategy.data) for strategy in ENGINE.strategies)
    # the engine's own steps (a finding's next step, active monitoring) are in the examples' plans
    texts += " ".join(_strings(_plan(name).to_dict()["problems"]) for name in EXAMPLES)
    patient = words_data()["patient"]
    unused = [p for p in patient["plain_phrases"] if p.strip() not in texts]
    unused += [t for t in patient["plain_titles"] if t not in texts]
    assert not unused, unused


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_weekly_schedule_has_at_most_three_daily_rows_and_a_daily_total(name: str) -> None:
    data = _plan(name).to_dict()
    rows, _rules = schedule_rows(homework(data))
    daily = [s for s, _ in rows if (s.get("frequency") or {}).get("per") == "day" or s["frequency"]["times"] >= 5]
    for week in range(1, 30):
        running = [s for s in daily if _span(s)[0] <= week and (_span(s)[1] or week) >= week]
        assert len(running) <= 3, (week, [s["id"] for s in running])
    copy = render_patient(_plan(name))
    if rows:
        assert re.search(r"In all, about \d+ minutes a day in your busiest week\.", copy)


def test_rules_are_a_box_of_their_own_and_one_diary_holds_the_nightmares() -> None:
    copy = render_patient(_plan("moderate-phq9-gad7-isi.yaml"))
    table = copy.split("| What to do |", 1)[1].split("\n\n", 1)[0]
    assert "Use your bed for sleep" not in table and "Small habits" not in table
    rules = copy.split("### Rules to follow", 1)[1].split("###", 1)[0]
    assert "**Use your bed for sleep (from week 2):**" in rules and "Use the bed only for sleep and sex." in rules
    assert "In all, about 15 minutes a day" in copy
    trauma = render_patient(_plan("trauma-pcl5-insomnia.yaml"))
    assert "| Sleep diary – includes nightmare yes/no, distress 0–10 |" in trauma
    assert "| Count nights with nightmares |" not in trauma
    assert "| A plan for nights with nightmares |" not in trauma  # a plan, not a nightly tick


def test_problems_that_wait_are_other_things_talked_about_with_what_happens_now() -> None:
    copy = render_patient(_plan("moderate-phq9-gad7-isi.yaml"))
    assert "## Other things we talked about" in copy and "at your review on 20 January 2027" in copy  # week 8
    assert "## Later on" not in copy
    mild = render_patient(_plan("mild-sleep-only.yaml"))
    # clinician read 5: a problem on active monitoring has one heading of its own (2.2)
    assert "## Your sleep: start with these habits; we check in 4 weeks" in mild
    assert "Small habits that can help sleep" in mild  # what to do meanwhile


def test_left_out_says_which_problem_each_entry_was_left_out_of() -> None:
    text = render_markdown(_plan("moderate-phq9-gad7-isi.yaml"))
    left = text.split("## Left out, and why", 1)[1].split("\n## ", 1)[0]
    assert "**Left out from Depression: Scheduled self-care:**" in left
    assert "It is kept under Self-esteem and negative self-talk." in left
    assert not re.search(r"^- \*\*(?!Left out from )", left, flags=re.M)


def _signing_part(text: str) -> str:
    """The clinician's plan up to its appendices: what is read before signing."""
    return text.split("## Appendix A.", 1)[0].split("## How this plan was made", 1)[0]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_signing_part_holds_the_plan_in_short_and_the_appendix_holds_the_detail(name: str) -> None:
    plan = _plan(name)
    text = render_markdown(plan)
    signing = _signing_part(text)
    for detail in ("**Step by step:**", "**Goal attainment levels:**", "**Why:**", "## Left out", "verify before release"):
        assert detail not in signing, detail
    for heading in ("## Status: draft", "## Risk and safety", "## Sign-off"):
        assert heading in signing
    data = plan.to_dict()
    for number, problem in enumerate(data["problems"], start=1):
        heading = f"## {number}. {problem['title']}"
        assert (heading in signing) == (problem["phase"] == "now"), heading
        assert f"#{heading}" in text.split("## Appendix A.", 1)[1]  # every problem in full
        if problem["phase"] != "now":
            waiting = signing.split("## Also noted", 1)[1]
            assert f"| {number} | {problem['title']} |" in waiting
    if data["scores"]:
        scores = signing.split("## Scores", 1)[1].split("\n## ", 1)[0]
        assert "sensitivity" not in scores and "HEDIS" not in scores


def test_the_signing_part_is_a_few_pages_not_twenty() -> None:
    # before clinician read 4: 6,036 words before "Left out" (moderate), 12,997 (all-instruments)
    budgets = {"moderate-phq9-gad7-isi.yaml": 1300, "all-instruments.yaml": 2100, "severe-with-risk-flag.yaml": 1550}
    for name, budget in budgets.items():
        words = len(_signing_part(render_markdown(_plan(name))).split())
        assert words <= budget, (name, words)


def test_references_are_listed_once_each_without_review_notes() -> None:
    text = render_markdown(_plan("moderate-phq9-gad7-isi.yaml"))
    references = text.split("### References", 1)[1]
    tags = re.findall(r"^- ([A-Z]{1,2}\d+):", references, flags=re.M)
    assert tags and len(tags) == len(set(tags))
    assert "verify before release" not in text
    assert "sensitivity 88 %" in text.split("## How this plan was made", 1)[1]  # the full scores
