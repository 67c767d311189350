"""Questionnaires as data: the instrument model, loading and checking the data files, the registry.

Each built-in instrument is one YAML file in ``planengine/data/instruments``, validated against
``schemas/instrument.schema.json`` and then against the rules a schema cannot express (bands
contiguous and covering the total range, item numbers in range, citation ids defined, ...).
Every clinical number keeps its citation ids and status mark (V checked, L literature not
re-opened, U unconfirmed) beside it, from the file to the object to :meth:`Instrument.to_dict`.

Nothing is read at import time: :func:`load_builtin_instruments` reads and caches on first use.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

import attrs

from planengine._errors import (
    ConfigError,
    DocumentParseError,
    DocumentSchemaError,
    PluginError,
    UnknownNameError,
)
from planengine._values import ORDER_COMPARATORS, compare, read_number

__all__ = [
    "Band",
    "ChangeAnchor",
    "ChangeThresholds",
    "Cutoff",
    "DerivedScore",
    "FindingRule",
    "Instrument",
    "InstrumentRegistry",
    "ItemCluster",
    "Licence",
    "Loinc",
    "LoincCode",
    "MissingRule",
    "Provenance",
    "RiskItem",
    "instrument_from_mapping",
    "load_builtin_instruments",
    "load_instrument_file",
    "read_instrument_yaml",
]

#: One "N = wording" entry of an answer coding ("0 = not at all, 1 = several days").
_CODING_ENTRY = re.compile(r"(\d+)\s*=\s*(.+?)(?=,\s*\d+\s*=|$)")

Comparator = Literal[">=", ">", "<=", "<"]
Direction = Literal["higher-is-worse", "higher-is-better"]
Status = Literal["V", "L", "U"]

#: Placeholders a finding rule's ``summary`` may use, per rule type (anything else is refused).
TEMPLATE_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "band": frozenset({"name", "score", "band"}),
        "cutoff": frozenset({"name", "score", "cutoff", "sex_note"}),
        "item": frozenset({"name", "items"}),
        "threshold": frozenset({"name", "score", "cutoff"}),
        "pattern": frozenset({"name", "clusters"}),
    }
)

_CHANGE_NUMBERS = ("mcid", "reliable_change_points", "response_percent", "response_points")


def _cites(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _cite_out(citations: tuple[str, ...]) -> str | list[str] | None:
    if not citations:
        return None
    return citations[0] if len(citations) == 1 else list(citations)


def _with_note(out: dict[str, Any], note: str | None) -> dict[str, Any]:
    if note is not None:
        out["note"] = note
    return out


@attrs.frozen
class Provenance:
    """Citation ids and status mark of one top-level fact (e.g. the total range)."""

    citations: tuple[str, ...]
    status: Status
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        return _with_note({"citation": _cite_out(self.citations), "status": self.status}, self.note)


@attrs.frozen
class Band:
    """One severity band: totals ``min``..``max`` inclusive, ``severity`` 0 = least severe."""

    min: int
    max: int
    label: str
    severity: int
    finding: bool
    citations: tuple[str, ...]
    status: Status
    description: str | None = None
    note: str | None = None

    @property
    def title(self) -> str:
        """The band as a reader would say it (``moderately severe``)."""
        return self.description or self.label.replace("-", " ")

    def contains(self, total: int) -> bool:
        """Whether ``total`` falls in this band."""
        return self.min <= total <= self.max

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"min": self.min, "max": self.max, "label": self.label}
        if self.description is not None:
            out["description"] = self.description
        out.update(severity=self.severity, finding=self.finding)
        out.update(citation=_cite_out(self.citations), status=self.status)
        return _with_note(out, self.note)


@attrs.frozen
class Cutoff:
    """A published cut-off on the total: met when ``total <comparator> value``."""

    id: str
    comparator: Comparator
    value: int
    meaning: str
    citations: tuple[str, ...]
    status: Status
    configurable: bool
    sex: Literal["male", "female"] | None = None
    note: str | None = None

    def met_by(self, total: int) -> bool:
        """Whether ``total`` meets this cut-off."""
        return compare(total, self.comparator, self.value)

    @property
    def text(self) -> str:
        """The cut-off as written in a sentence (``>= 10``)."""
        return f"{self.comparator} {self.value}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"id": self.id, "comparator": self.comparator, "value": self.value}
        out["meaning"] = self.meaning
        if self.sex is not None:
            out["sex"] = self.sex
        out.update(configurable=self.configurable, citation=_cite_out(self.citations))
        out["status"] = self.status
        return _with_note(out, self.note)


@attrs.frozen
class ChangeAnchor:
    """A published change anchor with no field of its own (e.g. ISI -8.4 = moderate improvement)."""

    id: str
    value: float
    meaning: str
    citations: tuple[str, ...]
    status: Status
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out = {"id": self.id, "value": self.value, "meaning": self.meaning}
        out.update(citation=_cite_out(self.citations), status=self.status)
        return _with_note(out, self.note)


@attrs.frozen
class ChangeThresholds:
    """Thresholds for change between two administrations; ``None`` where no source gives one.

    Point values are on ``scale`` (``total``, or ``percent`` for the WHO-5). ``citations``,
    ``status`` and ``notes`` are keyed by ``mcid``, ``reliable_change_points``,
    ``response_percent``, ``response_points``, ``remission`` and ``rci``. ``rci_illustrative`` is
    true when the RCI inputs are only a worked example (PHQ-9), never published norms.
    """

    scale: Literal["total", "percent"] = "total"
    mcid: float | None = None
    reliable_change_points: float | None = None
    response_percent: float | None = None
    response_points: float | None = None
    response_points_comparator: Literal[">=", ">"] = ">="
    remission_comparator: Comparator | None = None
    remission_value: float | None = None
    rci_sd: float | None = None
    rci_reliability: float | None = None
    rci_illustrative: bool = False
    anchors: tuple[ChangeAnchor, ...] = ()
    citations: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    status: Mapping[str, Status] = attrs.field(factory=dict)
    notes: Mapping[str, str] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"scale": self.scale}
        for name in _CHANGE_NUMBERS:
            value = getattr(self, name)
            if value is None:
                out[name] = None
                continue
            entry: dict[str, Any] = {"value": value}
            if name == "response_points":
                entry["comparator"] = self.response_points_comparator
            entry.update(citation=_cite_out(self.citations.get(name, ())), status=self.status[name])
            out[name] = _with_note(entry, self.notes.get(name))
        out["remission"] = None
        if self.remission_value is not None:
            remission: dict[str, Any] = {
                "comparator": self.remission_comparator,
                "value": self.remission_value,
            }
            remission["citation"] = _cite_out(self.citations.get("remission", ()))
            remission["status"] = self.status["remission"]
            out["remission"] = _with_note(remission, self.notes.get("remission"))
        out["rci"] = None
        if self.rci_sd is not None:
            rci: dict[str, Any] = {"sd": self.rci_sd, "reliability": self.rci_reliability}
            rci["illustrative"] = self.rci_illustrative
            rci.update(citation=_cite_out(self.citations.get("rci", ())), status=self.status["rci"])
            out["rci"] = _with_note(rci, self.notes.get("rci"))
        if self.anchors:
            out["anchors"] = [anchor.to_dict() for anchor in self.anchors]
        return out


@attrs.frozen
class RiskItem:
    """A safety item (PHQ-9 item 9, PCL-5 item 16): reported on every response, never imputed.

    :ivar high_at: lowest answer that ranks higher in the clinician's queue (``None``: the item
        has no higher rank; every endorsed answer ranks alike).
    :ivar flag_unanswered: whether a blank answer opens a "risk unknown" flag (PHQ-9 item 9);
        otherwise the incomplete response's finding asks for the item at this visit.
    """

    item: int
    kind: str
    endorsed_at: int
    high_at: int | None
    citations: tuple[str, ...]
    status: Status
    note: str | None = None
    flag_unanswered: bool = True

    def level(self, value: int | None) -> Literal["endorsed", "high", "not-endorsed", "unknown"]:
        """The signal level for one answer. ``not-endorsed`` is never evidence of safety."""
        if value is None:
            return "unknown"
        if self.high_at is not None and value >= self.high_at:
            return "high"
        if value >= self.endorsed_at:
            return "endorsed"
        return "not-endorsed"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"item": self.item, "kind": self.kind}
        out.update(endorsed_at=self.endorsed_at, high_at=self.high_at)
        if not self.flag_unanswered:
            out["flag_unanswered"] = False
        out.update(citation=_cite_out(self.citations), status=self.status)
        return _with_note(out, self.note)


@attrs.frozen
class MissingRule:
    """What happens with unanswered items.

    ``none``: an incomplete response has no total, only the range of totals still possible.
    ``prorate``: when at most ``max_missing`` items are unanswered and none of them is in
    ``never_impute``, the total is the mean of the answered items (after reverse keying) times the
    number of items, rounded half up, and is marked prorated. A risk item is always in
    ``never_impute``, so a response missing it never gets a total.
    """

    imputation: Literal["none", "prorate"] = "none"
    never_impute: tuple[int, ...] = ()
    note: str | None = None
    #: ``prorate`` only: the most unanswered items a prorated total is given for.
    max_missing: int | None = None
    citations: tuple[str, ...] = ()
    status: Status | None = None

    def prorated_total(self, keyed: Sequence[int | None], missing: Sequence[int]) -> int | None:
        """The prorated total of an incomplete response, or ``None`` when the rule gives none.

        :param keyed: per item, the score after reverse keying (``None`` = unanswered).
        :param missing: 1-based numbers of the unanswered items.
        """
        if (
            self.imputation != "prorate"
            or not missing
            or self.max_missing is None
            or len(missing) > self.max_missing
            or any(item in self.never_impute for item in missing)
        ):
            return None
        answered = len(keyed) - len(missing)
        if answered <= 0:
            return None
        partial = sum(value for value in keyed if value is not None)
        # partial * items / answered, rounded half up, in integers (no float rounding surprises)
        return (2 * partial * len(keyed) + answered) // (2 * answered)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"imputation": self.imputation}
        if self.max_missing is not None:
            out["max_missing"] = self.max_missing
        out["never_impute"] = list(self.never_impute)
        if self.citations:
            out["citation"] = _cite_out(self.citations)
        if self.status is not None:
            out["status"] = self.status
        return _with_note(out, self.note)


@attrs.frozen
class Licence:
    """Licence status for embedding in clinic software.

    ``evidence`` is the status mark (V/L/U) of the licence statement itself.
    """

    status: Literal["free", "public-domain", "restricted", "unclear"]
    holder: str | None
    terms: str
    item_text_shipped: bool
    citations: tuple[str, ...]
    evidence: Status
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"status": self.status, "holder": self.holder, "terms": self.terms}
        out.update(item_text_shipped=self.item_text_shipped, citation=_cite_out(self.citations))
        out["evidence"] = self.evidence
        return _with_note(out, self.note)


@attrs.frozen
class LoincCode:
    """One LOINC code with its status mark (only codes confirmed in a cited source, V, are shipped)."""

    code: str
    status: Literal["V"]
    citations: tuple[str, ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out = {"code": self.code, "status": self.status, "citation": _cite_out(self.citations)}
        return _with_note(out, self.note)


@attrs.frozen
class Loinc:
    """LOINC codes of an instrument: panel, total and some items (1-based item number -> code)."""

    panel: LoincCode | None = None
    total: LoincCode | None = None
    item_codes: Mapping[int, LoincCode] = attrs.field(factory=dict)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {}
        if self.panel is not None:
            out["panel"] = self.panel.to_dict()
        if self.total is not None:
            out["total"] = self.total.to_dict()
        if self.item_codes:
            out["item_codes"] = {str(k): v.to_dict() for k, v in sorted(self.item_codes.items())}
        return _with_note(out, self.note)


@attrs.frozen
class DerivedScore:
    """A score derived from a complete total as ``total * multiply`` (WHO-5 ``percent``)."""

    id: str
    multiply: int
    citations: tuple[str, ...]
    status: Status
    description: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"id": self.id, "multiply": self.multiply}
        if self.description is not None:
            out["description"] = self.description
        out.update(citation=_cite_out(self.citations), status=self.status)
        return _with_note(out, self.note)


@attrs.frozen
class ItemCluster:
    """A group of items of a ``pattern`` rule, of which at least ``min`` must be endorsed."""

    name: str
    items: tuple[int, ...]
    min: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        return {"name": self.name, "items": list(self.items), "min": self.min}


@attrs.frozen
class FindingRule:
    """A rule that turns a score into a problem finding; its ``id`` is the finding's provenance.

    ``when`` says what it looks at:

    * ``band``: the band of the total, when that band has ``finding: true``;
    * ``cutoff``: the cut-offs named in ``cutoffs`` (sex-specific ones: the person's, or the most
      sensitive when sex is unknown);
    * ``item``: any single item (of ``items``, or all) with ``answer <item_comparator> item_value``;
    * ``threshold``: ``total <comparator> value`` for a clinic-set value (``None`` = off);
    * ``pattern``: a symptom pattern, whatever the total: an item is endorsed when
      ``answer <item_comparator> item_value``, and every cluster needs ``min`` endorsed items
      (the PCL-5's DSM-5 route to a provisional diagnosis). Unanswered items count as not
      endorsed, so the rule holds only when the answers given already meet it.
    """

    id: str
    when: Literal["band", "cutoff", "item", "threshold", "pattern"]
    area: str
    kind: Literal["severity", "screen-positive", "cutoff", "item"]
    summary: str
    citations: tuple[str, ...]
    next_step: str | None = None
    cutoffs: tuple[str, ...] = ()
    items: tuple[int, ...] = ()
    item_comparator: Comparator | None = None
    item_value: int | None = None
    comparator: Comparator | None = None
    value: int | None = None
    status: Status | None = None
    note: str | None = None
    clusters: tuple[ItemCluster, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, shaped like the data file."""
        out: dict[str, Any] = {"id": self.id, "when": self.when}
        if self.when == "cutoff":
            out["cutoffs"] = list(self.cutoffs)
        elif self.when == "item":
            if self.items:
                out["items"] = list(self.items)
            out.update(item_comparator=self.item_comparator, item_value=self.item_value)
        elif self.when == "pattern":
            out.update(item_comparator=self.item_comparator, item_value=self.item_value)
            out["clusters"] = [cluster.to_dict() for cluster in self.clusters]
        elif self.when == "threshold":
            out.update(comparator=self.comparator, value=self.value)
        if self.status is not None:
            out["status"] = self.status
        out.update(area=self.area, kind=self.kind, summary=self.summary, next_step=self.next_step)
        out["citation"] = _cite_out(self.citations)
        return _with_note(out, self.note)


@attrs.frozen(eq=False)
class Instrument:
    """One questionnaire: everything needed to score it and explain the result.

    Build one with :func:`instrument_from_mapping` (which checks it); instances are immutable and
    may be shared. Equality is identity: compare :meth:`to_dict` output to compare content.
    """

    id: str
    name: str
    items: int
    item_labels: tuple[str, ...] | None
    answer_min: int
    answer_max: int
    reverse_keyed: tuple[int, ...]
    total_min: int
    total_max: int
    direction: Direction
    recall_window_days: int | None
    area: str
    bands: tuple[Band, ...]
    cutoffs: tuple[Cutoff, ...]
    change: ChangeThresholds
    risk_items: tuple[RiskItem, ...]
    missing: MissingRule
    finding_rules: tuple[FindingRule, ...]
    licence: Licence
    loinc: Loinc | None
    references: Mapping[str, str]
    data_version: str
    source: str = "builtin"
    full_name: str | None = None
    answer_coding: str | None = None
    keying_note: str | None = None
    derived: tuple[DerivedScore, ...] = ()
    provenance: Mapping[str, Provenance] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()
    #: Overrides applied by :meth:`with_overrides`, as given (for provenance).
    overrides: Mapping[str, Any] = attrs.field(factory=lambda: MappingProxyType({}))
    # Precomputed for scoring speed: band per total (index total - total_min), reverse flag
    # per item, cut-offs by id.
    _band_table: tuple[Band | None, ...] = attrs.field(init=False, repr=False)
    _reversed: tuple[bool, ...] = attrs.field(init=False, repr=False)
    _cutoff_by_id: Mapping[str, Cutoff] = attrs.field(init=False, repr=False)
    #: The highest severity rank of the bands (1 when none has a rank above 0).
    top_severity: int = attrs.field(init=False, repr=False)
    # Filled in by planengine.instruments._scoring on first use (its per-instrument lookup tables).
    _scoring_plan: Any = attrs.field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        table: list[Band | None] = [None] * max(0, self.total_max - self.total_min + 1)
        for band in self.bands:
            for total in range(max(band.min, self.total_min), min(band.max, self.total_max) + 1):
                table[total - self.total_min] = band
        keyed = set(self.reverse_keyed)
        object.__setattr__(self, "_band_table", tuple(table))
        object.__setattr__(self, "_reversed", tuple(i in keyed for i in range(1, self.items + 1)))
        object.__setattr__(self, "_cutoff_by_id", MappingProxyType({c.id: c for c in self.cutoffs}))
        object.__setattr__(
            self, "top_severity", max([b.severity or 0 for b in self.bands], default=0) or 1
        )

    @property
    def higher_is_better(self) -> bool:
        """True for instruments where a higher total is better (WHO-5, RSES)."""
        return self.direction == "higher-is-better"

    @property
    def reversed_items(self) -> tuple[bool, ...]:
        """Per item (index 0 = item 1): whether it is reverse-keyed."""
        return self._reversed

    def band_for(self, total: int) -> Band | None:
        """The band containing ``total``, or ``None`` (no bands, or total out of range)."""
        index = total - self.total_min
        if 0 <= index < len(self._band_table):
            return self._band_table[index]
        return None

    def cutoff(self, cutoff_id: str) -> Cutoff:
        """The cut-off with this id.

        :raises UnknownNameError: listing the instrument's cut-off ids.
        """
        try:
            return self._cutoff_by_id[cutoff_id]
        except KeyError:
            known = ", ".join(self._cutoff_by_id) or "none"
            raise UnknownNameError(
                f"{self.name} has no cut-off {cutoff_id!r}; known: {known}"
            ) from None

    def answer_label(self, value: int) -> str | None:
        """The instrument's own wording for an answer (``2`` -> ``"more than half the days"``),
        read from its answer coding; ``None`` when the coding does not name it."""
        if self.answer_coding is None:
            return None
        for match in _CODING_ENTRY.finditer(self.answer_coding):
            if int(match.group(1)) == value:
                return match.group(2).strip()
        return None

    def is_improvement(self, delta: float) -> bool:
        """Whether a change of ``delta`` (later total minus earlier) points the better way.

        Direction only: whether the change is reliable or meaningful is for the change thresholds.
        """
        return delta > 0 if self.higher_is_better else delta < 0

    def with_overrides(self, overrides: Mapping[str, Any]) -> Instrument:
        """A copy with configured values in place of the data file's, for facts marked configurable.

        ``overrides`` may hold:

        * ``cutoffs``: ``{cutoff id: integer value}``, only for cut-offs marked configurable;
        * ``change``: ``{name: number}`` for ``mcid``, ``reliable_change_points``,
          ``response_percent``, ``response_points``, ``remission_value`` (with
          ``remission_comparator`` when the file has no remission rule), ``rci_sd``,
          ``rci_reliability``;
        * ``findings``: ``{threshold rule id: integer or null}`` or ``{id: {value, comparator}}``
          for ``when: threshold`` rules (PSS-10, RSES), which are off until given a value.

        A configured value gets status ``U`` and a note naming the source value it replaced.

        :raises ConfigError: for a malformed override or a fact that is not configurable.
        :raises UnknownNameError: for an unknown cut-off or rule id.
        """
        return _apply_overrides(self, overrides)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form shaped like the data file, plus ``source`` (and ``overrides`` if any);
        it validates against ``instrument.schema.json``, which allows those two keys."""
        out: dict[str, Any] = {"planengine": 1, "kind": "instrument", "id": self.id}
        out["name"] = self.name
        if self.full_name is not None:
            out["full_name"] = self.full_name
        out.update(data_version=self.data_version, items=self.items)
        out["item_labels"] = None if self.item_labels is None else list(self.item_labels)
        answers: dict[str, Any] = {"min": self.answer_min, "max": self.answer_max}
        if self.answer_coding is not None:
            answers["coding"] = self.answer_coding
        out.update(answers=answers, reverse_keyed=list(self.reverse_keyed))
        if self.keying_note is not None:
            out["keying_note"] = self.keying_note
        out["total"] = {"min": self.total_min, "max": self.total_max}
        if self.derived:
            out["derived"] = [d.to_dict() for d in self.derived]
        out.update(direction=self.direction, recall_window_days=self.recall_window_days)
        out["area"] = self.area
        out["provenance"] = {key: value.to_dict() for key, value in self.provenance.items()}
        if self.bands:
            out["bands"] = [band.to_dict() for band in self.bands]
        out["cutoffs"] = [cutoff.to_dict() for cutoff in self.cutoffs]
        out["change"] = self.change.to_dict()
        out["risk_items"] = [item.to_dict() for item in self.risk_items]
        out["missing"] = self.missing.to_dict()
        out["findings"] = [rule.to_dict() for rule in self.finding_rules]
        out["licence"] = self.licence.to_dict()
        out["loinc"] = None if self.loinc is None else self.loinc.to_dict()
        if self.notes:
            out["notes"] = list(self.notes)
        out["references"] = dict(self.references)
        out["source"] = self.source
        if self.overrides:
            out["overrides"] = _plain(self.overrides)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# --- building and checking -------------------------------------------------------------------


def instrument_from_mapping(
    data: Mapping[str, Any], *, source: str = "builtin", file: str | None = None
) -> Instrument:
    """Validate parsed instrument data and build an :class:`Instrument`.

    Checks the JSON Schema first, then the rules it cannot express (see module docstring).

    :param data: the parsed data file (or a plugin's mapping).
    :param source: ``builtin`` or the registering plugin's name.
    :param file: file name for error messages.
    :raises DocumentSchemaError: naming the file and the JSON path of the first problem.
    """
    problem = _schema_problem(data)
    if problem is None:
        instrument = _build(data, source)
        problems = _semantic_problems(instrument)
        problem = problems[0] if problems else None
    if problem is not None:
        path, message = problem
        name = data.get("id") if isinstance(data, Mapping) else None
        prefix = f"instrument {name!r}: " if isinstance(name, str) else "instrument: "
        raise DocumentSchemaError(prefix + message, file=file, path=path)
    return instrument


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

    for name in _CHANGE_NUMBERS:
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


# --- checks the schema cannot express --------------------------------------------------------

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


def _schema_problem(data: Any) -> Problem | None:
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


def _semantic_problems(inst: Instrument) -> list[Problem]:
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


# --- configuration overrides -----------------------------------------------------------------

_CHANGE_OVERRIDES = frozenset(
    {*_CHANGE_NUMBERS, "remission_value", "remission_comparator", "rci_sd", "rci_reliability"}
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


def _apply_overrides(inst: Instrument, overrides: Mapping[str, Any]) -> Instrument:
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
    problems = _semantic_problems(changed)
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


# --- the built-ins and the registry ----------------------------------------------------------

_DATA_PACKAGE = "planengine"
_DATA_DIR = ("data", "instruments")


@functools.lru_cache(maxsize=1)
def _instrument_loader() -> Any:
    """The fastest safe YAML loader available, changed to keep dates as strings."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    return type("InstrumentLoader", (base,), {"yaml_implicit_resolvers": resolvers})


def read_instrument_yaml(text: str) -> Any:
    """Parse an instrument data file's text with a safe loader (dates stay strings).

    :raises yaml.YAMLError: when the text is not valid YAML.
    """
    import yaml

    # A SafeLoader subclass: no arbitrary objects can be built.
    return yaml.load(text, Loader=_instrument_loader())


def load_instrument_file(path: str | os.PathLike[str], *, source: str) -> Instrument:
    """Read, validate and build an instrument from a YAML or JSON file (for plugins).

    :param source: the registering plugin's name, kept as :attr:`Instrument.source`.
    :raises DocumentParseError: when the file cannot be read or parsed.
    :raises DocumentSchemaError: when it breaks the schema or a documented rule.
    """
    import yaml

    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
        data = read_instrument_yaml(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        message = " ".join(str(error).split())
        raise DocumentParseError(f"cannot read instrument file: {message}", file=name) from None
    return instrument_from_mapping(data, source=source, file=name)


@functools.lru_cache(maxsize=1)
def _builtin_instruments() -> tuple[Instrument, ...]:
    folder = resources.files(_DATA_PACKAGE).joinpath(*_DATA_DIR)
    found: list[Instrument] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        name = f"planengine/data/instruments/{entry.name}"
        data = read_instrument_yaml(entry.read_text(encoding="utf-8"))
        instrument = instrument_from_mapping(data, source="builtin", file=name)
        if entry.name != f"{instrument.id}.yaml":
            raise DocumentSchemaError(
                f"file name must be the instrument id: {instrument.id}.yaml", file=name, path="$.id"
            )
        found.append(instrument)
    return tuple(found)


def load_builtin_instruments() -> dict[str, Instrument]:
    """The built-in instruments by id (a fresh dict each call; the instruments are shared)."""
    return {instrument.id: instrument for instrument in _builtin_instruments()}


class InstrumentRegistry:
    """Immutable mapping of instrument id -> :class:`Instrument`: the built-ins plus plugin ones.

    ``InstrumentRegistry()`` holds the built-ins; :meth:`extended` adds plugin instruments and
    :meth:`with_overrides` applies configuration, each returning a new registry.
    """

    __slots__ = ("_instruments",)
    _instruments: Mapping[str, Instrument]

    def __init__(self, instruments: Iterable[Instrument] | None = None) -> None:
        """:param instruments: the instruments to hold; the built-ins when omitted."""
        chosen = _builtin_instruments() if instruments is None else tuple(instruments)
        table: dict[str, Instrument] = {}
        for instrument in chosen:
            _add(table, instrument)
        object.__setattr__(self, "_instruments", MappingProxyType(table))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("InstrumentRegistry is immutable")

    def extended(self, instruments: Iterable[Instrument]) -> InstrumentRegistry:
        """A new registry with ``instruments`` added.

        :raises PluginError: when an id is already taken (naming the instrument's ``source``).
        """
        return InstrumentRegistry([*self._instruments.values(), *instruments])

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> InstrumentRegistry:
        """A new registry with :meth:`Instrument.with_overrides` applied per instrument id.

        :raises UnknownNameError: for an unknown instrument id.
        """
        changed = dict(self._instruments)
        for instrument_id, instrument_overrides in overrides.items():
            changed[instrument_id] = self.get(instrument_id).with_overrides(instrument_overrides)
        return InstrumentRegistry(changed.values())

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id.

        :raises UnknownNameError: listing the known ids.
        """
        try:
            return self._instruments[instrument_id]
        except (KeyError, TypeError):
            known = ", ".join(self.ids())
            raise UnknownNameError(
                f"unknown instrument {instrument_id!r}; known instruments: {known}"
            ) from None

    __getitem__ = get

    def ids(self) -> tuple[str, ...]:
        """The known instrument ids, sorted."""
        return tuple(sorted(self._instruments))

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._instruments

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __len__(self) -> int:
        return len(self._instruments)

    def values(self) -> tuple[Instrument, ...]:
        """The instruments, in id order."""
        return tuple(self._instruments[i] for i in self.ids())

    def __repr__(self) -> str:
        return f"InstrumentRegistry({', '.join(self.ids())})"


def _add(table: dict[str, Instrument], instrument: Instrument) -> None:
    if not isinstance(instrument, Instrument):
        raise TypeError(f"expected an Instrument, got {type(instrument).__name__}")
    existing = table.get(instrument.id)
    if existing is not None:
        raise PluginError(
            f"instrument id {instrument.id!r} is already registered by {existing.source!r}",
            plugin=instrument.source,
        )
    table[instrument.id] = instrument
