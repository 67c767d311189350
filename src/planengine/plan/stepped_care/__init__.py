"""The planning stage: from everything the strategies proposed to a plan a clinician would sign.

It runs after assembly, the ``adjust_plan`` hooks and the safety rules, so no plugin can undo
it, and does what a clinician does (stepped-care.md; docs/stepped-care.md):

1. **Formulation and order** (:mod:`._order`): the safety problem first, then the primary
   problem by the comorbidity rules, then the rest, each with its rule and reason.
2. **Options** (:mod:`._options`): each problem's treatments, the default and why, or the
   recorded choice; equivalent courses become alternatives, not a hidden priority.
3. **Phases and burden** (:mod:`._phases`): ``now``, ``next`` or ``later`` for every problem and
   step, within the course, module and weekly homework limits, and the load of each phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planengine._errors import InputError
from planengine._model import Exclusion, Problem
from planengine.plan.stepped_care._dose import intensity_of
from planengine.plan.stepped_care._options import decide
from planengine.plan.stepped_care._order import order_problems, severity_of
from planengine.plan.stepped_care._phases import Limits, assign_phases
from planengine.plan.stepped_care._records import Burden, Choice
from planengine.plan.stepped_care._rules import SteppedCareRules

__all__ = ["SteppedCare"]


class SteppedCare:
    """The planning stage for one engine (its instruments and settings), immutable once built.

    :param instruments: the engine's instruments (severity levels come from their cut-offs).
    :param config: the engine's :class:`planengine.EngineConfig`.
    """

    def __init__(self, instruments: Mapping[str, Any], config: Any) -> None:
        self.rules = SteppedCareRules.for_instruments(instruments)
        self.limits = Limits(
            courses=config.max_courses_now,
            modules=config.max_self_guided_modules,
            homework=config.homework_minutes_per_week,
            step_up_weeks=config.step_up_review_weeks,
            sequence_weeks=config.sequence_review_weeks,
            horizon_weeks=config.horizon_weeks,
        )
        self._names = {key: value.name for key, value in instruments.items()}

    def apply(
        self,
        problems: list[Problem],
        exclusions: list[Exclusion],
        scores: Mapping[str, Any],
        *,
        suicide_flag: bool,
        harmful_drinking: str | None,
        choices: Mapping[str, str],
    ) -> tuple[list[Problem], tuple[Choice, ...], Burden]:
        """Order, decide and phase the problems (edited in place); return them in order, the
        choices and the burden.

        :param choices: area -> the option chosen for it.
        :raises InputError: when a choice names an area not in the plan or an unknown option.
        """
        rules = self.rules
        areas = {p.area for p in problems}
        for area in sorted(set(choices) - areas):
            raise InputError(
                f"choice {area}={choices[area]}: the plan has no {area!r} problem; its problems "
                f"are {', '.join(sorted(areas))}"
            )
        for problem in problems:  # every step says its intensity, declared or inferred
            for step in problem.interventions:
                step.intensity = intensity_of(step)
        severities = {p.id: severity_of(p, scores, rules) for p in problems}
        ordered = order_problems(
            problems, severities, rules, suicide_flag=suicide_flag,
            harmful_drinking=harmful_drinking,
        )
        measures = {p.id: self._measure(p) for p, _ in ordered}
        made: list[Choice] = []
        decisions = {}
        for number, (problem, ordering) in enumerate(ordered):
            problem.priority = number
            problem.ordering = ordering
            if problem.area == "safety":
                continue
            choice, decision = decide(
                problem, severities[problem.id], rules, choices.get(problem.area), exclusions,
                measure=measures[problem.id], review_weeks=self.limits.step_up_weeks,
            )
            decisions[problem.id] = decision
            if choice is not None:
                made.append(choice)
        burden = assign_phases(ordered, severities, decisions, measures, rules, self.limits)
        return [p for p, _ in ordered], tuple(made), burden

    def _measure(self, problem: Problem) -> str:
        """What is re-measured for a problem, in words."""
        for objective in problem.objectives:
            instrument = objective.measure.instrument
            if instrument:
                name = self._names.get(instrument, instrument)
                return f"the {name} (every {objective.review_interval_days} days)"
        return "progress on its objectives"
