"""SMART rules, R (relevant): a goal linked to a problem, in the patient's words, in a known area
(and the areas a goal may name)."""

from __future__ import annotations

from collections.abc import Iterator

from planengine.smart._model import GoalContext, Hit

__all__ = ["check_not_linked", "check_patient_words", "check_unknown_area", "known_areas"]


def known_areas() -> frozenset[str]:
    """Area ids a goal may name: the vocabulary's problem areas (``vocabulary.yaml``, the one
    list), plus ``safety``."""
    from planengine._vocabulary import load_vocabulary

    return frozenset(load_vocabulary().areas) | {"safety"}


def check_not_linked(ctx: GoalContext) -> Iterator[Hit]:
    addresses = ctx.goal.get("addresses")
    if not addresses:
        yield Hit(("addresses",) if "addresses" in ctx.goal else ())


def check_patient_words(ctx: GoalContext) -> Iterator[Hit]:
    words = ctx.goal.get("patient_words")
    if not (isinstance(words, str) and words.strip()):
        yield Hit()


def check_unknown_area(ctx: GoalContext) -> Iterator[Hit]:
    area = ctx.goal.get("area")
    known = known_areas().union(getattr(ctx.settings, "plugin_areas", ()))
    if isinstance(area, str) and area not in known:
        yield Hit(("area",), f"unknown area {area!r} (known: {', '.join(sorted(known))})")
