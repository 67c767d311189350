"""The instrument data files, their schema, loading checks, overrides and the registry."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from planengine import schemas
from planengine._errors import (
    ConfigError,
    DocumentParseError,
    DocumentSchemaError,
    PluginError,
    UnknownNameError,
)
from planengine.instruments._build import instrument_from_mapping
from planengine.instruments._data_files import (
    load_builtin_instruments,
    load_instrument_file,
    read_instrument_yaml,
)
from planengine.instruments._instrument import Instrument
from planengine.instruments._registry import InstrumentRegistry
from planengine.instruments._scoring import score_response

BUILTIN_IDS = [
    "audit-c",
    "gad2",
    "gad7",
    "isi",
    "pc-ptsd-5",
    "pcl5",
    "phq2",
    "phq9",
    "pss10",
    "rses",
    "who5",
]
FIXTURES = Path(__file__).parent / "data" / "instruments"


def raw_files() -> Iterator[tuple[str, dict[str, Any]]]:
    folder = resources.files("planengine") / "data" / "instruments"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            yield entry.name, yaml.safe_load(entry.read_text(encoding="utf-8"))


RAW = dict(raw_files())


def raw(instrument_id: str) -> dict[str, Any]:
    return copy.deepcopy(RAW[f"{instrument_id}.yaml"])


def citations_in(node: Any) -> Iterator[str]:
    """Every citation id anywhere in a parsed data file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "citation" and value is not None:
                yield from [value] if isinstance(value, str) else value
            else:
                yield from citations_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from citations_in(value)


# --- the schema and the data files ---------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    schema = schemas.load("instrument")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://planengine.dev/schemas/instrument.schema.json"
    assert schema["title"]
    assert all("description" in spec or "$ref" in spec for spec in schema["properties"].values())


def test_the_builtin_set() -> None:
    assert sorted(load_builtin_instruments()) == BUILTIN_IDS
    assert sorted(RAW) == [f"{i}.yaml" for i in BUILTIN_IDS]


@pytest.mark.parametrize("name", sorted(RAW))
def test_every_file_validates_against_the_schema(name: str) -> None:
    validator = jsonschema.Draft202012Validator(schemas.load("instrument"))
    assert [e.message for e in validator.iter_errors(RAW[name])] == []


@pytest.mark.parametrize("name", sorted(RAW))
def test_every_citation_is_defined(name: str) -> None:
    data = RAW[name]
    used = set(citations_in(data))
    assert used, "a data file without citations"
    assert used <= set(data["references"]), sorted(used - set(data["references"]))


@pytest.mark.parametrize("name", sorted(RAW))
def test_every_number_has_a_status_mark(name: str) -> None:
    data = RAW[name]
    for section in ("bands", "cutoffs", "risk_items", "derived"):
        for entry in data.get(section) or []:
            assert entry["status"] in ("V", "L", "U") and entry["citation"]
    for key, entry in data["change"].items():
        if isinstance(entry, dict):
            assert entry["status"] in ("V", "L", "U"), key


@pytest.mark.parametrize("instrument_id", ["isi", "pss10"])
def test_restricted_instruments_ship_no_item_wording(instrument_id: str) -> None:
    inst = load_builtin_instruments()[instrument_id]
    assert inst.item_labels is None
    assert inst.licence.status == "restricted"
    assert RAW[f"{instrument_id}.yaml"].get("item_labels") is None


def test_no_item_text_is_shipped_and_labels_are_short() -> None:
    for inst in load_builtin_instruments().values():
        assert inst.licence.item_text_shipped is False
        for label in inst.item_labels or ():
            assert len(label) <= 60 and not label.endswith("?")


def test_only_loinc_codes_confirmed_in_a_cited_source_are_shipped() -> None:
    for inst in load_builtin_instruments().values():
        if inst.loinc is None:
            continue
        codes = [inst.loinc.panel, inst.loinc.total, *inst.loinc.item_codes.values()]
        for code in codes:
            if code is not None:
                assert code.status in ("V", "L") and code.citations, (inst.id, code.code)
                assert set(code.citations) <= set(inst.references), (inst.id, code.code)
    # seen only in public code (L): named in the note, not shipped as codes
    for instrument_id in ("phq2", "audit-c"):
        loinc = load_builtin_instruments()[instrument_id].loinc
        assert loinc is None or (loinc.panel is None and loinc.total is None)
    item9 = load_builtin_instruments()["phq9"].loinc.item_codes[9]
    # clinical.md §2.1 marks 44260-8 L; interop.md §3.1 confirms it in US Core and MII PRO.
    assert (item9.code, item9.status, item9.citations) == ("44260-8", "L", ("USCore-QR-PHQ9", "MII-PRO"))
    loinc = load_builtin_instruments()["gad7"].loinc
    assert loinc is not None and loinc.total is not None and loinc.panel is not None
    # 69737-5 is the GAD-7 PANEL, not the total (clinical.md §2.3).
    assert (loinc.panel.code, loinc.total.code) == ("69737-5", "70274-6")
    for instrument_id in ("gad2", "isi", "pss10", "rses", "pcl5", "who5"):
        assert load_builtin_instruments()[instrument_id].loinc is None


def test_directions_and_recall_windows() -> None:
    instruments = load_builtin_instruments()
    better = {i for i, inst in instruments.items() if inst.higher_is_better}
    assert better == {"who5", "rses"}
    assert instruments["who5"].is_improvement(2) and not instruments["who5"].is_improvement(-2)
    assert instruments["phq9"].is_improvement(-1) and not instruments["phq9"].is_improvement(0)
    assert {
        i: instruments[i].recall_window_days
        for i in ("phq9", "gad7", "isi", "who5", "pcl5", "pss10")
    } == {
        "phq9": 14,
        "gad7": 14,
        "isi": 14,
        "who5": 14,
        "pcl5": 30,
        "pss10": 30,
    }


def test_risk_items_are_phq9_item_9_and_pcl5_item_16() -> None:
    expected = {
        "phq9": [(9, "suicidal-ideation", 1, 2, True)],
        # R-SC19: PCL-5 item 16 >= 2 goes to clinician review; no higher rank, and a blank item
        # is asked for by the incomplete response rather than opening a flag
        "pcl5": [(16, "risky-behaviour", 2, None, False)],
    }
    for instrument_id, inst in load_builtin_instruments().items():
        found = [
            (r.item, r.kind, r.endorsed_at, r.high_at, r.flag_unanswered) for r in inst.risk_items
        ]
        assert found == expected.get(instrument_id, []), instrument_id


def test_finding_rules_match_the_brief() -> None:
    rules = {
        inst.id: [(r.id, r.when, r.area, r.kind) for r in inst.finding_rules]
        for inst in load_builtin_instruments().values()
    }
    assert rules["phq9"] == [("phq9.band", "band", "depression", "severity")]
    assert rules["phq2"] == [("phq2.screen", "cutoff", "depression", "screen-positive")]
    assert rules["gad2"] == [("gad2.screen", "cutoff", "anxiety", "screen-positive")]
    assert rules["isi"] == [("isi.band", "band", "sleep", "severity")]
    assert rules["who5"] == [
        ("who5.low-total", "cutoff", "wellbeing", "cutoff"),
        ("who5.low-item", "item", "wellbeing", "item"),
    ]
    assert rules["pcl5"] == [
        ("pcl5.provisional", "cutoff", "trauma", "cutoff"),
        ("pcl5.dsm-pattern", "pattern", "trauma", "cutoff"),
    ]
    pattern = load_builtin_instruments()["pcl5"].finding_rules[1]
    assert (pattern.item_comparator, pattern.item_value) == (">=", 2)
    # clinical.md §2.8: B 1-5, C 6-7, D 8-14, E 15-20; at least 1 B, 1 C, 2 D and 2 E endorsed
    assert [(c.items, c.min) for c in pattern.clusters] == [
        ((1, 2, 3, 4, 5), 1),
        ((6, 7), 1),
        ((8, 9, 10, 11, 12, 13, 14), 2),
        ((15, 16, 17, 18, 19, 20), 2),
    ]
    pss10 = load_builtin_instruments()["pss10"].finding_rules[0]
    rses = load_builtin_instruments()["rses"].finding_rules[0]
    assert pss10.when == rses.when == "threshold"
    assert pss10.value is None and rses.value is None  # off by default: no validated cut-offs


def test_to_dict_is_json_ready_and_round_trips() -> None:
    validator = jsonschema.Draft202012Validator(schemas.load("instrument"))
    for inst in load_builtin_instruments().values():
        data = json.loads(json.dumps(inst.to_dict()))
        assert data.pop("source") == "builtin"
        assert list(validator.iter_errors(data)) == []
        assert instrument_from_mapping(data).to_dict() == inst.to_dict()


def test_builtins_are_cached_but_the_dict_is_fresh() -> None:
    first, second = load_builtin_instruments(), load_builtin_instruments()
    assert first is not second
    assert first["phq9"] is second["phq9"]
    first.clear()
    assert "phq9" in load_builtin_instruments()


def test_instruments_are_immutable() -> None:
    inst = load_builtin_instruments()["phq9"]
    with pytest.raises(AttributeError):
        inst.items = 10  # type: ignore[misc]
    with pytest.raises(TypeError):
        inst.references["R1"] = "x"  # type: ignore[index]


# --- loading checks ------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def _drop_reference(data: dict[str, Any]) -> None:
    del data["references"]["R33"]


def _swap_bands(data: dict[str, Any]) -> None:
    data["bands"][1], data["bands"][2] = data["bands"][2], data["bands"][1]


# (case, instrument, mutation, expected path, message fragment)
INVALID: list[tuple[str, str, Mutation, str, str]] = [
    ("unknown-field", "phq9", _set(["colour"], "red"), "$", "colour"),
    ("bad-status", "phq9", _set(["bands", 0, "status"], "X"), "$.bands[0].status", "'X'"),
    ("u-loinc", "phq9", _set(["loinc", "total", "status"], "U"), "$.loinc", ""),
    ("band-gap", "phq9", _set(["bands", 1, "min"], 6), "$.bands[1].min", "contiguous"),
    ("band-short", "phq9", _set(["bands", 4, "max"], 26), "$.bands[4].max", "total max 27"),
    ("band-order", "phq9", _swap_bands, "$.bands[1].min", "contiguous"),
    ("total-range", "phq9", _set(["total", "max"], 28), "$.total", "0..27"),
    (
        "reverse-range",
        "pss10",
        _set(["reverse_keyed"], [4, 11]),
        "$.reverse_keyed[1]",
        "out of range",
    ),
    ("labels-count", "phq9", _set(["item_labels"], ["a"]), "$.item_labels", "needs 9 labels"),
    ("restricted-labels", "isi", _set(["item_labels"], ["a"] * 7), "$.item_labels", "restricted"),
    ("undefined-citation", "phq9", _drop_reference, "$.references", "'R33'"),
    (
        "risk-not-protected",
        "phq9",
        _set(["missing", "never_impute"], []),
        "$.missing.never_impute",
        "risk item 9",
    ),
    (
        "cutoff-unknown",
        "phq2",
        _set(["findings", 0, "cutoffs"], ["phq2.nope"]),
        "$.findings[0].cutoffs",
        "phq2.nope",
    ),
    ("cutoff-range", "phq2", _set(["cutoffs", 0, "value"], 7), "$.cutoffs[0].value", "0..6"),
    (
        "cutoff-prefix",
        "phq2",
        _set(["cutoffs", 0, "id"], "other.positive"),
        "$.cutoffs[0].id",
        "phq2.",
    ),
    (
        "u-not-configurable",
        "pc-ptsd-5",
        _set(["cutoffs", 0, "configurable"], False),
        "$.cutoffs[0].configurable",
        "U",
    ),
    (
        "template-field",
        "phq9",
        _set(["findings", 0, "summary"], "{name} {total}"),
        "$.findings[0].summary",
        "{total}",
    ),
    (
        "template-attr",
        "phq9",
        _set(["findings", 0, "summary"], "{name.__class__}"),
        "$.findings[0].summary",
        "not allowed",
    ),
    ("band-rule-no-bands", "pcl5", _set(["findings", 0, "when"], "band"), "$.findings[0]", ""),
    ("percent-scale", "who5", _set(["derived"], []), "$.change.scale", "percent"),
    (
        "pattern-item-range",
        "pcl5",
        _set(["findings", 1, "clusters", 0, "items"], [1, 21]),
        "$.findings[1].clusters[0].items",
        "item 21 is out of range 1..20",
    ),
    (
        "pattern-min",
        "pcl5",
        _set(["findings", 1, "clusters", 1, "min"], 3),
        "$.findings[1].clusters[1].min",
        "needs 3 of only 2 items",
    ),
    (
        "pattern-answer-range",
        "pcl5",
        _set(["findings", 1, "item_value"], 5),
        "$.findings[1].item_value",
        "within 0..4",
    ),
    (
        "pattern-needs-clusters",
        "pcl5",
        _set(["findings", 1, "clusters"], []),
        "$.findings[1].clusters",
        "",
    ),
    (
        "pattern-template",
        "pcl5",
        _set(["findings", 1, "summary"], "{name} {score}"),
        "$.findings[1].summary",
        "{score}",
    ),
]


@pytest.mark.parametrize(
    ("case", "instrument_id", "mutate", "path", "fragment"),
    INVALID,
    ids=[row[0] for row in INVALID],
)
def test_invalid_data_is_refused(
    case: str, instrument_id: str, mutate: Mutation, path: str, fragment: str
) -> None:
    data = raw(instrument_id)
    mutate(data)
    with pytest.raises(DocumentSchemaError) as info:
        instrument_from_mapping(data, file=f"{case}.yaml")
    error = info.value
    assert error.file == f"{case}.yaml"
    assert error.path is not None and error.path.startswith(path)
    assert fragment in str(error) and "\n" not in str(error)


def test_not_a_mapping() -> None:
    with pytest.raises(DocumentSchemaError, match="schema"):
        instrument_from_mapping(["phq9"], file="x.yaml")  # type: ignore[arg-type]


# --- overrides -----------------------------------------------------------------------------------


def test_override_a_configurable_cutoff() -> None:
    pcl5 = load_builtin_instruments()["pcl5"]
    strict = pcl5.with_overrides({"cutoffs": {"pcl5.provisional": 33}})
    cutoff = strict.cutoff("pcl5.provisional")
    assert cutoff.value == 33 and cutoff.status == "U"
    assert cutoff.note is not None and "31" in cutoff.note
    assert pcl5.cutoff("pcl5.provisional").value == 31  # the original is untouched
    answers = [4] * 8 + [0] * 12  # total 32
    assert score_response(pcl5, answers).findings
    assert score_response(strict, answers).findings == ()
    assert strict.to_dict()["overrides"] == {"cutoffs": {"pcl5.provisional": 33}}


def test_override_refuses_non_configurable_and_unknown() -> None:
    phq9 = load_builtin_instruments()["phq9"]
    with pytest.raises(ConfigError, match="not configurable"):
        phq9.with_overrides({"cutoffs": {"phq9.screen": 11}})
    with pytest.raises(UnknownNameError, match=r"phq9\.screen"):
        phq9.with_overrides({"cutoffs": {"phq9.nope": 11}})
    with pytest.raises(ConfigError, match="unknown override section"):
        phq9.with_overrides({"bands": {}})
    with pytest.raises(ConfigError, match="integer"):
        phq9.with_overrides({"cutoffs": {"phq9.nhs-caseness": True}})
    with pytest.raises(ConfigError, match="total range"):
        phq9.with_overrides({"cutoffs": {"phq9.nhs-caseness": 30}})
    with pytest.raises(ConfigError, match="not configurable"):
        phq9.with_overrides({"findings": {"phq9.band": 3}})


def test_override_change_thresholds() -> None:
    phq9 = load_builtin_instruments()["phq9"]
    changed = phq9.with_overrides({"change": {"mcid": 6, "rci_sd": 6.2, "rci_reliability": 0.8}})
    assert (changed.change.mcid, changed.change.rci_sd, changed.change.rci_reliability) == (
        6,
        6.2,
        0.8,
    )
    assert changed.change.status["mcid"] == "U" and not changed.change.rci_illustrative
    assert phq9.change.mcid == 5
    # The data's SD (5) is illustrative: setting only the reliability leaves the warning on.
    assert phq9.change.rci_illustrative
    assert phq9.with_overrides({"change": {"rci_reliability": 0.9}}).change.rci_illustrative
    for bad in (float("nan"), float("inf"), 10**400, 1e16):  # not a usable number (planengine._values)
        with pytest.raises(ConfigError, match="must be a number"):
            phq9.with_overrides({"change": {"mcid": bad}})
    pss10 = load_builtin_instruments()["pss10"]
    with pytest.raises(ConfigError, match="remission_comparator"):
        pss10.with_overrides({"change": {"remission_value": 10}})
    with pytest.raises(ConfigError, match="unknown key"):
        phq9.with_overrides({"change": {"speed": 1}})
    with pytest.raises(ConfigError, match="above 0"):
        phq9.with_overrides({"change": {"mcid": 0}})


def test_threshold_rules_are_off_until_configured() -> None:
    pss10 = load_builtin_instruments()["pss10"]
    answers = [4, 4, 4, 0, 0, 4, 0, 0, 4, 4]  # total 40
    assert score_response(pss10, answers).findings == ()
    on = pss10.with_overrides({"findings": {"pss10.threshold": 27}})
    (finding,) = score_response(on, answers).findings
    assert (finding.rule_id, finding.area, finding.kind) == ("pss10.threshold", "stress", "cutoff")
    assert ">= 27" in finding.summary
    rses = load_builtin_instruments()["rses"].with_overrides(
        {"findings": {"rses.threshold": {"value": 15, "comparator": "<"}}}
    )
    assert [f.area for f in score_response(rses, [0, 0, 3, 0, 3, 0, 0, 3, 3, 3]).findings] == [
        "self-esteem"
    ]
    assert score_response(rses, [0] * 10).findings == ()  # total 15 is not < 15
    assert score_response(rses, [3, 3, 0, 3, 0, 3, 3, 0, 0, 0]).findings == ()


# --- registry ------------------------------------------------------------------------------------


def toy() -> Instrument:
    data = yaml.safe_load((FIXTURES / "toy-scale.yaml").read_text(encoding="utf-8"))
    return instrument_from_mapping(data, source="toy-plugin", file="toy-scale.yaml")


def test_registry_basics() -> None:
    registry = InstrumentRegistry()
    assert registry.ids() == tuple(BUILTIN_IDS)
    assert list(registry) == BUILTIN_IDS and len(registry) == len(BUILTIN_IDS)
    assert "phq9" in registry and "nope" not in registry
    assert registry.get("phq9") is registry["phq9"] is load_builtin_instruments()["phq9"]
    with pytest.raises(UnknownNameError) as info:
        registry.get("phq-9")
    assert "phq-9" in str(info.value) and "phq9" in str(info.value) and "who5" in str(info.value)
    with pytest.raises(AttributeError):
        registry.extra = 1  # type: ignore[attr-defined]


def test_registry_with_a_plugin_instrument() -> None:
    registry = InstrumentRegistry().extended([toy()])
    inst = registry.get("toy-scale")
    assert inst.source == "toy-plugin"
    assert "toy-scale" not in InstrumentRegistry()
    score = score_response(inst, [5, 1, 5])  # item 2 reverse-keyed on 1..5: 5 + 5 + 5
    assert score.total == 15 and score.band is not None and score.band.label == "high"
    with pytest.raises(PluginError, match="already registered"):
        registry.extended([toy()])


def test_registry_overrides() -> None:
    registry = InstrumentRegistry().with_overrides(
        {"pc-ptsd-5": {"cutoffs": {"pc-ptsd-5.positive": 4}}}
    )
    assert registry.get("pc-ptsd-5").cutoff("pc-ptsd-5.positive").value == 4
    assert InstrumentRegistry().get("pc-ptsd-5").cutoff("pc-ptsd-5.positive").value == 3
    with pytest.raises(UnknownNameError):
        InstrumentRegistry().with_overrides({"nope": {}})


# --- reading files -------------------------------------------------------------------------------


def test_yaml_keeps_dates_as_strings() -> None:
    assert read_instrument_yaml("reviewed: 2024-05-01\nn: 3\n") == {
        "reviewed": "2024-05-01",
        "n": 3,
    }


def test_load_instrument_file(tmp_path: Path) -> None:
    inst = load_instrument_file(FIXTURES / "toy-scale.yaml", source="toy-plugin")
    assert inst.id == "toy-scale" and inst.source == "toy-plugin"
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DocumentParseError) as info:
        load_instrument_file(broken, source="x")
    assert info.value.file == str(broken) and "\n" not in str(info.value)
    with pytest.raises(DocumentParseError):
        load_instrument_file(tmp_path / "missing.yaml", source="x")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("planengine: 1\nkind: instrument\n", encoding="utf-8")
    with pytest.raises(DocumentSchemaError) as schema_info:
        load_instrument_file(wrong, source="x")
    assert schema_info.value.file == str(wrong)


@pytest.mark.parametrize("instrument_id", sorted(load_builtin_instruments()))
def test_what_the_instruments_command_writes_validates_and_reads_back(instrument_id: str) -> None:
    from planengine.instruments._build import instrument_from_mapping

    written = json.loads(json.dumps(load_builtin_instruments()[instrument_id].to_dict()))
    validator = jsonschema.Draft202012Validator(schemas.load("instrument"))
    assert not list(validator.iter_errors(written))
    assert instrument_from_mapping(written).to_dict() == load_builtin_instruments()[instrument_id].to_dict()
