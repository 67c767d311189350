"""The documented vocabularies: problem-area ids, condition ids and patient-goal keywords.

The data lives in ``planengine/data/vocabulary.yaml`` so a clinician can read and extend it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import attrs
import yaml

__all__ = ["Vocabulary", "load_vocabulary"]


@attrs.frozen
class Vocabulary:
    """Area and condition ids with their titles, and keywords that link patient goals to areas."""

    areas: Mapping[str, Mapping[str, str]]
    conditions: Mapping[str, Mapping[str, str]]
    goal_keywords: Mapping[str, tuple[str, ...]]
    _patterns: tuple[tuple[str, re.Pattern[str]], ...]

    def area_title(self, area: str) -> str:
        """Human title of an area (the id itself when unknown, e.g. ``safety``)."""
        if area == "safety":
            return "Safety"
        entry = self.areas.get(area)
        return entry["title"] if entry else area

    def areas_for_goal(self, text: str) -> tuple[str, ...]:
        """Areas whose keywords occur in a patient's goal, in vocabulary order."""
        lowered = text.lower()
        return tuple(area for area, pattern in self._patterns if pattern.search(lowered))


def _keyword_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Load the built-in vocabulary (cached; the result is immutable)."""
    text = (resources.files("planengine") / "data" / "vocabulary.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    keywords = {area: tuple(words) for area, words in data["patient_goal_keywords"].items()}
    return Vocabulary(
        areas=dict(data["areas"]),
        conditions=dict(data["conditions"]),
        goal_keywords=keywords,
        patterns=tuple((area, _keyword_pattern(words)) for area, words in keywords.items()),
    )
