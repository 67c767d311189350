"""Scenario tests for the clinician's read 11, S3 (citations a signing clinician cannot rely on):
each fails without its fix.

* Regulatory and payer context (US 42 CFR, US state rules: ``context`` in data/references.yaml)
  is never printed in a plan document's reference list; it stays in the bibliography, in
  ``planengine rules T505/T506`` and in the plan JSON's provenance (the rule ids).
* The review-interval design note reads as the organisation's setting in a plan.
* A source read in a secondary copy (NHS Talking Therapies Manual, NICE NG222, Kiresuk & Sherman)
  prints its primary citation and primary address, with its honesty mark; the copies' addresses
  are kept in the data (``read_via``) and printed by ``planengine rules`` and the references
  page, never in a plan document.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from plan_helpers import EXAMPLES, example_plan
from planengine import lookup_reference
from planengine._references import references
from planengine.io._schema_check import check_schema
from planengine.render._plan import render_goals, render_html, render_markdown, render_patient

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))

#: what a plan document never prints (clinician read 11, S3)
NOT_IN_PLANS = (
    "42 CFR",
    "US payer context",
    "US state regulation",
    "cbtwatch.com",
    "bansdoc.gov.bd",
    "nationalcalculatorauthority.com",
    "instantcbt.com/",
    "dokumen.tips",
    "docsbay.net",
    "fdocuments.in",
    "statistics.datanalysis.net",
)


def _reference_lines(markdown: str) -> dict[str, str]:
    section = markdown.split("### References", 1)[1]
    lines = [line.removeprefix("- ") for line in section.splitlines() if line.startswith("- ")]
    return {line.split(":", 1)[0]: line for line in lines}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_plan_document_prints_regulatory_context_or_a_secondary_copy(engine, name: str) -> None:
    plan = example_plan(engine, name)
    documents = {
        "markdown": render_markdown(plan),
        "html": render_html(plan),
        "patient": render_patient(plan),
        "goals": render_goals(plan),
    }
    for kind, text in documents.items():
        for words in NOT_IN_PLANS:
            assert words not in text, f"{name} ({kind}) prints {words!r}"
    if "### References" in documents["markdown"]:
        listed = _reference_lines(documents["markdown"])
        regulatory = {key for key, ref in references().items() if ref.context}
        assert not regulatory & set(listed), name


def test_the_review_interval_reads_as_the_organisations_setting(engine) -> None:
    lines = _reference_lines(render_markdown(example_plan(engine, "moderate-phq9-gad7-isi.yaml")))
    note = lines["DN-review-intervals"]
    assert "the organisation's setting" in note
    assert "regulatory" not in note and "payer" not in note and "(from" not in note
    assert "R-SC1" in lines  # the rule that reaches the note is still listed


def test_secondary_copies_give_way_to_the_primary_citation(engine) -> None:
    lines = _reference_lines(render_markdown(example_plan(engine, "all-instruments.yaml")))
    r37 = lines["R37"]
    assert r37.startswith(
        "R37: NHS England. NHS Talking Therapies for anxiety and depression Manual"
    )
    assert "https://www.england.nhs.uk/mental-health/adults/nhs-talking-therapies/" in r37
    assert "manual not opened" in r37 and "thresholds read in a secondary copy" in r37
    r54 = lines["R54"]
    assert "https://www.nice.org.uk/guidance/ng222" in r54 and "full-text copy" in r54
    r39 = lines["R39"]
    assert "Kiresuk TJ, Sherman RE" in r39 and "https://doi.org/10.1007/BF01530764" in r39
    assert "formula checked in a secondary copy" in r39


def test_the_data_keeps_the_copies_and_the_regulatory_sources() -> None:
    assert any("cbtwatch.com" in url for url in lookup_reference("R37").read_via)
    assert any("bansdoc.gov.bd" in url for url in lookup_reference("R54").read_via)
    assert any("bansdoc.gov.bd" in url for url in lookup_reference("S2").read_via)
    assert any("nationalcalculatorauthority" in url for url in lookup_reference("R39").read_via)
    assert "cbtwatch.com" in lookup_reference("R37").full_text()
    assert {lookup_reference(key).context for key in ("R44", "R45", "R47")} == {"us-payer"}
    assert lookup_reference("R46").context == "us-state-rule"
    note = lookup_reference("DN-review-intervals")
    assert note.derived_from == ("R44", "R46", "R45")
    assert "90 days" in (note.regulatory_context or "") and "90 days" in note.full_text()


def test_the_plan_json_keeps_the_rule_that_reaches_the_review_note(engine) -> None:
    data = example_plan(engine, "moderate-phq9-gad7-isi.yaml").to_dict()
    rules = {(p.get("ordering") or {}).get("rule") for p in data["problems"]}
    assert "stepped-care.R-SC1" in rules


@pytest.mark.parametrize("code", ["T505", "T506"])
def test_the_rules_command_still_explains_with_the_regulations(code: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "planengine", "rules", code, "--no-plugins"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert lookup_reference("R44").full_text() in out
    assert lookup_reference("DN-review-intervals").full_text() in out


def test_the_schema_knows_only_the_named_contexts() -> None:
    def document(entry: dict[str, object]) -> dict[str, object]:
        return {
            "planengine": 1,
            "kind": "references",
            "data_version": "1.0.0",
            "entries": {"X1": entry},
        }

    source = {"kind": "source", "citation": "A rule", "supports": "Something."}
    assert not check_schema(document({**source, "context": "us-payer"}), "references")
    assert check_schema(document({**source, "context": "payer"}), "references")
    assert check_schema(document({**source, "read_via": ["not an address"]}), "references")
