"""``review_goals``: one goal file's data and a date in, a :class:`Review` out.

Data flows one way: parse (findings for bad values) -> risk flags from repeat questionnaires ->
per goal: change, trajectory, status, GAS -> core suggestions -> plugin suggestions -> priority.
No clock is read and no file is opened: ``as_of`` is an argument and the document is already
loaded (the command line does the reading).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from planengine._errors import InputError
from planengine._log import StageTimes
from planengine._records import Notice, RiskFlag
from planengine._vocabulary import load_vocabulary
from planengine.instruments._instrument import Instrument
from planengine.io._document import Document, refuse_path
from planengine.plan._crisis import crisis_notices, resolve_crisis_resources
from planengine.plan._flag_dispositions import apply_dispositions
from planengine.plan._risk_flags import number_flags
from planengine.review._change import change_report
from planengine.review._flag_workflow import (
    dispositions_from_goal_file,
    flag_prefix,
    qualify_flags,
    unmatched_dispositions,
    wait_and_review_now,
)
from planengine.review._gas import gas_t_score
from planengine.review._model import (
    GasResult,
    GasSummary,
    GoalReview,
    Review,
    ReviewConfig,
    ReviewContext,
    Status,
    Trajectory,
    UnusableEntry,
    WaitingGoal,
)
from planengine.review._parse import ParsedFile, ParsedGoal, parse_goal_file, schema_findings
from planengine.review._patient import RiskItemGap, flag_clocks, risk_item_gaps, risk_not_known
from planengine.review._readings import NOT_CHECKED, ReviewFinding
from planengine.review._risk import (
    language_flags_from_goal_file,
    recorded_flags_from_goal_file,
    risk_flags_from_assessments,
    words_day,
)
from planengine.review._rolling import judged_goal
from planengine.review._rules import caseness_cutoff, depression_cutoffs
from planengine.review._status import goal_status
from planengine.review._suggest import (
    attention_reasons,
    core_suggestions,
    flags_concerning,
    plugin_suggestions,
    priority_order,
)
from planengine.review._trajectory import next_review, trajectory
from planengine.review._verdict import point_to_measured, reach_out_this_week

__all__ = ["review_goals"]


def _manager(plugins: Any) -> Any:
    """A pluggy manager from ``plugins``: ``None``, a manager, ``LoadedPlugins`` or plugin objects."""
    if plugins is None:
        return None, ()
    if hasattr(plugins, "manager") and hasattr(plugins, "notices"):
        return plugins.manager, tuple(plugins.notices)
    if hasattr(plugins, "hook") and hasattr(plugins, "register"):
        return plugins, ()
    from planengine._plugins import load_plugins

    loaded = load_plugins(plugins=list(plugins), autoload=False)
    return loaded.manager, tuple(loaded.notices)


def _gas(goal: ParsedGoal) -> GasResult | None:
    if goal.gas_levels is None:
        return None
    if goal.gas_history:
        level, source = goal.gas_history[-1][1], f"progress on {goal.gas_history[-1][0]}"
    elif goal.gas_current is not None:
        level, source = goal.gas_current, "gas.current_level"
    else:
        level, source = None, "not rated yet"
    return GasResult(
        level=level,
        weight=goal.gas_weight,
        levels=goal.gas_levels,
        history=goal.gas_history,
        source=source,
    )


#: Status rules that are never on track or ahead of the expected path, whatever the distance.
_OFF_TRACK_RULES = frozenset(
    {"status.no-response", "status.target-lost", "status.deterioration-since-best"}
)


def _consistent(traj: Trajectory, status: Status) -> Trajectory:
    """The trajectory as the status reads it: a goal that is worsening, lost its target or did
    not respond at the review point is ``behind``, never ``on-track`` next to that status."""
    if traj.position not in ("on-track", "ahead"):
        return traj
    if status.code != "worsening" and status.rule not in _OFF_TRACK_RULES:
        return traj
    return attrs.evolve(
        traj,
        position="behind",
        reason=f"{traj.reason}; behind, as the status is {status.code} ({status.rule})",
    )


def _stale(traj: Trajectory, age: int | None, cadence: int) -> Trajectory:
    """A stale value never places a goal on track or ahead: its position is ``unknown`` (where
    the patient is now is not known); ``behind`` stays, as it reassures no one."""
    if age is None or age <= cadence or traj.position not in ("on-track", "ahead"):
        return traj
    return attrs.evolve(
        traj,
        position="unknown",
        reason=f"{traj.reason}; position unknown now: the latest value is {age} days old, "
        f"older than the measurement cadence ({cadence} days)",
    )


def _unusable_newer(goal: ParsedGoal) -> tuple[UnusableEntry, ...]:
    """The entries newer than the latest usable value whose value could not be used."""
    latest = goal.measurements[-1].date if goal.measurements else None
    return tuple(e for e in goal.unusable if latest is None or e.date > latest)


def _resting_on_older(
    status: Status, goal: ParsedGoal, newer: tuple[UnusableEntry, ...]
) -> Status:
    """The status, saying that it rests on older data when the newest entry could not be used
    (clinician read 23, MUST 1: a dropped entry never leaves the verdict silently stale)."""
    if not newer:
        return status
    newest = newer[-1]
    rests = (
        f"the status rests on {goal.measurements[-1].date}"
        if goal.measurements
        else "no usable value"
    )
    return attrs.evolve(
        status,
        reason=f"{status.reason}; the entry of {newest.date} could not be used: {newest.why}; "
        f"{rests}",
    )


def _back_at_baseline(goal: ParsedGoal, status: Status) -> Status:
    """No ``improving`` (or target met) from a rolling median when the latest value as measured
    is back at the baseline or worse: the median cannot show whether the gain was noise
    (clinician read 23: 5, 4, 1 after a baseline of 1 is not "improving")."""
    if status.code not in ("improving", "achieved", "sustaining") or len(goal.measurements) < 2:
        return status
    baseline, latest = goal.measurements[0], goal.measurements[-1]
    better = goal.direction == "higher-is-better"
    if (latest.value > baseline.value) if better else (latest.value < baseline.value):
        return status
    return Status(
        "no-change",
        "status.latest-back-at-baseline",
        f"latest value {latest.value:g} ({latest.date}) is back at the baseline "
        f"({baseline.value:g}) or worse: re-measure before calling it improving. The rolling "
        f"median alone reads {status.code}: {status.reason}",
    )


def _unknown_now(traj: Trajectory, unsure: bool) -> Trajectory:
    """``unknown`` instead of on track or ahead when the latest usable value may not say where
    the patient is (a newer entry could not be used; the latest value is back at baseline)."""
    if not unsure or traj.position not in ("on-track", "ahead"):
        return traj
    return attrs.evolve(
        traj,
        position="unknown",
        reason=f"{traj.reason}; position unknown now: the latest value as measured does not bear "
        "it out",
    )


def _last_measured(goal: ParsedGoal) -> dt.date | None:
    """The date of the goal's latest value or GAS rating (``None``: nothing measured)."""
    dates = [m.date for m in goal.measurements[-1:]] + [d for d, _ in goal.gas_history[-1:]]
    return max(dates, default=None)


def _review_goal(
    goal: ParsedGoal,
    as_of: dt.date,
    config: ReviewConfig,
    flags: tuple[RiskFlag, ...],
    areas: Mapping[str, str],
) -> GoalReview:
    change = caseness = None
    if goal.instrument is not None and goal.scale != "metric":
        caseness = caseness_cutoff(goal.instrument)
        change = change_report(
            goal.instrument,
            goal.measurements,
            scale=goal.scale,
            caseness=caseness,
            cutoffs=depression_cutoffs(goal.instrument),
        )
    judged, judged_by = judged_goal(goal, config.rolling_window)
    status = goal_status(judged, change, as_of, config, caseness)
    if judged_by is not None:
        status = _back_at_baseline(
            goal, attrs.evolve(status, reason=f"{status.reason}; {judged_by}")
        )
    newer = _unusable_newer(goal)
    status = _resting_on_older(status, goal, newer)
    traj = _consistent(trajectory(judged, as_of, config), status)
    interval = goal.review_interval_days or config.default_review_interval_days
    due = next_review(goal, interval)
    measured = _last_measured(goal)
    cadence = goal.review_interval_days or config.measurement_interval_days
    age = None if measured is None else (as_of - measured).days
    traj = _stale(traj, age, cadence)
    traj = _unknown_now(traj, bool(newer) or status.rule == "status.latest-back-at-baseline")
    review = GoalReview(
        goal_id=goal.goal_id,
        index=goal.index,
        statement=goal.statement,
        area=goal.area,
        instrument=None
        if goal.instrument is None or goal.scale == "metric"
        else goal.instrument.id,
        scale=goal.scale,
        unit=goal.unit,
        direction=goal.direction,
        target=goal.target,
        comparator=goal.comparator,
        measurements=goal.measurements,
        status=status,
        trajectory=traj,
        review_due=due,
        overdue=due is not None and due < as_of,
        review_interval_days=interval,
        change=change,
        gas=_gas(goal),
        judged_by=judged_by,
        measurement_age_days=age,
        measurement_interval_days=cadence,
        unusable_newer=newer,
    )
    concerning = flags_concerning(review, flags, areas)
    review = attrs.evolve(
        review, suggestions=core_suggestions(review, goal, as_of, config, concerning)
    )
    return attrs.evolve(review, attention=attention_reasons(review, concerning))


def _gas_summary(goals: Iterable[GoalReview], rho: float) -> GasSummary | None:
    scored = [g for g in goals if g.gas is not None and g.gas.level is not None]
    if not scored:
        return None
    levels = tuple(g.gas.level for g in scored if g.gas is not None and g.gas.level is not None)
    weights = tuple(g.gas.weight for g in scored if g.gas is not None)
    early = [  # days from each rating to its goal's due date, where the rating came first
        (g.trajectory.due - g.gas.history[-1][0]).days
        for g in scored
        if g.gas is not None and g.gas.history and g.trajectory.due is not None
    ]
    return GasSummary(
        t_score=gas_t_score(levels, weights, rho=rho),
        rho=rho,
        goals=tuple(g.goal_id for g in scored),
        levels=levels,
        weights=weights,
        interim_days=max([d for d in early if d > 0], default=None),
    )


def _file_flags(
    source: Document | Mapping[str, Any],
    data: Mapping[str, Any],
    parsed: Any,
    instruments: Mapping[str, Instrument],
    as_of: dt.date,
    patient_id: str | None,
    file_tag: str | None = None,
) -> tuple[tuple[RiskFlag, ...], tuple[Any, ...], tuple[Notice, ...]]:
    """Every flag of the file (answers, words, private records), numbered, read against the
    clinicians' dispositions and named by patient; with the findings and notices on the way."""
    file = source.path if isinstance(source, Document) else None
    goal_values = [
        (goal.instrument.id, m.date)
        for goal in parsed.goals
        if goal.instrument is not None and goal.scale != "metric"
        for m in goal.measurements
        if m.source != "assessment"
    ]
    answer_flags, risk_findings, notices = risk_flags_from_assessments(
        parsed.assessments,
        instruments,
        file=file,
        locate=source.locate if isinstance(source, Document) else None,
        goal_values=goal_values,
        as_of=as_of,
    )
    dispositions, disposition_findings = dispositions_from_goal_file(source, parsed.record, as_of)
    screened = language_flags_from_goal_file(
        data, load_vocabulary().risk_language, as_of, words_day(data, as_of)
    )
    flags = number_flags(
        [*answer_flags, *screened, *recorded_flags_from_goal_file(data, as_of, screened)]
    )
    flags = qualify_flags(
        apply_dispositions(flags, dispositions, as_of), flag_prefix(patient_id, file)
    )
    if file_tag:  # the patient has several goal files in the run: ids stay unique in it
        flags = tuple(attrs.evolve(flag, id=f"{flag.id}@{file_tag}") for flag in flags)
    findings = (
        risk_findings
        + disposition_findings
        + unmatched_dispositions(source, dispositions, flags)
    )
    return flags, findings, notices


def _one_per_problem(
    schema: tuple[ReviewFinding, ...], parsed: tuple[ReviewFinding, ...]
) -> tuple[ReviewFinding, ...]:
    """The schema's findings and the reader's, one line per problem: an instrument name the
    reader could not place (``PHQ-9``) is said by the reader, which says what was left out and
    that its answers were not checked, not a second time by the schema's pattern."""
    unplaced = ("input.unknown-instrument", "error")  # not a goal's free-metric warning
    placed = {f.json_path for f in parsed if (f.code, f.severity) == unplaced}
    return tuple(f for f in schema if f.json_path not in placed) + parsed


def _refuse_other_kind(source: Any, data: Mapping[str, Any], file: str | None) -> None:
    """Raise one :class:`InputError` naming the kind of a file that is clearly not a goal file
    (an assessment, a plan, a FHIR resource), as ``plan`` and ``validate`` do: its schema errors
    would not say so, and its answers (an item 9 of 2) would go unread while the caseload called
    the patient routine."""
    from planengine.io._kinds import wrong_kind_message  # only for a file without goals

    message = wrong_kind_message(data, "goal")
    if message is None:
        return
    top = source.locate(()) if isinstance(source, Document) else None
    line, column = top if top is not None else (None, None)
    raise InputError(
        f"skipped: {message}; {NOT_CHECKED}",
        file=file, line=line, column=column, path="$",
    )


def review_goals(
    source: Document | Mapping[str, Any],
    *,
    as_of: dt.date,
    instruments: Mapping[str, Instrument] | None = None,
    plugins: Any = None,
    config: ReviewConfig | None = None,
    strict_plugins: bool = False,
    file_tag: str | None = None,
    autoload: bool = True,
) -> Review:
    """Review every goal of one goal file on ``as_of``.

    By default it reviews as ``planengine review`` does: with every installed plugin (their
    ``review_suggestions`` and instruments) and the nearest configuration file's settings (from
    the document's folder, else the working directory). ``autoload=False`` uses no installed
    plugin; an explicit ``config`` reads no file.

    :param source: a loaded :class:`~planengine.io._document.Document` (findings then carry file, line
        and column) or the parsed mapping itself.
    :param as_of: the review date; nothing after it is used, and the clock is never read.
    :param instruments: instrument id -> :class:`planengine.Instrument` (default: the built-in
        ones, the installed plugins' and the configuration file's overrides, as planning builds
        them; with ``autoload=False`` the built-in ones).
    :param plugins: the plugins whose ``review_suggestions`` run, instead of the installed ones:
        plugin objects, or a pluggy manager. ``None``: the installed plugins (none with
        ``autoload=False``).
    :param config: thresholds and intervals (:class:`ReviewConfig`; default: the configuration
        file's ``[tool.planengine.review]``, with ``autoload=False`` the defaults).
    :param autoload: use the installed plugins and the configuration file for what is not given.
    :param strict_plugins: a failing plugin raises :class:`planengine.PluginError` instead of
        becoming a notice.
    :param file_tag: set when the patient has several goal files in one run
        (:func:`planengine.review._files.review_paths` sets it): each flag id ends with it
        (``p-108/risk-1@disposition.yaml``), so flag ids are unique in the run.
    :raises InputError: when ``source`` is not a mapping (a goal file's top level), or is
        clearly a file of another kind (an assessment, a plan, a FHIR resource): one error
        naming the kind and the command that reads it. Any other problem with the file (a
        missing ``goals``, a bad value) is reported in the return value, not raised.
    :raises TypeError: when ``as_of`` is not a date, or ``source`` is a path (load it with
        :func:`planengine.load_document`).
    """
    # Long: the review's stages in order (parse, flags, goals, plugins, attention, priorities,
    # crisis lines), each a call, timed for the debug log; most lines are the keyword arguments of
    # the calls and of the Review record.
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise TypeError(f"as_of must be a datetime.date, got {type(as_of).__name__}")
    refuse_path(source, "review_goals")
    data = source.data if isinstance(source, Document) else source
    file = source.path if isinstance(source, Document) else None
    if not isinstance(data, Mapping):
        raise InputError("a goal file must be a mapping with a `goals` list", file=file, path="$")
    if not isinstance(data.get("goals"), list):
        _refuse_other_kind(source, data, file)
    times = StageTimes("review", "review")  # DEBUG only: stage times, never content
    config, instruments, plugins = _settings(file, config, instruments, plugins, autoload)
    parsed = parse_goal_file(source, as_of=as_of, instruments=instruments)
    times.mark("parse")
    patient_id = parsed.record.patient_id
    all_flags, risk_findings, notices_list = _file_flags(
        source, data, parsed, instruments, as_of, patient_id, file_tag
    )
    # Only open flags hold a goal back; a flag a clinician has dispositioned stays listed.
    flags = tuple(f for f in all_flags if f.is_open)
    times.mark("risk flags")
    notices: list[Notice] = list(notices_list)
    # Flags are read before the goals: an open flag holds back closing a goal it concerns.
    areas = {name: inst.area for name, inst in instruments.items()}
    goals = tuple(_review_goal(goal, as_of, config, flags, areas) for goal in parsed.goals)
    gaps = _risk_item_gaps(parsed, instruments)  # no PHQ-9 asked for that the file already has
    goals = reach_out_this_week(point_to_measured(goals), gaps)
    assessments = tuple(
        (a.instrument, a.date, a.total) for a in parsed.assessments if a.total is not None
    )
    times.mark("goals")
    manager, load_notices = _manager(plugins)
    notices.extend(load_notices)
    if manager is not None and not manager.hook.review_suggestions.get_hookimpls():
        manager = None  # nothing to ask (the built-ins): the same review, without the context
    if manager is not None:
        context = ReviewContext(
            as_of=as_of,
            instruments=instruments,
            goals=goals,
            risk_flags=all_flags,
            config=config,
            assessments=assessments,
        )
        goals = _with_plugin_suggestions(
            goals, manager, context, flags, areas, strict_plugins, notices, plugins
        )
    goals = tuple(
        attrs.evolve(g, attention=attention_reasons(g, flags_concerning(g, flags, areas)))
        for g in (
            wait_and_review_now(g, all_flags, lambda g, fs: flags_concerning(g, fs, areas), as_of)
            for g in goals
        )
    )
    times.mark("plugins and attention")
    order, reprioritise = priority_order(goals, flags, areas)
    abuse = any(flag.private for flag in all_flags)  # helplines for abuse only beside such a flag
    crisis = resolve_crisis_resources(config.crisis_locale, config.crisis_resources).shown(
        abuse=abuse
    )
    if all_flags:  # shown beside flags only: said to be missing or unconfirmed only then
        notices[:0] = crisis_notices(crisis, open_flag=True, abuse_flag=abuse)
    findings = tuple(
        sorted(
            _one_per_problem(schema_findings(source), parsed.findings) + risk_findings,
            key=lambda f: (f.line or 0, f.column or 0, f.json_path, f.code),
        )
    )
    times.mark("priorities and crisis")
    times.done(goals=len(goals), risk_flags=len(all_flags), findings=len(findings))
    return Review(
        as_of=as_of,
        file=file,
        patient_id=patient_id,
        goals=goals,
        gas=_gas_summary(goals, config.gas_rho),
        risk_flags=all_flags,
        priority=order,
        suggestions=() if reprioritise is None else (reprioritise,),
        findings=findings,
        notices=tuple(notices),
        assessments=assessments,
        config=config,
        crisis=crisis,
        risk_item_gaps=gaps,
        flag_clocks=flag_clocks(all_flags, instruments),
        risk_not_known=risk_not_known(
            gaps,
            [a.instrument for a in parsed.assessments]
            + [g.instrument.id for g in parsed.goals if g.instrument is not None],
            instruments,
            all_flags,
        ),
        waiting=waiting_goals(data),
    )


def _settings(
    file: str | None,
    config: ReviewConfig | None,
    instruments: Mapping[str, Instrument] | None,
    plugins: Any,
    autoload: bool,
) -> tuple[ReviewConfig, Mapping[str, Instrument], Any]:
    """The settings, instruments and plugins ``review_goals`` reviews with: those given, else
    (with ``autoload``) the nearest configuration file's and the installed ones, else the
    built-in ones."""
    if autoload and (config is None or instruments is None):
        import os

        from planengine._config import config_near
        from planengine._installed import installed_instruments

        found = config_near(file if file is not None and os.path.exists(file) else None)
        config = config or found.review
        if instruments is None:
            instruments = installed_instruments(found.table, found.file or "configuration")
    if autoload and plugins is None:
        from planengine._installed import installed_plugins

        plugins = installed_plugins()
    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    return config or ReviewConfig(), instruments, plugins


def _with_plugin_suggestions(
    goals: tuple[GoalReview, ...],
    manager: Any,
    context: ReviewContext,
    flags: tuple[RiskFlag, ...],
    areas: Mapping[str, str],
    strict: bool,
    notices: list[Notice],
    plugins: Any,
) -> tuple[GoalReview, ...]:
    """``goals`` with each plugin's ``review_suggestions`` added (a failing plugin becomes a
    notice, or raises when ``strict``); the attention reasons are set after, for every goal."""
    return tuple(
        attrs.evolve(
            goal,
            suggestions=goal.suggestions
            + plugin_suggestions(
                manager,
                goal,
                context,
                strict=strict,
                notice=notices.append,
                version_of=getattr(plugins, "version_of", None),
                flagged=bool(flags_concerning(goal, flags, areas)),
            ),
        )
        for goal in goals
    )


def _risk_item_gaps(
    parsed: ParsedFile, instruments: Mapping[str, Instrument]
) -> tuple[RiskItemGap, ...]:
    """The totals recorded without their risk item: repeat questionnaires without answers, and
    goals' progress totals (which never carry items)."""
    return risk_item_gaps(
        [(a.instrument, a.date, a.total, a.answers is not None) for a in parsed.assessments]
        + [
            (goal.instrument.id, m.date, m.value, False)
            for goal in parsed.goals
            if goal.instrument is not None and goal.scale == "total"
            for m in goal.measurements
            if m.source != "assessment"
        ],
        instruments,
    )


#: what a waiting goal waits for, as a goal file names it (``x-waiting-goals``)
_TRIGGERS = ("starts_when", "held", "condition")


def waiting_goals(data: Mapping[str, Any]) -> tuple[WaitingGoal, ...]:
    """The goals ``data`` lists under ``x-waiting-goals`` with their triggers, in the file's
    order (an entry of another shape is left out here: the schema check reports it)."""
    listed = data.get("x-waiting-goals")
    return tuple(
        WaitingGoal(
            item["id"],
            tuple((k, v) for k, v in item.items() if k in _TRIGGERS and isinstance(v, str)),
        )
        for item in (listed if isinstance(listed, list) else ())
        if isinstance(item, Mapping) and isinstance(item.get("id"), str)
    )
