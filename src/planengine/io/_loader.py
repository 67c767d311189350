"""Load YAML and JSON documents safely, keeping the way back to source positions.

Every input file (assessments, goals, plans, instruments, strategies) comes in through
:func:`load_document` or :func:`parse_document`. They return a :class:`Document`: plain Python data
(dicts, lists, str, int, float, bool, None) plus :meth:`Document.locate`, which maps a JSON path back to
the 1-based line and column in the file. Positions are computed lazily: the fast path parses with
libyaml (``CParser``) or :mod:`json` and keeps no marks; only when a caller asks for a position is the
text composed again into a node tree.

This module is the entry point: it reads the file, picks the format and applies the checks common
to both. The parsers are :mod:`planengine.io._yaml` and :mod:`planengine.io._json`, their limits
in :mod:`planengine.io._limits`; :mod:`planengine.io._document` holds the :class:`Document` and
:mod:`planengine.io._json_path` the JSON-path helpers.

What the loader refuses, always as a one-line :class:`planengine.DocumentParseError` naming the file:

* an unreadable, empty, binary (NUL bytes), non-UTF-8 or over-size file;
* YAML or JSON syntax errors (with line and column), and duplicate mapping keys;
* any tag beyond the YAML 1.2 core types (``!!python/object`` and friends are never constructed);
* alias bombs (too many alias references, or an expansion far larger than the file) and recursive
  aliases;
* nesting deeper than :data:`MAX_DEPTH` (checked before the recursive composer can run);
* a top-level value that is not a mapping.

YAML follows the 1.2 core schema: ``yes``/``no``/``on``/``off`` stay strings, and dates and timestamps
stay strings (``2026-11-01`` reaches the schema as ``"2026-11-01"``). Mapping keys that are numbers,
booleans or null become strings (``-2: x`` gives the key ``"-2"``), as JSON requires.
"""

from __future__ import annotations

import os
import re
from typing import Any

from planengine._errors import DocumentParseError
from planengine.io._document import Document
from planengine.io._json import parse_json
from planengine.io._json_path import format_json_path
from planengine.io._limits import DEFAULT_MAX_BYTES, MAX_DEPTH
from planengine.io._parse_errors import INT_LIMIT_MESSAGE, error_at, line_column, too_many_digits
from planengine.io._yaml import parse_yaml

__all__ = ["STDIN", "STDIN_NAME", "load_document", "parse_document"]

#: The path that stands for standard input on the command line, and its name in messages.
STDIN, STDIN_NAME = "-", "<stdin>"
_stdin_content: list[bytes] = []  # read once: a second `-` in one run reads the same text

_YAML_EXTENSIONS = (".yaml", ".yml")
_JSON_EXTENSIONS = (".json",)


def refuse_non_path(path: Any, function: str) -> None:
    """A :class:`TypeError` naming the argument for what is not a path: ``bytes`` would
    otherwise be read as a file name, and fail as a file that cannot be read."""
    if isinstance(path, (str, os.PathLike)):
        return
    hint = (
        "; give the file's path (for text, read it with yaml/json and use "
        "planengine.Assessment.from_mapping)"
        if isinstance(path, (bytes, bytearray))
        else ""
    )
    raise TypeError(
        f"{function}: path must be a str or os.PathLike, got {type(path).__name__}{hint}"
    )


def load_document(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one YAML or JSON file (format chosen by extension; YAML otherwise).
    ``-`` reads standard input, named ``<stdin>`` in messages (JSON when it starts with ``{``).

    :raises planengine.DocumentParseError: for every way the file can be unusable (see module doc).
        No other exception escapes, but:
    :raises TypeError: when ``path`` is not a ``str`` or :class:`os.PathLike` (the file's text
        as ``bytes`` is not a path).
    """
    refuse_non_path(path, "load_document")
    name = os.fspath(path)
    if name == STDIN:
        content = _read_stdin(max_bytes)
        start = content.lstrip()[:1]
        return parse_document(
            content, name=STDIN_NAME, format="json" if start == b"{" else "yaml", max_bytes=max_bytes
        )
    try:
        with open(name, "rb") as handle:
            content = handle.read(max_bytes + 1)
    except IsADirectoryError:  # a folder that could not be listed while walking
        try:
            os.listdir(name)
            reason = "it is a folder"
        except OSError as error:
            reason = f"cannot list this folder: {error.strerror or error.__class__.__name__}"
        raise DocumentParseError(f"cannot read: {reason}", file=name) from None
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise DocumentParseError(f"cannot read file: {reason}", file=name) from None
    except Exception as error:
        raise DocumentParseError(f"cannot read file: {error}", file=name) from None
    return parse_document(content, name=name, max_bytes=max_bytes)


def _read_stdin(max_bytes: int) -> bytes:
    import sys

    if not _stdin_content:
        try:
            _stdin_content.append(sys.stdin.buffer.read(max_bytes + 1))
        except (OSError, AttributeError, ValueError) as error:
            reason = getattr(error, "strerror", None) or "it is closed"
            raise DocumentParseError(f"cannot read: {reason}", file=STDIN_NAME) from None
    return _stdin_content[0]


def parse_document(
    content: bytes | str,
    *,
    name: str,
    format: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Parse YAML or JSON text already in memory; ``name`` is used in messages.

    ``format`` is ``"yaml"`` or ``"json"``; by default it follows ``name``'s extension (YAML otherwise).

    :raises planengine.DocumentParseError: as :func:`load_document`.
    """
    try:
        return _parse(content, name, format, max_bytes)
    except DocumentParseError:
        raise
    except RecursionError:
        raise DocumentParseError(f"nesting deeper than {MAX_DEPTH} levels", file=name) from None
    except ValueError as error:
        if INT_LIMIT_MESSAGE in str(error):
            text = content if isinstance(content, str) else content.decode("utf-8", "replace")
            raise too_many_digits(text, name) from None
        message = str(error).replace("\n", " ") or error.__class__.__name__
        raise DocumentParseError(f"cannot parse: {message}", file=name) from None
    except Exception as error:
        message = str(error).replace("\n", " ") or error.__class__.__name__
        raise DocumentParseError(f"cannot parse: {message}", file=name) from None


def _parse(content: bytes | str, name: str, format: str | None, max_bytes: int) -> Document:
    if format is None:
        lower = name.lower()
        format = "json" if lower.endswith(_JSON_EXTENSIONS) else "yaml"
    elif format not in ("yaml", "json"):
        raise DocumentParseError(f"unknown format {format!r}; expected yaml or json", file=name)
    size = len(content.encode("utf-8")) if isinstance(content, str) else len(content)
    if size > max_bytes:
        raise DocumentParseError(
            f"file is larger than the limit of {max_bytes} bytes (max-file-bytes)", file=name
        )
    if isinstance(content, bytes):
        text = _decode(content, name)
    else:
        text = content
        if "\x00" in text:
            raise DocumentParseError("file looks binary (contains NUL characters)", file=name)
    if not text.strip():
        raise DocumentParseError("file is empty", file=name)
    nodes: dict[str, Any] = {}
    data = parse_json(text, name) if format == "json" else parse_yaml(text, name, nodes)
    if not isinstance(data, dict):
        kind = _kind(data)
        raise DocumentParseError(
            f"the top-level value must be a mapping, not {kind}", file=name, line=1, column=1
        )
    document = Document(path=name, data=data, format=format, text=text)
    document._nodes.update(nodes)
    if "\\u" in text or "\\U" in text:  # only an escape can make a lone surrogate
        _reject_lone_surrogates(document)
    return document


#: A high surrogate escape not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _lone_surrogate_position(text: str) -> tuple[int, int] | None:
    found = _LONE_SURROGATE.search(text)
    if found is None:
        return None
    return line_column(text, found.start())


def _reject_lone_surrogates(document: Document) -> None:
    """A string with half of a UTF-16 surrogate pair cannot be written out as UTF-8: refuse it."""
    stack: list[tuple[Any, list[str | int]]] = [(document.data, [])]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):  # pushed in reverse, so the first in the file is found first
            for key, child in reversed(list(value.items())):
                stack.append((child, [*where, key]))
                stack.append((key, where))
        elif isinstance(value, list):
            stack.extend((child, [*where, i]) for i, child in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                position = document.locate(where) if where else None
                raise error_at(
                    "text contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), "
                    "which is not a character",
                    document.path,
                    position or _lone_surrogate_position(document.text or ""),
                    format_json_path(where),
                ) from None


def _decode(content: bytes, name: str) -> str:
    if content[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise DocumentParseError("file is UTF-32 encoded; save it as UTF-8", file=name)
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DocumentParseError("file is UTF-16 encoded; save it as UTF-8", file=name)
    if b"\x00" in content:
        raise DocumentParseError("file looks binary (contains NUL bytes)", file=name)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = content[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise DocumentParseError(
            f"file is not valid UTF-8 (byte 0x{content[error.start]:02x})",
            file=name,
            line=line,
            column=column,
        ) from None


def _kind(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    if data is None:
        return "null"
    return f"a {type(data).__name__}"
