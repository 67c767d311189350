"""The scoring stage of a plan: every response scored once, in order, with what the later stages
read from it (the latest score of each instrument, the risk signals, the score rows).

Input errors name the response (unknown instrument, a date after the planning date, two
different responses to one instrument on one day); nothing is imputed that the instrument's own
missing-answer rule does not allow (:mod:`planengine.instruments._scoring`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from planengine._errors import InputError
from planengine.instruments._scoring import score_response
from planengine.io._assessment import Assessment
from planengine.plan._responses import check_same_day

__all__ = ["Scored", "score_assessment"]


@attrs.define
class Scored:
    """What scoring an assessment gives the later stages.

    :ivar latest: instrument id -> the latest score (of equal dates, the later response).
    :ivar dates: instrument id -> that score's date; ``paths``: its JSON path.
    :ivar rows: the score rows of the plan (one per response, the same answers twice once).
    :ivar answers_read: every response's answers as read, for the input hash.
    :ivar signals: ``(RiskSignal, date, path)`` for every risk item of every response.
    :ivar risk_items: (instrument, item) -> the latest ``(RiskSignal, date, instrument)``.
    :ivar risk_answers: the answers of every response with a risk item (for goal files).
    """

    latest: dict[str, Any] = attrs.Factory(dict)
    dates: dict[str, dt.date] = attrs.Factory(dict)
    paths: dict[str, str] = attrs.Factory(dict)
    rows: list[dict[str, Any]] = attrs.Factory(list)
    answers_read: list[tuple[int | None, ...]] = attrs.Factory(list)
    signals: list[tuple[Any, dt.date, str]] = attrs.Factory(list)
    risk_items: dict[tuple[str, int], tuple[Any, dt.date, Any]] = attrs.Factory(dict)
    risk_answers: list[dict[str, Any]] = attrs.Factory(list)


def score_assessment(
    assessment: Assessment,
    as_of: dt.date,
    instruments: Mapping[str, Any],
    stale_after_days: int,
) -> Scored:
    """Score every response of ``assessment`` as of ``as_of``.

    :param stale_after_days: a latest score older than this is marked ``stale`` in its row.
    :raises InputError: naming the response, for a date that is not a date or is after
        ``as_of``, an unknown instrument, answers the instrument cannot score, or two different
        responses to one instrument on one day.
    """
    scored = Scored()
    same_day: dict[tuple[str, dt.date], tuple[int, str, tuple[int | None, ...]]] = {}
    sex = assessment.context.sex
    for position, response in enumerate(assessment.responses):
        path = f"$.responses[{response.index}]"
        if type(response.date) is not dt.date:
            raise InputError(
                f"date must be a datetime.date, got {response.date!r}",
                file=assessment.source,
                path=f"{path}.date",
            )
        if response.date > as_of:
            raise InputError(
                f"response date {response.date.isoformat()} is after as_of {as_of.isoformat()}",
                file=assessment.source,
                path=f"{path}.date",
            )
        instrument = instruments.get(response.instrument)
        if instrument is None:
            raise InputError(
                f"unknown instrument {response.instrument!r}",
                file=assessment.source,
                path=f"{path}.instrument",
            )
        score = score_response(
            instrument, response.answers, sex=sex, path=f"{path}.answers", file=assessment.source
        )
        scored.answers_read.append(score.raw_answers)
        if check_same_day(
            same_day, position, instrument, response.date, path, score, assessment.source
        ):
            continue  # the same answers twice on one day: one response
        row = _score_row(score, response.date, path)
        not_applicable = _not_applicable(
            instrument, score.cutoffs_met, assessment.context.conditions
        )
        if not_applicable:
            row["cutoffs_not_applicable"] = not_applicable
        scored.rows.append(row)
        if score.risk_signals:
            scored.risk_answers.append(
                {
                    "instrument": instrument.id,
                    "date": response.date.isoformat(),
                    "answers": list(score.raw_answers),
                }
            )
        for signal in score.risk_signals:
            scored.signals.append((signal, response.date, path))
            key = (instrument.id, signal.item)
            known = scored.risk_items.get(key)
            if known is None or response.date >= known[1]:
                scored.risk_items[key] = (signal, response.date, instrument)
        previous = scored.dates.get(instrument.id)
        if previous is None or response.date >= previous:
            scored.latest[instrument.id] = score
            scored.dates[instrument.id] = response.date
            scored.paths[instrument.id] = path
    for row in scored.rows:  # only the baselines in use are stale; older rows are history
        row["stale"] = row["source"] == scored.paths[row["instrument"]] and (
            (as_of - scored.dates[row["instrument"]]).days > stale_after_days
        )
    return scored


def _not_applicable(instrument: Any, met: tuple[str, ...], conditions: Any) -> dict[str, str]:
    """The cut-offs met whose meaning does not apply with a documented condition (the NG222
    "more severe" split with bipolar disorder), each with that condition."""
    out = {}
    for cutoff in instrument.cutoffs:
        if cutoff.id in met and (found := cutoff.meaning_with(conditions)) is not None:
            out[cutoff.id] = found[0]
    return out


def _score_row(score: Any, date: dt.date, path: str) -> dict[str, Any]:
    band = score.band
    row = {
        "instrument": score.instrument_id,
        "date": date.isoformat(),
        "total": score.total,
        "complete": score.complete,
        "prorated": score.prorated,
        "missing_items": list(score.missing_items),
        "band": band.label if band is not None else None,
        "derived": dict(score.derived),
        "cutoffs_met": list(score.cutoffs_met),
        "stale": False,  # set once the latest response of each instrument is known
        "source": path,
    }
    if score.missing_items:  # the totals still possible: shown instead of a band it may not be
        row["total_range"] = list(score.total_range)
    return row
