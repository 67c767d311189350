"""The patient's copy: plain words, their own words first, what to do each week and when, who to
contact, the crisis lines, and a sign-off.

It shows no scores unless the clinic chooses to (:class:`DocumentSettings`), nothing a private
flag concerns, and no sentence that names a sensitive condition (stepped-care.md R-SC20): every
text of the plan passes :class:`_Filter` before it is shown. The clinician's own checks (a
sub-step that starts "Before starting, the clinician ...") stay in the clinician's plan.
"""

from __future__ import annotations

import re
from typing import Any

from planengine._model import Plan
from planengine.render._blocks import (
    Block,
    Callout,
    Document,
    Item,
    ItemList,
    Paragraph,
    Section,
    Signatures,
    Table,
)
from planengine.render._clinician import is_clinician_task, step_titles
from planengine.render._words import (
    DocumentSettings,
    clean,
    instrument_name,
    label,
    long_date,
    long_dates,
    one_line,
    patient_text,
    sensitive_pattern,
    sensitive_words,
    words_data,
)

__all__ = ["patient_document"]

_P = "patient"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'(])")
#: the safety step whose sub-steps are the sections of the written safety plan
_SAFETY_PLAN_STEP = "safety-plan"
_HOMEWORK = ("self-guided",)
#: the plan speaks of "the patient"; the patient's copy speaks to them
_YOU = {"the patient's": "your", "The patient's": "Your", "the patient": "you", "The patient": "You"}
_SECOND_PERSON = re.compile(r"\b[Tt]he patient(?:'s)?\b")


class _Filter:
    """Keeps what the patient may read: drops every sentence that names a sensitive condition,
    and writes dates in words."""

    def __init__(self, settings: DocumentSettings, titles: dict[str, str]) -> None:
        self.pattern = sensitive_pattern(sensitive_words(settings.sensitive_conditions))
        self.titles = titles

    def allows(self, text: str) -> bool:
        """True when ``text`` names no sensitive condition."""
        return not self.pattern.search(text)

    def __call__(self, text: str) -> str:
        """``text`` cleaned of internals, without its sentences that name a sensitive condition
        (empty when none is left)."""
        sentences = _SENTENCE.split(clean(text, self.titles))
        kept = long_dates(" ".join(s for s in sentences if self.allows(s)))
        return _SECOND_PERSON.sub(lambda m: _YOU[m.group(0)], kept)


def _is_clinicians_part(text: str) -> bool:
    lowered = one_line(text).lower()
    return any(lowered.startswith(m) for m in words_data()["patient"]["clinician_steps"])


def _crisis(plan: Plan) -> Section:
    resources = plan.crisis.for_crisis if plan.crisis is not None else ()
    blocks: list[Block]
    if resources:
        lines = tuple(Item(r.patient_line()) for r in resources)
        blocks = [Paragraph(patient_text("crisis_intro")), ItemList(lines)]
    else:
        blocks = [
            Paragraph(patient_text("crisis_none")),
            Table((patient_text("name_column"), patient_text("contacts_phone").rstrip(":")), (("", ""), ("", ""))),
            Paragraph(patient_text("crisis_emergency")),
        ]
    return Section(patient_text("crisis_heading"), tuple(blocks), kind="crisis")


def _safety(data: dict[str, Any], keep: _Filter) -> Section | None:
    flags = data["risk"]["flags"]
    if not flags:
        return None
    blocks: list[Block] = []
    safety = next((p for p in data["problems"] if p["area"] == "safety"), None)
    plan_step = next(
        (s for s in (safety or {}).get("interventions", ()) if s["id"] == _SAFETY_PLAN_STEP), None
    )
    if plan_step is not None and not all(f["private"] for f in flags):
        parts = tuple(Item(keep(part)) for part in plan_step.get("steps", ()) if keep(part))
        blocks += [Paragraph(patient_text("safety_plan_intro")), ItemList(parts, ordered=True)]
    else:
        blocks.append(Paragraph(patient_text("safety_talk")))
    return Section(patient_text("safety_heading"), tuple(blocks), kind="safety")


def _next_review(data: dict[str, Any]) -> str | None:
    """The earliest review date after the planning day, among the objectives of the problems
    with a step that starts now (a problem on active monitoring has its review now)."""
    dates = sorted(
        o["review_date"]
        for p in data["problems"]
        if any(s["phase"] == "now" for s in p["interventions"])
        for o in p["objectives"]
        if o["review_date"] > data["as_of"]
    )
    return dates[0] if dates else None


def _appointments(data: dict[str, Any]) -> Section:
    items = [Item(patient_text("next_today"))]
    review = _next_review(data)
    if review is not None:
        items.append(Item(patient_text("next_review", date=long_date(review))))
    return Section(patient_text("next_heading"), (ItemList(tuple(items)),), kind="appointments")


def _days(step: dict[str, Any]) -> tuple[str, ...]:
    frequency = step.get("frequency") or {}
    days: list[str] = words_data()["patient"]["days"]
    times = int(frequency.get("times", 0))
    if frequency.get("per") == "day":
        return tuple(days) if times == 1 else tuple(f"{d} ×{times}" for d in days)
    if frequency.get("per") == "week":
        chosen = words_data()["patient"]["days_for_times_a_week"].get(min(times, 7), [])
        return tuple(chosen)
    return ()


def _weeks(step: dict[str, Any]) -> str:
    start = (step.get("phasing") or {}).get("start_week") or 1
    weeks = step.get("course_weeks")
    if not weeks:
        return patient_text("from_week", week=start)
    end = start + weeks - 1
    return str(start) if end == start else f"{start} to {end}"


def _homework(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        s
        for p in problems
        if p["phase"] == "now"
        for s in p["interventions"]
        if s["phase"] == "now" and s["delivery"] in _HOMEWORK and s.get("frequency")
    ]


def _week(data: dict[str, Any], keep: _Filter) -> Section | None:
    """The weekly schedule of homework built from the doses, and how to do each task."""
    tasks = [s for s in _homework(data["problems"]) if keep.allows(s["title"] + s["description"])]
    if not tasks:
        return None
    days: list[str] = words_data()["patient"]["days"]
    header = (patient_text("task_column"), *days, patient_text("minutes_column"), patient_text("weeks_column"))
    rows = []
    for step in tasks:
        on = _days(step)
        marks = tuple(
            next((d.split(" ", 1)[1] if " " in d else "☐" for d in on if d.split(" ")[0] == day), "")
            for day in days
        )
        minutes = patient_text("minutes", minutes=step["duration_minutes"]) if step.get("duration_minutes") else ""
        rows.append((one_line(step["title"]), *marks, minutes, _weeks(step)))
    blocks: list[Block] = [Paragraph(patient_text("week_intro")), Table(header, tuple(rows))]
    if any(s["status"] == "held" for s in tasks):
        held = ", ".join(one_line(s["title"]) for s in tasks if s["status"] == "held")
        blocks.append(Callout(f"{patient_text('week_held')} ({held})"))
    how = []
    for step in tasks:
        parts = tuple(
            Item(keep(part)) for part in step.get("steps", ()) if not _is_clinicians_part(part) and keep(part)
        )
        how.append(Item(keep(step["description"]), lead=one_line(step["title"]) + ":", children=parts, ordered=True))
    blocks.append(Section(patient_text("how_heading"), (ItemList(tuple(how)),), level=3))
    return Section(patient_text("week_heading"), tuple(blocks), kind="week")


def _sessions(data: dict[str, Any], keep: _Filter) -> Section | None:
    """The sessions and referrals that start now, with who and how often."""
    items = []
    for problem in data["problems"]:
        if problem["phase"] != "now" or problem["area"] == "safety":
            continue
        for step in problem["interventions"]:
            if step["phase"] != "now" or step["delivery"] in _HOMEWORK:
                continue
            if (step.get("phasing") or {}).get("rule") == "stepped-care.R-SC5":
                continue  # kept for a step up, not started now
            if not keep.allows(step["title"]):
                continue
            text = label(_P, "delivery", step["delivery"])
            when = _when(step)
            items.append(Item(f"{text}{'; ' + when if when else ''}.", lead=one_line(step["title"]) + ":"))
    if not items:
        return None
    return Section(patient_text("sessions_heading"), (ItemList(tuple(items)),), kind="sessions")


def _when(step: dict[str, Any]) -> str:
    from planengine.render._words import dose

    amount = dose(step, _P)
    start = (step.get("phasing") or {}).get("start_week")
    return ", ".join(x for x in (amount, patient_text("from_week", week=start) if start else "") if x)


def _goals(data: dict[str, Any], keep: _Filter, settings: DocumentSettings) -> Section | None:
    items = []
    checks: dict[str, int] = {}
    for problem in data["problems"]:
        if problem["phase"] != "now" or problem["area"] == "safety":
            continue
        for objective in problem["objectives"]:
            instrument = objective["measure"].get("instrument")
            if instrument and not settings.patient_scores:
                checks.setdefault(instrument, objective["review_interval_days"])
                continue
            if is_clinician_task(objective) or not keep(objective["statement"]):
                continue
            items.append(Item(keep(objective["statement"])))
    blocks: list[Block] = []
    if items:
        blocks.append(ItemList(tuple(items)))
    for instrument, days in checks.items():
        blocks.append(Paragraph(patient_text("questionnaire", instrument=instrument_name(instrument), days=days)))
    if not blocks:
        return None
    return Section(patient_text("goals_plan_heading"), tuple(blocks), kind="goals")


def _later(data: dict[str, Any], keep: _Filter) -> Section | None:
    titles = [one_line(p["title"]) for p in data["problems"] if p["phase"] != "now" and keep.allows(p["title"])]
    if not titles:
        return None
    blocks = (Paragraph(patient_text("later_intro")), ItemList(tuple(Item(t) for t in titles)))
    return Section(patient_text("later_heading"), blocks, kind="later")


def patient_document(plan: Plan, settings: DocumentSettings) -> Document:
    """The patient's copy as a :class:`Document` (see the module docstring)."""
    data = plan.to_dict()
    keep = _Filter(settings, step_titles(data))
    private = {w for f in data["risk"]["flags"] if f["private"] for w in f["evidence"]}
    words = [g["text"] for g in data["patient_goals"] if g["text"] not in private and keep.allows(g["text"])]
    sections: list[Section | None] = [
        Section(patient_text("title"), (Callout(patient_text("draft")),), kind="status")
    ]
    if words:
        quoted = tuple(Item(f"“{one_line(w)}”") for w in words)
        sections.append(
            Section(patient_text("goals_heading"), (Paragraph(patient_text("goals_intro")), ItemList(quoted)), kind="words")
        )
    safety = _safety(data, keep)
    if safety is not None:  # with a flag, safety and help come before anything else
        sections += [safety, _crisis(plan)]
    sections += [_appointments(data), _goals(data, keep, settings), _week(data, keep), _sessions(data, keep), _later(data, keep)]
    contacts = Table(
        (patient_text("contacts_clinician").rstrip(":"), patient_text("contacts_phone").rstrip(":")), (("", ""),)
    )
    sections.append(Section(patient_text("contacts_heading"), (contacts,), kind="contacts"))
    if safety is None and plan.crisis is not None and plan.crisis.for_crisis:
        sections.append(_crisis(plan))
    sign = Signatures(
        ("", patient_text("name_column"), patient_text("signature_column"), patient_text("date_column")),
        (patient_text("role_patient"), patient_text("role_clinician")),
    )
    sections.append(
        Section(patient_text("signoff_heading"), (Paragraph(patient_text("signoff_intro")), sign), kind="signatures")
    )
    patient = f" ({one_line(data['patient']['id'])})" if data.get("patient") else ""
    return Document(
        title=patient_text("title") + patient,
        audience="patient",
        subtitle=f"{long_date(data['as_of'])}. {patient_text('draft')}",
        sections=tuple(s for s in sections if s is not None)[1:],
    )
