"""Messages (issue 15, item 16): each bad input named once, on one line, with where it is, in
words a person can read; ``-`` reads stdin."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from planengine.cli._main import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ASSESSMENT = EXAMPLES / "moderate-phq9-gad7-isi.yaml"
GOALS = EXAMPLES / "review" / "on-track.yaml"
AS_OF = ("--as-of", "2026-11-25")
ENV = {**os.environ, "PLANENGINE_DISABLE_PLUGIN_AUTOLOAD": "1"}


def _cli(*args: str, stdin: bytes = b"", merged: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planengine", *args],
        input=stdin.decode("utf-8", "surrogateescape"),
        capture_output=not merged,
        stdout=subprocess.PIPE if merged else None,
        stderr=subprocess.STDOUT if merged else None,
        text=True,
        env=ENV,
        check=False,
    )


def _plan_error(capsys, path: pathlib.Path) -> str:
    assert main(["plan", "--no-plugins", *AS_OF, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_deep_minified_json_names_the_line_and_column(tmp_path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": "[[", "b": ' + "[" * 70 + "]" * 70 + ', "pad": "' + "x" * 2000 + '"}')
    assert "deep.json:1:81: nesting deeper than 64 levels" in _plan_error(capsys, path)


def _with_many_brackets(tmp_path: pathlib.Path, suffix: str) -> pathlib.Path:
    """The example assessment with 70 short flow lists, a long line and an unknown field."""
    import yaml

    data = yaml.safe_load(ASSESSMENT.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    data["x-pad"] = [[i] for i in range(70)]
    data["x-long"] = "z" * (70_000 if suffix == ".yaml" else 1_200)
    data["bogus"] = 1
    path = tmp_path / f"many{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, default_flow_style=None, width=10**6), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_many_brackets_in_a_long_file_still_get_a_position(tmp_path, capsys, suffix) -> None:
    path = _with_many_brackets(tmp_path, suffix)
    err = _plan_error(capsys, path)
    assert re.search(rf"many\{suffix}:\d+:\d+: \$\.bogus: unknown field 'bogus'", err), err


def test_a_missing_format_version_says_so(tmp_path, capsys) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("patient:\n  id: p1\nresponses: []\n", encoding="utf-8")
    err = _plan_error(capsys, path)
    assert "None" not in err and "format version is missing: add 'planengine: 1'" in err


def test_output_dir_that_is_a_file_is_named_as_such(tmp_path, capsys) -> None:
    target = tmp_path / "report.json"
    target.write_text("{}", encoding="utf-8")
    assert main(["plan", "--no-plugins", *AS_OF, str(ASSESSMENT), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "File exists" not in err and "is a file, not a folder" in err
    assert target.read_text(encoding="utf-8") == "{}"


def test_review_says_each_unreadable_file_once_on_one_screen(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    done = _cli("review", *AS_OF, "--no-plugins", str(bad), merged=True)
    assert done.returncode == 2 and done.stdout.count("bad.yaml:") == 1, done.stdout
    apart = _cli("review", *AS_OF, "--no-plugins", str(bad))  # stderr alone still says it
    assert apart.stderr.count("bad.yaml") == 1 and apart.stdout.count("bad.yaml") == 1


def test_a_utf32_file_is_called_utf32(tmp_path, capsys) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"\xff\xfe\x00\x00" + "planengine: 1\n".encode("utf-32-le"))
    assert "file is UTF-32 encoded; save it as UTF-8" in _plan_error(capsys, path)


def test_a_401_digit_number_is_not_echoed_whole(tmp_path, capsys) -> None:
    text = ASSESSMENT.read_text(encoding="utf-8")
    path = tmp_path / "a.yaml"
    path.write_text(text.replace("answers: [2,", "answers: [" + "9" * 401 + ",", 1), encoding="utf-8")
    assert "9" * 401 not in text and path.read_text(encoding="utf-8") != text
    err = _plan_error(capsys, path)
    assert "9" * 41 not in err and "a 401-digit number" in err
    goals = tmp_path / "g.yaml"
    goals.write_text(GOALS.read_text(encoding="utf-8").replace("baseline:", "baseline: " + "9" * 401 + "\n    x-was:", 1))
    for command in ("validate", "review"):
        done = _cli(command, *AS_OF, "--no-plugins", str(goals))
        assert "9" * 41 not in done.stdout + done.stderr, command


def test_control_characters_are_escaped_in_file_names_and_patient_ids(tmp_path, capsys) -> None:
    bad = tmp_path / "bad\x1b[31mname.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    err = _plan_error(capsys, bad)
    assert "\x1b" not in err and "bad\\x1b[31mname.yaml" in err
    text = ASSESSMENT.read_text(encoding="utf-8").replace("id: P-1042", 'id: "P\\e[31m1\\u202eX"')
    source = tmp_path / "a.yaml"
    source.write_text(text, encoding="utf-8")
    for fmt in ("markdown", "patient"):
        assert main(["plan", "--no-plugins", *AS_OF, "--format", fmt, str(source)]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out and "P\\x1b[31m1\\u202eX" in out
    assert main(["plan", "--no-plugins", *AS_OF, "--format", "goals", str(source), "-o", str(tmp_path)]) == 0
    for fmt in ("text", "markdown"):
        main(["review", "--no-plugins", *AS_OF, "-f", fmt, str(tmp_path / "a.goals.yaml")])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out and "P\\x1b[31m1\\u202eX" in out


@pytest.mark.parametrize("command", ["plan", "validate", "review"])
def test_a_dash_reads_stdin(command: str, tmp_path) -> None:
    source = ASSESSMENT if command == "plan" else GOALS
    done = _cli(command, *AS_OF, "--no-plugins", "-", stdin=source.read_bytes())
    assert done.returncode in (0, 1), done.stderr
    assert "No such file" not in done.stdout + done.stderr
    if command == "plan":
        assert json.loads(done.stdout)["patient"]["id"] == "P-1042"
    elif command == "review":
        assert "<stdin>: patient p-101" in done.stdout
    bad = _cli(command, *AS_OF, "--no-plugins", "-", stdin=b"a: [\n")
    assert bad.returncode == (1 if command == "validate" else 2)  # validate: finding E001
    assert "<stdin>:2:1: " in bad.stdout + bad.stderr


def test_plan_from_stdin_into_a_folder_is_named_stdin(tmp_path) -> None:
    out = tmp_path / "out"
    done = _cli("plan", *AS_OF, "--no-plugins", "-", "-o", str(out), "--format", "goals",
                stdin=ASSESSMENT.read_bytes())
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["stdin.goals.yaml"]
    shutil.rmtree(out)
