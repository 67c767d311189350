"""``planengine.load_assessment``: an assessment file read as ``planengine plan`` reads it, with
the instruments, areas and conditions the installed plugins register (the library's default,
:mod:`planengine._installed`); :func:`planengine.io._assessment.load_assessment` is the reader
itself, which knows only what it is given."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from planengine.io._assessment import Assessment
from planengine.io._assessment import load_assessment as read_assessment

__all__ = ["load_assessment"]


def load_assessment(
    path: str | os.PathLike[str],
    *,
    instruments: Mapping[str, Any] | None = None,
    vocabulary: Any = None,
    autoload: bool = True,
) -> Assessment:
    """Read and validate an assessment file (YAML or JSON).

    :param instruments: the instruments that may appear (default: the built-in ones and those
        the installed plugins register, as ``planengine plan`` reads the file; pass
        ``engine.instruments`` for an engine's own).
    :param vocabulary: the areas and conditions that may appear (default: as ``instruments``;
        pass ``engine.vocabulary`` for an engine's own).
    :param autoload: ``False``: only the built-in instruments, areas and conditions.
    :raises planengine.InputError: (or a subclass) naming the file, line and path of the problem.
    :raises TypeError: when ``path`` is not a ``str`` or :class:`os.PathLike` (``bytes`` of the
        file's text, say).
    """
    from planengine.io._loader import refuse_non_path

    refuse_non_path(path, "load_assessment")
    if autoload and (instruments is None or vocabulary is None):
        from planengine._installed import installed_full_vocabulary, installed_instruments

        if instruments is None:
            instruments = installed_instruments({}, "configuration")
        if vocabulary is None:
            vocabulary = installed_full_vocabulary()
    return read_assessment(path, instruments=instruments, vocabulary=vocabulary)
