"""Memoised strategy proposals: a proposal is a pure function of a few inputs.

:meth:`planengine.DataStrategy.propose` keys its result by everything it reads
(:func:`situation_key`) and keeps an immutable :class:`Blueprint`; each call builds fresh, mutable
plan elements from it, so the core (and the ``adjust_plan`` hook) may change them freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from planengine._model import (
    Exclusion,
    Intervention,
    Measure,
    Notice,
    Objective,
    PlanningContext,
    Problem,
    Proposal,
)

__all__ = ["CACHE_SIZE", "Blueprint", "situation_key"]

CACHE_SIZE = 512


def situation_key(problem: Problem, context: PlanningContext, plugin: str) -> tuple[Any, ...]:
    """Everything :meth:`DataStrategy.propose` reads, as a hashable key."""
    dates, paths = context.score_dates, context.score_paths
    return (
        plugin,
        problem.area,
        problem.severity,
        tuple(problem.patient_words),
        tuple((f.id, f.kind, f.provenance.inputs) for f in problem.findings),
        context.as_of,
        context.conditions,
        bool(context.risk_flags),
        tuple(context.assessment.context.concerns),
        tuple(
            (
                instrument_id,
                score.total,
                score.band.severity if score.band is not None else None,
                tuple(score.cutoffs_met),
                tuple(f.area for f in score.findings),
                dates.get(instrument_id),
                paths.get(instrument_id),
            )
            for instrument_id, score in context.scores.items()
        ),
        id(context.instruments),
        id(context.config),
    )


_OBJECTIVE_COPIED = ("measure", "addresses", "frequency", "gas", "citations")
_STEP_COPIED = ("steps", "frequency", "citations", "objective_ids", "notes", "conflicts_with")


def _without(fields: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in names}


@attrs.frozen
class Blueprint:
    """An immutable copy of a proposal, from which fresh (mutable) plan elements are built.

    Scalar fields are shared (strings, numbers, dates, frozen provenance); every list and dict
    an element owns is copied on each build, so no plan can change another.
    """

    long_term_goal: str | None
    objectives: tuple[tuple[Any, ...], ...]
    interventions: tuple[tuple[Any, ...], ...]
    exclusions: tuple[Exclusion, ...]
    notices: tuple[Notice, ...]

    @classmethod
    def of(cls, proposal: Proposal) -> Blueprint:
        objectives = []
        for o in proposal.objectives:
            fields = attrs.asdict(o, recurse=False)
            objectives.append((
                _without(fields, _OBJECTIVE_COPIED), attrs.asdict(o.measure, recurse=False),
                tuple(o.addresses), o.frequency, o.gas, tuple(o.citations),
            ))
        steps = []
        for i in proposal.interventions:
            fields = attrs.asdict(i, recurse=False)
            steps.append((
                _without(fields, _STEP_COPIED), tuple(i.steps), i.frequency, tuple(i.citations),
                tuple(i.objective_ids), tuple(i.notes), tuple(i.conflicts_with),
            ))
        return cls(
            long_term_goal=proposal.long_term_goal,
            objectives=tuple(objectives),
            interventions=tuple(steps),
            exclusions=proposal.exclusions,
            notices=proposal.notices,
        )

    def build(self) -> Proposal:
        return Proposal(
            long_term_goal=self.long_term_goal,
            objectives=tuple(
                Objective(**fields, measure=Measure(**measure), addresses=list(addresses),
                          frequency=dict(frequency) if frequency else None,
                          gas=dict(gas) if gas else None, citations=list(citations))
                for fields, measure, addresses, frequency, gas, citations in self.objectives
            ),
            interventions=tuple(
                Intervention(**fields, steps=list(steps),
                             frequency=dict(frequency) if frequency else None,
                             citations=list(citations), objective_ids=list(objective_ids),
                             notes=list(notes), conflicts_with=list(conflicts))
                for fields, steps, frequency, citations, objective_ids, notes, conflicts
                in self.interventions
            ),
            exclusions=self.exclusions,
            notices=self.notices,
        )


