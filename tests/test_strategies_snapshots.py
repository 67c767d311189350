"""Golden plans for every assessment in ``examples/``, with all built-in plugins.

Each snapshot in ``tests/snapshots/<example>.plan.json`` is the exact JSON ``planengine plan
examples/<example> --as-of 2026-11-25`` prints. A change to strategy content, the core or the
instruments shows up here as a diff to read as a clinician would (order, doses, wording, nothing
unsafe) before it is accepted.

Regenerate after a reviewed change::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_strategies_snapshots.py
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib

import pytest

from planengine import load_assessment

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted(
    p for p in (ROOT / "examples").iterdir() if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
)
SNAPSHOTS = ROOT / "tests" / "snapshots"
AS_OF = dt.date(2026, 11, 25)
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


def snapshot_path(example: pathlib.Path) -> pathlib.Path:
    return SNAPSHOTS / f"{example.stem}.plan.json"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_plan_matches_its_golden_snapshot(engine, example: pathlib.Path) -> None:
    text = engine.plan(load_assessment(str(example)), as_of=AS_OF).to_json()
    path = snapshot_path(example)
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no snapshot for {example.name}; run UPDATE_SNAPSHOTS=1 pytest {__file__}")
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{example.name}: the plan differs from {path.name}; read the diff as a clinician would and "
        "regenerate with UPDATE_SNAPSHOTS=1 if the change is intended"
    )


def test_every_snapshot_has_an_example() -> None:
    expected = {snapshot_path(p).name for p in EXAMPLES}
    assert {p.name for p in SNAPSHOTS.glob("*.plan.json")} == expected
