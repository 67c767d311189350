"""The words of a goal statement: tokens with their lemmas, numbers, and the pattern lists
(``data/statement-patterns.yaml``) in the form :mod:`planengine.smart._statement` matches them.

Lemmas come from lemminflect's lookup table (``resources/lemma_lu.csv.gz`` and its overrides, about
70,000 English words with their noun, verb, adjective and adverb lemmas), read on the first word
looked up, so that a run with no statement rule never loads it. The table is read directly rather
than through ``import lemminflect``: the package's import loads numpy for its out-of-vocabulary
model (unused here) and spaCy when installed, which tripled ``validate``'s start-up.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:  # pragma: no cover
    from planengine.smart._lemma_table import SortedLines

__all__ = [
    "CLAUSE_BREAK",
    "NUMBER_WORDS",
    "UNIT_DAYS",
    "Token",
    "find",
    "is_base_verb",
    "is_number_token",
    "lemma",
    "lemmas",
    "lists",
    "number",
    "patterns",
    "phrase",
    "quote",
    "readings",
    "surface",
    "tokens_of",
]

#: Punctuation that ends a clause (and a negation's scope, an object's phrase).
CLAUSE_BREAK = frozenset({",", ";", ".", ":", "(", ")", "!", "?"})
_TOKEN = re.compile(
    r"\d+(?:[.,:/]\d+)*(?:\s?(?:%|am\b|pm\b|a\.m\.|p\.m\.))?|[A-Za-z]+(?:[-'’][A-Za-z0-9]+)*|[^\w\s]"
)
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
}  # fmt: skip
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365, "semester": 120,
              "term": 90, "weekend": 3, "hour": 0, "session": 7}  # fmt: skip
@functools.lru_cache(maxsize=1)
def patterns() -> Mapping[str, Any]:
    """The pattern lists (``data/statement-patterns.yaml``), read once."""
    from planengine._cache import shipped_data

    data: Mapping[str, Any] = shipped_data("data/statement-patterns.yaml")  # then cached
    return data


_UPOS = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV", "aux": "AUX"}


@functools.lru_cache(maxsize=1)
def _lemma_table() -> tuple[SortedLines, dict[str, dict[str, tuple[str, ...]]]]:
    """lemminflect's lookup lines (``word,category,lemma/lemma``), sorted for searching (from a
    cache file: :mod:`planengine.smart._lemma_table`), and its overrides."""
    from planengine.smart._lemma_table import sorted_lines

    spec = importlib.util.find_spec("lemminflect")
    folder = (spec.submodule_search_locations or [""])[0] if spec else ""
    lines = sorted_lines(os.path.join(folder, "resources", "lemma_lu.csv.gz"))
    overrides: dict[str, dict[str, tuple[str, ...]]] = {}
    with open(os.path.join(folder, "resources", "lemma_overrides.csv"), encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) == 3 and not line.startswith("#"):
                overrides.setdefault(parts[0], {})[parts[1].upper()] = tuple(parts[2].split("/"))
    return lines, overrides


@functools.lru_cache(maxsize=8192)
def readings(word: str) -> dict[str, tuple[str, ...]]:
    """The word's lemmas by part of speech, as ``lemminflect.getAllLemmas`` gives them
    (``{"NOUN": ("trigger",), "VERB": ("trigger",)}``); ``{}`` for a word not in the table."""
    lower = word.lower()
    lines, overrides = _lemma_table()
    key = lower + ","
    found: dict[str, tuple[str, ...]] = {}
    for line in lines.starting_with(key):
        _word, category, forms = line.split(",")
        found[_UPOS.get(category, category.upper())] = tuple(forms.split("/"))
    found.update(overrides.get(lower, {}))
    return found


@functools.lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The word's lemma: its verb reading first ("felt": feel), then its noun reading
    ("triggers": trigger); adjectives and adverbs stay as written ("better", "less")."""
    lower = word.lower()
    found = readings(lower)
    for pos in ("VERB", "NOUN"):
        if found.get(pos):
            return found[pos][0]
    return lower


@functools.lru_cache(maxsize=4096)
def is_base_verb(word: str) -> bool:
    """Whether ``word`` is a verb in its base form ("make", "speak"; not "places", "cooked")."""
    lower = word.lower()
    return lower in readings(lower).get("VERB", ())


def number(text: str) -> float | None:
    head = re.match(r"\d+(?:\.\d+)?", text.replace(",", ""))
    if head:
        return float(head.group(0))
    return float(NUMBER_WORDS[text]) if text in NUMBER_WORDS else None


@attrs.frozen
class Token:
    text: str
    lower: str
    lemma: str
    start: int
    end: int


class Tokens(list[Token]):
    """A statement's tokens, with their surface words and lemmas kept once read (the analyser's
    readings ask for them a score of times per statement; nobody changes them)."""

    surface_words: list[str] | None = None
    lemma_words: list[str] | None = None


def tokens_of(text: str) -> list[Token]:
    found = Tokens()
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        lower = raw.lower().replace("’", "'")
        if lower[:1].isdigit():
            lower = "".join(lower.split())  # "100 %" is "100%"
        word = lower if not lower[:1].isalpha() else lemma(lower)
        found.append(Token(raw, lower, word, match.start(), match.end()))
    return found


def phrase(words: str) -> tuple[str, ...]:
    return tuple(lemma(word) if word[:1].isalpha() else word for word in words.lower().split())


@functools.lru_cache(maxsize=1)
def lists() -> dict[str, Any]:
    """The pattern lists in the form the analyser matches (lemma tuples and sets)."""
    data = patterns()
    return {
        "vague": tuple(phrase(p) for p in data["vague_phrases"]["phrases"])
        + tuple((word,) for word in data["vague_phrases"]["comparatives"]),
        "comparatives": set(data["vague_phrases"]["comparatives"]),
        "change_verbs": tuple(phrase(p) for p in data["change_verbs"]["verbs"]),
        "change_verb_words": {phrase(p)[0] for p in data["change_verbs"]["verbs"] if " " not in p},
        "countable_events": set(data["change_verbs"]["countable_events"]),
        "abstract": {lemma(w) for w in data["change_verbs"]["abstract_nouns"]}
        | set(data["change_verbs"]["abstract_nouns"]),
        "linking": {lemma(w) for w in data["feelings"]["linking_verbs"]},
        "feelings": set(data["feelings"]["adjectives"]) | set(data["feelings"]["traits"]),
        "measure_nouns": {lemma(w) for w in data["change_verbs"]["measure_nouns"]},
        "clinician_verbs": {lemma(w) for w in data["clinician_actions"]["verbs"]},
        "negation": tuple(phrase(p) for p in data["negation"]["triggers"]),
        "window": int(data["negation"]["window"]),
        "terminators": set(data["negation"]["terminators"]),
        "comparators": tuple(phrase(p) for p in data["comparators"]["phrases"]),
        "purpose": tuple(phrase(p) for p in data["purpose_markers"]["markers"]),
        "pairs": {tuple(pair) for pair in data["one_routine_pairs"]["pairs"]},
        "absolute": tuple(phrase(p) for p in data["absolute_targets"]["phrases"]),
        "substances": {lemma(w) for w in data["absolute_targets"]["substance_words"]}
        | set(data["absolute_targets"]["substance_words"]),
        "harm": {lemma(w) for w in data["absolute_targets"]["harm_words"]}
        | set(data["absolute_targets"]["harm_words"]),
        "every_day": tuple(tuple(p.split()) for p in data["absolute_targets"]["every_day"]),
        "training": tuple(tuple(p.split()) for p in data["absolute_targets"]["training"]),
        "time_units": set(data["timeframes"]["units"]),
        "frequency": {lemma(w) for w in data["measures"]["frequency_words"]}
        | set(data["measures"]["frequency_words"]),
        "done": tuple(phrase(p) for p in data["measures"]["done_verbs"]),
        "instruments": set(data["measures"]["instruments"]),
        "counted_behaviours": {lemma(w) for w in data["change_verbs"]["counted_behaviours"]}
        | set(data["change_verbs"]["counted_behaviours"]),
        "negated_states": {lemma(w) for w in data["negation"]["negated_states"]}
        | set(data["negation"]["negated_states"]),
        "setup_verbs": set(data["one_routine_pairs"]["setup_verbs"]),
        "weekdays": set(data["timeframes"]["weekdays"]),
        "calendar": set(data["timeframes"]["calendar"]),
        "events": set(data["timeframes"]["events"]),
        "daily_domains": {lemma(w) for w in data["measures"]["daily_domains"]},
        "bands": set(data["measures"]["bands"]),
        "zero_triggers": set(data["negation"]["zero_triggers"]),
        "quit_verbs": {lemma(w) for w in data["negation"]["quit_verbs"]},
        "saying_verbs": {lemma(w) for w in data["measures"]["saying_verbs"]},
        "recurring_verbs": {lemma(w) for w in data["measures"]["recurring_verbs"]},
        "single_events": set(data["measures"]["single_events"]),
        "instrument_names": tuple(tuple(p.lower().split()) for p in data["measures"]["instrument_names"]),
        "frequency_adverbs": {lemma(w) for w in data["vague_phrases"]["frequency_adverbs"]}
        | set(data["vague_phrases"]["frequency_adverbs"]),
        "unobservable_verbs": {lemma(w) for w in data["change_verbs"]["unobservable_verbs"]},
    }


def at(words: Sequence[str], index: int, phrase: Sequence[str]) -> bool:
    """Whether ``phrase`` ("*" matching any word) occurs in ``words`` at ``index``."""
    if index + len(phrase) > len(words):
        return False
    return all(p == "*" or p == words[index + k] for k, p in enumerate(phrase))


#: Each phrase list's index by first word, keyed by the list's identity (the lists of :func:`lists`
#: live for the process; the list is kept with its index, so its identity is not reused).
_INDEXES: dict[int, tuple[Sequence[Sequence[str]], dict[str, list[tuple[str, ...]]]]] = {}


def _by_first_word(phrases: Sequence[Sequence[str]]) -> dict[str, list[tuple[str, ...]]]:
    """The phrases by their first word. Tuples (the pattern lists) are indexed once, by identity,
    rather than hashed on every call; a list written at the call is indexed each time."""
    known = _INDEXES.get(id(phrases))
    if known is not None and known[0] is phrases:
        return known[1]
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(tuple(phrase))
    if isinstance(phrases, tuple) and len(_INDEXES) < 256:
        _INDEXES[id(phrases)] = (phrases, index)
    return index


def find(
    words: Sequence[str],
    phrases: Sequence[Sequence[str]],
    start: int = 0,
    end: int | None = None,
) -> list[tuple[int, int]]:
    """``(start, end)`` token spans where any phrase occurs between ``start`` and ``end`` (phrases
    are looked up by their first word, so a statement is read once per list)."""
    stop = len(words) if end is None else end
    by_first = _by_first_word(phrases)
    spans = []
    for index in range(start, stop):
        for phrase in by_first.get(words[index], ()):
            if index + len(phrase) <= stop and at(words, index, phrase):
                spans.append((index, index + len(phrase)))
    return spans


def quote(text: str, tokens: Sequence[Token], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


def surface(tokens: Sequence[Token]) -> list[str]:
    """The tokens' words in lower case (kept on a whole statement's :class:`Tokens`)."""
    if isinstance(tokens, Tokens):
        if tokens.surface_words is None:
            tokens.surface_words = [token.lower for token in tokens]
        return tokens.surface_words
    return [token.lower for token in tokens]


def lemmas(tokens: Sequence[Token]) -> list[str]:
    """The tokens' lemmas (kept on a whole statement's :class:`Tokens`)."""
    if isinstance(tokens, Tokens):
        if tokens.lemma_words is None:
            tokens.lemma_words = [token.lemma for token in tokens]
        return tokens.lemma_words
    return [token.lemma for token in tokens]


def is_number_token(token: Token) -> bool:
    return token.lower[:1].isdigit() or (token.lower in NUMBER_WORDS and token.lower not in ("a", "an"))


