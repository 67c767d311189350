"""Scenario tests for clinician read 13, S2: under the cardiac caution the plan's progressive
muscle relaxation reads release-only throughout, its summary included. Each fails without its
fix.

lifestyle-stress-cardiac's Appendix A still read "Tense and release muscle groups in turn" in the
step summary, and "then release only without tensing" in the shortening sub-step, which implies
tensing before it: a clinician teaching from the appendix would teach tensing before the cardiac
team has agreed it.
"""

from __future__ import annotations

import re

from plan_helpers import example_plan, steps_by_id
from planengine.render._plan import render_markdown

#: an instruction to tense, as opposed to the words that rule it out or wait for agreement
_TENSING = re.compile(r"\b[Tt]ense\b|then release only without tensing")


def _pmr(engine, name: str) -> dict:
    plan = example_plan(engine, name)
    (step,) = [
        s
        for k, s in steps_by_id(plan.to_dict()).items()
        if k.endswith("-progressive-muscle-relaxation")
    ]
    return step


def test_cardiac_pmr_summary_and_sub_steps_never_teach_tensing(engine) -> None:
    step = _pmr(engine, "lifestyle-stress-cardiac.yaml")
    # held while the risk question never asked is asked today (read 16, M1); the caution stays
    assert step["status"] == "held"
    assert any(n.startswith("Caution (cardiac-condition)") for n in step["notes"])
    for text in (step["description"], *step["steps"]):
        assert not _TENSING.search(text), text
    assert step["description"].startswith(
        "Release muscle groups in turn (gentle tensing only if the cardiac team agrees)"
    )
    assert "then a single whole-body release" in step["steps"][2]


def test_cardiac_pmr_appendix_reads_release_only(engine) -> None:
    text = render_markdown(example_plan(engine, "lifestyle-stress-cardiac.yaml"))
    appendix = text[text.index("3. **Progressive muscle relaxation:** Release") :]
    appendix = appendix[: appendix.index("\n4. ")]
    assert "Tense and release" not in appendix
    assert "release only without tensing" not in appendix


def test_without_a_cardiac_condition_pmr_still_teaches_tensing(engine) -> None:
    step = _pmr(engine, "moderate-phq9-gad7-isi.yaml")
    assert step["description"].startswith("Tense and release muscle groups in turn")
    assert step["steps"][0].startswith("Tense one muscle group for about 5-7 seconds")
