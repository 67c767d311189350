"""Reading FHIR input: a JSON resource (a Bundle, nested Bundles too) or NDJSON (one resource a
line, as FHIR Bulk Data export writes), each resource kept with where it was found, so that an
error names the file, the line and the path."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from planengine._errors import DocumentParseError, InputError

__all__ = ["Located", "iter_resources", "read_fhir_file", "resources_of"]


@attrs.frozen
class Located:
    """A resource and where it is: ``file``, ``line`` (NDJSON), JSON ``path``, Bundle fullUrl."""

    resource: Mapping[str, Any]
    path: str
    file: str | None = None
    line: int | None = None
    full_url: str | None = None

    def error(self, message: str, where: str = "") -> InputError:
        """An input error at this resource (``where``: a path below it)."""
        return InputError(message, file=self.file, line=self.line, path=self.path + where)


def iter_resources(
    data: Any, *, path: str = "$", file: str | None = None, line: int | None = None
) -> Iterator[Located]:
    """Every resource in ``data``: a resource, a Bundle (entries, recursively) or a list."""
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield from iter_resources(item, path=f"{path}[{index}]", file=file, line=line)
        return
    if not isinstance(data, Mapping) or not isinstance(data.get("resourceType"), str):
        raise InputError("expected a FHIR resource (an object with resourceType)", file=file, line=line, path=path)
    if data["resourceType"] != "Bundle":
        _check_shape(data, path, file, line)
        yield Located(data, path, file, line)
        return
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise InputError("Bundle.entry must be a list", file=file, line=line, path=f"{path}.entry")
    for index, entry in enumerate(entries):
        where = f"{path}.entry[{index}]"
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if resource is None:
            continue  # a search Bundle's entry may be an outcome or a link only
        for found in iter_resources(resource, path=f"{where}.resource", file=file, line=line):
            full_url = entry.get("fullUrl") if found.path == f"{where}.resource" else found.full_url
            yield attrs.evolve(found, full_url=full_url if isinstance(full_url, str) else None)


def _check_shape(data: Mapping[str, Any], path: str, file: str | None, line: int | None) -> None:
    """The JSON types of the elements planengine reads (``schemas/fhir-input.schema.json``): a
    resource with an element of the wrong type is an error naming its path, not a crash."""
    from planengine.io._schema_check import check_schema, is_valid

    if is_valid(data, "fhir-input"):  # microseconds (jsonschema-rs); the messages only on failure
        return
    issues = check_schema(data, "fhir-input")
    if issues:
        first = issues[0]
        message = first.message
        if message.startswith("None is not of type"):
            message = "null is not allowed in FHIR JSON: leave the element out"
        raise InputError(message, file=file, line=line, path=path + first.path_text[1:])


def resources_of(text: str, *, file: str | None = None) -> list[Located]:
    """The resources of a file's text: one JSON document, else NDJSON (one resource a line)."""
    stripped = text.strip()
    if not stripped:
        raise InputError("empty file: expected a FHIR resource, Bundle or NDJSON", file=file)
    try:
        return list(iter_resources(json.loads(stripped), file=file))
    except json.JSONDecodeError as error:
        if "\n" not in stripped or error.pos < stripped.index("\n"):
            raise DocumentParseError(
                f"not JSON: {error.msg}", file=file, line=error.lineno, column=error.colno
            ) from None
    found: list[Located] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise DocumentParseError(
                f"NDJSON line is not JSON: {error.msg}", file=file, line=number, column=error.colno
            ) from None
        found += iter_resources(data, file=file, line=number)
    return found


def read_fhir_file(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> list[Located]:
    """The resources of a FHIR JSON or NDJSON file (``-``: standard input), at most ``max_bytes``
    long (default: ``max-file-bytes``, 1 MiB, as for every other file planengine reads whole; a
    larger Bulk Data export is for ``planengine batch``, which reads a line at a time).

    :raises InputError: (one line: file, line, path) when it is not FHIR JSON or NDJSON, or is
        larger than the limit.
    """
    import sys

    from planengine.io._limits import DEFAULT_MAX_BYTES

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    name = os.fspath(path)
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)  # a test's StringIO has none
            raw = stream.read(limit + 1) if stream else sys.stdin.read(limit + 1).encode()
        else:
            with open(name, "rb") as handle:
                raw = handle.read(limit + 1)
        if len(raw) > limit:
            raise DocumentParseError(
                f"file is larger than the limit of {limit} bytes (max-file-bytes); a Bulk Data "
                "export of any size: planengine batch",
                file=name,
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DocumentParseError(f"cannot read: {reason}", file=name) from None
    return resources_of(text, file=name)
