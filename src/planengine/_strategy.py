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
import math
import os
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
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

__all__ = [
    "RISK_FLAG_CONDITION",
    "TEMPLATE_FIELDS",
    "DataStrategy",
    "derive_target",
    "fill_template",
    "strategy_from_mapping",
]

STATUSES = ("draft", "testing", "production", "retired")

#: Placeholders a template may use.
TEMPLATE_FIELDS = (
    "baseline",
    "target",
    "comparator_words",
    "target_phrase",
    "due_date",
    "start_date",
    "review_date",
    "instrument_name",
    "horizon_weeks",
    "frequency_times",
    "frequency_per",
    "duration_minutes",
    "unit",
    "patient_words",
    "severity",
)
#: A contraindication ``condition`` that matches while any risk flag is open (not a vocabulary id,
#: so it can never clash with one).
RISK_FLAG_CONDITION = "open-risk-flag"

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_COMPARATOR_WORDS = {"<=": "or lower", "<": "below", ">=": "or higher", ">": "above", "==": "exactly"}
_GAS_LEVELS = ("-2", "-1", "0", "1", "2")


def fill_template(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` placeholders; unknown names are left as they are (the schema checks)."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return str(values[key]) if key in values and values[key] is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, template)


def _target_phrase(comparator: str, value: float | int) -> str:
    """``"6 or lower"``, ``"below 5"``, ``"13 or higher"``, ``"above 4"``, ``"exactly 0"``."""
    number = _format_number(value)
    if comparator in ("<", ">", "=="):
        return f"{_COMPARATOR_WORDS[comparator]} {number}"
    return f"{number} {_COMPARATOR_WORDS[comparator]}"


def _format_number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- compiled pieces (built once per strategy file) ----------------------------------------------


@attrs.frozen
class _Template:
    """A template split at its placeholders: literal text at even, field names at odd positions."""

    parts: tuple[str, ...]

    @classmethod
    def compile(cls, text: str) -> _Template:
        return cls(tuple(_PLACEHOLDER.split(text)))

    def fill(self, values: Mapping[str, Any]) -> str:
        parts = self.parts
        if len(parts) == 1:
            return parts[0]
        out = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(part)
            else:
                value = values.get(part)
                out.append("{" + part + "}" if value is None else str(value))
        return "".join(out)


@attrs.frozen
class _When:
    """A compiled ``when`` block: every key that is set must hold (``any`` holds when one does)."""

    instrument: str | None = None
    band_at_least: int | None = None
    band_at_most: int | None = None
    total_at_least: int | None = None
    total_at_most: int | None = None
    without_scores: tuple[str, ...] = ()
    finding_kinds: frozenset[str] | None = None
    no_risk_flag: bool = False
    risk_flag: bool = False
    conditions_any: frozenset[str] = frozenset()
    conditions_none: frozenset[str] = frozenset()
    cutoffs_met_any: frozenset[str] = frozenset()
    with_areas: frozenset[str] = frozenset()
    without_areas: frozenset[str] = frozenset()
    any_of: tuple[_When, ...] = ()

    @classmethod
    def compile(cls, raw: Mapping[str, Any] | None) -> _When | None:
        if not raw:
            return None
        without = raw.get("without_score", ())
        kinds = raw.get("finding_kinds")
        return cls(
            instrument=raw.get("instrument"),
            band_at_least=raw.get("band_at_least"),
            band_at_most=raw.get("band_at_most"),
            total_at_least=raw.get("total_at_least"),
            total_at_most=raw.get("total_at_most"),
            without_scores=(without,) if isinstance(without, str) else tuple(without),
            finding_kinds=frozenset(kinds) if kinds is not None else None,
            no_risk_flag=bool(raw.get("no_risk_flag")),
            risk_flag=bool(raw.get("risk_flag")),
            conditions_any=frozenset(raw.get("conditions_any", ())),
            conditions_none=frozenset(raw.get("conditions_none", ())),
            cutoffs_met_any=frozenset(raw.get("cutoffs_met_any", ())),
            with_areas=frozenset(raw.get("with_area", ())),
            without_areas=frozenset(raw.get("without_area", ())),
            any_of=tuple(w for w in (cls.compile(item) for item in raw.get("any", ())) if w),
        )

    def holds(self, problem: Problem, context: PlanningContext) -> bool:
        if self.instrument is not None:
            score = context.scores.get(self.instrument)
            if score is None or score.total is None:
                return False
            total = score.total
            if self.band_at_least is not None or self.band_at_most is not None:
                rank = score.band.severity if score.band is not None else None
                if rank is None:
                    return False
                if self.band_at_least is not None and rank < self.band_at_least:
                    return False
                if self.band_at_most is not None and rank > self.band_at_most:
                    return False
            if self.total_at_least is not None and total < self.total_at_least:
                return False
            if self.total_at_most is not None and total > self.total_at_most:
                return False
        for instrument_id in self.without_scores:
            if instrument_id in context.scores:
                return False
        if self.finding_kinds is not None and not any(
            f.kind in self.finding_kinds for f in problem.findings
        ):
            return False
        if self.no_risk_flag and context.risk_flags:
            return False
        if self.risk_flag and not context.risk_flags:
            return False
        if self.conditions_any and self.conditions_any.isdisjoint(context.conditions):
            return False
        if self.conditions_none and not self.conditions_none.isdisjoint(context.conditions):
            return False
        if self.cutoffs_met_any and not any(
            not self.cutoffs_met_any.isdisjoint(score.cutoffs_met) for score in context.scores.values()
        ):
            return False
        if self.with_areas or self.without_areas:
            present = _assessed_areas(context)
            if self.with_areas and self.with_areas.isdisjoint(present):
                return False
            if self.without_areas and not self.without_areas.isdisjoint(present):
                return False
        return not self.any_of or any(w.holds(problem, context) for w in self.any_of)


def _assessed_areas(context: PlanningContext) -> set[str]:
    """Areas with an instrument finding or a clinician concern in this assessment."""
    areas = set(context.assessment.context.concerns)
    for score in context.scores.values():
        for finding in score.findings:
            areas.add(finding.area)
    return areas


def _holds(when: _When | None, problem: Problem, context: PlanningContext) -> bool:
    return when is None or when.holds(problem, context)


@attrs.frozen
class _Contraindication:
    """A condition (or an open risk flag, or a ``when`` block) that removes or marks an item."""

    key: str
    condition: str | None
    when: _When | None
    action: str
    reason: str

    @classmethod
    def compile(cls, raw: Mapping[str, Any]) -> _Contraindication:
        condition = raw.get("condition")
        return cls(
            key=condition or raw["id"],
            condition=condition,
            when=_When.compile(raw.get("when")),
            action=raw.get("action", "remove"),
            reason=raw["reason"],
        )

    def applies(self, problem: Problem, context: PlanningContext) -> bool:
        if self.condition is not None:
            if self.condition == RISK_FLAG_CONDITION:
                return bool(context.risk_flags)
            return self.condition in context.conditions
        return _holds(self.when, problem, context)


@attrs.frozen
class _Variant:
    """A dose or wording that replaces the default when its ``when`` holds (first match wins)."""

    when: _When | None
    fields: Mapping[str, Any]


def _pick(variants: Sequence[_Variant], problem: Problem, context: PlanningContext) -> Mapping[str, Any]:
    for variant in variants:
        if _holds(variant.when, problem, context):
            return variant.fields
    return {}


@attrs.frozen
class _ObjectiveTemplate:
    id: str
    area: str | None
    when: _When | None
    statement: _Template
    measure: Mapping[str, Any]
    frequency: Mapping[str, Any] | None
    horizon_weeks: int | None
    review_interval_days: int | None
    rationale: str | None
    gas: tuple[tuple[str, _Template], ...]
    contraindications: tuple[_Contraindication, ...]
    variants: tuple[_Variant, ...]
    citations: tuple[str, ...] = ()


@attrs.frozen
class _StepTemplate:
    """An intervention compiled for one area: ids already carry the area prefix."""

    id: str
    area: str | None
    when: _When | None
    fields: Mapping[str, Any]
    objectives: tuple[str, ...]
    conflicts_with: tuple[str, ...]
    contraindications: tuple[_Contraindication, ...]
    variants: tuple[_Variant, ...]


_STEP_FIELDS = ("title", "description", "delivery", "category", "frequency", "duration_minutes",
                "course_weeks", "rationale", "steps")


def _compile_objective(raw: Mapping[str, Any], cite: Any) -> _ObjectiveTemplate:
    gas = raw.get("gas", {}).get("levels", {})
    return _ObjectiveTemplate(
        id=raw["id"],
        area=raw.get("area"),
        when=_When.compile(raw.get("when")),
        statement=_Template.compile(raw["statement"]),
        measure=raw["measure"],
        frequency=raw.get("frequency"),
        horizon_weeks=raw.get("horizon_weeks"),
        review_interval_days=raw.get("review_interval_days"),
        rationale=raw.get("rationale"),
        gas=tuple((level, _Template.compile(gas[level])) for level in _GAS_LEVELS if level in gas),
        contraindications=tuple(_Contraindication.compile(c) for c in raw.get("contraindications", ())),
        variants=_compile_variants(raw, None),
        citations=tuple(cite(list(raw.get("citations", ())))),
    )


def _compile_step(raw: Mapping[str, Any], cite: Any, area: str) -> _StepTemplate:
    fields: dict[str, Any] = {key: raw.get(key) for key in _STEP_FIELDS}
    fields["category"] = raw.get("category", "skill")
    fields["citations"] = tuple(cite(list(raw.get("citations", ()))))
    fields["steps"] = tuple(raw.get("steps", ()))
    return _StepTemplate(
        id=f"{area}-{raw['id']}",
        area=raw.get("area"),
        when=_When.compile(raw.get("when")),
        fields=fields,
        objectives=tuple(f"{area}-{oid}" for oid in raw.get("objectives", ())),
        conflicts_with=tuple(f"{area}-{cid}" for cid in raw.get("conflicts_with", ())),
        contraindications=tuple(_Contraindication.compile(c) for c in raw.get("contraindications", ())),
        variants=_compile_variants(raw, area),
    )


def _compile_variants(raw: Mapping[str, Any], area: str | None) -> tuple[_Variant, ...]:
    """Variants in file order; one with an ``area`` applies only to problems of that area."""
    return tuple(
        _Variant(_When.compile(v.get("when")),
                 {k: x for k, x in v.items() if k not in ("when", "area")})
        for v in raw.get("variants", ())
        if area is None or v.get("area") in (None, area)
    )


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
    data: Mapping[str, Any] = attrs.field(repr=False, eq=False)
    source: str = "builtin"
    _by_area: Mapping[str, tuple[tuple[_ObjectiveTemplate, ...], tuple[_StepTemplate, ...]]] = (
        attrs.field(init=False, repr=False, eq=False)
    )
    _cache: dict[tuple[Any, ...], tuple[Any, Any, _Blueprint]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        objectives = [_compile_objective(raw, self.cite) for raw in self.data.get("objectives", ())]
        steps = self.data.get("interventions", ())
        by_area = {
            area: (
                tuple(o for o in objectives if o.area in (None, area)),
                tuple(_compile_step(raw, self.cite, area) for raw in steps
                      if raw.get("area") in (None, area)),
            )
            for area in self.areas
        }
        object.__setattr__(self, "_by_area", by_area)
        object.__setattr__(self, "_cache", {})

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, source: str = "builtin") -> DataStrategy:
        """Load and validate a strategy file (YAML or JSON)."""
        return _load_strategy_file(os.fspath(path), source)

    @property
    def label(self) -> str:
        """``id@version``, as recorded in provenance."""
        return f"{self.id}@{self.version}"

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

        The result depends only on the inputs listed in :func:`_situation_key`, so it is kept as
        an immutable blueprint for the next plan with the same inputs; every call still returns
        fresh plan elements, which the core may change.
        """
        if problem.area not in self._by_area:
            return Proposal()
        key = _situation_key(problem, context, plugin)
        entry = self._cache.get(key)
        # The entry holds the instrument registry and config it was made with, so their ids in
        # the key cannot be reused by other objects while it lives; `is` confirms the match.
        if entry is not None and entry[0] is context.instruments and entry[1] is context.config:
            return entry[2].build()
        blueprint = _Blueprint.of(self._propose(problem, context, plugin))
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = (context.instruments, context.config, blueprint)
        return blueprint.build()

    def _propose(self, problem: Problem, context: PlanningContext, plugin: str) -> Proposal:
        compiled = self._by_area[problem.area]
        objective_templates, step_templates = compiled
        area = problem.area
        source = f"plugin:{plugin}"
        provenance_inputs = tuple(sorted({p for f in problem.findings for p in f.provenance.inputs}))
        objectives: list[Objective] = []
        notices: list[Notice] = []
        exclusions: list[Exclusion] = []
        for template in objective_templates:
            if not _holds(template.when, problem, context):
                continue
            removed = next((c for c in template.contraindications
                            if c.action == "remove" and c.applies(problem, context)), None)
            if removed is not None:
                exclusions.append(Exclusion(
                    item_id=f"{area}-{template.id}", area=area,
                    title=f"Objective: {template.id.replace('-', ' ')}",
                    reason=f"{removed.key}: {removed.reason}",
                    rule=f"contraindication.{removed.key}", source=source,
                ))
                continue
            objective, why_not = self._objective(template, problem, context, source, provenance_inputs)
            if objective is None:
                if why_not:
                    notices.append(Notice("strategy.objective-skipped",
                                          f"Objective {template.id!r} left out: {why_not}.", source))
                continue
            objectives.append(objective)
        kept_ids = {o.id for o in objectives}
        provenance = Provenance(source, provenance_inputs, self.label)
        interventions: list[Intervention] = []
        for item in step_templates:
            if not _holds(item.when, problem, context):
                continue
            step = _intervention(item, problem, context, provenance, kept_ids)
            removed_step = _apply_contraindications(step, item, problem, context, source)
            if removed_step is not None:
                exclusions.append(removed_step)
                continue
            interventions.append(step)
        goals: Mapping[str, str] = self.data.get("long_term_goals", {})
        return Proposal(
            long_term_goal=goals.get(area),
            objectives=tuple(objectives),
            interventions=tuple(interventions),
            exclusions=tuple(exclusions),
            notices=tuple(notices),
        )

    def _objective(
        self,
        template: _ObjectiveTemplate,
        problem: Problem,
        context: PlanningContext,
        source: str,
        inputs: tuple[str, ...],
    ) -> tuple[Objective | None, str | None]:
        variant = _pick(template.variants, problem, context) if template.variants else {}
        measure_data = template.measure
        horizon_weeks = int(variant.get("horizon_weeks") or template.horizon_weeks
                            or context.config.horizon_weeks)
        start = context.as_of
        due = start + dt.timedelta(weeks=horizon_weeks)
        review = min(
            int(variant.get("review_interval_days") or template.review_interval_days
                or context.config.review_interval_days),
            context.config.max_review_interval_days,
        )
        instrument_id = measure_data.get("instrument")
        instrument_name = None
        objective_inputs = inputs
        if instrument_id:
            score = context.scores.get(instrument_id)
            if score is None or score.total is None:
                return None, None  # nothing to measure from; the `when` block normally says so
            instrument = context.instruments[instrument_id]
            instrument_name = instrument.name
            rule = variant.get("target") or measure_data["target"]
            target_value, comparator, why_not = _target_for(instrument, score, rule)
            if target_value is None:
                return None, why_not
            measure = Measure(
                instrument=instrument_id,
                unit=measure_data.get("unit", "points"),
                method=measure_data.get("method", f"{instrument.name} at each review"),
                baseline_value=score.total,
                baseline_date=context.score_dates[instrument_id],
                target_value=target_value,
                comparator=comparator,
            )
            objective_inputs = (context.score_paths[instrument_id],)
        else:
            target = variant.get("target") or measure_data["target"]
            baseline = measure_data.get("baseline", 0)
            if _meets(baseline, target["comparator"], target["value"]):
                return None, "the baseline already meets its target"
            measure = Measure(
                metric=measure_data["metric"],
                unit=measure_data["unit"],
                method=measure_data["method"],
                baseline_value=baseline,
                baseline_date=start,
                target_value=target["value"],
                comparator=target["comparator"],
            )
        raw_frequency = variant.get("frequency") or template.frequency
        frequency = dict(raw_frequency) if raw_frequency else None
        patient_words = problem.patient_words[0] if problem.patient_words else None
        values = {
            "baseline": _format_number(measure.baseline_value)
            if measure.baseline_value is not None
            else None,
            "target": _format_number(measure.target_value),
            "comparator_words": _COMPARATOR_WORDS[measure.comparator],
            "target_phrase": _target_phrase(measure.comparator, measure.target_value),
            "due_date": due.isoformat(),
            "start_date": start.isoformat(),
            "review_date": min(start + dt.timedelta(days=review), due).isoformat(),
            "instrument_name": instrument_name,
            "horizon_weeks": horizon_weeks,
            "frequency_times": frequency.get("times") if frequency else None,
            "frequency_per": frequency.get("per") if frequency else None,
            "duration_minutes": frequency.get("duration_minutes") if frequency else None,
            "unit": measure.unit,
            "patient_words": patient_words,
            "severity": problem.severity,
        }
        statement = variant.get("statement")
        gas = {level: text.fill(values) for level, text in template.gas} or None
        return Objective(
            id=f"{problem.area}-{template.id}",
            area=problem.area,
            statement=fill_template(statement, values) if statement else template.statement.fill(values),
            measure=measure,
            start_date=start,
            due_date=due,
            review_interval_days=review,
            addresses=[f.id for f in problem.findings],
            frequency=frequency,
            patient_words=patient_words,
            rationale=template.rationale,
            provenance=Provenance(source, objective_inputs, self.label),
            gas=gas,
            citations=list(template.citations),
        ), None


_CACHE_SIZE = 512


def _situation_key(problem: Problem, context: PlanningContext, plugin: str) -> tuple[Any, ...]:
    """Everything :meth:`DataStrategy.propose` reads, as a hashable key."""
    dates, paths = context.score_dates, context.score_paths
    return (
        plugin,
        problem.area,
        problem.severity,
        tuple(problem.patient_words),
        tuple((f.id, f.kind, f.provenance.inputs) for f in problem.findings),
        context.as_of,
        context.conditions,
        bool(context.risk_flags),
        tuple(context.assessment.context.concerns),
        tuple(
            (
                instrument_id,
                score.total,
                score.band.severity if score.band is not None else None,
                tuple(score.cutoffs_met),
                tuple(f.area for f in score.findings),
                dates.get(instrument_id),
                paths.get(instrument_id),
            )
            for instrument_id, score in context.scores.items()
        ),
        id(context.instruments),
        id(context.config),
    )


_OBJECTIVE_COPIED = ("measure", "addresses", "frequency", "gas", "citations")
_STEP_COPIED = ("steps", "frequency", "citations", "objective_ids", "notes", "conflicts_with")


def _without(fields: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in names}


@attrs.frozen
class _Blueprint:
    """An immutable copy of a proposal, from which fresh (mutable) plan elements are built.

    Scalar fields are shared (strings, numbers, dates, frozen provenance); every list and dict
    an element owns is copied on each build, so no plan can change another.
    """

    long_term_goal: str | None
    objectives: tuple[tuple[Any, ...], ...]
    interventions: tuple[tuple[Any, ...], ...]
    exclusions: tuple[Exclusion, ...]
    notices: tuple[Notice, ...]

    @classmethod
    def of(cls, proposal: Proposal) -> _Blueprint:
        objectives = []
        for o in proposal.objectives:
            fields = attrs.asdict(o, recurse=False)
            objectives.append((
                _without(fields, _OBJECTIVE_COPIED), attrs.asdict(o.measure, recurse=False),
                tuple(o.addresses), o.frequency, o.gas, tuple(o.citations),
            ))
        steps = []
        for i in proposal.interventions:
            fields = attrs.asdict(i, recurse=False)
            steps.append((
                _without(fields, _STEP_COPIED), tuple(i.steps), i.frequency, tuple(i.citations),
                tuple(i.objective_ids), tuple(i.notes), tuple(i.conflicts_with),
            ))
        return cls(
            long_term_goal=proposal.long_term_goal,
            objectives=tuple(objectives),
            interventions=tuple(steps),
            exclusions=proposal.exclusions,
            notices=proposal.notices,
        )

    def build(self) -> Proposal:
        return Proposal(
            long_term_goal=self.long_term_goal,
            objectives=tuple(
                Objective(**fields, measure=Measure(**measure), addresses=list(addresses),
                          frequency=dict(frequency) if frequency else None,
                          gas=dict(gas) if gas else None, citations=list(citations))
                for fields, measure, addresses, frequency, gas, citations in self.objectives
            ),
            interventions=tuple(
                Intervention(**fields, steps=list(steps),
                             frequency=dict(frequency) if frequency else None,
                             citations=list(citations), objective_ids=list(objective_ids),
                             notes=list(notes), conflicts_with=list(conflicts))
                for fields, steps, frequency, citations, objective_ids, notes, conflicts
                in self.interventions
            ),
            exclusions=self.exclusions,
            notices=self.notices,
        )


def _intervention(
    item: _StepTemplate,
    problem: Problem,
    context: PlanningContext,
    provenance: Provenance,
    objective_ids: set[str],
) -> Intervention:
    fields = item.fields
    if item.variants:
        chosen = _pick(item.variants, problem, context)
        if chosen:
            fields = {**fields, **chosen}
    frequency = fields["frequency"]
    return Intervention(
        id=item.id,
        area=problem.area,
        title=fields["title"],
        description=fields["description"],
        delivery=fields["delivery"],
        rationale=fields["rationale"],
        provenance=provenance,
        steps=list(fields["steps"]),
        frequency=dict(frequency) if frequency else None,
        duration_minutes=fields["duration_minutes"],
        course_weeks=fields["course_weeks"],
        category=fields["category"],
        citations=list(fields["citations"]),
        objective_ids=[oid for oid in item.objectives if oid in objective_ids],
        conflicts_with=list(item.conflicts_with),
    )


def _target_for(instrument: Any, score: Any, rule: Mapping[str, Any]) -> tuple[Any, str, str | None]:
    """The target for a score, or ``None`` with the reason it cannot be set."""
    if rule.get("rule") == "below-cutoff":
        met = [c for c in instrument.cutoffs if c.id in score.cutoffs_met]
        if not met:
            return None, "<", "the score meets none of the instrument's cut-offs"
        # Leave the most lenient cut-off met: the lowest for ">=" cut-offs, the highest for "<".
        worse_up = met[0].comparator in (">=", ">")
        cutoff = min(met, key=lambda c: c.value) if worse_up else max(met, key=lambda c: c.value)
        opposite = {">=": "<", ">": "<=", "<": ">=", "<=": ">"}[cutoff.comparator]
        return cutoff.value, opposite, None
    value, comparator = derive_target(instrument, score.total, rule)
    if value is not None:
        return value, comparator, None
    change = instrument.change
    if rule.get("rule", "improvement") == "improvement" and not (
        change.reliable_change_points or change.mcid
    ):
        return None, comparator, (f"{instrument.name} has no published reliable-change or "
                                  "minimal-important-difference threshold to set a target from")
    return None, comparator, "the baseline already meets its target"


def derive_target(
    instrument: Any, baseline: int, rule: Mapping[str, Any]
) -> tuple[float | int | None, str]:
    """A personal target from the baseline and the instrument's change thresholds.

    Rules (``rule["rule"]``):

    * ``value``: a fixed value and comparator from the data.
    * ``remission``: the instrument's remission threshold.
    * ``improvement``: the baseline moved by a change threshold (``rule["step"]``: ``reliable``,
      the default, uses the reliable-change points else the MCID; ``mcid`` the MCID else the
      reliable-change points; ``largest`` the larger of the two), capped at the remission threshold
      when that is reached, else at the edge of the instrument's lowest-severity band (a target
      inside the normal range is not asked for), and at the instrument's range. Thresholds on a
      derived scale (WHO-5 percentage points) are converted to raw points, rounded up.

    :return: ``(target, comparator)``; target ``None`` when the rule cannot apply or the baseline
        already meets it.
    """
    better_high = instrument.direction == "higher-is-better"
    change = instrument.change
    kind = rule.get("rule", "improvement")
    if kind == "value":
        value, comparator = rule["value"], rule["comparator"]
        return (None if _meets(baseline, comparator, value) else value), comparator
    remission_value = getattr(change, "remission_value", None)
    remission_cmp = getattr(change, "remission_comparator", None) or ("<" if not better_high else ">")
    if kind == "remission":
        if remission_value is None or _meets(baseline, remission_cmp, remission_value):
            return None, remission_cmp
        return remission_value, remission_cmp
    reliable, mcid = change.reliable_change_points, change.mcid
    how = rule.get("step", "reliable")
    if how == "largest":
        step = max(reliable or 0, mcid or 0)
    elif how == "mcid":
        step = mcid or reliable
    else:
        step = reliable or mcid
    if not step:
        return None, "<=" if not better_high else ">="
    scale = getattr(change, "scale", "total")
    if scale != "total":
        factor = next((d.multiply for d in getattr(instrument, "derived", ()) if d.id == scale), 1)
        step = step / factor
    step = math.ceil(step)
    if better_high:
        target = min(baseline + step, instrument.total_max)
        comparator = ">="
    else:
        target = max(baseline - step, instrument.total_min)
        comparator = "<="
    if remission_value is not None:
        if _meets(target, remission_cmp, remission_value):
            if _meets(baseline, remission_cmp, remission_value):
                return None, remission_cmp
            return remission_value, remission_cmp
    else:
        normal = [b for b in instrument.bands if b.severity == 0]
        if normal and not better_high:
            edge = max(b.max for b in normal)
            if target < edge:
                target = edge
        elif normal and better_high:
            edge = min(b.min for b in normal)
            if target > edge:
                target = edge
    if target == baseline or _meets(baseline, comparator, target):
        return None, comparator
    return target, comparator


def _meets(value: float, comparator: str, target: float) -> bool:
    if comparator == "<=":
        return value <= target
    if comparator == "<":
        return value < target
    if comparator == ">=":
        return value >= target
    if comparator == ">":
        return value > target
    return value == target


def _apply_contraindications(
    step: Intervention,
    item: _StepTemplate,
    problem: Problem,
    context: PlanningContext,
    source: str,
) -> Exclusion | None:
    removing = []
    for rule in item.contraindications:
        if not rule.applies(problem, context):
            continue
        if rule.action == "remove":
            removing.append(rule)
            continue
        step.status = "caution"
        step.notes.append(f"Caution ({rule.key}): {rule.reason}")
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
    data: Mapping[str, Any], *, source: str = "builtin", file: str | None = None
) -> DataStrategy:
    """Validate a strategy document against ``strategy.schema.json`` and build it.

    Besides the schema, every citation id used must be defined in ``references``, and every
    ``objectives``/``conflicts_with`` link must name an id in the file.
    """
    import jsonschema

    validator = _strategy_validator()
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise DocumentSchemaError(error.message, file=file, path=path)
    problem = _semantic_problem(data)
    if problem is not None:
        raise DocumentSchemaError(problem[1], file=file, path=problem[0])
    return DataStrategy(
        id=data["id"],
        name=data["name"],
        version=str(data["version"]),
        status=data["status"],
        areas=tuple(data["areas"]),
        priority=int(data.get("priority", 50)),
        data=data,
        source=source,
    )


def _semantic_problem(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """What the schema cannot say: citations defined, links resolvable, areas declared."""
    refs = data.get("references", {})
    areas = set(data["areas"])
    objective_ids = {o["id"] for o in data.get("objectives", ())}
    for key in ("long_term_goals",):
        for area in data.get(key, {}):
            if area not in areas:
                return f"$.{key}.{area}", f"area {area!r} is not one of the strategy's areas"
    for kind in ("objectives", "interventions"):
        for index, item in enumerate(data.get(kind, ())):
            where = f"$.{kind}[{index}]"
            if item.get("area") is not None and item["area"] not in areas:
                return f"{where}.area", f"area {item['area']!r} is not one of the strategy's areas"
            for cid in item.get("citations", ()):  # objectives and steps
                if cid not in refs:
                    return f"{where}.citations", f"citation {cid!r} is not defined in references"
            for oid in item.get("objectives", ()):
                if oid not in objective_ids:
                    return f"{where}.objectives", f"objective {oid!r} is not defined in this file"
    return None


@lru_cache(maxsize=1)
def _strategy_validator() -> Any:
    import jsonschema

    from planengine.schemas import load

    schema = load("strategy")
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@lru_cache(maxsize=None)
def _load_strategy_file(path: str, source: str) -> DataStrategy:
    from planengine._loader import load_document

    document = load_document(path)
    return strategy_from_mapping(document.data, source=source, file=document.path)
