"""``planengine review``: formats, exit codes 0 / 1 / 2, a bad file on one line and the run goes on."""

from __future__ import annotations

import json
import pathlib

import pytest

from planengine.cli._main import main

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"
BASE = ["review", "--as-of", "2026-11-25", "--no-plugins"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # 1: PHQ-9 totals of 15 or more recorded without item 9 need asking (clinician read 4)
        ("on-track.yaml", 1),
        ("achieved-early.yaml", 1),
        ("behind.yaml", 1),
        ("worsening.yaml", 1),
        ("risk-item9.yaml", 1),
        ("bad-input.yaml", 2),
    ],
)
def test_exit_codes(name: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, str(EXAMPLES / name)]) == code
    assert "Reviewed 1 file(s)" in capsys.readouterr().out


def test_bad_file_is_one_line_and_the_run_continues(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("planengine: 1\ngoals: [\n  - id: x\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text((EXAMPLES / "on-track.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main([*BASE, str(tmp_path)]) == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if "broken.yaml" in line]
    assert len(errors) == 1 and f"{bad}:" in errors[0] and "Traceback" not in captured.err
    assert "good.yaml: patient p-101, review as of 2026-11-25" in captured.out


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_formats(fmt: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main([*BASE, "--format", fmt, "-o", str(out), str(EXAMPLES / "gas.yaml")]) == 1
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["reviews"][0]["gas"]["t_score"] == 54.4
    else:
        assert "54.4" in text


def test_tolerance_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main([*BASE, "--tolerance", "0.5", "--format", "json", str(EXAMPLES / "behind.yaml")]) == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert data["reviews"][0]["goals"][0]["trajectory"]["position"] == "on-track"


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--tolerance", "-1", str(EXAMPLES / "gas.yaml")]) == 2
    assert "--tolerance must be a positive finite number" in capsys.readouterr().err
    try:
        code = main([*BASE, "--as-of", "tomorrow", str(EXAMPLES / "gas.yaml")])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert "not a date" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["a-file/report.html", "."])
def test_an_output_file_that_cannot_be_written_is_one_line_and_exit_2(
    capsys, tmp_path, target: str
) -> None:
    # a missing folder is made (as plan -o makes one: test_s31_nits); a file in its place is not
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    code = main([*BASE, str(EXAMPLES / "on-track.yaml"), "-o", str(tmp_path / target)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("planengine: error: ") and err.count("\n") == 1


@pytest.mark.skipif(not pathlib.Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_one_line_and_exit_2() -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "planengine", *BASE, str(EXAMPLES / "on-track.yaml")],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )
    assert done.returncode == 2
    assert done.stderr == "planengine: error: cannot write output: No space left on device\n"
    with open("/dev/full", "w") as full:
        version = subprocess.run(
            [sys.executable, "-m", "planengine", "--version"],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )
    assert version.returncode == 2 and version.stderr.count("\n") == 1


def test_a_review_interval_past_the_calendar_gives_no_next_review_not_a_crash(capsys) -> None:
    from planengine.io._loader import parse_document
    from planengine.review import review_goals

    text = (
        "planengine: 1\ngoals:\n  - id: g1\n    area: depression\n    statement: Walk on 5 days a week.\n"
        "    measure: {metric: walks, unit: days per week, method: diary,"
        " baseline: {value: 0, date: 2026-09-01}, target: {value: 5, comparator: '>='}}\n"
        "    start_date: 2026-09-01\n    due_date: 9999-12-31\n    review_interval_days: 99999999999\n"
    )
    result = review_goals(parse_document(text, name="g.yaml"), as_of=__import__("datetime").date(2026, 11, 25))
    assert result.goals[0].review_due is None


def test_review_markdown_writes_html_from_the_file_as_text(capsys, tmp_path) -> None:
    source = (EXAMPLES / "on-track.yaml").read_text()
    assert "statement: " in source
    path = tmp_path / "goals.yaml"
    path.write_text(source.replace("statement: ", "statement: <img src=x onerror=alert(1)> ", 1))
    main([*BASE, "--format", "markdown", str(path)])
    out = capsys.readouterr().out
    assert "&lt;img src=x" in out and "<img" not in out


def test_review_markdown_ids_and_statements_cannot_break_tables_or_make_links(
    capsys, tmp_path
) -> None:
    import yaml

    data = yaml.safe_load((EXAMPLES / "on-track.yaml").read_text())
    data["goals"][0]["id"] = "a | b | c"
    data["goals"][1]["id"] = "q\n\n[1]: http://evil.example/\n\n[click me][1]"
    data["goals"][1]["statement"] = "[2]: http://evil.example/"
    path = tmp_path / "goals.yaml"
    path.write_text(yaml.safe_dump(data))
    main([*BASE, "--format", "markdown", str(path)])
    out = capsys.readouterr().out
    assert "| a \\| b \\| c |" in out
    lines = out.splitlines()
    assert not [line for line in lines if line.lstrip("-> ").startswith(("[1]:", "[2]:"))]
    assert "\\[2]: http://evil.example/" in out


# -- settings from the config file: the same instruments and thresholds as planning ------------


def _review_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    main([*BASE, "--format", "json", *args])
    return json.loads(capsys.readouterr().out)["reviews"][0]


def test_instrument_overrides_in_the_config_reach_the_review(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    behind = str(EXAMPLES / "behind.yaml")
    before = _review_json([behind], capsys)["goals"][0]
    assert before["status"]["rule"] == "status.mcid-improvement"  # ISI 20 -> 14: MCID 6 only
    config = tmp_path / "planengine.toml"
    config.write_text("[plan.instrument-overrides.isi]\nchange = {mcid = 8}\n", encoding="utf-8")
    after = _review_json(["--config", str(config), behind], capsys)["goals"][0]
    assert after["change"]["mcid"] == {
        "value": 8, "improved": False, "deteriorated": False, "citation": ["R12"], "status": "U"
    }
    assert after["status"]["rule"] == "status.no-response"


def test_review_settings_come_from_the_file_and_options_win(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.planengine.review]\ntolerance = 0.2\nno-response-weeks = 12\n"
        "default-review-interval-days = 60\ngas-rho = 0.4\nfree-metric-change-fraction = 0.2\n"
        "measurement-interval-days = 21\nfirst-review-weeks = 3\nrolling-window = 5\n",
        encoding="utf-8",
    )
    behind = str(EXAMPLES / "behind.yaml")
    from_file = _review_json(["--config", str(config), behind], capsys)["config"]
    assert from_file == {
        "trajectory_tolerance": 0.2,
        "flag_escalation_days": 1,
        "default_review_interval_days": 60,
        "no_response_weeks": 12,
        "gas_rho": 0.4,
        "free_metric_change_fraction": 0.2,
        "measurement_interval_days": 21,
        "first_review_weeks": 3,
        "rolling_window": 5,
        "crisis_locale": None,
        "crisis_resources": [],
    }
    options = ["--config", str(config), "--tolerance", "0.3", "--no-response-weeks", "9", behind]
    overridden = _review_json(options, capsys)["config"]
    assert (overridden["trajectory_tolerance"], overridden["no_response_weeks"]) == (0.3, 9)
    assert overridden["gas_rho"] == 0.4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[review]\ntolerence = 0.2\n", "unknown key review.tolerence; known: default-review"),
        ("[review]\ntolerance = 0\n", "review.tolerance must be a positive finite number, got 0"),
        ("[review]\ntolerance = nan\n", "review.tolerance must be a positive finite number, got nan"),
        ("[review]\nfree-metric-change-fraction = inf\n", "must be a positive finite number, got inf"),
        ("[review]\ngas-rho = nan\n", "review.gas-rho must be in [0, 1)"),
        ("[plan.instrument-overrides.phq9]\nchange = {mcid = nan}\n", "phq9.change.mcid: must be a number above 0, got nan"),
        ("[review]\nno-response-weeks = 8.5\n", "review.no-response-weeks must be a whole number"),
        ("[review]\ngas-rho = true\n", "review.gas-rho must be a number, not True"),
        ("[review]\ngas-rho = 1.0\n", "review.gas-rho must be in [0, 1)"),
        ("review = 3\n", "review must be a table"),
        ("[plan.instrument-overrides.isx]\nchange = {mcid = 8}\n", "unknown instrument 'isx'"),
        ("[plan]\nhorizon-weeks = 0\n", "plan.horizon-weeks must be a positive whole number"),
    ],
)
def test_bad_review_settings_are_one_line_and_exit_2(
    text: str, message: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text(text, encoding="utf-8")
    assert main([*BASE, "--config", str(config), str(EXAMPLES / "on-track.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and str(config) in err, err


def test_instruments_registered_by_a_plugin_reach_the_review(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import planengine._plugins
    from plan_helpers import instrument_copy_plugin

    plugin = instrument_copy_plugin("isi", "isi-local")
    real_load = planengine._plugins.load_plugins
    monkeypatch.setattr(
        planengine._plugins,
        "load_plugins",
        lambda **kwargs: real_load(**{**kwargs, "plugins": [plugin]}),
    )
    goal_file = tmp_path / "goals.yaml"
    goal_file.write_text(
        (EXAMPLES / "behind.yaml").read_text(encoding="utf-8").replace("instrument: isi", "instrument: isi-local"),
        encoding="utf-8",
    )
    main(["review", "--as-of", "2026-11-25", "--format", "json", str(goal_file)])
    review = json.loads(capsys.readouterr().out)["reviews"][0]
    assert review["goals"][0]["change"]["instrument"] == "isi-local"
    assert not [f for f in review["findings"] if "isi-local" in f["message"]]


def test_a_folder_without_goal_files_is_an_error(tmp_path, capsys) -> None:
    assert main([*BASE, str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no .yaml, .yml or .json files" in err


def test_the_json_report_names_the_plugins_and_their_versions(capsys) -> None:
    main(["review", "--as-of", "2026-11-25", "--format", "json", str(EXAMPLES / "on-track.yaml")])
    plugins = json.loads(capsys.readouterr().out)["plugins"]
    assert {"name": "sleep", "version": "1.0.0", "kind": "plugin", "distribution": "planengine"} in plugins
    main([*BASE, "--format", "json", str(EXAMPLES / "on-track.yaml")])
    assert json.loads(capsys.readouterr().out)["plugins"] == []
