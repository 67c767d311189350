"""What reading a goal file makes for a review: a finding about the input
(:class:`ReviewFinding`) and one value of a goal's measure (:class:`Measurement`).

Re-exported by :mod:`planengine.review._model` with the review's results; kept apart so that
``validate``, which reads goal files through the same reader (the input contract), imports
these two records and not the review's results.
"""

from __future__ import annotations

import datetime as dt

import attrs

from planengine._json_form import DATE, IF_NONE, json_form, key
from planengine.io._location import WHOLE_INPUT, Located, Location

__all__ = ["NOT_CHECKED", "Measurement", "ReviewFinding", "UnusableEntry"]

#: How a skipped file or entry says its answers were not read for risk items (the caseload
#: reads it to say so only once)
NOT_CHECKED = "its answers were NOT checked for risk items"


@attrs.frozen
class ReviewFinding(Located):
    """A problem with the input: where it is, what is wrong, what the review did about it.

    :ivar code: ``input.<kind>`` (``input.before-baseline``, ``input.duplicate-date`` ...).
    :ivar severity: ``error`` (the value was left out of the computation: exit 2), ``warning``
        (an assumption the review had to make) or ``info`` (a caveat).
    :ivar location: where it is: file, line and column as far as known, and the JSON path
        (``$.goals[0].progress[2].date``); ``file``, ``line``, ``column`` and ``json_path`` read
        from it.
    """

    code: str
    severity: str
    message: str
    location: Location = WHOLE_INPUT
    goal_id: str | None = None

    to_dict = json_form(
        *map(key, ("code", "severity", "message", "file", "line", "column", "json_path")),
        key("goal_id"),
    )


@attrs.frozen
class Measurement:
    """One value of a goal's measure. ``source`` is ``baseline``, ``progress`` or ``assessment``.

    :ivar converted_from: the value as recorded when it was converted into the measure's unit
        (``"1 hours"`` for 60 minutes; plain time units only, exactly), else ``None``.
    """

    date: dt.date
    value: float
    source: str
    json_path: str
    converted_from: str | None = None

    to_dict = json_form(
        key("date", as_=DATE),
        key("value"),
        key("source"),
        key("json_path"),
        key("converted_from", omit=IF_NONE),
    )


@attrs.frozen
class UnusableEntry:
    """A progress entry dated within the goal's span (from the baseline to the review date) whose
    value could not be used: a unit that is not the measure's, a value outside its range.

    :ivar why: what was wrong with it, in words (``"unit 'nights', the measure is in 'minutes'"``).
    """

    date: dt.date
    why: str
    json_path: str

    to_dict = json_form(key("date", as_=DATE), key("why"), key("json_path"))
