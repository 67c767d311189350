"""score_response: keying, missing items, derived scores, findings, risk signals and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine._errors import InputError
from planengine.instruments._data_files import load_builtin_instruments
from planengine.instruments._instrument import Instrument
from planengine.instruments._scoring import Score, score_response

INSTRUMENTS = load_builtin_instruments()
PHQ9 = INSTRUMENTS["phq9"]


# --- reverse keying ------------------------------------------------------------------------------


def test_pss10_all_zero_answers_total_16() -> None:
    # Items 4, 5, 7, 8 reverse-scored (clinical.md §2.6 [R13]): 4 items x 4 = 16.
    score = score_response(INSTRUMENTS["pss10"], [0] * 10)
    assert score.total == 16
    assert score.answered == (0, 0, 0, 4, 4, 0, 4, 4, 0, 0)
    assert score.raw_answers == (0,) * 10


def test_pss10_all_four_answers_total_24() -> None:
    assert score_response(INSTRUMENTS["pss10"], [4] * 10).total == 24


def test_rses_keying_in_phenx_order() -> None:
    rses = INSTRUMENTS["rses"]
    assert rses.reverse_keyed == (3, 5, 8, 9, 10)
    assert rses.higher_is_better
    # Agree strongly with every positive item, disagree strongly with every negative one: 30.
    best = [0 if i in rses.reverse_keyed else 3 for i in range(1, 11)]
    assert score_response(rses, best).total == 30
    worst = [3 - v for v in best]
    assert score_response(rses, worst).total == 0
    # All "strongly agree": 5 positive x 3 + 5 negative x 0.
    assert score_response(rses, [3] * 10).total == 15


# --- derived scores and sex-specific cut-offs ----------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "percent"), [([0] * 5, 0), ([5] * 5, 100), ([3, 3, 3, 4, 3], 64)]
)
def test_who5_percent(answers: list[int], percent: int) -> None:
    score = score_response(INSTRUMENTS["who5"], answers)
    assert score.derived == {"percent": percent}


def test_who5_low_total_and_low_item_are_separate_findings() -> None:
    who5 = INSTRUMENTS["who5"]
    # Raw 13 is not < 13, but item 5 answered 1.
    score = score_response(who5, [3, 3, 3, 3, 1])
    assert [f.rule_id for f in score.findings] == ["who5.low-item"]
    assert "item 5" in score.findings[0].summary
    # no core next step: the wellbeing strategy asks for a PHQ-9 only when none was given
    assert score.findings[0].next_step is None
    # Raw 12 < 13 with every item at 2 or more: poor well-being, no item finding.
    score = score_response(who5, [2, 2, 2, 3, 3])
    assert [f.rule_id for f in score.findings] == ["who5.low-total"]
    assert all(f.area == "wellbeing" for f in score.findings)
    score = score_response(who5, [4, 4, 4, 4, 4])
    assert score.findings == ()


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [
        ("male", 3, False),
        ("male", 4, True),
        ("female", 2, False),
        ("female", 3, True),
        (None, 2, False),
        (None, 3, True),
    ],
)
def test_audit_c_by_sex(sex: str | None, total: int, positive: bool) -> None:
    # item 1 kept below 4: 4 ("4 or more times a week") is a finding of its own (read 9, S7)
    answers = [min(total, 3), max(0, total - 3), 0]
    score = score_response(INSTRUMENTS["audit-c"], answers, sex=sex)
    assert [f.rule_id for f in score.findings] == (["audit-c.positive"] if positive else [])
    if positive:
        finding = score.findings[0]
        assert finding.area == "alcohol"
        assert ("sex not recorded" in finding.summary) == (sex is None)


def test_audit_c_cutoffs_met_follow_sex() -> None:
    audit = INSTRUMENTS["audit-c"]
    assert score_response(audit, [3, 0, 0], sex="male").cutoffs_met == ()
    assert score_response(audit, [3, 0, 0], sex="female").cutoffs_met == ("audit-c.positive-women",)
    assert score_response(audit, [3, 0, 0]).cutoffs_met == ("audit-c.positive-women",)
    assert score_response(audit, [4, 0, 0], sex="male").cutoffs_met == ("audit-c.positive-men",)


def test_bad_sex_is_refused() -> None:
    with pytest.raises(InputError, match="sex must be"):
        score_response(INSTRUMENTS["audit-c"], [0, 0, 0], sex="M")


# --- PHQ-9 item 9 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level"),
    [(0, "not-endorsed"), (1, "endorsed"), (2, "high"), (3, "high"), (None, "unknown")],
)
def test_phq9_item9_signal(value: int | None, level: str) -> None:
    score = score_response(PHQ9, [0] * 8 + [value])
    (signal,) = score.risk_signals
    assert (signal.instrument_id, signal.item, signal.value) == ("phq9", 9, value)
    assert signal.kind == "suicidal-ideation"
    assert signal.level == level
    assert "no risk" not in signal.describe("PHQ-9").lower()


def test_item9_signal_is_not_hidden_by_a_low_total() -> None:
    score = score_response(PHQ9, [0] * 8 + [1])
    assert score.total == 1 and score.findings == ()
    assert score.risk_signals[0].level == "endorsed"


def test_instruments_without_risk_items_emit_no_signals() -> None:
    assert score_response(INSTRUMENTS["phq2"], [0, 0]).risk_signals == ()


# --- missing items -------------------------------------------------------------------------------


def test_missing_items_give_a_range_not_a_total() -> None:
    score = score_response(PHQ9, [3, 3, 3, None, None, 3, 0, 0, 0])
    assert score.total is None and not score.complete
    assert score.partial_total == 12
    assert score.total_range == (12, 18)
    assert score.missing_items == (4, 5)
    assert score.band is None
    assert [b.label for b in score.band_range if b] == ["moderate", "moderately-severe"]
    assert score.derived == {}
    (finding,) = score.findings
    assert finding.severity == "moderate" and finding.at_least
    assert "at least moderate" in finding.summary
    assert "at least 12" in finding.summary


def test_band_is_reported_when_every_possible_total_agrees() -> None:
    score = score_response(PHQ9, [3, 3, 3, 3, 3, 3, 3, 0, None])
    assert score.total is None and score.total_range == (21, 24)
    assert score.band is not None and score.band.label == "severe"
    assert not score.findings[0].at_least
    assert score.risk_signals[0].level == "unknown"


def test_no_finding_when_missing_items_leave_it_undecided() -> None:
    # 2 + up to 3 more: could be 2 (negative) or 5 (positive) — nothing is claimed.
    score = score_response(INSTRUMENTS["phq2"], [2, None])
    assert score.findings == () and score.cutoffs_met == ()
    # 3 already: positive whatever item 2 is.
    score = score_response(INSTRUMENTS["phq2"], [3, None])
    assert [f.rule_id for f in score.findings] == ["phq2.screen"]
    assert score.findings[0].at_least


def test_higher_is_better_missing_uses_the_upper_bound() -> None:
    who5 = INSTRUMENTS["who5"]
    # 2+2+2+2 = 8, item 5 unknown: at most 13, so "< 13" is not certain.
    assert "who5.low-total" not in [
        f.rule_id for f in score_response(who5, [2, 2, 2, 2, None]).findings
    ]
    # 2+2+2+1 = 7, at most 12: certainly poor.
    score = score_response(who5, [2, 2, 2, 1, None])
    low = [f for f in score.findings if f.rule_id == "who5.low-total"]
    assert low and "at most 12" in low[0].summary


def test_all_unanswered() -> None:
    score = score_response(PHQ9, [None] * 9)
    assert score.total is None and score.partial_total == 0
    assert score.total_range == (0, 27)
    assert score.findings == () and score.missing_items == tuple(range(1, 10))
    assert score.risk_signals[0].level == "unknown"


def test_no_imputation_by_default() -> None:
    for inst in INSTRUMENTS.values():
        assert inst.missing.imputation == "none"
    assert PHQ9.missing.never_impute == (9,)


# --- answers as a mapping ------------------------------------------------------------------------


def test_mapping_answers() -> None:
    as_list = score_response(PHQ9, [1, 2, 3, 0, 0, 0, 0, 0, 1])
    as_map = score_response(
        PHQ9, {"1": 1, "item2": 2, 3: 3, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 1}
    )
    assert as_list.total == as_map.total == 7
    assert as_list.raw_answers == as_map.raw_answers
    partial = score_response(PHQ9, {"1": 1})
    assert partial.missing_items == tuple(range(2, 10))


def test_a_whole_number_written_as_a_float_is_that_number() -> None:
    """JSON does not tell 1 from 1.0, and JSON Schema counts 1.0 as an integer: so does scoring."""
    as_floats = score_response(PHQ9, [1.0, 2.0, 0, 0, 0, 0, 0, 0, 3.0])
    as_ints = score_response(PHQ9, [1, 2, 0, 0, 0, 0, 0, 0, 3])
    assert as_floats == as_ints and as_floats.raw_answers == (1, 2, 0, 0, 0, 0, 0, 0, 3)
    assert all(type(value) is int for value in as_floats.raw_answers)
    assert score_response(PHQ9, {"item9": 1.0}).raw_answers[8] == 1


# --- the PCL-5's DSM-5 symptom pattern (clinical.md §2.8, route b) -----------------------------

PCL5 = INSTRUMENTS["pcl5"]
#: One endorsed (>= 2) item in B and C, two in D and E: total 12, far below the cut-off of 31.
PATTERN_MET = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]


def _pattern_found(answers: Any) -> bool:
    return any(f.rule_id == "pcl5.dsm-pattern" for f in score_response(PCL5, answers).findings)


@pytest.mark.parametrize(
    ("case", "change", "met"),
    [
        ("met", {}, True),
        ("no-b", {0: 1}, False),  # 1 is "a little bit": not endorsed
        ("no-c", {5: 0}, False),
        ("one-d", {8: 1}, False),
        ("one-e", {15: 0}, False),
        ("other-b-item", {0: 0, 4: 3}, True),
        ("c-unanswered", {5: None}, False),  # never imputed as endorsed
        ("others-unanswered", {1: None, 19: None}, True),  # what was answered already meets it
    ],
)
def test_the_pcl5_dsm_pattern_holds_whatever_the_total(case: str, change: dict, met: bool) -> None:
    answers = list(PATTERN_MET)
    for index, value in change.items():
        answers[index] = value
    assert _pattern_found(answers) is met
    score = score_response(PCL5, answers)
    if met and score.total is not None:
        assert "pcl5.provisional" not in score.cutoffs_met  # the total route does not hold here


def test_the_pattern_finding_names_the_endorsed_items() -> None:
    finding = next(f for f in score_response(PCL5, PATTERN_MET).findings if f.rule_id == "pcl5.dsm-pattern")
    assert "B (intrusion) item 1; C (avoidance) item 6;" in finding.summary
    assert "D (negative cognitions and mood) items 8, 9" in finding.summary
    assert finding.area == "trauma" and finding.next_step and "not a diagnosis" in finding.summary


@given(st.lists(st.integers(0, 4), min_size=20, max_size=20), st.integers(0, 19))
def test_raising_an_answer_never_undoes_the_pattern(answers: list[int], index: int) -> None:
    before = _pattern_found(answers)
    raised = list(answers)
    raised[index] = 4
    assert not before or _pattern_found(raised)


# --- bad input: one line, with file, exact path and allowed values -------------------------------

BAD_ANSWERS: list[tuple[str, Any, str, str]] = [
    ("too-short", [0] * 8, "$.responses[0].answers", "expects 9 answers"),
    ("too-long", [0] * 10, "$.responses[0].answers", "got 10"),
    (
        "bool",
        [0, 0, 0, True, 0, 0, 0, 0, 0],
        "$.responses[0].answers[3]",
        "True is not a valid answer",
    ),
    (
        "float",
        [0, 0, 0, 1.5, 0, 0, 0, 0, 0],
        "$.responses[0].answers[3]",
        "1.5 is not a valid answer",
    ),
    ("float-high", [0, 0, 0, 4.0, 0, 0, 0, 0, 0], "$.responses[0].answers[3]", "item 4: 4.0 is not"),
    ("string", [0, 0, 0, "1", 0, 0, 0, 0, 0], "$.responses[0].answers[3]", "the string '1'"),
    ("high", [0, 0, 0, 4, 0, 0, 0, 0, 0], "$.responses[0].answers[3]", "item 4: 4 is not"),
    ("negative", [0, 0, 0, -1, 0, 0, 0, 0, 0], "$.responses[0].answers[3]", "item 4: -1"),
    ("text", "000000000", "$.responses[0].answers", "must be a list"),
    ("number", 5, "$.responses[0].answers", "must be a list"),
    ("unknown-key", {"q1": 0}, "$.responses[0].answers.q1", "no item 'q1'"),
    ("key-zero", {"0": 0}, '$.responses[0].answers["0"]', "no item '0'"),
    ("key-too-big", {"10": 0}, '$.responses[0].answers["10"]', "no item '10'"),
    ("key-twice", {"1": 0, "item1": 0}, "$.responses[0].answers.item1", "given twice"),
    ("bool-key", {True: 0}, "$.responses[0].answers.True", "no item True"),
    ("map-value", {"9": 5}, '$.responses[0].answers["9"]', "item 9: 5 is not"),
    ("odd-key", {"1.0": 0}, '$.responses[0].answers["1.0"]', "no item '1.0'"),
    ("spaced-key", {" 1": 0}, '$.responses[0].answers[" 1"]', "no item ' 1'"),
]


@pytest.mark.parametrize(
    ("case", "answers", "path", "fragment"), BAD_ANSWERS, ids=[row[0] for row in BAD_ANSWERS]
)
def test_bad_answers(case: str, answers: Any, path: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        score_response(PHQ9, answers, path="$.responses[0].answers", file="visit.yaml")
    error = info.value
    assert error.file == "visit.yaml" and error.path == path
    text = str(error)
    assert "\n" not in text
    assert text.startswith(f"visit.yaml: {path}: ")
    assert fragment in text
    # The allowed values (or keys) are always spelled out.
    assert "from 0 to 3" in text or "item numbers 1 to 9" in text


def test_bad_answer_message_names_allowed_values_for_yes_no_items() -> None:
    with pytest.raises(InputError, match=r"from 0 to 1 \(0 = no, 1 = yes\)"):
        score_response(INSTRUMENTS["pc-ptsd-5"], [2, 0, 0, 0, 0])


# --- properties ----------------------------------------------------------------------------------


@st.composite
def responses(draw: st.DrawFn) -> tuple[Instrument, list[int | None]]:
    inst = draw(st.sampled_from(sorted(INSTRUMENTS.values(), key=lambda i: i.id)))
    value = st.integers(inst.answer_min, inst.answer_max)
    answers = draw(
        st.lists(st.one_of(value, st.none()) | value, min_size=inst.items, max_size=inst.items)
    )
    return inst, answers


def _keyed(inst: Instrument, answers: list[int | None]) -> list[int | None]:
    lo, hi = inst.answer_min, inst.answer_max
    return [
        None if a is None else (lo + hi - a if (i + 1) in inst.reverse_keyed else a)
        for i, a in enumerate(answers)
    ]


@given(responses())
def test_total_is_keyed_sum_within_range(case: tuple[Instrument, list[int | None]]) -> None:
    inst, answers = case
    score = score_response(inst, answers)
    keyed = _keyed(inst, answers)
    assert list(score.answered) == keyed
    low, high = score.total_range
    assert inst.total_min <= low <= high <= inst.total_max
    if None in answers:
        assert score.total is None and not score.complete
        assert score.partial_total == sum(k for k in keyed if k is not None)
    else:
        assert score.total == sum(keyed) == low == high  # type: ignore[arg-type]
        assert score.complete
        if inst.bands:
            assert score.band is not None and score.band.contains(score.total)
    assert len(score.risk_signals) == len(inst.risk_items)


@given(responses())
def test_findings_are_well_formed(case: tuple[Instrument, list[int | None]]) -> None:
    inst, answers = case
    score: Score = score_response(inst, answers)
    ids = {rule.id for rule in inst.finding_rules}
    for finding in score.findings:
        assert finding.rule_id in ids
        assert finding.instrument_id == inst.id
        assert set(finding.citations) <= set(inst.references)
        assert finding.summary.endswith(".") and "{" not in finding.summary
        assert (finding.kind == "severity") == (finding.severity is not None)
        assert "no risk" not in finding.summary.lower()


@given(responses())
def test_completed_answers_agree_with_partial(case: tuple[Instrument, list[int | None]]) -> None:
    # Whatever the missing items turn out to be, the full total lies in the reported range,
    # and any finding claimed for the partial response still holds for the full one.
    inst, answers = case
    partial = score_response(inst, answers)
    for fill in (inst.answer_min, inst.answer_max):
        full = score_response(inst, [fill if a is None else a for a in answers])
        assert full.total is not None
        assert partial.total_range[0] <= full.total <= partial.total_range[1]
        assert set(partial.cutoffs_met) <= set(full.cutoffs_met)
        full_rules = {f.rule_id: f for f in full.findings}
        for finding in partial.findings:
            assert finding.rule_id in full_rules
            if finding.severity_rank is not None:
                assert full_rules[finding.rule_id].severity_rank >= finding.severity_rank  # type: ignore[operator]


@given(responses(), st.sampled_from([None, "female", "male"]))
def test_complete_responses_score_as_their_total_worked_out_afresh(
    case: tuple[Instrument, list[int | None]], sex: str | None
) -> None:
    # A complete response is scored from a table built once per instrument; it must say exactly
    # what working the total out from the answers says.
    from planengine.instruments._scoring import _plan_for, _score_range

    inst, answers = case
    complete = [inst.answer_min if a is None else a for a in answers]
    score = score_response(inst, complete, sex=sex)
    assert score.total is not None
    fresh = _score_range(
        inst, _plan_for(inst), sex, list(complete), (), score.total, score.total
    )
    assert score.band == fresh.band
    assert score.band_range == fresh.band_range
    assert score.derived == dict(fresh.derived)
    assert score.cutoffs_met == fresh.cutoffs_met
    assert score.findings == fresh.findings
