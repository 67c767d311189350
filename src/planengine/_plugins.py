"""Finding, loading and calling plugins, one at a time, so one broken plugin cannot take the host down.

Plugins come from the ``planengine`` entry-point group (the built-in strategies too) and from
objects passed to :class:`planengine.Engine` explicitly. Every hook implementation is called on
its own, with its registration name attached, so a failure names its plugin. In strict mode a
failure raises :class:`PluginError`; otherwise it becomes a notice in the plan and the plugin's
contribution is skipped.

What happens is logged under ``planengine.plugins`` (:mod:`planengine._log`): each plugin
registered (DEBUG) and the set loaded (INFO), and each failure (WARNING) with its traceback
(DEBUG).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import attrs
import pluggy

from planengine import hookspecs
from planengine._errors import PLUGIN_FAILURES, PluginError
from planengine._log import logger
from planengine._records import Notice, PluginInfo
from planengine.plan._risk_wording import failure_notice

__all__ = ["LoadedPlugins", "call_each", "load_plugins", "log_failure"]

ENTRY_POINT_GROUP = "planengine"


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, which does not look for hook implementations under dunder names
    (``__init__``, ``__repr__``, ...): no hook is named so (:mod:`planengine.hookspecs`), and
    pluggy's look at each of an object's 25-odd dunders was most of registering it (about
    0.25 ms a plugin, 11 of them on every start)."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            return None
        return super().parse_hookimpl_opts(plugin, name)


@attrs.frozen
class LoadedPlugins:
    """The plugin manager and what happened while loading."""

    manager: pluggy.PluginManager
    infos: tuple[PluginInfo, ...]
    notices: tuple[Notice, ...]

    def version_of(self, name: str) -> str:
        """The version of a registered plugin (``"unknown"`` when it declares none)."""
        for info in self.infos:
            if info.name == name:
                return info.version
        return "unknown"


def plugin_version(obj: Any) -> str:
    version = getattr(obj, "__version__", None) or getattr(obj, "PLUGIN_VERSION", None)
    return str(version) if version else "unknown"


def _plugin_objects(plugins: Any) -> list[Any]:
    """``plugins`` as a list, refused with a :class:`TypeError` naming the argument when it is
    not a list of plugin objects (pluggy would register ``1`` as a plugin with no hooks)."""
    if isinstance(plugins, (str, bytes)) or not isinstance(plugins, Iterable):
        raise TypeError(
            f"plugins must be a list of plugin objects (modules or instances), "
            f"got {type(plugins).__name__}"
        )
    out = list(plugins)
    for index, obj in enumerate(out):
        if obj is None or isinstance(obj, (str, bytes, int, float, complex, list, tuple, dict)):
            raise TypeError(
                f"plugins[{index}] must be a plugin object (a module or an instance with hook "
                f"functions), got {type(obj).__name__}"
            )
    return out


def load_plugins(
    *,
    plugins: Iterable[Any] = (),
    autoload: bool = True,
    allow: Collection[str] | None = None,
    block: Collection[str] = (),
    strict: bool = False,
) -> LoadedPlugins:
    """Build a plugin manager and register plugins.

    :param plugins: plugin objects (modules or instances) to register explicitly. A plugin may set
        ``PLUGIN_NAME`` and ``__version__``; otherwise its module name is used.
    :param autoload: also load every entry point in the ``planengine`` group.
    :param allow: when given, only entry points with these names are loaded.
    :param block: entry-point or plugin names never to load.
    :param strict: raise :class:`PluginError` on any load failure instead of reporting it.
    :raises TypeError: for a ``plugins`` that is not a list of plugins (a string, or an entry
        such as ``1`` or ``None`` that no hook could be read from). ``allow`` and ``block`` take
        one name as a ``str`` too (``block="sleep"`` blocks ``sleep``).
    """
    plugins = _plugin_objects(plugins)
    allow = (allow,) if isinstance(allow, str) else allow
    block = (block,) if isinstance(block, str) else block
    manager = _PluginManager("planengine")
    manager.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    notices: list[Notice] = []
    blocked = set(block)
    for name in sorted(blocked):
        manager.set_blocked(name)

    for obj in plugins:
        name = str(
            getattr(obj, "PLUGIN_NAME", None)
            or getattr(obj, "__name__", None)
            or type(obj).__name__
        )
        if name in blocked:
            continue
        _register(manager, obj, name, plugin_version(obj), None, strict, infos, notices)

    if autoload:
        from planengine._entry_points import installed_entry_points, load_entry_point

        # read once per state of the installed packages (importlib.metadata's import and scan
        # are most of a start otherwise): planengine._entry_points
        for name, value, dist_name, dist_version in installed_entry_points(ENTRY_POINT_GROUP):
            if name in blocked or (allow is not None and name not in allow):
                continue
            if manager.has_plugin(name):
                continue
            try:
                obj = load_entry_point(value)
            except PLUGIN_FAILURES as error:  # a plugin's import may raise anything
                failure = PluginError(
                    f"failed to load ({type(error).__name__}: {error})",
                    plugin=name,
                    version=dist_version,
                )
                log_failure(name, "loading", error)
                if strict:
                    raise failure from error
                notices.append(failure_notice("plugin.load-failed", failure, name))
                continue
            version = plugin_version(obj)
            if version == "unknown" and dist_version:
                version = dist_version
            _register(manager, obj, name, version, dist_name, strict, infos, notices)
    while True:
        try:
            manager.check_pending()
            break
        except pluggy.PluginValidationError as error:
            plugin_name = manager.get_name(error.plugin) or "unknown"
            failure = PluginError(f"implements an unknown hook ({error})", plugin=plugin_name)
            if strict:
                raise failure from error
            manager.unregister(error.plugin)
            infos[:] = [info for info in infos if info.name != plugin_name]
            notices.append(failure_notice("plugin.unknown-hook", failure, plugin_name))
    infos.sort(key=lambda info: info.name)
    log = logger("plugins")
    if log is not None:
        log.info(
            "%d plugins loaded: %s",
            len(infos),
            ", ".join(f"{i.name} {i.version}" for i in infos) or "none",
        )
    return LoadedPlugins(manager, tuple(infos), tuple(notices))


def log_failure(plugin: str, hook: str, error: BaseException) -> None:
    """Log a plugin's failure: a WARNING naming the plugin, the hook and the exception's type,
    and its traceback at DEBUG. The exception's message is left out (it may quote what the
    plugin was handed: a patient's words or answers); the plan's notice carries it."""
    log = logger("plugins")
    if log is None:
        return
    log.warning("plugin %r failed in %s (%s)", plugin, hook, type(error).__name__)
    if log.isEnabledFor(10):  # logging.DEBUG
        import traceback

        frames = "".join(traceback.format_tb(error.__traceback__))
        log.debug(
            "plugin %r failed in %s: traceback (most recent call last):\n%s%s",
            plugin,
            hook,
            frames,
            type(error).__name__,
        )


def _register(
    manager: pluggy.PluginManager,
    obj: Any,
    name: str,
    version: str,
    distribution: str | None,
    strict: bool,
    infos: list[PluginInfo],
    notices: list[Notice],
) -> None:
    try:
        manager.register(obj, name=name)
    except (ValueError, pluggy.PluginValidationError) as error:
        failure = PluginError(f"could not be registered ({error})", plugin=name, version=version)
        if strict:
            raise failure from error
        notices.append(failure_notice("plugin.register-failed", failure, name))
        return
    refused = _ordering_markers(manager, obj)
    if refused:
        manager.unregister(obj)
        failure = PluginError(
            f"uses {', '.join(refused)}, which planengine refuses: it calls each implementation "
            "on its own, in plugin-name order, so that one failing plugin cannot stop the "
            "others and no plugin can run around another's (see planengine.hookspecs)",
            plugin=name,
            version=version,
        )
        if strict:
            raise failure
        notices.append(failure_notice("plugin.register-failed", failure, name))
        return
    infos.append(PluginInfo(name=name, version=version, kind="plugin", distribution=distribution))
    log = logger("plugins")
    if log is not None:
        log.debug("plugin %r %s registered (from %s)", name, version, distribution or "code")


def _ordering_markers(manager: pluggy.PluginManager, obj: Any) -> list[str]:
    """The pluggy options of ``obj``'s hook implementations that only mean something when pluggy
    runs all implementations in one call (``tryfirst``, ``trylast``, wrappers): refused, with
    the hook named, rather than silently ignored."""
    found: list[str] = []
    for caller in manager.get_hookcallers(obj) or ():
        for impl in caller.get_hookimpls():
            if impl.plugin is not obj:
                continue
            for option in ("tryfirst", "trylast", "hookwrapper", "wrapper"):
                if getattr(impl, option, False):
                    found.append(f"{option}=True on {caller.name}")
    return sorted(found)


def call_each(
    manager: pluggy.PluginManager,
    hook_name: str,
    kwargs_for: Callable[[str], dict[str, Any]],
    *,
    strict: bool,
    on_error: Callable[[PluginError], None],
) -> list[tuple[str, Any]]:
    """Call every implementation of a hook on its own, in a stable order.

    :param kwargs_for: builds the call's keyword arguments for a plugin name (so register
        callbacks can be bound to the plugin that calls them).
    :param on_error: receives a :class:`PluginError` when an implementation raises (non-strict).
    :return: ``(plugin name, result)`` for each implementation that returned normally.
    """
    hook = getattr(manager.hook, hook_name)
    results: list[tuple[str, Any]] = []
    # pluggy orders implementations LIFO; the plan must not depend on registration order.
    for impl in sorted(hook.get_hookimpls(), key=lambda impl: impl.plugin_name):
        kwargs = kwargs_for(impl.plugin_name)
        try:
            result = impl.function(*[kwargs[arg] for arg in impl.argnames])
        except PLUGIN_FAILURES as error:  # a plugin may raise anything; the host goes on
            log_failure(impl.plugin_name, hook_name, error)
            failure = (
                error
                if isinstance(error, PluginError)
                else PluginError(
                    f"raised {type(error).__name__} in {hook_name}: {error}",
                    plugin=impl.plugin_name,
                )
            )
            if strict:
                raise failure from error
            on_error(failure)
            continue
        results.append((impl.plugin_name, result))
    return results
