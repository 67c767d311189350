"""Risk flags: every signal a clinician would act on, each with the context to judge it.

Four sources open a flag ([DN-risk-flags][S17][S18][S19]):

* a risk item on a questionnaire (PHQ-9 item 9 endorsed or blank [R26]; PCL-5 item 16 answered
  2 or more, R-SC19), one flag per item with every answer to it, oldest first: a later answer of
  0 neither closes nor lowers it (only a clinician closes flags) [R27]; and, when no suicide-risk
  item was given at all, one ``risk-unknown`` flag like a blank item 9's (:func:`unscreened_flags`:
  risk never asked is as unknown as risk left blank, clinician read 16, M1);
* risk language in the patient's own words (R-SC18; :mod:`planengine.plan._risk_language`):
  words of suicide or self-harm, of harm from someone else (private), and of harm to other
  people (``harm-to-others``: risk to others, beyond item 9);
* documented intimate-partner violence (R-SC20), a flag of its own kind, kept off patient copies;
* harmful drinking raises a suicide-risk flag's place in the queue (R-SC21).

A flag's level and rank order the clinician's queue only; they never predict risk (R-SC22).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from planengine._records import Provenance, RiskFlag

__all__ = [
    "KIND_ABUSE",
    "KIND_IPV",
    "KIND_LANGUAGE",
    "KIND_OTHERS",
    "PRIVATE_KINDS",
    "SUICIDE_KINDS",
    "RiskQuestion",
    "answer_flags",
    "assessment_day",
    "condition_flags",
    "flag_queue_key",
    "language_flags",
    "number_flags",
    "raise_for_alcohol",
    "unscreened_flags",
]


class RiskQuestion(NamedTuple):
    """An instrument's suicide-risk item, from the instrument's data: the questionnaire's name
    (``PHQ-9``), the item's number and the lowest answer that endorses it."""

    instrument: str
    item: int
    endorsed_at: int

    @property
    def name(self) -> str:
        """The item as tasks name it: "item 9"."""
        return f"item {self.item}"

    @property
    def not_endorsed(self) -> str:
        """The answers below the threshold: "0", or "below 2"."""
        return "0" if self.endorsed_at == 1 else f"below {self.endorsed_at}"

    @property
    def endorsed_when(self) -> str:
        """When it is endorsed: "item 9 is 1 or more"."""
        return f"{self.name} is {self.endorsed_at} or more"

RULE_ENDORSED = "safety.risk-item-endorsed"
RULE_UNKNOWN = "safety.risk-item-missing"
RULE_UNSCREENED = "safety.risk-item-not-given"
RULE_LANGUAGE = "safety.risk-language"
RULE_IPV = "safety.ipv-documented"

KIND_LANGUAGE = "suicidal-language"
KIND_IPV = "intimate-partner-violence"
#: Harm from someone else in the patient's own words ("my partner hits me").
KIND_ABUSE = "possible-abuse"
#: Harm to other people in the patient's own words ("I want to kill my husband"): risk to others,
#: assessed today under the service's safeguarding / duty-to-protect policy; not private.
KIND_OTHERS = "harm-to-others"
#: The risk-language theme (vocabulary.yaml) -> the flag kind it opens; any other theme
#: (suicide, self-harm) opens :data:`KIND_LANGUAGE`.
_THEME_KINDS = {"abuse": KIND_ABUSE, "harm-to-others": KIND_OTHERS}
#: Flags about abuse: a private, one-to-one safety assessment first, kept off patient copies.
PRIVATE_KINDS = frozenset({KIND_IPV, KIND_ABUSE})
#: Flags that call for the suicide-risk assessment and the safety plan.
SUICIDE_KINDS = frozenset({"suicidal-ideation", "risk-unknown", KIND_LANGUAGE})

#: How serious a level is, for keeping the most serious answer of an item (``max`` over the
#: answers in reverse keeps the latest of equals).
_SERIOUSNESS = {"unknown": 1, "endorsed": 2, "high": 3}
#: At equal rank, the order of the kinds in the clinician's queue.
_KIND_ORDER = {
    "suicidal-ideation": 0,
    KIND_LANGUAGE: 1,
    KIND_OTHERS: 2,
    "risk-unknown": 3,
    "risky-behaviour": 4,
    KIND_IPV: 5,
    KIND_ABUSE: 6,
}
_RANK = {"high": 1, "endorsed": 2, "documented": 2, "unknown": 3}

#: What a flag asks of the clinician today, as its message says it. A clinician's current
#: disposition (:mod:`planengine.plan._flag_dispositions`) replaces exactly these words.
ACTION_RISK_ASSESSMENT = "clinician risk assessment today"
ACTION_BEHAVIOUR_REVIEW = "clinician review today of what the behaviour is, including any self-harm"
ACTION_PRIVATE_ASSESSMENT = "a private, one-to-one safety assessment today"
ACTION_ASK_NOW = "Ask it now; it is never estimated or imputed."
ACTION_OTHERS_ASSESSMENT = (
    "a clinician's assessment today of the risk to others (who, how, intent, means, access)"
)
TODAY_ACTIONS = (
    ACTION_RISK_ASSESSMENT,
    ACTION_OTHERS_ASSESSMENT,
    ACTION_BEHAVIOUR_REVIEW,
    ACTION_PRIVATE_ASSESSMENT,
    ACTION_ASK_NOW,
)


def _ago(days: int) -> str:
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"


def answer_flags(
    signals: Iterable[tuple[Any, dt.date, str]],
    instruments: Mapping[str, Any],
    as_of: dt.date,
) -> list[RiskFlag]:
    """One flag per risk item that any answer endorsed (or, where the item says so, left blank).

    The flag keeps the most serious answer (the latest of equally serious ones), its date and
    age, the instrument's own wording for it, and every answer to the item, oldest first.

    :param signals: ``(RiskSignal, response date, JSON path of the response)`` triples.
    :param instruments: instrument id -> instrument (for names, item labels and answer wording).
    :return: flags, not yet numbered (:func:`number_flags`).
    """
    by_item: dict[tuple[str, int], list[tuple[Any, dt.date, str]]] = {}
    for entry in signals:
        signal = entry[0]
        by_item.setdefault((signal.instrument_id, signal.item), []).append(entry)
    flags: list[RiskFlag] = []
    for (instrument_id, item), entries in sorted(by_item.items()):
        entries.sort(key=lambda e: e[1])  # stable: answers of one day keep their order
        instrument = instruments[instrument_id]
        risk = next(r for r in instrument.risk_items if r.item == item)
        flagged = [
            e
            for e in entries
            if e[0].level in ("endorsed", "high")
            or (e[0].level == "unknown" and risk.flag_unanswered)
        ]
        if not flagged:
            continue
        # The most serious answer keeps the flag's level until a clinician closes it; the
        # latest answer leads when it is itself a signal (a current endorsement is never hidden
        # behind an older, more serious one).
        serious = max(reversed(flagged), key=lambda e: _SERIOUSNESS[e[0].level])
        lead = entries[-1] if entries[-1] in flagged else serious
        signal, observed_on, path = lead
        level = serious[0].level
        age = (as_of - observed_on).days
        last_signal_on = max(e[1] for e in flagged)
        # what the patient said last, blanks aside: an endorsement then is current; a later
        # "not at all", or only blanks, leave the flag open but ask today first (read 8, N3)
        given = [e for e in entries if e[0].value is not None]
        endorsed_now = bool(given) and given[-1][0].level in ("endorsed", "high")
        flags.append(
            RiskFlag(
                "",
                "risk-unknown" if level == "unknown" else serious[0].kind,
                level,
                _RANK[level],
                instrument_id,
                item,
                signal.value,
                observed_on,
                _answer_message(instrument, signal, observed_on, age)
                + _history_text(instrument, entries, lead, serious, as_of),
                Provenance(
                    f"rule:{RULE_UNKNOWN if level == 'unknown' else RULE_ENDORSED}",
                    tuple(sorted({f"{path}.answers[{item - 1}]", f"{serious[2]}.answers[{item - 1}]"})),
                ),
                age,
                (),
                tuple((date, s.value) for s, date, _ in entries),
                last_signal_on=last_signal_on,
                endorsed_now=endorsed_now,
            )
        )
    return flags


#: The question a flag of risk never asked names (the one the plans give when none is on file).
UNSCREENED_QUESTION = "PHQ-9 item 9"


def assessment_day(assessment: Any, as_of: dt.date) -> dt.date:
    """The day a signal with no date of its own (the patient's words, a documented condition, a
    risk question never given) is dated: the latest date among the assessment's responses (the
    day it was taken), never after ``as_of``; ``as_of`` when no response is dated.

    A clinician's record made on or after that day covers the signal, so a plan made again the
    next day keeps the record; a new assessment (later responses) carrying the same signal
    reopens the flag, as a new signal does (docs/safety.md, "A context signal's date")."""
    days = [response.date for response in assessment.responses if response.date is not None]
    return min(max(days), as_of) if days else as_of


def unscreened_flags(
    signals: Iterable[tuple[Any, dt.date, str]], observed_on: dt.date, as_of: dt.date
) -> list[RiskFlag]:
    """One ``risk-unknown`` flag when no suicide-risk item (PHQ-9 item 9 or another
    instrument's) was given in any response, else none.

    Risk never asked is unknown, exactly as a blank item 9 is (clinician read 16, M1): the
    flag takes the same path (asked today first; a safety plan and a follow-up contact if it is
    endorsed or the clinician is concerned; self-help held until a clinician has asked). It has
    no instrument, item or answer, and is dated ``observed_on`` (:func:`assessment_day`).

    :param signals: ``(RiskSignal, response date, JSON path of the response)`` triples, one per
        risk item of every response given (answered or blank).
    """
    if any(entry[0].kind == "suicidal-ideation" for entry in signals):
        return []
    return [
        RiskFlag(
            "",
            "risk-unknown",
            "unknown",
            _RANK["unknown"],
            None,
            None,
            None,
            observed_on,
            f"No suicide-risk question (such as {UNSCREENED_QUESTION}) was given: risk is "
            f"unknown. {ACTION_ASK_NOW}",
            Provenance(f"rule:{RULE_UNSCREENED}", ()),
            (as_of - observed_on).days,
            endorsed_now=False,
        )
    ]


def _answer_message(instrument: Any, signal: Any, observed_on: dt.date, age: int) -> str:
    name, item = instrument.name, signal.item
    label = instrument.item_labels[item - 1] if instrument.item_labels else None
    what = f"{name} item {item}" + (f" ({label})" if label else "")
    when = f"on {observed_on.isoformat()} ({_ago(age)})"
    if signal.level == "unknown":
        return (
            f"{what} was not answered {when}: risk is unknown. {ACTION_ASK_NOW}"
        )
    wording = instrument.answer_label(signal.value)
    answer = f"{signal.value} ('{wording}')" if wording else str(signal.value)
    if signal.kind == "suicidal-ideation":
        action = f"{ACTION_RISK_ASSESSMENT}."
    else:
        action = f"{ACTION_BEHAVIOUR_REVIEW}."
    return f"{what} answered {answer} {when}: {action}"


def _history_text(
    instrument: Any,
    entries: Sequence[tuple[Any, dt.date, str]],
    lead: tuple[Any, dt.date, str],
    serious: tuple[Any, dt.date, str],
    as_of: dt.date,
) -> str:
    """Every answer to the item, and what the other answers do and do not mean."""
    if len(entries) < 2:
        return ""
    answers = ", ".join(
        f"{'unanswered' if s.value is None else s.value} ({date.isoformat()})"
        for s, date, _ in entries
    )
    text = f" All answers to this item, oldest first: {answers}."
    known = [s.value for s, _, _ in entries if s.value is not None]
    if len(known) >= 2 and known[-1] > known[-2]:
        text += " The answer is rising (worsening)."
    if lead is not serious:  # the latest answer leads; an earlier one was more serious
        worst, date, _ = serious
        wording = instrument.answer_label(worst.value) if worst.value is not None else None
        answer = f"{worst.value} ('{wording}')" if wording else str(worst.value)
        return text + (
            f" The most serious answer was {answer} on {date.isoformat()} "
            f"({_ago((as_of - date).days)}); the flag keeps that level until a clinician "
            "closes it."
        )
    last, last_date, _ = entries[-1]
    if entries[-1] is lead:
        return text
    if last.level == "not-endorsed":
        return text + (
            f" The latest answer ({last.value} on {last_date.isoformat()}) is not evidence of "
            "safety and does not close this flag; only a clinician can."
        )
    return text + (  # the latest is blank and does not open a flag of its own
        f" The item was left unanswered on {last_date.isoformat()}, so the current risk is "
        "unknown: ask it now. The earlier answer keeps this flag at its level."
    )


def language_flags(
    texts: Iterable[tuple[str, str, str]],
    find: Callable[[str], tuple[tuple[str, str], ...]],
    observed_on: dt.date,
    as_of: dt.date,
) -> list[RiskFlag]:
    """Flags for the free texts of one source that hold risk language, quoting each text: one
    for words of suicide or self-harm, one (private) for words of harm from someone else, one
    for words of harm to other people (one flag of each for a clinician to close, however many
    texts speak of it).

    :param texts: ``(what the text is, e.g. "The patient's own goal", its JSON path, the text)``.
    :param find: the screen (:meth:`~planengine.plan._risk_language.RiskLanguage.find`, or its
        answers already worked out): text -> the ``(theme, phrase)`` pairs found in it.
    :param observed_on: the date of what the words came with (for an assessment's goals, the
        day it was taken: :func:`assessment_day`; the progress entry's date for a note).
    """
    found_by_kind: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for what, path, text in texts:
        found = find(text)
        for kind in (KIND_LANGUAGE, KIND_ABUSE, KIND_OTHERS):
            phrases = [p for theme, p in found if _THEME_KINDS.get(theme, KIND_LANGUAGE) == kind]
            if not phrases:
                continue
            quoted, evidence, paths = found_by_kind.setdefault(kind, ([], [], []))
            listed = ", ".join(f"'{_readable(p)}'" for p in phrases)
            quoted.append(f"{what}: “{' '.join(text.split())}” ({listed})")
            evidence.append(text)
            paths.append(path)
    age = (as_of - observed_on).days
    when = f"with this plan ({observed_on.isoformat()})" if age == 0 else (
        f"on {observed_on.isoformat()} ({_ago(age)})"
    )
    flags = []
    for kind, (quoted, evidence, paths) in found_by_kind.items():
        if kind == KIND_OTHERS:  # its own words (docs/safety.md, "Words of harm to others")
            action = (
                f"words of harming someone else: {ACTION_OTHERS_ASSESSMENT}, and the service's "
                "safeguarding / duty-to-protect policy followed (who must be told, and when). "
                "These words were found by a word search, which cannot weigh intent or "
                "context; a clinician reads the words, and words missing from a text never show "
                "that the risk is absent."
            )
        elif kind == KIND_LANGUAGE:
            action = (
                f"{ACTION_RISK_ASSESSMENT}. These words were found by a word search, which "
                "cannot weigh negation, quotation or context; a clinician reads the words."
            )
        else:
            action = (
                f"words of harm from someone else: {ACTION_PRIVATE_ASSESSMENT}, "
                "before any homework that could be found or any work that involves the "
                "other person (a private flag: kept off any copy the patient takes home). These "
                "words were found by a word search, which cannot weigh context; a clinician "
                "reads the words."
            )
        flags.append(
            RiskFlag(
                "",
                kind,
                "endorsed",
                _RANK["endorsed"],
                None,
                None,
                None,
                observed_on,
                "; ".join(quoted) + f", recorded {when}: {action}",
                Provenance(f"rule:{RULE_LANGUAGE}", tuple(paths)),
                age,
                tuple(evidence),
                private=kind == KIND_ABUSE,
            )
        )
    return flags


def _readable(phrase: str) -> str:
    """A phrase as data writes it, for a person: ``kill* {self}`` -> ``kill oneself``."""
    return (
        phrase.replace("*", "")
        .replace("{self}", "oneself")
        .replace("{my}", "one's")
        .replace("{other}", "someone")
    )


def condition_flags(
    conditions: Sequence[str], observed_on: dt.date, as_of: dt.date
) -> list[RiskFlag]:
    """A private flag for documented intimate-partner violence (R-SC20, [R56][R57]), dated
    ``observed_on`` (the day the assessment that documents it was taken: :func:`assessment_day`)."""
    flags: list[RiskFlag] = []
    for index, condition in enumerate(conditions):
        if condition != KIND_IPV:
            continue
        flags.append(
            RiskFlag(
                "",
                KIND_IPV,
                "documented",
                _RANK["documented"],
                None,
                None,
                None,
                observed_on,
                f"Intimate-partner violence is documented: {ACTION_PRIVATE_ASSESSMENT}, "
                "before any homework that could be found or any work that "
                "involves the partner (a private flag: kept off any copy the patient takes "
                "home).",
                Provenance(f"rule:{RULE_IPV}", (f"$.context.conditions[{index}]",)),
                (as_of - observed_on).days,
                private=True,
            )
        )
        break  # listed twice is one flag
    return flags


def raise_for_alcohol(
    flags: list[RiskFlag], reason: str | None, inputs: tuple[str, ...] = ()
) -> list[RiskFlag]:
    """Suicide-risk flags one place higher in the queue, and saying why, when the assessment shows
    harmful drinking (R-SC21: acute alcohol use raises the odds of a suicide attempt [S18]).

    :param reason: what shows the drinking (``None``: nothing does; the flags are unchanged).
    :param inputs: JSON paths of what shows it, added to each raised flag's provenance.
    """
    if reason is None:
        return flags
    return [
        attrs.evolve(
            flag,
            rank=max(1, flag.rank - 1),
            message=f"{flag.message} Alcohol: {reason}; drinking raises the risk of acting on "
            "suicidal thoughts, so alcohol makes this more urgent, and alcohol belongs in the "
            "safety plan's warning signs and means.",
            provenance=attrs.evolve(flag.provenance, inputs=(*flag.provenance.inputs, *inputs)),
        )
        if flag.kind in SUICIDE_KINDS
        else flag
        for flag in flags
    ]


def flag_queue_key(flag: RiskFlag) -> tuple[int, int, int, str, int, str]:
    """A flag's place in the clinician's queue: rank, then suicide risk before the other kinds,
    then the most recent, then instrument and item (smaller is more urgent)."""
    return (
        flag.rank,
        _KIND_ORDER.get(flag.kind, len(_KIND_ORDER)),
        -flag.observed_on.toordinal(),
        flag.instrument or "",
        flag.item or 0,
        flag.kind,
    )


def number_flags(flags: Iterable[RiskFlag]) -> tuple[RiskFlag, ...]:
    """Flags most urgent first (at equal rank, suicide risk before the other kinds, then the
    most recent, then by instrument and item), numbered
    ``risk-1``, ``risk-2``, ..."""
    ordered = sorted(flags, key=flag_queue_key)
    return tuple(
        attrs.evolve(flag, id=f"risk-{number}") for number, flag in enumerate(ordered, start=1)
    )
