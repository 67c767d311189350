"""Risk flags from repeat questionnaires: a safety item such as PHQ-9 item 9 is never a suggestion.

An answer of 1 or more raises a flag (2-3 rank higher) [R26]; an unanswered or unreadable item
raises a "risk unknown" flag ([DN-risk-flags]). A later answer of 0 does not close an earlier
flag, and a later lower or blank answer does not lower it: only a clinician closes flags (their
recorded dispositions are read in ``_flag_workflow``), so the most serious administration (the
latest of equally serious ones) stays flagged with the whole answer history in its message. Flags are
built by :func:`planengine.plan._safety.build_risk_flags`, the same code the planner uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from planengine._errors import InputError
from planengine._records import Notice, Provenance, RiskFlag
from planengine._values import parse_date
from planengine.instruments._instrument import Instrument
from planengine.io._json_path import format_json_path
from planengine.io._location import Location
from planengine.plan._risk_flags import KIND_LANGUAGE, KIND_OTHERS, answer_flags, language_flags
from planengine.plan._risk_language import RiskLanguage
from planengine.review._parse import ParsedAssessment
from planengine.review._readings import ReviewFinding

if TYPE_CHECKING:  # pragma: no cover
    from planengine.instruments._scoring import RiskSignal

__all__ = ["risk_flags_from_assessments"]


def risk_flags_from_assessments(
    assessments: Sequence[ParsedAssessment],
    instruments: Mapping[str, Instrument],
    *,
    file: str | None,
    locate: object = None,
    goal_values: Sequence[tuple[str, dt.date]] = (),
    as_of: dt.date | None = None,
) -> tuple[list[RiskFlag], tuple[ReviewFinding, ...], tuple[Notice, ...]]:
    """Flags, findings (bad answers, totals that disagree with the answers) and notices.

    :param locate: ``Document.locate`` of the source file, for finding positions (or ``None``).
    :param goal_values: ``(instrument id, date)`` of the goals' own values on an instrument's
        scale; those with a risk item and no answers on that date are named in the notice too.
    :param as_of: the review date, from which a flag's age is counted (default: the latest
        assessment's date).
    :return: flags not yet numbered (:func:`planengine.plan._risk_flags.number_flags`).
    """
    if as_of is None:
        as_of = max((a.date for a in assessments), default=dt.date.min)
    findings: list[ReviewFinding] = []
    notices: list[Notice] = []
    # (instrument, item) -> [(assessment, signal)] in date order
    history: dict[tuple[str, int], list[tuple[ParsedAssessment, RiskSignal]]] = {}
    unrecorded: dict[str, list[str]] = {}

    def finding(code: str, severity: str, message: str, path: tuple[str | int, ...]) -> None:
        line = column = None
        if callable(locate):
            position = locate(path)
            if position is not None:
                line, column = position
        where = Location(file, line, column, format_json_path(path))
        findings.append(ReviewFinding(code, severity, message, where))

    for a in assessments:
        instrument = instruments[a.instrument]
        if not instrument.risk_items:
            continue
        if a.answers is None:
            unrecorded.setdefault(instrument.name, []).append(a.date.isoformat())
            continue
        # imported here: a goal file that records no answers scores nothing
        from planengine.instruments._scoring import RiskSignal, score_response

        path_text = format_json_path(a.path)
        try:
            score = score_response(instrument, a.answers, path=f"{path_text}.answers", file=file)
        except InputError as error:
            finding(
                "input.answers",
                "error",
                f"{instrument.name} answers on {a.date} cannot be read ({error.message}); "
                "its risk items are read on their own, and treated as unknown if unreadable",
                (*a.path, "answers"),
            )
            # Another item is bad; the risk item itself may still be readable.
            signals = []
            for r in instrument.risk_items:
                value = _answer_of(instrument, a.answers, r.item)
                signals.append(RiskSignal(instrument.id, r.item, value, r.kind, r.level(value)))
        else:
            signals = list(score.risk_signals)
            if score.total is not None and a.total is not None and score.total != a.total:
                finding(
                    "input.total-mismatch",
                    "warning",
                    f"{instrument.name} total {a.total:g} on {a.date} differs from the sum of its "
                    f"answers ({score.total}); the recorded total is used",
                    (*a.path, "total"),
                )
        for signal in signals:
            history.setdefault((instrument.id, signal.item), []).append((a, signal))

    entries = [
        (signal, a.date, format_json_path(a.path))
        for pairs in history.values()
        for a, signal in pairs
    ]
    flags = list(answer_flags(entries, instruments, as_of))
    answered = {(a.instrument, a.date) for a in assessments if a.answers is not None}
    for instrument_id, date in goal_values:
        measured = instruments.get(instrument_id)
        if measured is None or not measured.risk_items or (instrument_id, date) in answered:
            continue
        dates = unrecorded.setdefault(measured.name, [])
        if date.isoformat() not in dates:
            dates.append(date.isoformat())
    for name, dates in sorted(unrecorded.items()):
        dates.sort()
        notices.append(
            Notice(
                "review.risk-item-not-recorded",
                f"{name} on {', '.join(dates)} recorded as totals only: its risk item was not checked by "
                "this review. Ask it at every administration; a total says nothing about risk.",
            )
        )
    return flags, tuple(findings), tuple(notices)


def language_flags_from_goal_file(
    data: object, language: RiskLanguage, as_of: dt.date, words_day: dt.date | None = None
) -> list[RiskFlag]:
    """Flags for risk language in a goal file's free text: each goal's ``statement`` and
    ``patient_words``, the ``note`` of each progress entry, and any text put where an assessment
    belongs ([DN-risk-flags]: a free-text entry that marks risk opens a flag; nothing found is
    never evidence of safety). Text in the wrong shape (a list, a mapping) is screened too: the
    parser reports the shape, the screen never skips words.

    :param words_day: the day the words of the goals (statement, patient words) were given, as
        the plan that wrote the file recorded it (:func:`words_day`); ``as_of`` when unknown."""
    texts: list[tuple[str, str, str, dt.date]] = []
    goals = data.get("goals") if isinstance(data, Mapping) else None
    for g, goal in enumerate(goals if isinstance(goals, list) else ()):
        if not isinstance(goal, Mapping):
            continue
        for field, what in (("statement", "A goal's statement"), ("patient_words", "The patient's words in a goal")):
            for text in _strings(goal.get(field)):
                texts.append((what, f"$.goals[{g}].{field}", text, words_day or as_of))
        progress = goal.get("progress")
        for e, entry in enumerate(progress if isinstance(progress, list) else ()):
            if not isinstance(entry, Mapping):
                continue
            date = _entry_date(entry, as_of)
            for text in _strings(entry.get("note")):
                texts.append(("A progress note", f"$.goals[{g}].progress[{e}].note", text, date))
    assessments = data.get("assessments") if isinstance(data, Mapping) else None
    for a, entry in enumerate(assessments if isinstance(assessments, list) else ()):
        if isinstance(entry, Mapping):
            for key, value in entry.items():
                if key not in ("instrument", "date", "total", "answers"):
                    for text in _strings(value):
                        texts.append(("A note with an assessment", f"$.assessments[{a}].{key}", text, _entry_date(entry, as_of)))
    flags: list[RiskFlag] = []
    for what, path, text, date in texts:  # each text has its own date
        flags.extend(language_flags([(what, path, text)], language.find, date, as_of))
    return flags


#: The flags a plan records in its goal file that no answer or words in the file show again:
#: key -> (kind, level, rank, private, what the message says). ``x-private-flags``: documented
#: abuse, or abuse in the patient's words, in neutral words (the file may be shared, R-SC20);
#: ``x-risk-flags``: a suicide-risk question never given (``risk-unknown``, clinician read 16).
_RECORDED_FLAGS = {
    "x-private-flags": (
        "private-safety",
        "documented",
        2,
        True,
        "A private safety flag was open when this plan was made ({day}); see the clinician's "
        "record. It stays open until a clinician closes it, and the homework it held waits for "
        "the private assessment.",
    ),
    "x-risk-flags": (
        "risk-unknown",
        "unknown",
        3,
        False,
        "A {kind} flag was open when this plan was made ({day}; see the clinician's record): a "
        "suicide-risk question never given, or words of suicide risk no longer in the file. It "
        "stays open until a clinician records an outcome, and the self-help it held waits until "
        "then.",
    ),
}
#: The kinds ``x-risk-flags`` records: kind -> (kind, level, rank), as the plan raised them.
_RECORDED_KINDS = {
    "risk-unknown": ("risk-unknown", "unknown", 3),
    KIND_LANGUAGE: (KIND_LANGUAGE, "endorsed", 2),
    KIND_OTHERS: (KIND_OTHERS, "endorsed", 2),
}
#: The recorded kinds of words (dated by the words the file holds: :func:`words_day`).
_WORD_KINDS = frozenset({KIND_LANGUAGE, KIND_OTHERS})
#: What a recorded flag of words of harm to others says (its words may be gone from the file).
_OTHERS_MESSAGE = (
    "A harm-to-others flag was open when this plan was made ({day}; see the clinician's "
    "record): words of harming someone else, which may no longer be in the file. It stays open "
    "until a clinician records an outcome of the risk to others, and the self-help it held "
    "waits until then."
)


def words_day(data: object, as_of: dt.date) -> dt.date | None:
    """The day the words of a plan's goals were given (``x-risk-flags`` of kind
    ``suicidal-language`` or ``harm-to-others``: the assessment's day, docs/safety.md), or
    ``None``."""
    days = [
        _entry_date({"date": entry.get("opened")}, as_of)
        for _, entry in _recorded(data, "x-risk-flags")
        if entry.get("kind") in _WORD_KINDS
    ]
    return min(days) if days else None


def _recorded(data: object, key: str) -> list[tuple[int, Mapping[str, Any]]]:
    listed = data.get(key) if isinstance(data, Mapping) else None
    return [
        (index, entry)
        for index, entry in enumerate(listed if isinstance(listed, list) else ())
        if isinstance(entry, Mapping)
    ]


def recorded_flags_from_goal_file(
    data: object, as_of: dt.date, screened: Sequence[RiskFlag] = ()
) -> list[RiskFlag]:
    """The flags a plan recorded in its goal file (``x-private-flags``, ``x-risk-flags``:
    :data:`_RECORDED_FLAGS`), each dated the day it was raised (``opened``): open until a
    clinician closes them, so a review never reads them as gone. A recorded flag of words
    (``suicidal-language``) dates the words the file still holds (:func:`words_day`), and is a
    flag of its own only when no goal's words raise it any more (``screened``); so is one of
    words of harm to others (``harm-to-others``), in words of its own."""
    flags: list[RiskFlag] = []
    for key, (kind, level, rank, private, message) in _RECORDED_FLAGS.items():
        for index, entry in _recorded(data, key):
            said = message
            if key == "x-risk-flags":
                kind, level, rank = _RECORDED_KINDS.get(
                    str(entry.get("kind")), _RECORDED_KINDS["risk-unknown"]
                )
                if kind in _WORD_KINDS and any(f.kind == kind for f in screened):
                    continue  # the words are still in the file: their flag is dated already
                if kind == KIND_OTHERS:
                    said = _OTHERS_MESSAGE
            opened = _entry_date({"date": entry.get("opened")}, as_of)
            flags.append(
                RiskFlag(
                    "",
                    kind,
                    level,
                    rank,
                    None,
                    None,
                    None,
                    opened,
                    said.format(day=opened.isoformat(), kind=kind.replace("-", " ")),
                    Provenance(f"rule:safety.{key[2:-1]}", (f"$['{key}'][{index}]",)),
                    (as_of - opened).days,
                    private=private,
                    endorsed_now=kind != "risk-unknown",  # never asked: asked today first
                )
            )
    return flags


def _strings(value: object) -> list[str]:
    """Every string in ``value`` (a string, or nested in lists and mappings)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


def _entry_date(entry: Mapping[str, object], as_of: dt.date) -> dt.date:
    """The entry's date, never after ``as_of``; ``as_of`` when it has no valid date (the parser
    reports that), so text with no date counts as current."""
    date = parse_date(entry.get("date"))
    return as_of if date is None else min(date, as_of)


def _answer_of(instrument: Instrument, answers: object, item: int) -> int | None:
    """The answer to ``item`` when it is a valid answer on its own, else ``None`` (unknown)."""
    value: object = None
    if isinstance(answers, (list, tuple)) and len(answers) >= item:
        value = answers[item - 1]
    elif isinstance(answers, Mapping):
        found = [v for k, v in answers.items() if str(k) in (str(item), f"item{item}")]
        value = found[0] if len(found) == 1 else None
    # Read generously, as a safety item must be: 2.0 and "2" are an answer of 2 (never a bool).
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is int and instrument.answer_min <= value <= instrument.answer_max:
        return value
    return None
