"""A clinic's configuration applied to an instrument: configured cut-offs, change thresholds,
threshold finding rules and the missing-answer rule, each marked ``U`` with a note naming the
value it replaced (see :meth:`planengine.instruments._instrument.Instrument.with_overrides`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from planengine._errors import ConfigError, UnknownNameError
from planengine._values import ORDER_COMPARATORS, read_number
from planengine.instruments._checks import semantic_problems
from planengine.instruments._parts import (
    CHANGE_NUMBERS,
    ChangeThresholds,
    Cutoff,
    FindingRule,
    MissingRule,
)

if TYPE_CHECKING:
    from planengine.instruments._instrument import Instrument

__all__ = ["apply_overrides"]

_CHANGE_OVERRIDES = frozenset(
    {*CHANGE_NUMBERS, "remission_value", "remission_comparator", "rci_sd", "rci_reliability"}
)


def _number(value: Any, where: str, *, integer: bool = False, positive: bool = False) -> Any:
    kinds = (int,) if integer else (int, float)
    if (
        not isinstance(value, kinds)
        or read_number(value) is None  # a bool, NaN, infinite, or past ±1e15
        or (positive and value <= 0)
    ):
        wanted = "an integer" if integer else "a number"
        raise ConfigError(
            f"{where}: must be {wanted}{' above 0' if positive else ''}, got {value!r}"
        )
    return value


def _configured_note(old: Any, old_status: str | None, citations: tuple[str, ...]) -> str:
    if old is None:
        return "Set by configuration; the data file gives no value."
    cited = "".join(f"[{c}]" for c in citations)
    return (
        f"Set by configuration; the data file's value was {old} ({old_status}) {cited}".rstrip()
        + "."
    )


def apply_overrides(inst: Instrument, overrides: Mapping[str, Any]) -> Instrument:
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"{inst.id}: overrides must be a mapping, got {type(overrides).__name__}")
    unknown = set(overrides) - {"cutoffs", "change", "findings", "missing"}
    if unknown:
        raise ConfigError(
            f"{inst.id}: unknown override section(s) {', '.join(sorted(map(str, unknown)))}; "
            "allowed: cutoffs, change, findings, missing"
        )
    cutoffs = _override_cutoffs(inst, overrides.get("cutoffs") or {})
    change = _override_change(inst, overrides.get("change") or {})
    rules = _override_rules(inst, overrides.get("findings") or {})
    missing = _override_missing(inst, overrides.get("missing") or {})
    merged = {**inst.overrides}
    for section, values in overrides.items():
        if values:
            merged[section] = MappingProxyType({**merged.get(section, {}), **values})
    changed = attrs.evolve(
        inst,
        cutoffs=cutoffs,
        change=change,
        finding_rules=rules,
        missing=missing,
        overrides=MappingProxyType(merged),
    )
    problems = semantic_problems(changed)
    if problems:
        path, message = problems[0]
        raise ConfigError(f"{inst.id}: override makes the instrument invalid at {path}: {message}")
    return changed


def _sections(inst: Instrument, section: str, values: Any) -> Mapping[str, Any]:
    if not isinstance(values, Mapping):
        raise ConfigError(f"{inst.id}.{section}: must be a mapping of id -> value")
    return values


def _override_cutoffs(inst: Instrument, values: Any) -> tuple[Cutoff, ...]:
    values = _sections(inst, "cutoffs", values)
    for cutoff_id in values:
        cutoff = inst.cutoff(cutoff_id)
        if not cutoff.configurable:
            raise ConfigError(
                f"{inst.id}: cut-off {cutoff_id!r} ({cutoff.text}, status {cutoff.status}) is not "
                "configurable"
            )
    result = []
    for cutoff in inst.cutoffs:
        if cutoff.id in values:
            value = _number(values[cutoff.id], f"{inst.id}.cutoffs.{cutoff.id}", integer=True)
            note = _configured_note(cutoff.value, cutoff.status, cutoff.citations)
            cutoff = attrs.evolve(cutoff, value=value, status="U", note=note)
        result.append(cutoff)
    return tuple(result)


def _known_keys(inst: Instrument, section: str, values: Any, allowed: frozenset[str]) -> Any:
    """``values`` of one override section, refused with the allowed keys when one is unknown."""
    values = _sections(inst, section, values)
    unknown = set(values) - allowed
    if unknown:
        raise ConfigError(
            f"{inst.id}.{section}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    return values


def _override_change(inst: Instrument, values: Any) -> ChangeThresholds:
    values = _known_keys(inst, "change", values, _CHANGE_OVERRIDES)
    change = inst.change
    fields: dict[str, Any] = {}
    status, notes = dict(change.status), dict(change.notes)
    for key, value in values.items():
        where = f"{inst.id}.change.{key}"
        if key == "remission_comparator":
            if value not in ORDER_COMPARATORS:
                raise ConfigError(f"{where}: must be one of >=, >, <=, <; got {value!r}")
            fields[key] = value
            continue
        if key == "rci_reliability" and not (isinstance(value, (int, float)) and 0 < value < 1):
            raise ConfigError(f"{where}: must be a number between 0 and 1, got {value!r}")
        fields[key] = _number(value, where, positive=key != "remission_value")
        group = {"remission_value": "remission", "rci_sd": "rci", "rci_reliability": "rci"}.get(
            key, key
        )
        old = getattr(change, key)
        notes[group] = _configured_note(
            old, change.status.get(group), change.citations.get(group, ())
        )
        status[group] = "U"
    if (
        "remission_value" in fields
        and change.remission_comparator is None
        and "remission_comparator" not in fields
    ):
        raise ConfigError(
            f"{inst.id}.change: remission_value needs remission_comparator "
            "(the data file has no remission rule)"
        )
    if ("rci_sd" in fields) != ("rci_reliability" in fields) and change.rci_sd is None:
        raise ConfigError(f"{inst.id}.change: set rci_sd and rci_reliability together")
    if "rci_sd" in fields and "rci_reliability" in fields:  # one alone leaves the other illustrative
        fields["rci_illustrative"] = False
    return attrs.evolve(
        change, status=MappingProxyType(status), notes=MappingProxyType(notes), **fields
    )


_MISSING_OVERRIDES = frozenset({"imputation", "max_missing", "never_impute"})


def _override_missing(inst: Instrument, values: Any) -> MissingRule:
    """The missing-answer rule with a clinic's settings: the imputation (``none`` or
    ``prorate``), ``max_missing``, and more items never to impute. ``never_impute`` only grows:
    the data file's items (risk items among them) always stay."""
    values = _known_keys(inst, "missing", values, _MISSING_OVERRIDES)
    rule = inst.missing
    if not values:
        return rule
    imputation = values.get("imputation", rule.imputation)
    if imputation not in ("none", "prorate"):
        raise ConfigError(f"{inst.id}.missing.imputation: must be none or prorate, got {imputation!r}")
    max_missing = values.get("max_missing", rule.max_missing if imputation == "prorate" else None)
    if max_missing is not None:
        max_missing = _number(max_missing, f"{inst.id}.missing.max_missing", integer=True, positive=True)
    extra = values.get("never_impute", ())
    if not isinstance(extra, (list, tuple)) or not all(
        type(item) is int and 1 <= item <= inst.items for item in extra
    ):
        raise ConfigError(
            f"{inst.id}.missing.never_impute: must be a list of item numbers 1 to {inst.items}, "
            f"got {extra!r}"
        )
    never = tuple(sorted({*rule.never_impute, *extra}))
    was = rule.imputation + (f", max_missing {rule.max_missing}" if rule.max_missing else "")
    status = f" ({rule.status})" if rule.status else ""
    cited = "".join(f"[{c}]" for c in rule.citations)
    note = f"Set by configuration; the data file's rule was {was}{status}{cited}."
    if never != rule.never_impute:
        note += f" Never imputed: items {', '.join(map(str, never))}."
    return MissingRule(imputation, never, note, max_missing, rule.citations, "U")


def _override_rules(inst: Instrument, values: Any) -> tuple[FindingRule, ...]:
    values = _sections(inst, "findings", values)
    by_id = {rule.id: rule for rule in inst.finding_rules}
    for rule_id in values:
        rule = by_id.get(rule_id)
        if rule is None:
            known = ", ".join(r.id for r in inst.finding_rules if r.when == "threshold") or "none"
            raise UnknownNameError(
                f"{inst.id} has no finding rule {rule_id!r}; configurable: {known}"
            )
        if rule.when != "threshold":
            raise ConfigError(f"{inst.id}: finding rule {rule_id!r} is not configurable")
    result = []
    for rule in inst.finding_rules:
        if rule.id in values:
            given = values[rule.id]
            where = f"{inst.id}.findings.{rule.id}"
            if not isinstance(given, Mapping):
                given = {"value": given}
            extra = set(given) - {"value", "comparator"}
            if extra:
                raise ConfigError(
                    f"{where}: unknown key(s) {', '.join(sorted(extra))}; "
                    "allowed: value, comparator"
                )
            value = given.get("value", rule.value)
            if value is not None:
                _number(value, f"{where}.value", integer=True)
            comparator = given.get("comparator", rule.comparator)
            if comparator not in ORDER_COMPARATORS:
                raise ConfigError(
                    f"{where}.comparator: must be one of >=, >, <=, <; got {comparator!r}"
                )
            rule = attrs.evolve(rule, value=value, comparator=comparator, status="U")
        result.append(rule)
    return tuple(result)
