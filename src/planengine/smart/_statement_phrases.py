"""Phrase tests the statement analyser (``planengine.smart._statement``) asks of a span of tokens:
what a gerund after "for" is for, whether an abstract word only names a countable event, whether a
change names its target or a counted means, where a second coordinated part starts, which
coordinated parts make one act, whether an object is one occasion, which words make a reported
object a state, and negation (issue 20): where each trigger ("not", "never", "without", "free of",
"n't") negates, NegEx-style (Chapman et al. 2001), up to a window of words or a termination word;
whether "free of" or "without" names a state ("without difficulties") rather than events to
count; and "no" before harm or a countable event ("no physical harm to self"), a count of zero."""

from __future__ import annotations

from collections.abc import Sequence

from planengine.smart._statement_words import (
    CLAUSE_BREAK,
    Token,
    is_base_verb,
    is_number_token,
    readings,
)
from planengine.smart._statement_words import find as find_spans
from planengine.smart._statement_words import lists as pattern_lists
from planengine.smart._statement_words import surface as surface_words

__all__ = [
    "STATE_WORDS",
    "concrete_head",
    "coordinated_between",
    "counted_means",
    "named_examples",
    "names_a_purpose",
    "negated_state",
    "negations",
    "no_events",
    "one_act",
    "refers_back",
    "single_occasion",
    "to_number",
]


def names_a_purpose(surface: Sequence[str], start: int) -> bool:
    """Whether the word at ``start`` is a gerund after "for", saying what a named thing is for
    ("techniques for managing stress", "a plan for coping with cravings")."""
    return start > 0 and surface[start - 1] == "for" and surface[start].endswith("ing")


def concrete_head(tokens: Sequence[Token], index: int, end: int) -> bool:
    """Whether the abstract word before ``index`` only modifies a countable noun after it:
    "anxiety attacks", "panic episodes" (events to count, not a state)."""
    if index >= end:
        return False
    token = tokens[index]
    return token.lower in pattern_lists()["countable_events"]


def to_number(tokens: Sequence[Token], index: int, end: int) -> bool:
    """Whether the change names its target: "to" and a number within the next words ("reduce
    drinking to 2 drinks a day", "lower my worry to 3 out of 10")."""
    surface = surface_words(tokens)
    for position in range(index, min(end, index + 4) - 1):
        if surface[position] == "to" and is_number_token(tokens[position + 1]):
            return True
    return False


def coordinated_between(surface: Sequence[str], first: int, second: int) -> bool:
    """Whether an "and" starts a second part between two positions ("meet with two of my friends
    and be more focused"): a count in the first part says nothing of the second, unless the second
    refers back to the first ("write down one thought per day and practise responding to it"), which
    continues its act."""
    return any(
        surface[i] == "and"
        and i + 1 < len(surface)
        and is_base_verb(surface[i + 1])
        and not refers_back(surface[i + 1 : i + 5])
        for i in range(first + 1, second)
    )


def refers_back(part: Sequence[str]) -> bool:
    """Whether a coordinated part's object, within its first words, is a pronoun for what the part
    before it named ("ask them to brunch", "practise responding to it")."""
    return any(word in _BACK_REFERENCES for word in part[1:4]) and not any(
        word in ("i", "you", "we") for word in part[1:4]
    )


def named_examples(surface: Sequence[str], index: int, end: int) -> bool:
    """Whether examples follow within the next words ("healthier options such as exercising"):
    the examples say what the comparative means."""
    for position in range(index, min(end, index + 3)):
        if surface[position : position + 2] == ["such", "as"] or surface[position] in ("including", "e.g"):
            return True
    return False


def counted_means(tokens: Sequence[Token], index: int, end: int) -> bool:
    """Whether a means clause right after ``index`` names a counted behaviour: "(improve my eating
    habits) by eating breakfast at least 5 of the 7 days". The behaviour it names is the goal's,
    so the change it serves is not vague; without a count ("by eating better") it is."""
    surface = surface_words(tokens)
    # the rest of the object first: "reduce my stress levels by incorporating 30 minutes ..."
    limit = min(end, index + 3)
    while index < limit and surface[index] != "by" and surface[index][:1].isalpha() and (
        surface[index] not in ("and", "or", "to", "with", "for", "in", "of")
    ):
        index += 1
    if index + 1 >= end or surface[index] != "by" or not surface[index + 1].endswith("ing"):
        return False
    return any(is_number_token(token) for token in tokens[index + 2 : end])


#: Object pronouns: a part whose object points back to the one before continues its act.
_BACK_REFERENCES = frozenset({"them", "him", "her", "it", "they", "he", "she"})


def one_act(behaviours: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Coordinated parts that make one act, tracked as one: a part whose object is a pronoun for the
    one before ("call up a friend and ask them to brunch"), going somewhere to do something there
    ("go to a gathering and speak to someone"), choosing or finding who or what to do it with
    ("choose a peer and participate in play"), and a list of tasks that are each done or not done
    ("read chapter 7 and complete exercises 1-3": one assignment, checked once)."""
    if len(behaviours) < 2:
        return behaviours
    done = pattern_lists()["done"]
    if all(any(phrase[0] == verb for phrase in done) for verb, _ in behaviours):
        return behaviours[:1]
    kept = [behaviours[0]]
    for verb, words in behaviours[1:]:
        parts = words.split()
        previous_verb, previous = kept[-1]
        if refers_back([part.lower() for part in parts]):
            continue
        if previous_verb in ("go", "come") and previous.split()[1:2] == ["to"]:
            continue
        if previous_verb in pattern_lists()["setup_verbs"]:
            continue  # "choose a peer and participate in play": choosing sets the act up
        kept.append((verb, words))
    return kept


#: Words that make a done verb's object a state to report ("verbalize decreased anxiety", "report
#: feeling more positive"): saying it is no task done, it needs a criterion.
STATE_WORDS = frozenset({"decreased", "increased", "reduced", "improved", "less", "more", "fewer",
                          "feeling", "being", "better", "worse"})


#: Determiners that make the object one thing: "attend the intake session", "make a phone call".
_SINGLE = frozenset({"a", "an", "the", "one", "this", "that", "my", "his", "her", "their", "your",
                     "our"})  # fmt: skip


def single_occasion(tokens: Sequence[Token], index: int, end: int, *, events_only: bool = False) -> bool:
    """Whether the object after a verb (at ``index``, one preposition allowed: "go for a swim",
    "cooperate with a medical evaluation") is one occasion: a singular noun after a determiner,
    not a bare or plural one ("attend therapy", "attend social gatherings": a standing habit).
    With ``events_only``, the noun must name an event held once (``single_events``: a call, a
    swim, an evaluation), not a thing kept up ("use a different route", "follow a schedule")."""
    lists = pattern_lists()
    position = index
    if position < end and tokens[position].lower in ("for", "with", "to", "in", "on") and events_only:
        position += 1
    if position >= end or tokens[position].lower not in _SINGLE:
        return False
    for token in tokens[position + 1 : min(end, position + 5)]:
        if token.lower in lists["single_events"] or token.lemma in lists["single_events"]:
            return token.lower == token.lemma or token.lower in lists["single_events"]
        if not token.lower[:1].isalpha() or token.lower in ("of", "to", "with", "for", "and"):
            break
        if not events_only and "NOUN" in readings(token.lower) and token.lower != token.lemma:
            return False  # a plural noun: "attend my therapy sessions"
    return not events_only


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
