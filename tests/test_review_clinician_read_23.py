"""The clinician's read 23 of the review, RISK items (``--as-of 2027-01-20``); each fails without
its fix.

* MUST 2: a goal at or above caseness, worse (reliably, or back at caseness) and with no value
  within its cadence gets ``review.contact-today`` first: contact today, ask about suicidal
  thoughts and self-harm, re-measure, step up or supervision, the non-attendance and risk
  policy; never "take the plan to the clinician" (the reader is the clinician).
* S1: risk suggestions come first in each goal's list, in every format (``suggestion-order``
  in data/review.yaml).
* S2: the summary's flag count is never a bare 0 when risk is not known.
* S3: the item-9 line in plain words, with the instrument's own band name.
* S13: an open flag and no recent value: one same-day contact, kindly worded.
* S14: closing a goal keeps the dispositioned flag's risk review and the safety plan.
* S15: the crisis-resource instructions are printed once.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pathlib
from typing import Any

import attrs
import pytest

from planengine.io._loader import load_document
from planengine.render._review_formats import render_review
from planengine.review._files import review_paths
from planengine.review._flag_workflow import risk_first
from planengine.review._model import Suggestion
from planengine.review._review import review_goals
from planengine.review._rules import load_review_rules

ROOT = pathlib.Path(__file__).resolve().parent.parent
REVIEW = ROOT / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)
FORMATS = ("text", "markdown", "json", "html")


def _data(name: str) -> dict[str, Any]:
    return copy.deepcopy(load_document(REVIEW / name).data)


def _review(name: str):
    return review_goals(_data(name), as_of=AS_OF)


def _run(*names: str):
    return review_paths([REVIEW / n for n in names], as_of=AS_OF)


def _phq9_goal(baseline: int, progress: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "planengine": 1,
        "patient": {"id": "p-900"},
        "goals": [
            {
                "id": "mood",
                "area": "depression",
                "addresses": ["phq9"],
                "statement": "Bring my PHQ-9 down to 5 or below.",
                "measure": {
                    "instrument": "phq9",
                    "baseline": {"value": baseline, "date": dt.date(2026, 9, 1)},
                    "target": {"value": 5, "comparator": "<="},
                },
                "start_date": dt.date(2026, 9, 1),
                "due_date": dt.date(2027, 3, 1),
                "review_interval_days": 30,
                "progress": [{"date": dt.date.fromisoformat(d), "value": v} for d, v in progress],
            }
        ],
    }


# -- MUST 2: contact today ----------------------------------------------------------------------

#: (baseline, progress, contact today?): worse and at caseness and stale; each condition alone
#: is not enough.
_CONTACT_CASES = [
    (12, [("2026-11-20", 19)], True),  # reliable deterioration, 61 days without a value
    (12, [("2027-01-10", 19)], False),  # the same, seen 10 days ago: the escalation says it
    (12, [("2026-11-20", 15)], False),  # worse by 3: not reliable
    (3, [("2026-11-20", 9)], False),  # reliably worse but below caseness (10)
    (18, [("2026-10-20", 8), ("2026-11-20", 14)], True),  # back at caseness after below it
    (16, [("2026-11-20", 10)], False),  # better, at caseness: possible disengagement only
]


@pytest.mark.parametrize(("baseline", "progress", "today"), _CONTACT_CASES)
def test_contact_today_when_worse_at_caseness_with_no_recent_value(
    baseline: int, progress: list[tuple[str, int]], today: bool
) -> None:
    goal = review_goals(_phq9_goal(baseline, progress), as_of=AS_OF).goal("mood")
    rules = [s.rule for s in goal.suggestions]
    assert ("review.contact-today" in rules) is today, rules
    if today:
        assert rules[0] == "review.contact-today"  # first
        assert "review.possible-disengagement" not in rules  # one contact, not two
        assert "review.ask-about-risk" not in rules  # it asks itself


def test_the_worsening_mood_goal_says_contact_today_and_never_take_it_to_the_clinician() -> None:
    review = _review("worsening.yaml")
    first = review.goal("mood").suggestions[0]
    assert first.rule == "review.contact-today" and first.action == "contact-patient"
    for words in (
        "PHQ-9 19 on 2026-11-20: a reliable deterioration from 12",
        "no value for 61 days",
        "Contact the patient today: ask about suicidal thoughts and self-harm",
        "C-SSRS",
        "then re-measure and consider a step-up in care or supervision",
        "follow the service's non-attendance and risk policy",
    ):
        assert words in first.reason
    for fmt in FORMATS:
        out = render_review(_run("worsening.yaml"), fmt)
        assert "to the clinician" not in out.lower(), fmt
        assert "at the next contact: mood" not in out  # the banner says today
    text = render_review(_run("worsening.yaml"), "text")
    assert "contact the patient today (mood: worse, and no recent value; ask about risk first)" in text


@pytest.mark.parametrize("goal_id", ["mood", "worry"])
def test_lost_target_contacts_today_on_both_goals(goal_id: str) -> None:
    assert _review("lost-target.yaml").goal(goal_id).suggestions[0].rule == "review.contact-today"


def test_contact_today_cites_references_that_resolve() -> None:
    from planengine._references import references

    known = references()
    first = _review("worsening.yaml").goal("mood").suggestions[0]
    for ref in ("R26", "R27", "R-SC5"):
        assert ref in first.reason and ref in known


# -- S1: risk first -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "goal_id", "risk", "other"),
    [
        ("worsening.yaml", "wellbeing", "review.ask-about-risk", "review.worsening"),
        ("lost-target.yaml", "mood", "review.contact-today", "review.target-lost"),
        ("lost-target.yaml", "worry", "review.contact-today", "review.worsening"),
        ("caseload/c-attention.yaml", "wellbeing", "review.ask-about-risk", "review.worsening"),
    ],
)
def test_risk_comes_first_in_every_format(name: str, goal_id: str, risk: str, other: str) -> None:
    goal = _review(name).goal(goal_id)
    rules = [s.rule for s in goal.suggestions]
    assert rules.index(risk) < rules.index(other)
    for fmt in ("text", "markdown", "html"):
        out = render_review(_run(name), fmt)
        assert out.index(risk) < out.index(other), fmt
    [shown] = [
        g
        for r in json.loads(render_review(_run(name), "json"))["reviews"]
        for g in r["goals"]
        if g["goal_id"] == goal_id
    ]
    json_rules = [s["rule"] for s in shown["suggestions"]]
    assert json_rules.index(risk) < json_rules.index(other)


def test_the_order_is_data_with_every_rule_a_core_rule() -> None:
    [group] = load_review_rules()["suggestion-order"]
    assert group["group"] == "risk"
    assert group["rules"][0] == "review.contact-today"
    from planengine.review import _suggest, _verdict

    core = (pathlib.Path(_suggest.__file__).read_text() + pathlib.Path(_verdict.__file__).read_text())
    for rule in group["rules"]:
        assert rule.removeprefix("review.") in core, rule


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (["review.overdue", "review.ask-about-risk"], ["review.ask-about-risk", "review.overdue"]),
        (
            ["review.worsening", "x.plugin", "review.risk-flag-open"],
            ["review.risk-flag-open", "review.worsening", "x.plugin"],
        ),
        (["review.re-measure", "review.keep"], ["review.re-measure", "review.keep"]),  # stable
    ],
)
def test_risk_first_moves_risk_and_keeps_the_rest_in_order(
    rules: list[str], expected: list[str]
) -> None:
    items = [Suggestion(rule, "review-now", "why", "g") for rule in rules]
    assert [s.rule for s in risk_first(items)] == expected


def test_a_plugin_risk_suggestion_joins_by_its_action() -> None:
    items = [Suggestion("review.worsening", "review-now", "w", "g"), Suggestion("p.ask", "assess-risk", "a", "g")]
    assert [s.rule for s in risk_first(items)] == ["p.ask", "review.worsening"]


# -- S2: the flag count is never a bare 0 when risk is not known ----------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        # read 24: risk that is not known leads the footer, before the 0
        ("worsening.yaml", "Risk not known: PHQ-9 item 9 never recorded on 4 PHQ-9s; 0 open risk flag(s)."),
        ("on-track.yaml", "Risk not known: PHQ-9 item 9 never recorded on 4 PHQ-9s; 0 open risk flag(s)."),
        ("behind.yaml", "Risk not known: no risk screen on file; 0 open risk flag(s)."),
        ("gas.yaml", "Risk not known: no risk screen on file; 0 open risk flag(s)."),
        ("risk-item9.yaml", "1 open risk flag(s) (p-105/risk-1)"),
        ("disposition.yaml", "0 open risk flag(s), 1 dispositioned"),
    ],
)
def test_the_summary_says_when_risk_is_not_known(name: str, said: str) -> None:
    for fmt in ("text", "markdown"):
        assert said in render_review(_run(name), fmt), fmt


def test_risk_not_known_is_in_the_json() -> None:
    out = json.loads(render_review(_run("worsening.yaml", "risk-item9.yaml"), "json"))
    known = {r["patient"]: r["risk_not_known"] for r in out["reviews"]}
    assert known == {"p-104": "PHQ-9 item 9 never recorded on 4 PHQ-9s", "p-105": None}


def test_a_caseload_names_whose_risk_is_not_known() -> None:
    out = render_review(review_paths([REVIEW / "caseload"], as_of=AS_OF), "text")
    assert "Risk not known: no risk screen on file for c-203, c-202, c-201; 1 open risk flag(s) (c-204/risk-1)." in out


# -- S3: the item-9 line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("on-track.yaml", "PHQ-9 item 9 (suicidal ideation) not recorded on any of 4 PHQ-9s (highest 20 on 2026-09-01, severe): ask it at this contact"),
        ("worsening.yaml", "PHQ-9 item 9 (suicidal ideation) not recorded on any of 4 PHQ-9s (highest 19 on 2026-11-20, moderately severe): ask it at this contact"),
    ],
)
def test_the_item_9_line_is_plain_and_names_the_band(name: str, line: str) -> None:
    [gap] = _review(name).risk_item_gaps
    assert gap.line() == line
    assert "moderately severe or worse" not in render_review(_run(name), "markdown")


def test_item_9_recorded_on_some_phq9s_says_how_many() -> None:
    data = _data("worsening.yaml")
    data["assessments"] = [
        {"instrument": "phq9", "date": dt.date(2026, 9, 1), "total": 12, "answers": [2, 2, 1, 1, 2, 1, 2, 1, 0]}
    ]
    [gap] = review_goals(data, as_of=AS_OF).risk_item_gaps
    assert gap.line().startswith("PHQ-9 item 9 (suicidal ideation) not recorded on 3 of 4 PHQ-9s (since the last answer: highest 19")
    assert review_goals(data, as_of=AS_OF).risk_not_known is None


# -- S13: one same-day contact with an open flag -------------------------------------------------


def test_an_open_flag_and_no_recent_value_is_one_kind_same_day_contact() -> None:
    goal = _review("risk-item9.yaml").goal("mood")
    rules = [s.rule for s in goal.suggestions]
    assert "review.possible-disengagement" not in rules
    first = goal.suggestions[0]
    assert first.rule == "review.risk-flag-open" and first.details["contact_today"] is True
    for words in ("No value for 61 days: contact the patient today, kindly: ask what has got in the way",
                  "follow the service's non-attendance and risk policy"):
        assert words in first.reason


def test_an_open_flag_and_no_recent_value_say_today_in_the_patient_line() -> None:
    text = render_review(_run("risk-item9.yaml"), "text")
    assert "p-105: contact the patient today (mood: an open risk flag, and no recent value" in text
    assert "at the next contact: mood" not in text


def test_no_value_at_caseness_reaches_out_kindly() -> None:
    [away] = [s for s in _review("on-track.yaml").goal("mood").suggestions if s.action == "contact-patient"]
    # read 24: 61 days is more than twice the 30-day cadence and item 9 was never recorded
    assert away.reason.startswith("not seen for 61 days (more than twice the 30-day cadence)")
    assert "ask what has got in the way" in away.reason


# -- S14: closing a goal keeps the flag's risk review ---------------------------------------------


def test_closing_a_goal_keeps_the_risk_review_and_the_safety_plan() -> None:
    [close] = [s for s in _review("disposition.yaml").goal("mood").suggestions if s.rule == "review.close-goal"]
    assert "keep its risk review (p-108/risk-1 on 2027-02-17) and the safety plan in the plan" in close.reason
    assert close.details["risk_review"] == {"p-108/risk-1": "2027-02-17"}


def test_a_close_with_no_flag_says_nothing_of_a_risk_review() -> None:
    data = _data("disposition.yaml")
    del data["risk_dispositions"]
    data["assessments"] = [dict(a, answers=[*a["answers"][:8], 0]) for a in data["assessments"]]
    review = review_goals(data, as_of=AS_OF)
    assert not review.risk_flags
    [close] = [s for s in review.goal("mood").suggestions if s.rule == "review.close-goal"]
    assert "risk review" not in close.reason


# -- S15: the crisis instructions once ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("name", ["risk-item9.yaml", "disposition.yaml"])
def test_the_crisis_instructions_are_printed_once(fmt: str, name: str) -> None:
    out = render_review(_run(name), fmt)
    assert out.count("No crisis resources are configured for this clinic") == 1


def test_json_keeps_the_crisis_notice() -> None:
    out = json.loads(render_review(_run("risk-item9.yaml"), "json"))
    assert "safety.no-crisis-resources" in [n["code"] for n in out["reviews"][0]["notices"]]


def test_with_no_flag_box_the_notices_are_all_shown() -> None:
    review = _review("worsening.yaml")
    run = attrs.evolve(review_paths([], as_of=AS_OF), reviews=(review,))
    assert "review.risk-item-not-recorded" in render_review(run, "text")
