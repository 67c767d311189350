"""planengine's pytest plugin (entry point ``pytest11``: loaded wherever planengine is installed).

Fixtures:

* ``planengine_engine_with``: :func:`planengine.testing.engine_with`, to build an engine with the
  plugin under test (``planengine_engine_with("grief")``) and without the built-ins;
* ``planengine_as_of``: the fixed planning date the kit's strategies use.

It imports nothing heavy, so a test run that does not use it pays nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["planengine_as_of", "planengine_engine_with"]


@pytest.fixture
def planengine_engine_with() -> Callable[..., Any]:
    """Build an engine with the given plugins only (see :func:`planengine.testing.engine_with`)."""
    from planengine.testing import engine_with

    return engine_with


@pytest.fixture
def planengine_as_of() -> dt.date:
    """The planning date of the kit's generated assessments (never the clock)."""
    return dt.date(2026, 11, 25)
