"""A missing-answer rule that prorates: off in the shipped data, set by a clinic's configuration,
never estimating a never-imputed item (PHQ-9 item 9), and marked wherever its total shows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan_helpers import assert_valid, validator
from planengine import Assessment, ConfigError, Engine, EngineConfig, Response
from planengine.cli._main import main
from planengine.instruments._build import instrument_from_mapping
from planengine.instruments._data_files import load_builtin_instruments
from planengine.instruments._parts import MissingRule
from planengine.instruments._scoring import score_response
from planengine.review import review_goals

BUILTIN = load_builtin_instruments()
AS_OF = dt.date(2026, 11, 25)


def prorating(instrument_id: str, max_missing: int = 2, **more: Any) -> Any:
    """A clinic's copy of a shipped instrument with prorating switched on."""
    rule = {"imputation": "prorate", "max_missing": max_missing, **more}
    return BUILTIN[instrument_id].with_overrides({"missing": rule})


PHQ9 = prorating("phq9")


# --- the arithmetic, data-driven -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "answers", "total"),
    [
        # 10 from 8 items: 10 x 9 / 8 = 11.25 -> 11
        ("phq9", [2, 1, 2, None, 1, 2, 1, 1, 0], 11),
        # 12 from 7 items: 12 x 9 / 7 = 15.43 -> 15 (two unanswered)
        ("phq9", [3, None, 2, 2, None, 2, 1, 2, 0], 15),
        # 3 from 6 items: 3 x 7 / 6 = 3.5 -> 4 (half up)
        ("gad7", [1, 1, 1, None, 0, 0, 0], 4),
        # 9 from 6 items: 9 x 7 / 6 = 10.5 -> 11 (half up)
        ("gad7", [2, 2, 2, None, 1, 1, 1], 11),
        # PSS-10 prorates the scores after reverse keying: items 4 (answered 0 -> 4), 5, 7, 8 reversed.
        # Keyed 0,0,0,4,4,0,4,4,0 = 16 from 9 items: 16 x 10 / 9 = 17.8 -> 18
        ("pss10", [0, 0, 0, 0, 0, 0, 0, 0, 0, None], 18),
        # PCL-5 has a rule on single answers (the DSM-5 pattern): 38 x 20 / 19 = 40
        ("pcl5", [2] * 19 + [None], 40),
    ],
)
def test_the_prorated_total_is_the_mean_times_the_items_rounded_half_up(
    instrument_id: str, answers: list[int | None], total: int
) -> None:
    score = score_response(prorating(instrument_id), answers)
    assert score.total == total and score.prorated
    assert not score.complete
    assert score.missing_items == tuple(i + 1 for i, a in enumerate(answers) if a is None)
    low, high = score.total_range  # the honest range stays as it was
    assert low <= total <= high and low < high


def test_band_cut_offs_and_findings_follow_the_prorated_total_and_say_so() -> None:
    score = score_response(PHQ9, [2, 1, 2, None, 1, 2, 1, 1, 0])
    assert score.band is not None and score.band.label == "moderate"  # 11 is 10-14
    assert "phq9.screen" in score.cutoffs_met  # >= 10
    band = next(f for f in score.findings if f.kind == "severity")
    assert not band.at_least
    assert "11, prorated from the 8 of 9 items answered" in band.summary


def test_without_the_rule_the_same_answers_have_no_total() -> None:
    score = score_response(BUILTIN["phq9"], [2, 1, 2, None, 1, 2, 1, 1, 0])
    assert score.total is None and not score.prorated


def test_more_unanswered_items_than_the_rule_allows_give_no_total() -> None:
    score = score_response(PHQ9, [2, None, None, None, 1, 2, 1, 1, 0])
    assert score.total is None and not score.prorated
    assert score.total_range == (7, 16)


def test_a_complete_response_is_not_prorated() -> None:
    score = score_response(PHQ9, [2, 1, 2, 2, 1, 2, 1, 1, 0])
    assert score.total == 12 and score.complete and not score.prorated


def test_item_9_is_never_estimated_and_its_risk_stays_unknown() -> None:
    score = score_response(PHQ9, [2, 1, 2, 2, 1, 2, 1, 1, None])
    assert score.total is None and not score.prorated
    assert score.risk_signals[0].level == "unknown"
    # Even when configuration tries to take item 9 off the list, it stays.
    loosened = prorating("phq9", never_impute=[])
    assert 9 in loosened.missing.never_impute
    assert score_response(loosened, [2, 1, 2, 2, 1, 2, 1, 1, None]).total is None


def test_configuration_may_add_items_never_to_impute() -> None:
    stricter = prorating("phq9", never_impute=[1, 2])
    assert stricter.missing.never_impute == (1, 2, 9)
    assert score_response(stricter, [None, 1, 2, 2, 1, 2, 1, 1, 0]).total is None
    assert score_response(stricter, [2, 1, None, 2, 1, 2, 1, 1, 0]).prorated


def test_the_configured_rule_is_recorded_as_unconfirmed_with_what_the_data_said() -> None:
    rule = PHQ9.missing
    assert rule.status == "U"
    assert rule.note is not None and "the data file's rule was none" in rule.note
    shown = PHQ9.to_dict()
    assert shown["missing"]["imputation"] == "prorate" and shown["missing"]["max_missing"] == 2
    assert shown["overrides"]["missing"]["max_missing"] == 2
    shown.pop("source", None)
    shown.pop("overrides")
    assert_valid("instrument", shown)  # a configured instrument still reads as a valid data file


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"imputation": "mean"}, "must be none or prorate"),
        ({"imputation": "prorate"}, "prorate needs max_missing"),
        ({"imputation": "prorate", "max_missing": 9}, "max_missing must be 1 to 8"),
        ({"imputation": "prorate", "max_missing": 0}, "above 0"),
        ({"imputation": "prorate", "max_missing": True}, "an integer"),
        ({"max_missing": 2}, "applies only to imputation 'prorate'"),
        ({"never_impute": [10]}, "item numbers 1 to 9"),
        ({"never_impute": "9"}, "item numbers 1 to 9"),
        ({"impute": "prorate"}, "unknown key(s) impute"),
    ],
)
def test_a_bad_missing_override_is_a_config_error(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        BUILTIN["phq9"].with_overrides({"missing": override})
    assert message in str(caught.value)


# --- invariants, over generated answers ------------------------------------------------------------


@st.composite
def phq9_answers(draw: st.DrawFn) -> list[int | None]:
    answers: list[int | None] = draw(st.lists(st.integers(0, 3), min_size=9, max_size=9))
    for item in draw(st.sets(st.integers(0, 8), max_size=9)):
        answers[item] = None
    return answers


@given(phq9_answers(), st.integers(1, 8))
def test_prorating_never_invents_what_the_rule_forbids(answers: list[int | None], most: int) -> None:
    instrument = prorating("phq9", max_missing=most)
    score = score_response(instrument, answers)
    missing = [i + 1 for i, a in enumerate(answers) if a is None]
    if not missing:
        assert score.total == sum(a for a in answers if a is not None) and not score.prorated
    elif 9 in missing or len(missing) > most:
        assert score.total is None and not score.prorated
    else:
        assert score.prorated and score.total is not None
        low, high = score.total_range
        assert low <= score.total <= high
        answered = [a for a in answers if a is not None]
        assert abs(score.total - sum(answered) * 9 / len(answered)) <= 0.5
    assert score.risk_signals[0].value == answers[8]  # the risk item is read as given


def test_missing_rule_prorated_total_with_nothing_answered_is_none() -> None:
    rule = MissingRule("prorate", (), None, 3)
    assert rule.prorated_total([None, None, None], (1, 2, 3)) is None


# --- the data format ---------------------------------------------------------------------------------


def _phq9_data(**missing: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(BUILTIN["phq9"].to_dict()))
    data.pop("source", None)
    data["missing"] = {"never_impute": [9], **missing}
    return data


def test_an_instrument_file_may_define_the_rule_with_its_citation() -> None:
    data = _phq9_data(imputation="prorate", max_missing=1, citation="R1", status="U")
    assert_valid("instrument", data)
    instrument = instrument_from_mapping(data)
    assert instrument.missing.citations == ("R1",)
    assert score_response(instrument, [2, 1, 2, None, 1, 2, 1, 1, 0]).total == 11


def test_the_schema_wants_max_missing_and_a_citation_for_prorating() -> None:
    schema = validator("instrument")
    assert not schema.is_valid(_phq9_data(imputation="prorate"))
    assert not schema.is_valid(_phq9_data(imputation="prorate", max_missing=1))
    assert not schema.is_valid(_phq9_data(imputation="prorate", max_missing=1, status="V"))
    assert schema.is_valid(_phq9_data(imputation="prorate", max_missing=1, status="U"))
    assert not schema.is_valid(_phq9_data(imputation="none", max_missing=1))
    assert schema.is_valid(_phq9_data(imputation="none"))


# --- where the total shows: plan, Markdown, review ----------------------------------------------------


def _assessment(answers: list[int | None]) -> Assessment:
    return Assessment(responses=(Response("phq9", dt.date(2026, 11, 20), tuple(answers), 0),))


def test_the_plan_marks_a_prorated_total_and_plans_from_it() -> None:
    config = EngineConfig(instrument_overrides={"phq9": {"missing": {"imputation": "prorate", "max_missing": 2}}})
    plan = Engine(config=config).plan(_assessment([2, 1, 2, None, 1, 2, 1, 1, 0]), as_of=AS_OF)
    data = plan.to_dict()
    assert_valid("plan", data)
    row = data["scores"][0]
    assert row["total"] == 11 and row["prorated"] and not row["complete"]
    assert row["band"] == "moderate"
    incomplete = next(f for f in data["findings"] if f["kind"] == "incomplete")
    assert "estimate, prorated" in incomplete["summary"]
    assert incomplete["provenance"]["source"] == "rule:findings.prorated"
    assert any(p["area"] == "depression" for p in data["problems"])
    measured = [o for p in data["problems"] for o in p["objectives"] if o["measure"].get("instrument") == "phq9"]
    assert measured and all(o["measure"]["baseline"]["value"] == 11 for o in measured)
    assert all("prorated from the items answered" in (o["rationale"] or "") for o in measured)
    # Without the rule, the same answers plan no depression goals from a total.
    plain = Engine().plan(_assessment([2, 1, 2, None, 1, 2, 1, 1, 0]), as_of=AS_OF).to_dict()
    assert plain["scores"][0]["total"] is None and not plain["scores"][0]["prorated"]


def test_the_cli_reads_the_rule_from_the_config_file_and_markdown_shows_it(tmp_path, capsys) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text('[plan.instrument-overrides.phq9]\nmissing = {imputation = "prorate", max_missing = 2}\n')
    source = tmp_path / "a.yaml"
    source.write_text(
        "planengine: 1\nresponses:\n  - instrument: phq9\n    date: 2026-11-20\n"
        "    answers: [2, 1, 2, null, 1, 2, 1, 1, 0]\n"
    )
    args = ["plan", str(source), "--as-of", "2026-11-25", "--config", str(config)]
    assert main([*args, "--format", "markdown"]) == 0
    assert "| PHQ-9 | 20 November 2026 | 11 (prorated) | moderate |" in capsys.readouterr().out
    config.write_text('[plan.instrument-overrides.phq9]\nmissing = {imputation = "guess"}\n')
    assert main(args) == 2
    assert "phq9.missing.imputation: must be none or prorate" in capsys.readouterr().err


def test_a_review_says_which_total_was_prorated() -> None:
    data = {
        "planengine": 1,
        "assessments": [
            {"instrument": "phq9", "date": "2026-11-20", "answers": [2, 1, 2, None, 1, 2, 1, 1, 0]}
        ],
        "goals": [],
    }
    result = review_goals(data, as_of=AS_OF, instruments={**BUILTIN, "phq9": PHQ9})
    notes = [f for f in result.findings if f.code == "input.prorated"]
    assert len(notes) == 1 and notes[0].severity == "info"
    assert "total 11 is prorated" in notes[0].message
    plain = review_goals(data, as_of=AS_OF)
    assert not [f for f in plain.findings if f.code == "input.prorated"]
