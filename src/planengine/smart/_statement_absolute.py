"""Absolute and perfectionist targets in a goal statement (issue 20, A304): the phrases of
``absolute_targets`` ("zero", "100 %", "free of", "uninterrupted", "absence of", "all day"), a
ban on an everyday behaviour ("no snacking"), a criterion met on every occasion ("5 out of 5
opportunities") and training every day with no rest day ("exercise every day"). Abstinence from
a substance and freedom from harm are treatment goals, not perfectionism; a ban kept to a window
("eliminate screen time 30 minutes before bedtime") is a habit's rule. Read by
:mod:`._statement`; the words are data (``data/statement-patterns.yaml``, ``absolute_targets``)."""

from __future__ import annotations

from collections.abc import Sequence

from planengine.smart._statement_words import Token, find, is_number_token, readings
from planengine.smart._statement_words import lemmas as lemma_words
from planengine.smart._statement_words import lists as pattern_lists
from planengine.smart._statement_words import number as parse_number
from planengine.smart._statement_words import surface as surface_words

__all__ = ["absolutes"]

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
