"""The SMART goal checker: rules, their registry and configuration.

Public entry points (re-exported from :mod:`planengine`): :func:`check_goals`, :class:`SmartRule`,
:class:`Violation`, :class:`SmartConfig`. A plugin adds rules through the ``register_smart_rules``
hook; see :mod:`planengine.hookspecs`.

Each public name is imported on first use (PEP 562), so a module that reads one part
(``planengine.smart._config`` for the settings) does not import the rules and the checker.
"""

from __future__ import annotations

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing ``typing``

if TYPE_CHECKING:  # what type checkers see; at run time each name loads on first use
    from planengine.io._config_file import find_config_file
    from planengine.smart._check import (
        RuleSet,
        check_goals,
        collect_plugin_rules,
        rule_set,
    )
    from planengine.smart._config import (
        SmartConfig,
        config_from_mapping,
        load_config,
    )
    from planengine.smart._model import GoalContext, Hit, SmartRule, Violation
    from planengine.smart._rules import BUILTIN_RULES
    from planengine.smart._rules_relevant import known_areas

#: public name -> the module that defines it
_EXPORTS = {
    "BUILTIN_RULES": "planengine.smart._rules",
    "GoalContext": "planengine.smart._model",
    "Hit": "planengine.smart._model",
    "RuleSet": "planengine.smart._check",
    "SmartConfig": "planengine.smart._config",
    "SmartRule": "planengine.smart._model",
    "Violation": "planengine.smart._model",
    "check_goals": "planengine.smart._check",
    "collect_plugin_rules": "planengine.smart._check",
    "config_from_mapping": "planengine.smart._config",
    "find_config_file": "planengine.io._config_file",
    "known_areas": "planengine.smart._rules_relevant",
    "load_config": "planengine.smart._config",
    "rule_set": "planengine.smart._check",
}

__all__ = [
    "BUILTIN_RULES",
    "GoalContext",
    "Hit",
    "RuleSet",
    "SmartConfig",
    "SmartRule",
    "Violation",
    "check_goals",
    "collect_plugin_rules",
    "config_from_mapping",
    "find_config_file",
    "known_areas",
    "load_config",
    "rule_set",
]


def __getattr__(name: str) -> object:
    from planengine._lazy import exported_attribute

    return exported_attribute(globals(), _EXPORTS, name)


def __dir__() -> list[str]:
    return __all__
