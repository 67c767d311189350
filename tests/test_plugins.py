"""The plugin host: loading, attribution, isolation of failures, and safety after every hook."""

from __future__ import annotations

import datetime as dt
import json
import types

import attrs
import pytest

import planengine
from plan_helpers import assert_valid
from planengine import Assessment, Engine, PluginError, Proposal, Response

AS_OF = dt.date(2026, 11, 25)
RISKY = Assessment(responses=(Response("phq9", AS_OF, (2, 2, 2, 2, 2, 2, 2, 2, 2)),))
PLAIN = Assessment(responses=(Response("phq9", AS_OF, (2, 2, 2, 2, 2, 2, 2, 2, 0)),))


def plugin(name: str, **hooks: object) -> types.SimpleNamespace:
    """A plugin object with the given hook implementations."""
    namespace = types.SimpleNamespace(PLUGIN_NAME=name, __version__="9.9.9")
    for hook_name, function in hooks.items():
        setattr(namespace, hook_name, planengine.hookimpl(function))
    return namespace


def test_builtin_plugins_load_through_entry_points() -> None:
    engine = Engine()
    names = {info.name for info in engine.plugin_infos if info.kind == "plugin"}
    assert {"sleep", "cbt"} <= names
    assert {"sleep", "cbt-self-talk"} <= {s.id for s in engine.strategies}
    assert all(
        info.distribution == "planengine" for info in engine.plugin_infos if info.kind == "plugin"
    )


def test_no_plugin_manager_is_built_at_import_time() -> None:
    # A fresh interpreter, so this test does not reset modules other tests share.
    import subprocess
    import sys

    code = (
        "import sys, planengine; "
        "assert 'pluggy' not in sys.modules, 'pluggy imported'; "
        "assert 'planengine._plugins' not in sys.modules, 'plugin host imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_blocking_a_builtin_removes_its_strategy() -> None:
    engine = Engine(block=["sleep"])
    assert "sleep" not in {s.id for s in engine.strategies}


def test_a_crashing_plugin_is_named_and_skipped() -> None:
    def propose(problem, context):
        raise RuntimeError("boom")

    engine = Engine(plugins=[plugin("crashy", propose=propose)])
    assessment = Assessment(
        responses=PLAIN.responses, context=planengine.Context(concerns=("assertiveness", "sleep"))
    )
    data = engine.plan(assessment, as_of=AS_OF).to_dict()
    assert_valid("plan", data)
    assert len(data["problems"]) >= 3
    failures = [n for n in data["notices"] if n["code"] == "plugin.failed"]
    assert len(failures) == 1  # once, not once per problem
    assert "crashy" in failures[0]["message"] and "boom" in failures[0]["message"]
    assert any(p["objectives"] for p in data["problems"])


def test_strict_mode_makes_a_crash_an_error() -> None:
    def propose(problem, context):
        raise RuntimeError("boom")

    engine = Engine(plugins=[plugin("crashy", propose=propose)], strict=True)
    with pytest.raises(PluginError, match="crashy"):
        engine.plan(PLAIN, as_of=AS_OF)


def test_a_plugin_cannot_remove_or_reorder_the_safety_step() -> None:
    def adjust_plan(plan, context):
        plan.problems.reverse()
        plan.problems[:] = [p for p in plan.problems if p.area != "safety"]
        for problem in plan.problems:
            for step in problem.interventions:
                step.status = "active"

    engine = Engine(plugins=[plugin("saboteur", adjust_plan=adjust_plan)])
    data = engine.plan(RISKY, as_of=AS_OF).to_dict()
    assert data["problems"][0]["area"] == "safety"
    for problem in data["problems"][1:]:
        for step in problem["interventions"]:
            if step["delivery"] == "self-guided":
                assert step["status"] == "held"


def test_a_plugin_cannot_fake_a_safety_problem_without_a_flag() -> None:
    def adjust_plan(plan, context):
        first = plan.problems[0]
        first.area = "safety"

    engine = Engine(plugins=[plugin("faker", adjust_plan=adjust_plan)])
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    assert all(p["area"] != "safety" for p in data["problems"])


def test_self_guided_exposure_is_never_kept() -> None:
    def propose(problem, context):
        step = planengine.Intervention(
            id="diy-exposure",
            area=problem.area,
            title="Imaginal exposure at home",
            description="Listen to the trauma recording alone.",
            delivery="self-guided",
            category="exposure",
            rationale="none",
            provenance=planengine.Provenance("plugin:bad"),
        )
        return Proposal(interventions=(step,))

    engine = Engine(plugins=[plugin("bad", propose=propose)])
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    assert "diy-exposure" not in {s["id"] for p in data["problems"] for s in p["interventions"]}
    assert any(e["rule"] == "safety.no-self-guided-exposure" for e in data["excluded"])


def test_duplicate_steps_keep_the_higher_priority_and_say_why() -> None:
    def propose(problem, context):
        step = planengine.Intervention(
            id=f"{problem.area}-activity-scheduling",
            area=problem.area,
            title="Copy",
            description="A copy.",
            delivery="self-guided",
            rationale="copy",
            provenance=planengine.Provenance("plugin:copycat"),
        )
        return Proposal(interventions=(step,))

    engine = Engine(plugins=[plugin("copycat", propose=propose)])
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    depression = next(p for p in data["problems"] if p["area"] == "depression")
    kept = next(s for s in depression["interventions"] if s["id"] == "depression-activity-scheduling")
    assert kept["title"] != "Copy"
    assert any(
        n["code"] == "assembly.id-collision" and "copycat" in n["message"] for n in data["notices"]
    )


def test_registering_a_clashing_strategy_is_reported() -> None:
    def register_strategies(register):
        register(Engine(autoload=True).strategies[0])

    engine = Engine(plugins=[plugin("clash", register_strategies=register_strategies)])
    assert any("already registered" in n.message for n in engine.load_notices)
    with pytest.raises(PluginError, match="already registered"):
        Engine(plugins=[plugin("clash", register_strategies=register_strategies)], strict=True)


def test_unknown_hook_name_is_reported() -> None:
    bad = types.SimpleNamespace(
        PLUGIN_NAME="typo", propse=planengine.hookimpl(lambda problem, context: None)
    )
    engine = Engine(plugins=[bad], autoload=False)
    assert any(n.code == "plugin.unknown-hook" for n in engine.load_notices)
    with pytest.raises(PluginError, match="typo"):
        Engine(plugins=[bad], autoload=False, strict=True)


def test_draft_strategies_are_refused_unless_allowed() -> None:
    from planengine import DataStrategy, EngineConfig

    base = Engine().strategies[0]
    draft = DataStrategy(
        id="trial",
        name="Trial",
        version="0.1.0",
        status="draft",
        areas=base.areas,
        priority=10,
        data=base.data,
    )

    def register_strategies(register):
        register(draft)

    refused = Engine(plugins=[plugin("trial", register_strategies=register_strategies)])
    assert "trial" not in {s.id for s in refused.strategies}
    assert any(n.code == "strategy.refused" for n in refused.load_notices)
    allowed = Engine(
        plugins=[plugin("trial", register_strategies=register_strategies)],
        config=EngineConfig(allow_draft_strategies=True),
    )
    assert "trial" in {s.id for s in allowed.strategies}


@pytest.mark.parametrize(
    "claim",
    ["Screening shows no risk of suicide.", "The patient is not at risk.", "A risk-free plan.",
     "There is no current suicide risk.", "No-Risk", "risk: none", "not currently at\nrisk",
     "no current or past suicide risk", "risk\u2011free"],
)
def test_plugin_text_that_claims_no_risk_is_removed_and_reported(claim: str) -> None:
    def adjust_plan(plan, context):
        plan.notices.append(planengine.Notice("x.claim", claim, "plugin:claimer"))
        problem = plan.problems[-1]
        problem.title = f"{problem.title} ({claim})"
        step = problem.interventions[0]
        step.description = f"{step.description} {claim}"
        step.citations.append(claim)
        if problem.objectives:
            problem.objectives[0].measure.method = claim

    engine = Engine(plugins=[plugin("claimer", adjust_plan=adjust_plan)])
    for assessment in (RISKY, PLAIN):
        text = engine.plan(assessment, as_of=AS_OF).to_json()
        assert not planengine.plan._risk_wording.NO_RISK_CLAIM.search(text), text
        data = engine.plan(assessment, as_of=AS_OF).to_dict()
        assert "safety.risk-claim-removed" in [n["code"] for n in data["notices"]]
        assert "x.claim" in [n["code"] for n in data["notices"]]  # the notice stays, reworded
        assert_valid("plan", data)


def test_a_strategy_file_that_claims_no_risk_is_refused() -> None:
    from planengine._errors import DocumentSchemaError
    from planengine.strategies._strategy import strategy_from_mapping

    data = {
        "planengine": 1, "kind": "strategy", "id": "claims", "name": "Claims", "version": "1.0.0",
        "status": "production", "areas": ["sleep"],
        "long_term_goals": {"sleep": "Sleep well, with no risk at all."},
        "objectives": [], "interventions": [], "references": {"R1": "A reference."},
    }
    with pytest.raises(DocumentSchemaError, match="rules out risk") as caught:
        strategy_from_mapping(data)
    assert caught.value.path == "$.long_term_goals.sleep"


CLAIMS = [
    "no risk", "No Risk", "no-risk", "zero-risk", "nil risk", "not at-risk", "risk: none",
    "risk: 0", "Risk level: none", "without any risk", "not currently at risk", "not at any risk",
    "no current or past suicide risk", "no\nrisk", "no\u200b risk", "there is no suicide risk",
    "The patient is not at risk.", "no self-harm risk", "no immediate risk", "not a risk to self",
    "No evidence of suicide risk", "No longer at risk", "Suicide risk is absent", "Risk ruled out",
    "riskless", "risk\u2011free", "The plan is risk free.",
]
ORDINARY = [
    "Risk is unknown: ask item 9.", "No flag was raised; ask about risk directly.",
    "Lowers the risk of relapse.", "Known risks of sleep restriction.", "PHQ-9 item 9 not endorsed",
    "No questionnaire with a risk item was given", "no one at risk should wait",
    "Do not start exposure without risk assessment.", "The GAD-7 has no risk item.",
    "Sleep restriction is not without risk in bipolar disorder.", "no risk factors for apnoea",
    "Screen everyone, not at-risk groups only", "This method is not risk-free.",
]


@pytest.mark.parametrize("text", CLAIMS)
def test_wording_that_claims_no_risk_is_recognised(text: str) -> None:
    assert planengine.plan._risk_wording.claims_no_risk(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_wording_about_risk_is_not_touched(text: str) -> None:
    assert not planengine.plan._risk_wording.claims_no_risk(text)


@pytest.mark.parametrize(("delivery", "kept"), [("Self-Guided", True), ("by a robot", False)])
def test_a_hook_step_with_an_unknown_delivery_is_read_or_left_out(delivery: str, kept: bool) -> None:
    def propose(problem, context):
        step = planengine.Intervention(
            id=f"{problem.area}-odd", area=problem.area, title="Odd step", description="Text.",
            delivery=delivery, rationale="Why.", provenance=planengine.Provenance("plugin:odd"),
        )
        return Proposal(interventions=(step,))

    engine = Engine(plugins=[plugin("odd", propose=propose)])
    data = engine.plan(RISKY, as_of=AS_OF).to_dict()
    assert_valid("plan", data)
    steps = {s["id"]: s for p in data["problems"] for s in p["interventions"]}
    if kept:
        assert steps["depression-odd"]["delivery"] == "self-guided"
        assert steps["depression-odd"]["status"] == "held"
    else:
        assert "depression-odd" not in steps
        assert any(e["rule"] == "plugin.invalid-step" for e in data["excluded"])


def test_a_propose_hook_cannot_claim_a_core_rule_or_another_plugin() -> None:
    def propose(problem, context):
        fake = planengine.Provenance("rule:safety.step-first", ("$.x",))
        step = planengine.Intervention(
            id=f"{problem.area}-spoof", area=problem.area, title="Spoof", description="Text.",
            delivery="clinician-led", rationale="Why.", provenance=fake,
        )
        left_out = planengine.Exclusion("x", problem.area, "X", "why", "rule:core", "rule:core")
        return Proposal(
            interventions=(step,), exclusions=(left_out,),
            notices=(planengine.Notice("x.note", "Hello.", "core"),),
        )

    data = Engine(plugins=[plugin("spoofer", propose=propose)]).plan(PLAIN, as_of=AS_OF).to_dict()
    steps = {s["id"]: s for p in data["problems"] for s in p["interventions"]}
    assert steps["depression-spoof"]["provenance"]["source"] == "plugin:spoofer@9.9.9"
    assert steps["depression-spoof"]["provenance"]["inputs"] == ["$.x"]
    assert {e["proposed_by"] for e in data["excluded"] if e["id"] == "x"} == {"plugin:spoofer@9.9.9"}
    assert {n["source"] for n in data["notices"] if n["code"] == "x.note"} == {"plugin:spoofer@9.9.9"}


def test_what_adjust_plan_adds_or_rewrites_is_attributed_to_it() -> None:
    def adjust_plan(plan, context):
        problem = plan.problems[0]
        problem.long_term_goal = "A goal the hook wrote."
        added = planengine.Intervention(
            id="added", area=problem.area, title="Added", description="Text.",
            delivery="clinician-led", rationale="Why.",
            provenance=planengine.Provenance("rule:findings.next-step"),
        )
        problem.interventions.append(added)
        plan.notices.append(planengine.Notice("x.note", "Spoofed.", "rule:safety.step-first"))
        plan.exclusions.append(planengine.Exclusion("x", "depression", "X", "why", "r", "rule:core"))
        renamed = plan.problems[-1]
        renamed.id, renamed.long_term_goal = "problem-renamed", "Another goal."

    data = Engine(plugins=[plugin("adjuster", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF).to_dict()
    assert {n["source"] for n in data["notices"] if n["code"] == "x.note"} == {"plugin:adjuster@9.9.9"}
    assert {e["proposed_by"] for e in data["excluded"] if e["id"] == "x"} == {"plugin:adjuster@9.9.9"}
    assert next(p for p in data["problems"] if p["id"] == "problem-renamed")[
        "long_term_goal_source"
    ] == "plugin:adjuster@9.9.9"
    problem = data["problems"][0]
    assert problem["long_term_goal_source"] == "plugin:adjuster@9.9.9"
    added = next(s for s in problem["interventions"] if s["id"] == "added")
    assert added["provenance"]["source"] == "plugin:adjuster@9.9.9"
    untouched = [s for s in problem["interventions"] if s["id"] != "added"]
    assert untouched and all(s["provenance"]["source"] != "plugin:adjuster@9.9.9" for s in untouched)
    assert [n["source"] for n in data["notices"] if n["code"] == "plan.adjusted"] == [
        "plugin:adjuster@9.9.9"
    ]


def test_what_adjust_plan_changes_in_place_keeps_its_maker_and_names_the_hook() -> None:
    engine_alone = Engine().plan(PLAIN, as_of=AS_OF).to_dict()

    def adjust_plan(plan, context):
        problem = plan.problems[0]
        problem.interventions[0].description += " Reworded by the hook."
        objective = problem.objectives[0]
        objective.review_interval_days = 14
        objective.provenance = planengine.Provenance("plugin:someone-else@1", ("$.forged",))

    data = Engine(plugins=[plugin("editor", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF)
    assert_valid("plan", data.to_dict())
    problem, before = data.to_dict()["problems"][0], engine_alone["problems"][0]
    step, objective = problem["interventions"][0], problem["objectives"][0]
    assert step["description"].endswith("Reworded by the hook.")
    assert step["provenance"] == {
        **before["interventions"][0]["provenance"], "adjusted_by": ["plugin:editor@9.9.9"]
    }
    assert objective["provenance"] == {
        **before["objectives"][0]["provenance"], "adjusted_by": ["plugin:editor@9.9.9"]
    }
    others = [*problem["interventions"][1:], *problem["objectives"][1:]]
    assert others and all("adjusted_by" not in element["provenance"] for element in others)
    notice = next(n for n in data.to_dict()["notices"] if n["code"] == "plan.adjusted")
    assert "adjusted_by" in notice["message"]


def test_markdown_never_says_nothing_was_found_when_a_hook_removed_the_problems() -> None:
    from planengine.render._plan import render_markdown

    def adjust_plan(plan, context):
        plan.problems[:] = []

    # item 9 answered: no flag of a risk question never given puts the safety step back
    incomplete = Assessment(
        responses=(Response("isi", AS_OF, (3, 3, None, 3, 3, 3, 3)), Response("phq9", AS_OF, (0,) * 9))
    )
    engine = Engine(plugins=[plugin("emptier", adjust_plan=adjust_plan)])
    text = render_markdown(engine.plan(incomplete, as_of=AS_OF))
    assert "threshold" not in text.split("## Problems")[1].split("##")[0]
    assert "see the notices" in text


def test_markdown_gives_the_reason_when_nothing_reached_a_threshold() -> None:
    from planengine.render._plan import render_markdown

    # item 9 answered 0: risk was asked, and nothing else reached a threshold
    asked = Assessment(responses=(Response("phq9", AS_OF, (0,) * 9),))
    text = render_markdown(Engine().plan(asked, as_of=AS_OF))
    assert "No score reached a threshold" in text.split("## Problems")[1]


def test_a_propose_hook_claiming_no_risk_is_reworded_and_named() -> None:
    def propose(problem, context):
        step = planengine.Intervention(
            id=f"{problem.area}-calm", area=problem.area, title="Reassure",
            description="Tell the patient there is no suicide risk.", delivery="clinician-led",
            rationale="Why.", provenance=planengine.Provenance("plugin:x"),
        )
        return Proposal(long_term_goal="A risk-free life.", interventions=(step,))

    data = Engine(plugins=[plugin("claimer", propose=propose)]).plan(PLAIN, as_of=AS_OF).to_dict()
    assert not planengine.plan._risk_wording.NO_RISK_CLAIM.search(json.dumps(data))
    assert [n["source"] for n in data["notices"] if n["code"] == "safety.risk-claim-removed"] == [
        "plugin:claimer@9.9.9"
    ]


def test_a_python_strategy_object_is_attributed_and_checked_like_a_hook() -> None:
    class Reassurer:
        id, version, status, areas, priority = "reassurer", "1.0.0", "production", ("depression",), 40

        def propose(self, problem, context, plugin):
            step = planengine.Intervention(
                id="depression-reassure", area="depression", title="Reassure",
                description="The patient is not at risk.", delivery="clinician-led",
                rationale="Why.", provenance=planengine.Provenance("rule:core"),
            )
            return Proposal(interventions=(step,))

    def register_strategies(register):
        register(Reassurer())

    engine = Engine(plugins=[plugin("reassurer", register_strategies=register_strategies)])
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    step = next(s for p in data["problems"] for s in p["interventions"] if s["id"] == "depression-reassure")
    assert step["provenance"]["source"] == "plugin:reassurer@9.9.9"
    assert not planengine.plan._risk_wording.NO_RISK_CLAIM.search(step["description"])
    assert "safety.risk-claim-removed" in [n["code"] for n in data["notices"]]


def test_an_adjust_hook_that_raises_after_writing_is_still_checked() -> None:
    def adjust_plan(plan, context):
        plan.problems[-1].interventions[0].description = "There is no risk here."
        raise RuntimeError("half done")

    data = Engine(plugins=[plugin("halfway", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF).to_dict()
    assert not planengine.plan._risk_wording.NO_RISK_CLAIM.search(json.dumps(data))
    codes = [n["code"] for n in data["notices"]]
    assert "plugin.failed" in codes and "safety.risk-claim-removed" in codes and "plan.adjusted" in codes


class _Text(str):
    """A str subclass, which the wording check must not skip."""


def test_hook_texts_in_tuples_and_str_subclasses_are_checked_without_crashing() -> None:
    def adjust_plan(plan, context):
        step = plan.problems[-1].interventions[0]
        step.steps = ("Plain step.", _Text("The patient is not at risk."))
        step.citations = ("R1: a reference",)
        step.notes = ()
        step.title = _Text("No\u200b risk")

    data = Engine(plugins=[plugin("tupler", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF).to_dict()
    assert_valid("plan", data)
    text = json.dumps(data)
    assert "not at risk" not in text and "No\u200b risk" not in text and "No risk" not in text
    assert "Plain step." in text and "R1: a reference" in text


def test_a_data_strategy_subclass_or_one_built_in_code_is_checked() -> None:
    from planengine._errors import DocumentSchemaError
    from planengine.strategies._strategy import DataStrategy

    source = next(s for s in Engine().strategies if s.id == "sleep")

    class Sly(DataStrategy):
        def propose(self, problem, context, plugin):
            proposal = super().propose(problem, context, plugin)
            for step in proposal.interventions:
                step.description = "The patient is not at risk."
                step.provenance = planengine.Provenance("rule:safety.step-first")
            return proposal

    sly = Sly(id="sly", name="Sly", version="1.0.0", status="production", areas=("sleep",),
              priority=99, data=source.data)
    engine = Engine(plugins=[plugin("sly", register_strategies=lambda register: register(sly))])
    assessment = Assessment(
        responses=(Response("isi", AS_OF, (3, 3, 3, 3, 2, 3, 3)), Response("phq9", AS_OF, (0,) * 9))
    )
    data = engine.plan(assessment, as_of=AS_OF).to_dict()
    assert "not at risk" not in json.dumps(data)
    assert all(
        s["provenance"]["source"] != "rule:safety.step-first"
        for p in data["problems"] for s in p["interventions"]
    )
    with pytest.raises(DocumentSchemaError, match="rules out risk"):
        DataStrategy(id="x", name="X", version="1.0.0", status="production", areas=("sleep",),
                     priority=1, data={**source.data, "references": {"R1": "A risk-free method."}})


def test_the_engine_own_replacement_and_notice_make_no_such_claim() -> None:
    wording = planengine.plan._risk_wording
    assert not wording.claims_no_risk(wording._REDACTED)
    assert not wording.claims_no_risk(wording.no_risk_claim_notice("plugin:x@1.0.0").message)
    for claim in CLAIMS:  # what replaces a claim is no claim
        assert not wording.claims_no_risk(wording._Redactor().text(claim))


def test_a_clinician_step_in_other_letter_case_is_not_held_because_an_adjust_hook_exists() -> None:
    def propose(problem, context):
        step = planengine.Intervention(
            id=f"{problem.area}-review", area=problem.area, title="Review", description="Text.",
            delivery="Clinician-Led", rationale="Why.", provenance=planengine.Provenance("plugin:x"),
        )
        return Proposal(interventions=(step,))

    engine = Engine(plugins=[
        plugin("caser", propose=propose), plugin("idle", adjust_plan=lambda plan, context: None),
    ])
    data = engine.plan(RISKY, as_of=AS_OF).to_dict()
    step = next(s for p in data["problems"] for s in p["interventions"] if s["id"] == "depression-review")
    assert (step["delivery"], step["status"]) == ("clinician-led", "active")


def test_a_hook_cannot_push_out_an_engine_step_or_borrow_a_safety_id() -> None:
    def adjust_plan(plan, context):
        first = plan.problems[-1]
        engine_id = first.interventions[0].id
        bogus = [
            attrs.evolve(first.interventions[0], id=engine_id, title="Bogus", delivery="referral"),
            attrs.evolve(first.interventions[0], id="safety-plan", title="Fake safety plan"),
        ]
        plan.problems.insert(0, attrs.evolve(first, id="problem-bogus", interventions=bogus))

    engine = Engine(plugins=[plugin("pusher", adjust_plan=adjust_plan)])
    data = engine.plan(RISKY, as_of=AS_OF).to_dict()
    steps = [s for p in data["problems"] for s in p["interventions"]]
    assert "Bogus" not in {s["title"] for s in steps}  # the engine's own step keeps its id
    assert [s["id"] for s in steps].count("safety-plan") == 1
    assert "Fake safety plan" not in {s["title"] for s in steps}
    ids = [s["id"] for s in steps]
    assert len(ids) == len(set(ids))


def test_a_propose_hook_with_unreadable_content_is_named_and_skipped() -> None:
    def propose(problem, context):
        step = planengine.Intervention(
            id=f"{problem.area}-odd", area=problem.area, title="Odd", description="Text.",
            delivery="clinician-led", rationale="Why.", provenance=None,
        )
        return Proposal(interventions=(step,))

    data = Engine(plugins=[plugin("broken", propose=propose)]).plan(PLAIN, as_of=AS_OF).to_dict()
    assert_valid("plan", data)
    failures = [n for n in data["notices"] if n["code"] == "plugin.failed"]
    assert len(failures) == 1 and "broken" in failures[0]["message"]
    assert "depression-odd" not in {s["id"] for p in data["problems"] for s in p["interventions"]}


def test_a_hook_that_removes_a_steps_provenance_gets_it_restored_and_named() -> None:
    def adjust_plan(plan, context):
        plan.problems[-1].interventions[0].provenance = None

    data = Engine(plugins=[plugin("eraser", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF)
    provenance = data.to_dict()["problems"][-1]["interventions"][0]["provenance"]
    assert provenance["source"].startswith("plugin:") and provenance["inputs"]
    assert provenance["adjusted_by"] == ["plugin:eraser@9.9.9"]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda plan: plan.exclusions.append(None),
        lambda plan: plan.notices.append("not a notice"),
        lambda plan: setattr(plan.problems[-1].objectives[0], "measure", None),
        lambda plan: plan.problems[-1].interventions.append(
            attrs.evolve(plan.problems[-1].interventions[0], id="copy", provenance=None)
        ),
        lambda plan: setattr(plan.problems[-1].interventions[0], "steps", 5),
    ],
)
def test_an_adjust_hook_that_leaves_an_unreadable_plan_is_named_not_a_crash(spoil) -> None:
    from planengine._errors import PluginError

    engine = Engine(plugins=[plugin("spoiler", adjust_plan=lambda plan, context: spoil(plan))])
    with pytest.raises(PluginError, match="spoiler"):
        engine.plan(PLAIN, as_of=AS_OF)


def test_a_hook_that_writes_bytes_is_named_not_a_crash_when_rendering() -> None:
    from planengine._errors import PluginError

    def adjust_plan(plan, context):
        plan.problems[-1].title = b"bytes"  # not an objective or step: found when rendering

    with pytest.raises(PluginError, match="byter"):
        Engine(plugins=[plugin("byter", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF)


def test_a_step_a_hook_gave_a_bytes_title_is_left_out_naming_the_hook() -> None:
    def adjust_plan(plan, context):
        plan.problems[-1].interventions[0].title = b"bytes"

    engine = Engine(plugins=[plugin("byter", adjust_plan=adjust_plan)])
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    assert_valid("plan", data)
    left_out = [e for e in data["excluded"] if e["rule"] == "plugin.invalid-step"]
    assert len(left_out) == 1
    assert left_out[0]["reason"].startswith("title: ")
    assert "plugin:byter@9.9.9" in left_out[0]["reason"]  # who changed it
    strict = Engine(plugins=[plugin("byter", adjust_plan=adjust_plan)], strict=True)
    with pytest.raises(PluginError, match=r"byter.*title"):
        strict.plan(PLAIN, as_of=AS_OF)


TRAUMA = Assessment(
    responses=(Response("pcl5", AS_OF, (3, 3, 2, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 2, 0, 3, 3, 2, 3)),)
)


def _exposure_step(area: str, category: str) -> planengine.Intervention:
    return planengine.Intervention(
        id=f"{area}-home-{category}", area=area, title="Practise at home", description="Text.",
        delivery="self-guided", rationale="Why.", category=category,
        provenance=planengine.Provenance("plugin:x"),
    )


@pytest.mark.parametrize(
    "category",
    ["exposure", "imaginal-exposure", "narrative-writing", "in-vivo", "Exposure", "EMDR",
     "In-Vivo", "imaginal exposure", "trauma_processing"],
)
def test_self_guided_exposure_is_removed_whoever_adds_it(category: str) -> None:
    def adjust_plan(plan, context):
        plan.problems[0].interventions.append(_exposure_step(plan.problems[0].area, category))

    def propose(problem, context):
        return Proposal(interventions=(_exposure_step(problem.area, category + "-2"),))

    for hooks in ({"adjust_plan": adjust_plan}, {"propose": propose}):
        data = Engine(plugins=[plugin("diy", **hooks)]).plan(TRAUMA, as_of=AS_OF).to_dict()
        assert_valid("plan", data)
        steps = {s["id"] for p in data["problems"] for s in p["interventions"]}
        assert not [s for s in steps if "-home-" in s], hooks
        rules = {e["rule"] for e in data["excluded"] if "-home-" in e["id"]}
        assert rules == {"safety.no-self-guided-exposure"}


def test_a_plugin_instrument_whose_text_rules_out_risk_is_refused() -> None:
    import json

    from planengine.instruments._data_files import load_builtin_instruments

    data = json.loads(
        json.dumps(load_builtin_instruments()["gad2"].to_dict()).replace('"gad2.', '"calm2.')
    )
    data.pop("source", None)
    data.update(id="calm2", name="CALM-2")
    data["findings"][0]["summary"] = "{name} total {score} ({cutoff}): anxious, but no risk of self-harm."
    engine = Engine(
        plugins=[plugin("calm", register_instruments=lambda register: register(data))], autoload=False
    )
    assert "calm2" not in engine.instruments
    failed = [n.message for n in engine.load_notices if n.code == "plugin.failed"]
    assert failed and "rules out risk" in failed[0]


def test_an_error_text_that_rules_out_risk_is_not_printed_in_the_plan() -> None:
    def propose(problem, context):
        raise RuntimeError("nothing to do: no suicide risk")

    data = Engine(plugins=[plugin("raiser", propose=propose)]).plan(PLAIN, as_of=AS_OF).to_dict()
    failed = [n["message"] for n in data["notices"] if n["code"] == "plugin.failed"]
    assert failed and "no suicide risk" not in failed[0] and "raiser" in failed[0]


def test_an_idle_adjust_hook_does_not_rewrite_the_cores_own_notices() -> None:
    before = Engine().plan(RISKY, as_of=AS_OF).to_dict()["notices"]
    after = Engine(plugins=[plugin("idle", adjust_plan=lambda plan, context: None)]).plan(
        RISKY, as_of=AS_OF
    ).to_dict()["notices"]
    assert [n for n in after if n["code"] != "plan.adjusted"] == before


def test_a_propose_hook_that_returns_something_else_is_named() -> None:
    engine = Engine(plugins=[plugin("junk", propose=lambda problem, context: {"objectives": []})])
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    failed = [n["message"] for n in data["notices"] if n["code"] == "plugin.failed"]
    assert failed == ["plugin 'junk': propose returned dict, not a Proposal or None"] or (
        len(failed) == 1 and "junk" in failed[0] and "returned dict" in failed[0]
    )
    strict = Engine(plugins=[plugin("junk", propose=lambda problem, context: 42)], strict=True)
    with pytest.raises(PluginError, match="returned int"):
        strict.plan(PLAIN, as_of=AS_OF)


def test_each_adjust_hook_is_credited_with_its_own_changes_only() -> None:
    def first(plan, context):
        plan.problems[0].interventions[0].description += " (first)"

    def second(plan, context):
        plan.problems[0].interventions[1].description += " (second)"
        plan.notices.append(planengine.Notice("x.second", "From the second hook."))

    def raiser(plan, context):
        plan.problems[0].objectives[0].rationale = "Changed before raising."
        raise RuntimeError("midway")

    engine = Engine(
        plugins=[plugin("a-first", adjust_plan=first), plugin("b-second", adjust_plan=second),
                 plugin("c-raiser", adjust_plan=raiser)]
    )
    data = engine.plan(PLAIN, as_of=AS_OF).to_dict()
    steps = data["problems"][0]["interventions"]
    assert steps[0]["provenance"]["adjusted_by"] == ["plugin:a-first@9.9.9"]
    assert steps[1]["provenance"]["adjusted_by"] == ["plugin:b-second@9.9.9"]
    assert data["problems"][0]["objectives"][0]["provenance"]["adjusted_by"] == ["plugin:c-raiser@9.9.9"]
    assert {n["source"] for n in data["notices"] if n["code"] == "x.second"} == {"plugin:b-second@9.9.9"}
    adjusted = sorted(n["source"] for n in data["notices"] if n["code"] == "plan.adjusted")
    assert adjusted == ["plugin:a-first@9.9.9", "plugin:b-second@9.9.9", "plugin:c-raiser@9.9.9"]


# -- objectives and steps from Python plugin code are checked as strategy files are ------------

DEPRESSION_ANXIETY = Assessment(
    responses=(
        Response("phq9", AS_OF, (2, 2, 2, 2, 2, 2, 2, 2, 0)),
        Response("gad7", AS_OF, (2, 2, 2, 2, 2, 2, 2)),
    )
)
#: room for every proposed objective, so a plugin's is never merely deferred
ROOMY = planengine.EngineConfig(max_objectives_per_problem=20)


def _objective(area: str, /, **changes: object) -> planengine.Objective:
    """A well-formed objective a plugin might write, with ``changes``."""
    fields: dict[str, object] = {
        "id": f"{area}-walk",
        "area": area,
        "statement": "Walk 20 minutes on 5 days a week by 2027-01-01.",
        "measure": planengine.Measure(
            unit="days", method="diary", target_value=5, comparator=">=", baseline_value=0,
            baseline_date=AS_OF, metric="days walked",
        ),
        "start_date": AS_OF,
        "due_date": dt.date(2027, 1, 1),
        "review_interval_days": 14,
        "addresses": ["finding-phq9-1"],
        "provenance": planengine.Provenance("plugin:x"),
    }
    fields.update(changes)
    return planengine.Objective(**fields)  # type: ignore[arg-type]


def _step(area: str, /, **changes: object) -> planengine.Intervention:
    """A well-formed step a plugin might write, with ``changes``."""
    fields: dict[str, object] = {
        "id": f"{area}-walking", "area": area, "title": "Walk", "description": "Walk daily.",
        "delivery": "clinician-led", "rationale": "Why.", "objective_ids": [f"{area}-walk"],
        "provenance": planengine.Provenance("plugin:x"),
    }
    fields.update(changes)
    return planengine.Intervention(**fields)  # type: ignore[arg-type]


def _proposing(objective: dict[str, object] | None = None, step: dict[str, object] | None = None):
    """A ``propose`` hook offering, for the depression problem, an objective and a step linked to
    it, with the given changes."""

    def propose(problem, context):
        if problem.area != "depression":
            return None
        made = _objective(problem.area, **(objective or {}))
        linked = {"objective_ids": [made.id], **(step or {})}
        return Proposal(objectives=(made,), interventions=(_step(problem.area, **linked),))

    return propose


def _strict_json(plan: planengine.Plan) -> dict[str, object]:
    """The plan's JSON, read as strict JSON (no NaN or infinity)."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the plan's JSON")

    data = json.loads(plan.to_json(), parse_constant=refuse)
    assert_valid("plan", data)
    return data


def _goal_errors(plan: planengine.Plan) -> list[str]:
    """Codes of the errors ``planengine validate`` reports on the plan's goal file."""
    found = planengine.check_goals(planengine.plan_to_goal_document(plan), as_of=AS_OF)
    return [v.code for v in found if v.severity == "error"]


NAN_MEASURE = planengine.Measure(
    unit="days", method="diary", target_value=float("nan"), comparator=">=", baseline_value=0,
    baseline_date=AS_OF, metric="days walked",
)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure": NAN_MEASURE}, "measure.target.value: nan is not a finite number"),
        ({"review_interval_days": 0}, "review_interval_days: 0 is less than the minimum of 1"),
        ({"statement": ""}, "statement:"),
        ({"due_date": dt.date(2026, 1, 1)}, "due_date: 2026-01-01 is before start_date"),
        ({"review_interval_days": 500}, "review_interval_days: 500 is above the maximum of 90"),
        ({"id": "safety-plan-completed", "area": "safety"}, "id: ids starting with 'safety-'"),
        # "urgent" lifts a problem to the top: only for an objective due at this visit
        ({"urgent": True}, "urgent: an urgent objective is due at this visit"),
    ],
)
def test_a_plugin_objective_that_would_break_the_plan_or_its_goal_file_is_left_out(
    changes: dict[str, object], field: str
) -> None:
    engine = Engine(plugins=[plugin("x", propose=_proposing(changes))], config=ROOMY)
    plan = engine.plan(RISKY, as_of=AS_OF)  # a risk flag: the core's safety objective is there
    data = _strict_json(plan)
    objective_id = changes.get("id", "depression-walk")
    objectives = [o for p in data["problems"] for o in p["objectives"]]
    assert [o["id"] for o in objectives].count(objective_id) == (objective_id != "depression-walk")
    assert not [o for o in objectives if o["provenance"]["source"] == "plugin:x@9.9.9"]
    left_out = {e["id"]: e for e in data["excluded"] if e["proposed_by"] == "plugin:x@9.9.9"}
    assert left_out[objective_id]["rule"] == "plugin.invalid-objective"
    assert left_out[objective_id]["reason"].startswith(field)
    # the step serving only that objective goes with it, as with a deferred objective
    assert left_out["depression-walking"]["rule"] == "plugin.invalid-objective"
    assert objective_id in left_out["depression-walking"]["reason"]
    assert "depression-walking" not in {s["id"] for p in data["problems"] for s in p["interventions"]}
    assert _goal_errors(plan) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"frequency": {"times": -1, "per": "week"}}, "frequency.times: -1 is less than"),
        ({"duration_minutes": -5}, "duration_minutes: -5 is less than the minimum of 1"),
        ({"status": "approved"}, "status: 'approved' is not one of"),
        ({"duration_minutes": float("inf")}, "duration_minutes: inf is not of type 'integer'"),
    ],
)
def test_a_plugin_step_that_would_break_the_plan_schema_is_left_out(
    changes: dict[str, object], field: str
) -> None:
    engine = Engine(plugins=[plugin("x", propose=_proposing(step=changes))], config=ROOMY)
    data = _strict_json(engine.plan(PLAIN, as_of=AS_OF))
    assert "depression-walking" not in {s["id"] for p in data["problems"] for s in p["interventions"]}
    assert "depression-walk" in {o["id"] for p in data["problems"] for o in p["objectives"]}
    left_out = {e["id"]: e for e in data["excluded"] if e["proposed_by"] == "plugin:x@9.9.9"}
    assert left_out["depression-walking"]["rule"] == "plugin.invalid-step"
    assert left_out["depression-walking"]["reason"].startswith(field)


@pytest.mark.parametrize(
    ("objective", "step", "message"),
    [
        ({"review_interval_days": 0}, None, r"objective 'depression-walk'.*review_interval_days"),
        ({"id": "safety-plan-completed"}, None, r"objective 'safety-plan-completed'.*'safety-'"),
        (None, {"status": "approved"}, r"step 'depression-walking'.*status"),
    ],
)
def test_strict_mode_refuses_a_plugin_objective_or_step_written_wrong(
    objective: dict[str, object] | None, step: dict[str, object] | None, message: str
) -> None:
    engine = Engine(
        plugins=[plugin("x", propose=_proposing(objective, step))], config=ROOMY, strict=True
    )
    with pytest.raises(PluginError, match=message) as caught:
        engine.plan(PLAIN, as_of=AS_OF)
    assert caught.value.plugin == "x"


def test_a_well_formed_plugin_objective_and_its_step_are_kept() -> None:
    for strict in (False, True):
        engine = Engine(plugins=[plugin("x", propose=_proposing())], config=ROOMY, strict=strict)
        plan = engine.plan(PLAIN, as_of=AS_OF)
        data = _strict_json(plan)
        objective = next(o for p in data["problems"] for o in p["objectives"] if o["id"] == "depression-walk")
        assert objective["provenance"]["source"] == "plugin:x@9.9.9"
        step = next(s for p in data["problems"] for s in p["interventions"] if s["id"] == "depression-walking")
        assert step["objectives"] == ["depression-walk"]
        assert not [e for e in data["excluded"] if e["rule"].startswith("plugin.invalid")]
        assert _goal_errors(plan) == []


def test_a_left_out_plugin_objective_does_not_take_an_active_objectives_place() -> None:
    def propose(problem, context):
        if problem.area != "depression":
            return None
        return Proposal(objectives=(_objective(problem.area, review_interval_days=0),))

    class Strategy:
        id, version, status, areas, priority = "walking", "1.0", "active", ("depression",), 999

        def propose(self, problem, context, plugin_label):
            return propose(problem, context)

    register = plugin("walker", register_strategies=lambda register: register(Strategy()))
    data = Engine(plugins=[register]).plan(PLAIN, as_of=AS_OF).to_dict()
    baseline = Engine().plan(PLAIN, as_of=AS_OF).to_dict()
    assert data["problems"] == baseline["problems"]  # nothing deferred in its place
    assert [e["rule"] for e in data["excluded"] if e["id"] == "depression-walk"] == [
        "plugin.invalid-objective"
    ]


def test_a_step_serving_a_left_out_and_a_kept_objective_stays_linked_to_the_kept_one() -> None:
    def propose(problem, context):
        if problem.area != "depression":
            return None
        good, bad = _objective(problem.area), _objective(problem.area, id="depression-bad", due_date=dt.date(2020, 1, 1))
        step = _step(problem.area, objective_ids=["depression-bad", "depression-walk"])
        return Proposal(objectives=(good, bad), interventions=(step,))

    engine = Engine(plugins=[plugin("x", propose=propose)], config=ROOMY)
    data = _strict_json(engine.plan(PLAIN, as_of=AS_OF))
    step = next(s for p in data["problems"] for s in p["interventions"] if s["id"] == "depression-walking")
    assert step["objectives"] == ["depression-walk"]
    assert [e["id"] for e in data["excluded"] if e["rule"] == "plugin.invalid-objective"] == [
        "depression-bad"
    ]


def test_a_plugin_objective_id_another_objective_has_is_left_out() -> None:
    def propose(problem, context):  # one id for every problem, with different content
        objective = _objective(problem.area, id="walk", statement=f"Walk for {problem.area}.")
        return Proposal(objectives=(objective,), interventions=(_step(problem.area, objective_ids=["walk"]),))

    engine = Engine(plugins=[plugin("x", propose=propose)], config=ROOMY)
    plan = engine.plan(DEPRESSION_ANXIETY, as_of=AS_OF)
    data = _strict_json(plan)
    assert [o["id"] for p in data["problems"] for o in p["objectives"]].count("walk") == 1
    left_out = [e for e in data["excluded"] if e["rule"] == "plugin.invalid-objective"]
    assert [e["reason"] for e in left_out] == ["id: another objective already has this id"]
    assert "E005" not in _goal_errors(plan)


def test_an_objective_an_adjust_hook_adds_or_breaks_is_checked() -> None:
    def adjust_plan(plan, context):
        problem = plan.problems[-1]
        problem.objectives[0].review_interval_days = 500  # a strategy's objective, changed
        problem.objectives.append(_objective(problem.area, measure=NAN_MEASURE))  # added
        problem.objectives.append(_objective(problem.area, id="safety-extra"))

    engine = Engine(plugins=[plugin("hooky", adjust_plan=adjust_plan)])
    plan = engine.plan(PLAIN, as_of=AS_OF)
    data = _strict_json(plan)
    reasons = {e["id"]: e["reason"] for e in data["excluded"] if e["rule"] == "plugin.invalid-objective"}
    changed = next(r for r in reasons.values() if r.startswith("review_interval_days: 500"))
    assert "(changed by plugin:hooky@9.9.9)" in changed
    assert reasons["depression-walk"].startswith("measure.target.value: nan is not a finite")
    assert reasons["safety-extra"].startswith("id: ids starting with 'safety-'")
    assert _goal_errors(plan) == []
    with pytest.raises(PluginError, match="hooky"):
        Engine(plugins=[plugin("hooky", adjust_plan=adjust_plan)], strict=True).plan(PLAIN, as_of=AS_OF)


def test_a_number_json_has_no_form_for_never_reaches_the_plan_json() -> None:
    def adjust_plan(plan, context):  # a field the schema leaves open: found when rendering
        plan.problems[-1].interventions[0].frequency = {"times": 1, "per": "week", "x": float("nan")}

    with pytest.raises(PluginError, match="nanny"):
        Engine(plugins=[plugin("nanny", adjust_plan=adjust_plan)]).plan(PLAIN, as_of=AS_OF)


@pytest.mark.parametrize("option", ["tryfirst", "trylast", "hookwrapper", "wrapper"])
def test_ordering_markers_and_wrappers_are_refused_not_ignored(option) -> None:
    import types

    import planengine
    from planengine import Engine, PluginError

    def adjust_plan(plan, context):
        yield

    def propose(problem, context):
        return None

    function = adjust_plan if option in ("hookwrapper", "wrapper") else propose
    plugin = types.SimpleNamespace(
        PLUGIN_NAME="ordered", **{function.__name__: planengine.hookimpl(**{option: True})(function)}
    )
    engine = Engine(plugins=[plugin], autoload=False)
    (notice,) = [n for n in engine.load_notices if n.code == "plugin.register-failed"]
    assert f"{option}=True on {function.__name__}" in notice.message
    assert "ordered" not in [info.name for info in engine.plugin_infos]
    with pytest.raises(PluginError, match=f"{option}=True"):
        Engine(plugins=[plugin], autoload=False, strict=True)
