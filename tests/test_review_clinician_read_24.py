"""Clinician read 24 of the progress reviews (``/work/review24/REPORT.md``), each check worked
out from the example goal files rather than from a copied output:

1. risk that is not known leads the footer, before the "0 open risk flag(s)";
2. the summary table's status agrees with the direction of the status line ("no reliable change
   (worse by 3 points)", never a bare ``no-change`` beside "worse by 3");
3. ``review.assess-depression`` never asks for a PHQ-9 the goal file already has: it points to it;
4. a GAS T-score from ratings made before the goals' due date is labelled interim;
5. a patient at or above caseness unseen for more than twice the cadence, risk item never
   recorded: reach out this week and ask the risk item.
"""

from __future__ import annotations

import copy
import datetime as dt
import pathlib
import re
from typing import Any

import pytest

from planengine.io._loader import load_document
from planengine.render._review_formats import render_review
from planengine.review._files import review_paths
from planengine.review._review import review_goals

REVIEW = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)
EXAMPLES = sorted(p.name for p in REVIEW.glob("*.yaml"))


def _data(name: str) -> dict[str, Any]:
    return copy.deepcopy(load_document(REVIEW / name).data)


def _goal(data: dict[str, Any], goal_id: str) -> dict[str, Any]:
    return next(g for g in data["goals"] if g["id"] == goal_id)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_footer_leads_with_risk_not_known(name: str) -> None:
    run = review_paths([REVIEW / name], as_of=AS_OF)
    [review] = run.reviews
    for fmt in ("text", "markdown"):
        footer = render_review(run, fmt).rstrip("\n").splitlines()[-1]
        assert "(risk not known" not in footer
        if review.risk_not_known:
            lead = f"Risk not known: {review.risk_not_known}; {len(review.open_flags)} open risk flag(s)"
            assert footer.startswith(lead), (fmt, footer)
        else:
            assert footer.startswith("Reviewed "), (fmt, footer)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_table_status_agrees_with_the_status_line(name: str) -> None:
    run = review_paths([REVIEW / name], as_of=AS_OF)
    out = render_review(run, "markdown")
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.splitlines() if line.startswith("| ")}
    for goal in run.reviews[0].goals:
        moved = re.match(r"(better|worse) by ([0-9.]+ points?)", goal.status.reason)
        row = rows[goal.goal_id]
        if goal.status.code == "no-change" and moved:
            assert f"| no reliable change ({moved.group(1)} by {moved.group(2)}) (`" in row
            assert "| no-change (`" not in row


def test_the_moved_no_change_goals_of_the_read_are_covered() -> None:
    # the two the clinician named: risk-item9 mood 14 -> 17, bad-input mood 16 -> 12
    for name, words in (("risk-item9.yaml", "worse by 3 points"), ("bad-input.yaml", "better by 4 points")):
        out = render_review(review_paths([REVIEW / name], as_of=AS_OF), "markdown")
        assert f"| mood | no reliable change ({words}) (`status.no-response`)" in out


def _assess(data: dict[str, Any], as_of: dt.date) -> str:
    review = review_goals(data, as_of=as_of)
    [s] = [s for s in review.goal("wellbeing").suggestions if s.rule == "review.assess-depression"]
    return s.reason


def test_assess_depression_points_to_the_phq9_on_file_when_stale() -> None:
    data = _data("worsening.yaml")
    mood = _goal(data, "mood")
    last = mood["progress"][-1]
    reason = _assess(data, AS_OF)
    age = (AS_OF - dt.date.fromisoformat(str(last["date"]))).days
    assert age > mood["review_interval_days"]  # older than its cadence
    assert "Assess for depression (a PHQ-9" not in reason
    assert f"Depression already measured: PHQ-9 {last['value']} on {last['date']} (see mood)" in reason
    assert f"{age} days old: re-measure it, with its item 9" in reason


def test_assess_depression_points_to_a_current_phq9_without_asking_for_another() -> None:
    data = _data("worsening.yaml")
    last = _goal(data, "mood")["progress"][-1]
    as_of = dt.date.fromisoformat(str(last["date"])) + dt.timedelta(days=7)
    reason = _assess(data, as_of)
    assert "Assess for depression (a PHQ-9" not in reason
    assert "within its cadence: act on that score rather than giving a new PHQ-9" in reason


def test_assess_depression_still_asks_when_no_phq9_is_on_file() -> None:
    data = _data("worsening.yaml")
    data["goals"] = [g for g in data["goals"] if g["id"] != "mood"]
    assert _assess(data, AS_OF).endswith("Assess for depression (a PHQ-9, with its item 9).")


def test_a_gas_score_rated_before_the_due_date_is_interim() -> None:
    data = _data("gas.yaml")
    early = max(
        (dt.date.fromisoformat(str(g["due_date"])) - dt.date.fromisoformat(str(g["progress"][-1]["date"]))).days
        for g in data["goals"]
    )
    review = review_goals(data, as_of=AS_OF)
    assert review.gas is not None and review.gas.interim_days == early == 41
    out = render_review(review_paths([REVIEW / "gas.yaml"], as_of=AS_OF), "markdown")
    assert f"(interim: rated {early} days before the due date; rate all goals at follow-up)" in out


def test_a_gas_score_rated_at_the_due_date_is_not_interim() -> None:
    data = _data("gas.yaml")
    for goal in data["goals"]:
        goal["progress"].append({"date": goal["due_date"], "gas_level": goal["progress"][-1]["gas_level"]})
    review = review_goals(data, as_of=AS_OF)
    assert review.gas is not None and review.gas.interim_days is None
    assert review.gas.to_dict()["interim_days"] is None


def _away(as_of: dt.date) -> tuple[str, tuple[str, ...]]:
    mood = review_goals(_data("stale-measurement.yaml"), as_of=as_of).goal("mood")
    [s] = [s for s in mood.suggestions if s.rule == "review.possible-disengagement"]
    return s.reason, mood.attention


def test_long_unseen_at_caseness_with_risk_unknown_reaches_out_this_week() -> None:
    mood = _goal(_data("stale-measurement.yaml"), "mood")
    last = mood["progress"][-1]
    age = (AS_OF - dt.date.fromisoformat(str(last["date"]))).days
    assert age > 2 * mood["review_interval_days"] and last["value"] >= 10  # PHQ-9 caseness
    reason, attention = _away(AS_OF)
    assert reason.startswith(f"not seen for {age} days (more than twice the {mood['review_interval_days']}-day cadence)")
    assert "reach out this week" in reason and "PHQ-9 item 9" in reason
    assert f"not seen for {age} days, risk not known: reach out this week" in attention
    assert "possible disengagement: contact the patient" not in attention


def test_unseen_for_less_than_twice_the_cadence_stays_a_possible_disengagement() -> None:
    mood = _goal(_data("stale-measurement.yaml"), "mood")
    last = dt.date.fromisoformat(str(mood["progress"][-1]["date"]))
    reason, attention = _away(last + dt.timedelta(days=2 * mood["review_interval_days"]))
    assert "reach out this week" not in reason
    assert "possible disengagement: contact the patient" in attention
