"""Dates, numbers and comparators as every stage reads them: one meaning for each.

A date is ``YYYY-MM-DD`` (or a ``datetime.date`` from Python callers); a number is finite and
within :data:`MAX_MAGNITUDE`; a comparator is one of :data:`COMPARATORS`, the five the schemas
allow. Assessment files, goal files, instrument data, strategy data, the SMART rules, the review
and the command line all read them through this module, so no two of them can disagree about what
a date, a usable number or ``<=`` is.

It sits at the top of the package, beside ``_model``, rather than in ``io/``: the loaders are not
its only users (instrument scoring, strategy targets, the SMART rules and the review compare with
it), and it depends on nothing but the standard library, so every stage may import it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "COMPARATORS",
    "MAX_MAGNITUDE",
    "ORDER_COMPARATORS",
    "comparator_function",
    "compare",
    "impossible_date",
    "is_number",
    "parse_date",
    "read_number",
]

#: Larger numbers are not usable: past 2**53 floats lose whole numbers, and arithmetic on them
#: (a trajectory's slope, a change score) overflows to infinity.
MAX_MAGNITUDE: Final = 1e15

#: The comparators the schemas allow (goal, plan and strategy files), in their order.
COMPARATORS: Final = ("<=", "<", ">=", ">", "==")

#: The comparators that order, the four instrument data allows (cut-offs, bands, remission).
ORDER_COMPARATORS: Final = ("<=", "<", ">=", ">")

_OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = MappingProxyType(
    {
        "<=": operator.le,
        "<": operator.lt,
        ">=": operator.ge,
        ">": operator.gt,
        "==": operator.eq,
    }
)

# Python 3.11's fromisoformat also takes "20261120" or "2026-W47-5"; the format is YYYY-MM-DD.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> dt.date | None:
    """``value`` as a calendar date, or ``None`` when it is not one.

    Text must be exactly ``YYYY-MM-DD`` (ASCII digits) and a real day (``2026-02-30`` is not);
    a ``datetime.date`` is itself, and a ``datetime.datetime`` its date. Anything else (a number,
    ``None``, ``"20261120"``) is ``None``: each caller says in its own words what it expected.
    """
    if isinstance(value, str):
        return _date_of_text(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


@functools.lru_cache(maxsize=4096)
def _date_of_text(text: str) -> dt.date | None:
    """:func:`parse_date` of text, remembered: the same dates recur in every goal of a file and
    across files (a goal file's check reads about 50)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # a day that does not exist
        return None


def impossible_date(value: Any) -> bool:
    """Whether ``value`` is text of the form ``YYYY-MM-DD`` that is no real day (``2026-02-30``):
    the goal schema's date pattern passes it, so the readers of goal files report it (E004)."""
    return isinstance(value, str) and bool(_ISO_DATE.fullmatch(value)) and parse_date(value) is None


def is_number(value: Any) -> bool:
    """Whether ``value`` is a JSON number: an ``int`` or ``float``, never a ``bool``."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_number(value: Any) -> float | None:
    """``value`` as a float when it is a usable number, else ``None``.

    Usable: a JSON number (:func:`is_number`), finite, within :data:`MAX_MAGNITUDE` either side
    of zero. An integer too large for a float (hundreds of digits) is not usable, nor are NaN
    and the infinities: the result is never NaN or infinite. Messages call the others "not a
    usable number (finite, within ±1e15)".
    """
    if not is_number(value):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        return None
    return number if math.isfinite(number) and abs(number) <= MAX_MAGNITUDE else None


def comparator_function(comparator: str) -> Callable[[Any, Any], bool]:
    """The operator for ``comparator`` (``"<="`` is :func:`operator.le`), for code that
    compares many times with one comparator; :class:`ValueError` for anything but
    :data:`COMPARATORS`."""
    try:
        return _OPERATORS[comparator]
    except (KeyError, TypeError):
        raise ValueError(f"unknown comparator {comparator!r}") from None


def compare(value: float, comparator: str, target: float) -> bool:
    """Whether ``value <comparator> target`` holds (``"=="``: equal); :class:`ValueError` for a
    comparator not in :data:`COMPARATORS`. Callers that read a comparator from a document check
    it against :data:`COMPARATORS` first and say what they do with another."""
    return comparator_function(comparator)(value, target)
