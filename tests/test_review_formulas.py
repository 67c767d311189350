"""The review's formulas against the numbers in clinical.md §4-5 (tables, each edge)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from planengine.instruments._data_files import load_builtin_instruments
from planengine.review import gas_t_score, minimum_reliable_change, reliable_change_index
from planengine.review._change import (
    change_report,
    standard_error_of_difference,
    standard_error_of_measurement,
)
from planengine.review._model import Measurement

INSTRUMENTS = load_builtin_instruments()
D0, D1 = dt.date(2026, 9, 1), dt.date(2026, 11, 1)


def series(*values: float, days: int = 30) -> list[Measurement]:
    return [
        Measurement(
            D0 + dt.timedelta(days=days * i), float(v), "baseline" if i == 0 else "progress", "$"
        )
        for i, v in enumerate(values)
    ]


# clinical.md §4.2 worked example: SD 5, r .84 -> SE 2.0, S_diff 2.83, minimum change 5.54.
@pytest.mark.parametrize(
    ("sd", "r", "se", "s_diff", "minimum"),
    [(5, 0.84, 2.0, 2.83, 5.54)],
)
def test_jacobson_truax_worked_example(
    sd: float, r: float, se: float, s_diff: float, minimum: float
) -> None:
    assert standard_error_of_measurement(sd, r) == pytest.approx(se)
    assert round(standard_error_of_difference(sd, r), 2) == s_diff
    assert round(minimum_reliable_change(sd, r), 2) == minimum
    assert math.ceil(minimum_reliable_change(sd, r)) == 6  # rounds up to the NHS TT threshold


@pytest.mark.parametrize(
    ("x1", "x2", "reliable"),
    [(20, 14, True), (20, 15, False), (10, 16, True), (10, 15, False)],
)
def test_rci_criterion_edges(x1: int, x2: int, reliable: bool) -> None:
    rc = reliable_change_index(x1, x2, 5, 0.84)
    assert (abs(rc) > 1.96) is reliable
    assert rc == pytest.approx((x2 - x1) / (math.sqrt(2) * 2.0))


def test_phq9_thresholds_come_from_the_instrument_data() -> None:
    phq9 = INSTRUMENTS["phq9"]
    report = change_report(phq9, series(20, 14))
    assert report is not None
    rc = report.reliable_change
    # the data's Jacobson-Truax inputs are illustrative: the published 6 points decide (read 5)
    assert phq9.change.rci_illustrative
    assert rc is not None and rc["method"] == "points-threshold"
    assert rc["threshold"] == phq9.change.reliable_change_points == 6
    assert "ILLUSTRATIVE" in rc["note"]
    assert rc["direction"] == "improved"
    local = phq9.with_overrides({"change": {"rci_sd": 5, "rci_reliability": 0.84}})
    rc = change_report(local, series(20, 14)).reliable_change
    assert rc["method"] == "jacobson-truax" and "ILLUSTRATIVE" not in rc["note"]
    assert rc["threshold"] == round(minimum_reliable_change(5, 0.84), 2)
    assert report.mcid["value"] == phq9.change.mcid


# PHQ-9 response: >= 50 % drop [R34]; remission: < 5 [R34]; MCID 5 [R33]; bands [R1].
@pytest.mark.parametrize(
    ("x1", "x2", "response", "remission", "mcid", "band"),
    [
        (20, 10, True, False, True, ("severe", "moderate", "better")),
        (20, 11, False, False, True, ("severe", "moderate", "better")),
        (10, 5, True, False, True, ("moderate", "mild", "better")),
        (10, 4, True, True, True, ("moderate", "none-minimal", "better")),
        (8, 4, True, True, False, ("mild", "none-minimal", "better")),
        (12, 12, False, False, False, ("moderate", "moderate", "same")),
        (12, 17, False, False, False, ("moderate", "moderately-severe", "worse")),
    ],
)
def test_phq9_response_remission_mcid_band(x1, x2, response, remission, mcid, band) -> None:
    report = change_report(INSTRUMENTS["phq9"], series(x1, x2))
    assert report is not None
    assert report.response["met"] is response
    assert report.remission["met"] is remission
    assert report.mcid["improved"] is mcid
    assert (report.band["from"], report.band["to"], report.band["moved"]) == band


def test_reliable_deterioration_is_reported_apart_from_band_and_mcid() -> None:
    report = change_report(INSTRUMENTS["phq9"], series(12, 18))
    assert report is not None
    assert report.reliable_deterioration and not report.reliable_improvement
    assert report.mcid["deteriorated"] is True
    assert report.category == "deteriorated"
    # A band can move without reliable change: 9 -> 10 crosses mild -> moderate.
    small = change_report(INSTRUMENTS["phq9"], series(9, 10))
    assert small.band["moved"] == "worse" and small.reliable_change["direction"] == "none"


def test_points_threshold_is_used_and_said_when_no_sd_is_given() -> None:
    gad7 = INSTRUMENTS["gad7"]  # reliable improvement 4 points (NHS TT [R37]), MCID 4 [R35]
    report = change_report(gad7, series(14, 10))
    rc = report.reliable_change
    assert (
        rc["method"] == "points-threshold" and rc["threshold"] == gad7.change.reliable_change_points
    )
    assert "no SD and reliability" in rc["note"]
    assert rc["direction"] == "improved"
    assert change_report(gad7, series(14, 11)).reliable_change["direction"] == "none"
    rci = INSTRUMENTS["gad7"].with_overrides({"change": {"reliable_change_points": 6}})  # RCI [R36]
    strict = change_report(rci, series(14, 10))
    assert strict.reliable_change["direction"] == "none" and strict.mcid["improved"] is True
    assert report.response is None and report.remission is None  # not defined for the GAD-7


def test_isi_response_is_more_than_seven_points() -> None:
    isi = INSTRUMENTS["isi"]
    assert change_report(isi, series(20, 13)).response["met"] is False  # exactly 7: not > 7
    assert change_report(isi, series(20, 12)).response["met"] is True
    assert change_report(isi, series(20, 7)).remission["met"] is True  # < 8
    assert change_report(isi, series(20, 8)).remission["met"] is False


def test_who5_is_higher_is_better_and_percent_aware() -> None:
    who5 = INSTRUMENTS["who5"]  # MCID 10 percentage points [R23]
    up = change_report(who5, series(40, 52), scale="percent")
    assert up.improvement == 12 and up.mcid["improved"] is True
    down = change_report(who5, series(48, 36), scale="percent")
    assert down.improvement == -12 and down.mcid["deteriorated"] is True
    raw = change_report(who5, series(10, 13), scale="total")  # 3 raw points = 12 percent points
    assert raw.mcid["improved"] is True
    assert any("converted" in c for c in raw.caveats)


def test_recall_window_overlap_is_a_caveat() -> None:
    report = change_report(INSTRUMENTS["phq9"], series(20, 15, 12, days=7))
    assert report is not None
    # two overlapping pairs (7 days apart), said once
    assert sum("recall window" in c for c in report.caveats) == 1
    assert "2 times" in report.caveats[0] and "7 days apart" in report.caveats[0]
    assert change_report(INSTRUMENTS["phq9"], series(20, 12, days=28)).caveats == ()


def test_no_change_report_without_a_second_value() -> None:
    assert change_report(INSTRUMENTS["phq9"], series(20)) is None


# clinical.md §5.2, checked numerically (rho 0.3).
@pytest.mark.parametrize(
    ("levels", "weights", "expected"),
    [
        ([1], None, 60.0),
        ([1, 0, -1], None, 50.0),
        ([1, 1, 1], None, 63.7),
        ([2, 2, 2], None, 77.4),
        ([-1, -1, -1], None, 36.3),
        ([1, 0, -1], [3, 2, 1], 54.4),
    ],
)
def test_gas_t_score_matches_the_brief(levels, weights, expected) -> None:
    assert round(gas_t_score(levels, weights, rho=0.3), 1) == expected


@pytest.mark.parametrize("x", [-2, -1, 0, 1, 2])
def test_gas_single_goal_is_50_plus_10x(x: int) -> None:
    assert gas_t_score([x]) == pytest.approx(50 + 10 * x)


@pytest.mark.parametrize(
    ("levels", "weights"),
    [([], None), ([3], None), ([1], [0]), ([1, 2], [1]), ([True], None)],
)
def test_gas_refuses_bad_input(levels, weights) -> None:
    with pytest.raises(ValueError):
        gas_t_score(levels, weights)


@pytest.mark.parametrize("scale", [1e-300, 1e-3, 1.0, 1e3, 1e300])
def test_gas_t_score_does_not_depend_on_the_weights_scale(scale: float) -> None:
    assert gas_t_score([1, 0, -1], [3 * scale, 2 * scale, scale]) == pytest.approx(
        gas_t_score([1, 0, -1], [3, 2, 1])
    )


def test_formula_errors_are_planengine_input_errors() -> None:
    from planengine import InputError
    from planengine.review import gas_t_score, reliable_change_index

    with pytest.raises(InputError):
        gas_t_score([])
    with pytest.raises(InputError):
        reliable_change_index(1, 2, 0, 0.8)
