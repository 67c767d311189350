"""The README's and docs' Python examples run as they are, each on its own (pasted alone, a block
must not need names from another), from the repository's root, as a reader runs them. Blocks that
are a file of a plugin package (``# my_package/...``), need Spark, or start worker processes are
run by their own tests (tests/test_plugin_kit.py, tests/test_batch_spark.py,
tests/test_batch_main_guard.py); docs/hooks.md by tests/test_hook_docs.py."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```python\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)


def _blocks(name: str) -> list[str]:
    return BLOCK.findall((ROOT / name).read_text(encoding="utf-8"))


def _runnable(code: str) -> bool:
    return not (
        code.startswith("# my_package/") or 'engine="spark"' in code or "run_batch(" in code
    )


SNIPPETS = [
    pytest.param(code, id=f"{name}#{number}")
    for name in ("README.md", "docs/stepped-care.md", "docs/batch.md")
    for number, code in enumerate(_blocks(name), start=1)
    if _runnable(code)
]


def test_the_readme_library_blocks_are_found() -> None:
    ids = [param.id for param in SNIPPETS]
    assert {"README.md#1", "README.md#2", "docs/stepped-care.md#1"} <= set(ids)


@pytest.mark.parametrize("code", SNIPPETS)
def test_a_block_runs_on_its_own(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<doc block>", "exec"), {"__name__": "doc_block"})


def test_the_review_block_prints_each_goal(monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = [c for c in _blocks("README.md") if "review_goals(" in c]
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<doc block>", "exec"), {"__name__": "doc_block"})
    lines = printed.getvalue().splitlines()
    assert lines == ["[]", "mood improving", "walking not-achieved"]
