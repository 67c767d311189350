"""Choose each goal's FHIR ``Goal.achievementStatus`` and name the rule that chose it.

Rules are tried in order; the first that applies wins, except that a reliable (or meaningful)
deterioration comes before the target rules: from a baseline that already met the target, a
worsening that still meets it is ``worsening``, never ``achieved``:

=================================  =================  ==================================================
rule                               status             when
=================================  =================  ==================================================
``status.target-impossible``       not-attainable     the target lies outside what the measure can reach
``status.sustaining``              sustaining         the target is met now and at the measurement before
``status.target-met``              achieved           the target is met at the latest measurement
``status.due-passed``              not-achieved       the due date has passed and the target is not met
``status.reliable-deterioration``  worsening          change from baseline is a reliable (or meaningful)
                                                      worsening (instruments without thresholds, and
                                                      free metrics: a share of the planned change)
``status.reliable-improvement``    improving          ... a reliable (or meaningful) improvement, or a
                                                      treatment response (see :func:`meaningful_change`)
``status.unconfirmed-*``           (as above)         the same, on an instrument without a reliable-change
                                                      or MCID threshold (PSS-10, RSES): a share of the
                                                      planned change, maybe within measurement error
``status.deterioration-since-best`` worsening         the latest value is reliably worse than the best
                                                      since the baseline (a relapse; before the target
                                                      rules too)
``status.no-response``             no-progress        no such improvement N weeks (config) after the start
``status.no-reliable-change``      no-change          measured again, but no reliable change yet
``status.awaiting-measurement``    in-progress        only the baseline so far
``status.gas-*``                   (as above)         goals scored only by GAS levels; a level of -2
                                                      (much less than expected) that did not just fall
                                                      is ``worsening`` too
                                                      (``status.gas-much-less-than-expected``)
``status.baseline-pending``        in-progress        the baseline is recorded from the first week of a
                                                      log, and no progress entry has given it yet
``status.no-data``                 in-progress        nothing to judge by
=================================  =================  ==================================================
"""

from __future__ import annotations

import datetime as dt

from planengine._values import ORDER_COMPARATORS, compare
from planengine.review._change import deterioration_since_best
from planengine.review._model import ChangeReport, ReviewConfig, Status
from planengine.review._parse import ParsedGoal

__all__ = ["goal_status", "meaningful_change", "target_met"]


def target_met(value: float, comparator: str | None, target: float) -> bool:
    """Whether ``value`` meets the target; with no comparator (or ``==``), equals it."""
    return compare(value, comparator if comparator in ORDER_COMPARATORS else "==", target)


def meaningful_change(
    goal: ParsedGoal, change: ChangeReport | None, config: ReviewConfig
) -> tuple[str, str]:
    """``(direction, basis)``: ``improved``, ``deteriorated`` or ``none`` since the baseline.

    Instruments: a reliable change (Jacobson-Truax, or the published points) decides when there
    is one. Without one, a treatment response (the instrument's response criterion, e.g. a 50 %
    reduction) or a change of at least the MCID still counts: measurement-based care reads
    these side by side (clinical.md §4.1), and a patient who has responded is not a
    non-responder because one criterion is stricter. Free metrics: a change of at least
    ``free_metric_change_fraction`` of the planned change (baseline to target).
    """
    if len(goal.measurements) < 2:
        return "none", "no measurement after the baseline"
    if change is not None and (change.reliable_change is not None or change.mcid is not None):
        return _instrument_change(change)
    baseline, latest = goal.measurements[0].value, goal.measurements[-1].value
    if goal.target is None or goal.target == baseline:
        return "none", "no planned change to compare with"
    step = abs(goal.target - baseline) * config.free_metric_change_fraction
    improvement = latest - baseline if goal.direction == "higher-is-better" else baseline - latest
    basis = f"{config.free_metric_change_fraction:.0%} of the planned change ({step:g})"
    if goal.instrument is not None and goal.scale != "metric":
        basis += (
            f", as {goal.instrument.name} has no agreed reliable-change or MCID threshold "
            "(not a reliable change)"
        )
    if improvement >= step:
        return "improved", basis
    if -improvement >= step:
        return "deteriorated", basis
    return "none", basis


def _instrument_change(change: ChangeReport) -> tuple[str, str]:
    rc, mcid, response = change.reliable_change, change.mcid, change.response
    rc_basis = None
    if rc is not None:
        rc_basis = (
            "Jacobson-Truax reliable change"
            if rc["method"] == "jacobson-truax"
            else f"published reliable-change threshold ({rc['threshold']:g} points)"
        )
        if rc["direction"] != "none":
            return rc["direction"], rc_basis
    # A response is read only from a baseline not already in remission (PHQ-9 4 -> 2 is no
    # treatment response).
    remission = change.remission
    if response is not None and response["met"] and not (remission and remission["baseline_met"]):
        return "improved", f"treatment response ({response['basis']})"
    mcid_basis = None if mcid is None else f"minimal important difference ({mcid['value']:g})"
    if mcid is not None and (mcid["improved"] or mcid["deteriorated"]):
        return ("improved" if mcid["improved"] else "deteriorated"), str(mcid_basis)
    return "none", str(rc_basis or mcid_basis)


def _weeks_since_start(goal: ParsedGoal, as_of: dt.date) -> float | None:
    return None if goal.start is None else (as_of - goal.start).days / 7


def goal_status(
    goal: ParsedGoal, change: ChangeReport | None, as_of: dt.date, config: ReviewConfig
) -> Status:
    """The achievementStatus of one goal on ``as_of``, with its rule and reason."""
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
        return _value_status(goal, change, as_of, config, due_passed)
    if goal.gas_levels is not None and (goal.gas_history or goal.gas_current is not None):
        return _gas_status(goal, due_passed)
    if goal.baseline_pending is not None:
        return Status("in-progress", "status.baseline-pending", goal.baseline_pending)
    return Status(
        "in-progress",
        "status.no-data",
        "no baseline and target (or GAS levels) to judge progress by",
    )


def _confirmed(goal: ParsedGoal, change: ChangeReport | None) -> bool:
    """Whether a change on this goal is judged by an instrument's reliable-change or MCID
    threshold: an instrument without one (PSS-10, RSES) is judged by a share of the planned
    change, which may lie inside measurement error, so it is never called reliable."""
    if goal.instrument is None or goal.scale == "metric":
        return True  # free metrics: the planned-change rule is their only rule
    return change is not None and (change.reliable_change is not None or change.mcid is not None)


def _moved(
    goal: ParsedGoal, change: ChangeReport | None, direction: str, basis: str
) -> Status:
    """The ``improving`` / ``worsening`` status for a change from the baseline."""
    values = goal.measurements
    moved = f"from {values[0].value:g} to {values[-1].value:g}"
    word = "worse" if direction == "deteriorated" else "better"
    code = "worsening" if direction == "deteriorated" else "improving"
    if _confirmed(goal, change):
        rule = (
            "status.reliable-deterioration"
            if direction == "deteriorated"
            else "status.reliable-improvement"
        )
        return Status(code, rule, f"{word} {moved} by {basis}")
    rule = (
        "status.unconfirmed-deterioration"
        if direction == "deteriorated"
        else "status.unconfirmed-improvement"
    )
    return Status(
        code, rule, f"{word} {moved} by {basis}; this may be within measurement error"
    )


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


def _value_status(
    goal: ParsedGoal,
    change: ChangeReport | None,
    as_of: dt.date,
    config: ReviewConfig,
    due_passed: bool,
) -> Status:
    values = goal.measurements
    latest = values[-1]
    met = goal.target is not None and target_met(latest.value, goal.comparator, goal.target)
    if met and len(values) >= 2:
        # Deterioration first: from a baseline that already met the target (PHQ-9 3 -> 9 with
        # target <= 9), a reliable worsening still meets it and is never "achieved"; nor is a
        # relapse from the best value (16 -> 2 -> 9) "sustaining".
        direction, basis = meaningful_change(goal, change, config)
        if direction == "deteriorated":
            worse = _moved(goal, change, direction, basis)
            return Status(
                worse.code,
                worse.rule,
                f"{worse.reason} (the target {goal.comparator} {goal.target:g} is met, but the "
                "baseline met it already)",
            )
        relapse = _relapse(goal)
        if relapse is not None:
            return relapse
    if len(values) >= 2 and met:  # (no target: judged by change only)
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
    if due_passed and goal.target is not None:
        return Status(
            "not-achieved",
            "status.due-passed",
            f"due {goal.due}, latest value {latest.value:g} on {latest.date} does not meet "
            f"{goal.comparator} {goal.target:g}",
        )
    if len(values) < 2:
        return Status(
            "in-progress",
            "status.awaiting-measurement",
            f"baseline {latest.value:g} on {latest.date}; no measurement since",
        )
    direction, basis = meaningful_change(goal, change, config)
    moved = f"from {values[0].value:g} to {latest.value:g}"
    if direction == "deteriorated":
        return _moved(goal, change, direction, basis)
    relapse = _relapse(goal)
    if relapse is not None:
        return relapse
    if direction == "improved":
        return _moved(goal, change, direction, basis)
    weeks = _weeks_since_start(goal, as_of)
    if weeks is not None and weeks >= config.no_response_weeks:
        return Status(
            "no-progress",
            "status.no-response",
            f"no improvement by {basis} ({moved}) {weeks:.0f} weeks after the start "
            f"(threshold {config.no_response_weeks} weeks)",
        )
    return Status("no-change", "status.no-reliable-change", f"{moved}: not a change by {basis} yet")


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
        # (clinical.md §5.1), so never "on track", also at the first rating or unchanged.
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
