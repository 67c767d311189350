"""Review via FHIR (docs/fhir.md, "Review"): the Goals the plan export wrote and the progress in
Observations give the same review as the goal file with the same values; the Bundle of Goal
updates validates, keeps each Goal's lifecycleStatus, is the same bytes for the same input and
as-of; a PHQ-9 item 9 above 0 in an Observation raises the flag the YAML path raises."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES
from planengine import Engine, InputError, load_assessment, review_goals
from planengine.fhir import (
    bundle_to_json,
    plan_to_fhir_bundle,
    resources_of,
    review_inputs_from_fhir,
    review_to_fhir_bundle,
    validate_bundle,
)
from planengine.plan._risk_wording import claims_no_risk
from planengine.render._plan import plan_to_goal_document
from planengine.review._model import ACHIEVEMENT_STATUSES

REVIEW_DAY = dt.date(2027, 1, 15)
LOINC = "http://loinc.org"
PHQ9_ITEMS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
]
ANSWER_CODES = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def _plan(engine: Engine, name: str = "moderate-phq9-gad7-isi.yaml") -> tuple[Any, dict[str, Any]]:
    assessment = load_assessment(EXAMPLES / name)
    plan = engine.plan(assessment, as_of=AS_OF)
    return plan, plan_to_fhir_bundle(plan, assessment=assessment)


def _observation(patient: str, code: str, day: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "subject": {"reference": f"Patient/{patient}"},
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "effectiveDateTime": f"{day}T09:30:00+01:00",
        **value,
    }


def _phq9_with_items(patient: str, day: str, answers: list[int]) -> dict[str, Any]:
    components = [
        {"code": {"coding": [{"system": LOINC, "code": c}]}, "valueInteger": v}
        for c, v in zip(PHQ9_ITEMS, answers, strict=True)
    ]
    return _observation(patient, "44261-6", day, valueInteger=sum(answers), component=components)


def _us_core_panel(patient: str, day: str, answers: list[int]) -> list[dict[str, Any]]:
    """A PHQ-9 as US Core shapes it: a 44249-1 panel whose items and total are member
    Observations (answers as LOINC answer codes), linked by hasMember (own data)."""
    members = [
        {
            **_observation(
                patient,
                code,
                day,
                valueCodeableConcept={"coding": [{"system": LOINC, "code": ANSWER_CODES[v]}]},
            ),
            "id": f"item-{n}",
        }
        for n, (code, v) in enumerate(zip(PHQ9_ITEMS, answers, strict=True), start=1)
    ]
    total = {
        **_observation(
            patient,
            "44261-6",
            day,
            valueQuantity={
                "value": sum(answers),
                "unit": "{score}",
                "system": "http://unitsofmeasure.org",
                "code": "{score}",
            },
        ),
        "id": "total",
    }
    panel = {
        **_observation(patient, "44249-1", day),
        "id": "panel",
        "hasMember": [{"reference": f"Observation/{m['id']}"} for m in [*members, total]],
    }
    return [panel, *members, total]


def _review(
    bundle: dict[str, Any], observations: list[dict[str, Any]], day: dt.date = REVIEW_DAY
) -> Any:
    resources = resources_of(json.dumps(bundle)) + resources_of(
        "\n".join(json.dumps(o) for o in observations) + "\n", file="obs.ndjson"
    )
    (found,) = review_inputs_from_fhir(resources)
    return found.review(as_of=day)


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_update_bundle_validates_and_never_closes_a_goal(engine: Engine) -> None:
    plan, bundle = _plan(engine)
    result = _review(
        bundle, [_phq9_with_items(plan.patient_id, "2027-01-10", [1, 1, 1, 1, 0, 0, 0, 0, 0])]
    )
    updates = review_to_fhir_bundle([result])
    assert validate_bundle(updates) == []
    assert updates["type"] == "transaction"
    goals = _of(updates, "Goal")
    assert len(goals) == len(result.review.goals) > 0
    for goal, reviewed in zip(goals, result.review.goals, strict=True):
        (status,) = goal["achievementStatus"]["coding"]
        assert status["system"] == "http://terminology.hl7.org/CodeSystem/goal-achievement"
        assert status["code"] == reviewed.status.code in ACHIEVEMENT_STATUSES
        assert goal["lifecycleStatus"] == "proposed", "a review never changes the lifecycle"
        assert reviewed.status.rule in goal["note"][-1]["text"]
    phq9 = next(g for g in result.review.goals if g.instrument == "phq9")
    assert phq9.status.code == "achieved"  # 12 -> 4: the target (<= 6) is met
    (provenance,) = _of(updates, "Provenance")
    assert {t["reference"] for t in provenance["target"]} == {
        e["fullUrl"] for e in updates["entry"][:-1]
    }
    assert not [t for t in _texts(updates) if claims_no_risk(t)]


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def test_the_same_input_and_as_of_give_the_same_bytes(engine: Engine) -> None:
    plan, bundle = _plan(engine, "severe-with-risk-flag.yaml")
    observations = [_phq9_with_items(plan.patient_id, "2027-01-10", [2, 2, 2, 2, 1, 1, 1, 1, 0])]
    first = bundle_to_json(review_to_fhir_bundle([_review(bundle, observations)]))
    second = bundle_to_json(
        review_to_fhir_bundle(
            [_review(_plan(Engine(), "severe-with-risk-flag.yaml")[1], observations)]
        )
    )
    assert first == second


def test_fhir_progress_gives_the_review_the_goal_file_gives(engine: Engine) -> None:
    """The Goals and Observations review exactly as the plan's goal file with the same values."""
    plan, bundle = _plan(engine)
    answers = [2, 1, 1, 1, 1, 1, 1, 0, 0]
    diary = {
        "resourceType": "Observation",
        "status": "final",
        "subject": {"reference": f"Patient/{plan.patient_id}"},
        "code": {
            "coding": [
                {
                    "system": "http://example.org/planengine/CodeSystem/metric",
                    "code": "mornings-with-a-completed-sleep-diary",
                }
            ]
        },
        "effectiveDateTime": "2026-12-06",
        "valueQuantity": {"value": 4},
    }
    via_fhir = _review(
        bundle, [_phq9_with_items(plan.patient_id, "2027-01-10", answers), diary]
    ).review
    document = plan_to_goal_document(plan)
    document.setdefault("assessments", []).append(
        {"instrument": "phq9", "date": "2027-01-10", "total": sum(answers), "answers": answers}
    )
    for goal in document["goals"]:
        if goal["id"] == "sleep-sleep-diary":
            goal["progress"] = [{"date": "2026-12-06", "value": 4}]
    via_yaml = review_goals(document, as_of=REVIEW_DAY)

    def essentials(review: Any) -> list[Any]:
        return [
            (
                g.goal_id,
                g.status,
                g.trajectory.position,
                [(m.date, m.value, m.source) for m in g.measurements],
            )
            for g in review.goals
        ]

    assert essentials(via_fhir) == essentials(via_yaml)
    assert [f.to_dict() for f in via_fhir.risk_flags] == [f.to_dict() for f in via_yaml.risk_flags]


def _phq9_item9_flags(review: Any) -> list[tuple[str, Any, Any, Any]]:
    return [
        (f.kind, f.instrument, f.item, f.value) for f in review.risk_flags if f.instrument == "phq9"
    ]


@pytest.mark.parametrize("shape", ["components", "us-core-panel", "item-alone"])
def test_item9_above_0_in_an_observation_raises_the_flag_the_yaml_path_raises(
    engine: Engine, shape: str
) -> None:
    plan, bundle = _plan(engine)
    answers = [1, 1, 1, 1, 1, 0, 0, 0, 2]
    pid = plan.patient_id
    observations = {
        "components": [_phq9_with_items(pid, "2027-01-10", answers)],
        "us-core-panel": _us_core_panel(pid, "2027-01-10", answers),
        "item-alone": [_observation(pid, "44260-8", "2027-01-10", valueInteger=2)],
    }[shape]
    via_fhir = _review(bundle, observations).review
    document = plan_to_goal_document(plan)
    entry: dict[str, Any] = {"instrument": "phq9", "date": "2027-01-10"}
    entry |= (
        {"answers": [None] * 8 + [2]}
        if shape == "item-alone"
        else {"total": sum(answers), "answers": answers}
    )
    document.setdefault("assessments", []).append(entry)
    via_yaml = review_goals(document, as_of=REVIEW_DAY)
    assert _phq9_item9_flags(via_fhir) == _phq9_item9_flags(via_yaml)
    assert any(f.item == 9 and f.is_open for f in via_fhir.risk_flags)
    updates = review_to_fhir_bundle([_review(bundle, observations)])
    flags = _of(updates, "Flag")
    assert flags and {f["status"] for f in flags} == {"active"}
    assert validate_bundle(updates) == []


def test_a_goal_file_with_observations_reviews_as_the_goal_file_with_assessments(
    tmp_path: pathlib.Path,
) -> None:
    source = (EXAMPLES / "review" / "risk-item9.yaml").read_text(encoding="utf-8")
    without = source.split("assessments:")[0] + "goals:" + source.split("goals:", 1)[1]
    goal_file = tmp_path / "goals.yaml"
    goal_file.write_text(without, encoding="utf-8")
    rows = [
        ("2026-09-01", [2, 2, 2, 2, 2, 1, 2, 1, 0]),
        ("2026-10-15", [2, 2, 2, 2, 2, 2, 1, 1, 1]),
        ("2026-11-20", [2, 2, 2, 2, 2, 2, 2, 1, 2]),
    ]
    observations = tmp_path / "obs.ndjson"
    observations.write_text(
        "".join(json.dumps(_phq9_with_items("p-105", d, a)) + "\n" for d, a in rows),
        encoding="utf-8",
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "planengine",
            "review",
            str(goal_file),
            "--observations",
            str(observations),
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    yaml_out = subprocess.run(
        [
            sys.executable,
            "-m",
            "planengine",
            "review",
            str(EXAMPLES / "review" / "risk-item9.yaml"),
            "--as-of",
            "2026-11-25",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == yaml_out.returncode == 1, out.stderr
    via_fhir, via_yaml = json.loads(out.stdout), json.loads(yaml_out.stdout)

    def essentials(report: dict[str, Any]) -> Any:
        (review,) = report["reviews"]
        return [(g["status"], [m["value"] for m in g["measurements"]]) for g in review["goals"]], [
            (f["kind"], f["item"], f["value"], f["status"]) for f in review["risk_flags"]
        ]

    assert essentials(via_fhir) == essentials(via_yaml)


def test_a_finding_about_an_observation_names_the_observation(engine: Engine) -> None:
    plan, bundle = _plan(engine)
    late = _phq9_with_items(plan.patient_id, "2027-03-01", [0] * 9)
    review = _review(
        bundle, [_phq9_with_items(plan.patient_id, "2027-01-10", [1] * 8 + [0]), late]
    ).review
    (finding,) = [f for f in review.findings if f.code == "input.after-as-of"]
    assert (finding.file, finding.line, finding.json_path) == ("obs.ndjson", 2, "$")


def test_reviewing_the_updated_goals_again_keeps_one_note_per_review_day(engine: Engine) -> None:
    plan, bundle = _plan(engine)
    observations = [_phq9_with_items(plan.patient_id, "2027-01-10", [1] * 8 + [0])]
    updates = review_to_fhir_bundle([_review(bundle, observations)])
    server_goals = [
        {**g, "id": f"g{n}", "meta": {**g["meta"], "versionId": "3"}}
        for n, g in enumerate(_of(updates, "Goal"))
    ]
    again = review_to_fhir_bundle(
        [
            _review(
                {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "entry": [{"resource": g} for g in server_goals],
                },
                observations,
            )
        ]
    )
    assert validate_bundle(again) == []
    for entry, before in zip(
        [e for e in again["entry"] if e["resource"]["resourceType"] == "Goal"],
        server_goals,
        strict=True,
    ):
        assert entry["request"] == {
            "method": "PUT",
            "url": f"Goal/{before['id']}",
            "ifMatch": 'W/"3"',
        }
        reviews = [
            n
            for n in entry["resource"]["note"]
            if n.get("authorString", "").startswith("planengine")
        ]
        assert len(reviews) == 1


def test_review_format_fhir_on_the_command_line(tmp_path: pathlib.Path) -> None:
    bundle = tmp_path / "plan.json"
    bundle.write_text(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "planengine",
                "plan",
                str(EXAMPLES / "moderate-phq9-gad7-isi.yaml"),
                "--as-of",
                AS_OF.isoformat(),
                "--format",
                "fhir",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout,
        encoding="utf-8",
    )
    patient = next(
        e["resource"]["subject"]["reference"]
        for e in json.loads(bundle.read_text())["entry"]
        if e["resource"]["resourceType"] == "Goal"
    ).split("/")[1]
    observations = tmp_path / "obs.ndjson"
    observations.write_text(
        json.dumps(_observation(patient, "44260-8", "2027-01-10", valueInteger=1)) + "\n",
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "planengine",
        "review",
        str(bundle),
        "--observations",
        str(observations),
        "--as-of",
        REVIEW_DAY.isoformat(),
        "--format",
        "fhir",
    ]
    out = subprocess.run(command, capture_output=True, text=True)
    assert out.returncode == 1, out.stderr  # an open risk flag needs attention
    updates = json.loads(out.stdout)
    assert validate_bundle(updates) == [] and _of(updates, "Flag")
    assert out.stdout == subprocess.run(command, capture_output=True, text=True).stdout
    goal_file = subprocess.run(
        [
            sys.executable,
            "-m",
            "planengine",
            "review",
            str(EXAMPLES / "review" / "on-track.yaml"),
            "--as-of",
            "2026-11-25",
            "--format",
            "fhir",
        ],
        capture_output=True,
        text=True,
    )
    assert goal_file.returncode == 2 and goal_file.stdout == ""
    assert (
        len(goal_file.stderr.strip().splitlines()) == 1
        and "no FHIR Goal to update" in goal_file.stderr
    )
    assert "Traceback" not in goal_file.stderr


def test_a_panel_member_missing_from_the_input_is_an_error_not_a_lost_item() -> None:
    panel = _us_core_panel("a", "2027-01-10", [0] * 9)
    with pytest.raises(InputError) as caught:
        review_inputs_from_fhir(
            resources_of("\n".join(json.dumps(o) for o in panel[:-2]) + "\n", file="obs.ndjson")
        )
    assert (caught.value.file, caught.value.line) == ("obs.ndjson", 1)
    assert caught.value.path == "$.hasMember[8]"


def test_results_of_a_patient_with_no_goal_under_review_are_named_not_dropped(
    engine: Engine,
) -> None:
    _plan_made, bundle = _plan(engine)
    other = _observation("someone-else", "44260-8", "2027-01-10", valueInteger=3)
    resources = resources_of(json.dumps(bundle)) + resources_of(
        json.dumps(other) + "\n", file="obs.ndjson"
    )
    inputs = review_inputs_from_fhir(resources)
    assert len(inputs) == 1
    (notice,) = [n for n in inputs.notices if "someone-else" in n]
    assert "obs.ndjson: $" in notice and "NOT read for risk items" in notice
