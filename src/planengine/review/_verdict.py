"""Verdict rules that read more than the status: regression, stale data, review points, fast
change, non-response, GAS ratings and instrument cut-offs (docs/review.md).

``_suggest.core_suggestions`` calls these in order; each returns the suggestions of its rule(s):

* ``review.escalate`` / ``review.worsening`` / ``review.target-lost``: a regression, review now
  (R-SC5: deterioration -> review now); ``review.ask-about-risk`` beside them
  when the instrument has no risk item (GAD-7, WHO-5, ISI: a worsening is a reason to ask);
* ``review.re-measure``: the latest value is older than the measurement cadence (R-SC6): no
  decision (keep, close, raise, step up, change strategy, extend) rests on it;
* ``review.contact-today``: a symptom score at or above caseness that got worse (a reliable
  deterioration, from the baseline or the best value, or back at caseness after it had fallen
  below) and whose latest value is older than the cadence: contact the patient today and ask
  about suicidal thoughts and self-harm, then re-measure and consider a step-up or supervision;
  if they cannot be reached, the service's non-attendance and risk policy (clinician read 23);
* ``review.possible-disengagement``: the latest value is stale and a symptom score at or above
  caseness (``data/review.yaml``): reach out to the patient, lost to follow-up is not "overdue";
* ``review.likely-non-response``: the latest value is stale and the non-response review point
  has passed without reliable improvement: re-measure at this contact and decide about a
  step-up in the same session (a stale value never postpones the decision indefinitely);
* ``review.verify-change``: an improvement inside the recall window of the baseline is
  re-administered before it changes the goal ([DN-change-measures]); on a depression measure, a
  switch into (hypo)mania is considered (CG185 [S12]);
* ``review.newest-unusable`` (``latest_in_doubt``): the newest progress entry could not be used (a unit that cannot be
  converted, a value outside the range): re-measure; no decision rests on the older value;
* ``review.confirm-latest``: a count read by its rolling median whose latest value is back at the
  baseline (``status.latest-back-at-baseline``): record the next value before deciding;
* ``review.review-point-due``: the non-response review point passed after the latest value;
* ``review.step-up`` (instruments, R-SC5) / ``review.change-strategy`` (other measures): no
  improvement at or after the non-response review point, or by a passed due date;
* ``review.gas-rescale`` / ``review.gas-confirm``: a GAS goal is not closed on one early rating;
* ``review.assess-depression``: a WHO-5 score at a cut-off that calls for it ([R23]).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from planengine._values import compare
from planengine.review._change import raw_total, reliable_step
from planengine.review._model import GoalReview, ReviewConfig, Suggestion
from planengine.review._parse import ParsedGoal
from planengine.review._rules import caseness_cutoff, depression_cutoffs, mood_elevation_areas
from planengine.review._trajectory import add_days

__all__ = [
    "RULE_CONTACT_TODAY",
    "assess_depression",
    "contact_today",
    "disengagement",
    "gas_reached",
    "latest_in_doubt",
    "likely_non_response",
    "non_response",
    "point_to_measured",
    "reach_out_this_week",
    "regression",
    "remeasure",
    "review_point_due",
    "suggestion",
    "verify_change",
]

#: Actions that decide about a goal: none rests on a stale value.
DECISIONS = frozenset(
    {"keep", "close-goal", "raise-target", "step-up", "change-strategy", "extend-or-split"}
)


def suggestion(rule: str, action: str, reason: str, goal: GoalReview, **details: Any) -> Suggestion:
    """A suggestion for ``goal``, with the details that have a value."""
    return Suggestion(
        rule=rule,
        action=action,
        reason=reason,
        goal_id=goal.goal_id,
        details={k: v for k, v in details.items() if v is not None},
    )


def _instrument(parsed: ParsedGoal) -> Any:
    """The goal's instrument when its values are the instrument's scores, else ``None``."""
    return None if parsed.scale == "metric" else parsed.instrument


def regression(goal: GoalReview, parsed: ParsedGoal) -> list[Suggestion]:
    """Review now on a reliable deterioration, a worsening or a lost target; ask about risk
    beside it when the instrument asks nothing about it."""
    out: list[Suggestion] = []
    change, status = goal.change, goal.status
    if change is not None and change.reliable_deterioration:
        rc = change.reliable_change or {}
        out.append(suggestion(
            "review.escalate",
            "escalate",
            f"{change.instrument} went from {change.baseline:g} to {change.latest:g} "
            f"({change.latest_date}): reliable deterioration ({rc.get('method')}, threshold "
            f"{rc.get('threshold')}). Review the plan now: consider a step-up in care or "
            "supervision (R-SC5).",
            goal,
        ))
    elif status.code == "worsening":
        out.append(suggestion("review.worsening", "review-now", f"{status.reason}. Review the plan now.", goal))
    elif status.rule == "status.target-lost":
        out.append(suggestion(
            "review.target-lost",
            "review-now",
            f"the target was lost: {status.reason}. Review now with the patient (what changed, "
            "early warning signs, relapse prevention) rather than keep the plan as it is.",
            goal,
        ))
    instrument = _instrument(parsed)
    back = status.rule == "status.target-lost" and bool(
        change is not None and change.recovery and change.recovery.get("latest_case")
    )
    if back and instrument is not None and instrument.risk_items:
        out.append(suggestion(
            "review.ask-about-risk",
            "assess-risk",
            f"{instrument.name} is back at caseness after it had fallen below: ask about "
            "suicidal thoughts and self-harm at this contact (its risk item, or the C-SSRS "
            "screener, [R26][R27]), whatever an earlier flag's disposition said, and record "
            "the answer.",
            goal,
        ))
    if out and instrument is not None and not instrument.risk_items:
        out.append(suggestion(
            "review.ask-about-risk",
            "assess-risk",
            f"{instrument.name} has no item on suicidal thoughts or self-harm, and this goal got "
            "worse: ask about them at this contact (PHQ-9 item 9 or the C-SSRS screener, "
            "[R26][R27]), and record the answer.",
            goal,
        ))
    return out


def remeasure(goal: GoalReview) -> list[Suggestion]:
    """Re-measure before deciding when the latest value is older than the cadence."""
    if not goal.measurement_overdue or (len(goal.measurements) <= 1 and goal.gas is None):
        return []
    return [suggestion(
        "review.re-measure",
        "record-measurement",
        f"the latest value is {goal.measurement_age_days} days old, older than the measurement "
        f"cadence ({goal.measurement_interval_days} days): re-measure before deciding. No "
        "decision about this goal (keep, close, raise the target, step up, change the strategy) "
        "rests on a stale value.",
        goal,
        age_days=goal.measurement_age_days,
    )]


def _at_caseness(goal: GoalReview, parsed: ParsedGoal) -> Any:
    """The goal's caseness cut-off when its latest value is stale and at or above it, else
    ``None``."""
    instrument = _instrument(parsed)
    latest = goal.latest
    if not goal.measurement_overdue or instrument is None or latest is None:
        return None
    cutoff = caseness_cutoff(instrument)
    raw = raw_total(instrument, latest.value, parsed.scale)
    if cutoff is None or not compare(raw, cutoff.comparator, cutoff.value):
        return None
    return cutoff


def disengagement(goal: GoalReview, parsed: ParsedGoal) -> list[Suggestion]:
    """Reach out to the patient when the latest value is stale and the symptom score was at or
    above caseness: possibly lost to follow-up, not merely overdue."""
    cutoff = _at_caseness(goal, parsed)
    if cutoff is None or goal.latest is None:
        return []
    latest, name = goal.latest, parsed.instrument.name  # type: ignore[union-attr]
    return [suggestion(
        "review.possible-disengagement",
        "contact-patient",
        f"no value for {goal.measurement_age_days} days: reach out to the patient and ask what "
        f"has got in the way. The latest {name} ({latest.value:g} on {latest.date}) is at or "
        f"above caseness ({cutoff.comparator} {cutoff.value:g}, {cutoff.meaning}).",
        goal,
        cutoff=cutoff.id,
    )]


RULE_CONTACT_TODAY = "review.contact-today"


def _best(goal: GoalReview) -> float:
    """The goal's best value so far, in its better direction."""
    values = [m.value for m in goal.measurements]
    return max(values) if goal.direction == "higher-is-better" else min(values)

#: Status rules of a reliable deterioration (from the baseline, or from the best value).
_RELIABLY_WORSE = frozenset({"status.reliable-deterioration", "status.deterioration-since-best"})


def contact_today(goal: GoalReview, parsed: ParsedGoal) -> list[Suggestion]:
    """``review.contact-today``: at or above caseness, worse (reliably, or back at caseness after
    it had fallen below) and no value within the cadence: the patient is contacted today, and
    asked about suicidal thoughts and self-harm first (clinician read 23, MUST 2)."""
    cutoff = _at_caseness(goal, parsed)
    change = goal.change
    if cutoff is None or change is None:
        return []
    reliably = change.reliable_deterioration or goal.status.rule in _RELIABLY_WORSE
    back = goal.status.rule == "status.target-lost" and bool(
        change.recovery and change.recovery.get("latest_case")
    )
    if not (reliably or back):
        return []
    caseness = f"caseness ({cutoff.comparator} {cutoff.value:g})"
    worse = (
        f"a reliable deterioration from {change.baseline:g}, at or above {caseness}"
        if change.reliable_deterioration or goal.status.rule == "status.reliable-deterioration"
        else f"reliably worse than its best ({_best(goal):g}), at or above {caseness}"
        if reliably
        else f"back at {caseness} after it had fallen below"
    )
    return [suggestion(
        RULE_CONTACT_TODAY,
        "contact-patient",
        f"{parsed.instrument.name} {change.latest:g} on {change.latest_date}: "  # type: ignore[union-attr]
        f"{worse}, and no value for {goal.measurement_age_days} days. Contact the patient today: ask about suicidal "
        "thoughts and self-harm (PHQ-9 item 9 or the C-SSRS screener, [R26][R27]) and record "
        "the answer; then re-measure and consider a step-up in care or supervision (R-SC5). If "
        "they cannot be reached, follow the service's non-attendance and risk policy.",
        goal,
        cutoff=cutoff.id,
        age_days=goal.measurement_age_days,
    )]


def likely_non_response(
    goal: GoalReview, parsed: ParsedGoal, as_of: dt.date, config: ReviewConfig
) -> list[Suggestion]:
    """A stale value past the non-response review point without reliable improvement: re-measure
    and decide about a step-up at the same contact (R-SC5, R-SC6)."""
    instrument = _instrument(parsed)
    change = goal.change
    point = None if parsed.start is None else add_days(parsed.start, config.no_response_weeks * 7)
    if (
        not goal.measurement_overdue
        or instrument is None
        or change is None
        or change.reliable_improvement
        or bool(change.mcid and change.mcid["improved"])
        or goal.status.code == "improving"
        or point is None
        or as_of < point
        or goal.status.code in ("achieved", "sustaining", "worsening")
        or goal.status.rule in _NOT_NON_RESPONSE
    ):
        return []
    if change.latest_date < point:
        # no value since before the review point: too early to call it a non-response
        weeks = (change.latest_date - (parsed.start or change.latest_date)).days // 7
        return [suggestion(
            "review.review-point-due",
            "record-measurement",
            f"the non-response review point (week {config.no_response_weeks}, {point}) has "
            f"passed with no value since week {weeks} ({instrument.name} {change.latest:g} on "
            f"{change.latest_date}, from {change.baseline:g}): too early to call it a "
            "non-response. Re-measure at this contact and decide about a step-up in the same "
            "session (R-SC5) from that score.",
            goal,
            review_point=point.isoformat(),
            stepped_care_rule="R-SC5",
        )]
    return [suggestion(
        "review.likely-non-response",
        "record-measurement",
        f"likely non-response: the non-response review point (week {config.no_response_weeks}, "
        f"{point}) has passed and the latest {instrument.name} ({change.latest:g} on "
        f"{change.latest_date}, from {change.baseline:g}) shows no reliable improvement. "
        "Re-measure at this contact and decide about a step-up in the same session "
        "(R-SC5), rather than wait for another value.",
        goal,
        review_point=point.isoformat(),
        stepped_care_rule="R-SC5",
    )]


def verify_change(goal: GoalReview, parsed: ParsedGoal) -> list[Suggestion]:
    """Re-administer before an improvement inside the recall window changes the goal."""
    instrument = _instrument(parsed)
    if goal.status.rule != "status.not-yet-interpretable" or instrument is None:
        return []
    first = goal.measurements[0]
    on = add_days(first.date, instrument.recall_window_days or 0)
    reason = (
        f"{goal.status.reason}. Re-administer the {instrument.name}"
        + (f" on or after {on}" if on else "")
        + " and decide from that score before the goal or its target is changed."
    )
    step = reliable_step(instrument, parsed.scale)
    change = goal.change
    areas = mood_elevation_areas()
    if (
        change is not None
        and step is not None
        and change.improvement >= step[0]
        and (instrument.area in areas or goal.area in areas)
    ):
        reason += (
            " A drop this large this fast: if the patient has bipolar disorder or has started or "
            "changed an antidepressant, consider a switch into (hypo)mania (NICE CG185, "
            "[S12])."
        )
    again = None if on is None else on.isoformat()
    return [suggestion("review.verify-change", "record-measurement", reason, goal, re_measure_on=again)]


def _data_weeks(goal: GoalReview, parsed: ParsedGoal, as_of: dt.date) -> int | None:
    """Whole weeks from the start to the latest value or rating (not to the review date)."""
    if parsed.start is None or goal.measurement_age_days is None:
        return None
    return (as_of - dt.timedelta(days=goal.measurement_age_days) - parsed.start).days // 7


def review_point_due(
    goal: GoalReview, parsed: ParsedGoal, as_of: dt.date, config: ReviewConfig
) -> list[Suggestion]:
    """The non-response review point passed after the latest value: measure, then decide."""
    weeks = _data_weeks(goal, parsed, as_of)
    point = None if parsed.start is None else add_days(parsed.start, config.no_response_weeks * 7)
    if (
        goal.status.rule != "status.no-reliable-change"
        or weeks is None
        or point is None
        or weeks >= config.no_response_weeks
        or as_of < point
    ):
        return []
    return [suggestion(
        "review.review-point-due",
        "record-measurement",
        f"the non-response review point (week {config.no_response_weeks}, {point}) has passed "
        f"since the latest value (week {weeks}): measure now and decide on non-response from "
        "that score, not from the older one.",
        goal,
        review_point=point.isoformat(),
    )]


_NO_RESPONSE_RULES = frozenset({"status.no-response", "status.due-passed-no-response"})
#: A regression has its own review-now suggestion: it is no failure to respond.
_NOT_NON_RESPONSE = frozenset(
    {"status.deterioration-since-best", "status.target-lost", "status.not-yet-interpretable"}
)


def non_response(
    goal: GoalReview, parsed: ParsedGoal, as_of: dt.date, config: ReviewConfig
) -> list[Suggestion]:
    """Step up care (instruments, R-SC5) or change the strategy when the data, at or after the
    non-response review point (or a passed due date), shows no improvement."""
    status = goal.status
    weeks = _data_weeks(goal, parsed, as_of)
    # a value goal that is not moving says so in its status (status.no-response, by the date
    # of its latest value); a worsening, or a GAS level that is not moving, is read here
    late = (
        (status.code == "worsening" or (goal.gas is not None and status.code == "no-change"))
        and status.rule not in _NOT_NON_RESPONSE
        and weeks is not None
        and weeks >= config.no_response_weeks
    )
    if status.rule not in _NO_RESPONSE_RULES and not late:
        return []
    why = status.reason if not late else f"{status.reason}, at week {weeks} of the data"
    instrument = _instrument(parsed)
    if instrument is None:
        return [suggestion(
            "review.change-strategy",
            "change-strategy",
            f"no improvement in time: {why}. Change the strategy (different "
            "intervention, dose or modality) rather than wait longer.",
            goal,
            weeks=weeks,
        )]
    band = goal.change.band if goal.change is not None else None
    still = f" The latest {instrument.name} is {band['to_title']}." if band else ""
    return [suggestion(
        "review.step-up",
        "step-up",
        f"no reliable improvement at the review point: {why}.{still} Propose a step-up in care "
        "(R-SC5): a higher-intensity option or another treatment, decided with "
        "the patient, rather than wait longer or only revise the goal.",
        goal,
        weeks=weeks,
        stepped_care_rule="R-SC5",
    )]


def gas_reached(goal: GoalReview, due_passed: bool) -> list[Suggestion] | None:
    """A GAS goal at its expected level or better: rescale an early +2, confirm an early single
    rating; ``None`` where the ordinary close-goal applies (sustained, or due date reached)."""
    gas = goal.gas
    if gas is None or gas.level is None or goal.target is not None or due_passed:
        return None
    days = goal.trajectory.days_left
    left = "" if days is None else f" with {days} days left"
    if gas.level == 2:
        return [suggestion(
            "review.gas-rescale",
            "revise-goal",
            f"GAS level +2 (much more than expected){left}: an early +2 usually means the goal "
            "was scaled too low. Rescale the five levels with the patient (today's outcome as "
            "the new baseline) rather than close the goal.",
            goal,
        )]
    if goal.status.code == "sustaining":
        return None
    level = f"{gas.level:+d}".replace("+0", "0")
    return [suggestion(
        "review.gas-confirm",
        "keep",
        f"GAS level {level} (the expected outcome or better) on one rating{left}: keep the goal "
        "and confirm the level at the next rating; close it when the level holds (at the due "
        "date, or at two ratings in a row).",
        goal,
    )]


def assess_depression(goal: GoalReview, parsed: ParsedGoal) -> list[Suggestion]:
    """Assess for depression when a score measured since the baseline meets a cut-off that calls
    for it (WHO-5); the baseline is the plan's to act on, as planning does."""
    instrument = _instrument(parsed)
    latest = goal.latest
    if instrument is None or latest is None or len(goal.measurements) < 2:
        return []
    raw = raw_total(instrument, latest.value, parsed.scale)
    for cutoff in depression_cutoffs(instrument):
        if compare(raw, cutoff.comparator, cutoff.value):
            return [suggestion(
                "review.assess-depression",
                "assess",
                f"{instrument.name} {latest.value:g} on {latest.date} (raw {raw:g}, "
                f"{cutoff.text}): {cutoff.meaning} [{', '.join(cutoff.citations)}]. Assess for "
                "depression (a PHQ-9, with its item 9).",
                goal,
                cutoff=cutoff.id,
            )]
    return []


def latest_in_doubt(goal: GoalReview) -> list[Suggestion]:
    """Re-measure before deciding when the latest usable value may not say where the patient is:
    a newer entry could not be used (``review.newest-unusable``), or a count's latest value is
    back at the baseline while its rolling median reads better (``review.confirm-latest``)."""
    return _newest_unusable(goal) + _confirm_latest(goal)


def _newest_unusable(goal: GoalReview) -> list[Suggestion]:
    """Re-measure when entries newer than the latest usable value could not be used: the
    status rests on older data, and no decision rests on it (clinician read 23, MUST 1)."""
    if not goal.unusable_newer:
        return []
    newest = goal.unusable_newer[-1]
    latest = goal.latest
    rests = "" if latest is None else f" The status rests on {latest.value:g} ({latest.date})."
    return [suggestion(
        "review.newest-unusable",
        "record-measurement",
        f"the newest entry ({newest.date}) could not be used: {newest.why}.{rests} Re-measure "
        "at this contact, or correct that entry, before deciding; no decision (keep, close, "
        "raise the target, step up, change the strategy) rests on the older value.",
        goal,
        entry_date=newest.date.isoformat(),
    )]


def _confirm_latest(goal: GoalReview) -> list[Suggestion]:
    """Record the next value when the latest one is back at the baseline while the rolling
    median reads better: the median cannot show whether the gain was noise (read 23)."""
    if goal.status.rule != "status.latest-back-at-baseline" or goal.latest is None:
        return []
    latest, baseline = goal.latest, goal.measurements[0]
    return [suggestion(
        "review.confirm-latest",
        "record-measurement",
        f"the latest value ({latest.value:g} on {latest.date}) is back at the baseline "
        f"({baseline.value:g}): ask what happened that week and record the next value before "
        "calling the goal improving or changing the plan.",
        goal,
    )]


#: the questionnaire "Assess for depression" asks for, by instrument id, and its display name
_DEPRESSION_MEASURE = ("phq9", "PHQ-9")


def point_to_measured(goals: tuple[GoalReview, ...]) -> tuple[GoalReview, ...]:
    """``review.assess-depression`` never asks for a PHQ-9 the goal file already has: it points
    to the goal that measures it instead, and says to act on that score (within its cadence) or
    to re-measure it with its item 9 at that goal's contact (clinician read 24)."""
    instrument, name = _DEPRESSION_MEASURE
    measured = next((g for g in goals if g.instrument == instrument and g.latest is not None), None)
    if measured is None or measured.latest is None:
        return goals
    latest = measured.latest
    on_file = f"Depression already measured: {name} {latest.value:g} on {latest.date} (see {measured.goal_id})"
    then = (
        f", {measured.measurement_age_days} days old: re-measure it, with its item 9, at that "
        "goal's contact rather than as a separate assessment."
        if measured.measurement_overdue
        else f", within its cadence: act on that score rather than giving a new {name}."
    )

    def pointed(s: Suggestion) -> Suggestion:
        if s.rule != "review.assess-depression":
            return s
        head = s.reason.rsplit(" Assess for depression (", 1)[0]
        return attrs.evolve(s, reason=f"{head} {on_file}{then}", details={**s.details, "measured_by": measured.goal_id})

    return tuple(
        attrs.evolve(g, suggestions=tuple(pointed(s) for s in g.suggestions)) if g is not measured else g
        for g in goals
    )


def reach_out_this_week(goals: tuple[GoalReview, ...], gaps: Sequence[Any]) -> tuple[GoalReview, ...]:
    """``review.possible-disengagement`` made firmer when the patient, last seen at or above
    caseness, has not been seen for more than twice the cadence and the instrument's risk item
    was never recorded (``gaps``: :class:`~planengine.review._patient.RiskItemGap`): reach out
    this week and ask the risk item, as ``review.contact-today`` words it (clinician read 24)."""
    unknown = {gap.instrument: gap for gap in gaps}

    def firmer(goal: GoalReview, s: Suggestion) -> Suggestion:
        age, cadence = goal.measurement_age_days, goal.measurement_interval_days
        gap = unknown.get(goal.instrument or "")
        if s.rule != "review.possible-disengagement" or gap is None or not age or not cadence or age <= 2 * cadence:
            return s
        item = f"{gap.name} item {gap.item}"
        return attrs.evolve(
            s,
            reason=f"not seen for {age} days (more than twice the {cadence}-day cadence); the "
            f"latest {s.reason.partition(' The latest ')[2].rstrip('.')}, and {item} was never "
            "recorded, so risk is not known: reach out this week (today if the service's policy "
            "says so), ask what has got in the way, and ask about "
            f"suicidal thoughts and self-harm ({item}) and record the answer. If they cannot be "
            "reached, follow the service's non-attendance and risk policy.",
            details={**s.details, "reach_out": f"not seen for {age} days, risk not known: reach out this week"},
        )

    return tuple(attrs.evolve(g, suggestions=tuple(firmer(g, s) for s in g.suggestions)) for g in goals)
