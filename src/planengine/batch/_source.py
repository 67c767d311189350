"""Batch input: a FHIR Bulk Data export folder (NDJSON per resource type), a folder of
assessment documents, or a JSON Lines / NDJSON file, read one line (or file) at a time and keyed
by patient, so that a cohort of any size is grouped without holding it in memory.

Each line becomes a :class:`SourceRecord` (where it came from and its text) under its patient id,
or a :class:`SourceProblem` when it cannot be read or names no patient: the batch reports those
in its errors file, never drops them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import attrs
import orjson

__all__ = [
    "PATIENT_RESOURCES",
    "SourceProblem",
    "SourceRecord",
    "input_files",
    "keyed_records",
]

#: The resource types a patient's plan is read from (FHIR import); other types (Questionnaire,
#: Practitioner, ...) in an export are counted and passed over.
PATIENT_RESOURCES = frozenset(
    {"Patient", "QuestionnaireResponse", "Observation", "Condition", "Goal"}
)
#: File names read from a folder: NDJSON / JSON Lines (one record a line) and documents.
_LINE_SUFFIXES = (".ndjson", ".jsonl")
_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@attrs.frozen
class SourceRecord:
    """One input record of a patient.

    :ivar kind: ``fhir`` (a resource; ``text`` is its JSON), ``document`` (an assessment
        document on one line; ``text`` is its JSON) or ``document-file`` (an assessment document
        in its own file; ``text`` is empty, the worker reads ``file``).
    :ivar file: the input file; ``line`` its 1-based line (``None`` for a whole file);
        ``path`` the JSON path of the resource in that line (a Bundle's entries).
    """

    kind: str
    file: str
    line: int | None
    path: str
    text: str

    def to_row(self) -> list[Any]:
        """A JSON-ready list, for the temporary shard files and Spark."""
        return [self.kind, self.file, self.line, self.path, self.text]

    @classmethod
    def from_row(cls, row: list[Any]) -> SourceRecord:
        """The inverse of :meth:`to_row`."""
        return cls(str(row[0]), str(row[1]), row[2], str(row[3]), str(row[4]))


@attrs.frozen
class SourceProblem:
    """An input record the batch cannot use: where it is, and why (for the errors file)."""

    file: str
    line: int | None
    path: str
    reason: str
    patient: str | None = None


def input_files(source: str) -> list[str]:
    """The files to read for ``source``: the file itself, or a folder's NDJSON, JSON Lines,
    YAML and JSON files (not its hidden files or sub-folders), sorted by name.

    :raises planengine._errors.ConfigError: when ``source`` does not exist or a folder holds
        none of them.
    """
    from planengine._errors import ConfigError
    from planengine._printable import printable

    if os.path.isfile(source):
        return [source]
    if not os.path.isdir(source):
        raise ConfigError(f"{printable(source)}: no such file or folder")
    names = sorted(
        name
        for name in os.listdir(source)
        if not name.startswith(".")
        and name.endswith(_LINE_SUFFIXES + _DOCUMENT_SUFFIXES)
        and os.path.isfile(os.path.join(source, name))
    )
    if not names:
        raise ConfigError(
            f"{printable(source)}: holds no .ndjson, .jsonl, .yaml or .json file (a FHIR Bulk "
            "Data export, or assessment documents)"
        )
    return [os.path.join(source, name) for name in names]


def keyed_records(
    files: list[str], skipped: dict[str, int] | None = None
) -> Iterator[tuple[str, SourceRecord] | SourceProblem]:
    """Every record of ``files`` with its patient id, or a problem, one at a time.

    :param skipped: counts, by resource type, the resources no plan reads (filled in).
    """
    skipped = {} if skipped is None else skipped
    for name in files:
        if name.endswith(_LINE_SUFFIXES):
            yield from _lines_of(name, skipped)
        else:
            yield from _document_file(name, skipped)


def _lines_of(
    name: str, skipped: dict[str, int]
) -> Iterator[tuple[str, SourceRecord] | SourceProblem]:
    try:
        handle = open(name, "rb")  # noqa: SIM115  # closed below, read a line at a time
    except OSError as error:
        yield SourceProblem(name, None, "$", f"cannot read: {error.strerror or error}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                yield SourceProblem(name, number, "$", f"not JSON: {error}")
                continue
            yield from _keyed(data, name, number, skipped)


def _keyed(
    data: Any, name: str, number: int, skipped: dict[str, int]
) -> Iterator[tuple[str, SourceRecord] | SourceProblem]:
    if isinstance(data, dict) and isinstance(data.get("resourceType"), str):
        from planengine.fhir._read import iter_resources

        try:
            for found in iter_resources(data, file=name, line=number):
                keyed = _keyed_resource(found.resource, name, number, found.path, skipped)
                if keyed is not None:
                    yield keyed
        except ValueError as error:  # a malformed Bundle
            yield SourceProblem(name, number, getattr(error, "path", None) or "$", _reason(error))
        return
    if isinstance(data, dict) and "planengine" in data:
        patient = _document_patient(data)
        if patient is None:
            yield SourceProblem(
                name, number, "$.patient.id", "an assessment document in a batch needs patient.id"
            )
            return
        yield patient, SourceRecord("document", name, number, "$", orjson.dumps(data).decode())
        return
    yield SourceProblem(
        name,
        number,
        "$",
        "neither a FHIR resource (resourceType) nor an assessment document (planengine: 1)",
    )


def _keyed_resource(
    resource: Any, name: str, number: int | None, path: str, skipped: dict[str, int]
) -> tuple[str, SourceRecord] | SourceProblem | None:
    """The resource under its patient; ``None`` for a type no plan reads (counted)."""
    from planengine.fhir._resources import patient_id_of

    kind = str(resource.get("resourceType"))
    if kind not in PATIENT_RESOURCES:
        skipped[kind] = skipped.get(kind, 0) + 1
        return None
    if kind == "Patient":
        patient = resource.get("id") if isinstance(resource.get("id"), str) else None
    else:
        patient = patient_id_of(resource.get("subject"))
    if not patient:
        return SourceProblem(name, number, path, f"{kind} names no patient (subject Patient/ID)")
    return patient, SourceRecord("fhir", name, number, path, orjson.dumps(resource).decode())


def _document_file(
    name: str, skipped: dict[str, int]
) -> Iterator[tuple[str, SourceRecord] | SourceProblem]:
    """An assessment document in its own file, or a FHIR resource or Bundle (JSON) keyed by
    resource, as an export may hold beside its NDJSON."""
    from planengine._errors import InputError
    from planengine.io._loader import load_document

    try:
        document = load_document(name)
    except InputError as error:
        yield SourceProblem(name, error.line, error.path or "$", _reason(error))
        return
    data = document.data
    if isinstance(data, dict) and isinstance(data.get("resourceType"), str):
        from planengine.fhir._read import iter_resources

        try:
            for found in iter_resources(data, file=name):
                keyed = _keyed_resource(found.resource, name, None, found.path, skipped)
                if keyed is not None:
                    yield keyed
        except ValueError as error:  # a malformed Bundle
            yield SourceProblem(name, None, getattr(error, "path", None) or "$", _reason(error))
        return
    patient = _document_patient(data)
    if patient is None:
        stem = os.path.splitext(os.path.basename(name))[0]
        patient = stem  # a folder of files: a file without patient.id is its own patient
    yield patient, SourceRecord("document-file", name, None, "$", "")


def _document_patient(data: Any) -> str | None:
    patient = data.get("patient") if isinstance(data, dict) else None
    found = patient.get("id") if isinstance(patient, dict) else None
    return found if isinstance(found, str) and found else None


def _reason(error: Exception) -> str:
    """An error's message without the location the errors file gives in its own fields."""
    message = getattr(error, "message", None)
    return str(message) if isinstance(message, str) else str(error)
