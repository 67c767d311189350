"""Risk flags read against the clinician's recorded dispositions ([DN-risk-flags]).

A disposition never removes a flag: the flag stays in every output with the record beside it.
What a current disposition changes is what the flag asks for: no longer "a risk assessment
today" but the review of the recorded disposition on its ``next_review`` date. The rules, in
the conservative direction (if in doubt, the flag stays open):

* a disposition covers the signals dated on or before its own date, and only the flag whose
  signal it names (:attr:`planengine.RiskFlag.signal`); the latest record (on or before the
  review date) is the one read;
* a signal dated after it (a new item-9 answer of 1 or more, a blank item 9, new risk language)
  reopens the flag (``reopened``): the assessment is asked for again, today;
* on and after its ``next_review`` date the flag is due again (``review-due``);
* a record dated after the review date is not read (nothing after ``as_of`` is used).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from planengine._records import RiskFlag
from planengine.io._disposition import Disposition
from planengine.plan._risk_flags import ACTION_ASK_NOW, TODAY_ACTIONS

__all__ = ["apply_dispositions", "current_disposition"]


def current_disposition(
    flag: RiskFlag, dispositions: Iterable[Disposition], as_of: dt.date
) -> Disposition | None:
    """The latest disposition of ``flag``'s signal dated on or before ``as_of`` (``None``: none)."""
    found = [d for d in dispositions if d.signal == flag.signal and d.date <= as_of]
    return max(found, key=lambda d: d.date) if found else None


def apply_dispositions(
    flags: Sequence[RiskFlag], dispositions: Sequence[Disposition], as_of: dt.date
) -> tuple[RiskFlag, ...]:
    """``flags`` with their disposition, status and message as the records say (order kept)."""
    return tuple(_apply(flag, dispositions, as_of) for flag in flags)


def _apply(flag: RiskFlag, dispositions: Sequence[Disposition], as_of: dt.date) -> RiskFlag:
    record = current_disposition(flag, dispositions, as_of)
    if record is None:
        return flag
    last = flag.last_signal_on or flag.observed_on
    if last > record.date:
        return attrs.evolve(
            flag,
            status="reopened",
            disposition=record,
            message=f"{flag.message} Reopened: this signal on {last.isoformat()} came after the "
            f"clinician's disposition ({record.describe()}), so it is assessed again today.",
        )
    if record.next_review <= as_of:
        return attrs.evolve(
            flag,
            status="review-due",
            disposition=record,
            message=f"{flag.message} Review due: {record.describe()}; that review is due "
            f"({record.next_review.isoformat()}), so a clinician reviews the flag today.",
        )
    message, day = flag.message, record.date.isoformat()
    for action in TODAY_ACTIONS:
        done = f"A clinician assessed it on {day}." if action == ACTION_ASK_NOW else (
            f"assessed by a clinician on {day}"
        )
        message = message.replace(action, done)
    return attrs.evolve(
        flag,
        status="dispositioned",
        disposition=record,
        message=f"{message} The flag stays on record, {record.describe()}; any signal after "
        f"{record.date.isoformat()} reopens it.",
    )
