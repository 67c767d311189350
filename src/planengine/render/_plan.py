"""Rendering a :class:`~planengine.Plan` for people and programs: JSON, goal files, the
clinician's plan (Markdown, HTML) and the patient's copy (Markdown, HTML).

Each renderer is a pure function ``Plan -> str`` (the patient's copy also takes the clinic's
:class:`~planengine.render._words.DocumentSettings`), chosen by name from
:data:`RENDERER_BY_NAME`. The documents are described in ``docs/plan-documents.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from planengine._model import LOG_HELD_NOTE, Objective, Plan
from planengine.io._disposition import URGENT_CARE_OUTCOME
from planengine.render._words import DocumentSettings, clinician_text, held_until_words

__all__ = [
    "PATIENT_FORMATS",
    "PATIENT_RENDERERS",
    "RENDERER_BY_NAME",
    "render_goals",
    "render_html",
    "render_json",
    "render_markdown",
    "render_patient",
    "render_patient_html",
]


def _a_plan(plan: Any, function: str) -> None:
    """Refuse what is not a plan with a :class:`TypeError` naming the argument, not an
    ``AttributeError`` from deep inside the renderer."""
    if not isinstance(plan, Plan):
        raise TypeError(
            f"{function}: plan must be a planengine.Plan (from Engine.plan), "
            f"got {type(plan).__name__}"
        )


def render_json(plan: Plan) -> str:
    """The plan as deterministic JSON (validates against ``plan.schema.json``).

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "render_json")
    return plan.to_json()


def plan_to_goal_document(plan: Plan) -> dict[str, Any]:
    """The plan's objectives as a goal document (``goal.schema.json``), with the answers of the
    questionnaires that have a risk item and the patient's words that opened a flag, so that a
    review of the file sees the same risk signals as the plan. Objectives none of whose steps
    starts now are listed under ``x-waiting-goals`` instead of being reviewed against dates
    that are agreed only when they start.

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "plan_to_goal_document")
    goals: list[dict[str, Any]] = []
    findings = {f.id: f for f in plan.findings}
    # the file may be shared, and shows no words about abuse; its private flag is kept open by
    # x-private-flags below
    private_words = {text for flag in plan.risk_flags if flag.private for text in flag.evidence}
    words, others_words = (_words_of(plan, k, private_words) for k in ("suicidal-language", "harm-to-others"))
    waiting: list[dict[str, Any]] = []
    for problem in plan.problems:
        for objective in problem.objectives:
            if objective.condition is not None:  # a goal only if what it names is found at the
                # visit: listed with its condition and date, never reviewed as overdue when the
                # condition never arose; a plan made with the new answer makes it a goal
                entry: dict[str, Any] = {"id": objective.id, "area": objective.area, "phase": "now",
                         "statement": objective.statement, "condition": objective.condition}
                if objective.due_after_condition_days is None:
                    entry["due_date"] = objective.due_date.isoformat()
                else:  # met only after this visit: due days after it, not on a date now past
                    entry["due_after_condition_days"] = objective.due_after_condition_days
                waiting.append(entry)
                continue
            if objective.phase not in (None, "now") or objective.held:  # none of its steps
                # starts now, or all are held: its dates are agreed when they start, so it is
                # not reviewed against them (no false failure for work that has not begun)
                waiting.append(_waiting_goal(plan, objective))
                continue
            data = objective.to_dict()
            addresses: list[str] = []
            for ref in objective.addresses:
                finding = findings.get(ref)
                if (
                    finding is not None
                    and finding.instrument
                    and finding.instrument not in addresses
                ):
                    addresses.append(finding.instrument)
                if ref not in addresses:
                    addresses.append(ref)
            goal: dict[str, Any] = {
                "id": data["id"],
                "area": data["area"],
                "statement": data["statement"],
            }
            if objective.patient_words and objective.patient_words not in private_words:
                goal["patient_words"] = objective.patient_words  # never words of abuse (R-SC20)
            elif objective.id == "safety-plan-completed" and words:
                goal["patient_words"] = words  # so that the review screens them again
            elif objective.id == "safety-others-assessed" and others_words:
                goal["patient_words"] = others_words  # words of harm to others, alike
            goal["addresses"] = addresses
            goal["measure"] = data["measure"]
            if objective.frequency:
                goal["frequency"] = dict(objective.frequency)
            goal["start_date"] = data["start_date"]
            goal["due_date"] = data["due_date"]
            goal["review_interval_days"] = data["review_interval_days"]
            if "gas" in data:
                goal["gas"] = data["gas"]
            if data.get("citations"):
                goal["x-citations"] = data["citations"]
            goal["x-provenance"] = data["provenance"]
            goals.append(goal)
    document: dict[str, Any] = {"planengine": 1}
    if plan.patient_id:
        document["patient"] = {"id": plan.patient_id}
    document["as_of"] = plan.as_of.isoformat()
    document["goals"] = goals
    if waiting:  # listed, not reviewed: a plan made when their steps start gives their dates
        document["x-waiting-goals"] = waiting
    if plan.risk_answers:  # the review reads the same risk items again (PHQ-9 item 9, ...)
        document["assessments"] = [dict(a) for a in plan.risk_answers]
    document |= _recorded_flags(plan.risk_flags)
    recorded = _dispositions(plan.risk_flags)
    if recorded:  # the review honours the same clinician's records as the plan did
        document["risk_dispositions"] = recorded
    return document


def _words_of(plan: Any, kind: str, private_words: set[str]) -> str:
    """The words that opened the plan's flags of ``kind``, joined by " / " (none private)."""
    return " / ".join(
        text
        for flag in plan.risk_flags
        if flag.kind == kind
        for text in flag.evidence
        if text not in private_words
    )


def _recorded_flags(flags: Any) -> dict[str, list[dict[str, str]]]:
    """The flags a review of the goal file could not otherwise see or date, each with the day it
    was raised (``opened``: the flag's own date, docs/safety.md, so a review never reads it as
    reopened), read back by ``review/_risk.py: recorded_flags_from_goal_file``:

    * ``x-private-flags``: private flags, kept open in neutral words (the file may be shared,
      R-SC20);
    * ``x-risk-flags``: a risk question never given (no answer in the file shows it), and words
      of suicide risk or of harm to others (the file holds the words, not the day they were
      given).
    """
    out: dict[str, list[dict[str, str]]] = {}
    private = [f for f in flags if f.private]
    if private:
        out["x-private-flags"] = [
            {"id": f.id, "kind": "private-safety", "opened": _opened(f)} for f in private
        ]
    dated = [f for f in flags if f.instrument is None and not f.private]
    if dated:
        out["x-risk-flags"] = [{"id": f.id, "kind": f.kind, "opened": _opened(f)} for f in dated]
    return out


def _opened(flag: Any) -> str:
    """The day a flag was raised, as the goal file records it (its latest signal's date)."""
    day: dt.date = flag.last_signal_on or flag.observed_on
    return day.isoformat()


def _dispositions(flags: Any) -> list[dict[str, Any]]:
    """The clinicians' dispositions the plan read, as goal-file records (a private flag's under
    its neutral signal, ``private-safety``, as ``x-private-flags`` names it). Two private flags'
    records of one day become one record of ``private-safety`` that day: the one that holds the
    most (:func:`_holds_more`), so that the file never has two records of one
    signal on one day (an input error, docs/safety.md). The review reads a ``private-safety``
    record for every private flag alike, so one is written only when every private flag has a
    record: else a private flag the plan has open would read as dispositioned by another's
    record, and the file keeps them all open (if in doubt, the flag stays open)."""
    out: list[dict[str, Any]] = []
    private = [flag for flag in flags if flag.private]
    shared = all(flag.disposition is not None for flag in private)
    for flag in flags:
        if flag.disposition is None or (flag.private and not shared):
            continue
        record = {k: v for k, v in flag.disposition.to_dict().items() if k != "json_path"}
        if flag.private:
            record["signal"] = "private-safety"
        same_day = next(
            (r for r in out if (r["signal"], r["date"]) == (record["signal"], record["date"])),
            None,
        )
        if same_day is None:
            out.append(record)
        elif _holds_more(record) < _holds_more(same_day):
            out[out.index(same_day)] = record
    return out


def _holds_more(record: dict[str, Any]) -> tuple[bool, str, str, str]:
    """Of two records of one day, the one kept sorts first: an urgent-care referral, then the
    sooner next review (never the order the records were listed in)."""
    urgent_first = record["outcome"] != URGENT_CARE_OUTCOME
    return (urgent_first, record["next_review"], record["outcome"], record["by"])


def render_goals(plan: Plan) -> str:
    """The plan's objectives as a YAML goal file that ``planengine validate`` accepts.

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "render_goals")
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    header = "# Goal file generated by planengine from a DRAFT plan; review with the patient before use.\n"
    return header + yaml.dump(
        plan_to_goal_document(plan), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100
    )


def render_markdown(plan: Plan) -> str:
    """The clinician's plan in Markdown (:mod:`planengine.render._clinician`).

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "render_markdown")
    from planengine.render._clinician import clinician_document
    from planengine.render._markdown import document_to_markdown

    return document_to_markdown(clinician_document(plan))


def render_html(plan: Plan) -> str:
    """The clinician's plan as one self-contained HTML page to read, print and sign.

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "render_html")
    from planengine.render._clinician import clinician_document
    from planengine.render._html import document_to_html

    return document_to_html(clinician_document(plan))


def render_patient(plan: Plan, settings: DocumentSettings | None = None) -> str:
    """The patient's copy in Markdown (:mod:`planengine.render._patient`).

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "render_patient")
    from planengine.render._markdown import document_to_markdown
    from planengine.render._patient import patient_document

    return document_to_markdown(patient_document(plan, settings or DocumentSettings()))


def render_patient_html(plan: Plan, settings: DocumentSettings | None = None) -> str:
    """The patient's copy as one self-contained HTML page to print and sign.

    :raises TypeError: when ``plan`` is not a :class:`planengine.Plan`.
    """
    _a_plan(plan, "render_patient_html")
    from planengine.render._html import document_to_html
    from planengine.render._patient import patient_document

    return document_to_html(patient_document(plan, settings or DocumentSettings()))


RENDERER_BY_NAME: dict[str, Callable[[Plan], str]] = {
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
    "patient": render_patient,
    "patient-html": render_patient_html,
    "goals": render_goals,
}
#: the formats that take the clinic's document settings (the patient's copy)
PATIENT_RENDERERS: dict[str, Callable[..., str]] = {
    "patient": render_patient,
    "patient-html": render_patient_html,
}
PATIENT_FORMATS = frozenset(PATIENT_RENDERERS)


def _waiting_goal(plan: Plan, objective: Objective) -> dict[str, Any]:
    """A goal file's ``x-waiting-goals`` entry of an objective that waits for its phase or is
    held: its first line is its trigger, ``starts_when`` (its phase's entry, in the plan's own
    words) for one that waits for its phase, and ``held`` for one held in ``now``; ``held``
    follows ``starts_when`` as a second condition when steps that serve it are held, and only
    then (a questionnaire target is not held by homework elsewhere: clinician read 23, M2)."""
    entry: dict[str, Any] = {"id": objective.id, "area": objective.area,
                             "phase": objective.phase or "now", "statement": objective.statement}
    if objective.starts_when:
        entry["starts_when"] = objective.starts_when
    until = held_objective_until(plan, objective.id, on_file=True)
    if until is None:  # none of its own steps is held (a plugin may mark it held regardless)
        if objective.held:
            entry["held"] = clinician_text("goal_file_held", until="a clinician reviews it")
    elif not objective.held:  # some of its steps wait for a hold, not all
        entry["held"] = clinician_text("goal_file_steps_held", until=until)
    elif any(note.startswith(LOG_HELD_NOTE) for note in objective.notes):
        entry["held"] = clinician_text("goal_file_log_held", until=until)
    else:
        entry["held"] = clinician_text("goal_file_held", until=until)
    return entry


def held_objective_until(
    plan: Plan, objective_id: str, *, on_file: bool = False
) -> str | None:
    """What a held objective waits for, as a clause after "until": the words of its own held
    steps' ``hold`` (:func:`held_until_words`, as their status lines say), each once, in plan
    order; never a generic "while a risk flag is on record", which never lifts (clinician read
    22, S1). ``None``: none of the steps that serve it is held (never the plan's other held
    steps: a goal is held by its own steps only, clinician read 23, M2). ``on_file``: for a goal
    file, read at a later review, where "today" names the plan's date."""
    own = [
        step
        for p in plan.problems
        for step in p.interventions
        if step.status == "held" and objective_id in step.objective_ids
    ]
    if not own:
        return None
    visit = plan.as_of if on_file else None
    words = dict.fromkeys(held_until_words(s.hold, s.hold_until, visit=visit) for s in own)
    named = [w for w in words if w is not None]
    # held by a plugin that did not say why: as its status line, "until a clinician reviews it"
    return ", and ".join(named) if named else "a clinician reviews it"
