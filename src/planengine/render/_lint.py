"""Render a :class:`ValidationReport` as text, JSON, GitHub annotations, SARIF 2.1.0 or JUnit XML.

Reporters are chosen by name (``REPORTERS``); each takes the report and returns the whole output.
Every format carries the rule code, its SMART letter and the JSON path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from planengine._printable import printable_lines
from planengine._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from planengine.smart._model import Violation
    from planengine.smart._validate import ValidationReport

__all__ = ["FORMATS", "REPORTERS", "render"]

DOCS_URL = "https://planengine.dev/rules/{code}"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _text(report: ValidationReport, statistics: bool) -> str:
    lines = [
        f"{v.location.where}: {v.code} [{v.letter}] {v.message} ({v.json_path})"
        for v in report.violations
    ]
    if statistics:
        lines.extend(_statistics_lines(report))
    counts = report.counts()
    if report.violations:
        lines.append(
            f"Found {len(report.violations)} finding(s) in {len(report.files)} file(s): "
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info."
        )
    else:
        lines.append(f"All checks passed ({len(report.files)} file(s)).")
    return printable_lines("\n".join(lines) + "\n")  # no terminal escape, no 401 digits


def _statistics_lines(report: ValidationReport) -> list[str]:
    rows = report.statistics()
    return [f"{count:>6}  {code:<6} [{letter}] {name}" for code, name, letter, count in rows]


def _json(report: ValidationReport, statistics: bool) -> str:
    items = [
        {
            "code": v.code,
            "name": v.name,
            "smart_letter": v.letter,
            "severity": v.severity,
            "message": v.message,
            "filename": v.file,
            "location": {"row": v.line, "column": v.column},
            "end_location": None,
            "json_path": v.json_path,
            "goal_id": v.goal_id,
            "fix": {"message": v.fix} if v.fix else None,
            "plugin": v.plugin,
            "source": v.source,
            "url": DOCS_URL.format(code=v.code),
        }
        for v in report.violations
    ]
    out: dict[str, Any] = {
        "planengine": __version__,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "schema": report.schema,
        "files_checked": len(report.files),
        "summary": report.counts(),
        "violations": items,
    }
    if statistics:
        out["statistics"] = [
            {"code": code, "name": name, "smart_letter": letter, "count": count}
            for code, name, letter, count in report.statistics()
        ]
    from planengine.io._json_text import json_text  # orjson: for the JSON formats only

    return json_text(out)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _clean_path(path: str | None) -> str:
    path = (path or "").replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github(report: ValidationReport, statistics: bool) -> str:
    lines = []
    for v in report.violations:
        props = [f"title={_gh_property(f'planengine ({v.code} [{v.letter}])')}"]
        if v.file:
            props.append(f"file={_gh_property(_clean_path(v.file))}")
        if v.line is not None:
            props.append(f"line={v.line}")
            if v.column is not None:
                props.append(f"col={v.column}")
        at = attrs.evolve(v.location, file=_clean_path(v.file)) if v.file else v.location
        body = f"{at.where}: {v.code} [{v.letter}] {v.message} ({v.json_path})"
        lines.append(f"::{_GH_LEVEL[v.severity]} {','.join(props)}::{_gh_data(body)}")
    if statistics:
        lines.extend(_statistics_lines(report))
    return "\n".join(lines) + ("\n" if lines else "")


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _sarif(report: ValidationReport, statistics: bool) -> str:
    from planengine._references import cited_ids, full_references  # the bibliography: SARIF only

    rules_meta: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    used = {v.code for v in report.violations}
    all_rules = report.rules.rules if report.rules is not None else ()
    for rule in all_rules:
        if rule.code not in used:
            continue
        index[rule.code] = len(rules_meta)
        meta: dict[str, Any] = {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.message},
            "fullDescription": {"text": rule.docs or rule.message},
            "help": {"text": rule.fix or rule.message},
            "helpUri": DOCS_URL.format(code=rule.code),
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"smart_letter": rule.letter, "source": rule.source},
        }
        if rule.plugin:
            meta["properties"]["plugin"] = rule.plugin
        else:  # a built-in rule's source cites the shipped bibliography: the full references
            meta["properties"]["references"] = list(full_references(cited_ids(rule.source)))
        rules_meta.append(meta)
    results = []
    for v in report.violations:
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": _uri(v.file)}},
            "logicalLocations": [{"fullyQualifiedName": v.json_path, "kind": "object"}],
        }
        if v.line is not None:
            region: dict[str, Any] = {"startLine": v.line}
            if v.column is not None:
                region["startColumn"] = v.column
            location["physicalLocation"]["region"] = region
        result: dict[str, Any] = {
            "ruleId": v.code,
            "level": _SARIF_LEVEL[v.severity],
            "message": {"text": f"{v.message} ({v.json_path})"},
            "locations": [location],
            "properties": {"smart_letter": v.letter, "json_path": v.json_path},
        }
        if v.code in index:
            result["ruleIndex"] = index[v.code]
        if v.goal_id:
            result["properties"]["goal_id"] = v.goal_id
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "planengine",
                        "version": __version__,
                        "informationUri": "https://planengine.dev",
                        "rules": rules_meta,
                    }
                },
                "results": results,
                "properties": {
                    "as_of": report.as_of.isoformat() if report.as_of else None,
                    "schema": report.schema,
                },
            }
        ],
    }
    from planengine.io._json_text import json_text

    return json_text(log)


def _uri(path: str | None) -> str:
    if not path:
        return "unknown"
    from pathlib import PurePath
    from urllib.parse import quote

    clean = _clean_path(path)
    return quote(PurePath(clean).as_posix() if clean else path, safe="/:")


def _junit(report: ValidationReport, statistics: bool) -> str:
    from xml.sax.saxutils import escape, quoteattr

    by_file: dict[str, list[Violation]] = {path: [] for path in report.files}
    for v in report.violations:
        by_file.setdefault(v.file or "<data>", []).append(v)
    # Info findings do not fail the run (exit code 0), so they are passing cases with output.
    failures = sum(1 for v in report.violations if v.severity != "info")
    cases = []
    for path, items in by_file.items():
        if not items:
            cases.append(f'    <testcase name={quoteattr(path)} classname="planengine.validate"/>')
            continue
        for v in items:
            name = quoteattr(f"{_clean_path(path)}:{v.code}:{v.json_path}")
            text = f"{v.location.where}: {v.code} [{v.letter}] {v.message} ({v.json_path})"
            body = (
                f"<system-out>{escape(text)}</system-out>"
                if v.severity == "info"
                else f"<failure message={quoteattr(v.message)} type={quoteattr(v.code)}>"
                f"{escape(text)}</failure>"
            )
            cases.append(
                f'    <testcase name={name} classname="planengine.validate" file={quoteattr(path)}'
                + (f' line="{v.line}"' if v.line is not None else "")
                + f">\n      {body}\n    </testcase>"
            )
    tests = sum(max(1, len(items)) for items in by_file.values())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="planengine" tests="{tests}" failures="{failures}">\n'
        f'  <testsuite name="planengine validate" tests="{tests}" failures="{failures}" '
        f'errors="0" skipped="0">\n' + "\n".join(cases) + "\n  </testsuite>\n</testsuites>\n"
    )


REPORTERS: dict[str, Callable[[Any, bool], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
    "junit": _junit,
}
FORMATS = tuple(REPORTERS)


def render(report: ValidationReport, fmt: str = "text", *, statistics: bool = False) -> str:
    """Render ``report`` in the named format."""
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        from planengine._errors import ConfigError

        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return reporter(report, statistics)
