"""A goal file is read at a later review, so its ``held:`` lines never say "today": a hold that
waits for something due at this visit (the risk question, a reported risk's assessment, the
private review of a safety plan on record) names the visit's date; the plan itself, read at
the visit, keeps "today" (clinician read 22, left over)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, example_plan, plan_with_records
from planengine import Assessment
from planengine.render._plan import render_goals, render_markdown
from planengine.render._words import held_until_words, words_data

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def _held(text: str) -> list[str]:
    goals = yaml.safe_load(text)
    return [g["held"] for g in goals.get("x-waiting-goals", ()) if "held" in g]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_goal_file_holds_until_today(engine, name: str) -> None:
    for line in _held(render_goals(example_plan(engine, name))):
        assert "today" not in line, line


def test_the_private_review_names_its_visit(engine) -> None:
    raw = yaml.safe_load((EXAMPLES / "relationships-with-ipv.yaml").read_text())
    flags = example_plan(engine, "relationships-with-ipv.yaml").risk_flags
    raw["risk_dispositions"] = [  # a private safety plan recorded a week before this visit
        {"signal": f.signal, "by": "Dr A. Clinician", "date": "2026-11-30",
         "outcome": "assessed-private-safety-plan-in-place", "next_review": "2026-12-14"}
        for f in flags
    ]
    plan = engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)
    lines = _held(render_goals(plan))
    assert any("the private review due at the visit of 2026-12-07" in line for line in lines)
    assert "the private review today confirms" in render_markdown(plan)


def test_a_private_plan_recorded_today_waits_for_where_homework_is_kept(engine) -> None:
    """Clinician read 23, S6: recorded today, the private review was today's; the record does
    not say where homework can be kept, so the hold names that, never "the private review
    today" again, on the plan and on the goal file alike."""
    plan = plan_with_records(
        engine, "relationships-with-ipv.yaml", "assessed-private-safety-plan-in-place"
    )
    wanted = "the clinician records where homework can be kept safely"
    assert any(wanted in line for line in _held(render_goals(plan)))
    text = render_markdown(plan)
    assert f"held until {wanted}" in text
    assert "the private review today confirms" not in text


@pytest.mark.parametrize("reason", sorted(words_data()["clinician"]["hold_on_file"]))
def test_each_dated_reason_says_today_in_the_plan_and_its_date_on_file(reason: str) -> None:
    visit = dt.date(2027, 3, 1)
    assert "today" in (held_until_words(reason) or "")
    on_file = held_until_words(reason, visit=visit) or ""
    assert "today" not in on_file and "2027-03-01" in on_file


def test_every_reason_that_says_today_has_a_dated_form() -> None:
    clinician = words_data()["clinician"]
    says_today = {reason for reason, words in clinician["hold"].items() if "today" in words}
    assert says_today == set(clinician["hold_on_file"])
    assert EXAMPLE_AS_OF  # the examples' plans are made on this day
