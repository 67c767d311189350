"""Scenario tests per area, from realistic assessments: content, doses, contraindications, SMART.

Each scenario reads the plan as a clinician would: which steps are there, which are left out and
why, and whether the targets come from this patient's own baseline and the instrument's thresholds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plan_helpers import all_objectives, all_steps, assert_valid, engine_without_cbti
from planengine import Assessment, Engine, EngineConfig
from planengine.render._plan import plan_to_goal_document
from planengine.smart import check_goals

AS_OF = dt.date(2026, 11, 25)
DAY = "2026-11-20"
#: a PHQ-9 with item 9 answered (total 0): the risk question was asked, so a scenario about
#: something else has no flag of a risk question never given (clinician read 16, M1)
RISK_ASKED = [0, 0, 0, 0, 0, 0, 0, 0, 0]


def assessment(responses: dict[str, list[int | None]] | None = None, **context: Any) -> Assessment:
    return Assessment.from_mapping({
        "planengine": 1,
        "patient": {"id": "P-scenario"},
        "responses": [
            {"instrument": name, "date": DAY, "answers": answers}
            for name, answers in (responses or {}).items()
        ],
        "context": context,
    })


def plan_for(
    engine: Engine, item: Assessment, as_of: dt.date = AS_OF, choices: dict[str, str] | None = None
) -> dict[str, Any]:
    plan = engine.plan(item, as_of=as_of, choices=choices)
    data = plan.to_dict()
    assert_valid("plan", data)
    violations = check_goals(plan_to_goal_document(plan), as_of=as_of, instruments=engine.instruments)
    errors = [
        (v.code, v.goal_id, v.message) for v in violations
        if v.severity == "error"
    ]
    assert not errors, errors  # the safety step belongs to the core, not to the strategies
    return data


def problem(data: dict[str, Any], area: str) -> dict[str, Any]:
    return next(p for p in data["problems"] if p["area"] == area)


def step_ids(data: dict[str, Any]) -> set[str]:
    return {s["id"] for s in all_steps(data)}


def excluded(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in data["excluded"]}


# -- depression: behavioural activation with CBT ------------------------------------------------

MODERATE_PHQ9 = [2, 1, 2, 2, 1, 2, 1, 1, 0]  # 12, moderate
MILD_PHQ9 = [1, 1, 1, 1, 1, 1, 1, 0, 0]  # 7, mild
SEVERE_PHQ9 = [3, 2, 2, 3, 2, 2, 2, 1, 0]  # 17, moderately severe, item 9 not endorsed


def test_depression_gets_behavioural_activation_with_a_personal_phq9_target(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    depression = problem(data, "depression")
    target = depression["objectives"][0]
    assert target["id"] == "depression-phq9-improvement"
    assert target["measure"]["baseline"] == {"value": 12, "date": DAY}
    assert target["measure"]["target"] == {"value": 6, "comparator": "<="}  # reliable change 6
    assert "from 12 to 6 or lower by 2027-02-17" in target["statement"]
    ids = [s["id"] for s in depression["interventions"]]
    assert ids.index("depression-activity-monitoring") < ids.index("depression-activity-scheduling")
    sessions = next(s for s in depression["interventions"] if s["id"] == "depression-ba-sessions")
    assert sessions["course_weeks"] == 16 and sessions["delivery"] == "clinician-led"
    activities = next(o for o in depression["objectives"] if o["id"] == "depression-scheduled-activities")
    assert set(activities["gas"]["levels"]) == {"-2", "-1", "0", "1", "2"}


def test_dose_follows_severity(engine) -> None:
    mild = problem(plan_for(engine, assessment({"phq9": MILD_PHQ9})), "depression")
    severe = problem(plan_for(engine, assessment({"phq9": SEVERE_PHQ9})), "depression")
    mild_sessions = next(s for s in mild["interventions"] if s["id"] == "depression-ba-sessions")
    assert mild_sessions["title"].startswith("Guided self-help")
    assert mild_sessions["course_weeks"] == 12
    mild_target = mild["objectives"][0]["measure"]["target"]
    assert mild_target == {"value": 5, "comparator": "<"}  # remission is closer than 6 points
    severe_ids = {s["id"] for s in severe["interventions"]}
    assert "depression-severity-review" in severe_ids  # PHQ-9 >= 16: NICE 'more severe'
    severe_activities = next(o for o in severe["objectives"] if o["id"] == "depression-scheduled-activities")
    assert severe_activities["frequency"]["times"] == 3  # start smaller when more severe
    assert severe["objectives"][0]["due_date"] == "2027-03-17"  # 16 weeks


def test_same_content_from_two_plugins_is_merged_and_explained(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    duplicate = [n for n in data["notices"] if n["code"] == "assembly.duplicate"]
    assert any("depression-phq9-improvement" in n["message"] and "plugin:ba" in n["message"]
               and "higher priority" in n["message"] for n in duplicate)
    assert not any("55" in n["message"] for n in duplicate)  # the number stays inside
    objective = problem(data, "depression")["objectives"][0]
    assert objective["provenance"]["strategy"].startswith("behavioural-activation@")


def test_equivalent_courses_are_options_not_a_hidden_priority(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    left_out = excluded(data)
    assert left_out["depression-restructuring-sessions"]["rule"] == "stepped-care.option"
    assert "Behavioural activation sessions" in left_out["depression-restructuring-sessions"]["reason"]
    assert "priority" not in left_out["depression-restructuring-sessions"]["reason"]
    assert "depression-ba-sessions" in step_ids(data)  # the step up, kept
    choice = next(c for c in data["choices"] if c["area"] == "depression")
    assert {"behavioural-activation", "cognitive-restructuring"} <= {o["id"] for o in choice["options"]}
    chosen = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}),
                      choices={"depression": "cognitive-restructuring"})
    assert "depression-restructuring-sessions" in step_ids(chosen)
    assert "depression-ba-sessions" not in step_ids(chosen)
    assert excluded(chosen)["depression-ba-sessions"]["rule"] == "stepped-care.option"


def _rival(strategy_id: str, priority: int) -> object:
    """A third-party plugin whose strategy re-proposes the sleep diary, with different wording."""
    import types

    import planengine

    base = next(s for s in Engine().strategies if s.id == "sleep")
    data = {**base.data, "id": strategy_id, "priority": priority}
    data["interventions"] = [
        {**base.data["interventions"][1], "description": f"Rival diary wording from {strategy_id}."}
    ]
    strategy = planengine.DataStrategy(id=strategy_id, name=strategy_id, version="0.1.0",
                                       status="production", areas=("sleep",), priority=priority,
                                       data=data)
    register = planengine.hookimpl(lambda register: register(strategy))
    return types.SimpleNamespace(PLUGIN_NAME=f"plugin-{strategy_id}", register_strategies=register)


@pytest.mark.parametrize(("rival_id", "priority"), [
    ("aaa-sleep", 50),  # same priority, a lower id
    ("zzz-sleep", 50),
    ("zzz-sleep", 70),  # a higher priority
])
def test_same_step_from_a_plugin_and_a_builtin_keeps_the_builtin_and_says_so(rival_id, priority) -> None:
    item = assessment({"isi": [3, 2, 2, 3, 2, 3, 2]})
    engine = Engine(strict=True, plugins=[_rival(rival_id, priority)])
    data = plan_for(engine, item)
    diary = next(s for s in all_steps(data) if s["id"] == "sleep-sleep-diary")
    assert diary["provenance"]["strategy"].startswith("sleep@")  # whatever the priority or id
    notice = next(n for n in data["notices"] if n["code"] == "assembly.id-collision"
                  and "sleep-sleep-diary" in n["message"])
    assert f"plugin-{rival_id}" in notice["message"] and "plugin:sleep@" in notice["message"]
    # a second engine with the same plugins gives the same plan
    again = Engine(strict=True, plugins=[_rival(rival_id, priority)]).plan(item, as_of=AS_OF)
    assert again.to_json() == engine.plan(item, as_of=AS_OF).to_json()


def test_without_behavioural_activation_cbt_supplies_the_depression_plan() -> None:
    engine = Engine(strict=True, block=["ba"])
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    ids = step_ids(data)
    assert "depression-restructuring-sessions" in ids
    assert problem(data, "depression")["objectives"][0]["provenance"]["strategy"].startswith("cbt-self-talk@")


def test_objective_limit_per_problem_defers_the_rest() -> None:
    engine = Engine(strict=True, config=EngineConfig(max_objectives_per_problem=1))
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    depression = problem(data, "depression")
    assert len(depression["objectives"]) == 1
    assert "depression-scheduled-activities" in depression["deferred_objectives"]
    assert any(n["code"] == "assembly.objective-limit" for n in data["notices"])
    # steps serving only a deferred objective are left out with the reason
    assert excluded(data)["depression-activity-scheduling"]["rule"] == "assembly.objective-limit"


def test_a_step_is_left_out_with_the_step_it_builds_on() -> None:
    # Sleep restriction is set from the diary; problem-solving avoidance reviews the schedule.
    engine = Engine(config=EngineConfig(max_objectives_per_problem=1))
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9, "isi": [3, 3, 3, 3, 2, 3, 3]}))
    gone = excluded(data)
    assert gone["sleep-sleep-diary"]["rule"] == "assembly.objective-limit"
    assert gone["sleep-sleep-restriction"]["rule"] == "assembly.requires"
    assert "sleep-sleep-diary" in gone["sleep-sleep-restriction"]["reason"]
    assert gone["depression-avoidance-problem-solving"]["rule"] == "assembly.requires"
    # a step of its own only without a CBT-I referral (read 9, M2)
    with_diary = plan_for(engine_without_cbti(), assessment({"isi": [3, 3, 3, 3, 2, 3, 3]}))
    restriction = next(s for s in all_steps(with_diary) if s["id"] == "sleep-sleep-restriction")
    assert restriction["requires"] == ["sleep-sleep-diary"]


def test_default_limit_is_three_active_objectives(engine) -> None:
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9, "gad7": [2, 2, 1, 2, 1, 1, 2]},
                                       concerns=["self-esteem"]))
    for item in data["problems"]:
        assert len(item["objectives"]) <= 3


# -- self-esteem ---------------------------------------------------------------------------------


def test_a_positive_phq2_asks_for_a_phq9_before_any_treatment_steps(engine) -> None:
    data = plan_for(engine, assessment({"phq2": [2, 2]}))
    depression = problem(data, "depression")
    step = "Give the full PHQ-9 (with item 9) at this visit"
    assert [s["title"] for s in depression["interventions"]] == [step]
    # self-report, and the PHQ-2 has no item 9: at this visit (clinician read 9, S1)
    assert [o["statement"] for o in depression["objectives"]] == [f"{step}, by 2026-11-25."]


def test_self_esteem_without_a_phq9_asks_for_one_first(engine) -> None:
    data = plan_for(engine, assessment(concerns=["self-esteem"],
                                       patient_goals=["Stop beating myself up over every mistake"]))
    esteem = problem(data, "self-esteem")
    assert esteem["interventions"][0]["id"] == "self-esteem-depression-screen-first"
    assert esteem["objectives"][0]["patient_words"] == "Stop beating myself up over every mistake"
    assert {"self-esteem-thought-record", "self-esteem-behavioural-experiments"} <= step_ids(data)


# -- anxiety and stress --------------------------------------------------------------------------


def test_anxiety_target_never_asks_for_a_score_inside_the_minimal_band(engine) -> None:
    mild = problem(plan_for(engine, assessment({"gad7": [1, 1, 1, 1, 1, 1, 1]})), "anxiety")
    assert mild["objectives"][0]["measure"]["target"] == {"value": 4, "comparator": "<="}
    moderate = plan_for(engine, assessment({"gad7": [2, 2, 2, 2, 1, 1, 2]}))  # 12
    anxiety = problem(moderate, "anxiety")
    # a reliable improvement of 4 (NHS TT) that also leaves caseness (8): 7 or lower (the GAD-7
    # goal; the PHQ-9 this visit gives, with no depression measure on file, is a task: read 11)
    gad7 = next(o for o in anxiety["objectives"] if o["measure"].get("instrument") == "gad7")
    assert gad7["measure"]["target"] == {"value": 7, "comparator": "<="}
    assert "anxiety-cbt-anxiety-referral" in step_ids(moderate)  # GAD-7 >= 10
    assert "anxiety-cbt-anxiety-referral" not in {s["id"] for s in mild["interventions"]}
    # one practice: muscle relaxation then paced breathing, 15 + 5 minutes on five days a week,
    # the dose the relaxation objective states
    steps = {s["id"]: s for s in anxiety["interventions"]}
    breathing, pmr = steps["anxiety-paced-breathing"], steps["anxiety-progressive-muscle-relaxation"]
    practice = next(o for o in anxiety["objectives"] if o["id"] == "anxiety-relaxation-practice")
    assert practice["frequency"] == {"times": 5, "per": "week", "duration_minutes": 20}
    for step in (breathing, pmr):
        assert step["frequency"] == {"times": 5, "per": "week"}
    assert breathing["duration_minutes"] + pmr["duration_minutes"] == 20


def test_stress_uses_pss10_as_a_trend_only(engine) -> None:
    data = plan_for(engine, assessment({"pss10": [3, 3, 3, 1, 1, 3, 2, 1, 3, 3]}, concerns=["stress"]))
    stress = problem(data, "stress")
    assert stress["severity"] is None
    assert all(o["measure"].get("instrument") != "pss10" for o in stress["objectives"])
    trend = next(s for s in stress["interventions"] if s["id"] == "stress-stress-trend")
    assert "no validated cut-offs" in trend["description"]
    assert not [f for f in data["findings"] if f["instrument"] == "pss10"]


def test_cardiac_condition_marks_muscle_tensing_and_exercise_with_caution(engine) -> None:
    data = plan_for(engine, assessment({"phq9": RISK_ASKED}, concerns=["stress", "lifestyle"],
                                       conditions=["cardiac-condition"]))
    steps = {s["id"]: s for s in all_steps(data)}
    assert steps["stress-progressive-muscle-relaxation"]["status"] == "caution"
    assert steps["lifestyle-graded-activity"]["status"] == "caution"
    lifestyle = problem(data, "lifestyle")
    assert lifestyle["interventions"][0]["id"] == "lifestyle-medical-clearance"
    assert lifestyle["objectives"][0]["statement"].startswith("Once medically cleared")


# -- sleep -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    ["bipolar-disorder", "seizure-disorder", "hazardous-occupation", "sleep-apnoea", "parasomnia"],
)
def test_sleep_restriction_is_removed_with_the_reason(engine, condition) -> None:
    data = plan_for(engine, assessment({"isi": [3, 3, 3, 3, 2, 3, 3]}, conditions=[condition]))
    assert "sleep-sleep-restriction" not in step_ids(data)
    entry = excluded(data)["sleep-sleep-restriction"]
    assert entry["rule"] == f"contraindication.{condition}"
    # CBT-I includes sleep restriction: the referral stays, and tells the provider why
    referral = next(s for s in all_steps(data) if s["id"] == "sleep-cbti-referral")
    assert referral["status"] == "caution"
    assert any("CBT-I provider" in note for note in referral["notes"])


@pytest.mark.parametrize("condition", ["older-adult", "fall-risk"])
def test_sleep_restriction_is_cautioned_in_later_life_and_with_fall_risk(engine, condition) -> None:
    later_life = assessment({"isi": [3, 3, 3, 3, 2, 3, 3], "phq9": RISK_ASKED}, conditions=[condition])
    # a step of its own only without a CBT-I referral (read 9, M2); with it, the referral
    # tells the provider
    data = plan_for(engine_without_cbti(), later_life)
    restriction = next(s for s in all_steps(data) if s["id"] == "sleep-sleep-restriction")
    referral = next(s for s in all_steps(plan_for(engine, later_life))
                    if s["id"] == "sleep-cbti-referral")
    for step in (restriction, referral):
        assert step["status"] == "caution"
        assert any(note.startswith(f"Caution ({condition})") for note in step["notes"])
        assert "compression" in " ".join(step["notes"])


def test_subthreshold_insomnia_gets_education_and_monitoring_only(engine) -> None:
    data = plan_for(engine, assessment({"isi": [2, 1, 1, 2, 1, 1, 2]}))  # 10, subthreshold
    ids = step_ids(data)
    assert "sleep-sleep-diary" in ids and "sleep-sleep-hygiene" in ids
    assert not ids & {"sleep-sleep-restriction", "sleep-cbti-referral", "sleep-stimulus-control"}
    target = problem(data, "sleep")["objectives"][0]["measure"]["target"]
    assert target == {"value": 8, "comparator": "<"}  # remission is closer than the MID


def test_sleep_restriction_is_held_while_a_risk_flag_is_open(engine) -> None:
    # clinical.md §3.2: routine self-help such as sleep restriction stays in draft until a
    # clinician has reviewed the flag; the supervised delivery does not exempt it.
    flagged = assessment({"isi": [3, 3, 3, 3, 2, 3, 3], "phq9": [2, 2, 2, 2, 1, 1, 1, 1, 1]})
    # a step of its own only without a CBT-I referral (read 9, M2)
    alone = plan_for(engine_without_cbti(), flagged)
    restriction = next(s for s in all_steps(alone) if s["id"] == "sleep-sleep-restriction")
    assert restriction["delivery"] == "clinician-supervised"
    assert restriction["status"] == "held"
    assert any("safety.hold-self-guided" in note for note in restriction["notes"])
    data = plan_for(engine, flagged)
    assert data["problems"][0]["area"] == "safety"
    referral = next(s for s in all_steps(data) if s["id"] == "sleep-cbti-referral")
    assert referral["status"] != "held"  # a referral is the clinician's own step


# -- emotional awareness -----------------------------------------------------------------------------


def test_emotion_diary_records_feeling_intensity_trigger_and_response(engine) -> None:
    data = plan_for(engine, assessment({"phq9": RISK_ASKED}, concerns=["emotional-awareness"]))
    diary = next(s for s in all_steps(data) if s["id"] == "emotional-awareness-emotion-diary")
    text = " ".join(diary["steps"]).lower()
    for word in ("name each emotion", "intensity", "trigger", "what you actually did"):
        assert word in text
    assert "emotional-awareness-expressive-writing" in step_ids(data)


def test_expressive_writing_is_left_out_with_signs_of_trauma(engine) -> None:
    data = plan_for(engine, assessment({"pc-ptsd-5": [1, 1, 1, 1, 0]}, concerns=["emotional-awareness"]))
    assert excluded(data)["emotional-awareness-expressive-writing"]["rule"] == "contraindication.trauma-signs"


def test_expressive_writing_is_left_out_when_the_patients_own_words_raise_trauma(engine) -> None:
    # A PCL-5 below every threshold, but the patient's goal names the accident: the plan has a
    # trauma problem, so unstructured writing about it is left out too.
    pcl5 = [2, 2, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2, 1, 1]
    data = plan_for(engine, assessment({"pcl5": pcl5}, concerns=["emotional-awareness"],
                                       patient_goals=["Understand my feelings after the accident"]))
    assert "trauma" in {p["area"] for p in data["problems"]}
    assert excluded(data)["emotional-awareness-expressive-writing"]["rule"] == "contraindication.trauma-signs"


# -- assertiveness and relationships ---------------------------------------------------------------------


def test_assertiveness_is_measured_by_counts_and_gas(engine) -> None:
    data = plan_for(engine, assessment(concerns=["assertiveness"], patient_goals=["Say no to extra shifts"]))
    practice = next(o for o in all_objectives(data) if o["id"] == "assertiveness-assertive-practice")
    assert practice["measure"]["unit"] == "occasions per week"
    assert practice["frequency"] == {"times": 3, "per": "week"}
    assert practice["gas"]["levels"]["0"].startswith("3 a week")
    assert practice["patient_words"] == "Say no to extra shifts"
    assert {"assertiveness-dear-man-script", "assertiveness-graded-practice"} <= step_ids(data)


def test_intimate_partner_violence_removes_confrontation_and_routes_to_safety(engine) -> None:
    data = plan_for(engine, assessment({"phq9": RISK_ASKED}, concerns=["assertiveness", "relationships"],
                                       conditions=["intimate-partner-violence"]))
    ids = step_ids(data)
    for removed in ("assertiveness-dear-man-script", "assertiveness-role-play",
                    "assertiveness-graded-practice", "relationships-couple-sessions",
                    "relationships-check-ins", "relationships-boundaries"):
        assert removed not in ids
        assert excluded(data)[removed]["rule"] == "contraindication.intimate-partner-violence"
    assert excluded(data)["assertiveness-assertive-practice"]["rule"] == "contraindication.intimate-partner-violence"
    safety = [s for s in all_steps(data) if s["title"].lower().startswith("private safety assessment")]
    assert [s["id"] for s in safety] == ["safety-private-assessment"]  # one, the core's, first
    assert data["problems"][0]["interventions"] == safety


def test_intimate_partner_violence_removes_partner_directed_listening_homework(engine) -> None:
    data = plan_for(engine, assessment(concerns=["assertiveness"], conditions=["intimate-partner-violence"]))
    gone = excluded(data)
    for removed in ("assertiveness-active-listening",):
        assert removed not in step_ids(data)
        assert gone[removed]["rule"] == "contraindication.intimate-partner-violence"
    assert "assertiveness-active-listening" not in {o["id"] for o in all_objectives(data)}


def test_conjoint_work_comes_after_a_private_ipv_screen(engine) -> None:
    data = plan_for(engine, assessment(concerns=["relationships"]))
    relationships = problem(data, "relationships")
    ids = [s["id"] for s in relationships["interventions"]]
    assert ids[0] == "relationships-ipv-screen"
    assert ids.index("relationships-ipv-screen") < ids.index("relationships-couple-sessions")
    # partner work waits for the screen's result (clinical.md §7.7): held, with the reason
    # (a written record of conflicts can itself be dangerous where there is violence, R-SC20)
    for step in relationships["interventions"]:
        if step["id"] in ("relationships-couple-sessions", "relationships-check-ins",
                          "relationships-validation", "relationships-repair-skills",
                          "relationships-conflict-log", "relationships-boundaries"):
            assert step["status"] == "held", step["id"]
            assert any(note.startswith("Held (after-ipv-screen)") and "private screen" in note
                       for note in step["notes"]), step["id"]
    screen = next(s for s in relationships["interventions"] if s["id"] == "relationships-ipv-screen")
    assert screen["status"] == "active"


def test_self_esteem_homework_waits_for_a_phq9_and_its_risk_question(engine) -> None:
    # clinical.md §7.10: low self-esteem may be a symptom of depression; PHQ-9 and safety first.
    rses_low = [0, 1, 2, 0, 2, 0, 1, 2, 2, 2]
    without = plan_for(engine, assessment({"rses": rses_low}, concerns=["self-esteem"]))
    self_guided = [s for s in problem(without, "self-esteem")["interventions"] if s["delivery"] == "self-guided"]
    assert self_guided
    for step in self_guided:
        # held: no PHQ-9 means the risk question was never asked (clinician read 16, M1)
        assert step["status"] == "held", step["id"]
        assert any("PHQ-9" in note for note in step["notes"]), step["id"]
    with_phq9 = plan_for(engine, assessment({"rses": rses_low, "phq9": [1, 1, 1, 1, 1, 1, 0, 0, 0]},
                                            concerns=["self-esteem"]))
    steps = problem(with_phq9, "self-esteem")["interventions"]
    assert all(s["status"] == "active" for s in steps if s["delivery"] == "self-guided")


# -- lifestyle ----------------------------------------------------------------------------------------


def test_exercise_builds_towards_the_who_range(engine) -> None:
    data = plan_for(engine, assessment(concerns=["lifestyle"]))
    minutes = next(o for o in all_objectives(data) if o["id"] == "lifestyle-activity-minutes")
    assert minutes["measure"]["target"] == {"value": 150, "comparator": ">="}
    graded = next(s for s in all_steps(data) if s["id"] == "lifestyle-graded-activity")
    assert any("10-20 %" in s and "150 minutes" in s and "300" in s for s in graded["steps"])
    # the step's dose is what it builds up to, the objective's target (it starts below it, from
    # the first week's logged total: clinical.md §7.8)
    weekly = graded["frequency"]["times"] * graded["duration_minutes"]
    assert weekly == 150
    assert any("first week" in s for s in graded["steps"])


def test_meal_advice_in_pregnancy_says_no_alcohol(engine) -> None:
    data = plan_for(engine, assessment(concerns=["lifestyle"], conditions=["pregnancy"]))
    meals = next(s for s in all_steps(data) if s["id"] == "lifestyle-regular-meals")
    text = " ".join(meals["steps"]).lower()
    assert "avoid alcohol" in text and "alcohol low" not in text
    plain = plan_for(engine, assessment(concerns=["lifestyle"]))
    assert "alcohol low" in " ".join(next(s for s in all_steps(plain) if s["id"] == "lifestyle-regular-meals")["steps"])


def test_a_patients_wish_to_get_fit_links_to_lifestyle(engine) -> None:
    data = plan_for(engine, assessment(patient_goals=["Get fit again after the heart scare"]))
    assert data["patient_goals"][0]["linked_areas"] == ["lifestyle"]
    fitting_in = plan_for(engine, assessment(patient_goals=["I want to fit in with the people at work"]))
    assert fitting_in["patient_goals"][0]["linked_areas"] == []


def test_eating_disorder_gets_a_referral_not_meal_plans_or_exercise_targets(engine) -> None:
    data = plan_for(engine, assessment(concerns=["lifestyle"], conditions=["eating-disorder"]))
    ids = step_ids(data)
    assert "lifestyle-eating-disorder-referral" in ids
    assert not ids & {"lifestyle-regular-meals", "lifestyle-graded-activity", "lifestyle-activity-log"}
    # no exercise or meal target: the only objective is the tracked liaison with the team (read 8)
    assert [o["id"] for o in problem(data, "lifestyle")["objectives"]] == ["lifestyle-eating-disorder-liaison"]
    assert {"lifestyle-activity-minutes", "lifestyle-regular-meals"} <= set(excluded(data))


# -- trauma ------------------------------------------------------------------------------------------


def test_one_breathing_routine_when_trauma_and_anxiety_are_both_planned(engine) -> None:
    pcl5 = [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 0, 3, 3, 2, 3]
    item = assessment({"pcl5": pcl5, "gad7": [3, 3, 2, 3, 2, 3, 2]})
    data = plan_for(engine, item)
    breathing = [s for s in all_steps(data) if "breathing" in s["id"]]
    assert len(breathing) == 1
    # whichever copy is kept, the routine is the same: practised when calm (5 minutes on five
    # days a week, clinical.md §7.4's lower end), then used in the moment
    assert breathing[0]["frequency"] == {"times": 5, "per": "week"}
    assert breathing[0]["duration_minutes"] == 5
    assert any("in the moment" in line for line in breathing[0]["steps"])
    assert any(n["code"] == "assembly.shared" and "paced-breathing" in n["message"] for n in data["notices"])
    # when anxiety's breathing step is left out (its objective deferred), trauma's stays
    short = plan_for(Engine(config=EngineConfig(max_objectives_per_problem=1)), item)
    assert [s["id"] for s in all_steps(short) if "breathing" in s["id"]] == ["trauma-paced-breathing"]


def test_trauma_is_referral_and_stabilisation_only(engine) -> None:
    pcl5 = [3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 0, 3, 3, 2, 3]
    data = plan_for(engine, assessment({"pcl5": pcl5}))
    trauma = problem(data, "trauma")
    for step in trauma["interventions"]:
        if step["delivery"] == "self-guided":
            assert step["category"] == "stabilisation"
        assert step["category"] not in ("exposure", "trauma-narrative", "emdr")
    referral = next(s for s in trauma["interventions"] if s["id"] == "trauma-trauma-therapy-referral")
    assert referral["delivery"] == "referral"
    assert {"trauma-grounding", "trauma-paced-breathing", "trauma-sleep-routine"} <= step_ids(data)
    pcl5_goal = next(o for o in trauma["objectives"] if o["id"] == "trauma-pcl5-improvement")
    assert pcl5_goal["measure"]["target"] == {"value": 36, "comparator": "<="}  # 46 - 10


def test_the_pcl5_symptom_pattern_below_the_cut_off_still_leads_to_referral(engine) -> None:
    # total 12, pattern met; E items 15 and 17 (item 16, self-destructive behaviour, would open a
    # risk flag of its own)
    pcl5 = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0]
    data = plan_for(engine, assessment({"pcl5": pcl5}))
    trauma = problem(data, "trauma")
    assert [
        f["provenance"]["source"] for f in data["findings"] if f["area"] != "safety"
    ] == ["rule:pcl5.dsm-pattern"]
    referral = next(s for s in trauma["interventions"] if s["id"] == "trauma-trauma-therapy-referral")
    assert referral["delivery"] == "referral"
    assert all(s["category"] not in ("exposure", "trauma-narrative", "emdr") for s in trauma["interventions"])
    below = [2, 0, 0, 0, 0, 1, 0, 2, 2, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0]  # no C item endorsed
    # no problem of its own: only the safety step, the risk question never having been asked
    assert [p["area"] for p in plan_for(engine, assessment({"pcl5": below}))["problems"]] == ["safety"]


def test_a_trauma_concern_without_a_screen_leads_to_an_assessment(engine) -> None:
    data = plan_for(engine, assessment(concerns=["trauma"], conditions=["psychosis"]))
    trauma = problem(data, "trauma")
    # and, with no PHQ-9 on file, the PHQ-9 at this visit (a clinician task)
    assert [o["id"] for o in trauma["objectives"]] == [
        "trauma-trauma-assessment",
        "trauma-phq9-at-this-visit",
    ]
    ids = step_ids(data)
    assert "trauma-trauma-assessment-referral" in ids and "trauma-readiness-check" in ids
    assert "trauma-trauma-therapy-referral" not in ids  # therapy is referred for after assessment


@pytest.mark.parametrize(
    ("responses", "context"),
    [
        ({"pcl5": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]}, {"concerns": ["trauma"]}),
        ({}, {"patient_goals": ["Stop the nightmares about the accident"]}),
        ({"pc-ptsd-5": [1, 1, 1, 1, 0]}, {}),  # a positive screen: the core asks for the PCL-5
    ],
)
def test_no_therapy_referral_without_probable_ptsd(engine, responses, context) -> None:
    # clinical.md §2.8, §8: a screen or concern goes to assessment; referral for trauma-focused
    # therapy starts at a PCL-5 cut-off or the DSM-5 pattern.
    data = plan_for(engine, assessment(responses, **context))
    trauma = problem(data, "trauma")
    ids = {o["id"] for o in trauma["objectives"]}
    assert not ids & {"trauma-start-trauma-therapy", "trauma-pcl5-improvement"}
    assert "trauma-trauma-therapy-referral" not in step_ids(data)
    # a screen or concern leads to an assessment; the patient's words alone to the exposure
    # question and a screen first (clinician read 2, S5)
    assert ids & {"trauma-trauma-assessment", "trauma-next-step-1"} or (
        "trauma-exposure-question" in step_ids(data)
    )


# -- well-being and alcohol ------------------------------------------------------------------------------


def test_low_who5_leads_to_depression_assessment_and_a_percent_based_target(engine) -> None:
    data = plan_for(engine, assessment({"who5": [2, 1, 2, 3, 2]}))  # raw 10 = 40 %
    wellbeing = problem(data, "wellbeing")
    # the strategy asks for the PHQ-9 once (the WHO-5 findings carry no core next step)
    asks = [s["id"] for s in wellbeing["interventions"] if "PHQ-9" in s["title"]]
    assert asks == ["wellbeing-depression-assessment"]
    concern_only = plan_for(engine, assessment(concerns=["wellbeing"]))
    assert "wellbeing-depression-assessment" in step_ids(concern_only)
    target = next(o for o in wellbeing["objectives"] if o["id"] == "wellbeing-who5-improvement")
    assert target["measure"]["target"] == {"value": 13, "comparator": ">="}  # +10 points = 3 raw


@pytest.mark.parametrize("sex", ["female", "male"])
def test_positive_audit_c_gets_a_brief_intervention_and_a_drinking_goal_from_the_diary(engine, sex) -> None:
    # The 12-week outcome is drinking, from the drinks diary, against the limit agreed at the
    # brief intervention; the AUDIT-C (a screen of usual drinking) is re-taken at the end-of-plan
    # review, not as the outcome (issue 13 item 7f).
    data = plan_for(engine, assessment({"audit-c": [3, 2, 2]}, sex=sex))
    alcohol = problem(data, "alcohol")
    goal = next(o for o in alcohol["objectives"] if o["id"] == "alcohol-drinking-within-limit")
    assert "instrument" not in goal["measure"] and "drinks diary" in goal["measure"]["method"]
    assert goal["measure"]["target"] == {"value": 3, "comparator": ">="}
    assert "___ standard drinks" in goal["statement"] and "we agree the number today" in goal["statement"]
    assert not [o for o in all_objectives(data) if o["measure"].get("instrument") == "audit-c"]
    steps = {s["id"]: s for s in alcohol["interventions"]}
    assert {"alcohol-brief-intervention", "alcohol-further-assessment"} <= set(steps)
    assert "alcohol-drinking-within-limit" in steps["alcohol-drinks-diary"]["objectives"]
    assert steps["alcohol-drinks-diary"]["course_weeks"] == goal_weeks(goal)
    assert "end-of-plan review" in steps["alcohol-audit-c-at-end-review"]["title"]


def goal_weeks(goal: dict[str, Any]) -> int:
    days = (dt.date.fromisoformat(goal["due_date"]) - dt.date.fromisoformat(goal["start_date"])).days
    return days // 7


def test_alcohol_is_flagged_as_a_modifier_of_sleep_and_anxiety(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [3, 2, 2], "isi": [3, 2, 2, 3, 2, 3, 2],
                                        "gad7": [2, 2, 1, 2, 1, 1, 2]}, sex="male"))
    assert {"sleep-alcohol-and-sleep", "anxiety-alcohol-and-anxiety"} <= step_ids(data)
    assert "alcohol-alcohol-as-modifier" not in step_ids(data)  # the specific links say it
    quiet = plan_for(engine, assessment({"isi": [3, 2, 2, 3, 2, 3, 2]}))
    assert "sleep-alcohol-and-sleep" not in step_ids(quiet)
    alone = plan_for(engine, assessment({"audit-c": [3, 2, 2]}, sex="male"))
    assert "alcohol-alcohol-as-modifier" in step_ids(alone)


# -- personal, not copied ------------------------------------------------------------------------------


def _clinical_content(data: dict[str, Any]) -> Any:
    return [(p["area"], p["patient_words"], p["objectives"], p["interventions"]) for p in data["problems"]]


def test_two_different_patients_get_different_plans(engine) -> None:
    first = plan_for(engine, assessment({"phq9": MODERATE_PHQ9, "isi": [3, 2, 2, 3, 2, 3, 2]},
                                        patient_goals=["I want to sleep through the night"]))
    second = plan_for(engine, assessment({"phq9": SEVERE_PHQ9, "isi": [3, 3, 2, 3, 2, 3, 3]},
                                         patient_goals=["Wake up rested for work"]))
    assert _clinical_content(first) != _clinical_content(second)
    targets = lambda d: [o["measure"]["target"] for o in all_objectives(d)]  # noqa: E731
    assert targets(first) != targets(second)
    assert problem(first, "sleep")["patient_words"] != problem(second, "sleep")["patient_words"]


def test_only_the_patients_words_differ_so_only_they_change(engine) -> None:
    first = plan_for(engine, assessment(concerns=["assertiveness"], patient_goals=["Say no at work"]))
    second = plan_for(engine, assessment(concerns=["assertiveness"], patient_goals=["Speak up in meetings"]))
    assert _clinical_content(first) != _clinical_content(second)
    words = {o["patient_words"] for o in all_objectives(first) if o["area"] != "safety"}
    assert words == {"Say no at work"}


def test_same_inputs_give_identical_plans_and_dates_follow_as_of(engine) -> None:
    item = assessment({"gad7": [2, 2, 1, 2, 1, 1, 2]}, concerns=["stress"])
    assert engine.plan(item, as_of=AS_OF).to_json() == engine.plan(item, as_of=AS_OF).to_json()
    assert engine.plan(item, as_of=AS_OF).to_json() == Engine(strict=True).plan(item, as_of=AS_OF).to_json()
    later = plan_for(engine, item, as_of=AS_OF + dt.timedelta(days=7))
    earlier = plan_for(engine, item)
    assert [o["due_date"] for o in all_objectives(later)] != [o["due_date"] for o in all_objectives(earlier)]


def test_review_intervals_follow_the_configured_maximum() -> None:
    engine = Engine(strict=True, config=EngineConfig(max_review_interval_days=10))
    data = plan_for(engine, assessment({"phq9": MODERATE_PHQ9}))
    assert all(o["review_interval_days"] <= 10 for o in all_objectives(data))


def test_plan_elements_are_fresh_objects_on_every_call(engine) -> None:
    item = assessment({"phq9": MODERATE_PHQ9})
    first = engine.plan(item, as_of=AS_OF)
    first.problems[0].interventions[0].notes.append("edited by a clinician")
    first.problems[0].objectives[0].addresses.append("edited")
    second = engine.plan(item, as_of=AS_OF)
    assert "edited by a clinician" not in second.problems[0].interventions[0].notes
    assert "edited" not in second.problems[0].objectives[0].addresses


def test_a_problem_whose_content_is_listed_under_another_says_where(engine) -> None:
    from planengine.render._plan import render_markdown

    item = assessment({"gad7": [3, 3, 2, 3, 2, 3, 2], "phq9": RISK_ASKED}, concerns=["stress"])
    plan = engine.plan(item, as_of=AS_OF)
    stress = problem(plan.to_dict(), "stress")
    assert not stress["objectives"] and not stress["interventions"]  # all shared with anxiety
    text = render_markdown(plan)
    section = text.split("## 2. Stress", 1)[1].split("## ", 1)[0]
    assert "listed there once" in section and "Anxiety" in section


def test_a_step_that_builds_on_a_held_step_is_held_too(engine) -> None:
    # Problem-solving avoidance reviews the (self-guided, so held) activity schedule.
    data = plan_for(engine, assessment({"phq9": [3, 3, 3, 2, 2, 2, 2, 2, 1]}))
    steps = {s["id"]: s for s in all_steps(data)}
    assert steps["depression-activity-scheduling"]["status"] == "held"
    dependant = steps["depression-avoidance-problem-solving"]
    assert dependant["delivery"] == "clinician-led" and dependant["status"] == "held"
    assert any("builds on 'depression-activity-scheduling'" in n for n in dependant["notes"])


def test_an_unanswered_item_9_is_asked_at_this_visit(engine) -> None:
    data = plan_for(engine, assessment({"phq9": [2, 2, 2, 2, 1, 1, 1, 1, None]}))
    ask = next(o for o in all_objectives(data) if o["statement"].startswith("Ask the patient to answer item 9"))
    assert ask["due_date"] == AS_OF.isoformat()
    other = plan_for(engine, assessment({"phq9": [2, None, 2, 2, 1, 1, 1, 1, 0]}))
    ask_other = next(o for o in all_objectives(other) if o["statement"].startswith("Ask the patient to answer item 2"))
    assert ask_other["due_date"] > AS_OF.isoformat()  # a non-risk item keeps the follow-up interval


@pytest.mark.parametrize(("condition", "status"), [("psychosis", "held"), ("bipolar-disorder", "caution")])
def test_cognitive_steps_are_cautioned_with_psychosis_or_bipolar_disorder(engine, condition, status) -> None:
    # With psychosis the steps are held until the liaison with the psychosis team (a gate).
    data = plan_for(engine, assessment({"rses": [0, 1, 2, 0, 2, 0, 1, 2, 2, 2], "phq9": MODERATE_PHQ9},
                                       concerns=["self-esteem"], conditions=[condition]))
    # shared steps are listed once, under depression or self-esteem
    cognitive = [s for s in all_steps(data) if s["id"].removeprefix(s["area"] + "-") in (
        "catch-automatic-thoughts", "thought-record", "behavioural-experiments",
        "balanced-self-statements", "restructuring-sessions")]
    assert len(cognitive) == 5
    for step in cognitive:
        assert step["status"] == status, step["id"]
        assert any(f"({condition})" in n for n in step["notes"]), step["id"]


@pytest.mark.parametrize("condition", ["older-adult", "fall-risk"])
def test_later_life_and_fall_risk_get_sleep_compression_not_full_restriction(engine, condition) -> None:
    engine = engine_without_cbti()  # a step of its own only without a CBT-I referral (read 9)
    data = plan_for(engine, assessment({"isi": [3, 3, 3, 3, 2, 3, 3]}, conditions=[condition]))
    step = next(s for s in all_steps(data) if s["id"] == "sleep-sleep-restriction")
    assert step["title"].startswith("Sleep compression")
    assert not any("floor of about five hours" in line for line in step.get("steps", []))
    plain = plan_for(engine, assessment({"isi": [3, 3, 3, 3, 2, 3, 3]}))
    assert next(s for s in all_steps(plain) if s["id"] == "sleep-sleep-restriction")["title"].startswith("Sleep restriction")


def test_alcohol_in_pregnancy_aims_at_none(engine) -> None:
    data = plan_for(engine, assessment({"audit-c": [1, 1, 1]}, sex="female", conditions=["pregnancy"]))
    goal = next(o for o in all_objectives(data) if o["id"] == "alcohol-drinking-within-limit")
    assert goal["measure"]["target"] == {"value": 4, "comparator": ">="}  # no drinks in any week
    assert goal["statement"].startswith("From now on, drink no alcohol for the rest of the pregnancy")
    assert "no drinks in the drinks diary in each of the 4 weeks" in goal["statement"]


def test_anxiety_education_is_cautioned_for_a_cardiac_patient(engine) -> None:
    data = plan_for(engine, assessment({"gad7": [2, 2, 1, 2, 1, 1, 2]}, conditions=["cardiac-condition"]))
    education = next(s for s in all_steps(data) if s["id"] == "anxiety-anxiety-psychoeducation")
    assert education["status"] == "caution"
    assert any("checked medically" in n for n in education["notes"])


def test_a_documented_ipv_puts_the_private_safety_assessment_first_and_today(engine) -> None:
    # stepped-care.md §10, R-SC20; clinical.md §7.6-§7.7: documented violence is a risk flag of
    # its own, and the private safety assessment is the core's safety problem, first, today.
    data = plan_for(engine, assessment({"phq9": [3, 3, 3, 2, 2, 2, 2, 2, 0]},
                                       concerns=["assertiveness"], conditions=["intimate-partner-violence"]))
    (flag,) = data["risk"]["flags"]
    assert (flag["kind"], flag["level"], flag["private"]) == ("intimate-partner-violence", "documented", True)
    first = data["problems"][0]
    assert first["id"] == "problem-safety"
    assert [o["id"] for o in first["objectives"]] == [
        "safety-private-assessment", "safety-specialist-support-offered", "safety-safe-contact-agreed"
    ]
    assert first["objectives"][0]["urgent"] is True
    assert first["objectives"][0]["due_date"] == AS_OF.isoformat()
    assert [s["id"] for s in first["interventions"]] == ["safety-private-assessment"]
    # written homework that could be found waits for the private assessment
    held = [s for p in data["problems"][1:] for s in p["interventions"] if s["delivery"] == "self-guided"]
    assert held and all(s["status"] == "held" for s in held)
    assert all("kept without being found" in " ".join(s["notes"]) for s in held)
    # the plugins no longer carry a second copy of the assessment
    assert "assertiveness-ipv-safety-assessment" not in step_ids(data)
    calm = plan_for(engine, assessment({"phq9": [3, 3, 3, 2, 2, 2, 2, 2, 0]}, concerns=["assertiveness"]))
    assert calm["problems"][0]["area"] == "depression"  # without it, severity orders the plan
    assert not calm["risk"]["flags"]


def test_the_safety_objectives_are_never_deferred() -> None:
    limited = Engine(config=EngineConfig(max_objectives_per_problem=1))
    data = plan_for(limited, assessment({"phq9": [3, 3, 3, 2, 2, 2, 2, 2, 2]},
                                        concerns=["relationships"], conditions=["intimate-partner-violence"]))
    safety = data["problems"][0]
    assert [o["id"] for o in safety["objectives"]] == [
        "safety-plan-completed", "safety-follow-up-contact", "safety-private-assessment",
        "safety-specialist-support-offered", "safety-safe-contact-agreed",
    ]
    assert "relationships-ipv-screen" not in step_ids(data)  # the violence is already known


def test_partner_objectives_wait_for_the_private_screen(engine) -> None:
    # Issue 12 item 4: not only partner steps but partner-involving objectives are marked until the
    # private screen has found no violence or coercive control (clinical.md §7.7).
    data = plan_for(engine, assessment(concerns=["relationships"]))
    relationships = problem(data, "relationships")
    partner = [o for o in relationships["objectives"] if o["id"] in ("relationships-check-ins", "relationships-appreciations")]
    assert partner
    for objective in partner:
        assert any("after a private screen" in note for note in objective["notes"])


def test_documented_ipv_alone_brings_the_safety_assessment_into_the_plan(engine) -> None:
    # No relationships or assertiveness concern: the documented violence still puts the private
    # safety assessment first, as the core's safety problem (R-SC20).
    data = plan_for(engine, assessment({"phq9": [3, 3, 3, 2, 2, 2, 2, 2, 0]},
                                       conditions=["intimate-partner-violence"]))
    first = data["problems"][0]
    assert first["area"] == "safety"
    assert [o["id"] for o in first["objectives"]] == [
        "safety-private-assessment", "safety-specialist-support-offered", "safety-safe-contact-agreed"
    ]
    evidence = [f for f in data["findings"] if f["id"] in first["evidence"]]
    assert [f["provenance"]["source"] for f in evidence] == ["rule:safety.ipv-documented"]
    assert evidence[0]["provenance"]["inputs"] == ["$.context.conditions[0]"]
    assert "relationships" not in [p["area"] for p in data["problems"]]
    without = plan_for(engine, assessment({"phq9": [3, 3, 3, 2, 2, 2, 2, 2, 0]}, conditions=["pregnancy"]))
    assert not without["risk"]["flags"]
    assert "safety" not in [p["area"] for p in without["problems"]]

