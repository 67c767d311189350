"""docs/hooks.md: every hook has its section, and every example in it runs (each block is a
complete plugin and the lines that show it working, with assertions)."""

from __future__ import annotations

import pathlib
import re

import pytest

from planengine import hookspecs

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if callable(value) and hasattr(value, "planengine_spec")
)
SECTIONS = dict(
    (match.group(1), match.group(2))
    for match in re.finditer(r"^## `(\w+)\((.*?)\)`$", DOC, flags=re.MULTILINE)
)
EXAMPLES = re.findall(r"^```python\n(.*?)^```$", DOC, flags=re.MULTILINE | re.DOTALL)


def test_every_hook_has_a_section_with_its_signature_and_an_example() -> None:
    import inspect

    assert len(HOOKS) == 7
    assert sorted(SECTIONS) == HOOKS
    for name in HOOKS:
        spec = getattr(hookspecs, name)
        assert SECTIONS[name] == ", ".join(inspect.signature(spec).parameters), name
        body = DOC.split(f"## `{name}(", 1)[1].split("\n## ", 1)[0]
        assert "```python" in body and f"def {name}(" in body, name
        version = re.search(r"versionadded:: ([\d.]+)", spec.__doc__ or "")
        assert version and f"Since {version.group(1)}." in body, name


def test_the_versioning_and_deprecation_policy_is_written() -> None:
    policy = DOC.split("## Versioning and deprecation", 1)[1]
    for needed in ("warn_on_impl", "at least two", "six months", "CHANGELOG.md", "dependencies"):
        assert needed in policy, needed


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_the_example_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples read files of this repository by relative path
    exec(compile(code, "docs/hooks.md", "exec"), {"__name__": "hook_example"})
