"""A clinician's read of the review and caseload (clinician-read-4 §3), each case from the
example files as the clinician ran them: ``review examples/review --as-of 2027-01-20``."""

from __future__ import annotations

import datetime as dt
import pathlib

import attrs

from planengine.io._loader import load_document
from planengine.render._review_formats import render_review
from planengine.review._config import review_config_from_mapping
from planengine.review._files import review_paths
from planengine.review._review import review_goals

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "review"
AS_OF = dt.date(2027, 1, 20)


def _run() -> object:
    return review_paths([EXAMPLES], as_of=AS_OF)


def _review(name: str, **config: object):
    document = load_document(EXAMPLES / name)
    if config:
        return review_goals(document, as_of=AS_OF, config=review_config_from_mapping({"review": config}))
    return review_goals(document, as_of=AS_OF)


def test_within_a_group_the_order_is_by_urgency_not_id() -> None:
    order = [e.patient for e in _run().caseload]
    # 3.1: p-105's flag (61 days) before c-204's (10 days); p-104 (reliable deterioration)
    # before p-101 (a missed walking goal) and p-102
    assert order.index("p-105") < order.index("c-204")
    assert order.index("p-104") < order.index("p-101")
    assert order.index("p-104") < order.index("p-102")


def test_symptom_measures_come_before_behavioural_goals_in_the_order_of_attention() -> None:
    assert _review("on-track.yaml").priority == ("mood", "walking")  # 3.8: p-101


def test_an_old_unassessed_flag_is_escalated_at_the_top_and_in_the_header() -> None:
    run = _run()
    text = render_review(run, "text").splitlines()
    # read 5, §4.2: counted from the first endorsement (1 on 2026-10-15), not the latest (2026-11-20)
    escalation = "RISK FLAG p-105/risk-1 UNASSESSED FOR 97 DAYS – escalate today (supervisor or duty clinician)"
    assert text[1].startswith(escalation)  # 3.2: the caseload's first line after its title
    single = render_review(review_paths([EXAMPLES / "risk-item9.yaml"], as_of=AS_OF), "markdown")
    assert escalation in single.split("| Goal |")[0]  # the patient's header


def test_the_escalation_age_is_configurable_and_never_silences_the_flag() -> None:
    review = _review("risk-item9.yaml", **{"flag-escalation-days": 120})
    out = render_review(attrs.evolve(review_paths([EXAMPLES / "risk-item9.yaml"], as_of=AS_OF),
                                     reviews=(review,)), "text")
    assert "UNASSESSED" not in out
    assert "p-105/risk-1" in out and review.exit_code >= 1  # still an open flag


def test_stale_data_at_caseness_is_possible_disengagement_not_overdue() -> None:
    review = _review("stale-measurement.yaml")  # 3.3: p-109, PHQ-9 15-16, 127 days ago
    mood = review.goal("mood")
    # read 24: unseen for more than twice the cadence with item 9 never asked: this week
    assert "not seen for 127 days, risk not known: reach out this week" in mood.attention
    assert mood.trajectory.position == "unknown"
    entry = next(e for e in _run().caseload if e.patient == "p-109")
    # clinician read 9, S11: out of touch with item 9 unknown since PHQ-9 16 -> contacted today
    assert entry.group == "contact-today"


def test_one_patient_id_is_one_caseload_row_with_every_file_and_unique_flag_ids() -> None:
    run = _run()
    rows = [e for e in run.caseload if e.patient == "p-108"]
    assert len(rows) == 1  # 3.4: no second "routine" row
    # read 8: back at caseness after a flag, with the risk item unknown: contacted today
    assert rows[0].group == "contact-today"
    assert {pathlib.Path(f).name for f in rows[0].files} == {"disposition.yaml", "lost-target.yaml"}
    ids = [f.id for r in run.reviews for f in r.risk_flags]
    assert len(ids) == len(set(ids))
    assert "p-108/risk-1@disposition.yaml" in ids
    notices = [n.code for r in run.reviews if r.patient == "p-108" for n in r.notices]
    assert notices.count("review.several-goal-files") == 2
    assert "ask about risk: back at caseness" in rows[0].status_line


def test_back_at_caseness_on_phq9_prompts_ask_about_risk() -> None:
    mood = _review("lost-target.yaml").goal("mood")
    # stale as well: the same-day contact asks it first (clinician read 23)
    assert mood.suggestions[0].rule == "review.contact-today"
    assert "ask about risk" in mood.attention


def test_a_risk_item_not_recorded_is_in_the_row_and_header_and_needs_attention_at_15() -> None:
    review = _review("on-track.yaml")  # 3.5: p-101 started at PHQ-9 20, item 9 never seen
    [gap] = review.risk_item_gaps
    assert gap.needs_attention and gap.threshold == 15  # the moderately severe band, from data
    entry = next(e for e in _run().caseload if e.patient == "p-101")
    assert "PHQ-9 item 9 (suicidal ideation) not recorded" in entry.status_line
    assert "PHQ-9 item 9 (suicidal ideation) not recorded" in render_review(
        review_paths([EXAMPLES / "on-track.yaml"], as_of=AS_OF), "text"
    ).splitlines()[1]


def test_re_measure_is_said_once_per_patient() -> None:
    out = render_review(review_paths([EXAMPLES / "gas.yaml"], as_of=AS_OF), "text")
    assert out.count("re-measure all goals at the next contact") == 1
    assert "[review.re-measure]" not in out  # 3.8: no per-goal boilerplate when it is all
    # read 23: an overdue review and a stale value are never "-" in the attention column
    assert _review("achieved-early.yaml").goal("mood").attention == (
        "review overdue since 2026-12-15; latest value 66 days old: re-measure",
    )


def test_a_passed_due_date_after_a_meaningful_gain_is_improved_agree_a_new_target() -> None:
    insomnia = _review("behind.yaml").goal("insomnia")  # 3.8: p-102, ISI 20 -> 14
    assert insomnia.status.rule == "status.due-passed-improved"
    assert "improved – agree a new target" in insomnia.attention


def test_rci_arithmetic_is_a_details_line_and_percentages_read_as_words() -> None:
    out = render_review(review_paths([EXAMPLES / "worsening.yaml"], as_of=AS_OF), "text")
    # read 5, §4.5: the PHQ-9's Jacobson-Truax inputs are illustrative: the 6 points decide
    main = [line for line in out.splitlines() if "reliable change (points-threshold)" in line]
    assert main and all("ILLUSTRATIVE" not in line for line in main)
    assert "details: the published reliable-change threshold of 6 points is used" in out
    assert "worse by 58 %" in out and "-58.3 %" not in out


def test_a_stale_value_past_the_review_point_is_likely_non_response() -> None:
    mood = _review("bad-input.yaml").goal("mood")  # 3.9: p-107, a value at week 14
    assert "review.likely-non-response" in {s.rule for s in mood.suggestions}
    assert mood.needs_attention
    # read 23: p-109's only value after the baseline is from week 2: too early to call it a
    # non-response, but the step-up is still decided at the contact that re-measures
    mood = _review("stale-measurement.yaml").goal("mood")
    rules = {s.rule: s for s in mood.suggestions}
    assert "review.likely-non-response" not in rules
    assert "too early to call it a non-response" in rules["review.review-point-due"].reason
    assert "decide about a step-up in the same session" in rules["review.review-point-due"].reason
    assert mood.needs_attention
    # not after a reliable improvement (p-101 mood, 20 -> 14)
    assert "review.likely-non-response" not in {
        s.rule for s in _review("on-track.yaml").goal("mood").suggestions
    }
