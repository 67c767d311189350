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
    if type(value) is list or type(value) is tuple:
        return tuple(read_only(item) for item in value)
    if isinstance(value, MappingProxyType):
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({key: read_only(item) for key, item in value.items()})
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value
