"""Logging through the standard :mod:`logging` module, under the ``planengine`` logger.

Loggers: ``planengine.plugins`` (loading, and failures with their traceback at DEBUG),
``planengine.plan``, ``planengine.review`` and ``planengine.validate`` (stage timings at DEBUG).
The library adds only a :class:`logging.NullHandler` to ``planengine``; an application (or the
command line's ``-v``) chooses where records go.

Records never carry patient data: they name plugins, hooks, stages, counts and times, never an
answer, a score, a patient id, a goal's words or a file's content. A plugin's exception is logged
by its type and frames only, since its message may quote what the plugin was handed (the plan's
notice keeps the message).

:mod:`logging` costs several milliseconds to import, so this module does not import it: when no
code in the process has imported it, nothing can have configured a handler, and a record would
go nowhere (the library's ``NullHandler`` would swallow it), so :func:`logger` answers ``None``
and the caller skips the record.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["StageTimes", "debug_logger", "logger"]

ROOT = "planengine"
_handled = False


def logger(name: str) -> Any:
    """The logger ``planengine.<name>``, or ``None`` when :mod:`logging` is not imported (no
    record could be shown). The first call adds the library's ``NullHandler``."""
    logging = sys.modules.get("logging")
    if logging is None:
        return None
    global _handled
    if not _handled:
        _handled = True
        root = logging.getLogger(ROOT)
        if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
            root.addHandler(logging.NullHandler())
    return logging.getLogger(f"{ROOT}.{name}")


def debug_logger(name: str) -> Any:
    """:func:`logger`, only when it would show a DEBUG record (else ``None``): timings are
    measured only then."""
    found = logger(name)
    if found is None or not found.isEnabledFor(10):  # logging.DEBUG
        return None
    return found


class StageTimes:
    """Times the named stages of one run for a DEBUG record (``plan: score 0.12 ms, ...``).

    With DEBUG off (or :mod:`logging` not imported) :meth:`mark` and :meth:`done` do nothing but
    return, so a run pays a method call per stage.
    """

    __slots__ = ("_log", "_marks", "_what")

    def __init__(self, name: str, what: str) -> None:
        self._log = debug_logger(name)
        self._what = what
        self._marks: list[tuple[str, float]] = []
        if self._log is not None:
            from time import perf_counter

            self._marks.append(("", perf_counter()))

    def mark(self, stage: str) -> None:
        """The stage called ``stage`` ends now."""
        if self._log is not None:
            from time import perf_counter

            self._marks.append((stage, perf_counter()))

    def done(self, **counts: int) -> None:
        """Log the stages' times, the total and ``counts`` (numbers only, never content)."""
        if self._log is None:
            return
        parts = [
            f"{stage} {(end - start) * 1000:.2f} ms"
            for (_, start), (stage, end) in zip(self._marks, self._marks[1:], strict=False)
        ]
        total = (self._marks[-1][1] - self._marks[0][1]) * 1000 if len(self._marks) > 1 else 0.0
        counted = "".join(f", {key} {value}" for key, value in sorted(counts.items()))
        self._log.debug("%s: %s; total %.2f ms%s", self._what, ", ".join(parts), total, counted)
