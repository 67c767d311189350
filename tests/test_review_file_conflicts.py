"""Two goal files of one patient that disagree (clinician read 8, "Review: conflicting files
(p-108)", and N9): the review names the conflict and says which scores each status could not
use. The p-108 case is the example caseload as the clinician ran it:
``review examples/review --as-of 2027-01-20``."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest
import yaml

from planengine.render._review_formats import render_review
from planengine.review._file_conflicts import RULE_CONFLICT, RULE_OTHER_FILE_VALUES
from planengine.review._files import ReviewRun, review_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)


def _file(run: ReviewRun, name: str):
    return next(r for r in run.reviews if (r.file or "").endswith(name))


def _conflict(review) -> str | None:
    return next((n.message for n in review.notices if n.code == RULE_CONFLICT), None)


def _note(goal):
    return next((s for s in goal.suggestions if s.rule == RULE_OTHER_FILE_VALUES), None)


@pytest.fixture(scope="module")
def p108() -> ReviewRun:
    return review_paths([EXAMPLES], as_of=AS_OF)


def test_each_file_names_the_scores_and_baselines_that_disagree(p108: ReviewRun) -> None:
    for name in ("disposition.yaml", "lost-target.yaml"):
        message = _conflict(_file(p108, name))
        assert message is not None, name
        assert (
            "PHQ-9 15 on 2026-10-28 (disposition.yaml, baseline of mood) and 8 on 2026-10-29 "
            "(lost-target.yaml, progress of mood) are 1 day apart (within its 14-day recall "
            "window) yet differ by 7 (its reliable-change threshold is 6)"
        ) in message
        assert (
            "goal mood has baseline 15 on 2026-10-28 in disposition.yaml but 18 on 2026-09-01 in "
            "lost-target.yaml"
        ) in message


def test_the_credited_target_sits_beside_the_conflict_and_the_other_files_scores(
    p108: ReviewRun,
) -> None:
    mood = _file(p108, "lost-target.yaml").goal("mood")
    assert "the target <= 9 was met on 2026-10-29 (8)" in mood.status.reason  # still said ...
    note = _note(mood)  # ... but no longer alone
    assert note is not None and note.action == "wait"
    assert "judged on lost-target.yaml's values only" in note.reason
    assert "disposition.yaml: 15 on 2026-10-28, 9 on 2026-12-09, 4 on 2027-01-13" in note.reason
    assert "the files disagree (PHQ-9 15 on 2026-10-28" in note.reason
    other = _note(_file(p108, "disposition.yaml").goal("mood"))
    assert other is not None
    assert "lost-target.yaml: 18 on 2026-09-01, 9 on 2026-10-01, 8 on 2026-10-29, 13 on" in (
        other.reason
    )


def test_a_goal_whose_questionnaire_no_other_file_scores_gets_no_note(p108: ReviewRun) -> None:
    assert _note(_file(p108, "lost-target.yaml").goal("worry")) is None  # GAD-7: this file only


def test_possible_disengagement_names_the_later_score_in_the_other_file(p108: ReviewRun) -> None:
    mood = _file(p108, "lost-target.yaml").goal("mood")
    [contact] = [s for s in mood.suggestions if s.action == "contact-patient"]  # contact today
    assert contact.action == "contact-patient"  # kept: contacting the patient is never withheld
    assert "But disposition.yaml has a later PHQ-9, 4 on 2027-01-13" in contact.reason


def test_p108_is_contact_today_and_its_row_says_the_files_disagree(p108: ReviewRun) -> None:
    [entry] = [e for e in p108.caseload if e.patient == "p-108"]
    assert entry.group == "contact-today"  # read 8, N9
    assert entry.status_line.startswith("p-108: 2 goal files that disagree – merge; ")


def test_every_format_shows_the_conflict(p108: ReviewRun) -> None:
    for fmt in ("text", "markdown", "json", "html"):
        out = render_review(p108, fmt)
        assert RULE_CONFLICT in out and RULE_OTHER_FILE_VALUES in out, fmt


# Data-driven: which pairs of PHQ-9 scores in two files disagree ----------------------------------


def _goal_file(baseline: tuple[str, int], progress: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "planengine": 1,
        "patient": {"id": "p-900"},
        "goals": [
            {
                "id": "mood",
                "area": "depression",
                "addresses": ["phq9"],
                "statement": "Bring my PHQ-9 down to 9 or below by April.",
                "measure": {
                    "instrument": "phq9",
                    "baseline": {"value": baseline[1], "date": dt.date.fromisoformat(baseline[0])},
                    "target": {"value": 9, "comparator": "<="},
                },
                "start_date": dt.date.fromisoformat(baseline[0]),
                "due_date": dt.date(2027, 4, 28),
                "review_interval_days": 28,
                "progress": [{"date": dt.date.fromisoformat(d), "value": v} for d, v in progress],
            }
        ],
    }


def _run_two(tmp_path: pathlib.Path, first: dict[str, Any], second: dict[str, Any]) -> ReviewRun:
    for name, data in (("a.yaml", first), ("b.yaml", second)):
        (tmp_path / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return review_paths([tmp_path], as_of=AS_OF)


SAME_BASELINE = ("2026-10-01", 16)
CASES = [
    # (a's progress, b's progress, a conflict expected, why)
    ([("2026-11-01", 12)], [("2026-11-01", 11)], True, "one day, two values"),
    ([("2026-11-01", 14)], [("2026-11-05", 8)], True, "4 days apart, differ by 6 (>= 6)"),
    ([("2026-11-01", 14)], [("2026-11-05", 9)], False, "differ by 5, below the threshold"),
    ([("2026-11-01", 14)], [("2026-11-15", 8)], False, "14 days apart: outside the window"),
    ([("2026-11-01", 12)], [("2026-11-01", 12)], False, "the same score in both files"),
]


@pytest.mark.parametrize(("a", "b", "clash", "why"), CASES, ids=[c[3] for c in CASES])
def test_scores_disagree_within_the_recall_window_by_a_reliable_change(
    tmp_path: pathlib.Path, a: Any, b: Any, clash: bool, why: str
) -> None:
    run = _run_two(tmp_path, _goal_file(SAME_BASELINE, a), _goal_file(SAME_BASELINE, b))
    for review in run.reviews:
        assert (_conflict(review) is not None) is clash, why
        note = _note(review.goal("mood"))
        if a == b:
            assert note is None  # nothing in the other file this goal does not use
        else:
            assert note is not None
            assert ("the files disagree" in note.reason) is clash


def test_different_baselines_of_one_goal_disagree_even_far_apart(tmp_path: pathlib.Path) -> None:
    run = _run_two(tmp_path, _goal_file(("2026-09-01", 18), []), _goal_file(("2026-12-01", 14), []))
    message = _conflict(run.reviews[0])
    assert message is not None
    assert "goal mood has baseline 18 on 2026-09-01 in a.yaml but 14 on 2026-12-01 in b.yaml" in (
        message
    )


def test_the_conflict_reads_the_same_whichever_file_comes_first(tmp_path: pathlib.Path) -> None:
    a = _goal_file(SAME_BASELINE, [("2026-11-01", 14)])
    b = _goal_file(SAME_BASELINE, [("2026-11-05", 8)])
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    one, two = _run_two(tmp_path / "1", a, b), _run_two(tmp_path / "2", b, a)
    first = {_conflict(r) for r in one.reviews}
    second = {_conflict(r) for r in two.reviews}
    assert len(first) == 1 and len(second) == 1
    # the same pair, named with its files swapped
    assert (
        first.pop().replace("a.yaml", "X").replace("b.yaml", "a.yaml").replace("X", "b.yaml")
        == second.pop()
    )


def test_a_single_file_is_never_judged_against_itself() -> None:
    run = review_paths([EXAMPLES / "on-track.yaml"], as_of=AS_OF)
    [review] = run.reviews
    assert _conflict(review) is None
    assert all(_note(g) is None for g in review.goals)
