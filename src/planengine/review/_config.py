"""Review settings from ``[tool.planengine.review]`` (pyproject.toml) or ``[review]`` (planengine.toml).

Example::

    [tool.planengine.review]
    tolerance = 0.15                    # on-track band, a fraction of the planned change
    no-response-weeks = 10              # weeks without reliable improvement before a change
    default-review-interval-days = 60   # for goals that give none
    gas-rho = 0.3                       # assumed correlation between GAS goal scores
    free-metric-change-fraction = 0.1   # real change on measures without instrument thresholds
    measurement-interval-days = 28      # a value older than this is re-measured before deciding
    first-review-weeks = 4              # the first review point on the expected-recovery path
    rolling-window = 3                  # free metrics are judged by the median of this many values
    flag-escalation-days = 1            # an unassessed risk flag older than this: escalate today

The instruments' thresholds (MCID, reliable change, response, remission) are not set here: they
come from ``[tool.planengine.plan.instrument-overrides]``, which planning reads too, so a plan and
its review judge change by the same numbers. The crisis resources shown beside open risk flags
come from ``crisis-locale`` and ``crisis-resources`` in ``[tool.planengine.plan]`` for the same
reason. The command line's ``--tolerance`` and
``--no-response-weeks`` win over the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from planengine._errors import ConfigError
from planengine.plan._crisis import (
    CrisisResource,
    check_locale,
    crisis_resources_from_config,
)


def _positive(_: Any, attribute: Any, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{attribute.name} must be a positive finite number, got {value!r}")


def _own_crisis_resources(value: Any) -> tuple[CrisisResource, ...]:
    """``crisis_resources`` checked and converted (mappings become :class:`CrisisResource`)."""
    return crisis_resources_from_config(value, "crisis_resources")


@attrs.frozen
class ReviewConfig:
    """Settings of a review an organisation may change.

    :ivar trajectory_tolerance: how far (as a fraction of the planned change, baseline to target)
        the latest value may sit from the expected linear trajectory and still count as on track.
    :ivar default_review_interval_days: used when a goal has no ``review_interval_days``
        ([DN-review-intervals]: 90 days for routine outpatient care).
    :ivar no_response_weeks: weeks after the start with no reliable improvement before a change of
        strategy is suggested ([DN-review-intervals]: non-response at 8-12 weeks, an MBC convention (L)).
    :ivar gas_rho: assumed correlation between GAS goal scores ([R39]: 0.3 by convention).
    :ivar free_metric_change_fraction: for measures with no instrument thresholds, the fraction of
        the planned change that counts as a real change (improving / worsening).
    :ivar measurement_interval_days: measurement cadence of goals without a review interval; an
        older value is re-measured before deciding (R-SC6: review within 4 weeks [S2]).
    :ivar first_review_weeks: the first review point ([S1][S2]: 4 weeks [S2]).
    :ivar rolling_window: a free metric is judged by the median of this many latest values
        (a design choice, docs/review.md).
    :ivar flag_escalation_days: an open risk flag with no clinician's disposition whose signal
        is older than this many days is escalated (supervisor or duty clinician, today). A design
        default (one working day, counted as one calendar day), not a sourced number
        (docs/review-workflow.md).
    :ivar crisis_locale: as :class:`planengine.EngineConfig`'s: the locale whose shipped crisis
        resources are shown beside open risk flags (no default).
    :ivar crisis_resources: as :class:`planengine.EngineConfig`'s: the clinic's own, shown first.
    """

    trajectory_tolerance: float = attrs.field(default=0.10, validator=_positive)
    default_review_interval_days: int = attrs.field(default=90, validator=_positive)
    no_response_weeks: int = attrs.field(default=8, validator=_positive)
    gas_rho: float = attrs.field(default=0.3)
    free_metric_change_fraction: float = attrs.field(default=0.10, validator=_positive)
    measurement_interval_days: int = attrs.field(default=28, validator=_positive)
    first_review_weeks: int = attrs.field(default=4, validator=_positive)
    rolling_window: int = attrs.field(default=3, validator=_positive)
    flag_escalation_days: int = attrs.field(default=1, validator=_positive)
    crisis_locale: str | None = attrs.field(default=None)
    crisis_resources: tuple[CrisisResource, ...] = attrs.field(
        default=(), converter=_own_crisis_resources
    )

    @crisis_locale.validator
    def _check_locale(self, _: Any, value: str | None) -> None:
        check_locale(value, "crisis_locale")

    @gas_rho.validator
    def _check_rho(self, _: Any, value: float) -> None:
        if not 0 <= value < 1:
            raise ValueError(f"gas_rho must be in [0, 1), got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = attrs.asdict(self, filter=lambda field, _: field.name != "crisis_resources")
        out["crisis_resources"] = [r.to_dict() for r in self.crisis_resources]
        return out


__all__ = ["ReviewConfig", "review_config_from_mapping"]

#: key -> (ReviewConfig field, whole number only)
_KEYS: Mapping[str, tuple[str, bool]] = {
    "tolerance": ("trajectory_tolerance", False),
    "no-response-weeks": ("no_response_weeks", True),
    "default-review-interval-days": ("default_review_interval_days", True),
    "gas-rho": ("gas_rho", False),
    "free-metric-change-fraction": ("free_metric_change_fraction", False),
    "measurement-interval-days": ("measurement_interval_days", True),
    "first-review-weeks": ("first_review_weeks", True),
    "rolling-window": ("rolling_window", True),
    "flag-escalation-days": ("flag_escalation_days", True),
}


def review_config_from_mapping(
    table: Mapping[str, Any], *, where: str = "configuration", **changes: Any
) -> ReviewConfig:
    """A :class:`ReviewConfig` from the ``review`` table of a ``[tool.planengine]``-shaped mapping.

    :param changes: field values that win over the file (the command line's options).
    :raises ConfigError: for unknown keys and bad values, naming the key.
    """
    review = table.get("review", {})
    if not isinstance(review, Mapping):
        raise ConfigError(f"{where}: review must be a table")
    fields: dict[str, Any] = _crisis_settings(table, where)
    for key, value in review.items():
        if key in ("crisis-locale", "crisis-resources"):
            raise ConfigError(
                f"{where}: unknown key review.{key}: crisis resources are set once, under "
                f"plan.{key}, so a plan and its review show the same ones"
            )
        if key not in _KEYS:
            raise ConfigError(
                f"{where}: unknown key review.{key}; known: {', '.join(sorted(_KEYS))}"
            )
        field, whole = _KEYS[key]
        kinds: tuple[type, ...] = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            wanted = "a whole number" if whole else "a number"
            raise ConfigError(f"{where}: review.{key} must be {wanted}, not {value!r}")
        fields[field] = value
    try:
        config = ReviewConfig(**fields)
    except ValueError as error:
        message = str(error)
        for key, (field, _whole) in _KEYS.items():
            message = message.replace(field, f"review.{key}")
        raise ConfigError(f"{where}: {message}") from None
    if not changes:
        return config
    try:
        return attrs.evolve(config, **changes)
    except ValueError as error:
        message = str(error)
        for field, option in _OPTIONS.items():
            message = message.replace(field, option)
        raise ConfigError(message) from None


def _crisis_settings(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``crisis_locale`` and ``crisis_resources`` from the ``plan`` table, where planning reads
    them too (one setting for both commands).

    :raises ConfigError: naming the key.
    """

    plan = table.get("plan", {})
    fields: dict[str, Any] = {}
    if not isinstance(plan, Mapping):
        return fields  # planning's own reader says what is wrong with it
    if "crisis-locale" in plan:
        fields["crisis_locale"] = check_locale(plan["crisis-locale"], f"{where}: plan.crisis-locale")
    if "crisis-resources" in plan:
        fields["crisis_resources"] = crisis_resources_from_config(
            plan["crisis-resources"], f"{where}: plan.crisis-resources"
        )
    return fields


#: ReviewConfig field -> the command-line option that sets it (for messages).
_OPTIONS = {"trajectory_tolerance": "--tolerance", "no_response_weeks": "--no-response-weeks"}
