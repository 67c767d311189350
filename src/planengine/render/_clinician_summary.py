"""The short form of the clinician's plan, the part read before signing: for each problem that
starts now, its objectives and one line per step (who, dose, when) and per option; the problems
that wait in one table (what starts them, what is measured meanwhile). The full detail of every
problem is in the appendix (:mod:`._clinician`)."""

from __future__ import annotations

from typing import Any

from planengine.plan._risk_item_task import each_contact_flag
from planengine.render._blocks import Block, Item, ItemList, Paragraph, Section, Table
from planengine.render._clinician_parts import (
    conditional_due,
    done_at_this_visit,
    is_clinician_task,
    options,
    options_budget,
    problem_heading,
    reviewed_on_its_due_date,
    step_when,
    steps_now,
)
from planengine.render._patient_parts import clinician_held_text, urgent_referral
from planengine.render._words import (
    clean,
    clinician_text,
    dose,
    hosts_running,
    label,
    long_date,
    long_dates,
    one_line,
    revisit,
    status_label,
    words_data,
)

__all__ = ["now_problem", "waiting_problems"]

_C = "clinician"
#: where the full detail of each problem is
DETAILS = "Appendix A"


def _objective_line(
    objective: dict[str, Any],
    titles: dict[str, str],
    flag: str = "the suicide-risk flag",
    held: str = "",
) -> Item:
    """An objective on one line: its statement and when it is reviewed (the measure in full,
    the GAS levels and why are in the appendix); ``flag``: the open flag that puts its
    questionnaire at every contact, as :func:`each_contact_flag` names it; ``held``: what a
    held objective says it waits for (clinician read 17, S2: marked on the front page too)."""
    if objective.get("phase", "now") != "now":  # its steps wait: no review date yet
        when = f"{label(_C, 'phase', objective['phase'])}: it waits for its steps; its dates are agreed again when they start."
        return Item(when, lead=long_dates(clean(objective["statement"], titles)))
    interval = objective["review_interval_days"]
    if objective.get("condition"):  # a goal only if the condition is met (docs/safety.md)
        condition, due = conditional_due(objective)
        when = f"Only {condition}; then due {due}."
    elif interval == 1:  # a safety task: done at once, not reviewed over weeks
        when = f"Due {long_date(objective['due_date'])}; checked each day until it is done."
    elif done_at_this_visit(objective):  # done once, today (read 16, S4)
        when = f"Due {long_date(objective['due_date'])} (at this visit); checked at the next review."
    elif reviewed_on_its_due_date(objective):
        # a dated review, done once on its day: its statement says what follows, not "review
        # every 11 days" (clinician read 22, S3: the days to it are no cadence; read 23 for any
        # objective)
        when = f"Due {long_date(objective['due_date'])}."
    else:
        when = f"Review every {interval} days, first {long_date(objective['review_date'])}."
    if objective.get("measured_each_contact"):
        when += f" Given at every contact while {flag} is on record."
    if objective.get("held") and held:  # its steps are held: the dates apply once they start
        when += f" {held}"
    return Item(when, lead=long_dates(clean(objective["statement"], titles)))


def _area_sessions(host: str) -> str:
    return f"the {host.removeprefix('area:').replace('-', ' ')} sessions"


def _step_line(
    step: dict[str, Any], titles: dict[str, str], running: frozenset[str] = frozenset(),
    urgent: bool = False,
) -> Item:
    """One step on one line; ``running``: ids of the steps that start now (a step done within
    one of them says so)."""
    parts = [label(_C, "delivery", step["delivery"])]
    amount = dose(step, _C)
    if amount:
        parts.append(amount)
    hosts = [titles.get(h) or _area_sessions(h) for h in step.get("in_sessions_of", ()) if h in running]
    if hosts:  # no appointment of its own while that course runs
        parts.append(f"within '{hosts[0]}'")
    parts.append(step_when(step, titles, urgent).rstrip("."))
    if step["status"] != "active":
        parts.append(status_label(step).lower())
    text = "; ".join(parts) + "."
    if step.get("notes"):
        count = len(step["notes"])
        text += f" {count} caution{'s' if count != 1 else ''}: see {DETAILS}."
    return Item(text, lead=one_line(step["title"]) + ":")


def _sleep_handover(problem: dict[str, Any]) -> str:
    """Who owns the sleep steps, when bed rules taught by the treating clinician and a sleep
    course from another service both start now (``patient.sleep_handover`` in the data)."""
    handover = words_data()["patient"].get("sleep_handover") or {}
    now = {s["id"] for s in problem["interventions"] if s["phase"] == "now"}
    if not (now & set(handover.get("rules") or ())) or handover.get("course") not in now:
        return ""
    what = "sleep_handover_diary_rules" if handover.get("diary") in now else "sleep_handover_rules"
    return clinician_text("sleep_handover", what=clinician_text(what))


def now_problem(number: int, problem: dict[str, Any], context: dict[str, Any]) -> Section:
    """A problem that starts now, short: its objectives, one line per step, its options one
    line each."""
    titles = context["titles"]
    # the flag the engine named in the objective's note (every flag it was given)
    flag = each_contact_flag((f["kind"], f.get("item")) for f in context["data"]["risk"]["flags"])
    held = clinician_held_text(context["data"], "objective_held")
    blocks: list[Block] = []  # why it starts now is in the plan at a glance
    goals = [o for o in problem["objectives"] if not is_clinician_task(o)]
    tasks = [o for o in problem["objectives"] if is_clinician_task(o)]
    for heading, chosen in (("Objectives", goals), ("Clinician tasks", tasks)):
        if chosen:
            lines = tuple(_objective_line(o, titles, flag, held) for o in chosen)
            blocks.append(Section(heading, (ItemList(lines, ordered=True),), level=3))
    if problem["interventions"]:
        running = frozenset(hosts_running(context["data"]))
        urgent = urgent_referral(context["data"]) is not None  # read 20, S1
        steps = tuple(_step_line(s, titles, running, urgent) for s in problem["interventions"])
        blocks.append(Section("Steps", (ItemList(steps, ordered=True),), level=3))
    handover = _sleep_handover(problem)
    if handover:
        blocks.append(Paragraph(handover))
    if problem["id"] in context["choices"]:
        budget = options_budget(context["data"], problem)
        blocks.append(options(context["choices"][problem["id"]], titles, details_in=DETAILS, budget=budget))
    heading = problem_heading(number, problem, context["findings"], context["scores"])
    return Section(heading, tuple(blocks), kind="problem")


def waiting_problems(data: dict[str, Any], titles: dict[str, str]) -> Section | None:
    """The problems that wait (next, later), one row each: what starts them, what is measured
    meanwhile, and any step of theirs that starts now."""
    rows = []
    for number, problem in enumerate(data["problems"], start=1):
        if problem["phase"] == "now":
            continue
        phasing = problem.get("phasing") or {}
        meanwhile = clean(phasing.get("review", ""), titles)
        started = [one_line(s["title"]) for s in steps_now(problem)]
        if started:
            meanwhile = "; ".join(x for x in (meanwhile, "now: " + ", ".join(started)) if x)
        rows.append(
            (
                str(number),
                one_line(problem["title"]),
                label(_C, "phase", problem["phase"]),
                clean(phasing.get("entry") or phasing.get("reason", ""), titles),
                meanwhile,
            )
        )
    if not rows:
        return None
    when = revisit(data)
    title = (
        f"Also noted – revisit at the week-{when[0]} review ({when[1]})" if when else "Also noted – revisit at a review"
    )
    intro = Paragraph(
        f"Their objectives, steps and options are in {DETAILS}; objectives' dates are agreed again "
        "when a problem starts."
    )
    header = ("#", "Problem", "Phase", "Starts when", "Meanwhile")
    return Section(title, (Table(header, tuple(rows)), intro), kind="waiting")
