"""The Spark batch engine (the ``spark`` extra): the same keying and the same per-patient
planning as the local engine (:mod:`planengine.batch._source`, :mod:`planengine.batch._planning`),
on RDDs, so each patient's output is byte-identical to the local engine's.

* Each NDJSON file is read with ``textFile`` and numbered with ``zipWithIndex`` (line numbers
  for the errors file); document files (YAML/JSON, one patient each) are keyed on the driver.
* Records are grouped by patient (``groupByKey``) and planned with ``mapPartitions``: each
  Python worker builds its engine once (:func:`planner_for`), not once a patient.
* The grouped records are sorted by patient id (``sortByKey``, a range partitioning) before
  planning, so the results come out in order without a shuffle of their own, and are streamed
  to the driver (``toLocalIterator``, one partition at a time), which writes the same files as
  the local run.

Input paths must be readable by every executor (a shared file system, HDFS, S3 through the
Hadoop connectors); the output is written by the driver. docs/batch.md says how to run it on a
cluster and ship plugins to executors.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from planengine.batch._planning import BatchSettings, PatientResult, planner_for
from planengine.batch._source import SourceProblem, SourceRecord

__all__ = ["SparkRun"]

_LINE_SUFFIXES = (".ndjson", ".jsonl")


class SparkRun:
    """One batch run on Spark (``master``: ``local[2]``, ``spark://host:7077``, ``yarn``...;
    ``None``: the one ``spark-submit`` set, else ``local[*]``)."""

    def __init__(
        self, files: list[str], settings: BatchSettings, *, master: str | None = None
    ) -> None:
        """Start (or join) the Spark session and key the input."""
        from planengine._errors import ConfigError

        try:
            from pyspark import SparkConf
            from pyspark.sql import SparkSession
        except ImportError:
            raise ConfigError(
                "--engine spark needs PySpark: pip install 'planengine[spark]'"
            ) from None
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors run this Python
        conf = SparkConf()
        builder = SparkSession.builder.appName("planengine-batch").config(
            "spark.ui.showConsoleProgress", "false"
        )
        if master is not None:
            builder = builder.master(master)
        elif not conf.contains("spark.master"):
            builder = builder.master("local[*]")
        self.session = builder.getOrCreate()
        self.context = self.session.sparkContext
        self.settings = settings
        self.skipped: dict[str, int] = {}
        items = self._keyed(files).persist()
        self._items = items
        for kind, count in (
            items.filter(lambda item: item[0] == "S")
            .map(lambda item: item[1])
            .countByValue()
            .items()
        ):
            self.skipped[str(kind)] = int(count)

    def _keyed(self, files: list[str]) -> Any:
        """An RDD of ``("P", patient, row)``, ``("E", problem row)`` and ``("S", type)``."""
        from planengine.batch._source import keyed_records

        parts = []
        documents = [name for name in files if not name.endswith(_LINE_SUFFIXES)]
        for name in files:
            if name.endswith(_LINE_SUFFIXES):
                numbered = self.context.textFile(_uri(name)).zipWithIndex()
                parts.append(numbered.flatMap(functools.partial(_key_numbered, name)))
        if documents:
            skipped: dict[str, int] = {}
            driver = [_tagged(item) for item in keyed_records(documents, skipped)]
            driver += [("S", kind) for kind, count in skipped.items() for _ in range(count)]
            parts.append(self.context.parallelize(driver, 1))
        if not parts:
            return self.context.parallelize([], 1)
        return self.context.union(parts) if len(parts) > 1 else parts[0]

    def problems(self) -> Iterator[SourceProblem]:
        """Lines that cannot be read or name no patient, by file and line."""
        rows = self._items.filter(lambda item: item[0] == "E").map(lambda item: item[1])
        for row in rows.sortBy(lambda row: (row[0], row[1] or 0, row[2])).toLocalIterator():
            yield SourceProblem(row[0], row[1], row[2], row[3])

    def results(self) -> Iterator[PatientResult]:
        """Every patient's result, sorted by patient id."""
        settings = self.settings
        records = self._items.filter(lambda item: item[0] == "P").map(
            lambda item: (item[1], item[2])
        )
        # sorted before planning: the records shuffle (a few KB a patient), never the results
        # (plans and Bundles, tens of KB); mapPartitions keeps the order
        grouped = records.groupByKey().sortByKey()
        planned = grouped.mapPartitions(lambda part: _plan_partition(settings, part))
        for _patient, text in planned.toLocalIterator():
            yield PatientResult.from_row(orjson.loads(text))

    def close(self) -> None:
        """Release the cached input (the session stays for the caller, as ``getOrCreate`` found it)."""
        self._items.unpersist()


def _key_numbered(name: str, pair: tuple[str, int]) -> list[tuple[Any, ...]]:
    """A ``(text, index)`` pair of ``zipWithIndex``, keyed (line numbers count from 1)."""
    return _key_line(name, pair[1] + 1, pair[0])


def _key_line(name: str, number: int, text: str) -> list[tuple[Any, ...]]:
    """One NDJSON line, keyed as the local engine keys it."""
    from planengine.batch._source import _keyed

    if not text.strip():
        return []
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        return [("E", [name, number, "$", f"not JSON: {error}"])]
    skipped: dict[str, int] = {}
    out = [_tagged(item) for item in _keyed(data, name, number, skipped)]
    out += [("S", kind) for kind, count in skipped.items() for _ in range(count)]
    return out


def _tagged(item: tuple[str, SourceRecord] | SourceProblem) -> tuple[Any, ...]:
    if isinstance(item, SourceProblem):
        return ("E", [item.file, item.line, item.path, item.reason])
    patient, record = item
    return ("P", patient, record.to_row())


def _plan_partition(
    settings: BatchSettings, part: Iterable[tuple[str, Iterable[list[Any]]]]
) -> Iterator[tuple[str, str]]:
    planner = planner_for(settings)  # once per Python worker: reused across tasks
    for patient, rows in part:
        result = planner.plan_patient(patient, [SourceRecord.from_row(row) for row in rows])
        yield patient, orjson.dumps(result.to_row()).decode()


def _uri(name: str) -> str:
    """A local path as a ``file:`` URI (Spark would read it from the default file system, HDFS
    on a cluster); a URI (``hdfs://``, ``s3a://``) as it is."""
    return name if "://" in name else "file://" + os.path.abspath(name)
