"""The command line, run as a user runs it: exit codes, one-line errors, byte-identical output."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from plan_helpers import assert_valid
from planengine.cli._main import main

AS_OF = ["--as-of", "2026-11-25"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_is_valid_and_byte_identical(capsys, examples_dir) -> None:
    path = str(examples_dir / "moderate-phq9-gad7-isi.yaml")
    code, first, err = run(capsys, "plan", path, *AS_OF)
    assert code == 0 and err == ""
    assert_valid("plan", json.loads(first))
    assert run(capsys, "plan", path, *AS_OF)[1] == first


def test_plan_markdown_puts_draft_and_risk_first(capsys, examples_dir) -> None:
    code, out, _ = run(
        capsys,
        "plan",
        str(examples_dir / "severe-with-risk-flag.yaml"),
        *AS_OF,
        "--format",
        "markdown",
    )
    assert code == 0
    assert out.startswith("# Treatment plan for P-3307 — DRAFT")
    assert out.index("## Risk") < out.index("## 1. Safety")
    # no crisis-locale is configured here: the crisis block says so loudly, with no number
    assert out.index("## Risk") < out.index("### If you are in crisis now") < out.index("## Scores")
    assert "No crisis resources are configured for this clinic" in out
    assert "988" not in out


def test_plan_goals_output_is_a_goal_file(capsys, examples_dir) -> None:
    import yaml

    code, out, _ = run(
        capsys,
        "plan",
        str(examples_dir / "moderate-phq9-gad7-isi.yaml"),
        *AS_OF,
        "--format",
        "goals",
    )
    assert code == 0
    document = yaml.safe_load(out)
    assert document["planengine"] == 1
    assert document["goals"] and all(
        {"id", "area", "statement", "measure"} <= set(g) for g in document["goals"]
    )
    assert_valid("goal", document)


def test_bad_file_is_one_line_and_others_still_run(capsys, tmp_path, examples_dir) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "planengine: 1\nresponses:\n  - instrument: phq9\n    date: 2026-11-20\n"
        "    answers: [0, 1, 2, 7, 0, 0, 0, 0, 0]\n"
    )
    good = str(examples_dir / "mild-sleep-only.yaml")
    code, out, err = run(capsys, "plan", str(bad), good, *AS_OF)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert str(bad) in lines[0] and ":5:" in lines[0] and "$.responses[0].answers[3]" in lines[0]
    assert json.loads(out)[0]["patient"]["id"] == "P-2001"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        ("planengine: 2\nresponses: []\n", "version"),
        ("- 1\n- 2\n", "mapping"),
        (
            "planengine: 1\nresponses:\n  - instrument: nope\n    date: 2026-11-01\n    answers: []\n",
            "unknown instrument",
        ),
        ("planengine: 1\ncontext:\n  conditions: [flu]\n", "unknown id 'flu'"),
        ("planengine: 1\ncontext:\n  concerns: [sleeep]\n", "unknown id 'sleeep'"),
        (
            "planengine: 1\nresponses:\n  - instrument: phq9\n    date: 2026-13-01\n    answers: [0,0,0,0,0,0,0,0,0]\n",
            "date",
        ),
        (
            "planengine: 1\nresponses:\n  - instrument: phq9\n    date: 2026-11-01\n    answers: [0,0,0]\n",
            "answers",
        ),
        ("planengine: 1\nresponse: []\n", "unknown field 'response'"),
        ("planengine: 1\nresponses:\n  - instrument: phq9\n    date: '20261101'\n    answers: [0,0,0,0,0,0,0,0,0]\n", "YYYY-MM-DD"),
        (
            "planengine: 1\nresponses: [{instrument: phq9, date: 2026-11-01, answers: [0,0,0,0,0,0,0,0,0]}]\n"
            "responses: []\n",
            "duplicate",
        ),
        ("planengine: 1\nx: !!python/object/apply:os.system ['true']\n", "tag"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, tmp_path, content: str, expected: str) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(content)
    code, out, err = run(capsys, "plan", str(path), *AS_OF)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(path) in err
    assert expected.lower() in err.lower()
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys) -> None:
    assert run(capsys, "plan")[0] == 2
    assert run(capsys, "plan", "x.yaml", "--as-of", "yesterday")[0] == 2
    assert run(capsys, "plan", "x.yaml", "--as-of", "20261125")[0] == 2
    assert run(capsys, "plan", "x.yaml", "-p", "sleep")[0] == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "a command is required"),
        (("plan", "examples/mild-sleep-only.yaml", "-p", "no:slep"), "no installed plugin is called 'slep'"),
        (("review", "examples/review/on-track.yaml", "-p", "no:slep"), "no installed plugin is called 'slep'"),
    ],
)
def test_usage_errors_are_one_line(capsys, args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert expected in err and err.count("\n") == 1


def test_version_is_fast_path(capsys) -> None:
    from planengine import __version__

    assert run(capsys, "--version") == (0, f"planengine {__version__}\n", "")


def test_instruments_plugins_and_schema_commands(capsys) -> None:
    code, out, _ = run(capsys, "instruments", "--format", "json")
    assert code == 0
    ids = {item["id"] for item in json.loads(out)}
    assert {
        "phq9",
        "phq2",
        "gad7",
        "gad2",
        "isi",
        "pcl5",
        "pc-ptsd-5",
        "who5",
        "audit-c",
        "pss10",
        "rses",
    } <= ids
    code, out, _ = run(capsys, "plugins", "--format", "json")
    assert code == 0 and {"sleep", "cbt"} <= {p["name"] for p in json.loads(out)["plugins"]}
    code, out, _ = run(capsys, "schema", "plan")
    assert code == 0 and json.loads(out)["$id"].endswith("plan.schema.json")
    code, _, err = run(capsys, "schema", "nope")
    assert code == 2 and "no schema named 'nope'" in err


def test_blocking_a_plugin_from_the_cli(capsys, examples_dir) -> None:
    code, out, _ = run(
        capsys, "plan", str(examples_dir / "mild-sleep-only.yaml"), *AS_OF, "-p", "no:sleep"
    )
    assert code == 0
    assert "sleep" not in {p["name"] for p in json.loads(out)["generated_by"]["plugins"]}


def test_module_entry_point_runs_as_a_process(examples_dir) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "planengine",
            "plan",
            str(examples_dir / "missing-item9.json"),
            *AS_OF,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["problems"][0]["area"] == "safety"
    assert plan["risk"]["flags"][0]["level"] == "unknown"


def test_an_error_found_while_planning_names_the_line_too(capsys, tmp_path) -> None:
    path = tmp_path / "later.yaml"
    path.write_text(
        "planengine: 1\nresponses:\n  - instrument: phq9\n    date: 2026-12-01\n"
        "    answers: [0, 0, 0, 0, 0, 0, 0, 0, 0]\n"
    )
    code, out, err = run(capsys, "plan", str(path), *AS_OF)
    assert code == 2 and out == ""
    assert err.startswith(f"planengine: error: {path}:4:11: $.responses[0].date: ")
    assert "after as_of" in err


@pytest.mark.parametrize(("fmt", "suffix", "check"), [
    ("goals", ".goals.yaml", ("validate",)),
    ("json", ".plan.json", ("validate", "--schema", "plan")),
])
def test_output_dir_writes_one_valid_document_per_input(
    capsys, tmp_path, examples_dir, fmt: str, suffix: str, check: tuple[str, ...]
) -> None:
    inputs = [examples_dir / "moderate-phq9-gad7-isi.yaml", examples_dir / "mild-sleep-only.yaml"]
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "plan", *map(str, inputs), *AS_OF, "--format", fmt, "-o", str(out))
    assert code == 0 and stdout == ""
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(p.stem + suffix for p in inputs)
    code, stdout, _ = run(capsys, *check, "--as-of", "2026-11-25", *(str(out / n) for n in written))
    assert code == 0, stdout
    single = run(capsys, "plan", str(inputs[0]), *AS_OF, "--format", fmt)[1]
    # the same bytes as on stdout, with the line that marks the file as planengine's
    written_text = (out / written[1]).read_text()
    assert re.sub(r".*planengine-output sha256:.*\n", "", written_text) == single


def test_output_dir_never_overwrites_one_input_with_another(capsys, tmp_path, examples_dir) -> None:
    twin = tmp_path / "twin"
    twin.mkdir()
    source = examples_dir / "mild-sleep-only.yaml"
    (twin / source.name).write_text(source.read_text())
    out = tmp_path / "out"
    code, _, err = run(capsys, "plan", str(source), str(twin / source.name), *AS_OF, "-o", str(out))
    assert code == 2 and "would overwrite" in err and err.count("\n") == 1
    assert [p.name for p in out.iterdir()] == ["mild-sleep-only.plan.json"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ("[plan.instrument-overrides.isx]\nchange = {mcid = 8}\n",
         "plan.instrument-overrides: unknown instrument 'isx'"),
        ("[plan.instrument-overrides.isi]\nchange = {mcidd = 8}\n",
         "plan.instrument-overrides.isi.change: unknown key(s) mcidd"),
    ],
)
def test_a_bad_instrument_override_names_the_config_file(
    overrides: str, message: str, tmp_path, capsys
) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text(overrides, encoding="utf-8")
    code = main(["plan", "examples/mild-sleep-only.yaml", *AS_OF, "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and err == f"planengine: error: {config}: {message}" + err.split(message)[1]
    assert err.count("\n") == 1


def test_a_bug_is_one_line_with_exit_3_and_no_half_written_output(monkeypatch, capsys) -> None:
    import planengine.cli._plan

    def broken(args):
        print('{"half": ')
        raise KeyError("boom")

    monkeypatch.setattr(planengine.cli._plan, "run", broken)
    monkeypatch.delenv("PLANENGINE_DEBUG")
    assert main(["plan", "examples/mild-sleep-only.yaml", *AS_OF]) == 3
    err = capsys.readouterr().err
    assert err.startswith("planengine: internal error: KeyError: 'boom' (a bug in planengine")
    assert err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.setenv("PLANENGINE_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["plan", "examples/mild-sleep-only.yaml", *AS_OF])


def test_choose_replans_with_the_recorded_option(capsys, examples_dir) -> None:
    example = str(examples_dir / "moderate-phq9-gad7-isi.yaml")
    code, out, _ = run(capsys, "plan", example, "--as-of", "2026-12-07",
                       "--choose", "depression=cognitive-restructuring")
    assert code == 0
    plan = json.loads(out)
    assert_valid("plan", plan)
    choice = next(c for c in plan["choices"] if c["area"] == "depression")
    assert (choice["chosen"], choice["chosen_by"]) == ("cognitive-restructuring", "input")


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("depression=hypnosis", "no such option; the options are"),
        ("trauma=guided-self-help", "the plan has no 'trauma' problem"),
        ("depression", "is not AREA=OPTION"),
    ],
)
def test_a_bad_choice_is_one_line_and_exit_2(capsys, examples_dir, choice, expected) -> None:
    example = str(examples_dir / "moderate-phq9-gad7-isi.yaml")
    code, _, err = run(capsys, "plan", example, "--as-of", "2026-12-07", "--choose", choice)
    assert code == 2
    assert expected in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("fmt", "opening", "separator", "closing"),
    [
        ("json", "[\n", ",\n", "\n]\n"),
        ("fhir", "[\n", ",\n", "\n]\n"),
        ("markdown", "", "\n", ""),
        ("patient", "", "\n", ""),
        ("goals", "", "---\n", ""),
        ("html", "", "---\n", ""),
    ],
)
def test_a_batch_is_the_single_outputs_joined(
    capsys, examples_dir, fmt, opening, separator, closing
) -> None:
    files = [str(examples_dir / n) for n in ("mild-sleep-only.yaml", "severe-with-risk-flag.yaml")]
    singles = []
    for name in files:
        code, out, _ = run(capsys, "plan", name, "--format", fmt, *AS_OF)
        assert code == 0
        singles.append(out.rstrip("\n") if opening else out)
    code, batch, err = run(
        capsys, "plan", *files, "nonexistent.yaml", files[0], "--format", fmt, *AS_OF
    )
    assert code == 2 and err.count("\n") == 1 and "nonexistent.yaml" in err
    assert batch == opening + separator.join([*singles, singles[0]]) + closing


def test_a_batch_writes_each_plan_before_reading_the_next_file(
    capsys, monkeypatch, examples_dir
) -> None:
    """Streamed: memory does not grow with the number of files (bench/bench_many_files.py measures)."""
    import planengine.cli._plan as command

    seen: list[str] = []
    plan_one = command._plan_one

    def spy(name, *args):
        seen.append(capsys.readouterr().out)  # what was written before this file was read
        return plan_one(name, *args)

    monkeypatch.setattr(command, "_plan_one", spy)
    example = str(examples_dir / "mild-sleep-only.yaml")
    assert main(["plan", example, example, example, *AS_OF]) == 0
    assert seen[0] == "[\n"
    assert seen[1].startswith("{") and seen[2].startswith(",\n{")
    assert json.loads(seen[1])["patient"]["id"] == "P-2001"
