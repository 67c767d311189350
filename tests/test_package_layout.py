"""The package's shape: folders that show the pipeline, no import cycles, every module importable
on its own, and no module larger than the size the project keeps to without a written reason."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "planengine"
STAGES = ("io", "instruments", "plan", "strategies", "smart", "review", "render", "cli")


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


MODULES = _modules()


def _runtime_imports(path: pathlib.Path) -> set[str]:
    """The planengine modules a module imports at any level (function-level imports too: they
    hide a cycle rather than remove it), except under ``if TYPE_CHECKING:``, which never runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("planengine"):
            module = node.module or ""
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in MODULES)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("planengine"))
    return {name for name in found if name in MODULES}


def test_every_stage_is_a_folder_whose_init_says_its_job() -> None:
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.exists(), stage
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage


def test_there_is_no_import_cycle() -> None:
    graph = {
        name: _runtime_imports(path) - {name}
        for name, path in MODULES.items()
        if name != "planengine"  # the public API imports lazily from everything
    }
    # a depth-first search for a path back to the start, from every module
    cycles = []
    for start in graph:
        stack = [(start, (start,))]
        seen = set()
        while stack:
            node, route = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join((*route, start)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*route, nxt)))
    assert not cycles, cycles[:5]


def test_every_module_imports_on_its_own() -> None:
    """Each module in a fresh interpreter of its own (one process for all, modules unloaded
    between them), so that no module works only because another was imported first."""
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {sorted(set(MODULES) - {'planengine.__main__'})!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'planengine' or m.startswith('planengine.') or m.startswith('planengine_')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        failed.append(f'{name}: {type(error).__name__}: {error}')\n"
        "print('\\n'.join(failed))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", out.stdout


#: Modules larger than the project keeps to (about 600 lines), until they are split: the most
#: lines each may have, and why it is not split yet. The list may only shrink.
LARGE_MODULES = {
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_grows_past_its_size(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    most, _reason = LARGE_MODULES.get(name, (600, ""))
    assert lines <= most, f"{name}: {lines} lines"


#: The most lines a function may run (its docstring not counted) without a reason written at its
#: top, in a comment that starts "# Long:" before its first statement (the issue's "about 80").
FUNCTION_LINES = 90


def _long_functions_without_a_reason(path: pathlib.Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        docstring = (
            isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        )
        doc_lines = body[0].end_lineno - body[0].lineno + 1 if docstring else 0  # type: ignore[operator]
        length = node.end_lineno - node.lineno + 1 - doc_lines  # type: ignore[operator]
        if length <= FUNCTION_LINES:
            continue
        first = body[1] if docstring and len(body) > 1 else body[0]
        top = lines[(body[0].end_lineno if docstring else node.lineno) : first.lineno - 1]  # type: ignore[misc]
        if not any(line.strip().startswith("# Long:") for line in top):
            found.append(f"{node.name} ({length} lines)")
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_function_runs_long_without_a_reason(name: str) -> None:
    assert _long_functions_without_a_reason(MODULES[name]) == [], name


def test_the_function_length_check_finds_a_long_function(tmp_path: pathlib.Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(FUNCTION_LINES + 1))
    plain = tmp_path / "plain.py"
    plain.write_text(f'def f():\n    """Doc."""\n{body}')
    assert _long_functions_without_a_reason(plain) == [f"f ({FUNCTION_LINES + 2} lines)"]
    reasoned = tmp_path / "reasoned.py"
    reasoned.write_text(f'def f():\n    """Doc."""\n    # Long: a table of assignments.\n{body}')
    assert _long_functions_without_a_reason(reasoned) == []
