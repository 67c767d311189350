"""What ``Engine.plan`` is given, checked before anything is planned: an :class:`Assessment`, a
planning date, recorded choices, and areas and conditions the vocabulary knows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from planengine._errors import InputError
from planengine._model import Assessment

__all__ = ["check_arguments", "check_context", "checked_choices"]

#: The latest planning date: due and review dates up to two years on must still be dates.
_LATEST_AS_OF = dt.date(9997, 12, 31)


def checked_choices(choices: Any) -> Mapping[str, str]:
    """``choices`` as given (``None``: none), or :class:`InputError` for another shape."""
    if choices is None:
        return {}
    if not isinstance(choices, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in choices.items()
    ):
        raise InputError(f"choices must map areas to option ids (strings), not {choices!r}")
    return choices


def check_arguments(assessment: Any, as_of: Any) -> None:
    """``plan()``'s arguments are what it takes (an Assessment built in code is checked too).

    :raises TypeError: for an argument of the wrong type (as ``check_goals`` and
        ``review_goals``), naming what was given instead.
    :raises InputError: for an ``as_of`` too far in the future to plan from.
    """
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise TypeError(f"as_of must be a datetime.date, got {type(as_of).__name__} {as_of!r}")
    if as_of > _LATEST_AS_OF:  # due and review dates must still be dates
        raise InputError(f"as_of {as_of.isoformat()} is too far in the future to plan from")
    if not isinstance(assessment, Assessment):
        raise TypeError(
            f"plan() takes an Assessment (see load_assessment, Assessment.from_mapping), "
            f"not {type(assessment).__name__}"
        )


def check_context(assessment: Assessment, vocabulary: Any) -> None:
    """Areas and conditions must be in the vocabulary (files are checked when loaded; an
    :class:`Assessment` built in code is checked here), never silently ignored."""
    context = assessment.context
    for field, given, known in (
        ("concerns", context.concerns, vocabulary.areas),
        ("conditions", context.conditions, vocabulary.conditions),
    ):
        for index, item in enumerate(given):
            if item not in known:
                raise InputError(
                    f"unknown id {item!r}; known: {', '.join(sorted(known))}",
                    file=assessment.source,
                    path=f"$.context.{field}[{index}]",
                )
