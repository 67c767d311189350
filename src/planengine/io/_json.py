"""JSON: strict parsing (no ``NaN``/``Infinity``, no duplicate keys, no number too large for a
float, bounded nesting), and finding a value's line and column by scanning the text along its path,
without composing a node tree."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from planengine._errors import DocumentParseError
from planengine.io._limits import MAX_DEPTH
from planengine.io._parse_errors import (
    INT_LIMIT_MESSAGE,
    error_at,
    line_column,
    one_line,
    too_many_digits,
)

__all__ = ["UNSURE", "json_locate", "parse_json"]

class _NotJson(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python reads them, JSON does not have them."""

    def __init__(self, constant: str, message: str | None = None) -> None:
        super().__init__(message or f"{constant} is not valid JSON")
        self.constant = constant


def _reject_constant(value: str) -> Any:
    raise _NotJson(value)


def _constant_position(text: str, constant: str) -> tuple[int, int] | None:
    """Line and column of the first ``constant`` outside a string (best effort)."""
    for found in re.finditer(re.escape(constant), text):
        start = found.start()
        if text.count('"', text.rfind("\n", 0, start) + 1, start) % 2 == 0:  # not in a string
            return line_column(text, start)
    return None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(text, f"the number {text} is too large to read")
    return value


_JSON_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_constant=_reject_constant, parse_float=_finite_float
)


def parse_json(text: str, name: str) -> Any:
    """The data of JSON ``text``; every refusal is a :class:`planengine.DocumentParseError`."""
    try:
        data = _JSON_DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise DocumentParseError(
            f"JSON syntax error: {error.msg}", file=name, line=error.lineno, column=error.colno
        ) from None
    except _DuplicateKey as error:
        raise error_at(
            f"duplicate key {error.key!r}", name, _json_key_position(text, error.key)
        ) from None
    except RecursionError:
        raise _too_deep(text, name) from None
    except _NotJson as error:
        raise error_at(
            f"JSON error: {error}", name, _constant_position(text, error.constant)
        ) from None
    except ValueError as error:
        if INT_LIMIT_MESSAGE in str(error):
            raise too_many_digits(text, name) from None
        raise DocumentParseError(f"JSON error: {one_line(str(error))}", file=name) from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _data_depth(data) > MAX_DEPTH:
        raise _too_deep(text, name)
    return data


#: A JSON string, or one bracket: what the depth scan steps through.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(text: str, name: str) -> DocumentParseError:
    """The nesting error at the bracket that opens level ``MAX_DEPTH + 1`` (strings skipped)."""
    depth = 0
    for found in _STRING_OR_BRACKET.finditer(text):
        token = found[0]
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return error_at(
                    f"nesting deeper than {MAX_DEPTH} levels", name, line_column(text, found.start())
                )
        elif token in "]}":
            depth -= 1
    return DocumentParseError(f"nesting deeper than {MAX_DEPTH} levels", file=name)


def _json_key_position(text: str, key: str) -> tuple[int, int] | None:
    """Line and column of the first ``key`` given twice in one object (the parse found it, so
    the text is JSON up to there): objects are tracked by nesting, so the same key in sibling
    objects does not count."""
    seen: list[set[str] | None] = []  # per open container: the object's keys (None: an array)
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char == '"':
            end = index + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            after = end + 1
            while after < size and text[after] in " \t\r\n":
                after += 1
            keys = seen[-1] if seen else None
            if keys is not None and after < size and text[after] == ":":
                try:
                    name = json.loads(text[index : end + 1])
                except ValueError:
                    name = None
                if name == key:
                    if key in keys:
                        return line_column(text, index)
                    keys.add(key)
            index = end + 1
            continue
        if char == "{":
            seen.append(set())
        elif char == "[":
            seen.append(None)
        elif char in "]}" and seen:
            seen.pop()
        index += 1
    return None


def _data_depth(data: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


# --------------------------------------------------------------------------------------------------
# Positions: the scanner that walks the JSON text along one path


#: What :func:`json_locate` gives when it cannot be sure; the YAML nodes decide then.
UNSURE = object()
_JSON_WS = re.compile(r"[ \n]*")
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \n]*:[ \n]*')
_JSON_SKIP = json.JSONDecoder()
#: JSON that libyaml might read differently (or refuse): escapes it may not know, surrogates,
#: control characters; such files are located by composing the YAML nodes as before.
_JSON_ODD = re.compile(r"\\/|\\u(?:[dD][89a-fA-F]|00[01])|\"<<\"")


def _json_plain(text: str, nodes: dict[str, Any]) -> bool:
    """Whether ``text`` is JSON the scanner locates exactly as libyaml's composer would."""
    plain = nodes.get("json_plain")
    if plain is None:
        plain = nodes["json_plain"] = bool(
            text.isascii()
            and "\t" not in text
            and "\r" not in text
            and not _JSON_ODD.search(text)
            and max(map(len, text.split("\n"))) < 1000
        )
    return bool(plain)


def json_locate(text: str, json_path: Sequence[str | int], nodes: dict[str, Any]) -> Any:
    """``(line, column)`` of the value at ``json_path`` (or its nearest existing ancestor) in JSON
    text, walking only that path: what :meth:`Document.locate` gives through the YAML nodes, without
    composing them. :data:`UNSURE` when the text is not plain enough to be sure."""
    if not _json_plain(text, nodes):
        return UNSURE
    # (container's start, key or index) -> where its value starts (None: not there), for every
    # child passed on the way: a file's findings point into the same goals, and skipping a
    # sibling means decoding it, so each is decoded once per file rather than once per finding
    seen: dict[tuple[int, str | int], int | None] = nodes.setdefault("json_children", {})
    try:
        at = _JSON_WS.match(text).end()  # type: ignore[union-attr]
        for part in json_path:
            key = (at, part if isinstance(part, int) or text[at] != "{" else str(part))
            if key in seen:
                child = seen[key]
            else:
                child = seen[key] = _json_child(text, at, part, seen)
            if child is None:
                break
            at = child
    except (ValueError, AttributeError, IndexError):
        return UNSURE
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _json_child(
    text: str, at: int, part: str | int, seen: dict[tuple[int, str | int], int | None]
) -> int | None:
    """Where the value of ``part`` starts inside the container starting at ``at``, else ``None``;
    each child passed on the way is noted in ``seen`` (the first of a key given twice)."""
    container = at
    opener = text[at]
    if opener == "{":
        wanted = str(part)
        at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
        if text[at] == "}":
            return None
        while True:
            key = _JSON_KEY.match(text, at)
            if key is None:
                raise ValueError("not a key")
            raw = key.group(1)
            name = json.loads(key.group(0)[: key.end(1) + 1 - key.start()]) if "\\" in raw else raw
            value = key.end()
            seen.setdefault((container, name), value)
            if name == wanted:
                return value
            at = _JSON_WS.match(text, _JSON_SKIP.raw_decode(text, value)[1]).end()  # type: ignore[union-attr]
            if text[at] == "}":
                return None
            if text[at] != ",":
                raise ValueError("expected ,")
            at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
    if opener == "[" and isinstance(part, int):
        if part < 0:
            return None
        at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
        if text[at] == "]":
            return None
        index = 0
        while index < part:
            seen.setdefault((container, index), at)
            at = _JSON_WS.match(text, _JSON_SKIP.raw_decode(text, at)[1]).end()  # type: ignore[union-attr]
            if text[at] == "]":
                return None
            if text[at] != ",":
                raise ValueError("expected ,")
            at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
            index += 1
        return at
    return None
