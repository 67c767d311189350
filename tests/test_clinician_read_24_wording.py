"""Clinician read 24, S5, S2 and a NIT, in the reader's words: no engine-speak in the documents a
clinician signs or hands over (plan, patient copy, goal file) for any example, or any example
made again with the clinician's risk record; crisis numbers asked for when none are set up; one
wording for the private screen; "1 assessment"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from plan_helpers import EXAMPLE_AS_OF, EXAMPLES, example_plan
from planengine import Assessment
from planengine.render._plan import render_goals, render_markdown, render_patient

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml")) + sorted(
    p.name for p in EXAMPLES.glob("*.json")
)
#: the reader's words (read 24, S5, S2, NIT) that no generated document may print
OLD_PHRASES = (
    "dispositioned (kept on record for monitoring)",
    "this flag is raised in the queue",
    "Review the recorded disposition of the risk flag(s)",
    "Clinician review of the recorded risk disposition today",
    "(R-SC9)",
    "Crisis support from the clinic's configured list must be offered",
    "a measure with no severity level used for ordering",
    "(one treated alongside never leads)",
    "the private screen (the first step, or the safety problem's private assessment)",
    "to at least 1 assessments",
)
#: the reader's re-made documents: (example, the outcome recorded for every flag)
REMADE = (
    ("severe-with-risk-flag.yaml", "assessed-referred-for-urgent-care"),
    ("severe-with-risk-flag.yaml", "assessed-safety-plan-in-place"),
    ("screens-and-wellbeing.yaml", "assessed-no-current-risk-identified"),
    ("relationships-with-ipv.yaml", "assessed-private-safety-plan-in-place"),
)


def _remade(engine: Any, name: str, outcome: str) -> Any:
    """The plan made again once the clinician has recorded ``outcome`` for every flag today."""
    raw = yaml.safe_load((EXAMPLES / name).read_text())
    flags = example_plan(engine, name).risk_flags
    raw["risk_dispositions"] = [
        {
            "signal": f.signal,
            "by": "Dr A. Clinician",
            "date": EXAMPLE_AS_OF.isoformat(),
            "outcome": outcome,
            "next_review": (EXAMPLE_AS_OF + dt.timedelta(days=14)).isoformat(),
        }
        for f in flags
    ]
    return engine.plan(Assessment.from_mapping(raw), as_of=EXAMPLE_AS_OF)


def _documents(plan: Any) -> str:
    return "\n".join((render_markdown(plan), render_patient(plan), render_goals(plan)))


def _unfolded(text: str) -> str:
    """The text with line breaks (a YAML goal file folds long lines) read as spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_old_phrase_in_any_example_document(engine, name: str) -> None:
    text = _unfolded(_documents(example_plan(engine, name)))
    assert [p for p in OLD_PHRASES if p in text] == []


@pytest.mark.parametrize(("name", "outcome"), REMADE)
def test_no_old_phrase_in_a_remade_document(engine, name: str, outcome: str) -> None:
    text = _unfolded(_documents(_remade(engine, name, outcome)))
    assert [p for p in OLD_PHRASES if p in text] == []


def test_a_recorded_flag_is_kept_under_review_in_plain_words(engine) -> None:
    plan = _remade(engine, "screens-and-wellbeing.yaml", "assessed-no-current-risk-identified")
    assert plan.risk_statement.startswith(
        "1 risk flag on record, assessed by the clinician (kept under review)"
    )


def test_a_recorded_assessment_is_reviewed_in_plain_words(engine) -> None:
    text = render_markdown(_remade(engine, "severe-with-risk-flag.yaml", "assessed-referred-for-urgent-care"))
    assert "Review the clinician's recorded risk assessment" in text


def test_alcohol_makes_the_suicide_flag_more_urgent(engine) -> None:
    text = render_markdown(example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    assert "alcohol makes this more urgent" in text


def test_with_no_crisis_numbers_set_up_the_plan_asks_for_them(engine) -> None:
    plan = example_plan(engine, "severe-with-risk-flag.yaml")
    assert "Offer crisis numbers (none are set up for this clinic: write them in)." in (
        plan.risk_statement
    )


def test_one_wording_for_the_private_screen(engine) -> None:
    text = _unfolded(render_goals(example_plan(engine, "all-instruments.yaml")))
    assert "a private screen (asked of the patient alone) has found no violence" in text


def test_one_assessment_is_said_in_the_singular(engine) -> None:
    text = render_markdown(example_plan(engine, "alcohol-anxiety-sleep.yaml"))
    assert "to 1 assessment;" in text
