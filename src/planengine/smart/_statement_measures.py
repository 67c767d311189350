"""What makes a goal statement measurable by itself (issue 20): a count, frequency, rating or
length as written, a discrete task that is done or not done ("complete", "report", "make a phone
call"; not a standing habit such as "attend therapy"), and quitting a behaviour counted in amounts
("stop drinking", a count of zero); and the absolute or perfectionist targets a statement asks for
(A304): the phrases of ``absolute_targets`` ("zero", "100 %", "free of", "uninterrupted",
"absence of", "all day"), a ban on an everyday behaviour ("no snacking"), a criterion met on every
occasion ("5 out of 5 opportunities"), a count of 0 and training every day with no rest day
("exercise every day"). Abstinence from a substance and freedom from harm are treatment goals, not
perfectionism; a ban kept to a window ("eliminate screen time 30 minutes before bedtime") is a
habit's rule. Read by :mod:`._statement`; the word lists are data
(``data/statement-patterns.yaml``, ``measures``, ``negation`` and ``absolute_targets``)."""

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
from planengine.smart._statement_words import number as parse_number
from planengine.smart._statement_words import quote as quote_text
from planengine.smart._statement_words import surface as surface_words

__all__ = ["absolutes", "done_task", "object_carrier", "quantity", "quitting"]


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


#: Words after which a bare verb opens a behaviour ("I want to exercise", "read, stretch,
#: exercise"), not a noun's modifier ("breathing exercises").
_OPENERS = frozenset({"to", "will", "and", "or", ",", "i", "we", "must", "should", "'ll", "also", "then",
                      "."})  # fmt: skip


def absolutes(tokens: Sequence[Token], begin: int, end: int) -> list[str]:
    """The absolute or perfectionist wording of a statement as written, main clause ``begin`` to
    ``end`` ("never" and "always" anywhere)."""
    lists = pattern_lists()
    words = lemma_words(tokens)
    surface = surface_words(tokens)
    found = []
    spans = find(surface, lists["absolute"], 0, len(tokens)) + find(words, lists["absolute"], 0, len(tokens))
    for start, stop in sorted(set(spans)):
        if not (surface[start] in ("never", "always") or begin <= start < end or surface[start].startswith("100")):
            continue
        if _exempt(tokens, start, stop):
            continue
        if surface[start] == "no" and stop < len(surface) and surface[stop] == "longer" and surface[start - 1 : start] == ["that"]:
            continue
        if surface[start] == "absence" and surface[stop : stop + 1] == ["or"]:
            continue  # "verbalize absence of or decrease in distress": a decrease will do
        if surface[start] in ("eliminate", "eliminating") and _windowed(surface, stop):
            continue
        after = stop
        while after < min(len(tokens), stop + 2) and tokens[after].lower[:1].isalpha():
            after += 1
        found.append(" ".join(t.text for t in tokens[start:after]))
    present = set(surface)  # each reading below needs a word of its own: skip those that cannot fire
    if "0" in present:
        found.extend(_zero_counts(tokens, begin, end))
    if "no" in present:
        found.extend(_bans(tokens, begin, end))
    if "of" in present:
        found.extend(_every_occasion(tokens))
    if present & _DAILY_WORDS:
        found.extend(_daily_training(tokens))
    return found


#: Words one of the ``every_day`` phrases holds ("every day", "daily", "7 days a week").
_DAILY_WORDS = frozenset({"day", "daily", "days"})


def _exempt(tokens: Sequence[Token], start: int, stop: int) -> bool:
    """Whether an absolute word bears on a substance or on harm ("free of drugs", "zero
    self-harm"): abstinence and safety are targets of zero, not perfectionism."""
    lists = pattern_lists()
    if tokens[start].lower not in ("free", "zero", "never", "eliminate", "no", "any", "anymore", "absence",
                                   "without", "0"):  # fmt: skip
        return False
    nearby = {t.lemma for t in tokens[stop : stop + 6]} | {t.lower for t in tokens[stop : stop + 6]}
    return bool(nearby & lists["substances"] or nearby & lists["harm"])


def _windowed(surface: Sequence[str], stop: int) -> bool:
    """Whether a ban is kept to a window ("eliminate screen time 30 minutes before bedtime", "no
    snacking after 8 pm"): a rule about when, not a target of zero."""
    for word in surface[stop : stop + 7]:
        if word in (".", ";", ","):
            return False
        if word in ("before", "after"):
            return True
    return False


def _bans(tokens: Sequence[Token], begin: int, end: int) -> list[str]:
    """"No" before an everyday behaviour or a countable event ("no snacking", "no arguments"): a
    ban that one lapse breaks; substances, harm and windows excepted, as are "say no" and
    comparators ("no more than")."""
    lists = pattern_lists()
    surface = surface_words(tokens)
    found = []
    for index in range(begin, min(end, len(tokens) - 1)):
        if surface[index] != "no" or (index > 0 and tokens[index - 1].lemma == "say"):
            continue
        following = surface[index + 1]
        if following in ("more", "less", "fewer", "longer", "later", "earlier", "one"):
            continue
        verbs = readings(following).get("VERB", ())
        gerund = following.endswith("ing") and bool(verbs) and following not in verbs
        if not (gerund or following in lists["countable_events"]):
            continue
        if _exempt(tokens, index, index + 1) or _windowed(surface, index + 2):
            continue
        found.append(" ".join(t.text for t in tokens[index : index + 2]))
    return found


def _zero_counts(tokens: Sequence[Token], begin: int, end: int) -> list[str]:
    """A count of 0 written as a digit ("have 0 panic attacks"), as "zero" is: not the low end of a
    scale ("from 0 to 100", "0-10") and not a substance or harm."""
    lists = pattern_lists()
    surface = surface_words(tokens)
    found = []
    for index in range(begin, min(end, len(tokens) - 1)):
        if surface[index] != "0" or not surface[index + 1][:1].isalpha() or surface[index + 1] == "to":
            continue
        if index > 0 and surface[index - 1] in ("from", "between", "of"):
            continue
        clause = {t.lemma for t in tokens[begin:end]} | set(surface[begin:end])
        if clause & (lists["substances"] | lists["harm"]):
            continue  # "reduce drinks from 4 a day to 0": abstinence
        found.append(" ".join(t.text for t in tokens[index : index + 2]))
    return found


def _every_occasion(tokens: Sequence[Token]) -> list[str]:
    """A criterion met on every occasion: "5 out of 5 opportunities", "4 of 4 trials" (100 %)."""
    surface = surface_words(tokens)
    found = []
    for index in range(len(tokens) - 2):
        following = surface[index + 1]
        if following not in ("of", "out") or not is_number_token(tokens[index]):
            continue
        step = 3 if following == "out" and surface[index + 2] == "of" else 2 if following == "of" else 0
        if not step or index + step >= len(tokens) or not is_number_token(tokens[index + step]):
            continue
        first, second = parse_number(surface[index]), parse_number(surface[index + step])
        if first is not None and first == second and first >= 2:
            found.append(" ".join(t.text for t in tokens[index : index + step + 1]))
    return found


def _daily_training(tokens: Sequence[Token]) -> list[str]:
    """Training every day ("exercise every day", "go to the gym every day"): no rest day, where the
    WHO guideline sets weekly amounts and strength work on two or more days a week."""
    lists = pattern_lists()
    surface = surface_words(tokens)
    daily = find(surface, lists["every_day"])
    if not daily:
        return []
    for start, stop in find(surface, lists["training"]):
        if start == 0 or surface[start - 1] in _OPENERS:
            first = daily[0]
            return [" ".join(t.text for t in tokens[start:stop]) + " " + " ".join(t.text for t in tokens[first[0] : first[1]])]
    return []
