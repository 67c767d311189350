"""The ``planengine`` entry points of the installed distributions, read through
``importlib.metadata`` once for each state of the installed packages and kept in the cache.

Importing ``importlib.metadata`` (with the e-mail, zip and CSV modules it needs) and scanning
every distribution's metadata cost a one-file command about 40 ms of CPU on this project's
machine, on every start, for an answer that changes only when a package is installed, removed or
upgraded. So the answer is kept (:func:`planengine._cache.checked_data`) under a key made of
what decides it, read with a few ``stat`` calls and folder listings:

* every ``sys.path`` folder that holds distributions, in order (a folder with none adds
  nothing until one is installed there), and every zip file on it; for each folder, the names
  of the ``*.dist-info`` and ``*.egg-info`` entries in it (installing, removing or upgrading a distribution changes them),
  and for each of those the size and modification time of the entry and of its
  ``entry_points.txt`` (a file edited in place, a reinstall of the same version);
* planengine's version and the Python version (part of every cache key).

When another import hook on ``sys.meta_path`` can find distributions (``find_distributions``:
a zip application, a custom installer), what it finds is not covered by that key, so the
entry points are read through ``importlib.metadata`` every time, as before. With the cache off
(``PLANENGINE_NO_CACHE=1``) they are read every time too.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing ``typing`` on start-up
if TYPE_CHECKING:
    from typing import Any

__all__ = ["InstalledEntryPoint", "installed_entry_points", "load_entry_point"]

#: what is kept of an entry point: ``(name, value, distribution name, distribution version)``
#: (the names ``None`` when the entry point has no distribution)
InstalledEntryPoint = tuple[str, str, str | None, str | None]


def _state_of_installs() -> bytes | None:
    """What decides the installed distributions' entry points (above), as bytes; ``None`` when
    an import hook other than Python's path finder can find distributions."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return None
    parts: list[str] = []
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except OSError:
            try:  # a zip file on sys.path (nothing there adds nothing)
                status = os.stat(folder)
                parts.append(f"\0{entry} {status.st_size} {status.st_mtime_ns}")
            except OSError:
                pass
            continue
        # a folder with no distribution in it adds nothing (the working directory that
        # ``python -m`` puts first would otherwise make a new key in every folder)
        found = sorted(name for name in names if name.lower().endswith((".dist-info", ".egg-info")))
        if found:
            parts.append(f"\0{os.path.abspath(folder)}")
        for name in found:
            parts.append(name)
            path = os.path.join(folder, name)
            for item in (path, os.path.join(path, "entry_points.txt")):
                try:
                    status = os.stat(item)
                    parts.append(f"{status.st_size} {status.st_mtime_ns}")
                except OSError:
                    parts.append("-")
    return "\n".join(parts).encode("utf-8", "surrogateescape")


def _read_entry_points(group: str) -> list[list[Any]]:
    """The entry points of ``group`` as ``importlib.metadata`` finds them, sorted by name."""
    from importlib.metadata import entry_points

    found: list[list[Any]] = []
    named: dict[int, tuple[Any, Any]] = {}  # a distribution's metadata is parsed on each read
    for entry_point in sorted(entry_points(group=group), key=lambda ep: ep.name):
        dist = getattr(entry_point, "dist", None)
        if dist is None:
            dist_name = dist_version = None
        elif id(dist) in named:
            dist_name, dist_version = named[id(dist)]
        else:
            metadata = dist.metadata
            dist_name, dist_version = named[id(dist)] = (metadata["Name"], metadata["Version"])
        found.append([entry_point.name, entry_point.value, dist_name, dist_version])
    return found


def installed_entry_points(group: str) -> tuple[InstalledEntryPoint, ...]:
    """The entry points of ``group`` (``(name, value, distribution name, version)``, sorted by
    name), from the cache while no distribution was installed, removed or changed."""
    from planengine._cache import cache_enabled, checked_data

    state = _state_of_installs() if cache_enabled() else None
    if state is None:
        found = _read_entry_points(group)
    else:
        found = checked_data(
            f"entry-points {group}", state, lambda _state: _read_entry_points(group)
        )
    return tuple(tuple(item) for item in found)


def load_entry_point(value: str) -> Any:
    """The object an entry point's value names (``module`` or ``module:attribute.path``, with an
    optional ``[extras]`` after it), as ``importlib.metadata.EntryPoint.load`` finds it."""
    import importlib

    target = value.split("[", 1)[0].strip()
    module_name, _, attribute = target.partition(":")
    found = importlib.import_module(module_name.strip())
    for name in attribute.strip().split("."):
        if name:
            found = getattr(found, name)
    return found
