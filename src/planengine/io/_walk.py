"""The files a command reads from the paths it was given: files as given, folders walked for
goal files. ``validate`` and ``review`` walk paths the same way; this is apart from the SMART
checks (:mod:`planengine.smart._validate`, which re-exports :func:`iter_files`) so that
``review`` does not import them to find its files."""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["EXTENSIONS", "SKIP_DIRS", "iter_files", "path_list"]

EXTENSIONS = (".yaml", ".yml", ".json")
#: Folders never walked into (they are tooling, not goal files).
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"}
)


def path_list(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[str | os.PathLike[str]]:
    """``paths`` as a list: one ``str`` or :class:`os.PathLike` is one path (as Python's path
    functions take it), never a sequence of one-character paths (``"/"`` would be the root).

    :raises TypeError: for ``bytes`` or anything that is neither a path nor an iterable of them.
    """
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if isinstance(paths, (bytes, bytearray)) or not isinstance(paths, Iterable):
        raise TypeError(f"paths must be a path or a list of paths, not {type(paths).__name__}")
    return list(paths)


def iter_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """Files to check: explicit files as given, directories walked for ``*.yaml``/``*.yml``/
    ``*.json`` (sorted, hidden and tooling folders skipped). Duplicates are dropped. One
    ``str`` or :class:`os.PathLike` is one path (:func:`path_list`)."""
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in path_list(paths):
        path = os.fspath(raw)
        if os.path.isdir(path):
            # A folder that cannot be listed is reported as a file that cannot be read (E001),
            # never skipped: a CI job must not pass by not looking.
            for folder, dirs, files in os.walk(path, onerror=lambda error: add(error.filename)):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(EXTENSIONS):
                        joined = os.path.join(folder, name)
                        add(joined[2:] if joined.startswith("./") else joined)
        else:
            add(path)
    return found
