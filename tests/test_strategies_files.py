"""Every built-in strategy file: schema-valid, manifest complete, citations defined, safe content."""

from __future__ import annotations

import pathlib

import jsonschema
import pytest
import yaml

from plan_helpers import validator
from planengine import DataStrategy, Engine

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
from planengine._errors import DocumentSchemaError
from planengine._vocabulary import load_vocabulary
from planengine.io._loader import load_document
from planengine.plan._assembly import CLINICIAN_ONLY_CATEGORIES
from planengine.strategies._conditions import FLAG_CONDITIONS
from planengine.strategies._strategy import strategy_from_mapping

ROOT = pathlib.Path(__file__).resolve().parent.parent
STRATEGY_FILES = sorted((ROOT / "plugins" / "planengine_builtins" / "strategies").glob("*.yaml"))
IDS = [path.stem for path in STRATEGY_FILES]


def _load(path: pathlib.Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_builtin_entry_point_names_a_strategy_file() -> None:
    """One registrar, one entry point per strategy file (so each can be blocked by name)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    points = project["entry-points"]["planengine"]
    assert sorted(points) == IDS
    assert all(value == f"planengine_builtins:{name}" for name, value in points.items())
    assert len(STRATEGY_FILES) >= 11


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=IDS)
def test_strategy_file_validates_against_the_schema(path: pathlib.Path) -> None:
    data = _load(path)
    error = jsonschema.exceptions.best_match(validator("strategy").iter_errors(data))
    assert error is None, f"{path}: {list(error.absolute_path)}: {error.message}"
    DataStrategy.from_file(path)  # schema and semantic checks of the loader


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=IDS)
def test_manifest_and_every_citation_is_defined(path: pathlib.Path) -> None:
    data = _load(path)
    for key in ("id", "name", "version", "status", "areas", "references"):
        assert data.get(key), f"{path}: manifest field {key!r} missing"
    assert data["status"] in ("draft", "testing", "production", "retired")
    references = data["references"]
    used = set()
    for item in data["interventions"]:
        assert item["citations"], f"{item['id']} has no citation"
        for cid in item["citations"]:
            assert cid in references, f"{path}: {item['id']} cites undefined {cid!r}"
            used.add(cid)
    for item in [*data["objectives"], *data["interventions"]]:
        for variant in [item, *item.get("variants", [])]:  # a variant may cite its own
            for cid in variant.get("citations", []):
                assert cid in references, f"{path}: {item['id']} cites undefined {cid!r}"
                used.add(cid)
    unused = set(references) - used
    assert not unused, f"{path}: references never cited: {sorted(unused)}"
    for area in data["areas"]:
        assert area in data["long_term_goals"], f"{path}: no long-term goal for {area}"


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=IDS)
def test_content_is_specific_and_safe(path: pathlib.Path) -> None:
    data = _load(path)
    conditions = set(load_vocabulary().conditions) | set(FLAG_CONDITIONS)
    for item in data["interventions"]:
        assert item["delivery"] in ("self-guided", "clinician-led", "clinician-supervised", "referral")
        assert not (
            item.get("category") in CLINICIAN_ONLY_CATEGORIES and item["delivery"] == "self-guided"
        ), f"{item['id']}: exposure, trauma narratives and EMDR are never self-guided"
        for rule in item.get("contraindications", []):
            if "condition" in rule:
                assert rule["condition"] in conditions, f"{item['id']}: unknown condition"
        if item["delivery"] in ("self-guided", "clinician-supervised"):
            # a dose the homework budget can sum (test_strategy_doses.py checks variants too)
            assert item.get("frequency") and item.get("duration_minutes"), item["id"]
    for objective in data["objectives"]:
        if "metric" in objective["measure"]:
            assert "{due_date}" in objective["statement"], f"{objective['id']}: no date in statement"


def test_trauma_strategy_offers_no_exposure_narrative_or_emdr_homework() -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "trauma.yaml")
    for item in data["interventions"]:
        if item["delivery"] == "self-guided":
            # stabilisation skills, or a count kept without the content (nights with nightmares)
            assert item["category"] in ("stabilisation", "monitoring"), item["id"]
            text = " ".join([item["title"], item["description"], *item.get("steps", [])]).lower()
            for word in ("exposure", "narrative", "emdr", "trauma account", "imaginal", "hierarchy"):
                assert word not in text, f"{item['id']} mentions {word!r}"


def test_the_builtin_registrar_package_is_built() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "planengine_builtins" in pyproject["tool"]["setuptools"]["packages"]
    data = pyproject["tool"]["setuptools"]["package-data"]["planengine_builtins"]
    assert data == ["strategies/*.yaml"]


def test_every_area_has_a_strategy_and_all_load_strictly() -> None:
    engine = Engine(strict=True)
    covered = {area for strategy in engine.strategies for area in strategy.areas}
    assert covered == set(load_vocabulary().areas)
    assert not [n for n in engine.load_notices if n.code.startswith("plugin.")]


def test_an_undefined_citation_is_refused() -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml")
    data["interventions"][0]["citations"] = ["R999"]
    with pytest.raises(DocumentSchemaError, match="R999"):
        strategy_from_mapping(data)


def test_a_link_to_an_unknown_objective_is_refused() -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml")
    data["interventions"][1]["objectives"] = ["no-such-objective"]
    with pytest.raises(DocumentSchemaError, match="no-such-objective"):
        strategy_from_mapping(data)


@pytest.mark.parametrize("required", ["no-such-step", "sleep-restriction"])
def test_a_requirement_must_be_another_step_of_the_file(required: str) -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml")
    step = next(s for s in data["interventions"] if s["id"] == "sleep-restriction")
    step["requires"] = [required]
    with pytest.raises(DocumentSchemaError, match="is not another step of this file"):
        strategy_from_mapping(data)


def test_a_variants_requirement_must_be_another_step_of_the_file() -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "alcohol.yaml")
    step = next(s for s in data["interventions"] if s["id"] == "brief-intervention")
    assert step["variants"][0]["requires"] == ["withdrawal-risk-assessment"]
    step["variants"][0]["requires"] = ["no-such-step"]
    with pytest.raises(DocumentSchemaError, match="is not another step of this file"):
        strategy_from_mapping(data)


@pytest.mark.parametrize(
    ("host", "message"),
    [("no-such-step", "is not another step of this file"),
     ("avoidance-problem-solving", "is not another step of this file")],  # itself
)
def test_a_host_of_sessions_must_be_another_step_or_a_known_area(host: str, message: str) -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "ba.yaml")
    step = next(s for s in data["interventions"] if s["id"] == "avoidance-problem-solving")
    assert step["in_sessions_of"] == ["ba-sessions"]
    step["in_sessions_of"] = [host]
    with pytest.raises(DocumentSchemaError, match=message):
        strategy_from_mapping(data)


def test_another_areas_sessions_must_name_a_known_area() -> None:
    from planengine._vocabulary import load_vocabulary
    from planengine.strategies._validation import unknown_vocabulary

    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "cbt.yaml")
    step = next(s for s in data["interventions"] if s["id"] == "restructuring-sessions")
    assert step["variants"][0]["in_sessions_of"] == ["area:depression"]
    vocabulary = load_vocabulary()
    areas, conditions = vocabulary.areas, vocabulary.conditions
    assert unknown_vocabulary(data, areas, conditions) is None
    step["variants"][0]["in_sessions_of"] = ["area:no-such-area"]
    found = unknown_vocabulary(data, areas, conditions)
    assert found is not None and "unknown area 'no-such-area'" in found[1]


def test_a_requirement_must_be_planned_wherever_the_step_is() -> None:
    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "cbt.yaml")
    requiring = next(s for s in data["interventions"] if s["id"] == "balanced-self-statements")
    assert requiring.get("area") is None and requiring["requires"] == ["thought-record"]
    required = next(s for s in data["interventions"] if s["id"] == "thought-record")
    required["area"] = "self-esteem"
    with pytest.raises(DocumentSchemaError, match="only for area 'self-esteem'"):
        strategy_from_mapping(data)


def _sleep_step(data: dict, step_id: str) -> dict:
    return next(step for step in data["interventions"] if step["id"] == step_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["contraindications"][0].update(condition="bipolar-disordr"),
         "unknown condition 'bipolar-disordr'"),
        (lambda s: s.update(when={"conditions_none": ["seizure"]}), "unknown condition 'seizure'"),
        (lambda s: s.update(when={"with_area": ["slep"]}), "'slep'"),
    ],
)
def test_a_misspelt_condition_or_area_is_refused(change, message: str) -> None:
    import types

    import planengine
    from planengine._vocabulary import load_vocabulary

    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml")
    change(_sleep_step(data, "sleep-restriction"))
    with pytest.raises(DocumentSchemaError, match=message) as info:
        strategy_from_mapping(data, file="sleep.yaml", vocabulary=load_vocabulary())
    assert info.value.path and info.value.path.startswith("$.interventions[")
    # without a vocabulary (a plugin's file may name areas it registers), the engine that
    # registers the strategy checks the ids against its own vocabulary, naming plugin and path
    data["id"] = "sleep-copy"
    strategy = strategy_from_mapping(data, file="sleep.yaml")
    plugin = types.SimpleNamespace(
        PLUGIN_NAME="copier",
        register_strategies=planengine.hookimpl(lambda register: register(strategy)),
    )
    with pytest.raises(planengine.PluginError, match=message) as failure:
        Engine(plugins=[plugin], autoload=False, strict=True)
    assert "copier" in str(failure.value) and "$.interventions[" in str(failure.value)


@pytest.mark.parametrize(
    ("when", "message"),
    [({"instrument": "isii", "band_at_least": 2}, "unknown instrument 'isii'"),
     ({"cutoffs_met_any": ["isi.nope"]}, "unknown cut-off 'isi.nope'")],
)
def test_an_unknown_instrument_in_a_strategy_is_named_when_an_engine_registers_it(
    when: dict, message: str
) -> None:
    import types

    import planengine

    data = _load(ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml")
    data["id"] = "sleep-copy"
    _sleep_step(data, "sleep-restriction")["when"] = when
    strategy = strategy_from_mapping(data, source="copy")
    plugin = types.SimpleNamespace(
        PLUGIN_NAME="copier",
        register_strategies=planengine.hookimpl(lambda register: register(strategy)),
    )
    engine = Engine(plugins=[plugin], autoload=False)
    failures = [n.message for n in engine.load_notices if n.code == "plugin.failed"]
    assert len(failures) == 1 and "copier" in failures[0] and message in failures[0]
    assert "sleep-copy" not in {s.id for s in engine.strategies}
    with pytest.raises(planengine.PluginError, match=message):
        Engine(plugins=[plugin], autoload=False, strict=True)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("citations: [R48, R50]", "citations: [R48, R999]", "citation 'R999' is not defined"),
        ("condition: parasomnia", "condition: parasomnai", "unknown condition 'parasomnai'"),
        ("{due_date}", "{due_day}", "unknown placeholder {due_day}"),
    ],
)
def test_validate_and_loading_refuse_what_the_engine_refuses_with_a_line(
    old: str, new: str, message: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planengine._errors import DocumentSchemaError
    from planengine.cli._main import main
    from planengine.strategies._strategy import DataStrategy

    text = (ROOT / "plugins" / "planengine_builtins" / "strategies" / "sleep.yaml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "strategy.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["validate", "--schema", "strategy", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:" in out and "E002" in out and message in out
    if "condition" in message:  # ids are checked against the registering engine's vocabulary
        from planengine._vocabulary import load_vocabulary

        document = load_document(str(bad))
        with pytest.raises(DocumentSchemaError, match=message) as info:
            strategy_from_mapping(
                document.data, file=str(bad), document=document, vocabulary=load_vocabulary()
            )
    else:
        with pytest.raises(DocumentSchemaError, match=message) as info:
            DataStrategy.from_file(bad)
    assert info.value.line is not None and f"{bad}:{info.value.line}:" in str(info.value)
