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
import re
from collections.abc import Mapping
from functools import cache, lru_cache
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
from planengine._strategy_conditions import (
    RISK_FLAG_CONDITION,
    Contraindication,
    Variant,
    When,
    compile_variants,
    holds,
    pick,
)
from planengine._strategy_targets import (
    COMPARATOR_WORDS,
    derive_target,
    format_number,
    meets,
    target_for,
    target_phrase,
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

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_GAS_LEVELS = ("-2", "-1", "0", "1", "2")


def fill_template(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` placeholders; unknown names are left as they are (the schema checks)."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return str(values[key]) if key in values and values[key] is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, template)


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
class _ObjectiveTemplate:
    id: str
    area: str | None
    when: When | None
    statement: _Template
    measure: Mapping[str, Any]
    frequency: Mapping[str, Any] | None
    horizon_weeks: int | None
    review_interval_days: int | None
    rationale: str | None
    gas: tuple[tuple[str, _Template], ...]
    contraindications: tuple[Contraindication, ...]
    variants: tuple[Variant, ...]
    citations: tuple[str, ...] = ()


@attrs.frozen
class _StepTemplate:
    """An intervention compiled for one area: ids already carry the area prefix."""

    id: str
    area: str | None
    when: When | None
    fields: Mapping[str, Any]
    objectives: tuple[str, ...]
    conflicts_with: tuple[str, ...]
    contraindications: tuple[Contraindication, ...]
    variants: tuple[Variant, ...]


_STEP_FIELDS = ("title", "description", "delivery", "category", "frequency", "duration_minutes",
                "course_weeks", "rationale", "steps")


def _compile_objective(raw: Mapping[str, Any], cite: Any) -> _ObjectiveTemplate:
    gas = raw.get("gas", {}).get("levels", {})
    return _ObjectiveTemplate(
        id=raw["id"],
        area=raw.get("area"),
        when=When.compile(raw.get("when")),
        statement=_Template.compile(raw["statement"]),
        measure=raw["measure"],
        frequency=raw.get("frequency"),
        horizon_weeks=raw.get("horizon_weeks"),
        review_interval_days=raw.get("review_interval_days"),
        rationale=raw.get("rationale"),
        gas=tuple((level, _Template.compile(gas[level])) for level in _GAS_LEVELS if level in gas),
        contraindications=tuple(Contraindication.compile(c) for c in raw.get("contraindications", ())),
        variants=compile_variants(raw, None),
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
        when=When.compile(raw.get("when")),
        fields=fields,
        objectives=tuple(f"{area}-{oid}" for oid in raw.get("objectives", ())),
        conflicts_with=tuple(f"{area}-{cid}" for cid in raw.get("conflicts_with", ())),
        contraindications=tuple(Contraindication.compile(c) for c in raw.get("contraindications", ())),
        variants=compile_variants(raw, area),
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

        Every call builds fresh plan elements, which the core (and ``adjust_plan``) may change.
        """
        if problem.area not in self._by_area:
            return Proposal()
        return self._propose(problem, context, plugin)

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
            if not holds(template.when, problem, context):
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
            if not holds(item.when, problem, context):
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
        variant = pick(template.variants, problem, context) if template.variants else {}
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
            target_value, comparator, why_not = target_for(instrument, score, rule)
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
            if meets(baseline, target["comparator"], target["value"]):
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
            "baseline": format_number(measure.baseline_value)
            if measure.baseline_value is not None
            else None,
            "target": format_number(measure.target_value),
            "comparator_words": COMPARATOR_WORDS[measure.comparator],
            "target_phrase": target_phrase(measure.comparator, measure.target_value),
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


def _intervention(
    item: _StepTemplate,
    problem: Problem,
    context: PlanningContext,
    provenance: Provenance,
    objective_ids: set[str],
) -> Intervention:
    fields = item.fields
    if item.variants:
        chosen = pick(item.variants, problem, context)
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


@cache
def _load_strategy_file(path: str, source: str) -> DataStrategy:
    from planengine._loader import load_document

    document = load_document(path)
    return strategy_from_mapping(document.data, source=source, file=document.path)
