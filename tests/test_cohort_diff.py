"""``planengine cohort-diff``: exactly the patients whose plans change, with the changes, risk
flags first; a report a clinical-safety officer can sign off."""

from __future__ import annotations

import copy
import json
import pathlib

import pytest

from conftest import AS_OF
from planengine.batch import BatchSettings, run_batch, write_synthetic_cohort
from planengine.batch._diff import diff_cohorts, diff_plans
from planengine.batch._diff_report import render_cohort_diff
from planengine.cli._main import main

LOW_BUDGET = {"plan": {"homework-minutes-per-week": 60}}


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    root = tmp_path_factory.mktemp("diff")
    write_synthetic_cohort(str(root / "cohort"), 40, seed=11, as_of=AS_OF)
    today = BatchSettings(as_of=AS_OF, bundles=False)
    low = BatchSettings(
        as_of=AS_OF, bundles=False, config_table=LOW_BUDGET, config_where="low.toml"
    )
    run_batch(str(root / "cohort"), str(root / "today"), today, jobs=1)
    run_batch(str(root / "cohort"), str(root / "low"), low, jobs=1)
    return root / "cohort", root / "today", root / "low"


def _plans(folder: pathlib.Path) -> dict[str, dict]:
    return {
        p["patient"]["id"]: p
        for p in map(json.loads, (folder / "plans.jsonl").read_text().splitlines())
    }


def _without_limits(plan: dict) -> dict:
    plan = copy.deepcopy(plan)
    del plan["burden"]["limits"]
    return plan


def test_a_lower_homework_budget_lists_exactly_the_patients_whose_plans_change(runs):
    _cohort, today, low = runs
    old, new = _plans(today), _plans(low)
    expected = sorted(p for p in old if _without_limits(old[p]) != _without_limits(new[p]))
    assert expected and len(expected) < len(old), (
        "the cohort must hold both kinds for the test to mean anything"
    )
    diff = diff_cohorts(str(today), str(low))
    assert [p.patient for p in diff.patients] == expected
    assert all(p.changes for p in diff.patients)
    assert diff.compared == len(old) and not diff.only_old and not diff.only_new
    assert diff.limits == ({"what": "limits.homework_minutes_per_week", "old": 210, "new": 60},)
    burden = [c for p in diff.patients for c in p.changes if c["category"] == "burden"]
    assert burden and all(
        c["new"] <= 60 for c in burden if c["what"] == "now.homework_minutes_per_week"
    )
    assert not diff.risk_changed, "a homework budget never changes a risk flag"


def _flag(kind="suicidal-ideation", level="high", item=9):
    return {
        "kind": kind,
        "level": level,
        "rank": 1,
        "status": "open",
        "instrument": "phq9",
        "item": item,
    }


def _plan(flags=(), problems=()):
    return {
        "kind": "plan",
        "risk": {"flags": list(flags)},
        "problems": list(problems),
        "choices": [],
        "burden": {"now": {"homework_minutes_per_week": 30}},
    }


PROBLEM = {
    "id": "problem-sleep",
    "phase": "now",
    "priority": 1,
    "objectives": [],
    "interventions": [{"id": "s1", "phase": "now", "status": "active"}],
}

CASES = {
    "flag-added": (_plan(), _plan([_flag()]), [("flags", "added", "suicidal-ideation:phq9:9")]),
    "flag-removed": (_plan([_flag()]), _plan(), [("flags", "removed", "suicidal-ideation:phq9:9")]),
    "flag-level": (
        _plan([_flag()]),
        _plan([_flag(level="endorsed")]),
        [("flags", "changed", "suicidal-ideation:phq9:9")],
    ),
    "problem-added": (
        _plan(),
        _plan(problems=[PROBLEM]),
        [("problems", "added", "problem-sleep"), ("steps", "added", "problem-sleep/s1")],
    ),
    "step-phase": (
        _plan(problems=[PROBLEM]),
        _plan(
            problems=[
                {**PROBLEM, "interventions": [{"id": "s1", "phase": "later", "status": "active"}]}
            ]
        ),
        [("steps", "changed", "problem-sleep/s1")],
    ),
    "flags-before-problems": (
        _plan(),
        _plan([_flag()], [PROBLEM]),
        [
            ("flags", "added", "suicidal-ideation:phq9:9"),
            ("problems", "added", "problem-sleep"),
            ("steps", "added", "problem-sleep/s1"),
        ],
    ),
    "nothing": (_plan([_flag()]), _plan([_flag()]), []),
}


@pytest.mark.parametrize("name", CASES)
def test_diff_plans(name):
    old, new, expected = CASES[name]
    assert [(c["category"], c["change"], c["what"]) for c in diff_plans(old, new)] == expected


def _write_plans(path: pathlib.Path, plans: dict[str, dict]) -> pathlib.Path:
    path.write_text(
        "".join(json.dumps({**p, "patient": {"id": k}}) + "\n" for k, p in plans.items())
    )
    return path


def test_risk_flag_changes_come_first_in_the_report_and_ids_are_escaped(tmp_path):
    old = _write_plans(tmp_path / "old.jsonl", {"a-<b>": _plan(problems=[PROBLEM]), "z": _plan()})
    new = _write_plans(tmp_path / "new.jsonl", {"a-<b>": _plan(), "z": _plan([_flag()])})
    diff = diff_cohorts(str(old), str(new))
    markdown = render_cohort_diff(diff, "markdown")
    assert markdown.index("### z") < markdown.index("### a-\\<b\\>")
    assert "Patients whose risk flags change (1)" in markdown and "Sign-off" in markdown
    page = render_cohort_diff(diff, "html")
    assert "a-&lt;b&gt;" in page and "<b>" not in page
    assert page.index("<h3>z</h3>") < page.index("<h3>a-&lt;b&gt;</h3>")


def test_the_command(runs, tmp_path, capsys):
    _cohort, today, low = runs
    assert main(["cohort-diff", str(today), str(today)]) == 0
    assert (
        main(
            [
                "cohort-diff",
                str(today),
                str(low),
                "--format",
                "html",
                "-o",
                str(tmp_path / "r.html"),
            ]
        )
        == 1
    )
    assert "Limit homework_minutes_per_week: 210 → 60" in (tmp_path / "r.html").read_text()
    capsys.readouterr()
    unsorted = _write_plans(tmp_path / "u.jsonl", {"b": _plan(), "a": _plan()})
    assert main(["cohort-diff", str(unsorted), str(unsorted)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "u.jsonl:2" in err and "sorted by patient id" in err


def test_the_command_plans_the_cohort_under_two_configuration_files(runs, tmp_path, capsys):
    cohort, today, low = runs
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "planengine.toml").write_text("[plan]\n")
    (tmp_path / "new" / "planengine.toml").write_text("[plan]\nhomework-minutes-per-week = 60\n")
    args = [str(tmp_path / "old" / "planengine.toml"), str(tmp_path / "new" / "planengine.toml")]
    assert (
        main(
            [
                "cohort-diff",
                *args,
                "--cohort",
                str(cohort),
                "--as-of",
                "2026-11-25",
                "-j",
                "1",
                "--format",
                "json",
            ]
        )
        == 1
    )
    report = json.loads(capsys.readouterr().out)
    assert [p["patient"] for p in report["patients"]] == [
        p.patient for p in diff_cohorts(str(today), str(low)).patients
    ]
