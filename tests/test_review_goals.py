"""review_goals: status with its rule, trajectory, review dates, suggestions, risk flags, examples."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest

from planengine.io._loader import load_document, parse_document
from planengine.review import ACHIEVEMENT_STATUSES, Review, ReviewConfig, review_goals
from planengine.review._trajectory import expected_value

AS_OF = dt.date(2026, 11, 25)
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"


def goal(
    values: list[tuple[str, float]],
    *,
    instrument: str | None = "phq9",
    baseline: float = 20,
    target: float = 9,
    comparator: str = "<=",
    start: str = "2026-09-01",
    due: str = "2027-01-31",
    **extra: Any,
) -> dict[str, Any]:
    measure: dict[str, Any] = {
        "baseline": {"value": baseline, "date": start},
        "target": {"value": target, "comparator": comparator},
    }
    if instrument:
        measure["instrument"] = instrument
    else:
        measure.update(metric="minutes", unit="minutes")
    return {
        "id": "g",
        "area": "depression",
        "statement": "s",
        "measure": measure,
        "start_date": start,
        "due_date": due,
        "review_interval_days": 30,
        "progress": [{"date": d, "value": v} for d, v in values],
        **extra,
    }


def review(*goals: dict[str, Any], as_of: dt.date = AS_OF, **kwargs: Any) -> Review:
    return review_goals({"planengine": 1, "goals": list(goals), **kwargs}, as_of=as_of)


@pytest.mark.parametrize(
    ("values", "extra", "code", "rule"),
    [
        ([], {}, "in-progress", "status.awaiting-measurement"),
        ([("2026-10-01", 14)], {}, "improving", "status.reliable-improvement"),
        ([("2026-11-01", 18)], {"start": "2026-10-15"}, "no-change", "status.no-reliable-change"),
        ([("2026-10-01", 18), ("2026-11-20", 17)], {}, "no-change", "status.no-response"),
        ([("2026-10-01", 27)], {"baseline": 20}, "worsening", "status.reliable-deterioration"),
        ([("2026-11-20", 9)], {}, "achieved", "status.target-met"),
        ([("2026-11-01", 8), ("2026-11-20", 7)], {}, "sustaining", "status.sustaining"),
        # a passed due date after a meaningful gain: improved - agree a new target (clinician read 4)
        ([("2026-10-01", 15)], {"due": "2026-11-01"}, "not-achieved", "status.due-passed-improved"),
        ([("2026-10-01", 15)], {"target": -1}, "not-attainable", "status.target-impossible"),
    ],
)
def test_status_rules(values, extra, code, rule) -> None:
    result = review(goal(values, **extra)).goals[0]
    assert (result.status.code, result.status.rule) == (code, rule)
    assert result.status.reason
    assert (
        result.to_dict()["status"]["system"]
        == "http://terminology.hl7.org/CodeSystem/goal-achievement"
    )


def test_no_response_weeks_is_configurable() -> None:
    data = {"planengine": 1, "goals": [goal([("2026-10-01", 18), ("2026-11-20", 17)])]}
    late = review_goals(data, as_of=AS_OF, config=ReviewConfig(no_response_weeks=13))
    assert late.goals[0].status.rule == "status.no-reliable-change"
    assert review_goals(data, as_of=AS_OF).goals[0].status.rule == "status.no-response"


def test_expected_value_is_linear_and_clamped() -> None:
    start, due = dt.date(2026, 1, 1), dt.date(2026, 1, 11)
    assert expected_value(start, due, 20, 10, dt.date(2026, 1, 6)) == 15
    assert expected_value(start, due, 20, 10, dt.date(2025, 12, 1)) == 20
    assert expected_value(start, due, 20, 10, dt.date(2026, 3, 1)) == 10


@pytest.mark.parametrize(
    ("value", "tolerance", "position"),
    # 2026-09-01 -> 2027-01-31 is 152 days. The expected-recovery path expects the PHQ-9's
    # reliable change (the published 6 points: its Jacobson-Truax inputs are illustrative) by the
    # week-8 review point (2026-10-27), then runs on to the target: on 2026-11-20 (day 80) it
    # expects 14 - 5 * 24 / 96 = 12.75.
    [(13, 0.10, "on-track"), (11, 0.10, "ahead"), (14, 0.10, "behind"), (14, 0.25, "on-track")],
)
def test_trajectory_position_and_tolerance(value, tolerance, position) -> None:
    data = {"planengine": 1, "goals": [goal([("2026-11-20", value)], baseline=20, target=9)]}
    traj = (
        review_goals(data, as_of=AS_OF, config=ReviewConfig(trajectory_tolerance=tolerance))
        .goals[0]
        .trajectory
    )
    assert traj.position == position
    knee = 20 - 6
    assert traj.expected_now == pytest.approx(knee + (9 - knee) * 24 / 96, abs=0.01)
    assert [d.isoformat() for d, _ in traj.path] == ["2026-09-01", "2026-10-27", "2027-01-31"]
    assert traj.days_left == (dt.date(2027, 1, 31) - AS_OF).days


def test_a_free_metric_follows_the_straight_path() -> None:
    data = {"planengine": 1, "goals": [goal([("2026-11-20", 60)], instrument=None, baseline=90, target=30)]}
    traj = review_goals(data, as_of=AS_OF).goals[0].trajectory
    assert len(traj.path) == 2
    assert traj.expected_now == pytest.approx(expected_value(
        dt.date(2026, 9, 1), dt.date(2027, 1, 31), 90, 30, dt.date(2026, 11, 20)
    ))


def test_review_due_and_overdue() -> None:
    fresh = review(goal([("2026-11-20", 14)])).goals[0]
    assert fresh.review_due == dt.date(2026, 12, 20) and not fresh.overdue
    stale = review(goal([("2026-10-01", 14)])).goals[0]
    assert stale.review_due == dt.date(2026, 10, 31) and stale.overdue
    assert any(s.rule == "review.overdue" for s in stale.suggestions)
    assert stale.needs_attention


def test_default_review_interval_when_missing() -> None:
    g = goal([("2026-11-20", 14)])
    del g["review_interval_days"]
    result = review(g).goals[0]
    assert result.review_interval_days == ReviewConfig().default_review_interval_days == 90


def test_free_metric_direction_comes_from_the_comparator() -> None:
    up = review(
        goal([("2026-11-01", 60)], instrument=None, baseline=10, target=150, comparator=">=")
    ).goals[0]
    assert up.direction == "higher-is-better" and up.status.code == "improving"
    down = review(goal([("2026-11-01", 60)], instrument=None, baseline=90, target=30)).goals[0]
    assert down.direction == "lower-is-better" and down.status.code == "improving"


@pytest.mark.parametrize(("latest", "status"), [(4, "improving"), (0, "worsening")])
def test_a_free_metric_naming_an_instrument_takes_its_own_direction(latest, status) -> None:
    # Activities per week answering to PHQ-9: more is better, though fewer PHQ-9 points are.
    g = goal([("2026-11-20", latest)], baseline=1 if latest else 3, target=5, comparator=">=")
    g["measure"].update(metric="planned activities per week", unit="activities per week")
    result = review(g).goals[0]
    assert result.scale == "metric"
    assert result.direction == "higher-is-better"
    assert result.status.code == status


def rules(result: Review) -> set[str]:
    return {s.rule for g in result.goals for s in g.suggestions} | {
        s.rule for s in result.suggestions
    }


@pytest.mark.parametrize(
    ("name", "statuses", "expected_rules", "exit_code"),
    [
        # exit 1: a PHQ-9 of 20 (15) recorded without item 9 needs asking (clinician read 4, 3.5)
        ("on-track.yaml", {"mood": "improving", "walking": "improving"}, {"review.keep"}, 1),
        (
            "behind.yaml",
            {"insomnia": "improving", "exercise": "no-change"},
            {"review.extend-or-split", "review.change-strategy"},
            1,
        ),
        (
            "achieved-early.yaml",
            {"mood": "achieved", "worry": "sustaining"},
            {"review.raise-target", "review.close-goal"},
            1,
        ),
        (
            "worsening.yaml",
            {"mood": "worsening", "wellbeing": "worsening"},
            {"review.escalate", "review.worsening"},
            1,
        ),
        ("risk-item9.yaml", {"mood": "no-change"}, {"review.step-up"}, 1),
        (
            "lost-target.yaml",
            # worry 3 -> 8: a reliable worsening at NHS Talking Therapies' 4 points
            {"mood": "in-progress", "worry": "worsening"},
            {"review.target-lost", "review.ask-about-risk"},
            1,
        ),
        ("stale-measurement.yaml", {"mood": "no-change", "walking": "no-change"}, {"review.re-measure"}, 1),
        ("bad-input.yaml", {"mood": "no-change"}, {"review.overdue", "review.step-up"}, 2),
    ],
)
def test_examples(name, statuses, expected_rules, exit_code) -> None:
    result = review_goals(load_document(EXAMPLES / name), as_of=AS_OF)
    for goal_id, code in statuses.items():
        assert result.goal(goal_id).status.code == code
    assert expected_rules <= rules(result)
    assert result.exit_code == exit_code
    for g in result.goals:
        assert g.status.code in ACHIEVEMENT_STATUSES
        for s in [*g.suggestions, *result.suggestions]:
            assert s.rule and s.reason and s.action


def test_on_track_example_trajectories() -> None:
    result = review_goals(load_document(EXAMPLES / "on-track.yaml"), as_of=AS_OF)
    # mood, PHQ-9 20 -> 14 on 2026-11-20: a reliable improvement, a little behind the path that
    # expects the published 6 points by week 8 (12.75 expected, tolerance 1.1; clinician read 5,
    # §4.5: no longer 5.54 from illustrative norms); walking on track
    assert [g.trajectory.position for g in result.goals] == ["behind", "on-track"]
    assert result.goal("mood").status.code == "improving"
    assert not result.goal("walking").needs_attention
    # only the PHQ-9 of 20 recorded without its item 9 needs the clinician (clinician read 4, 3.5)
    assert [gap.needs_attention for gap in result.risk_item_gaps] == [True]
    assert result.needs_attention


def test_raise_target_proposes_remission() -> None:
    result = review_goals(load_document(EXAMPLES / "achieved-early.yaml"), as_of=AS_OF)
    raise_target = next(
        s for s in result.goal("mood").suggestions if s.rule == "review.raise-target"
    )
    assert raise_target.details["proposed_target"]["value"] == 5  # PHQ-9 remission < 5 [R34]


def test_extend_proposes_the_projected_date() -> None:
    result = review_goals(load_document(EXAMPLES / "behind.yaml"), as_of=AS_OF)
    extend = next(
        s for s in result.goal("insomnia").suggestions if s.rule == "review.extend-or-split"
    )
    # 6 of 12 points in 80 days -> 160 days after 2026-09-01.
    assert extend.details["proposed_due_date"] == "2027-02-08"
    # a symptom measure (ISI) comes before a behavioural goal, whatever else (clinician read 4)
    assert result.priority == ("insomnia", "exercise")


def test_worsening_safety_item_is_a_risk_flag_not_a_suggestion() -> None:
    result = review_goals(load_document(EXAMPLES / "risk-item9.yaml"), as_of=AS_OF)
    assert len(result.risk_flags) == 1
    flag = result.risk_flags[0]
    assert (flag.instrument, flag.item, flag.value, flag.level) == ("phq9", 9, 2, "high")
    assert flag.observed_on == dt.date(2026, 11, 20)
    assert "rising" in flag.message
    assert flag.to_dict()["closable_by"] == "clinician"
    assert not any("risk" in s.action for g in result.goals for s in g.suggestions)
    # The repeat totals feed the goal: 14 -> 15 -> 17.
    assert [m.value for m in result.goal("mood").measurements] == [14, 15, 17]
    assert result.priority[0] == "mood"


def test_a_later_zero_does_not_close_an_earlier_flag() -> None:
    data = {
        "planengine": 1,
        "goals": [],
        "assessments": [
            {
                "instrument": "phq9",
                "date": "2026-10-01",
                "total": 12,
                "answers": [2, 2, 2, 2, 1, 1, 1, 0, 1],
            },
            {
                "instrument": "phq9",
                "date": "2026-11-01",
                "total": 10,
                "answers": [2, 2, 2, 1, 1, 1, 1, 0, 0],
            },
        ],
    }
    result = review_goals(data, as_of=AS_OF)
    assert len(result.risk_flags) == 1
    assert result.risk_flags[0].observed_on == dt.date(2026, 10, 1)
    assert "does not close this flag" in result.risk_flags[0].message
    assert result.exit_code == 1


def test_missing_item9_is_unknown_risk_and_totals_only_is_a_notice() -> None:
    data = {
        "planengine": 1,
        "goals": [],
        "assessments": [
            {
                "instrument": "phq9",
                "date": "2026-10-01",
                "total": 12,
                "answers": [2, 2, 2, 2, 2, 1, 1, 0, None],
            },
            {"instrument": "phq9", "date": "2026-11-01", "total": 10},
        ],
    }
    result = review_goals(data, as_of=AS_OF)
    assert [f.level for f in result.risk_flags] == ["unknown"]
    # the flag is open and no crisis resources are configured: that is said first
    assert [n.code for n in result.notices] == [
        "safety.no-crisis-resources",
        "review.risk-item-not-recorded",
    ]


def test_gas_example_t_score() -> None:
    result = review_goals(load_document(EXAMPLES / "gas.yaml"), as_of=AS_OF)
    assert result.gas is not None
    assert result.gas.levels == (1, 0, -1) and result.gas.weights == (3, 2, 1)
    assert result.gas.to_dict()["t_score"] == 54.4
    assert result.goal("say-no").status.code == "achieved"
    assert result.goal("partner-talk").status.code == "no-change"
    assert result.goal("say-no").gas.description == "Turns down every extra shift when at the limit"


def test_review_is_deterministic_and_json_ready() -> None:
    import json

    doc = load_document(EXAMPLES / "worsening.yaml")
    first = review_goals(doc, as_of=AS_OF).to_dict()
    assert first == review_goals(doc, as_of=AS_OF).to_dict()
    json.dumps(first)


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(TypeError):
        review_goals({"planengine": 1, "goals": []}, as_of="2026-11-25")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "entries",
    [
        # answers only: the goal schema allows it
        "[{instrument: phq9, date: 2026-11-20, answers: [1,1,1,1,1,1,1,1,2]}]",
        # a total that cannot be used next to answers
        "[{instrument: phq9, date: 2026-11-20, total: 30, answers: [1,1,1,1,1,1,1,1,3]}]",
        "[{instrument: phq9, date: 2026-11-20, total: many, answers: [1,1,1,1,1,1,1,1,2]}]",
        # another answer is bad: item 9 is still read on its own
        "[{instrument: phq9, date: 2026-11-20, answers: [7,0,0,0,0,0,0,0,3]}]",
        "[{instrument: phq9, date: 2026-11-20, answers: {'9': 3, '10': 0}}]",
        "[{instrument: phq9, date: 2026-11-20, answers: [0,0,0,0,0,0,0,0,2.0]}]",
        "[{instrument: phq9, date: 2026-11-20, answers: [0,0,0,0,0,0,0,0,'3']}]",
        # a second PHQ-9 on the same date
        "[{instrument: phq9, date: 2026-11-20, total: 8, answers: [1,1,1,1,1,1,1,1,0]},"
        " {instrument: phq9, date: 2026-11-20, total: 10, answers: [1,1,1,1,1,1,1,1,2]}]",
    ],
)
def test_answers_are_checked_for_risk_whatever_happens_to_the_total(entries: str) -> None:
    text = f"planengine: 1\nassessments: {entries}\ngoals: []\n"
    result = review_goals(parse_document(text, name="r.yaml"), as_of=AS_OF)
    assert [flag.level for flag in result.risk_flags] == ["high"]
    assert result.exit_code in (1, 2)  # 2 when a total was also unusable


def test_an_assessment_with_neither_total_nor_answers_is_reported() -> None:
    text = "planengine: 1\nassessments: [{instrument: phq9, date: 2026-11-20}]\ngoals: []\n"
    result = review_goals(parse_document(text, name="r.yaml"), as_of=AS_OF)
    assert any(f.code == "input.structure" and f.json_path == "$.assessments[0]" for f in result.findings)


@pytest.mark.parametrize(
    ("baseline", "latest", "status", "basis"),
    [
        # 50 % reduction: a response, though below the (illustrative) reliable-change threshold
        (10, 5, "improving", "treatment response"),
        # 6 points: a reliable change
        (20, 14, "improving", "reliable"),
        # MCID (5) reached without a response or a reliable change
        (19, 14, "improving", "minimal important difference"),
        # 2 points in 16 weeks: no response
        (12, 10, "no-change", "reliable"),
        # 5 points worse: not reliable, but more than the MCID
        (8, 13, "worsening", "minimal important difference"),
    ],
)
def test_phq9_status_reads_response_reliable_change_and_mcid_together(
    baseline: int, latest: int, status: str, basis: str
) -> None:
    text = (
        "planengine: 1\ngoals:\n  - id: g\n    area: depression\n"
        "    statement: Bring my PHQ-9 down to 4 or below by February.\n"
        f"    measure: {{instrument: phq9, baseline: {{value: {baseline}, date: 2026-08-01}},"
        " target: {value: 4, comparator: '<='}}\n"
        "    start_date: 2026-08-01\n    due_date: 2027-02-28\n"
        f"    progress: [{{date: 2026-11-20, value: {latest}}}]\n"
    )
    goal = review_goals(parse_document(text, name="g.yaml"), as_of=AS_OF).goals[0]
    assert goal.status.code == status, goal.status.reason
    assert basis in goal.status.reason


def test_halving_a_score_already_in_remission_is_no_treatment_response() -> None:
    text = (
        "planengine: 1\ngoals:\n  - id: g\n    area: depression\n"
        "    statement: Bring my PHQ-9 down to 0 by February.\n"
        "    measure: {instrument: phq9, baseline: {value: 4, date: 2026-08-01},"
        " target: {value: 0, comparator: '<='}}\n"
        "    start_date: 2026-08-01\n    due_date: 2027-02-28\n"
        "    progress: [{date: 2026-11-20, value: 2}]\n"
    )
    goal = review_goals(parse_document(text, name="g.yaml"), as_of=AS_OF).goals[0]
    assert (goal.status.code, goal.status.rule) == ("no-change", "status.no-response"), goal.status.reason
    assert "treatment response" not in goal.status.reason


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (pathlib.Path(__file__).resolve().parent.parent / "examples").glob("*.yaml")),
)
def test_goals_the_engine_writes_are_reviewed_on_their_instruments_scale(name: str) -> None:
    """Plan -> goal file -> review: a questionnaire goal keeps its instrument's statistics."""
    from planengine import Engine, load_assessment, plan_to_goal_document

    examples = pathlib.Path(__file__).resolve().parent.parent / "examples"
    as_of = dt.date(2026, 11, 25)
    engine = Engine()
    document = plan_to_goal_document(
        engine.plan(load_assessment(examples / name, instruments=engine.instruments), as_of=as_of)
    )
    for goal in document["goals"]:
        if goal["measure"].get("instrument"):
            goal["progress"] = [{"date": "2026-12-20", "value": goal["measure"]["baseline"]["value"]}]
    review = review_goals(document, as_of=dt.date(2026, 12, 25), instruments=engine.instruments)
    assert not [f for f in review.findings if f.code == "input.unit-mismatch"]
    for goal in review.goals:
        if goal.instrument is not None:
            assert goal.change is not None, goal.goal_id


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([("2026-10-15", 8), ("2026-11-20", 3)], "total"),  # sustaining: close-goal without the flag
        ([("2026-11-20", 3)], "total"),  # achieved early: raise-target without the flag
        ([("2026-11-20", 3)], "metric"),  # a free metric in the flag's area
    ],
)
def test_an_open_risk_flag_holds_back_closing_the_goal_it_concerns(values, kind) -> None:
    extra = {"instrument": None, "baseline": 15, "target": 9} if kind == "metric" else {}
    mood = goal(values, **{"baseline": 15, **extra})
    sleep = {**goal([], instrument="isi", baseline=18, target=8), "id": "sleep", "area": "sleep"}
    flagged = {
        "instrument": "phq9",
        "date": "2026-11-20",
        "answers": [1, 0, 1, 0, 0, 0, 0, 0, 1],
    }
    result = review(mood, sleep, assessments=[flagged])
    assert [f.instrument for f in result.risk_flags] == ["phq9"]
    g = result.goal("g")
    actions = {s.action for s in g.suggestions}
    assert not actions & {"close-goal", "raise-target", "keep"}
    assert "review.risk-flag-open" in {s.rule for s in g.suggestions}
    assert g.needs_attention
    assert any("open risk flag" in reason and "phq9 item 9" in reason for reason in g.attention)
    # A goal in another area is judged on its own.
    assert not any("risk flag" in reason for reason in result.goal("sleep").attention)
    # Without the flag the same goal would be closed or its target raised.
    clean = review(mood).goal("g")
    assert {s.action for s in clean.suggestions} & {"close-goal", "raise-target"}


GAS_LEVELS = {"-2": "worse than now", "-1": "now", "0": "expected", "1": "more", "2": "much more"}


@pytest.mark.parametrize(
    "rating",
    [
        {"progress": [{"date": "2026-11-20", "gas_level": -2}]},
        {"current": -2},
        {"progress": [{"date": "2026-10-20", "gas_level": -2}, {"date": "2026-11-20", "gas_level": -2}]},
    ],
)
@pytest.mark.parametrize("start", ["2026-09-01", "2026-11-01"])
def test_a_gas_level_of_minus_two_needs_attention_never_keep(rating, start) -> None:
    gas: dict[str, Any] = {"levels": GAS_LEVELS}
    if "current" in rating:
        gas["current_level"] = rating["current"]
    g = {
        "id": "say-no",
        "area": "assertiveness",
        "statement": "Turn down an extra shift when I am already at my limit.",
        "start_date": start,
        "due_date": "2026-12-31",
        "review_interval_days": 90,
        "gas": gas,
        "progress": rating.get("progress", []),
    }
    result = review(g).goals[0]
    assert result.status.code == "worsening"
    assert result.status.rule == "status.gas-much-less-than-expected"
    assert result.needs_attention
    actions = {s.action for s in result.suggestions}
    assert "keep" not in actions and "review-now" in actions


def test_a_reliable_deterioration_from_a_baseline_that_met_the_target_is_worsening() -> None:
    result = review(goal([("2026-11-20", 9)], baseline=3, target=9))
    g = result.goals[0]
    assert (g.status.code, g.status.rule) == ("worsening", "status.reliable-deterioration")
    assert g.trajectory.position != "ahead"
    assert not {s.action for s in g.suggestions} & {"raise-target", "close-goal", "keep"}
    assert "escalate" in {s.action for s in g.suggestions}
    assert g.needs_attention
    found = [f for f in result.findings if f.code == "input.baseline-meets-target"]
    assert [(f.severity, f.json_path) for f in found] == [("warning", "$.goals[0].measure.target")]
    # A baseline short of the target raises no such finding.
    assert not review(goal([("2026-11-20", 9)], baseline=15, target=9)).findings


@pytest.mark.parametrize(
    ("instrument", "baseline", "target", "latest", "code", "rule"),
    [
        ("pss10", 24, 13, 22, "improving", "status.unconfirmed-improvement"),
        ("pss10", 24, 13, 26, "worsening", "status.unconfirmed-deterioration"),
        ("rses", 12, 20, 14, "improving", "status.unconfirmed-improvement"),
    ],
)
def test_a_change_without_reliable_change_inputs_is_never_called_reliable(
    instrument, baseline, target, latest, code, rule
) -> None:
    comparator = ">=" if instrument == "rses" else "<="
    g = goal(
        [("2026-11-20", latest)],
        instrument=instrument,
        baseline=baseline,
        target=target,
        comparator=comparator,
    )
    result = review(g).goals[0]
    assert (result.status.code, result.status.rule) == (code, rule)
    assert "reliable" not in result.status.rule
    assert "measurement error" in result.status.reason


@pytest.mark.parametrize(
    ("values", "baseline"),
    [
        ([("2026-10-01", 2), ("2026-11-20", 9)], 16),  # remission, then a relapse still <= 9
        ([("2026-10-01", 8), ("2026-11-20", 15)], 20),  # target met, then a relapse above it
    ],
)
def test_a_reliable_relapse_from_the_best_value_is_worsening_and_never_closes(
    values, baseline
) -> None:
    result = review(goal(values, baseline=baseline, target=9)).goals[0]
    assert (result.status.code, result.status.rule) == (
        "worsening",
        "status.deterioration-since-best",
    )
    assert "since the best value" in result.status.reason
    actions = {s.action for s in result.suggestions}
    assert not actions & {"close-goal", "raise-target", "keep", "change-strategy"}
    assert "review-now" in actions
    assert result.needs_attention


def _pending(values: list[tuple[str, float]]) -> dict[str, Any]:
    """A behavioural goal whose baseline is recorded from the first week of its log."""
    data = goal(values, instrument=None, baseline=0, target=5, comparator=">=",
                start="2026-11-01", due="2027-01-31")
    data["measure"]["baseline"] = {
        "value": None,
        "pending": "recorded from the first week of the practice log",
        "by": "2026-11-08",
    }
    return data


def test_a_pending_baseline_is_taken_from_the_first_progress_entry() -> None:
    result = review(_pending([("2026-11-07", 2), ("2026-11-21", 4)]))
    (reviewed,) = result.goals
    assert [(m.source, m.value) for m in reviewed.measurements] == [("baseline", 2), ("progress", 4)]
    assert reviewed.trajectory.position != "unknown"  # judged from 2 towards >= 5
    said = [f for f in result.findings if f.code == "input.baseline-from-progress"]
    assert len(said) == 1 and said[0].severity == "info"
    assert "the first progress entry, 2 on 2026-11-07, is taken as the baseline" in said[0].message
    assert not [f for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        (dt.date(2026, 11, 5), "baseline pending until 2026-11-08"),
        (
            dt.date(2026, 11, 25),
            "baseline pending until 2026-11-08, and no progress entry has recorded it since",
        ),
    ],
)
def test_a_pending_baseline_with_no_entry_yet_is_unknown_not_an_error(
    as_of: dt.date, reason: str
) -> None:
    result = review(_pending([]), as_of=as_of)
    (reviewed,) = result.goals
    assert reviewed.trajectory.position == "unknown"
    assert reviewed.trajectory.reason == reason
    assert (reviewed.status.code, reviewed.status.rule) == ("in-progress", "status.baseline-pending")
    assert [f for f in result.findings if f.severity in ("error", "warning")] == []


def test_a_progress_entry_before_the_start_is_not_the_pending_baseline() -> None:
    result = review(_pending([("2026-10-20", 1), ("2026-11-07", 3)]))
    assert [(m.source, m.value) for m in result.goals[0].measurements] == [("baseline", 3)]
    assert [f.code for f in result.findings if f.severity == "warning"] == ["input.before-baseline"]
