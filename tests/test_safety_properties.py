"""Safety and repeatability invariants, as properties over generated assessments."""

from __future__ import annotations

import json
import types

import attrs
from hypothesis import given
from hypothesis import strategies as st

import planengine
from plan_helpers import all_steps, assert_valid
from planengine import Engine, EngineConfig
from planengine.plan._safety_hold import RISK_HOLD_EXEMPT
from planengine.testing.strategies import AS_OF, VOCABULARY, assessments, risk_phrase_texts

ITEM9 = st.one_of(st.none(), st.integers(0, 3))


def _saboteur() -> types.SimpleNamespace:
    def adjust_plan(plan, context):
        plan.problems.reverse()
        plan.problems[:] = [p for p in plan.problems if p.area != "safety"]
        plan.notices.clear()  # the crisis notices are added after every hook

    return types.SimpleNamespace(
        PLUGIN_NAME="saboteur", adjust_plan=planengine.hookimpl(adjust_plan)
    )


def _relabeller() -> types.SimpleNamespace:
    """Tries to lift the hold: relabels self-guided steps, renames some, adds a new one."""

    def adjust_plan(plan, context):
        for problem in plan.problems:
            clinician = [s.id for s in problem.interventions if s.delivery != "self-guided"]
            for number, step in enumerate(problem.interventions):
                if step.delivery == "self-guided":
                    step.delivery = "clinician-led"
                    step.status = "active"
                    if number % 2:
                        step.id += "-renamed"
                    elif clinician:  # take a clinician-led step's id
                        step.id = clinician[0]
            for step in problem.interventions:  # rewrite a clinician step's instructions
                if step.delivery != "self-guided" and step.steps is not None:
                    step.steps = [*step.steps, "Do this worksheet alone at home every evening."]
                    break
            if problem.interventions:
                extra = attrs.evolve(
                    problem.interventions[0], id=f"{problem.area}-extra", delivery="clinician-led"
                )
                extra.status = "active"
                problem.interventions.append(extra)

    return types.SimpleNamespace(
        PLUGIN_NAME="relabeller", adjust_plan=planengine.hookimpl(adjust_plan)
    )


ENGINES = {
    "builtins": Engine(strict=True),
    "none": Engine(autoload=False),
    "saboteur": Engine(plugins=[_saboteur()]),
    "relabeller": Engine(plugins=[_relabeller()]),
    "gb": Engine(strict=True, config=EngineConfig(crisis_locale="GB")),
}


def expected_flag_kinds(assessment) -> set[str]:
    """The kinds of flag an assessment must open, worked out from the rules themselves:
    PHQ-9 item 9 endorsed or blank, PCL-5 item 16 at 2 or more, documented intimate-partner
    violence, risk language in a patient goal."""
    kinds = set()
    item9 = [r.answers[8] for r in assessment.responses if r.instrument == "phq9"]
    # one flag per item, at its most serious answer: endorsed outranks blank
    if any(v is not None and v >= 1 for v in item9):
        kinds.add("suicidal-ideation")
    elif None in item9:
        kinds.add("risk-unknown")
    for response in assessment.responses:
        if response.instrument == "pcl5" and (response.answers[15] or 0) >= 2:
            kinds.add("risky-behaviour")
    if "intimate-partner-violence" in assessment.context.conditions:
        kinds.add("intimate-partner-violence")
    for goal in assessment.context.patient_goals:
        themes = {theme for theme, _ in VOCABULARY.risk_language.find(goal)}
        if themes - {"abuse", "harm-to-others"}:
            kinds.add("suicidal-language")
        if "abuse" in themes:
            kinds.add("possible-abuse")
        if "harm-to-others" in themes:
            kinds.add("harm-to-others")
    return kinds


#: The core's step for each kind of flag, which the safety problem must hold.
STEP_FOR_KIND = {
    "suicidal-ideation": "safety-plan",
    "risk-unknown": "safety-plan",
    "suicidal-language": "safety-plan",
    "risky-behaviour": "safety-behaviour-review",
    "intimate-partner-violence": "safety-private-assessment",
    "possible-abuse": "safety-private-assessment",
    "harm-to-others": "safety-others-assessment",
}


@given(
    assessment=assessments(phq9_item9=ITEM9, risk_words=True),
    engine_name=st.sampled_from(sorted(ENGINES)),
)
def test_safety_invariants_hold_for_every_flag_kind_and_plugin_set(
    assessment, engine_name
) -> None:
    data = ENGINES[engine_name].plan(assessment, as_of=AS_OF).to_dict()
    kinds = expected_flag_kinds(assessment)
    assert {f["kind"] for f in data["risk"]["flags"]} == kinds
    statement = data["risk"]["statement"].lower()
    assert "no risk" not in statement and "no suicide risk" not in statement
    if kinds:
        assert data["problems"][0]["area"] == "safety"
        assert data["problems"][0]["id"] == "problem-safety"
        first_steps = {s["id"] for s in data["problems"][0]["interventions"]}
        assert {STEP_FOR_KIND[k] for k in kinds} <= first_steps
        # Only steps the engine itself proposed as not self-guided may stay active.
        proposed = ENGINES["builtins"].plan(assessment, as_of=AS_OF).to_dict()
        def fingerprint(step):
            return (step["id"], step["delivery"], step["title"], step["description"],
                    tuple(step.get("steps") or ()))

        # coping skills stay active for a risk hold (clinician read 24, S3), never for a
        # private one (where homework can be kept is the question)
        private = any(
            str(s.get("hold", "")).startswith("private")
            for p in data["problems"] for s in p["interventions"]
        )
        may_be_active = {
            fingerprint(s) for p in proposed["problems"][1:] for s in p["interventions"]
            if s["delivery"] not in ("self-guided", "clinician-supervised")
            or (not private and s.get("category") in RISK_HOLD_EXEMPT)
        }
        for problem in data["problems"][1:]:
            assert problem["area"] != "safety"
            for step in problem["interventions"]:
                # the core's own clinician steps (the one course for depression and anxiety,
                # offered where another plugin set leaves no other course) may stay active too
                core = step["provenance"]["source"].startswith("rule:") and step["delivery"] not in (
                    "self-guided", "clinician-supervised")
                if fingerprint(step) not in may_be_active and not core:
                    assert step["status"] == "held", step["id"]
        ids = [s["id"] for p in data["problems"] for s in p["interventions"]]
        assert len(ids) == len(set(ids))
    else:
        assert all(p["area"] != "safety" for p in data["problems"])
    # crisis resources are the clinic's: never a default country's line; missing ones are loud
    crisis = data["risk"]["crisis_resources"]
    codes = [n["code"] for n in data["notices"]]
    assert bool(crisis) == (engine_name == "gb")
    assert ("safety.no-crisis-resources" in codes) == (bool(kinds) and not crisis)
    assert not any(r["source"].endswith("/US") for r in crisis)
    assert "988" not in data["risk"]["statement"] + json.dumps(data["problems"])
    assert data["status"] == "draft"


#: The flag kind each risk-language theme opens (any other theme: suicidal-language).
_THEME_KINDS = {"abuse": "possible-abuse", "harm-to-others": "harm-to-others"}


@given(text=risk_phrase_texts(), engine_name=st.sampled_from(sorted(ENGINES)))
def test_any_goal_holding_a_listed_phrase_opens_the_flag(text, engine_name) -> None:
    """Any case, any punctuation, negated or quoted: the words open a flag that quotes them (the
    private abuse flag for words of harm from someone else), the safety problem comes first and
    the goal is linked to it."""
    assessment = planengine.Assessment(context=planengine.Context(patient_goals=(text,)))
    data = ENGINES[engine_name].plan(assessment, as_of=AS_OF).to_dict()
    themes = {theme for theme, _ in VOCABULARY.risk_language.find(text)}
    kinds = {_THEME_KINDS.get(theme, "suicidal-language") for theme in themes}
    flags = [f for f in data["risk"]["flags"] if f["kind"] in kinds]
    assert {f["kind"] for f in flags} == kinds and kinds
    for flag in flags:
        assert flag["evidence"] == [text] and " ".join(text.split()) in flag["message"]
        assert flag["private"] is (flag["kind"] == "possible-abuse")
    assert data["problems"][0]["id"] == "problem-safety"
    assert "safety" in data["patient_goals"][0]["linked_areas"]


@given(assessment=assessments(phq9_item9=ITEM9))
def test_every_plan_validates_and_is_byte_identical(assessment) -> None:
    engine = ENGINES["builtins"]
    first = engine.plan(assessment, as_of=AS_OF).to_json()
    assert engine.plan(assessment, as_of=AS_OF).to_json() == first
    import json

    data = json.loads(first)
    assert_valid("plan", data)
    for step in all_steps(data):
        if step["area"] == "trauma":
            assert step["delivery"] != "self-guided" or step["category"] not in {
                "exposure",
                "trauma-narrative",
                "emdr",
            }


@given(assessment=assessments())
def test_contraindicated_steps_never_appear(assessment) -> None:
    data = ENGINES["builtins"].plan(assessment, as_of=AS_OF).to_dict()
    conditions = set(assessment.context.conditions)
    ids = {s["id"] for s in all_steps(data)}
    if conditions & {"bipolar-disorder", "seizure-disorder", "hazardous-occupation"}:
        assert "sleep-sleep-restriction" not in ids
