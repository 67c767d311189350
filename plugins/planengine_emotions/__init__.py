"""Built-in strategy: emotional awareness (emotion diary, trigger recognition, regulation skills).

The content lives in ``strategy.yaml`` beside this file; this module only registers it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import planengine

__version__ = "1.0.0"


@planengine.hookimpl
def register_strategies(register: Callable[[Any], None]) -> None:
    """Register the emotions strategy."""
    path = resources.files(__name__) / "strategy.yaml"
    register(planengine.DataStrategy.from_file(str(path)))
