"""The checks on instrument data: the JSON Schema, then the rules a schema cannot express (bands
contiguous and covering the total range, item numbers in range, citation ids defined, ...).

Each check gives problems as (JSON path, message); building an instrument and applying a clinic's
overrides both refuse an instrument with any.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from planengine.instruments._parts import TEMPLATE_FIELDS, FindingRule, MissingRule

if TYPE_CHECKING:
    from planengine.instruments._instrument import Instrument

__all__ = ["Problem", "schema_problem", "semantic_problems"]

Problem = tuple[str, str]  # (JSON path, message)
_Add = Callable[[str, str], None]


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import importlib

    from jsonschema import Draft202012Validator

    # Imported by name: ``planengine.schemas`` lives in the top-level ``schemas/`` folder.
    schema = importlib.import_module("planengine.schemas").load("instrument")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@functools.lru_cache(maxsize=1)
def _fast_validator() -> Any:
    """The instrument schema compiled by jsonschema-rs, or ``None`` (not installed, or refused)."""
    from planengine.io._schema_check import _fast_validator as compiled

    return compiled("instrument")


def schema_problem(data: Any) -> Problem | None:
    """The most relevant JSON Schema error, as (path, one-line message), or ``None``.

    jsonschema-rs answers "valid" in microseconds (and without importing ``jsonschema``); anything
    else, and every message, comes from the ``jsonschema`` library as before.
    """
    fast = _fast_validator()
    if fast is not None:
        try:
            if fast.is_valid(data):
                return None
        except Exception:
            pass
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is None:
        return None
    message = " ".join(error.message.split())
    if len(message) > 200:
        message = message[:197] + "..."
    return error.json_path, f"schema: {message}"


def _template_problem(rule: FindingRule) -> str | None:
    import string

    allowed = TEMPLATE_FIELDS[rule.when]
    try:
        parts = list(string.Formatter().parse(rule.summary))
    except ValueError as error:
        return f"summary is not a valid template: {error}"
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            names = ", ".join("{" + name + "}" for name in sorted(allowed))
            return f"summary placeholder {{{field}}} is not allowed here; allowed: {names}"
    return None


def semantic_problems(inst: Instrument) -> list[Problem]:
    """Everything wrong with a schema-valid instrument that the schema cannot see."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append((path, message))

    n, lo, hi = inst.items, inst.answer_min, inst.answer_max
    if lo >= hi:
        add("$.answers", f"answers.min ({lo}) must be below answers.max ({hi})")
    if (inst.total_min, inst.total_max) != (n * lo, n * hi):
        add("$.total", f"total must be {n * lo}..{n * hi} ({n} items scored {lo}..{hi})")
    if inst.item_labels is not None and len(inst.item_labels) != n:
        add("$.item_labels", f"needs {n} labels (one per item), has {len(inst.item_labels)}")
    if inst.licence.status == "restricted" and inst.item_labels is not None:
        add("$.item_labels", "a restricted instrument ships no item labels: use null")
    for index, item in enumerate(inst.reverse_keyed):
        if item > n:
            add(f"$.reverse_keyed[{index}]", f"item {item} is out of range 1..{n}")
    for index, item in enumerate(inst.missing.never_impute):
        if item > n:
            add(f"$.missing.never_impute[{index}]", f"item {item} is out of range 1..{n}")
    for index, risk in enumerate(inst.risk_items):
        where = f"$.risk_items[{index}]"
        if risk.item > n:
            add(f"{where}.item", f"item {risk.item} is out of range 1..{n}")
        high = hi if risk.high_at is None else risk.high_at
        if not lo < risk.endorsed_at <= high <= hi:
            add(where, f"need {lo} < endorsed_at <= high_at <= {hi}")
        if risk.item not in inst.missing.never_impute:
            add("$.missing.never_impute", f"risk item {risk.item} must be listed in never_impute")
    _check_missing(inst.missing, n, add)
    _check_bands(inst, add)
    cutoff_ids = _check_cutoffs(inst, add)
    _check_rules(inst, cutoff_ids, add)
    derived_ids = [d.id for d in inst.derived]
    if len(set(derived_ids)) != len(derived_ids):
        add("$.derived", "derived ids must be unique")
    if inst.change.scale != "total" and inst.change.scale not in derived_ids:
        add("$.change.scale", f"scale {inst.change.scale!r} needs a derived score of that id")
    if inst.loinc is not None:
        for item in inst.loinc.item_codes:
            if not 1 <= item <= n:
                add(f"$.loinc.item_codes.{item}", f"item {item} is out of range 1..{n}")
    for key in ("items", "answers", "total"):
        if key not in inst.provenance:
            add("$.provenance", f"provenance for {key!r} is required")
    for cited in sorted(_all_citations(inst) - set(inst.references)):
        add("$.references", f"citation {cited!r} is used but not defined in references")
    return problems


def _check_bands(inst: Instrument, add: _Add) -> None:
    if not inst.bands:
        return
    expected_min = inst.total_min
    labels: set[str] = set()
    for index, band in enumerate(inst.bands):
        where = f"$.bands[{index}]"
        if band.min != expected_min:
            add(
                f"{where}.min",
                f"bands must be contiguous: expected min {expected_min}, got {band.min}",
            )
        if band.max < band.min:
            add(f"{where}.max", f"max {band.max} is below min {band.min}")
        if band.severity != index:
            add(f"{where}.severity", f"severity must rise by 1 from 0: expected {index}")
        if band.label in labels:
            add(f"{where}.label", f"duplicate band label {band.label!r}")
        labels.add(band.label)
        expected_min = band.max + 1
    if inst.bands[-1].max != inst.total_max:
        add(
            f"$.bands[{len(inst.bands) - 1}].max",
            f"the last band must end at the total max {inst.total_max}",
        )


def _check_cutoffs(inst: Instrument, add: _Add) -> set[str]:
    ids: set[str] = set()
    for index, cutoff in enumerate(inst.cutoffs):
        where = f"$.cutoffs[{index}]"
        if not cutoff.id.startswith(inst.id + "."):
            add(f"{where}.id", f"cut-off id must start with {inst.id + '.'!r}")
        if cutoff.id in ids:
            add(f"{where}.id", f"duplicate cut-off id {cutoff.id!r}")
        ids.add(cutoff.id)
        if not inst.total_min <= cutoff.value <= inst.total_max:
            add(
                f"{where}.value",
                f"value must be within the total range {inst.total_min}..{inst.total_max}",
            )
        if cutoff.status == "U" and not cutoff.configurable:
            add(f"{where}.configurable", "an unconfirmed (U) cut-off must be configurable")
    return ids


def _check_rules(inst: Instrument, cutoff_ids: set[str], add: _Add) -> None:
    seen: set[str] = set()
    for index, rule in enumerate(inst.finding_rules):
        where = f"$.findings[{index}]"
        if not rule.id.startswith(inst.id + "."):
            add(f"{where}.id", f"rule id must start with {inst.id + '.'!r}")
        if rule.id in seen:
            add(f"{where}.id", f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        template = _template_problem(rule)
        if template is not None:
            add(f"{where}.summary", template)
        if rule.when == "band" and not inst.bands:
            add(f"{where}.when", "a band rule needs bands")
        elif rule.when == "cutoff":
            unknown = [c for c in rule.cutoffs if c not in cutoff_ids]
            if unknown:
                add(f"{where}.cutoffs", f"unknown cut-off id(s): {', '.join(unknown)}")
            else:
                chosen = [inst.cutoff(c) for c in rule.cutoffs]
                sexes = sorted(c.sex or "" for c in chosen)
                if sexes not in ([""], ["female", "male"]):
                    add(f"{where}.cutoffs", "name one cut-off, or one for each sex (male, female)")
                elif len({c.comparator for c in chosen}) != 1:
                    add(f"{where}.cutoffs", "sex-specific cut-offs must share a comparator")
        elif rule.when == "item":
            for item in rule.items:
                if item > inst.items:
                    add(f"{where}.items", f"item {item} is out of range 1..{inst.items}")
            if (
                rule.item_value is not None
                and not inst.answer_min <= rule.item_value <= inst.answer_max
            ):
                add(f"{where}.item_value", f"must be within {inst.answer_min}..{inst.answer_max}")
        elif rule.when == "pattern":
            if (
                rule.item_value is not None
                and not inst.answer_min <= rule.item_value <= inst.answer_max
            ):
                add(f"{where}.item_value", f"must be within {inst.answer_min}..{inst.answer_max}")
            for number, cluster in enumerate(rule.clusters):
                at = f"{where}.clusters[{number}]"
                for item in cluster.items:
                    if item > inst.items:
                        add(f"{at}.items", f"item {item} is out of range 1..{inst.items}")
                if cluster.min > len(cluster.items):
                    add(f"{at}.min", f"needs {cluster.min} of only {len(cluster.items)} items")
        elif rule.when == "threshold" and rule.value is not None:  # noqa: SIM102
            if not inst.total_min <= rule.value <= inst.total_max:
                add(
                    f"{where}.value",
                    f"must be within the total range {inst.total_min}..{inst.total_max}",
                )


def _check_missing(rule: MissingRule, items: int, add: Callable[[str, str], None]) -> None:
    if rule.imputation == "prorate":
        if rule.max_missing is None:
            add("$.missing.max_missing", "prorate needs max_missing (the most unanswered items)")
        elif not 1 <= rule.max_missing < items:
            add("$.missing.max_missing", f"max_missing must be 1 to {items - 1}")
    elif rule.max_missing is not None:
        add("$.missing.max_missing", "max_missing applies only to imputation 'prorate'")


def _all_citations(inst: Instrument) -> set[str]:
    cited: set[str] = set()
    groups: list[Iterable[tuple[str, ...]]] = [
        (b.citations for b in inst.bands),
        (c.citations for c in inst.cutoffs),
        (r.citations for r in inst.risk_items),
        (r.citations for r in inst.finding_rules),
        (d.citations for d in inst.derived),
        (p.citations for p in inst.provenance.values()),
        (a.citations for a in inst.change.anchors),
        inst.change.citations.values(),
        [inst.licence.citations, inst.missing.citations],
    ]
    if inst.loinc is not None:
        codes = [inst.loinc.panel, inst.loinc.total, *inst.loinc.item_codes.values()]
        groups.append(code.citations for code in codes if code is not None)
    for group in groups:
        for citations in group:
            cited.update(citations)
    return cited
