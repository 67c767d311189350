"""Band edges, cut-offs and change thresholds, checked against the numbers in domain/clinical.md.

Each table row cites the clinical.md section (and reference id) it comes from; the tests score a
real answer vector that sums to the total, so keying and banding are tested together.
"""

from __future__ import annotations

import pytest

from planengine.instruments._data_files import load_builtin_instruments
from planengine.instruments._scoring import score_response

INSTRUMENTS = load_builtin_instruments()


def answers_for(instrument_id: str, total: int) -> list[int]:
    """An answer vector whose keyed total is ``total`` (fills items from the first)."""
    inst = INSTRUMENTS[instrument_id]
    keyed: list[int] = []
    remaining = total - inst.total_min
    for _ in range(inst.items):
        step = min(remaining, inst.answer_max - inst.answer_min)
        keyed.append(inst.answer_min + step)
        remaining -= step
    assert remaining == 0, "total out of range"
    lo, hi = inst.answer_min, inst.answer_max
    return [lo + hi - v if flip else v for v, flip in zip(keyed, inst.reversed_items, strict=True)]


# (instrument, total, expected band label) — every band edge in clinical.md
BAND_EDGES = [
    # PHQ-9 0-4 / 5-9 / 10-14 / 15-19 / 20-27 (§1, §2.1) [R1] (V)
    ("phq9", 0, "none-minimal"),
    ("phq9", 4, "none-minimal"),
    ("phq9", 5, "mild"),
    ("phq9", 9, "mild"),
    ("phq9", 10, "moderate"),
    ("phq9", 14, "moderate"),
    ("phq9", 15, "moderately-severe"),
    ("phq9", 19, "moderately-severe"),
    ("phq9", 20, "severe"),
    ("phq9", 27, "severe"),
    # GAD-7 0-4 / 5-9 / 10-14 / 15-21 (§1, §2.3) [R3] (V)
    ("gad7", 0, "minimal"),
    ("gad7", 4, "minimal"),
    ("gad7", 5, "mild"),
    ("gad7", 9, "mild"),
    ("gad7", 10, "moderate"),
    ("gad7", 14, "moderate"),
    ("gad7", 15, "severe"),
    ("gad7", 21, "severe"),
    # ISI 0-7 / 8-14 / 15-21 / 22-28 (§1, §2.5) [R8] (V)
    ("isi", 0, "none"),
    ("isi", 7, "none"),
    ("isi", 8, "subthreshold"),
    ("isi", 14, "subthreshold"),
    ("isi", 15, "moderate"),
    ("isi", 21, "moderate"),
    ("isi", 22, "severe"),
    ("isi", 28, "severe"),
]


@pytest.mark.parametrize(("instrument_id", "total", "label"), BAND_EDGES)
def test_band_edges(instrument_id: str, total: int, label: str) -> None:
    inst = INSTRUMENTS[instrument_id]
    score = score_response(inst, answers_for(instrument_id, total))
    assert score.total == total
    assert score.band is not None and score.band.label == label
    assert inst.band_for(total) is score.band


# (instrument, total, expected finding severity or None) — which bands are problem findings
BAND_FINDINGS = [
    ("phq9", 4, None),
    ("phq9", 5, "mild"),
    ("phq9", 20, "severe"),
    ("gad7", 4, None),
    ("gad7", 5, "mild"),
    ("isi", 7, None),
    ("isi", 8, "subthreshold"),
    ("isi", 22, "severe"),
]


@pytest.mark.parametrize(("instrument_id", "total", "severity"), BAND_FINDINGS)
def test_band_findings(instrument_id: str, total: int, severity: str | None) -> None:
    score = score_response(INSTRUMENTS[instrument_id], answers_for(instrument_id, total))
    bands = [f for f in score.findings if f.kind == "severity"]
    if severity is None:
        assert bands == []
    else:
        (finding,) = bands
        assert finding.severity == severity
        assert finding.rule_id == f"{instrument_id}.band"
        assert finding.area == INSTRUMENTS[instrument_id].area
        assert not finding.at_least


@pytest.mark.parametrize("instrument_id", ["pss10", "rses", "pcl5", "who5", "audit-c"])
def test_no_bands_where_the_brief_gives_none(instrument_id: str) -> None:
    inst = INSTRUMENTS[instrument_id]
    assert inst.bands == ()
    assert inst.band_for(inst.total_min) is None


# (cutoff id, comparator, value) from clinical.md
CUTOFFS = [
    ("phq9.screen", ">=", 10),  # §2.1 [R1] (V)
    ("phq9.nice-more-severe", ">=", 16),  # §2.1 [R54] (V)
    ("phq9.nhs-caseness", ">=", 10),  # §4.1 [R37] (L)
    ("phq2.positive", ">=", 3),  # §2.2 [R4][R5]
    ("gad7.screen", ">=", 10),  # §2.3 [R3] (V)
    ("gad7.nhs-caseness", ">=", 8),  # §4.1 [R37] (L)
    ("gad2.positive", ">=", 3),  # §2.4 [R6] (L)
    ("isi.community-case", ">=", 10),  # §2.5 [R9] (V)
    ("isi.primary-care-case", ">=", 14),  # §2.5 [R10] (V)
    ("pcl5.provisional", ">=", 31),  # §2.8 [R18] (V), range 31-33, default 31
    ("pc-ptsd-5.positive", ">=", 3),  # §2.8 [R22], 3 vs 4 unconfirmed, default 3
    ("who5.poor-wellbeing", "<", 13),  # §2.9 [R23] (V)
    ("who5.likely-depression", "<=", 7),  # §2.9 28 % = raw 7 [R23] (L)
    ("audit-c.positive-men", ">=", 4),  # §2.10 [R24] (V)
    ("audit-c.positive-women", ">=", 3),  # §2.10 [R24] (V)
]


@pytest.mark.parametrize(("cutoff_id", "comparator", "value"), CUTOFFS)
def test_cutoff_values(cutoff_id: str, comparator: str, value: int) -> None:
    inst = INSTRUMENTS[cutoff_id.split(".")[0]]
    cutoff = inst.cutoff(cutoff_id)
    assert (cutoff.comparator, cutoff.value) == (comparator, value)


@pytest.mark.parametrize(("cutoff_id", "comparator", "value"), CUTOFFS)
def test_cutoff_edges(cutoff_id: str, comparator: str, value: int) -> None:
    instrument_id = cutoff_id.split(".")[0]
    inst = INSTRUMENTS[instrument_id]
    sex = INSTRUMENTS[instrument_id].cutoff(cutoff_id).sex
    inside, outside = (value, value - 1) if comparator == ">=" else (value - 1, value)
    if comparator == "<=":
        inside, outside = value, value + 1
    met = score_response(inst, answers_for(instrument_id, inside), sex=sex)
    not_met = score_response(inst, answers_for(instrument_id, outside), sex=sex)
    assert cutoff_id in met.cutoffs_met
    assert cutoff_id not in not_met.cutoffs_met


# (instrument, finding rule, total just below, total at the cut-off)
SCREEN_FINDINGS = [
    ("phq2", "phq2.screen", 2, 3, "Give the full PHQ-9 (with item 9) at this visit"),
    ("gad2", "gad2.screen", 2, 3, "Give the full GAD-7 at this visit"),
    ("pc-ptsd-5", "pc-ptsd-5.screen", 2, 3, "PCL-5"),
    ("pcl5", "pcl5.provisional", 30, 31, "clinician-delivered trauma assessment"),
]


@pytest.mark.parametrize(("instrument_id", "rule_id", "below", "at", "next_step"), SCREEN_FINDINGS)
def test_screen_findings(
    instrument_id: str, rule_id: str, below: int, at: int, next_step: str
) -> None:
    inst = INSTRUMENTS[instrument_id]
    assert score_response(inst, answers_for(instrument_id, below)).findings == ()
    (finding,) = score_response(inst, answers_for(instrument_id, at)).findings
    assert finding.rule_id == rule_id
    assert finding.area in {"depression", "anxiety", "trauma"}
    assert finding.severity is None and finding.severity_rank is None
    assert finding.next_step is not None and next_step in finding.next_step


def test_phq2_and_gad2_are_screens_not_severity() -> None:
    for instrument_id in ("phq2", "gad2", "pc-ptsd-5"):
        (finding,) = score_response(
            INSTRUMENTS[instrument_id], answers_for(instrument_id, 3)
        ).findings
        assert finding.kind == "screen-positive"


# Change thresholds: (instrument, field, value) from clinical.md §1, §2 and §4.1
CHANGE = [
    ("phq9", "mcid", 5),  # [R33] (V)
    ("phq9", "reliable_change_points", 6),  # [R37] (L)
    ("phq9", "response_percent", 50),  # [R34] (V)
    ("phq9", "remission_value", 5),  # < 5 [R34] (V)
    ("phq9", "rci_sd", 5),  # illustrative (§4.2)
    ("phq9", "rci_reliability", 0.84),  # illustrative (§4.2)
    ("gad7", "mcid", 4),  # [R35] (V)
    ("gad7", "reliable_change_points", 4),  # NHS Talking Therapies [R37] (L); the RCI of 6 [R36] is an override
    ("isi", "mcid", 6),  # [R12] (L)
    ("isi", "response_points", 7),  # > 7 (L/U)
    ("isi", "remission_value", 8),  # < 8 [R9-sec]
    ("pcl5", "reliable_change_points", 5),  # [R19] (V)
    ("pcl5", "mcid", 10),  # [R19] (V)
    ("who5", "mcid", 10),  # 10 percentage points [R23] (V)
]


@pytest.mark.parametrize(("instrument_id", "field", "value"), CHANGE)
def test_change_thresholds(instrument_id: str, field: str, value: float) -> None:
    assert getattr(INSTRUMENTS[instrument_id].change, field) == value


def test_change_details() -> None:
    phq9, isi, who5 = (
        INSTRUMENTS["phq9"].change,
        INSTRUMENTS["isi"].change,
        INSTRUMENTS["who5"].change,
    )
    assert phq9.remission_comparator == "<" and isi.remission_comparator == "<"
    assert phq9.rci_illustrative and phq9.status["rci"] == "U"
    assert isi.response_points_comparator == ">"
    assert [(a.id, a.value) for a in isi.anchors] == [("moderate-improvement", 8.4)]
    assert who5.scale == "percent"
    for instrument_id in ("pss10", "rses", "phq2", "gad2", "pc-ptsd-5", "audit-c"):
        change = INSTRUMENTS[instrument_id].change
        assert change.mcid is None and change.reliable_change_points is None
        assert change.remission_value is None and change.rci_sd is None


def test_unconfirmed_facts_are_configurable() -> None:
    for inst in INSTRUMENTS.values():
        for cutoff in inst.cutoffs:
            if cutoff.status in ("L", "U"):
                assert cutoff.configurable, cutoff.id
    assert INSTRUMENTS["pcl5"].cutoff("pcl5.provisional").configurable  # range 31-33
    assert INSTRUMENTS["pc-ptsd-5"].cutoff("pc-ptsd-5.positive").configurable  # 3 vs 4
