"""Dates, numbers and comparators (``planengine._values``): the one meaning every stage uses."""

from __future__ import annotations

import datetime as dt
import json
import math
import pathlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine._values import (
    COMPARATORS,
    MAX_MAGNITUDE,
    ORDER_COMPARATORS,
    comparator_function,
    compare,
    is_number,
    parse_date,
    read_number,
)

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "schemas"

finite = st.floats(allow_nan=False, allow_infinity=False)
numbers = st.one_of(st.integers(-(10**20), 10**20), finite)
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(10**300, 10**400),
    st.floats(),
    st.text(max_size=12),
    st.dates(),
    st.lists(st.integers(), max_size=2),
)


# --- dates ---------------------------------------------------------------------------------------


@given(st.dates())
def test_a_date_round_trips_through_its_iso_text(date: dt.date) -> None:
    assert parse_date(date.isoformat()) == date
    assert parse_date(date) == date


@given(st.datetimes())
def test_a_datetime_is_its_date(moment: dt.datetime) -> None:
    assert parse_date(moment) == moment.date()


@given(st.text(alphabet="0123456789-W T+:", max_size=12) | st.text(max_size=12))
def test_text_is_a_date_only_when_it_is_exactly_yyyy_mm_dd(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or parsed.isoformat() == text


@pytest.mark.parametrize(
    "text",
    ["20261120", "2026-W47-5", "2026-11-20T00:00", "2026-11-20 ", " 2026-11-20", "2026-02-30",
     "2026-13-01", "2026-1-120", "２０２６-11-20", "2026-11-2٣", ""],
)
def test_not_a_date(text: str) -> None:
    assert parse_date(text) is None


@given(anything.filter(lambda v: not isinstance(v, (str, dt.date))))
def test_only_text_and_dates_are_dates(value: Any) -> None:
    assert parse_date(value) is None


# --- numbers -------------------------------------------------------------------------------------


@given(anything)
def test_a_read_number_is_never_nan_infinite_or_past_the_bound(value: Any) -> None:
    number = read_number(value)
    assert number is None or (math.isfinite(number) and abs(number) <= MAX_MAGNITUDE)
    assert number is None or is_number(value)


@given(numbers)
def test_a_number_within_the_bound_reads_as_itself(value: float) -> None:
    expected = float(value) if abs(value) <= MAX_MAGNITUDE else None
    assert read_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [True, False, None, "7", [1], float("nan"), float("inf"), -float("inf"), 10**400, -(10**400),
     1e16, MAX_MAGNITUDE * 2],
)
def test_not_a_usable_number(value: Any) -> None:
    # an integer too large for a float is not usable, never infinity (issue 22: one reader gave
    # +-inf, the other None)
    assert read_number(value) is None


def test_the_bound_itself_is_usable() -> None:
    assert read_number(MAX_MAGNITUDE) == MAX_MAGNITUDE
    assert read_number(-(10**15)) == -MAX_MAGNITUDE


# --- comparators ---------------------------------------------------------------------------------


@given(finite, finite)
def test_exactly_one_of_less_equal_greater_holds(a: float, b: float) -> None:
    assert [compare(a, c, b) for c in ("<", "==", ">")].count(True) == 1


@given(finite, finite)
def test_comparators_agree_with_each_other(a: float, b: float) -> None:
    assert compare(a, "<=", b) == (compare(a, "<", b) or compare(a, "==", b))
    assert compare(a, ">=", b) == (not compare(a, "<", b))
    assert compare(a, ">", b) == compare(b, "<", a)
    assert compare(a, ">=", b) == compare(b, "<=", a)
    for comparator in COMPARATORS:
        assert comparator_function(comparator)(a, b) == compare(a, comparator, b)


@given(numbers, numbers)
def test_comparators_mean_what_python_means(a: float, b: float) -> None:
    assert [compare(a, c, b) for c in COMPARATORS] == [a <= b, a < b, a >= b, a > b, a == b]


@pytest.mark.parametrize("comparator", ["=", "=<", "!=", "~", "", None, "lt"])
def test_an_unknown_comparator_is_refused(comparator: Any) -> None:
    with pytest.raises(ValueError, match="unknown comparator"):
        compare(1, comparator, 2)


def _comparator_enums(node: Any) -> list[list[str]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("comparator") and isinstance(value, dict) and "enum" in value:
                found.append(value["enum"])
            found.extend(_comparator_enums(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_comparator_enums(item))
    return found


@pytest.mark.parametrize(
    ("schema", "allowed"),
    [("goal", COMPARATORS), ("plan", COMPARATORS), ("strategy", COMPARATORS),
     ("instrument", ORDER_COMPARATORS)],
)
def test_the_comparators_are_the_ones_the_schemas_allow(schema: str, allowed: tuple[str, ...]) -> None:
    data = json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8"))
    enums = _comparator_enums(data)
    assert enums
    assert all(set(enum) <= set(allowed) for enum in enums)
    assert set(allowed) in [set(enum) for enum in enums]
