"""``run_batch`` in a script without a ``__main__`` guard: one clear error before any worker is
spawned (a spawned worker runs the script again, and Python's pool would replace each failing
worker for ever), and the guarded script plans."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planengine.batch._main_guard import _guarded

ROOT = Path(__file__).resolve().parent.parent

CALL = "run_batch({inputs!r}, {out!r}, BatchSettings(as_of=dt.date(2026, 11, 25)), jobs=2)"


def _script(tmp_path: Path, body: str) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(ROOT / "examples" / "mild-sleep-only.yaml", inputs)
    script = tmp_path / "script.py"
    call = CALL.format(inputs=str(inputs), out=str(tmp_path / "out"))
    script.write_text(
        "import datetime as dt\nfrom planengine import BatchSettings, run_batch\n"
        + textwrap.dedent(body).format(call=call),
        encoding="utf-8",
    )
    return script


def _run(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )


def test_an_unguarded_script_gets_one_error_and_no_worker(tmp_path: Path) -> None:
    script = _script(tmp_path, "summary = {call}\nprint(summary.reconciled)\n")
    done = _run(script)
    assert done.returncode == 1
    assert "ConfigError" in done.stderr
    assert f"{script}:3: run_batch starts worker processes" in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr
    assert "bootstrapping" not in done.stderr  # no worker was started
    assert done.stdout == ""


def test_a_call_through_an_unguarded_function_is_found(tmp_path: Path) -> None:
    script = _script(tmp_path, "def main():\n    return {call}\n\nmain()\n")
    done = _run(script)
    assert done.returncode == 1
    assert f"{script}:6: run_batch starts worker processes" in done.stderr


def test_a_guarded_script_plans(tmp_path: Path) -> None:
    script = _script(tmp_path, 'if __name__ == "__main__":\n    print({call}.reconciled)\n')
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True\n"


@pytest.mark.parametrize(
    ("source", "line", "guarded"),
    [
        ('if __name__ == "__main__":\n    run()\n', 2, True),
        ("if '__main__' == __name__:\n    x = 1\n    run()\n", 3, True),
        ('if __name__ == "__main__" and ok:\n    run()\n', 2, True),
        ("run()\n", 1, False),
        ('if __name__ == "__main__":\n    pass\nrun()\n', 3, False),
        ("if debug:\n    run()\n", 2, False),
    ],
)
def test_guarded_reads_the_top_level_if(source: str, line: int, guarded: bool) -> None:
    import ast

    assert _guarded(ast.parse(source), line) is guarded
