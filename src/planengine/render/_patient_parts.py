"""Parts of the patient's copy: keeping safe, the help box and crisis lines, the warning about
drinking, the weekly schedule with its rules box, and the other things talked about.

Every text of the plan reaches the patient through the copy's filter (``keep``: drops sentences
naming a sensitive condition, puts clinical phrases plainly, speaks to "you"); the fixed
sentences come from ``data/documents.yaml``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from planengine._model import Plan
from planengine.io._disposition import URGENT_CARE_OUTCOME
from planengine.plan._next_steps import SCREEN_FOLLOW_UP
from planengine.plan._risk_flags import SUICIDE_KINDS
from planengine.plan._safety_goals import SAFETY_PLAN_OUTCOMES
from planengine.plan._safety_today import met_later
from planengine.render._blocks import Block, Callout, Item, ItemList, Paragraph, Section, Table
from planengine.render._patient_words import (
    alone_version,
    hidden,
    is_rule,
    measured_meanwhile,
    merged_description,
    merged_into,
    plain_title,
    private_pattern_words,
    safety_plan_part,
    withdrawal_warning,
)
from planengine.render._words import (
    clinician_text,
    dose,
    instrument_area,
    instrument_name,
    one_line,
    patient_text,
    revisit,
    words_data,
)

__all__ = [
    "clinician_held_text",
    "drinking_warning",
    "held_key",
    "help_section",
    "homework",
    "later_section",
    "monitoring_sections",
    "plan_hold",
    "safety_section",
    "screened_today",
    "step_held_key",
    "waiting_on_copy",
    "week_section",
]

Keep = Callable[[str], str]
#: the safety step whose sub-steps are the sections of the written safety plan
_SAFETY_PLAN_STEP = "safety-plan"
_HOMEWORK = ("self-guided",)
#: the field a safety-plan part names in the plan (``(warning_signs)``) and what follows it
_PART_FIELD = re.compile(r"\(([a-z]+(?:_[a-z]+)+)\)\s*(?:;\s*(.*))?$")


def _is_clinicians_part(text: str) -> bool:
    lowered = one_line(text).lower()
    return any(lowered.startswith(m) for m in words_data()["patient"]["clinician_steps"])


def risk_asked_today(data: dict[str, Any]) -> bool:
    """Whether the suicide-risk question is asked at this visit before the safety plan and the
    step of care are decided (an item left blank or an old endorsement; not current words or a
    current endorsement, whose safety plan is written today): read 8 N3, read 9 S4."""
    flags = data["risk"]["flags"]
    if any(f["private"] for f in flags) or not any(f["kind"] in SUICIDE_KINDS for f in flags):
        return False
    safety = next((p for p in data["problems"] if p["area"] == "safety"), None)
    return any(
        o["id"] == "safety-plan-completed" and o.get("condition")
        for o in (safety or {}).get("objectives", ())
    )


def urgent_referral(data: dict[str, Any]) -> str | None:
    """The day (ISO) of the earliest current disposition that refers the patient for urgent
    care, or ``None`` (clinician read 19, M1), as the plan's referral step dates it
    (:func:`~planengine.plan._safety_today.referred_for_urgent_care`)."""
    return min(
        (
            f["disposition"]["date"]
            for f in data["risk"]["flags"]
            if f.get("status") == "dispositioned"
            and (f.get("disposition") or {}).get("outcome") == URGENT_CARE_OUTCOME
        ),
        default=None,
    )


def step_held_key(step: dict[str, Any], key: str, audience: str = "patient") -> str:
    """The words key for a held ``step``, read from what it waits for (its ``hold``, never its
    notes): ``key`` with the suffix ``documents.yaml`` gives that reason (``_urgent`` for the
    urgent service, ...), or ``key`` when there is none or the ``audience``'s words have no
    such variant (clinician read 20, S1, S2: every held step reads as held, and says what it
    waits for)."""
    suffix = words_data()["patient"]["hold"].get(str(step.get("hold")), "")
    return f"{key}{suffix}" if f"{key}{suffix}" in words_data()[audience]["text"] else key


def plan_hold(data: dict[str, Any]) -> str | None:
    """What the plan's held steps wait for, read from their ``hold`` (never re-derived from the
    flags): the safety rules' reason (one per plan) when they held any step, else a strategy's
    ``contraindication``, else ``None`` (nothing held, or held by a plugin that did not say)."""
    holds = [
        step.get("hold")
        for problem in data["problems"]
        for step in problem["interventions"]
        if step.get("status") == "held"
    ]
    safety = [h for h in holds if h not in (None, "contraindication")]
    return safety[0] if safety else "contraindication" if "contraindication" in holds else None


def held_key(data: dict[str, Any], key: str) -> str:
    """The patient's words key for a held goal or week: :func:`step_held_key` for the plan's
    hold (:func:`plan_hold`): ``key`` + ``_urgent`` while the urgent service is awaited after a
    referral for urgent care (clinician read 19, M1), ``key`` + ``_today`` until the risk
    question is asked today (read 17, S1), ``key`` + ``_assessment`` until today's assessment
    is recorded (read 18, N1), else ``key`` ("when your clinician says so")."""
    return step_held_key({"hold": plan_hold(data)}, key)


def clinician_held_text(data: dict[str, Any], key: str, **values: Any) -> str:
    """The clinician's words ``key`` (``objective_held``, ``minutes_held``) for what is held,
    with ``{until}`` worded from the plan's hold (:func:`plan_hold`) through the one table of
    those words (documents.yaml ``clinician.hold``): the held steps' notes and status say the
    same."""
    hold = plan_hold(data) or "risk-review"
    until = words_data()["clinician"]["hold"][hold]
    if hold == "contraindication":  # one criterion the strategies' rules name: it (read 22, S1)
        named = {
            step.get("hold_until")
            for problem in data["problems"]
            for step in problem["interventions"]
            if step.get("status") == "held"
        }
        if len(named) == 1 and None not in named:
            until = str(named.pop())
    return clinician_text(step_held_key({"hold": hold}, key, "clinician"), until=until, **values)


def safety_section(data: dict[str, Any], keep: Keep) -> Section | None:
    """"Keeping safe": the parts of the safety plan written today, in plain second person; with
    a private flag only that the clinician will talk with the patient today; and, when the
    safety plan depends on what is asked today, that the clinician will ask (read 8, N3), or,
    once the answer is recorded, that they asked and will ask again (read 20)."""
    flags = data["risk"]["flags"]
    if not flags:
        return None
    blocks: list[Block] = []
    safety = next((p for p in data["problems"] if p["area"] == "safety"), None)
    plan_step = next(
        (s for s in (safety or {}).get("interventions", ()) if s["id"] == _SAFETY_PLAN_STEP), None
    )
    condition = next(  # the safety plan only if what is asked today calls for one
        (
            o.get("condition")
            for o in (safety or {}).get("objectives", ())
            if o["id"] == "safety-plan-completed"
        ),
        None,
    )
    conditional = bool(condition)
    if any(f["private"] for f in flags):
        blocks.append(Paragraph(patient_text("safety_talk_private")))
    elif conditional:
        suicide = [f for f in flags if f["kind"] in SUICIDE_KINDS]
        asked = met_later(condition)  # asked, "no" recorded: as the plan says it (read 20)
        key = "safety_asked" if asked else "safety_ask_today" if suicide else "safety_talk"
        blocks.append(Paragraph(patient_text(key)))
    elif plan_step is not None:
        parts = tuple(Item(p) for p in (_safety_part(raw, keep) for raw in plan_step.get("steps", ())) if p)
        intro = "safety_plan_review_intro" if _safety_plan_in_place(flags) else "safety_plan_intro"
        blocks += [Paragraph(patient_text(intro)), ItemList(parts, ordered=True)]
    else:
        blocks.append(Paragraph(patient_text("safety_talk")))
    return Section(patient_text("safety_heading"), tuple(blocks), kind="safety")


def _safety_plan_in_place(flags: list[dict[str, Any]]) -> bool:
    """Whether every suicide-risk flag has a current record and one records a safety plan in
    place (or updated): the copy then says the safety plan is gone over today, not written
    (attack s30, 7; :func:`planengine.plan._safety_goals.safety_plan_on_record`)."""
    suicide = [f for f in flags if f["kind"] in SUICIDE_KINDS]
    return bool(suicide) and all(f.get("status") == "dispositioned" for f in suicide) and any(
        (f.get("disposition") or {}).get("outcome") in SAFETY_PLAN_OUTCOMES for f in suicide
    )


def _safety_part(raw: str, keep: Keep) -> str:
    """One part of the safety plan: its plain heading by the field the plan names, with what the
    plan adds to it (``include drinking as a warning sign``); otherwise the plan's words."""
    match = _PART_FIELD.search(one_line(raw))
    plain = safety_plan_part(match.group(1)) if match else None
    if match is None or plain is None:
        return keep(raw)
    extra = keep(match.group(2) or "")
    return f"{plain}; {extra}" if extra else plain


def help_section(plan: Plan, *, flagged: bool, private: bool = False) -> Section:
    """"If you need help now": a short help box on every copy, with the clinic's crisis lines;
    with an open flag and no lines configured, a box the clinician must fill in before the copy
    goes home. With a private flag (possible abuse: others may read the copy at home), the box is
    for general crisis numbers only, and the patient may leave the copy at the clinic."""
    resources = plan.crisis.for_crisis if plan.crisis is not None else ()
    blocks: list[Block] = []
    if resources:
        blocks += [
            Callout(f"{patient_text('help_box')} {patient_text('help_emergency')}"),
            Paragraph(patient_text("crisis_intro")),
            ItemList(tuple(Item(r.patient_line()) for r in resources)),
        ]
    elif flagged:
        blank = (patient_text("name_column"), patient_text("contacts_phone").rstrip(":"))
        blocks += [
            Callout(f"{patient_text('help_box_none')} {patient_text('help_emergency')}"),
            Callout(
                patient_text("crisis_must_write_done"),
                lead=patient_text("crisis_must_write_private" if private else "crisis_must_write"),
            ),
            Table(blank, (("", ""), ("", ""), ("", ""))),
        ]
    else:
        blocks.append(Callout(f"{patient_text('help_box_none')} {patient_text('help_emergency')}"))
    if private:
        blocks.append(Paragraph(patient_text("keep_at_clinic")))
    return Section(patient_text("crisis_heading"), tuple(blocks), kind="crisis")


def drinking_warning(data: dict[str, Any], allows: Callable[[str], bool]) -> Section | None:
    """The plan's own warning not to stop drinking suddenly, in plain words, when alcohol is a
    problem in the plan and there is a sign of daily drinking or dependence (read 9, S7)."""
    text = withdrawal_warning(data)
    if text is None or not allows(text):
        return None
    return Section(patient_text("drinking_heading"), (Callout(text),), kind="warning")


def homework(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The self-help that starts now, whatever the phase of its problem (a problem that waits
    may still have a habit to start now)."""
    return [
        s
        for p in data["problems"]
        for s in p["interventions"]
        if s["phase"] == "now" and s["delivery"] in _HOMEWORK and s.get("frequency") and not hidden(s["id"])
    ]


def _days(step: dict[str, Any]) -> tuple[str, ...]:
    frequency = step.get("frequency") or {}
    days: list[str] = words_data()["patient"]["days"]
    times = int(frequency.get("times", 0))
    if frequency.get("per") == "day":
        return tuple(days) if times == 1 else tuple(f"{d} ×{times}" for d in days)
    if frequency.get("per") == "week":
        return tuple(words_data()["patient"]["days_for_times_a_week"].get(min(times, 7), []))
    return ()


def _span(step: dict[str, Any]) -> tuple[int, int | None]:
    start = int((step.get("phasing") or {}).get("start_week") or 1)
    weeks = step.get("course_weeks")
    return start, (start + int(weeks) - 1 if weeks else None)


def _weeks(step: dict[str, Any], joined: tuple[dict[str, Any], ...] = ()) -> str:
    """The weeks a row runs: ``2 to 9``, ``from week 3``; a row with a task joined to it runs
    from the first of their starts to the last of their ends."""
    spans = [_span(s) for s in (step, *joined)]
    start = min(a for a, _ in spans)
    end = None if any(b is None for _, b in spans) else max(b for _, b in spans if b is not None)
    if end is None:
        return patient_text("from_week", week=start)
    return str(start) if end == start else f"{start} to {end}"


def _minutes_a_day(step: dict[str, Any]) -> float:
    frequency = step.get("frequency") or {}
    times = int(frequency.get("times", 0))
    per_week = times * 7 if frequency.get("per") == "day" else times
    return per_week * int(step.get("duration_minutes") or 0) / 7


def daily_minutes(rows: list[dict[str, Any]]) -> int:
    """About how many minutes a day the rows take in their busiest week, rounded up to 5."""
    if not rows:
        return 0
    last = max((_span(s)[1] or _span(s)[0]) for s in rows)
    busiest = max(
        sum(_minutes_a_day(s) for s in rows if _span(s)[0] <= week and (_span(s)[1] or week) >= week)
        for week in range(1, last + 1)
    )
    return int(5 * math.ceil(busiest / 5)) if busiest else 0


def _daily_total(data: dict[str, Any], rows: list[dict[str, Any]]) -> int:
    """The copy's "about N minutes a day": the plan's own count of the self-help that starts now
    (its burden, the count the plan at a glance prints: clinician read 11, S5), a day, rounded
    up to 5; from the rows only for a plan without one."""
    burden = data.get("burden")
    if not burden:
        return daily_minutes(rows)
    weekly = int(burden["now"]["homework_minutes_per_week"])
    return int(5 * math.ceil(weekly / 7 / 5))


def schedule_rows(tasks: list[dict[str, Any]]) -> tuple[list[tuple[dict[str, Any], str]], list[dict[str, Any]]]:
    """The rows of the weekly schedule, each with its title (a merged row says what it now
    includes), and the steps shown as rules instead."""
    ids = {s["id"] for s in tasks}
    titles: dict[str, str] = {}
    for step in tasks:
        merged = merged_into(step["id"])
        if merged is not None and merged[0] in ids:
            titles[merged[0]] = merged[1]
    rows = [
        (s, titles.get(s["id"], plain_title(s["title"])))
        for s in tasks
        if not is_rule(s["id"]) and not _joins(s, ids)
    ]
    return rows, [s for s in tasks if is_rule(s["id"])]


def _target(step: dict[str, Any]) -> str:
    merged = merged_into(step["id"])
    return merged[0] if merged is not None else ""


def _marks(step: dict[str, Any], joined: tuple[dict[str, Any], ...], days: list[str]) -> tuple[str, ...]:
    """A tick box on each day the row's task (or a task joined to it) falls on."""
    marks = []
    for day in days:
        mark = ""
        for one in (step, *joined):
            for on in _days(one):
                if on.split(" ")[0] == day:
                    mark = mark or (on.split(" ", 1)[1] if " " in on else "☐")
        marks.append(mark)
    return tuple(marks)


def _minutes(step: dict[str, Any], joined: tuple[dict[str, Any], ...]) -> str:
    """The row's minutes: ``5 min``, or ``5 min + 1 min`` with a task joined to it."""
    return " + ".join(
        patient_text("minutes", minutes=s["duration_minutes"]) for s in (step, *joined) if s.get("duration_minutes")
    )


def _joins(step: dict[str, Any], ids: set[str]) -> bool:
    merged = merged_into(step["id"])
    return merged is not None and merged[0] in ids


#: how a contraindication's caution note starts (``Caution (cardiac-condition): ...``)
_CAUTION = "Caution ("


def _how(step: dict[str, Any], title: str, keep: Keep, joined: tuple[dict[str, Any], ...] = ()) -> Item:
    """How to do one task: its description and sub-steps (the clinician's own checks left out),
    then the description of each task whose row joined it. A caution for the patient's
    condition rewrites the sub-steps in the patient's words (``patient_steps``); one without
    patient wording asks the patient to go through it with the clinician, as the clinician's
    reason is not for the copy (read 9, M1)."""
    written = step.get("patient_steps") or step.get("steps", ())
    parts = [Item(keep(part)) for part in written if not _is_clinicians_part(part) and keep(part)]
    if not step.get("patient_steps") and any(note.startswith(_CAUTION) for note in step.get("notes", ())):
        parts.append(Item(patient_text("caution_to_discuss")))
    for other in joined:
        amount = dose(other, "patient")
        lead = plain_title(other["title"]) + (f" ({amount})" if amount else "") + ":"
        own = merged_description(other["id"])
        parts.append(_how(other if own is None else {**other, "description": own}, lead[:-1], keep))
    return Item(keep(step["description"]), lead=title + ":", children=tuple(parts), ordered=True)


def _rules_box(
    data: dict[str, Any], rules: list[dict[str, Any]], keep: Keep, allows: Callable[[str], bool]
) -> Section:
    """The rules to follow, the heading saying when they start (the earliest start week; held:
    once the clinician has gone through them), a later-starting rule saying its own week; and,
    with a sleep course also on the copy, that the course takes over from these rules."""
    first = min(_span(s)[0] for s in rules)
    held = next((s for s in rules if s["status"] == "held"), None)
    if first > 1:
        key = step_held_key(held, "rules_heading_from_held") if held else "rules_heading_from"
        heading = patient_text(key, week=first)
    else:
        heading = patient_text(step_held_key(held, "rules_heading_held") if held else "rules_heading")
    items = []
    for step in rules:
        start = _span(step)[0]
        title = plain_title(step["title"])
        if start > first:
            title += f" ({patient_text('from_week', week=start)})"
        items.append(_how(step, title, keep))
    blocks: list[Block] = [Paragraph(patient_text("rules_intro")), ItemList(tuple(items))]
    if _sleep_course_follows(data, rules, allows):
        blocks.append(Paragraph(patient_text("sleep_handover")))
    return Section(heading, tuple(blocks), level=3, kind="rules")


def _sleep_course_follows(data: dict[str, Any], rules: list[dict[str, Any]], allows: Callable[[str], bool]) -> bool:
    """True when bed rules and the sleep course that takes them over are both on the copy."""
    handover = words_data()["patient"].get("sleep_handover") or {}
    if not {s["id"] for s in rules} & set(handover.get("rules") or ()):
        return False
    return any(
        s["id"] == handover.get("course") and s["phase"] == "now" and allows(s["title"])
        for p in data["problems"]
        for s in p["interventions"]
    )


def week_section(data: dict[str, Any], keep: Keep, allows: Callable[[str], bool]) -> Section | None:
    """The weekly schedule of homework built from the doses (a diary kept once, rules in a box
    of their own), the daily total, and how to do each task."""
    tasks = [alone_version(s, data["problems"]) for s in homework(data) if allows(s["title"] + s["description"])]
    if not tasks:
        return None
    rows, rules = schedule_rows(tasks)
    blocks: list[Block] = []
    if rows:
        days: list[str] = words_data()["patient"]["days"]
        header = (patient_text("task_column"), *days, patient_text("minutes_column"), patient_text("weeks_column"))
        table = []
        ids = {s["id"] for s in tasks}
        joined = {
            step["id"]: tuple(o for o in tasks if _joins(o, ids) and _target(o) == step["id"])
            for step, _ in rows
        }
        for step, title in rows:
            table.append((title, *_marks(step, joined[step["id"]], days), _minutes(step, joined[step["id"]]), _weeks(step, joined[step["id"]])))
        blocks += [Paragraph(patient_text("week_intro")), Table(header, tuple(table))]
        total = _daily_total(data, [s for s in tasks if not is_rule(s["id"])])
        if total:
            blocks.append(Paragraph(patient_text("daily_total", minutes=total)))
    held = "; ".join(plain_title(s["title"]) for s in tasks if s["status"] == "held" and not is_rule(s["id"]))
    if held:  # rules say when they start in their own heading
        key = held_key(data, "week_held")
        blocks.append(Callout(f"{patient_text(key)} ({held})"))
    if rules:
        blocks.append(_rules_box(data, rules, keep, allows))
    if rows:
        how = tuple(_how(s, title, keep, joined[s["id"]]) for s, title in rows)
        blocks.append(Section(patient_text("how_heading"), (ItemList(how),), level=3))
    return Section(patient_text("week_heading"), tuple(blocks), kind="week")


def _monitored(problem: dict[str, Any]) -> dict[str, Any] | None:
    """The active-monitoring check of a problem that waits, when it starts now."""
    checks: dict[str, str] = words_data()["patient"].get("monitoring_steps") or {}
    return next(
        (s for s in problem["interventions"] if s["phase"] == "now" and s["id"] in checks and s.get("course_weeks")),
        None,
    )


def waiting_on_copy(data: dict[str, Any], allows: Callable[[str], bool], *, private: bool) -> list[dict[str, Any]]:
    """The problems that wait (``next`` or ``later``) the copy may name: not those a private flag
    concerns."""
    hide = private_pattern_words()
    return [
        p for p in data["problems"]
        if p["phase"] != "now" and allows(p["title"]) and not (private and hide.search(p["title"]))
    ]  # fmt: skip


def monitoring_sections(data: dict[str, Any], allows: Callable[[str], bool], *, private: bool) -> list[Section]:
    """Each problem on active monitoring under a heading of its own: "Your sleep: start with
    these habits; we check in 4 weeks" (the check's weeks; the habits when self-help of the
    problem starts now), and never again under the other things talked about."""
    checks: dict[str, str] = words_data()["patient"].get("monitoring_steps") or {}
    started = {s["id"]: _span(s)[0] for s in homework(data)}
    sections = []
    for problem in waiting_on_copy(data, allows, private=private):
        check = _monitored(problem)
        if check is None:
            continue
        area, weeks = checks[check["id"]], check["course_weeks"]
        habits = [started[s["id"]] for s in problem["interventions"] if s["id"] in started]
        # the heading the habits are under: the rules box when all are rules (read 8, S7)
        under = patient_text(
            "rules_heading"
            if all(is_rule(s["id"]) for s in problem["interventions"] if s["id"] in started)
            else "week_heading"
        )
        rows = _joined_rows(problem, started)
        if rows:  # the habit is part of another area's row: name the row (read 9, S7)
            heading = patient_text("monitoring_heading_later_habits", area=area, weeks=weeks)
            body = Paragraph(patient_text("monitoring_habits_joined", rows="”, “".join(rows), heading=under))
        elif habits and min(habits) == 1:
            heading = patient_text("monitoring_heading", area=area, weeks=weeks)
            body = Paragraph(patient_text("monitoring_habits", heading=under))
        elif habits:
            heading = patient_text("monitoring_heading_later_habits", area=area, weeks=weeks)
            body = Paragraph(patient_text("monitoring_habits_from", heading=under, week=min(habits)))
        else:
            heading = patient_text("monitoring_heading_no_habits", area=area, weeks=weeks)
            measure = measured_meanwhile(problem)
            body = Paragraph(
                patient_text("check_again", area=area, weeks=weeks)
                if measure is None
                else patient_text(
                    "check_again_measured", area=area, weeks=weeks,
                    instrument=instrument_name(measure[0]),
                )
            )  # fmt: skip
        sections.append(Section(heading, (body,), kind="monitoring"))
    return sections


def _joined_rows(problem: dict[str, Any], started: dict[str, int]) -> list[str]:
    """The titles of the rows the problem's started habits are part of, when every one of them
    joined a row of another step (the mood chart is part of the sleep diary's row); else none."""
    joined = [merged_into(s["id"]) for s in problem["interventions"] if s["id"] in started]
    if not joined or any(j is None or j[0] not in started for j in joined):
        return []
    return sorted({j[1] for j in joined if j is not None})


def later_section(data: dict[str, Any], allows: Callable[[str], bool], *, private: bool) -> Section | None:
    """The other things talked about: the problems that wait (not those on active monitoring,
    which have their own heading) and when they are looked at again."""
    # a problem a positive screen points to is decided once today's questionnaire is scored
    # (the copy's sessions say so), not at a later review (read 10, S1)
    waiting = [
        p for p in waiting_on_copy(data, allows, private=private)
        if _monitored(p) is None and not screened_today(p)
    ]  # fmt: skip
    if not waiting:
        return None
    # the plan's own revisit review, as a date (clinician read 23, S4)
    when = revisit(data)
    if private:
        intro = (
            patient_text("later_intro_private", date=when[1]) if when else patient_text("later_intro_private_any")
        )
    else:
        intro = patient_text("later_intro", date=when[1]) if when else patient_text("later_intro_any")
    blocks: list[Block] = [Paragraph(intro)]
    if not private:  # with a private flag, no problem is named on a copy that may be found at home
        blocks.append(ItemList(tuple(Item(_later_item(p)) for p in waiting)))
    later_homework = {s["id"] for p in waiting for s in p["interventions"]} & {s["id"] for s in homework(data)}
    if later_homework:
        blocks.append(Paragraph(patient_text("meanwhile")))
    return Section(patient_text("later_heading"), tuple(blocks), kind="later")


def _later_item(problem: dict[str, Any]) -> str:
    """A problem that waits, by title, and the questionnaire it is still measured with, if any
    ("Depression (we keep checking it with the PHQ-9; ...)")."""
    measure = measured_meanwhile(problem)
    if measure is None:
        return one_line(problem["title"])
    return patient_text(
        "later_measured", problem=one_line(problem["title"]), instrument=instrument_name(measure[0])
    )


def screened_today(problem: dict[str, Any]) -> bool:
    """True for a problem whose own questionnaire is given at this visit: the full one a positive
    screen points to (a step of it made by the screen follow-up that starts now), or one a task
    at this visit gives (the ISI when none is on file; clinician read 12, S3). A questionnaire
    of another area (``administers``: the PHQ-9 given under an anxiety or trauma problem) is
    about that area, not this problem."""
    today = {o["id"] for o in problem["objectives"] if o.get("at_this_visit")}
    for step in problem["interventions"]:
        source = (step.get("provenance") or {}).get("source")
        given = step.get("administers")
        if (
            step["phase"] == "now"
            and (source == SCREEN_FOLLOW_UP or not today.isdisjoint(step.get("objectives", ())))
            and (given is None or instrument_area(given) == problem["area"])
        ):
            return True
    return False
