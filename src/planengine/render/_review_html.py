"""The HTML report: one self-contained page (inline CSS and SVG, no script, no CDN, works offline)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from planengine._version import __version__
from planengine.render._review import (
    caseload_lines,
    change_lines,
    converted_lines,
    crisis_lines,
    escalation_lines,
    flag_label,
    gas_interim,
    goal_headline,
    patient_lines,
    shown_notices,
    shown_suggestions,
    summary_line,
    waiting_lines,
)
from planengine.render._svg import gas_chart, goal_chart, history_chart

if TYPE_CHECKING:  # pragma: no cover
    from planengine.instruments._instrument import Instrument
    from planengine.review._files import ReviewRun
    from planengine.review._model import GoalReview, Review

__all__ = ["render_html"]

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:60rem;
padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-bottom:.2rem}
.goal{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.attention{border-left:6px solid #d9822b}.ok{border-left:6px solid #3c9d5d}
.risk{background:#fdecea;border:2px solid #b3261e;border-radius:6px;padding:.6rem 1rem}
.status{font-weight:600}.rule,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}
.finding{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;color:#8a1c1c}
svg.chart{max-width:100%;height:auto;background:#fff}
svg .axis{stroke:#555;stroke-width:1}svg .tick,svg .band-label{font-size:10px;fill:#555}
svg .target{stroke:#2e7d32;stroke-width:2;stroke-dasharray:6 4}
svg .expected{stroke:#6d6d6d;stroke-width:2;stroke-dasharray:3 3}
svg .actual{stroke:#1565c0;stroke-width:2.5}svg .actual-point{fill:#1565c0}
svg .as-of{stroke:#999;stroke-width:1;stroke-dasharray:2 2}
.legend span{margin-right:1rem;font-size:.85em}
.badge{font-weight:600;padding:0 .4rem;border-radius:4px;border:1px solid}
.badge.attention{color:#8a4b00}.badge.ok{color:#1e6b3a}.badge.flag{color:#b3261e}
.caseload td,.caseload th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
svg .point-value,svg .item-mark-label{font-size:10px;fill:#1b1b1b}svg .item-mark{fill:#b3261e}
svg .reference{stroke:#7b1fa2;stroke-width:1.5;stroke-dasharray:8 3 2 3}
svg .reference-label{font-size:10px;fill:#7b1fa2}svg .date-tick{stroke:#555;stroke-width:1}
@media print{.goal{break-inside:avoid}}
"""

LEGEND = (
    '<p class="legend"><span style="color:#1565c0">&#9679; measured</span>'
    '<span style="color:#6d6d6d">- - expected path</span>'
    '<span style="color:#2e7d32">— — target</span><span style="color:#999">: review date</span>'
    '<span style="color:#7b1fa2">—·— reference (baseline, meaningful change, cut-off)</span>'
    '<span style="color:#b3261e">&#9650; risk item endorsed (value beside it)</span></p>'
)

GAS_LEGEND = (
    '<p class="legend"><span style="color:#1565c0">&#9679; rated level (-2 much less than '
    "expected .. +2 much more)</span>"
    '<span style="color:#2e7d32">— — level 0, the expected outcome</span>'
    '<span style="color:#999">: review date</span></p>'
)

#: A goal's status by shape and words as well as colour (readable in greyscale print).
BADGES = {
    "flag": "&#9632; open risk flag",
    "attention": "&#9650; needs attention",
    "ok": "&#9679; no action needed",
}


def _badge(kind: str) -> str:
    return f'<span class="badge {kind}">{BADGES[kind]}</span>'


def _caseload_html(run: ReviewRun) -> list[str]:
    """The caseload table, most urgent first (only for more than one file)."""
    lines = caseload_lines(run)
    if not lines:
        return []
    out = [f"<h2>{escape(lines[0])}</h2>"]
    out += [f'<p class="escalate"><strong>{escape(line)}</strong></p>' for line in escalation_lines(run)]
    out += ['<table class="caseload"><tr><th>#</th><th>Group</th><th>Patient and status</th></tr>']
    shape = {"open-risk-flag": "flag", "contact-today": "flag", "needs-attention": "attention",
             "not-reviewed": "attention"}
    for number, entry in enumerate(run.caseload, start=1):
        out.append(
            f"<tr><td>{number}</td><td>{_badge(shape.get(entry.group, 'ok'))} "
            f"{escape(entry.group)}</td><td>{escape(entry.status_line)}</td></tr>"
        )
    out.append("</table>")
    return out


def _goal_html(
    goal: GoalReview, instrument: Instrument | None, as_of: object, patient: str
) -> list[str]:
    css = "attention" if goal.needs_attention else "ok"
    flagged = any(reason.startswith("open risk flag") for reason in goal.attention)
    out = [
        f'<section class="goal {css}" id="goal-{escape(patient)}-{escape(goal.goal_id)}">',
        f"<h3>{escape(patient)}: {escape(goal.goal_id)} {_badge('flag' if flagged else css)}</h3>",
        f"<p>{escape(goal.statement)}</p>",
        f'<p class="status">{escape(goal_headline(goal))}</p>',
        f"<p>Status: {escape(goal.status.reason)}</p>",
    ]
    if goal.trajectory.reason:
        out.append(f"<p>Trajectory: {escape(goal.trajectory.reason)}</p>")
    out.extend(f"<p>{escape(line)}</p>" for line in converted_lines(goal))
    if goal.attention:
        out.append(f"<p><strong>Needs attention:</strong> {escape(', '.join(goal.attention))}</p>")
    chart = goal_chart(goal, instrument, as_of)  # type: ignore[arg-type]
    if chart is not None:
        out += [chart, LEGEND]
    if goal.change is not None:
        lost = goal.status.rule == "status.target-lost"
        out.append(
            "<ul>"
            + "".join(f"<li>{escape(line)}</li>" for line in change_lines(goal.change, lost))
            + "</ul>"
        )
    if goal.gas is not None:
        level = "not rated" if goal.gas.level is None else str(goal.gas.level)
        out.append(
            f"<p>GAS level {escape(level)} (weight {goal.gas.weight:g}): "
            f"{escape(goal.gas.description or '-')}</p>"
        )
        gas = gas_chart(goal.goal_id, goal.gas, goal.trajectory.due, as_of)  # type: ignore[arg-type]
        if gas is not None:
            out += [gas, GAS_LEGEND]
    out.append("<h4>Suggestions</h4><ul>")
    for s in shown_suggestions(goal):
        source = "" if s.source == "core" else f", {s.source}"
        out.append(
            f'<li><strong>{escape(s.action)}</strong> <span class="rule">({escape(s.rule)}'
            f"{escape(source)})</span>: {escape(s.reason)}</li>"
        )
    out.append("</ul></section>")
    return out


def _review_html(review: Review, instruments: dict[str, Instrument]) -> list[str]:
    out = [
        f"<h2>Patient {escape(review.patient)} ({escape(review.file or 'in-memory data')}) — as "
        f"of {review.as_of}</h2>"
    ]
    if review.risk_flags:
        out.append(
            f'<div class="risk"><strong>Risk flags of {escape(review.patient)}</strong> — only a '
            "clinician can close them. Offer the crisis resources below.<ul>"
        )
        out.extend(
            f"<li><strong>{escape(flag_label(f))}</strong>: {escape(f.message)}</li>"
            for f in review.risk_flags
        )
        out.append("</ul>")
        crisis = crisis_lines(review)
        out.append(f'<p class="crisis"><strong>{escape(crisis[0])}</strong></p>')
        if crisis[1:]:
            out.append(
                "<ul>"
                + "".join(f"<li>{escape(line.removeprefix('- '))}</li>" for line in crisis[1:])
                + "</ul>"
            )
        out.append("</div>")
    out.extend(f"<p><strong>{escape(line)}</strong></p>" for line in patient_lines(review))
    for goal in review.goals:
        out.extend(
            _goal_html(goal, instruments.get(goal.instrument or ""), review.as_of, review.patient)
        )
    if review.waiting:  # the goal file's waiting goals, with what each waits for
        out.append("<h3>Waiting goals (not reviewed)</h3><ul>")
        out.extend(f"<li>{escape(line)}</li>" for line in waiting_lines(review))
        out.append("</ul>")
    if review.gas is not None and review.gas.t_score is not None:
        out.append(
            f"<p>GAS T-score <strong>{review.gas.t_score:.1f}</strong>"
            f"{escape(gas_interim(review.gas))} over "
            f"{len(review.gas.goals)} goal(s), rho {review.gas.rho:g}.</p>"
        )
    for s in review.suggestions:
        out.append(
            f'<p><strong>{escape(s.action)}</strong> <span class="rule">({escape(s.rule)})</span>: '
            f"{escape(s.reason)}</p>"
        )
    by_instrument: dict[str, list[tuple[object, float]]] = {}
    for name, date, total in review.assessments:
        by_instrument.setdefault(name, []).append((date, total))
    if by_instrument:
        out.append("<h3>Questionnaire history</h3>")
    for name, points in sorted(by_instrument.items()):
        instrument = instruments.get(name)
        marks = _item_marks(review, name)
        chart = None if instrument is None else history_chart(instrument, sorted(points), marks)  # type: ignore[arg-type]
        if chart is not None:
            out += [f"<h4>{escape(instrument.name)}</h4>", chart]  # type: ignore[union-attr]
    if review.findings:
        out.append("<h3>Input findings</h3><ul>")
        out.extend(
            f'<li class="finding">{escape(f.where)}: {escape(f.code)} [{escape(f.severity)}] '
            f"{escape(f.message)} ({escape(f.json_path)})</li>"
            for f in review.findings
        )
        out.append("</ul>")
    notices = shown_notices(review)
    if notices:
        out.append(
            "<ul>"
            + "".join(f"<li>{escape(n.code)}: {escape(n.message)}</li>" for n in notices)
            + "</ul>"
        )
    return out


def _item_marks(review: Review, instrument: str) -> list[tuple[object, int | None, int]]:
    """``(date, answer, item)`` of every recorded answer to a risk item of ``instrument`` that
    a flag carries (the answers to PHQ-9 item 9 ...), for the history chart."""
    return [
        (date, value, flag.item)
        for flag in review.risk_flags
        if flag.instrument == instrument and flag.item is not None
        for date, value in flag.history or ((flag.observed_on, flag.value),)
    ]


def render_html(run: ReviewRun) -> str:
    """The whole page. Charts are inline SVG; nothing is fetched."""
    from planengine.instruments._data_files import load_builtin_instruments

    instruments = dict(run.instruments or load_builtin_instruments())
    body = [
        f"<h1>Progress review — {run.as_of}</h1>",
        "<p>Decision support for the treating clinician; suggestions are drafts until a clinician "
        "agrees them with the patient.</p>",
    ]
    if run.errors:
        body.append(
            "<ul>"
            + "".join(
                f'<li class="finding">{escape(e.where)}: {escape(e.message)}</li>'
                for e in run.errors
            )
            + "</ul>"
        )
    body[2:2] = _caseload_html(run)
    for review in run.reviews:
        body.extend(_review_html(review, instruments))
    body.append(f"<p><strong>{escape(summary_line(run))}</strong></p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="planengine {escape(__version__)}">'
        f"<title>Progress review {run.as_of}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
