"""What an experienced clinician found in the plan documents (clinician read 5), held by tests:
a burden table that does not read as breaking its own limits, the follow-up call on a suicidal
patient's copy, the help box under their own words, a rules box that says when it starts, sleep
habits that do not point at absent steps, one owner of sleep, a sign-off that covers the signing
pages, one heading for a problem on active monitoring, and plainer wording."""

from __future__ import annotations

import copy
import datetime as dt
import pathlib
import re

import pytest

from planengine import Engine, load_assessment
from planengine.render._clinician_parts import contacts_text
from planengine.render._patient import _follow_up
from planengine.render._plan import render_markdown, render_patient

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
EXAMPLES = sorted(
    p.name for p in (ROOT / "examples").iterdir() if p.is_file() and p.suffix in (".yaml", ".json")
)
ENGINE = Engine()


def _plan(name: str):  # type: ignore[no-untyped-def]
    return ENGINE.plan(load_assessment(str(ROOT / "examples" / name)), as_of=AS_OF)


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


# 1. The burden table


@pytest.mark.parametrize(
    ("per_week", "text"),
    [(0, "none"), (1, "1 a week"), (3, "3 a week"), (2.23, "about 2 a week"), (0.69, "about 3 a month"),
     (0.23, "about 1 a month")],
)  # fmt: skip
def test_contacts_read_as_whole_plain_numbers(per_week: float, text: str) -> None:
    assert contacts_text(per_week) == text


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_burden_table_never_reads_as_a_week_above_the_limits(name: str) -> None:
    plan = _plan(name)
    glance = render_markdown(plan)
    if "**Limits:**" not in glance:
        pytest.skip("no burden")
    budget = plan.to_dict()["burden"]["limits"]["homework_minutes_per_week"]
    assert "a diary does not count" in glance
    for row in re.findall(r"^\| (?:Now|Next|Later \(at a review\)) \|.*$", glance, flags=re.M):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert not re.fullmatch(r"\d+\.\d+", cells[2]), row  # no fractions of a contact
        if cells[3].isdigit():
            assert int(cells[3]) <= budget, row


def test_an_option_above_the_budget_says_it_starts_in_parts() -> None:
    text = render_markdown(_plan("moderate-phq9-gad7-isi.yaml"))
    assert "self-help 300 min a week: more than the weekly budget of 210 min, so it starts in parts" in text
    # worry time, staggered to week 3 (read 8, S7), waits for a review too: 228 + its 75
    assert "| Later (at a review) | 1 | 1 a week | up to 303 if all started;" in text


# 2. The follow-up contact and the help box


def test_a_suicidal_patients_copy_says_when_the_clinician_will_call() -> None:
    copy_text = render_patient(_plan("severe-with-risk-flag.yaml"))
    section = _section(copy_text, "## Your next appointment")
    assert re.search(r"will contact you \(a call is enough\) by \d+ \w+ \d{4} \(within 72 hours\)\.", section)
    assert "If you miss the call, we will call again the same day." in section


def test_the_follow_up_takes_its_time_frame_from_the_step() -> None:
    data = copy.deepcopy(_plan("severe-with-risk-flag.yaml").to_dict())
    for problem in data["problems"]:
        for step in problem["interventions"]:
            if step["id"] == "safety-follow-up-contact":
                step["description"] = step["description"].replace(
                    "within 72 hours", "within 3 days"
                )
    assert re.fullmatch(
        r"Your clinician \(name: _+\) will contact you \(a call is enough\) by \d+ \w+ \d{4} "
        r"\(within 3 days\)\. If you miss the call, we will call again the same day\.",
        _follow_up(data) or "",
    )


def test_no_follow_up_line_without_the_step() -> None:
    assert "a call is enough" not in render_patient(_plan("moderate-phq9-gad7-isi.yaml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_help_box_comes_directly_under_what_you_want(name: str) -> None:
    headings = re.findall(r"^## (.+)$", render_patient(_plan(name)), flags=re.M)
    at = headings.index("If you need help now")
    assert at == (headings.index("What you want") + 1 if "What you want" in headings else 0)


# 3-5. The rules box


def test_the_rules_box_heading_says_when_the_rules_start() -> None:
    text = render_patient(_plan("severe-with-risk-flag.yaml"))
    assert "### Rules to follow, once your clinician has gone through them" in text
    assert "**Use your bed for sleep (from week 2):**" in text
    # a reported risk: the held steps start after today's safety check (clinician read 18, N1)
    held = re.search(
        r"> Your clinician will tell you today, after your safety check, whether to start these now\. \((.*)\)",
        text,
    )
    assert held is not None and "Use your bed for sleep" not in held.group(1)


@pytest.mark.parametrize("name", ["mild-sleep-only.yaml", "alcohol-anxiety-sleep.yaml"])
def test_sleep_habits_alone_do_not_point_at_other_sleep_steps(name: str) -> None:
    text = render_patient(_plan(name))
    assert "help the other sleep steps" not in text
    assert "Small habits that can help sleep" in text


def test_sleep_habits_beside_other_sleep_steps_keep_their_title() -> None:
    # plain words since read 8 (S4): not "help the other sleep steps"
    text = render_patient(_plan("severe-with-risk-flag.yaml"))
    assert "Small habits that help sleep" in text and "other sleep steps" not in text


def test_one_voice_for_sleep_when_bed_rules_and_a_sleep_course_both_start() -> None:
    name = "moderate-phq9-gad7-isi.yaml"
    assert "Until the sleep course starts, follow these rules; then the sleep course takes over." in render_patient(
        _plan(name)
    )
    assert (
        "The treating clinician gives the sleep diary and bed rules until CBT-I starts; the CBT-I provider "
        "then owns all sleep steps." in render_markdown(_plan(name))
    )
    assert "sleep course takes over" not in render_patient(_plan("mild-sleep-only.yaml"))


# 6. The sign-off


def test_the_signature_covers_the_signing_pages_not_the_appendices() -> None:
    sign_off = _section(render_markdown(_plan("moderate-phq9-gad7-isi.yaml")), "## Sign-off")
    assert "part of the plan signed" not in sign_off
    assert "The signature covers the pages before it; Appendix A and the rest are reference only" in sign_off


# 7. A problem on active monitoring


def test_a_monitored_problem_has_one_heading_and_is_not_an_other_thing() -> None:
    text = render_patient(_plan("mild-sleep-only.yaml"))
    assert "## Your sleep: start with these habits; we check in 4 weeks" in text
    assert "## Other things we talked about" not in text
    assert text.count("4 weeks") == 1


# 8. Wording


def test_plainer_wording_for_treatment_choices_and_the_drinking_goal() -> None:
    assert "Talk about treatment choices, including medicine" in render_patient(_plan("severe-with-risk-flag.yaml"))
    drinking = render_patient(_plan("alcohol-anxiety-sleep.yaml"))
    # read 9, S6: the goal has a number to fill in today and a date
    assert "Keep to ___ standard drinks a week (we agree the number today), in at least 3 of every 4 weeks" in drinking
    assert "personal limit agreed at the brief intervention" not in drinking
