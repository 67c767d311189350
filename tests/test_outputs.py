"""Output files (issue 15, items 1-5): written whole or not at all, never over an input, a link
or a file a person edited; two writers and a killed batch leave only whole files."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml

from planengine.cli._main import main

KINDS = ("json", "yaml", "markdown", "html", "text")


def is_unchanged_output(text: str) -> bool:
    from planengine.io._output import is_unchanged_output

    return is_unchanged_output(text)

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = ("--as-of", "2026-11-25")
GOALS = EXAMPLES / "review" / "on-track.yaml"


def _plan(*args: str) -> int:
    return main(["plan", "--no-plugins", *AS_OF, *args])


# -- item 1: an output that is an input is refused ---------------------------------------------


def test_review_never_replaces_its_goal_file_with_the_report(tmp_path, capsys) -> None:
    goals = tmp_path / "GOALS.yaml"
    shutil.copy(GOALS, goals)
    before = goals.read_bytes()
    assert main(["review", str(goals), *AS_OF, "--no-plugins", "-o", str(goals)]) == 2
    assert goals.read_bytes() == before
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is an input; not replaced" in err and "GOALS.yaml" in err


def test_review_refuses_an_input_by_another_spelling_or_a_hard_link(tmp_path, capsys) -> None:
    folder = tmp_path / "goals"
    folder.mkdir()
    shutil.copy(GOALS, folder / "a.yaml")
    os.link(folder / "a.yaml", tmp_path / "linked.txt")
    before = (folder / "a.yaml").read_bytes()
    for output in (str(folder / "." / "a.yaml"), str(tmp_path / "linked.txt")):
        code = main(["review", str(folder), *AS_OF, "--no-plugins", "-o", output, "--force"])
        assert code == 2 and "is an input" in capsys.readouterr().err
    assert (folder / "a.yaml").read_bytes() == before


# -- item 2: an edited or foreign output is refused unless --force -----------------------------


def test_plan_replaces_its_own_output_but_not_a_clinicians_edit(tmp_path, capsys) -> None:
    source, out = str(EXAMPLES / "mild-sleep-only.yaml"), tmp_path / "out"
    assert _plan(source, "--format", "goals", "-o", str(out)) == 0
    written = out / "mild-sleep-only.goals.yaml"
    assert _plan(source, "--format", "goals", "-o", str(out)) == 0  # unchanged: replaced
    edited = written.read_text(encoding="utf-8") + "# progress added by the clinician\n"
    written.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert _plan(source, "--format", "goals", "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mild-sleep-only.goals.yaml" in err and "--force" in err
    assert written.read_text(encoding="utf-8") == edited
    assert _plan(source, "--format", "goals", "-o", str(out), "--force") == 0
    assert is_unchanged_output(written.read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", KINDS)
def test_the_marker_matches_only_the_text_as_written(kind: str) -> None:
    from planengine.io._output import KINDS as known
    from planengine.io._output import stamp

    assert kind in known
    text = {
        "json": '{\n  "a": 1,\n  "generated_by": {\n    "engine": "planengine"\n  }\n}\n',
        "yaml": "# made by planengine\nplanengine: 1\n",
        "markdown": "# Plan\n",
        "html": "<!DOCTYPE html>\n<html></html>\n",
        "text": "report\n",
    }[kind]
    marked = stamp(text, kind)
    assert is_unchanged_output(marked) and not is_unchanged_output(text)
    assert not is_unchanged_output(marked.replace("1", "2") if "1" in marked else marked + "x")
    if kind == "json":
        assert json.loads(marked)["generated_by"]["output"].startswith("planengine-output")
    if kind == "yaml":
        assert yaml.safe_load(marked) == {"planengine": 1}


def test_review_replaces_its_own_report_but_not_another_file(tmp_path, capsys) -> None:
    report = tmp_path / "report.json"
    args = ["review", str(GOALS), *AS_OF, "--no-plugins", "-f", "json", "-o", str(report)]
    # exit 1: the example's PHQ-9 totals came without item 9, which needs attention
    assert main(args) == 1 and main(args) == 1
    assert json.loads(report.read_text(encoding="utf-8"))["kind"] == "review"
    report.write_text("notes a person keeps\n", encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 2 and report.read_text(encoding="utf-8") == "notes a person keeps\n"
    assert "not replaced (--force replaces it)" in capsys.readouterr().err


# -- item 3: atomic, fsynced, a failed write keeps the old file --------------------------------


def test_the_text_is_fsynced_before_the_rename(tmp_path, monkeypatch) -> None:
    from planengine.io._output import InputFiles, write_output

    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    write_output(str(tmp_path / "a.txt"), "text\n", kind="text", inputs=InputFiles([]))
    assert calls[:2] == ["fsync", "replace"]


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, capsys) -> None:
    report = tmp_path / "report.txt"
    args = ["review", str(GOALS), *AS_OF, "--no-plugins", "-o", str(report)]
    assert main(args) == 1  # written (exit 1: a total without item 9 needs attention)
    before = report.read_bytes()
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:  # half the text goes in, then the disk is full
        if len(data) > 100:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    capsys.readouterr()
    assert main([*args, "--tolerance", "0.2"]) == 2
    monkeypatch.undo()
    assert report.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err


# -- item 4: same-named inputs, two writers ------------------------------------------------------


def test_same_named_inputs_from_two_folders_are_refused_not_merged(tmp_path, capsys) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / "mild-sleep-only.yaml", tmp_path / folder / "p.yaml")
    out = tmp_path / "out"
    assert _plan(str(tmp_path / "a" / "p.yaml"), str(tmp_path / "b" / "p.yaml"), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert "would overwrite the plan of" in err and str(tmp_path / "a" / "p.yaml") in err
    assert [p.name for p in out.iterdir()] == ["p.plan.json"]


def _batch(folder: pathlib.Path, count: int) -> list[str]:
    """``count`` copies of an example assessment under different names."""
    folder.mkdir()
    text = (EXAMPLES / "mild-sleep-only.yaml").read_text(encoding="utf-8")
    for index in range(count):
        (folder / f"p{index:03}.yaml").write_text(text, encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def _plan_process(inputs: list[str], out: pathlib.Path, fmt: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PLANENGINE_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "planengine", "plan", *AS_OF, "--format", fmt, "-o", str(out)]
    return subprocess.Popen(
        [*command, *inputs], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _assert_whole(out: pathlib.Path) -> int:
    """Every output in ``out`` parses and carries its marker; returns how many there are."""
    outputs = [p for p in out.iterdir() if not p.name.startswith(".planengine-")]
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert is_unchanged_output(text), path
        json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return len(outputs)


def test_a_batch_killed_at_random_moments_leaves_only_whole_files(tmp_path) -> None:
    inputs = _batch(tmp_path / "in", 100)
    seen = 0
    rng = random.Random(15)
    for trial in range(4):
        out = tmp_path / f"out{trial}"
        fmt = ("json", "goals")[trial % 2]
        process = _plan_process(inputs, out, fmt)
        deadline = time.monotonic() + 20
        while not (out.is_dir() and any(out.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.005)  # the engine has started writing
        time.sleep(rng.uniform(0.0, 0.12))
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen += _assert_whole(out)
    assert seen > 0  # at least one trial was killed after writing something


def test_two_processes_writing_one_folder_leave_whole_files(tmp_path) -> None:
    inputs = _batch(tmp_path / "in", 60)
    out = tmp_path / "out"
    out.mkdir()
    first, second = (_plan_process(inputs, out, "json") for _ in range(2))
    assert first.wait() == 0 and second.wait() == 0
    assert _assert_whole(out) == 60
    assert not [p for p in out.iterdir() if p.name.startswith(".planengine-")]


# -- item 5: symbolic links -----------------------------------------------------------------------


def test_an_output_that_is_a_link_is_refused_and_left_alone(tmp_path, capsys) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("{}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "mild-sleep-only.plan.json").symlink_to(outside)
    assert _plan(str(EXAMPLES / "mild-sleep-only.yaml"), "-o", str(out), "--force") == 2
    assert outside.read_text(encoding="utf-8") == "{}\n"
    assert (out / "mild-sleep-only.plan.json").is_symlink()
    assert "is a symbolic link" in capsys.readouterr().err
    report = tmp_path / "report.txt"
    report.symlink_to(outside)
    assert main(["review", str(GOALS), *AS_OF, "--no-plugins", "-o", str(report)]) == 2
    assert outside.read_text(encoding="utf-8") == "{}\n"
