"""The words every plan document shares: labels from data, dates, doses, and the cleaning that
keeps engine internals (rule ids, plugin names, step ids) out of a document a person reads.

The clinician's plan and the patient's copy, in Markdown and in HTML, all take their labels,
dates and doses from here (``data/documents.yaml``, the vocabulary and the instrument files), so
that the same fact reads the same way everywhere, and no label is made from an id.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = [
    "DocumentSettings",
    "band_title",
    "clean",
    "clinician_text",
    "cutoff_meaning",
    "dose",
    "hosts_running",
    "instrument_area",
    "instrument_name",
    "label",
    "long_date",
    "long_dates",
    "one_line",
    "patient_text",
    "revisit",
    "revisit_week",
    "sensitive_pattern",
    "sensitive_words",
    "status_label",
    "words_data",
]


@attrs.frozen
class DocumentSettings:
    """What a clinic chooses for its plan documents (``[tool.planengine.documents]``).

    :ivar patient_scores: show questionnaire scores and score targets on the patient's copy
        (default off: the clinician shares them in person when they choose to).
    :ivar sensitive_conditions: conditions never named on the patient's copy, added to the
        defaults of ``data/documents.yaml`` (intimate-partner violence).
    """

    patient_scores: bool = False
    sensitive_conditions: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def words_data() -> Mapping[str, Any]:
    """The parsed ``data/documents.yaml`` (cached; treat it as read-only).

    :raises ValueError: when a required table is missing (a broken install).
    """
    from planengine._cache import shipped_data

    def check(data: Any) -> None:
        for key in ("clinician", "patient", "sensitive"):
            if not isinstance(data.get(key), dict):
                raise ValueError(f"documents.yaml: {key} must be a table")

    found: dict[str, Any] = shipped_data("data/documents.yaml", check=check)  # then cached
    return found


def label(audience: str, kind: str, key: str) -> str:
    """The ``audience`` (``clinician`` or ``patient``) label of ``key`` in table ``kind``
    (``delivery``, ``phase``, ...).

    :raises KeyError: for a key with no label: a label is never made up from an id (the tests
        check that every id the built-in strategies use has one).
    """
    table: Mapping[str, str] = words_data()[audience][kind]
    return table[key]


def status_label(step: Mapping[str, Any]) -> str:
    """The clinician's label of ``step``'s status; a held step says what it waits for, read from
    its ``hold`` through the one table of those words (documents.yaml ``clinician.hold``, as its
    note and the held objectives word it), never from the step's notes; a step a plugin held
    without saying why: "Held until a clinician reviews it"."""
    if step["status"] == "held":
        until = held_until_words(step.get("hold"), step.get("hold_until"))
        if until is not None:
            return f"Held until {until}"
    return label("clinician", "status", step["status"])


def held_until_words(
    hold: str | None, hold_until: str | None = None, *, visit: dt.date | None = None
) -> str | None:
    """What a held step waits for, as a clause after "until": a strategy rule's own criterion
    (``hold_until``, clinician read 22, S1) for a ``contraindication`` hold, else its ``hold``
    worded by the one table (documents.yaml ``clinician.hold``); ``None``: a plugin held it
    without saying why. With ``visit`` (a goal file, read at a later review), a reason that
    says "today" names that visit's date instead (``clinician.hold_on_file``)."""
    if hold == "contraindication" and hold_until:
        return hold_until
    clinician = words_data()["clinician"]
    if visit is not None and hold in clinician["hold_on_file"]:
        return str(clinician["hold_on_file"][hold]).format(day=visit.isoformat())
    by_reason: Mapping[str, str] = clinician["hold"]
    return by_reason.get(str(hold))


def patient_text(key: str, **values: Any) -> str:
    """A fixed sentence of the patient's copy, with ``{placeholders}`` filled in."""
    text: str = words_data()["patient"]["text"][key]
    return text.format(**values) if values else text


def clinician_text(key: str, **values: Any) -> str:
    """A fixed sentence of the clinician's plan, with ``{placeholders}`` filled in."""
    text: str = words_data()["clinician"]["text"][key]
    return text.format(**values) if values else text


def one_line(text: object) -> str:
    """Free text on one line: a line break in what a patient or a plugin wrote can never start a
    heading, a list or a section of its own in a document a clinician signs."""
    return " ".join(("" if text is None else str(text)).split())


def long_date(value: str | dt.date) -> str:
    """``2026-12-23`` -> ``23 December 2026`` (English month names, whatever the locale)."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def long_dates(text: str) -> str:
    """Every ISO date in ``text`` written as :func:`long_date` writes it."""

    def one(match: re.Match[str]) -> str:
        try:
            return long_date(match.group(0))
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(one, text)


def dose(step: Mapping[str, Any], audience: str) -> str:
    """How often, how long and for how many weeks, in words: ``5 times a week, 15 min each, for
    6 weeks`` (a course spaced ``every_weeks``: ``every 1-2 weeks (about 8 in all), ...``);
    empty when the step has none of them."""
    parts: list[str] = []
    frequency = step.get("frequency") or {}
    spacing = frequency.get("every_weeks")
    if spacing and step.get("course_weeks"):
        # a course booked every 1-2 weeks, not "3 times a month" (read 9, S7): the count is the
        # same rate as the contact count's, over the course
        from planengine.plan.stepped_care._dose import times_per_week

        count = max(1, round(times_per_week(frequency) * int(step["course_weeks"])))
        parts.append(label(audience, "period", "every_weeks").format(first=spacing[0], last=spacing[1], count=count))
    elif frequency:
        times = frequency.get("times")
        per = label(audience, "period", str(frequency.get("per")))
        parts.append(("once" if times == 1 else f"{times} times") + f" {per}")
    if step.get("duration_minutes"):
        from planengine.plan.stepped_care._dose import is_rule_to_follow

        if audience == "clinician" and is_rule_to_follow(str(step.get("id"))):
            # no set-aside time, as the budget and the glance count it (clinician read 11, S5)
            rule = str(words_data()["clinician"]["text"]["rule_to_follow_dose"])
            parts[-1:] = [f"{parts[-1]} {rule}" if parts else rule]
        else:
            parts.append(f"{step['duration_minutes']} min" + (" each" if frequency else ""))
    weeks = step.get("course_weeks")
    if weeks:
        parts.append("for 1 week" if weeks == 1 else f"for {weeks} weeks")
    return ", ".join(parts)


@functools.lru_cache(maxsize=1)
def _instruments() -> Mapping[str, Any]:
    from planengine.instruments._registry import InstrumentRegistry

    registry = InstrumentRegistry()
    return {name: registry.get(name) for name in registry}


def instrument_name(instrument_id: str) -> str:
    """The instrument's name from its data file (``phq9`` -> ``PHQ-9``); a plugin instrument
    the built-ins do not know keeps the id it was given."""
    instrument = _instruments().get(instrument_id)
    return instrument.name if instrument is not None else instrument_id


def instrument_area(instrument_id: str) -> str | None:
    """The area an instrument measures (``phq9`` -> ``depression``), or ``None`` for one that is
    not installed: what a questionnaire a step gives (its ``administers``) is about."""
    instrument = _instruments().get(instrument_id)
    return None if instrument is None else str(instrument.area)


def band_title(instrument_id: str, band: str | None) -> str:
    """A band's description from the instrument's data (``moderately-severe`` -> ``moderately
    severe``); empty for no band."""
    if not band:
        return ""
    instrument = _instruments().get(instrument_id)
    for known in () if instrument is None else instrument.bands:
        if known.label == band:
            return str(known.description or known.label)
    return band


def cutoff_meaning(instrument_id: str, cutoff_id: str, condition: str | None = None) -> str:
    """What a cut-off that was met means, from the instrument's data; with ``condition``, a
    documented condition under which that meaning does not apply, what is said instead."""
    instrument = _instruments().get(instrument_id)
    for cutoff in () if instrument is None else instrument.cutoffs:
        if cutoff.id == cutoff_id:
            instead = cutoff.meaning_with((condition,)) if condition else None
            return str(cutoff.meaning if instead is None else instead[1])
    return cutoff_id


@functools.lru_cache(maxsize=1)
def _conditions() -> Mapping[str, str]:
    from planengine._vocabulary import load_vocabulary

    return {key: str(entry["title"]) for key, entry in load_vocabulary().conditions.items()}


#: internal references written into the plan's free text, and what a reader sees instead
_PLUGIN = re.compile(r"\s*\(?\bplugin:[\w.-]+@[\w.+-]+\)?")
_RULE_REF = re.compile(r"\s*\(R-SC\d+\)|,?\s*\bR-SC\d+\b")
_CITATION_TAG = re.compile(r"\s*\[[A-Z]{1,2}\d+\]")
#: a parenthesis that names a field or setting in code (``(warning_signs)``, ``(crisis_locale or
#: crisis_resources in Python)``)
_FIELD_NAME = re.compile(r"\s*\([^()]*\b[a-z]+(?:_[a-z]+)+\b[^()]*\)")
_PARENTHESISED_ID = re.compile(r"\s*\(([a-z0-9]+(?:[-.][a-z0-9]+)+)\)")
_QUOTED_ID = re.compile(r"'([a-z0-9]+(?:-[a-z0-9]+)+)'")
_CONDITION_LEAD = re.compile(r"^([a-z]+(?:-[a-z]+)+): ")


def clean(text: object, titles: Mapping[str, str] | None = None) -> str:
    """``text`` on one line with the engine's internal references taken out: plugin names and
    versions, rule ids, citation tags and field names, a step id in quotes replaced by the step's
    title (``titles``: id -> title), and a condition id by the condition's title from the
    vocabulary (``Caution (bipolar-disorder):`` -> ``Caution (Bipolar disorder):``)."""
    titles = titles or {}
    out = one_line(text)
    out = _PLUGIN.sub("", out)
    out = _RULE_REF.sub("", out)
    out = _CITATION_TAG.sub("", out)
    out = _FIELD_NAME.sub("", out)

    def parenthesised(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _conditions():
            return f" ({_conditions()[name]})"
        return ""  # a rule or step id: the sentence says the same in words

    def quoted(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"“{titles[name]}”" if name in titles else match.group(0)

    def lead(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"{_conditions()[name]}: " if name in _conditions() else match.group(0)

    out = _PARENTHESISED_ID.sub(parenthesised, out)
    out = _QUOTED_ID.sub(quoted, out)
    out = _CONDITION_LEAD.sub(lead, out)
    return out.replace(" ,", ",").replace("()", "").strip()


def sensitive_words(conditions: Iterable[str]) -> tuple[str, ...]:
    """The words that name any of ``conditions`` (with the defaults of ``documents.yaml``): each
    condition's vocabulary title and its listed words (``abuse*``: a stem)."""
    data = words_data()["sensitive"]
    chosen = dict.fromkeys([*data["default_conditions"], *conditions])
    words: list[str] = []
    for condition in chosen:
        words.extend(data["words"].get(condition, ()))
        if condition in _conditions():
            words.append(_conditions()[condition])
        words.append(condition.replace("-", " "))
    return tuple(dict.fromkeys(word.lower() for word in words))


def sensitive_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``words`` as whole words (a trailing ``*``
    matches any ending); spaces and hyphens inside a phrase match either."""
    parts = []
    for word in words:
        stem = word.endswith("*")
        body = r"[\s-]+".join(re.escape(piece) for piece in word.rstrip("*").split())
        parts.append(rf"\b{body}" + (r"\w*" if stem else r"\b"))
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def hosts_running(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The hosts of ``in_sessions_of`` that start now: step id -> step, and ``area:<area>`` ->
    the first step of that area's own sessions or talks (not self-help) that starts now."""
    running: dict[str, dict[str, Any]] = {}
    for problem in data["problems"]:
        for step in problem["interventions"]:
            if step["phase"] != "now":
                continue
            running[step["id"]] = step
            # an area's own sessions or check-ins, as the plan's burden counts them
            # (planengine.plan.stepped_care._budget.in_running_sessions)
            if step["delivery"] != "self-guided" and step.get("frequency") and not step.get("in_sessions_of"):
                running.setdefault(f"area:{problem['area']}", {**step, "title": problem["title"]})
    return running


def revisit_week(data: dict[str, Any], waiting: Iterable[dict[str, Any]]) -> int | None:
    """The week of the review at which the waiting problems are looked at again: the earliest
    review their entries name (a re-measure at week 4 is not put off to week 8), else the
    plan's sequence review."""
    named = [
        week
        for problem in waiting
        if (week := (problem.get("phasing") or {}).get("review_week")) is not None
    ]
    if named:
        return int(min(named))
    weeks = ((data.get("burden") or {}).get("limits") or {}).get("sequence_review_weeks")
    return int(weeks) if weeks else None


def revisit(data: dict[str, Any]) -> tuple[int, str] | None:
    """The review at which the plan's waiting problems are looked at again, as its week and its
    date (``(4, "4 January 2027")``): the one source of the plan's "Also noted – revisit at the
    week-4 review" and the patient copy's "We'll come back to these at your review on ..."
    (clinician read 23, S4: the copy said week 8 beside the plan's week 4). Every waiting problem
    counts, including one the copy shows under a heading of its own or does not name."""
    weeks = revisit_week(data, (p for p in data["problems"] if p["phase"] != "now"))
    if weeks is None:
        return None
    return weeks, long_date(dt.date.fromisoformat(str(data["as_of"])[:10]) + dt.timedelta(weeks=weeks))
