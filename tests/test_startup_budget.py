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
#: package's files are read from its folder), ``pathlib`` (the configuration file is found with
#: ``os.path``), ``html`` (only risk-language text with an entity in it unescapes one), and the
#: parts of planengine that another command, or another output format, uses (jsonschema-rs
#: imports the e-mail package itself, so only ``plan`` is held to it). The other commands'
#: modules under ``planengine.cli`` are checked by :func:`test_a_command_imports_only_its_own_cli_module`.
_READ_ONCE = ("importlib.metadata", "importlib.resources", "pathlib", "html")
NOT_IMPORTED = {
    "validate": (
        *_READ_ONCE,
        "jsonschema",
        "planengine.plan._engine",
        "planengine.strategies._strategy",
        "planengine.render._plan",
        "planengine.fhir",
        "planengine.review._review",
        # a goal file that records no answers: nothing to score, no risk items to read
        "planengine.instruments._scoring",
        "planengine.review._risk",
        "planengine.plan.stepped_care._rules",  # the planning defaults only: stepped_care._defaults
        # the plan's records (the shared ones are planengine._records) and the safety step's
        "planengine._model",
        "planengine.io._assessment",
        "planengine.plan._safety_today",
        "planengine.plan._safety_hold",
        "planengine.plan._safety_on_record",
        "planengine.plan._risk_item_task",
        # the review's results (reading a goal file makes only planengine.review._readings)
        "planengine.review._model",
        "planengine._references",  # the bibliography: SARIF output only
        "orjson",  # the JSON writer: JSON and SARIF output only
        "pydantic",
    ),
    "plan": (
        *_READ_ONCE,
        "email",
        "jsonschema",
        "jsonschema_rs",
        "lemminflect",
        "confusable_homoglyphs",
        "urllib",
        "planengine.goals",
        "planengine.smart._model",
        "planengine.smart._check",
        "planengine.smart._rules",
        "planengine.smart._validate",
        "planengine.review._model",
        "planengine.review._review",
        "planengine.review._inputs",
        "planengine.render._markdown",  # the plan is written as JSON
        "planengine.fhir",
        "planengine.io._schema_check",
        "pydantic",
    ),
    "review": (
        *_READ_ONCE,
        "jsonschema",
        "statistics",  # no goal here is read by its rolling median
        "planengine.plan._engine",
        "planengine.strategies._strategy",
        "planengine.render._plan",
        "planengine.render._review_html",  # the review is written as text
        "planengine.render._svg",
        "planengine.plan.stepped_care._rules",
        "planengine.fhir",
        "planengine._model",  # the plan's records
        "planengine.io._assessment",
        # the SMART checks (the files are found by planengine.io._walk)
        "planengine.smart._validate",
        "planengine.smart._check",
        "planengine.smart._model",
        "planengine.instruments._scoring",  # no answers recorded in this file: nothing to score
        "orjson",  # the review is written as text
        "pydantic",
    ),
}

#: the most planengine modules each command imports (today's count and a little room: a new
#: module on the path is a decision, made here). Session 28: +1 each for `planengine._lazy`, the
#: one lazy-export lookup the three packages share (it was three copies of the same function).
#: Session 29 (start-up): 111, 121 and 125 before; only the command's own CLI module, the
#: configuration without the SMART records (plan), no scoring for a file without answers
#: (validate), no HTML page for a text review.
#: Session 30 (start-up round 4): 95 and 111 before for validate and review; the shared records
#: apart from the plan's, a goal file's readings apart from the review's results, files found
#: without the SMART checks. Plan +2, no new work: `planengine._plan_form` (the plan's JSON-form
#: parts split from `_model` by job) and `planengine.plan._safety_goals` (the safety problem's
#: dated goals split from `_safety_problem` by job), both for the module size limit.
#: Session 30 (review fixes): plan +3, no new work: `planengine.plan._safety_hold` (what the
#: safety rules hold and why), `planengine.plan._risk_item_task` (the other problems' risk-item
#: tasks) and `planengine.plan._safety_on_record` (the recorded "no"), split from `_safety` and
#: `_safety_today` by job for the module size limit.
MOST_MODULES = {"validate": 91, "plan": 107, "review": 95}

#: the most attrs record classes of planengine each command builds (each costs about 0.2-0.3 ms
#: to build, even with its methods kept compiled: planengine._attrs_code). Session 30: 82, 83
#: and 92 before; 59, 83 and 66 after. Session 31: review +2 for records it reports (a waiting
#: goal's trigger, an entry it could not use), which the review builds for every goal file.
MOST_RECORD_CLASSES = {"validate": 60, "plan": 84, "review": 68}

#: the modules the command imports (not those the interpreter's start-up imported: an editable
#: install's import hook imports pathlib before any of planengine runs)
_SCRIPT = """
import contextlib, io, json, sys
started = set(sys.modules)
from planengine.cli._main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(set(sys.modules) - started)))
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


#: the attrs classes planengine's modules (its built-in plugins included) defined by the end of
#: the command
_RECORDS_SCRIPT = """
import contextlib, io, json, sys
from planengine.cli._main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
import attrs
print(json.dumps(sorted(
    f"{name}.{value.__qualname__}"
    for name, module in list(sys.modules.items())
    if name == "planengine" or name.startswith(("planengine.", "planengine_builtins"))
    for value in list(vars(module).values())
    if isinstance(value, type) and attrs.has(value) and value.__module__ == name
)))
"""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_builds_only_the_records_it_may_use(name: str) -> None:
    """Building an attrs class is most of importing a small module; a command that imports
    records it never makes (another command's results) pays for each one on every start."""
    argv = [sys.executable, "-c", _RECORDS_SCRIPT, *COMMANDS[name]]
    subprocess.run(argv, capture_output=True, check=True)  # the first start makes the data cache
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    built: list[str] = json.loads(done.stdout.splitlines()[-1])
    assert "planengine.io._location.Location" in built  # the count sees the classes
    assert len(built) <= MOST_RECORD_CLASSES[name], (
        f"planengine {name} builds {len(built)}: {built}"
    )


#: the modules of ``planengine.cli`` every command imports
_CLI_SHARED = {"planengine.cli", "planengine.cli._main", "planengine.cli._common"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_imports_only_its_own_cli_module(name: str) -> None:
    """The parser adds a command's arguments (importing its module) only for the command run."""
    modules = _imported(COMMANDS[name])
    cli = sorted(m for m in modules if m.startswith("planengine.cli") and m not in _CLI_SHARED)
    assert cli == [f"planengine.cli._{name}"]


_FIRST_ENGINE = """
import json, sys
from planengine import Engine
before = set(sys.modules)
Engine()
print(json.dumps(sorted(set(sys.modules) - before)))
"""

#: what the first ``Engine()`` of a process must not import: the configuration file is read
#: without pathlib, and checking its keys needs neither the SMART settings nor goal records
_NOT_IN_FIRST_ENGINE = ("pathlib", "planengine.smart", "planengine.goals", "importlib.metadata")


def test_the_first_engine_imports_only_what_planning_uses() -> None:
    def imported() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", _FIRST_ENGINE], capture_output=True, text=True, check=True
        )
        modules: list[str] = json.loads(done.stdout.splitlines()[-1])
        return modules

    imported()  # the first start makes the data cache
    modules = imported()
    heavy = [
        banned
        for banned in _NOT_IN_FIRST_ENGINE
        if any(m == banned or m.startswith(banned + ".") for m in modules)
    ]
    assert heavy == [], f"the first Engine() imports {heavy}"


def test_registering_a_plugin_looks_at_no_dunder_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """pluggy looks at every name of a plugin object statically (``inspect.getattr_static``);
    the 25-odd dunders of each were most of registering the 11 built-in plugins on a start."""
    import pluggy._manager

    import planengine.hookspecs
    from planengine._plugins import load_plugins

    looked: list[str] = []
    static = pluggy._manager._static_hook_attr

    def counting(obj: object, name: str) -> object:
        if obj is not planengine.hookspecs:  # the hook specifications are read as pluggy reads them
            looked.append(name)
        return static(obj, name)

    monkeypatch.setattr(pluggy._manager, "_static_hook_attr", counting)
    loaded = load_plugins()
    assert loaded.manager.hook.register_strategies.get_hookimpls()  # the built-ins registered
    assert "register_strategies" in looked
    assert [name for name in looked if name.startswith("__") and name.endswith("__")] == []
