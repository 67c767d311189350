"""Assembling proposals into problems: merging, conflicts, the trauma rule and plan length.

Rules applied here, each recorded in the plan when it changes something:

* ``assembly.duplicate``: two proposals with the same step or objective id, or two long-term
  goals for one problem: the higher-priority strategy wins (ties: the lower strategy id), and the
  plan says which and why. ``assembly.id-collision``: the same between a plugin and a built-in
  strategy: the built-in one is kept whatever the priorities.
* ``assembly.conflict``: a step that declares ``conflicts_with`` another kept step loses to
  the higher-priority one.
* ``safety.no-self-guided-exposure``: exposure, trauma-narrative and EMDR steps (any category
  naming exposure or trauma processing) are never self-guided; such a step is removed, also when
  an ``adjust_plan`` hook adds it [[R52][R53]].
* ``assembly.shared``: the same objective or step proposed for two problems (one strategy serving
  two areas) is listed once, under the higher-priority problem, and addresses both.
* ``assembly.objective-limit``: at most ``max_objectives_per_problem`` active objectives per
  problem (default 3); the rest are listed as deferred, with their steps. A liaison objective
  (a one-off contact with another team that other steps wait for: the psychosis team, the
  prescriber or bipolar service, the cardiac team) is not counted and never deferred: it is a
  gate, not a treatment goal, and deferring it would hold the steps behind it with no goal to
  track it, while counting it would push a treatment goal out (clinician read 9, S5). Nor is a
  task done at this visit (``at_this_visit``: the core's PHQ-9 for a plan with no depression
  measure, the ISI when none is on file), which would otherwise push out a treatment goal
  (clinician read 11, S2; read 12, S3).
* urgent first: an urgent objective (a safety step such as the private IPV safety assessment or
  the alcohol withdrawal-risk assessment) and the steps serving it lead the problem, before the
  higher-ranked core follow-up step; an urgent objective is never the one deferred.
* ``assembly.requires``: a step that builds on another (``requires``: sleep restriction on the
  sleep diary) is left out when that step is not in the problem's plan.
* ``plugin.invalid-objective`` / ``plugin.invalid-step``: what Python plugin code wrote is checked
  as strategy files are when they load: an objective or step that would break the plan schema, or
  whose id is taken or kept for the core's safety plan, is left out (steps serving only a left-out
  objective with it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from planengine._model import Exclusion, Intervention, Notice, Objective, Problem, Proposal

__all__ = [
    "CLINICIAN_ONLY_CATEGORIES",
    "DELIVERIES",
    "RankedProposal",
    "clinician_only",
    "merge_across_problems",
    "merge_proposals",
    "normalise_delivery",
]

#: Categories of step that only a trained clinician may deliver (never self-guided) [R53].
CLINICIAN_ONLY_CATEGORIES = frozenset({"exposure", "trauma-narrative", "emdr"})

#: Any category naming exposure or trauma processing work ("imaginal-exposure", "in-vivo",
#: "narrative-writing"): never self-guided. The plan schema holds the same pattern.
CLINICIAN_ONLY_PATTERN = re.compile(
    r"exposure|narrative|emdr|imaginal|in-vivo|flooding|reprocessing|trauma-processing"
)


def clinician_only(category: object) -> bool:
    """Whether a step of this category is delivered only by a trained clinician."""
    if not isinstance(category, str):
        return False
    known = _CLINICIAN_ONLY.get(category)
    if known is None:  # categories are few: each is searched once, in any case or spelling
        plain = "-".join(category.casefold().replace("_", " ").split())
        known = plain in CLINICIAN_ONLY_CATEGORIES or bool(CLINICIAN_ONLY_PATTERN.search(plain))
        if len(_CLINICIAN_ONLY) < 4096:
            _CLINICIAN_ONLY[category] = known
    return known


#: category -> :func:`clinician_only` (a race only writes the same answer twice)
_CLINICIAN_ONLY: dict[str, bool] = {}


def _exposure_exclusion(step: Intervention, source: str) -> Exclusion:
    return Exclusion(
        item_id=step.id,
        area=step.area,
        title=step.title,
        reason=f"{step.category} work is delivered only by a trained clinician, never self-guided",
        rule="safety.no-self-guided-exposure",
        source=source,
    )
#: Who may deliver a step (``schemas/plan.schema.json``).
DELIVERIES = ("self-guided", "clinician-led", "clinician-supervised", "referral")
_KNOWN_DELIVERIES = frozenset(DELIVERIES)


@attrs.frozen
class RankedProposal:
    """A proposal with who made it and how it ranks in conflicts."""

    proposal: Proposal
    source: str
    priority: int
    strategy_id: str
    #: made by planengine itself (its built-in strategies or the core): on an id two plugins
    #: both propose, the built-in is kept whatever the priorities
    builtin: bool = False


def merge_proposals(
    problem: Problem,
    proposals: Sequence[RankedProposal],
    *,
    max_objectives: int,
) -> tuple[list[Exclusion], list[Notice]]:
    """Fill ``problem`` from its proposals, in place; return what was left out and why."""
    # Long: one merge over shared state (the ranked entries, the steps by id, the objectives kept
    # and those left out with their reasons); its stages read in order here, and split they would
    # pass that state between them.
    exclusions: list[Exclusion] = []
    notices: list[Notice] = []
    ranked = sorted(proposals, key=_rank_key)
    objectives: dict[str, tuple[Objective, RankedProposal]] = {}
    steps: dict[str, tuple[Intervention, RankedProposal]] = {}
    goal_from: RankedProposal | None = None
    for entry in ranked:
        proposal = entry.proposal
        if proposal.long_term_goal:
            goal_from = _long_term_goal(problem, entry, goal_from, notices)
        if proposal.exclusions:
            exclusions.extend(proposal.exclusions)
        if proposal.notices:
            notices.extend(proposal.notices)
        for objective in proposal.objectives:
            known = objectives.get(objective.id)
            if known is not None:
                notices.append(_duplicate_notice("objective", objective.id, known[1], entry))
                if not _takes_over(entry, known[1]):
                    continue
            objectives[objective.id] = (objective, entry)
        for step in proposal.interventions:
            known_step = steps.get(step.id)
            if known_step is not None:
                notices.append(_duplicate_notice("step", step.id, known_step[1], entry))
                if not _takes_over(entry, known_step[1]):
                    continue
            steps[step.id] = (step, entry)

    kept_steps: list[Intervention] = []
    any_conflicts = False
    for step, entry in steps.values():
        if step.delivery == "self-guided" and clinician_only(step.category):
            exclusions.append(_exposure_exclusion(step, entry.source))
            continue
        if step.conflicts_with:
            any_conflicts = True
        kept_steps.append(step)
    if any_conflicts:
        kept_steps = _resolve_conflicts(kept_steps, steps, exclusions, notices)

    ordered = list(objectives.values())
    urgent_ids = {objective.id for objective, _ in ordered if objective.urgent}
    if urgent_ids:
        # An urgent objective and its steps come before routine work, also before a core
        # follow-up step (a stable sort: the rest keep their rank order), and an urgent
        # objective is never the one deferred.
        ordered.sort(key=lambda pair: not pair[0].urgent)
        kept_steps.sort(key=lambda step: urgent_ids.isdisjoint(step.objective_ids))
    counted = [
        objective for objective, _ in ordered
        if not objective.liaison and not objective.at_this_visit
    ]
    if len(counted) <= max_objectives:
        problem.objectives.extend([objective for objective, _ in ordered])
        problem.interventions.extend(_with_requirements(kept_steps, steps, exclusions))
        return exclusions, notices
    deferred = counted[max_objectives:]
    deferred_set = {id(objective) for objective in deferred}
    active = [objective for objective, _ in ordered if id(objective) not in deferred_set]
    if deferred:
        problem.deferred_objectives = [o.id for o in deferred]
        notices.append(
            Notice(
                "assembly.objective-limit",
                f"{problem.title}: {len(deferred)} objective(s) deferred to keep the plan short "
                f"(at most {max_objectives} active per problem): "
                + ", ".join(o.id for o in deferred),
            )
        )
        deferred_ids = {o.id for o in deferred}
        still: list[Intervention] = []
        for step in kept_steps:
            if step.objective_ids and all(oid in deferred_ids for oid in step.objective_ids):
                exclusions.append(
                    Exclusion(
                        step.id,
                        step.area,
                        step.title,
                        "its objective was deferred",
                        "assembly.objective-limit",
                        steps[step.id][1].source,
                    )
                )
            else:
                step.objective_ids = [oid for oid in step.objective_ids if oid not in deferred_ids]
                still.append(step)
        kept_steps = still
    problem.objectives.extend(active)
    problem.interventions.extend(_with_requirements(kept_steps, steps, exclusions))
    return exclusions, notices


def _long_term_goal(
    problem: Problem,
    entry: RankedProposal,
    holder: RankedProposal | None,
    notices: list[Notice],
) -> RankedProposal | None:
    """Give ``problem`` the long-term goal of ``entry`` (ranked after ``holder``, whose goal the
    problem has) when it has none yet, or when ``entry`` is built in and ``holder`` is not: a
    plugin never takes over a built-in area's long-term goal, whatever its priority. A different
    goal that loses is named in a notice (``assembly.id-collision`` against a built-in,
    ``assembly.duplicate`` between two plugins), never dropped silently. Returns the holder."""
    if holder is None:
        problem.long_term_goal = entry.proposal.long_term_goal
        problem.long_term_goal_source = entry.source
        return entry
    if entry.proposal.long_term_goal == problem.long_term_goal or (holder.builtin and entry.builtin):
        return holder  # the built-ins agree on one goal per area by design (their priorities)
    notices.append(_duplicate_notice("long-term goal", problem.area, holder, entry))
    if not _takes_over(entry, holder):
        return holder
    problem.long_term_goal = entry.proposal.long_term_goal
    problem.long_term_goal_source = entry.source
    return entry


def _with_requirements(
    kept: list[Intervention],
    origin: dict[str, tuple[Intervention, RankedProposal]],
    exclusions: list[Exclusion],
) -> list[Intervention]:
    """``kept`` without the steps whose required steps are not kept (repeated until stable, so
    a chain of requirements falls together)."""
    for step in kept:  # a plain loop: most problems have no requirement at all
        if step.requires:
            break
    else:
        return kept
    present = {step.id for step in kept}
    while True:
        missing = [
            (step, [r for r in step.requires if r not in present])
            for step in kept
            if step.requires and not present.issuperset(step.requires)
        ]
        if not missing:
            return kept
        for step, needs in missing:
            present.discard(step.id)
            exclusions.append(
                Exclusion(
                    step.id,
                    step.area,
                    step.title,
                    f"it builds on {', '.join(map(repr, needs))}, which is not in the plan",
                    "assembly.requires",
                    origin[step.id][1].source,
                )
            )
        kept = [step for step in kept if step.id in present]


def _rank_key(entry: RankedProposal) -> tuple[int, str, str]:
    return (-entry.priority, entry.strategy_id, entry.source)


def _resolve_conflicts(
    kept: list[Intervention],
    origin: dict[str, tuple[Intervention, RankedProposal]],
    exclusions: list[Exclusion],
    notices: list[Notice],
) -> list[Intervention]:
    """Drop the later of two steps where either declares a conflict with the other.

    ``kept`` is in rank order, so the first of a conflicting pair is the winner. Two steps of
    different treatment options (``option``) are alternatives, not a conflict: both stay, and
    the planning stage shows them as options (:mod:`planengine.plan.stepped_care`). Ids in
    ``kept`` are unique (they are the keys of ``origin``).
    """
    out: list[Intervention] = []
    for step in kept:
        winner = next(
            (
                placed
                for placed in out
                if (placed.id in step.conflicts_with or step.id in placed.conflicts_with)
                and not _alternatives(step, placed)
            ),
            None,
        )
        if winner is None:
            out.append(step)
            continue
        entry, win_entry = origin[step.id][1], origin[winner.id][1]
        reason = f"does the same job as '{winner.title}' ({winner.id}), which the plan keeps"
        exclusions.append(
            Exclusion(step.id, step.area, step.title, reason, "assembly.conflict", entry.source)
        )
        notices.append(
            Notice(
                "assembly.conflict",
                f"{winner.id!r} ({win_entry.source}) kept over {step.id!r} ({entry.source}): "
                f"{reason}.",
            )
        )
    return out


def _alternatives(one: Intervention, other: Intervention) -> bool:
    """Steps of two different treatment options: a choice, not a conflict."""
    return one.option is not None and other.option is not None and one.option != other.option


def _takes_over(later: RankedProposal, earlier: RankedProposal) -> bool:
    """Whether a later-ranked proposal's element replaces an earlier one's of the same id: only a
    built-in's, over a plugin's (a plugin never takes over a built-in id, whatever its
    priority)."""
    return later.builtin and not earlier.builtin


def _duplicate_notice(kind: str, item_id: str, first: RankedProposal, later: RankedProposal) -> Notice:
    """The notice for an id two proposals share, naming both and the one kept."""
    if _takes_over(later, first):
        return Notice(
            "assembly.id-collision",
            f"{kind} {item_id!r} was proposed by {first.source} and by the built-in "
            f"{later.source}; kept the built-in one: a plugin cannot take over a built-in id "
            "(give the plugin's its own id, or block the built-in strategy).",
        )
    # plugin priority breaks the tie inside the engine; its number is never printed
    if first.priority != later.priority:
        why = "higher priority"
    else:
        why = f"same priority; {first.strategy_id!r} sorts first"
    code = "assembly.id-collision" if first.builtin != later.builtin else "assembly.duplicate"
    return Notice(
        code,
        f"{kind} {item_id!r} was proposed by {first.source} and {later.source}; kept "
        f"{first.source}'s: {why}.",
    )


def merge_across_problems(problems: Sequence[Problem]) -> list[Notice]:
    """List an identical objective or step once, under the first (highest-priority) problem.

    The kept objective also addresses the later problem's findings; steps that pointed at a
    dropped objective point at the kept one. Changes ``problems`` in place.
    """
    notices: list[Notice] = []
    objectives: dict[tuple[object, ...], tuple[Objective, Problem]] = {}
    steps: dict[tuple[str, str, str], tuple[Intervention, Problem]] = {}
    merged: dict[str, str] = {}  # id of a step listed once -> the id it is listed under
    for problem in problems:
        renamed: dict[str, str] = {}
        kept_objectives: list[Objective] = []
        for objective in problem.objectives:
            m = objective.measure
            key = (
                objective.statement,
                m.instrument,
                m.metric,
                m.unit,
                m.target_value,
                m.comparator,
            )
            if key not in objectives:
                objectives[key] = (objective, problem)
                kept_objectives.append(objective)
                continue
            first, owner = objectives[key]
            # A new list, never extended in place: a plugin may share one list between elements.
            first.addresses = first.addresses + [
                a for a in objective.addresses if a not in first.addresses
            ]
            renamed[objective.id] = first.id
            notices.append(_shared_notice("objective", objective.id, owner, problem))
        problem.objectives[:] = kept_objectives
        kept_steps: list[Intervention] = []
        for step in problem.interventions:
            if renamed:
                step.objective_ids = [renamed.get(oid, oid) for oid in step.objective_ids]
            step_key = (step.title, step.description, step.delivery)
            if step_key not in steps:
                steps[step_key] = (step, problem)
                kept_steps.append(step)
                continue
            first_step, owner = steps[step_key]
            first_step.objective_ids = first_step.objective_ids + [
                o for o in step.objective_ids if o not in first_step.objective_ids
            ]
            merged[step.id] = first_step.id
            notices.append(_shared_notice("step", step.id, owner, problem))
        problem.interventions[:] = kept_steps
    if merged:  # a step building on one listed once builds on the one kept (a new list)
        for problem in problems:
            for step in problem.interventions:
                if step.requires and not merged.keys().isdisjoint(step.requires):
                    step.requires = [merged.get(r, r) for r in step.requires]
    return notices


def _shared_notice(kind: str, item_id: str, owner: Problem, problem: Problem) -> Notice:
    return Notice(
        "assembly.shared",
        f"{kind} {item_id!r} also serves {problem.title}; it is listed once, under {owner.title}.",
    )


def normalise_delivery(step: Intervention) -> None:
    """A delivery written in other letter case or with spaces is read as the known value."""
    if step.delivery not in _KNOWN_DELIVERIES and isinstance(step.delivery, str):
        delivery = step.delivery.strip().lower()
        if delivery in _KNOWN_DELIVERIES:
            step.delivery = delivery


#: Rules of what Python plugin code wrote and the engine left out.
