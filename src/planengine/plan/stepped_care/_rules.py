"""The stepped-care rules as data (``data/stepped-care.yaml``), resolved against the instruments
in use: each severity level becomes a number from the instrument's own cut-offs or bands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from planengine.plan.stepped_care._defaults import default_limit, load_rules

__all__ = ["Gate", "Level", "SteppedCareRules", "default_limit", "load_rules", "lowest_total", "rule_id"]


def lowest_total(score: Any) -> int:
    """A score's total, or the lowest it can be when items are unanswered."""
    return int(score.total if score.total is not None else score.total_range[0])


def rule_id(rule: str) -> str:
    """``"R-SC8"`` -> ``"stepped-care.R-SC8"``: how plan elements name the rule."""
    return f"stepped-care.{rule}"


@attrs.frozen
class Level:
    """A severity level of one instrument: met when ``cutoffs`` (any) are met, or the total is at
    least ``value``; ``value`` is the level's lowest total, for the distance above it."""

    value: int
    cutoffs: tuple[str, ...] = ()
    #: each cut-off's own value (men's and women's AUDIT-C cut-offs differ)
    values: tuple[int, ...] = ()

    def met(self, score: Any) -> bool:
        """Whether ``score`` (a :class:`planengine.Score`) reaches this level."""
        if self.cutoffs:
            return any(c in score.cutoffs_met for c in self.cutoffs)
        return bool(lowest_total(score) >= self.value)

    def value_for(self, score: Any) -> int:
        """The level's value for this person: the cut-off met (their sex's), else the lowest."""
        met = [v for c, v in zip(self.cutoffs, self.values, strict=True) if c in score.cutoffs_met]
        return min(met) if met else self.value


@attrs.frozen
class Gate:
    """A step that must be done before others start (``gates`` in the data): the kinds of step
    of its own problem, and the steps (ids without the area prefix) of any problem, that wait."""

    categories: frozenset[str]
    steps: frozenset[str]
    #: when the steps behind it start, in words
    entry: str
    #: steps (ids without the area prefix) that wait only with one of the documented
    #: conditions -> (those conditions, when the step starts, in words)
    with_conditions: Mapping[str, tuple[frozenset[str], str]] = attrs.field(factory=dict)


@attrs.frozen
class Scale:
    """An instrument's caseness and "more severe" levels (R-SC1)."""

    name: str
    total_max: int
    caseness: Level
    more_severe: Level | None
    citations: tuple[str, ...]
    #: documented condition -> (the standing in words, why a course is recommended) where the
    #: "more severe" level's guidance excludes that condition (bipolar disorder: CG185, not NG222)
    with_conditions: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)


@attrs.frozen
class SteppedCareRules:
    """The rules, resolved for a set of instruments.

    :ivar scales: instrument id -> its levels.
    :ivar high_intensity_from: area -> (``"more_severe"``, ``"caseness"`` or ``"clinician"``,
        rule id, citations).
    :ivar alongside: area -> (areas it may run alongside, or ``all``; rule id; why, in words).
    :ivar area_order: the order among otherwise equal problems.
    """

    scales: Mapping[str, Scale]
    high_intensity_from: Mapping[str, tuple[str, str, tuple[str, ...]]]
    alongside: Mapping[str, tuple[frozenset[str], str, str]]
    area_order: Mapping[str, int]
    references: Mapping[str, str]
    #: instrument id -> its name, for every instrument in use
    names: Mapping[str, str]
    #: instrument id -> the area it measures, for every instrument in use
    areas: Mapping[str, str] = attrs.field(factory=dict)
    #: instrument id -> its recall window in days, for every instrument that states one
    recall_days: Mapping[str, int] = attrs.field(factory=dict)
    #: area -> the areas beside whose primary course its own course takes the extra place
    #: (``course_with``; by default the areas it runs alongside)
    course_alongside: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    #: areas whose course waits when the primary problem's own care is a high-intensity course
    #: (``course_beside_a_course: false``): the extra place is beside low-intensity care only
    waits_beside_a_course: frozenset[str] = frozenset()
    #: gate step id (without the area prefix) -> what waits behind it
    gates: Mapping[str, Gate] = attrs.field(factory=dict)
    #: step id (without the area prefix) -> (the course step that delivers it, why in words):
    #: the step is left out while that course is in the plan (``delivered_by``)
    delivered_by: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)
    #: course step id (without the area prefix) -> (its measure, the change looked for, in
    #: words): when it queues behind another course (R-SC14) it is checked at the step-up
    #: review on that measure (``queue_review``)
    queue_review: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)

    @classmethod
    def for_instruments(cls, instruments: Mapping[str, Any]) -> SteppedCareRules:
        """Resolve the data's levels against ``instruments`` (an instrument not in use is skipped).

        :raises ValueError: when the data names a cut-off or band the instrument does not have.
        """
        data = load_rules()
        scales: dict[str, Scale] = {}
        for instrument_id, entry in data["severity"].items():
            instrument = instruments.get(instrument_id)
            if instrument is None:
                continue
            more = entry.get("more_severe")
            scales[instrument_id] = Scale(
                name=instrument.name,
                total_max=instrument.total_max,
                caseness=_level(instrument, entry["caseness"]),
                more_severe=None if more is None else _level(instrument, more),
                citations=tuple(entry["citations"]),
                with_conditions={
                    condition: (words["where"], words["course"])
                    for condition, words in entry.get("with_conditions", {}).items()
                },
            )
        return cls(
            scales=scales,
            high_intensity_from={
                area: (entry["at"], rule_id(entry["rule"]), tuple(entry["citations"]))
                for area, entry in data["high_intensity_from"].items()
            },
            alongside={
                area: (frozenset(entry["with"]), rule_id(entry["rule"]), entry["reason"])
                for area, entry in data["alongside"].items()
            },
            area_order={area: index for index, area in enumerate(data["area_order"])},
            course_alongside={
                area: frozenset(entry.get("course_with", entry["with"]))
                for area, entry in data["alongside"].items()
            },
            waits_beside_a_course=frozenset(
                area for area, entry in data["alongside"].items()
                if not entry.get("course_beside_a_course", True)
            ),
            gates={
                step: Gate(frozenset(entry.get("categories", ())),
                           frozenset(entry.get("steps", ())), entry["entry"],
                           {name: (frozenset(held["conditions"]), held["entry"])
                            for name, held in entry.get("with_conditions", {}).items()})
                for step, entry in data.get("gates", {}).items()
            },
            delivered_by={
                step: (entry["course"], entry["reason"])
                for step, entry in data.get("delivered_by", {}).items()
            },
            queue_review={
                step: (entry["measure"], entry["change"])
                for step, entry in data.get("queue_review", {}).items()
            },
            references=dict(data["references"]),
            names={key: value.name for key, value in instruments.items()},
            areas={key: value.area for key, value in instruments.items()},
            recall_days={
                key: value.recall_window_days
                for key, value in instruments.items()
                if value.recall_window_days
            },
        )


def _level(instrument: Any, entry: Mapping[str, Any]) -> Level:
    """A level from ``{cutoff: id}``, ``{cutoffs: [ids]}`` or ``{band: label}``."""
    if "band" in entry:
        for band in instrument.bands:
            if band.label == entry["band"]:
                return Level(band.min)
        raise ValueError(f"stepped-care.yaml: {instrument.id} has no band {entry['band']!r}")
    ids = tuple(entry["cutoffs"]) if "cutoffs" in entry else (entry["cutoff"],)
    try:
        values = [instrument.cutoff(cutoff_id).value for cutoff_id in ids]
    except (KeyError, LookupError) as error:
        raise ValueError(f"stepped-care.yaml: {instrument.id}: {error}") from None
    return Level(min(values), ids, tuple(values))
