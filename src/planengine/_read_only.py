"""Read-only copies of plain data, so that what a plugin is handed cannot be changed: a list
becomes a tuple and a mapping a read-only mapping, all the way down."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["read_only"]


def read_only(value: Any) -> Any:
    """``value`` with every list a tuple and every mapping a read-only copy, at every depth;
    anything else (text, numbers, dates, frozen records) as it is."""
    kind = type(value)
    if kind in _LEAVES:  # text, a number, a date, a record: as it is (the usual case)
        return value
    if kind is dict:  # a leaf is kept without a call each (most of a parsed document)
        return MappingProxyType(
            {key: item if type(item) in _LEAVES else read_only(item) for key, item in value.items()}
        )
    if kind is list or kind is tuple:
        return tuple(item if type(item) in _LEAVES else read_only(item) for item in value)
    if isinstance(value, MappingProxyType):
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({key: read_only(item) for key, item in value.items()})
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if len(_LEAVES) < 256:  # a type that is none of the above is returned as it is, always
        _LEAVES.add(kind)
    return value


#: Types :func:`read_only` returns as they are (learnt as they are met; a race only adds a type
#: twice). A list, tuple, mapping or set type is never one.
_LEAVES: set[type] = {str, int, float, bool, type(None)}
