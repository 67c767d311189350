"""The clinician's plan: everything needed to deliver it, in clinical language.

Risk first, then the scores, the patient's words, what to check before signing, the plan at a
glance (order, phases, weekly load), each problem with its objectives (measures, GAS levels,
cautions), its steps (how-to, sub-steps, dose, who delivers it, when) and its options, what was
left out and why, and the sign-off. Rule ids, plugin names and versions and the assembly events
go to the appendix, "How this plan was made", with the input hash; nothing internal in the body.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from planengine._model import Plan
from planengine.plan._crisis import (
    CRISIS_HEADING,
    RULE_NO_ABUSE_RESOURCES,
    RULE_NO_RESOURCES,
)
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
from planengine.render._clinician_parts import (
    appendix,
    conditional_due,
    done_at_this_visit,
    glance,
    is_clinician_task,
    options,
    options_budget,
    order_line,
    phase_line,
    primary_starts_now,
    problem_heading,
    reviewed_on_its_due_date,
    step_item,
)
from planengine.render._clinician_summary import DETAILS, now_problem, waiting_problems
from planengine.render._patient_parts import urgent_referral
from planengine.render._words import (
    band_title,
    clean,
    clinician_text,
    cutoff_meaning,
    instrument_name,
    label,
    long_date,
    one_line,
    words_data,
)

__all__ = ["clinician_document", "is_clinician_task", "measure_text"]

_C = "clinician"
#: the id of the rule that left an item out, written before its reason (``trauma-signs: ...``)
_RULE_LEAD = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+: ")


def _risk(plan: Plan, data: dict[str, Any]) -> Section:
    blocks: list[Block] = [Paragraph(one_line(data["risk"]["statement"]))]
    flags = data["risk"]["flags"]
    blocks += _copy_notes(plan, flags)
    if flags:
        items = []
        for flag in flags:  # in queue order; no low/medium/high label of risk (R-SC22)
            text = clean(flag["message"])
            if flag["private"]:
                text += " Private: it is never printed on the patient's copy."
            items.append(Item(text, lead=_flag_lead(flag)))
        blocks.append(ItemList(tuple(items), ordered=True))
    crisis = _crisis(plan, open_flag=bool(flags), abuse=any(f["private"] for f in flags))
    if crisis is not None:
        blocks.append(crisis)
    return Section("Risk and safety", tuple(blocks), kind="safety")


def _flag_lead(flag: dict[str, Any]) -> str:
    """A flag's heading: its kind, or, for a risk question unanswered or never given that a
    clinician has since asked (a current record), what was done, never "risk unknown" beside
    the record (clinician read 23, M1)."""
    record = flag.get("disposition")
    if flag["kind"] == "risk-unknown" and flag["status"] == "dispositioned" and record:
        day = long_date(dt.date.fromisoformat(record["date"]))
        return str(words_data()[_C]["flag_asked"]).format(by=record["by"], day=day)
    return label(_C, "flag_kind", flag["kind"]) + ":"


def _copy_notes(plan: Plan, flags: list[dict[str, Any]]) -> list[Block]:
    """What the clinician must do before the patient's copy goes home: write in the crisis
    numbers when none are configured, and with a private flag, hand it over only when safe."""
    notes: list[Block] = []
    resources = plan.crisis.for_crisis if plan.crisis is not None else ()
    if flags and not resources:
        notes.append(Callout(_COPY_NEEDS_NUMBERS, lead="The patient copy needs crisis numbers written in."))
    if any(f["private"] for f in flags):
        notes.append(Callout(_COPY_PRIVATE, lead="Before the patient's copy goes home:"))
    return notes


_COPY_NEEDS_NUMBERS = (
    "None are configured, so the copy has a box for them: write the local crisis numbers in, "
    "and tick it, before the patient takes the copy home."
)
_COPY_PRIVATE = (
    "Give the patient's copy only once the private assessment confirms it is safe to take home; "
    "offer to keep it at the clinic."
)


def _crisis(plan: Plan, *, open_flag: bool, abuse: bool) -> Section | None:
    """The crisis lines the patient is given; with none configured and an open flag, a loud
    note; the domestic-abuse services, for the clinician to give privately."""
    resources = plan.crisis.for_crisis if plan.crisis is not None else ()
    if not resources and not open_flag:
        return None
    blocks: list[Block] = []
    if resources:
        blocks.append(ItemList(tuple(_resource(r) for r in resources)))
    else:
        blocks.append(Callout(clinician_text("no_crisis_numbers"), lead="No crisis line set up."))
    if abuse:
        services = plan.crisis.for_abuse if plan.crisis is not None else ()
        blocks.append(
            Paragraph(
                "For the clinician to give privately, in the one-to-one safety assessment "
                "(never on a copy the patient takes home):"
            )
        )
        if services:
            blocks.append(ItemList(tuple(_resource(r) for r in services)))
        else:
            blocks.append(Callout(clinician_text("no_abuse_service"), lead="No abuse service set up."))
    return Section(CRISIS_HEADING, tuple(blocks), level=3, kind="crisis")


def _resource(resource: Any) -> Item:
    text = resource.patient_line()
    if not resource.confirmed:
        text += " (For the clinician: not confirmed by its source; check it before giving it.)"
    return Item(text)


def _meaning(instrument: str, cutoff: str, full: bool, condition: str | None = None) -> str:
    """What a cut-off met means; in the body without its test statistics, and nothing for a
    cut-off that matters only to service reporting (``documents.yaml``); with ``condition``, a
    documented condition its guidance excludes, what applies instead."""
    if full:
        return cutoff_meaning(instrument, cutoff, condition)
    if cutoff in words_data()["clinician"].get("cutoffs_in_appendix_only", ()):
        return ""
    return _STATISTICS.sub("", cutoff_meaning(instrument, cutoff, condition))


#: a parenthesis giving a test's sensitivity and specificity
_STATISTICS = re.compile(r"\s*\([^()]*\bsensitivity\b[^()]*\)")


def _scores(data: dict[str, Any], full: bool = False) -> Section | None:
    """The scores table: the body's, or with ``full`` the appendix's, whose meanings keep their
    test statistics."""
    if not data["scores"]:
        return None
    rows = []
    for row in data["scores"]:
        notes = []
        if not row["complete"]:
            notes.append("missing items " + ", ".join(str(i) for i in row["missing_items"]))
        notes.extend(f"{k} {v}" for k, v in row["derived"].items())
        excluded = row.get("cutoffs_not_applicable") or {}
        notes.extend(
            m for m in (_meaning(row["instrument"], c, full, excluded.get(c)) for c in row["cutoffs_met"]) if m
        )
        if row.get("stale"):
            notes.append("stale: measure again before relying on it")
        total = "not scored" if row["total"] is None else str(row["total"])
        if row["total"] is None and row.get("total_range"):
            total = "not scored ({} to {})".format(*row["total_range"])
        if row.get("prorated"):
            total += " (prorated)"
        rows.append(
            (
                instrument_name(row["instrument"]),
                long_date(row["date"]),
                total,
                band_title(row["instrument"], row["band"]),
                "; ".join(notes),
            )
        )
    header = ("Questionnaire", "Date", "Total", "Band", "What it means")
    if full:
        return Section("Scores with each cut-off in full", (Table(header, tuple(rows)),), level=3)
    return Section("Scores", (Table(header, tuple(rows)),), kind="scores")


def _patient_words(plan: Plan, data: dict[str, Any]) -> Section | None:
    if not data["patient_goals"]:
        return None
    from planengine._vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    items = []
    for goal in data["patient_goals"]:
        areas = ", ".join(vocabulary.area_title(a) for a in goal["linked_areas"])
        items.append(Item(f"“{one_line(goal['text'])}” ({areas or 'not linked to a problem yet'})"))
    return Section("In the patient's words", (ItemList(tuple(items)),), kind="words")


#: notices whose message names a setting: in the body, a plain sentence; the message itself,
#: with the setting, stays in the notices of "How this plan was made" (clinician read 23, S7)
_PLAIN_NOTICES = {
    RULE_NO_RESOURCES: lambda: clinician_text("no_crisis_numbers"),
    RULE_NO_ABUSE_RESOURCES: lambda: clinician_text("no_abuse_service"),
}


def _points_to_check(data: dict[str, Any], titles: dict[str, str]) -> Section | None:
    """Notices a clinician acts on (safety, planning); assembly events go to the appendix."""
    items = [
        Item(_PLAIN_NOTICES[n["code"]]() if n["code"] in _PLAIN_NOTICES else clean(n["message"], titles))
        for n in data["notices"]
        if not n["code"].startswith("assembly.")
    ]
    if not items:
        return None
    return Section("Points to check before signing", (ItemList(tuple(items)),), kind="check")


def measure_text(objective: dict[str, Any], audience: str = _C) -> str:
    """The measure in words: what, from what baseline to what target, how, and when."""
    measure = objective["measure"]
    what = instrument_name(measure["instrument"]) if measure.get("instrument") else measure["metric"]
    baseline = measure["baseline"]
    if baseline.get("pending"):
        start = f"baseline {baseline['pending']}"
        if objective.get("phase", "now") != "now":  # no record before its steps start (read 16, S3)
            start += ", once its steps start"
        elif baseline.get("by"):
            start += f" by {long_date(baseline['by'])}"
    else:
        start = f"from {baseline['value']}"
    target = measure["target"]
    goal = f"{label(audience, 'comparator', target['comparator'])} {target['value']} {measure['unit']}"
    unit = measure["unit"]
    if target["value"] == 1 and target["comparator"] == ">=" and unit.endswith("s"):
        goal = f"1 {unit[:-1]}"  # "1 contact", "1 assessment" (clinician reads 23 and 24)
    return f"{what}: {start}, to {goal}; {measure['method']}."


def _objective(objective: dict[str, Any], titles: dict[str, str]) -> Item:
    interval = objective["review_interval_days"]
    when = (
        f"Due {long_date(objective['due_date'])}; review every {interval} days "
        f"(first {long_date(objective['review_date'])})."
    )
    if interval == 1:  # a safety task: done by its date and checked each day until it is
        when = f"Due {long_date(objective['due_date'])}; checked each day until it is done."
    elif done_at_this_visit(objective):  # done once, today
        when = f"Due {long_date(objective['due_date'])} (at this visit); checked at the next review."
    elif reviewed_on_its_due_date(objective):  # no cadence before it is due (clinician read 23)
        when = f"Due {long_date(objective['due_date'])}."
    if objective.get("phase", "now") != "now":  # its steps wait: no calendar date yet (read 10, S5)
        when = f"Once its steps start; review every {interval} days from then."
    if objective.get("condition"):  # a goal only if the condition is met (docs/safety.md)
        condition, due = conditional_due(objective)
        when = (
            f"Only {condition}: then due {due}. Until "
            "then it is not a goal: a goal file lists it as waiting, and a review does not call it "
            "overdue."
        )
    children = [Item(measure_text(objective), lead="Measure:"), Item(when, lead="When:")]
    if objective.get("patient_words"):
        children.append(Item(f"“{one_line(objective['patient_words'])}”", lead="Patient's words:"))
    levels = (objective.get("gas") or {}).get("levels") or {}
    if levels:
        gas = tuple(
            Item(one_line(levels[key]), lead=label(_C, "gas", key) + ":")
            for key in ("-2", "-1", "0", "1", "2")
            if key in levels
        )
        children.append(Item("", lead="Goal attainment levels:", children=gas))
    for note in objective.get("notes", ()):
        children.append(Item(clean(note, titles), lead="Note:"))
    if objective.get("rationale"):
        children.append(Item(clean(objective["rationale"], titles), lead="Why:"))
    return Item("", lead=one_line(objective["statement"]), children=tuple(children))


def _problem(number: int, problem: dict[str, Any], context: dict[str, Any], level: int = 2) -> Section:
    """One problem in full (the appendix): phase, order, evidence, goal, objectives, clinician
    tasks, steps and options; ``level`` is its heading's."""
    titles = context["titles"]
    blocks: list[Block] = []
    blocks.append(phase_line(problem, titles))
    order = order_line(problem, primary_starts_now(context["data"]))
    if order:
        blocks.append(Paragraph(clean(order, titles), lead="Order:"))
    evidence = [
        Item(one_line(context["findings"][ref]["summary"]), lead="Evidence:")
        for ref in problem["evidence"]
        if ref in context["findings"]
    ]
    evidence += [Item(f"“{one_line(w)}”", lead="Patient's words:") for w in problem["patient_words"]]
    if evidence:
        blocks.append(ItemList(tuple(evidence)))
    if problem["long_term_goal"]:
        blocks.append(Paragraph(one_line(problem["long_term_goal"]), lead="Long-term goal:"))
    goals = [o for o in problem["objectives"] if not is_clinician_task(o)]
    tasks = [o for o in problem["objectives"] if is_clinician_task(o)]
    if goals:
        items = tuple(_objective(o, titles) for o in goals)
        blocks.append(Section("Objectives", (ItemList(items, ordered=True),), level=level + 1))
    if tasks:
        items = tuple(_objective(o, titles) for o in tasks)
        blocks.append(Section("Clinician tasks", (ItemList(items, ordered=True),), level=level + 1))
    if not problem["objectives"] and not problem["interventions"] and context["serving"](problem):
        blocks.append(
            Paragraph(
                f"Its objectives and steps are the same as those under {context['serving'](problem)}, "
                "and are listed there once."
            )
        )
    if problem["interventions"]:
        urgent = urgent_referral(context["data"]) is not None  # read 20, S1
        steps = tuple(step_item(step, titles, urgent) for step in problem["interventions"])
        blocks.append(Section("Steps", (ItemList(steps, ordered=True),), level=level + 1))
    if problem["id"] in context["choices"]:
        budget = options_budget(context["data"], problem)
        blocks.append(options(context["choices"][problem["id"]], titles, level=level + 1, budget=budget))
    heading = problem_heading(number, problem, context["findings"], context["scores"])
    return Section(heading, tuple(blocks), level=level, kind="problem")


def _left_out(data: dict[str, Any], titles: dict[str, str]) -> Section | None:
    """What was left out, each entry with the problem it was left out of; an entry whose step
    the plan keeps under another problem says where (it is not left out of the plan)."""
    if not data["excluded"]:
        return None
    from planengine._vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    problems = {p["area"]: one_line(p["title"]) for p in data["problems"]}
    kept: dict[str, list[str]] = {}
    for problem in data["problems"]:
        for step in problem["interventions"]:
            kept.setdefault(one_line(step["title"]), []).append(one_line(problem["title"]))
    items = []
    for item in data["excluded"]:
        where = problems.get(item["area"]) or vocabulary.area_title(item["area"])
        title = one_line(item["title"])
        elsewhere = [t for t in kept.get(title, ()) if t != where]
        text = _RULE_LEAD.sub("", clean(item["reason"], titles))
        if elsewhere:
            text = text.rstrip(".") + f". It is kept under {' and '.join(elsewhere)}."
        items.append(Item(text, lead=f"Left out from {where}: {title}:"))
    return Section("Left out, and why", (ItemList(tuple(items)),), kind="left-out")


def _serving(problems: list[dict[str, Any]]) -> Any:
    def serving(problem: dict[str, Any]) -> str:
        evidence = set(problem["evidence"])
        return " and ".join(
            other["title"]
            for other in problems
            if other is not problem
            and any(evidence.intersection(o.get("addresses", ())) for o in other["objectives"])
        )

    return serving


def step_titles(data: dict[str, Any]) -> dict[str, str]:
    """Every step, objective and left-out item id of the plan -> its title or statement."""
    titles = {e["id"]: one_line(e["title"]) for e in data["excluded"]}
    for problem in data["problems"]:
        titles.update({o["id"]: one_line(o["statement"]) for o in problem["objectives"]})
        titles.update({s["id"]: one_line(s["title"]) for s in problem["interventions"]})
    return titles


def _sign_off(data: dict[str, Any]) -> Section:
    """The sign-off block; the signature covers the signing pages, the appendices are reference."""
    text = clinician_text("sign_off")
    if data["problems"]:
        text += " " + clinician_text("sign_off_scope", details=DETAILS)
    signatures = Signatures(("Role", "Name", "Signature", "Date"), ("Clinician", "Patient"))
    return Section("Sign-off", (Paragraph(text), signatures), kind="signatures")


def _details(data: dict[str, Any], context: dict[str, Any]) -> Section | None:
    """Appendix A: every problem in full, now or waiting."""
    if not data["problems"]:
        return None
    details = tuple(_problem(n, p, context, level=3) for n, p in enumerate(data["problems"], start=1))
    intro = Paragraph(
        "Each problem in full: its phase and order, evidence, long-term goal, objectives with "
        "their Goal Attainment Scaling levels, each step with its sub-steps, cautions and why, "
        "and the options."
    )
    return Section(f"{DETAILS}. Each problem in full", (intro, *details), kind="appendix")


def clinician_document(plan: Plan) -> Document:
    """The clinician's plan as a :class:`Document` (see the module docstring)."""
    data = plan.to_dict()
    titles = step_titles(data)
    patient = f" for {one_line(data['patient']['id'])}" if data.get("patient") else ""
    status = Section(
        "Status: draft",
        (
            Callout(one_line(data["sign_off"]["note"]), lead="Draft until a clinician signs it."),
            Paragraph(f"Prepared as of {long_date(data['as_of'])}."),
        ),
        kind="status",
    )
    sections: list[Section | None] = [
        status,
        _risk(plan, data),
        _scores(data),
        _patient_words(plan, data),
        _points_to_check(data, titles),
    ]
    if data["problems"]:
        sections.append(glance(data, titles))
    else:
        nothing = [n for n in data["notices"] if n["code"] == "plan.nothing-above-threshold"]
        text = (
            nothing[0]["message"]
            if nothing
            else "No problems are listed; see the notices (points to check, and the appendix) for why."
        )
        sections.append(Section("Problems", (Paragraph(clean(text, titles)),), kind="problem"))
    context = {
        "data": data,
        "titles": titles,
        "findings": {f["id"]: f for f in data["findings"]},
        "scores": {row["instrument"]: row for row in data["scores"]},
        "choices": {c["problem"]: c for c in data["choices"]},
        "serving": _serving(data["problems"]),
    }
    for number, problem in enumerate(data["problems"], start=1):
        if problem["phase"] == "now":
            sections.append(now_problem(number, problem, context))
    sections.append(waiting_problems(data, titles))
    sections += [_sign_off(data), _details(data, context)]
    sections.append(_left_out(data, titles))
    full_scores = _scores(data, full=True)
    sections.append(appendix(data, () if full_scores is None else (full_scores,)))
    return Document(
        title=f"Treatment plan{patient} — DRAFT",
        audience="clinician",
        sections=tuple(s for s in sections if s is not None),
    )
