"""SMART rules, R (relevant): a goal linked to a problem, in the patient's words, in a known area,
and a statement about that area's problem (and the areas a goal may name)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from planengine.smart._model import GoalContext, Hit

__all__ = [
    "check_not_linked",
    "check_patient_words",
    "check_statement_off_area",
    "check_unknown_area",
    "known_areas",
    "served_areas",
]


def known_areas() -> frozenset[str]:
    """Area ids a goal may name: the vocabulary's problem areas (``vocabulary.yaml``, the one
    list), plus ``safety``."""
    from planengine._vocabulary import load_vocabulary

    return frozenset(load_vocabulary().areas) | {"safety"}


def check_not_linked(ctx: GoalContext) -> Iterator[Hit]:
    if not ctx.record.addresses:
        yield Hit(("addresses",) if "addresses" in ctx.record.written else ())


def check_patient_words(ctx: GoalContext) -> Iterator[Hit]:
    words = ctx.record.patient_words
    if not (words and words.strip()):
        yield Hit()


def check_unknown_area(ctx: GoalContext) -> Iterator[Hit]:
    area = ctx.record.area
    known = known_areas().union(getattr(ctx.settings, "plugin_areas", ()))
    if area is not None and area not in known:
        yield Hit(("area",), f"unknown area {area!r} (known: {', '.join(sorted(known))})")


@functools.lru_cache(maxsize=1)
def served_areas() -> Mapping[str, frozenset[str]]:
    """Area -> the other areas a goal filed under it may be about (``data/area-relevance.yaml``,
    each list with its reason), read once."""
    from planengine._cache import shipped_data

    data = shipped_data("data/area-relevance.yaml")["serves"]  # parsed once, then cached
    return {area: frozenset(entry["areas"]) for area, entry in data.items()}


@functools.lru_cache(maxsize=4096)
def _linked_areas(statement: str) -> tuple[str, ...]:
    """The areas a statement's words link to (cached: generated plans repeat their statements)."""
    from planengine._vocabulary import load_vocabulary

    return load_vocabulary().goal_words.areas(statement)


def check_statement_off_area(ctx: GoalContext) -> Iterator[Hit]:
    """R404: the statement's words link only to other areas, none of which serves the goal's
    area or is among its ``addresses``: another problem's goal, filed here."""
    area, statement = ctx.record.area, ctx.record.statement
    served = served_areas().get(area) if area is not None else None
    if area is None or served is None or statement is None:
        return  # safety, a plugin's area, or no statement: nothing to judge by
    linked = _linked_areas(statement)
    allowed = served | {area} | set(ctx.record.addresses or ())
    if not linked or allowed.intersection(linked):
        return
    named = " and ".join(linked)
    yield Hit(
        ("statement",),
        f"the statement's words are about {named}, not {area}: file the goal under {linked[0]}, "
        f"or say in the statement how it serves {area}",
    )
