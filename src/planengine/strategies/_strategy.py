"""Strategies whose content is data: objective templates, interventions, doses and citations.

A strategy file (``schemas/strategy.schema.json``) holds everything a clinician may want to review
or change; this module holds only the logic data cannot express: choosing what applies (the
``when`` language), filling templates from the patient's own baseline, deriving targets from the
instrument's change thresholds, choosing a dose by severity (``variants``), honouring
contraindications, and dating objectives from ``as_of``.

Everything that can be worked out from the file alone is worked out once, when the strategy is
loaded (conditions, split templates, resolved citations, per-area ids), so that
:meth:`DataStrategy.propose` only fills in what depends on the patient. Templates use ``{name}``
placeholders from a fixed list (see :data:`TEMPLATE_FIELDS`); nothing in a data file is executed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from typing import Any

import attrs

from planengine._errors import DocumentSchemaError
from planengine._model import (
    Exclusion,
    Intervention,
    Measure,
    Notice,
    Objective,
    PlanningContext,
    Problem,
    Proposal,
    Provenance,
)
from planengine._read_only import read_only
from planengine.strategies._conditions import PRIVATE_FLAG_CONDITION, RISK_FLAG_CONDITION
from planengine.strategies._targets import derive_target, target_for
from planengine.strategies._templates import (
    TEMPLATE_FIELDS,
    _measure_values,
    _ObjectiveTemplate,
    _StepTemplate,
    _Values,
    compile_by_area,
    fill_template,
)
from planengine.strategies._validation import (
    RISK_CLAIM_REFUSED,
    check_strategy_document,
    find_ids,
    remember_ids,
)

__all__ = [
    "RISK_FLAG_CONDITION",
    "TEMPLATE_FIELDS",
    "DataStrategy",
    "derive_target",
    "fill_template",
    "strategy_from_mapping",
]


def _frozen_document(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A strategy document, read-only all the way down."""
    frozen: Mapping[str, Any] = read_only(value)
    return frozen


_RISK_FLAG_SET = frozenset({RISK_FLAG_CONDITION})
_PRIVATE_FLAG_SET = frozenset({RISK_FLAG_CONDITION, PRIVATE_FLAG_CONDITION})


def _flag_conditions(flags: tuple[Any, ...]) -> frozenset[str]:
    """The conditions the open flags stand for (an open flag; a private one)."""
    return _PRIVATE_FLAG_SET if any(flag.private for flag in flags) else _RISK_FLAG_SET

#: ``timedelta(weeks=n)`` for the usual horizons (building a timedelta is slow).
_WEEKS = tuple(dt.timedelta(weeks=n) for n in range(105))
#: A pending baseline is recorded by the end of the first week of its log.
_WEEK = dt.timedelta(days=7)


def _weeks(count: int) -> dt.timedelta:
    return _WEEKS[count] if 0 <= count < len(_WEEKS) else dt.timedelta(weeks=count)


class _Call:
    """What one :meth:`DataStrategy.propose` call works from, worked out once for the call.

    ``verdicts[slot]`` says whether the strategy's ``when`` block in that slot holds for this
    problem; its last entry is ``True`` and stands for "no block" (slot ``-1``). Nothing is kept
    between calls.
    """

    __slots__ = (
        "context", "dues", "horizon_weeks", "max_review_days", "patient_words", "present",
        "problem", "review_days", "start", "verdicts",
    )

    def __init__(
        self,
        problem: Problem,
        context: PlanningContext,
        tests: tuple[Any, ...],
        slots: tuple[int, ...],
    ) -> None:
        verdicts = [False] * len(tests)
        for slot in slots:
            verdicts[slot] = tests[slot](problem, context)
        verdicts.append(True)
        self.verdicts = verdicts
        self.problem = problem
        self.context = context
        config = context.config
        self.start = context.as_of
        self.horizon_weeks = int(config.horizon_weeks)
        self.review_days = int(config.review_interval_days)
        self.max_review_days = int(config.max_review_interval_days)
        self.patient_words = problem.patient_words[0] if problem.patient_words else None
        self.dues: dict[int, tuple[dt.date, str]] = {}
        #: the conditions contraindications look up: the context's, and an open risk flag
        self.present = (
            context.conditions | _flag_conditions(context.risk_flags)
            if context.risk_flags
            else context.conditions
        )

    def due(self, horizon_weeks: int) -> tuple[dt.date, str]:
        """``as_of`` plus the horizon, and its ISO form (each formatted once per call)."""
        known = self.dues.get(horizon_weeks)
        if known is None:
            date = self.start + _weeks(horizon_weeks)
            known = self.dues[horizon_weeks] = (date, date.isoformat())
        return known


# -- the strategy ---------------------------------------------------------------------------------


@attrs.frozen
class DataStrategy:
    """A strategy whose content is a validated data document.

    :ivar id: unique strategy id.
    :ivar version: the content version, recorded in every plan element it makes.
    :ivar status: ``draft``, ``testing``, ``production`` or ``retired``.
    :ivar areas: problem areas it plans for.
    :ivar priority: wins conflicts against lower priorities (ties: lower id wins).
    """

    id: str
    name: str
    version: str
    status: str
    areas: tuple[str, ...]
    priority: int
    #: The strategy document, read-only all the way down (one strategy object serves every engine
    #: in the process, so no caller may change what later plans are made from).
    data: Mapping[str, Any] = attrs.field(repr=False, eq=False, converter=_frozen_document)
    source: str = "builtin"
    #: area -> ((objective template, its id in that area), ...), (step template, ...), and the
    #: ``when`` slots those templates read
    _by_area: Mapping[
        str,
        tuple[
            tuple[tuple[_ObjectiveTemplate, str], ...],
            tuple[_StepTemplate, ...],
            tuple[int, ...],
        ],
    ] | None = attrs.field(init=False, default=None, repr=False, eq=False)
    #: The test of each ``when`` block, by slot (both compiled on first use: :meth:`_compiled`).
    _tests: tuple[Any, ...] | None = attrs.field(init=False, default=None, repr=False, eq=False)
    _label: str = attrs.field(init=False, repr=False, eq=False)
    _goals: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not _CHECKED.get():  # also for a strategy built in code (or changed with evolve)
            from planengine.plan._risk_wording import no_risk_claim_path

            claim = no_risk_claim_path(self.data)
            if claim is not None:
                raise DocumentSchemaError(
                    f"strategy {self.id!r}: {RISK_CLAIM_REFUSED}",
                    path=claim,
                )
        object.__setattr__(self, "_label", f"{self.id}@{self.version}")
        object.__setattr__(self, "_goals", self.data.get("long_term_goals", {}))

    def _compiled(self) -> tuple[Mapping[str, Any], tuple[Any, ...]]:
        """The templates by area and the ``when`` tests, compiled on the first call: a process
        that plans for two problems does not compile the other strategies' templates."""
        by_area = self._by_area
        if by_area is not None and self._tests is not None:
            return by_area, self._tests
        by_area, tests = compile_by_area(self.data, self.areas, self.cite)
        object.__setattr__(self, "_tests", tests)
        object.__setattr__(self, "_by_area", by_area)  # last: another thread reads it first
        return by_area, tests

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, source: str = "builtin") -> DataStrategy:
        """Load and validate a strategy file (YAML or JSON); an unchanged file's checked
        document is read from the cache (:mod:`planengine._cache`)."""
        return _load_strategy_file(os.fspath(path), source)

    @property
    def label(self) -> str:
        """``id@version``, as recorded in provenance."""
        return self._label

    def references(self) -> Mapping[str, str]:
        """Citation id -> full reference."""
        refs: Mapping[str, str] = self.data.get("references", {})
        return refs

    def cite(self, ids: list[str]) -> list[str]:
        """Turn citation ids into ``"ID: reference"`` strings (kept in the plan beside each step)."""
        refs = self.references()
        return [f"{cid}: {refs[cid]}" if cid in refs else cid for cid in ids]

    def propose(self, problem: Problem, context: PlanningContext, plugin: str) -> Proposal:
        """Objectives and interventions for one problem, personalised from the context.

        Every call builds fresh plan elements, which the core (and ``adjust_plan``) may change.
        """
        if problem.area not in self.areas:
            return Proposal()
        return self._propose(problem, context, plugin)

    def _propose(self, problem: Problem, context: PlanningContext, plugin: str) -> Proposal:
        # Long: plan()'s hot path: one pass with locals (measured faster); repeated parts are own functions.
        by_area, tests = self._compiled()
        objective_templates, step_templates, slots = by_area[problem.area]
        area = problem.area
        source = f"plugin:{plugin}"
        findings = problem.findings
        provenance_inputs = tuple(sorted({p for f in findings for p in f.provenance.inputs}))
        addresses = [f.id for f in findings]
        provenance = Provenance(source, provenance_inputs, self._label)
        call = _Call(problem, context, tests, slots)
        verdicts = call.verdicts
        present = call.present
        objectives: list[Objective] = []
        notices: list[Notice] = []
        exclusions: list[Exclusion] = []
        for template, objective_id in objective_templates:
            if not verdicts[template.when_slot]:
                continue
            if template.contraindications:
                removed = next((c for c in template.contraindications
                                if c.action == "remove" and c.applies(problem, context)), None)
                if removed is not None:
                    exclusions.append(Exclusion(
                        item_id=objective_id, area=area,
                        title=f"Objective: {template.id.replace('-', ' ')}",
                        reason=f"{removed.key}: {removed.reason}",
                        rule=f"contraindication.{removed.key}", source=source,
                    ))
                    continue
            objective, why_not = self._objective(
                template, objective_id, call, source, provenance, addresses
            )
            if objective is None:
                if why_not:
                    notices.append(Notice("strategy.objective-skipped",
                                          f"Objective {template.id!r} left out: {why_not}.", source))
                continue
            for rule in template.contraindications:  # cautions and holds: kept, with a note
                if rule.action != "remove" and rule.applies(problem, context):
                    label = "Held" if rule.action == "hold" else "Caution"
                    objective.notes.append(f"{label} ({rule.key}): {rule.reason}")
            objectives.append(objective)
        kept_ids = {o.id for o in objectives}
        interventions: list[Intervention] = []
        for item in step_templates:
            if not verdicts[item.when_slot]:
                continue
            content = item.default
            if item.variants:
                for slot, variant in item.variants:
                    if verdicts[slot]:
                        content = variant
                        break
            objective_ids = item.objectives
            if not objective_ids:
                linked: list[str] = []
            elif kept_ids.issuperset(objective_ids):
                linked = list(objective_ids)
            else:
                linked = [oid for oid in objective_ids if oid in kept_ids]
            (title, description, delivery, rationale, steps, frequency, duration, course_weeks,
             category, citations, requires, intensity, option, start_week, hosts) = content
            # Intervention(id, area, title, description, delivery, rationale, provenance, steps,
            #              frequency, duration_minutes, course_weeks, category, citations,
            #              objective_ids, status, notes, conflicts_with, requires, intensity,
            #              option, start_week, in_sessions_of), positionally (faster)
            step = Intervention(
                item.id,
                area,
                title,
                description,
                delivery,
                rationale,
                provenance,
                list(steps),
                dict(frequency) if frequency else None,
                duration,
                course_weeks,
                category,
                list(citations),
                linked,
                "active",
                [],
                list(item.conflicts_with),
                list(requires),
                intensity,
                option,
                start_week,
                list(hosts),
            )
            if item.administers is not None:
                step.administers = item.administers
            if item.guards:
                for condition, slot in item.guards:
                    if verdicts[slot] if condition is None else condition in present:
                        break
                else:  # no contraindication applies (the usual case): no call
                    interventions.append(step)
                    continue
                removed_step = _apply_contraindications(step, item, verdicts, present, source)
                if removed_step is not None:
                    exclusions.append(removed_step)
                    continue
            interventions.append(step)
        # Positional arguments: attrs builds these several times faster than with keywords.
        # Proposal(long_term_goal, objectives, interventions, exclusions, notices)
        return Proposal(
            self._goals.get(area),
            tuple(objectives),
            tuple(interventions),
            tuple(exclusions),
            tuple(notices),
        )

    def _objective(
        self,
        template: _ObjectiveTemplate,
        objective_id: str,
        call: _Call,
        source: str,
        provenance: Provenance,
        addresses: list[str],
    ) -> tuple[Objective | None, str | None]:
        """The objective for ``template``, or ``None`` and why not (``None``: say nothing).

        ``provenance`` is the call's shared provenance (the findings' inputs); an objective
        measured by an instrument gets its own, naming the response it takes its baseline from.
        """
        # Long: plan()'s hot path: locals and positional arguments (measured faster) in one pass.
        pick = template.default
        verdicts = call.verdicts
        for variant in template.variants:
            if verdicts[variant.slot]:
                pick = variant
                break
        context = call.context
        problem = call.problem
        horizon_weeks = pick.horizon_weeks or call.horizon_weeks
        start = call.start
        due, due_iso = call.due(0 if template.urgent or template.at_this_visit else horizon_weeks)
        review = min(pick.review_interval_days or call.review_days, call.max_review_days)
        instrument_id = template.instrument
        instrument_name = None
        rationale = pick.rationale
        if instrument_id:
            score = context.scores.get(instrument_id)
            if score is None:
                return None, None  # nothing to measure from; the `when` block normally says so
            total = score.total
            if total is None and pick.target.get("rule") not in _RULES_WITHOUT_BASELINE:
                return None, None  # no baseline to move from (a total_unknown variant has one)
            instrument = context.instruments[instrument_id]
            instrument_name = instrument.name
            target_value, comparator, why_not = target_for(instrument, score, pick.target)
            if target_value is None:
                return None, why_not
            method = f"{instrument_name} at each review" if template.method is None else template.method
            # Measure(unit, method, target, comparator, baseline, baseline_date, instrument, metric,
            #         baseline_pending, baseline_by); no total (an unanswered item): taken today
            measure = Measure(
                template.unit, method, target_value, comparator, total,
                context.score_dates[instrument_id] if total is not None else None, instrument_id,
                None, None if total is not None else f"today's complete {instrument_name}",
                None if total is not None else start,
            )  # fmt: skip
            provenance = Provenance(source, (context.score_paths[instrument_id],), self._label)
            if score.prorated:  # say so where the baseline is read, not only in the scores
                prorated = f"The baseline {total} is prorated from the items answered (an estimate)."
                rationale = f"{rationale} {prorated}" if rationale else prorated
        else:
            if pick.already_met:
                return None, "the baseline already meets its target"
            target = pick.target
            assert template.metric is not None  # compiled for every objective without instrument
            unit, method, metric, baseline, log = template.metric
            if log is None:
                measure = Measure(
                    unit, method, target["value"], target["comparator"], baseline, start, None, metric
                )
            else:  # recorded in the first week of the log: no value yet, never an invented 0
                measure = Measure(
                    unit, method, target["value"], target["comparator"], None, None, None, metric,
                    f"recorded from the first week of the {log}", start + _WEEK,
                )
        raw_frequency = pick.frequency
        frequency = dict(raw_frequency) if raw_frequency else None
        patient_words = call.patient_words
        needed = template.needed
        values = _NO_VALUES
        if needed:
            values = _Values(pick.fixed_values)
            if instrument_name is not None:  # the measure's numbers come from the score
                values.update(
                    _measure_values(measure.baseline_value, measure.target_value, measure.comparator)
                )
                if "instrument_name" in needed:
                    values["instrument_name"] = instrument_name
            if "due_date" in needed:
                values["due_date"] = due_iso
            if "start_date" in needed:
                values["start_date"] = start.isoformat()
            if "review_date" in needed:
                values["review_date"] = min(start + dt.timedelta(days=review), due).isoformat()
            if "horizon_weeks" in needed:
                values["horizon_weeks"] = horizon_weeks
            if patient_words is not None and "patient_words" in needed:
                values["patient_words"] = patient_words
            if problem.severity is not None and "severity" in needed:
                values["severity"] = problem.severity
        gas: dict[str, str] | None = None
        if template.gas_texts:
            gas = dict(template.gas_texts)
            for level, text in template.gas_fills:
                gas[level] = text.fill(values)
        # Objective(id, area, statement, measure, start_date, due_date, review_interval_days,
        #           addresses, provenance, frequency, patient_words, rationale, gas, citations,
        #           urgent, ..., liaison)
        return Objective(
            objective_id,
            problem.area,
            pick.statement.fill(values),
            measure,
            start,
            due,
            review,
            list(addresses),
            provenance,
            frequency,
            patient_words,
            rationale,
            gas,
            list(template.citations if pick.citations is None else pick.citations),
            template.urgent, liaison=template.liaison, at_this_visit=template.at_this_visit,
        ), None


#: Values for templates without placeholders (never written to).
_NO_VALUES = _Values()
#: target rules that need no total (a score with an unanswered item): see ``target_for``
_RULES_WITHOUT_BASELINE = frozenset({"below-cutoff", "remission", "value"})


def _apply_contraindications(
    step: Intervention,
    item: _StepTemplate,
    verdicts: list[bool],
    present: frozenset[str],
    source: str,
) -> Exclusion | None:
    """Mark ``step`` for each caution or hold that applies; the exclusion when one says remove.

    A ``when`` block was tested once for the whole call (``verdicts[slot]``); a condition is
    looked up in ``present`` (the context's conditions, and the open-risk-flag one)."""
    removing, written = [], step.steps  # the copy rewrites the sub-steps as written
    for rule, (condition, slot) in zip(item.contraindications, item.guards, strict=True):
        if not (verdicts[slot] if condition is None else condition in present):
            continue
        if rule.action == "remove":
            removing.append(rule)
            continue
        if rule.action == "hold":  # waits for what the reason names; held outranks caution
            step.status, step.hold = "held", "contraindication"
            step.hold_until = step.hold_until or rule.hold_until
            step.notes.append(f"Held ({rule.key}): {rule.reason}")
            continue
        if step.status != "held":
            step.status = "caution"
        step.notes.append(f"Caution ({rule.key}): {rule.reason}")
        step.patient_steps = rule.patient_version(step.patient_steps, written)
        rule.rewrite_for_plan(step)  # the plan's own wording, as the caution allows
    if not removing:
        return None
    return Exclusion(
        item_id=step.id,
        area=step.area,
        title=step.title,
        reason="; ".join(f"{rule.key}: {rule.reason.rstrip('.')}" for rule in removing),
        rule=f"contraindication.{removing[0].key}",
        source=source,
    )


def strategy_from_mapping(
    data: Mapping[str, Any],
    *,
    source: str = "builtin",
    file: str | None = None,
    document: Any = None,
    vocabulary: Any = None,
) -> DataStrategy:
    """Validate a strategy document against ``strategy.schema.json`` and build it.

    Besides the schema, every citation id used must be defined in ``references``, every
    ``objectives``/``requires`` link must name an id in the file, and placeholders must be known
    ones. Area and condition ids must be in ``vocabulary`` (with ``areas`` and ``conditions``);
    without one they are checked when an engine registers the strategy, against the engine's
    vocabulary (built-in ids and those plugins register).

    :param document: the loaded :class:`planengine.io._document.Document`, to give errors a line.
    """
    check_strategy_document(data, file=file, document=document, vocabulary=vocabulary)
    return _checked_strategy(data, source)


#: Set while a strategy is built from a document that passed every check (in this process, or
#: when the cache entry it was read from was made): its text is not searched for a no-risk claim
#: a second time. Nothing outside this module sets it.
_CHECKED: ContextVar[bool] = ContextVar("planengine_strategy_checked", default=False)


def _checked_strategy(data: Mapping[str, Any], source: str) -> DataStrategy:
    """The strategy of a document that passed :func:`check_strategy_document`."""
    token = _CHECKED.set(True)
    try:
        # DataStrategy(id, name, version, status, areas, priority, data, source)
        return DataStrategy(
            data["id"], data["name"], str(data["version"]), data["status"],
            tuple(data["areas"]), int(data.get("priority", 50)), data, source,
        )  # fmt: skip
    finally:
        _CHECKED.reset(token)


@cache
def _load_strategy_file(path: str, source: str) -> DataStrategy:
    """The strategy in the file at ``path``: its checked document from the cache when the file's
    bytes are unchanged (:mod:`planengine._cache`), else read, parsed and checked."""
    from planengine._cache import checked_data
    from planengine.io._limits import DEFAULT_MAX_BYTES

    try:
        with open(path, "rb") as handle:
            content = handle.read(DEFAULT_MAX_BYTES + 1)
    except OSError:  # the loader says why the file cannot be read
        from planengine.io._loader import load_document

        document = load_document(path)
        return strategy_from_mapping(document.data, source=source, file=path, document=document)

    def build(content: bytes) -> tuple[dict[str, Any], Any]:
        # the loader (and the YAML parser) are imported only when the cache cannot answer
        from planengine.io._loader import parse_document

        document = parse_document(content, name=path)
        check_strategy_document(document.data, file=document.path, document=document)
        return document.data, find_ids(document.data)

    data, ids = checked_data("strategy", content, build)
    strategy = _checked_strategy(data, source)
    remember_ids(strategy.data, ids)  # what engines check it against, found once
    return strategy
