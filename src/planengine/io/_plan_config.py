"""Planning settings from ``[tool.planengine.plan]`` (pyproject.toml) or ``[plan]`` (planengine.toml).

The same file configures ``planengine validate`` (the top-level keys), so an organisation keeps one
review interval: when ``[...plan]`` does not set ``max-review-interval-days``, the top-level value
(the SMART rule T506's maximum) applies to generated objectives too.

Example::

    [tool.planengine]
    max-review-interval-days = 60

    [tool.planengine.plan]
    review-interval-days = 28
    max-objectives-per-problem = 2
    horizon-weeks = 12
    max-courses-now = 1                 # stepped care: courses of therapy that start at once
    homework-minutes-per-week = 150     # the weekly self-help budget (default 210)

    crisis-locale = "GB"                # the shipped crisis resources for the UK
    crisis-resources = [                # the clinic's own, shown first (no default locale)
        {name = "Our duty clinician", phone = "0123 456 789", availability = "9am-5pm weekdays"},
    ]

    [tool.planengine.plan.instrument-overrides.pcl5]
    cutoffs = {"pcl5.provisional" = 33}

Crisis resources are read by ``planengine review`` from this table too, so a plan and its review
show the same lines (:mod:`planengine.plan._crisis`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from planengine._errors import ConfigError
from planengine.io._config_file import check_keys, read_config_table

if TYPE_CHECKING:
    from planengine.plan._settings import EngineConfig

__all__ = ["engine_config_from_mapping", "load_engine_config"]

_INTEGER_KEYS = {
    "review-interval-days": "review_interval_days",
    "max-review-interval-days": "max_review_interval_days",
    "horizon-weeks": "horizon_weeks",
    "max-objectives-per-problem": "max_objectives_per_problem",
    "screen-followup-days": "screen_followup_days",
    "stale-baseline-days": "stale_baseline_days",
    "urgent-contact-working-days": "urgent_contact_working_days",
}
#: stepped-care limits (their ranges are checked by EngineConfig: a budget of 0 is allowed)
_LIMIT_KEYS = {
    "max-courses-now": "max_courses_now",
    "max-self-guided-modules": "max_self_guided_modules",
    "homework-minutes-per-week": "homework_minutes_per_week",
    "step-up-review-weeks": "step_up_review_weeks",
    "sequence-review-weeks": "sequence_review_weeks",
}


_OTHER_KEYS = (
    "allow-draft-strategies",
    "crisis-locale",
    "crisis-resources",
    "depression-measure-areas",
    "instrument-overrides",
    "perinatal-conditions",
)


def engine_config_from_mapping(
    table: Mapping[str, Any], *, where: str = "configuration"
) -> EngineConfig:
    """Build an :class:`EngineConfig` from a ``[tool.planengine]``-shaped mapping (planning is
    imported only here, so reading the file stays light for the commands that lint).

    :raises ConfigError: for unknown keys and values of the wrong type, naming the key.
    """
    from planengine.plan._crisis import check_locale, crisis_resources_from_config
    from planengine.plan._settings import EngineConfig

    check_keys(table, where)
    plan = table.get("plan", {})
    if not isinstance(plan, Mapping):
        raise ConfigError(f"{where}: plan must be a table")
    changes: dict[str, Any] = {}
    if "max-review-interval-days" in table:
        plan = {"max-review-interval-days": table["max-review-interval-days"], **plan}
    for key, value in plan.items():
        if key in _INTEGER_KEYS:
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(
                    f"{where}: plan.{key} must be a positive whole number, not {value!r}"
                )
            changes[_INTEGER_KEYS[key]] = value
        elif key in _LIMIT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{where}: plan.{key} must be a whole number, not {value!r}")
            changes[_LIMIT_KEYS[key]] = value
        elif key == "allow-draft-strategies":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: plan.{key} must be true or false, not {value!r}")
            changes["allow_draft_strategies"] = value
        elif key == "instrument-overrides":
            if not isinstance(value, Mapping) or not all(
                isinstance(v, Mapping) for v in value.values()
            ):
                raise ConfigError(f"{where}: plan.{key} must be a table of instrument id = table")
            changes["instrument_overrides"] = {str(k): dict(v) for k, v in value.items()}
        elif key in ("depression-measure-areas", "perinatal-conditions"):
            if not isinstance(value, list) or not all(isinstance(a, str) and a for a in value):
                raise ConfigError(f"{where}: plan.{key} must be a list of names, not {value!r}")
            changes[key.replace("-", "_")] = tuple(value)
        elif key == "crisis-locale":
            changes["crisis_locale"] = check_locale(value, f"{where}: plan.{key}")
        elif key == "crisis-resources":
            changes["crisis_resources"] = crisis_resources_from_config(value, f"{where}: plan.{key}")
        else:
            known = ", ".join(sorted([*_INTEGER_KEYS, *_LIMIT_KEYS, *_OTHER_KEYS]))
            raise ConfigError(f"{where}: unknown key plan.{key}; known: {known}")
    try:
        return EngineConfig(**changes)
    except ConfigError as error:  # the same checks as for a config built in code, with key names
        message = str(error)
        for key, field in (*_INTEGER_KEYS.items(), *_LIMIT_KEYS.items()):
            name = key if key == "max-review-interval-days" else f"plan.{key}"
            message = re.sub(rf"\b{field}\b", name, message)
        raise ConfigError(f"{where}: {message}") from None


def load_engine_config(
    path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None
) -> EngineConfig:
    """Read the planning settings from ``path``, or from the nearest config file found from ``start``.

    :raises ConfigError: for unreadable files, invalid TOML, or bad values.
    """
    table, where = read_config_table(path, start=start)
    return engine_config_from_mapping(table, where=where)


def document_settings_from_mapping(table: Mapping[str, Any], *, where: str = "configuration") -> Any:
    """The plan documents' settings from ``[tool.planengine.documents]``::

        [tool.planengine.documents]
        patient-scores = false                    # scores on the patient's copy (default off)
        sensitive-conditions = ["psychosis"]      # never named there (added to the defaults)

    :raises ConfigError: for unknown keys, values of the wrong type or unknown conditions.
    """
    from planengine._vocabulary import load_vocabulary
    from planengine.render._words import DocumentSettings

    documents = table.get("documents", {})
    if not isinstance(documents, Mapping):
        raise ConfigError(f"{where}: documents must be a table")
    scores = documents.get("patient-scores", False)
    if not isinstance(scores, bool):
        raise ConfigError(f"{where}: documents.patient-scores must be true or false, not {scores!r}")
    conditions = documents.get("sensitive-conditions", [])
    known = load_vocabulary().conditions
    if not isinstance(conditions, list) or not all(isinstance(c, str) and c in known for c in conditions):
        raise ConfigError(
            f"{where}: documents.sensitive-conditions must be a list of condition ids "
            f"({', '.join(sorted(known))}), not {conditions!r}"
        )
    unknown = sorted(set(documents) - {"patient-scores", "sensitive-conditions"})
    if unknown:
        raise ConfigError(
            f"{where}: unknown key documents.{unknown[0]}; known: patient-scores, sensitive-conditions"
        )
    return DocumentSettings(patient_scores=scores, sensitive_conditions=tuple(conditions))
