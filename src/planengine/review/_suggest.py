"""Suggestion rules: what to change about each goal, and why; plugins add theirs through a hook.

Core rules (``rule`` ids), tried for every goal:

* ``review.risk-flag-open``: an open risk flag concerns the goal's instrument or area -> a
  clinician reviews the flag first; while it is open the goal is neither closed nor its target
  raised (``close-goal``, ``raise-target`` and ``keep`` are held back).
* ``review.escalate``: reliable deterioration on an instrument -> take it to the clinician now.
* ``review.worsening``: a goal without instrument thresholds got meaningfully worse -> review now.
* ``review.raise-target``: target met before the due date for the first time -> raise the target
  (to the instrument's remission threshold when there is one) or close it once sustained.
* ``review.close-goal``: target met and sustained, or met at the due date -> close the goal.
* ``review.extend-or-split``: behind the expected path but improving -> extend the due date to
  the projected date, or split off a nearer sub-goal.
* ``review.change-strategy``: no reliable improvement ``no_response_weeks`` after the start
  (8-12 weeks, clinical.md §6.4) -> change the strategy (not for a relapse after a reliable
  improvement, ``status.deterioration-since-best``, which ``review.worsening`` covers).
* ``review.revise-goal``: due date passed without the target, or the target cannot be reached.
* ``review.overdue``: the review date has passed -> review now.
* ``review.behind``: behind the expected path and not improving yet -> check barriers now.
* ``review.record-measurement``: nothing measured since the baseline for a review interval.
* ``review.keep``: none of the above -> keep the goal as it is.

Across goals, ``review.reprioritise`` proposes an order of attention when it differs from the file's.
A worsening safety item is a risk flag (``_risk``), never a suggestion; no suggestion may close or
downgrade a flag (:data:`FORBIDDEN_ACTIONS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import PLUGIN_FAILURES, PluginError
from planengine._model import Notice, RiskFlag
from planengine._plugins import call_each, plugin_version
from planengine.plan._risk_wording import claims_no_risk, failure_notice
from planengine.review._model import (
    FORBIDDEN_ACTIONS,
    GoalReview,
    ReviewConfig,
    ReviewContext,
    Suggestion,
)
from planengine.review._parse import ParsedGoal

__all__ = [
    "attention_reasons",
    "core_suggestions",
    "flags_concerning",
    "plugin_suggestions",
    "priority_order",
]

_ATTENTION_STATUSES = {"worsening", "no-progress", "not-achieved", "not-attainable"}


def _s(rule: str, action: str, reason: str, goal: GoalReview, **details: Any) -> Suggestion:
    return Suggestion(
        rule=rule,
        action=action,
        reason=reason,
        goal_id=goal.goal_id,
        details={k: v for k, v in details.items() if v is not None},
    )


def _raise_target(goal: GoalReview, parsed: ParsedGoal) -> Suggestion:
    latest = goal.latest
    assert latest is not None and goal.target is not None
    instrument = parsed.instrument
    change = instrument.change if instrument is not None else None
    proposal = None
    if (
        change is not None
        and change.remission_value is not None
        and goal.scale == "total"
        and goal.change is not None
        and goal.change.remission is not None
        and not goal.change.remission["met"]
    ):
        proposal = {
            "comparator": change.remission_comparator,
            "value": change.remission_value,
            "why": f"{instrument.name} remission ({change.remission_comparator} "  # type: ignore[union-attr]
            f"{change.remission_value:g})",
        }
    reason = (
        f"target {goal.comparator} {goal.target:g} met on {latest.date} ({latest.value:g}) with "
        f"{goal.trajectory.days_left} days to go until the due date"
    )
    if proposal:
        reason += f"; remission ({proposal['comparator']} {proposal['value']:g}) is not reached yet"
    return _s(
        "review.raise-target",
        "raise-target",
        reason + ". Raise the target with the patient, or close the goal once it holds.",
        goal,
        proposed_target=proposal,
    )


def _flag_text(flag: RiskFlag) -> str:
    if flag.instrument is None:  # risk language in the file's words
        words = "; ".join(f"“{' '.join(text.split())}”" for text in flag.evidence)
        return f"{flag.id} ({flag.kind.replace('-', ' ')}: {words} on {flag.observed_on})"
    value = "unanswered" if flag.value is None else str(flag.value)
    return f"{flag.id} ({flag.level}: {flag.instrument} item {flag.item} {value} on {flag.observed_on})"


def core_suggestions(
    goal: GoalReview,
    parsed: ParsedGoal,
    as_of: dt.date,
    config: ReviewConfig,
    flags: Sequence[RiskFlag] = (),
) -> tuple[Suggestion, ...]:
    """The core rules' suggestions for one goal (see the module docstring).

    :param flags: the open risk flags that concern this goal (:func:`flags_concerning`); while
        there are any, the goal is never closed, its target never raised and never "kept".
    """
    out: list[Suggestion] = []
    if goal.area == "safety" and goal.status.code not in ("achieved", "sustaining"):
        # a safety goal (a risk assessment and safety plan, a behaviour review, a private
        # safety assessment) is never "kept" as it is; other rules (an escalation) still speak
        out.append(
            _s(
                "review.safety-goal-open",
                "review-now",
                "a safety goal is open: review it now, and record it as done when the clinician "
                "has completed it; until then it comes first.",
                goal,
            )
        )
    if flags:
        out.append(
            _s(
                "review.risk-flag-open",
                "review-now",
                "an open risk flag concerns this goal: "
                + "; ".join(_flag_text(f) for f in flags)
                + ". A clinician reviews the flag first; the goal is not closed and its target "
                "not raised while the flag is open.",
                goal,
                risk_flags=[f.id for f in flags],
            )
        )
    status = goal.status.code
    change = goal.change
    traj = goal.trajectory
    due_passed = goal.trajectory.days_left is not None and goal.trajectory.days_left < 0
    if change is not None and change.reliable_deterioration:
        rc = change.reliable_change or {}
        out.append(
            _s(
                "review.escalate",
                "escalate",
                f"{change.instrument} went from {change.baseline:g} to {change.latest:g} "
                f"({change.latest_date}): reliable deterioration ({rc.get('method')}, threshold "
                f"{rc.get('threshold')}). Take the plan to the clinician now.",
                goal,
            )
        )
    elif status == "worsening":
        out.append(
            _s(
                "review.worsening",
                "review-now",
                f"{goal.status.reason}. Review the plan now.",
                goal,
            )
        )
    if status in ("achieved", "sustaining") and not flags:
        if (
            status == "achieved"
            and not due_passed
            and goal.target is not None
            and goal.latest is not None
        ):
            out.append(_raise_target(goal, parsed))
        else:
            out.append(
                _s(
                    "review.close-goal",
                    "close-goal",
                    f"{goal.status.reason}. Close the goal (or set a maintenance goal) with the patient.",
                    goal,
                )
            )
    if traj.position == "behind" and status == "improving":
        out.append(
            _s(
                "review.extend-or-split",
                "extend-or-split",
                f"behind the expected path but improving ({traj.reason}). Extend the due date"
                + (
                    f" to about {traj.projected_date} (the pace so far)"
                    if traj.projected_date
                    else ""
                )
                + ", or split off a nearer sub-goal.",
                goal,
                proposed_due_date=None
                if traj.projected_date is None
                else traj.projected_date.isoformat(),
            )
        )
    # A relapse after a reliable improvement is no failure to respond: review-now says it.
    relapse = goal.status.rule == "status.deterioration-since-best"
    if status == "no-progress" or (
        not relapse
        and status in ("no-change", "worsening")
        and parsed.start is not None
        and (as_of - parsed.start).days >= config.no_response_weeks * 7
    ):
        weeks = None if parsed.start is None else (as_of - parsed.start).days // 7
        why = (
            goal.status.reason
            if status == "no-progress"
            else (
                f"{goal.status.reason}, {weeks} weeks after the start (rule: {config.no_response_weeks} weeks)"
            )
        )
        out.append(
            _s(
                "review.change-strategy",
                "change-strategy",
                f"no reliable improvement in time: {why}. Change the strategy (different "
                "intervention, dose or modality) rather than wait longer.",
                goal,
                weeks=weeks,
            )
        )
    if status in ("not-achieved", "not-attainable"):
        out.append(
            _s(
                "review.revise-goal",
                "revise-goal",
                f"{goal.status.reason}. Decide with the patient: extend, revise the target, or close "
                "the goal as not achieved.",
                goal,
            )
        )
    if goal.overdue:
        out.append(
            _s(
                "review.overdue",
                "review-now",
                f"the review was due on {goal.review_due} (every {goal.review_interval_days} days).",
                goal,
            )
        )
    if len(goal.measurements) <= 1 and goal.gas is None and goal.overdue:
        out.append(
            _s(
                "review.record-measurement",
                "record-measurement",
                "nothing measured since the baseline for a whole review interval: record a value "
                "so progress can be judged.",
                goal,
            )
        )
    if not out and traj.position == "behind":
        out.append(
            _s(
                "review.behind",
                "review-now",
                f"behind the expected path and not yet improving ({traj.reason}). Check adherence "
                f"and barriers; change the strategy if this holds at {config.no_response_weeks} weeks.",
                goal,
            )
        )
    if not out:
        out.append(
            _s(
                "review.keep",
                "keep",
                f"{goal.status.reason}; {traj.position.replace('-', ' ')}. "
                "Keep the goal and the plan as they are.",
                goal,
            )
        )
    return tuple(out)


#: Suggestion rules whose firing means the goal needs the clinician's attention.
_ATTENTION_RULES = {
    "review.safety-goal-open": "a safety goal is open",
    "review.escalate": "reliable deterioration",
    "review.worsening": "getting worse",
    "review.change-strategy": "no reliable improvement in time",
    "review.revise-goal": "target not met or not reachable",
    "review.extend-or-split": "behind the expected path",
    "review.behind": "behind the expected path",
    "review.record-measurement": "no measurement since the baseline",
}


def attention_reasons(goal: GoalReview, flags: Sequence[RiskFlag] = ()) -> tuple[str, ...]:
    """Why a goal needs the clinician's attention (empty: on track), from status and suggestions.

    :param flags: the open risk flags that concern this goal (:func:`flags_concerning`); each
        is named first.
    """
    out = [f"open risk flag {_flag_text(flag)}" for flag in flags]
    if goal.status.code in _ATTENTION_STATUSES:
        out.append(f"status {goal.status.code}")
    if goal.change is not None and goal.change.reliable_deterioration:
        out.append("reliable deterioration")
    if goal.trajectory.position == "behind":
        out.append("behind the expected path")
    if goal.overdue:
        out.append(f"review overdue since {goal.review_due}")
    out.extend(_ATTENTION_RULES[s.rule] for s in goal.suggestions if s.rule in _ATTENTION_RULES)
    return tuple(dict.fromkeys(out))


def _urgency(goal: GoalReview, flagged: bool) -> tuple[int, str]:
    if flagged:
        return 0, "an open risk flag concerns its area"
    if goal.status.code == "worsening" or (
        goal.change is not None and goal.change.reliable_deterioration
    ):
        return 1, "it is getting worse"
    if goal.status.code in ("not-attainable", "not-achieved", "no-progress"):
        return 2, f"it is {goal.status.code}"
    if goal.trajectory.position == "behind":
        return 3, "it is behind the expected path"
    if goal.overdue:
        return 4, "its review is overdue"
    if goal.status.code in ("achieved", "sustaining"):
        return 6, "its target is met"
    if goal.attention:
        return 4, "it needs attention (" + ", ".join(goal.attention) + ")"
    return 5, "it is on track"


def flags_concerning(
    goal: GoalReview, flags: Iterable[RiskFlag], areas: Mapping[str, str]
) -> tuple[RiskFlag, ...]:
    """The open risk flags on the goal's instrument, or on an instrument of the goal's area; a
    flag from words in the file (risk language in a note) concerns every goal: no goal is closed,
    raised or kept while it is open.

    :param areas: instrument id -> its area id.
    """
    return tuple(
        flag
        for flag in flags
        if flag.instrument is None
        or goal.instrument == flag.instrument
        or (goal.area and goal.area == areas.get(flag.instrument))
    )


def _flagged(goal: GoalReview, flags: Iterable[RiskFlag], areas: Mapping[str, str]) -> bool:
    return bool(flags_concerning(goal, flags, areas))


def priority_order(
    goals: tuple[GoalReview, ...], flags: tuple[RiskFlag, ...], areas: Mapping[str, str]
) -> tuple[tuple[str, ...], Suggestion | None]:
    """Goal ids in order of attention, and a ``review.reprioritise`` suggestion if that is new."""
    ranked = sorted(goals, key=lambda g: (_urgency(g, _flagged(g, flags, areas))[0], g.index))
    order = tuple(g.goal_id for g in ranked)
    if order == tuple(g.goal_id for g in goals):
        return order, None
    moves = [f"{g.goal_id} ({_urgency(g, _flagged(g, flags, areas))[1]})" for g in ranked]
    reason = "order of attention: " + "; ".join(f"{n}. {m}" for n, m in enumerate(moves, start=1))
    return order, Suggestion(
        "review.reprioritise", "reprioritise", reason + ".", None, "core", {"order": list(order)}
    )


def _as_suggestion(item: Any, plugin: str, goal: GoalReview, version: str) -> Suggestion:
    if isinstance(item, Mapping):
        try:
            item = Suggestion(
                rule=str(item["rule"]),
                action=str(item["action"]),
                reason=str(item["reason"]),
                goal_id=item.get("goal_id"),
                details=dict(item.get("details") or {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise PluginError(
                f"review_suggestions returned a malformed suggestion ({error})", plugin=plugin
            ) from None
    if not isinstance(item, Suggestion):
        raise PluginError(
            f"review_suggestions returned {type(item).__name__}, not a Suggestion", plugin=plugin
        )
    if not item.reason.strip() or not item.rule.strip():
        raise PluginError("a suggestion needs a rule id and a reason", plugin=plugin)
    return attrs.evolve(
        item, source=f"plugin:{plugin}@{version}", goal_id=item.goal_id or goal.goal_id
    )


def _action(item: Suggestion) -> str:
    """The suggestion's action as the core spells it (``Close_Goal `` is ``close-goal``)."""
    return str(item.action).strip().lower().replace("_", "-").replace(" ", "-")


def _touches_risk(suggestion: Suggestion) -> bool:
    action = _action(suggestion)
    if action in FORBIDDEN_ACTIONS:
        return True
    return "risk" in action and any(
        word in action for word in ("close", "downgrade", "dismiss", "resolve", "lower")
    )


#: Suggestion kinds held back while an open risk flag concerns the goal, and how to say so.
_HELD_BACK = {"close-goal": "closed", "raise-target": "given a higher target", "keep": "kept as it is"}


def plugin_suggestions(
    manager: Any,
    goal: GoalReview,
    context: ReviewContext,
    *,
    strict: bool,
    notice: Callable[[Notice], None],
    version_of: Callable[[str], str] | None = None,
    flagged: bool = False,
) -> tuple[Suggestion, ...]:
    """Call every plugin's ``review_suggestions`` for one goal, on its own; failures become notices.

    :param version_of: plugin name -> version as loading recorded it (the distribution's version
        when the plugin declares none); default: the plugin object's own ``__version__``.
    :param flagged: an open risk flag concerns this goal (:func:`flags_concerning`): a plugin's
        ``close-goal``, ``raise-target`` or ``keep`` is dropped, as the core's are.
    """

    def failed(error: PluginError) -> None:
        notice(failure_notice("plugin.failed", error, error.plugin))

    results = call_each(
        manager,
        "review_suggestions",
        lambda _name: {"goal_review": goal, "context": context},
        strict=strict,
        on_error=failed,
    )
    out: list[Suggestion] = []
    for plugin, result in results:
        if result is None:
            continue
        try:
            version = (
                version_of(plugin) if version_of else plugin_version(manager.get_plugin(plugin))
            )
            items = [_as_suggestion(item, plugin, goal, version) for item in result]
        except PluginError as error:
            if strict:
                raise
            failed(error)
            continue
        except PLUGIN_FAILURES as error:  # not iterable, or a generator that raised midway
            failure = PluginError(
                f"review_suggestions failed while its suggestions were read: "
                f"{type(error).__name__}: {error}",
                plugin=plugin,
            )
            if strict:
                raise failure from None
            failed(failure)
            continue
        for item in items:
            why_not = (
                "only a clinician can close or downgrade a risk flag"
                if _touches_risk(item)
                else "its text rules out risk, which only a clinician's assessment can do"
                if any(claims_no_risk(text) for text in (item.reason, item.action, item.rule))
                else f"an open risk flag concerns this goal, so it is not {_HELD_BACK[_action(item)]} "
                "until a clinician has reviewed the flag"
                if flagged and _action(item) in _HELD_BACK
                else None
            )
            if why_not is not None:
                notice(
                    Notice(
                        "review.plugin-suggestion-refused",
                        f"suggestion {item.rule!r} from plugin {plugin!r} was dropped: {why_not}",
                        f"plugin:{plugin}",
                    )
                )
                continue
            out.append(item)
    return tuple(out)
