"""The words of a goal statement: tokens with their lemmas, numbers, and the pattern lists
(``data/statement-patterns.yaml``) in the form :mod:`planengine.smart._statement` matches them.

Lemmas come from lemminflect, imported on the first word read, so that a run with no statement rule
never loads it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import attrs
import yaml

__all__ = [
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
    "surface",
    "tokens_of",
]

_TOKEN = re.compile(
    r"\d+(?:[.,:/]\d+)*(?:\s?(?:%|am\b|pm\b|a\.m\.|p\.m\.))?|[A-Za-z]+(?:[-'’][A-Za-z0-9]+)*|[^\w\s]"
)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
}  # fmt: skip
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365, "semester": 120,
              "term": 90, "weekend": 3, "hour": 0, "session": 7}  # fmt: skip
@functools.lru_cache(maxsize=1)
def patterns() -> Mapping[str, Any]:
    """The pattern lists (``data/statement-patterns.yaml``), read once."""
    text = (resources.files("planengine") / "data" / "statement-patterns.yaml").read_text(
        encoding="utf-8"
    )
    data: Mapping[str, Any] = yaml.safe_load(text)
    return data


@functools.lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The word's lemma: its verb reading first ("felt": feel), then its noun reading
    ("triggers": trigger); adjectives and adverbs stay as written ("better", "less")."""
    from lemminflect import getAllLemmas

    lower = word.lower()
    readings = getAllLemmas(lower)
    for pos in ("VERB", "NOUN"):
        found = readings.get(pos)
        if found:
            return str(found[0])
    return lower


@functools.lru_cache(maxsize=4096)
def is_base_verb(word: str) -> bool:
    """Whether ``word`` is a verb in its base form ("make", "speak"; not "places", "cooked")."""
    from lemminflect import getAllLemmas

    lower = word.lower()
    return lower in getAllLemmas(lower).get("VERB", ())


def number(text: str) -> float | None:
    head = re.match(r"\d+(?:\.\d+)?", text.replace(",", ""))
    if head:
        return float(head.group(0))
    return float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else None


@attrs.frozen
class Token:
    text: str
    lower: str
    lemma: str
    start: int
    end: int


def tokens_of(text: str) -> list[Token]:
    found = []
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
        "vague": [phrase(p) for p in data["vague_phrases"]["phrases"]],
        "change_verbs": [phrase(p) for p in data["change_verbs"]["verbs"]],
        "abstract": {lemma(w) for w in data["change_verbs"]["abstract_nouns"]}
        | set(data["change_verbs"]["abstract_nouns"]),
        "linking": {lemma(w) for w in data["feelings"]["linking_verbs"]},
        "feelings": set(data["feelings"]["adjectives"]),
        "negation": [phrase(p) for p in data["negation"]["triggers"]],
        "window": int(data["negation"]["window"]),
        "terminators": set(data["negation"]["terminators"]),
        "comparators": [phrase(p) for p in data["comparators"]["phrases"]],
        "purpose": [phrase(p) for p in data["purpose_markers"]["markers"]],
        "pairs": {tuple(pair) for pair in data["one_routine_pairs"]["pairs"]},
        "absolute": [phrase(p) for p in data["absolute_targets"]["phrases"]],
        "substances": {lemma(w) for w in data["absolute_targets"]["substance_words"]}
        | set(data["absolute_targets"]["substance_words"]),
        "time_units": set(data["timeframes"]["units"]),
        "frequency": {lemma(w) for w in data["measures"]["frequency_words"]}
        | set(data["measures"]["frequency_words"]),
        "done": [phrase(p) for p in data["measures"]["done_verbs"]],
        "instruments": set(data["measures"]["instruments"]),
    }


def at(words: Sequence[str], index: int, phrase: Sequence[str]) -> bool:
    if index + len(phrase) > len(words):
        return False
    return all(p == "*" or p == words[index + k] for k, p in enumerate(phrase))


def find(words: Sequence[str], phrases: Sequence[Sequence[str]], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` token spans where any phrase occurs between ``start`` and ``end``."""
    stop = len(words) if end is None else end
    spans = []
    for index in range(start, stop):
        for phrase in phrases:
            if at(words, index, phrase) and index + len(phrase) <= stop:
                spans.append((index, index + len(phrase)))
    return spans


def quote(text: str, tokens: Sequence[Token], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


def surface(tokens: Sequence[Token]) -> list[str]:
    return [token.lower for token in tokens]


def lemmas(tokens: Sequence[Token]) -> list[str]:
    return [token.lemma for token in tokens]


def is_number_token(token: Token) -> bool:
    return token.lower[:1].isdigit() or (token.lower in _NUMBER_WORDS and token.lower not in ("a", "an"))


