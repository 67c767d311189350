"""The clinician's read 9 of the review (S11) and of the citations (S9), each case from the
example files as the clinician ran them (``--as-of 2026-12-07``); each fails without its fix.

* S11a: one PHQ-9 on file is not "every PHQ-9": "endorsed on D (the only PHQ-9 on file)".
* S11b: possible disengagement with the risk item unknown since a moderately severe score or
  worse is contact-today (p-107, p-109), like p-104.
* S11c: under a lost target, "MCID 5: improved" is said against the baseline and beside the loss.
* S9: the alcohol re-measure of a depression problem cites the depression guideline (NG222,
  S2), not the GAD guideline (CG113, S3).
"""

from __future__ import annotations

import copy
import datetime as dt
import pathlib

import attrs
import pytest
import yaml

from plan_helpers import all_objectives, all_steps
from planengine import Assessment
from planengine.io._loader import load_document
from planengine.render._review_formats import render_review
from planengine.review._files import review_paths
from planengine.review._review import review_goals

ROOT = pathlib.Path(__file__).resolve().parent.parent
REVIEW = ROOT / "examples" / "review"
AS_OF = dt.date(2026, 12, 7)


def _row(run, patient: str):
    return next(e for e in run.caseload if e.patient == patient)


# -- S11a: one administration is not "every" ----------------------------------------------------


def test_a_flag_on_the_only_phq9_on_file_says_so_not_every_phq9() -> None:
    out = render_review(review_paths([REVIEW / "caseload"], as_of=AS_OF), "markdown")
    # c-204: the PHQ-9s of 2026-12-10 and 2027-01-10 are after the as-of date and dropped
    assert "PHQ-9 item 9 endorsed on 2026-11-10 (the only PHQ-9 on file; 27 days)" in out
    assert "at every PHQ-9 since" not in out


def test_one_signal_after_earlier_quiet_phq9s_is_the_latest_of_them() -> None:
    data = copy.deepcopy(load_document(REVIEW / "caseload" / "d-flag.yaml").data)
    first = data["assessments"][0]
    data["assessments"].insert(
        0, {**first, "date": dt.date(2026, 10, 10), "total": 14, "answers": [2, 2, 2, 2, 2, 2, 1, 1, 0]}
    )
    review = review_goals(data, as_of=AS_OF)
    out = render_review(attrs.evolve(review_paths([], as_of=AS_OF), reviews=(review,)), "text")
    assert "endorsed on 2026-11-10 (the latest of 2 PHQ-9s on file; 27 days)" in out


def test_several_endorsements_still_read_every_phq9_since() -> None:
    out = render_review(review_paths([REVIEW / "caseload"], as_of=dt.date(2027, 1, 20)), "text")
    assert "item 9 endorsed at every PHQ-9 since 2026-11-10 (71 days)" in out


# -- S11b: disengaged at a high score with the risk item unknown --------------------------------


@pytest.mark.parametrize("patient", ["p-107", "p-109"])
def test_disengaged_with_the_risk_item_unknown_since_a_high_score_is_contact_today(patient: str) -> None:
    run = review_paths(sorted(REVIEW.glob("*.yaml")), as_of=AS_OF)
    row = _row(run, patient)
    assert row.group == "contact-today"
    assert row.status_line.startswith(
        f"{patient}: CONTACT TODAY: mood possibly disengaged with its risk item unknown since a "
        "moderately severe score or worse"
    )


def test_disengaged_with_item_9_recorded_stays_needs_attention(tmp_path: pathlib.Path) -> None:
    """The same stale PHQ-9 of p-109 with its answers recorded (item 9 'not at all'): the risk
    item is known, so the row keeps its group."""
    data = yaml.safe_load((REVIEW / "stale-measurement.yaml").read_text("utf-8"))
    data["assessments"] = [
        {"instrument": "phq9", "date": "2026-09-01", "total": 16, "answers": [2, 2, 2, 2, 2, 2, 2, 2, 0]},
        {"instrument": "phq9", "date": "2026-09-15", "total": 15, "answers": [2, 2, 2, 2, 2, 2, 2, 1, 0]},
    ]
    path = tmp_path / "known.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    row = _row(review_paths([path], as_of=AS_OF), "p-109")
    assert "possible disengagement: contact the patient" in row.status_line
    assert row.group == "needs-attention"


def test_a_high_total_without_item_9_but_no_disengagement_is_not_contact_today() -> None:
    run = review_paths(sorted(REVIEW.glob("*.yaml")), as_of=AS_OF)
    row = _row(run, "p-101")  # PHQ-9 20 without item 9, improving and current
    assert row.group == "needs-attention" and "CONTACT TODAY" not in row.status_line


# -- S11c: MCID under a lost target -------------------------------------------------------------


@pytest.mark.parametrize("form", ["text", "markdown", "html"])
def test_a_lost_target_never_reads_mcid_improved_alone(form: str) -> None:
    out = render_review(review_paths([REVIEW / "lost-target.yaml"], as_of=AS_OF), form)
    assert "MCID 5 from baseline: improved; lost against the target" in out
    assert "MCID 5: improved" not in out


def test_an_improving_goal_keeps_its_short_mcid_line() -> None:
    out = render_review(review_paths([REVIEW / "achieved-early.yaml", REVIEW / "on-track.yaml"], as_of=AS_OF), "text")
    assert "MCID 5: improved" in out and "lost against the target" not in out


# -- S9: the re-measure cites the problem's own guideline ---------------------------------------


def test_the_depression_re_measure_after_alcohol_cites_ng222_not_cg113(engine) -> None:
    raw = yaml.safe_load((ROOT / "examples" / "alcohol-dependence-insomnia.yaml").read_text())
    data = engine.plan(Assessment.from_mapping(raw), as_of=AS_OF).to_dict()
    key = "depression-remeasure-after-alcohol"
    objective = {o["id"]: o for o in all_objectives(data)}[key]
    step = {s["id"]: s for s in all_steps(data)}[key]
    for part in (objective, step):
        tags = [c.split(":", 1)[0] for c in part["citations"]]
        assert tags == ["S2", "S9"], tags
        assert part["citations"][0].startswith("S2: NICE NG222")
