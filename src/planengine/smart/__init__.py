"""The SMART goal checker: rules, their registry and configuration.

Public entry points (re-exported from :mod:`planengine`): :func:`check_goals`, :class:`SmartRule`,
:class:`Violation`, :class:`SmartConfig`. A plugin adds rules through the ``register_smart_rules``
hook; see :mod:`planengine.hookspecs`.
"""

from __future__ import annotations

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
