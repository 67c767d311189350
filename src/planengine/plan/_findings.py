"""Findings: the reasons to plan, from scores, clinician concerns and the patient's own goals.

Instrument findings come from each instrument's data (bands, cut-offs, screens; see
``planengine/data/instruments``). This module adds the context findings and weighs them so that
problems can be put in a stable priority order.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from planengine._model import Context, Finding, Notice, Problem, Provenance

__all__ = [
    "WEIGHT_BY_KIND",
    "context_findings",
    "instrument_findings",
    "judges",
    "problems_from_findings",
    "unjudged_notices",
]

#: How much a finding of each kind weighs when problems are ordered (severity findings use
#: their band's rank scaled to 0..1 instead). Ordering only; no clinical claim rests on these.
WEIGHT_BY_KIND: Mapping[str, float] = {
    "cutoff": 0.75,
    "screen-positive": 0.5,
    "incomplete": 0.45,
    "item": 0.4,
    "clinician-concern": 0.3,
    "patient-goal": 0.2,
}


def instrument_findings(
    scores: Mapping[str, Any],
    instruments: Mapping[str, Any],
    paths: Mapping[str, str],
) -> list[Finding]:
    """Turn the instrument findings of the latest score of each instrument into plan findings.

    A response with unanswered items also gives an ``incomplete`` finding whose next step is to
    complete them: nothing is imputed, so the total (and often the band) stays unknown until then,
    and "nothing reached a threshold" must not be concluded from it. Where the instrument's
    missing-answer rule prorates the total, the finding says it is an estimate and from what.
    """
    out: list[Finding] = []
    for instrument_id in sorted(scores):
        score = scores[instrument_id]
        if score.missing_items:
            out.append(_incomplete_finding(instruments[instrument_id], score, paths[instrument_id]))
        if not score.findings:
            continue
        top_rank = instruments[instrument_id].top_severity
        for number, item in enumerate(score.findings, start=1):
            if item.kind == "severity" and item.severity_rank is not None:
                weight = item.severity_rank / top_rank
            else:
                weight = WEIGHT_BY_KIND.get(item.kind, 0.4)
            # Finding(id, area, kind, summary, severity, weight, instrument, total, next_step,
            #         citations, provenance), positionally (faster)
            out.append(
                Finding(
                    f"finding-{instrument_id}-{number}",
                    item.area,
                    item.kind,
                    item.summary,
                    item.severity,
                    round(weight, 4),
                    instrument_id,
                    score.total,
                    _with_cutoffs(item.next_step, instruments),
                    tuple(item.citations),
                    Provenance(f"rule:{item.rule_id}", (paths[instrument_id],)),
                )
            )
    return out


#: a cut-off named in a next step's words ("if it is {pcl5.provisional} or more"): the
#: instrument's id, then the cut-off's id
_CUTOFF_NAMED = re.compile(r"\{(([a-z0-9-]+)\.[a-z0-9.-]+)\}")


def _with_cutoffs(text: str | None, instruments: Mapping[str, Any]) -> str | None:
    """A next step with each cut-off it names replaced by that cut-off's value, as configured
    (a positive PC-PTSD-5 refers on when the PCL-5 given at the visit is at its cut-off)."""
    if not text or "{" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        return str(instruments[match.group(2)].cutoff(match.group(1)).value)

    return _CUTOFF_NAMED.sub(value, text)


def judges(instrument: Any) -> bool:
    """Whether any of the instrument's finding rules can fire: a band that makes a finding, a
    cut-off, a rule on single answers or a threshold that is set."""
    return any(_can_fire(instrument, rule) for rule in instrument.finding_rules)


def unjudged_notices(scores: Mapping[str, Any], instruments: Mapping[str, Any]) -> list[Notice]:
    """A notice for each scored instrument that cannot judge its total (:func:`judges`): the
    PSS-10 and the Rosenberg scale ship their thresholds unset, as the clinical brief gives none.
    Its total is shown and kept as a trend measure, but the plan must not let "nothing reached a
    threshold" read as "all is well"."""
    out: list[Notice] = []
    for instrument_id in sorted(scores):
        score = scores[instrument_id]
        instrument = instruments[instrument_id]
        if score.total is None or judges(instrument):
            continue
        unset = [r.id for r in instrument.finding_rules if r.when == "threshold"]
        how = (
            f"; a clinic that uses a threshold sets it in instrument-overrides "
            f"(findings: {', '.join(unset)})"
            if unset
            else ""
        )
        out.append(
            Notice(
                "plan.score-not-judged",
                f"{instrument.name} total {score.total} was scored but not judged: the instrument "
                f"has no validated cut-off or severity bands set{how}. It is kept as a trend "
                "measure; the clinician judges it.",
                f"rule:findings.{instrument_id}",
            )
        )
    return out


def _can_fire(instrument: Any, rule: Any) -> bool:
    if rule.when == "band":
        return any(band.finding for band in instrument.bands)
    if rule.when == "threshold":
        return rule.value is not None and rule.comparator is not None
    return True  # cut-offs, single items and symptom patterns


def _incomplete_finding(instrument: Any, score: Any, path: str) -> Finding:
    missing = score.missing_items
    items = f"item {missing[0]}" if len(missing) == 1 else "items " + ", ".join(map(str, missing))
    low, high = score.total_range
    if score.prorated:
        rule = instrument.missing
        answered = instrument.items - len(missing)
        summary = (
            f"{instrument.name}: {items} unanswered; the total {score.total} is an estimate, "
            f"prorated from the {answered} items answered (the instrument's missing-answer rule, "
            f"for at most {rule.max_missing} unanswered; the true total could be {low} to {high})."
        )
        citations, rule_id = rule.citations, "rule:findings.prorated"
    else:
        summary = (
            f"{instrument.name}: {items} unanswered, so the total is unknown (it could be {low} "
            f"to {high}); nothing is imputed."
        )
        citations, rule_id = (), "rule:findings.incomplete"
    # Finding(id, area, kind, summary, severity, weight, instrument, total, next_step,
    #         citations, provenance)
    return Finding(
        f"finding-{instrument.id}-incomplete",
        instrument.area,
        "incomplete",
        summary,
        None,
        WEIGHT_BY_KIND["incomplete"],
        instrument.id,
        score.total,
        f"Ask the patient to answer {items} of the {instrument.name}, then score it again.",
        tuple(citations),
        Provenance(rule_id, (path,)),
    )


def context_findings(
    context: Context,
    areas_for_goal: Any,
    existing_areas: Sequence[str],
    condition_areas: Mapping[str, tuple[str, str]] | None = None,
    goal_folds: Mapping[str, str] | None = None,
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Findings from the clinician's concerns, conditions that bring an area into the plan, and
    the patient's own goals.

    :param areas_for_goal: callable mapping a goal text to the areas it mentions.
    :param existing_areas: areas already found by instruments (a patient goal for one of those is
        attached to it instead of making a new finding).
    :param condition_areas: condition id -> (area, summary) for documented conditions that bring
        their area into the plan (see :meth:`Vocabulary.condition_areas`).
    :param goal_folds: area -> the area that takes its goals when that one is already in the
        plan (see :attr:`Vocabulary.goal_folds`).
    :return: the findings, and a record per patient goal with the areas it was linked to.
    """
    findings: list[Finding] = []
    if condition_areas:
        for index, condition in enumerate(context.conditions):
            brought = condition_areas.get(condition)
            if brought is None:
                continue
            area, summary = brought
            findings.append(
                Finding(
                    f"finding-condition-{index + 1}",
                    area,
                    "clinician-concern",
                    summary,
                    None,
                    WEIGHT_BY_KIND["clinician-concern"],
                    None,
                    None,
                    None,
                    (),
                    Provenance("rule:context.condition", (f"$.context.conditions[{index}]",)),
                )
            )
    for index, area in enumerate(context.concerns):
        findings.append(
            Finding(
                f"finding-concern-{index + 1}",
                area,
                "clinician-concern",
                f"The clinician identified {area.replace('-', ' ')} as a concern.",
                None,
                WEIGHT_BY_KIND["clinician-concern"],
                None,
                None,
                None,
                (),
                Provenance("rule:context.concern", (f"$.context.concerns[{index}]",)),
            )
        )
    known = set(existing_areas) | set(context.concerns) | {f.area for f in findings}
    before_goals = frozenset(known)
    folds = goal_folds or {}
    goals: list[dict[str, Any]] = []
    for index, text in enumerate(context.patient_goals):
        areas = []
        for area in areas_for_goal(text):  # a fold: the area already in the plan takes the goal
            taker = folds.get(area)
            area = taker if taker in before_goals else area
            if area not in areas:
                areas.append(area)
        goals.append({"text": text, "areas": areas, "path": f"$.context.patient_goals[{index}]"})
        for area in areas:
            if area in known:
                continue
            known.add(area)
            findings.append(
                Finding(
                    f"finding-goal-{index + 1}-{area}",
                    area,
                    "patient-goal",
                    f"The patient's own goal mentions {area.replace('-', ' ')}.",
                    None,
                    WEIGHT_BY_KIND["patient-goal"],
                    None,
                    None,
                    None,
                    (),
                    Provenance(
                        "rule:context.patient-goal", (f"$.context.patient_goals[{index}]",)
                    ),
                )
            )
    return findings, goals


_WEIGHT = operator.attrgetter("weight")


def problems_from_findings(
    findings: list[Finding],
    patient_goals: list[dict[str, Any]],
    area_title: Callable[[str], str],
) -> list[Problem]:
    """One problem per area the findings name (its severity and weight the heaviest finding's),
    with the patient's goals linked to it, heaviest first (ties: by area id)."""
    by_area: dict[str, list[Finding]] = {}
    for finding in findings:
        by_area.setdefault(finding.area, []).append(finding)
    problems: list[Problem] = []
    for area, items in by_area.items():
        top = items[0] if len(items) == 1 else max(items, key=_WEIGHT)
        # Problem's first 13 fields, positionally (faster)
        problems.append(
            Problem(
                f"problem-{area}",
                area,
                area_title(area),
                0,
                top.severity,
                top.weight,
                items,
                None,
                None,
                [],
                [],
                [g["text"] for g in patient_goals if area in g["areas"]],
                [],
            )
        )
    problems.sort(key=lambda p: (-p.weight, p.area))
    return problems
