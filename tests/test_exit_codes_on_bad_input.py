"""Bad input and misbehaving plugins give a clear error and exit 2 (or a warning), never exit 3:
3 means a bug in planengine. One test per case the reliability issue found."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import types
from pathlib import Path

import pytest

import planengine
from planengine._plugins import load_plugins
from planengine.cli import _validate
from planengine.cli._main import main

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "moderate-phq9-gad7-isi.yaml"
GOALS = ROOT / "examples" / "review" / "on-track.yaml"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_symlink_loop_as_the_first_path_is_reported_and_the_other_files_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.symlink(tmp_path / "loop-b", tmp_path / "loop-a")
    os.symlink(tmp_path / "loop-a", tmp_path / "loop-b")
    goals = tmp_path / "goals.yaml"
    shutil.copy(GOALS, goals)
    code, out, err = _run(capsys, "validate", str(tmp_path / "loop-a"), str(goals),
                          "--as-of", "2026-12-15")
    assert code in (1, 2), err
    assert "internal error" not in err
    assert "loop-a" in out + err and "symbolic links" in out + err
    assert "Found 1 finding(s) in 2 file(s)" in out  # the goal file was checked too


@pytest.mark.parametrize("command", ["plan", "validate", "review"])
@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("pyproject.toml", b'tool = "planengine"\n', "[tool] must be a table, not str"),
        ("pyproject.toml", b'tool = ["planengine"]\n', "[tool] must be a table, not list"),
        ("pyproject.toml", b"[tool.planengine]\nselect = [\"\xff\"]\n", "not UTF-8 text (byte 0xff"),
        ("planengine.toml", b"select = [\"\xff\"]\n", "not UTF-8 text (byte 0xff"),
    ],
)
def test_a_broken_config_file_is_an_input_error_in_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, file: str, content: bytes,
    message: str,
) -> None:
    (tmp_path / file).write_bytes(content)
    target = tmp_path / ("a.yaml" if command == "plan" else "goals.yaml")
    shutil.copy(EXAMPLE if command == "plan" else GOALS, target)
    extra = ["--as-of", "2026-11-25"] if command == "plan" else ["--as-of", "2026-12-15"]
    code, _, err = _run(capsys, command, str(target), *extra)
    assert code == 2, err
    assert message in err and file in err
    assert "internal error" not in err and "Traceback" not in err


def test_a_date_too_far_ahead_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "plan", str(EXAMPLE), "--as-of", "9999-12-31")
    assert code == 2 and "too far in the future" in err and "internal error" not in err


@pytest.mark.parametrize("exit_code", [0, 5, None])
def test_a_plugin_calling_sys_exit_is_a_plugin_failure_not_the_end_of_the_host(
    exit_code: int | None,
) -> None:
    def propose(problem, context):
        sys.exit(exit_code)

    plugin = types.SimpleNamespace(PLUGIN_NAME="quitter", propose=planengine.hookimpl(propose))
    plan = planengine.Engine(plugins=[plugin]).plan(
        planengine.load_assessment(EXAMPLE), as_of=dt.date(2026, 11, 25)
    ).to_dict()
    assert plan["problems"]  # the plan is made
    failed = [n for n in plan["notices"] if n["code"] == "plugin.failed"]
    assert failed and "quitter" in failed[0]["message"] and "SystemExit" in failed[0]["message"]
    with pytest.raises(planengine.PluginError, match="quitter"):
        planengine.Engine(plugins=[plugin], strict=True).plan(
            planengine.load_assessment(EXAMPLE), as_of=dt.date(2026, 11, 25)
        )


def _rules_plugin(monkeypatch: pytest.MonkeyPatch, register_smart_rules: object) -> None:
    plugin = types.SimpleNamespace(
        PLUGIN_NAME="badrules", register_smart_rules=planengine.hookimpl(register_smart_rules)
    )
    manager = load_plugins(plugins=[plugin], autoload=False).manager
    monkeypatch.setattr(_validate, "_plugin_manager", lambda args: manager)


@pytest.mark.parametrize("how", ["raises", "exits", "invalid rule"])
def test_a_plugin_whose_rules_fail_to_register_is_a_warning_and_the_files_are_checked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    def register_smart_rules(register):
        if how == "raises":
            raise RuntimeError("boom")
        if how == "exits":
            sys.exit(0)
        register({"code": "E001"})  # a core code: invalid

    _rules_plugin(monkeypatch, register_smart_rules)
    code, out, err = _run(capsys, "validate", str(GOALS), "--as-of", "2026-12-15")
    assert code == 0, out + err
    assert "All checks passed (1 file(s))" in out
    assert "warning: plugin 'badrules'" in err and "its rules are not checked" in err
    code, _, err = _run(capsys, "validate", str(GOALS), "--as-of", "2026-12-15", "--strict-plugins")
    assert code == 2 and "badrules" in err


def test_jobs_never_start_more_workers_than_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from planengine.smart import _validate as validate_module

    started: list[int] = []
    monkeypatch.setattr(
        validate_module, "_run_parallel",
        lambda files, jobs, state: started.append(jobs) or [],
    )
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(GOALS, tmp_path / name)
    planengine.validate_paths([tmp_path], as_of=dt.date(2026, 12, 15), jobs=200)
    assert started == [] or max(started) <= 2
    if (os.cpu_count() or 1) >= 2 and len(os.sched_getaffinity(0)) >= 2:
        assert started == [2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["responses"][0].__setitem__("answers", [1, 2, 2, 1, 2, 1, 1, 0]),
         "9 answers"),
        (lambda d: d["responses"][0].__setitem__("date", "2027-01-01"), "after as_of"),
    ],
)
def test_validate_refuses_an_assessment_that_plan_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: object, message: str
) -> None:
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    planned, _, plan_err = _run(capsys, "plan", str(path), "--as-of", "2026-11-25")
    checked, out, _ = _run(capsys, "validate", "--schema", "assessment", str(path),
                           "--as-of", "2026-11-25")
    assert planned == 2 and checked == 1
    assert message in plan_err and message in out and "a.yaml:" in out
