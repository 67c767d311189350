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
* a record dated after the review date is an input error, and so are two records of one
  signal on one day (:func:`planengine.io._disposition.dispositions_on`, which ``plan`` and
  ``review`` share); a record whose signal raised no flag is a warning
  (``input.disposition-unmatched``) that names the signals present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from planengine._errors import DocumentSchemaError
from planengine._records import Notice, RiskFlag
from planengine.io._disposition import Disposition, dispositions_on, unmatched_message
from planengine.io._json_path import format_json_path
from planengine.plan._risk_flags import ACTION_ASK_NOW, TODAY_ACTIONS

__all__ = [
    "UNMATCHED",
    "apply_dispositions",
    "current_disposition",
    "flag_count",
    "plan_dispositions",
    "unmatched_notices",
]

#: The warning for a record whose signal raised no flag (``review`` gives the same finding).
UNMATCHED = "input.disposition-unmatched"


def plan_dispositions(
    records: Sequence[Disposition], as_of: dt.date, file: str | None
) -> list[Disposition]:
    """The records a plan made on ``as_of`` reads, by ``review``'s rules: a record dated after
    ``as_of``, or two of one signal on one day, is ``input.disposition`` (raised: exit 2).

    :raises planengine.InputError: naming the record's path (and both, for two on one day).
    """

    def reject(parts: tuple[str | int, ...], message: str) -> None:
        raise DocumentSchemaError(
            f"input.disposition: {message}", file=file, path=format_json_path(list(parts))
        )

    return dispositions_on(records, as_of, reject, day="plan date (--as-of)")


def unmatched_notices(
    records: Sequence[Disposition], flags: Sequence[RiskFlag]
) -> tuple[Notice, ...]:
    """A warning notice for each record whose signal raised no flag in the plan (a typo such as
    ``PHQ9.item9`` would otherwise leave the flag it meant open without a word)."""
    signals = [flag.signal for flag in flags]
    return tuple(
        Notice(UNMATCHED, f"{record.where()}: {unmatched_message(record, signals, 'this plan')}")
        for record in records
        if record.signal not in signals
    )


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
            f"clinician's record ({record.describe()}), so it is assessed again today.",
        )
    if record.next_review <= as_of:
        return attrs.evolve(
            flag,
            status="review-due",
            disposition=record,
            message=f"{flag.message} Review due: {record.describe()}; that review is due "
            f"({record.next_review.isoformat()}), so a clinician reviews the flag today.",
        )
    return attrs.evolve(
        flag, status="dispositioned", disposition=record, message=_recorded(flag, record)
    )


def _recorded(flag: RiskFlag, record: Disposition) -> str:
    """A flag's message with a current record: what it asked for today worded as done, and the
    clinician's outcome in words, attributed to the clinician (clinician read 23, M1). A risk
    question unanswered or never given no longer reads "risk is unknown" beside the record that
    it was asked: the question was asked directly, and it is asked again by the next review."""
    message, day = flag.message, record.date.isoformat()
    if flag.kind == "risk-unknown":
        message = message.replace(
            f": risk is unknown. {ACTION_ASK_NOW}", f". {record.by} asked it directly on {day}."
        ).replace(f"risk is unknown. {ACTION_ASK_NOW}", f"{record.by} asked it directly on {day}.")
        return (
            f"{message} {record.by} recorded {record.outcome_words()}; the flag stays on record "
            f"and the question is asked again by {record.next_review.isoformat()}; any signal "
            f"after {day} reopens it."
        )
    for action in TODAY_ACTIONS:
        done = f"A clinician assessed it on {day}." if action == ACTION_ASK_NOW else (
            f"assessed by a clinician on {day}"
        )
        message = message.replace(action, done)
    return (
        f"{message} The flag stays on record: {record.describe()}; any signal after {day} "
        "reopens it."
    )


def flag_count(
    flags: Sequence[RiskFlag], referred: Sequence[RiskFlag] = (), referred_on: str = ""
) -> str:
    """The flags counted as their ``status`` says, each state only when a flag is in it and the
    parenthesis after the count it explains (clinician read 21, S2, in its words): ``1 risk flag
    on record, open``; ``2 risk flags on record: 1 open, 1 assessed by the clinician (kept under
    review)``; a dispositioned flag in ``referred`` (a referral for urgent care, made on
    ``referred_on``) is counted as ``under urgent referral ({referred_on}) until the urgent
    service has seen the patient``, never as settled."""
    urgent = {id(f) for f in referred}
    states = (
        ("open", sum(f.is_open for f in flags)),
        (
            f"under urgent referral ({referred_on}) until the urgent service has seen the patient",
            sum(not f.is_open and id(f) in urgent for f in flags),
        ),
        (
            "assessed by the clinician (kept under review)",
            sum(not f.is_open and id(f) not in urgent for f in flags),
        ),
    )
    present = [(words, count) for words, count in states if count]
    head = f"{len(flags)} risk flag{'' if len(flags) == 1 else 's'} on record"
    if len(present) == 1:  # one state: said once, after the count
        words = present[0][0]
        return f"{head}: {words}" if words.startswith("under") else f"{head}, {words}"
    return f"{head}: " + ", ".join(f"{count} {words}" for words, count in present)
