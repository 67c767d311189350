"""``read_only`` (what a plugin is handed): the fast path for text, numbers and records, and the
types it learns as leaves, give what the plain definition gives, at every depth."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from planengine import _read_only
from planengine._read_only import read_only


def _by_definition(value: Any) -> Any:
    """read_only as the module defined it before the fast path (the specification)."""
    if type(value) is list or type(value) is tuple:
        return tuple(_by_definition(item) for item in value)
    if isinstance(value, MappingProxyType):
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({key: _by_definition(item) for key, item in value.items()})
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value


def _shape(value: Any) -> Any:
    """``value`` with each container's exact type beside its contents (== alone would take a
    tuple for a list and a read-only mapping for a dict)."""
    if isinstance(value, Mapping):
        return (type(value), {key: _shape(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value), [_shape(item) for item in value])
    if isinstance(value, (set, frozenset)):
        return (type(value), value)
    return (type(value), value)


@attrs.frozen
class _Record:
    name: str


class _Words(list):  # type: ignore[type-arg]
    """A list subclass: kept as it is (not a list by type)."""


class _Text(str):
    """A str subclass: a leaf."""


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.text(max_size=5).map(_Text),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.text(max_size=3).map(_Record),
)
_keys = st.text(max_size=3)
_data = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.lists(children, max_size=3).map(_Words),
        st.dictionaries(_keys, children, max_size=3),
        st.dictionaries(_keys, children, max_size=3).map(collections.OrderedDict),
        st.dictionaries(_keys, children, max_size=3).map(MappingProxyType),
        st.frozensets(st.integers(), max_size=3),
        st.sets(st.text(max_size=2), max_size=3),
    ),
    max_leaves=12,
)


@given(_data)
def test_read_only_gives_what_its_definition_gives(value: Any) -> None:
    expected = _shape(_by_definition(value))
    assert _shape(read_only(value)) == expected
    assert _shape(read_only(value)) == expected  # again, with the leaf types it learnt


@given(_data)
def test_no_container_type_is_ever_learnt_as_a_leaf(value: Any) -> None:
    read_only(value)
    for kind in _read_only._LEAVES:  # a list subclass is no list: kept as it is, as before
        assert kind not in (list, tuple), kind
        assert not issubclass(kind, (Mapping, set, frozenset)), kind


def test_a_list_subclass_is_kept_as_it_is_and_a_dict_subclass_is_copied() -> None:
    words = _Words(["a"])
    assert read_only(words) is words
    ordered = collections.OrderedDict(a=[1])
    copied = read_only(ordered)
    assert isinstance(copied, MappingProxyType)
    assert copied["a"] == (1,)
