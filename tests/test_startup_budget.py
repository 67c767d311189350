"""The start-up budget: each command imports what it uses and nothing else. The budget is on the
modules imported, not on the time (which a busy machine moves): a new heavy import on one of
these paths fails here, naming it."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

COMMANDS = {
    "validate": ["validate", str(EXAMPLES / "review" / "on-track.yaml"), "--as-of", "2027-01-20"],
    "plan": ["plan", str(EXAMPLES / "moderate-phq9-gad7-isi.yaml"), "--as-of", "2026-11-25"],
    "review": ["review", str(EXAMPLES / "review" / "on-track.yaml"), "--as-of", "2027-01-20"],
}

#: modules a command must not import: the pure-Python JSON Schema checker (the shipped data is
#: checked once and cached; jsonschema-rs checks input files), ``importlib.metadata`` and
#: ``importlib.resources`` (the entry points come from the cache: planengine._entry_points; the
#: package's files are read from its folder), and the parts of planengine that another command
#: uses (jsonschema-rs imports the e-mail package itself, so only ``plan`` is held to it)
_READ_ONCE = ("importlib.metadata", "importlib.resources")
NOT_IMPORTED = {
    "validate": (
        *_READ_ONCE,
        "jsonschema",
        "planengine.plan._engine",
        "planengine.strategies._strategy",
        "planengine.render._plan",
        "planengine.fhir",
        "planengine.review._review",
        "pydantic",
    ),
    "plan": (
        *_READ_ONCE,
        "email",
        "jsonschema",
        "jsonschema_rs",
        "lemminflect",
        "confusable_homoglyphs",
        "planengine.smart._check",
        "planengine.smart._rules",
        "planengine.smart._validate",
        "planengine.review._review",
        "planengine.review._inputs",
        "planengine.fhir",
        "planengine.io._schema_check",
        "pydantic",
    ),
    "review": (
        *_READ_ONCE,
        "jsonschema",
        "planengine.plan._engine",
        "planengine.strategies._strategy",
        "planengine.render._plan",
        "planengine.fhir",
        "pydantic",
    ),
}

#: the most planengine modules each command imports (today's count and a little room: a new
#: module on the path is a decision, made here). Session 28: +1 each for `planengine._lazy`, the
#: one lazy-export lookup the three packages share (it was three copies of the same function).
MOST_MODULES = {"validate": 111, "plan": 122, "review": 126}

_SCRIPT = """
import contextlib, io, json, sys
from planengine.cli._main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def _imported(command: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *command], capture_output=True, text=True, check=True
    )
    modules: list[str] = json.loads(done.stdout.splitlines()[-1])
    return modules


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_imports_only_what_it_uses(name: str) -> None:
    _imported(COMMANDS[name])  # the first start makes the data cache; the budget is for later ones
    modules = _imported(COMMANDS[name])
    heavy = [
        banned
        for banned in NOT_IMPORTED[name]
        if any(m == banned or m.startswith(banned + ".") for m in modules)
    ]
    assert heavy == [], f"planengine {name} imports {heavy}"
    ours = [m for m in modules if m == "planengine" or m.startswith("planengine.")]
    assert len(ours) <= MOST_MODULES[name], f"planengine {name} imports {len(ours)} of its modules"
