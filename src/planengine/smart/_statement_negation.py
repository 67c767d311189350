"""Negation in a goal statement (issue 20), NegEx-style (Chapman et al. 2001): where each trigger
("not", "never", "without", "free of", "n't") negates, up to a window of words or a termination
word; whether "free of" or "without" names a state ("without difficulties") rather than events
to count; and "no" before harm or a countable event ("no physical harm to self"), a count of
zero. Read by :mod:`._statement`; the triggers and word lists are data
(``data/statement-patterns.yaml``, ``negation``)."""

from __future__ import annotations

from collections.abc import Sequence

from planengine.smart._statement_words import CLAUSE_BREAK, Token
from planengine.smart._statement_words import find as find_spans
from planengine.smart._statement_words import lists as pattern_lists
from planengine.smart._statement_words import surface as surface_words

__all__ = ["negated_state", "negations", "no_events"]


def negated_state(inside: Sequence[Token]) -> bool:
    """Whether "free of/from" or "without" names a state ("the signs and symptoms of depression",
    "without difficulties", "without fear of failure"), not events to count ("outbursts", "panic
    attacks", "self-harm") or a substance."""
    lists = pattern_lists()
    words = {token.lemma for token in inside} | {token.lower for token in inside}
    return bool(words & lists["negated_states"]) and not (
        words & lists["countable_events"] or words & lists["substances"]
    )


def no_events(tokens: Sequence[Token], begin: int, end: int) -> str | None:
    """"No" before harm or a countable event within two words ("has experienced no physical harm
    to self", "no outbursts"): a count of zero, as "never" and "free of" are."""
    lists = pattern_lists()
    for index in range(begin, end - 1):
        if tokens[index].lower != "no":
            continue
        for position in range(index + 1, min(end, index + 3)):
            token = tokens[position]
            if token.lemma in lists["harm"] or token.lower in lists["harm"] or token.lower in lists["countable_events"]:
                return " ".join(t.text for t in tokens[index : position + 1])
    return None


def negations(tokens: Sequence[Token], begin: int, end: int) -> list[tuple[int, int]]:
    """NegEx: ``(trigger, scope end)`` for each negation in the span, comparators excluded."""
    lists = pattern_lists()
    surface = surface_words(tokens)
    comparator_starts = {s for s, _ in find_spans(surface, lists["comparators"], begin, end)}
    found = []
    for start, stop in find_spans(surface, lists["negation"], begin, end):
        if start in comparator_starts:
            continue
        scope = stop
        while scope < end and scope - stop < lists["window"]:
            if surface[scope] in CLAUSE_BREAK or surface[scope] in lists["terminators"]:
                break
            scope += 1
        found.append((start, scope))
    for index in range(begin, end):
        if surface[index].endswith("n't") or surface[index] == "cannot":
            scope = index + 1
            while scope < end and scope - index <= lists["window"] and surface[scope] not in CLAUSE_BREAK:
                scope += 1
            found.append((index, scope))
    return found
