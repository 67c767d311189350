"""The batch's output files, written whole or not at all: each goes to a temporary file in the
output folder and is renamed into place only when the run has finished, so a reader (or a
nightly job) never sees half a batch. An output never replaces an input or a link.

* ``plans.jsonl``: one plan a line (the plan JSON, compact), sorted by patient id;
* ``bundles.ndjson``: one FHIR transaction Bundle a line, the same order;
* ``reviews.jsonl``: one progress review a line, for the patients with a goal file;
* ``flags.jsonl``: the flag queue, every open risk flag, most urgent first;
* ``errors.jsonl``: every record or patient that gave no plan, with file, line and reason;
* ``summary.json``: the counts, reconciled (patients in = plans out + patients with errors).

With ``parquet`` the first four are Parquet files (through pyarrow, the ``parquet`` extra) with
the same rows.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any

import orjson

__all__ = ["OUTPUT_NAMES", "OutputSet"]

#: output -> file name, by format
OUTPUT_NAMES: dict[str, dict[str, str]] = {
    "jsonl": {
        "plans": "plans.jsonl",
        "bundles": "bundles.ndjson",
        "reviews": "reviews.jsonl",
        "flags": "flags.jsonl",
        "errors": "errors.jsonl",
    },
    "parquet": {
        "plans": "plans.parquet",
        "bundles": "bundles.parquet",
        "reviews": "reviews.parquet",
        "flags": "flags.parquet",
        "errors": "errors.parquet",
    },
}
_ERROR_FIELDS = ("patient", "file", "line", "path", "reason")
_FLAG_FIELDS = (
    "patient",
    "source",
    "id",
    "kind",
    "level",
    "rank",
    "status",
    "instrument",
    "item",
    "observed_on",
    "message",
)
_ROW_GROUP = 2048
#: outputs of one JSON text a patient (a ``patient`` column and the text)
_TEXT_KINDS = ("plans", "bundles", "reviews")


class OutputSet:
    """The output files of one run, in temporary files until :meth:`commit`."""

    def __init__(
        self, folder: str, file_format: str, inputs: list[str], *, bundles: bool = True
    ) -> None:
        """Check the targets (never an input, never a link) and open the temporary files.

        :raises planengine._errors.OutputError: for a target that is an input or a link.
        """
        from planengine._errors import OutputError
        from planengine.io._output import InputFiles

        names = dict(OUTPUT_NAMES[file_format])
        if not bundles:
            del names["bundles"]
        self.folder = folder
        self.format = file_format
        self.targets = {kind: os.path.join(folder, name) for kind, name in names.items()}
        self.targets["summary"] = os.path.join(folder, "summary.json")
        known = InputFiles(inputs)
        for target in self.targets.values():
            if os.path.islink(target):
                raise OutputError(
                    "is a symbolic link; planengine does not write through one", path=target
                )
            if os.path.exists(target) and target in known:
                raise OutputError(
                    "is one of the inputs; planengine never writes over an input", path=target
                )
        self._temporary: dict[str, str] = {}
        self._sinks: dict[str, Any] = {}
        for kind in names:
            handle, path = tempfile.mkstemp(prefix=".planengine-", suffix=".tmp", dir=folder)
            os.close(handle)
            self._temporary[kind] = path
            self._sinks[kind] = (
                _ParquetSink(path, kind) if file_format == "parquet" else _LineSink(path)
            )

    def write(
        self, kind: str, patient: str | None, text: str | None, row: dict[str, Any] | None = None
    ) -> None:
        """Add one line: ``text`` (JSON text, for plans and bundles) or ``row`` (flags, errors)."""
        sink = self._sinks.get(kind)
        if sink is not None:
            sink.add(patient, text, row)

    def commit(self, summary: dict[str, Any]) -> None:
        """Close every file, write the summary, and rename them all into place."""
        from planengine.io._json_text import json_text

        for sink in self._sinks.values():
            sink.close()
        handle, path = tempfile.mkstemp(prefix=".planengine-", suffix=".tmp", dir=self.folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json_text(summary))
        self._temporary["summary"] = path
        for kind, temporary in self._temporary.items():
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.targets[kind])
        self._temporary = {}

    def discard(self) -> None:
        """Remove the temporary files (a failed run leaves the old outputs as they were)."""
        for sink in self._sinks.values():
            with contextlib.suppress(Exception):
                sink.close()
        for temporary in self._temporary.values():
            with contextlib.suppress(OSError):
                os.remove(temporary)
        self._temporary = {}


class _LineSink:
    def __init__(self, path: str) -> None:
        self.handle = open(path, "wb")  # noqa: SIM115  # closed by close()

    def add(self, patient: str | None, text: str | None, row: dict[str, Any] | None) -> None:
        self.handle.write((text.encode("utf-8") if text is not None else orjson.dumps(row)) + b"\n")

    def close(self) -> None:
        self.handle.close()


class _ParquetSink:
    """Rows in row groups of a few thousand: the file is streamed, not built in memory."""

    def __init__(self, path: str, kind: str) -> None:
        from planengine._errors import ConfigError

        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ConfigError(
                "--format parquet needs pyarrow: pip install 'planengine[parquet]'"
            ) from None
        self.pa = pa
        self.kind = kind
        if kind in _TEXT_KINDS:
            self.fields = ["patient", kind[:-1]]
            schema = pa.schema([("patient", pa.string()), (kind[:-1], pa.string())])
        elif kind == "errors":
            self.fields = list(_ERROR_FIELDS)
            schema = pa.schema(
                [(f, pa.int64() if f == "line" else pa.string()) for f in _ERROR_FIELDS]
            )
        else:
            self.fields = [*_FLAG_FIELDS, "evidence", "flag"]
            types = {"rank": pa.int64(), "item": pa.int64()}
            schema = pa.schema([(f, types.get(f, pa.string())) for f in self.fields])
        self.schema = schema
        self.writer = pq.ParquetWriter(path, schema)
        self.rows: dict[str, list[Any]] = {f: [] for f in self.fields}

    def add(self, patient: str | None, text: str | None, row: dict[str, Any] | None) -> None:
        if self.kind in _TEXT_KINDS:
            values: dict[str, Any] = {"patient": patient, self.fields[1]: text}
        elif self.kind == "errors":
            values = dict(row or {})
        else:
            flag = dict(row or {})
            values = {f: flag.get(f) for f in _FLAG_FIELDS}
            values["evidence"] = orjson.dumps(flag.get("evidence", [])).decode()
            values["flag"] = orjson.dumps(flag).decode()
        for field in self.fields:
            self.rows[field].append(values.get(field))
        if len(self.rows[self.fields[0]]) >= _ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.rows[self.fields[0]]:
            self.writer.write_table(self.pa.table(self.rows, schema=self.schema))
            self.rows = {f: [] for f in self.fields}

    def close(self) -> None:
        if self.writer is not None:
            self._flush()
            self.writer.close()
            self.writer = None
