"""Suggestion rules: what to change about each goal, and why; plugins add theirs through a hook.

Core rules (``rule`` ids), tried for every goal:

* ``review.risk-flag-open``: an open risk flag concerns the goal's instrument or area -> a
  clinician reviews the flag first; while it is open the goal is neither closed nor its target
  raised (``close-goal``, ``raise-target`` and ``keep`` are held back).
* ``review.contact-today``: at or above caseness, worse and no value within the cadence ->
  contact the patient today and ask about risk first (``_verdict``); with an open flag the
  flag's own suggestion says the same-day contact, once.
* ``review.escalate`` / ``review.worsening`` / ``review.target-lost`` (and
  ``review.ask-about-risk`` beside them on an instrument with no risk item): a regression ->
  review now (``_verdict``).
* ``review.re-measure``: the latest value is older than the measurement cadence -> re-measure;
  none of the decisions below rests on it (``_verdict``).
* ``review.newest-unusable`` / ``review.confirm-latest``: the newest entry could not be used, or
  a count's latest value is back at the baseline -> re-measure; no decision rests on the rest.
* ``review.verify-change``: an improvement inside the recall window -> re-administer first.
* ``review.raise-target``: target met before the due date for the first time -> raise the target
  (to the instrument's remission threshold when there is one) or close it once sustained.
* ``review.close-goal``: target met and sustained, or met at the due date -> close the goal.
* ``review.gas-confirm`` / ``review.gas-rescale``: a GAS goal at its expected level on one
  rating before the due date -> confirm at the next rating; an early +2 -> rescale.
* ``review.extend-or-split``: behind the expected path but improving -> extend the due date to
  the projected date, or split off a nearer sub-goal.
* ``review.review-point-due``: the non-response review point passed after the latest value ->
  measure, then decide.
* ``review.step-up`` (instruments, R-SC5) / ``review.change-strategy`` (other
  measures): no improvement at or after the non-response review point (8-12 weeks,
  [DN-review-intervals]), by the latest value's date, or by a passed due date (not for a regression, which has
  its own review-now).
* ``review.revise-goal``: due date passed without the target, or the target cannot be reached.
* ``review.assess-depression``: a WHO-5 score at a cut-off that calls for it ([R23]).
* ``review.overdue``: the review date has passed -> review now.
* ``review.behind``: behind the expected path and not improving yet -> check barriers now.
* ``review.record-measurement``: nothing measured since the baseline for a review interval.
* ``review.keep``: none of the above -> keep the goal as it is.

Risk suggestions come first in each goal's list, in the order ``data/review.yaml``
(``suggestion-order``) gives (``_flag_workflow.risk_first``).

Across goals, ``review.reprioritise`` proposes an order of attention when it differs from the file's.
A worsening safety item is a risk flag (``_risk``), never a suggestion; no suggestion may close or
downgrade a flag (:data:`FORBIDDEN_ACTIONS`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import PLUGIN_FAILURES, PluginError
from planengine._plugins import call_each, log_failure, plugin_version
from planengine._records import Notice, RiskFlag
from planengine.plan._risk_wording import claims_no_risk, failure_notice
from planengine.review._flag_workflow import risk_first
from planengine.review._model import (
    FORBIDDEN_ACTIONS,
    GoalReview,
    ReviewConfig,
    ReviewContext,
    Suggestion,
)
from planengine.review._parse import ParsedGoal
from planengine.review._verdict import (
    RULE_CONTACT_TODAY,
    assess_depression,
    contact_today,
    disengagement,
    gas_reached,
    latest_in_doubt,
    likely_non_response,
    non_response,
    regression,
    remeasure,
    review_point_due,
    suggestion,
    verify_change,
)

_s = suggestion  # the short name the suggestion rules below are written with

__all__ = [
    "attention_reasons",
    "core_suggestions",
    "flags_concerning",
    "plugin_suggestions",
    "priority_order",
]

_ATTENTION_STATUSES = {"worsening", "no-progress", "not-achieved", "not-attainable"}


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
        said = f": {words}" if words else ""  # a recorded flag (x-risk-flags) quotes nothing
        return f"{flag.id} ({flag.kind.replace('-', ' ')}{said} on {flag.observed_on})"
    value = "unanswered" if flag.value is None else str(flag.value)
    wording = _answer_wording(flag)
    if wording:
        value += f" ('{wording}')"
    return f"{flag.id} ({flag.level}: {flag.instrument} item {flag.item} {value} on {flag.observed_on})"


def _answer_wording(flag: RiskFlag) -> str | None:
    """The instrument's own wording of the flag's answer (item 9: 2 is 'more than half the
    days', 3 'nearly every day'), as the flag's message quotes it; ``None`` when it quotes none."""
    if flag.value is None:
        return None
    found = re.search(rf"answered {flag.value} \('([^']+)'\)", flag.message)
    return None if found is None else found.group(1)


def _flag_suggestions(
    goal: GoalReview, flags: Sequence[RiskFlag], away: Sequence[Suggestion] = ()
) -> list[Suggestion]:
    """An open safety goal and open risk flags come first; with no recent value at caseness
    (``away``: ``review.possible-disengagement``), the flag's suggestion is one same-day contact."""
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
                + ". "
                + (_CONTACT_WITH_FLAG.format(days=goal.measurement_age_days) if away else "")
                + "A clinician reviews the flag first; the goal is not closed and its target "
                "not raised while the flag is open.",
                goal,
                risk_flags=[f.id for f in flags],
                contact_today=True if away else None,
            )
        )
    return out


#: An open flag and no value for a cadence at caseness: one same-day contact (clinician read 23).
_CONTACT_WITH_FLAG = (
    "No value for {days} days: contact the patient today, kindly: ask what has got in the way, "
    "and assess the risk the flag raised; if they cannot be reached, follow the service's "
    "non-attendance and risk policy. "
)


def _target_reached(goal: GoalReview, parsed: ParsedGoal, due_passed: bool) -> list[Suggestion]:
    """Raise the target, close the goal, or (GAS) confirm or rescale it."""
    gas = gas_reached(goal, due_passed)
    if gas is not None:
        return gas
    if (
        goal.status.code == "achieved"
        and not due_passed
        and goal.target is not None
        and goal.latest is not None
    ):
        return [_raise_target(goal, parsed)]
    return [
        _s(
            "review.close-goal",
            "close-goal",
            f"{goal.status.reason}. Close the goal (or set a maintenance goal) with the patient.",
            goal,
        )
    ]


def _decisions(
    goal: GoalReview, parsed: ParsedGoal, as_of: dt.date, config: ReviewConfig, flagged: bool
) -> list[Suggestion]:
    """What to do about the goal, on a current value: verify, close or raise, extend, step up."""
    out = verify_change(goal, parsed)
    status = goal.status.code
    due_passed = goal.trajectory.days_left is not None and goal.trajectory.days_left < 0
    if status in ("achieved", "sustaining") and not flagged:
        out.extend(_target_reached(goal, parsed, due_passed))
    traj = goal.trajectory
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
    out.extend(review_point_due(goal, parsed, as_of, config))
    out.extend(non_response(goal, parsed, as_of, config))
    if status in ("not-achieved", "no-progress"):
        out.append(_revise(goal))
    return out


def _revise(goal: GoalReview) -> Suggestion:
    if goal.status.rule == "status.due-passed-improved":
        then = "Agree a new target (or a new due date) with the patient, from where they are now."
    else:
        then = "Decide with the patient: extend, revise the target, or close the goal as not achieved."
    return _s("review.revise-goal", "revise-goal", f"{goal.status.reason}. {then}", goal)


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
    away = disengagement(goal, parsed)
    today = [] if flags else contact_today(goal, parsed)
    out = _flag_suggestions(goal, flags, away)
    # contact today asks about risk itself; an open flag's suggestion carries the contact
    out.extend(
        s for s in regression(goal, parsed) if not (today and s.rule == "review.ask-about-risk")
    )
    out.extend(today or ([] if flags else away))
    stale = remeasure(goal)
    doubt = latest_in_doubt(goal)  # nor a value that a newer entry or a week back at baseline doubts
    out.extend(doubt)
    # a stale value decides nothing: re-measure first (a regression above still says review now),
    # but past the non-response review point the step-up is decided at that same contact
    out.extend(stale + likely_non_response(goal, parsed, as_of, config) if stale else [])
    out.extend(() if stale or doubt else _decisions(goal, parsed, as_of, config, bool(flags)))
    if goal.status.code == "not-attainable":
        out.append(_revise(goal))
    out.extend(assess_depression(goal, parsed))
    if goal.overdue and not any(s.action in ("review-now", "escalate") for s in out):
        # said once: a regression's review-now already asks for the review; the table and the
        # attention column keep the date it was due
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
    traj = goal.trajectory
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
    return risk_first(out)


#: Suggestion rules whose firing means the goal needs the clinician's attention.
_ATTENTION_RULES = {
    "review.safety-goal-open": "a safety goal is open",
    "review.escalate": "reliable deterioration",
    "review.worsening": "getting worse",
    "review.target-lost": "target reached, then lost",
    "review.ask-about-risk": "ask about risk",
    "review.possible-disengagement": "possible disengagement: contact the patient",
    "review.likely-non-response": "likely non-response: re-measure and decide about a step-up",
    "review.change-strategy": "no reliable improvement in time",
    "review.step-up": "no reliable improvement at the review point: step up",
    "review.revise-goal": "target not met or not reachable",
    "review.extend-or-split": "behind the expected path",
    "review.behind": "behind the expected path",
    "review.record-measurement": "no measurement since the baseline",
    "review.re-measure": "measurement overdue: re-measure before deciding",
    "review.newest-unusable": "newest entry unusable: re-measure",
    "review.review-point-due": "measurement due at the non-response review point",
    "review.verify-change": "change not yet interpretable: re-administer",
    "review.gas-rescale": "GAS goal likely scaled too low",
    "review.assess-depression": "assess for depression",
}

#: ``review.contact-today`` asks about risk and reaches out, in one suggestion: both reasons.
_CONTACT_TODAY = tuple(_ATTENTION_RULES[r] for r in ("review.ask-about-risk", "review.possible-disengagement"))

#: Status rules that need attention whatever their FHIR code (an active goal that did not respond
#: is ``no-change``; a lost target is ``in-progress``).
_ATTENTION_STATUS_RULES = {
    "status.no-response": "no response at the review point",
    "status.target-lost": "target lost",
    "status.due-passed-improved": "improved – agree a new target",
    "status.latest-back-at-baseline": "latest value back at baseline: re-measure",
}


def attention_reasons(goal: GoalReview, flags: Sequence[RiskFlag] = ()) -> tuple[str, ...]:
    """Why a goal needs the clinician's attention (empty: on track), from status and suggestions.

    :param flags: the open risk flags that concern this goal (:func:`flags_concerning`); each
        is named first.
    """
    out = [f"open risk flag {_flag_text(flag)}" for flag in flags]
    if goal.status.code in _ATTENTION_STATUSES and goal.status.rule not in _ATTENTION_STATUS_RULES:
        out.append(f"status {goal.status.code}")
    if goal.status.rule in _ATTENTION_STATUS_RULES:
        out.append(_ATTENTION_STATUS_RULES[goal.status.rule])
    if goal.change is not None and goal.change.reliable_deterioration:
        out.append("reliable deterioration")
    if goal.trajectory.position == "behind":
        out.append("behind the expected path")
    if goal.overdue:
        out.append(f"review overdue since {goal.review_due}")
    for s in goal.suggestions:
        if s.rule == RULE_CONTACT_TODAY:
            out.extend(_CONTACT_TODAY)
        elif s.details.get("contact_today"):  # an open flag's suggestion carries the contact
            out.append(_CONTACT_TODAY[1])
        elif s.details.get("reach_out"):  # not seen for long, risk not known (clinician read 24)
            out.append(s.details["reach_out"])
        elif s.rule in _ATTENTION_RULES:
            out.append(_ATTENTION_RULES[s.rule])
    # An overdue review or a stale value always needs attention (clinician read 23): a goal with
    # nothing else to say is never "-" in the table, nor left out of the count; said in one entry.
    stale = _ATTENTION_RULES["review.re-measure"]
    if goal.overdue and stale in out:
        out.remove(stale)
        out[out.index(f"review overdue since {goal.review_due}")] = (
            f"review overdue since {goal.review_due}; latest value "
            f"{goal.measurement_age_days} days old: re-measure"
        )
    return tuple(dict.fromkeys(out))


def _urgency(goal: GoalReview, flagged: bool) -> tuple[int, str]:
    if flagged:
        return 0, "an open risk flag concerns its area"
    if goal.status.code == "worsening" or (
        goal.change is not None and goal.change.reliable_deterioration
    ):
        return 1, "it is getting worse"
    if goal.status.rule == "status.target-lost":
        return 1, "it lost the target it had reached"
    if goal.status.code in ("not-attainable", "not-achieved", "no-progress"):
        return 2, f"it is {goal.status.code}"
    if goal.status.rule == "status.no-response":
        return 2, "it did not respond by the review point"
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


def _rank(goal: GoalReview, flagged: bool) -> tuple[int, int, int, int]:
    """A flagged goal first; then symptom measures (and safety goals) above behavioural goals,
    whatever else: a missed walking goal never comes before a mood score; then urgency."""
    urgency = _urgency(goal, flagged)[0]
    symptom = goal.instrument is not None or goal.area == "safety"
    return (urgency != 0, not symptom, urgency, goal.index)


def priority_order(
    goals: tuple[GoalReview, ...], flags: tuple[RiskFlag, ...], areas: Mapping[str, str]
) -> tuple[tuple[str, ...], Suggestion | None]:
    """Goal ids in order of attention, and a ``review.reprioritise`` suggestion if that is new."""
    ranked = sorted(goals, key=lambda g: _rank(g, _flagged(g, flags, areas)))
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
            log_failure(plugin, "review_suggestions", error)
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
