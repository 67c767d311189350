"""The engine: score, find, propose, assemble, check; the clock is always an argument.

Data flows one way::

    Assessment -> scores -> risk flags + findings -> problems -> proposals (strategies, hooks)
               -> assembly -> adjust_plan hooks -> safety enforcement
               -> stepped care (order, options, phases, burden) -> Plan

An :class:`Engine` is built once with its plugins (nothing happens at import time) and is then
immutable, so :meth:`Engine.plan` is safe to call from many threads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from planengine._errors import PLUGIN_FAILURES, PlanEngineError, PluginError
from planengine._installed import default_engine_config, overridden_instruments
from planengine._log import StageTimes
from planengine._model import (
    Assessment,
    Exclusion,
    Finding,
    Notice,
    Plan,
    PlanDraft,
    PlanningContext,
    PluginInfo,
    Problem,
    RiskFlag,
)
from planengine._plugins import LoadedPlugins, call_each, load_plugins, log_failure
from planengine._version import __version__
from planengine._vocabulary_hooks import (
    area_safety_notices,
    collect_vocabulary,
    known_area_instruments,
)
from planengine.plan import _risk_item_task, _risk_wording, _safety, _safety_hold
from planengine.plan._adjustments import Snapshot, attribute_adjustments, snapshot
from planengine.plan._annotate import (
    empty_plan_notices,
    mark_held_objectives,
    mark_stale_baselines,
    unlinked_goal_notices,
)
from planengine.plan._arguments import check_arguments, check_context, checked_choices
from planengine.plan._assembly import RankedProposal, merge_across_problems, merge_proposals
from planengine.plan._crisis import crisis_notices, resolve_crisis_resources
from planengine.plan._findings import (
    context_findings,
    instrument_findings,
    judges,
    problems_from_findings,
    unjudged_notices,
)
from planengine.plan._flag_dispositions import (
    apply_dispositions,
    plan_dispositions,
    unmatched_notices,
)
from planengine.plan._input_hash import input_sha256
from planengine.plan._instrument_set import collect_instruments
from planengine.plan._next_steps import next_steps
from planengine.plan._python_content import PythonContent, add_once, handed_copy, hook_proposals
from planengine.plan._responses import harmful_drinking
from planengine.plan._risk_flags import (
    PRIVATE_KINDS,
    answer_flags,
    assessment_day,
    condition_flags,
    language_flags,
    number_flags,
    raise_for_alcohol,
    unscreened_flags,
)
from planengine.plan._safety import SAFETY_AREA
from planengine.plan._scored import Scored, score_assessment
from planengine.plan._settings import EngineConfig
from planengine.plan._word_checks import ScreenWords
from planengine.plan.stepped_care._records import Burden, Choice
from planengine.plan.stepped_care._stage import Decided, SteppedCare
from planengine.strategies._registry import RegisteredStrategy, collect_strategies

__all__ = ["Engine", "EngineConfig", "collect_instruments"]  # the last two re-exported


class Engine:
    """A planning engine with a fixed set of plugins.

    :param plugins: plugin objects to register, beside the entry points (``[1]``: TypeError).
    :param autoload: load the ``planengine`` entry points (the built-in strategies are there).
    :param allow: only these entry-point names are loaded (``None``: all; a ``str``: one name).
    :param block: names never loaded (a ``str``: one name, ``block="sleep"``).
    :param strict: a failing plugin raises :class:`PluginError` instead of being reported and skipped
        (so does an objective or step Python plugin code wrote that the plan cannot take).
    :param config: an :class:`EngineConfig` (another type: TypeError); ``None``: the configuration
        file's the command line reads from the working directory (``EngineConfig()``: none).
    :raises planengine.ConfigError: for a configuration file with bad settings, naming it.
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
        # Long: everything plan() reads is prepared here once, in dependency order, so plan() does no I/O.
        import planengine.instruments._scoring  # noqa: F401  # loaded now, so plan() never reads a file
        from planengine._vocabulary import load_vocabulary
        from planengine.strategies._strategy import DataStrategy

        times = StageTimes("plan", "engine built")  # DEBUG only
        # as the command line: the nearest configuration file (an override's error names it);
        config, where = default_engine_config(config, EngineConfig)  # a wrong type: TypeError
        self.config = config
        self.strict = strict
        #: the crisis resources every plan shows (the clinic's, then its locale's; maybe none)
        self.crisis_resources = resolve_crisis_resources(
            self.config.crisis_locale, self.config.crisis_resources
        )
        self._loaded: LoadedPlugins = load_plugins(
            plugins=plugins, autoload=autoload, allow=allow, block=block, strict=strict
        )
        self._notices: list[Notice] = list(self._loaded.notices)
        times.mark("plugins")
        #: the areas and conditions this engine knows: the built-in ones and the plugins'
        self.vocabulary = collect_vocabulary(
            self._loaded, load_vocabulary(), strict=strict, notices=self._notices, on_error=self._report
        )
        self._vocabulary = self.vocabulary
        self._condition_areas = self._vocabulary.condition_areas()
        instruments = known_area_instruments(
            overridden_instruments(
                self._loaded.manager,
                self.config.instrument_overrides,
                where,
                strict=strict,
                on_error=self._report,
            ),
            self.vocabulary,
            strict=strict,
            notices=self._notices,
        )
        #: instrument id -> instrument, read-only (plans and hooks read it; none may change it)
        self.instruments: Mapping[str, Any] = MappingProxyType(instruments)
        self._instrument_names = {key: value.name for key, value in instruments.items()}
        self._screen_words = ScreenWords(self._instrument_names)  # read now: no I/O in plan()
        #: ids of the instruments whose finding rules can fire (see findings.judges)
        self._judging = frozenset(key for key, value in instruments.items() if judges(value))
        times.mark("vocabulary and instruments")
        self._strategies: tuple[RegisteredStrategy, ...] = collect_strategies(
            self._loaded,
            self._vocabulary,
            self.instruments,
            allow_drafts=self.config.allow_draft_strategies,
            strict=strict,
            notices=self._notices,
            on_error=self._report,
        )
        # area -> (registered strategy, "plugin@version" passed to propose,
        #          "plugin:plugin@version" recorded as the source of what it proposed)
        self._by_area: dict[str, tuple[tuple[RegisteredStrategy, str, str], ...]] = {}
        for registered in self._strategies:
            label = f"{registered.plugin}@{self._loaded.version_of(registered.plugin)}"
            entry = (registered, label, f"plugin:{label}")
            for area in registered.strategy.areas:
                self._by_area[area] = (*self._by_area.get(area, ()), entry)
        self.load_notices: tuple[Notice, ...] = tuple(self._notices)
        times.mark("strategies")
        times.done(plugins=len(self._loaded.infos), strategies=len(self._strategies))
        #: plugins that ship with planengine: on an id a plugin also proposes, theirs is kept
        self._builtin_plugins = frozenset(
            info.name for info in self._loaded.infos if info.distribution == "planengine"
        )
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
        self._stepped = SteppedCare(self.instruments, self.config)
        self._python = PythonContent(
            tuple(self._python_plugins),
            # what their content is recorded as made by (an adjust_plan hook's changes in place
            # are named under adjusted_by instead)
            frozenset(
                f"plugin:{name}@{self._loaded.version_of(name)}" for name in self._python_plugins
            ),
            strict,
            self.config.max_review_interval_days,
        )

    # -- construction ---------------------------------------------------------------------

    def _report(self, failure: PluginError) -> None:
        self._notices.append(_risk_wording.failure_notice("plugin.failed", failure, failure.plugin))

    @property
    def strategies(self) -> tuple[Any, ...]:
        """The strategies in use, highest priority first."""
        return tuple(r.strategy for r in self._strategies)

    # -- planning -------------------------------------------------------------------------

    def plan(
        self,
        assessment: Assessment,
        *,
        as_of: dt.date,
        choices: Mapping[str, str] | None = None,
    ) -> Plan:
        """Turn an assessment into a draft plan: score, find, flag, propose, assemble, complete,
        then plan in steps (order, options, phases, burden).

        :param assessment: a validated :class:`Assessment`.
        :param as_of: the planning date; start, due and review dates count from it. Required:
            the engine never reads the clock.
        :param choices: area -> the treatment option the clinician and patient chose for it
            (``{"depression": "cognitive-restructuring"}``); the plan's ``choices`` list each
            problem's options. Part of the input: the input hash covers it.
        :raises InputError: on answers the instruments cannot score, responses after ``as_of``,
            or a choice the plan has no option for.
        :raises TypeError: when ``assessment`` is not an :class:`Assessment` (a path: see
            :func:`planengine.load_assessment`) or ``as_of`` is not a :class:`datetime.date`.
        """
        times = StageTimes("plan", "plan")  # DEBUG only: stage times, never content
        choices = checked_choices(choices)
        check_arguments(assessment, as_of)
        check_context(assessment, self._vocabulary)
        scored = score_assessment(
            assessment, as_of, self.instruments, self.config.stale_baseline_days
        )
        times.mark("score")
        notices = list(self._notices)
        # the patient's goals screened for risk language once: it decides their links and flags
        screen = self._vocabulary.risk_language.find
        phrases = {text: screen(text) for text in assessment.context.patient_goals}
        findings, patient_goals = self._find(assessment, scored, phrases, notices)
        alcohol, alcohol_inputs = harmful_drinking(
            assessment, scored.latest, scored.dates, scored.paths, self.instruments
        )
        flags = self._risk_flags(
            assessment, scored.signals, patient_goals, phrases, as_of, alcohol, alcohol_inputs
        )
        times.mark("find and flag")
        context = PlanningContext(
            assessment=assessment,
            as_of=as_of,
            scores=scored.latest,
            score_dates=scored.dates,
            score_paths=scored.paths,
            risk_flags=flags,
            conditions=frozenset(assessment.context.conditions),
            instruments=self.instruments,
            config=self.config,
            areas=frozenset(f.area for f in findings),
        )
        draft, python_wrote, decided = self._propose_and_assemble(
            findings, patient_goals, context, notices, choices
        )
        times.mark("propose and assemble")
        self._complete_checked(draft, context, flags, alcohol)
        times.mark("adjust and safety")
        draft.problems, made, burden = self._stepped.apply(
            draft.problems,
            scored.latest,
            decided,
            risk_flag=_risk_item_task.open_suicide_flag(flags),
            harmful_drinking=alcohol,
            hooks_ran=self._has_adjust or bool(flags),  # the safety problem is added with a flag
        )
        times.mark("stepped care")
        mark_stale_baselines(draft, as_of, self.config.stale_baseline_days)
        mark_held_objectives(draft)
        plan = self._finished(
            assessment, scored, draft, flags, findings, patient_goals, as_of, choices, made, burden
        )

        if python_wrote or self._has_adjust:  # what plugin code wrote must come out as JSON
            try:
                # as to_json() (strict JSON: no NaN or infinity); no indent: fast
                json.dumps(plan.to_dict(), ensure_ascii=False, allow_nan=False)
            except Exception as error:
                raise self._python.unreadable(error) from error
        times.mark("finish")
        times.done(problems=len(plan.problems), risk_flags=len(flags), notices=len(plan.notices))
        return plan

    def _find(
        self,
        assessment: Assessment,
        scored: Scored,
        phrases: Mapping[str, tuple[tuple[str, str], ...]],
        notices: list[Notice],
    ) -> tuple[list[Finding], list[dict[str, Any]]]:
        """Findings from the latest scores and from the context (concerns, conditions, the
        patient's goals), and the record of each patient goal with the areas it links to.

        :param phrases: each patient goal -> the risk phrases found in it.
        """
        findings = instrument_findings(scored.latest, self.instruments, scored.paths)
        if not self._judging.issuperset(scored.latest):  # an instrument that cannot judge
            notices.extend(unjudged_notices(scored.latest, self.instruments))
        areas_for_goal = self._vocabulary.areas_for_goal
        extra, patient_goals = context_findings(
            assessment.context,
            # a goal in words of suicide or self-harm links to safety only ("go to sleep and not
            # wake up" is no sleep goal): _risk_flags links it; words of abuse keep their area
            # (its partner work is held, and its goal is about safety: planengine.plan._safety)
            lambda text: ()
            if any(theme != "abuse" for theme, _ in phrases[text])
            else areas_for_goal(text),
            [f.area for f in findings],
            self._condition_areas,
            self._vocabulary.goal_folds,
        )
        findings.extend(extra)
        notices.extend(self._screen_words.notices(assessment.context.patient_goals, scored.latest))
        return findings, patient_goals

    def _propose_and_assemble(
        self,
        findings: list[Finding],
        patient_goals: list[dict[str, Any]],
        context: PlanningContext,
        notices: list[Notice],
        choices: Mapping[str, str],
    ) -> tuple[PlanDraft, bool, Decided]:
        """Problems from the findings, each filled from the strategies and ``propose`` hooks,
        assembled and its treatment option chosen; whether content from Python plugin code was
        taken in; and the choices made."""
        problems = problems_from_findings(findings, patient_goals, self._vocabulary.area_title)
        exclusions: list[Exclusion] = []
        python_wrote = False
        for problem in problems:
            python_wrote = self._plan_problem(problem, context, exclusions, notices) or python_wrote
        decided = self._stepped.choose(
            problems, exclusions, context.scores, choices,
            risk_flag=_risk_item_task.open_suicide_flag(context.risk_flags),
            course_risk_flag=_risk_item_task.course_risk_flag(context.risk_flags),
            risk_recorded=_risk_item_task.suicide_flags_recorded(context.risk_flags),
            conditions=context.conditions,
            dated=(context.score_dates, context.as_of),
        )
        # A problem holding an urgent safety objective comes first (a stable sort: otherwise the
        # order by severity stands), before shared objectives and steps are listed once.
        problems.sort(key=lambda p: not any(o.urgent for o in p.objectives))
        notices.extend(merge_across_problems(problems))
        notices.extend(empty_plan_notices(problems, bool(context.risk_flags), patient_goals))
        notices.extend(unlinked_goal_notices(patient_goals))  # linked by now, safety included
        notices.extend(
            area_safety_notices(
                [p.area for p in problems], sorted(context.conditions), self._vocabulary
            )
        )
        draft = PlanDraft(problems=problems, exclusions=exclusions, notices=notices)
        return draft, python_wrote, decided

    def _complete_checked(
        self,
        draft: PlanDraft,
        context: PlanningContext,
        flags: tuple[RiskFlag, ...],
        alcohol: str | None,
    ) -> None:
        """:meth:`_complete`, with an error from what plugin code left in the draft named as the
        plugins' (the engine's own bugs are raised as they are)."""
        try:
            self._complete(draft, context, flags, alcohol)
        except PlanEngineError:
            raise
        except Exception as error:
            if not self._python_content:
                raise  # the engine's own bug: not a plugin's to carry
            raise self._python.unreadable(error) from error

    def _finished(
        self,
        assessment: Assessment,
        scored: Scored,
        draft: PlanDraft,
        flags: tuple[RiskFlag, ...],
        findings: list[Finding],
        patient_goals: list[dict[str, Any]],
        as_of: dt.date,
        choices: Mapping[str, str],
        made: tuple[Choice, ...],
        burden: Burden,
    ) -> Plan:
        """The finished plan: the input hash, the risk statement and crisis resources, and the
        crisis notices added after every hook (no plugin can remove them)."""
        safety_findings = draft.problems[0].findings if flags else []
        # domestic-abuse services go into a plan only beside documented abuse (R-SC20)
        abuse = any(f.kind in PRIVATE_KINDS for f in flags)
        return Plan(
            as_of=as_of,
            input_sha256=input_sha256(assessment, scored.answers_read, choices),
            engine_version=__version__,
            plugins=self.plugin_infos,
            scores=tuple(scored.rows),
            risk_flags=flags,
            risk_statement=_safety.risk_statement(
                flags, tuple(scored.risk_items.values()), bool(assessment.context.patient_goals),
                as_of, crisis_set_up=bool(self.crisis_resources.for_crisis)),
            findings=(*safety_findings, *findings),
            problems=tuple(draft.problems),
            exclusions=tuple(draft.exclusions),
            notices=(
                *crisis_notices(self.crisis_resources, open_flag=bool(flags), abuse_flag=abuse),
                *draft.notices,
                *unmatched_notices(assessment.dispositions, flags),
            ),
            patient_goals=tuple(
                {"text": g["text"], "linked_areas": g["areas"], "source": g["path"]}
                for g in patient_goals
            ),
            patient_id=assessment.patient_id,
            crisis=self.crisis_resources.shown(abuse=abuse),
            risk_answers=tuple(scored.risk_answers),
            choices=made,
            burden=burden,
        )

    def _risk_flags(
        self,
        assessment: Assessment,
        signals: list[tuple[Any, dt.date, str]],
        patient_goals: list[dict[str, Any]],
        phrases: Mapping[str, tuple[tuple[str, str], ...]],
        as_of: dt.date,
        alcohol: str | None,
        alcohol_inputs: tuple[str, ...],
    ) -> tuple[RiskFlag, ...]:
        """Every open flag: risk items, risk language in the patient's own words (the goal is
        then linked to safety), documented abuse; harmful drinking raises suicide-risk flags.
        The words, the conditions and a risk question never given have no date of their own:
        they are dated the day this assessment was taken (:func:`assessment_day`)."""
        day = assessment_day(assessment, as_of)
        flags = answer_flags(signals, self.instruments, as_of)
        flags.extend(unscreened_flags(signals, day, as_of))
        words = language_flags(
            (("The patient's own goal", goal["path"], goal["text"]) for goal in patient_goals),
            phrases.__getitem__,
            day,
            as_of,
        )
        for flag in words:
            for goal in patient_goals:
                if goal["path"] in flag.provenance.inputs and SAFETY_AREA not in goal["areas"]:
                    goal["areas"].insert(0, SAFETY_AREA)
        flags.extend(words)
        flags.extend(condition_flags(assessment.context.conditions, day, as_of))
        numbered = number_flags(raise_for_alcohol(flags, alcohol, alcohol_inputs))
        records = plan_dispositions(assessment.dispositions, as_of, assessment.source)
        return apply_dispositions(numbered, records, as_of)  # flags are all kept

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
        active_before_hooks: _safety_hold.StepsSeen | None = None
        before: Snapshot | None = None
        if self._has_adjust:
            # A hook may not lift the hold by relabelling, renaming or adding steps.
            if flags:
                active_before_hooks = _safety_hold.clinician_steps(draft.problems)
            before = snapshot(draft)
            # Each hook's changes are attributed to it alone: the draft is looked at again
            # before the next hook runs (a hook that raised may have changed it first too).
            running: list[tuple[str, Snapshot]] = []  # the hook running now, and its snapshot
            unused = [before]  # the first hook starts from the snapshot just taken

            def arguments(name: str) -> dict[str, Any]:
                if running:
                    attribute_adjustments(draft, *running.pop())
                source = f"plugin:{name}@{self._loaded.version_of(name)}"
                running.append((source, unused.pop() if unused else snapshot(draft)))
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
                attribute_adjustments(draft, *running.pop())
        if self._python_content:  # what Python plugins wrote: check it as data files are
            self._python.check_draft(draft, before, as_of)
        screens = _safety.screens(context.scores, self.instruments)
        _safety.enforce(
            draft, flags, as_of, active_before_hooks, alcohol,
            urgent_contact_working_days=self.config.urgent_contact_working_days, **screens,
        )

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
        builtin = self._builtin_plugins
        for registered, plugin_label, plugin_source in self._by_area.get(problem.area, ()):
            strategy = registered.strategy
            data = type(strategy) is self._data_strategy  # the engine's own runtime reads data
            try:  # Python code gets a copy: it cannot change the problem it is given
                proposal = strategy.propose(
                    problem if data else handed_copy(problem), context, plugin_label
                )
            except PLUGIN_FAILURES as error:  # a strategy may raise anything; the plan goes on
                log_failure(registered.plugin, f"strategy {strategy.id!r}", error)
                failure = PluginError(
                    f"strategy {strategy.id!r} raised {type(error).__name__}: {error}",
                    plugin=registered.plugin,
                )
                if self.strict:
                    raise failure from error
                add_once(
                    notices, _risk_wording.failure_notice("plugin.failed", failure, registered.plugin)
                )
                continue
            if not data:  # Python code (or a subclass): check it
                checked = self._python.checked_or_reported(
                    proposal, plugin_source, registered.plugin, notices, problem, exclusions, context.as_of
                )
                if checked is None:
                    continue
                proposal, python_wrote = checked, True
            ranked.append(RankedProposal(proposal, plugin_source, strategy.priority, strategy.id,
                                         registered.plugin in builtin))
        if self._has_propose:
            hooked = hook_proposals(
                self._loaded, self._python, problem, context, notices, exclusions, builtin
            )
            ranked.extend(hooked)
            python_wrote = python_wrote or bool(hooked)
        core = next_steps(problem, context, [entry.proposal for entry in ranked])
        if core.objectives or core.interventions:  # an empty proposal adds nothing
            ranked.append(RankedProposal(core, "rule:findings.next-step", 100, "core", True))
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
