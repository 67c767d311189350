"""Issue 19 invariants over generated caseloads (hypothesis): an open risk flag always makes the
exit code 1 or higher, whatever else is in the run; every output line that mentions a flag names
its patient."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import tempfile
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planengine.render._review_formats import render_review
from planengine.review._files import review_paths

AS_OF = dt.date(2027, 1, 20)
DAYS = st.integers(1, 120).map(lambda d: (AS_OF - dt.timedelta(days=d)).isoformat())

patient_file = st.fixed_dictionaries(
    {
        "item9": st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=3),
        "dates": st.lists(DAYS, min_size=3, max_size=3),
        "note": st.sampled_from(["", "slept badly", "I want to die"]),
        "disposition": st.one_of(st.none(), DAYS),
        "next_review": st.integers(-30, 60),
        "broken": st.sampled_from(["", "", "", "yaml", "value"]),
    }
)


def goal_file(patient: str, spec: dict[str, Any]) -> str:
    data: dict[str, Any] = {
        "planengine": 1,
        "patient": {"id": patient},
        "assessments": [
            {"instrument": "phq9", "date": date, "answers": [1, 1, 1, 1, 1, 1, 1, 1, value]}
            for value, date in zip(spec["item9"], spec["dates"], strict=False)
        ],
        "goals": [
            {
                "id": "walking",
                "area": "lifestyle",
                "statement": "Walk on 5 days a week.",
                "measure": {
                    "metric": "walking days per week",
                    "baseline": {"value": 0, "date": "2026-10-01"},
                    "target": {"value": 5, "comparator": ">="},
                },
                "start_date": "2026-10-01",
                "due_date": "2027-06-01",
                "review_interval_days": 30,
                "progress": [
                    {"date": spec["dates"][0], "value": "x" if spec["broken"] == "value" else 5}
                ]
                + ([{"date": spec["dates"][1], "note": spec["note"]}] if spec["note"] else []),
            }
        ],
    }
    if spec["disposition"] is not None:
        day = dt.date.fromisoformat(spec["disposition"])
        data["risk_dispositions"] = [
            {
                "signal": "phq9.item9",
                "by": "Dr K",
                "date": spec["disposition"],
                "outcome": "assessed-safety-plan-in-place",
                "next_review": (day + dt.timedelta(days=max(1, spec["next_review"]))).isoformat(),
            }
        ]
    text = yaml.safe_dump(data, sort_keys=False)
    return text + "goals: [\n" if spec["broken"] == "yaml" else text


def run_of(specs: list[dict[str, Any]]) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        for number, spec in enumerate(specs):
            path = pathlib.Path(folder) / f"{number:02d}.yaml"
            path.write_text(goal_file(f"pt-{number:02d}", spec), encoding="utf-8")
        run = review_paths([folder], as_of=AS_OF)
        return run, {fmt: render_review(run, fmt) for fmt in ("text", "markdown", "json", "html")}


@settings(max_examples=40, deadline=None)
@given(st.lists(patient_file, min_size=1, max_size=4))
def test_an_open_flag_always_makes_the_exit_code_one_or_more(specs: list[dict[str, Any]]) -> None:
    run, outputs = run_of(specs)
    if run.open_flags:
        assert run.exit_code >= 1
        for flag in run.open_flags:  # and it is printed, whatever the exit code
            assert all(flag.id in out for out in outputs.values())


@settings(max_examples=40, deadline=None)
@given(st.lists(patient_file, min_size=1, max_size=4))
def test_every_line_that_mentions_a_flag_names_its_patient(specs: list[dict[str, Any]]) -> None:
    _, outputs = run_of(specs)
    for fmt in ("text", "markdown"):
        for line in outputs[fmt].splitlines():
            for match in re.finditer(r"(\S*)\brisk-\d+\b", line):
                assert re.search(r"pt-\d\d/risk-\d+", match.group(0)), (fmt, line)
            if "RISK FLAG" in line or "Risk flags of" in line:
                assert re.search(r"pt-\d\d", line), (fmt, line)
