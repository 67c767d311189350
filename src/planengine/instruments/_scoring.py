"""Scoring one questionnaire response: answers in, a :class:`Score` with findings and risks out.

Scoring never invents a number. An incomplete response has no total, only the range of totals the
missing items allow; a band or cut-off is reported only when every total in that range agrees (so
"at least moderate" when the lowest possible total is already moderate). The one exception is an
instrument whose data (or a clinic's configuration) defines a prorating rule: then a response
with few enough unanswered items, none of them a never-imputed item, gets a prorated total,
marked as such (:attr:`Score.prorated`). Risk items (PHQ-9 item 9)
give a :class:`RiskSignal` on every response, answered or not, and are never imputed.

Everything that can be worked out ahead of time is, once per instrument (:func:`_plan_for`), so a
call costs a few microseconds: no schema work happens here. The finding rules themselves are in
:mod:`planengine.instruments._finding_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs

from planengine._errors import InputError
from planengine._values import comparator_function
from planengine.instruments._finding_rules import InstrumentFinding, RuleContext, apply_rule
from planengine.instruments._instrument import Instrument
from planengine.instruments._parts import Band, Cutoff
from planengine.io._json_path import json_path_child

__all__ = ["RiskSignal", "Score", "score_response"]

RiskLevel = Literal["endorsed", "high", "not-endorsed", "unknown"]


@attrs.frozen
class RiskSignal:
    """The state of one safety item on one response; emitted for every declared risk item.

    ``level`` is ``high``, ``endorsed``, ``not-endorsed`` (answered below the endorsement value) or
    ``unknown`` (unanswered). ``not-endorsed`` is never evidence of safety.
    """

    instrument_id: str
    item: int
    value: int | None
    kind: str
    level: RiskLevel

    def describe(self, instrument_name: str | None = None) -> str:
        """One line for a clinician, e.g. ``PHQ-9 item 9 not endorsed (answer 0)``."""
        name = instrument_name or self.instrument_id
        if self.level == "unknown":
            return f"{name} item {self.item} unanswered: risk unknown, ask it"
        if self.level == "not-endorsed":
            return f"{name} item {self.item} not endorsed (answer {self.value})"
        return f"{name} item {self.item} endorsed (answer {self.value}, level {self.level})"


@attrs.frozen
class Score:
    """The result of scoring one response.

    :ivar total: the total, or ``None`` when an item is unanswered (no imputation by default);
        prorated when :attr:`prorated` is true.
    :ivar partial_total: sum of the answered items' scores (after reverse keying).
    :ivar total_range: (lowest, highest) total still possible given the missing items.
    :ivar derived: derived scores of a complete total, e.g. ``{"percent": 64}`` for the WHO-5.
    :ivar band: the band, when every possible total falls in the same band; else ``None``.
    :ivar band_range: bands of the lowest and highest possible totals.
    :ivar answered: per item, the score after reverse keying (``None`` = unanswered).
    :ivar raw_answers: per item, the answer as given (``None`` = unanswered).
    :ivar missing_items: 1-based numbers of unanswered items.
    :ivar cutoffs_met: ids of the cut-offs met by every possible total (sex-specific ones only
        for the person's sex; the most sensitive when sex is unknown), or by the prorated total.
    :ivar prorated: the total was prorated from the answered items by the instrument's
        missing-answer rule (``complete`` stays false; band, cut-offs and findings follow it).
    """

    instrument_id: str
    total: int | None
    partial_total: int
    total_range: tuple[int, int]
    derived: Mapping[str, int]
    band: Band | None
    band_range: tuple[Band | None, Band | None]
    answered: tuple[int | None, ...]
    raw_answers: tuple[int | None, ...]
    missing_items: tuple[int, ...]
    complete: bool
    cutoffs_met: tuple[str, ...]
    findings: tuple[InstrumentFinding, ...]
    risk_signals: tuple[RiskSignal, ...]
    prorated: bool = False


# --- per-instrument preparation ----------------------------------------------------------------


@attrs.frozen
class _CutoffChoice:
    cutoff: Cutoff
    assumed: bool  # sex unknown, so the most sensitive of the sex-specific cut-offs was used


@attrs.frozen
class _Plan:
    allowed: str
    key_help: str
    reversed: tuple[bool, ...]
    any_reversed: bool
    #: sex (None, "male", "female") -> (id, comparison, value) of the cut-offs that apply
    cutoffs: Mapping[str | None, tuple[tuple[str, Callable[[int, int], bool], int], ...]]
    #: (rule index, sex) -> the cut-off the rule uses
    rule_cutoffs: Mapping[tuple[int, str | None], _CutoffChoice]
    #: sex -> per possible total (from ``total_min``), what a complete response with that total
    #: scores to; filled for a sex the first time one is scored (see :func:`_complete_table`).
    complete: dict[str | None, tuple[_RangeScore, ...]] = attrs.field(factory=dict, eq=False)


@attrs.frozen
class _RangeScore:
    """What a response whose possible totals are ``low..high`` scores to, before the items.

    ``results`` has one entry per finding rule: its finding, ``None``, or :data:`_PER_ITEM` for
    a rule on single answers that was left for the response itself.
    """

    band: Band | None
    band_range: tuple[Band | None, Band | None]
    derived: tuple[tuple[str, int], ...]
    cutoffs_met: tuple[str, ...]
    results: tuple[InstrumentFinding | object | None, ...]
    #: The findings, when no rule was left per item (else ``None``).
    findings: tuple[InstrumentFinding, ...] | None


#: Marks a finding rule that reads single answers, so cannot be worked out from the total.
_PER_ITEM = object()

#: Rule types that read single answers, so they cannot be worked out from the total alone.
_ON_ANSWERS = frozenset({"item", "pattern"})


_SEXES = (None, "male", "female")


def _most_sensitive(cutoffs: Sequence[Cutoff]) -> Cutoff:
    # Sex-specific cut-offs share a comparator (checked on load): the one met first wins.
    if cutoffs[0].comparator in (">=", ">"):
        return min(cutoffs, key=lambda c: c.value)
    return max(cutoffs, key=lambda c: c.value)


def _choose(cutoffs: Sequence[Cutoff], sex: str | None) -> _CutoffChoice | None:
    if all(c.sex is None for c in cutoffs):
        return _CutoffChoice(cutoffs[0], assumed=False)
    if sex is None:
        return _CutoffChoice(_most_sensitive(cutoffs), assumed=True)
    for cutoff in cutoffs:
        if cutoff.sex == sex:
            return _CutoffChoice(cutoff, assumed=False)
    return None


def _plan_for(instrument: Instrument) -> _Plan:
    plan: _Plan | None = instrument._scoring_plan
    if plan is not None:
        return plan
    lo, hi, n = instrument.answer_min, instrument.answer_max, instrument.items
    allowed = f"allowed: an integer from {lo} to {hi}"
    if instrument.answer_coding:
        allowed += f" ({instrument.answer_coding})"
    allowed += ", or null for unanswered"
    by_sex: dict[str | None, tuple[tuple[str, Callable[[int, int], bool], int], ...]] = {}
    for sex in _SEXES:
        plain = [_CutoffChoice(c, False) for c in instrument.cutoffs if c.sex is None]
        specific = [c for c in instrument.cutoffs if c.sex is not None]
        if specific:
            choice = _choose(specific, sex)
            if choice is not None:
                plain.append(choice)
        by_sex[sex] = tuple((c.cutoff.id, comparator_function(c.cutoff.comparator), c.cutoff.value) for c in plain)
    rule_cutoffs: dict[tuple[int, str | None], _CutoffChoice] = {}
    for index, rule in enumerate(instrument.finding_rules):
        if rule.when == "cutoff":
            chosen = [instrument.cutoff(c) for c in rule.cutoffs]
            for sex in _SEXES:
                choice = _choose(chosen, sex)
                if choice is not None:
                    rule_cutoffs[(index, sex)] = choice
    plan = _Plan(
        allowed=allowed,
        key_help=f"item numbers 1 to {n}, as '3' or 'item3'",
        reversed=instrument.reversed_items,
        any_reversed=any(instrument.reversed_items),
        cutoffs=by_sex,
        rule_cutoffs=rule_cutoffs,
    )
    # The instrument is frozen; this private slot exists to hold exactly this cache.
    object.__setattr__(instrument, "_scoring_plan", plan)
    return plan


def _complete_table(
    instrument: Instrument, plan: _Plan, sex: str | None
) -> tuple[_RangeScore, ...]:
    """Every possible total of a complete response, scored once by :func:`_score_range`."""
    table = plan.complete.get(sex)
    if table is None:
        table = tuple(
            _score_range(instrument, plan, sex, None, (), total, total)
            for total in range(instrument.total_min, instrument.total_max + 1)
        )
        plan.complete[sex] = table  # a race only writes the same table twice
    return table


def _score_range(
    instrument: Instrument,
    plan: _Plan,
    sex: str | None,
    raw: list[int | None] | None,
    missing: tuple[int, ...],
    low: int,
    high: int,
    *,
    prorated: bool = False,
) -> _RangeScore:
    """Band, derived scores, cut-offs and findings of a response with possible totals ``low..high``.

    A band, cut-off or finding is given only when every possible total agrees. Without ``raw``
    (the answers), rules on single answers are left as :data:`_PER_ITEM`. ``prorated``: ``low``
    (equal to ``high``) is a prorated total, and the summaries say so.
    """
    band_range = (instrument.band_for(low), instrument.band_for(high))
    band = band_range[0] if band_range[0] is band_range[1] else None
    derived = (
        () if missing and not prorated else tuple((d.id, low * d.multiply) for d in instrument.derived)
    )
    # Comparators are monotone, so a cut-off met at both ends is met by every possible total.
    cutoffs_met = tuple(
        cutoff_id for cutoff_id, op, value in plan.cutoffs[sex] if op(low, value) and op(high, value)
    )
    context = RuleContext(
        instrument, plan, sex, raw or [], missing, low, high, band, band_range, prorated
    )
    results = tuple(
        _PER_ITEM if raw is None and rule.when in _ON_ANSWERS else apply_rule(context, index, rule)
        for index, rule in enumerate(instrument.finding_rules)
    )
    return _RangeScore(
        band=band,
        band_range=band_range,
        derived=derived,
        cutoffs_met=cutoffs_met,
        results=results,
        findings=None
        if _PER_ITEM in results
        else tuple(r for r in results if isinstance(r, InstrumentFinding)),
    )


# --- reading answers ---------------------------------------------------------------------------

_KEY = re.compile(r"(?:item)?([1-9][0-9]*)")


def _check_value(
    instrument: Instrument, plan: _Plan, value: Any, item: int, path: str, file: str | None
) -> int | None:
    if value is None:
        return None
    if (
        type(value) is float
        and value.is_integer()
        and instrument.answer_min <= value <= instrument.answer_max
    ):
        return int(value)  # JSON's 2.0 is the integer 2 (JSON Schema counts it as an integer)
    if type(value) is not int or not instrument.answer_min <= value <= instrument.answer_max:
        shown = f"{value!r}" if not isinstance(value, str) else f"the string {value!r}"
        raise InputError(
            f"{instrument.name} item {item}: {shown} is not a valid answer; {plan.allowed}",
            file=file,
            path=path,
        )
    return value


def _read_answers(
    instrument: Instrument, plan: _Plan, answers: Any, path: str, file: str | None
) -> list[int | None]:
    n = instrument.items
    if type(answers) is list or type(answers) is tuple:
        # Fast path for the common case: every answer present and in range.
        lo, hi = instrument.answer_min, instrument.answer_max
        if len(answers) == n and all(type(v) is int and lo <= v <= hi for v in answers):
            return list(answers)
    if isinstance(answers, Mapping):
        raw: list[int | None] = [None] * n
        seen: dict[int, object] = {}
        for key, value in answers.items():
            item = None
            if type(key) is int:
                item = key
            elif isinstance(key, str):
                match = _KEY.fullmatch(key)
                item = int(match.group(1)) if match else None
            where = json_path_child(path, str(key))
            if item is None or not 1 <= item <= n:
                raise InputError(
                    f"{instrument.name} has no item {key!r}; allowed keys: {plan.key_help}",
                    file=file,
                    path=where,
                )
            if item in seen:
                raise InputError(
                    f"{instrument.name} item {item} is given twice "
                    f"(as {seen[item]!r} and {key!r}); "
                    f"allowed keys: {plan.key_help}, each once",
                    file=file,
                    path=where,
                )
            seen[item] = key
            raw[item - 1] = _check_value(instrument, plan, value, item, where, file)
        return raw
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise InputError(
            f"{instrument.name} answers must be a list of {n} values in item order or a mapping "
            f"item -> value, got {type(answers).__name__}; {plan.allowed} for each item",
            file=file,
            path=path,
        )
    if len(answers) != n:
        raise InputError(
            f"{instrument.name} expects {n} answers (items 1 to {n}), got {len(answers)}; "
            f"each {plan.allowed.removeprefix('allowed: ')}",
            file=file,
            path=path,
        )
    return [
        _check_value(instrument, plan, value, index + 1, f"{path}[{index}]", file)
        for index, value in enumerate(answers)
    ]


# --- scoring -------------------------------------------------------------------------------------


def score_response(
    instrument: Instrument,
    answers: Sequence[int | None] | Mapping[str, int | None],
    *,
    sex: str | None = None,
    path: str = "$.answers",
    file: str | None = None,
) -> Score:
    """Score one response to ``instrument``.

    :param answers: a list in item order (``None`` = unanswered), or a mapping whose keys are item
        numbers as ``"3"``, ``"item3"`` or the integer ``3`` (absent keys are unanswered). Values
        are integers in the instrument's answer range (a whole number written as a float, 2.0, is that integer); booleans, strings and other floats are refused.
    :param sex: ``"male"``, ``"female"`` or ``None`` (unknown): chooses sex-specific cut-offs
        (AUDIT-C); when unknown, the more sensitive cut-off applies and the finding says so.
    :param path: JSON path of ``answers`` in the caller's document, for messages.
    :param file: file name, for messages.
    :raises InputError: for a wrong length, unknown key, or a value that is not an allowed answer,
        naming the file, the exact path and the allowed values.
    """
    if sex not in _SEXES:
        raise InputError(f"sex must be 'male', 'female' or null, got {sex!r}", file=file)
    plan = _plan_for(instrument)
    raw = _read_answers(instrument, plan, answers, path, file)
    lo, hi = instrument.answer_min, instrument.answer_max
    if plan.any_reversed:
        keyed = [
            None if value is None else (lo + hi - value if flip else value)
            for value, flip in zip(raw, plan.reversed, strict=True)
        ]
    else:
        keyed = raw
    if None in raw:
        missing = tuple(i + 1 for i, value in enumerate(raw) if value is None)
        partial = sum(value for value in keyed if value is not None)
    else:
        missing = ()
        partial = sum(keyed)  # type: ignore[arg-type]  # no None here
    low, high = partial + len(missing) * lo, partial + len(missing) * hi
    complete = not missing
    total = partial if complete else None
    prorated = False
    if complete and instrument.total_min <= partial <= instrument.total_max:
        # Everything but rules on single answers depends on the total alone: look it up.
        scored = _complete_table(instrument, plan, sex)[partial - instrument.total_min]
    else:
        if instrument.missing.imputation != "none":
            total = instrument.missing.prorated_total(keyed, missing)
            prorated = total is not None
        if total is None:
            scored = _score_range(instrument, plan, sex, raw, missing, low, high)
        else:  # band, cut-offs and findings follow the prorated total, and say so
            scored = _score_range(instrument, plan, sex, raw, missing, total, total, prorated=True)
    found = scored.findings
    if found is None:
        # A prorated total is what the rules read; the honest range is kept in the score.
        first, last = (total, total) if total is not None and prorated else (low, high)
        context = RuleContext(
            instrument, plan, sex, raw, missing, first, last, scored.band, scored.band_range,
            prorated,
        )
        items: list[InstrumentFinding] = []
        for index, result in enumerate(scored.results):
            if result is _PER_ITEM:
                result = apply_rule(context, index, instrument.finding_rules[index])
            if isinstance(result, InstrumentFinding):
                items.append(result)
        found = tuple(items)
    signals = tuple(
        [
            RiskSignal(
                instrument.id,
                risk.item,
                raw[risk.item - 1],
                risk.kind,
                risk.level(raw[risk.item - 1]),
            )
            for risk in instrument.risk_items
        ]
    )
    # Score(instrument_id, total, partial_total, total_range, derived, band, band_range,
    #       answered, raw_answers, missing_items, complete, cutoffs_met, findings, risk_signals,
    #       prorated), positionally: attrs builds it much faster than with keywords.
    return Score(
        instrument.id,
        total,
        partial,
        (low, high),
        MappingProxyType(dict(scored.derived)),  # read-only: plugins see every score
        scored.band,
        scored.band_range,
        tuple(keyed),
        tuple(raw),
        missing,
        complete,
        scored.cutoffs_met,
        found,
        signals,
        prorated,
    )
