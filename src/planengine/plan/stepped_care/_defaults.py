"""The shipped stepped-care rules (``data/stepped-care.yaml``) as read, and the planning limits'
defaults in them: on its own, so that building the planning settings (which every command's one
configuration does) does not build the rules' records (:mod:`._rules`)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["default_limit", "load_rules"]


@lru_cache(maxsize=1)
def load_rules() -> Mapping[str, Any]:
    """The shipped ``stepped-care.yaml`` (cached; treat as read-only)."""
    from planengine._cache import shipped_data

    data: dict[str, Any] = shipped_data("data/stepped-care.yaml")  # parsed once, then cached
    return data


def default_limit(name: str) -> int:
    """The shipped default of a planning limit (``max_courses_now``, ...)."""
    return int(load_rules()["defaults"][name]["value"])
