"""A clinician's read of the review and caseload (clinician-read-5 §4), each case from the
example files as the clinician ran them: ``review examples/review --as-of 2027-01-20``."""

from __future__ import annotations

import copy
import datetime as dt
import pathlib

import attrs

from planengine.instruments._data_files import load_builtin_instruments
from planengine.io._loader import load_document
from planengine.render._review_formats import render_review
from planengine.review._change import change_report
from planengine.review._files import review_paths
from planengine.review._model import Measurement
from planengine.review._review import review_goals

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)


def _run() -> object:
    return review_paths([EXAMPLES], as_of=AS_OF)


def _review(name: str):
    return review_goals(load_document(EXAMPLES / name), as_of=AS_OF)


# 4.2 -------------------------------------------------------------------------------------------


def test_the_flag_clock_runs_from_the_first_endorsement_no_clinician_has_assessed() -> None:
    out = render_review(review_paths([EXAMPLES / "caseload"], as_of=AS_OF), "markdown")
    # c-204: item 9 answered 1, 1, 2 on 2026-11-10, 2026-12-10, 2027-01-10, never dispositioned
    assert "RISK FLAG c-204/risk-1 UNASSESSED FOR 71 DAYS" in out
    assert "item 9 endorsed at every PHQ-9 since 2026-11-10 (71 days); never assessed" in out
    assert "UNASSESSED FOR 10 DAYS" not in out


def test_after_a_disposition_the_clock_runs_from_the_first_signal_after_it() -> None:
    data = copy.deepcopy(load_document(EXAMPLES / "caseload" / "d-flag.yaml").data)
    data["risk_dispositions"] = [
        {
            "signal": "phq9.item9",
            "by": "Dr A. Example",
            "date": dt.date(2026, 11, 12),
            "outcome": "assessed-safety-plan-in-place",
            "next_review": dt.date(2027, 3, 1),
        }
    ]
    review = review_goals(data, as_of=AS_OF)
    [flag] = review.open_flags
    assert flag.status == "reopened"
    out = render_review(attrs.evolve(review_paths([], as_of=AS_OF), reviews=(review,)), "text")
    assert "c-204/risk-1 UNASSESSED FOR 41 DAYS" in out  # from 2026-12-10, not 2027-01-10
    assert "since 2026-12-10 (41 days); last assessed by Dr A. Example on 2026-11-12" in out


def test_a_gap_in_the_endorsements_is_said_as_a_count() -> None:
    data = copy.deepcopy(load_document(EXAMPLES / "caseload" / "d-flag.yaml").data)
    data["assessments"][1]["answers"][8] = 0  # 1, 0, 2: not "at every PHQ-9"
    data["assessments"][1]["total"] -= 1
    out = render_review(
        attrs.evolve(review_paths([], as_of=AS_OF), reviews=(review_goals(data, as_of=AS_OF),)),
        "text",
    )
    assert "UNASSESSED FOR 71 DAYS" in out
    assert "item 9 endorsed at 2 of 3 PHQ-9s since 2026-11-10 (71 days); never assessed" in out


# 4.3 -------------------------------------------------------------------------------------------


def test_reliable_deterioration_with_an_unknown_risk_item_ranks_above_a_wellbeing_change() -> None:
    order = [e.patient for e in _run().caseload]
    # p-104: PHQ-9 12 -> 19, reliable deterioration, item 9 never recorded; c-203: WHO-5 44 -> 24
    assert order.index("p-104") < order.index("c-203")
    assert order.index("p-108") < order.index("c-203")  # PHQ-9 and GAD-7 back at caseness


# 4.4 -------------------------------------------------------------------------------------------


def test_several_goal_files_hold_close_and_raise_target_until_they_are_merged() -> None:
    run = _run()
    disposition = next(r for r in run.reviews if r.file.endswith("disposition.yaml"))
    mood = disposition.goal("mood")
    actions = {s.action for s in mood.suggestions}
    assert not actions & {"close-goal", "raise-target"}
    [held] = [s for s in mood.suggestions if s.rule == "review.wait-for-merge"]
    assert held.action == "wait" and "lost-target.yaml" in held.reason
    assert held.details["waiting"]["action"] == "close-goal"  # kept, never dropped
    section = render_review(run, "markdown").split("disposition.yaml)\n")[1].split("\n## ")[0]
    assert "**wait** (`review.wait-for-merge`)" in section and "**close-goal**" not in section


def test_the_caseload_row_of_several_files_is_short_and_names_no_paths() -> None:
    row = next(e for e in _run().caseload if e.patient == "p-108").status_line
    assert row.startswith(
        "p-108: 2 goal files that disagree – merge; CONTACT TODAY: mood"
    )  # read 8
    assert "; ask about risk" in row
    assert "examples/review" not in row and ".yaml" not in row
    assert len(row) < 560, row


# 4.5 -------------------------------------------------------------------------------------------


def test_a_status_rests_on_the_published_threshold_not_on_illustrative_norms() -> None:
    mood = _review("on-track.yaml").goal("mood")  # p-101: PHQ-9 20 -> 14
    assert mood.status.reason.startswith(
        "better by 6 points (from 20 to 14), meeting the published reliable-change threshold "
        "(6 points)"
    )
    assert "Jacobson-Truax" not in mood.status.reason
    assert mood.change.reliable_change["method"] == "points-threshold"
    assert "ILLUSTRATIVE" in mood.change.reliable_change["note"]  # said, on the details line


def test_jacobson_truax_decides_once_local_norms_are_configured() -> None:
    phq9 = load_builtin_instruments()["phq9"].with_overrides(
        {"change": {"rci_sd": 5, "rci_reliability": 0.84}}
    )
    values = [
        Measurement(dt.date(2026, 9, 1), 20, "baseline", "$"),
        Measurement(dt.date(2026, 11, 1), 14, "progress", "$"),
    ]
    report = change_report(phq9, values)
    assert report is not None and report.reliable_change["method"] == "jacobson-truax"
    assert "ILLUSTRATIVE" not in report.reliable_change["note"]
