"""The ``when`` language of strategy files, contraindication rules and dose variants, compiled.

A strategy's ``when`` blocks, contraindications and variants are compiled once, when the strategy
is loaded (:mod:`planengine.strategies._strategy`), into small frozen objects that answer "does this hold for
this problem and context?" without re-reading the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from planengine._model import Intervention, PlanningContext, Problem

__all__ = [
    "FLAG_CONDITIONS", "PRIVATE_FLAG_CONDITION", "RISK_FLAG_CONDITION", "Contraindication", "Variant", "When", "assessed_areas", "compile_variants",
    "holds", "pick",
]

#: A contraindication ``condition`` that matches while any risk flag is open (not a vocabulary id,
#: so it can never clash with one).
RISK_FLAG_CONDITION = "open-risk-flag"
#: A contraindication's condition that holds while a private flag is open (abuse documented, or
#: in the patient's words): the core's safety problem holds the private assessment.
PRIVATE_FLAG_CONDITION = "private-risk-flag"
#: The conditions that are not in the vocabulary but read from the open flags.
FLAG_CONDITIONS = (RISK_FLAG_CONDITION, PRIVATE_FLAG_CONDITION)


@attrs.frozen
class When:
    """A compiled ``when`` block: every key that is set must hold (``any`` holds when one does)."""

    instrument: str | None = None
    band_at_least: int | None = None
    band_at_most: int | None = None
    total_at_least: int | None = None
    total_at_most: int | None = None
    #: the score has an unanswered item, so its total is a range (never imputed)
    total_unknown: bool = False
    without_scores: tuple[str, ...] = ()
    finding_kinds: frozenset[str] | None = None
    without_finding_kinds: frozenset[str] = frozenset()
    no_risk_flag: bool = False
    risk_flag: bool = False
    conditions_any: frozenset[str] = frozenset()
    conditions_none: frozenset[str] = frozenset()
    cutoffs_met_any: frozenset[str] = frozenset()
    with_areas: frozenset[str] = frozenset()
    without_areas: frozenset[str] = frozenset()
    patient_words_any: tuple[str, ...] = ()
    goals_any: tuple[str, ...] = ()
    any_of: tuple[When, ...] = ()

    @classmethod
    def compile(cls, raw: Mapping[str, Any] | None) -> When | None:
        if not raw:
            return None
        without = raw.get("without_score", ())
        kinds = raw.get("finding_kinds")
        return cls(
            instrument=raw.get("instrument"),
            band_at_least=raw.get("band_at_least"),
            band_at_most=raw.get("band_at_most"),
            total_at_least=raw.get("total_at_least"),
            total_at_most=raw.get("total_at_most"),
            total_unknown=bool(raw.get("total_unknown")),
            without_scores=(without,) if isinstance(without, str) else tuple(without),
            finding_kinds=frozenset(kinds) if kinds is not None else None,
            without_finding_kinds=frozenset(raw.get("without_finding_kinds", ())),
            no_risk_flag=bool(raw.get("no_risk_flag")),
            risk_flag=bool(raw.get("risk_flag")),
            conditions_any=frozenset(raw.get("conditions_any", ())),
            conditions_none=frozenset(raw.get("conditions_none", ())),
            cutoffs_met_any=frozenset(raw.get("cutoffs_met_any", ())),
            with_areas=frozenset(raw.get("with_area", ())),
            without_areas=frozenset(raw.get("without_area", ())),
            patient_words_any=tuple(raw.get("patient_words_any", ())),
            goals_any=tuple(raw.get("goals_any", ())),
            any_of=tuple(w for w in (cls.compile(item) for item in raw.get("any", ())) if w),
        )

    _checks: tuple[Callable[[Problem, PlanningContext], bool], ...] = attrs.field(
        init=False, repr=False, eq=False
    )
    #: The whole block as one function of (problem, context): :meth:`holds` without the loop
    #: when the block has a single key.
    test: Callable[[Problem, PlanningContext], bool] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        checks = tuple(self._compile_checks())
        object.__setattr__(self, "_checks", checks)
        object.__setattr__(self, "test", checks[0] if len(checks) == 1 else self.holds)

    def _compile_checks(self) -> list[Callable[[Problem, PlanningContext], bool]]:
        """One small test per key that is set, in the order :meth:`holds` documents.

        Built once per ``when`` block, so that evaluating it only runs the tests it needs.
        """
        checks: list[Callable[[Problem, PlanningContext], bool]] = []
        if self.instrument is not None:
            checks.append(
                _score_check(
                    self.instrument,
                    self.band_at_least,
                    self.band_at_most,
                    self.total_at_least,
                    self.total_at_most,
                    self.total_unknown,
                )
            )
        # Plain loops and set operations below, not any() over a generator: these run for every
        # problem of every plan.
        if self.without_scores:
            without_scores = frozenset(self.without_scores)
            checks.append(lambda _p, c: c.scores.keys().isdisjoint(without_scores))
        if self.finding_kinds is not None:
            kinds = self.finding_kinds
            checks.append(lambda p, _c: _has_kind(p, kinds))
        if self.without_finding_kinds:
            absent = self.without_finding_kinds
            checks.append(lambda p, _c: not _has_kind(p, absent))
        if self.no_risk_flag:
            checks.append(lambda _p, c: not c.risk_flags)
        if self.risk_flag:
            checks.append(lambda _p, c: bool(c.risk_flags))
        if self.conditions_any:
            conditions_any = self.conditions_any
            checks.append(lambda _p, c: not conditions_any.isdisjoint(c.conditions))
        if self.conditions_none:
            conditions_none = self.conditions_none
            checks.append(lambda _p, c: conditions_none.isdisjoint(c.conditions))
        if self.cutoffs_met_any:
            cutoffs = self.cutoffs_met_any

            def cutoffs_check(_p: Problem, c: PlanningContext) -> bool:
                for score in c.scores.values():  # noqa: SIM110
                    if not cutoffs.isdisjoint(score.cutoffs_met):
                        return True
                return False

            checks.append(cutoffs_check)
        if self.with_areas or self.without_areas:
            with_areas, without_areas = self.with_areas, self.without_areas

            def areas_check(_p: Problem, c: PlanningContext) -> bool:
                present = assessed_areas(c)
                if with_areas and with_areas.isdisjoint(present):
                    return False
                return not (without_areas and not without_areas.isdisjoint(present))

            checks.append(areas_check)
        if self.patient_words_any:
            # Lower case, at the start of a word ("nightmare" also finds "nightmares"): the
            # strategy format's own rule, looser than the vocabulary's goal words (whole words and
            # stems, planengine.plan._goal_words), kept for the strategy files written to it.
            pattern = _word_starts(self.patient_words_any)

            def words_check(p: Problem, _c: PlanningContext) -> bool:
                for text in p.patient_words:  # noqa: SIM110
                    if pattern.search(text.lower()):
                        return True
                return False

            checks.append(words_check)
        if self.goals_any:
            # any of the patient's own goals, whichever problem it is filed under (nightmares are
            # filed under sleep; with trauma in the plan, the trauma plan still hears them)
            goals_pattern = _word_starts(self.goals_any)

            def goals_check(_p: Problem, c: PlanningContext) -> bool:
                for text in c.assessment.context.patient_goals:
                    if goals_pattern.search(text.lower()):
                        return True
                return False

            checks.append(goals_check)
        if self.any_of:
            tests = tuple(w.test for w in self.any_of)

            def any_check(p: Problem, c: PlanningContext) -> bool:
                for test in tests:  # noqa: SIM110
                    if test(p, c):
                        return True
                return False

            checks.append(any_check)
        return checks

    def holds(self, problem: Problem, context: PlanningContext) -> bool:
        """True when every key that is set holds for this problem and context."""
        for check in self._checks:  # noqa: SIM110 - a plain loop: no generator per call
            if not check(problem, context):
                return False
        return True


def _has_kind(problem: Problem, kinds: frozenset[str]) -> bool:
    """Whether the problem has a finding of one of ``kinds``."""
    for finding in problem.findings:  # noqa: SIM110 - a plain loop: no generator per call
        if finding.kind in kinds:
            return True
    return False


def _score_check(
    instrument: str,
    band_at_least: int | None,
    band_at_most: int | None,
    total_at_least: int | None,
    total_at_most: int | None,
    total_unknown: bool = False,
) -> Callable[[Problem, PlanningContext], bool]:
    """The ``instrument`` test with its band and total limits: a score within them for every
    total it can have (an unanswered item leaves a range: a PHQ-9 of 11-14 without item 9 is
    moderate whatever item 9 is, so a band test holds; one of 8-11 is mild or moderate, so
    ``band_at_least: 1`` holds and ``band_at_most: 1`` does not; a total test holds for the whole
    range). With ``total_unknown`` the test holds only for such a score (an objective whose
    baseline is taken again in full)."""
    by_band = band_at_least is not None or band_at_most is not None

    def check(_problem: Problem, context: PlanningContext) -> bool:
        score = context.scores.get(instrument)
        if score is None:
            return False
        total = score.total
        if total_unknown and total is not None:
            return False
        if total is None:
            lowest, highest = score.total_range
            if total_at_least is not None and lowest < total_at_least:
                return False
            if total_at_most is not None and highest > total_at_most:
                return False
            if not (by_band or total_unknown) and total_at_least is None and total_at_most is None:
                return False  # no limit at all: a complete score, as before
        if by_band:
            band = score.band
            if band is not None:
                low = high = band.severity
            else:  # possible totals in two bands or more: the bands of the range's two ends
                # (severity follows the total, so the ends hold the least and most severe)
                first, last = score.band_range
                if first is None or last is None:
                    return False
                low, high = sorted((first.severity, last.severity))
            if band_at_least is not None and low < band_at_least:
                return False
            if band_at_most is not None and high > band_at_most:
                return False
        if total is None:
            return True  # the whole range is within the limits (checked above)
        if total_at_least is not None and total < total_at_least:
            return False
        return not (total_at_most is not None and total > total_at_most)

    return check


def assessed_areas(context: PlanningContext) -> frozenset[str] | set[str]:
    """The plan's problem areas: from instrument findings, clinician concerns and the patient's
    own goals (a context built without ``areas``: findings and concerns only)."""
    if context.areas is not None:
        return context.areas
    areas = set(context.assessment.context.concerns)
    for score in context.scores.values():
        for finding in score.findings:
            areas.add(finding.area)
    return areas


def holds(when: When | None, problem: Problem, context: PlanningContext) -> bool:
    return when is None or when.holds(problem, context)


@attrs.frozen
class Contraindication:
    """A condition (or an open risk flag, or a ``when`` block) that removes or marks an item."""

    key: str
    condition: str | None
    when: When | None
    action: str
    reason: str
    #: the patient's copy: sub-steps this caution rewrites (as written -> in the patient's words)
    patient_replace: tuple[tuple[str, str], ...] = ()
    #: the patient's copy: the caution in the patient's words, added as a last sub-step
    patient_note: str | None = None
    #: the plan's own sub-steps this caution rewrites (as written -> as the caution allows)
    steps_replace: tuple[tuple[str, str], ...] = ()
    #: the plan's own step summary while this caution applies (``None``: as written)
    steps_description: str | None = None
    #: a hold rule's release criterion, a clause after "until" (its ``until`` field; ``None``:
    #: not given, as a plugin's hold rule may leave it)
    until: str | None = None

    @classmethod
    def compile(cls, raw: Mapping[str, Any]) -> Contraindication:
        condition = raw.get("condition")
        patient = raw.get("patient") or {}
        return cls(
            key=condition or raw["id"],
            condition=condition,
            when=When.compile(raw.get("when")),
            action=raw.get("action", "remove"),
            reason=raw["reason"],
            patient_replace=tuple((patient.get("replace") or {}).items()),
            patient_note=patient.get("note"),
            steps_replace=tuple(((raw.get("steps") or {}).get("replace") or {}).items()),
            steps_description=(raw.get("steps") or {}).get("description"),
            until=raw.get("until"),
        )

    @property
    def hold_until(self) -> str | None:
        """What releases a step this hold rule holds, as a clause after "until": the rule's own
        ``until`` field ("the liaison with the psychosis team has agreed ..."), what the plan's
        status and the goal file's ``held:`` line name (clinician read 22, S1); ``None`` for a
        rule without one (a plugin's hold rule may leave it out: the plan keeps the generic
        words). Never read from the reason's text."""
        return self.until

    @property
    def patient_worded(self) -> bool:
        """True when the patient's copy has its own wording for this caution."""
        return bool(self.patient_replace) or self.patient_note is not None

    def patient_version(self, current: Sequence[str], steps: Sequence[str]) -> list[str]:
        """The sub-steps the patient's copy prints with this caution: ``current`` (an earlier
        caution's version, or empty: ``steps``) with the sub-steps it changes rewritten, then its
        note; ``current`` as it is when the caution has no patient wording."""
        if not self.patient_worded:
            return list(current)
        rewrites = dict(self.patient_replace)
        return [rewrites.get(text, text) for text in current or steps] + (
            [] if self.patient_note is None else [self.patient_note]
        )

    def clinician_version(self, steps: Sequence[str]) -> list[str]:
        """The plan's sub-steps with those this caution changes rewritten (``steps`` as they
        are when it rewrites none)."""
        rewrites = dict(self.steps_replace)
        return [rewrites.get(text, text) for text in steps]

    def rewrite_for_plan(self, step: Intervention) -> None:
        """``step`` as the plan prints it while this caution applies: its sub-steps rewritten,
        and its summary where the caution has one (clinician read 13, S2: "Tense and release"
        stayed in a release-only step's summary)."""
        step.steps = self.clinician_version(step.steps)
        if self.steps_description is not None:
            step.description = self.steps_description

    def applies(self, problem: Problem, context: PlanningContext) -> bool:
        if self.condition is not None:
            if self.condition == RISK_FLAG_CONDITION:
                return bool(context.risk_flags)
            if self.condition == PRIVATE_FLAG_CONDITION:
                return any(flag.private for flag in context.risk_flags)
            return self.condition in context.conditions
        return holds(self.when, problem, context)


@attrs.frozen
class Variant:
    """A dose or wording that replaces the default when its ``when`` holds (first match wins)."""

    when: When | None
    fields: Mapping[str, Any]


def pick(variants: Sequence[Variant], problem: Problem, context: PlanningContext) -> Mapping[str, Any]:
    for variant in variants:
        if holds(variant.when, problem, context):
            return variant.fields
    return {}


def compile_variants(raw: Mapping[str, Any], area: str | None) -> tuple[Variant, ...]:
    """Variants in file order; one with an ``area`` applies only to problems of that area."""
    return tuple(
        Variant(When.compile(v.get("when")),
                 {k: x for k, x in v.items() if k not in ("when", "area")})
        for v in raw.get("variants", ())
        if area is None or v.get("area") in (None, area)
    )


def _word_starts(words: Sequence[str]) -> re.Pattern[str]:
    """Lower-case text containing one of ``words`` at the start of a word."""
    return re.compile(r"\b(" + "|".join(re.escape(w.lower()) for w in words) + r")")
