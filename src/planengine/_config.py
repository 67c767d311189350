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
from planengine.plan._engine import EngineConfig
from planengine.render._words import DocumentSettings
from planengine.review._config import review_config_from_mapping
from planengine.review._model import ReviewConfig
from planengine.smart._config import SmartConfig, config_from_mapping

__all__ = ["Config", "load_config"]


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
