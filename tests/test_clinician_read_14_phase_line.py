"""Scenario tests for clinician read 14, S2: a problem that waits while some of its steps start
now says so in its phase line. Each fails without its fix.

suicidal-words-in-goals' Sleep read "**Phase: Next.** ... Meanwhile: progress on its
objectives.", while the ISI, the sleep-disorder check and sleep hygiene start at this visit: a
reader of the phase line alone would not give the ISI today. The fix is general: every waiting
problem with a step that starts now names those steps, and those that wait, first; and a
"Meanwhile" its entry already says is not said again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plan_helpers import example_plan
from planengine.plan.stepped_care._records import NO_MEASURE
from planengine.render._plan import render_markdown

EXAMPLES = sorted(
    p.name for p in (Path(__file__).resolve().parents[1] / "examples").iterdir() if p.is_file()
)


def _phase_lines(text: str) -> dict[str, str]:
    """Each problem's phase line in Appendix A, by its heading ("4. Sleep")."""
    if "## Appendix A." not in text:  # a plan with no problem
        return {}
    appendix = text.split("## Appendix A.", 1)[1]
    found = re.findall(r"^### (\d+\. [^\n]+)\n\n(\*\*Phase: [^\n]+)", appendix, flags=re.M)
    return dict(found)


def test_suicidal_words_sleep_phase_names_what_starts_now(engine) -> None:
    text = render_markdown(example_plan(engine, "suicidal-words-in-goals.yaml"))
    line = _phase_lines(text)["4. Sleep"]
    assert line.startswith(
        "**Phase: Next; 3 of its steps start now.** Now: Give the ISI at this visit; Check for "
        "other sleep disorders; Sleep hygiene, as a supporting step. Waiting: Keep a sleep diary; "
        "Talk through alcohol as a sleep aid. "
    )
    assert "Start when Depression has improved reliably, or at the week-8 review" in line
    assert "Meanwhile: progress on its objectives" not in line  # the entry already says it


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_waiting_problem_names_its_steps_that_start_now(engine, name) -> None:
    plan = example_plan(engine, name)
    lines = _phase_lines(render_markdown(plan))
    data = plan.to_dict()
    for number, problem in enumerate(data["problems"], start=1):
        heading = next(h for h in lines if h.startswith(f"{number}. "))
        line = lines[heading]
        now = [s["title"] for s in problem["interventions"] if s["phase"] == "now"]
        if problem["phase"] == "now" or not now:
            assert "start now" not in line.split("**")[1] and "starts now" not in line.split("**")[1]
            continue
        assert f"{len(now)} of its steps start" in line
        for title in now:
            assert title in line.split(" Waiting: ")[0]
        for step in problem["interventions"]:
            if step["phase"] != "now":
                assert step["title"] in line.split(" Waiting: ", 1)[1]


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_phase_line_says_its_meanwhile_twice(engine, name) -> None:
    plan = example_plan(engine, name)
    lines = _phase_lines(render_markdown(plan))
    for number, problem in enumerate(plan.to_dict()["problems"], start=1):
        phasing = problem.get("phasing") or {}
        review, entry = phasing.get("review"), phasing.get("entry") or ""
        line = next(v for h, v in lines.items() if h.startswith(f"{number}. "))
        # none for a problem no questionnaire measures (read 15, S4)
        said = bool(review and review != NO_MEASURE and review not in entry)
        assert (f"Meanwhile: {review}." in line) == said
