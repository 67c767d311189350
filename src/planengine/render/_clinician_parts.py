"""Parts of the clinician's plan: the plan at a glance, one step, a problem's options, the
heading of a problem, and the appendix on how the plan was made."""

from __future__ import annotations

import re
from typing import Any

from planengine._references import cited_ids, full_references, references
from planengine.plan._next_steps import QUESTIONNAIRE_TODAY
from planengine.plan._safety_on_record import FLAG_REVIEW_ID
from planengine.plan._safety_today import met_later
from planengine.plan.stepped_care._records import NO_MEASURE
from planengine.render._blocks import Block, Item, ItemList, Paragraph, Section, Table
from planengine.render._patient_parts import clinician_held_text
from planengine.render._words import (
    band_title,
    clean,
    clinician_text,
    dose,
    instrument_name,
    label,
    long_date,
    long_dates,
    one_line,
    status_label,
)

__all__ = [
    "appendix",
    "conditional_due",
    "contacts_text",
    "done_at_this_visit",
    "glance",
    "is_clinician_task",
    "options",
    "options_budget",
    "order_line",
    "phase_line",
    "primary_starts_now",
    "problem_heading",
    "reviewed_on_its_due_date",
    "step_item",
    "step_when",
    "steps_now",
]

_C = "clinician"
#: the rule that keeps a course back for non-response: a step up, not a queue or monitoring
_STEP_UP_RULE = "stepped-care.R-SC5"


def is_clinician_task(objective: dict[str, Any]) -> bool:
    """An objective that is the clinician's to do (a follow-up assessment or referral a finding
    asks for, a questionnaire given at this visit, whoever proposed it), not the patient's."""
    return bool(objective.get("at_this_visit")) or str(objective["provenance"]["source"]) in (
        "rule:findings.next-step",
        *QUESTIONNAIRE_TODAY,
    )


def done_at_this_visit(objective: dict[str, Any]) -> bool:
    """An objective due on the day it starts (a questionnaire or an assessment at this visit),
    which is done once: it is checked at the next review, not "reviewed every 7 days"
    (clinician read 16, S4: a task done today with a recurring review reads as unfinished; any
    repeat of its questionnaire is in its measure). Whoever words it: the withdrawal-risk
    assessment "with the clinician at this visit" is the patient's (clinician read 23)."""
    return not objective.get("condition") and objective.get("start_date") == objective["due_date"]


def reviewed_on_its_due_date(objective: dict[str, Any]) -> bool:
    """An objective whose first review is its due date: it is due then, not "reviewed every 4
    days" (clinician read 23: the interval was only the days from the plan to the due date)."""
    return bool(objective.get("review_date") == objective["due_date"])


def steps_now(problem: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a problem that start now; of a problem that waits, the part of its care that
    does not (an assessment at this visit, a rule to follow)."""
    return [step for step in problem["interventions"] if step["phase"] == "now"]


def phase_line(problem: dict[str, Any], titles: dict[str, str]) -> Paragraph:
    """A problem's phase with its reason, what starts it and what is measured meanwhile. A
    problem that waits but some of whose steps start now says which, and which wait, first:
    read alone, the line must not read as if nothing starts now (clinician read 14, S2). A
    "Meanwhile" the entry already names is not said twice, and none is said for a problem no
    questionnaire measures (clinician read 15, S4: "progress on its objectives" says nothing)."""
    phasing = problem.get("phasing") or {}
    phase = label(_C, "phase", problem["phase"])
    entry = clean(phasing.get("entry", ""), titles)
    parts = [clean(phasing.get("reason", ""), titles), entry]
    review = clean(phasing.get("review", ""), titles)
    if review and review != NO_MEASURE and review not in entry:
        parts.append(f"Meanwhile: {review}.")
    now = steps_now(problem) if problem["phase"] != "now" else []
    if not now:
        return Paragraph(" ".join(p for p in parts if p), lead=f"Phase: {phase}.")
    named = [
        one_line(step["title"]) + (f" ({status_label(step).lower()})" if step["status"] == "held" else "")
        for step in now
    ]
    waiting = [one_line(s["title"]) for s in problem["interventions"] if s["phase"] != "now"]
    said = [f"Now: {'; '.join(named)}."]
    if waiting:
        said.append(f"Waiting: {'; '.join(waiting)}.")
    count = f"{len(now)} of its steps start" if len(now) > 1 else "1 of its steps starts"
    return Paragraph(" ".join(p for p in (*said, *parts) if p), lead=f"Phase: {phase}; {count} now.")


def _why_here(problem: dict[str, Any], primary_now: bool) -> str:
    """Why a problem sits where it does: its rank's reason, unless that reason does not explain
    its phase. A problem that waits under another phasing rule than its rank's (a "treated
    alongside" problem kept for a review) gives that rule's reason; one ranked after a primary
    problem that does not start now (active monitoring) gives its own gate, as its details do
    (clinician reads 8-10)."""
    ordering = problem.get("ordering") or {}
    phasing = problem.get("phasing") or {}
    reason = str(ordering.get("reason", ""))
    if problem["phase"] == "now" or not phasing or ordering.get("primary"):
        return reason
    if phasing.get("rule") != ordering.get("rule") and phasing.get("reason"):
        return str(phasing["reason"])
    if not primary_now and phasing.get("entry"):
        return str(phasing["entry"])
    return reason


def primary_starts_now(data: dict[str, Any]) -> bool:
    """Whether the problem treated first starts now (or no problem is ranked first): not one
    on active monitoring, which the problems ranked after it do not wait for."""
    problems = data["problems"]
    return any(
        (p.get("ordering") or {}).get("primary") and p["phase"] == "now" for p in problems
    ) or not any((p.get("ordering") or {}).get("primary") for p in problems)


def treated_first(problem: dict[str, Any]) -> bool:
    """The problem ranked first that starts now ("treated first"; not one on active
    monitoring)."""
    return bool((problem.get("ordering") or {}).get("primary")) and problem["phase"] == "now"


def order_line(problem: dict[str, Any], primary_now: bool) -> str | None:
    """The appendix's "Order" line of a problem, from the same facts as its row at a glance
    (clinician read 11): its rank's reason only where the row gives that reason (otherwise the
    row gives the phase's own reason, which the appendix's phase line says), and "Treated
    first" only where the row says so; ``None`` when there is nothing the phase line lacks."""
    ordering = problem.get("ordering") or {}
    reason = ordering.get("reason")
    if not reason or reason == (problem.get("phasing") or {}).get("reason"):
        return None
    if _why_here(problem, primary_now) != reason:
        return None
    return str(reason) + (" Treated first." if treated_first(problem) else "")


def glance(data: dict[str, Any], titles: dict[str, str]) -> Section:
    """The order of the problems, their phases and why, and what each phase asks each week."""
    rows = []
    primary_now = primary_starts_now(data)
    for number, problem in enumerate(data["problems"], start=1):
        primary = " (treated first)" if treated_first(problem) else ""
        rows.append(
            (
                str(number),
                long_dates(one_line(problem["title"])) + primary,
                label(_C, "phase", problem["phase"]),
                clean(_why_here(problem, primary_now), titles),
            )
        )
    blocks: list[Block] = [Table(("#", "Problem", "Phase", "Why here"), tuple(rows))]
    burden = data.get("burden")
    if burden:
        limits = burden["limits"]
        courses = limits["max_courses_now"]
        text = clinician_text(
            "limits",
            courses=f"{courses} course{'s' if courses != 1 else ''}",
            modules=limits["max_self_guided_modules"],
            minutes=limits["homework_minutes_per_week"],
        )
        blocks.append(Paragraph(text, lead="Limits:"))
        budget = int(limits["homework_minutes_per_week"])
        today = _safety_today(data)
        review = _dated_flag_review(data)
        loads = tuple(
            (
                label(_C, "phase", phase),
                _phase_courses(phase, int(burden[phase]["courses"]), courses),
                _phase_contacts(
                    float(burden[phase]["clinician_contacts_per_week"]),
                    today and phase == "now",
                    float(burden[phase].get("referred_contacts_per_week", 0)),
                    review if phase == "now" else None,
                ),
                _row_minutes(data, phase, budget),
            )
            for phase in ("now", "next", "later")
        )
        header = ("Phase", "Courses", "Clinician contacts", "Self-help minutes in its busiest week")
        blocks.append(Table(header, loads))
        at_once = (
            clinician_text("glance_courses_one")
            if courses == 1
            else clinician_text("glance_courses_many", n=courses)
        )
        blocks.append(Paragraph(clinician_text("glance_note", courses=at_once)))
    return Section("The plan at a glance", tuple(blocks), kind="glance")


def _phase_courses(phase: str, count: int, at_once: int) -> str:
    """A phase's courses; those of a phase after ``now`` beyond the course limit queue, and the
    row says so (clinician read 11, S1: "Later | 4" read as four courses at once)."""
    if phase == "now" or count <= at_once:
        return str(count)
    return clinician_text("courses_queued", n=count, at_once=at_once)


def _safety_today(data: dict[str, Any]) -> bool:
    """Whether a safety task is done with the patient at this visit (due on the plan's date)."""
    return any(
        objective["due_date"] == data.get("as_of")
        for problem in data["problems"]
        if problem["area"] == "safety" and problem["phase"] == "now"
        for objective in problem["objectives"]
    )


def _dated_flag_review(data: dict[str, Any]) -> dict[str, str] | None:
    """The flag review the clinician dated after this visit, as the contacts row counts it
    ("1 by 18 December 2026 (private flag review)", clinician read 22, S3: a review with no
    contact behind it in the row): its ``date`` and ``review`` words; ``None``: there is none."""
    private = {f["id"] for f in data["risk"]["flags"] if f.get("private")}
    for problem in data["problems"]:
        for objective in problem["objectives"] if problem["area"] == "safety" else ():
            if objective["id"] == FLAG_REVIEW_ID and objective["due_date"] > data["as_of"]:
                kind = "private" if set(objective["addresses"]) <= private else "plain"
                return {
                    "date": long_date(objective["due_date"]),
                    "review": label(_C, "flag_review", kind),
                }
    return None


def _phase_contacts(
    per_week: float, safety_today: bool, referred: float = 0, review: dict[str, str] | None = None
) -> str:
    """A phase's contacts; a safety assessment at this visit is one contact today, named where
    the weekly count (below one a week) would not show it (clinician read 10: "none" beside a
    private safety assessment today). Sessions at a service the patient is referred to are
    told apart from the appointments with this plan's clinician (clinician read 12, S2: "2 a
    week" read as a review on top of the check-ins)."""
    text = contacts_text(per_week)
    if 0 < referred < per_week:  # both kinds: say how many are here and how many referred
        text = clinician_text(
            "contacts_split", total=text, here=_share(per_week - referred), referred=_share(referred)
        )
    if not safety_today or per_week >= 1:
        return text
    if per_week <= 0:
        return clinician_text("contacts_today")
    if review is not None:  # the dated flag review before the next monthly contact
        return clinician_text("contacts_today_review_then", rest=text, **review)
    return clinician_text("contacts_today_then", rest=text)


def _share(per_week: float) -> str:
    """Part of a phase's weekly contacts as a bare count, its period given by the total beside
    it (clinician read 13, S3): ``1``, ``about 2``, ``1 to 2``, ``up to 1`` (below one a
    week)."""
    if per_week < 1:
        return clinician_text("contacts_share_under_one")
    low = int(per_week)
    if 0.25 <= per_week - low <= 0.75:
        return f"{low} to {low + 1}"
    whole = round(per_week)
    return str(whole) if per_week == whole else f"about {whole}"


def contacts_text(per_week: float) -> str:
    """Clinician contacts a week in whole, plain numbers: ``1 a week``, ``about 2 a week``,
    ``1 to 2 a week`` (half way between: a weekly course and a review every two weeks),
    ``about 3 a month`` (fewer than one a week), ``none``."""
    if per_week <= 0:
        return clinician_text("contacts_none")
    if per_week >= 1:
        low = int(per_week)
        if 0.25 <= per_week - low <= 0.75:
            return clinician_text("contacts_between_week", low=low, high=low + 1)
        whole = round(per_week)
        key = "contacts_week" if per_week == whole else "contacts_about_week"
        return clinician_text(key, n=whole)
    return clinician_text("contacts_about_month", n=max(1, round(per_week * 52 / 12)))


def _row_minutes(data: dict[str, Any], phase: str, budget: int) -> str:
    """A phase's row of self-help minutes; while a safety hold keeps some of what starts now
    back, what starts today, then what the patient carries once the hold ends, worded as the
    held objectives are (clinician read 18, S2(b))."""
    load = data["burden"][phase]
    minutes = int(load["homework_minutes_per_week"])
    if phase != "now" or load.get("homework_minutes_while_held") is None:
        return _phase_minutes(phase, minutes, budget)
    now = int(load["homework_minutes_while_held"])
    return clinician_held_text(data, "minutes_held", now=now, all=minutes)


def _phase_minutes(phase: str, minutes: int, budget: int) -> str:
    """A phase's self-help minutes: a week's load for the phase that starts now; for what waits,
    what may start at reviews (never read as one week's plan above the budget)."""
    if phase == "now" or (phase == "next" and minutes <= budget):
        return str(minutes)
    if minutes == 0:
        return "0"
    if minutes <= budget:
        return clinician_text("minutes_at_review")
    return clinician_text("minutes_up_to", minutes=minutes)


def step_when(step: dict[str, Any], titles: dict[str, str], urgent: bool = False) -> str:
    """When a step starts: its phase (or a step up), its first week, and its entry criterion;
    ``urgent``: a referral for urgent care is recorded, so a course that starts now says its
    contact continues and its content is agreed again with the urgent service (clinician read
    20, S1)."""
    phasing = step.get("phasing") or {}
    when = "Step up" if phasing.get("rule") == _STEP_UP_RULE else label(_C, "phase", step["phase"])
    if urgent and _agreed_again(step):
        when = label(_C, "phase", "now_urgent")
    if phasing.get("start_week"):
        when += f", from week {phasing['start_week']}"
    if step["phase"] != "now" and phasing.get("entry"):
        when += f": {clean(phasing['entry'], titles)}"
    return when


def _agreed_again(step: dict[str, Any]) -> bool:
    """A course of sessions that starts now and is not held (a high-intensity, clinician-led
    step outside the safety problem): after a referral for urgent care its contact continues,
    and its content is agreed again with the urgent service."""
    return (
        step["phase"] == "now"
        and step["status"] != "held"
        and step.get("intensity") == "high"
        and step["delivery"] == "clinician-led"
        and step["area"] != "safety"
    )


def step_item(step: dict[str, Any], titles: dict[str, str], urgent: bool = False) -> Item:
    """One step: what it is, who delivers it, the dose, when (``urgent``: :func:`step_when`),
    its status, the sub-steps, the cautions in words and why."""
    children = [
        Item(label(_C, "delivery", step["delivery"]), lead="Who:"),
        Item(label(_C, "category", step["category"]), lead="Kind:"),
    ]
    amount = dose(step, _C)
    if amount:
        children.append(Item(amount, lead="Dose:"))
    children.append(Item(step_when(step, titles, urgent), lead="When:"))
    if step["status"] != "active" or step["phase"] == "now":  # "active" only for what starts now
        children.append(Item(status_label(step), lead="Status:"))
    if step.get("steps"):
        parts = tuple(Item(clean(part, titles)) for part in step["steps"])
        children.append(Item("", lead="Step by step:", children=parts, ordered=True))
    for note in step.get("notes", ()):
        children.append(Item(clean(note, titles), lead="Caution:"))
    if step.get("rationale"):
        children.append(Item(clean(step["rationale"], titles), lead="Why:"))
    return Item(clean(step["description"], titles), lead=one_line(step["title"]) + ":", children=tuple(children))


def options_budget(data: dict[str, Any], problem: dict[str, Any]) -> dict[str, int]:
    """What :func:`options` weighs an option's self-help against: the weekly budget, the
    self-help that starts now, and whether the problem starts now."""
    burden = data.get("burden") or {}
    if not burden:
        return {}
    return {
        "limit": int(burden["limits"]["homework_minutes_per_week"]),
        "now": int(burden["now"]["homework_minutes_per_week"]),
        "problem_now": int(problem["phase"] == "now"),
    }


def _option_minutes(option: dict[str, Any], choice: dict[str, Any], budget: dict[str, int]) -> str:
    """An option's weekly self-help; above the weekly budget, what happens instead: it starts in
    parts (alone above the budget), or it replaces the option the plan follows (above the
    budget beside the rest of the plan's self-help now)."""
    minutes = int(option["homework_minutes_per_week"])
    text = f"self-help {minutes} min a week"
    limit = budget.get("limit")
    if not limit:
        return text
    if minutes > limit:
        return f"{text}: {clinician_text('option_in_parts', budget=limit)}"
    chosen = next((o for o in choice["options"] if o["id"] == choice["chosen"]), None)
    if chosen is None or chosen is option:
        return text
    others = budget.get("now", 0) - int(chosen["homework_minutes_per_week"])
    if budget.get("problem_now") and others + minutes > limit:
        return f"{text}: {clinician_text('option_replaces', chosen=one_line(chosen['title']))}"
    return text


def options(
    choice: dict[str, Any],
    titles: dict[str, str],
    level: int = 3,
    *,
    details_in: str = "",
    budget: dict[str, int] | None = None,
) -> Section:
    """A problem's treatment options, the one the plan follows marked, with the reason; with
    ``details_in`` (the short form) one line each, and what each involves is there."""
    how = "the option chosen" if choice["chosen_by"] == "input" else "the default option"
    budget = budget or {}
    items = []
    for option in choice["options"]:
        mark = " (the plan follows this)" if option["id"] == choice["chosen"] else ""
        details = [label(_C, "delivery", option["delivery"])]
        if option["sessions"]:
            details.append(one_line(option["sessions"]))
        if option["delivery"] != "referral":  # a referral shows its own contacts, not the
            # self-help that goes with every option (clinician read 10, S5)
            details.append(_option_minutes(option, choice, budget))
        lead = f"{one_line(option['title'])}{mark}:"
        text = (
            "; ".join(details) + "."
            if details_in
            else f"{clean(option['involves'], titles)} ({'; '.join(details)})"
        )
        items.append(Item(text, lead=lead))
    reason = (
        Paragraph(f"The plan follows {how}; what each involves is in {details_in}.")
        if details_in
        else Paragraph(clean(choice["reason"], titles), lead=f"The plan follows {how}.")
    )
    blocks = (reason, ItemList(tuple(items)))
    return Section("Options to discuss with the patient", blocks, level=level, kind="options")


def problem_heading(
    number: int,
    problem: dict[str, Any],
    findings: dict[str, dict[str, Any]],
    scores: dict[str, dict[str, Any]],
) -> str:
    """``1. Depression (moderate)``: the band of its severity finding in words, or, when that
    questionnaire has unanswered items and no total, the totals still possible."""
    graded = [
        findings[ref]
        for ref in problem["evidence"]
        if ref in findings and findings[ref]["kind"] == "severity" and findings[ref]["severity"]
    ]
    title = f"{number}. {long_dates(one_line(problem['title']))}"
    if not graded:
        return title
    top = next((f for f in graded if f["severity"] == problem["severity"]), graded[0])
    row = scores.get(top["instrument"] or "")
    if row is not None and row["total"] is None and row.get("total_range"):
        low, high = row["total_range"]
        missing = row["missing_items"]
        items = f"item {missing[0]}" if len(missing) == 1 else "items " + ", ".join(map(str, missing))
        return f"{title} ({instrument_name(row['instrument'])} total {low} to {high}: {items} unanswered)"
    return f"{title} ({band_title(top['instrument'] or '', top['severity'])})"


#: a note for planengine's own content review, not for a clinician reading a plan
_REVIEW_NOTE = re.compile(r"\s*\(Not in the clinical brief's reference list: verify before release\.\)")
_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9.-]*):\s")
_DIGITS = re.compile(r"(\d+)")


def _references(data: dict[str, Any], rules: list[tuple[str, str]]) -> list[str]:
    """The references the plan's objectives and steps cite, once each, in full: an id of the
    shipped bibliography, cited by planengine itself or one of its own plugins, prints its entry
    as a plan lists it (and, for a design note or rule, what it rests on: clinical sources only,
    never regulatory or payer context or a secondary copy's address; clinician read 11, S3);
    another plugin's reference prints as the plugin wrote it (the fuller one when two
    strategies cite the same tag in different words)."""
    by_tag: dict[str, str] = {}
    shipped = [key for _, rule in rules for key in cited_ids(rule)]  # stepped-care.R-SCn
    ours = {  # planengine's own plugins cite the shipped bibliography; another's ids are its own
        p["name"] for p in data["generated_by"]["plugins"] if p.get("distribution") == "planengine"
    }
    for problem in data["problems"]:
        for part in (*problem["objectives"], *problem["interventions"]):
            source = part.get("provenance", {}).get("source", "")
            plugin = source.removeprefix("plugin:").split("@")[0] if source.startswith("plugin:") else None
            for citation in part.get("citations", ()):
                text = _REVIEW_NOTE.sub("", one_line(citation))
                match = _TAG.match(text)
                key = match.group(1) if match else text
                if key in references() and (plugin is None or plugin in ours):
                    shipped.append(key)
                elif len(text) > len(by_tag.get(key, "")):
                    by_tag[key] = text
    lines = {*by_tag.values(), *full_references(shipped, in_plan=True)}
    return sorted(lines, key=lambda line: [int(t) if t.isdigit() else t for t in _DIGITS.split(line)])


def appendix(data: dict[str, Any], extra: tuple[Block, ...] = ()) -> Section:
    """How the plan was made: the input hash and versions, the rules behind each decision, the
    assembly events and the references."""
    made = data["generated_by"]
    blocks: list[Block] = [
        Paragraph(f"planengine {made['version']}; input SHA-256 {made['input_sha256']}."),
        Table(
            ("Kind", "Name", "Version"),
            tuple((p["kind"], p["name"], p["version"]) for p in made["plugins"]),
        ),
    ]
    rules: list[tuple[str, str]] = [(f["id"], f["provenance"]["source"]) for f in data["risk"]["flags"]]
    for problem in data["problems"]:
        if problem.get("ordering"):
            rules.append((f"{problem['title']}: order", problem["ordering"]["rule"]))
        if problem.get("phasing"):
            rules.append((f"{problem['title']}: phase", problem["phasing"]["rule"]))
        for step in problem["interventions"]:
            source = step["provenance"]["source"]
            strategy = step["provenance"].get("strategy")
            rules.append((f"{step['title']} ({step['id']})", f"{source}, {strategy}" if strategy else source))
    rules += [(f"Left out: {e['title']} ({e['id']})", f"{e['rule']}, {e['proposed_by']}") for e in data["excluded"]]
    blocks.append(Section("Rules and sources", (Table(("Item", "Rule or source"), tuple(rules)),), level=3))
    blocks += extra
    if data["notices"]:
        events = tuple(Item(one_line(n["message"]), lead=f"{n['code']}:") for n in data["notices"])
        blocks.append(Section("Notices", (ItemList(events),), level=3))
    cited = _references(data, rules)
    if cited:
        blocks.append(Section("References", (ItemList(tuple(Item(r) for r in cited)),), level=3))
    return Section("How this plan was made", tuple(blocks), kind="appendix")


def conditional_due(objective: dict[str, Any]) -> tuple[str, str]:
    """A conditional objective's condition and when it is due once that is met: its date, or,
    for a condition that can only be met after this visit, each objective's own wait (clinician
    read 20, S5: never a date that will have passed): the safety plan the same day as the
    condition; the follow-up contact "if a safety plan is made", within 72 hours of it (review
    s30, 4; clinician read 21, S5: its own condition, not the safety plan's again)."""
    condition = objective["condition"]
    if met_later(condition):
        if objective["id"] == "safety-follow-up-contact":
            return clinician_text("follow_up_condition"), clinician_text("due_after_safety_plan")
        return condition, clinician_text("due_same_day")
    return condition, long_date(objective["due_date"])
