"""Options the core adds to what the strategies proposed: one course for depression and anxiety
together (R-SC16: the Unified Protocol, S14), and an antidepressant beside the depression course
as a prescriber's decision (R-SC3, R-SC4).

Where both are at or above their cut-offs, the higher-ranked of the two (its level, then the
usual order: depression first) is offered the transdiagnostic course as one more option, never
the default. Chosen, it is that problem's course, and the other problem is treated within it:
its own courses leave the plan, and it starts with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from planengine._model import Exclusion, Intervention, Problem, Provenance
from planengine.plan.stepped_care._dose import HIGH
from planengine.plan.stepped_care._order import CASENESS, MORE_SEVERE, Severity
from planengine.plan.stepped_care._rules import load_rules, rule_id

__all__ = ["offer_medication", "offer_transdiagnostic", "treat_within"]


def offer_transdiagnostic(
    problems: Sequence[Problem], severities: Mapping[str, Severity], area_order: Mapping[str, int]
) -> tuple[Problem, Problem] | None:
    """Add the transdiagnostic course to the lead problem where it applies; return the lead and
    its partner (``None`` where it does not apply)."""
    data = load_rules()["transdiagnostic"]
    pair = [p for p in problems if p.area in data["areas"] and severities[p.id].level >= CASENESS]
    if len(pair) != 2:
        return None
    last = len(area_order)
    pair.sort(key=lambda p: (-severities[p.id].level, area_order.get(p.area, last)))
    lead, partner = pair
    references = load_rules()["references"]
    lead.interventions.append(_course(lead.area, data, references))
    return lead, partner


def treat_within(partner: Problem, lead: Problem, exclusions: list[Exclusion]) -> str:
    """The partner's own courses leave the plan: the transdiagnostic course treats it; return the
    reason, in words."""
    option = load_rules()["transdiagnostic"]["option"]
    title = next(s.title for s in lead.interventions if s.option == option)
    reason = f"treated within '{title}' for {lead.title} (R-SC16)"
    for step in partner.interventions:
        if step.intensity == HIGH:
            exclusions.append(
                Exclusion(step.id, step.area, step.title, reason, rule_id("R-SC16"),
                          step.provenance.source)
            )
    partner.interventions = [s for s in partner.interventions if s.intensity != HIGH]
    return f"{partner.title} is {reason}."


def _course(area: str, data: Mapping[str, Any], references: Mapping[str, str]) -> Intervention:
    return Intervention(
        id=f"{area}-{data['option']}",
        area=area,
        title=data["title"],
        description=data["description"],
        delivery="clinician-led",
        rationale="Depression and anxiety are both at or above their cut-offs: one "
        "transdiagnostic course can treat both, in place of two courses one after the other.",
        provenance=Provenance(f"rule:{rule_id(data['rule'])}"),
        frequency=dict(data["frequency"]),
        course_weeks=data["course_weeks"],
        category="therapy",
        citations=[f"{key}: {references[key]}" for key in data["citations"]],
        intensity=HIGH,
        option=data["option"],
    )


def offer_medication(
    problems: Sequence[Problem],
    conditions: frozenset[str],
    severities: Mapping[str, Severity],
    *,
    risk_flag: str | None = None,
) -> Problem | None:
    """Add the prescriber's review of an antidepressant, as an option beside the depression
    course (R-SC3, R-SC4), where a course is proposed; return that problem. With a suicide-risk
    flag open, the step says that overdose risk and means safety are part of the decision."""
    data = load_rules()["medication"]
    if conditions & set(data["not_with_conditions"]):
        return None
    problem = next((p for p in problems if p.area == data["area"]), None)
    if problem is None or not any(s.intensity == HIGH for s in problem.interventions):
        return None
    references = load_rules()["references"]
    more_severe = severities[problem.id].level >= MORE_SEVERE
    rule = rule_id(data["rule_at"] if more_severe else data["rule_below"])
    problem.interventions.append(
        Intervention(
            id=f"{problem.area}-{data['option']}",
            area=problem.area,
            title=data["step_title"],
            description=data["description"]
            + ("" if more_severe else " Below this level it is offered only where the patient "
               "prefers it (a recorded preference).")
            + (_with_risk(data["with_suicide_risk"], risk_flag) if risk_flag else ""),
            delivery="referral",
            rationale=(
                "At this level CBT or behavioural activation with an antidepressant has the best "
                "evidence; a prescriber decides."
                if more_severe
                else "Below the 'more severe' level an antidepressant is not a routine first "
                "treatment: offered only where the patient prefers it; a prescriber decides."
            ),
            provenance=Provenance(f"rule:{rule}"),
            category="referral",
            citations=[f"{key}: {references[key]}" for key in data["citations"]],
            intensity="low",
            option=data["option"],
        )
    )
    return problem


def _with_risk(wording: str, risk_flag: str) -> str:
    """The medicine step's sentence on an open flag, naming the flag as the plan names it."""
    return " " + wording.format(flag=f"{risk_flag[:1].upper()}{risk_flag[1:]}")
