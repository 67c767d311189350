"""(Code review, session 31) A goal file's waiting goals are listed, with what each waits for,
in every review format a clinician reads (text, Markdown, HTML), as the docs say."""

from __future__ import annotations

import datetime as dt

import pytest

from plan_helpers import example_plan
from planengine.render._plan import plan_to_goal_document
from planengine.render._review import waiting_lines
from planengine.review import review_goals


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_waiting_goals_are_listed_in_every_format(engine, fmt: str) -> None:
    from planengine import render_review

    document = plan_to_goal_document(example_plan(engine, "moderate-phq9-gad7-isi.yaml"))
    review = review_goals(document, as_of=dt.date(2027, 1, 20))
    lines = waiting_lines(review)
    assert lines and all("waiting, not reviewed (starts when: " in line for line in lines)
    text = render_review(review, fmt)
    for line in lines:
        goal_id = line.split(":", 1)[0]
        assert f"{goal_id}: waiting, not reviewed" in text
