"""Strategies whose content is data: objective templates, interventions, doses and citations.

A strategy file (``schemas/strategy.schema.json``) holds everything a clinician may want to review
or change; this module holds only the logic data cannot express: choosing what applies, filling
templates from the patient's own baseline, deriving targets from the instrument's change
thresholds, and dating objectives from ``as_of``.

Templates use ``{name}`` placeholders from a fixed list (see :data:`TEMPLATE_FIELDS`); nothing in
a data file is ever executed.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping
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

__all__ = ["TEMPLATE_FIELDS", "DataStrategy", "fill_template", "strategy_from_mapping"]

STATUSES = ("draft", "testing", "production", "retired")

#: Placeholders a template may use.
TEMPLATE_FIELDS = (
    "baseline",
    "target",
    "comparator_words",
    "due_date",
    "start_date",
    "review_date",
    "instrument_name",
    "horizon_weeks",
    "frequency_times",
    "frequency_per",
    "unit",
    "patient_words",
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_COMPARATOR_WORDS = {"<=": "or lower", "<": "below", ">=": "or higher", ">": "above", "==": "exactly"}


def fill_template(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` placeholders; unknown names are left as they are (the schema checks)."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return str(values[key]) if key in values and values[key] is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, template)


def _format_number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


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
        """Objectives and interventions for one problem, personalised from the context."""
        if problem.area not in self.areas:
            return Proposal()
        source = f"plugin:{plugin}"
        provenance_inputs = tuple(sorted({p for f in problem.findings for p in f.provenance.inputs}))
        objectives: list[Objective] = []
        notices: list[Notice] = []
        for template in self.data.get("objectives", ()):
            if template.get("area", problem.area) != problem.area:
                continue
            if not _applies(template.get("when", {}), problem, context):
                continue
            objective = self._objective(template, problem, context, source, provenance_inputs)
            if objective is None:
                notices.append(
                    Notice(
                        "strategy.target-already-met",
                        f"Objective {template['id']!r} left out: the baseline already meets its target.",
                        source,
                    )
                )
                continue
            objectives.append(objective)
        kept_ids = {o.id for o in objectives}
        interventions: list[Intervention] = []
        exclusions: list[Exclusion] = []
        for item in self.data.get("interventions", ()):
            if item.get("area", problem.area) != problem.area:
                continue
            if not _applies(item.get("when", {}), problem, context):
                continue
            step = self._intervention(item, problem, source, provenance_inputs, kept_ids)
            removed = _apply_contraindications(step, item, context, source)
            if removed is not None:
                exclusions.append(removed)
                continue
            interventions.append(step)
        goals: Mapping[str, str] = self.data.get("long_term_goals", {})
        return Proposal(
            long_term_goal=goals.get(problem.area),
            objectives=tuple(objectives),
            interventions=tuple(interventions),
            exclusions=tuple(exclusions),
            notices=tuple(notices),
        )

    def _objective(
        self,
        template: Mapping[str, Any],
        problem: Problem,
        context: PlanningContext,
        source: str,
        inputs: tuple[str, ...],
    ) -> Objective | None:
        measure_data = template["measure"]
        horizon_weeks = int(template.get("horizon_weeks", context.config.horizon_weeks))
        start = context.as_of
        due = start + dt.timedelta(weeks=horizon_weeks)
        review = min(
            int(template.get("review_interval_days", context.config.review_interval_days)),
            context.config.max_review_interval_days,
        )
        instrument_id = measure_data.get("instrument")
        instrument_name = None
        objective_inputs = inputs
        if instrument_id:
            score = context.scores.get(instrument_id)
            if score is None or score.total is None:
                return None
            instrument = context.instruments[instrument_id]
            instrument_name = instrument.name
            target_value, comparator = derive_target(instrument, score.total, measure_data["target"])
            if target_value is None:
                return None
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
            target = measure_data["target"]
            baseline = measure_data.get("baseline", 0)
            if _meets(baseline, target["comparator"], target["value"]):
                return None
            measure = Measure(
                metric=measure_data["metric"],
                unit=measure_data["unit"],
                method=measure_data["method"],
                baseline_value=baseline,
                baseline_date=start,
                target_value=target["value"],
                comparator=target["comparator"],
            )
        frequency = dict(template["frequency"]) if template.get("frequency") else None
        patient_words = problem.patient_words[0] if problem.patient_words else None
        values = {
            "baseline": _format_number(measure.baseline_value)
            if measure.baseline_value is not None
            else None,
            "target": _format_number(measure.target_value),
            "comparator_words": _COMPARATOR_WORDS[measure.comparator],
            "due_date": due.isoformat(),
            "start_date": start.isoformat(),
            "review_date": min(start + dt.timedelta(days=review), due).isoformat(),
            "instrument_name": instrument_name,
            "horizon_weeks": horizon_weeks,
            "frequency_times": frequency.get("times") if frequency else None,
            "frequency_per": frequency.get("per") if frequency else None,
            "unit": measure.unit,
            "patient_words": patient_words,
        }
        return Objective(
            id=f"{problem.area}-{template['id']}",
            area=problem.area,
            statement=fill_template(template["statement"], values),
            measure=measure,
            start_date=start,
            due_date=due,
            review_interval_days=review,
            addresses=[f.id for f in problem.findings],
            frequency=frequency,
            patient_words=patient_words,
            rationale=template.get("rationale"),
            provenance=Provenance(source, objective_inputs, self.label),
        )

    def _intervention(
        self,
        item: Mapping[str, Any],
        problem: Problem,
        source: str,
        inputs: tuple[str, ...],
        objective_ids: set[str],
    ) -> Intervention:
        linked = [f"{problem.area}-{oid}" for oid in item.get("objectives", ())]
        return Intervention(
            id=f"{problem.area}-{item['id']}",
            area=problem.area,
            title=item["title"],
            description=item["description"],
            steps=list(item.get("steps", ())),
            delivery=item["delivery"],
            category=item.get("category", "skill"),
            frequency=dict(item["frequency"]) if item.get("frequency") else None,
            duration_minutes=item.get("duration_minutes"),
            course_weeks=item.get("course_weeks"),
            rationale=item["rationale"],
            citations=self.cite(list(item.get("citations", ()))),
            objective_ids=[oid for oid in linked if oid in objective_ids],
            conflicts_with=[f"{problem.area}-{cid}" for cid in item.get("conflicts_with", ())],
            provenance=Provenance(source, inputs, self.label),
        )


def derive_target(
    instrument: Any, baseline: int, rule: Mapping[str, Any]
) -> tuple[float | int | None, str]:
    """A personal target from the baseline and the instrument's change thresholds.

    Rules (``rule["rule"]``):

    * ``value``: a fixed value and comparator from the data.
    * ``remission``: the instrument's remission threshold.
    * ``improvement``: the baseline moved by the largest known reliable threshold (reliable change
      points, else MCID), capped at the remission threshold when that is reached, and at the
      instrument's range.

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
    step = change.reliable_change_points or change.mcid
    if not step:
        return None, "<="
    step = math.ceil(step)
    if better_high:
        target = min(baseline + step, instrument.total_max)
        comparator = ">="
    else:
        target = max(baseline - step, instrument.total_min)
        comparator = "<="
    if remission_value is not None and _meets(target, remission_cmp, remission_value):
        if _meets(baseline, remission_cmp, remission_value):
            return None, remission_cmp
        return remission_value, remission_cmp
    if target == baseline:
        return None, comparator
    return target, comparator


def _meets(value: float, comparator: str, target: float) -> bool:
    return {
        "<=": value <= target,
        "<": value < target,
        ">=": value >= target,
        ">": value > target,
        "==": value == target,
    }[comparator]


def _applies(when: Mapping[str, Any], problem: Problem, context: PlanningContext) -> bool:
    """Whether a template's ``when`` block holds for this problem (all keys must hold)."""
    instrument_id = when.get("instrument")
    if instrument_id is not None:
        score = context.scores.get(instrument_id)
        if score is None or score.total is None:
            return False
        rank = score.band.severity if score.band is not None else None
        if "band_at_least" in when and (rank is None or rank < when["band_at_least"]):
            return False
        if "band_at_most" in when and (rank is None or rank > when["band_at_most"]):
            return False
        if "total_at_least" in when and score.total < when["total_at_least"]:
            return False
    without = when.get("without_score")
    if without is not None and without in context.scores:
        return False
    kinds = when.get("finding_kinds")
    if kinds is not None and not any(f.kind in kinds for f in problem.findings):
        return False
    if when.get("no_risk_flag") and context.risk_flags:
        return False
    return True


def _apply_contraindications(
    step: Intervention, item: Mapping[str, Any], context: PlanningContext, source: str
) -> Exclusion | None:
    for rule in item.get("contraindications", ()):
        condition = rule["condition"]
        if condition not in context.conditions:
            continue
        reason = f"{condition}: {rule['reason']}"
        if rule.get("action", "remove") == "remove":
            return Exclusion(
                item_id=step.id,
                area=step.area,
                title=step.title,
                reason=reason,
                rule=f"contraindication.{condition}",
                source=source,
            )
        step.status = "caution"
        step.notes.append(f"Caution ({condition}): {rule['reason']}")
    return None


def strategy_from_mapping(
    data: Mapping[str, Any], *, source: str = "builtin", file: str | None = None
) -> DataStrategy:
    """Validate a strategy document against ``strategy.schema.json`` and build it."""
    import jsonschema

    validator = _strategy_validator()
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise DocumentSchemaError(error.message, file=file, path=path)
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
