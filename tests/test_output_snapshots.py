"""Golden outputs of ``validate`` and ``review`` for every example, beside the golden plans.

The plans are compared in ``test_strategies_snapshots.py``. These pin what the linter and the
review print (JSON and text), so that a reshaping of the package that should change nothing is
seen to change nothing, byte for byte; a change meant to alter them shows up as a diff to read.

Regenerate after a reviewed change::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_output_snapshots.py
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine.cli._main import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots" / "outputs"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
REVIEWS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples" / "review").glob("*.yaml"))
PLANS = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "examples").iterdir()
    if p.is_file() and p.suffix in (".yaml", ".json")
)
#: (command, file, format, as_of): what each snapshot runs.
#: A folder run: the caseload view first, patients most urgent first (issue 19).
CASELOAD = "examples/review/caseload"
CASES = (
    [("review", path, fmt, "2027-01-20") for path in REVIEWS for fmt in ("json", "text", "markdown")]
    + [("review", CASELOAD, fmt, "2027-01-20") for fmt in ("json", "text", "markdown")]
    + [("validate", path, fmt, "2027-01-20") for path in REVIEWS for fmt in ("json", "text")]
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + (f"--- stderr ---\n{err}" if err else "") + f"--- exit {code} ---\n"


def _compare(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {name}; run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its snapshot; read the diff and regenerate with UPDATE_SNAPSHOTS=1 "
        "if the change is intended"
    )


@pytest.mark.parametrize(("command", "path", "fmt", "as_of"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_review_and_validate_output_matches_its_snapshot(
    capsys, monkeypatch, command: str, path: str, fmt: str, as_of: str
) -> None:
    monkeypatch.chdir(ROOT)  # relative paths in the output
    _, text = _run(capsys, command, path, "--as-of", as_of, "--format", fmt)
    _compare(f"{command}-{pathlib.Path(path).stem}.{fmt}.txt", text)


@pytest.mark.parametrize("path", PLANS)
def test_a_plans_goal_file_lints_and_reviews_as_its_snapshot(capsys, monkeypatch, tmp_path, path: str) -> None:
    """Every example plan's goal file, linted and reviewed on the planning date."""
    monkeypatch.chdir(ROOT)
    code, goals = _run(capsys, "plan", path, "--as-of", "2026-11-25", "--format", "goals")
    assert code == 0, goals
    goal_file = tmp_path / f"{pathlib.Path(path).stem}.goals.yaml"
    goal_file.write_text(goals.rsplit("--- exit", 1)[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, lint = _run(capsys, "validate", goal_file.name, "--as-of", "2026-11-25", "--format", "text")
    _, review = _run(capsys, "review", goal_file.name, "--as-of", "2026-11-25", "--format", "text")
    _compare(f"plan-{pathlib.Path(path).stem}.goals-lint-review.txt", goals + lint + review)


def test_every_output_snapshot_has_its_case() -> None:
    expected = {f"{c}-{pathlib.Path(p).stem}.{f}.txt" for c, p, f, _ in CASES}
    expected |= {f"plan-{pathlib.Path(p).stem}.goals-lint-review.txt" for p in PLANS}
    assert {p.name for p in SNAPSHOTS.glob("*.txt")} == expected


def test_a_plans_json_names_the_plugins_of_the_engine_that_made_it() -> None:
    import datetime as dt
    from pathlib import Path

    import planengine
    from planengine.io._json_text import json_text

    assessment = planengine.load_assessment(
        Path(__file__).parent.parent / "examples" / "moderate-phq9-gad7-isi.yaml"
    )
    engines = [planengine.Engine(), planengine.Engine(autoload=False), planengine.Engine()]
    plans = [e.plan(assessment, as_of=dt.date(2026, 11, 25)) for e in engines]
    for plan in [*plans, *reversed(plans)]:  # the plugins' forms are kept per engine's plugins
        assert plan.to_json() == json_text(plan.to_dict())
    assert len(plans[0].plugins) != len(plans[1].plugins)


def test_json_text_is_the_standard_librarys_indented_json_byte_for_byte() -> None:
    import datetime as dt
    import json
    from pathlib import Path

    import planengine
    from planengine.io._json_text import json_text

    engine = planengine.Engine()
    for path in sorted((Path(__file__).parent.parent / "examples").glob("*.yaml")):
        plan = engine.plan(planengine.load_assessment(path), as_of=dt.date(2026, 11, 25))
        data = plan.to_dict()
        expected = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        assert json_text(data) == expected, path.name
        # to_json writes the same form without copying it (planengine._json_form)
        assert plan.to_json() == expected, path.name
    odd = {"é": [1.5, 1e-4, 10**15, 1e15, -0.0, None, True, "\u2028", {}, []], "k": {"": "\x00"}}
    assert json_text(odd) == json.dumps(odd, indent=2, ensure_ascii=False) + "\n"
    int_keys = {"a": {2: "two", 1: [{3: None}]}, "b": 1}  # written as strings, in order
    assert json_text(int_keys) == json.dumps(int_keys, indent=2, ensure_ascii=False) + "\n"
    # the one difference: below 1e-4 the standard library writes an exponent, orjson does not;
    # both are the same number (no plan value is that small)
    assert json.loads(json_text([1e-7])) == [1e-7]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@given(part=_json_values, depth=st.integers(0, 4), before=st.booleans())
def test_a_part_written_once_reads_as_if_written_in_place(part: Any, depth: int, before: bool) -> None:
    from planengine.io._json_text import json_text, written_part

    def nested(value: Any) -> Any:  # ``value`` ``depth`` containers deep, with neighbours
        for level in range(depth):
            value = {"x": 1, "at": value} if (level + before) % 2 else [value, "y"]
        return value

    assert json_text(nested(written_part(part, depth))) == json_text(nested(part))
