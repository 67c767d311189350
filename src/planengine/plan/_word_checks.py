"""The patient's own words against a screen's answer: a goal such as "Stop drinking every night"
beside an AUDIT-C item 1 of "2-4 times a month" is named for the clinician to re-ask before any
brief intervention (read 8, N4). The words, the answers and what each word implies are data
(``data/word-screen-checks.yaml``); a goal must name the topic (drinking) to be read at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import attrs

from planengine._model import Notice

__all__ = ["CODE", "ScreenWords", "WordCheck", "load_word_checks", "word_screen_conflicts"]

CODE = "plan.words-contradict-screen"


@attrs.frozen
class _Implication:
    pattern: re.Pattern[str]
    means: str
    at_least: int


@attrs.frozen
class WordCheck:
    """One check: an instrument's item, the topic a goal must name, the answers in words, and
    the frequency words with the lowest answer each implies."""

    instrument: str
    item: int
    citation: str
    topic: re.Pattern[str]
    answers: Mapping[int, str]
    implies: tuple[_Implication, ...]
    re_ask: str

    def conflict(self, goal: str, answer: int) -> str | None:
        """What the words imply against ``answer``, when they imply more; else ``None``."""
        if not self.topic.search(goal):
            return None
        for implication in self.implies:
            if implication.pattern.search(goal) and answer < implication.at_least:
                return implication.means
        return None

    def implied(self, goal: str) -> int | None:
        """The lowest answer the words of ``goal`` imply (``"every night"`` in a goal about
        drinking: 4), or ``None`` when they imply none."""
        if not self.topic.search(goal):
            return None
        found = [i.at_least for i in self.implies if i.pattern.search(goal)]
        return max(found) if found else None


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole words or phrases, case-insensitive; a trailing ``*`` matches any ending."""
    parts = []
    for word in words:
        body = r"\s+".join(re.escape(piece) for piece in word.rstrip("*").split())
        parts.append(rf"\b{body}" + (r"\w*" if word.endswith("*") else r"\b"))
    return re.compile("|".join(parts), re.IGNORECASE)


@lru_cache(maxsize=1)
def load_word_checks() -> tuple[WordCheck, ...]:
    """The shipped checks (cached)."""
    from planengine._cache import shipped_data

    data: dict[str, Any] = shipped_data("data/word-screen-checks.yaml")  # then cached
    return tuple(
        WordCheck(
            instrument=check["instrument"],
            item=int(check["item"]),
            citation=check["citation"],
            topic=_pattern(check["topic"]),
            answers={int(k): str(v) for k, v in check["answers"].items()},
            implies=tuple(
                _Implication(_pattern(i["words"]), i["means"], int(i["at_least"]))
                for i in check["implies"]
            ),
            re_ask=check["re_ask"],
        )
        for check in data["checks"]
    )


def word_screen_conflicts(
    goals: Iterable[str],
    latest: Mapping[str, Any],
    instrument_names: Mapping[str, str],
    checks: Iterable[WordCheck] | None = None,
) -> list[Notice]:
    """A notice for each of the patient's goals whose frequency words imply more than the latest
    answer to a checked item says (an unanswered item is not compared).

    :param latest: instrument id -> its latest score (``raw_answers`` per item).
    :param instrument_names: instrument id -> its display name.
    """
    notices = []
    for check in load_word_checks() if checks is None else checks:
        score = latest.get(check.instrument)
        if score is None or len(score.raw_answers) < check.item:
            continue
        answer = score.raw_answers[check.item - 1]
        if answer is None:
            continue
        name = instrument_names.get(check.instrument, check.instrument)
        for goal in goals:
            means = check.conflict(goal, answer)
            if means is None:
                continue
            said = check.answers.get(answer, str(answer))
            notices.append(
                Notice(
                    CODE,
                    f"The patient's words “{' '.join(goal.split())}” suggest {means}; {name} "
                    f"item {check.item} says {said} (answer {answer}). {check.re_ask}",
                )
            )
    return notices


class ScreenWords:
    """The shipped checks, read once (when the engine is built), with the instruments' names."""

    def __init__(self, instrument_names: Mapping[str, str]) -> None:
        self._names = dict(instrument_names)
        self._checks = load_word_checks()

    def notices(self, goals: Iterable[str], latest: Mapping[str, Any]) -> list[Notice]:
        """The patient's goals against the latest scores (see :func:`word_screen_conflicts`)."""
        return word_screen_conflicts(goals, latest, self._names, self._checks)
