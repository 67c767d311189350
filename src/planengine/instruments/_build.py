"""Building an :class:`~planengine.instruments._instrument.Instrument` from its parsed data (a
data file, or a plugin's mapping), checked first against the schema and the data rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from planengine._errors import DocumentSchemaError
from planengine.instruments._checks import schema_problem, semantic_problems
from planengine.instruments._instrument import Instrument
from planengine.instruments._parts import (
    CHANGE_NUMBERS,
    Band,
    ChangeAnchor,
    ChangeThresholds,
    Cutoff,
    DerivedScore,
    FindingRule,
    ItemCluster,
    Licence,
    Loinc,
    LoincCode,
    MissingRule,
    Provenance,
    RiskItem,
    Status,
)

__all__ = ["instrument_from_checked", "instrument_from_mapping"]


def instrument_from_mapping(
    data: Mapping[str, Any], *, source: str = "builtin", file: str | None = None
) -> Instrument:
    """Validate parsed instrument data and build an :class:`Instrument`.

    Checks the JSON Schema first, then the rules it cannot express (see
    :mod:`planengine.instruments._checks`).

    :param data: the parsed data file (or a plugin's mapping).
    :param source: ``builtin`` or the registering plugin's name.
    :param file: file name for error messages.
    :raises DocumentSchemaError: naming the file and the JSON path of the first problem.
    """
    problem = schema_problem(data)
    if problem is None:
        instrument = _build(data, source)
        problems = semantic_problems(instrument)
        problem = problems[0] if problems else None
    if problem is not None:
        path, message = problem
        name = data.get("id") if isinstance(data, Mapping) else None
        prefix = f"instrument {name!r}: " if isinstance(name, str) else "instrument: "
        raise DocumentSchemaError(prefix + message, file=file, path=path)
    return instrument


def instrument_from_checked(data: Mapping[str, Any], *, source: str = "builtin") -> Instrument:
    """Build an :class:`Instrument` from data that passed :func:`instrument_from_mapping`'s
    checks before (a cache entry of :mod:`planengine._cache` is only written after they pass)."""
    return _build(data, source)


def _cites(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _provenance(raw: Mapping[str, Any]) -> Provenance:
    return Provenance(_cites(raw.get("citation")), raw["status"], raw.get("note"))


def _build_change(raw: Mapping[str, Any]) -> ChangeThresholds:
    citations: dict[str, tuple[str, ...]] = {}
    status: dict[str, Status] = {}
    notes: dict[str, str] = {}
    values: dict[str, Any] = {}

    def keep(name: str, entry: Mapping[str, Any]) -> None:
        citations[name] = _cites(entry.get("citation"))
        status[name] = entry["status"]
        if entry.get("note") is not None:
            notes[name] = entry["note"]

    for name in CHANGE_NUMBERS:
        entry = raw.get(name)
        if entry is not None:
            values[name] = entry["value"]
            if name == "response_points":
                values["response_points_comparator"] = entry.get("comparator", ">=")
            keep(name, entry)
    remission = raw.get("remission")
    if remission is not None:
        values.update(
            remission_comparator=remission["comparator"], remission_value=remission["value"]
        )
        keep("remission", remission)
    rci = raw.get("rci")
    if rci is not None:
        values.update(rci_sd=rci["sd"], rci_reliability=rci["reliability"])
        values["rci_illustrative"] = rci["illustrative"]
        keep("rci", rci)
    anchors = tuple(
        ChangeAnchor(
            a["id"], a["value"], a["meaning"], _cites(a["citation"]), a["status"], a.get("note")
        )
        for a in raw.get("anchors", ())
    )
    return ChangeThresholds(
        scale=raw.get("scale", "total"),
        anchors=anchors,
        citations=MappingProxyType(citations),
        status=MappingProxyType(status),
        notes=MappingProxyType(notes),
        **values,
    )


def _build_rule(raw: Mapping[str, Any]) -> FindingRule:
    return FindingRule(
        id=raw["id"],
        when=raw["when"],
        area=raw["area"],
        kind=raw["kind"],
        summary=raw["summary"],
        citations=_cites(raw["citation"]),
        next_step=raw.get("next_step"),
        cutoffs=tuple(raw.get("cutoffs", ())),
        items=tuple(raw.get("items", ())),
        item_comparator=raw.get("item_comparator"),
        item_value=raw.get("item_value"),
        comparator=raw.get("comparator"),
        value=raw.get("value"),
        status=raw.get("status"),
        note=raw.get("note"),
        clusters=tuple(
            ItemCluster(c["name"], tuple(c["items"]), c["min"]) for c in raw.get("clusters", ())
        ),
    )


def _build_loinc(raw: Mapping[str, Any] | None) -> Loinc | None:
    if raw is None:
        return None

    def code(entry: Mapping[str, Any] | None) -> LoincCode | None:
        if entry is None:
            return None
        return LoincCode(
            entry["code"], entry["status"], _cites(entry.get("citation")), entry.get("note")
        )

    items = {int(k): code(v) for k, v in raw.get("item_codes", {}).items()}
    return Loinc(
        panel=code(raw.get("panel")),
        total=code(raw.get("total")),
        item_codes=MappingProxyType({k: v for k, v in sorted(items.items()) if v is not None}),
        note=raw.get("note"),
    )


def _build(data: Mapping[str, Any], source: str) -> Instrument:
    """Build from schema-valid data (no checking beyond what the schema did)."""
    # Long: one instrument's data file read field by field into the Instrument record, in the
    # record's field order; most lines are the record's own keyword arguments.
    labels = data.get("item_labels")
    licence = data["licence"]
    missing = data["missing"]
    return Instrument(
        id=data["id"],
        name=data["name"],
        items=data["items"],
        item_labels=None if labels is None else tuple(labels),
        answer_min=data["answers"]["min"],
        answer_max=data["answers"]["max"],
        reverse_keyed=tuple(sorted(data["reverse_keyed"])),
        total_min=data["total"]["min"],
        total_max=data["total"]["max"],
        direction=data["direction"],
        recall_window_days=data["recall_window_days"],
        area=data["area"],
        bands=tuple(
            Band(
                min=b["min"],
                max=b["max"],
                label=b["label"],
                severity=b["severity"],
                finding=b["finding"],
                citations=_cites(b["citation"]),
                status=b["status"],
                description=b.get("description"),
                note=b.get("note"),
            )
            for b in data.get("bands", ())
        ),
        cutoffs=tuple(
            Cutoff(
                id=c["id"],
                comparator=c["comparator"],
                value=c["value"],
                meaning=c["meaning"],
                citations=_cites(c["citation"]),
                status=c["status"],
                configurable=c["configurable"],
                sex=c.get("sex"),
                note=c.get("note"),
                not_with_conditions=tuple(c["not_with_conditions"].items())
                if c.get("not_with_conditions")
                else None,
            )
            for c in data["cutoffs"]
        ),
        change=_build_change(data["change"]),
        risk_items=tuple(
            RiskItem(
                r["item"],
                r["kind"],
                r["endorsed_at"],
                r["high_at"],
                _cites(r["citation"]),
                r["status"],
                r.get("note"),
                r.get("flag_unanswered", True),
            )
            for r in data.get("risk_items", ())
        ),
        missing=MissingRule(
            missing["imputation"],
            tuple(missing["never_impute"]),
            missing.get("note"),
            missing.get("max_missing"),
            _cites(missing.get("citation")),
            missing.get("status"),
        ),
        finding_rules=tuple(_build_rule(rule) for rule in data["findings"]),
        licence=Licence(
            licence["status"],
            licence["holder"],
            licence["terms"],
            licence["item_text_shipped"],
            _cites(licence["citation"]),
            licence["evidence"],
            licence.get("note"),
        ),
        loinc=_build_loinc(data.get("loinc")),
        references=MappingProxyType(dict(data["references"])),
        data_version=data["data_version"],
        source=source,
        full_name=data.get("full_name"),
        answer_coding=data["answers"].get("coding"),
        keying_note=data.get("keying_note"),
        derived=tuple(
            DerivedScore(
                d["id"],
                d["multiply"],
                _cites(d["citation"]),
                d["status"],
                d.get("description"),
                d.get("note"),
            )
            for d in data.get("derived", ())
        ),
        provenance=MappingProxyType({k: _provenance(v) for k, v in data["provenance"].items()}),
        notes=tuple(data.get("notes", ())),
    )
