"""Choose each goal's FHIR ``Goal.achievementStatus`` and name the rule that chose it.

Rules are tried in order; the first that applies wins. A regression (worsening from the
baseline, a reliable relapse from the best value, a lost target) comes before the target rules:
a value that lost ground is never ``achieved`` or ``sustaining``. The rule's name says which
criterion decided: "reliable" only where the reliable-change criterion was met (docs/review.md):

=================================== ============== ================================================
rule                                status         when
=================================== ============== ================================================
``status.target-impossible``        not-attainable the target lies outside what the measure can reach
``status.reliable-deterioration``   worsening      worse than the baseline by the reliable-change
                                                   criterion (``status.mcid-deterioration``: by the
                                                   MCID only; ``status.metric-worsening``: a free
                                                   metric, by a share of the planned change;
                                                   ``status.unconfirmed-deterioration``: PSS-10,
                                                   RSES, maybe within measurement error)
``status.deterioration-since-best`` worsening      reliably worse than the best value since the
                                                   baseline (a relapse)
``status.target-lost``              in-progress    reached, then regressed: worse than the best
                                                   value by the MCID, or the target or caseness
                                                   lost again (``_lost``)
``status.sustaining``               sustaining     the target is met now and at the measurement before
``status.target-met``               achieved       the target is met at the latest measurement
``status.due-passed-no-response``   no-progress    the due date passed, target not met, no
                                                   improvement since the baseline
``status.due-passed-improved``      not-achieved   the due date passed, target not met, after a
                                                   meaningful improvement (reliable change, MCID
                                                   or a free metric's share): agree a new target
``status.due-passed``               not-achieved   the due date passed and the target is not met
``status.reliable-improvement``     improving      better by the reliable-change criterion
                                                   (``status.treatment-response``: a response only;
                                                   ``status.mcid-improvement``: the MCID only;
                                                   ``status.metric-improvement``,
                                                   ``status.unconfirmed-improvement`` as above)
``status.no-response``              no-change      no improvement at or after the non-response
                                                   review point (N weeks, config), by the date of
                                                   the latest measurement, not of the review
``status.no-reliable-change``       no-change      measured again, but no change yet
``status.awaiting-measurement``     in-progress    only the baseline so far
``status.not-yet-interpretable``    in-progress    an improvement on a score taken within the
                                                   recall window of the baseline: re-measure
``status.gas-*``                    (as above)     goals scored only by GAS levels; a level of -2
                                                   (much less than expected) that did not just
                                                   fall is ``worsening`` too
                                                   (``status.gas-much-less-than-expected``)
``status.baseline-pending``         in-progress    the baseline is recorded from the first week of
                                                   a log, and no progress entry has given it yet
``status.no-data``                  in-progress    nothing to judge by
=================================== ============== ================================================
"""

from __future__ import annotations

import datetime as dt

from planengine.instruments._parts import Cutoff
from planengine.review._change import deterioration_since_best
from planengine.review._lost import lost_target
from planengine.review._model import ChangeReport, ReviewConfig, Status
from planengine.review._parse import ParsedGoal
from planengine.review._target import target_met

__all__ = ["change_words", "goal_status", "meaningful_change", "target_met"]


def meaningful_change(
    goal: ParsedGoal, change: ChangeReport | None, config: ReviewConfig
) -> tuple[str, str, str]:
    """``(direction, basis, kind)``: ``improved``, ``deteriorated`` or ``none`` since the baseline,
    the criterion in words, and which criterion decided (names the status rule).

    Instruments: a reliable change (Jacobson-Truax, or the published points) decides when there
    is one (kind ``reliable``). Without one, a treatment response (the instrument's response
    criterion, e.g. a 50 % reduction; kind ``response``) or a change of at least the MCID (kind
    ``mcid``) still counts: measurement-based care reads these side by side ([DN-change-measures]),
    and a patient who has responded is not a non-responder because one criterion is stricter.
    Free metrics: a change of at least ``free_metric_change_fraction`` of the planned change
    (kind ``metric``; ``unconfirmed`` on an instrument without thresholds, PSS-10 or RSES).
    """
    if len(goal.measurements) < 2:
        return "none", "no measurement after the baseline", "none"
    if change is not None and (change.reliable_change is not None or change.mcid is not None):
        return _instrument_change(change)
    baseline, latest = goal.measurements[0].value, goal.measurements[-1].value
    if goal.target is None or goal.target == baseline:
        return "none", "no planned change to compare with", "none"
    step = abs(goal.target - baseline) * config.free_metric_change_fraction
    improvement = latest - baseline if goal.direction == "higher-is-better" else baseline - latest
    basis = f"{config.free_metric_change_fraction:.0%} of the planned change ({step:g})"
    kind = "metric"
    if goal.instrument is not None and goal.scale != "metric":
        kind = "unconfirmed"
        basis += (
            f", as {goal.instrument.name} has no agreed reliable-change or MCID threshold "
            "(not a reliable change)"
        )
    if improvement >= step:
        return "improved", basis, kind
    if -improvement >= step:
        return "deteriorated", basis, kind
    return "none", basis, kind


def _instrument_change(change: ChangeReport) -> tuple[str, str, str]:
    rc, mcid, response = change.reliable_change, change.mcid, change.response
    rc_basis = None
    if rc is not None:
        rc_basis = (
            "Jacobson-Truax reliable change"
            if rc["method"] == "jacobson-truax"
            else f"published reliable-change threshold ({rc['threshold']:g} points)"
        )
        if rc["direction"] != "none":
            return rc["direction"], rc_basis, "reliable"
    # A response is read only from a baseline not already in remission (PHQ-9 4 -> 2 is no
    # treatment response).
    remission = change.remission
    if response is not None and response["met"] and not (remission and remission["baseline_met"]):
        return "improved", f"treatment response ({response['basis']})", "response"
    mcid_basis = None if mcid is None else f"minimal important difference ({mcid['value']:g})"
    if mcid is not None and (mcid["improved"] or mcid["deteriorated"]):
        return ("improved" if mcid["improved"] else "deteriorated"), str(mcid_basis), "mcid"
    return "none", str(rc_basis or mcid_basis), "reliable" if rc_basis else "mcid"


def goal_status(
    goal: ParsedGoal,
    change: ChangeReport | None,
    as_of: dt.date,
    config: ReviewConfig,
    caseness: Cutoff | None = None,
) -> Status:
    """The achievementStatus of one goal on ``as_of``, with its rule and reason.

    :param caseness: the instrument's caseness cut-off: a score back at caseness after it fell
        below is a lost target.
    """
    if not goal.target_possible:
        return Status(
            "not-attainable",
            "status.target-impossible",
            f"the target {goal.comparator or ''} {goal.target:g} lies outside the range the "
            "measure can take",
        )
    due_passed = goal.due is not None and as_of > goal.due
    # An instrument's scores are judged by change even when the target was left out.
    judged_by_change = goal.instrument is not None and goal.scale != "metric"
    if goal.has_baseline and (goal.target is not None or judged_by_change):
        status = _value_status(goal, change, config, due_passed, caseness)
        return _interpretable(goal, status)
    if goal.gas_levels is not None and (goal.gas_history or goal.gas_current is not None):
        return _gas_status(goal, due_passed)
    if goal.baseline_pending is not None:
        return Status("in-progress", "status.baseline-pending", goal.baseline_pending)
    return Status(
        "in-progress",
        "status.no-data",
        "no baseline and target (or GAS levels) to judge progress by",
    )


def _interpretable(goal: ParsedGoal, status: Status) -> Status:
    """An improvement (or a target met) on a score taken within the instrument's recall window
    of the baseline is ``in-progress`` until re-measured: the two scores overlap, so the change is
    not yet interpretable ([DN-change-measures]). A worsening is never held back."""
    instrument = None if goal.scale == "metric" else goal.instrument
    window = None if instrument is None else instrument.recall_window_days
    if instrument is None or not window or status.code not in ("improving", "achieved", "sustaining"):
        return status
    first, latest = goal.measurements[0], goal.measurements[-1]
    days = (latest.date - first.date).days
    if days >= window:
        return status
    return Status(
        "in-progress",
        "status.not-yet-interpretable",
        f"{first.value:g} -> {latest.value:g} in {days} days, within the {window}-day recall "
        f"window of {instrument.name} (the scores overlap), so the change is not yet "
        f"interpretable: it reads as {status.code} ({status.reason})",
    )


#: (kind, direction) -> the status rule; "reliable" only where the reliable-change criterion met.
_RULES = {
    ("reliable", "improved"): "status.reliable-improvement",
    ("reliable", "deteriorated"): "status.reliable-deterioration",
    ("response", "improved"): "status.treatment-response",
    ("mcid", "improved"): "status.mcid-improvement",
    ("mcid", "deteriorated"): "status.mcid-deterioration",
    ("metric", "improved"): "status.metric-improvement",
    ("metric", "deteriorated"): "status.metric-worsening",
    ("unconfirmed", "improved"): "status.unconfirmed-improvement",
    ("unconfirmed", "deteriorated"): "status.unconfirmed-deterioration",
}


def change_words(
    goal: ParsedGoal, change: ChangeReport | None, config: ReviewConfig, direction: str, basis: str
) -> str:
    """The change from the baseline in words true to its direction and size, with what a change
    must reach to count (clinician read 23): "better by 4 points (from 16 to 12), not a reliable
    improvement (reliable change needs 6)", "worse by 3 points (from 14 to 17), not a reliable
    change (reliable change needs 6)", "better from 0 to 3 (60% of the planned change; a change
    counts from 10%, 0.5)"."""
    values = goal.measurements
    first, last = values[0].value, values[-1].value
    moved = f"from {first:g} to {last:g}"
    gain = last - first if goal.direction == "higher-is-better" else first - last
    if gain == 0:
        return f"unchanged ({moved})"
    word = "better" if gain > 0 else "worse"
    rc = None if change is None else change.reliable_change
    mcid = None if change is None else change.mcid
    if rc is not None or mcid is not None:
        points = "percentage point" if goal.scale == "percent" else "point"
        size = f"{word} by {abs(gain):g} {points}{'' if abs(gain) == 1 else 's'} ({moved})"
        if direction != "none":
            return f"{size}, meeting the {basis}"
        needs = (
            f"reliable change needs {rc['threshold']:g}"
            if rc is not None
            else f"the MCID is {mcid['value']:g}"  # type: ignore[index]
        )
        kind = "reliable" if rc is not None else "meaningful"
        what = "improvement" if gain > 0 else "change"
        return f"{size}, not a {kind} {what} ({needs})"
    if goal.target is None or goal.target == first:
        return f"{word} ({moved}; {basis})"
    planned = abs(goal.target - first)
    fraction = config.free_metric_change_fraction
    share = f"{abs(gain) / planned:.0%} of the planned change"
    if gain < 0:
        share += ", the wrong way"
    counts = f"a change counts from {fraction:.0%}, {planned * fraction:g}"
    more = basis.partition(", as ")[2]  # an instrument without thresholds says so
    tail = f"; {more}" if more else ""
    if direction == "none":
        return f"{word} {moved} ({share}), not a meaningful change ({counts}){tail}"
    return f"{word} {moved} ({share}; {counts}){tail}"


def _moved(
    goal: ParsedGoal,
    change: ChangeReport | None,
    config: ReviewConfig,
    meaning: tuple[str, str, str],
) -> Status:
    """The ``improving`` / ``worsening`` status for a change from the baseline."""
    direction, basis, kind = meaning
    code = "worsening" if direction == "deteriorated" else "improving"
    reason = change_words(goal, change, config, direction, basis)
    if kind == "unconfirmed":
        reason += "; this may be within measurement error"
    return Status(code, _RULES[(kind, direction)], reason)


def _relapse(goal: ParsedGoal) -> Status | None:
    """``worsening`` when the latest value is reliably worse than the best one since the
    baseline (PHQ-9 16 -> 2 -> 9): a relapse, even where the target is still met."""
    if goal.instrument is None or goal.scale == "metric":
        return None
    found = deterioration_since_best(goal.instrument, goal.measurements, scale=goal.scale)
    if found is None:
        return None
    method = (
        "Jacobson-Truax reliable change"
        if found["method"] == "jacobson-truax"
        else "the published reliable-change threshold"
    )
    return Status(
        "worsening",
        "status.deterioration-since-best",
        f"worse since the best value: from {found['best']:g} ({found['best_date']}) to "
        f"{found['latest']:g} ({found['latest_date']}), a reliable deterioration by {method} "
        f"(threshold {found['threshold']:g})",
    )


def _regressed(
    goal: ParsedGoal, change: ChangeReport | None, config: ReviewConfig, caseness: Cutoff | None
) -> Status | None:
    """Worsening from the baseline, a reliable relapse from the best value, or a lost target:
    judged before any target rule, so a regression is never ``achieved`` or ``sustaining``."""
    meaning = meaningful_change(goal, change, config)
    if meaning[0] == "deteriorated":
        worse = _moved(goal, change, config, meaning)
        met = goal.target is not None and target_met(
            goal.measurements[-1].value, goal.comparator, goal.target
        )
        if not met:
            return worse
        return Status(
            worse.code,
            worse.rule,
            f"{worse.reason} (the target {goal.comparator} {goal.target:g} is met, but the "
            "baseline met it already)",
        )
    return _relapse(goal) or lost_target(goal, caseness)


def _value_status(
    goal: ParsedGoal,
    change: ChangeReport | None,
    config: ReviewConfig,
    due_passed: bool,
    caseness: Cutoff | None,
) -> Status:
    values = goal.measurements
    latest = values[-1]
    met = goal.target is not None and target_met(latest.value, goal.comparator, goal.target)
    if len(values) < 2:
        if due_passed and goal.target is not None and not met:
            return _due_passed(goal, "not-achieved", "status.due-passed", "")
        return Status(
            "in-progress",
            "status.awaiting-measurement",
            f"baseline {latest.value:g} on {latest.date}; no measurement since",
        )
    regressed = _regressed(goal, change, config, caseness)
    if regressed is not None:
        return regressed
    if met:  # (no target: judged by change only)
        assert goal.target is not None
        goal_text = f"{goal.comparator} {goal.target:g}"
        if len(values) >= 3 and target_met(values[-2].value, goal.comparator, goal.target):
            return Status(
                "sustaining",
                "status.sustaining",
                f"target {goal_text} met on {values[-2].date} and again on {latest.date}",
            )
        return Status(
            "achieved",
            "status.target-met",
            f"target {goal_text} met on {latest.date} (value {latest.value:g})",
        )
    meaning = meaningful_change(goal, change, config)
    direction = meaning[0]
    words = change_words(goal, change, config, direction, meaning[1])
    if due_passed and goal.target is not None:
        if direction == "none":
            # FHIR no-progress is a kind of not-achieved: the goal ended without progress
            return _due_passed(
                goal, "no-progress", "status.due-passed-no-response", f"; {words}"
            )
        if direction == "improved":
            # still FHIR not-achieved, but a meaningful gain is a new target to agree, not a failure
            return _due_passed(
                goal,
                "not-achieved",
                "status.due-passed-improved",
                f"; {words}: improved – agree a new target",
            )
        return _due_passed(goal, "not-achieved", "status.due-passed", "")
    if direction == "improved":
        return _moved(goal, change, config, meaning)
    weeks = None if goal.start is None else (latest.date - goal.start).days // 7
    if weeks is not None and weeks >= config.no_response_weeks:
        # FHIR's code for an active goal that is not moving is no-change (no-progress is a kind
        # of not-achieved); the rule says it is a non-response at the review point
        return Status(
            "no-change",
            "status.no-response",
            f"{words}, at week {weeks} ({latest.date}), at or after the non-response review "
            f"point (week {config.no_response_weeks})",
        )
    return Status("no-change", "status.no-reliable-change", f"{words} so far")


def _due_passed(goal: ParsedGoal, code: str, rule: str, more: str) -> Status:
    latest = goal.measurements[-1]
    return Status(
        code,
        rule,
        f"due {goal.due}, latest value {latest.value:g} on {latest.date} does not meet "
        f"{goal.comparator} {goal.target:g}{more}",
    )


def _level(level: int) -> str:
    return f"{level:+d}" if level else "0"


def _gas_status(goal: ParsedGoal, due_passed: bool) -> Status:
    history = list(goal.gas_history)
    levels = [level for _, level in history]
    if not levels and goal.gas_current is not None:
        levels = [goal.gas_current]
    level = levels[-1]
    if level >= 0:
        if len(levels) >= 2 and levels[-2] >= 0:
            return Status(
                "sustaining",
                "status.gas-sustaining",
                f"GAS level {_level(level)} (expected outcome or better), also at the previous rating",
            )
        return Status(
            "achieved",
            "status.gas-expected-level",
            f"GAS level {_level(level)}: the expected outcome or better",
        )
    if due_passed:
        return Status(
            "not-achieved",
            "status.gas-due-passed",
            f"due {goal.due}, GAS level {_level(level)} is below the expected outcome (0)",
        )
    if len(levels) >= 2 and levels[-1] != levels[-2]:
        if levels[-1] > levels[-2]:
            return Status(
                "improving",
                "status.gas-rising",
                f"GAS level rose from {_level(levels[-2])} to {_level(level)}",
            )
        return Status(
            "worsening",
            "status.gas-falling",
            f"GAS level fell from {_level(levels[-2])} to {_level(level)}",
        )
    if level == -2:
        # Much less than expected: with the baseline at -1 (Turner-Stokes), worse than it
        # ([R39]), so never "on track", also at the first rating or unchanged.
        return Status(
            "worsening",
            "status.gas-much-less-than-expected",
            "GAS level -2: much less than expected, worse than the baseline (usually -1)"
            + (" at the first rating" if len(levels) < 2 else ", also at the previous rating"),
        )
    if len(levels) >= 2:
        return Status(
            "no-change", "status.gas-unchanged", f"GAS level unchanged at {_level(level)}"
        )
    return Status(
        "in-progress", "status.gas-first-rating", f"GAS level {_level(level)} at the first rating"
    )
