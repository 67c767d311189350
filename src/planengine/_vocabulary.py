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

from planengine.plan._risk_language import RiskLanguage

__all__ = ["Vocabulary", "check_condition_areas", "load_vocabulary"]


@attrs.frozen
class Vocabulary:
    """Area and condition ids with their titles, keywords that link patient goals to areas, and
    the risk language that opens a flag wherever it appears in free text."""

    areas: Mapping[str, Mapping[str, str]]
    conditions: Mapping[str, Mapping[str, str]]
    goal_keywords: Mapping[str, tuple[str, ...]]
    risk_language: RiskLanguage
    _pattern: re.Pattern[str]
    _area_of_keyword: Mapping[str, str]

    def area_title(self, area: str) -> str:
        """Human title of an area (the id itself when unknown, e.g. ``safety``)."""
        if area == "safety":
            return "Safety"
        entry = self.areas.get(area)
        return entry["title"] if entry else area

    def condition_areas(self) -> dict[str, tuple[str, str]]:
        """Condition id -> (area, summary) for the conditions that bring an area into the plan
        when documented (intimate-partner violence: relationships, with its safety assessment)."""
        return {
            condition: (entry["area"], entry["summary"])
            for condition, entry in self.conditions.items()
            if entry.get("area")
        }

    def areas_for_goal(self, text: str) -> tuple[str, ...]:
        """Areas whose keywords start a word of a patient's goal ("sleeping" -> sleep), in vocabulary order."""
        found = {self._area_of_keyword[m] for m in self._pattern.findall(text.lower())}
        return tuple(area for area in self.goal_keywords if area in found)


def _keyword_pattern(keywords: Mapping[str, tuple[str, ...]]) -> re.Pattern[str]:
    """One pattern for every keyword at a word start, longest first, so a text is scanned once."""
    words = sorted({w.lower() for ws in keywords.values() for w in ws}, key=lambda w: (-len(w), w))
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")")


def check_condition_areas(data: Mapping[str, Any]) -> None:
    """A condition that brings an area into the plan names a known area and says why.

    :raises ValueError: naming the condition.
    """
    for condition, entry in data["conditions"].items():
        if entry.get("area") is not None and (
            entry["area"] not in data["areas"] or not entry.get("summary")
        ):
            raise ValueError(
                f"vocabulary condition {condition!r}: area {entry['area']!r} must be a known area, "
                "with a summary"
            )


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Load the built-in vocabulary (cached; the result is immutable)."""
    text = (resources.files("planengine") / "data" / "vocabulary.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    keywords = {area: tuple(words) for area, words in data["patient_goal_keywords"].items()}
    area_of: dict[str, str] = {}
    for area, words in keywords.items():
        for word in words:
            # A keyword listed under two areas would be ambiguous; the data must not do that.
            if area_of.setdefault(word.lower(), area) != area:
                raise ValueError(f"vocabulary keyword {word!r} is listed under two areas")
    check_condition_areas(data)
    return Vocabulary(
        areas=dict(data["areas"]),
        conditions=dict(data["conditions"]),
        goal_keywords=keywords,
        risk_language=RiskLanguage.from_data(data["risk_language"]),
        pattern=_keyword_pattern(keywords),
        area_of_keyword=area_of,
    )
