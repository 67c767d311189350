"""The plain words of the patient's copy: the patient-facing title of a step, its text with
clinical phrases put plainly, and the objectives a patient does not control, all from the
``patient`` tables of ``data/documents.yaml``.

The renderer adds no facts: each entry there is keyed by the plan's own title, phrase, step id or
objective id, so that a step or phrase the plan does not hold is never shown, and a strategy text
that changes simply reads as written until its plain version is updated (a test finds entries
that no built-in strategy uses any more).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planengine.plan.stepped_care._dose import is_rule_to_follow
from planengine.render._words import one_line, sensitive_pattern, words_data

__all__ = [
    "alone_version",
    "contact_rows",
    "hidden",
    "hidden_objective",
    "is_rule",
    "measured_meanwhile",
    "merged_description",
    "merged_into",
    "plain_objective",
    "plain_phrases",
    "plain_step",
    "plain_title",
    "private_pattern_words",
    "questionnaire_topic",
    "safety_plan_part",
    "withdrawal_warning",
]


def _table(name: str) -> Mapping[str, Any]:
    table: Mapping[str, Any] = words_data()["patient"].get(name) or {}
    return table


def plain_title(title: str) -> str:
    """The patient's title of a step (``Stimulus control`` -> ``Use your bed for sleep``); a
    title with no plain version is returned on one line as written."""
    text = one_line(title)
    return str(_table("plain_titles").get(text, text))


def plain_phrases(text: str) -> str:
    """``text`` with each clinical phrase of ``plain_phrases`` replaced by its plain words."""
    for phrase, plain in _table("plain_phrases").items():
        text = text.replace(phrase, plain or "")
    return text


def plain_objective(objective_id: str) -> str | None:
    """What the patient reads for an objective they do not control, or ``None``."""
    text = _table("plain_objectives").get(objective_id)
    return None if text is None else str(text)


def plain_step(step_id: str) -> str | None:
    """The one sentence the patient reads in place of a step they take no part in (a talk
    between the clinician and the prescriber), or ``None``."""
    text = _table("plain_steps").get(step_id)
    return None if text is None else str(text)


def plain_rule_step(step: dict[str, Any]) -> str | None:
    """The one sentence the patient reads in place of a clinician's step that a rule made (a
    questionnaire item to ask again, worded for the clinician), or ``None`` (also when its title
    has a plain version, which says more)."""
    if step.get("delivery") != "clinician-led" or one_line(step["title"]) in _table("plain_titles"):
        return None
    text = _table("plain_rule_steps").get((step.get("provenance") or {}).get("source", ""))
    return None if text is None else str(text)


def self_help_support(title: str) -> bool:
    """True for the check-ins that support guided self-help ("Guided self-help check-ins"):
    inside a course with a clinician, its sessions replace them, and the copy does not list
    them as part of it (clinician read 9, S4)."""
    return one_line(title) in (words_data()["patient"].get("self_help_support") or ())


def questionnaire_topic(area: str) -> str | None:
    """What a questionnaire that measures a problem of ``area`` is about, in the patient's words
    ("your mood"), or ``None`` when the table has no words for the area."""
    text = _table("questionnaire_topics").get(area)
    return None if text is None else str(text)


def measured_meanwhile(problem: dict[str, Any]) -> tuple[str, int] | None:
    """``(instrument id, days)`` of the questionnaire a problem is measured with while it waits
    (its first objective with an instrument: the plan's "Meanwhile" measure; 0 days: at every
    contact), or ``None`` when no questionnaire measures it."""
    for objective in problem["objectives"]:
        instrument = objective["measure"].get("instrument")
        if instrument:
            days = 0 if objective.get("measured_each_contact") else int(objective["review_interval_days"])
            return str(instrument), days
    return None


def contact_rows(step_ids: set[str]) -> list[str]:
    """The rows "Who to contact" adds for the steps on the copy (an out-of-hours number to write
    in), in the table's order, each once."""
    rows: list[str] = []
    for step_id, labels in _table("contact_rows").items():
        if step_id in step_ids:
            rows.extend(str(label) for label in labels if str(label) not in rows)
    return rows


def hidden(step_id: str) -> bool:
    """True for a step never shown on the patient's copy."""
    return step_id in (words_data()["patient"].get("hidden_steps") or ())


def hidden_objective(objective_id: str) -> bool:
    """True for an objective that is a clinician's or therapist's task, never the patient's
    goal on the copy (imagery rehearsal within the trauma therapy)."""
    return objective_id in (words_data()["patient"].get("hidden_objectives") or ())


def is_rule(step_id: str) -> bool:
    """True for a step that is rules to follow, not a task to tick."""
    return is_rule_to_follow(step_id)


def merged_into(step_id: str) -> tuple[str, str] | None:
    """``(other step id, title of the joined row)`` for a step whose row joins another's."""
    entry = _table("merged_steps").get(step_id)
    return None if entry is None else (str(entry["into"]), str(entry["title"]))


def merged_description(step_id: str) -> str | None:
    """What a step whose row joined another's asks, when the joined row already asks part of its
    own description (the sleep diary has the bed and wake times the mood chart also notes)."""
    entry = _table("merged_steps").get(step_id)
    text = None if entry is None else entry.get("description")
    return None if text is None else str(text)


def safety_plan_part(field: str) -> str | None:
    """The plain second-person heading of a safety-plan part, by the field the plan names."""
    text = _table("safety_plan_parts").get(field)
    return None if text is None else str(text)


def withdrawal_warning(data: dict[str, Any]) -> str | None:
    """The plain warning not to stop drinking suddenly, when the plan has a problem of the
    warning's area whose steps already give that warning (no new facts) and a sign of daily
    drinking or dependence (a finding, a step or the patient's words the table names);
    otherwise ``None``."""
    entry = _table("withdrawal_warning")
    if not _daily_or_dependent(entry, data):
        return None
    markers = [m.lower() for m in entry.get("markers", ())]
    for problem in data["problems"]:
        if problem["area"] != entry.get("area"):
            continue
        for step in problem["interventions"]:
            texts = [step.get("description") or "", *(step.get("steps") or ()), *(step.get("notes") or ())]
            if any(m in one_line(t).lower() for t in texts for m in markers):
                return str(entry["text"])
    return None


def _daily_or_dependent(entry: Mapping[str, Any], data: dict[str, Any]) -> bool:
    """True when a finding or step the warning's table names is in the plan, or the patient's
    words imply the table's answer to the item it names."""
    from planengine.plan._word_checks import load_word_checks

    rules = {f"rule:{rule}" for rule in entry.get("findings") or ()}
    if any((f.get("provenance") or {}).get("source") in rules for f in data["findings"]):
        return True
    steps = set(entry.get("steps") or ())
    if any(s["id"] in steps for p in data["problems"] for s in p["interventions"]):
        return True
    words = entry.get("words") or {}
    checks = [c for c in load_word_checks() if (c.instrument, c.item) == (words.get("instrument"), words.get("item"))]
    return any(
        (implied := check.implied(goal["text"])) is not None and implied >= int(words["at_least"])
        for check in checks
        for goal in data.get("patient_goals") or ()
    )


def private_pattern_words() -> Any:
    """The pattern of the words a quote or title may not use when a private flag is open."""
    return sensitive_pattern(words_data()["patient"].get("private_flag_words") or ())


def alone_version(step: dict[str, Any], problems: list[dict[str, Any]]) -> dict[str, Any]:
    """``step`` with the plain title and description of ``alone_titles`` when no other step of
    its area starts now ("Small habits that can help sleep", not "... help the other sleep
    steps" when there are none); otherwise ``step`` as it is."""
    entry = _table("alone_titles").get(step["id"])
    if entry is None:
        return step
    counted = set(entry.get("categories") or ())
    others = [
        s
        for p in problems
        if p["area"] == entry["area"]
        for s in p["interventions"]
        if s["id"] != step["id"] and s["phase"] == "now" and s["category"] in counted and not hidden(s["id"])
    ]
    if others:
        return step
    return {**step, "title": str(entry["title"]), "description": str(entry["description"])}
