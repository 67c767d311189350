"""Watching a plugin while it runs, for the conformance check: every hook it implements (and every
Python strategy it registers) is called through a stand-in that records, naming the hook, what
the hook did that a plugin must not do: I/O (a network connection, a file opened for writing, a
process started), numbers that are not finite, a different answer for the same input, a change to
the core's safety problem. The engine undoes or refuses most of these; the check fails on the
attempt, so the author hears of it before a clinic does.
"""

from __future__ import annotations

import copy
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

__all__ = ["Breach", "Watch", "watched_plugin"]

#: Hooks a plugin may implement, with their argument names (pluggy matches impls by name).
HOOK_ARGS: dict[str, tuple[str, ...]] = {
    "register_vocabulary": ("register",),
    "register_instruments": ("register",),
    "register_strategies": ("register",),
    "register_smart_rules": ("register",),
    "propose": ("problem", "context"),
    "adjust_plan": ("plan", "context"),
    "review_suggestions": ("goal_review", "context"),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.bind", "socket.getaddrinfo", "socket.sendto", "urllib.Request"}
)
_PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn"})
_FILE_EVENTS = frozenset({"os.remove", "os.rename", "os.mkdir", "os.rmdir", "shutil.rmtree"})


@attrs.frozen
class Breach:
    """One thing a plugin did that it must not: in which hook, under which rule, and what."""

    plugin: str
    hook: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}, hook {self.hook!r}, rule {self.rule!r}: {self.detail}"


class Watch:
    """What the watched plugin did; one per conformance run."""

    def __init__(self, plugin: str) -> None:
        self.plugin = plugin
        self.breaches: list[Breach] = []
        self._local = threading.local()

    def add(self, hook: str, rule: str, detail: str) -> None:
        """Record a breach (each once)."""
        breach = Breach(self.plugin, hook, rule, detail)
        if breach not in self.breaches:
            self.breaches.append(breach)

    @property
    def hook(self) -> str | None:
        """The hook of the watched plugin running in this thread, if any."""
        return getattr(self._local, "hook", None)

    @contextmanager
    def running(self, hook: str) -> Iterator[None]:
        """Mark ``hook`` as running in this thread (what the audit hook blames)."""
        before = self.hook
        self._local.hook = hook
        try:
            yield
        finally:
            self._local.hook = before

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """``sys.addaudithook`` callback: I/O while a watched hook runs is a breach, and fails."""
        hook = self.hook
        if hook is None:
            return
        detail = _io_detail(event, args)
        if detail is not None:
            self._local.hook = None  # recording must not trip the hook again
            try:
                self.add(hook, "no-io", detail)
            finally:
                self._local.hook = hook
            raise PermissionError(f"planengine conformance: {detail} is not allowed in a plugin")


def _in_own_cache(path: Any) -> bool:
    """Whether ``path`` is planengine's own cache folder, in it, or a folder above it (made for
    it): loading a plugin's strategy or instrument file writes its checked data there
    (:mod:`planengine._cache`), which is the host's I/O, not the plugin's."""
    from planengine._cache import cache_folder

    folder = cache_folder()
    if folder is None or not isinstance(path, (str, bytes, os.PathLike)):
        return False
    try:
        where = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    folder = os.path.abspath(folder)
    return (
        where == folder
        or where.startswith(folder + os.sep)
        or folder.startswith(where.rstrip(os.sep) + os.sep)
    )


def _io_detail(event: str, args: tuple[Any, ...]) -> str | None:
    if args and event in ("open", *_FILE_EVENTS) and _in_own_cache(args[0]):
        return None
    if event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writes = (
            any(letter in mode for letter in "wax+")
            if isinstance(mode, str)
            else isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
        )
        return f"opened {path!r} for writing" if writes else None
    if event in _NETWORK_EVENTS:
        return f"network access ({event})"
    if event in _PROCESS_EVENTS:
        return f"started a process ({event})"
    if event in _FILE_EVENTS:
        return f"changed the file system ({event})"
    return None


_HOOK_INSTALLED: list[Watch | None] = [None]
_INSTALL_LOCK = threading.Lock()


def install(watch: Watch) -> None:
    """Route audit events to ``watch`` (one audit hook per process: it cannot be removed)."""
    with _INSTALL_LOCK:
        if not any(isinstance(item, _Router) for item in _ROUTERS):
            router = _Router()
            _ROUTERS.append(router)
            sys.addaudithook(router)
        _HOOK_INSTALLED[0] = watch


class _Router:
    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        watch = _HOOK_INSTALLED[0]
        if watch is not None:
            watch.audit(event, args)


_ROUTERS: list[_Router] = []


def watched_plugin(plugin: Any, name: str, version: str, watch: Watch) -> Any:
    """A stand-in for ``plugin`` (same name and version) whose hooks call the plugin's under
    ``watch``: each call runs twice on copies of its input to catch a different answer
    (``deterministic``), results are checked for numbers that are not finite
    (``finite-numbers``), and ``adjust_plan`` may not change the safety problem (``safety``)."""
    attributes: dict[str, Any] = {"PLUGIN_NAME": name, "__version__": version}
    from planengine.hookspecs import hookimpl

    for hook in HOOK_ARGS:
        original = getattr(plugin, hook, None)
        if original is None or not callable(original):
            continue
        attributes[hook] = hookimpl(_forwarder(hook, original, watch))
    stand_in = type(f"Watched_{name.replace('-', '_')}", (), {})()
    for key, value in attributes.items():
        setattr(stand_in, key, value)
    return stand_in


def _forwarder(hook: str, given: Callable[..., Any], watch: Watch) -> Callable[..., Any]:
    import inspect

    accepted = set(inspect.signature(given).parameters)

    def original(**kwargs: Any) -> Any:
        # pluggy lets an implementation take fewer arguments than its spec
        return given(**{key: value for key, value in kwargs.items() if key in accepted})

    if hook == "register_strategies":

        def register_strategies(register: Callable[[Any], None]) -> None:
            with watch.running(hook):
                original(register=lambda strategy: register(_watched_strategy(strategy, watch)))

        return register_strategies
    if hook == "propose":

        def propose(problem: Any, context: Any) -> Any:
            return _twice(watch, hook, lambda: original(problem=copy.deepcopy(problem), context=context))

        return propose
    if hook == "adjust_plan":

        def adjust_plan(plan: Any, context: Any) -> None:
            # tried on a copy holding the core's safety problem (the engine adds it after the
            # hooks, and undoes what they do to it): the check fails on the attempt
            probe = _with_safety_problem(plan, context)
            trial = copy.deepcopy(probe)
            with watch.running(hook):
                original(plan=trial, context=context)
            again = copy.deepcopy(probe)
            with watch.running(hook):
                original(plan=again, context=context)
            if repr(trial) != repr(again):
                watch.add(hook, "deterministic", "two calls with the same plan changed it differently")
            lost = _safety_weakened(probe, trial)
            if lost:
                watch.add(hook, "safety", lost)
            _check_numbers(watch, hook, trial)
            with watch.running(hook):
                original(plan=plan, context=context)

        return adjust_plan
    if hook == "review_suggestions":

        def review_suggestions(goal_review: Any, context: Any) -> Any:
            with watch.running(hook):
                return original(goal_review=goal_review, context=context)

        return review_suggestions

    def register(register: Callable[[Any], None]) -> None:  # the register_* hooks
        with watch.running(hook):
            original(register=register)

    return register


def _twice(watch: Watch, hook: str, call: Callable[[], Any]) -> Any:
    with watch.running(hook):
        first = call()
    with watch.running(hook):
        second = call()
    if repr(first) != repr(second):
        watch.add(hook, "deterministic", "two calls with the same input gave different answers")
    _check_numbers(watch, hook, first)
    return first


class _WatchedStrategy:
    """A Python strategy whose ``propose`` runs under the watch (data strategies are the
    engine's own code reading data, and are not wrapped)."""

    def __init__(self, strategy: Any, watch: Watch) -> None:
        self._strategy, self._watch = strategy, watch
        self.id, self.version, self.status = strategy.id, strategy.version, strategy.status
        self.areas, self.priority = strategy.areas, strategy.priority
        self.data = getattr(strategy, "data", None)

    def propose(self, problem: Any, context: Any, plugin: str) -> Any:
        hook = f"strategy {self.id!r} propose"
        return _twice(
            self._watch, hook, lambda: self._strategy.propose(copy.deepcopy(problem), context, plugin)
        )


def _watched_strategy(strategy: Any, watch: Watch) -> Any:
    from planengine.strategies._strategy import DataStrategy

    if type(strategy) is DataStrategy or not hasattr(strategy, "propose"):
        return strategy
    return _WatchedStrategy(strategy, watch)


def _with_safety_problem(plan: Any, context: Any) -> Any:
    """A copy of the draft ``plan`` with the core's safety problem first, when a flag is open."""
    from planengine.plan._safety import SAFETY_AREA
    from planengine.plan._safety_problem import build_safety_problem

    probe = copy.deepcopy(plan)
    flags = tuple(context.risk_flags)
    if flags and not any(p.area == SAFETY_AREA for p in probe.problems):
        probe.problems.insert(0, build_safety_problem(flags, context.as_of))
    return probe


def _safety_weakened(before: Any, after: Any) -> str | None:
    """What ``adjust_plan`` did to the safety problem (``None``: nothing): removed or moved it,
    removed, re-ordered, relabelled or released one of its steps."""
    from planengine.plan._safety import SAFETY_AREA

    def safety_steps(draft: Any) -> list[tuple[str, str, str]]:
        problems = [p for p in draft.problems if p.area == SAFETY_AREA]
        return [(s.id, s.delivery, s.status) for p in problems for s in p.interventions]

    had = [p.area for p in before.problems].index(SAFETY_AREA) if any(
        p.area == SAFETY_AREA for p in before.problems
    ) else None
    if had is None:
        return None
    areas = [p.area for p in after.problems]
    if SAFETY_AREA not in areas:
        return "removed the safety problem"
    if areas.index(SAFETY_AREA) != had:
        return "moved the safety problem from first place"
    old, new = safety_steps(before), safety_steps(after)
    if old != new:
        gone = sorted({s[0] for s in old} - {s[0] for s in new})
        return (
            f"removed safety step(s) {', '.join(gone)}"
            if gone
            else "re-ordered, relabelled or released a safety step"
        )
    return None


def _check_numbers(watch: Watch, hook: str, value: Any, seen: set[int] | None = None) -> None:
    """A number that is not finite anywhere in ``value`` (attrs objects, mappings, lists)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            watch.add(hook, "finite-numbers", f"returned {value!r}, which is not a finite number")
        return
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _check_numbers(watch, hook, getattr(value, field.name, None), seen)
    elif isinstance(value, dict):
        for child in value.values():
            _check_numbers(watch, hook, child, seen)
    elif isinstance(value, (list, tuple)):
        for child in value:
            _check_numbers(watch, hook, child, seen)
