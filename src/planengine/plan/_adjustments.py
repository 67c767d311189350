"""Attributing what Python plugin code wrote: a proposal from ``propose`` or a strategy object is
recorded as made by its plugin, with wording that claims there is no risk removed; what an
``adjust_plan`` hook added or changed is found by comparing the draft with a snapshot taken
before it ran, and credited to that hook alone (``provenance.adjusted_by``)."""

from __future__ import annotations

from typing import Any

import attrs

from planengine._model import (
    Intervention,
    Measure,
    Notice,
    Objective,
    PlanDraft,
    Problem,
    Proposal,
    Provenance,
)
from planengine.plan import _risk_wording
from planengine.plan._assembly import normalise_delivery

__all__ = ["Snapshot", "attribute_adjustments", "changed_in_place", "checked_proposal", "snapshot"]


def checked_proposal(proposal: Proposal, source: str, notices: list[Notice]) -> Proposal:
    """A proposal from Python plugin code, attributed to ``source`` and with wording that
    claims there is no risk removed (a notice says so)."""
    for step in proposal.interventions:
        normalise_delivery(step)
    proposal, redacted = _risk_wording.redact_proposal(_attributed(proposal, source))
    if redacted:
        notice = _risk_wording.no_risk_claim_notice(source)
        if notice not in notices:  # once, however often the plugin wrote it
            notices.append(notice)
    return proposal


def _attributed(proposal: Proposal, source: str) -> Proposal:
    """``proposal`` with every element, exclusion and notice recorded as made by ``source``
    (Python plugin code may not claim a core rule's or another plugin's name)."""
    elements: list[Objective | Intervention] = [*proposal.objectives, *proposal.interventions]
    for element in elements:
        if element.provenance.source != source:
            element.provenance = attrs.evolve(element.provenance, source=source)
    return attrs.evolve(
        proposal,
        exclusions=tuple(
            e if e.source == source else attrs.evolve(e, source=source)
            for e in proposal.exclusions
        ),
        notices=tuple(
            n if n.source == source else attrs.evolve(n, source=source) for n in proposal.notices
        ),
    )


@attrs.frozen
class Snapshot:
    """The draft before ``adjust_plan`` hooks ran. ``objects`` holds every objective, step,
    notice and exclusion by identity (kept alive, so no identity is reused while the hooks run);
    ``contents`` each objective's and step's provenance and field values, by identity, to tell the
    elements a hook changed in place; ``goals`` each problem's long-term goal, by the problem's
    identity."""

    objects: dict[int, object]
    contents: dict[int, tuple[Provenance, tuple[Any, ...]]]
    goals: dict[int, tuple[Problem, str | None]]


def snapshot(draft: PlanDraft) -> Snapshot:
    objects: dict[int, object] = {}
    contents: dict[int, tuple[Provenance, tuple[Any, ...]]] = {}
    for problem in draft.problems:
        elements: list[Objective | Intervention] = [*problem.objectives, *problem.interventions]
        for element in elements:
            objects[id(element)] = element
            contents[id(element)] = (element.provenance, _fingerprint(element))
    for item in (*draft.notices, *draft.exclusions):
        objects[id(item)] = item
    goals = {id(p): (p, p.long_term_goal) for p in draft.problems}
    return Snapshot(objects, contents, goals)


def changed_in_place(draft: PlanDraft, before: Snapshot) -> set[int]:
    """Identities of the objectives and steps that were there before the hook and now differ
    (added ones are not in the snapshot; they are the hook's anyway)."""
    changed: set[int] = set()
    for problem in draft.problems:
        elements: list[Objective | Intervention] = [*problem.objectives, *problem.interventions]
        for element in elements:
            was = before.contents.get(id(element))
            if was is not None and _fingerprint(element) != was[1]:
                changed.add(id(element))
    return changed


def _fingerprint(element: Any) -> tuple[Any, ...]:
    """An element's field values, lists and mappings (and the measure's and provenance's
    fields) copied one level deep: enough to tell an edit in place, without a deep copy."""
    values: list[Any] = []
    for name in _field_names(type(element)):
        value = getattr(element, name)
        if isinstance(value, list):
            value = tuple(value)
        elif isinstance(value, dict):
            value = tuple(value.items())
        elif isinstance(value, (Measure, Provenance)):
            value = tuple(getattr(value, part) for part in _field_names(type(value)))
        values.append(value)
    return tuple(values)


#: attrs class -> its field names (looked up once per class)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:  # a race only writes the same names twice
        names = _FIELD_NAMES[cls] = tuple(field.name for field in attrs.fields(cls))
    return names


def attribute_adjustments(draft: PlanDraft, source: str, before: Snapshot) -> None:
    """Record what ``adjust_plan`` hooks did: objectives, steps, problems, notices and
    exclusions they added, and long-term goals they rewrote, are attributed to them; an
    objective or step they changed in place keeps the provenance it was proposed with (a hook
    cannot rewrite who made it) and names them in ``adjusted_by``; a notice names them.
    Wording that claims there is no risk is removed (and the element marked adjusted)."""
    changed = changed_in_place(draft, before)  # looked at once, before any redaction
    unchanged = {id(item) for item in (*draft.notices, *draft.exclusions)}
    unchanged.intersection_update(before.objects)  # notices and exclusions are frozen
    unchanged.update(key for key in before.contents if key not in changed)
    if _risk_wording.redact_no_risk_claims(draft, unchanged):
        draft.notices.append(_risk_wording.no_risk_claim_notice(source))
    for problem in draft.problems:
        goal = before.goals.get(id(problem))
        if goal is None or goal[1] != problem.long_term_goal:  # new problem, or goal rewritten
            problem.long_term_goal_source = source if problem.long_term_goal else None
        elements: list[Objective | Intervention] = [*problem.objectives, *problem.interventions]
        for element in elements:
            was = before.contents.get(id(element))
            if was is None:  # added by a hook
                if element.provenance.source != source:
                    element.provenance = attrs.evolve(element.provenance, source=source)
            elif id(element) in changed:
                made_by = was[0]
                element.provenance = attrs.evolve(
                    made_by, adjusted_by=(*made_by.adjusted_by, source)
                )
    draft.notices = [
        n if id(n) in before.objects or n.source == source else attrs.evolve(n, source=source)
        for n in draft.notices
    ]
    draft.exclusions = [
        e if id(e) in before.objects or e.source == source else attrs.evolve(e, source=source)
        for e in draft.exclusions
    ]
    draft.notices.append(
        Notice(
            "plan.adjusted",
            f"The plan was adjusted after assembly by {source.removeprefix('plugin:')} "
            "(adjust_plan); what it added carries its name as the source, and the objectives "
            "and steps it changed name it under adjusted_by.",
            source,
        )
    )
