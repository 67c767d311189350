"""``planengine batch --engine spark``: byte-identical per-patient output to the local engine
on a seeded synthetic cohort (with a bad line and an unreadable patient). Skipped cleanly when
PySpark (the ``spark`` extra) or Java is absent; about 20 s when it runs (a JVM starts)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import AS_OF
from planengine.batch import BatchSettings, run_batch, write_synthetic_cohort

pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17 or later)", allow_module_level=True)

SETTINGS = BatchSettings(as_of=AS_OF, strict=True)


@pytest.fixture(autouse=True, scope="module")
def _stop_spark():
    """Stop the session the batch started, so no JVM outlives this module."""
    yield
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def test_spark_writes_the_same_bytes_as_the_local_engine(tmp_path):
    source = tmp_path / "export"
    write_synthetic_cohort(str(source), 40, seed=3, as_of=AS_OF)
    unknown = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "authored": "2026-11-20",
        "questionnaire": "http://example.org/unknown",
        "subject": {"reference": "Patient/zz-broken"},
        "item": [{"linkId": "q1", "answer": [{"valueInteger": 1}]}],
    }
    (source / "Extra.ndjson").write_text("{oops\n\n" + json.dumps(unknown) + "\n", encoding="utf-8")
    local = run_batch(str(source), str(tmp_path / "local"), SETTINGS, jobs=1)
    spark = run_batch(
        str(source), str(tmp_path / "spark"), SETTINGS, engine="spark", master="local[2]"
    )
    for name in ("plans.jsonl", "bundles.ndjson", "flags.jsonl", "errors.jsonl"):
        assert (tmp_path / "spark" / name).read_bytes() == (
            tmp_path / "local" / name
        ).read_bytes(), name
    assert local.plans_out == spark.plans_out == 40
    assert (
        spark.patients_with_errors == 1 and spark.records_without_patient == 1 and spark.reconciled
    )
    errors = [
        json.loads(line) for line in (tmp_path / "spark" / "errors.jsonl").read_text().splitlines()
    ]
    assert [(e["line"], e["patient"]) for e in errors] == [(1, None), (3, "zz-broken")]
