"""``planengine validate`` and ``planengine rules`` end to end (in-process, through ``_cli.main``)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from planengine.cli._main import main

EXAMPLES = Path(__file__).parent / "example-files" / "smart"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "valid", tmp_path / "goals")
    return tmp_path


def _use_plugin_rule(monkeypatch: pytest.MonkeyPatch, name: str, rule: object) -> None:
    """Make ``validate`` load one plugin, ``name``, that registers ``rule``."""
    import types

    import planengine
    from planengine._plugins import load_plugins
    from planengine.cli import _validate as _cmd_validate

    plugin = types.SimpleNamespace(
        PLUGIN_NAME=name,
        register_smart_rules=planengine.hookimpl(lambda register: register(rule)),
    )
    manager = load_plugins(plugins=[plugin], autoload=False).manager
    monkeypatch.setattr(_cmd_validate, "_plugin_manager", lambda args: manager)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_tree_exits_0(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(tree), "--as-of", "2026-12-15")
    assert code == 0, out
    count = sum(1 for p in tree.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})
    assert f"All checks passed ({count} file(s))" in out


def test_bad_inputs_do_not_stop_the_run(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    goals = tree / "goals"
    (goals / "empty.yaml").write_text("")
    (goals / "binary.json").write_bytes(b"\x00\x01\x02")
    (goals / "latin1.yaml").write_bytes(b"a: caf\xe9\n")
    (goals / "syntax.yaml").write_text("planengine: 1\ngoals: [\n")
    (goals / "dup.yaml").write_text("planengine: 1\nplanengine: 1\ngoals: []\n")
    (goals / "tag.yaml").write_text("planengine: !!python/object/apply:os.system [echo pwned]\n")
    (goals / "list.yaml").write_text("- a\n")
    (goals / "big.yaml").write_text("planengine: 1\ngoals: []\n# " + "x" * 5000 + "\n")
    (goals / "v9.yaml").write_text("planengine: 9\ngoals: []\n")
    (goals / "notes.txt").write_text("not walked")
    walkable = sum(1 for p in tree.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})
    code, out, err = _run(
        capsys,
        "validate",
        str(tree),
        "--as-of",
        "2026-12-15",
        "--max-file-bytes",
        "4000",
        "--format",
        "json",
    )
    assert code == 1 and err == ""
    report = json.loads(out)
    assert report["files_checked"] == walkable
    by_file = {Path(v["filename"]).name: v for v in report["violations"]}
    assert set(by_file) == {
        "empty.yaml",
        "binary.json",
        "latin1.yaml",
        "syntax.yaml",
        "dup.yaml",
        "tag.yaml",
        "list.yaml",
        "big.yaml",
        "v9.yaml",
    }
    assert by_file["v9.yaml"]["code"] == "E003"
    assert all(v["code"] == "E001" for name, v in by_file.items() if name != "v9.yaml")
    assert by_file["syntax.yaml"]["location"]["row"] == 3
    assert by_file["dup.yaml"]["location"]["row"] == 2
    assert "unsupported YAML tag" in by_file["tag.yaml"]["message"]


def test_invalid_examples_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "validate", str(EXAMPLES / "invalid" / "T506.yaml"), "--as-of", "2026-12-15"
    )
    assert code == 1
    assert out.splitlines()[0].endswith(
        "T506.yaml:23:25: T506 [T] review every 120 days is longer than the maximum of 90 days "
        "($.goals[0].review_interval_days)"
    )


def test_as_of_is_printed_and_defaults_to_today(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime

    _, out, _ = _run(capsys, "validate", str(tree), "--format", "json")
    assert json.loads(out)["as_of"] == datetime.date.today().isoformat()
    code, out, _ = _run(capsys, "validate", str(tree), "--format", "json", "--as-of", "2030-01-01")
    assert json.loads(out)["as_of"] == "2030-01-01"
    assert code == 1  # every due date has passed by then, and the pending baseline's date too
    assert {v["code"] for v in json.loads(out)["violations"]} == {"T503", "M203"}


def test_select_ignore_and_statistics(capsys: pytest.CaptureFixture[str]) -> None:
    invalid = str(EXAMPLES / "invalid")
    _, out, _ = _run(
        capsys,
        "validate",
        invalid,
        "--as-of",
        "2026-12-15",
        "--select",
        "T",
        "--ignore",
        "T503,no-review-interval",
        "--statistics",
    )
    codes = {line.split()[1] for line in out.splitlines() if ": T" in line}
    assert codes == {"T501", "T502", "T504", "T506", "T507"}
    assert any(line.split()[1:2] == ["T504"] for line in out.splitlines() if line.startswith(" "))


def test_config_file(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "pyproject.toml").write_text(
        '[tool.planengine]\nmax-review-interval-days = 20\n[tool.planengine.severity]\nT506 = "info"\n'
    )
    code, out, _ = _run(capsys, "validate", str(tree / "goals"), "--as-of", "2026-12-15")
    assert code == 0  # info does not fail the run
    assert "T506 [T] review every 30 days is longer than the maximum of 20 days" in out
    (tree / "planengine.toml").write_text('ignore = ["T506"]\nselect = "oops"\n')
    code, _, err = _run(capsys, "validate", str(tree / "goals"), "--as-of", "2026-12-15")
    assert code == 2 and "unknown rule selector 'oops'" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "tomorrow"], "not a date"),
        (["--select", "Q9"], "unknown rule selector"),
        (["--jobs", "0"], "--jobs"),
        (["--jobs", "many"], "--jobs"),
    ],
)
def test_usage_errors_exit_2(
    tree: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = _run(capsys, "validate", str(tree), *argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_other_schema_kinds(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planengine import schemas

    if "instrument" in schemas.names():
        code, out, _ = _run(capsys, "validate", "--schema", "instrument", str(tree))
        assert code == 1 and "E002" in out
    try:  # argparse: not a known kind
        code = main(["validate", "--schema", "nope", str(tree)])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    assert code == 2


def test_missing_schema_exits_2(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planengine.io import _schema_check

    monkeypatch.setattr(_schema_check, "_load_schema", _raise_missing)
    code, _, err = _run(capsys, "validate", "--schema", "plan", str(tree))
    assert code == 2 and "not bundled" in err


def _raise_missing(name: str) -> dict:
    from planengine._errors import ConfigError

    raise ConfigError(f"schema {name!r} is not bundled with this planengine")


def test_jobs_gives_the_same_report(capsys: pytest.CaptureFixture[str]) -> None:
    invalid = str(EXAMPLES / "invalid")
    _, one, _ = _run(capsys, "validate", invalid, "--as-of", "2026-12-15", "--format", "json")
    _, two, _ = _run(
        capsys, "validate", invalid, "--as-of", "2026-12-15", "--format", "json", "--jobs", "2"
    )
    assert json.loads(one) == json.loads(two)
    _, auto, _ = _run(
        capsys, "validate", invalid, "--as-of", "2026-12-15", "--format", "json", "--jobs", "auto"
    )
    assert auto == one


def test_auto_jobs_and_library_jobs(tmp_path: Path) -> None:
    import datetime

    from planengine._errors import ConfigError
    from planengine.smart._validate import FILES_PER_AUTO_JOB, auto_jobs, validate_paths

    assert auto_jobs(0) == 1
    assert auto_jobs(2 * FILES_PER_AUTO_JOB - 1) == 1  # idle or busy, too few files
    assert 1 <= auto_jobs(10**6) <= (os.cpu_count() or 1)
    invalid = EXAMPLES / "invalid"
    day = datetime.date(2026, 12, 15)
    one = validate_paths([invalid], as_of=day)
    assert validate_paths([invalid], as_of=day, jobs="auto") == one
    with pytest.raises(ConfigError):
        validate_paths([invalid], as_of=day, jobs=0)


@pytest.mark.parametrize(
    ("cpus", "load", "files", "workers"),
    [
        (2, 0.1, 999, 1),  # too few files to pay for a pool
        (2, 0.1, 1000, 2),
        (2, 0.1, 10**6, 2),  # never more than the CPUs
        (2, 0.6, 5000, 1),  # the other core is mostly busy: a pool pays only for many files
        (2, 7.0, 7999, 1),
        (2, 7.0, 8000, 2),
        (8, 3.2, 10**6, 5),  # as many as are idle
        (8, 9.0, 20000, 5),
    ],
)
def test_auto_jobs_follows_files_and_idle_cpus(
    monkeypatch: pytest.MonkeyPatch, cpus: int, load: float, files: int, workers: int
) -> None:
    from planengine.smart import _validate

    monkeypatch.setattr(_validate, "_usable_cpus", lambda: cpus)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert _validate.auto_jobs(files) == workers


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules")
    assert code == 0 and "M203   [M] warning no-baseline" in out
    code, out, _ = _run(capsys, "rules", "T506")
    assert code == 0 and "42 CFR 456.180" in out and "What it does" in out
    code, out, _ = _run(capsys, "rules", "no-baseline", "--format", "json")
    assert json.loads(out)["code"] == "M203"
    code, _, err = _run(capsys, "rules", "Z1")
    assert code == 2 and "no rule 'Z1'" in err


def test_validate_import_path_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import planengine.cli._main as c; c.build_parser(); "
        "heavy = [m for m in ('jsonschema', 'yaml', 'attrs', 'jsonschema_rs') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize("command", ["validate", "review", "plan"])
@pytest.mark.parametrize("given", ["20261125", "2026-W48-3", "25/11/2026"])
def test_every_command_takes_as_of_only_as_yyyy_mm_dd(capsys, command: str, given: str) -> None:
    assert main([command, "--as-of", given, "x.yaml"]) == 2
    err = capsys.readouterr().err
    assert "not a date (YYYY-MM-DD)" in err and err.count("\n") == 1


def test_a_folder_without_goal_files_is_an_error_not_a_pass(capsys, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("not a goal file")
    assert main(["validate", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no .yaml, .yml or .json files" in captured.err


def test_an_unknown_code_in_the_severity_table_is_an_error(capsys, tmp_path) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text('[severity]\nZZZ999 = "error"\n')
    assert main(["validate", "--config", str(config), str(tmp_path)]) == 2
    assert "unknown rule selector 'ZZZ999'" in capsys.readouterr().err


# -- instruments as planning sees them: configured thresholds and plugin instruments ------------

_ISI_GOAL = """\
planengine: 1
goals:
  - id: insomnia
    area: sleep
    statement: Bring my ISI score below 8 by 2027-01-05, measured with the ISI every 2 weeks.
    patient_words: I lie awake for hours
    addresses: [isi]
    measure:
      instrument: INSTRUMENT
      method: ISI every 2 weeks
      baseline: {value: 20, date: 2026-12-01}
      target: {value: 8, comparator: "<"}
    start_date: 2026-12-01
    due_date: 2027-01-05
    review_interval_days: 14
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_configured_change_thresholds_reach_the_smart_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"), encoding="utf-8")
    argv = ["validate", str(tmp_path), "--as-of", "2026-12-01", "--no-plugins", "-j", jobs]
    code, out, _ = _run(capsys, *argv)
    assert code == 1 and out.count("A303") == 2 and "one reliable change of 6" in out
    config = tmp_path / "planengine.toml"
    config.write_text("[plan.instrument-overrides.isi]\nchange = {mcid = 12}\n", encoding="utf-8")
    code, out, _ = _run(capsys, *argv, "--config", str(config))
    assert code == 0 and "A303" not in out, out


def test_a_bad_instrument_override_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "g.yaml").write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"), encoding="utf-8")
    config = tmp_path / "planengine.toml"
    config.write_text("[plan.instrument-overrides.isi]\nchange = {mcidd = 12}\n", encoding="utf-8")
    code, _, err = _run(capsys, "validate", str(tmp_path / "g.yaml"), "--config", str(config))
    assert code == 2
    assert err.startswith(f"planengine: error: {config}: plan.instrument-overrides.isi.change: ")
    assert err.count("\n") == 1


def test_instruments_registered_by_a_plugin_are_known_to_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from plan_helpers import instrument_copy_plugin
    from planengine._plugins import load_plugins
    from planengine.cli import _validate as _cmd_validate

    plugin = instrument_copy_plugin("isi", "isi-local")
    goal = tmp_path / "g.yaml"
    goal.write_text(_ISI_GOAL.replace("INSTRUMENT", "isi-local"), encoding="utf-8")
    code, out, _ = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01", "--no-plugins")
    assert code == 1 and "unknown instrument 'isi-local'" in out
    manager = load_plugins(plugins=[plugin], autoload=False).manager
    monkeypatch.setattr(_cmd_validate, "_plugin_manager", lambda args: manager)
    code, out, _ = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01")
    assert "unknown instrument" not in out
    assert "A303" in out and "one reliable change of 6" in out  # the plugin's own thresholds


def test_e001_cannot_be_downgraded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.yaml").write_text("goals: [\n")
    (tmp_path / "planengine.toml").write_text('[severity]\nE001 = "info"\n')
    code, _, err = _run(capsys, "validate", str(tmp_path / "broken.yaml"), "--config", str(tmp_path / "planengine.toml"))
    assert code == 2 and "E001 (a file that cannot be read) is always an error" in err


def test_a_pyproject_with_an_inline_planengine_table_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goal = tmp_path / "g.yaml"
    goal.write_text(_ISI_GOAL.replace("INSTRUMENT", "isi").replace("review_interval_days: 14", "review_interval_days: 60"))
    (tmp_path / "pyproject.toml").write_text("[tool]\nplanengine = { max-review-interval-days = 30 }\n")
    code, out, _ = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01", "--no-plugins")
    assert code == 1 and "T506" in out


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"))
    locked = tmp_path / "locked"
    locked.mkdir()
    real_walk, real_listdir = os.walk, os.listdir

    def walk(top, onerror=None, **kwargs):  # type: ignore[no-untyped-def]
        for folder, dirs, files in real_walk(top, **kwargs):
            if folder == str(locked):
                onerror(PermissionError(13, "Permission denied", folder))
                continue
            yield folder, dirs, files

    def listdir(path):  # type: ignore[no-untyped-def]
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "walk", walk)
    monkeypatch.setattr(os, "listdir", listdir)
    code, out, _ = _run(capsys, "validate", str(tmp_path), "--as-of", "2026-12-01", "--no-plugins")
    assert code == 1 and f"{locked}: E001 [E] cannot read: cannot list this folder: Permission denied" in out


def test_an_id_with_a_trailing_newline_breaks_the_id_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goal = tmp_path / "g.json"
    goal.write_text(json.dumps({"planengine": 1, "goals": [{"id": "g1\n", "area": "sleep", "statement": "s"}]}))
    code, out, _ = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01", "--no-plugins")
    assert code == 1 and "E002" in out and "does not match '^[a-z0-9][a-z0-9_.-]*$'" in out


def test_plans_agree_with_the_linter_under_a_short_maximum_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text("max-review-interval-days = 5\n")
    examples = Path(__file__).resolve().parent.parent / "examples"
    code = main(["plan", str(examples / "screens-and-wellbeing.yaml"), "--as-of", "2026-11-25",
                 "--format", "goals", "--config", str(config), "-o", str(tmp_path)])
    assert code == 0
    capsys.readouterr()
    written = next(tmp_path.glob("*.goals.yaml"))
    code, out, _ = _run(capsys, "validate", str(written), "--as-of", "2026-11-25", "--config", str(config))
    assert "T506" not in out and "error(s)" in out and " 0 error(s)" in out, out


@pytest.mark.parametrize(("key", "value"), [("horizon-weeks", 60), ("screen-followup-days", 400)])
def test_plan_settings_that_make_objectives_span_over_a_year_are_refused(
    key: str, value: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text(f"[plan]\n{key} = {value}\n")
    examples = Path(__file__).resolve().parent.parent / "examples"
    code = main(["plan", str(examples / "screens-and-wellbeing.yaml"), "--as-of", "2026-11-25", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and f"plan.{key} ({value}) is above" in err and "T504" in err


def test_a_plugin_that_fails_to_load_is_a_warning_and_the_other_checks_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import planengine._plugins as plugins
    from planengine._errors import PluginError
    from planengine._model import Notice

    real = plugins.load_plugins

    def broken_one(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("strict"):
            raise PluginError("failed to load: ImportError: no module named 'x'", plugin="broken")
        loaded = real(**kwargs)
        notice = Notice("plugin.load-failed", "plugin 'broken' failed to load", "plugin:broken")
        return type(loaded)(loaded.manager, loaded.infos, (*loaded.notices, notice))

    monkeypatch.setattr(plugins, "load_plugins", broken_one)
    goal = tmp_path / "g.yaml"
    goal.write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"))
    code, out, err = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01")
    assert code == 1 and "A303" in out
    assert "planengine: warning: plugin 'broken' failed to load (its rules are not checked)" in err
    code, _, err = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01", "--strict-plugins")
    assert code == 2 and "broken" in err
    monkeypatch.setenv("PLANENGINE_DISABLE_PLUGIN_AUTOLOAD", "1")
    code, _, err = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01", "--strict-plugins")
    assert code == 1 and not err


def test_a_plugin_rule_that_yields_something_else_is_e009_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planengine.smart import SmartRule

    def check(ctx):  # type: ignore[no-untyped-def]
        yield "not a hit"

    rule = SmartRule("GB101", "garbage", "S", "warning", "garbage", "fix", "src", check=check)
    _use_plugin_rule(monkeypatch, "garbage", rule)
    goal = tmp_path / "g.yaml"
    goal.write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"))
    code, out, _ = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01")
    assert code == 1 and "E009" in out and "rule GB101 (plugin garbage) yielded str 'not a hit', not a Hit" in out


def test_a_plugin_whose_instruments_fail_to_register_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    import planengine
    from planengine._plugins import load_plugins
    from planengine.cli import _validate as _cmd_validate

    def register_instruments(register):  # type: ignore[no-untyped-def]
        raise RuntimeError("no instruments today")

    plugin = types.SimpleNamespace(
        PLUGIN_NAME="badinst", register_instruments=planengine.hookimpl(register_instruments)
    )
    manager = load_plugins(plugins=[plugin], autoload=False).manager
    monkeypatch.setattr(_cmd_validate, "_plugin_manager", lambda args: manager)
    goal = tmp_path / "g.yaml"
    goal.write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"))
    code, out, err = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01")
    assert code == 1 and "A303" in out and "warning" in err and "badinst" in err
    code, _, err = _run(capsys, "validate", str(goal), "--as-of", "2026-12-01", "--strict-plugins")
    assert code == 2 and "badinst" in err


def test_validate_checks_the_planning_settings_as_plan_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goal = tmp_path / "g.yaml"
    goal.write_text(_ISI_GOAL.replace("INSTRUMENT", "isi"))
    config = tmp_path / "planengine.toml"
    config.write_text("[plan]\nhorizon-weeks = 60\n")
    code, _, err = _run(capsys, "validate", str(goal), "--config", str(config), "--no-plugins")
    assert code == 2 and "plan.horizon-weeks (60) is above 52" in err


@pytest.mark.parametrize("how", ["--select", "config"])
def test_selecting_smart_letters_keeps_the_schema_and_version_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    goal = (EXAMPLES / "valid" / "base.yaml").read_text()
    assert "review_interval_days: 30" in goal
    typed = goal.replace("review_interval_days: 30", 'review_interval_days: "900"')
    (tmp_path / "typed.yaml").write_text(typed)
    (tmp_path / "v2.yaml").write_text("planengine: 2\ngoals: [{id: v, statement: x}]\n")
    argv = ["validate", str(tmp_path), "--as-of", "2026-12-15", "--format", "json"]
    if how == "config":  # the example of _smart/_config.py, found from the path
        (tmp_path / "pyproject.toml").write_text(
            '[tool.planengine]\nselect = ["S", "M", "A", "R", "T"]\n'
        )
    else:
        argv += ["--select", "M"]

    def found(*more: str) -> set[tuple[str, str]]:
        code, out, _ = _run(capsys, *argv, *more)
        report = json.loads(out)["violations"]
        assert code == (1 if report else 0)
        return {(Path(v["filename"]).name, v["code"]) for v in report}

    assert {("typed.yaml", "E002"), ("v2.yaml", "E003")} <= found()
    assert not {code for _, code in found("--ignore", "E002,unsupported-version")} & {
        "E002",
        "E003",
    }


@pytest.mark.parametrize(
    ("selector", "reported"),
    [("SL", None), ("S", False), ("SLP", True), ("SLP1", True), ("ALL", True)],
)
def test_selectors_match_a_plugin_prefix_by_its_letters(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    selector: str,
    reported: bool | None,
) -> None:
    """``reported`` None: the selector names no rule (usage error, exit 2)."""
    from planengine.smart import Hit, SmartRule

    def check(ctx):  # type: ignore[no-untyped-def]
        yield Hit(("statement",), "plugin says hi")

    rule = SmartRule("SLP101", "sleep-plugin-check", "M", "error", "m", "fix", "src", check=check)
    _use_plugin_rule(monkeypatch, "sleepplug", rule)
    goal = str(EXAMPLES / "valid" / "base.yaml")
    code, out, err = _run(capsys, "validate", goal, "--as-of", "2026-12-15", "--select", selector)
    if reported is None:
        assert code == 2 and f"unknown rule selector {selector!r}" in err
        return
    assert ("SLP101" in out) is reported and code == (1 if reported else 0), out + err
    code, out, _ = _run(capsys, "validate", goal, "--as-of", "2026-12-15", "--ignore", selector)
    assert ("SLP101" in out) is not reported


def test_validating_a_goal_file_compiles_no_risk_pattern_it_does_not_use() -> None:
    """The risk phrases and the no-risk-claim wording are compiled when first searched for:
    ``validate`` of a goal file with no free text to screen compiles none of them, and does not
    import the planning engine."""
    import subprocess
    import sys

    goal = Path(__file__).resolve().parent.parent / "examples" / "review" / "on-track.yaml"
    code = (
        "import sys, contextlib, io; from planengine.cli._main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['validate', {str(goal)!r}, '--as-of', '2027-01-20'])\n"
        "from planengine._vocabulary import load_vocabulary\n"
        "wording = sys.modules.get('planengine.plan._risk_wording')\n"
        "print(len(load_vocabulary().risk_language._compiled),"
        " wording is not None and wording._load_claims.cache_info().currsize,"
        " 'planengine.plan._engine' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() in (["0", "0", "False"], ["0", "False", "False"]), out.stdout
