"""SMART rules, T (time-bound): a due date (or, T507, a timeframe the statement states and the
record lacks) after the start and not passed, a horizon of at most a year, and a review interval
(the goal's own, or the file's plan-level one) within the maximum."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import read_statement, shown

__all__ = [
    "check_due_before_start",
    "check_due_only_in_statement",
    "check_due_passed",
    "check_horizon",
    "check_no_due_date",
    "check_no_review",
    "check_review_interval",
]


def check_no_due_date(ctx: GoalContext) -> Iterator[Hit]:
    """T501: no due date, and no timeframe in the statement either (that is T507)."""
    if "due_date" in ctx.record.written:
        return
    statement = read_statement(ctx)
    if statement is not None and statement.timeframe:
        return
    yield Hit()


def check_due_only_in_statement(ctx: GoalContext) -> Iterator[Hit]:
    """T507: the statement states a timeframe ("within 12 weeks") and the record has no due date."""
    if "due_date" in ctx.record.written:
        return
    statement = read_statement(ctx)
    if statement is None or not statement.timeframe:
        return
    hint = ""
    start = ctx.record.start
    if statement.timeframe_days and start is not None:
        due = start + dt.timedelta(days=statement.timeframe_days)
        hint = f" ({due}: start {start} + {statement.timeframe_days} days)"
    yield Hit(
        (),
        f"the statement says {statement.timeframe!r}: add due_date{hint} so that the review "
        "knows when it is due",
    )


def check_due_before_start(ctx: GoalContext) -> Iterator[Hit]:
    start, due = ctx.record.start, ctx.record.due_date
    if start is not None and due is not None and due < start:
        yield Hit(("due_date",), f"due date {due} is before the start {start}")


def check_due_passed(ctx: GoalContext) -> Iterator[Hit]:
    due = ctx.record.due_date
    if ctx.as_of is not None and due is not None and due < ctx.as_of:
        yield Hit(("due_date",), f"due date {due} has passed (as of {ctx.as_of})")


def check_horizon(ctx: GoalContext) -> Iterator[Hit]:
    start, due = ctx.record.start, ctx.record.due_date
    if start is not None and due is not None and due > _one_year_after(start):
        yield Hit(("due_date",), f"the goal spans {(due - start).days} days, more than a year")


def _one_year_after(day: dt.date) -> dt.date:
    """The same date a year later (29 February: 28 February, so a year is never over-counted)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February, or the calendar's last year
        return day.replace(year=day.year + 1, day=28) if day.year < dt.MAXYEAR else dt.date.max


def check_no_review(ctx: GoalContext) -> Iterator[Hit]:
    """T505: no review interval on the goal, and none for the whole file (the plan's cycle)."""
    if "review_interval_days" not in ctx.record.written | ctx.file.written:
        yield Hit()


def check_review_interval(ctx: GoalContext) -> Iterator[Hit]:
    limit = ctx.settings.max_review_interval_days
    days = ctx.record.review_interval_days  # 365.0 is the integer 365 in the schema
    if days is not None and days > limit:  # one too large to use is too long too
        yield Hit(
            ("review_interval_days",),
            f"review every {shown(days)} days is longer than the maximum of {limit} days",
        )
    elif "review_interval_days" not in ctx.record.written:
        plan = ctx.file.review_interval_days
        if plan is not None and plan > limit:
            yield Hit(
                (),
                f"the file's review_interval_days ({shown(plan)} days) is longer than the maximum"
                f" of {limit} days",
            )
