"""The built-in strategies: one registrar for the strategy files in ``strategies/``.

Each file is its own plugin, named by its entry point in the ``planengine`` group (``sleep =
"planengine_builtins:sleep"``), so a clinic can block one (``planengine plan -p no:sleep``) and
every plan records which ones it used, exactly as for a third-party plugin. All clinical content
(objective templates, steps, doses, delivery, contraindications, citations) is in the files,
validated by ``schemas/strategy.schema.json``; this module only registers them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import planengine

__all__ = [
    "BuiltinStrategy",
    "alcohol",
    "assertiveness",
    "ba",
    "cbt",
    "emotions",
    "lifestyle",
    "relationships",
    "relaxation",
    "sleep",
    "trauma",
    "wellbeing",
]


class BuiltinStrategy:
    """One built-in strategy file as a plugin.

    :param name: the plugin's name (its entry point's), and the file's stem in ``strategies/``.
    :param version: the registering plugin's version, recorded in plans beside the strategy's own
        version (the file's ``version`` says what changed in the content).
    """

    def __init__(self, name: str, version: str = "1.0.0") -> None:
        self.PLUGIN_NAME = name
        self.__version__ = version

    def __repr__(self) -> str:
        return f"BuiltinStrategy({self.PLUGIN_NAME!r})"

    @planengine.hookimpl
    def register_strategies(self, register: Callable[[Any], None]) -> None:
        """Register this plugin's strategy file (every hold rule in it names what releases it:
        :func:`_require_hold_criteria`)."""
        path = _strategy_path(self.PLUGIN_NAME)
        strategy = planengine.DataStrategy.from_file(path)
        _require_hold_criteria(strategy.data, path)
        register(strategy)


def _require_hold_criteria(data: Any, path: str) -> None:
    """Refuse a built-in strategy file with a hold rule that has no ``until``: the plan's status
    and the goal file's ``held:`` line name the rule's criterion, and a built-in rule never
    falls back to the generic words a plugin's rule may keep.

    :raises planengine.DocumentSchemaError: naming the file, the rule's JSON path and its key.
    """
    from planengine.strategies._validation import hold_rule_without_until

    missing = hold_rule_without_until(data)
    if missing is not None:
        where, key = missing
        raise planengine.DocumentSchemaError(
            f"hold rule {key!r} has no 'until' (what releases the held step, a clause after "
            "'until'); every built-in hold rule names one",
            file=path,
            path=where,
        )


def _strategy_path(name: str) -> str:
    """The path of a built-in strategy file: in this package's folder (``importlib.resources``
    costs milliseconds on its first use), else where ``importlib.resources`` has it."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "strategies", f"{name}.yaml")
    if os.path.isfile(path):
        return path
    from importlib import resources  # imported only here: it costs a start ~2 ms

    return str(resources.files(__name__) / "strategies" / f"{name}.yaml")


alcohol = BuiltinStrategy("alcohol")
assertiveness = BuiltinStrategy("assertiveness")
ba = BuiltinStrategy("ba")
cbt = BuiltinStrategy("cbt")
emotions = BuiltinStrategy("emotions")
lifestyle = BuiltinStrategy("lifestyle")
relationships = BuiltinStrategy("relationships")
relaxation = BuiltinStrategy("relaxation")
sleep = BuiltinStrategy("sleep")
trauma = BuiltinStrategy("trauma")
wellbeing = BuiltinStrategy("wellbeing")
