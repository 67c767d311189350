"""The shipped bibliography: every id cited in code, data, schemas, strategies and SARIF output
resolves to it; nothing shipped points at a document outside the repository; every entry is
cited somewhere or marked as background; and the rules command and the clinician appendix print
the full references."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from planengine._errors import UnknownNameError
from planengine._references import cited_ids, full_references, lookup_reference, references

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "src" / "planengine", ROOT / "schemas", ROOT / "plugins")
TEXT_SUFFIXES = {".py", ".yaml", ".json", ".md", ".tmpl", ".toml"}

#: A citation in square brackets that looks like one of the bibliography's id families; such a
#: token must resolve (``[str]`` or ``[RiskFlag]`` do not look like one).
_CITED = re.compile(
    r"\[((?:R|S|W|B)\d+[a-z]*(?:-[a-z]+)?|DN-[a-z-]+|R-SC\d+|USCore-[\w-]+|MII-PRO[\w-]*"
    r"|PHR-IG|Ext-itemWeight|eCQM-VS|HL7-[\w-]+|R[45]-[A-Za-z-]+|fhir\.resources|FHIRJS"
    r"|NegEx|ConText|McNichols-\d+|Web-[a-z-]+)\]"
)
_RULE = re.compile(r"(?<![A-Za-z0-9])R-SC\d+\b")
#: The briefs the facts were gathered in; they are not in the repository or the wheel.
_OUTSIDE = re.compile(r"(?<!docs/)\b(?:clinical|stepped-care|interop|ecosystem)\.md\b")


def _shipped_files() -> Iterator[Path]:
    for top in SHIPPED:
        for path in sorted(top.rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                yield path


def _data_files() -> Iterator[Path]:
    data = ROOT / "src" / "planengine" / "data"
    yield from sorted(data.glob("instruments/*.yaml"))
    yield from sorted((ROOT / "plugins" / "planengine_builtins" / "strategies").glob("*.yaml"))
    yield data / "stepped-care.yaml"
    yield data / "review.yaml"
    yield from sorted((ROOT / "src" / "planengine" / "fhir" / "data").glob("*.yaml"))


def _structured_ids(node: Any) -> Iterator[str]:
    """Ids in ``citation``/``citations`` fields and ``references`` keys of a data file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "references" and isinstance(value, dict):
                yield from value
            elif key in {"citation", "citations"}:
                values = value if isinstance(value, list) else [value]
                yield from (v for v in values if isinstance(v, str) and " " not in v)
            else:
                yield from _structured_ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from _structured_ids(item)


#: A citation spelled out in a string: ``"R31: Columbia Lighthouse Project, ..."``.
_SPELLED_OUT = re.compile(r"[\"']((?:R|S)\d{1,2}[a-z]*): ")


def _text_ids(text: str) -> set[str]:
    found = {m.group(1) for m in _CITED.finditer(text)} | set(_RULE.findall(text))
    return found | {m.group(1) for m in _SPELLED_OUT.finditer(text)}


def _sarif_rules() -> list[dict[str, Any]]:
    examples = ROOT / "tests" / "example-files" / "smart" / "invalid"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "planengine",
            "validate",
            "--format",
            "sarif",
            "--no-plugins",
            *map(str, sorted(examples.iterdir())),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)["runs"][0]["tool"]["driver"]["rules"]


def _all_cited() -> dict[str, str]:
    """Every id cited anywhere shipped -> one place it is cited."""
    cited: dict[str, str] = {}
    for path in _shipped_files():
        if path.name == "references.yaml":
            continue
        for ref in _text_ids(path.read_text(encoding="utf-8")):
            cited.setdefault(ref, str(path.relative_to(ROOT)))
    for path in _data_files():
        for ref in _structured_ids(yaml.safe_load(path.read_text(encoding="utf-8"))):
            cited.setdefault(ref, str(path.relative_to(ROOT)))
    return cited


def test_every_cited_id_resolves() -> None:
    unresolved = {ref: where for ref, where in _all_cited().items() if ref not in references()}
    assert not unresolved, f"cited but not in data/references.yaml: {unresolved}"


def test_every_sarif_rule_source_resolves_and_carries_its_references() -> None:
    rules = _sarif_rules()
    assert rules, "the invalid examples fire rules"
    for rule in rules:
        source = rule["properties"]["source"]
        ids = _text_ids(source)
        assert set(ids) <= set(references()), (rule["id"], source)
        if not rule["id"].startswith("E"):  # E-codes (file errors) cite this repository's docs
            assert ids, f"{rule['id']}: its source cites no bibliography id: {source!r}"
        assert rule["properties"]["references"] == list(full_references(cited_ids(source)))


def test_nothing_shipped_points_at_a_document_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [*_shipped_files(), ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _OUTSIDE.search(line)
    ]
    assert not found, "\n".join(found)


def test_every_entry_is_cited_or_marked_as_background() -> None:
    cited = set(_all_cited())
    queue = [ref for ref in cited if ref in references()]
    reached: set[str] = set()
    while queue:  # what a cited design note or rule rests on is cited through it
        ref = queue.pop()
        if ref not in reached:
            reached.add(ref)
            queue += references()[ref].derived_from
    orphans = sorted(r for r, e in references().items() if r not in reached and not e.background)
    assert not orphans, f"neither cited nor marked background: {orphans}"
    stale = sorted(r for r in cited if r in references() and references()[r].background)
    assert not stale, f"cited, so no longer background: {stale}"


def test_design_notes_and_rules_rest_on_entries_that_exist() -> None:
    for ref, entry in references().items():
        assert set(entry.derived_from) <= set(references()), ref
        if entry.kind == "rule":
            assert entry.derived_from, ref
        assert entry.text.strip() and entry.supports.strip(), ref


def test_every_stepped_care_rule_resolves() -> None:
    for number in range(1, 23):
        entry = lookup_reference(f"stepped-care.R-SC{number}")
        assert entry.kind == "rule" and entry.text and entry.supports


@pytest.mark.parametrize("ref", ["R42", "[R42]", "stepped-care.R-SC5", "DN-smart-checks"])
def test_lookup_accepts_the_forms_ids_are_cited_in(ref: str) -> None:
    assert lookup_reference(ref).id == ref.strip("[]").removeprefix("stepped-care.")


def test_lookup_of_an_unknown_id_is_a_one_line_error() -> None:
    with pytest.raises(UnknownNameError, match="no reference 'R999'"):
        lookup_reference("R999")


def test_full_references_follow_design_notes_to_their_sources() -> None:
    lines = full_references(["R-SC14"])
    assert [line.split(":")[0] for line in lines] == [
        "R-SC14",
        "DN-treatment-burden",
        "S3",
        "S13",
        "S14",
    ]


def test_rules_command_prints_the_full_reference() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "planengine", "rules", "T506", "--no-plugins"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert "References:" in out
    assert lookup_reference("R44").full_text() in out
    assert "DN-review-intervals: design note" in out


def test_clinician_appendix_prints_full_references_and_the_patient_copy_none() -> None:
    from planengine.render import _clinician_parts

    data = {
        "generated_by": {
            "plugins": [
                {"name": "ba", "kind": "plugin", "distribution": "planengine"},
                {"name": "grief", "kind": "plugin", "distribution": "planengine-grief"},
            ]
        },
        "problems": [
            {
                "objectives": [{"citations": ["R42: short form the strategy wrote"]}],
                "interventions": [
                    {"citations": ["K1: A plugin's own source, 2024."]},
                    {
                        "citations": ["R64: short form"],
                        "provenance": {"source": "plugin:ba@1.0.0"},
                    },
                    {
                        "citations": ["R1: Another plugin's own R1, 2020."],
                        "provenance": {"source": "plugin:grief@0.1.0"},
                    },
                ],
            }
        ],
    }
    lines = _clinician_parts._references(data, [("Sleep: order", "stepped-care.R-SC12")])
    assert lookup_reference("R42").full_text() in lines
    assert "K1: A plugin's own source, 2024." in lines
    assert lookup_reference("R64").full_text() in lines  # planengine's own plugin
    assert "R1: Another plugin's own R1, 2020." in lines  # another plugin's id is its own
    assert lookup_reference("R1").full_text() not in lines
    assert lookup_reference("R-SC12").full_text() in lines
    assert lookup_reference("S7").full_text() in lines  # what R-SC12 rests on


def test_the_patient_copy_gains_no_bibliography() -> None:
    example = ROOT / "examples" / "severe-with-risk-flag.yaml"
    run = [sys.executable, "-m", "planengine", "plan", str(example), "--as-of", "2026-12-01"]
    patient = subprocess.run(
        [*run, "--format", "patient"], capture_output=True, text=True, cwd=ROOT
    )
    clinician = subprocess.run(
        [*run, "--format", "markdown"], capture_output=True, text=True, cwd=ROOT
    )
    assert lookup_reference("R30").plan_text(()) in clinician.stdout
    assert "References" not in patient.stdout and "R30" not in patient.stdout


def test_the_references_page_is_generated_from_the_data() -> None:
    """``docs/references.md`` is what ``tools/references_doc.py`` writes from the data."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "references_doc", ROOT / "tools" / "references_doc.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    page = (ROOT / "docs" / "references.md").read_text(encoding="utf-8")
    assert page == tool.render(), "docs/references.md is out of date: run tools/references_doc.py"
    for ref in references():
        assert f"**{ref}**" in page


#: Hosts a signing clinician cannot rely on (clinician reads 9 and 11, S9/S3): an AI answer site,
#: document dumps, a blog, a calculator page, an unofficial copy of a NICE guideline. A source read
#: there cites its primary source with its primary address and says a copy was read (the mark);
#: the copy's address is kept in ``read_via`` only: the evidence trail, never a plan document.
_WEAK_HOSTS = {
    "droracle.ai": None,  # never cited
    "docest.com": None,
    "cbtwatch.com": "secondary copy",
    "nationalcalculatorauthority.com": "secondary copy",
    "old.bansdoc.gov.bd": "full-text copy",
    "instantcbt.com/": "secondary copy",  # an address; S3 names the site in words
    "dokumen.tips": "secondary copy",
    "sites.google.com": "secondary summary",
    "docsbay.net": "secondary copies",
    "fdocuments.in": "secondary copies",
    "statistics.datanalysis.net": "secondary summary",
}


@pytest.mark.parametrize(("host", "mark"), sorted(_WEAK_HOSTS.items()))
def test_a_weak_copy_is_only_the_evidence_trail(host: str, mark: str | None) -> None:
    uses = [ref for ref in references().values() if host in ref.full_text()]
    if mark is None:
        assert not uses, f"{host} is cited by {[ref.id for ref in uses]}"
    for ref in uses:
        assert any(host in url for url in ref.read_via), ref.id
        assert host not in ref.text and not any(host in url for url in ref.urls), ref.id
        printed = ref.plan_text(ref.derived_from)
        assert host not in printed, ref.id
        assert mark in printed, f"{ref.id} was read in {host} without saying '{mark}'"
        # the primary address where one is known (a journal article without one is cited)
        assert not ref.urls or any(url in printed for url in ref.urls), ref.id


@pytest.mark.parametrize(
    ("ref_id", "primary"),
    [
        ("R37", "NHS England. NHS Talking Therapies for anxiety and depression Manual"),
        ("R39", "Kiresuk TJ, Sherman RE"),
        ("R50", "Spielman AJ"),
        ("R54", "NICE NG222"),
        ("S2", "NICE NG222"),
    ],
)
def test_the_primary_source_comes_first(ref_id: str, primary: str) -> None:
    assert lookup_reference(ref_id).full_text().startswith(f"{ref_id}: {primary}")


def test_us_regulations_are_marked_as_not_clinical_guidance() -> None:
    """42 CFR (US Medicare/Medicaid) and US state rules reach UK plans through the review-interval
    design note; each says what it is (clinician read 9, S9)."""
    us = [ref for ref in references().values() if "CFR" in ref.text or "Maine DHHS" in ref.text]
    assert {ref.id for ref in us} >= {"R44", "R45", "R46", "R47"}
    for ref in us:
        assert ref.text.startswith(("US payer context, not clinical guidance: ",
                                    "US state regulation, not clinical guidance: ")), ref.id


def test_a_plan_cites_the_same_words_for_r37_as_the_bibliography() -> None:
    """The instrument and review files spell R37 out; they say what a plan's reference list
    says (the bibliography's line without the secondary copy's address)."""
    entry = lookup_reference("R37").plan_text(()).removeprefix("R37: ")
    for name in ("instruments/phq9.yaml", "instruments/gad7.yaml", "review.yaml"):
        data = yaml.safe_load((ROOT / "src" / "planengine" / "data" / name).read_text("utf-8"))
        assert data["references"]["R37"] == entry, name
