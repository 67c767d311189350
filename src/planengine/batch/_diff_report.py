"""A cohort diff as a report a clinical-safety officer can sign off: Markdown or HTML, the
totals first, then every patient whose risk flags changed, then every other patient whose plan
changed, then a sign-off block. Same diff, same bytes."""

from __future__ import annotations

import html
from typing import Any

from planengine.batch._diff import CohortDiff, PatientDiff

__all__ = ["REPORT_FORMATS", "render_cohort_diff"]

REPORT_FORMATS = ("markdown", "html", "json")
_TITLES = {
    "flags": "Risk flags",
    "problems": "Problems",
    "objectives": "Objectives",
    "steps": "Steps",
    "choices": "Treatment options followed",
    "burden": "Burden",
    "plan": "Other content",  # only when nothing above changed
}


def render_cohort_diff(diff: CohortDiff, file_format: str = "markdown") -> str:
    """The report text (``markdown``, ``html`` or ``json``)."""
    if file_format == "json":
        from planengine.io._json_text import json_text

        return json_text(diff.to_dict())
    rows = _rows(diff)
    if file_format == "html":
        return _html(diff, rows)
    return _markdown(diff, rows)


def _rows(diff: CohortDiff) -> list[tuple[str, int, int]]:
    return [(_TITLES[c], n[0], n[1]) for c, n in diff.by_category.items()]


def _change_text(change: dict[str, Any]) -> str:
    what = f"{change['change']} {change['what']}"
    old, new = change["old"], change["new"]
    if change["change"] == "changed":
        if old is None and new is None:
            return what
        if isinstance(old, dict) and isinstance(new, dict):  # only the fields that changed
            old, new = (
                {k: v for k, v in side.items() if old.get(k) != new.get(k)} for side in (old, new)
            )
        return f"{what}: {_value(old)} → {_value(new)}"
    shown = change["new"] if change["change"] == "added" else change["old"]
    return f"{what} ({_value(shown)})" if shown else what


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items() if v is not None) or "—"
    return "—" if value is None else str(value)


def _heading_lines(diff: CohortDiff) -> list[str]:
    return [
        f"Old plans: {diff.old}",
        f"New plans: {diff.new}",
        f"Patients compared: {diff.compared}; plans changed: {len(diff.patients)}; "
        f"risk flags changed: {len(diff.risk_changed)}",
        f"Planned only under the old configuration: {len(diff.only_old)}; only under the new: {len(diff.only_new)}",
        *_limit_lines(diff),
    ]


def _limit_lines(diff: CohortDiff) -> list[str]:
    return [
        f"Limit {c['what'].removeprefix('limits.')}: {_value(c['old'])} → {_value(c['new'])}"
        for c in diff.limits
    ]


def _sections(diff: CohortDiff) -> list[tuple[str, list[PatientDiff]]]:
    risk = list(diff.risk_changed)
    other = [p for p in diff.patients if not p.risk_changed]
    return [
        ("Patients whose risk flags change", risk),
        ("Other patients whose plans change", other),
    ]


def _markdown(diff: CohortDiff, rows: list[tuple[str, int, int]]) -> str:
    out = ["# Cohort diff: what the new configuration changes", ""]
    out += [f"- {line}" for line in _heading_lines(diff)]
    out += ["", "| Category | Patients | Changes |", "|---|---:|---:|"]
    out += [f"| {title} | {patients} | {changes} |" for title, patients, changes in rows]
    for title, patients in _sections(diff):
        out += ["", f"## {title} ({len(patients)})", ""]
        if not patients:
            out.append("None.")
        for patient in patients:
            out.append(f"### {_md(patient.patient)}")
            out += [
                f"- **{_TITLES[c['category']]}**: {_md(_change_text(c))}" for c in patient.changes
            ]
            out.append("")
    for title, ids in (
        ("Planned only under the old configuration", diff.only_old),
        ("Planned only under the new configuration", diff.only_new),
    ):
        if ids:
            out += ["", f"## {title} ({len(ids)})", "", ", ".join(_md(i) for i in ids)]
    out += [
        "",
        "## Sign-off",
        "",
        "Reviewed by (clinical-safety officer): ____________________  Date: __________",
        "",
    ]
    return "\n".join(out)


def _md(text: str) -> str:
    """Text safe in a Markdown line: the characters Markdown reads as markup escaped."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>#|" else ch for ch in text)


def _html(diff: CohortDiff, rows: list[tuple[str, int, int]]) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Cohort diff</title>',
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.3em .6em}td.n{text-align:right}.risk{color:#a00}</style>",
        "</head><body>",
        "<h1>Cohort diff: what the new configuration changes</h1>",
        "<ul>" + "".join(f"<li>{e(line)}</li>" for line in _heading_lines(diff)) + "</ul>",
        "<table><thead><tr><th>Category</th><th>Patients</th><th>Changes</th></tr></thead><tbody>",
    ]
    out += [
        f'<tr><td>{e(t)}</td><td class="n">{p}</td><td class="n">{c}</td></tr>' for t, p, c in rows
    ]
    out.append("</tbody></table>")
    for index, (title, patients) in enumerate(_sections(diff)):
        css = ' class="risk"' if index == 0 else ""
        out.append(f"<h2{css}>{e(title)} ({len(patients)})</h2>")
        if not patients:
            out.append("<p>None.</p>")
        for patient in patients:
            out.append(f"<h3>{e(patient.patient)}</h3><ul>")
            out += [
                f"<li><strong>{e(_TITLES[c['category']])}</strong>: {e(_change_text(c))}</li>"
                for c in patient.changes
            ]
            out.append("</ul>")
    for title, ids in (
        ("Planned only under the old configuration", diff.only_old),
        ("Planned only under the new configuration", diff.only_new),
    ):
        if ids:
            out.append(f"<h2>{e(title)} ({len(ids)})</h2><p>{e(', '.join(ids))}</p>")
    out.append(
        "<h2>Sign-off</h2><p>Reviewed by (clinical-safety officer): ____________________ Date: __________</p>"
    )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
