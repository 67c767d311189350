"""Wording that claims there is no risk: every pattern in ``data/no-risk-claims.yaml`` finds its
own claims and leaves its ordinary texts alone, also written with look-alike letters."""

from __future__ import annotations

import datetime as dt
import unicodedata
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import planengine
from planengine._look_alikes import latin_look_alikes, to_latin
from planengine.plan._risk_wording import claims_no_risk, redact_proposal

DATA = yaml.safe_load(
    (resources.files("planengine") / "data" / "no-risk-claims.yaml").read_text("utf-8")
)
CLAIMS = [(i, text) for i, entry in enumerate(DATA["patterns"]) for text in entry["claims"]]
ORDINARY = [(i, text) for i, entry in enumerate(DATA["patterns"]) for text in entry["not_claims"]]


def test_every_pattern_lists_what_it_must_and_must_not_find() -> None:
    for entry in DATA["patterns"]:
        assert entry["claims"] and entry["not_claims"], entry["pattern"]


@pytest.mark.parametrize(("pattern", "text"), CLAIMS)
def test_each_listed_claim_is_found(pattern: int, text: str) -> None:
    assert claims_no_risk(text), (pattern, text)


@pytest.mark.parametrize(("pattern", "text"), ORDINARY)
def test_each_listed_ordinary_text_is_left_alone(pattern: int, text: str) -> None:
    assert not claims_no_risk(text), (pattern, text)


@pytest.mark.parametrize(
    "text",
    [
        "n\u043e risk",  # a Cyrillic o
        "N\u041e RISK",  # a Cyrillic capital O
        "\uff2e\uff2f \uff32\uff29\uff33\uff2b",  # full-width letters
        "no r\u0456sk",  # a Ukrainian i
        "patient is \u0455afe",  # a Cyrillic dze
        "p\u0430tient is safe",  # a Cyrillic a
        "not s\u0075\u0456c\u0456dal",
        "denies any suicidal ideation; safe to discharge",
        "Patient is safe",
        "not suicidal",
        "no\u200b risk",
    ],
)
def test_look_alike_letters_and_other_phrasings_do_not_slip_past(text: str) -> None:
    assert claims_no_risk(text), text


def test_the_look_alike_table_comes_from_unicode_and_reads_letters_before_digits() -> None:
    table = latin_look_alikes()
    assert len(table) > 1000  # Unicode's confusables, not a hand-written list
    assert table[ord("\u041e")] == "o"  # Cyrillic capital O: the letter, not zero
    assert to_latin("plain ascii") == "plain ascii"


@given(st.sampled_from([text for _, text in CLAIMS]), st.data())
def test_a_claim_with_any_letter_swapped_for_a_look_alike_is_found(text: str, data: st.DataObject) -> None:
    swaps: dict[str, list[str]] = {}
    for code, latin in latin_look_alikes().items():
        character = chr(code)
        # a letter of another script that compatibility forms leave as it is
        if unicodedata.category(character).startswith("L") and (
            unicodedata.normalize("NFKC", character) == character
        ):
            swaps.setdefault(latin, []).append(chr(code))
    letters = [i for i, ch in enumerate(text) if ch.lower() in swaps]
    if not letters:
        return
    index = data.draw(st.sampled_from(letters))
    look_alike = data.draw(st.sampled_from(sorted(swaps[text[index].lower()])))
    disguised = text[:index] + look_alike + text[index + 1:]
    assert claims_no_risk(disguised), repr(disguised)


def test_a_hook_claim_written_with_look_alikes_is_removed() -> None:
    step = planengine.Intervention(
        id="sleep-x", area="sleep", title="Wind down",
        description="Wind down before bed. N\u043e risk: p\u0430tient is safe.",
        delivery="self-guided", rationale="Test.", provenance=planengine.Provenance("plugin:x"),
    )
    cleaned, count = redact_proposal(planengine.Proposal(interventions=(step,)))
    assert count == 1
    assert not claims_no_risk(cleaned.interventions[0].description)
    assert "Wind down before bed." in cleaned.interventions[0].description


EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_no_example_plan_claims_no_risk_in_what_the_engine_wrote(path: Path) -> None:
    plan = planengine.Engine().plan(
        planengine.load_assessment(path), as_of=dt.date(2026, 11, 25)
    ).to_dict()
    for problem in plan["problems"]:
        texts = [problem["title"], problem.get("long_term_goal") or ""]
        texts += [o["statement"] for o in problem["objectives"]]
        texts += [s["description"] for s in problem["interventions"]]
        texts += [step for s in problem["interventions"] for step in s.get("steps", [])]
        for text in texts:
            assert not claims_no_risk(text), text
