"""A clinician's disposition of a risk flag: who assessed it, when, with what outcome, and when
it is reviewed next ([DN-risk-flags]: closing a flag takes a disposition with a follow-up date).

A disposition is read from ``risk_dispositions`` in a goal file (``planengine review``) or in an
assessment (``planengine plan``); both use this reader, so the two commands agree on what a
record means. It names the flag by its *signal* (``phq9.item9``, ``suicidal-language``,
``private-safety`` ...: :attr:`planengine.RiskFlag.signal`), never by a flag number, which can
change from one review to the next.

The outcome is the clinician's recorded outcome, one of :data:`DISPOSITION_OUTCOMES`; the engine
repeats it as the clinician's record and never states anything about risk itself. A record
that cannot be read is reported and ignored, so the flag stays open: if in doubt, the flag
stays open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from planengine._json_form import DATE, json_form, key
from planengine._values import parse_date

__all__ = [
    "BY_MAX_LENGTH",
    "DISPOSITION_FIELDS",
    "DISPOSITION_OUTCOMES",
    "OTHERS_SIGNAL",
    "PRIVATE_SIGNALS",
    "URGENT_CARE_OUTCOME",
    "Disposition",
    "dispositions_on",
    "outcomes_for",
    "read_dispositions",
    "unmatched_message",
]

#: The outcomes a clinician can record (goal.schema.json and assessment.schema.json list them).
#: Each starts with ``assessed-``: it records what a clinician found, never a statement by the
#: engine.
DISPOSITION_OUTCOMES = (
    "assessed-safety-plan-in-place",
    "assessed-safety-plan-updated",
    "assessed-no-current-risk-identified",
    "assessed-referred-for-urgent-care",
    "assessed-private-safety-plan-in-place",
)
#: The signals of the private flags (abuse: kept off patient copies): ``private-safety`` is how a
#: plan's goal file names either of the others (``x-private-flags``).
PRIVATE_SIGNALS = frozenset({"intimate-partner-violence", "possible-abuse", "private-safety"})
#: The signal of words of harm to other people: only "no current risk identified" or "referred
#: for urgent care" records it (:func:`outcomes_for`).
OTHERS_SIGNAL = "harm-to-others"
#: The outcomes only a private flag's record may give: its safety plan is the private one.
_PRIVATE_ONLY = frozenset({"assessed-private-safety-plan-in-place"})
#: The outcomes only a non-private flag's record may give: the suicide safety plan (a suicide-risk
#: flag released by a private-safety-plan record would be released with no suicide safety plan,
#: and an abuse flag by a suicide safety plan with no private assessment).
_SUICIDE_PLAN_ONLY = frozenset({"assessed-safety-plan-in-place", "assessed-safety-plan-updated"})
#: The longest ``by`` read (a name and a role; longer text is not a clinician's name, and would
#: be repeated wherever the record is quoted).
BY_MAX_LENGTH = 200
#: The outcome after which routine self-help waits for the urgent service (clinician read 19).
URGENT_CARE_OUTCOME = "assessed-referred-for-urgent-care"
#: The fields of a disposition record (and ``x-*``).
DISPOSITION_FIELDS = ("signal", "by", "date", "outcome", "next_review")

#: ``(JSON path parts, message)`` -> nothing: how a reader reports a record it cannot use.
Report = Callable[[tuple[str | int, ...], str], None]
#: JSON path parts -> ``(line, column)`` in the file, or ``None`` (no document to ask).
Locate = Callable[[list[str | int]], "tuple[int, int] | None"]


@attrs.frozen
class Disposition:
    """One clinician's disposition of the flag raised by ``signal``.

    :ivar signal: the flag's signal (:attr:`planengine.RiskFlag.signal`), e.g. ``phq9.item9``.
    :ivar by: the clinician who assessed it, as recorded.
    :ivar date: the day of the assessment; it covers signals dated on or before it.
    :ivar outcome: one of :data:`DISPOSITION_OUTCOMES`.
    :ivar next_review: the day the flag is due for review again (after ``date``).
    :ivar json_path: where the record is, e.g. ``$.risk_dispositions[0]``.
    :ivar line: the line of the file it is on (``None``: not known); not part of the record.
    """

    signal: str
    by: str
    date: dt.date
    outcome: str
    next_review: dt.date
    json_path: str = "$"
    line: int | None = attrs.field(default=None, eq=False)

    @property
    def parts(self) -> tuple[str | int, ...]:
        """:attr:`json_path` as parts: ``("risk_dispositions", 0)``."""
        found = re.fullmatch(r"\$\.([^\[]+)\[(\d+)\]", self.json_path)
        return (found[1], int(found[2])) if found else ()

    def where(self) -> str:
        """``$.risk_dispositions[1] (line 9)``: the record's path, with its line when known."""
        return self.json_path + ("" if self.line is None else f" (line {self.line})")

    def describe(self) -> str:
        """``Dr A recorded on 2026-11-21 that a safety plan is in place, next review
        2026-12-05``: the record in words (:meth:`outcome_words`), never its code."""
        return (
            f"{self.by} recorded on {self.date.isoformat()} {self.outcome_words()}, next review "
            f"{self.next_review.isoformat()}"
        )

    def outcome_words(self) -> str:
        """The recorded outcome in words, as a clause after "recorded" ("that a safety plan is
        in place"), from documents.yaml ``clinician.outcome`` (clinician read 23, M1): the code
        stays in the plan's JSON; a document says what the clinician recorded.

        :raises KeyError: for an outcome with no words (the tests check each outcome)."""
        from planengine._cache import shipped_data  # the documents' words, parsed once

        table: Mapping[str, str] = shipped_data("data/documents.yaml")["clinician"]["outcome"]
        return table[self.outcome]

    to_dict = json_form(
        key("signal"),
        key("by"),
        key("date", as_=DATE),
        key("outcome"),
        key("next_review", as_=DATE),
        key("json_path"),
    )


def outcomes_for(signal: str) -> tuple[str, ...]:
    """The outcomes a record of ``signal`` may give, in :data:`DISPOSITION_OUTCOMES` order: a
    private signal's (:data:`PRIVATE_SIGNALS`) never the suicide safety plan, any other signal's
    never the private safety plan; words of harm to others (:data:`OTHERS_SIGNAL`) neither
    (a safety plan, suicide or private, is no assessment of the risk to others)."""
    if signal == OTHERS_SIGNAL:
        wrong = _SUICIDE_PLAN_ONLY | _PRIVATE_ONLY
    else:
        wrong = _SUICIDE_PLAN_ONLY if signal in PRIVATE_SIGNALS else _PRIVATE_ONLY
    return tuple(o for o in DISPOSITION_OUTCOMES if o not in wrong)


def read_dispositions(
    raw: object, report: Report, *, key: str = "risk_dispositions", locate: Locate | None = None
) -> list[Disposition]:
    """The usable records of ``raw`` (the value of ``risk_dispositions``); each unusable one is
    reported (path, message) and left out, so its flag stays open (``report`` may also raise).

    :param key: the top-level key the records are under, for the paths reported.
    :param locate: finds a record's line in its file (the document's ``locate``), if known.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        report((key,), "must be a list of disposition records")
        return []
    out: list[Disposition] = []
    for index, entry in enumerate(raw):
        record = _read_one(entry, (key, index), report)
        if record is not None:
            where = locate([key, index]) if locate is not None else None
            out.append(
                attrs.evolve(
                    record,
                    json_path=f"$.{key}[{index}]",
                    line=None if where is None else where[0],
                )
            )
    return out


def dispositions_on(
    records: Sequence[Disposition], as_of: dt.date, report: Report, *, day: str
) -> list[Disposition]:
    """The records read on ``as_of``, by the one rule ``plan`` and ``review`` share
    (docs/safety.md): a record dated after ``as_of`` is reported (``input.disposition``), and
    so are two records of one signal on one day (which one holds is never settled by their
    order in the list: both are reported and neither is read, so the flag stays open).

    :param report: called with the path and the message of each record not read (it may raise).
    :param day: what ``as_of`` is, for the message: ``"review date"``, ``"plan date (--as-of)"``.
    """
    usable: list[Disposition] = []
    for record in records:
        if record.date > as_of:
            report(
                (*record.parts, "date"),
                f"the disposition of {record.signal} on {record.date} is after the {day} {as_of}",
            )
        else:
            usable.append(record)
    first: dict[tuple[str, dt.date], Disposition] = {}
    clashing: set[int] = set()
    for record in usable:
        earlier = first.setdefault((record.signal, record.date), record)
        if earlier is not record:
            report(
                (*record.parts, "date"),
                f"two records of {record.signal} on {record.date}: {earlier.where()} and "
                f"{record.where()}; which one holds is never settled by their order, so "
                "correct or remove one",
            )
            clashing |= {id(earlier), id(record)}
    return [record for record in usable if id(record) not in clashing]


def unmatched_message(record: Disposition, signals: Iterable[str], where: str) -> str:
    """What is said of a record whose signal raised no flag (``input.disposition-unmatched``):
    the signals present, so that a typo (``PHQ9.item9``) is seen at once.

    :param where: what holds the flags: ``"this file"``, ``"this plan"``.
    """
    present = ", ".join(sorted(set(signals))) or "none"
    return (
        f"no flag has the signal {record.signal!r} in {where} (signals: {present}); the record "
        "is kept but applies to no flag"
    )


def _read_one(entry: object, path: tuple[str | int, ...], report: Report) -> Disposition | None:
    """One record, or ``None`` after reporting why it cannot be used."""
    if not isinstance(entry, Mapping):
        report(path, "a disposition must be a mapping")
        return None
    unknown = sorted(
        str(k) for k in entry if str(k) not in DISPOSITION_FIELDS and not str(k).startswith("x-")
    )
    if unknown:
        report(
            (*path, unknown[0]),
            f"unknown field(s) {', '.join(map(repr, unknown))} in a disposition; allowed: "
            f"{', '.join(DISPOSITION_FIELDS)} (and x-*)",
        )
        return None
    texts: dict[str, str] = {}
    for field in ("signal", "by"):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            report((*path, field), f"{field} must be a non-empty string")
            return None
        texts[field] = value.strip()
    if len(texts["by"]) > BY_MAX_LENGTH:
        report(
            (*path, "by"),
            f"by is {len(texts['by'])} characters long; at most {BY_MAX_LENGTH} (the clinician's "
            "name and role)",
        )
        return None
    outcome = entry.get("outcome")
    if outcome not in DISPOSITION_OUTCOMES:
        report(
            (*path, "outcome"),
            f"outcome {outcome!r} is not one of {', '.join(DISPOSITION_OUTCOMES)}",
        )
        return None
    accepted = outcomes_for(texts["signal"])
    if outcome not in accepted:
        kind = (
            "a harm-to-others"
            if texts["signal"] == OTHERS_SIGNAL
            else "a private" if texts["signal"] in PRIVATE_SIGNALS else "a non-private"
        )
        report(
            (*path, "outcome"),
            f"outcome {outcome!r} does not suit the signal {texts['signal']!r} ({kind} flag); "
            f"that signal accepts {', '.join(accepted)}",
        )
        return None
    dates: dict[str, dt.date] = {}
    for field in ("date", "next_review"):
        value = parse_date(entry.get(field))
        if value is None and entry.get(field) is None:  # absent (or null): say it is missing
            what = "the day the flag is due for review again" if field == "next_review" else (
                "the day of the disposition"
            )
            report(path, f"{field} is missing: give {what} (YYYY-MM-DD)")
            return None
        if value is None:
            report(
                (*path, field),
                f"{field} {entry.get(field)!r} is not a date (YYYY-MM-DD)",
            )
            return None
        dates[field] = value
    if dates["next_review"] <= dates["date"]:
        report(
            (*path, "next_review"),
            f"next_review {dates['next_review']} must come after the disposition's date "
            f"{dates['date']}",
        )
        return None
    return Disposition(
        texts["signal"], texts["by"], dates["date"], str(outcome), dates["next_review"]
    )
