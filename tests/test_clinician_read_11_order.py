"""Scenario tests for the clinician's read 11, appendix "Order" lines: each fails without its fix.

The appendix's "**Order:**" line comes from the same facts as the plan-at-a-glance row: it is
printed only where the row's "Why here" is the problem's rank (otherwise the row gives the
phase's own reason, which the appendix's "Phase" line already says), and it says "Treated first"
only where the row says "(treated first)": old-item9-history's Sleep (Later, measure again) no
longer reads "Treated alongside Depression"; relationships-with-ipv's Depression (Later, active
monitoring) no longer reads "Treated first".
"""

from __future__ import annotations

import re

import pytest

from plan_helpers import EXAMPLES, example_plan
from planengine.render._plan import render_markdown

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))
_ORDER = re.compile(r"^\*\*Order:\*\* (.*)$", re.MULTILINE)
_PHASE = re.compile(r"^\*\*Phase: [^*]*\*\* (.*)$", re.MULTILINE)


def _glance(text: str) -> dict[str, tuple[str, str, str]]:
    """The glance rows by number: problem cell, phase, why here."""
    section = text.split("## The plan at a glance", 1)[1].split("**Limits:**", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def _appendix(text: str) -> dict[str, str]:
    """Appendix A's problem sections by number."""
    section = text.split("## Appendix A. Each problem in full", 1)[1].split("\n## ", 1)[0]
    return {chunk.split(".", 1)[0]: chunk for chunk in section.split("\n### ")[1:]}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_order_line_says_what_the_glance_row_says(engine, name: str) -> None:
    text = render_markdown(example_plan(engine, name))
    if "## The plan at a glance" not in text:
        return
    details = _appendix(text)
    for number, (problem, _phase, why) in _glance(text).items():
        chunk = details[number]
        order = _ORDER.search(chunk)
        if order is None:
            phase = _PHASE.search(chunk)
            assert phase is not None and why in phase.group(1), (name, number)
            continue
        first = " Treated first." if problem.endswith("(treated first)") else ""
        assert order.group(1) == why + first, (name, number)


def _section(name: str, title: str, engine) -> str:
    text = render_markdown(example_plan(engine, name))
    return next(
        chunk for chunk in _appendix(text).values() if chunk.split(". ", 1)[1].startswith(title)
    )


def test_old_item9_sleep_is_not_treated_alongside_while_it_waits(engine) -> None:
    sleep = _section("old-item9-history.yaml", "Sleep", engine)
    # read 14, S2: the phase line also counts the steps that start now
    assert "**Phase: Later (at a review); 3 of its steps start now.**" in sleep
    assert "Treated alongside" not in sleep
    assert "that score is old: measure it again" in sleep


def test_ipv_depression_on_active_monitoring_is_not_treated_first(engine) -> None:
    depression = _section("relationships-with-ipv.yaml", "Depression", engine)
    assert "**Phase: Later (at a review); 1 of its steps starts now.**" in depression
    assert "Treated first" not in depression
    assert (
        "**Order:** No problem reached its cut-off; this one is monitored first (PHQ-9 8, below its "
        "cut-off of 10)." in depression  # clinician read 23, NIT
    )
