"""Scenario tests for clinician read 16, S1 and S4: a questionnaire given at this visit says when
it is repeated, and is not "reviewed every 7 days" once done. Each fails without its fix.

* S1: screens-and-wellbeing's criterion reads "the PHQ-9 (given today, then every 14 days)", but
  its task only said "clinician records completion"; suicidal-words-in-goals' ISI had no repeat
  and no fallback for a clinic without an ISI licence.
* S4: "Give the full PHQ-9 (with item 9) at this visit ... review every 7 days" reads as an
  unfinished task: a task done at this visit is "Due <date> (at this visit); checked at the next
  review".
"""

from __future__ import annotations

import re

import pytest

from plan_helpers import EXAMPLE_AS_OF, all_objectives, example_plan
from planengine.render._plan import render_markdown

_LONG_DATE = "7 December 2026"


def _objective(name: str, engine, key: str) -> dict:
    return next(o for o in all_objectives(example_plan(engine, name).to_dict()) if o["id"] == key)


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("depression-next-step-1", "clinician records the PHQ-9; if it is given, it is repeated every 14 days"),
        ("trauma-next-step-1", "clinician records the PCL-5; if it is given, it is repeated every 30 days"),
    ],
)
def test_a_questionnaire_a_screen_asks_for_today_names_its_repeat(engine, key, says) -> None:
    task = _objective("screens-and-wellbeing.yaml", engine, key)
    assert task["measure"]["method"].startswith(says)
    assert "records completion" not in task["measure"]["method"]


def test_a_follow_up_that_gives_no_questionnaire_still_records_completion(engine) -> None:
    missing = example_plan(engine, "missing-item9.json").to_dict()
    (task,) = [o for o in all_objectives(missing) if o["id"].startswith("depression-next-step")]
    assert task["measure"]["method"] == "clinician records completion"


def test_the_isi_given_today_is_repeated_and_has_a_fallback_without_a_licence(engine) -> None:
    task = _objective("suicidal-words-in-goals.yaml", engine, "sleep-isi-at-this-visit")
    method = task["measure"]["method"]
    assert "it is repeated every 14 days" in method
    assert (
        "if the clinic holds no ISI licence, the week-8 decision is made with the patient on the "
        "sleep diary and clinical judgement" in method
    )


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("screens-and-wellbeing.yaml", "Give the full PHQ-9 (with item 9) at this visit"),
        ("trauma-pcl5-insomnia.yaml", "Give the full PHQ-9 (with item 9) at this visit"),
        ("alcohol-anxiety-sleep.yaml", "Give the full PHQ-9 (with item 9) at this visit"),
        ("suicidal-words-in-goals.yaml", "Give the ISI at this visit"),
        ("missing-item9.json", "Ask the patient to answer item 9 of the PHQ-9, then score it again"),
    ],
)
def test_a_task_done_at_this_visit_is_checked_at_the_next_review(engine, name, title) -> None:
    text = render_markdown(example_plan(engine, name))
    when = f"Due {_LONG_DATE} (at this visit); checked at the next review."
    # every place the task is listed (the summary's line, the appendix's objective) says so
    tasks = list(re.finditer(re.escape(f"**{title}") + r"[^*\n]*, by [^*\n]*\*\*", text))
    assert tasks
    for task in tasks:
        block = re.split(r"\n\d+\. \*\*|\n#", text[task.end():], maxsplit=1)[0]
        assert when in block, block
    assert "review every 7 days (first 7 December 2026)" not in text
    assert f"Review every 14 days, first {_LONG_DATE}." not in text


def test_the_cardiac_plans_phq9_is_now_given_at_this_visit(engine) -> None:
    """Read 16 left the well-being PHQ-9 of the cardiac plan due within the week; read 17, S3
    moved it to this visit (its item 9 answers today's risk question): a one-off task."""
    task = _objective("lifestyle-stress-cardiac.yaml", engine, "wellbeing-phq9-assessment")
    assert task["due_date"] == EXAMPLE_AS_OF.isoformat()
    text = render_markdown(example_plan(engine, "lifestyle-stress-cardiac.yaml"))
    assert "Complete a full PHQ-9" not in text
    after = text.split("Give the full PHQ-9 (with item 9) at this visit, by", 1)[1][:600]
    assert "(at this visit); checked at the next review" in after
