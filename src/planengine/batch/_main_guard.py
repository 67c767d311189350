"""Whether a script may start ``run_batch``'s worker processes.

The local engine's workers are *spawned*: each starts a fresh interpreter that runs the main
script again (as ``__mp_main__``) before it plans anything. A script that calls
:func:`planengine.run_batch` at its top level, outside ``if __name__ == "__main__":``, would
start workers from every worker, and Python's pool replaces each failed worker for ever, so the
script hangs. This check finds that case in the parent, before a worker starts, and says how to
fix it in one line.
"""

from __future__ import annotations

import ast
import sys
from types import FrameType

__all__ = ["check_main_guard"]


def check_main_guard() -> None:
    """Raise when the running ``__main__`` script calls this outside a ``__main__`` guard.

    It reads the script's source and finds the top-level statement that led here; a script
    without a readable source (``python -c``, a notebook, a frozen program) is not checked, as
    a spawned worker does not run it again.

    :raises planengine.ConfigError: naming the script and the line, and the fix.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not isinstance(path, str):
        return
    line = _top_level_line(sys._getframe(1), vars(main))
    if line is None:
        return
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return
    if not _guarded(tree, line):
        from planengine._errors import ConfigError

        raise ConfigError(
            f"{path}:{line}: run_batch starts worker processes that run this script again; "
            'put the call under `if __name__ == "__main__":` (or pass jobs=1)'
        )


def _top_level_line(frame: FrameType | None, main_globals: dict[str, object]) -> int | None:
    """The line of the ``__main__`` module's top-level code that the call came from."""
    while frame is not None:
        if frame.f_globals is main_globals and frame.f_code.co_name == "<module>":
            return frame.f_lineno
        frame = frame.f_back
    return None


def _guarded(tree: ast.Module, line: int) -> bool:
    """Whether ``line`` is in the body of a top-level ``if __name__ == "__main__":``."""
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_test(node.test):
            first, last = node.body[0].lineno, node.body[-1].end_lineno or node.lineno
            if first <= line <= last:
                return True
    return False


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round, possibly within an ``and``)."""
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    strings = {n.value for n in ast.walk(test) if isinstance(n, ast.Constant)}
    return "__name__" in names and "__main__" in strings
