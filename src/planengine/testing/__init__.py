"""planengine's kit for plugin authors (and for planengine's own tests).

* :func:`engine_with`: an engine with one plugin and, by default, without the built-in strategies;
* :func:`assert_conformant` / :func:`check_plugin`: the conformance check (schema, SMART rules,
  determinism, no I/O, contraindications, safety, version and citations), one line in a test;
* :mod:`planengine.testing.strategies`: hypothesis strategies for assessments, contexts, goal
  files and progress series;
* a pytest plugin (registered through the ``pytest11`` entry point, so installing planengine is
  enough) with the fixtures ``planengine_engine_with`` and ``planengine_as_of``.

The strategies and the check need hypothesis: ``pip install 'planengine[testing]'``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from planengine.testing._conformance import (
    ConformanceError,
    ConformanceReport,
    assert_conformant,
    check_plugin,
)
from planengine.testing._watch import Breach

__all__ = [
    "Breach",
    "ConformanceError",
    "ConformanceReport",
    "assert_conformant",
    "check_plugin",
    "engine_with",
]


def engine_with(
    *plugins: Any, builtins: bool = False, strict: bool = True, **options: Any
) -> Any:
    """An :class:`planengine.Engine` with these plugins only.

    :param plugins: plugin objects, or entry-point names of installed plugins (``"grief"``).
    :param builtins: also load the built-in strategies (so the plugin meets them, as in a clinic).
    :param strict: a failing plugin raises :class:`planengine.PluginError` (the default here: a
        test should hear of it).
    :param options: passed on to :class:`planengine.Engine` (``config=...``).
    """
    from importlib.metadata import entry_points

    from planengine.plan._engine import Engine

    names = {p for p in plugins if isinstance(p, str)}
    objects = [p for p in plugins if not isinstance(p, str)]
    allow: Collection[str] | None = None
    if not builtins:
        allow = names
    elif names:
        installed = {ep.name for ep in entry_points(group="planengine")}
        missing = sorted(names - installed)
        if missing:
            raise LookupError(f"no installed planengine plugin is called {missing[0]!r}")
    return Engine(
        plugins=objects,
        autoload=bool(names) or builtins,
        allow=allow,
        strict=strict,
        **options,
    )
