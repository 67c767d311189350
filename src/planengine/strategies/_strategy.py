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
import operator
import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from types import MappingProxyType
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
from planengine._values import compare
from planengine.strategies._conditions import (
    RISK_FLAG_CONDITION,
    Contraindication,
    When,
    compile_variants,
)
from planengine.strategies._targets import (
    COMPARATOR_WORDS,
    derive_target,
    format_number,
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


def _unknown_placeholder(value: Any, path: str) -> tuple[str, str] | None:
    """The first ``{name}`` in the texts under ``value`` that is not a :data:`TEMPLATE_FIELDS`
    name (it would be printed in the plan as written)."""
    if isinstance(value, str):
        for name in _PLACEHOLDER.findall(value):
            if name not in TEMPLATE_FIELDS:
                known = ", ".join("{" + field + "}" for field in TEMPLATE_FIELDS)
                return path, f"unknown placeholder {{{name}}}; known: {known}"
        return None
    children = (
        value.items() if isinstance(value, Mapping)
        else enumerate(value) if isinstance(value, (list, tuple))
        else ()
    )
    for key, child in children:
        found = _unknown_placeholder(child, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}")
        if found is not None:
            return found
    return None


def fill_template(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` placeholders; names not in :data:`TEMPLATE_FIELDS` are refused when a
    strategy loads, and a known name without a value is left as written."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return str(values[key]) if key in values and values[key] is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, template)


# -- compiled pieces (built once per strategy file) ----------------------------------------------


class _Values(dict[str, Any]):
    """Template values; a placeholder with no value is written back as ``{name}``."""

    __slots__ = ()

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@attrs.frozen
class _Template:
    """A template split at its placeholders: literal text at even, field names at odd positions."""

    parts: tuple[str, ...]
    #: The placeholder names the template uses.
    names: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    #: The text as a positional ``%`` pattern (literal ``%`` doubled), ``None`` when the template
    #: has no placeholder. Positional ``%`` formatting is several times faster than
    #: :meth:`str.format_map`, which parses the field names out of the text on every call.
    _pattern: str | None = attrs.field(init=False, repr=False, eq=False)
    #: Reads the placeholders' values, in order, as a tuple.
    _read: Callable[[_Values], tuple[Any, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        parts = self.parts
        names = parts[1::2]
        object.__setattr__(self, "names", frozenset(names))
        pattern = "".join("%s" if index % 2 else part.replace("%", "%%")
                          for index, part in enumerate(parts))
        object.__setattr__(self, "_pattern", pattern if names else None)
        # itemgetter of one key returns the bare value, not a 1-tuple
        read = operator.itemgetter(*names) if len(names) > 1 else (
            (lambda values, name=names[0]: (values[name],)) if names else (lambda _values: ())
        )
        object.__setattr__(self, "_read", read)

    @classmethod
    def compile(cls, text: str) -> _Template:
        return cls(tuple(_PLACEHOLDER.split(text)))

    def fill(self, values: _Values) -> str:
        """The text with its placeholders filled (a missing value keeps its ``{name}``)."""
        pattern = self._pattern
        return self.parts[0] if pattern is None else pattern % self._read(values)


class _Slots:
    """Numbers the distinct ``when`` blocks of one strategy, so one plan call tests each once."""

    def __init__(self) -> None:
        self.index: dict[When, int] = {}

    def __call__(self, when: When | None) -> int:
        """The block's slot, ``-1`` for no block (always holds)."""
        if when is None:
            return -1
        return self.index.setdefault(when, len(self.index))

    def whens(self) -> tuple[When, ...]:
        return tuple(self.index)


@attrs.frozen
class _ObjectivePick:
    """The default wording and dose of an objective, or one variant's, with its fields resolved.

    ``None`` for the horizon and review interval: the engine's configured default.
    """

    slot: int
    statement: _Template
    horizon_weeks: int | None
    review_interval_days: int | None
    frequency: Mapping[str, Any] | None
    target: Mapping[str, Any]
    #: A metric objective whose fixed baseline already meets this target (never proposed).
    already_met: bool
    #: The template values that do not depend on the patient or the date: the frequency's and,
    #: for a metric objective, the measure's (see :func:`_frequency_values`, :func:`_measure_values`).
    fixed_values: Mapping[str, Any]


@attrs.frozen
class _ObjectiveTemplate:
    """An objective compiled from its data: what :meth:`DataStrategy.propose` fills in per patient."""

    id: str
    area: str | None
    rationale: str | None
    contraindications: tuple[Contraindication, ...]
    #: The default wording and dose, used unless one of ``variants`` holds.
    default: _ObjectivePick
    citations: tuple[str, ...] = ()
    #: Slot of ``when`` (see :class:`_Slots`), ``-1`` without one.
    when_slot: int = -1
    #: The variants in file order: the first whose ``when`` holds replaces the default.
    variants: tuple[_ObjectivePick, ...] = ()
    #: Every placeholder the statements and GAS levels use: only these values are worked out.
    needed: frozenset[str] = frozenset()
    #: GAS level -> text, in level order (empty: no GAS); levels with placeholders are filled
    #: per objective.
    gas_texts: Mapping[str, str] = attrs.field(factory=dict)
    gas_fills: tuple[tuple[str, _Template], ...] = ()
    #: The measure's fields, read from ``measure`` once: an instrument's id, unit and method
    #: (``None``: "<instrument> at each review"), or a metric's (unit, method, metric, baseline).
    instrument: str | None = None
    unit: str = "points"
    method: str | None = None
    metric: tuple[str, str, str, float | int] | None = None
    #: due at this visit, and its problem listed first (see :attr:`Objective.urgent`)
    urgent: bool = False


@attrs.frozen
class _StepTemplate:
    """An intervention compiled for one area: ids already carry the area prefix.

    ``default`` is the content used unless one of ``variants`` (``(when slot, content)`` in file
    order) holds; content is ``(title, description, delivery, rationale, steps, frequency,
    duration_minutes, course_weeks, category, citations, requires)``: a variant may add a
    requirement (a cut-down step waits for the withdrawal-risk assessment only where that
    assessment is planned).
    """

    id: str
    objectives: tuple[str, ...]
    conflicts_with: tuple[str, ...]
    contraindications: tuple[Contraindication, ...]
    requires: tuple[str, ...] = ()
    #: per contraindication, ``(condition, -1)`` or ``(None, slot of its when block)``
    guards: tuple[tuple[str | None, int], ...] = ()
    when_slot: int = -1
    default: tuple[Any, ...] = ()
    variants: tuple[tuple[int, tuple[Any, ...]], ...] = ()


_STEP_FIELDS = ("title", "description", "delivery", "category", "frequency", "duration_minutes",
                "course_weeks", "rationale", "steps")


def _whole(value: Any) -> int | None:
    """A count of days or weeks from the data (JSON Schema integers may be written ``12.0``)."""
    return int(value) if value else None


def _objective_pick(
    slot: int, template: _Template, raw: Mapping[str, Any], fields: Mapping[str, Any]
) -> _ObjectivePick:
    """Resolve one pick: ``fields`` (a variant's, or empty for the default) over ``raw``."""
    measure = raw["measure"]
    target = fields.get("target") or measure["target"]
    instrument = measure.get("instrument")
    baseline = measure.get("baseline", 0)
    already_met = not instrument and compare(baseline, target["comparator"], target["value"])
    frequency = fields.get("frequency") or raw.get("frequency")
    fixed = _frequency_values(frequency)
    if not instrument:
        fixed.update(_measure_values(baseline, target["value"], target["comparator"]))
    fixed["unit"] = measure.get("unit", "points")
    return _ObjectivePick(
        slot=slot,
        statement=template,
        horizon_weeks=_whole(fields.get("horizon_weeks") or raw.get("horizon_weeks")),
        review_interval_days=_whole(
            fields.get("review_interval_days") or raw.get("review_interval_days")
        ),
        frequency=frequency,
        target=target,
        already_met=already_met,
        fixed_values=fixed,
    )


def _compile_objective(raw: Mapping[str, Any], cite: Any, slot: _Slots) -> _ObjectiveTemplate:
    raw = _thawed(raw)  # plain dicts: each plan copies them, and a read-only view copies slowly
    gas = raw.get("gas", {}).get("levels", {})
    measure = raw["measure"]
    when = When.compile(raw.get("when"))
    statement = _Template.compile(raw["statement"])
    gas_templates = tuple(
        (level, _Template.compile(gas[level])) for level in _GAS_LEVELS if level in gas
    )
    variants = compile_variants(raw, None)
    picks = [
        _objective_pick(
            slot(v.when),
            _Template.compile(v.fields["statement"]) if v.fields.get("statement") else statement,
            raw,
            v.fields,
        )
        for v in variants
    ]
    default = _objective_pick(-1, statement, raw, {})
    needed = frozenset().union(
        *(t.names for _, t in gas_templates), *(p.statement.names for p in (*picks, default))
    )
    return _ObjectiveTemplate(
        id=raw["id"],
        area=raw.get("area"),
        rationale=raw.get("rationale"),
        contraindications=tuple(Contraindication.compile(c) for c in raw.get("contraindications", ())),
        citations=tuple(cite(list(raw.get("citations", ())))),
        when_slot=slot(when),
        default=default,
        variants=tuple(picks),
        needed=needed,
        gas_texts={level: text.parts[0] if not text.names else "" for level, text in gas_templates},
        gas_fills=tuple((level, text) for level, text in gas_templates if text.names),
        urgent=bool(raw.get("urgent")),
        instrument=measure.get("instrument") or None,
        unit=measure.get("unit", "points"),
        method=measure.get("method"),
        metric=None
        if measure.get("instrument")
        else (measure["unit"], measure["method"], measure["metric"], measure.get("baseline", 0)),
    )


def _step_content(fields: Mapping[str, Any], area: str) -> tuple[Any, ...]:
    return (
        fields["title"],
        fields["description"],
        fields["delivery"],
        fields["rationale"],
        tuple(fields["steps"]),
        fields["frequency"],
        fields["duration_minutes"],
        fields["course_weeks"],
        fields["category"],
        tuple(fields["citations"]),
        tuple(f"{area}-{rid}" for rid in fields["requires"]),
    )


def _compile_step(raw: Mapping[str, Any], cite: Any, area: str, slot: _Slots) -> _StepTemplate:
    raw = _thawed(raw)  # plain dicts: each plan copies them, and a read-only view copies slowly
    fields: dict[str, Any] = {key: raw.get(key) for key in _STEP_FIELDS}
    fields["category"] = raw.get("category", "skill")
    fields["citations"] = tuple(cite(list(raw.get("citations", ()))))
    fields["steps"] = tuple(raw.get("steps", ()))
    fields["requires"] = tuple(raw.get("requires", ()))  # a variant may add a requirement
    when = When.compile(raw.get("when"))
    variants = compile_variants(raw, area)
    picks = tuple((slot(v.when), _step_content({**fields, **v.fields}, area)) for v in variants)
    rules = tuple(Contraindication.compile(c) for c in raw.get("contraindications", ()))
    return _StepTemplate(
        id=f"{area}-{raw['id']}",
        objectives=tuple(f"{area}-{oid}" for oid in raw.get("objectives", ())),
        conflicts_with=tuple(f"{area}-{cid}" for cid in raw.get("conflicts_with", ())),
        contraindications=rules,
        requires=tuple(f"{area}-{rid}" for rid in raw.get("requires", ())),
        guards=tuple((r.condition, -1) if r.condition is not None else (None, slot(r.when))
                     for r in rules),
        when_slot=slot(when),
        default=_step_content(fields, area),
        variants=picks,
    )



#: Why a strategy whose text rules risk out is refused (worded so that the message itself does
#: not read as such a claim, which the wording check would then remove from the plan's notices).
RISK_CLAIM_REFUSED = (
    "the text rules out risk, which only a clinician's assessment can do; a plan never states that"
)

def _frozen_document(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A strategy document, read-only all the way down."""
    frozen: Mapping[str, Any] = _frozen(value)
    return frozen


def _thawed(value: Any) -> Any:
    """A private, plain copy of a frozen document part (dicts and lists again), for compiling:
    ``dict()`` of a read-only view is several times slower than of a dict, per plan."""
    if isinstance(value, Mapping):
        return {key: _thawed(child) for key, child in value.items()}
    if isinstance(value, tuple):
        return [_thawed(child) for child in value]
    return value


def _frozen(value: Any) -> Any:
    """``value`` with every mapping made a read-only view and every list a tuple."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(child) for key, child in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(child) for child in value)
    return value


_RISK_FLAG_SET = frozenset({RISK_FLAG_CONDITION})

#: ``timedelta(weeks=n)`` for the usual horizons (building a timedelta is slow).
_WEEKS = tuple(dt.timedelta(weeks=n) for n in range(105))


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
            context.conditions | _RISK_FLAG_SET if context.risk_flags else context.conditions
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
    ] = attrs.field(init=False, repr=False, eq=False)
    #: The test of each ``when`` block, by slot.
    _tests: tuple[Any, ...] = attrs.field(init=False, repr=False, eq=False)
    _label: str = attrs.field(init=False, repr=False, eq=False)
    _goals: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        from planengine.plan._risk_wording import no_risk_claim_path

        claim = no_risk_claim_path(self.data)  # also for a strategy built in code
        if claim is not None:
            raise DocumentSchemaError(
                f"strategy {self.id!r}: {RISK_CLAIM_REFUSED}",
                path=claim,
            )
        slot = _Slots()
        objectives = [
            _compile_objective(raw, self.cite, slot) for raw in self.data.get("objectives", ())
        ]
        steps = self.data.get("interventions", ())
        by_area = {}
        for area in self.areas:
            area_objectives = tuple(o for o in objectives if o.area in (None, area))
            area_steps = tuple(_compile_step(raw, self.cite, area, slot) for raw in steps
                               if raw.get("area") in (None, area))
            used = {o.when_slot for o in area_objectives}
            used.update(p.slot for o in area_objectives for p in o.variants)
            used.update(step.when_slot for step in area_steps)
            used.update(v[0] for step in area_steps for v in step.variants)
            used.update(g[1] for step in area_steps for g in step.guards)
            by_area[area] = (
                tuple((o, f"{area}-{o.id}") for o in area_objectives),
                area_steps,
                tuple(sorted(used - {-1})),
            )
        object.__setattr__(self, "_by_area", by_area)
        object.__setattr__(self, "_tests", tuple(when.test for when in slot.whens()))
        object.__setattr__(self, "_label", f"{self.id}@{self.version}")
        object.__setattr__(self, "_goals", self.data.get("long_term_goals", {}))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, source: str = "builtin") -> DataStrategy:
        """Load and validate a strategy file (YAML or JSON)."""
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
        if problem.area not in self._by_area:
            return Proposal()
        return self._propose(problem, context, plugin)

    def _propose(self, problem: Problem, context: PlanningContext, plugin: str) -> Proposal:
        objective_templates, step_templates, slots = self._by_area[problem.area]
        area = problem.area
        source = f"plugin:{plugin}"
        findings = problem.findings
        provenance_inputs = tuple(sorted({p for f in findings for p in f.provenance.inputs}))
        addresses = [f.id for f in findings]
        provenance = Provenance(source, provenance_inputs, self._label)
        call = _Call(problem, context, self._tests, slots)
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
             category, citations, requires) = content
            # Intervention(id, area, title, description, delivery, rationale, provenance, steps,
            #              frequency, duration_minutes, course_weeks, category, citations,
            #              objective_ids, status, notes, conflicts_with, requires),
            #              positionally (faster)
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
            )
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
        due, due_iso = call.due(0 if template.urgent else horizon_weeks)
        review = min(pick.review_interval_days or call.review_days, call.max_review_days)
        instrument_id = template.instrument
        instrument_name = None
        rationale = template.rationale
        if instrument_id:
            score = context.scores.get(instrument_id)
            if score is None or score.total is None:
                return None, None  # nothing to measure from; the `when` block normally says so
            instrument = context.instruments[instrument_id]
            instrument_name = instrument.name
            target_value, comparator, why_not = target_for(instrument, score, pick.target)
            if target_value is None:
                return None, why_not
            # Measure(unit, method, target_value, comparator, baseline_value, baseline_date,
            #         instrument, metric), positionally (faster)
            measure = Measure(
                template.unit,
                f"{instrument_name} at each review" if template.method is None else template.method,
                target_value,
                comparator,
                score.total,
                context.score_dates[instrument_id],
                instrument_id,
            )
            provenance = Provenance(source, (context.score_paths[instrument_id],), self._label)
            if score.prorated:  # say so where the baseline is read, not only in the scores
                rationale = (
                    f"{rationale} " if rationale else ""
                ) + f"The baseline {score.total} is prorated from the items answered (an estimate)."
        else:
            if pick.already_met:
                return None, "the baseline already meets its target"
            target = pick.target
            assert template.metric is not None  # compiled for every objective without instrument
            unit, method, metric, baseline = template.metric
            measure = Measure(
                unit, method, target["value"], target["comparator"], baseline, start, None, metric
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
        #           urgent)
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
            list(template.citations),
            template.urgent,
        ), None


#: Values for templates without placeholders (never written to).
_NO_VALUES = _Values()


def _frequency_values(frequency: Mapping[str, Any] | None) -> dict[str, Any]:
    """``frequency_times``, ``frequency_per`` and ``duration_minutes`` (those that are set)."""
    values: dict[str, Any] = {}
    if frequency:
        for field, key in (
            ("frequency_times", "times"),
            ("frequency_per", "per"),
            ("duration_minutes", "duration_minutes"),
        ):
            value = frequency.get(key)
            if value is not None:
                values[field] = value
    return values


def _measure_values(
    baseline: float | int | None, target: float | int, comparator: str
) -> dict[str, Any]:
    """``baseline`` (when known), ``target``, ``comparator_words`` and ``target_phrase``.

    A value that is ``None`` is left out, so its placeholder stays as written.
    """
    values: dict[str, Any] = {
        "target": format_number(target),
        "comparator_words": COMPARATOR_WORDS[comparator],
        "target_phrase": target_phrase(comparator, target),
    }
    if baseline is not None:
        values["baseline"] = format_number(baseline)
    return values


def _apply_contraindications(
    step: Intervention,
    item: _StepTemplate,
    verdicts: list[bool],
    present: frozenset[str],
    source: str,
) -> Exclusion | None:
    """Mark ``step`` for each caution or hold that applies; the exclusion when one says remove.

    A ``when`` block was tested once for the whole call (``verdicts[slot]``); a condition is
    looked up in ``present`` (the context's conditions, and the open-risk-flag one).
    """
    removing = []
    for rule, (condition, slot) in zip(item.contraindications, item.guards, strict=True):
        if not (verdicts[slot] if condition is None else condition in present):
            continue
        if rule.action == "remove":
            removing.append(rule)
            continue
        if rule.action == "hold":  # waits for what the reason names; held outranks caution
            step.status = "held"
            step.notes.append(f"Held ({rule.key}): {rule.reason}")
            continue
        if step.status != "held":
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
    data: Mapping[str, Any],
    *,
    source: str = "builtin",
    file: str | None = None,
    document: Any = None,
) -> DataStrategy:
    """Validate a strategy document against ``strategy.schema.json`` and build it.

    Besides the schema, every citation id used must be defined in ``references``, every
    ``objectives``/``requires`` link must name an id in the file, condition and area ids
    must be in the vocabulary, and placeholders must be known ones.

    :param document: the loaded :class:`planengine.io._loader.Document`, to give errors a line.
    """
    import jsonschema

    validator = _strategy_validator()
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise _located(DocumentSchemaError(error.message, file=file, path=path), document)
    problem = semantic_problem(data)
    if problem is not None:
        raise _located(DocumentSchemaError(problem[1], file=file, path=problem[0]), document)
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


def _located(error: DocumentSchemaError, document: Any) -> DocumentSchemaError:
    """``error`` with the line and column of its path in ``document`` (when known)."""
    from planengine.io._loader import parse_json_path

    if document is not None and error.path:
        try:
            position = document.locate(parse_json_path(error.path))
        except ValueError:
            position = None
        if position is not None:
            error.line, error.column = position
    return error


def semantic_problem(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(JSON path, message)`` of the first thing wrong with a schema-valid strategy document
    that the schema cannot see (``planengine validate --schema strategy`` reports it too):
    citations defined, links resolvable, areas, conditions and placeholders known, and no text
    that claims there is no risk (references too: they are copied into the plan)."""
    from planengine.plan._risk_wording import no_risk_claim_path

    claim = no_risk_claim_path(data)
    if claim is not None:
        return claim, RISK_CLAIM_REFUSED
    refs = data.get("references", {})
    areas = set(data["areas"])
    objective_ids = {o["id"] for o in data.get("objectives", ())}
    step_areas = {step["id"]: step.get("area") for step in data.get("interventions", ())}
    misspelt = _unknown_vocabulary(data)
    if misspelt is not None:
        return misspelt
    for kind in ("objectives", "interventions"):
        unknown = _unknown_placeholder(data.get(kind, ()), f"$.{kind}")
        if unknown is not None:
            return unknown
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
            required = [*item.get("requires", ()),
                        *(sid for v in item.get("variants", ()) for sid in v.get("requires", ()))]
            for sid in required:  # conflicts_with may name another file's step
                if sid not in step_areas or sid == item["id"]:
                    return f"{where}.requires", f"step {sid!r} is not another step of this file"
                if step_areas[sid] not in (None, item.get("area")):
                    return f"{where}.requires", (
                        f"step {sid!r} is only for area {step_areas[sid]!r}, so this step could "
                        "never be planned without it"
                    )
    return None


def _unknown_vocabulary(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """A condition or area id the vocabulary does not know, in a contraindication or a ``when``
    block: a misspelt ``intimate-partner-violance`` would make a contraindication never fire."""
    from planengine._vocabulary import load_vocabulary
    from planengine.strategies._conditions import RISK_FLAG_CONDITION

    vocabulary = load_vocabulary()
    conditions, areas = set(vocabulary.conditions), {*vocabulary.areas, "safety"}
    for path, key, value in _vocabulary_ids(data, "$"):
        if key == "condition" and value not in conditions and value != RISK_FLAG_CONDITION:
            known = ", ".join(sorted([*conditions, RISK_FLAG_CONDITION]))
            return path, f"unknown condition {value!r}; known: {known}"
        if key in ("conditions_any", "conditions_none") and value not in conditions:
            return path, f"unknown condition {value!r}; known: {', '.join(sorted(conditions))}"
        if key in ("with_area", "without_area") and value not in areas:
            return path, f"unknown area {value!r}; known: {', '.join(sorted(areas))}"
    return None


_ID_KEYS = frozenset(
    {"condition", "conditions_any", "conditions_none", "with_area", "without_area"}
)


def _vocabulary_ids(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """``(JSON path, key, id)`` of every condition and area id in a strategy document."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            where = f"{path}.{key}"
            if key in _ID_KEYS:
                items = child if isinstance(child, (list, tuple)) else [child]
                for index, item in enumerate(items):
                    yield (where if items is not child else f"{where}[{index}]"), key, item
            else:
                yield from _vocabulary_ids(child, where)
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _vocabulary_ids(child, f"{path}[{index}]")


def unknown_instrument_ids(data: Mapping[str, Any], instruments: Mapping[str, Any]) -> str | None:
    """The first instrument or cut-off id in a strategy's ``when`` blocks that ``instruments``
    do not have (checked when an engine registers the strategy, as plugins add instruments)."""
    cutoffs = {c.id for inst in instruments.values() for c in inst.cutoffs}
    for path, key, value in _instrument_ids(data, "$"):
        if key == "cutoffs_met_any" and value not in cutoffs:
            return f"{path}: unknown cut-off {value!r}"
        if key != "cutoffs_met_any" and value not in instruments:
            return f"{path}: unknown instrument {value!r}; known: {', '.join(sorted(instruments))}"
    return None


def _instrument_ids(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            where = f"{path}.{key}"
            if key in ("instrument", "without_score", "cutoffs_met_any") and isinstance(
                child, (str, list, tuple)
            ):
                items = child if isinstance(child, (list, tuple)) else [child]
                for item in items:
                    yield where, key, item
            else:
                yield from _instrument_ids(child, where)
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _instrument_ids(child, f"{path}[{index}]")


@lru_cache(maxsize=1)
def _strategy_validator() -> Any:
    import jsonschema

    from planengine.schemas import load

    schema = load("strategy")
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def _load_strategy_file(path: str, source: str) -> DataStrategy:
    from planengine.io._loader import load_document

    document = load_document(path)
    return strategy_from_mapping(
        document.data, source=source, file=document.path, document=document
    )
