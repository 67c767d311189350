"""Compiling a strategy file's templates, once, when it loads: objective and step templates with
their placeholders split out, variants and contraindications compiled, citations resolved
(:mod:`planengine.strategies._strategy` fills them in for each patient)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from planengine._values import compare
from planengine.strategies._conditions import (
    Contraindication,
    When,
    compile_variants,
)
from planengine.strategies._targets import (
    COMPARATOR_WORDS,
    format_number,
    target_phrase,
)

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
    #: Why, in the words that fit this pick (a variant's own, else the objective's): a plan
    #: says only the clause that applies to the patient.
    rationale: str | None = None
    #: The references that fit this pick (a variant's own, else ``None``: the objective's).
    citations: tuple[str, ...] | None = None


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
    #: (``None``: "<instrument> at each review"), or a metric's (unit, method, metric, baseline,
    #: baseline log): a fixed baseline, or ``None`` and the log its first week is recorded in.
    instrument: str | None = None
    unit: str = "points"
    method: str | None = None
    metric: tuple[str, str, str, float | int | None, str | None] | None = None
    #: due at this visit, and its problem listed first (see :attr:`Objective.urgent`)
    urgent: bool = False
    #: a task done at this visit (see :attr:`Objective.at_this_visit`)
    at_this_visit: bool = False
    #: a one-off contact with another team, outside the objective limit (see
    #: :attr:`Objective.liaison`)
    liaison: bool = False


@attrs.frozen
class _StepTemplate:
    """An intervention compiled for one area: ids already carry the area prefix.

    ``default`` is the content used unless one of ``variants`` (``(when slot, content)`` in file
    order) holds; content is ``(title, description, delivery, rationale, steps, frequency,
    duration_minutes, course_weeks, category, citations, requires, intensity, option, start_week, in_sessions_of)``: a variant may add a
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
    #: the instrument id of the questionnaire the step gives (see ``Intervention.administers``)
    administers: str | None = None


_STEP_FIELDS = ("title", "description", "delivery", "category", "frequency", "duration_minutes",
                "course_weeks", "rationale", "steps", "intensity", "option", "start_week",
                "in_sessions_of")


def _text(value: str | None) -> str | None:
    """Free text from the data without the line end a YAML block scalar (``>``) leaves."""
    return value.strip() if value else value


def _whole(value: Any) -> int | None:
    """A count of days or weeks from the data (JSON Schema integers may be written ``12.0``)."""
    return int(value) if value else None


def _objective_pick(
    slot: int,
    template: _Template,
    raw: Mapping[str, Any],
    fields: Mapping[str, Any],
    cite: Any = None,
) -> _ObjectivePick:
    """Resolve one pick: ``fields`` (a variant's, or empty for the default) over ``raw``."""
    measure = raw["measure"]
    target = fields.get("target") or measure["target"]
    instrument = measure.get("instrument")
    baseline = fixed_baseline(measure)
    already_met = (
        not instrument
        and baseline is not None
        and compare(baseline, target["comparator"], target["value"])
    )
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
        rationale=_text(fields.get("rationale") or raw.get("rationale")),
        citations=(
            tuple(cite(list(fields["citations"])))
            if cite is not None and "citations" in fields
            else None
        ),
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
            cite,
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
        rationale=_text(raw.get("rationale")),
        contraindications=tuple(Contraindication.compile(c) for c in raw.get("contraindications", ())),
        citations=tuple(cite(list(raw.get("citations", ())))),
        when_slot=slot(when),
        default=default,
        variants=tuple(picks),
        needed=needed,
        gas_texts={level: text.parts[0] if not text.names else "" for level, text in gas_templates},
        gas_fills=tuple((level, text) for level, text in gas_templates if text.names),
        urgent=bool(raw.get("urgent")),
        at_this_visit=bool(raw.get("at_this_visit")),
        liaison=bool(raw.get("liaison")),
        instrument=measure.get("instrument") or None,
        unit=measure.get("unit", "points"),
        method=measure.get("method"),
        metric=None
        if measure.get("instrument")
        else (
            measure["unit"],
            measure["method"],
            measure["metric"],
            fixed_baseline(measure),
            baseline_log(measure),
        ),
    )


def fixed_baseline(measure: Mapping[str, Any]) -> float | int | None:
    """A metric's baseline as the data fixes it, ``None`` when the first week's log records it
    (``baseline: {recorded_in: week-1, log: ...}``): the schema requires one or the other."""
    baseline = measure.get("baseline")
    return None if isinstance(baseline, Mapping) else baseline


def baseline_log(measure: Mapping[str, Any]) -> str | None:
    """The log a pending baseline is recorded in (``None``: the baseline is fixed)."""
    baseline = measure.get("baseline")
    return str(baseline["log"]) if isinstance(baseline, Mapping) else None


def _step_content(fields: Mapping[str, Any], area: str) -> tuple[Any, ...]:
    return (
        fields["title"],
        fields["description"],
        fields["delivery"],
        _text(fields["rationale"]),
        tuple(fields["steps"]),
        fields["frequency"],
        fields["duration_minutes"],
        fields["course_weeks"],
        fields["category"],
        tuple(fields["citations"]),
        tuple(f"{area}-{rid}" for rid in fields["requires"]),
        fields["intensity"],
        fields["option"],
        fields["start_week"],
        tuple(_host(host, area) for host in fields["in_sessions_of"] or ()),
    )


def _cited(fields: Mapping[str, Any], cite: Any) -> dict[str, Any]:
    """A variant's own citations, resolved (empty: the variant keeps the step's)."""
    return {"citations": tuple(cite(list(fields["citations"])))} if "citations" in fields else {}


def _host(host: str, area: str) -> str:
    """A step id of the same file gets its area prefix; ``area:<id>`` (another area's sessions)
    is kept as written."""
    return host if host.startswith("area:") else f"{area}-{host}"


def _compile_step(raw: Mapping[str, Any], cite: Any, area: str, slot: _Slots) -> _StepTemplate:
    raw = _thawed(raw)  # plain dicts: each plan copies them, and a read-only view copies slowly
    fields: dict[str, Any] = {key: raw.get(key) for key in _STEP_FIELDS}
    fields["category"] = raw.get("category", "skill")
    fields["citations"] = tuple(cite(list(raw.get("citations", ()))))
    fields["steps"] = tuple(raw.get("steps", ()))
    fields["requires"] = tuple(raw.get("requires", ()))  # a variant may add a requirement
    when = When.compile(raw.get("when"))
    variants = compile_variants(raw, area)
    picks = tuple(
        (slot(v.when), _step_content({**fields, **v.fields, **_cited(v.fields, cite)}, area))
        for v in variants
    )
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
        administers=raw.get("administers"),
    )



#: Why a strategy whose text rules risk out is refused (worded so that the message itself does
#: not read as such a claim, which the wording check would then remove from the plan's notices).


def compile_by_area(
    data: Mapping[str, Any], areas: tuple[str, ...], cite: Any
) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """A strategy document's templates compiled for each of its ``areas``: area -> ((objective
    template, its id in that area), ...), (step template, ...), the ``when`` slots they read;
    and the test of each ``when`` block, by slot. No check runs here (the document passed them)."""
    slot = _Slots()
    objectives = [_compile_objective(raw, cite, slot) for raw in data.get("objectives", ())]
    steps = data.get("interventions", ())
    by_area: dict[str, Any] = {}
    for area in areas:
        area_objectives = tuple(o for o in objectives if o.area in (None, area))
        area_steps = tuple(
            _compile_step(raw, cite, area, slot)
            for raw in steps
            if raw.get("area") in (None, area)
        )
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
    return by_area, tuple(when.test for when in slot.whens())


def _thawed(value: Any) -> Any:
    """A private, plain copy of a frozen document part (dicts and lists again), for compiling:
    ``dict()`` of a read-only view is several times slower than of a dict, per plan."""
    if isinstance(value, Mapping):
        return {key: _thawed(child) for key, child in value.items()}
    if isinstance(value, tuple):
        return [_thawed(child) for child in value]
    return value


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
