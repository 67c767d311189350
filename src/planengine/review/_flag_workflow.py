"""A review's risk flags as a clinician works them: whose they are, what has been recorded about
them, and what waits while they are open (issue 19, [DN-risk-flags]).

* **Whose.** Every flag id names its patient (``p-105/risk-1``), so a flag is never read without
  its patient, in any format, and ids are unique per patient (:func:`qualify_flags`).
* **Dispositions.** ``risk_dispositions`` in the goal file record a clinician's assessment of a
  flag (:mod:`planengine.io._disposition`); :func:`planengine.plan._flag_dispositions.apply_dispositions`
  reads them the same way the planner does. A record that cannot be read is an input error
  and the flag stays open.
* **What waits.** A goal that an open flag concerns is reviewed today, not at its usual
  interval; a dispositioned flag's goal no later than the disposition's next review. While a
  flag of level ``high`` is open, routine suggestions on the other goals (raise the target,
  close, extend, split) wait for the clinician and say so (``review.wait-for-risk-flag``): they
  are kept in the suggestion's details, never dropped. Closing a goal that a dispositioned flag
  concerns says the flag's risk review (its next review date) and the safety plan carry on.
* **Risk first.** Each goal's suggestions are ordered risk first (:func:`risk_first`, by the
  groups ``suggestion-order`` in ``data/review.yaml`` names), in every output format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from planengine._records import RiskFlag
from planengine.goals._record import GoalFileRecord, read_patient_id
from planengine.io._disposition import Disposition, dispositions_on, unmatched_message
from planengine.io._document import Document
from planengine.review._inputs import FindingSink
from planengine.review._readings import ReviewFinding

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._model import GoalReview, Suggestion

__all__ = [
    "ROUTINE_ACTIONS",
    "RULE_WAIT",
    "dispositions_from_goal_file",
    "flag_prefix",
    "patient_id_of",
    "qualify_flags",
    "risk_first",
    "wait_and_review_now",
]

RULE_WAIT = "review.wait-for-risk-flag"
#: Suggestions that are routine changes to a plan: they wait while a high-priority flag is open.
ROUTINE_ACTIONS = frozenset({"raise-target", "close-goal", "extend", "split"})


def patient_id_of(data: Mapping[str, Any]) -> str | None:
    """``patient.id`` as text (a whole number is read as text), ``None`` when absent or empty
    (:func:`planengine.goals._record.read_patient_id`, which the goal file's record holds)."""
    return read_patient_id(data)


def flag_prefix(patient_id: str | None, file: str | None) -> str:
    """What a flag id starts with: the patient id, else the file (a goal file with no patient id
    still names where its flags come from), else ``unidentified-patient``."""
    return patient_id or file or "unidentified-patient"


def qualify_flags(flags: Sequence[RiskFlag], prefix: str) -> tuple[RiskFlag, ...]:
    """Flags with ids that name their patient: ``risk-1`` becomes ``p-105/risk-1``."""
    return tuple(attrs.evolve(flag, id=f"{prefix}/{flag.id}") for flag in flags)


def dispositions_from_goal_file(
    source: Document | Mapping[str, Any], file: GoalFileRecord, as_of: dt.date
) -> tuple[list[Disposition], tuple[ReviewFinding, ...]]:
    """The usable ``risk_dispositions`` of a goal file (``file``: its record) on ``as_of``, and a
    finding for each record that cannot be used (an error: it is ignored and its flag stays
    open)."""
    document = source if isinstance(source, Document) else None
    sink = FindingSink(document, document.path if document is not None else None)

    def report(path: tuple[str | int, ...], message: str) -> None:
        sink.add("input.disposition", "error", f"{message}; not read, its flag stays open", path)

    for path, why in file.unreadable_dispositions:
        report(path, why)
    records = file.risk_dispositions
    if document is not None:  # each record's line, for the message about two on one day
        records = tuple(
            attrs.evolve(r, line=(document.locate(list(r.parts)) or (None,))[0]) for r in records
        )
    usable = dispositions_on(records, as_of, report, day="review date")
    return usable, tuple(sink.items)


def unmatched_dispositions(
    source: Document | Mapping[str, Any], records: Sequence[Disposition], flags: Sequence[RiskFlag]
) -> tuple[ReviewFinding, ...]:
    """A warning for each record whose signal raised no flag in this file (a typo would
    otherwise leave the flag it meant open without a word)."""
    document = source if isinstance(source, Document) else None
    sink = FindingSink(document, document.path if document is not None else None)
    signals = [flag.signal for flag in flags]
    for record in records:
        if record.signal not in signals:
            sink.add(
                "input.disposition-unmatched",
                "warning",
                unmatched_message(record, signals, "this file"),
                (*record.parts, "signal"),
            )
    return tuple(sink.items)


def wait_and_review_now(
    goal: GoalReview,
    flags: Sequence[RiskFlag],
    concerning: Callable[[GoalReview, Sequence[RiskFlag]], tuple[RiskFlag, ...]],
    as_of: dt.date,
) -> GoalReview:
    """``goal`` with its next review brought forward by the flags that concern it, and its
    routine suggestions waiting while a ``high`` flag is open elsewhere.

    :param flags: every flag of the file (open and dispositioned).
    :param concerning: which of the given flags concern a goal (``flags_concerning``).
    """
    open_flags = [f for f in flags if f.is_open]
    due = goal.review_due
    for flag in concerning(goal, flags):
        when = as_of if flag.is_open else flag.disposition.next_review
        if due is None or when < due:
            due = when
    if due != goal.review_due:
        goal = attrs.evolve(goal, review_due=due, overdue=due is not None and due < as_of)
    kept = [f for f in concerning(goal, flags) if not f.is_open and f.disposition is not None]
    suggestions = tuple(
        _risk_review_goes_on(s, kept) if kept and _action(s) == "close-goal" else s
        for s in goal.suggestions
    )
    high = [f for f in open_flags if f.level == "high"]
    if high and not concerning(goal, open_flags):  # a concerned goal is held by its flag's rule
        ids = ", ".join(f.id for f in high)
        suggestions = tuple(
            _waiting(s, ids) if _action(s) in ROUTINE_ACTIONS else s for s in suggestions
        )
    return attrs.evolve(goal, suggestions=risk_first(suggestions))


def _risk_review_goes_on(suggestion: Suggestion, flags: Sequence[RiskFlag]) -> Suggestion:
    """A close-goal that says the dispositioned flags' risk reviews and the safety plan go on
    (clinician read 23): closing a goal never drops a flag's follow-up."""
    dates = {f.id: f.disposition.next_review.isoformat() for f in flags if f.disposition}
    reviews = "; ".join(f"{flag_id} on {day}" for flag_id, day in dates.items())
    return attrs.evolve(
        suggestion,
        reason=f"{suggestion.reason} Closing the goal does not close the risk flag: keep its "
        f"risk review ({reviews}) and the safety plan in the plan; a relapse-prevention goal "
        "keeps them in view.",
        details={**suggestion.details, "risk_review": dates},
    )


def risk_first(suggestions: Sequence[Suggestion]) -> tuple[Suggestion, ...]:
    """The suggestions in the order ``suggestion-order`` in ``data/review.yaml`` gives: each
    group's (by rule id, or a plugin's by its action) in the group's order, the rest after them in
    the order the rules ran (a stable sort: risk first, clinician read 23)."""
    from planengine.review._rules import load_review_rules  # the review's data: not for validate

    groups = load_review_rules()["suggestion-order"]

    def place(item: Suggestion) -> int:
        action = _action(item)
        return next(
            (
                n
                for n, group in enumerate(groups)
                if item.rule in group.get("rules", ()) or action in group.get("actions", ())
            ),
            len(groups),
        )

    return tuple(sorted(suggestions, key=place))


def _action(suggestion: Suggestion) -> str:
    return str(suggestion.action).strip().lower().replace("_", "-").replace(" ", "-")


def _waiting(suggestion: Suggestion, ids: str) -> Suggestion:
    from planengine.review._model import Suggestion  # the review's results: not for validate

    return Suggestion(
        RULE_WAIT,
        "wait",
        f"{suggestion.action} ({suggestion.rule}) waits until a clinician has seen the open "
        f"high-priority risk flag {ids}: {suggestion.reason}",
        suggestion.goal_id,
        "core",
        {"waiting": suggestion.to_dict(), "risk_flags": ids.split(", ")},
    )
