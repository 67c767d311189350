"""The review's rules as data (``data/review.yaml``), resolved against the instruments.

The file names cut-offs by id; the numbers stay in the instrument files (one home, one citation).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from planengine.instruments._instrument import Instrument
from planengine.instruments._parts import Cutoff

__all__ = ["caseness_cutoff", "depression_cutoffs", "load_review_rules", "mood_elevation_areas"]


@lru_cache(maxsize=1)
def load_review_rules() -> Mapping[str, Any]:
    """The shipped ``review.yaml`` (cached; treat as read-only)."""
    from planengine._cache import shipped_data

    data: dict[str, Any] = shipped_data("data/review.yaml")  # parsed once, then cached
    return data


def _cutoff(instrument: Instrument, cutoff_id: str) -> Cutoff | None:
    """The instrument's cut-off of that id; ``None`` when overrides or a plugin's instrument of the
    same id lack it (the rule then does not apply, rather than failing the review)."""
    return next((c for c in instrument.cutoffs if c.id == cutoff_id), None)


def caseness_cutoff(instrument: Instrument) -> Cutoff | None:
    """The instrument's caseness cut-off (NHS Talking Therapies, [DN-change-measures]), if it has one."""
    entry = load_review_rules()["caseness"].get(instrument.id)
    return None if entry is None else _cutoff(instrument, entry["cutoff"])


def depression_cutoffs(instrument: Instrument) -> tuple[Cutoff, ...]:
    """Cut-offs whose being met prompts an assessment for depression, most severe first."""
    entries = load_review_rules()["assess-for-depression"].get(instrument.id, ())
    found = (_cutoff(instrument, entry["cutoff"]) for entry in entries)
    return tuple(c for c in found if c is not None)


def mood_elevation_areas() -> frozenset[str]:
    """Areas where a fast large improvement prompts a check for (hypo)mania (CG185 [S12])."""
    return frozenset(load_review_rules()["mood-elevation-check"]["areas"])
