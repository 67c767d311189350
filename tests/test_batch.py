"""``planengine batch``: a seeded synthetic cohort in, plans, Bundles, a flag queue, an errors
file and a reconciled summary out; the same bytes whatever the pool size or shard count."""

from __future__ import annotations

import json
import pathlib
import shutil

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OF, EXAMPLES
from planengine.batch import BatchSettings, run_batch, write_synthetic_cohort
from planengine.batch._local import LocalRun
from planengine.cli._main import main

SETTINGS = BatchSettings(as_of=AS_OF, strict=True)
OUTPUTS = ("plans.jsonl", "bundles.ndjson", "flags.jsonl", "errors.jsonl", "summary.json")
#: PHQ-9 item 9 and LOINC's "Not at all" answer, as a FHIR QuestionnaireResponse carries them
ITEM9_LINK, NOT_AT_ALL = "/44260-8", "LA6568-5"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("cohort")
    write_synthetic_cohort(str(folder), 60, seed=7, as_of=AS_OF)
    return folder


def _lines(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _patients_with_item9(folder: pathlib.Path) -> set[str]:
    """Counted from the export itself, not through the engine: every patient with a PHQ-9 whose
    item 9 was answered anything but "not at all"."""
    found = set()
    for resource in _lines(folder / "QuestionnaireResponse.ndjson"):
        if not resource["questionnaire"].endswith("/phq9"):
            continue
        for item in resource["item"]:
            if (
                item["linkId"] == ITEM9_LINK
                and item["answer"][0]["valueCoding"]["code"] != NOT_AT_ALL
            ):
                found.add(resource["subject"]["reference"].removeprefix("Patient/"))
    return found


def test_the_flag_queue_holds_exactly_the_patients_whose_data_carries_a_risk_signal(
    cohort, tmp_path
):
    summary = run_batch(str(cohort), str(tmp_path), SETTINGS, jobs=1)
    flags = _lines(tmp_path / "flags.jsonl")
    expected = _patients_with_item9(cohort)
    assert expected, "the seeded cohort must hold endorsements for this test to mean anything"
    assert {flag["patient"] for flag in flags} == expected
    assert summary.patients_flagged == len(expected)
    assert all(flag["kind"] == "suicidal-ideation" and flag["status"] == "open" for flag in flags)
    ranks = [flag["rank"] for flag in flags]
    assert ranks == sorted(ranks), "most urgent first"


def test_every_patient_is_planned_once_in_patient_order_and_the_summary_reconciles(
    cohort, tmp_path
):
    summary = run_batch(str(cohort), str(tmp_path), SETTINGS, jobs=1)
    plans = _lines(tmp_path / "plans.jsonl")
    bundles = _lines(tmp_path / "bundles.ndjson")
    patients = [resource["id"] for resource in _lines(cohort / "Patient.ndjson")]
    assert [plan["patient"]["id"] for plan in plans] == sorted(patients)
    assert [b["resourceType"] for b in bundles] == ["Bundle"] * len(plans)
    assert all(plan["status"] == "draft" for plan in plans)
    assert (summary.patients_in, summary.plans_out, summary.patients_with_errors) == (60, 60, 0)
    assert summary.reconciled
    written = json.loads((tmp_path / "summary.json").read_text())
    assert written["reconciled"] is True and written["patients_in"] == 60
    assert not list(tmp_path.glob(".planengine-*")), "no scratch file is left behind"


def test_same_bytes_whatever_the_pool_size_and_the_shard_count(cohort, tmp_path):
    run_batch(str(cohort), str(tmp_path / "one"), SETTINGS, jobs=1)
    run_batch(str(cohort), str(tmp_path / "pool"), SETTINGS, jobs=2)
    sharded = tmp_path / "sharded"
    sharded.mkdir()
    run = LocalRun(
        [str(p) for p in sorted(cohort.iterdir())],
        SETTINGS,
        jobs=1,
        scratch=str(sharded),
        shard_bytes=20_000,
    )
    assert run.shards > 5
    try:
        merged = [result.plan for result in run.results()]
    finally:
        run.close()
    for name in OUTPUTS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes(), (
            name
        )
    assert [p for p in merged if p] == (tmp_path / "one" / "plans.jsonl").read_text().splitlines()


def _write(path: pathlib.Path, lines: list[str]) -> pathlib.Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_bad_line_or_patient_is_an_error_entry_with_file_line_and_reason(cohort, tmp_path):
    source = tmp_path / "in"
    shutil.copytree(cohort, source)
    bad = [
        "{not json",
        json.dumps({"resourceType": "QuestionnaireResponse", "status": "completed", "item": []}),
        json.dumps({"resourceType": "Practitioner", "id": "dr-1"}),
        json.dumps(
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "authored": "2026-11-20",
                "questionnaire": "http://example.org/unknown",
                "subject": {"reference": "Patient/zz-broken"},
                "item": [{"linkId": "q1", "answer": [{"valueInteger": 1}]}],
            }
        ),
    ]
    bad_file = _write(source / "extra.ndjson", bad)
    summary = run_batch(str(source), str(tmp_path / "out"), SETTINGS, jobs=1)
    errors = _lines(tmp_path / "out" / "errors.jsonl")
    assert [(e["file"], e["line"], e["patient"]) for e in errors] == [
        (str(bad_file), 1, None),
        (str(bad_file), 2, None),
        (str(bad_file), 4, "zz-broken"),
    ]
    assert "not JSON" in errors[0]["reason"] and "names no patient" in errors[1]["reason"]
    assert "which instrument" in errors[2]["reason"]
    assert (summary.patients_in, summary.plans_out, summary.patients_with_errors) == (61, 60, 1)
    assert summary.records_without_patient == 2 and summary.reconciled
    assert summary.resources_skipped == {"Practitioner": 1}


def test_a_folder_of_assessment_documents_and_a_jsonl_file_of_them(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (
        "moderate-phq9-gad7-isi.yaml",
        "severe-with-risk-flag.yaml",
        "mild-sleep-only.yaml",
    ):
        shutil.copy(EXAMPLES / name, folder / name)
    summary = run_batch(str(folder), str(tmp_path / "out"), SETTINGS, jobs=1)
    assert summary.plans_out == 3 and summary.reconciled
    import yaml

    documents = [
        yaml.safe_load((folder / n).read_text()) for n in sorted(p.name for p in folder.iterdir())
    ]
    jsonl = _write(
        tmp_path / "cohort.jsonl",
        [json.dumps(d, default=str) for d in documents] + [json.dumps(documents[0], default=str)],
    )
    summary = run_batch(str(jsonl), str(tmp_path / "out2"), SETTINGS, jobs=1)
    errors = _lines(tmp_path / "out2" / "errors.jsonl")
    assert summary.plans_out == 2 and summary.patients_with_errors == 1 and summary.reconciled
    assert "2 assessment documents" in errors[0]["reason"] and errors[0]["line"] == 4
    plans = _lines(tmp_path / "out" / "plans.jsonl")
    assert [p["patient"]["id"] for p in plans] == sorted(p["patient"]["id"] for p in plans)


def test_an_output_never_replaces_an_input(cohort, tmp_path):
    source = tmp_path / "in"
    shutil.copytree(cohort, source)
    shutil.copy(source / "Goal.ndjson", source / "plans.jsonl")
    before = (source / "plans.jsonl").read_bytes()
    assert (
        main(
            [
                "batch",
                str(source / "Goal.ndjson"),
                str(source / "plans.jsonl"),
                "-o",
                str(source),
                "--as-of",
                "2026-11-25",
                "-q",
            ]
        )
        == 2
    )
    assert (source / "plans.jsonl").read_bytes() == before


def test_the_command_exits_2_when_the_errors_file_is_not_empty(cohort, tmp_path, capsys):
    assert (
        main(["batch", str(cohort), "-o", str(tmp_path / "ok"), "--as-of", "2026-11-25", "-j", "1"])
        == 0
    )
    assert "60 patients in, 60 plans and 0 reviews out" in capsys.readouterr().err
    bad = _write(tmp_path / "bad.ndjson", ["[1, 2]"])
    assert (
        main(["batch", str(bad), "-o", str(tmp_path / "bad"), "--as-of", "2026-11-25", "-q"]) == 2
    )
    assert capsys.readouterr().err == ""
    assert _lines(tmp_path / "bad" / "errors.jsonl")[0]["line"] == 1


def test_parquet_holds_the_same_rows(cohort, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    run_batch(str(cohort), str(tmp_path / "j"), SETTINGS, jobs=1)
    run_batch(str(cohort), str(tmp_path / "p"), SETTINGS, jobs=1, file_format="parquet")
    plans = pq.read_table(tmp_path / "p" / "plans.parquet").to_pylist()
    assert [row["plan"] for row in plans] == (
        tmp_path / "j" / "plans.jsonl"
    ).read_text().splitlines()
    flags = pq.read_table(tmp_path / "p" / "flags.parquet").to_pylist()
    assert [json.loads(row["flag"]) for row in flags] == _lines(tmp_path / "j" / "flags.jsonl")


_PATIENT = st.sampled_from(["good", "risk", "bad-answers", "no-responses", "bad-date"])


@settings(max_examples=15)
@given(kinds=st.lists(_PATIENT, min_size=1, max_size=8), ids=st.data())
def test_patients_in_equal_plans_out_plus_errors(kinds, ids, tmp_path_factory):
    """Whatever mix of good and bad patients: each has a plan or an error entry, never neither
    and never both, and the summary adds up."""
    names = ids.draw(
        st.lists(
            st.text("abcXYZ09-", min_size=1, max_size=6),
            min_size=len(kinds),
            max_size=len(kinds),
            unique=True,
        )
    )
    lines = []
    for name, kind in zip(names, kinds, strict=True):
        answers = [1, 1, 1, 1, 1, 1, 1, 1, 2 if kind == "risk" else 0]
        if kind == "bad-answers":
            answers = [7] * 9
        response = {
            "instrument": "phq9",
            "date": "2027-01-01" if kind == "bad-date" else "2026-11-20",
            "answers": answers,
        }
        document = {
            "planengine": 1,
            "patient": {"id": name},
            "responses": [] if kind == "no-responses" else [response],
        }
        lines.append(json.dumps(document))
    folder = tmp_path_factory.mktemp("mix")
    source = _write(folder / "cohort.jsonl", lines)
    summary = run_batch(str(source), str(folder / "out"), SETTINGS, jobs=1)
    planned = {p["patient"]["id"] for p in _lines(folder / "out" / "plans.jsonl")}
    failed = {e["patient"] for e in _lines(folder / "out" / "errors.jsonl")}
    assert summary.reconciled and summary.patients_in == len(kinds)
    assert planned | failed == set(names) and not planned & failed
    assert {p for p, k in zip(names, kinds, strict=True) if k == "risk"} <= {
        f["patient"] for f in _lines(folder / "out" / "flags.jsonl")
    }
    assert summary.internal_errors == 0


def test_flags_jsonl_lines_are_compact_json(cohort, tmp_path):
    run_batch(str(cohort), str(tmp_path), SETTINGS, jobs=1)
    for line in (tmp_path / "plans.jsonl").read_bytes().splitlines()[:3]:
        assert orjson.dumps(orjson.loads(line)) == line


def test_synth_same_seed_same_files(tmp_path, capsys):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        args = [
            "synth",
            "-n",
            "12",
            "--seed",
            str(seed),
            "--as-of",
            "2026-11-25",
            "-o",
            str(tmp_path / name),
        ]
        assert main(args) == 0
    assert "12 patients" in capsys.readouterr().err
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == [
        "Condition.ndjson",
        "Goal.ndjson",
        "Patient.ndjson",
        "QuestionnaireResponse.ndjson",
    ]
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    qr = "QuestionnaireResponse.ndjson"
    assert (tmp_path / "a" / qr).read_bytes() != (tmp_path / "c" / qr).read_bytes()
    assert main(["synth", "-n", "0", "--as-of", "2026-11-25", "-o", str(tmp_path / "d")]) == 2


def test_a_bug_while_planning_one_patient_is_reported_and_exits_3(
    cohort, tmp_path, monkeypatch, capsys
):
    from planengine.plan._engine import Engine

    real = Engine.plan

    def plan(self, assessment, **kwargs):
        if assessment.patient_id == "syn-7-0000003":
            raise RuntimeError("boom")
        return real(self, assessment, **kwargs)

    monkeypatch.setattr(Engine, "plan", plan)
    monkeypatch.delenv("PLANENGINE_DEBUG")
    args = ["batch", str(cohort), "-o", str(tmp_path), "--as-of", "2026-11-25", "-j", "1", "-q"]
    assert main(args) == 3
    errors = _lines(tmp_path / "errors.jsonl")
    assert [e["patient"] for e in errors] == ["syn-7-0000003"]
    assert "internal error: RuntimeError: boom" in errors[0]["reason"]
    assert json.loads((tmp_path / "summary.json").read_text())["plans_out"] == 59


def test_a_fhir_bundle_json_file_beside_assessment_documents(tmp_path):
    from planengine import load_assessment
    from planengine.fhir import assessment_to_fhir

    folder = tmp_path / "in"
    folder.mkdir()
    bundle = assessment_to_fhir(load_assessment(EXAMPLES / "severe-with-risk-flag.yaml"))
    bundle["entry"].append({"resource": {"resourceType": "Practitioner", "id": "dr-1"}})
    (folder / "bundle.json").write_text(json.dumps(bundle), encoding="utf-8")
    shutil.copy(EXAMPLES / "mild-sleep-only.yaml", folder / "mild.yaml")
    summary = run_batch(str(folder), str(tmp_path / "out"), SETTINGS, jobs=1)
    assert summary.plans_out == 2 and summary.reconciled
    assert summary.resources_skipped == {"Practitioner": 1}
    assert [f["patient"] for f in _lines(tmp_path / "out" / "flags.jsonl")] == ["P-3307"]


def test_goal_files_are_reviewed_and_their_open_flags_join_the_queue(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("risk-item9.yaml", "on-track.yaml", "bad-input.yaml"):
        shutil.copy(EXAMPLES / "review" / name, folder / name)
    shutil.copy(EXAMPLES / "moderate-phq9-gad7-isi.yaml", folder / "intake.yaml")
    summary = run_batch(str(folder), str(tmp_path / "out"), SETTINGS, jobs=1)
    reviews = _lines(tmp_path / "out" / "reviews.jsonl")
    import yaml

    ids = sorted(
        yaml.safe_load((folder / n).read_text())["patient"]["id"]
        for n in ("risk-item9.yaml", "on-track.yaml", "bad-input.yaml")
    )
    assert [r["patient"] for r in reviews] == ids
    assert (summary.plans_out, summary.reviews_out, summary.patients_out) == (
        1,
        3,
        4,
    ) and summary.reconciled
    flags = _lines(tmp_path / "out" / "flags.jsonl")
    risk_patient = yaml.safe_load((folder / "risk-item9.yaml").read_text())["patient"]["id"]
    assert {(f["patient"], f["source"]) for f in flags} >= {(risk_patient, "review")}
    assert all(f["status"] != "dispositioned" for f in flags)
