"""The documented vocabularies: problem-area ids, condition ids, the words that link a patient's
goals to areas, and risk language.

The data lives in ``planengine/data/vocabulary.yaml`` so a clinician can read and extend it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import attrs

from planengine.plan._goal_words import GoalWords
from planengine.plan._risk_language import RiskLanguage

__all__ = ["Vocabulary", "check_condition_areas", "load_vocabulary"]


@attrs.frozen
class Vocabulary:
    """Area and condition ids with their titles, the words that link patient goals to areas,
    and the risk language that opens a flag wherever it appears in free text."""

    areas: Mapping[str, Mapping[str, str]]
    conditions: Mapping[str, Mapping[str, str]]
    goal_words: GoalWords
    risk_language: RiskLanguage
    #: the idioms the goal words were built with (a plugin's words are added to the same list)
    goal_idioms: tuple[str, ...] = ()
    #: area -> the area that takes its patient goals when that one is already in the plan
    #: (a well-being goal beside a measured depression is the depression plan's)
    goal_folds: Mapping[str, str] = attrs.field(factory=dict)
    #: area or condition id -> where it comes from (``built-in`` or ``plugin:NAME``)
    sources: Mapping[str, str] = attrs.field(factory=dict)
    #: :meth:`safety_notes`, worked out once (every plan asks; a plugin's ids make a new
    #: vocabulary with ``attrs.evolve``, which works it out again)
    _safety_notes: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        notes = {
            key: entry["safety_note"]
            for key, entry in (*self.areas.items(), *self.conditions.items())
            if entry.get("safety") == "ask-about-risk"
        }
        object.__setattr__(self, "_safety_notes", MappingProxyType(notes))

    def source_of(self, item: str) -> str:
        """Where an area or condition id comes from: ``built-in`` or ``plugin:NAME``."""
        return self.sources.get(item, "built-in")

    def safety_notes(self) -> Mapping[str, str]:
        """Area or condition id -> the safety note a plan shows when it is planned or documented
        (only registered ids that declared ``safety: ask-about-risk``); read-only."""
        return self._safety_notes

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
        """Areas a patient's goal links to by its words ("waking at 3am" -> sleep), in vocabulary
        order (see :mod:`planengine.plan._goal_words`)."""
        return self.goal_words.areas(text)


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


def _check_vocabulary_data(data: Mapping[str, Any]) -> None:
    """The shipped vocabulary's own rules (checked when its cache entry is made)."""
    check_condition_areas(data)
    if set(data["patient_goal_words"]) != set(data["areas"]):
        raise ValueError("vocabulary patient_goal_words must list words for every area, and only those")


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Load the built-in vocabulary (cached; the result is immutable). The file is read, checked
    and its risk language and goal words compiled once; later starts read the compiled form
    from the cache (:mod:`planengine._cache`) while the file is unchanged."""
    from planengine._cache import checked_data, read_package_file

    name = "data/vocabulary.yaml"
    data, risk_fields, goal_fields = checked_data(
        f"vocabulary {name}", read_package_file(name), _compiled_vocabulary
    )
    return Vocabulary(
        areas=dict(data["areas"]),
        conditions=dict(data["conditions"]),
        goal_words=GoalWords(*goal_fields),
        risk_language=RiskLanguage(*risk_fields),
        goal_idioms=tuple(data["patient_goal_idioms"]),
        goal_folds=dict(data.get("patient_goal_folds") or {}),
    )


def _compiled_vocabulary(content: bytes) -> tuple[dict[str, Any], tuple[Any, ...], tuple[Any, ...]]:
    """The vocabulary file parsed and checked, its risk language and goal words compiled: the
    tables :class:`Vocabulary` keeps, and the fields of the two compiled objects (plain data, in
    the order their classes take them)."""
    import yaml

    data: dict[str, Any] = yaml.load(
        content.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    _check_vocabulary_data(data)
    risk_language = RiskLanguage.from_data(data["risk_language"])
    # goals are read as the risk screen reads text: the same look-alike letters
    goal_words = GoalWords.from_data(
        data["patient_goal_words"], data["patient_goal_idioms"], risk_language.look_alikes
    )
    kept = ("areas", "conditions", "patient_goal_idioms", "patient_goal_folds")
    return (
        {key: data[key] for key in kept if key in data},
        _init_fields(risk_language),
        _init_fields(goal_words),
    )


def _init_fields(value: Any) -> tuple[Any, ...]:
    """The values an attrs object was made from, in its class's order (``cls(*fields)`` makes
    it again)."""
    return tuple(getattr(value, field.name) for field in attrs.fields(type(value)) if field.init)
