"""What the planning stage records: why each problem has its place and phase, the options a
clinician and patient choose between, and the weekly burden of each phase.

Every record names the rule that made it (``stepped-care.R-SCn`` from , or a
``stepped-care.*`` design rule documented in ``docs/stepped-care.md``) and says why in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from planengine._json_form import FORMS, IF_EMPTY, IF_NONE, LIST, json_form, key

__all__ = [
    "LATER",
    "NEXT",
    "NOW",
    "NO_MEASURE",
    "PHASES",
    "WAITS_NOTE",
    "Burden",
    "Choice",
    "Ordering",
    "PhaseLoad",
    "Phasing",
    "TreatmentOption",
]

#: starts at once
NOW = "now"
#: starts when its entry criterion is met (a review, the end of a course, non-response)
NEXT = "next"
#: watched by its measure; started only if a review decides so
LATER = "later"
PHASES = (NOW, NEXT, LATER)

#: what a problem no questionnaire measures is reviewed on while it waits: not a measure, so the
#: plan names no "Meanwhile" for it (clinician read 15, S4)
NO_MEASURE = "progress on its objectives"
#: The note on an objective none of whose steps starts now (a held objective says "Held" instead:
#: held implies waiting, clinician read 16, S3).
WAITS_NOTE = "Waits: none of its steps starts now; agree its dates again when they start."


@attrs.frozen
class Phasing:
    """Why a problem or step is in its phase.

    :ivar rule: the rule that put it there.
    :ivar reason: why, in words.
    :ivar entry: for ``next`` and ``later``: when it starts.
    :ivar review: for ``next`` and ``later``: the measure reviewed meanwhile (:data:`NO_MEASURE`
        when no questionnaire measures it).
    :ivar review_week: for ``next`` and ``later``: the week of the review its entry names, when
        it names one (the plans' "revisit at the week-N review" is the earliest of them).
    """

    rule: str
    reason: str
    entry: str | None = None
    review: str | None = None
    #: the week of its phase it starts in, when not the first (the homework budget schedules it)
    start_week: int | None = None
    review_week: int | None = None

    to_dict = json_form(
        key("rule"),
        key("reason"),
        key("entry", omit=IF_NONE),
        key("review", omit=IF_NONE),
        key("start_week", omit=IF_NONE),
        key("review_week", omit=IF_NONE),
        doc="JSON-ready form (absent fields left out).",
    )


@attrs.frozen
class Ordering:
    """A problem's place in the plan and the rule that gave it.

    :ivar rank: 1 is first (the safety problem, when there is one).
    :ivar primary: the problem treated first (stepped-care R-SC1).
    """

    rank: int
    rule: str
    reason: str
    primary: bool = False

    to_dict = json_form(key("rank"), key("primary"), key("rule"), key("reason"))


@attrs.frozen
class TreatmentOption:
    """One of the treatments a problem may start with.

    :ivar id: what a choice names (``--choose depression=cognitive-restructuring``).
    :ivar involves: what it involves, in words.
    :ivar delivery: who delivers it.
    :ivar intensity: ``high`` (a course of therapy), ``low`` (guided self-help) or ``none``
        (active monitoring only).
    :ivar sessions: the sessions it takes, in words (``None``: none).
    :ivar homework_minutes_per_week: the patient's own time in its first week.
    :ivar steps: the plan's step ids it consists of.
    :ivar default: the option the plan starts with unless another is chosen.
    """

    id: str
    title: str
    involves: str
    delivery: str
    intensity: str
    sessions: str | None
    homework_minutes_per_week: int
    citations: tuple[str, ...]
    steps: tuple[str, ...]
    default: bool = False

    to_dict = json_form(
        key("id"),
        key("title"),
        key("involves"),
        key("delivery"),
        key("intensity"),
        key("sessions"),
        key("homework_minutes_per_week"),
        key("citations", as_=LIST),
        key("steps", as_=LIST),
        key("default"),
    )


@attrs.frozen
class Choice:
    """The treatment options of one problem and which one the plan follows.

    :ivar chosen: the option the plan follows.
    :ivar chosen_by: ``"default"`` (the rule below) or ``"input"`` (a recorded choice).
    :ivar rule: the rule that marks the default.
    :ivar reason: why that option is the default, in words.
    :ivar build: writes the options from the finished plan's steps; they are written when first
        read (a plan is often made more often than it is written out). Two choices are equal by
        the fields above.
    """

    problem: str
    area: str
    chosen: str
    chosen_by: str
    rule: str
    reason: str
    build: Callable[[], tuple[TreatmentOption, ...]] = attrs.field(eq=False, repr=False)
    _written: list[tuple[TreatmentOption, ...]] = attrs.field(
        factory=list, init=False, eq=False, repr=False
    )

    @property
    def options(self) -> tuple[TreatmentOption, ...]:
        """The options, the default marked (written once, on first use)."""
        if not self._written:
            self._written.append(self.build())
        return self._written[0]

    to_dict = json_form(
        key("problem"),
        key("area"),
        key("chosen"),
        key("chosen_by"),
        key("rule"),
        key("reason"),
        key("options", as_=FORMS),
    )


@attrs.frozen
class PhaseLoad:
    """What one phase asks of the patient each week.

    :ivar courses: high-intensity courses of therapy (or referrals for one).
    :ivar clinician_contacts_per_week: sessions with a clinician in a usual week.
    :ivar homework_minutes_per_week: self-guided and supervised self-help, in minutes.
    :ivar referred_contacts_per_week: of the contacts, the sessions at a service the patient is
        referred to (a CBT-I course by a sleep service); the rest are with this plan's clinician.
    :ivar homework_minutes_while_held: of the phase that starts now, when a safety hold keeps some
        of its self-help from starting, the busiest week of the self-help that is not held (what
        the patient starts with today); ``None`` when nothing held would change it.
        ``homework_minutes_per_week`` still counts the held steps: the patient carries them once
        the hold ends, and the budget was checked with them (clinician read 18, S2(b)).
    """

    courses: int
    clinician_contacts_per_week: float
    homework_minutes_per_week: int
    referred_contacts_per_week: float = 0
    homework_minutes_while_held: int | None = None

    to_dict = json_form(
        key("courses"),
        key("clinician_contacts_per_week"),
        key("homework_minutes_per_week"),
        key("referred_contacts_per_week", omit=IF_EMPTY),
        key("homework_minutes_while_held", omit=IF_NONE),
    )


@attrs.frozen
class Burden:
    """The limits the plan was made within and the load of each phase."""

    limits: tuple[tuple[str, int], ...]
    phases: tuple[tuple[str, PhaseLoad], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the limits, then one key per phase (not a fixed set of keys, so
        written here rather than declared with :func:`~planengine._json_form.json_form`)."""
        return {
            "limits": dict(self.limits),
            **{name: load.to_dict() for name, load in self.phases},
        }

    _json_data = to_dict
