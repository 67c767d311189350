"""The timeframe of a goal statement (issue 20): a deadline or a span as written ("within 12 weeks",
"by week 8", "over four consecutive weeks", "call a friend on Saturday"), and its length in days
when it counts one. A start with no end ("starting today") and a duration inside the behaviour
("fall asleep within 30 minutes") are not timeframes. Read by :mod:`._statement`; the units and
weekdays are data (``data/statement-patterns.yaml``, ``timeframes``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planengine.smart._statement_words import UNIT_DAYS, Token, is_number_token
from planengine.smart._statement_words import lists as pattern_lists
from planengine.smart._statement_words import number as parse_number
from planengine.smart._statement_words import quote as quote_text
from planengine.smart._statement_words import surface as surface_words

__all__ = ["timeframe"]


def timeframe(tokens: Sequence[Token], text: str) -> tuple[str | None, int | None]:
    """The statement's deadline or span as written, and its length in days when it counts one."""
    # Long: one scan over the statement's words, each kind of time phrase tried in order at each
    # position; its cases share the word list and the position, and read best together with their
    # examples.
    lists = pattern_lists()
    surface = surface_words(tokens)
    units = lists["time_units"]

    def unit_at(position: int) -> str | None:
        if 0 <= position < len(tokens) and tokens[position].lemma in units:
            return tokens[position].lemma
        return None

    for index, word in enumerate(surface):
        # a clock time the statement opens with: "By 1400, patient will demonstrate ..."
        if (
            index == 0
            and word == "by"
            and len(tokens) > 2
            and re.fullmatch(r"\d{1,2}(?::\d\d)?(?:am|pm)?|\d{4}", surface[1])
            and surface[2] in (",", "am", "pm")
        ):
            return quote_text(text, tokens, 0, 2), 1
        # a one-off day: "call a friend on Saturday" ("on Saturdays" is a frequency)
        if (
            word in ("on", "this", "next", "by")
            and index + 1 < len(tokens)
            and surface[index + 1] in lists["weekdays"]
        ):
            if index > 0 and surface[index - 1] in ("starting", "from", "after", "beginning"):
                continue  # "starting this Monday": a start with no end
            return quote_text(text, tokens, index, index + 2), None
        # "in your next group therapy session"
        if word == "next" and any(
            token.lemma == "session" for token in tokens[index + 1 : index + 5]
        ):
            stop = next(i for i in range(index + 1, index + 5) if tokens[i].lemma == "session")
            return quote_text(text, tokens, index, stop + 1), None
        # a calendar date: "by 2027-03-01"
        if (
            word in ("by", "before", "on")
            and index + 1 < len(tokens)
            and re.match(r"\d{4}-\d\d-\d\d", text[tokens[index + 1].start :])
        ):
            return text[tokens[index].start : tokens[index + 1].start + 10], None
        # a named date or event: "by December 31st", "before June", "by summer", "by (date)",
        # "by time of discharge", "during hospitalization", "after first interview"
        named = _named_deadline(tokens, surface, index) if word in _DATE_PREPOSITIONS else None
        if named is not None:
            return quote_text(text, tokens, index, named + 1), None
        # "by week 8", "by session 6"
        if word == "by" and unit_at(index + 1) and index + 2 < len(tokens):
            amount = parse_number(surface[index + 2])
            if amount is not None:
                days = int(amount * UNIT_DAYS[unit_at(index + 1) or "week"]) or None
                return quote_text(text, tokens, index, index + 3), days
        # "within 12 weeks", "in two weeks", "for the next four weeks", "by the end of the month",
        # "over the weekend", "for the rest of the month", "within the first month"
        if word in ("within", "in", "for", "over", "during", "after", "by", "throughout", "across"):
            position = index + 1
            fillers = ("the", "next", "first", "coming", "following", "end", "rest", "of", "this",
                       "academic", "school", "calendar", "course")  # fmt: skip
            while position < len(tokens) and surface[position] in fillers:
                position += 1
            if (
                position + 1 < len(tokens)
                and surface[position] == "a"
                and (
                    _hyphenated_span(surface[position + 1]) or is_number_token(tokens[position + 1])
                )
            ):
                position += 1  # "over a two-week period", "across a two week period"
            hyphenated = _hyphenated_span(surface[position]) if position < len(tokens) else None
            if hyphenated is not None:
                # "over a two-week period": the number and the unit in one word
                amount, unit = hyphenated
                days = int(amount * UNIT_DAYS[unit]) or None
                return quote_text(text, tokens, index, position + 1), days
            amount = parse_number(surface[position]) if position < len(tokens) else None
            if amount is not None:
                position += 1
                while position < len(tokens) and surface[position] in (
                    "consecutive",
                    "straight",
                    "-",
                ):
                    position += 1  # "over four consecutive weeks"
            found_unit = unit_at(position)
            if found_unit is None:
                continue
            unit = found_unit
            between = set(surface[index + 1 : position])
            if word == "after" and amount is None and between & {"this", "next"}:
                continue  # "after this week": a start with no end ("starting next week")
            if unit == "day" and amount is None and word in ("throughout", "during", "across", "over"):
                continue  # "throughout the school day": a span within each day, no deadline
            bounded = amount is not None or between & {"next", "first", "end", "rest", "this",
                                                       "school", "academic", "course"}  # fmt: skip
            if not bounded and unit not in ("weekend", "semester", "term"):
                continue  # "in a week" as frequency, "for the day"
            if unit == "hour" and not (
                (position + 1 < len(tokens) and surface[position + 1] == "of")
                or (index == 0 and word in ("after", "within", "by"))
            ):
                continue  # "for 2 hours" is a duration; "within 3 hours of admission", "After 24
                # hours, patient will ..." a deadline
            if unit == "session" and word not in ("by", "within"):
                continue
            days = None
            if UNIT_DAYS[unit]:
                days = (
                    int((amount or 1) * UNIT_DAYS[unit])
                    if amount or between & {"next", "first"}
                    else None
                )
            return quote_text(text, tokens, index, position + 1), days
        # "tomorrow", "tonight", "today": a day, unless it starts something ("starting today")
        if word in ("tomorrow", "tonight", "today"):
            if index > 0 and surface[index - 1] in ("starting", "from", "after", "beginning"):
                continue
            return tokens[index].text, 1
        # "this week", "next month", "next month's presentation"
        if word in ("this", "next") and unit_at(index + 1):
            if index > 0 and surface[index - 1] in ("starting", "from", "after"):
                continue
            return quote_text(text, tokens, index, index + 2), None
        if (
            word in ("next", "this")
            and index + 1 < len(tokens)
            and re.fullmatch(r"(week|month|year)'s", surface[index + 1])
        ):
            return quote_text(text, tokens, index, min(len(tokens), index + 3)), None
        if word in ("annual", "upcoming") and index + 1 < len(tokens):
            return quote_text(text, tokens, index, index + 2), None
    return None, None


#: Words between a preposition and a named date or event: "by the end of January", "by time of
#: discharge", "before that trip", "after first interview".
_DATE_FILLERS = frozenset({"the", "end", "of", "this", "next", "time", "first", "that", "start", "beginning",
                           "middle", "my", "our", "his", "her", "their"})  # fmt: skip


#: Prepositions before a named date or event.
_DATE_PREPOSITIONS = frozenset({"by", "before", "until", "in", "during", "after", "at"})


def _named_deadline(tokens: Sequence[Token], surface: Sequence[str], index: int) -> int | None:
    """The index of the last word of a named date or event after the preposition at ``index``:
    a month, season or holiday ("by December 31st", "before June", "by summer"), a placeholder
    ("by (date)", "by [date]"), or an event of care or of life ("by time of discharge", "during
    hospitalization", "before that trip", "after first interview")."""
    word = surface[index]
    if index + 1 >= len(tokens):
        return None
    if word in ("by", "before", "until") and surface[index + 1] in ("(", "[") and index + 3 < len(tokens) and (
        surface[index + 2] in ("date", "deadline")
    ):
        return index + 3
    position = index + 1
    while position < len(tokens) and surface[position] in _DATE_FILLERS:
        position += 1
    if position >= len(tokens):
        return None
    lists = pattern_lists()
    between = set(surface[index + 1 : position])
    name = surface[position]
    if name in lists["calendar"] and word in ("by", "before", "until", "in") and (
        name != "may" or tokens[position].text == "May"
    ):
        return position
    if name in lists["events"]:
        if word in ("by", "before", "until", "during") or (word == "at" and name == "discharge"):
            return position
        if word == "after" and between & {"first", "next"}:
            return position
    return None


def _hyphenated_span(word: str) -> tuple[float, str] | None:
    """``(amount, unit)`` of a hyphenated span ("two-week", "8-week", "six-month")."""
    match = re.fullmatch(r"([a-z0-9]+)-(day|week|month|year)s?", word)
    if match is None:
        return None
    amount = parse_number(match.group(1))
    return None if amount is None else (amount, match.group(2))
