"""Assembly across problems: a step shared by two problems is listed once and serves both."""

from __future__ import annotations

from planengine._model import Intervention, Problem, Provenance
from planengine.plan._assembly import merge_across_problems

SOURCE = Provenance("plugin:test", ("$.context.concerns[0]",))


def _problem(area: str, weight: float, steps: list[Intervention]) -> Problem:
    return Problem(
        id=f"problem-{area}", area=area, title=area.title(), priority=0, severity=None,
        weight=weight, findings=[], interventions=steps,
    )


def _step(step_id: str, area: str, objective_ids: list[str]) -> Intervention:
    return Intervention(
        id=step_id, area=area, title="Keep a thought record", description="Same words.",
        delivery="self-guided", rationale="Why.", provenance=SOURCE, objective_ids=objective_ids,
    )


def test_shared_step_is_listed_once_and_points_at_both_objectives() -> None:
    first = _step("depression-record", "depression", ["depression-o1"])
    second = _step("self-esteem-record", "self-esteem", ["self-esteem-o1"])
    problems = [_problem("depression", 0.7, [first]), _problem("self-esteem", 0.3, [second])]
    notices = merge_across_problems(problems)
    assert problems[0].interventions == [first]
    assert problems[1].interventions == []
    assert first.objective_ids == ["depression-o1", "self-esteem-o1"]
    assert [n.code for n in notices] == ["assembly.shared"]


def test_merging_never_changes_a_list_another_step_shares() -> None:
    # A plugin may hand the same list to two of its steps; merging one must not change the other.
    shared = ["depression-o1"]
    first = _step("depression-record", "depression", shared)
    bystander = Intervention(
        id="depression-walk", area="depression", title="Walk", description="Other words.",
        delivery="self-guided", rationale="Why.", provenance=SOURCE, objective_ids=shared,
    )
    second = _step("self-esteem-record", "self-esteem", ["self-esteem-o1"])
    problems = [
        _problem("depression", 0.7, [first, bystander]),
        _problem("self-esteem", 0.3, [second]),
    ]
    merge_across_problems(problems)
    assert first.objective_ids == ["depression-o1", "self-esteem-o1"]
    assert bystander.objective_ids == ["depression-o1"]
    assert shared == ["depression-o1"]


def test_a_chain_of_requirements_falls_together_and_each_step_says_why() -> None:
    from planengine._model import Proposal
    from planengine.plan._assembly import RankedProposal, merge_proposals

    def step(step_id: str, requires: list[str]) -> Intervention:
        return Intervention(
            id=step_id, area="sleep", title=step_id, description=step_id, delivery="self-guided",
            rationale="Why.", provenance=SOURCE, requires=requires,
        )

    # "c" needs "b", which needs "a", which no proposal has; "d" needs nothing.
    steps = (step("c", ["b"]), step("b", ["a"]), step("d", []))
    problem = _problem("sleep", 0.5, [])
    ranked = [RankedProposal(Proposal(interventions=steps), "plugin:test", 50, "test")]
    exclusions, _ = merge_proposals(problem, ranked, max_objectives=3)
    assert [s.id for s in problem.interventions] == ["d"]
    assert {(e.item_id, e.rule) for e in exclusions} == {("b", "assembly.requires"), ("c", "assembly.requires")}
    assert all("which is not in the plan" in e.reason for e in exclusions)


def test_an_urgent_objective_and_its_step_come_before_a_higher_ranked_follow_up() -> None:
    import datetime as dt

    from planengine._model import Measure, Objective, Proposal
    from planengine.plan._assembly import RankedProposal, merge_proposals

    def objective(objective_id: str, urgent: bool) -> Objective:
        measure = Measure(unit="assessments", method="clinician records", target_value=1,
                          comparator=">=", baseline_value=0, baseline_date=dt.date(2026, 11, 25),
                          metric="assessment completed")
        return Objective(id=objective_id, area="alcohol", statement=f"{objective_id}.",
                         measure=measure, start_date=dt.date(2026, 11, 25),
                         due_date=dt.date(2026, 11, 25), review_interval_days=7,
                         addresses=[], provenance=SOURCE, urgent=urgent)

    def step(step_id: str, objective_id: str) -> Intervention:
        return Intervention(id=step_id, area="alcohol", title=step_id, description=step_id,
                            delivery="clinician-led", rationale="Why.", provenance=SOURCE,
                            objective_ids=[objective_id])

    core = Proposal(objectives=(objective("follow-up", False),), interventions=(step("review", "follow-up"),))
    strategy = Proposal(objectives=(objective("withdrawal", True),),
                        interventions=(step("withdrawal-step", "withdrawal"),))
    problem = _problem("alcohol", 0.5, [])
    ranked = [RankedProposal(core, "rule:core", 100, "core"),
              RankedProposal(strategy, "plugin:test", 50, "test")]
    merge_proposals(problem, ranked, max_objectives=3)
    assert [o.id for o in problem.objectives] == ["withdrawal", "follow-up"]
    assert [s.id for s in problem.interventions] == ["withdrawal-step", "review"]


def test_a_step_shared_across_problems_keeps_its_dependants_pointing_at_it_and_held() -> None:
    import datetime as dt

    from planengine._model import PlanDraft, RiskFlag
    from planengine.plan._safety import enforce

    diary_a = _step("depression-diary", "depression", [])
    diary_b = _step("assertiveness-diary", "assertiveness", [])
    review = Intervention(
        id="assertiveness-review-diary", area="assertiveness", title="Review the diary",
        description="In session.", delivery="clinician-led", rationale="Why.", provenance=SOURCE,
        requires=["assertiveness-diary"],
    )
    problems = [_problem("depression", 0.7, [diary_a]), _problem("assertiveness", 0.3, [diary_b, review])]
    merge_across_problems(problems)
    assert review.requires == ["depression-diary"]  # the copy kept, under depression
    flag = RiskFlag("risk-1", "suicidal-ideation", "endorsed", 2, "phq9", 9, 1, dt.date(2026, 11, 20),
                    "item 9 answered 1", SOURCE)
    draft = PlanDraft(problems=problems, exclusions=[], notices=[])
    enforce(draft, (flag,), dt.date(2026, 11, 25))
    assert diary_a.status == "held" and review.status == "held"
    (notice,) = [n for n in draft.notices if n.code == "safety.hold-self-guided"]
    assert "1 self-guided or supervised self-help step(s), and 1 step(s) that build on them," in notice.message
