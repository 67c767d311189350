"""What a review says once per patient rather than once per goal (docs/review-workflow.md §4):

* an open risk flag that no clinician has assessed for longer than ``flag-escalation-days``:
  "RISK FLAG ... UNASSESSED FOR N DAYS - escalate today", at the top of the caseload and in the
  patient's header; never silenced. The clock runs from the first signal no disposition covers
  (the first after the latest disposition, else the first ever), not from the latest signal:
  item 9 endorsed at every PHQ-9 for 71 days is 71 days unassessed (clinician read 5, §4.2);
* a risk item (PHQ-9 item 9) not recorded: in the caseload row and the header, needing
  attention when a total recorded without it is at or above the level ``data/review.yaml``
  names (``risk-item-not-recorded``: PHQ-9 moderately severe, 15 or more);
* re-measure: one line naming every goal whose latest value is older than its cadence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from planengine._json_form import json_form, key
from planengine.instruments._instrument import Instrument
from planengine.review._rules import load_review_rules

if TYPE_CHECKING:  # pragma: no cover
    from planengine._model import RiskFlag
    from planengine.review._model import Review

__all__ = [
    "FlagClock",
    "RiskItemGap",
    "escalation_line",
    "flag_clocks",
    "remeasure_line",
    "risk_item_gaps",
    "risk_not_known",
    "unassessed_days",
    "unassessed_flags",
]

#: Flag statuses that no clinician has assessed: never dispositioned, or a new signal since.
_UNASSESSED = frozenset({"open", "reopened"})


@attrs.frozen
class FlagClock:
    """Since when a risk flag has gone without a clinician's assessment.

    :ivar since: the first signal no disposition covers: the first after the latest
        disposition, else the first ever.
    :ivar signals: the signals on or after ``since`` (an endorsed or, where it counts, blank
        answer); ``administrations`` the administrations of the item on or after it (0 for
        flags from words or records).
    :ivar blanks: how many of those signals were blank answers (risk unknown).
    :ivar instrument_name: the instrument's name (``PHQ-9``), ``None`` for other flags.
    :ivar on_file: the administrations of the item on file in all (before the as-of date).
    """

    flag_id: str
    since: dt.date
    signals: int = 0
    administrations: int = 0
    blanks: int = 0
    instrument_name: str | None = None
    on_file: int = 0


def flag_clocks(
    flags: Sequence[RiskFlag], instruments: Mapping[str, Instrument]
) -> tuple[FlagClock, ...]:
    """A clock for every flag no clinician has assessed (``open`` or ``reopened``)."""
    return tuple(_clock(flag, instruments) for flag in flags if flag.status in _UNASSESSED)


def _clock(flag: RiskFlag, instruments: Mapping[str, Instrument]) -> FlagClock:
    covered = flag.disposition.date if flag.disposition is not None else dt.date.min
    instrument = instruments.get(flag.instrument or "")
    risk = None if instrument is None else next(
        (r for r in instrument.risk_items if r.item == flag.item), None
    )
    if instrument is None or risk is None or not flag.history:
        dates = [
            d for d in (flag.observed_on, flag.last_signal_on) if d is not None and d > covered
        ]
        return FlagClock(flag.id, min(dates, default=flag.last_signal_on or flag.observed_on))

    def signal(value: int | None) -> bool:
        level = risk.level(value)
        return level in ("endorsed", "high") or (level == "unknown" and risk.flag_unanswered)

    after = [(date, value) for date, value in flag.history if date > covered]
    first = next((date for date, value in after if signal(value)), None)
    if first is None:  # not expected: a reopened flag has a signal after its record
        return FlagClock(flag.id, flag.last_signal_on or flag.observed_on)
    since = [(date, value) for date, value in after if date >= first]
    found = [value for _, value in since if signal(value)]
    return FlagClock(
        flag.id, first, len(found), len(since), found.count(None), instrument.name,
        len(flag.history),
    )


def _clock_of(review: Review, flag: RiskFlag) -> FlagClock | None:
    return next((c for c in review.flag_clocks if c.flag_id == flag.id), None)


def unassessed_days(review: Review, flag: RiskFlag) -> int | None:
    """Days since the first signal of ``flag`` that no clinician has assessed (``None``:
    assessed)."""
    if flag.status not in _UNASSESSED:
        return None
    clock = _clock_of(review, flag)
    since = clock.since if clock is not None else flag.last_signal_on or flag.observed_on
    return (review.as_of - since).days


def unassessed_flags(review: Review) -> tuple[RiskFlag, ...]:
    """The review's flags unassessed for longer than ``flag_escalation_days``, oldest first."""
    late = [
        (days, flag.rank, flag.id, flag)
        for flag in review.risk_flags
        if (days := unassessed_days(review, flag)) is not None
        and days > review.config.flag_escalation_days
    ]
    return tuple(flag for *_, flag in sorted(late, key=lambda item: (-item[0], item[1], item[2])))


def escalation_line(review: Review, flag: RiskFlag) -> str:
    """``RISK FLAG p-105/risk-1 UNASSESSED FOR 61 DAYS - escalate today (...)``, with what the
    clock runs from: ``PHQ-9 item 9 endorsed at every PHQ-9 since D (N days); never assessed``."""
    days = unassessed_days(review, flag)
    clock = _clock_of(review, flag)
    kind = flag.kind.replace("-", " ")
    if clock is None or clock.instrument_name is None:
        since = clock.since if clock is not None else flag.last_signal_on or flag.observed_on
        what = f"{kind}, signal on {since} ({days} days)"
    else:
        name = clock.instrument_name
        verb = (
            "endorsed" if not clock.blanks
            else "left blank" if clock.blanks == clock.signals
            else "endorsed or left blank"
        )
        if clock.administrations == 1:  # one administration is not "every" (clinician read 9, S11)
            only = "the only" if clock.on_file == 1 else "the latest of"
            count = "" if clock.on_file == 1 else f" {clock.on_file}"
            plural = "" if clock.on_file == 1 else "s"
            when = f"on {clock.since} ({only}{count} {name}{plural} on file; {days} days)"
        else:
            every = (
                f"every {name}" if clock.signals == clock.administrations
                else f"{clock.signals} of {clock.administrations} {name}s"
            )
            when = f"at {every} since {clock.since} ({days} days)"
        what = f"{kind}: {name} item {flag.item} {verb} {when}"
    record = flag.disposition
    assessed = (
        "never assessed" if record is None
        else f"last assessed by {record.by} on {record.date.isoformat()}"
    )
    return (
        f"RISK FLAG {flag.id} UNASSESSED FOR {days} DAYS – escalate today (supervisor or duty "
        f"clinician): {what}; {assessed}"
    )


@attrs.frozen
class RiskItemGap:
    """An instrument with a risk item whose administrations were recorded as totals only.

    :ivar dates: every such administration, in date order.
    :ivar highest: the highest total ``(date, total)`` recorded without the item after the latest
        administration whose answers were recorded (``None``: no total known).
    :ivar threshold: the total at or above which the gap needs attention (``None``: no rule).
    :ivar item: the risk item's number (PHQ-9: 9); ``kind`` what it asks about.
    :ivar recorded: the administrations whose answers (with the item) were recorded.
    :ivar band: the instrument's band of the highest total, in its own words (``severe``).
    """

    instrument: str
    name: str
    dates: tuple[dt.date, ...]
    highest: tuple[dt.date, float] | None = None
    threshold: float | None = None
    threshold_text: str = ""
    item: int | None = None
    kind: str = ""
    recorded: int = 0
    band: str = ""

    @property
    def needs_attention(self) -> bool:
        """Whether a total recorded without the risk item is at or above the threshold."""
        return (
            self.highest is not None
            and self.threshold is not None
            and self.highest[1] >= self.threshold
        )

    @property
    def what(self) -> str:
        """``PHQ-9 item 9 (suicidal ideation)``."""
        item = f"item {self.item}" if self.item is not None else "risk item"
        kind = f" ({self.kind.replace('-', ' ')})" if self.kind else ""
        return f"{self.name} {item}{kind}"

    def line(self) -> str:
        """``PHQ-9 item 9 (suicidal ideation) not recorded on any of 4 PHQ-9s (highest 20 on
        2026-09-01, severe): ask it at this contact``, for the row and the header (clinician
        read 23: plain words, the band by the instrument's own name)."""
        count = len(self.dates)
        name = self.name
        if self.recorded:
            text = f"{self.what} not recorded on {count} of {count + self.recorded} {name}s"
        elif count == 1:
            text = f"{self.what} not recorded on the only {name}"
        else:
            text = f"{self.what} not recorded on any of {count} {name}s"
        if self.highest is not None:
            since = "since the last answer: " if self.recorded else ""
            band = f", {self.band}" if self.band else ""
            text += f" ({since}highest {self.highest[1]:g} on {self.highest[0]}{band})"
        when = "this contact" if self.needs_attention else "every administration"
        return f"{text}: ask it at {when}"

    to_dict = json_form(
        key("instrument"),
        key("item"),
        key("dates", function=lambda gap: [day.isoformat() for day in gap.dates]),
        key("recorded"),
        key("highest", function=lambda gap: None if gap.highest is None else {
            "date": gap.highest[0].isoformat(), "total": gap.highest[1], "band": gap.band or None
        }),
        key("threshold"),
        key("needs_attention"),
    )


def _threshold(instrument: Instrument) -> tuple[float | None, str]:
    """The lowest total of the band ``data/review.yaml`` names for the instrument."""
    entry = load_review_rules().get("risk-item-not-recorded", {}).get(instrument.id)
    band = None if entry is None else next(
        (b for b in instrument.bands if b.label == entry["band"]), None
    )
    if band is None:
        return None, ""
    return float(band.min), f"{band.title} or worse ({band.min:g} or more)"


def _band_title(instrument: Instrument, total: float | None) -> str:
    """The instrument's own name of the band ``total`` falls in (``severe``), or ``""``."""
    if total is None:
        return ""
    band = next((b for b in instrument.bands if b.min <= total <= b.max), None)
    return "" if band is None else band.title


def risk_item_gaps(
    recorded: Sequence[tuple[str, dt.date, float | None, bool]],
    instruments: Mapping[str, Instrument],
) -> tuple[RiskItemGap, ...]:
    """The gaps from every administration ``(instrument id, date, total, answers recorded)``.

    Only instruments with a risk item count; a total after the latest recorded answers is what
    the review cannot read risk from.
    """
    by_instrument: dict[str, list[tuple[dt.date, float | None, bool]]] = {}
    for instrument_id, date, total, answered in recorded:
        instrument = instruments.get(instrument_id)
        if instrument is not None and instrument.risk_items:
            by_instrument.setdefault(instrument_id, []).append((date, total, answered))
    gaps = []
    for instrument_id, entries in sorted(by_instrument.items()):
        answered_dates = [d for d, _, answered in entries if answered]
        dates = sorted({d for d, _, answered in entries if not answered and d not in answered_dates})
        if not dates:
            continue
        last = max(answered_dates, default=dt.date.min)
        totals = [(d, t) for d, t, answered in entries if not answered and t is not None and d > last]
        highest = max(totals, key=lambda item: (item[1], item[0]), default=None)
        instrument = instruments[instrument_id]
        threshold, text = _threshold(instrument)
        risk = instrument.risk_items[0]
        gaps.append(
            RiskItemGap(
                instrument_id, instrument.name, tuple(dates), highest, threshold, text,
                risk.item, risk.kind, len(set(answered_dates)),
                _band_title(instrument, None if highest is None else highest[1]),
            )
        )
    return tuple(gaps)


def risk_not_known(
    gaps: Sequence[RiskItemGap],
    used: Sequence[str],
    instruments: Mapping[str, Instrument],
    flags: Sequence[RiskFlag],
) -> str | None:
    """Why the review cannot speak to risk, for the summary's flag count (never a bare 0): a
    risk item never recorded on an instrument that has one, or no measure with a risk item and
    no flag at all (``no risk screen on file``); ``None`` otherwise (clinician read 23).

    :param used: the instrument ids of the file's assessments and goals.
    """
    never = [gap for gap in gaps if not gap.recorded]
    if never:
        return "; ".join(
            f"{gap.name} item {gap.item} never recorded"
            + (f" on {len(gap.dates)} {gap.name}s" if len(gap.dates) > 1 else "")
            for gap in never
        )
    screened = any(
        instruments[i].risk_items for i in used if i in instruments
    )
    return None if screened or flags else "no risk screen on file"


def remeasure_line(review: Review) -> str | None:
    """One line naming every goal whose latest value is older than its cadence (``None``: none);
    today, not at the next contact, when a goal says to contact the patient today
    (``review.contact-today``, or an open flag's same-day contact; clinician read 23)."""
    stale = [g for g in review.goals if g.measurement_overdue]
    if not stale:
        return None
    goals = ", ".join(f"{g.goal_id} (latest value {g.measurement_age_days} days old)" for g in stale)
    today = [  # contact today: worse at caseness, or an open flag (its suggestion says so)
        g.goal_id
        for g in review.goals
        if any(s.rule == "review.contact-today" or s.details.get("contact_today") for s in g.suggestions)
    ]
    flagged = any(s.details.get("contact_today") for g in review.goals for s in g.suggestions)
    why = "an open risk flag, and no recent value" if flagged else "worse, and no recent value"
    when = (
        f"contact the patient today ({', '.join(today)}: {why}; ask about risk first) and "
        "re-measure all goals then"
        if today
        else "re-measure all goals at the next contact"
    )
    return (
        f"{when}: {goals}; no "
        "decision (keep, close, raise the target, step up, change the strategy) rests on a "
        "stale value"
    )
