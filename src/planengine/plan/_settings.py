"""Planning settings an organisation may change (:class:`EngineConfig`), checked when they are
built so that no plan the schema or the SMART linter refuses can come from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from planengine._errors import ConfigError
from planengine._read_only import read_only
from planengine.plan._crisis import CrisisResource, check_locale, crisis_resources_from_config
from planengine.plan.stepped_care._defaults import default_limit

__all__ = ["EngineConfig"]


def _own_crisis_resources(value: Any) -> tuple[CrisisResource, ...]:
    """``crisis_resources`` checked and converted (mappings become :class:`CrisisResource`)."""
    return crisis_resources_from_config(value, "crisis_resources")


def _names(value: Any) -> Any:
    """A list of names as a tuple (anything else is left for the checks to refuse)."""
    return tuple(value) if isinstance(value, list) else value


def _within_horizon(config: Any, name: str) -> int:
    """A review week's shipped default, or the horizon when that is shorter (a horizon of the
    wrong type is refused by the checks after)."""
    horizon = config.horizon_weeks
    default = default_limit(name)
    return min(default, horizon) if type(horizon) is int and horizon > 0 else default


@attrs.frozen
class EngineConfig:
    """Planning settings an organisation may change.

    :ivar max_review_interval_days: no objective is reviewed less often ([DN-review-intervals]: 90 days is the
        common regulatory maximum [R44][R46]).
    :ivar review_interval_days: default review interval of an objective (28 days: a design
        default within the 30/60/90-day outpatient practice, [DN-review-intervals], marked U there;
        the maximum when that is shorter).
    :ivar horizon_weeks: default time to an objective's due date (12 weeks: a design default,
        matching the 8-12-week non-response review point of measurement-based care, [DN-review-intervals] (L)).
    :ivar max_objectives_per_problem: active objectives per problem; the rest are deferred
        (3: a design default from the issue, keeping plans short; not a sourced number).
    :ivar screen_followup_days: due time for the follow-up a finding asks for when it is not a
        questionnaire given at this visit (a clinician's review, a referral; 7 days: a design
        default, not a sourced number; set it by local policy). The full questionnaire a
        positive screen asks for is given at this visit (clinician read 9, S1).
    :ivar stale_baseline_days: a score older than this on the planning date is marked stale in
        the scores and in every objective whose baseline it is (90 days: a design default, the
        common regulatory maximum review interval of [DN-review-intervals]; set it by local policy).
    :ivar allow_draft_strategies: accept strategies whose status is ``draft``.
    :ivar instrument_overrides: instrument id -> overrides for configurable (unconfirmed) facts.
    :ivar crisis_locale: the locale whose shipped crisis resources plans show (``"US"``,
        ``"GB"``: :func:`planengine.plan._crisis.shipped_locales`). No default: with neither this nor
        ``crisis_resources``, plans show no crisis line and say so loudly when a flag is open.
    :ivar crisis_resources: the clinic's own crisis resources (mappings with ``name`` and a
        ``phone``, ``text`` or ``url``: ``schemas/crisis-resources.schema.json#/$defs/resource``),
        shown first; one with a shipped resource's id replaces it.
    :ivar max_courses_now: high-intensity courses of therapy that start at once (R-SC14; a
        design default of 1 from [DN-treatment-burden], marked U); a CBT-I course may run beside
        them (R-SC12).
    :ivar max_self_guided_modules: problems whose self-help starts at once (R-SC14; 2, U).
    :ivar homework_minutes_per_week: the weekly budget of self-help that starts at once
        (R-SC15; 210, about 30 minutes a day, a product choice marked U; lower it for
        low-intensity care).
    :ivar step_up_review_weeks: the review at which lower-intensity care steps up without
        reliable improvement (R-SC5, R-SC6; 4, U).
    :ivar sequence_review_weeks: the review at which a problem waiting behind the primary one
        starts if it has not improved (8: the 8-12-week non-response review of [DN-review-intervals]).
    :ivar depression_measure_areas: areas whose problem, measured at or above a cut-off in a
        plan with no PHQ-9 or PHQ-2 on file, gets the full PHQ-9 at this visit (anxiety and
        alcohol: a clinical call marked U, clinician read 11, S2; docs/stepped-care.md). An
        empty tuple turns the rule off.
    :ivar urgent_contact_working_days: after a clinician records a referral for urgent care,
        the working days (Monday to Friday) after the disposition by which the urgent service
        is to have seen the patient: the date of the dated check and of the patient copy's
        "They should contact you by" (1, the next working day: a default, not a confirmed
        standard; NHS England's proposed standard for an urgent community crisis referral,
        24 hours, is not in the domain briefs; set it by the clinic's pathway; clinician read 20,
        S3).
    :ivar perinatal_conditions: documented conditions with which every plan names the route to
        the perinatal mental health service, as the clinician's choice by local criteria
        (pregnancy, which covers a recent birth; clinician read 11, S4; U).
    """

    max_review_interval_days: int = 90
    #: 28, or the maximum when that is shorter (so a maximum alone is enough)
    review_interval_days: int = attrs.field(
        default=attrs.Factory(lambda self: min(28, self.max_review_interval_days), takes_self=True)
    )
    horizon_weeks: int = 12
    max_objectives_per_problem: int = 3
    screen_followup_days: int = 7
    stale_baseline_days: int = 90
    urgent_contact_working_days: int = 1
    allow_draft_strategies: bool = False
    instrument_overrides: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, converter=read_only
    )
    crisis_locale: str | None = None
    crisis_resources: tuple[CrisisResource, ...] = attrs.field(
        default=(), converter=_own_crisis_resources
    )
    max_courses_now: int = attrs.field(factory=lambda: default_limit("max_courses_now"))
    max_self_guided_modules: int = attrs.field(
        factory=lambda: default_limit("max_self_guided_modules")
    )
    homework_minutes_per_week: int = attrs.field(
        factory=lambda: default_limit("homework_minutes_per_week")
    )
    #: the shipped defaults, or the horizon when that is shorter (a 6-week horizon stays valid)
    step_up_review_weeks: int = attrs.field(
        default=attrs.Factory(lambda self: _within_horizon(self, "step_up_review_weeks"),
                              takes_self=True)
    )
    sequence_review_weeks: int = attrs.field(
        default=attrs.Factory(lambda self: _within_horizon(self, "sequence_review_weeks"),
                              takes_self=True)
    )

    depression_measure_areas: tuple[str, ...] = attrs.field(
        default=("anxiety", "alcohol"), converter=_names
    )

    perinatal_conditions: tuple[str, ...] = attrs.field(default=("pregnancy",), converter=_names)

    def __attrs_post_init__(self) -> None:
        """Refuse settings that would make plans the schema or the SMART linter refuses.

        :raises ConfigError: naming the field (``planengine.toml`` readers name the key instead).
        """
        for name in (
            "max_review_interval_days",
            "review_interval_days",
            "horizon_weeks",
            "max_objectives_per_problem",
            "screen_followup_days",
            "stale_baseline_days",
            "urgent_contact_working_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive whole number, not {value!r}")
        if not isinstance(self.instrument_overrides, Mapping) or not all(
            isinstance(changes, Mapping) for changes in self.instrument_overrides.values()
        ):
            raise ConfigError(
                "instrument_overrides must map instrument ids to mappings, not "
                f"{self.instrument_overrides!r}"
            )
        if not isinstance(self.allow_draft_strategies, bool):
            raise ConfigError(
                f"allow_draft_strategies must be true or false, not {self.allow_draft_strategies!r}"
            )
        if self.urgent_contact_working_days > 10:  # an urgent referral is checked within days
            raise ConfigError(
                f"urgent_contact_working_days ({self.urgent_contact_working_days}) is above 10: "
                "an urgent referral is confirmed within days, not weeks"
            )
        # Longer horizons make objectives that SMART rule T504 flags (more than a year).
        for name, most in (("horizon_weeks", 52), ("screen_followup_days", 365)):
            value = getattr(self, name)
            if value > most:
                raise ConfigError(
                    f"{name} ({value}) is above {most}: objectives would span more than a year, "
                    "which SMART rule T504 flags"
                )
        if self.review_interval_days > self.max_review_interval_days:
            raise ConfigError(
                f"review_interval_days ({self.review_interval_days}) is above "
                f"max_review_interval_days ({self.max_review_interval_days})"
            )
        for name in ("depression_measure_areas", "perinatal_conditions"):
            names = getattr(self, name)
            if not isinstance(names, tuple) or not all(isinstance(n, str) and n for n in names):
                raise ConfigError(f"{name} must be a list of names, not {names!r}")
        check_locale(self.crisis_locale, "crisis_locale")
        for name, least, most in _LIMIT_RANGES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
                raise ConfigError(
                    f"{name} must be a whole number from {least} to {most}, not {value!r}"
                )
        if self.sequence_review_weeks < self.step_up_review_weeks:
            raise ConfigError(
                f"sequence_review_weeks ({self.sequence_review_weeks}) is before "
                f"step_up_review_weeks ({self.step_up_review_weeks}): a waiting problem would "
                "start before the first review of the one before it"
            )
        for name in ("step_up_review_weeks", "sequence_review_weeks"):
            if getattr(self, name) > self.horizon_weeks:
                raise ConfigError(
                    f"{name} ({getattr(self, name)}) is after horizon_weeks ({self.horizon_weeks}): "
                    "the review would come after the objectives are due"
                )


#: the stepped-care limits and the range a clinic may set them in: at least one course and one
#: self-help programme; no more than a full working week of self-help (2,100 minutes)
_LIMIT_RANGES = (
    ("max_courses_now", 1, 3),
    ("max_self_guided_modules", 1, 5),
    ("homework_minutes_per_week", 0, 2100),
    ("step_up_review_weeks", 1, 52),
    ("sequence_review_weeks", 1, 52),
)
