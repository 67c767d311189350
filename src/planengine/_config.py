"""One configuration for every command: :func:`load_config` reads the file once and returns the
planning, linting and review settings together (:class:`Config`).

The file is found by one rule (:mod:`planengine.io._config_file`): the nearest
``planengine.toml`` or ``pyproject.toml`` with ``[tool.planengine]``, upwards from the first path
given, else from the working directory.
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from planengine.io._config_file import read_config_table
from planengine.io._plan_config import document_settings_from_mapping, engine_config_from_mapping
from planengine.plan._settings import EngineConfig
from planengine.render._words import DocumentSettings
from planengine.review._config import ReviewConfig, review_config_from_mapping
from planengine.smart._config import SmartConfig, config_from_mapping

__all__ = ["Config", "config_near", "load_config"]


@attrs.frozen
class Config:
    """Everything one configuration file sets.

    :ivar file: the file read (``None``: none was found; every setting is its default).
    :ivar plan: the planning settings (``[tool.planengine.plan]``), for :class:`planengine.Engine`.
    :ivar lint: the SMART rules' settings (the top-level keys), for ``validate`` and
        :func:`planengine.check_goals`.
    :ivar review: the review's settings (``[tool.planengine.review]``, and the crisis resources
        of ``[...plan]``), for :func:`planengine.review_goals`.
    """

    file: str | None
    plan: EngineConfig
    lint: SmartConfig
    review: ReviewConfig
    #: the ``[tool.planengine]``-shaped table as read (for settings a command reads itself)
    table: Any = attrs.field(repr=False, eq=False)
    #: the plan documents' settings (``[tool.planengine.documents]``): scores on the patient's
    #: copy, conditions never named there
    documents: DocumentSettings = attrs.field(factory=DocumentSettings)


def load_config(
    path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None
) -> Config:
    """Read the configuration from ``path``, or from the nearest configuration file found
    upwards from ``start`` (a file or folder; default the working directory).

    :raises planengine.ConfigError: naming the file and the key, for unreadable files, invalid
        TOML, unknown keys or bad values.
    """
    table, where = read_config_table(path, start=start)
    found = None if where == "configuration" and not table else where
    root = None if found is None else os.path.dirname(found) or "."
    return Config(
        file=found,
        plan=engine_config_from_mapping(table, where=where),
        lint=config_from_mapping(table, where=where, root=root),
        review=review_config_from_mapping(table, where=where),
        documents=document_settings_from_mapping(table, where=where),
        table=table,
    )


#: (folder, the state of every config file that could decide) -> the configuration read
_NEAR: dict[tuple[str, tuple[tuple[int, int, int] | None, ...]], Config] = {}


def config_near(start: str | os.PathLike[str] | None = None) -> Config:
    """:func:`load_config` from ``start``, remembered while the files the search reads are
    unchanged (each ``planengine.toml`` and ``pyproject.toml`` from ``start`` upwards, by
    modification time, size and inode), so the library's defaults cost a few ``stat`` calls a
    call, not a TOML parse.

    :raises planengine.ConfigError: as :func:`load_config`.
    """
    written = os.path.abspath(start if start is not None else os.getcwd())
    candidates = _CANDIDATES.get(written)
    if candidates is None:
        candidates = _candidates(written)
        if candidates is None:  # a symlink loop: read it every time
            return load_config(start=start)
        _CANDIDATES[written] = candidates
    key = (written, tuple(_stamp(path) for path in candidates))
    found = _NEAR.get(key)
    if found is None:
        found = load_config(start=start)
        if len(_NEAR) >= 32:  # a long-running process that reads many folders
            _NEAR.clear()
        _NEAR[key] = found
    return found


#: the path as given -> the files the search would read from it (resolved once)
_CANDIDATES: dict[str, tuple[str, ...]] = {}


def _candidates(written: str) -> tuple[str, ...] | None:
    """``planengine.toml`` and ``pyproject.toml`` in the folder of ``written`` and above it, as
    :func:`planengine.io._config_file.find_config_file` walks (``None``: it cannot resolve)."""
    from pathlib import Path

    try:
        here = Path(written).resolve()
    except (OSError, RuntimeError):
        return None
    if not here.is_dir():
        here = here.parent
    if len(_CANDIDATES) >= 256:
        _CANDIDATES.clear()
    return tuple(
        str(folder / name)
        for folder in (here, *here.parents)
        for name in ("planengine.toml", "pyproject.toml")
    )


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)
