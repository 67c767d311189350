"""The planning stage itself (:class:`SteppedCare`): from everything the strategies proposed to
a plan a clinician would sign.

It runs after assembly, the ``adjust_plan`` hooks and the safety rules, so no plugin can undo
it, and does what a clinician does (docs/stepped-care.md):

1. **Formulation and order** (:mod:`._order`): the safety problem first, then the primary
   problem by the comorbidity rules, then the rest, each with its rule and reason.
2. **Options** (:mod:`._options`): each problem's treatments, the default and why, or the
   recorded choice; equivalent courses become alternatives, not a hidden priority.
3. **Phases and burden** (:mod:`._phases`): ``now``, ``next`` or ``later`` for every problem and
   step, within the course, module and weekly homework limits, and the load of each phase.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from planengine._errors import InputError
from planengine._model import Exclusion, Problem
from planengine.plan.stepped_care._added_options import (
    offer_medication,
    offer_transdiagnostic,
    treat_within,
)
from planengine.plan.stepped_care._budget import Limits
from planengine.plan.stepped_care._dose import HIGH, intensity_of
from planengine.plan.stepped_care._options import TRANSDIAGNOSTIC, Decision, choice_for, decide
from planengine.plan.stepped_care._order import Severity, given_today, order_problems, severity_of
from planengine.plan.stepped_care._phases import assign_phases
from planengine.plan.stepped_care._records import NO_MEASURE, Burden, Choice
from planengine.plan.stepped_care._rules import SteppedCareRules, rule_id

if TYPE_CHECKING:  # pragma: no cover
    from planengine.plan._settings import EngineConfig

__all__ = ["Decided", "SteppedCare"]

#: a step left out because the course it belongs to is in the plan (``delivered_by``)
RULE_DELIVERED_BY = "stepped-care.delivered-by-course"


@attrs.frozen
class Decided:
    """What :meth:`SteppedCare.choose` decided, by problem object (a hook may rename a problem;
    it is still the same problem): how each starts, and how severe it is."""

    decisions: Mapping[int, Decision]
    severities: Mapping[int, Severity]
    #: the documented conditions (a gate may hold a step only with one of them)
    conditions: frozenset[str] = frozenset()


class SteppedCare:
    """The planning stage for one engine (its instruments and settings), immutable once built.

    :param instruments: the engine's instruments (severity levels come from their cut-offs).
    :param config: the engine's :class:`planengine.EngineConfig`.
    """

    def __init__(self, instruments: Mapping[str, Any], config: EngineConfig) -> None:
        self.rules = SteppedCareRules.for_instruments(instruments)
        self._stale_days = config.stale_baseline_days
        self._review_days = config.review_interval_days
        self.limits = Limits(
            courses=config.max_courses_now,
            modules=config.max_self_guided_modules,
            homework=config.homework_minutes_per_week,
            step_up_weeks=config.step_up_review_weeks,
            sequence_weeks=config.sequence_review_weeks,
            horizon_weeks=config.horizon_weeks,
        )

    def choose(
        self,
        problems: list[Problem],
        exclusions: list[Exclusion],
        scores: Mapping[str, Any],
        choices: Mapping[str, str],
        *,
        risk_flag: str | None,
        course_risk_flag: str | None = None,
        risk_recorded: bool = False,
        conditions: frozenset[str] = frozenset(),
        dated: tuple[Mapping[str, dt.date], dt.date] | None = None,
    ) -> Decided:
        """How each problem starts (the recorded choice or the default), applied in place:
        alternative courses and what only they serve move to ``exclusions``. Runs before shared
        steps are listed once across problems, so a step another problem keeps never leaves
        with an alternative.

        :param choices: area -> the option chosen for it.
        :param risk_flag: the open suicide-risk flag, named as the plan names it (None: none).
        :param course_risk_flag: the suicide-risk flag that makes a course with a clinician the
            default for depression: ``risk_flag`` unless the clinician's current record of it
            is "no current risk identified" (then the default follows the score, R-SC2/R-SC4,
            and the flag stays on record: clinician read 23, S8).
        :param risk_recorded: every such flag has the clinician's current record (a safety
            plan or a referral): the default's reason no longer says the options wait for it.
        :param conditions: the documented conditions (no antidepressant option with bipolar
            disorder: the bipolar service decides).
        :param dated: each instrument's latest date and the planning date: a score older than
            the stale-baseline limit is measured again before a course starts on it.
        :raises InputError: when a choice names an area not in the plan or an unknown option.
        """
        areas = {p.area for p in problems}
        for area in sorted(set(choices) - areas):
            why = (
                "the safety problem has no treatment options"
                if area == "safety"
                else f"the plan has no {area!r} problem; its problems are "
                f"{', '.join(sorted(areas)) or 'none'}"
            )
            raise InputError(f"choice {area}={choices[area]}: {why}")
        _declare_intensity(problems)
        stale = frozenset() if dated is None else frozenset(
            key for key, day in dated[0].items() if (dated[1] - day).days > self._stale_days
        )
        served_before: set[str] | None = None
        left_out = len(exclusions)
        decisions: dict[int, Decision] = {}
        severities = {id(p): severity_of(p, scores, self.rules, conditions) for p in problems}
        by_id = {p.id: severities[id(p)] for p in problems}
        pair = offer_transdiagnostic(problems, by_id, self.rules.area_order)
        offer_medication(problems, conditions, by_id, risk_flag=risk_flag)
        for problem in problems:
            if served_before is None and sum(s.intensity == HIGH for s in problem.interventions) > 1:
                served_before = _served(problems)  # alternatives may leave: see what they serve
            decisions[id(problem)] = decide(
                problem, severities[id(problem)], self.rules, choices.get(problem.area),
                exclusions, measure=self._measure(problem), risk_flag=course_risk_flag,
                risk_recorded=risk_recorded, stale=stale,
            )
        if pair is not None and decisions[id(pair[0])].chosen == TRANSDIAGNOSTIC:
            lead, partner = pair
            reason = treat_within(partner, lead, exclusions)
            decisions[id(partner)] = Decision("within", frozenset(), rule_id("R-SC16"), reason)
        if served_before is not None and len(exclusions) > left_out:
            _leave_out_orphans(problems, served_before, exclusions)
        _leave_to_courses(problems, self.rules, exclusions)
        return Decided(decisions, severities, conditions)

    def apply(
        self,
        problems: list[Problem],
        scores: Mapping[str, Any],
        decided: Decided,
        *,
        risk_flag: str | None,
        harmful_drinking: str | None,
        hooks_ran: bool = True,
    ) -> tuple[list[Problem], tuple[Choice, ...], Burden]:
        """Order and phase the problems (edited in place) after every hook and the safety rules;
        return them in order, each problem's options as the finished plan has them, and the
        burden.

        :param decided: from :meth:`choose` (a problem a hook added has no decision and starts
            at low intensity; a severity rests on the core's findings, which no hook changes).
        :param risk_flag: the open suicide-risk flag, named as the plan names it (None: none).
        :param hooks_ran: ``adjust_plan`` hooks ran (their steps get their intensity too).
        """
        rules = self.rules
        if hooks_ran:  # a hook may have added steps
            _declare_intensity(problems)
        severities = {
            p.id: decided.severities.get(id(p)) or severity_of(p, scores, rules) for p in problems
        }
        decisions = {p.id: decided.decisions[id(p)] for p in problems if id(p) in decided.decisions}
        ordered = order_problems(
            problems, severities, rules, risk_flag=risk_flag, harmful_drinking=harmful_drinking,
        )
        made: list[Choice] = []
        for number, (problem, ordering) in enumerate(ordered):
            problem.priority = number
            problem.ordering = ordering
            decision = decisions.get(problem.id)
            if decision is not None and decision.offers:
                choice = choice_for(
                    problem, decision, rules, self.limits.step_up_weeks, self.limits.homework
                )
                if choice is not None:
                    made.append(choice)
        measures = {p.id: self._measure(p) for p, _ in ordered}
        burden = assign_phases(ordered, severities, decisions, measures, rules, self.limits,
                               decided.conditions)
        return [p for p, _ in ordered], tuple(made), burden

    def _measure(self, problem: Problem) -> str:
        """What is re-measured for a problem, in words: its questionnaire, or the one a task at
        this visit gives it, repeated every recall window (clinician read 15, S5: not "progress
        on its objectives" when the ISI is given today); else :data:`NO_MEASURE`."""
        for objective in problem.objectives:
            instrument = objective.measure.instrument
            if instrument:
                name = self.rules.names.get(instrument, instrument)
                return f"the {name} (every {objective.review_interval_days} days)"
        given = given_today(problem, self.rules)
        if given is not None:
            days = self.rules.recall_days.get(given, self._review_days)
            return f"the {self.rules.names[given]} (given today, then every {days} days)"
        return NO_MEASURE


def _declare_intensity(problems: list[Problem]) -> None:
    """Every step says its intensity, declared or inferred."""
    for problem in problems:
        for step in problem.interventions:
            step.intensity = intensity_of(step)


def _served(problems: list[Problem]) -> set[str]:
    """The ids of objectives some step serves."""
    return {oid for p in problems for s in p.interventions for oid in s.objective_ids}


def _leave_to_courses(
    problems: list[Problem], rules: SteppedCareRules, exclusions: list[Exclusion]
) -> None:
    """A step that a referred course delivers itself (``delivered_by`` in the data: sleep
    restriction within CBT-I) is left out while that course is in the problem's plan, in any
    phase: one clinician titrates, and its contacts are not counted twice (clinician read 9)."""
    delivered_by = rules.delivered_by
    for problem in problems:
        if not any(
            step.id.removeprefix(f"{step.area}-") in delivered_by for step in problem.interventions
        ):
            continue  # no step of it is one a course delivers (most problems)
        ids = {step.id for step in problem.interventions}
        kept = []
        for step in problem.interventions:
            entry = delivered_by.get(step.id.removeprefix(f"{step.area}-"))
            if entry is not None and f"{step.area}-{entry[0]}" in ids:
                exclusions.append(
                    Exclusion(step.id, step.area, step.title, entry[1], RULE_DELIVERED_BY,
                              step.provenance.source)
                )
                continue
            kept.append(step)
        problem.interventions = kept


def _leave_out_orphans(
    problems: list[Problem], served_before: set[str], exclusions: list[Exclusion]
) -> None:
    """An objective whose every step went with an option not chosen goes too (its homework
    belongs to that option: thought records to the CBT course)."""
    orphans = served_before - _served(problems)
    if not orphans:
        return
    for problem in problems:
        for objective in problem.objectives:
            if objective.id in orphans:
                exclusions.append(
                    Exclusion(
                        objective.id,
                        objective.area,
                        objective.statement,
                        "every step that serves it belongs to a treatment option not chosen; it "
                        "comes back with that option",
                        "stepped-care.option",
                        objective.provenance.source,
                    )
                )
        problem.objectives = [o for o in problem.objectives if o.id not in orphans]
