"""Change on an instrument measure: response, remission, reliable change, MCID, band change.

Every threshold comes from the instrument's data (``Instrument.change``, its bands and its
direction); nothing clinical is a literal here except the 1.96 of the Jacobson-Truax criterion,
which is part of the method (two-tailed p < .05) [R38].

Reliable change ([R38], Jacobson & Truax 1991 [R38], the classic SE variant)::

    SE     = SD1 * sqrt(1 - r_xx)
    S_diff = sqrt(2 * SE**2)
    RC     = (x2 - x1) / S_diff          reliable when |RC| > 1.96

Jacobson-Truax decides only when its inputs are not illustrative (published norms, or a
clinic's local norms configured as ``rci_sd`` and ``rci_reliability``). Otherwise the published
points threshold (``reliable_change_points``) decides: a change of at least that many points
counts as reliable, and the report says so (clinician read 5, §4.5: the PHQ-9's SD 5 and
reliability .84 are illustrative, so its status rests on the NHS Talking Therapies 6 points).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from planengine._errors import InputError
from planengine._values import compare
from planengine.instruments._instrument import Instrument
from planengine.instruments._parts import Cutoff
from planengine.review._model import ChangeReport, Measurement

__all__ = [
    "RCI_Z",
    "change_report",
    "deterioration_since_best",
    "mcid_step",
    "minimum_reliable_change",
    "recall_window_caveats",
    "reliable_change_index",
    "reliable_step",
    "standard_error_of_difference",
    "standard_error_of_measurement",
]

#: Jacobson-Truax criterion: |RC| > 1.96 (two-tailed p < .05) [R38].
RCI_Z = 1.96


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """``SE = SD1 * sqrt(1 - r_xx)`` [R38]."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise InputError("RCI needs SD > 0 and 0 <= reliability < 1")
    return sd * math.sqrt(1 - reliability)


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """``S_diff = sqrt(2 * SE**2)`` [R38]."""
    return math.sqrt(2 * standard_error_of_measurement(sd, reliability) ** 2)


def reliable_change_index(x1: float, x2: float, sd: float, reliability: float) -> float:
    """``RC = (x2 - x1) / S_diff``: positive when the score rose."""
    return (x2 - x1) / standard_error_of_difference(sd, reliability)


def minimum_reliable_change(sd: float, reliability: float) -> float:
    """The smallest raw change that is reliable: ``1.96 * S_diff`` (PHQ-9 SD 5, r .84: 5.54)."""
    return RCI_Z * standard_error_of_difference(sd, reliability)


def _threshold_factor(instrument: Instrument, scale: str) -> float:
    """Multiply a goal value by this to put it on the scale of the change thresholds."""
    if instrument.change.scale == "percent" and scale == "total":
        for derived in instrument.derived:
            if derived.id == "percent":
                return float(derived.multiply)
    if instrument.change.scale == "total" and scale == "percent":
        for derived in instrument.derived:
            if derived.id == "percent":
                return 1.0 / derived.multiply
    return 1.0


def raw_total(instrument: Instrument, value: float, scale: str) -> float:
    """A goal value as the instrument's raw total (WHO-5 percent / 4)."""
    if scale == "percent":
        for derived in instrument.derived:
            if derived.id == "percent":
                return value / derived.multiply
    return value


def _plain_zero(value: float) -> float:
    """``value`` with a negative zero made plain (``-0.0`` prints as ``-0``)."""
    return value + 0.0


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _local_norms(instrument: Instrument) -> tuple[float, float] | None:
    """The Jacobson-Truax inputs ``(SD, reliability)`` when they are not illustrative (the
    data's published norms, or a clinic's configured ``rci_sd`` and ``rci_reliability``)."""
    change = instrument.change
    if change.rci_sd is None or change.rci_reliability is None or change.rci_illustrative:
        return None
    return change.rci_sd, change.rci_reliability


def _reliable(instrument: Instrument, delta: float, improvement: float) -> dict[str, Any] | None:
    """The reliable-change verdict: Jacobson-Truax where its inputs are not illustrative, else
    the published points threshold; ``None`` when neither can be used (clinician read 5,
    §4.5: a status never rests on illustrative norms)."""
    change = instrument.change
    norms = _local_norms(instrument)
    if norms is not None:
        return _jacobson_truax(instrument, *norms, delta, improvement)
    if change.reliable_change_points is not None:
        points = change.reliable_change_points
        reliable = abs(delta) >= points
        note = (
            f"the published reliable-change threshold of {_fmt(points)} points is used"
        )
        if change.rci_sd is not None and change.rci_reliability is not None:
            note += (
                f"; the Jacobson-Truax RCI is not: its inputs in the instrument data (SD "
                f"{_fmt(change.rci_sd)}, reliability {change.rci_reliability:g}) are ILLUSTRATIVE "
                "(not published norms); configure local norms (instrument-overrides: rci_sd, "
                "rci_reliability) to use it"
            )
        else:
            note += "; the instrument data gives no SD and reliability for a Jacobson-Truax RCI"
        return {
            "method": "points-threshold",
            "rci": None,
            "threshold": points,
            "direction": _direction(reliable, improvement),
            "note": note,
            "citation": list(change.citations.get("reliable_change_points", ())),
            "status": change.status.get("reliable_change_points"),
        }
    return None


def _jacobson_truax(
    instrument: Instrument, sd: float, reliability: float, delta: float, improvement: float
) -> dict[str, Any]:
    change = instrument.change
    rci = _plain_zero(reliable_change_index(0.0, delta, sd, reliability))
    threshold = minimum_reliable_change(sd, reliability)
    note = (
        f"Jacobson-Truax RCI with SD {_fmt(sd)} and reliability {reliability:g} (classic SE "
        f"variant, S_diff = sqrt(2) * SE); reliable when |RC| > {RCI_Z}, i.e. a change of "
        f"{threshold:.2f} or more"
    )
    if change.reliable_change_points is not None:
        agree = abs(delta) >= change.reliable_change_points
        note += (
            f"; the published points threshold ({_fmt(change.reliable_change_points)}) "
            f"{'agrees' if agree == (abs(rci) > RCI_Z) else 'DISAGREES'}"
        )
    reliable = abs(rci) > RCI_Z
    return {
        "method": "jacobson-truax",
        "rci": _plain_zero(round(rci, 3)),
        "threshold": round(threshold, 2),
        "direction": _direction(reliable, improvement),
        "note": note,
        "citation": list(change.citations.get("rci", ())),
        "status": change.status.get("rci"),
    }


def _direction(reliable: bool, improvement: float) -> str:
    if not reliable or improvement == 0:
        return "none"
    return "improved" if improvement > 0 else "deteriorated"


def _response(instrument: Instrument, x1: float, improvement: float) -> dict[str, Any] | None:
    change = instrument.change
    percent = None if x1 == 0 else 100.0 * improvement / abs(x1)
    if change.response_percent is not None:
        met = percent is not None and percent >= change.response_percent
        return {
            "met": met,
            "basis": f"a change of {_fmt(change.response_percent)} % or more from baseline",
            "percent": None if percent is None else _plain_zero(round(percent, 1)),
            "citation": list(change.citations.get("response_percent", ())),
            "status": change.status.get("response_percent"),
        }
    if change.response_points is not None:
        comparator = change.response_points_comparator
        # a points rule is reported in points: a percentage beside it reads as the criterion
        return {
            "met": compare(improvement, comparator, change.response_points),
            "basis": f"an improvement {comparator} {_fmt(change.response_points)} points",
            "percent": None,
            "points": _plain_zero(round(improvement, 2)),
            "citation": list(change.citations.get("response_points", ())),
            "status": change.status.get("response_points"),
        }
    return None


def _remission(instrument: Instrument, x1: float, x2: float) -> dict[str, Any] | None:
    change = instrument.change
    if change.remission_value is None or change.remission_comparator is None:
        return None
    rule = f"{change.remission_comparator} {_fmt(change.remission_value)}"
    return {
        "met": compare(x2, change.remission_comparator, change.remission_value),
        "baseline_met": compare(x1, change.remission_comparator, change.remission_value),
        "rule": rule,
        "citation": list(change.citations.get("remission", ())),
        "status": change.status.get("remission"),
    }


def _mcid(instrument: Instrument, improvement: float) -> dict[str, Any] | None:
    mcid = instrument.change.mcid
    if mcid is None:
        return None
    return {
        "value": mcid,
        "improved": improvement >= mcid,
        "deteriorated": -improvement >= mcid,
        "citation": list(instrument.change.citations.get("mcid", ())),
        "status": instrument.change.status.get("mcid"),
    }


def _band(instrument: Instrument, x1: float, x2: float, scale: str) -> dict[str, Any] | None:
    if not instrument.bands:
        return None
    raw1, raw2 = raw_total(instrument, x1, scale), raw_total(instrument, x2, scale)
    if not (float(raw1).is_integer() and float(raw2).is_integer()):
        return None
    before, after = instrument.band_for(int(raw1)), instrument.band_for(int(raw2))
    if before is None or after is None:
        return None
    moved = "same"
    if after.severity < before.severity:
        moved = "better"
    elif after.severity > before.severity:
        moved = "worse"
    return {
        "from": before.label,
        "to": after.label,
        "moved": moved,
        "from_title": before.title,
        "to_title": after.title,
        "to_severity": after.severity,
    }


def _category(reliable: dict[str, Any] | None, remission: dict[str, Any] | None) -> str | None:
    if reliable is None:
        return None
    if reliable["direction"] == "deteriorated":
        return "deteriorated"
    if reliable["direction"] == "improved":
        crossed = remission is not None and remission["met"] and not remission["baseline_met"]
        return "recovered" if crossed else "improved"
    return "unchanged"


def recall_window_caveats(
    instrument: Instrument, measurements: Sequence[Measurement]
) -> tuple[str, ...]:
    """One caveat naming every pair of consecutive scores taken closer together than the recall
    window (weekly PHQ-9s at every session are said once, not once per pair).

    Such scores overlap ([DN-change-measures]): fine for a trend line, not for response or remission.
    """
    window = instrument.recall_window_days
    if not window:
        return ()
    close = [
        (earlier, later)
        for earlier, later in itertools.pairwise(measurements)
        if (later.date - earlier.date).days < window
    ]
    if not close:
        return ()
    if len(close) == 1:
        (earlier, later), = close
        gap = (later.date - earlier.date).days
        pairs = f"scores on {earlier.date} and {later.date} are {gap} days apart"
    else:
        gaps = sorted({(b.date - a.date).days for a, b in close})
        days = ", ".join(str(g) for g in gaps)
        pairs = (
            f"scores are closer together than that {len(close)} times, from {close[0][0].date} "
            f"to {close[-1][1].date} ({days} days apart)"
        )
    return (
        f"{instrument.name} {pairs}, less than its {window}-day recall window: they overlap, so "
        "read them as a trend only",
    )


def _cutoff_entry(
    instrument: Instrument, cutoff: Cutoff, x1: float, x2: float, scale: str
) -> dict[str, Any]:
    raw1, raw2 = raw_total(instrument, x1, scale), raw_total(instrument, x2, scale)
    return {
        "id": cutoff.id,
        "rule": cutoff.text,
        "meaning": cutoff.meaning,
        "baseline_met": compare(raw1, cutoff.comparator, cutoff.value),
        "latest_met": compare(raw2, cutoff.comparator, cutoff.value),
        "citation": list(cutoff.citations),
        "status": cutoff.status,
    }


def _recovery(
    instrument: Instrument,
    caseness: Cutoff | None,
    x1: float,
    x2: float,
    scale: str,
    reliable: Mapping[str, Any] | None,
) -> dict[str, Any] | None:
    """NHS Talking Therapies recovery: a case at the start, below caseness now; with a reliable
    improvement, reliable recovery ([DN-change-measures][R37])."""
    if caseness is None:
        return None
    entry = _cutoff_entry(instrument, caseness, x1, x2, scale)
    recovered = entry["baseline_met"] and not entry["latest_met"]
    improved = reliable is not None and reliable["direction"] == "improved"
    return {
        "caseness": entry["rule"],
        "cutoff": entry["id"],
        "baseline_case": entry["baseline_met"],
        "latest_case": entry["latest_met"],
        "recovered": recovered,
        "reliable_recovery": recovered and improved,
        "citation": entry["citation"],
        "status": entry["status"],
    }


def change_report(
    instrument: Instrument,
    measurements: Sequence[Measurement],
    *,
    scale: str = "total",
    caseness: Cutoff | None = None,
    cutoffs: Sequence[Cutoff] = (),
) -> ChangeReport | None:
    """Compare the latest measurement with the first (the baseline), criterion by criterion.

    :param measurements: the goal's values in date order, baseline first, on ``scale``.
    :param scale: ``total`` (raw totals) or ``percent`` (WHO-5 percent scores).
    :param caseness: the instrument's caseness cut-off, for recovery (``None``: not reported).
    :param cutoffs: further cut-offs to report as met or not at the baseline and now (the WHO-5's
        "assess for depression" ones).
    :return: ``None`` when there is no value after the baseline.
    """
    if len(measurements) < 2:
        return None
    first, last = measurements[0], measurements[-1]
    factor = _threshold_factor(instrument, scale)
    x1, x2 = first.value * factor, last.value * factor
    delta = x2 - x1
    improvement = delta if instrument.higher_is_better else -delta
    reliable = _reliable(instrument, delta, improvement)
    remission = _remission(instrument, x1, x2)
    caveats = list(recall_window_caveats(instrument, measurements))
    window = instrument.recall_window_days
    if window and (last.date - first.date).days < window:
        caveats.append(
            f"the latest score is within {window} days of the baseline: response and remission "
            "are not yet interpretable"
        )
    if factor != 1.0:
        caveats.append(
            f"thresholds are on the {instrument.change.scale} scale; values were converted "
            f"(x {factor:g}) to compare"
        )
    return ChangeReport(
        instrument=instrument.id,
        baseline=first.value,
        latest=last.value,
        baseline_date=first.date,
        latest_date=last.date,
        improvement=_plain_zero(improvement / factor),
        response=_response(instrument, x1, improvement),
        remission=remission,
        reliable_change=reliable,
        mcid=_mcid(instrument, improvement),
        band=_band(instrument, first.value, last.value, scale),
        category=_category(reliable, remission),
        caveats=tuple(caveats),
        recovery=_recovery(instrument, caseness, first.value, last.value, scale, reliable),
        cutoffs=tuple(
            _cutoff_entry(instrument, c, first.value, last.value, scale) for c in cutoffs
        ),
    )


def deterioration_since_best(
    instrument: Instrument, measurements: Sequence[Measurement], *, scale: str = "total"
) -> dict[str, Any] | None:
    """A reliable worsening of the latest value from the best value measured after the baseline
    (a relapse after improvement, e.g. PHQ-9 16 -> 2 -> 9), by the same reliable-change rule as
    :func:`change_report`; ``None`` when there is none, or no reliable-change rule to judge by.

    :param measurements: the goal's values in date order, baseline first, on ``scale``.
    """
    if len(measurements) < 3:
        return None
    pick = max if instrument.higher_is_better else min
    best = pick(reversed(measurements[1:-1]), key=lambda m: m.value)  # the latest of equals
    baseline, latest = measurements[0], measurements[-1]
    if pick(best.value, baseline.value) != best.value or best.value == baseline.value:
        return None  # never better than the baseline: change_report judges it
    factor = _threshold_factor(instrument, scale)
    delta = (latest.value - best.value) * factor
    improvement = delta if instrument.higher_is_better else -delta
    reliable = _reliable(instrument, delta, improvement)
    if reliable is None or reliable["direction"] != "deteriorated":
        return None
    return {
        "best": best.value,
        "best_date": best.date,
        "latest": latest.value,
        "latest_date": latest.date,
        "method": reliable["method"],
        "threshold": reliable["threshold"],
    }


def reliable_step(instrument: Instrument, scale: str = "total") -> tuple[float, str] | None:
    """The smallest reliable change on the goal's ``scale`` and its name: the Jacobson-Truax
    minimum (from inputs that are not illustrative), or the published points, or else the MCID;
    ``None`` when the data gives none.

    The expected-recovery path expects this much improvement by the non-response review point
    ([S1][S2]: non-response is no reliable improvement at review).
    """
    change = instrument.change
    factor = _threshold_factor(instrument, scale)
    norms = _local_norms(instrument)
    if norms is not None:
        step = minimum_reliable_change(*norms)
        return step / factor, f"the Jacobson-Truax reliable change ({step:.2f})"
    if change.reliable_change_points is not None:
        points = change.reliable_change_points
        return points / factor, f"the reliable-change threshold ({_fmt(points)} points)"
    return mcid_step(instrument, scale)


def mcid_step(instrument: Instrument, scale: str = "total") -> tuple[float, str] | None:
    """The MCID on the goal's ``scale`` and its name (else the reliable-change threshold); the
    rise from the best value that counts as a lost target (docs/review.md)."""
    change = instrument.change
    factor = _threshold_factor(instrument, scale)
    if change.mcid is not None:
        unit = " percentage points" if change.scale == "percent" else ""
        return change.mcid / factor, f"the MCID ({_fmt(change.mcid)}{unit})"
    if change.reliable_change_points is not None or _local_norms(instrument) is not None:
        return reliable_step(instrument, scale)
    return None
