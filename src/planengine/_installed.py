"""What every command and library function uses when it is not told otherwise: the plugins
installed in the ``planengine`` entry-point group, and what they register (areas and
conditions, instruments) combined with the configuration file's instrument overrides.

``planengine plan``, ``validate`` and ``review`` and the library's :class:`planengine.Engine`,
:func:`planengine.check_goals`, :func:`planengine.validate_paths` and
:func:`planengine.review_goals` read plugins and configuration by the same rule, so the library
gives the findings, plans and reviews the command line gives. The opt-out, everywhere:
``autoload=False`` (no installed plugin; pass your own) and an explicit ``config=`` (no file is
read).

The library's default plugins are loaded once per process (as pytest reads its plugins once); a
plugin that fails to load or register is left out and logged (``planengine.plugins``, WARNING).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from planengine._errors import ConfigError
from planengine._plugins import LoadedPlugins, load_plugins, log_failure

__all__ = [
    "configured_instruments",
    "default_engine_config",
    "in_config_file",
    "installed_full_vocabulary",
    "installed_instruments",
    "installed_plugins",
    "installed_vocabulary",
    "overridden_instruments",
    "plugin_vocabulary",
]


@functools.lru_cache(maxsize=1)
def installed_plugins() -> LoadedPlugins:
    """Every installed plugin (the built-in strategies are among them), loaded once; a plugin
    that fails to load is left out (its notice is in :attr:`LoadedPlugins.notices`)."""
    return load_plugins(autoload=True)


def _log_and_skip(failure: Exception) -> None:
    log_failure(getattr(failure, "plugin", None) or "unknown", "registering", failure)


def plugin_vocabulary(
    manager: Any, *, strict: bool = False, on_error: Callable[[Exception], None] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The area ids and condition ids ``manager``'s plugins register beyond the built-in ones
    (``register_vocabulary``), for the checks that accept an id only when it is known.

    :param on_error: told of a plugin whose registration fails (it is left out); default: logged.
    :raises PluginError: with ``strict``, for the first plugin whose registration fails.
    """
    if manager is None or not manager.hook.register_vocabulary.get_hookimpls():
        return (), ()
    from planengine._vocabulary import load_vocabulary
    from planengine._vocabulary_hooks import collect_vocabulary

    base = load_vocabulary()
    vocabulary = collect_vocabulary(
        LoadedPlugins(manager, (), ()),
        base,
        strict=strict,
        notices=[],
        on_error=on_error or _log_and_skip,
    )
    return (
        tuple(a for a in vocabulary.areas if a not in base.areas),
        tuple(c for c in vocabulary.conditions if c not in base.conditions),
    )


@functools.lru_cache(maxsize=1)
def installed_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`plugin_vocabulary` of the installed plugins, worked out once."""
    return plugin_vocabulary(installed_plugins().manager)


@functools.lru_cache(maxsize=1)
def installed_full_vocabulary() -> Any:
    """The vocabulary (:class:`planengine._vocabulary.Vocabulary`) of the built-in areas and
    conditions and those the installed plugins register: what an assessment may name."""
    from planengine._vocabulary import load_vocabulary
    from planengine._vocabulary_hooks import collect_vocabulary

    return collect_vocabulary(
        installed_plugins(), load_vocabulary(), strict=False, notices=[], on_error=_log_and_skip
    )


def in_config_file(error: Exception, where: str) -> Exception:
    """``error`` (about ``instrument-overrides``) with the config file and table in front."""
    return ConfigError(f"{where}: plan.{error}")


def default_engine_config(given: Any = None, kind: type | None = None) -> tuple[Any, str | None]:
    """The planning settings (:class:`planengine.EngineConfig`) of the configuration file the
    command line reads from the working directory, and its name (``"configuration"``: none);
    or ``given`` itself (and ``None``) when it is not ``None``.

    :raises ConfigError: for unknown keys or bad values, naming the file.
    :raises TypeError: when ``given`` is neither ``None`` nor a ``kind`` (``Engine(config=1)``).
    """
    if given is not None:
        if kind is not None and not isinstance(given, kind):
            raise TypeError(
                f"config must be an {kind.__name__} or None, got {type(given).__name__}"
            )
        return given, None
    from planengine.io._config_file import read_config_table
    from planengine.io._plan_config import engine_config_from_mapping

    table, where = read_config_table()
    return engine_config_from_mapping(table, where=where), where


def configured_instruments(
    manager: Any, table: Any, where: str, *, strict: bool, on_error: Any = None
) -> dict[str, Any]:
    """The instruments as planning builds them, for the commands that only read goal files:
    plugin instruments from ``manager`` (``None``: none) and the configured
    ``[tool.planengine.plan.instrument-overrides]`` of ``table`` (read from ``where``).

    :raises ConfigError: for bad planning settings or overrides, naming the config file.
    """
    from planengine.io._plan_config import engine_config_from_mapping

    overrides = engine_config_from_mapping(table, where=where).instrument_overrides
    return overridden_instruments(manager, overrides, where, strict=strict, on_error=on_error)


def overridden_instruments(
    manager: Any, overrides: Any, where: str | None, *, strict: bool, on_error: Any = None
) -> dict[str, Any]:
    """The built-in instruments, ``manager``'s plugins' and ``overrides`` applied (an
    :class:`planengine.EngineConfig`'s ``instrument_overrides``).

    :param where: the configuration file the overrides came from, named in an error (``None``:
        they were set in code).
    :raises ConfigError: for an override that does not fit its instrument.
    """
    from planengine.plan._instrument_set import collect_instruments

    try:
        return collect_instruments(manager, overrides=overrides, strict=strict, on_error=on_error)
    except ConfigError as error:
        if where is None:
            raise
        raise in_config_file(error, where) from None


def installed_instruments(table: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """:func:`configured_instruments` of the installed plugins and ``table`` (a configuration
    file's ``[tool.planengine]``), built once for each set of overrides."""
    plan = table.get("plan") if table else None
    overrides = plan.get("instrument-overrides") if isinstance(plan, dict) else None
    key = json.dumps(overrides, sort_keys=True, default=str) if overrides else ""
    return _instruments_for(key, where if overrides else "", table if overrides else {})


#: (overrides as JSON, config file) -> instruments; a few entries (one per configuration read)
_BUILT: dict[tuple[str, str], Mapping[str, Any]] = {}


def _instruments_for(key: str, where: str, table: Mapping[str, Any]) -> Mapping[str, Any]:
    found = _BUILT.get((key, where))
    if found is None:
        if len(_BUILT) >= 16:  # a long-running process that reads many configurations
            _BUILT.clear()
        found = configured_instruments(
            installed_plugins().manager, table, where, strict=False, on_error=_log_and_skip
        )
        _BUILT[(key, where)] = found
    return found
