"""FHIR input that must not lose a risk signal or run away: an item given twice (in a
QuestionnaireResponse, in an Observation's components, in a panel's members) is an input error
naming file, line and path, in ``import``, ``batch`` and ``review --observations``; the other
resources are still read; input files are held to ``max-file-bytes``; an output name that cannot
be written is refused before anything is written (docs/fhir.md, docs/batch.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planengine import InputError
from planengine.cli._main import main
from planengine.fhir import assessments_from_fhir, resources_of

LOINC = "http://loinc.org"
PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def qr(patient: str, values: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "questionnaire": "http://loinc.org/q/44249-1", "subject": {"reference": f"Patient/{patient}"},
        "authored": "2026-11-20T10:00:00Z",
        "item": [{"linkId": f"/{code}", "answer": [{"valueInteger": v}]} for code, v in values],
    }


def twice_nine(patient: str = "p1") -> dict[str, Any]:
    """PHQ-9 with item 9 answered 2, then again 0."""
    return qr(patient, [*((c, 0) for c in PHQ9_ITEMS[:8]), ("44260-8", 2), ("44260-8", 0)])


def observation(patient: str, components: list[tuple[str, int]], **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation", "status": "final", "subject": {"reference": f"Patient/{patient}"},
        "code": {"coding": [{"system": LOINC, "code": "44261-6"}]}, "effectiveDateTime": "2026-11-20",
        "valueInteger": 2,
        "component": [{"code": {"coding": [{"system": LOINC, "code": c}]}, "valueInteger": v} for c, v in components],
        **extra,
    }


def ndjson(path: Path, *resources: dict[str, Any]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in resources))
    return str(path)


def test_an_item_answered_twice_in_a_questionnaire_response_is_an_error() -> None:
    with pytest.raises(InputError) as caught:
        assessments_from_fhir(resources_of(json.dumps(twice_nine()), file="in.json"))
    text = str(caught.value)
    assert "in.json" in text and "$.item[9]" in text and "item 9" in text and "twice" in text


def test_a_component_given_twice_is_an_error() -> None:
    obs = observation("p1", [*((c, 0) for c in PHQ9_ITEMS[:8]), ("44260-8", 2), ("44260-8", 0)])
    with pytest.raises(InputError) as caught:
        assessments_from_fhir(resources_of(json.dumps(obs) + "\n" + json.dumps(obs), file="o.ndjson"))
    assert "o.ndjson:1" in str(caught.value) and "$.component[9]" in str(caught.value)


def test_a_panel_with_two_members_for_one_item_is_an_error() -> None:
    def member(mid: str, value: int) -> dict[str, Any]:
        return {"resourceType": "Observation", "id": mid, "status": "final", "subject": {"reference": "Patient/p1"},
                "code": {"coding": [{"system": LOINC, "code": "44260-8"}]}, "effectiveDateTime": "2026-11-20",
                "valueInteger": value}
    panel = {"resourceType": "Observation", "id": "panel", "status": "final", "subject": {"reference": "Patient/p1"},
             "code": {"coding": [{"system": LOINC, "code": "44249-1"}]}, "effectiveDateTime": "2026-11-20",
             "hasMember": [{"reference": "Observation/a"}, {"reference": "Observation/b"}]}
    text = "\n".join(json.dumps(r) for r in (panel, member("a", 2), member("b", 0)))
    with pytest.raises(InputError) as caught:
        assessments_from_fhir(resources_of(text, file="p.ndjson"))
    assert "p.ndjson:3" in str(caught.value) and "twice" in str(caught.value)


def test_import_names_the_repeat_and_still_reads_the_other_patients(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = qr("p2", [(c, 1) for c in PHQ9_ITEMS])
    source = ndjson(tmp_path / "qr.ndjson", good, twice_nine("p1"))
    code, _, err = run(capsys, "import", source, "-o", str(tmp_path / "out"))
    assert code == 2
    refused, unwritten = [e for e in err.splitlines() if "error" in e]
    assert "qr.ndjson:2" in refused and "$.item[9]" in refused
    assert "patient 'p1': no assessment written" in unwritten
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p2.yaml"]


def test_review_observations_refuses_a_repeated_component(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    obs = observation("p1", [*((c, 0) for c in PHQ9_ITEMS[:8]), ("44260-8", 2), ("44260-8", 0)])
    source = ndjson(tmp_path / "obs.ndjson", obs)
    goal = {"resourceType": "Goal", "lifecycleStatus": "active", "subject": {"reference": "Patient/p1"},
            "description": {"text": "x"}}
    goals = ndjson(tmp_path / "goals.ndjson", goal)
    code, out, err = run(capsys, "review", goals, "--observations", source, "--as-of", "2026-11-25")
    assert code == 2, out
    assert "obs.ndjson" in err and "$.component[9]" in err


def test_batch_names_the_repeat_and_plans_the_others(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = tmp_path / "bt"
    export.mkdir()
    ndjson(export / "QuestionnaireResponse.ndjson", qr("p2", [(c, 1) for c in PHQ9_ITEMS]), twice_nine("p1"))
    code, _, _ = run(capsys, "batch", "-q", "--as-of", "2026-11-25", "-j", "1", str(export), "-o", str(tmp_path / "o"))
    assert code == 2
    errors = [json.loads(line) for line in (tmp_path / "o" / "errors.jsonl").read_text().splitlines()]
    (error,) = errors
    assert error["file"].endswith("QuestionnaireResponse.ndjson") and error["line"] == 2
    flags = (tmp_path / "o" / "flags.jsonl").read_text()
    assert '"p1"' in flags  # a patient whose item 9 is 2 in one of the copies stays in sight


@pytest.mark.parametrize("command", ["import", "review"])
def test_fhir_input_is_held_to_max_file_bytes(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.ndjson"
    big.write_bytes(b" " * (1024 * 1024 + 10))
    args = ["import", str(big)] if command == "import" else [
        "review", str(tmp_path / "g.yaml"), "--observations", str(big), "--as-of", "2026-11-25"]
    (tmp_path / "g.yaml").write_text("planengine: 1\n")
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "larger than the limit" in err and "big.ndjson" in err


def test_import_refuses_a_patient_id_too_long_for_a_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    long_id = "x" * 300
    source = ndjson(tmp_path / "qr.ndjson", qr("a", [(c, 1) for c in PHQ9_ITEMS]), qr(long_id, [(c, 1) for c in PHQ9_ITEMS]))
    code, _, err = run(capsys, "import", source, "-o", str(tmp_path / "out"))
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "qr.ndjson:2: $.subject.reference" in line and "nothing was written" in line
    assert not (tmp_path / "out").exists()


def test_batch_refuses_an_output_folder_inside_its_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = tmp_path / "bx"
    export.mkdir()
    ndjson(export / "QuestionnaireResponse.ndjson", qr("p2", [(c, 1) for c in PHQ9_ITEMS]))
    for out in (export, export / "sub"):
        code, _, err = run(capsys, "batch", "-q", "--as-of", "2026-11-25", str(export), "-o", str(out))
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and "input" in err
    assert sorted(p.name for p in export.iterdir()) == ["QuestionnaireResponse.ndjson"]


def test_batch_names_the_responses_of_one_day_and_keeps_the_patient_in_the_queue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = tmp_path / "bt"
    export.mkdir()
    ndjson(export / "Patient.ndjson", {"resourceType": "Patient", "id": "p1"})
    two = [qr("p1", [(c, 1) for c in PHQ9_ITEMS[:8]] + [("44260-8", v)]) for v in (2, 0)]
    ndjson(export / "QuestionnaireResponse.ndjson", *two)
    code, _, _ = run(capsys, "batch", "-q", "--as-of", "2026-11-25", "-j", "1", str(export), "-o", str(tmp_path / "o"))
    assert code == 2
    (error,) = [json.loads(line) for line in (tmp_path / "o" / "errors.jsonl").read_text().splitlines()]
    assert error["file"].endswith("QuestionnaireResponse.ndjson") and error["line"] == 2
    assert "QuestionnaireResponse.ndjson:1" in error["reason"]
    (flag,) = [json.loads(line) for line in (tmp_path / "o" / "flags.jsonl").read_text().splitlines()]
    assert flag["patient"] == "p1" and flag["source"] == "input-error" and flag["value"] == 2
    assert flag["line"] == 1 and flag["kind"] == "suicidal-ideation" and flag["status"] == "open"


def older(patient: str) -> dict[str, Any]:
    """An earlier, readable PHQ-9 of the same patient (every item 1)."""
    response = qr(patient, [(c, 1) for c in PHQ9_ITEMS])
    response["authored"] = "2026-10-01T10:00:00Z"
    return response


@pytest.mark.parametrize("to_folder", [False, True])
def test_a_patient_with_a_refused_resource_gets_no_assessment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, to_folder: bool
) -> None:
    """(Code review, session 31) The refused response held the newest item 9: an assessment
    made from the older response alone would plan without it. The other patient is written."""
    source = ndjson(tmp_path / "qr.ndjson", older("p1"), twice_nine("p1"), older("p2"))
    out_dir = tmp_path / "out"
    args = ["import", source, *(["-o", str(out_dir)] if to_folder else [])]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert "patient 'p1': no assessment written" in err
    if to_folder:
        assert sorted(p.name for p in out_dir.iterdir()) == ["p2.yaml"]
    else:
        assert "p2" in out and "p1" not in out


def test_the_library_marks_the_refused_patient() -> None:
    errors: list[InputError] = []
    text = "\n".join(json.dumps(r) for r in (older("p1"), twice_nine("p1"), older("p2")))
    patients = assessments_from_fhir(resources_of(text, file="qr.ndjson"), errors=errors)
    assert len(errors) == 1
    assert {p.patient_id: p.refused for p in patients} == {"p1": True, "p2": False}


def test_a_risk_answer_named_by_two_codings_is_listed_once() -> None:
    """(Code review, session 31) One component gives one answer, however many codings name its
    item: the refused patient's unread risk answers list it once."""
    from planengine.fhir._risk_scan import risk_answers
    from planengine.instruments._data_files import load_builtin_instruments

    obs = observation("p1", [*((c, 0) for c in PHQ9_ITEMS[:8]), ("44260-8", 2)])
    obs["component"][8]["code"]["coding"].append({"system": LOINC, "code": "44260-8"})
    found = risk_answers(resources_of(json.dumps(obs), file="o.json"), load_builtin_instruments())
    assert len(found) == 1
