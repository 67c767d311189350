"""What makes a goal statement measurable by itself (issue 20): a count, frequency, rating or
length as written, a discrete task that is done or not done ("complete", "report", "make a phone
call"; not a standing habit such as "attend therapy"), and quitting a behaviour counted in amounts
("stop drinking", a count of zero). Read by :mod:`._statement`; the word lists are data
(``data/statement-patterns.yaml``, ``measures`` and ``negation``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planengine.smart._statement_phrases import STATE_WORDS, single_occasion
from planengine.smart._statement_words import (
    CLAUSE_BREAK,
    NUMBER_WORDS,
    Token,
    find,
    is_base_verb,
    is_number_token,
    readings,
)
from planengine.smart._statement_words import lemmas as lemma_words
from planengine.smart._statement_words import lists as pattern_lists
from planengine.smart._statement_words import quote as quote_text
from planengine.smart._statement_words import surface as surface_words

__all__ = ["done_task", "object_carrier", "quantity", "quitting"]


def quantity(tokens: Sequence[Token], text: str) -> str | None:
    """A count, frequency, rating, instrument, clock time, range or length as written ("3 times per
    week", "8/10", "10-minutes"); ``None`` when the statement counts nothing."""
    lists = pattern_lists()
    surface = surface_words(tokens)
    dates = {i for m in re.finditer(r"\d{4}-\d\d-\d\d", text) for i, t in enumerate(tokens)
             if m.start() <= t.start < m.end()}  # fmt: skip
    for index, token in enumerate(tokens):
        word = surface[index]
        if index in dates:
            continue  # a calendar date is a deadline, not a count
        if token.lemma in lists["frequency"] or word in lists["frequency"]:
            if word == "daily" and index + 1 < len(tokens) and tokens[index + 1].lemma in lists["daily_domains"]:
                continue  # "daily functioning", "daily activities": ordinary life, not how often
            return token.text
        if "-" in word and _hyphenated_amount(word):
            return token.text  # "a two-mile loop", "a 20-minute walk"
        if word == "range" and index > 0 and surface[index - 1] in lists["bands"]:
            return quote_text(text, tokens, index - 1, index + 1)  # "to mild range": a band
        if word in lists["instruments"] or re.fullmatch(r"\d+/\d+", word):
            return token.text
        if re.fullmatch(r"\d+(?:[.:]\d+)?\s?(?:am|pm|a\.m\.|p\.m\.)", word) or (
            index + 1 < len(tokens) and word[:1].isdigit() and surface[index + 1] in ("pm", "am", "a.m", "p.m", "a.m.", "p.m.")
        ):
            return token.text
        if word in ("every", "each", "per") and index + 1 < len(tokens) and surface[index + 1] not in ("time",) and (
            surface[index : index + 2] != ["each", "other"]
        ):
            return quote_text(text, tokens, index, index + 2)
        if is_number_token(token) and surface[index + 1 : index + 3] in (["of", "these"], ["of", "those"]):
            continue  # "one of these days": an unnamed one of a set, no count
        if is_number_token(token) and index + 1 < len(tokens) and surface[index + 1][:1].isalpha():
            following = surface[index + 1]
            if following in ("out",) or tokens[index + 1].lemma not in lists["time_units"] or index == 0 or surface[index - 1] not in ("in", "within", "for", "over", "by", "next", "after"):
                return quote_text(text, tokens, index, index + 2)
        if word.endswith("%") or (word[:1].isdigit() and index + 1 < len(tokens) and surface[index + 1] == "%"):
            return token.text
        # a hyphenated amount ("10-minutes sitting in a car", "a 20-minute walk"): a length to check
        if word[:1].isdigit() and surface[index + 1 : index + 2] == ["-"] and index + 2 < len(tokens) and (
            tokens[index + 2].lemma in lists["time_units"] or tokens[index + 2].lemma in ("minute", "mile", "kilometre", "kilometer")
        ):
            return quote_text(text, tokens, index, index + 3)
        # a range ("65-68°F", "10-30 minutes") is a criterion to check
        if word[:1].isdigit() and surface[index + 1 : index + 2] == ["-"] and surface[index + 2 : index + 3] and surface[index + 2][:1].isdigit():
            return quote_text(text, tokens, index, index + 3)
        # "for 30 days": a span the behaviour is kept up for, counted in days done
        if word == "for" and index + 2 < len(tokens) and is_number_token(tokens[index + 1]) and tokens[index + 2].lemma in ("day", "week", "month", "night"):
            return quote_text(text, tokens, index, index + 3)
        if word in ("times", "time") and index > 0 and surface[index - 1] in ("two", "three", "four", "five"):
            return quote_text(text, tokens, index - 1, index + 1)
    return None


def done_task(tokens: Sequence[Token], verb: int, end: int) -> str | None:
    """The verb of a discrete task done or not done, from the main verb at ``verb`` ("complete",
    "report", "make a phone call"); ``None`` for a standing habit or a state shown."""
    lists = pattern_lists()
    words = lemma_words(tokens)
    # the main verb, or the verb after "be able to" / "learn to"
    surface = surface_words(tokens)
    for start, stop in find(words, lists["done"], verb, min(end, verb + 4)):
        if start == verb or words[start - 2 : start] == ["able", "to"]:
            shown = stop + 1 if surface[stop : stop + 1] in (["a"], ["an"], ["the"]) else stop
            said = surface[shown] if shown < len(surface) else ""
            following = surface[shown + 1] if shown + 1 < len(surface) else ""
            # "identify positive traits": the adjective describes what is listed, not a state
            felt = said in lists["feelings"] and not ("NOUN" in readings(following) and following[:1].isalpha())
            if (said in STATE_WORDS or felt) and words[start] not in lists["saying_verbs"]:
                return None  # "demonstrate improved concentration": a state shown, no task
            if words[start] in lists["recurring_verbs"] and not single_occasion(tokens, stop, end):
                return None  # "attend therapy", "attend social gatherings": a standing habit
            carrier = object_carrier(tokens, stop, end)
            if carrier is not None and not any(phrase[0] == tokens[carrier].lemma for phrase in lists["done"]):
                return None  # "recognize, accept, and cope with feelings": the object is coped with
            return " ".join(token.text for token in tokens[start:stop])
    if verb < end and single_occasion(tokens, verb + 1, end, events_only=True):
        return tokens[verb].text  # "make a phone call", "go for a swim": one occasion
    return None


def _hyphenated_amount(word: str) -> bool:
    """A number and a unit in one word: "two-mile", "20-minute", "5-km"."""
    match = re.fullmatch(r"([a-z]+|\d+(?:\.\d+)?)-(mile|minute|second|hour|km|kilometre|kilometer|metre|meter|"
                         r"step|page|lap|block|day|week|night)s?", word)  # fmt: skip
    return match is not None and (match.group(1)[:1].isdigit() or match.group(1) in NUMBER_WORDS)


def object_carrier(tokens: Sequence[Token], index: int, end: int) -> int | None:
    """When a verb ends at ``index`` with no object of its own ("recognize, accept, and cope with
    feelings"), the index of the later verb that carries the shared object; ``None`` otherwise."""
    carrier = None
    position = index
    while position + 1 < end and tokens[position].lower in (",", "and", "or"):
        position += 1
        if tokens[position].lower in ("and", "or"):
            position += 1
        if position >= end or not is_base_verb(tokens[position].lower):
            return carrier
        carrier = position
        position += 1
    return carrier


def quitting(tokens: Sequence[Token], verb: int, end: int) -> str | None:
    """"Stop drinking", "quit smoking": the main verb (at ``verb``) stops a behaviour counted in
    amounts, a count of zero ("stop worrying" names no count: it is vague wording, S101's)."""
    lists = pattern_lists()
    if verb + 1 >= end or tokens[verb].lemma not in lists["quit_verbs"]:
        return None
    following = tokens[verb + 1]
    if following.lower in lists["counted_behaviours"] or following.lemma in lists["counted_behaviours"]:
        stop = verb + 2
        while stop < min(end, verb + 4) and tokens[stop].lower not in CLAUSE_BREAK:
            stop += 1
        return " ".join(token.text for token in tokens[verb:stop])
    return None
