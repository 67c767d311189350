"""Render a :class:`ReviewRun` as text, JSON or Markdown (HTML lives in ``_report_html``).

Renderers are chosen by name (:data:`planengine.render._review_formats.RENDERER_BY_NAME`, which
adds the HTML page); each takes the run and returns the
whole output. Every format carries the status with its rule, each suggestion with its rule id and
reason, risk flags first, and input findings with ``file:line:column`` and the JSON path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from planengine._printable import printable_lines
from planengine._version import __version__
from planengine.plan._crisis import (
    CRISIS_HEADING,
    NO_ABUSE_RESOURCES_MESSAGE,
    NO_RESOURCES_MESSAGE,
    RULE_NO_ABUSE_RESOURCES,
    RULE_NO_RESOURCES,
    RULE_UNCONFIRMED,
)
from planengine.review._patient import escalation_line, remeasure_line, unassessed_flags

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._files import ReviewRun
    from planengine.review._model import ChangeReport, GoalReview, Review

__all__ = [
    "FORMATS",
    "caseload_lines",
    "change_lines",
    "converted_lines",
    "crisis_lines",
    "escalation_lines",
    "flag_label",
    "gas_interim",
    "goal_headline",
    "patient_lines",
    "render_json",
    "render_markdown",
    "render_text",
    "shown_notices",
    "shown_suggestions",
    "status_words",
    "summary_line",
]

FORMATS = ("text", "json", "markdown", "html")


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _lost(goal: GoalReview) -> bool:
    """Whether the goal's target was met and is lost now."""
    return goal.status.rule == "status.target-lost"


def change_lines(change: ChangeReport, target_lost: bool = False) -> list[str]:
    """The change criteria, one short line each, kept apart because they can disagree.

    :param target_lost: the goal's target was met and is lost now: an improvement from the
        baseline is said beside that loss, never alone (clinician read 9, S11)."""
    lines = [
        f"{change.instrument}: {change.baseline:g} ({change.baseline_date}) -> {change.latest:g} "
        f"({change.latest_date}), improvement {change.improvement:+g}"
    ]
    rc = change.reliable_change
    if rc is None:
        lines.append("reliable change: not defined for this instrument")
    else:
        lines.append(
            f"reliable change ({rc['method']}): {rc['direction']} (needs a change of "
            f"{rc['threshold']:g} or more)"
        )
    if change.mcid is not None:
        mcid = change.mcid
        moved = (
            "improved"
            if mcid["improved"]
            else "deteriorated"
            if mcid["deteriorated"]
            else "not reached"
        )
        if target_lost and mcid["improved"]:
            lines.append(f"MCID {mcid['value']:g} from baseline: improved; lost against the target")
        else:
            lines.append(f"MCID {mcid['value']:g}: {moved}")
    else:
        lines.append("MCID: not defined for this instrument")
    if change.response is not None:
        pct = "" if change.response["percent"] is None else f" ({_by(change.response['percent'], '%')})"
        if change.response.get("points") is not None:  # a points rule is shown in points
            pct = f" ({_by(change.response['points'], 'points')})"
        lines.append(f"response ({change.response['basis']}): {_yes(change.response['met'])}{pct}")
    else:
        lines.append("response: not defined for this instrument")
    if change.remission is not None:
        lines.append(f"remission ({change.remission['rule']}): {_yes(change.remission['met'])}")
    else:
        lines.append("remission: not defined for this instrument")
    lines.extend(_caseness_lines(change))
    if change.band is not None:
        lines.append(
            f"band: {change.band['from_title']} -> {change.band['to_title']} ({change.band['moved']})"
        )
    # The reliable-change category (JSON's ``category``) is not printed: it is the reliable-change
    # line read with the remission line, and a third statement of the same change (read 23).
    lines.extend(f"caveat: {c}" for c in change.caveats)
    if rc is not None:  # the arithmetic, for whoever checks it, after the verdicts
        rci = "" if rc["rci"] is None else f"RC {rc['rci']:+.2f}; "
        lines.append(f"details: {rci}{rc['note']}")
    return lines


def converted_lines(goal: GoalReview) -> list[str]:
    """One line per value converted into the measure's unit, so a converted value is never
    taken for one recorded as it stands (plain time units only: 1 hour is 60 minutes)."""
    return [
        f"converted: {m.date} recorded as {m.converted_from}, used as {m.value:g} {goal.unit}"
        for m in goal.measurements
        if m.converted_from is not None
    ]


def _by(value: float, unit: str) -> str:
    """``better by 30 %`` / ``worse by 58 %`` / ``no change`` (whole numbers, as a reader says it)."""
    if round(value) == 0:
        return "no change"
    return f"{'better' if value > 0 else 'worse'} by {abs(round(value))} {unit}"


def _caseness_lines(change: ChangeReport) -> list[str]:
    """Recovery against caseness, and the other cut-offs the review reads, at baseline and now."""
    lines = []
    recovery = change.recovery
    if recovery is not None:
        lines.append(
            f"recovery (caseness {recovery['caseness']}): case at baseline "
            f"{_yes(recovery['baseline_case'])}, now {_yes(recovery['latest_case'])} -> recovered "
            f"{_yes(recovery['recovered'])}, reliable recovery {_yes(recovery['reliable_recovery'])}"
        )
    for cutoff in change.cutoffs:
        lines.append(
            f"cut-off {cutoff['id']} ({cutoff['rule']}: {cutoff['meaning']}): baseline "
            f"{_yes(cutoff['baseline_met'])}, now {_yes(cutoff['latest_met'])}"
        )
    return lines


def goal_headline(goal: GoalReview) -> str:
    """``mood: improving [status.reliable-improvement], on-track, 67 days left, review due ...``."""
    traj = goal.trajectory
    days = (
        ""
        if traj.days_left is None
        else (
            f", {traj.days_left} days left"
            if traj.days_left >= 0
            else f", {-traj.days_left} days past due"
        )
    )
    due = (
        ""
        if goal.review_due is None
        else (f", review {'OVERDUE since' if goal.overdue else 'due'} {goal.review_due}")
    )
    lead = _LEADS.get(goal.status.rule)
    code = f"{lead.upper()}: {status_words(goal)}" if lead else status_words(goal)
    return f"{goal.goal_id}: {code} [{goal.status.rule}], {traj.position}{days}{due}"


#: statuses whose FHIR code ("in-progress") reads as fine on its own: the table and the summary
#: line lead with what happened (clinician read 7: a lost target must not read as progress)
_LEADS = {"status.target-lost": "target lost"}

#: the direction and size at the head of a status line ("worse by 3 points (from 14 to 17), ...")
_MOVED = re.compile(r"^(better|worse) by ([0-9.]+ (?:percentage )?points?)")


def gas_interim(gas: Any) -> str:
    """" (interim: rated 41 days before the due date; rate all goals at follow-up)" when the
    ratings came before the goals' due date, else "": an interim T-score is not the outcome."""
    if gas.interim_days is None:
        return ""
    return (
        f" (interim: rated {gas.interim_days} days before the due date; "
        "rate all goals at follow-up)"
    )


def status_words(goal: GoalReview) -> str:
    """The status code in words that agree with the status line: a ``no-change`` that moved
    reads "no reliable change (worse by 3 points)", never a bare ``no-change`` beside a detail
    line that says worse or better (clinician read 24)."""
    moved = _MOVED.match(goal.status.reason)
    if goal.status.code != "no-change" or moved is None:
        return goal.status.code
    return f"no reliable change ({moved.group(1)} by {moved.group(2)})"


def flag_label(flag: Any) -> str:
    """A flag's id (which names its patient: ``p-105/risk-1``), kind, place in the queue and,
    when a clinician has recorded something, its status; never a low/medium/high label of risk
    (R-SC22)."""
    status = "" if flag.status == "open" else f", {flag.status.replace('-', ' ')}"
    return f"{flag.id}: {flag.kind.replace('-', ' ')}, priority {flag.rank}{status}"


def crisis_lines(review: Review) -> list[str]:
    """Plain lines to show beside open risk flags: the clinic's crisis resources, or the loud line
    that none is configured (never another country's number); none without an open flag."""
    if not review.risk_flags:
        return []
    resources = review.crisis.for_crisis
    if not resources:
        return [f"{NO_RESOURCES_MESSAGE} ({RULE_NO_RESOURCES})"]
    lines = [f"{CRISIS_HEADING}:"]
    lines.extend(_resource_line(resource) for resource in resources)
    if any(flag.private for flag in review.risk_flags):
        lines.append(
            "For the clinician to give privately, in the one-to-one safety assessment (never on "
            "a copy the patient takes home):"
        )
        abuse = review.crisis.for_abuse
        lines.extend(_resource_line(resource) for resource in abuse)
        if not abuse:
            lines.append(f"- {NO_ABUSE_RESOURCES_MESSAGE} ({RULE_NO_ABUSE_RESOURCES})")
    return lines


#: Notices whose whole message :func:`crisis_lines` prints beside the flags: said there, once.
_SAID_BESIDE_FLAGS = frozenset({RULE_NO_RESOURCES, RULE_NO_ABUSE_RESOURCES})


def shown_notices(review: Review) -> list[Any]:
    """The review's notices to print: those the flag box says already (no crisis resources
    configured) are left out where it is shown, so the document says them once, where the
    clinician must see them (clinician read 23); JSON keeps every notice."""
    said = "\n".join(crisis_lines(review))
    return [n for n in review.notices if n.code not in _SAID_BESIDE_FLAGS or n.message not in said]


def _resource_line(resource: Any) -> str:
    unconfirmed = "" if resource.confirmed else f" (not confirmed: see {RULE_UNCONFIRMED})"
    return f"- {resource.patient_line()}{unconfirmed}"


def patient_lines(review: Review) -> list[str]:
    """What the review says once for the patient, before the goals: each risk flag unassessed for
    too long (escalate today), each risk item not recorded, and the one re-measure line."""
    lines = [escalation_line(review, flag) for flag in unassessed_flags(review)]
    lines += [f"{review.patient}: {gap.line()}" for gap in review.risk_item_gaps]
    remeasure = remeasure_line(review)
    if remeasure is not None:
        lines.append(f"{review.patient}: {remeasure}")
    return lines


#: Per-goal suggestions the patient's re-measure line says once, where they are all a goal has.
_SAID_ONCE = frozenset({"review.re-measure", "review.overdue"})


def shown_suggestions(goal: GoalReview) -> list[Any]:
    """The goal's suggestions to print: none of the re-measure boilerplate when it is the goal's
    only reason (the patient's re-measure line says it once); every suggestion otherwise."""
    if goal.measurement_overdue and all(s.rule in _SAID_ONCE for s in goal.suggestions):
        return []
    return list(goal.suggestions)


def escalation_lines(run: ReviewRun) -> list[str]:
    """Every risk flag of the run unassessed for too long, oldest first, for the caseload's top."""
    return [line for entry in run.caseload for line in entry.escalations]


def _text_review(review: Review) -> list[str]:
    lines = [f"{review.file or '<data>'}: patient {review.patient}, review as of {review.as_of}"]
    lines.extend(f"  {line}" for line in patient_lines(review))
    for flag in review.risk_flags:
        lines.append(
            f"  RISK FLAG [{flag_label(flag)}] {flag.message} (closable by a clinician only)"
        )
    lines.extend(f"  CRISIS {line}" for line in crisis_lines(review))
    for goal in review.goals:
        lines.append(f"  {goal_headline(goal)}")
        lines.append(f"      status: {goal.status.reason}")
        if goal.trajectory.reason:
            lines.append(f"      trajectory: {goal.trajectory.reason}")
        lines.extend(f"      {line}" for line in converted_lines(goal))
        if goal.change is not None:
            lines.extend(f"      {line}" for line in change_lines(goal.change, _lost(goal)))
        if goal.gas is not None:
            level = (
                "not rated" if goal.gas.level is None else f"{goal.gas.level:+d}".replace("+0", "0")
            )
            lines.append(
                f"      GAS level {level} (weight {goal.gas.weight:g}): {goal.gas.description or '-'}"
            )
        for s in shown_suggestions(goal):
            source = "" if s.source == "core" else f" ({s.source})"
            lines.append(f"      -> {s.action} [{s.rule}]{source}: {s.reason}")
    lines.extend(f"  {line}" for line in waiting_lines(review))
    if review.gas is not None and review.gas.t_score is not None:
        lines.append(
            f"  GAS T-score {review.gas.t_score:.1f}{gas_interim(review.gas)} over {len(review.gas.goals)} goal(s), rho {review.gas.rho:g}"
        )
    for s in review.suggestions:
        lines.append(f"  -> {s.action} [{s.rule}]: {s.reason}")
    for n in shown_notices(review):
        lines.append(f"  notice {n.code}: {n.message}")
    for f in review.findings:
        lines.append(f"{f.where}: {f.code} [{f.severity}] {f.message} ({f.json_path})")
    return lines


def summary_line(run: ReviewRun) -> str:
    """The run in a sentence: counts, every open flag by id (each naming its patient), and, when
    input errors make the exit code 2, that the open flags are open all the same."""
    goals = [g for r in run.reviews for g in r.goals]
    attention = sum(g.needs_attention for g in goals)
    flags = run.open_flags
    dispositioned = sum(len(r.risk_flags) - len(r.open_flags) for r in run.reviews)
    errors = sum(f.severity == "error" for r in run.reviews for f in r.findings) + len(run.errors)
    unknown: dict[str, list[str]] = {}  # why risk is not known -> whose
    for r in run.reviews:
        if r.risk_not_known:
            unknown.setdefault(r.risk_not_known, []).append(r.patient)
    why = "; ".join(
        reason if len(run.reviews) == 1 else f"{reason} for {', '.join(whose)}"
        for reason, whose in unknown.items()
    )
    named = f" ({', '.join(f.id for f in flags)})" if flags else ""
    done = f", {dispositioned} dispositioned risk flag(s)" if dispositioned else ""
    risk = f"{len(flags)} open risk flag(s){named}{done}"
    remeasure = sum(any(g.measurement_overdue for g in r.goals) for r in run.reviews)
    text = (
        f"Reviewed {len(run.reviews)} file(s), {len(goals)} goal(s) as of {run.as_of}: "
        f"{attention} need attention, {'' if why else risk + ', '}"
        f"{errors} input error(s), {remeasure} file(s) to re-measure at the next contact."
    )
    if why:  # never a bare 0 first: risk that is not known leads the footer (clinician read 24)
        text = f"Risk not known: {why}; {risk}. {text}"
    if flags and run.has_input_errors:
        text += (
            f" Exit code 2 is for the input errors; the {len(flags)} open risk flag(s) listed "
            "are open all the same and need a clinician today."
        )
    return text


def caseload_lines(run: ReviewRun) -> list[str]:
    """The caseload, most urgent first, one numbered line per patient; empty for a single file
    (its own header names the patient)."""
    entries = run.caseload
    if len(entries) < 2:
        return []
    lines = [f"Caseload as of {run.as_of}, most urgent first:"]
    lines.extend(escalation_lines(run))
    lines.extend(
        f"{number}. [{entry.group}] {entry.status_line}"
        for number, entry in enumerate(entries, start=1)
    )
    return lines


def render_text(run: ReviewRun) -> str:
    """Plain text for a terminal: the caseload first (for more than one file), then each
    patient's review in caseload order; a file that could not be read is one line with
    ``file:line``."""
    lines = caseload_lines(run)
    lines.extend(f"{e.where}: error: {e.message}" for e in run.errors)
    for review in run.reviews:
        lines.extend(_text_review(review))
    lines.append(summary_line(run))
    return printable_lines("\n".join(lines) + "\n")  # no terminal escape from a file


def render_json(run: ReviewRun) -> str:
    """One JSON document: every review, the unreadable files and the exit code."""
    out = {
        "planengine": __version__,
        "kind": "review",
        "as_of": run.as_of.isoformat(),
        "exit_code": run.exit_code,
        "open_risk_flags": [f.id for f in run.open_flags],
        "caseload": [entry.to_dict() for entry in run.caseload],
        "plugins": [info.to_dict() for info in run.plugins],
        "errors": [e.to_dict() for e in run.errors],
        "reviews": [r.to_dict() for r in run.reviews],
    }
    from planengine.io._json_text import json_text  # orjson: for the JSON format only

    return json_text(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_review(review: Review) -> list[str]:
    lines = [
        f"## {_md(review.patient)} ({review.file or 'in-memory data'})",
        "",
        f"Patient **{_md(review.patient)}**, review as of **{review.as_of}**.",
        "",
    ]
    said = patient_lines(review)
    if said:
        lines.extend(f"- **{_md(line)}**" for line in said)
        lines.append("")
    if review.risk_flags:
        lines.append(
            f"> **Risk flags of {_md(review.patient)}** (only a clinician can close them; offer "
            "the crisis resources below):"
        )
        lines.extend(f"> - **{flag_label(f)}**: {_md(f.message)}" for f in review.risk_flags)
        lines.append(">")
        crisis = crisis_lines(review)
        lines.append(f"> **{_md(crisis[0])}**")
        lines.extend(f"> {_md(line)}" for line in crisis[1:])
        lines.append("")
    lines += [
        "| Goal | Status (rule) | Trajectory | Days left | Review due | Attention |",
        "|---|---|---|---|---|---|",
    ]
    for g in review.goals:
        due = "" if g.review_due is None else f"{g.review_due}{' **overdue**' if g.overdue else ''}"
        lines.append(
            f"| {_md(g.goal_id)} | {_status_cell(g)} | {g.trajectory.position} | "
            f"{'' if g.trajectory.days_left is None else g.trajectory.days_left} | {due} | "
            f"{_md(', '.join(g.attention)) or '-'} |"
        )
    lines.append("")
    for g in review.goals:
        lines += [
            f"### {_md(g.goal_id)}", "", _md(g.statement), "", f"- Status: {_md(g.status.reason)}"
        ]
        if g.trajectory.reason:
            lines.append(f"- Trajectory: {_md(g.trajectory.reason)}")
        lines.extend(f"- {_md(line)}" for line in converted_lines(g))
        if g.change is not None:
            lines.extend(f"- {_md(line)}" for line in change_lines(g.change, _lost(g)))
        if g.gas is not None:
            lines.append(
                f"- GAS level {g.gas.level if g.gas.level is not None else 'not rated'}: "
                f"{_md(g.gas.description or '-')}"
            )
        shown = shown_suggestions(g)
        lines += ["", "Suggestions:" if shown else "Suggestions: re-measure (above).", ""]
        lines.extend(
            f"- **{s.action}** (`{s.rule}`{'' if s.source == 'core' else ', ' + s.source}): {_md(s.reason)}"
            for s in shown
        )
        lines.append("")
    if review.waiting:  # the goal file's waiting goals, with what each waits for
        lines += ["### Waiting goals (not reviewed)", ""]
        lines.extend(f"- {_md(line)}" for line in waiting_lines(review))
        lines.append("")
    if review.gas is not None and review.gas.t_score is not None:
        lines += [
            f"GAS T-score: **{review.gas.t_score:.1f}**{gas_interim(review.gas)} "
            f"({len(review.gas.goals)} goals, rho {review.gas.rho:g})",
            "",
        ]
    if review.suggestions:
        lines.extend(f"- **{s.action}** (`{s.rule}`): {_md(s.reason)}" for s in review.suggestions)
        lines.append("")
    if review.findings:
        lines += ["Input findings:", ""]
        lines.extend(
            f"- `{f.where}` {f.code} ({f.severity}): {_md(f.message)} `{f.json_path}`"
            for f in review.findings
        )
        lines.append("")
    lines.extend(f"- notice {n.code}: {_md(n.message)}" for n in shown_notices(review))
    return lines


def render_markdown(run: ReviewRun) -> str:
    """Markdown for a record or a pull request."""
    lines = ["# Progress review", ""]
    caseload = caseload_lines(run)
    if caseload:
        lines += [f"**{caseload[0]}**", ""]
        lines.extend(f"- **{_md(line)}**" for line in escalation_lines(run))
        lines += ["", "| # | Group | Patient and status |", "|---|---|---|"]
        lines.extend(
            f"| {n} | {e.group} | {_md(e.status_line)} |"
            for n, e in enumerate(run.caseload, start=1)
        )
        lines.append("")
    lines.extend(f"- error: `{e.where}` {_md(e.message)}" for e in run.errors)
    for review in run.reviews:
        lines.extend(_markdown_review(review))
    lines += ["", summary_line(run)]
    from planengine.render._markdown import neutralise_markup

    return neutralise_markup("\n".join(lines) + "\n")


def _status_cell(goal: GoalReview) -> str:
    """The Markdown status cell: the FHIR code and its rule, led by what happened where the code
    alone would read as fine ("**target lost**: in-progress")."""
    lead = _LEADS.get(goal.status.rule)
    cell = f"{status_words(goal)} (`{goal.status.rule}`)"
    return f"**{lead}**: {cell}" if lead else cell


def waiting_lines(review: Any) -> list[str]:
    """Each waiting goal of a review, listed with what it waits for (its ``starts_when``,
    ``held`` or ``condition``), never reviewed: one line each, for every output format."""
    return [
        f"{waiting.goal_id}: waiting, not reviewed ("
        + (
            "; ".join(f"{k.replace('_', ' ')}: {v.rstrip('.')}" for k, v in waiting.triggers)
            or "no trigger given"
        )
        + ")"
        for waiting in review.waiting
    ]
