"""The finding rules of an instrument applied to one response: band, cut-off, threshold, item and
pattern rules, each giving an :class:`InstrumentFinding` or nothing.

A rule reads a :class:`RuleContext`: the response's possible totals (``low..high``), its band and
answers. A band, cut-off or threshold finding is given only when every possible total agrees;
with answers missing it rests on the least severe total still possible and says "at least".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

from planengine._values import compare
from planengine.instruments._instrument import Instrument
from planengine.instruments._parts import Band, FindingRule

if TYPE_CHECKING:
    from planengine.instruments._scoring import _Plan

__all__ = ["InstrumentFinding", "RuleContext", "apply_rule"]


@attrs.frozen
class InstrumentFinding:
    """A problem finding from one rule of one instrument; ``rule_id`` is its provenance.

    ``kind`` is ``severity`` (from a band, with ``severity`` and ``severity_rank``),
    ``screen-positive``, ``cutoff`` or ``item``. ``at_least`` is true when answers are missing
    and the finding rests on the least severe total still possible (the summary says "at least").
    """

    rule_id: str
    area: str
    kind: Literal["severity", "screen-positive", "cutoff", "item"]
    severity: str | None
    severity_rank: int | None
    summary: str
    next_step: str | None
    citations: tuple[str, ...]
    instrument_id: str = ""
    at_least: bool = False


_SEX_NOTE = {
    None: "",
    "female": "; sex not recorded, so the more sensitive cut-off for women was used",
    "male": "; sex not recorded, so the more sensitive cut-off for men was used",
}


class RuleContext:
    """What the finding rules of one response read (a plain class: built once per response)."""

    __slots__ = (
        "band", "band_range", "high", "instrument", "low", "missing", "plan", "prorated", "raw",
        "sex",
    )

    def __init__(
        self,
        instrument: Instrument,
        plan: _Plan,
        sex: str | None,
        raw: list[int | None],
        missing: tuple[int, ...],
        low: int,
        high: int,
        band: Band | None,
        band_range: tuple[Band | None, Band | None],
        prorated: bool = False,
    ) -> None:
        self.instrument = instrument
        self.prorated = prorated
        self.plan = plan
        self.sex = sex
        self.raw = raw
        self.missing = missing
        self.low = low
        self.high = high
        self.band = band
        self.band_range = band_range

    def score_text(self, bound_low: bool) -> str:
        """The total, or the bound that is certain ("at least 12 (2 of 9 items unanswered)")."""
        if not self.missing:
            return str(self.low)
        if self.prorated:
            answered = self.instrument.items - len(self.missing)
            return f"{self.low}, prorated from the {answered} of {self.instrument.items} items answered"
        bound = f"at least {self.low}" if bound_low else f"at most {self.high}"
        return f"{bound} ({len(self.missing)} of {self.instrument.items} items unanswered)"


def _finding(
    context: RuleContext,
    rule: FindingRule,
    summary: str,
    *,
    severity: str | None = None,
    rank: int | None = None,
    at_least: bool = False,
) -> InstrumentFinding:
    # InstrumentFinding(rule_id, area, kind, severity, severity_rank, summary, next_step,
    #                   citations, instrument_id, at_least), positionally (faster)
    return InstrumentFinding(
        rule.id,
        rule.area,
        rule.kind,
        severity,
        rank,
        summary,
        rule.next_step,
        rule.citations,
        context.instrument.id,
        at_least,
    )


def apply_rule(context: RuleContext, index: int, rule: FindingRule) -> InstrumentFinding | None:
    name = context.instrument.name
    if rule.when == "band":
        worse_is_low = not context.instrument.higher_is_better
        # The least severe band still possible: the bound on the better side.
        certain = context.band_range[0] if worse_is_low else context.band_range[1]
        if certain is None or not certain.finding:
            return None
        at_least = context.band is None
        band_text = f"at least {certain.title}" if at_least else certain.title
        summary = rule.summary.format(
            name=name, score=context.score_text(worse_is_low), band=band_text
        )
        return _finding(
            context, rule, summary, severity=certain.label, rank=certain.severity, at_least=at_least
        )
    if rule.when == "cutoff":
        choice = context.plan.rule_cutoffs.get((index, context.sex))
        if choice is None:
            return None
        cutoff = choice.cutoff
        return _threshold_finding(
            context,
            rule,
            cutoff.comparator,
            cutoff.value,
            sex_note=_SEX_NOTE[cutoff.sex] if choice.assumed else "",
        )
    if rule.when == "threshold":
        if rule.value is None or rule.comparator is None:
            return None
        return _threshold_finding(context, rule, rule.comparator, rule.value, sex_note=None)
    if rule.when == "pattern":
        return _pattern_finding(context, rule)
    # when == "item": raw answers are compared, item by item
    assert rule.item_comparator is not None and rule.item_value is not None
    items = rule.items or range(1, context.instrument.items + 1)
    hits = [
        item
        for item in items
        if (value := context.raw[item - 1]) is not None
        and compare(value, rule.item_comparator, rule.item_value)
    ]
    if not hits:
        return None
    listed = f"item {hits[0]}" if len(hits) == 1 else "items " + ", ".join(map(str, hits))
    return _finding(context, rule, rule.summary.format(name=name, items=listed))


def _pattern_finding(context: RuleContext, rule: FindingRule) -> InstrumentFinding | None:
    """The finding of a ``pattern`` rule when the answers given meet every cluster."""
    assert rule.item_comparator is not None and rule.item_value is not None
    raw, comparator, value = context.raw, rule.item_comparator, rule.item_value
    parts = []
    for cluster in rule.clusters:
        endorsed = [
            item
            for item in cluster.items
            if (answer := raw[item - 1]) is not None and compare(answer, comparator, value)
        ]
        if len(endorsed) < cluster.min:
            return None
        listed = f"item {endorsed[0]}" if len(endorsed) == 1 else "items " + ", ".join(
            map(str, endorsed)
        )
        parts.append(f"{cluster.name} {listed}")
    summary = rule.summary.format(name=context.instrument.name, clusters="; ".join(parts))
    return _finding(context, rule, summary)


def _threshold_finding(
    context: RuleContext, rule: FindingRule, comparator: str, value: int, *, sex_note: str | None
) -> InstrumentFinding | None:
    if not (compare(context.low, comparator, value) and compare(context.high, comparator, value)):
        return None
    fields = {
        "name": context.instrument.name,
        "score": context.score_text(comparator in (">=", ">")),
        "cutoff": f"{comparator} {value}",
    }
    if sex_note is not None:
        fields["sex_note"] = sex_note
    at_least = bool(context.missing) and not context.prorated
    return _finding(context, rule, rule.summary.format(**fields), at_least=at_least)
