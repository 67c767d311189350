"""Scenario tests for issue 12 (items 2, 3 and 8): alcohol withdrawal risk, bipolar depression
and the specific gaps (pregnancy, psychosis, sleep apnoea, nightmares, eating disorder, WHO-5,
PHQ-9 headings). Same style as ``test_strategies_scenarios.py``: read the plan as a clinician.

Numbers from the clinical brief (stepped-care.md §5-§7, §11): R-SC10 (AUDIT-C >= 10 means a
withdrawal assessment before any cut-down step; never advise abrupt stopping), R-SC11 (bipolar:
no sleep restriction, no antidepressant-only plan, mood-elevation monitoring), R-SC13
(nightmares: IRT via a clinician).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from plan_helpers import all_objectives, all_steps, engine_without_cbti
from test_strategies_scenarios import (
    AS_OF,
    RISK_ASKED,
    assessment,
    excluded,
    plan_for,
    problem,
    step_ids,
)

SEVERE_ISI = [3, 3, 3, 3, 2, 3, 3]  # 20
MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12
SEVERE_PHQ9 = [3, 2, 2, 3, 2, 2, 2, 1, 0]  # 17, item 9 not endorsed

# -- item 2: alcohol withdrawal risk (R-SC10) ---------------------------------------------------

#: Steps whose text advises changing drinking: each must wait for the withdrawal-risk assessment.
CUT_DOWN_WORDS = re.compile(
    r"alcohol-free period|avoid alcohol|alcohol low|cut down|personal goal|drink no alcohol",
    re.IGNORECASE,
)
WITHDRAWAL_STEP = "alcohol-withdrawal-risk-assessment"

WITHDRAWAL_RISK = {
    # AUDIT-C 10-12: about 75 % (men) / 88 % (women) probability of dependence [S11]
    "audit-c-11-man": dict(responses={"audit-c": [4, 4, 3]}, sex="male"),
    "audit-c-10-woman": dict(responses={"audit-c": [4, 3, 3]}, sex="female"),
    "substance-use-disorder": dict(
        responses={"audit-c": [2, 1, 1]}, sex="male", conditions=["substance-use-disorder"]
    ),
    # A seizure disorder with a positive AUDIT-C below 10 is not a trigger (R-SC10; clinician
    # read 2, N5): see test_strategies_clinician_read_2.py.
}


def _case(name: str, **more: Any) -> Any:
    spec = dict(WITHDRAWAL_RISK[name])
    responses = {**spec.pop("responses"), "isi": SEVERE_ISI, **more.pop("responses", {})}
    return assessment(responses, **spec, **more)


def _text(step: dict[str, Any]) -> str:
    return " ".join([step["title"], step["description"], *step.get("steps", [])])


@pytest.mark.parametrize("name", sorted(WITHDRAWAL_RISK))
def test_withdrawal_risk_assessment_comes_first_and_is_urgent(engine, name) -> None:
    data = plan_for(engine, _case(name, concerns=["lifestyle"]))
    routine = [p for p in data["problems"] if p["area"] != "safety"]
    assert routine[0]["area"] == "alcohol"  # ranked right after safety
    alcohol = routine[0]
    assert alcohol["interventions"][0]["id"] == WITHDRAWAL_STEP
    first = alcohol["objectives"][0]
    assert first["id"] == WITHDRAWAL_STEP and first["urgent"] is True
    assert first["due_date"] == "2026-11-25"  # at this visit
    text = _text(alcohol["interventions"][0])
    for needed in ("SADQ", "seizures", "delirium tremens", "assisted withdrawal", "not to stop"):
        assert needed in text
    # the fuller assessment is part of it, and comes first: not listed twice
    assert excluded(data)["alcohol-further-assessment"]["rule"].startswith("contraindication.")


@pytest.mark.parametrize("name", sorted(WITHDRAWAL_RISK))
def test_no_step_advises_changing_drinking_before_the_withdrawal_assessment(engine, name) -> None:
    data = plan_for(engine, _case(name, concerns=["lifestyle"], responses={"phq9": RISK_ASKED}))
    steps = {s["id"]: s for s in all_steps(data)}
    gated = 0
    for step in steps.values():
        if step["id"] == WITHDRAWAL_STEP or not CUT_DOWN_WORDS.search(_text(step)):
            continue
        waits = WITHDRAWAL_STEP in step.get("requires", []) or any(
            note.startswith(("Caution (withdrawal-risk-first)", "Held (withdrawal-risk-first)"))
            for note in step["notes"]
        )
        assert waits, step["id"]
        gated += 1
    assert gated
    brief = steps["alcohol-brief-intervention"]
    assert brief["requires"] == [WITHDRAWAL_STEP]
    for step_id in ("sleep-sleep-hygiene", "lifestyle-regular-meals"):
        assert steps[step_id]["status"] == "caution"
        assert "after the withdrawal-risk assessment" in " ".join(steps[step_id]["notes"])
    # the talk about an alcohol-free period before bed waits for the assessment: held
    assert steps["sleep-alcohol-and-sleep"]["status"] == "held"
    assert "until the withdrawal-risk assessment" in " ".join(steps["sleep-alcohol-and-sleep"]["notes"])
    # the sleep hygiene and meal advice no longer tell the patient to cut alcohol themselves
    assert not re.search(r"avoid alcohol|alcohol low", _text(steps["sleep-sleep-hygiene"]))
    assert not re.search(r"avoid alcohol|alcohol low", _text(steps["lifestyle-regular-meals"]))
    # no cut-down target before the assessment: the drinking goal is agreed there (NICE CG115)
    assert "alcohol-drinking-within-limit" not in {o["id"] for o in all_objectives(data)}
    assert "agreed there" in excluded(data)["alcohol-drinking-within-limit"]["reason"]


def test_with_an_open_risk_flag_the_alcohol_problem_comes_right_after_safety(engine) -> None:
    endorsed = [3, 2, 2, 3, 2, 2, 2, 1, 1]  # 18, item 9 endorsed: a risk flag
    data = plan_for(engine, _case("audit-c-11-man", responses={"phq9": endorsed}))
    assert [p["area"] for p in data["problems"]][:2] == ["safety", "alcohol"]
    withdrawal = problem(data, "alcohol")["interventions"][0]
    assert withdrawal["id"] == WITHDRAWAL_STEP and withdrawal["status"] != "held"


def test_every_copy_of_the_withdrawal_risk_block_is_the_same() -> None:
    # The block is repeated in the alcohol, sleep and lifestyle files (a `when` block cannot be
    # shared between files): a copy edited alone would let a cut-down step slip through.
    import pathlib

    import yaml

    def blocks(node: Any) -> list[Any]:
        found = []
        if isinstance(node, dict):
            if any(b == {"instrument": "audit-c", "total_at_least": 10} for b in node.get("any", [])):
                found.append(node["any"])
            for value in node.values():
                found.extend(blocks(value))
        elif isinstance(node, list):
            for value in node:
                found.extend(blocks(value))
        return found

    strategies = pathlib.Path(__file__).resolve().parent.parent / "plugins" / "planengine_builtins" / "strategies"
    copies = {
        path.stem: blocks(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(strategies.glob("*.yaml"))
    }
    assert {name for name, found in copies.items() if found} == {"alcohol", "sleep", "lifestyle"}
    canonical = copies["alcohol"][0]
    assert len(canonical) == 2  # AUDIT-C >= 10; a substance use disorder (not a seizure disorder)
    assert all(block == canonical for found in copies.values() for block in found)


def test_without_withdrawal_risk_the_brief_intervention_starts_at_once(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [3, 2, 2], "isi": SEVERE_ISI}, sex="male"))  # 7
    steps = {s["id"]: s for s in all_steps(data)}
    assert WITHDRAWAL_STEP not in steps
    assert "requires" not in steps["alcohol-brief-intervention"]
    assert "alcohol-further-assessment" in steps
    assert steps["sleep-alcohol-and-sleep"]["status"] == "active"
    assert "avoid alcohol" in _text(steps["sleep-sleep-hygiene"])


def test_a_substance_use_disorder_without_an_alcohol_problem_adds_no_alcohol_step(engine) -> None:
    data = plan_for(
        engine, assessment({"isi": SEVERE_ISI, "phq9": RISK_ASKED}, conditions=["substance-use-disorder"])
    )
    assert "alcohol" not in {p["area"] for p in data["problems"]}
    hygiene = next(s for s in all_steps(data) if s["id"] == "sleep-sleep-hygiene")
    assert hygiene["status"] == "active"


def test_in_pregnancy_with_withdrawal_risk_there_is_no_stop_now_advice(engine) -> None:
    data = plan_for(engine, _case("audit-c-10-woman", conditions=["pregnancy"], concerns=["lifestyle"]))
    meals = next(s for s in all_steps(data) if s["id"] == "lifestyle-regular-meals")
    assert "avoid alcohol" not in _text(meals) and "midwife or obstetric team" in _text(meals)
    target = next(o for o in all_objectives(data) if o["id"] == "alcohol-drinking-within-limit")
    assert not target["statement"].startswith("From now on")
    assert "withdrawal-risk assessment" in target["statement"]
    assert "midwife or obstetric team" in target["statement"]
    assert "never by stopping suddenly" in target["statement"]


# -- item 8: sleep gaps ------------------------------------------------------------------------------


def test_sleep_restriction_in_pregnancy_is_held_and_the_referral_cautioned(engine) -> None:
    # Sleep restriction waits for the midwife's or obstetric team's agreement (a gate: held);
    # the CBT-I referral goes ahead with a caution for the provider, who then does any sleep
    # restriction (read 9, M2: not a separate step beside the referral).
    pregnant = assessment({"isi": SEVERE_ISI}, conditions=["pregnancy"])
    referred = {s["id"]: s for s in all_steps(plan_for(engine, pregnant))}
    assert "sleep-sleep-restriction" not in referred
    alone = {s["id"]: s for s in all_steps(plan_for(engine_without_cbti(), pregnant))}
    for step, status, label in ((alone["sleep-sleep-restriction"], "held", "Held (pregnancy)"),
                                (referred["sleep-cbti-referral"], "caution", "Caution (pregnancy)")):
        assert step["status"] == status
        notes = " ".join(step["notes"])
        assert label in notes and "midwife or obstetric team" in notes
        assert "clinical brief" not in notes


def test_documented_sleep_apnoea_is_referred_for_treatment_before_cbti(engine) -> None:
    data = plan_for(engine, assessment({"isi": SEVERE_ISI}, conditions=["sleep-apnoea"]))
    sleep = problem(data, "sleep")
    ids = [s["id"] for s in sleep["interventions"]]
    assert "sleep-apnoea-treatment-referral" in ids
    assert ids.index("sleep-apnoea-treatment-referral") < ids.index("sleep-cbti-referral")
    referral = sleep["interventions"][ids.index("sleep-apnoea-treatment-referral")]
    assert referral["delivery"] == "referral" and "CBT-I starts once" in referral["description"]
    # CBT-I waits for the apnoea treatment (a gate, read 8, N5)
    cbti = sleep["interventions"][ids.index("sleep-cbti-referral")]
    assert referral["phase"] == "now" and cbti["phase"] == "next"
    assert cbti["phasing"]["rule"] == "stepped-care.gate"
    assert "sleep-sleep-restriction" in excluded(data)
    without = plan_for(engine, assessment({"isi": SEVERE_ISI}))
    assert "sleep-apnoea-treatment-referral" not in step_ids(without)


def test_nightmares_in_the_patients_words_get_an_objective_and_an_irt_referral(engine) -> None:
    # Nightmares are a sleep problem (vocabulary): the sleep plan counts them and refers for IRT.
    data = plan_for(engine, assessment({"isi": SEVERE_ISI},
                                       patient_goals=["Stop the nightmares so I can sleep"]))
    sleep = problem(data, "sleep")
    objective = next(o for o in sleep["objectives"] if o["id"] == "sleep-nightmare-treatment")
    assert "imagery rehearsal therapy" in objective["statement"]
    assert objective["measure"]["target"] == {"value": 1, "comparator": ">="}
    referral = next(s for s in sleep["interventions"] if s["id"] == "sleep-imagery-rehearsal-referral")
    assert referral["delivery"] == "referral"  # R-SC13: IRT via a clinician, never self-guided
    assert any(c.startswith("S6:") for c in referral["citations"])
    log = next(s for s in sleep["interventions"] if s["id"] == "sleep-nightmare-log")
    assert "not written down" in log["description"]
    other = plan_for(engine, assessment({"isi": SEVERE_ISI}, patient_goals=["Get over the accident"]))
    assert "sleep-imagery-rehearsal-referral" not in step_ids(other)


# -- item 8: psychosis, eating disorder --------------------------------------------------------------


@pytest.mark.parametrize(("area", "context"), [
    ("depression", dict(responses={"phq9": MODERATE_PHQ9})),
    ("self-esteem", dict(responses={"phq9": MODERATE_PHQ9}, concerns=["self-esteem"])),
])
def test_psychosis_brings_liaison_with_the_psychosis_team_where_cognitive_work_is_planned(
    engine, area, context
) -> None:
    spec = dict(context)
    data = plan_for(engine, assessment(spec.pop("responses"), conditions=["psychosis"], **spec))
    liaison = [s for s in all_steps(data) if s["id"].endswith("psychosis-team-liaison")]
    assert len(liaison) == 1  # listed once, even where two problems plan cognitive work
    assert "team treating the psychosis" in liaison[0]["description"]
    assert liaison[0]["delivery"] == "clinician-led"
    # in depression, behavioural activation is the course: no thought-challenging homework, but
    # the psychosis team still hears about the therapy planned (the step says why)
    assert ("self-esteem-thought-record" in step_ids(data)) == (area == "self-esteem")
    assert "depression-thought-record" in excluded(data)
    without = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    assert not [s for s in all_steps(without) if s["id"].endswith("psychosis-team-liaison")]


def test_the_cbt_referral_for_anxiety_is_agreed_with_the_psychosis_team(engine) -> None:
    data = plan_for(engine, assessment({"gad7": [2, 2, 2, 2, 1, 1, 2]}, conditions=["psychosis"]))
    referral = next(s for s in all_steps(data) if s["id"] == "anxiety-cbt-anxiety-referral")
    assert referral["status"] == "caution"
    assert "team treating it" in " ".join(referral["notes"])


def test_activity_scheduling_and_self_care_are_cautioned_with_an_eating_disorder(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}, concerns=["self-esteem"],
                                       conditions=["eating-disorder"]))
    steps = {s["id"]: s for s in all_steps(data)}
    for step_id in ("depression-activity-scheduling", "self-esteem-scheduled-self-care"):
        assert steps[step_id]["status"] == "caution", step_id
        assert any(n.startswith("Caution (eating-disorder)") for n in steps[step_id]["notes"])


# -- item 8: WHO-5 next step --------------------------------------------------------------------------

LOW_WHO5 = [2, 1, 2, 3, 2]  # raw 10, below 13


def test_a_low_who5_does_not_ask_for_a_phq9_when_one_was_given(engine) -> None:
    data = plan_for(engine, assessment({"who5": LOW_WHO5, "phq9": [1, 1, 1, 1, 1, 1, 1, 0, 0]}))
    wellbeing = problem(data, "wellbeing")
    texts = [s["title"] for s in wellbeing["interventions"]] + [o["statement"] for o in wellbeing["objectives"]]
    assert not [t for t in texts if "depression" in t.lower() or "PHQ-9" in t], texts


def test_a_low_who5_without_a_phq9_asks_for_one_once(engine) -> None:
    data = plan_for(engine, assessment({"who5": LOW_WHO5}))
    wellbeing = problem(data, "wellbeing")
    asks = [s for s in all_steps(data) if s["area"] != "safety"
            and ("PHQ-9" in s["title"] or "depression" in s["title"].lower())]
    assert [s["id"] for s in asks] == ["wellbeing-depression-assessment"]
    assert any(o["statement"].startswith("Give the full PHQ-9 (with item 9) at this visit") for o in wellbeing["objectives"])
    # with a positive PHQ-2 the depression plan asks for the PHQ-9: not asked twice
    both = plan_for(engine, assessment({"who5": LOW_WHO5, "phq2": [2, 2]}))
    asks = [s for s in all_steps(both) if s["area"] != "safety"
            and ("PHQ-9" in s["title"] or "depression" in s["title"].lower())]
    assert len(asks) == 1 and asks[0]["area"] == "depression"


# -- item 3: bipolar depression (R-SC11) ---------------------------------------------------------------


def test_bipolar_depression_gets_no_unipolar_medication_review(engine) -> None:
    data = plan_for(engine, assessment({"phq9": SEVERE_PHQ9}, conditions=["bipolar-disorder"]))
    depression = problem(data, "depression")
    ids = [s["id"] for s in depression["interventions"]]
    assert "depression-severity-review" not in ids  # NICE NG222 excludes bipolar disorder
    assert "NG222" in excluded(data)["depression-severity-review"]["reason"]
    assert ids[0] == "depression-bipolar-treatment-review"  # before any activation work
    review = depression["interventions"][0]
    text = _text(review)
    assert "CG185" in text and "No antidepressant-only plan" in text
    assert "prescriber or bipolar service" in review["title"]
    unipolar = plan_for(engine, assessment({"phq9": SEVERE_PHQ9}))
    assert "depression-severity-review" in step_ids(unipolar)
    assert "depression-bipolar-treatment-review" not in step_ids(unipolar)


def test_bipolar_depression_monitors_mood_elevation_with_a_measured_objective(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}, conditions=["bipolar-disorder"]))
    depression = problem(data, "depression")
    objective = next(o for o in depression["objectives"] if o["id"] == "depression-mood-elevation-monitoring")
    assert objective["measure"]["metric"] == "days with the mood-elevation check done on the chart"
    assert objective["measure"]["target"] == {"value": 6, "comparator": ">="}
    assert "early-warning signs" in objective["statement"]
    served = {s["id"] for s in depression["interventions"] if objective["id"] in s.get("objectives", [])}
    assert served == {"depression-mood-sleep-chart", "depression-early-warning-signs"}
    warning = next(s for s in depression["interventions"] if s["id"] == "depression-early-warning-signs")
    assert "prescriber or bipolar service" in warning["description"]


def test_bipolar_depression_grades_activation_gently_with_a_caution(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}, conditions=["bipolar-disorder"]))
    steps = {s["id"]: s for s in all_steps(data)}
    scheduling = steps["depression-activity-scheduling"]
    assert scheduling["status"] == "caution"
    assert "mood elevation" in " ".join(scheduling["notes"])
    assert any("at most one new activity a week" in step for step in scheduling["steps"])
    assert scheduling["requires"] == ["depression-mood-sleep-chart"]
    target = next(o for o in all_objectives(data) if o["id"] == "depression-scheduled-activities")
    assert target["frequency"]["times"] == 3  # a smaller first target than the usual 5
    assert steps["depression-ba-sessions"]["status"] == "caution"


def test_bipolar_insomnia_gets_a_regular_schedule_and_never_restriction(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9, "isi": SEVERE_ISI},
                                       conditions=["bipolar-disorder"]))
    assert "sleep-sleep-restriction" not in step_ids(data)
    schedule = next(s for s in all_steps(data) if s["id"] == "sleep-regular-sleep-schedule")
    assert "never cut short" in schedule["description"]
    assert "sleep-regular-sleep-schedule" not in step_ids(plan_for(engine, assessment({"isi": SEVERE_ISI})))


# -- item 8: PHQ-9 headings in the Markdown -------------------------------------------------------------


def _headings(engine, responses: dict[str, list[int | None]]) -> list[str]:
    from planengine.render._plan import render_markdown

    plan = engine.plan(assessment(responses), as_of=AS_OF)
    return [line for line in render_markdown(plan).splitlines() if line.startswith("## ")]


def test_a_phq9_heading_shows_the_possible_range_when_item_9_is_missing(engine) -> None:
    headings = _headings(engine, {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, None]})  # 8, so 8 to 11
    assert "## 2. Depression (PHQ-9 total 8 to 11: item 9 unanswered)" in headings
    assert not [h for h in headings if "Depression (mild)" in h]


def test_the_phq9_band_stays_in_the_heading_beside_a_phq2(engine) -> None:
    headings = _headings(engine, {"phq9": MODERATE_PHQ9, "phq2": [2, 2]})
    assert "## 1. Depression (moderate)" in headings
