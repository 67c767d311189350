"""The parts an instrument is made of: bands, cut-offs, change thresholds, risk items, the
missing-answer rule, finding rules, licence, LOINC codes, derived scores and provenance.

Every clinical number keeps its citation ids and status mark (V checked, L literature not
re-opened, U unconfirmed) beside it, and each part's ``to_dict`` writes it back in the data
file's shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs

from planengine._json_form import FORM, IF_NONE, LIST, json_form, key
from planengine._values import compare

__all__ = [
    "CHANGE_NUMBERS",
    "TEMPLATE_FIELDS",
    "Band",
    "ChangeAnchor",
    "ChangeThresholds",
    "Comparator",
    "Cutoff",
    "DerivedScore",
    "Direction",
    "FindingRule",
    "ItemCluster",
    "Licence",
    "Loinc",
    "LoincCode",
    "MissingRule",
    "Provenance",
    "RiskItem",
    "Status",
]

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

#: The change thresholds that are one number each (a value with its citation and status).
CHANGE_NUMBERS = ("mcid", "reliable_change_points", "response_percent", "response_points")


def _cite_out(citations: tuple[str, ...]) -> str | list[str] | None:
    if not citations:
        return None
    return citations[0] if len(citations) == 1 else list(citations)


def _citation(part: Any) -> str | list[str] | None:
    """A part's ``citation``: one id, a list of them, or ``None``."""
    return _cite_out(part.citations)


def _not_with_conditions(cutoff: Any) -> dict[str, str] | None:
    """A cut-off's ``not_with_conditions`` as in the data file, or ``None``."""
    return dict(cutoff.not_with_conditions) if cutoff.not_with_conditions else None


def _flag_unanswered(item: RiskItem) -> bool | None:
    """``False`` when an unanswered risk item raises no flag (``None``: it does, the default)."""
    return None if item.flag_unanswered else False


def _item_codes(loinc: Loinc) -> dict[str, Any] | None:
    """The LOINC codes of the items, by item number (``None``: none)."""
    if not loinc.item_codes:
        return None
    return {str(k): v.to_dict() for k, v in sorted(loinc.item_codes.items())}


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

    to_dict = json_form(
        key("citation", function=_citation),
        key("status"),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


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

    to_dict = json_form(
        key("min"),
        key("max"),
        key("label"),
        key("description", omit=IF_NONE),
        key("severity"),
        key("finding"),
        key("citation", function=_citation),
        key("status"),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


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
    #: documented conditions under which the cut-off's meaning does not apply (the guidance it
    #: comes from excludes them), each with what the plan says instead
    not_with_conditions: tuple[tuple[str, str], ...] | None = None

    def meaning_with(self, conditions: Iterable[str]) -> tuple[str, str] | None:
        """``(condition, what is said instead)`` for the first of ``conditions`` (in the data's
        order) under which the meaning does not apply, or ``None``."""
        documented = set(conditions)
        for condition, instead in self.not_with_conditions or ():
            if condition in documented:
                return condition, instead
        return None

    def met_by(self, total: int) -> bool:
        """Whether ``total`` meets this cut-off."""
        return compare(total, self.comparator, self.value)

    @property
    def text(self) -> str:
        """The cut-off as written in a sentence (``>= 10``)."""
        return f"{self.comparator} {self.value}"

    to_dict = json_form(
        key("id"),
        key("comparator"),
        key("value"),
        key("meaning"),
        key("sex", omit=IF_NONE),
        key("configurable"),
        key("citation", function=_citation),
        key("status"),
        key("note", omit=IF_NONE),
        key("not_with_conditions", omit=IF_NONE, function=_not_with_conditions),
        doc="JSON-ready form, shaped like the data file.",
    )


@attrs.frozen
class ChangeAnchor:
    """A published change anchor with no field of its own (e.g. ISI -8.4 = moderate improvement)."""

    id: str
    value: float
    meaning: str
    citations: tuple[str, ...]
    status: Status
    note: str | None = None

    to_dict = json_form(
        key("id"),
        key("value"),
        key("meaning"),
        key("citation", function=_citation),
        key("status"),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


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
        """JSON-ready form, shaped like the data file.

        Written here, not declared with :func:`~planengine._json_form.json_form`: each
        threshold's entry is built from its name's citations, status and note.
        """
        out: dict[str, Any] = {"scale": self.scale}
        for name in CHANGE_NUMBERS:
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

    _json_data = to_dict


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

    to_dict = json_form(
        key("item"),
        key("kind"),
        key("endorsed_at"),
        key("high_at"),
        key("flag_unanswered", function=_flag_unanswered, omit=IF_NONE),
        key("citation", function=_citation),
        key("status"),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


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

    to_dict = json_form(
        key("imputation"),
        key("max_missing", omit=IF_NONE),
        key("never_impute", as_=LIST),
        key("citation", function=_citation, omit=IF_NONE),
        key("status", omit=IF_NONE),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


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

    to_dict = json_form(
        key("status"),
        key("holder"),
        key("terms"),
        key("item_text_shipped"),
        key("citation", function=_citation),
        key("evidence"),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


@attrs.frozen
class LoincCode:
    """One LOINC code with its status mark (only codes confirmed in a cited source, V, are shipped)."""

    code: str
    status: Literal["V"]
    citations: tuple[str, ...] = ()
    note: str | None = None

    to_dict = json_form(
        key("code"),
        key("status"),
        key("citation", function=_citation),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


@attrs.frozen
class Loinc:
    """LOINC codes of an instrument: panel, total and some items (1-based item number -> code)."""

    panel: LoincCode | None = None
    total: LoincCode | None = None
    item_codes: Mapping[int, LoincCode] = attrs.field(factory=dict)
    note: str | None = None

    to_dict = json_form(
        key("panel", as_=FORM, omit=IF_NONE),
        key("total", as_=FORM, omit=IF_NONE),
        key("item_codes", function=_item_codes, omit=IF_NONE),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


@attrs.frozen
class DerivedScore:
    """A score derived from a complete total as ``total * multiply`` (WHO-5 ``percent``)."""

    id: str
    multiply: int
    citations: tuple[str, ...]
    status: Status
    description: str | None = None
    note: str | None = None

    to_dict = json_form(
        key("id"),
        key("multiply"),
        key("description", omit=IF_NONE),
        key("citation", function=_citation),
        key("status"),
        key("note", omit=IF_NONE),
        doc="JSON-ready form, shaped like the data file.",
    )


@attrs.frozen
class ItemCluster:
    """A group of items of a ``pattern`` rule, of which at least ``min`` must be endorsed."""

    name: str
    items: tuple[int, ...]
    min: int

    to_dict = json_form(
        key("name"),
        key("items", as_=LIST),
        key("min"),
        doc="JSON-ready form, shaped like the data file.",
    )


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
        """JSON-ready form, shaped like the data file.

        Written here, not declared with :func:`~planengine._json_form.json_form`: the keys
        depend on ``when``.
        """
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

    _json_data = to_dict
