"""The risk-item tasks of the problems besides the safety one, while a suicide-risk flag is
open: a questionnaire with a suicide-risk item given at every contact (Zero Suicide [R32]), the
task that gives one today named in the safety step's assessment (clinician read 17, S5), and
that task's measure saying the plan is made again with its answer (clinician read 16, M1).
:func:`planengine.plan._safety.enforce` applies them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from planengine._model import Problem, RiskFlag
from planengine.plan._risk_flags import SUICIDE_KINDS, RiskQuestion
from planengine.plan._safety_on_record import asked_and_recorded
from planengine.plan._safety_today import NOT_ENDORSED_OUTCOME, never_asked

__all__ = [
    "RULE_EACH_CONTACT",
    "course_risk_flag",
    "each_contact_flag",
    "measure_each_contact",
    "open_suicide_flag",
    "replan_on_risk_item",
    "risk_item_today",
    "suicide_flags_recorded",
]


RULE_EACH_CONTACT = "safety.risk-item-each-contact"


def each_contact_flag(flags: Iterable[tuple[str, int | None]]) -> str:
    """The open flag that puts a questionnaire at every contact, named as the risk section names
    it, from each flag's ``(kind, item)``: "the suicide-risk flag" when a risk item was endorsed
    or words of suicide were found; "the risk flag (item 9 unanswered)" when the only one is an
    unanswered risk item (clinician read 13, S1: an unknown risk called a suicide-risk flag
    records what the patient did not say)."""
    suicide = [(kind, item) for kind, item in flags if kind in SUICIDE_KINDS]
    if any(kind != "risk-unknown" for kind, _ in suicide):
        return "the suicide-risk flag"
    items = sorted({item for _, item in suicide if item is not None})
    if not items:
        return "the risk flag"
    which = ", ".join(str(item) for item in items)
    return f"the risk flag (item{'s' if len(items) > 1 else ''} {which} unanswered)"


def open_suicide_flag(flags: Iterable[RiskFlag]) -> str | None:
    """The open suicide-risk flag as :func:`each_contact_flag` names it ("the suicide-risk flag",
    "the risk flag (item 9 unanswered)"), or None when no flag of a suicide kind is open.

    A flag of a risk question never given is left out: depression is not put first for it, nor
    is a questionnaire with a risk item given at every contact (no PHQ-9 is on file; the one
    given today re-makes the plan with its answer, clinician read 16, M1)."""
    suicide = [(f.kind, f.item) for f in flags if f.kind in SUICIDE_KINDS and not never_asked(f)]
    return each_contact_flag(suicide) if suicide else None


def course_risk_flag(flags: Iterable[RiskFlag]) -> str | None:
    """The suicide-risk flag that makes a course with a clinician depression's default option
    (:func:`open_suicide_flag`), leaving out a flag whose current record is the clinician's
    "no current risk identified": once the question is asked and not endorsed, the default
    follows the score (guided self-help below PHQ-9 16, R-SC2), every option stays open, and
    the flag stays on record, first in the plan and asked again at review (clinician read 23,
    S8; R-SC22: a flag orders the queue, it does not gate care). A record of a safety plan or a
    referral keeps the course with a clinician."""
    return open_suicide_flag(
        f for f in flags
        if not (
            f.status == "dispositioned"
            and f.disposition is not None
            and f.disposition.outcome == NOT_ENDORSED_OUTCOME
        )
    )


def suicide_flags_recorded(flags: Iterable[RiskFlag]) -> bool:
    """Whether every suicide-risk flag on record (:func:`open_suicide_flag`'s) has the
    clinician's current record: the default option's reason then no longer says that the
    options wait for the risk assessment."""
    suicide = [f for f in flags if f.kind in SUICIDE_KINDS and not never_asked(f)]
    return bool(suicide) and all(f.status == "dispositioned" for f in suicide)


def measure_each_contact(
    problems: Sequence[Problem], instruments: Mapping[str, str], flag: str = "the suicide-risk flag"
) -> None:
    """While a suicide-risk flag is open, an objective measured with a questionnaire that has a
    suicide-risk item (the PHQ-9, with item 9) is given at every contact, not only at its review
    interval: the Zero Suicide model screens at every contact [R32], and NICE NG222 monitors
    suicidal ideation, especially early in treatment [S2]. Its review interval (when progress
    against the target is judged) is unchanged.

    :param flag: the open flag, as :func:`each_contact_flag` names it."""
    for problem in problems:
        for objective in problem.objectives:
            name = instruments.get(objective.measure.instrument or "")
            if name is not None and not objective.measured_each_contact:
                objective.measured_each_contact = True
                objective.notes.append(
                    f"While {flag} is on record, the {name} "
                    "questionnaire, with its risk item, is given at every contact, not only at "
                    "each review (Zero Suicide: screen at every contact; NICE NG222: monitor "
                    f"suicidal ideation, especially early) ({RULE_EACH_CONTACT})."
                )


def risk_item_today(
    problems: Sequence[Problem],
    flags: tuple[RiskFlag, ...],
    instruments: Mapping[str, str],
    as_of: dt.date,
) -> str:
    """With a risk question never given open, the questionnaire with a suicide-risk item that
    another problem's task gives at this visit, and whose task it is ("the PHQ-9 given today
    (Trauma task)"), else ``""``: the safety step's assessment then records that answer once
    rather than asking the same question again (clinician read 17, S5).

    :param instruments: the instruments with a suicide-risk item, id -> name."""
    if not any(never_asked(f) for f in flags) or asked_and_recorded(flags):
        return ""
    given: dict[str, list[str]] = {}
    for problem in problems:
        due_today = {o.id for o in problem.objectives if o.due_date == as_of}
        for step in problem.interventions:
            name = instruments.get(step.administers or "")
            if name is not None and due_today.intersection(step.objective_ids):
                titles = given.setdefault(name, [])
                if problem.title not in titles:
                    titles.append(problem.title)
    return " and ".join(
        f"the {name} given today ({' and '.join(titles)} task{'s' if len(titles) > 1 else ''})"
        for name, titles in given.items()
    )


def replan_on_risk_item(
    problems: Sequence[Problem],
    risk_items: Mapping[str, RiskQuestion],
    as_of: dt.date,
    *,
    answered: bool = False,
) -> None:
    """While a risk question never given is open (clinician read 16, M1), each task whose step
    gives a questionnaire with a suicide-risk item (the PHQ-9) says in its measure that an
    endorsed item makes the plan again with its score, the day it is given: that opens the
    risk section (a safety plan and a follow-up contact), which no later review may wait for.

    :param risk_items: instrument id -> its suicide-risk item, from its data
        (:func:`~planengine.plan._safety.screens`): named ("item 9") and its threshold said
        ("item 9 is 1 or more") as the data give them.
    :param answered: the question has since been asked and "no" recorded
        (:func:`~planengine.plan._safety_today.asked_and_recorded`): only an endorsed item makes
        the plan again; there is no hold left to end (clinician read 20).

    An objective says it once (:attr:`~planengine._model.Objective.replans_on_risk_item`),
    however often the safety rules run on the draft."""
    given = {
        objective_id: risk_items[step.administers]
        for problem in problems
        for step in problem.interventions
        if step.administers is not None and step.administers in risk_items
        for objective_id in step.objective_ids
    }
    for problem in problems:
        for objective in problem.objectives:
            found = given.get(objective.id)
            if found is None or objective.replans_on_risk_item:
                continue
            when, item = found.endorsed_when, found.name
            day = "today" if objective.due_date == as_of else "the day it is given"
            objective.replans_on_risk_item = True
            method = (
                f"{objective.measure.method}; if {when}, the plan is made again with it {day} and "
                "opens the suicide-risk section with the safety plan and follow-up"
                if answered
                else f"{objective.measure.method}; {item}'s answer is recorded {day}, whatever it is, "
                "and the plan is made again with it: if it is "
                f"{found.not_endorsed} and the clinician has no concern, "
                "the clinician records that outcome, the held steps start then and the question "
                "is asked again at the flag's next review; if "
                f"{when}, the plan opens the suicide-risk section with the safety plan and "
                "follow-up"
            )
            objective.measure = attrs.evolve(objective.measure, method=method)
