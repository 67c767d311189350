"""JSON paths as messages write them (``$.responses[0].answers[3]``, ``$["odd key"]``) and back."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

__all__ = ["format_json_path", "json_path_child", "parse_json_path"]

_JSON_PATH_PART = re.compile(r'\.([^.\[]+)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]')


def parse_json_path(path: str) -> list[str | int]:
    """The parts of a path written by :func:`format_json_path` (``$.a[0].b`` -> ``["a", 0, "b"]``)."""
    return [
        int(index) if index else (json.loads(quoted) if quoted else key)
        for key, index, quoted in _JSON_PATH_PART.findall(path.removeprefix("$"))
    ]


def format_json_path(parts: Sequence[str | int]) -> str:
    """Render a path as JSONPath: ``("responses", 0, "answers", 3)`` -> ``$.responses[0].answers[3]``.

    Keys that are not plain identifiers are quoted: ``$["odd key"]``.
    """
    key = tuple(parts)
    if _PLAIN_PARTS.issuperset(map(type, key)):
        return _kept(key)
    return _written(key)  # a key True or 1.0 equals 1: not kept beside the index 1


def _written(parts: tuple[str | int, ...]) -> str:
    out = "$"
    for part in parts:
        out = json_path_child(out, part)
    return out


def json_path_child(path: str, part: str | int) -> str:
    """``path`` extended by one key or index, written as :func:`format_json_path` writes it."""
    if isinstance(part, int):
        return f"{path}[{part}]"
    if _IDENTIFIER.match(part):
        return f"{path}.{part}"
    return f"{path}[{json.dumps(part, ensure_ascii=False)}]"


#: a reader names the same few paths in every file (``$.goals[0].progress[2]``): each is
#: written once a process
_kept = functools.lru_cache(maxsize=4096)(_written)
_PLAIN_PARTS = frozenset({str, int})

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
