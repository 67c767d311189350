"""The :class:`Instrument`: one questionnaire, everything needed to score it and explain the result.

Its parts (bands, cut-offs, change thresholds, ...) are in :mod:`planengine.instruments._parts`;
an instrument is built and checked by :func:`planengine.instruments._build.instrument_from_mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from planengine._errors import UnknownNameError
from planengine._json_form import (
    DICT,
    FORM,
    FORMS,
    IF_EMPTY,
    IF_NONE,
    LIST,
    NULL,
    json_form,
    key,
)
from planengine.instruments._overrides import apply_overrides
from planengine.instruments._parts import (
    Band,
    ChangeThresholds,
    Cutoff,
    DerivedScore,
    Direction,
    FindingRule,
    Licence,
    Loinc,
    MissingRule,
    Provenance,
    RiskItem,
)

__all__ = ["Instrument"]

#: One "N = wording" entry of an answer coding ("0 = not at all, 1 = several days").
_CODING_ENTRY = re.compile(r"(\d+)\s*=\s*(.+?)(?=,\s*\d+\s*=|$)")


def _answers(instrument: Instrument) -> dict[str, Any]:
    """An instrument's ``answers``: the range, and the coding when the data gives one."""
    answers: dict[str, Any] = {"min": instrument.answer_min, "max": instrument.answer_max}
    if instrument.answer_coding is not None:
        answers["coding"] = instrument.answer_coding
    return answers


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
        return apply_overrides(self, overrides)

    to_dict = json_form(
        key("planengine", constant=1),
        key("kind", constant="instrument"),
        key("id"),
        key("name"),
        key("full_name", omit=IF_NONE),
        key("data_version"),
        key("items"),
        key("item_labels", as_=LIST, omit=NULL),
        key("answers", function=_answers),
        key("reverse_keyed", as_=LIST),
        key("keying_note", omit=IF_NONE),
        key("total", function=lambda i: {"min": i.total_min, "max": i.total_max}),
        key("derived", as_=FORMS, omit=IF_EMPTY),
        key("direction"),
        key("recall_window_days"),
        key("area"),
        key("provenance", function=lambda i: {k: v.to_dict() for k, v in i.provenance.items()}),
        key("bands", as_=FORMS, omit=IF_EMPTY),
        key("cutoffs", as_=FORMS),
        key("change", as_=FORM),
        key("risk_items", as_=FORMS),
        key("missing", as_=FORM),
        key("findings", "finding_rules", as_=FORMS),
        key("licence", as_=FORM),
        key("loinc", as_=FORM, omit=NULL),
        key("notes", as_=LIST, omit=IF_EMPTY),
        key("references", as_=DICT),
        key("source"),
        key("overrides", function=lambda i: _plain(i.overrides) or None, omit=IF_NONE),
        doc="""JSON-ready form shaped like the data file, plus ``source`` (and ``overrides`` if
        any); it validates against ``instrument.schema.json``, which allows those two keys.""",
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# --- building and checking -------------------------------------------------------------------
