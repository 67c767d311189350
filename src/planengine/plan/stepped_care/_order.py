"""Formulation: how severe each problem is against its own cut-offs, which problem is treated
first, and the order of the rest, each with its rule and reason ([S2][S3][S5][S7][S8][S9]).

Rules, in the order they are tried for the primary problem:

* ``stepped-care.safety-first``: the core's safety problem, then a problem holding an urgent
  safety objective (the private safety assessment), lead every plan.
* R-SC9: drinking that harms (an alcohol measure above its cut-off, or a substance use disorder)
  is treated before the mood or anxiety it may cause.
* R-SC8: PTSD at its cut-off is treated before depression, unless depression is "more severe"
  (PHQ-9 16 or more: it makes trauma-focused therapy very difficult) or a suicide-risk flag is
  open.
* ``stepped-care.suicide-risk``: with a suicide-risk flag open, depression is treated first (its
  treatment and monitoring carry the risk work; design rule, docs/stepped-care.md).
* R-SC1: otherwise the more severe problem by its own instrument's cut-offs: its level (at the
  "more severe" level, at caseness, below it, not measured); problems at the same level are a tie
  that the clinician decides, and the plan starts from ``area_order`` (depression before anxiety:
  CG90 "usually depression first"); insomnia and hazardous drinking run alongside the problems
  they may run beside (R-SC12, R-SC9) and never lead them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from planengine._model import Problem
from planengine.plan._next_steps import QUESTIONNAIRE_TODAY
from planengine.plan.stepped_care._records import Ordering
from planengine.plan.stepped_care._rules import SteppedCareRules, lowest_total, rule_id

__all__ = [
    "SAFETY_FIRST",
    "SUICIDE_RISK",
    "Severity",
    "alongside",
    "given_today",
    "order_problems",
    "severity_of",
]

SAFETY_FIRST = "stepped-care.safety-first"
SUICIDE_RISK = "stepped-care.suicide-risk"
#: levels: not measured, below the cut-off, at caseness, at the "more severe" level
UNMEASURED, BELOW, CASENESS, MORE_SEVERE = -1, 0, 1, 2


@attrs.frozen
class Severity:
    """Where a problem stands against its instrument's cut-offs.

    :ivar level: :data:`UNMEASURED`, :data:`BELOW`, :data:`CASENESS` or :data:`MORE_SEVERE`.
    :ivar share: the share of the scale above the caseness cut-off (negative below it).
    :ivar text: the standing in words ("PHQ-9 12, 2 points above its cut-off of 10").
    """

    level: int
    share: float
    text: str
    instrument: str | None = None
    total: int | None = None
    #: why a high-intensity course is recommended, where the level's own guidance does not
    #: apply (bipolar disorder: NICE CG185, not the NG222 'more severe' split); ``None``: "at
    #: this level"
    course_reason: str | None = None


_NOT_MEASURED = Severity(UNMEASURED, -1.0, "not measured by a scored questionnaire")


def _given_today(problem: Problem, rules: SteppedCareRules) -> Severity | None:
    """For a problem no questionnaire measured whose own questionnaire a task at this visit
    gives (the ISI when none is on file), its standing says so (clinician read 13, S4: "not
    measured by a scored questionnaire" contradicted the ISI given today; read 14: the option's
    reason starts from it, so it says first that the severity is not yet known), else ``None``.
    The questionnaire is the one the task's step gives (``administers``), and it must measure
    this problem's area: a PHQ-9 given today (the core's for a plan with no depression measure,
    trauma's before trauma-focused therapy) is about mood, not this problem."""
    given = given_today(problem, rules)
    if given is None:
        return None
    return Severity(
        UNMEASURED,
        -1.0,
        f"severity not yet known (the {rules.names[given]} is given today, and the plan is made "
        "again with its score)",
    )


def given_today(problem: Problem, rules: SteppedCareRules) -> str | None:
    """The instrument id of ``problem``'s own questionnaire that a task at this visit gives (the
    ISI when none is on file), or ``None``: the one the task's step gives (``administers``), of
    this problem's area (a PHQ-9 given today beside another problem is about mood). The full
    questionnaire a positive screen asks for at this visit is such a task too."""
    today = {
        objective.id
        for objective in problem.objectives
        if objective.at_this_visit or objective.provenance.source in QUESTIONNAIRE_TODAY
    }
    if not today:
        return None
    return next(
        (
            given
            for step in problem.interventions
            if (given := step.administers) is not None
            and given in rules.names
            and rules.areas.get(given) == problem.area
            and not today.isdisjoint(step.objective_ids)
        ),
        None,
    )


def severity_of(
    problem: Problem,
    scores: Mapping[str, Any],
    rules: SteppedCareRules,
    conditions: frozenset[str] = frozenset(),
) -> Severity:
    """The problem's standing from the most severe of its measured findings (R-SC1).

    :param conditions: the documented conditions: where the "more severe" level's guidance
        excludes one (bipolar disorder), the standing is worded by the guidance that applies.
    """
    best = _NOT_MEASURED
    for finding in problem.findings:
        scale = rules.scales.get(finding.instrument or "")
        score = scores.get(finding.instrument or "")
        if score is None:
            continue
        if scale is None:  # measured, but by no scale graded for ordering (WHO-5, a screen)
            if best is _NOT_MEASURED:
                total = lowest_total(score)
                name = rules.names.get(score.instrument_id, score.instrument_id)
                best = Severity(UNMEASURED, -1.0, f"{name} {total}, a score that does not set "
                                "the order of care")
            continue
        total = lowest_total(score)
        cut = scale.caseness.value_for(score)
        instead = next(
            (words for condition, words in scale.with_conditions.items() if condition in conditions),
            None,
        )
        course_reason = None
        if scale.more_severe is not None and scale.more_severe.met(score) and instead:
            level, (where, course_reason) = MORE_SEVERE, instead
            where = f"{total - cut} points above its cut-off of {cut}; {where}"
        elif scale.more_severe is not None and scale.more_severe.met(score):
            level = MORE_SEVERE
            where = f"at or above its 'more severe' level of {scale.more_severe.value}"
        elif scale.caseness.met(score):
            above = total - cut
            level = CASENESS
            where = (
                f"{above} point{'' if above == 1 else 's'} above its cut-off of {cut}"
                if above
                else f"at its cut-off of {cut}"
            )
        else:
            level, where = BELOW, f"below its cut-off of {cut}"
        span = max(scale.total_max - cut, 1)
        found = Severity(level, (total - cut) / span, f"{scale.name} {total}, {where}",
                         finding.instrument, total, course_reason)
        if best.level == UNMEASURED or (found.level, found.share) > (best.level, best.share):
            best = found
    if best is _NOT_MEASURED:
        return _given_today(problem, rules) or best
    return best


def order_problems(
    problems: Sequence[Problem],
    severities: Mapping[str, Severity],
    rules: SteppedCareRules,
    *,
    risk_flag: str | None,
    harmful_drinking: str | None,
) -> list[tuple[Problem, Ordering]]:
    """The problems in treatment order, each with its place and why.

    :param severities: problem id -> its :class:`Severity`.
    :param risk_flag: the open suicide-risk flag, named as the plan names it ("the suicide-risk
        flag", "the risk flag (item 9 unanswered)"), or None.
    :param harmful_drinking: what shows harmful drinking, if anything (R-SC9).
    """
    first = [p for p in problems if p.area == "safety" or any(o.urgent for o in p.objectives)]
    # identity, not ==: attrs compares every field of every step
    rest = [p for p in problems if all(p is not f for f in first)]
    out: list[tuple[Problem, Ordering]] = [
        (p, Ordering(rank, SAFETY_FIRST, _safety_reason(p) if p.area == "safety" else _urgent(p)))
        for rank, p in enumerate(first, start=1)
    ]
    if not rest:
        return out
    rest.sort(key=_sort_key(rest, severities, rules, alongside_behind=True))
    urgent_alcohol = next((p for p in first if p.area == "alcohol"), None)
    if urgent_alcohol is not None and _harms(urgent_alcohol, severities, harmful_drinking):
        # the withdrawal assessment is due now, and drinking is the primary problem (R-SC9)
        place = next(i for i, p in enumerate(first) if p is urgent_alcohol)
        primary = urgent_alcohol
        out[place] = (primary, Ordering(place + 1, rule_id("R-SC9"), (
            f"{_urgent(primary)} {_harm_reason(harmful_drinking)}"), primary=True))
    else:
        primary, rule, reason = _primary(rest, severities, rules, risk_flag, harmful_drinking)
        rest = [p for p in rest if p is not primary]
        out.append((primary, Ordering(len(out) + 1, rule, reason, primary=True)))
    rest.sort(key=_sort_key(rest, severities, rules, alongside_behind=False))
    beside = [p for p in rest if alongside(p, primary, severities[p.id], rules)]
    for problem in beside:  # treated beside the primary problem (R-SC12, R-SC9)
        out.append((problem, Ordering(len(out) + 1, rules.alongside[problem.area][1], (
            f"Treated alongside {primary.title} ({severities[problem.id].text}): "
            f"{rules.alongside[problem.area][2]}"))))
    for problem in rest:
        if all(problem is not b for b in beside):
            out.append((problem, Ordering(len(out) + 1, rule_id("R-SC1"), (
                f"After {primary.title}: {severities[problem.id].text}."))))
    return out


def alongside(
    problem: Problem, primary: Problem, severity: Severity, rules: SteppedCareRules
) -> bool:
    """Whether ``problem`` is treated beside the primary one (its area may run alongside the
    primary area, and it is at or above its cut-off)."""
    entry = rules.alongside.get(problem.area)
    return (
        entry is not None
        and problem is not primary
        and (primary.area in entry[0] or "all" in entry[0])
        and severity.level >= CASENESS
    )


_SAFETY_REASON = "Safety comes first in every plan while a risk flag is open."


def _safety_reason(problem: Problem) -> str:
    """Why the safety problem is first: the reason the core's safety rule gave it (a flag kept
    on record after a recorded "no": clinician read 20, S4), else :data:`_SAFETY_REASON`."""
    return problem.ordering.reason if problem.ordering is not None else _SAFETY_REASON


def _harms(
    alcohol: Problem, severities: Mapping[str, Severity], harmful_drinking: str | None
) -> bool:
    """Harmful or dependent drinking: the "more severe" level (AUDIT-C 10+) or a documented
    substance use disorder (no measure); a positive screen alone (hazardous drinking) gets a
    brief intervention alongside the primary problem instead."""
    return bool(harmful_drinking) and severities[alcohol.id].level in (MORE_SEVERE, UNMEASURED)


def _harm_reason(harmful_drinking: str | None) -> str:
    return (
        f"Drinking that harms is treated first ({harmful_drinking}): it can cause or worsen low "
        "mood, anxiety and poor sleep, which are measured again after 3-4 weeks without alcohol."
    )


def _urgent(problem: Problem) -> str:
    """Why a problem with an urgent objective leads: the objective, due at this visit."""
    urgent = next(o for o in problem.objectives if o.urgent)
    return f"Due at this visit, before any other work: {urgent.statement}"


def _sort_key(
    problems: Sequence[Problem],
    severities: Mapping[str, Severity],
    rules: SteppedCareRules,
    *,
    alongside_behind: bool,
) -> Any:
    """Level, then the data's area order (a tie: the clinician decides), then the evidence
    weight; with ``alongside_behind`` (choosing the primary problem), a problem that is treated
    beside others (insomnia, hazardous drinking) goes behind the problems it runs beside when one
    of them is at or above its cut-off (R-SC12, R-SC9)."""
    above = {p.area for p in problems if severities[p.id].level >= CASENESS}
    behind: set[str] = set()
    if alongside_behind:
        for area, (beside, _rule, _why) in rules.alongside.items():
            others = any(p.area != area for p in problems)
            if (above - {area}) & beside or ("all" in beside and others):
                behind.add(area)
    last = len(rules.area_order)

    def key(problem: Problem) -> tuple[Any, ...]:
        found = severities[problem.id]
        return (
            problem.area in behind,
            -found.level,
            rules.area_order.get(problem.area, last),
            -problem.weight,
            problem.area,
        )

    return key


def _primary(
    ranked: Sequence[Problem],
    severities: Mapping[str, Severity],
    rules: SteppedCareRules,
    risk_flag: str | None,
    harmful_drinking: str | None,
) -> tuple[Problem, str, str]:
    """The problem treated first, the rule that chose it and why."""
    by_area = {p.area: p for p in ranked}
    alcohol = by_area.get("alcohol")
    if alcohol is not None and _harms(alcohol, severities, harmful_drinking):
        return alcohol, rule_id("R-SC9"), _harm_reason(harmful_drinking)
    trauma, depression = by_area.get("trauma"), by_area.get("depression")
    if trauma is not None and severities[trauma.id].level >= CASENESS and depression is not None:
        mood = severities[depression.id]
        if mood.level == MORE_SEVERE or risk_flag:
            why = (
                f"{mood.text}, which makes trauma-focused therapy very difficult"
                if mood.level == MORE_SEVERE
                else f"{risk_flag} is on record"
            )
            return depression, rule_id("R-SC8"), (
                f"Depression is treated before PTSD because {why}; trauma-focused therapy follows."
            )
        return trauma, rule_id("R-SC8"), (
            f"PTSD is treated before depression ({severities[trauma.id].text}; {mood.text}, "
            "below its 'more severe' level, and no suicide-risk flag (an item-9 answer or words of "
            "suicide) is open)."
        )
    if risk_flag and depression is not None:
        return depression, SUICIDE_RISK, (
            f"{risk_flag[:1].upper()}{risk_flag[1:]} is on record: depression is treated first, with "
            "the risk monitored at every contact."
        )
    top = ranked[0]
    found = severities[top.id]
    if found.level == UNMEASURED:
        return top, rule_id("R-SC1"), (
            f"{found.text[:1].upper()}{found.text[1:]}; no problem that could come first was "
            "measured above a cut-off (a problem treated alongside another never comes first), so "
            "this one comes first by the usual clinical order of areas. The clinician decides."
        )
    tied = [
        p for p in ranked[1:]
        if severities[p.id].level == found.level and not alongside(p, top, severities[p.id], rules)
    ]
    if tied:
        others = "; ".join(f"{p.title}, {severities[p.id].text}" for p in tied)
        return top, rule_id("R-SC1"), (
            f"{found.text}; at the same level: {others}. A tie the clinician decides: the plan "
            f"starts with {top.title} by convention (NICE CG113: the more impairing one first)."
        )
    if len(ranked) == 1:
        return top, rule_id("R-SC1"), f"The problem to treat ({found.text})."
    if found.level == BELOW:  # nothing reached a cut-off: none is "most severe" (clinician read 23)
        return top, rule_id("R-SC1"), (
            f"No problem reached its cut-off; this one is monitored first ({found.text})."
        )
    return top, rule_id("R-SC1"), f"The most severe problem by its cut-offs ({found.text})."


