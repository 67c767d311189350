"""Library parity (issue 16): by default the library loads the plugins and the configuration the
command line loads, so ``Engine().plan``, ``check_goals``, ``validate_paths`` and
``review_goals`` give the plans, findings and reviews ``planengine plan``, ``validate`` and
``review`` give; ``autoload=False`` and an explicit ``config=`` opt out."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

import planengine
from planengine import _installed
from planengine.cli._main import main
from planengine.smart import _check

ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSESSMENTS = sorted(p for p in (ROOT / "examples").glob("*.yaml"))
GOAL_FILES = sorted(p for p in (ROOT / "examples" / "review").glob("*.yaml") if p.stem != "bad-input")
PLAN_AS_OF = dt.date(2026, 11, 25)
REVIEW_AS_OF = dt.date(2027, 1, 20)


def _cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return json.loads(out)


def _violations(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        (v["filename"], v["location"]["row"] if v["location"] else None, v["code"], v["message"])
        for v in items
    )


def _found(violations: Any) -> list[tuple[Any, ...]]:
    return sorted((v.location.file, v.location.line, v.code, v.message) for v in violations)


def _library_violations(paths: list[pathlib.Path], as_of: dt.date) -> list[tuple[Any, ...]]:
    found = []
    for path in paths:
        found.extend(planengine.check_goals(planengine.load_document(str(path)), as_of=as_of))
    return _found(found)


def _same_reviews(
    capsys: pytest.CaptureFixture[str], paths: list[pathlib.Path], as_of: dt.date
) -> None:
    for path in paths:  # one file a run: several files of one patient wait to be merged
        cli = _cli_json(capsys, "review", str(path), "--as-of", as_of.isoformat(), "--format", "json")
        library = planengine.review_goals(planengine.load_document(str(path)), as_of=as_of)
        assert cli["reviews"] == [json.loads(json.dumps(library.to_dict()))], path.name


@pytest.fixture
def fresh_defaults() -> Iterator[None]:
    """The library reads the installed plugins once a process: forget them around a test that
    installs one."""

    def clear() -> None:
        _installed.installed_plugins.cache_clear()
        _installed.installed_vocabulary.cache_clear()
        _installed.installed_full_vocabulary.cache_clear()
        _installed._BUILT.clear()
        _check.installed_rule_set.cache_clear()

    clear()
    yield
    clear()


def test_the_examples_plan_as_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    cli = _cli_json(capsys, "plan", *map(str, ASSESSMENTS), "--as-of", PLAN_AS_OF.isoformat())
    engine = planengine.Engine()
    library = [
        json.loads(engine.plan(planengine.load_assessment(str(p)), as_of=PLAN_AS_OF).to_json())
        for p in ASSESSMENTS
        if p.name != "missing-item9.json"
    ]
    assert len(cli) == len(library) >= 15
    assert cli == library


def test_the_examples_give_the_findings_of_validate(capsys: pytest.CaptureFixture[str]) -> None:
    cli = _cli_json(capsys, "validate", *map(str, GOAL_FILES), "--as-of", REVIEW_AS_OF.isoformat(),
                    "--format", "json")
    assert cli["violations"]
    assert _violations(cli["violations"]) == _library_violations(GOAL_FILES, REVIEW_AS_OF)
    report = planengine.validate_paths(GOAL_FILES, as_of=REVIEW_AS_OF)
    assert _found(report.violations) == _violations(cli["violations"])


def test_the_examples_review_as_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    _same_reviews(capsys, GOAL_FILES, REVIEW_AS_OF)


PLUGIN = '''
"""A clinic's plugin: an area, a SMART rule and a review suggestion."""
import planengine

__version__ = "1.0.0"


@planengine.hookimpl
def register_vocabulary(register):
    register(planengine.Area(
        id="anger", title="Anger", summary="Anger that harms relationships or work.",
        keywords=("angry", "temper"), instruments=(), safety="routine",
    ))


@planengine.hookimpl
def register_smart_rules(register):
    def check(context):
        if "week" not in context.goal.get("statement", ""):
            yield planengine.Hit(path=("statement",))

    register({"code": "CLN101", "name": "clinic-weekly", "letter": "T", "severity": "warning",
              "message": "the statement names no week", "fix": "Name the week.",
              "check": check})


@planengine.hookimpl
def review_suggestions(goal_review, context):
    return [{"rule": "clinic.check-in", "action": "discuss",
             "reason": "The clinic asks how each week went.", "goal_id": goal_review.goal_id}]
'''

CONFIG = """\
max-review-interval-days = 60
ignore = ["T503"]

[review]
tolerance = 0.25
"""


def _install(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """Install the plugin above as an entry point (a module and its dist-info on sys.path), and
    a clinic folder with a configuration file; return the folder."""
    import importlib

    site = tmp_path / "site"
    (site / "clinic_plugin").mkdir(parents=True)
    (site / "clinic_plugin" / "__init__.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = site / "clinic_plugin-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: clinic-plugin\nVersion: 1.0.0\n")
    (info / "entry_points.txt").write_text("[planengine]\nclinic = clinic_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "planengine.toml").write_text(CONFIG, encoding="utf-8")
    for path in GOAL_FILES:
        (clinic / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(clinic)
    assessment = clinic / "anger.yaml"
    assessment.write_text(
        "planengine: 1\npatient: {id: p-200}\ncontext:\n  concerns: [anger, sleep]\n"
        "  patient_goals: ['Keep my temper at work']\n",
        encoding="utf-8",
    )
    return clinic


def test_an_installed_plugin_and_a_config_file_count_in_the_library_as_on_the_command_line(
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_defaults: None,
) -> None:
    clinic = _install(tmp_path, monkeypatch)
    goal_files = sorted(p for p in clinic.glob("*.yaml") if p.name != "anger.yaml")

    cli = _cli_json(capsys, "validate", *map(str, goal_files), "--as-of",
                    REVIEW_AS_OF.isoformat(), "--format", "json")
    codes = {v["code"] for v in cli["violations"]}
    assert "CLN101" in codes and "T503" not in codes  # the plugin's rule; the file's ignore
    assert _violations(cli["violations"]) == _library_violations(goal_files, REVIEW_AS_OF)
    # opting out: no installed plugin, no configuration file
    alone = planengine.check_goals(
        planengine.load_document(str(clinic / "behind.yaml")),
        as_of=REVIEW_AS_OF,
        autoload=False,
        config=planengine.SmartConfig(),
    )
    assert "CLN101" not in {v.code for v in alone} and "T503" in {v.code for v in alone}

    _same_reviews(capsys, goal_files, REVIEW_AS_OF)
    review = planengine.review_goals(planengine.load_document(str(goal_files[0])), as_of=REVIEW_AS_OF)
    assert review.config.trajectory_tolerance == 0.25
    assert any(s.rule == "clinic.check-in" for g in review.goals for s in g.suggestions)
    bare = planengine.review_goals(
        planengine.load_document(str(goal_files[0])), as_of=REVIEW_AS_OF, autoload=False
    )
    assert not any(s.rule == "clinic.check-in" for g in bare.goals for s in g.suggestions)
    assert bare.config == planengine.ReviewConfig()

    assessment = clinic / "anger.yaml"
    cli_plan = _cli_json(capsys, "plan", str(assessment), "--as-of", PLAN_AS_OF.isoformat())
    engine = planengine.Engine()
    assert engine.config.max_review_interval_days == 60
    # an assessment naming a plugin's area is read as the CLI reads it (the installed plugins')
    plan = engine.plan(planengine.load_assessment(str(assessment)), as_of=PLAN_AS_OF)
    with pytest.raises(planengine.InputError, match="unknown id 'anger'"):
        planengine.load_assessment(str(assessment), autoload=False)
    assert "anger" in {p.area for p in plan.problems}
    assert cli_plan == json.loads(plan.to_json())
    assert planengine.Engine(config=planengine.EngineConfig()).config.max_review_interval_days != 60


def test_an_assessment_built_from_a_mapping_plans_as_its_file() -> None:
    """``Assessment.from_mapping`` (documented in its docstring and the README) checks what
    ``load_assessment`` checks and gives the same plan, input hash included."""
    import yaml

    engine = planengine.Engine()
    for path in ASSESSMENTS:
        if path.suffix != ".yaml":
            continue
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        mapping = json.loads(json.dumps(mapping, default=str))  # dates as the files' strings
        built = planengine.Assessment.from_mapping(mapping)
        loaded = planengine.load_assessment(str(path))
        assert engine.plan(built, as_of=PLAN_AS_OF).to_json() == engine.plan(
            loaded, as_of=PLAN_AS_OF
        ).to_json(), path.name
    with pytest.raises(planengine.InputError, match=r"\$\.responses\[0\]\.answers"):
        planengine.Assessment.from_mapping(
            {"planengine": 1, "responses": [{"instrument": "phq9", "date": "2026-11-20",
                                             "answers": "two"}]}
        )


def test_the_library_reads_a_changed_configuration_file_again(tmp_path: pathlib.Path) -> None:
    """The defaults are remembered between calls (a TOML parse costs milliseconds), but an
    edited, added or removed configuration file is read again."""
    goals = tmp_path / "behind.yaml"
    goals.write_text((ROOT / "examples/review/behind.yaml").read_text(encoding="utf-8"))

    def codes() -> set[str]:
        document = planengine.load_document(str(goals))
        return {v.code for v in planengine.check_goals(document, as_of=REVIEW_AS_OF)}

    assert "T503" in codes()
    config = tmp_path / "planengine.toml"
    config.write_text('ignore = ["T503"]\n', encoding="utf-8")
    assert "T503" not in codes()
    config.write_text('ignore = ["T5"]\nselect = ["ALL"]\n', encoding="utf-8")
    assert "T503" not in codes() and "T501" not in codes()
    config.unlink()
    assert "T503" in codes()
