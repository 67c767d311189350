"""The engine: score, find, propose, assemble, check; the clock is always an argument.

Data flows one way::

    Assessment -> scores -> risk flags + findings -> problems -> proposals (strategies, hooks)
               -> assembly -> adjust_plan hooks -> safety enforcement -> Plan

An :class:`Engine` is built once with its plugins (nothing happens at import time) and is then
immutable, so :meth:`Engine.plan` is safe to call from many threads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from planengine._errors import ConfigError, InputError, PlanEngineError, PluginError
from planengine._model import (
    Assessment,
    Exclusion,
    Finding,
    Intervention,
    Measure,
    Notice,
    Objective,
    Plan,
    PlanDraft,
    PlanningContext,
    PluginInfo,
    Problem,
    Proposal,
    Provenance,
    RiskFlag,
)
from planengine._plugins import LoadedPlugins, call_each, load_plugins
from planengine._version import __version__
from planengine.plan import _risk_wording, _safety
from planengine.plan._annotate import mark_held_objectives, mark_stale_baselines
from planengine.plan._assembly import (
    RULE_INVALID_OBJECTIVE,
    ObjectiveCheck,
    RankedProposal,
    check_plugin_objectives,
    check_plugin_steps,
    check_proposal_objectives,
    merge_across_problems,
    merge_proposals,
    normalise_delivery,
    objective_problem,
)
from planengine.plan._crisis import (
    CrisisResource,
    check_locale,
    crisis_notices,
    crisis_resources_from_config,
    resolve_crisis_resources,
)
from planengine.plan._findings import (
    context_findings,
    instrument_findings,
    judges,
    unjudged_notices,
)
from planengine.plan._responses import check_same_day, harmful_drinking
from planengine.plan._risk_flags import (
    PRIVATE_KINDS,
    answer_flags,
    condition_flags,
    language_flags,
    number_flags,
    raise_for_alcohol,
)
from planengine.plan._safety import SAFETY_AREA

__all__ = ["Engine", "EngineConfig", "collect_instruments"]

#: The latest planning date: due and review dates up to two years on must still be dates.
_LATEST_AS_OF = dt.date(9997, 12, 31)
#: The input hash's JSON form (sorted keys, no spaces, UTF-8 kept); configuration only, no state.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_WEIGHT = operator.attrgetter("weight")


def _own_crisis_resources(value: Any) -> tuple[CrisisResource, ...]:
    """``crisis_resources`` checked and converted (mappings become :class:`CrisisResource`)."""
    return crisis_resources_from_config(value, "crisis_resources")


@attrs.frozen
class EngineConfig:
    """Planning settings an organisation may change.

    :ivar max_review_interval_days: no objective is reviewed less often (§6.4: 90 days is the
        common regulatory maximum [R44][R46]).
    :ivar review_interval_days: default review interval of an objective (28 days: a design
        default within the 30/60/90-day outpatient practice, clinical.md §6.4, marked U there;
        the maximum when that is shorter).
    :ivar horizon_weeks: default time to an objective's due date (12 weeks: a design default,
        matching the 8-12-week non-response review point of measurement-based care, §6.4 (L)).
    :ivar max_objectives_per_problem: active objectives per problem; the rest are deferred
        (3: a design default from the issue, keeping plans short; not a sourced number).
    :ivar screen_followup_days: due time for completing a full questionnaire after a positive
        screen (7 days: a design default, not a sourced number; set it by local policy).
    :ivar stale_baseline_days: a score older than this on the planning date is marked stale in
        the scores and in every objective whose baseline it is (90 days: a design default, the
        common regulatory maximum review interval of clinical.md §6.4; set it by local policy).
    :ivar allow_draft_strategies: accept strategies whose status is ``draft``.
    :ivar instrument_overrides: instrument id -> overrides for configurable (unconfirmed) facts.
    :ivar crisis_locale: the locale whose shipped crisis resources plans show (``"US"``,
        ``"GB"``: :func:`planengine.plan._crisis.shipped_locales`). No default: with neither this nor
        ``crisis_resources``, plans show no crisis line and say so loudly when a flag is open.
    :ivar crisis_resources: the clinic's own crisis resources (mappings with ``name`` and a
        ``phone``, ``text`` or ``url``: ``schemas/crisis-resources.schema.json#/$defs/resource``),
        shown first; one with a shipped resource's id replaces it.
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
    allow_draft_strategies: bool = False
    instrument_overrides: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    crisis_locale: str | None = None
    crisis_resources: tuple[CrisisResource, ...] = attrs.field(
        default=(), converter=_own_crisis_resources
    )

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
        check_locale(self.crisis_locale, "crisis_locale")


@attrs.frozen
class _RegisteredStrategy:
    plugin: str
    strategy: Any


class Engine:
    """A planning engine with a fixed set of plugins.

    :param plugins: plugin objects to register explicitly (in addition to entry points).
    :param autoload: load the ``planengine`` entry points (the built-in strategies are there).
    :param allow: only these entry-point names are loaded (``None``: all).
    :param block: names never loaded.
    :param strict: a failing plugin raises :class:`PluginError` instead of being reported and skipped
        (so does an objective or step Python plugin code wrote that the plan cannot take).
    :param config: planning settings.
    """

    def __init__(
        self,
        *,
        plugins: Iterable[Any] = (),
        autoload: bool = True,
        allow: Collection[str] | None = None,
        block: Collection[str] = (),
        strict: bool = False,
        config: EngineConfig | None = None,
    ) -> None:
        import planengine.instruments._scoring  # noqa: F401  # loaded now, so plan() never reads a file
        from planengine._vocabulary import load_vocabulary
        from planengine.strategies._strategy import DataStrategy

        self.config = config or EngineConfig()
        self.strict = strict
        #: the crisis resources every plan shows (the clinic's, then its locale's; maybe none)
        self.crisis_resources = resolve_crisis_resources(
            self.config.crisis_locale, self.config.crisis_resources
        )
        self._loaded: LoadedPlugins = load_plugins(
            plugins=plugins, autoload=autoload, allow=allow, block=block, strict=strict
        )
        self._notices: list[Notice] = list(self._loaded.notices)
        self._vocabulary = load_vocabulary()
        self._condition_areas = self._vocabulary.condition_areas()
        instruments = collect_instruments(
            self._loaded.manager,
            overrides=self.config.instrument_overrides,
            strict=strict,
            on_error=self._report,
        )
        #: instrument id -> instrument, read-only (plans and hooks read it; none may change it)
        self.instruments: Mapping[str, Any] = MappingProxyType(instruments)
        self._instrument_names = {key: value.name for key, value in instruments.items()}
        #: ids of the instruments whose finding rules can fire (see findings.judges)
        self._judging = frozenset(key for key, value in instruments.items() if judges(value))
        self._strategies: tuple[_RegisteredStrategy, ...] = self._collect_strategies()
        # area -> (registered strategy, "plugin@version" passed to propose,
        #          "plugin:plugin@version" recorded as the source of what it proposed)
        self._by_area: dict[str, tuple[tuple[_RegisteredStrategy, str, str], ...]] = {}
        for registered in self._strategies:
            label = f"{registered.plugin}@{self._loaded.version_of(registered.plugin)}"
            entry = (registered, label, f"plugin:{label}")
            for area in registered.strategy.areas:
                self._by_area[area] = (*self._by_area.get(area, ()), entry)
        self.load_notices: tuple[Notice, ...] = tuple(self._notices)
        # a strategy's distribution is its plugin's (the package installed), else the plugin
        distributions = {info.name: info.distribution for info in self._loaded.infos}
        strategy_infos = [
            PluginInfo(
                name=r.strategy.id,
                version=r.strategy.version,
                kind="strategy",
                distribution=distributions.get(r.plugin),
                plugin=r.plugin,
            )
            for r in self._strategies
        ]
        self.plugin_infos: tuple[PluginInfo, ...] = (*self._loaded.infos, *strategy_infos)
        hooks = self._loaded.manager.hook
        self._has_propose = bool(hooks.propose.get_hookimpls())
        self._has_adjust = bool(hooks.adjust_plan.get_hookimpls())
        # Content from Python code (hooks, strategy objects) is checked after planning; the data
        # strategies' files were checked when they loaded.
        self._data_strategy = DataStrategy
        self._python_plugins = sorted(
            {
                *(impl.plugin_name for impl in hooks.propose.get_hookimpls()),
                *(impl.plugin_name for impl in hooks.adjust_plan.get_hookimpls()),
                *(r.plugin for r in self._strategies if type(r.strategy) is not DataStrategy),
            }
        )
        self._python_content = bool(self._python_plugins)
        # what their content is recorded as made by (an adjust_plan hook's changes in place are
        # named under adjusted_by instead)
        self._python_sources = frozenset(
            f"plugin:{name}@{self._loaded.version_of(name)}" for name in self._python_plugins
        )

    # -- construction ---------------------------------------------------------------------

    def _report(self, failure: PluginError) -> None:
        self._notices.append(_risk_wording.failure_notice("plugin.failed", failure, failure.plugin))

    def _collect_strategies(self) -> tuple[_RegisteredStrategy, ...]:
        from planengine.strategies._strategy import unknown_instrument_ids

        found: dict[str, _RegisteredStrategy] = {}

        def bind(plugin: str) -> dict[str, Any]:
            def register(strategy: Any) -> None:
                for attribute in ("id", "version", "status", "areas", "priority", "propose"):
                    if not hasattr(strategy, attribute):
                        raise PluginError(f"strategy object has no {attribute!r}", plugin=plugin)
                if strategy.id in found:
                    other = found[strategy.id].plugin
                    raise PluginError(
                        f"strategy id {strategy.id!r} is already registered by {other!r}",
                        plugin=plugin,
                    )
                unknown = [a for a in strategy.areas if a not in self._vocabulary.areas]
                if unknown:
                    raise PluginError(
                        f"strategy {strategy.id!r} names unknown areas {unknown}", plugin=plugin
                    )
                data = getattr(strategy, "data", None)
                misspelt = (
                    unknown_instrument_ids(data, self.instruments)
                    if isinstance(data, Mapping)
                    else None
                )
                if misspelt is not None:
                    raise PluginError(f"strategy {strategy.id!r}: {misspelt}", plugin=plugin)
                if strategy.status == "retired" or (
                    strategy.status == "draft" and not self.config.allow_draft_strategies
                ):
                    self._notices.append(
                        Notice(
                            "strategy.refused",
                            f"strategy {strategy.id!r} ({strategy.status}) from plugin {plugin!r} was not used: "
                            + (
                                "retired"
                                if strategy.status == "retired"
                                else "drafts need allow_draft_strategies"
                            ),
                            f"plugin:{plugin}",
                        )
                    )
                    return
                found[strategy.id] = _RegisteredStrategy(plugin, strategy)

            return {"register": register}

        call_each(
            self._loaded.manager,
            "register_strategies",
            bind,
            strict=self.strict,
            on_error=self._report,
        )
        return tuple(sorted(found.values(), key=lambda r: (-r.strategy.priority, r.strategy.id)))

    @property
    def strategies(self) -> tuple[Any, ...]:
        """The strategies in use, highest priority first."""
        return tuple(r.strategy for r in self._strategies)

    # -- planning -------------------------------------------------------------------------

    def plan(self, assessment: Assessment, *, as_of: dt.date) -> Plan:
        """Turn an assessment into a draft plan.

        :param assessment: a validated :class:`Assessment`.
        :param as_of: the planning date; start, due and review dates count from it. Required:
            the engine never reads the clock.
        :raises InputError: on answers the instruments cannot score, or responses after ``as_of``.
        """
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise InputError(f"as_of must be a datetime.date, got {as_of!r}")
        if as_of > _LATEST_AS_OF:  # due and review dates must still be dates
            raise InputError(f"as_of {as_of.isoformat()} is too far in the future to plan from")
        if not isinstance(assessment, Assessment):
            raise InputError(
                f"plan() takes an Assessment (see load_assessment, Assessment.from_mapping), "
                f"not {type(assessment).__name__}"
            )
        from planengine.instruments._scoring import score_response

        notices = list(self._notices)
        sex = assessment.context.sex
        latest: dict[str, Any] = {}
        latest_dates: dict[str, dt.date] = {}
        latest_paths: dict[str, str] = {}
        score_rows: list[dict[str, Any]] = []
        answers_read: list[tuple[int | None, ...]] = []
        signals: list[tuple[Any, dt.date, str]] = []
        # (instrument, item) -> the latest answer to each risk item, its date and instrument
        risk_items: dict[tuple[str, int], tuple[Any, dt.date, Any]] = {}
        risk_answers: list[dict[str, Any]] = []
        same_day: dict[tuple[str, dt.date], tuple[str, tuple[int | None, ...]]] = {}
        self._check_context(assessment)
        for response in assessment.responses:
            path = f"$.responses[{response.index}]"
            if type(response.date) is not dt.date:
                raise InputError(
                    f"date must be a datetime.date, got {response.date!r}",
                    file=assessment.source,
                    path=f"{path}.date",
                )
            if response.date > as_of:
                raise InputError(
                    f"response date {response.date.isoformat()} is after as_of {as_of.isoformat()}",
                    file=assessment.source,
                    path=f"{path}.date",
                )
            instrument = self.instruments.get(response.instrument)
            if instrument is None:
                raise InputError(
                    f"unknown instrument {response.instrument!r}",
                    file=assessment.source,
                    path=f"{path}.instrument",
                )
            score = score_response(
                instrument,
                response.answers,
                sex=sex,
                path=f"{path}.answers",
                file=assessment.source,
            )
            answers_read.append(score.raw_answers)
            if check_same_day(same_day, instrument, response.date, path, score, assessment.source):
                continue  # the same answers twice on one day: one response
            score_rows.append(_score_row(score, response.date, path))
            if score.risk_signals:
                risk_answers.append(
                    {
                        "instrument": instrument.id,
                        "date": response.date.isoformat(),
                        "answers": list(score.raw_answers),
                    }
                )
            for signal in score.risk_signals:
                signals.append((signal, response.date, path))
                key = (instrument.id, signal.item)
                known = risk_items.get(key)
                if known is None or response.date >= known[1]:
                    risk_items[key] = (signal, response.date, instrument)
            previous = latest_dates.get(instrument.id)
            if previous is None or response.date >= previous:
                latest[instrument.id] = score
                latest_dates[instrument.id] = response.date
                latest_paths[instrument.id] = path

        stale_after = self.config.stale_baseline_days
        for row in score_rows:  # only the baselines in use are stale; older rows are history
            row["stale"] = row["source"] == latest_paths[row["instrument"]] and (
                (as_of - latest_dates[row["instrument"]]).days > stale_after
            )
        findings = instrument_findings(latest, self.instruments, latest_paths)
        if not self._judging.issuperset(latest):  # an instrument scored that cannot judge
            notices.extend(unjudged_notices(latest, self.instruments))
        extra, patient_goals = context_findings(
            assessment.context,
            self._vocabulary.areas_for_goal,
            [f.area for f in findings],
            self._condition_areas,
        )
        findings.extend(extra)
        alcohol, alcohol_inputs = harmful_drinking(
            assessment, latest, latest_dates, latest_paths, self.instruments
        )
        flags = self._risk_flags(assessment, signals, patient_goals, as_of, alcohol, alcohol_inputs)
        context = PlanningContext(
            assessment=assessment,
            as_of=as_of,
            scores=latest,
            score_dates=latest_dates,
            score_paths=latest_paths,
            risk_flags=flags,
            conditions=frozenset(assessment.context.conditions),
            instruments=self.instruments,
            config=self.config,
            areas=frozenset(f.area for f in findings),
        )
        problems = self._problems(findings, patient_goals)
        exclusions: list[Exclusion] = []
        python_wrote = False  # whether content from Python plugin code was taken in
        for problem in problems:
            python_wrote = self._plan_problem(problem, context, exclusions, notices) or python_wrote
        # A problem holding an urgent safety objective comes first (a stable sort: otherwise the
        # order by severity stands), before shared objectives and steps are listed once.
        problems.sort(key=_not_urgent)
        notices.extend(merge_across_problems(problems))
        if not problems and flags:  # the safety problem is the plan: never "nothing found"
            notices.append(
                Notice(
                    "plan.safety-only",
                    "Apart from the open risk flag, no score reached a threshold and no concern "
                    "or patient goal names a problem area, so the plan holds only the safety "
                    "steps. The clinician may add goals after the risk assessment.",
                )
            )
        elif not problems:
            notices.append(
                Notice(
                    "plan.nothing-above-threshold",
                    (
                        "No score reached a threshold, no concern was recorded and the patient's "
                        "goals name no problem area the engine knows, so no goals were generated. "
                        "The clinician may turn the patient's goals into plan goals."
                        if patient_goals
                        else "No score reached a threshold and no concern or patient goal was "
                        "recorded, so no goals were generated. The clinician may still add goals."
                    ),
                )
            )
        draft = PlanDraft(problems=problems, exclusions=exclusions, notices=notices)
        try:
            self._complete(draft, context, flags, alcohol)
        except PlanEngineError:
            raise
        except Exception as error:
            if not self._python_content:
                raise  # the engine's own bug: not a plugin's to carry
            raise self._unreadable(error) from error
        mark_stale_baselines(draft, as_of, self.config.stale_baseline_days)
        mark_held_objectives(draft)
        safety_findings = draft.problems[0].findings if flags else []
        # domestic-abuse services go into a plan only beside documented abuse (R-SC20)
        abuse = any(f.kind in PRIVATE_KINDS for f in flags)
        canonical = _CANONICAL_JSON.encode(assessment.normalised(answers_read))
        try:
            digest = hashlib.sha256(canonical.encode()).hexdigest()
        except UnicodeEncodeError as error:  # a lone surrogate, from an Assessment built in code
            raise InputError(
                f"text contains an unpaired UTF-16 surrogate ({error.object[error.start]!r}), "
                "which is not a character",
                file=assessment.source,
            ) from None
        plan = Plan(
            as_of=as_of,
            input_sha256=digest,
            engine_version=__version__,
            plugins=self.plugin_infos,
            scores=tuple(score_rows),
            risk_flags=flags,
            risk_statement=_safety.risk_statement(
                flags, tuple(risk_items.values()), bool(assessment.context.patient_goals)
            ),
            findings=(*safety_findings, *findings),
            problems=tuple(draft.problems),
            exclusions=tuple(draft.exclusions),
            # after every hook: no plugin can remove the crisis notices
            notices=(
                *crisis_notices(self.crisis_resources, open_flag=bool(flags), abuse_flag=abuse),
                *draft.notices,
            ),
            patient_goals=tuple(
                {"text": g["text"], "linked_areas": g["areas"], "source": g["path"]}
                for g in patient_goals
            ),
            patient_id=assessment.patient_id,
            crisis=self.crisis_resources.shown(abuse=abuse),
            risk_answers=tuple(risk_answers),
        )
        if python_wrote or self._has_adjust:  # what plugin code wrote must come out as JSON
            try:
                # as to_json() (strict JSON: no NaN or infinity); no indent: fast
                json.dumps(plan.to_dict(), ensure_ascii=False, allow_nan=False)
            except Exception as error:
                raise self._unreadable(error) from error
        return plan

    def _risk_flags(
        self,
        assessment: Assessment,
        signals: list[tuple[Any, dt.date, str]],
        patient_goals: list[dict[str, Any]],
        as_of: dt.date,
        alcohol: str | None,
        alcohol_inputs: tuple[str, ...],
    ) -> tuple[RiskFlag, ...]:
        """Every open flag: risk items, risk language in the patient's own words (the goal is
        then linked to safety), documented abuse; harmful drinking raises suicide-risk flags."""
        flags = answer_flags(signals, self.instruments, as_of)
        # the words and conditions have no date of their own: they come with this assessment,
        # planned today
        recorded = as_of
        words = language_flags(
            (("The patient's own goal", goal["path"], goal["text"]) for goal in patient_goals),
            self._vocabulary.risk_language,
            recorded,
            as_of,
        )
        for flag in words:
            for goal in patient_goals:
                if goal["path"] in flag.provenance.inputs and SAFETY_AREA not in goal["areas"]:
                    goal["areas"].insert(0, SAFETY_AREA)
        flags.extend(words)
        flags.extend(condition_flags(assessment.context.conditions, recorded, as_of))
        return number_flags(raise_for_alcohol(flags, alcohol, alcohol_inputs))

    def _complete(
        self,
        draft: PlanDraft,
        context: PlanningContext,
        flags: tuple[Any, ...],
        alcohol: str | None = None,
    ) -> None:
        """Run the ``adjust_plan`` hooks, check what Python plugin code wrote, and enforce the
        safety rules, on the assembled draft (in place)."""
        as_of = context.as_of
        active_before_hooks: _safety.StepsSeen | None = None
        before: _Snapshot | None = None
        if self._has_adjust:
            # A hook may not lift the hold by relabelling, renaming or adding steps.
            if flags:
                active_before_hooks = _safety.clinician_steps(draft.problems)
            before = _snapshot(draft)
            # Each hook's changes are attributed to it alone: the draft is looked at again
            # before the next hook runs (a hook that raised may have changed it first too).
            running: list[tuple[str, _Snapshot]] = []  # the hook running now, and its snapshot
            unused = [before]  # the first hook starts from the snapshot just taken

            def arguments(name: str) -> dict[str, Any]:
                if running:
                    self._attribute_adjustments(draft, *running.pop())
                running.append((name, unused.pop() if unused else _snapshot(draft)))
                return {"plan": draft, "context": context}

            def report(failure: PluginError) -> None:
                draft.notices.append(
                    _risk_wording.failure_notice("plugin.failed", failure, failure.plugin)
                )

            call_each(
                self._loaded.manager,
                "adjust_plan",
                arguments,
                strict=self.strict,
                on_error=report,
            )
            if running:
                self._attribute_adjustments(draft, *running.pop())
        if self._python_content:  # what Python plugins wrote: check it as data files are
            keep = before.objects if before is not None else ()
            refuse = self._refuse if self.strict else None
            # Proposed objectives were checked before assembly; adjust_plan hooks may have
            # added or changed some since.
            check = self._objective_check(context) if before is not None else None
            check_plugin_objectives(
                draft.problems,
                draft.exclusions,
                keep,
                None if check is None else lambda o: check(o) if self._written(o) else None,
                refuse,
            )
            check_plugin_steps(draft.problems, draft.exclusions, keep, self._written, refuse)
        _safety.enforce(draft, flags, as_of, active_before_hooks, alcohol)

    def _written(self, element: Objective | Intervention) -> bool:
        """Whether Python plugin code made ``element`` or changed it in place (data strategies'
        content was checked when their files loaded)."""
        provenance = element.provenance
        return provenance.source in self._python_sources or bool(provenance.adjusted_by)

    def _refuse(self, element: Objective | Intervention, exclusion: Exclusion) -> None:
        """Strict mode: an objective or step that plugin code wrote wrong is an error.

        :raises PluginError: naming the plugin that last changed ``element`` (else its maker),
            the element, the field and the problem.
        """
        provenance = element.provenance
        source = provenance.adjusted_by[-1] if provenance.adjusted_by else provenance.source
        kind = "objective" if exclusion.rule == RULE_INVALID_OBJECTIVE else "step"
        raise PluginError(
            f"{kind} {exclusion.item_id!r} is not fit for the plan: {exclusion.reason}",
            plugin=source.removeprefix("plugin:").rpartition("@")[0] or source,
        )

    def _objective_check(self, context: PlanningContext) -> ObjectiveCheck:
        """:func:`objective_problem` with this engine's maximum review interval and the plan's
        date."""
        most, as_of = self.config.max_review_interval_days, context.as_of
        return lambda objective: objective_problem(
            objective, max_review_interval_days=most, as_of=as_of
        )

    def _checked_or_reported(
        self,
        proposal: Proposal,
        source: str,
        plugin: str,
        notices: list[Notice],
        problem: Problem,
        exclusions: list[Exclusion],
        context: PlanningContext,
    ) -> Proposal | None:
        """:func:`_checked`, or ``None`` and a ``plugin.failed`` notice when the proposal is not
        in a shape the engine can read. Objectives left out go to ``exclusions``. Strict mode
        raises :class:`PluginError` for either."""
        start = len(exclusions)
        try:
            checked = _checked(proposal, source, notices)
            checked = check_proposal_objectives(
                checked,
                problem.area,
                exclusions,
                self._objective_check(context),
                self._refuse if self.strict else None,
            )
        except PluginError:
            raise  # strict mode: an objective written wrong
        except Exception as error:
            del exclusions[start:]  # the whole proposal is left out: so are its exclusions
            failure = PluginError(
                f"proposed content the engine cannot read: {type(error).__name__}: {error}",
                plugin=plugin,
            )
            if self.strict:
                raise failure from error
            _add_once(notices, _risk_wording.failure_notice("plugin.failed", failure, plugin))
            return None
        return checked

    def _unreadable(self, error: Exception) -> PluginError:
        """The error for a draft that Python plugin code left in a shape the engine cannot read
        (a step without provenance, a notice that is not a Notice, ...)."""
        return PluginError(
            "the plan could not be completed from what plugin code wrote: "
            f"{type(error).__name__}: {error}",
            plugin=", ".join(self._python_plugins) or "unknown",
        )

    def _attribute_adjustments(self, draft: PlanDraft, name: str, before: _Snapshot) -> None:
        """Record what ``adjust_plan`` hooks did: objectives, steps, problems, notices and
        exclusions they added, and long-term goals they rewrote, are attributed to them; an
        objective or step they changed in place keeps the provenance it was proposed with (a hook
        cannot rewrite who made it) and names them in ``adjusted_by``; a notice names them.
        Wording that claims there is no risk is removed (and the element marked adjusted)."""
        source = f"plugin:{name}@{self._loaded.version_of(name)}"
        changed = _changed_in_place(draft, before)  # looked at once, before any redaction
        unchanged = {id(item) for item in (*draft.notices, *draft.exclusions)}
        unchanged.intersection_update(before.objects)  # notices and exclusions are frozen
        unchanged.update(key for key in before.contents if key not in changed)
        if _risk_wording.redact_no_risk_claims(draft, unchanged):
            draft.notices.append(_risk_wording.no_risk_claim_notice(source))
        for problem in draft.problems:
            goal = before.goals.get(id(problem))
            if goal is None or goal[1] != problem.long_term_goal:  # new problem, or goal rewritten
                problem.long_term_goal_source = source if problem.long_term_goal else None
            elements: list[Objective | Intervention] = [*problem.objectives, *problem.interventions]
            for element in elements:
                was = before.contents.get(id(element))
                if was is None:  # added by a hook
                    if element.provenance.source != source:
                        element.provenance = attrs.evolve(element.provenance, source=source)
                elif id(element) in changed:
                    made_by = was[0]
                    element.provenance = attrs.evolve(
                        made_by, adjusted_by=(*made_by.adjusted_by, source)
                    )
        draft.notices = [
            n if id(n) in before.objects or n.source == source else attrs.evolve(n, source=source)
            for n in draft.notices
        ]
        draft.exclusions = [
            e if id(e) in before.objects or e.source == source else attrs.evolve(e, source=source)
            for e in draft.exclusions
        ]
        draft.notices.append(
            Notice(
                "plan.adjusted",
                f"The plan was adjusted after assembly by {source.removeprefix('plugin:')} "
                "(adjust_plan); what it added carries its name as the source, and the objectives "
                "and steps it changed name it under adjusted_by.",
                source,
            )
        )

    def _check_context(self, assessment: Assessment) -> None:
        """Areas and conditions must be in the vocabulary (files are checked when loaded; an
        :class:`Assessment` built in code is checked here), never silently ignored."""
        context = assessment.context
        for field, given, known in (
            ("concerns", context.concerns, self._vocabulary.areas),
            ("conditions", context.conditions, self._vocabulary.conditions),
        ):
            for index, item in enumerate(given):
                if item not in known:
                    raise InputError(
                        f"unknown id {item!r}; known: {', '.join(sorted(known))}",
                        file=assessment.source,
                        path=f"$.context.{field}[{index}]",
                    )

    def _problems(
        self, findings: list[Finding], patient_goals: list[dict[str, Any]]
    ) -> list[Problem]:
        by_area: dict[str, list[Finding]] = {}
        for finding in findings:
            by_area.setdefault(finding.area, []).append(finding)
        problems: list[Problem] = []
        area_title = self._vocabulary.area_title
        for area, items in by_area.items():
            top = items[0] if len(items) == 1 else max(items, key=_WEIGHT)
            # Problem(id, area, title, priority, severity, weight, findings, long_term_goal,
            #         long_term_goal_source, objectives, interventions, patient_words,
            #         deferred_objectives), positionally (faster)
            problems.append(
                Problem(
                    f"problem-{area}",
                    area,
                    area_title(area),
                    0,
                    top.severity,
                    top.weight,
                    items,
                    None,
                    None,
                    [],
                    [],
                    [g["text"] for g in patient_goals if area in g["areas"]],
                    [],
                )
            )
        problems.sort(key=lambda p: (-p.weight, p.area))
        return problems

    def _plan_problem(
        self,
        problem: Problem,
        context: PlanningContext,
        exclusions: list[Exclusion],
        notices: list[Notice],
    ) -> bool:
        """Fill ``problem`` from the strategies and ``propose`` hooks; return whether content
        from Python plugin code was taken in."""
        python_wrote = False
        ranked: list[RankedProposal] = []
        for registered, plugin_label, plugin_source in self._by_area.get(problem.area, ()):
            strategy = registered.strategy
            try:
                proposal = strategy.propose(problem, context, plugin_label)
            except Exception as error:  # a strategy may raise anything; the plan goes on
                failure = PluginError(
                    f"strategy {strategy.id!r} raised {type(error).__name__}: {error}",
                    plugin=registered.plugin,
                )
                if self.strict:
                    raise failure from error
                _add_once(
                    notices, _risk_wording.failure_notice("plugin.failed", failure, registered.plugin)
                )
                continue
            if type(strategy) is not self._data_strategy:  # Python code (or a subclass): check it
                checked = self._checked_or_reported(
                    proposal, plugin_source, registered.plugin, notices, problem, exclusions, context
                )
                if checked is None:
                    continue
                proposal, python_wrote = checked, True
            ranked.append(RankedProposal(proposal, plugin_source, strategy.priority, strategy.id))
        if self._has_propose:
            results = call_each(
                self._loaded.manager,
                "propose",
                lambda _name: {"problem": problem, "context": context},
                strict=self.strict,
                on_error=lambda f: _add_once(
                    notices, _risk_wording.failure_notice("plugin.failed", f, f.plugin)
                ),
            )
            for name, result in results:
                if isinstance(result, Proposal):
                    source = f"plugin:{name}@{self._loaded.version_of(name)}"
                    checked = self._checked_or_reported(
                        result, source, name, notices, problem, exclusions, context
                    )
                    if checked is not None:
                        ranked.append(RankedProposal(checked, source, 50, name))
                        python_wrote = True
                elif result is not None:  # None: nothing to propose for this problem
                    failure = PluginError(
                        f"propose returned {type(result).__name__}, not a Proposal or None",
                        plugin=name,
                    )
                    if self.strict:
                        raise failure
                    _add_once(notices, _risk_wording.failure_notice("plugin.failed", failure, name))
        next_steps = self._next_steps(problem, context)
        if next_steps.objectives or next_steps.interventions:  # an empty proposal adds nothing
            ranked.append(RankedProposal(next_steps, "rule:findings.next-step", 100, "core"))
        more_exclusions, more_notices = merge_proposals(
            problem, ranked, max_objectives=self.config.max_objectives_per_problem
        )
        exclusions.extend(more_exclusions)
        notices.extend(more_notices)
        if not problem.objectives and not problem.interventions:
            notices.append(
                Notice(
                    "plan.no-strategy",
                    f"{problem.title}: no installed strategy proposed content for this problem; "
                    "the clinician writes its goals.",
                )
            )
        return python_wrote

    def _next_steps(self, problem: Problem, context: PlanningContext) -> Proposal:
        """Core follow-up for positive screens and cut-offs: complete the full measure, or refer."""
        if not any(f.next_step for f in problem.findings):
            return _NO_PROPOSAL
        objectives: list[Objective] = []
        steps: list[Intervention] = []
        seen: set[str] = set()
        due = context.as_of + dt.timedelta(days=context.config.screen_followup_days)
        # A screen asks for the full measure; when a full measure of this area was given
        # (a severity or cut-off finding from another instrument), the screen's request is met.
        measured = {
            f.instrument for f in problem.findings if f.kind in ("severity", "cutoff") and f.instrument
        }
        for finding in problem.findings:
            if not finding.next_step or finding.next_step in seen:
                continue
            if finding.kind == "screen-positive" and measured - {finding.instrument}:
                continue
            seen.add(finding.next_step)
            key = f"{problem.area}-next-step-{len(seen)}"
            provenance = Provenance("rule:findings.next-step", finding.provenance.inputs)
            # An unanswered risk item is asked at this visit, as the safety step says, not later.
            when = context.as_of if _risk_item_missing(finding, context) else due
            objectives.append(
                Objective(
                    id=key,
                    area=problem.area,
                    statement=f"{finding.next_step.rstrip('.')} by {when.isoformat()}.",
                    measure=Measure(
                        metric="follow-up assessment completed",
                        unit="assessments",
                        method="clinician records completion",
                        baseline_value=0,
                        baseline_date=context.as_of,
                        target_value=1,
                        comparator=">=",
                    ),
                    start_date=context.as_of,
                    due_date=when,
                    review_interval_days=min(
                        context.config.screen_followup_days,
                        context.config.max_review_interval_days,
                    ),
                    addresses=[finding.id],
                    provenance=provenance,
                    rationale=finding.summary,
                )
            )
            steps.append(
                Intervention(
                    id=key,
                    area=problem.area,
                    title=finding.next_step.rstrip("."),
                    description=finding.summary,  # the title is the next step itself
                    delivery="referral"
                    if "refer" in finding.next_step.lower()
                    else "clinician-led",
                    category="assessment",
                    rationale=finding.summary,
                    citations=list(finding.citations),
                    objective_ids=[key],
                    provenance=provenance,
                )
            )
        return Proposal(objectives=tuple(objectives), interventions=tuple(steps))


def _not_urgent(problem: Problem) -> bool:
    """Sort key: ``False`` (first) for a problem with an urgent objective."""
    for objective in problem.objectives:  # noqa: SIM110 - a plain loop on the hot path
        if objective.urgent:
            return False
    return True


def _risk_item_missing(finding: Finding, context: PlanningContext) -> bool:
    """Whether ``finding`` is an incomplete response whose unanswered items include a risk item
    (PHQ-9 item 9)."""
    if finding.kind != "incomplete" or finding.instrument is None:
        return False
    score = context.scores.get(finding.instrument)
    instrument = context.instruments.get(finding.instrument)
    if score is None or instrument is None:
        return False
    return any(risk.item in score.missing_items for risk in instrument.risk_items)


def _checked(proposal: Proposal, source: str, notices: list[Notice]) -> Proposal:
    """A proposal from Python plugin code, attributed to ``source`` and with wording that
    claims there is no risk removed (a notice says so)."""
    for step in proposal.interventions:
        normalise_delivery(step)
    proposal, redacted = _risk_wording.redact_proposal(_attributed(proposal, source))
    if redacted:
        _add_once(notices, _risk_wording.no_risk_claim_notice(source))
    return proposal


def _attributed(proposal: Proposal, source: str) -> Proposal:
    """``proposal`` with every element, exclusion and notice recorded as made by ``source``
    (Python plugin code may not claim a core rule's or another plugin's name)."""
    elements: list[Objective | Intervention] = [*proposal.objectives, *proposal.interventions]
    for element in elements:
        if element.provenance.source != source:
            element.provenance = attrs.evolve(element.provenance, source=source)
    return attrs.evolve(
        proposal,
        exclusions=tuple(
            e if e.source == source else attrs.evolve(e, source=source)
            for e in proposal.exclusions
        ),
        notices=tuple(
            n if n.source == source else attrs.evolve(n, source=source) for n in proposal.notices
        ),
    )


@attrs.frozen
class _Snapshot:
    """The draft before ``adjust_plan`` hooks ran. ``objects`` holds every objective, step,
    notice and exclusion by identity (kept alive, so no identity is reused while the hooks run);
    ``contents`` each objective's and step's provenance and field values, by identity, to tell the
    elements a hook changed in place; ``goals`` each problem's long-term goal, by the problem's
    identity."""

    objects: dict[int, object]
    contents: dict[int, tuple[Provenance, tuple[Any, ...]]]
    goals: dict[int, tuple[Problem, str | None]]


def _snapshot(draft: PlanDraft) -> _Snapshot:
    objects: dict[int, object] = {}
    contents: dict[int, tuple[Provenance, tuple[Any, ...]]] = {}
    for problem in draft.problems:
        elements: list[Objective | Intervention] = [*problem.objectives, *problem.interventions]
        for element in elements:
            objects[id(element)] = element
            contents[id(element)] = (element.provenance, _fingerprint(element))
    for item in (*draft.notices, *draft.exclusions):
        objects[id(item)] = item
    goals = {id(p): (p, p.long_term_goal) for p in draft.problems}
    return _Snapshot(objects, contents, goals)


def _changed_in_place(draft: PlanDraft, before: _Snapshot) -> set[int]:
    """Identities of the objectives and steps that were there before the hook and now differ
    (added ones are not in the snapshot; they are the hook's anyway)."""
    changed: set[int] = set()
    for problem in draft.problems:
        elements: list[Objective | Intervention] = [*problem.objectives, *problem.interventions]
        for element in elements:
            was = before.contents.get(id(element))
            if was is not None and _fingerprint(element) != was[1]:
                changed.add(id(element))
    return changed


def _fingerprint(element: Any) -> tuple[Any, ...]:
    """An element's field values, lists and mappings (and the measure's and provenance's
    fields) copied one level deep: enough to tell an edit in place, without a deep copy."""
    values: list[Any] = []
    for name in _field_names(type(element)):
        value = getattr(element, name)
        if isinstance(value, list):
            value = tuple(value)
        elif isinstance(value, dict):
            value = tuple(value.items())
        elif isinstance(value, (Measure, Provenance)):
            value = tuple(getattr(value, part) for part in _field_names(type(value)))
        values.append(value)
    return tuple(values)


#: attrs class -> its field names (looked up once per class)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:  # a race only writes the same names twice
        names = _FIELD_NAMES[cls] = tuple(field.name for field in attrs.fields(cls))
    return names


def _add_once(notices: list[Notice], notice: Notice) -> None:
    """Append ``notice`` unless the same one is there (a plugin failing on every problem)."""
    if notice not in notices:
        notices.append(notice)


#: What ``_next_steps`` offers when no finding asks for a next step (frozen, so shared).
_NO_PROPOSAL = Proposal()


def _score_row(score: Any, date: dt.date, path: str) -> dict[str, Any]:
    band = score.band
    row = {
        "instrument": score.instrument_id,
        "date": date.isoformat(),
        "total": score.total,
        "complete": score.complete,
        "prorated": score.prorated,
        "missing_items": list(score.missing_items),
        "band": band.label if band is not None else None,
        "derived": dict(score.derived),
        "cutoffs_met": list(score.cutoffs_met),
        "stale": False,  # set once the latest response of each instrument is known
        "source": path,
    }
    if score.missing_items:  # the totals still possible: shown instead of a band it may not be
        row["total_range"] = list(score.total_range)
    return row


def collect_instruments(
    manager: Any,
    *,
    overrides: Mapping[str, Mapping[str, Any]],
    strict: bool,
    on_error: Any,
) -> dict[str, Any]:
    """The built-in instruments, those plugins register, and the configured overrides applied.

    Planning and review both take their instruments from here, so they agree on every threshold.

    :param manager: the pluggy manager whose ``register_instruments`` hooks are called
        (``None``: no plugins).
    :param overrides: instrument id -> overrides (:meth:`Instrument.with_overrides`).
    :param strict: a failing hook raises :class:`PluginError` instead of going to ``on_error``.
    :param on_error: called with the :class:`PluginError` of a hook that failed.
    :raises ConfigError: for overrides of an unknown instrument, or malformed overrides.
    """
    from planengine.instruments._instruments import (
        Instrument,
        instrument_from_mapping,
        load_builtin_instruments,
    )
    from planengine.plan._risk_wording import no_risk_claim_path

    instruments: dict[str, Any] = dict(load_builtin_instruments())

    def bind(plugin: str) -> dict[str, Any]:
        def register(item: Any) -> None:
            instrument = (
                item
                if isinstance(item, Instrument)
                else instrument_from_mapping(item, source=plugin)
            )
            if instrument.id in instruments:
                raise PluginError(
                    f"instrument id {instrument.id!r} is already registered", plugin=plugin
                )
            claim = no_risk_claim_path(instrument.to_dict())
            if claim is not None:  # its texts go into findings, plans and reviews
                raise PluginError(
                    f"instrument {instrument.id!r}: the text at {claim} rules out risk, which "
                    "only a clinician's assessment can do",
                    plugin=plugin,
                )
            instruments[instrument.id] = instrument

        return {"register": register}

    if manager is not None:
        call_each(manager, "register_instruments", bind, strict=strict, on_error=on_error)
    for instrument_id, changes in overrides.items():
        if instrument_id not in instruments:  # a misspelt id would silently change nothing
            raise ConfigError(
                f"instrument-overrides: unknown instrument {instrument_id!r}; known: "
                + ", ".join(sorted(instruments))
            )
        try:
            instruments[instrument_id] = instruments[instrument_id].with_overrides(changes)
        except ConfigError as error:  # its message starts with the instrument id
            raise ConfigError(f"instrument-overrides.{error}") from None
    return instruments
