"""The SMART checker's data: rules, the context a rule sees, hits and violations."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from planengine._values import parse_date
from planengine.goals._record import (
    GoalFileRecord,
    GoalRecord,
    read_file_record,
    read_goal_record,
)
from planengine.io._location import WHOLE_INPUT, Located, Location

__all__ = [
    "LETTERS",
    "SEVERITIES",
    "GoalContext",
    "Hit",
    "SmartRule",
    "Violation",
]

#: SMART letters; ``E`` marks file-level errors (parse, schema, suppressions).
LETTERS = ("E", "S", "M", "A", "R", "T")
#: Severities, most serious first. ``error`` and ``warning`` make ``validate`` exit 1; ``info`` never.
SEVERITIES = ("error", "warning", "info")
CODE_PATTERN = re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def _check_severity(_: Any, attribute: Any, value: str) -> None:
    if value not in SEVERITIES:
        raise ValueError(f"{attribute.name} must be one of {SEVERITIES}, not {value!r}")


@attrs.frozen
class Hit:
    """What a rule's check yields: where (relative to the goal) and, optionally, a specific message.

    :ivar path: path parts below the goal, e.g. ``("measure", "target")``; ``()`` is the goal itself.
    :ivar message: overrides the rule's generic message when given.
    """

    path: tuple[str | int, ...] = ()
    message: str | None = None


@attrs.frozen
class SmartRule:
    """One rule: metadata for ``planengine rules`` and a check over one goal.

    :ivar code: ``S101`` style; core codes use the SMART letter, plugins their own 1-3 letter prefix.
    :ivar name: kebab-case name (``no-baseline``), accepted wherever a code is.
    :ivar letter: the SMART letter it belongs to (``S``, ``M``, ``A``, ``R``, ``T``; ``E`` for files).
    :ivar severity: ``error``, ``warning`` or ``info`` (overridable in config).
    :ivar message: the generic one-line message.
    :ivar fix: a one-line hint how to fix it.
    :ivar source: the citation it rests on (``[DN-smart-checks][R42]``).
    :ivar docs: longer explanation for ``planengine rules CODE`` (What it does / Why / Example).
    :ivar check: ``check(ctx: GoalContext) -> Iterable[Hit]``; ``None`` for rules the checker raises
        itself (parse, schema and suppression findings).
    :ivar plugin: registration name of the plugin that added it; ``None`` for built-in rules.
    :ivar date_dependent: whether it fires depending on the as-of date (T503: due date passed).
        A suppression of such a rule is never reported as unused (E007): on the day it is
        written the rule does not fire yet, and it will on a later date.
    """

    code: str = attrs.field()
    name: str = attrs.field()
    letter: str = attrs.field(validator=attrs.validators.in_(LETTERS))
    severity: str = attrs.field(validator=_check_severity)
    message: str
    fix: str = ""
    source: str = ""
    docs: str = ""
    check: Callable[[GoalContext], Iterable[Hit]] | None = attrs.field(default=None, eq=False)
    plugin: str | None = None
    date_dependent: bool = False

    @code.validator
    def _check_code(self, _: Any, value: str) -> None:
        if not CODE_PATTERN.match(value):
            raise ValueError(f"rule code {value!r} must be 1-3 capital letters and digits (S101)")

    @name.validator
    def _check_name(self, _: Any, value: str) -> None:
        if not NAME_PATTERN.match(value):
            raise ValueError(f"rule name {value!r} must be kebab-case (no-baseline)")


@attrs.frozen
class Violation(Located):
    """One finding: a rule broken at a place in a file.

    :ivar location: where: the file, the 1-based line and column (``None`` when unknown: in-memory
        data, or a file-level error without a position) and the JSONPath text
        (``$.goals[0].measure``); ``file``, ``line``, ``column`` and ``json_path`` read from it.
    """

    code: str
    name: str
    letter: str
    severity: str
    message: str
    fix: str = ""
    location: Location = WHOLE_INPUT
    goal_id: str | None = None
    plugin: str | None = None
    source: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        """Orders violations by file, line, column, code and path."""
        where = self.location
        return (where.file or "", where.line or 0, where.column or 0, self.code, self.json_path)


@attrs.frozen
class GoalContext:
    """What a rule sees: one goal, the file around it, and the run's settings.

    :ivar goal: the goal mapping (schema-valid in its structure, though fields may be missing).
    :ivar index: its position in ``goals``.
    :ivar document: the whole file's data.
    :ivar as_of: the date the check is made for (``None``: date-relative rules are skipped).
    :ivar instruments: instrument id -> instrument (attributes ``total_min``, ``total_max``,
        ``direction``, ``change.mcid``, ``change.reliable_change_points`` ...).
    :ivar settings: the effective :class:`planengine.smart.SmartConfig`.
    :ivar record: the goal as written, typed (:class:`planengine.goals._record.GoalRecord`):
        what the built-in rules read. ``check_goals`` passes the one the reader of goal files
        made for the review too; by default it is read from ``goal``.
    :ivar file: what the file writes beside its goals (the plan's review interval), typed;
        by default read from ``document``.
    """

    goal: Mapping[str, Any]
    index: int
    document: Mapping[str, Any]
    as_of: datetime.date | None
    instruments: Mapping[str, Any]
    settings: Any
    record: GoalRecord = attrs.field(
        default=attrs.Factory(lambda ctx: read_goal_record(ctx.goal, ctx.index), takes_self=True),
        eq=False,
        repr=False,
    )
    file: GoalFileRecord = attrs.field(
        default=attrs.Factory(lambda ctx: read_file_record(ctx.document), takes_self=True),
        eq=False,
        repr=False,
    )

    instrument: Any = attrs.field(init=False, eq=False, repr=False)
    """The goal's instrument object, or ``None`` (none named, or unknown)."""
    _dates: dict[tuple[str, ...], datetime.date | None] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        name = self.record.measure.instrument
        instrument = self.instruments.get(name) if name is not None else None
        object.__setattr__(self, "instrument", instrument)

    # The goal's mappings as written, for rules that read ``goal`` (plugins' rules; the
    # built-in rules read ``record``).
    @property
    def measure(self) -> Mapping[str, Any]:
        """The goal's ``measure`` mapping (``{}`` when missing or not a mapping)."""
        value = self.goal.get("measure")
        return value if isinstance(value, Mapping) else {}

    @property
    def baseline(self) -> Mapping[str, Any] | None:
        """``measure.baseline`` when it is a mapping."""
        value = self.measure.get("baseline")
        return value if isinstance(value, Mapping) else None

    @property
    def target(self) -> Mapping[str, Any] | None:
        """``measure.target`` when it is a mapping; a target relative to the baseline
        (``change``, ``change_percent``) as the absolute value and comparator it stands for at
        the baseline (``MeasureRecord.resolved_target``), or as written while there is no
        baseline value."""
        target = self.measure.get("target")
        if not isinstance(target, Mapping):
            return None
        resolved = self.record.measure.resolved_target
        if resolved is None or not resolved.relative or resolved.value is None:
            return target
        return {**target, "value": resolved.value, "comparator": resolved.comparator}

    def date(self, *keys: str) -> datetime.date | None:
        """Parse a date field below the goal (``date("due_date")``, ``date("measure", "baseline",
        "date")``); ``None`` when missing or not a valid calendar date (E004 reports those).
        Parsed once per goal and key path."""
        dates = self._dates
        if keys in dates:
            return dates[keys]
        value: Any = self.goal
        for key in keys:
            if not isinstance(value, Mapping):
                value = None
                break
            value = value.get(key)
        parsed = dates[keys] = parse_date(value)
        return parsed

    @property
    def start(self) -> datetime.date | None:
        """The goal's start: ``start_date``, else the baseline's date."""
        return self.record.start
