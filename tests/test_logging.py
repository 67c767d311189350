"""Logging (issue 16): records under the ``planengine`` logger for plugin loading, plugin failures
(their traceback at DEBUG) and stage timings; a ``NullHandler`` on the library's logger; ``-v``
and ``--log-level`` on the command line; and never any patient data in a record."""

from __future__ import annotations

import datetime as dt
import logging
import pathlib
import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

import planengine
from planengine.cli._main import main
from planengine.io._loader import load_document

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = "2026-11-25"

#: what a patient wrote or is called, which no log record may carry
ASSESSMENT = """\
planengine: 1
patient: {id: P-QUOKKA-5120}
responses:
  - instrument: phq9
    date: 2026-11-24
    answers: [2, 3, 2, 2, 1, 2, 1, 1, 1]
context:
  patient_goals:
    - "Stop wanting to disappear from Marlowe Street"
    - "Walk Biscuit the spaniel every morning"
"""

#: the keys whose text is the patient's own or names them
PRIVATE_KEYS = {"patient", "patient_goals", "patient_words", "note", "notes", "statement", "by"}


def _private_text(data: Any, private: bool = False) -> Iterator[str]:
    """Every string under a private key of ``data`` (five characters or more)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _private_text(value, private or key in PRIVATE_KEYS)
    elif isinstance(data, list):
        for value in data:
            yield from _private_text(value, private)
    elif private and isinstance(data, str) and len(data) >= 5:
        yield data


def _assert_no_patient_data(log: str, *sources: Any) -> None:
    secrets = {text for source in sources for text in _private_text(source)}
    assert secrets, "the inputs carry no patient text: the test would prove nothing"
    leaked = sorted(text for text in secrets if text in log)
    assert not leaked, leaked
    assert "answers" not in log and "[2, 3, 2" not in log


def _failing_plugin() -> types.SimpleNamespace:
    """A plugin whose exception quotes what it was handed (the patient's goals)."""

    @planengine.hookimpl
    def propose(problem: Any, context: Any) -> None:
        raise ValueError(f"cannot plan for {list(context.assessment.context.patient_goals)}")

    return types.SimpleNamespace(PLUGIN_NAME="leaky", __version__="1.0", propose=propose)


def test_a_full_run_at_debug_logs_plugins_timings_and_no_patient_data(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assessment = tmp_path / "assessment.yaml"
    assessment.write_text(ASSESSMENT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(assessment), "--as-of", AS_OF, "-vv", "-o", str(out)]) == 0
    assert main(["plan", str(assessment), "--as-of", AS_OF, "--format", "goals", "-o", str(out),
                 "--log-level", "debug"]) == 0
    goals = out / "assessment.goals.yaml"
    reviewed = [goals, ROOT / "examples/review/disposition.yaml", ROOT / "examples/review/behind.yaml"]
    assert main(["-vv", "review", *map(str, reviewed), "--as-of", "2027-01-20"]) in (0, 1)
    assert main(["validate", *map(str, reviewed), "--as-of", "2027-01-20", "-vv"]) in (0, 1)
    log = capsys.readouterr().err

    assert "planengine.plugins: 11 plugins loaded: alcohol" in log
    assert "planengine.plugins: plugin 'sleep'" in log and "registered" in log
    for stage in ("plan: score", "engine built: plugins", "review: parse", "validate: rules"):
        assert stage in log, stage
    assert "total" in log and " ms" in log
    _assert_no_patient_data(
        log, *(load_document(str(path)).data for path in [assessment, *reviewed])
    )
    # the run left logging as it found it (no handler, no level)
    assert not [h for h in logging.getLogger("planengine").handlers
                if isinstance(h, logging.StreamHandler)]


def test_a_plugin_failure_is_logged_with_its_traceback_at_debug_and_not_its_message(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    assessment = tmp_path / "assessment.yaml"
    assessment.write_text(ASSESSMENT, encoding="utf-8")
    loaded = planengine.load_assessment(str(assessment))
    with caplog.at_level(logging.DEBUG, logger="planengine"):
        plan = planengine.Engine(plugins=[_failing_plugin()]).plan(
            loaded, as_of=dt.date(2026, 11, 25)
        )
    assert any(n.code == "plugin.failed" for n in plan.notices)  # the notice keeps the message
    records = [r for r in caplog.records if r.name == "planengine.plugins"]
    warning = next(r for r in records if r.levelno == logging.WARNING)
    assert warning.getMessage() == "plugin 'leaky' failed in propose (ValueError)"
    traceback = next(r for r in records if "traceback" in r.getMessage()).getMessage()
    assert "in propose" in traceback and "raise ValueError" in traceback
    assert traceback.rstrip().endswith("ValueError")
    text = "\n".join(r.getMessage() for r in caplog.records)
    _assert_no_patient_data(text, load_document(str(assessment)).data)


def test_the_library_logger_has_a_null_handler_and_is_silent_by_default() -> None:
    """With no logging configured, a plugin failure prints nothing (the NullHandler stops
    logging's last-resort handler), and ``import planengine`` does not import logging."""
    code = (
        "import sys, planengine\n"
        "assert 'logging' not in sys.modules, 'import planengine imported logging'\n"
        "import logging, types, datetime\n"
        "@planengine.hookimpl\n"
        "def propose(problem, context):\n"
        "    raise RuntimeError('boom')\n"
        "plugin = types.SimpleNamespace(PLUGIN_NAME='bad', propose=propose)\n"
        "a = planengine.Assessment.from_mapping({'planengine': 1, 'context': {'concerns': ['sleep']}})\n"
        "planengine.Engine(plugins=[plugin]).plan(a, as_of=datetime.date(2026, 11, 25))\n"
        "handlers = logging.getLogger('planengine').handlers\n"
        "assert any(isinstance(h, logging.NullHandler) for h in handlers), handlers\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_verbosity_flags_set_the_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "-v"]) == 0
    info = capsys.readouterr().err
    assert "INFO: planengine.plugins: 11 plugins loaded" in info
    assert "DEBUG" not in info
    assert main(["plugins"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["--log-level", "nonsense", "plugins"]) == 2
