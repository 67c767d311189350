"""Checking what Python plugin code wrote, as strategy files are checked when they load: an
objective or step that would break the plan schema, a number that is not finite, dates out of
order, a review interval past the maximum, an id taken or reserved for the core's safety problem.
Such an element is left out with the reason (``plugin.invalid-objective`` /
``plugin.invalid-step``), with the steps that served only it; strict mode raises instead."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Sequence

import attrs

from planengine._model import Exclusion, Intervention, Objective, Problem, Proposal
from planengine.plan._assembly import (
    _KNOWN_DELIVERIES,
    DELIVERIES,
    _exposure_exclusion,
    clinician_only,
    normalise_delivery,
)
from planengine.plan._safety import SAFETY_AREA

__all__ = [
    "RULE_INVALID_OBJECTIVE",
    "RULE_INVALID_STEP",
    "ObjectiveCheck",
    "check_plugin_objectives",
    "check_plugin_steps",
    "check_proposal_objectives",
    "objective_problem",
    "step_problem",
]

RULE_INVALID_OBJECTIVE = "plugin.invalid-objective"
RULE_INVALID_STEP = "plugin.invalid-step"

#: A check of one objective: what is wrong with it (naming the field), or ``None``.
ObjectiveCheck = Callable[[Objective], str | None]

#: Called with an element Python plugin code wrote wrong and the exclusion that leaves it out,
#: before it is left out (strict mode raises there).
Refuse = Callable[[Objective | Intervention, Exclusion], None]

#: Why an objective or step id starting with ``safety-`` is refused outside the safety problem.
SAFETY_ID_REASON = "id: ids starting with 'safety-' are kept for the core's safety plan"


def check_plugin_steps(
    problems: Sequence[Problem],
    exclusions: list[Exclusion],
    keep: Collection[int] = (),
    written: Callable[[Objective | Intervention], bool] | None = None,
    refuse: Refuse | None = None,
) -> None:
    """Steps after Python plugins ran: a step whose delivery is not a known value, whose id
    another step already has, or whose id is one the core keeps for its safety steps
    (``safety-*``, outside the safety problem) is left out (``plugin.invalid-step``). On a clash
    the step in ``keep`` (object identities: the steps there were before ``adjust_plan`` hooks
    ran) wins, else the first in plan order. A step for which ``written`` is true (Python plugin
    code wrote or changed it) is also left out when it would break the plan schema
    (:func:`step_problem`). ``refuse`` is called first for each step left out. Changes
    ``problems`` in place."""
    owned = {step.id for p in problems for step in p.interventions if id(step) in keep}
    seen: set[str] = set()
    for problem in problems:
        kept: list[Intervention] = []
        for step in problem.interventions:
            normalise_delivery(step)
            step_id = _text(step.id)
            reason: str | None = None
            if step_id in seen or (step_id in owned and id(step) not in keep):
                reason = "id: another step already has this id"
            elif step_id.startswith("safety-") and problem.area != SAFETY_AREA:
                reason = "id: ids starting with 'safety-' are kept for the core's safety steps"
            elif step.delivery not in _KNOWN_DELIVERIES:
                reason = f"delivery: {step.delivery!r} is not one of {', '.join(DELIVERIES)}"
            elif step.delivery == "self-guided" and clinician_only(step.category):
                exclusions.append(_exposure_exclusion(step, step.provenance.source))
                continue
            elif written is not None and written(step):
                reason = step_problem(step)
            if reason is None:
                seen.add(step_id)
                kept.append(step)
                continue
            _leave_out(step, step.title, reason, RULE_INVALID_STEP, exclusions, refuse)
        if len(kept) != len(problem.interventions):
            problem.interventions[:] = kept


def objective_problem(
    objective: Objective, *, max_review_interval_days: int, as_of: dt.date
) -> str | None:
    """What makes an objective that Python plugin code wrote unfit for the plan, or ``None``.

    The objective must match the plan schema's objective (``#/$defs/objective``) with a finite
    baseline and target, be due no earlier than it starts and than ``as_of`` (the planning date; SMART
    rules T502/T503), and be reviewed at least every ``max_review_interval_days`` (T506).

    :return: the field and what is wrong with it, e.g. ``"review_interval_days: 0 is less than
        the minimum of 1"``.
    :raises Exception: whatever the objective's ``to_dict`` raises on values of the wrong type
        (callers report such content as unreadable).
    """
    data = objective.to_dict()
    measure = objective.measure  # JSON has no NaN or infinity (the schema's "number" has)
    for part, value in (("target", measure.target_value), ("baseline", measure.baseline_value)):
        if isinstance(value, float) and not math.isfinite(value):
            return f"measure.{part}.value: {value} is not a finite number"
    from planengine.io._schema_check import element_problem  # only for Python plugin content

    problem = element_problem("plan", "/$defs/objective", data)
    if problem is not None:
        return problem
    start, due, review = data["start_date"], data["due_date"], data["review_interval_days"]
    if due < start:  # ISO dates, checked by the schema: text order is date order
        return f"due_date: {due} is before start_date {start}"
    if due < as_of.isoformat():
        return f"due_date: {due} is before the planning date {as_of.isoformat()}"
    if objective.urgent is True and due != start:
        return f"urgent: an urgent objective is due at this visit, not on {due}"
    if review > max_review_interval_days:
        return (
            f"review_interval_days: {review} is above the maximum of {max_review_interval_days} "
            "(max_review_interval_days)"
        )
    return None


def step_problem(step: Intervention) -> str | None:
    """What makes a step that Python plugin code wrote break the plan schema
    (``#/$defs/intervention``; its numbers are whole), naming the field; ``None`` when it is fit.
    Values in fields the schema leaves open are checked when the plan is (strict JSON)."""
    from planengine.io._schema_check import element_problem  # only for Python plugin content

    return element_problem("plan", "/$defs/intervention", step.to_dict(1))


def check_proposal_objectives(
    proposal: Proposal,
    area: str,
    exclusions: list[Exclusion],
    check: ObjectiveCheck,
    refuse: Refuse | None = None,
) -> Proposal:
    """``proposal`` (from Python plugin code, for a problem of ``area``) without the objectives
    that ``check`` finds fault with or whose id the core keeps for its safety plan (``safety-*``,
    outside the safety problem), each listed in ``exclusions`` (``plugin.invalid-objective``;
    ``refuse`` is called first). Checked before assembly, so a left-out objective never takes an
    active objective's place. Steps linked only to left-out objectives are left out too; other
    steps stop naming them (as with deferred objectives)."""
    kept: list[Objective] = []
    lost: set[str] = set()
    for objective in proposal.objectives:
        objective_id = _text(objective.id)
        if objective_id.startswith("safety-") and area != SAFETY_AREA:
            reason: str | None = SAFETY_ID_REASON
        else:
            reason = check(objective)
        if reason is None:
            kept.append(objective)
            continue
        _leave_out(
            objective, objective.statement, reason, RULE_INVALID_OBJECTIVE, exclusions, refuse
        )
        lost.add(objective_id)
    if not lost:
        return proposal
    gone = lost - {o.id for o in kept}
    steps = _without_links(proposal.interventions, gone, exclusions)
    return attrs.evolve(proposal, objectives=tuple(kept), interventions=tuple(steps))


def check_plugin_objectives(
    problems: Sequence[Problem],
    exclusions: list[Exclusion],
    keep: Collection[int] = (),
    check: ObjectiveCheck | None = None,
    refuse: Refuse | None = None,
) -> None:
    """Objectives after Python plugins ran: one whose id another objective already has, or whose
    id the core keeps for its safety plan (``safety-*``, outside the safety problem), is left out
    (``plugin.invalid-objective``); so is one ``check`` finds fault with (``None``: no such
    check). On a clash the objective in ``keep`` (object identities: the objectives there were
    before ``adjust_plan`` hooks ran) wins, else the first in plan order. ``refuse`` is called
    first for each objective left out. Steps linked only to objectives whose id is no longer in
    the plan are left out too; other steps stop naming them. Changes ``problems`` in place."""
    owned = {o.id for p in problems for o in p.objectives if id(o) in keep}
    seen: set[str] = set()
    left_out: list[tuple[Problem, set[str]]] = []  # problem, ids of the objectives it lost
    for problem in problems:
        kept: list[Objective] = []
        lost: set[str] = set()
        for objective in problem.objectives:
            objective_id = _text(objective.id)
            reason: str | None = None
            if objective_id in seen or (objective_id in owned and id(objective) not in keep):
                reason = "id: another objective already has this id"
            elif objective_id.startswith("safety-") and problem.area != SAFETY_AREA:
                reason = SAFETY_ID_REASON
            elif check is not None:
                reason = check(objective)
            if reason is None:
                seen.add(objective_id)
                kept.append(objective)
                continue
            _leave_out(
                objective, objective.statement, reason, RULE_INVALID_OBJECTIVE, exclusions, refuse
            )
            lost.add(objective_id)
        if lost:  # a new list: a hook may share one list between problems
            problem.objectives = kept
            left_out.append((problem, lost))
    for problem, lost in left_out:
        gone = lost - seen  # an id still in the plan (a clash) keeps its steps' links
        if gone:
            problem.interventions = _without_links(problem.interventions, gone, exclusions)


def _leave_out(
    element: Objective | Intervention,
    title: object,
    reason: str,
    rule: str,
    exclusions: list[Exclusion],
    refuse: Refuse | None,
) -> None:
    """List ``element`` in ``exclusions`` as left out by ``rule`` (naming the ``adjust_plan``
    hooks that changed it, if any), after calling ``refuse``."""
    provenance = element.provenance
    if provenance.adjusted_by:
        reason += f" (changed by {', '.join(provenance.adjusted_by)})"
    exclusion = Exclusion(
        _text(element.id), _text(element.area), _text(title), reason, rule, provenance.source
    )
    if refuse is not None:
        refuse(element, exclusion)
    exclusions.append(exclusion)


def _without_links(
    steps: Iterable[Intervention], gone: Collection[str], exclusions: list[Exclusion]
) -> list[Intervention]:
    """``steps`` without those linked only to the objectives ``gone`` (each listed in
    ``exclusions``); the rest no longer name them."""
    still: list[Intervention] = []
    for step in steps:
        if not step.objective_ids or not any(oid in gone for oid in step.objective_ids):
            still.append(step)
        elif all(oid in gone for oid in step.objective_ids):
            exclusions.append(
                Exclusion(
                    _text(step.id),
                    _text(step.area),
                    _text(step.title),
                    "its objective was left out: "
                    + ", ".join(oid for oid in step.objective_ids if oid in gone),
                    RULE_INVALID_OBJECTIVE,
                    step.provenance.source,
                )
            )
        else:  # a new list: a plugin may share one list between elements
            step.objective_ids = [oid for oid in step.objective_ids if oid not in gone]
            still.append(step)
    return still


def _text(value: object) -> str:
    """``value`` if it is text, else its ``repr`` (exclusions name what they leave out)."""
    return value if isinstance(value, str) else repr(value)
