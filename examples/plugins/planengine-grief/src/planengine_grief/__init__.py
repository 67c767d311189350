"""planengine-grief: an example third-party planengine plugin that adds a new area, grief.

Two hooks, both plain Python: ``register_vocabulary`` adds the area (with the patient's words
that link a goal to it, and its safety relevance), and ``register_strategies`` registers the
strategy file that holds the content (objectives, steps, citations) as data.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import planengine

__version__ = "0.1.0"
PLUGIN_NAME = "grief"


@planengine.hookimpl
def register_vocabulary(register: Callable[[Any], None]) -> None:
    """The grief area: bereavement raises the risk of suicide, so the plan asks about it."""
    register(
        planengine.Area(
            id="grief",
            title="Grief",
            summary="Grief after the death of someone close, including prolonged grief.",
            safety="ask-about-risk",
            safety_note=(
                "Bereavement raises the risk of suicide; ask about thoughts of joining the "
                "person who died or of ending one's life."
            ),
            keywords=("grief", "griev*", "bereave*", "mourn*", "passed away"),
        )
    )


@planengine.hookimpl
def register_strategies(register: Callable[[Any], None]) -> None:
    """The grief strategy, kept as data next to this module."""
    path = resources.files(__name__) / "strategy.yaml"
    register(planengine.DataStrategy.from_file(str(path), source="planengine-grief"))
