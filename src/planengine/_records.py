"""Where a plan element came from (:class:`Provenance`) and an open safety signal
(:class:`RiskFlag`): the two records every part of the engine shares (re-exported by
:mod:`planengine._model`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

__all__ = ["Provenance", "RiskFlag"]


@attrs.frozen
class Provenance:
    """Who made a plan element and from what.

    :ivar source: ``"rule:<id>"`` for core rules, ``"plugin:<name>@<version>"`` for plugins.
    :ivar inputs: JSON paths into the assessment that the element rests on.
    :ivar strategy: the strategy id and version, when a strategy made it.
    :ivar adjusted_by: the ``adjust_plan`` hooks (``"plugin:<name>@<version>"``, one entry per
        hook) that changed the element after the maker proposed it.
    """

    source: str
    inputs: tuple[str, ...] = ()
    strategy: str | None = None
    adjusted_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {"source": self.source, "inputs": list(self.inputs)}
        if self.strategy:
            out["strategy"] = self.strategy
        if self.adjusted_by:
            out["adjusted_by"] = list(self.adjusted_by)
        return out


@attrs.frozen
class RiskFlag:
    """An open safety signal. Only a clinician can close it; the engine never does.

    :ivar kind: what it signals: ``suicidal-ideation`` (an endorsed risk item),
        ``risk-unknown`` (a risk item left blank), ``suicidal-language`` (the patient's own words),
        ``risky-behaviour`` (PCL-5 item 16) or ``intimate-partner-violence`` (documented).
    :ivar level: ``"high"`` (item 9 = 2-3), ``"endorsed"`` (an item endorsed, or risk language
        found), ``"documented"`` (a documented condition) or ``"unknown"`` (a risk item missing:
        risk cannot be judged). Queue order only, never a prediction of risk
        (R-SC22).
    :ivar rank: 1 is the most urgent.
    :ivar instrument: the instrument and ``item`` that raised it (``None``: words, conditions).
    :ivar observed_on: the date of the answer (or of the assessment the words came in).
    :ivar age_days: days from ``observed_on`` to the planning date.
    :ivar evidence: the words that raised it, quoted, or what else a clinician needs to see.
    :ivar history: every answer to the same item, oldest first, as ``(date, value)``.
    :ivar private: it concerns abuse: never shown on a copy the patient takes home
        (R-SC20).
    :ivar last_signal_on: the latest signal's date (``None``: ``observed_on``).
    :ivar status: ``open``, ``dispositioned``, ``reopened`` or ``review-due``, and
        ``disposition`` the clinician's record read (:mod:`planengine.plan._flag_dispositions`).
    """

    id: str
    kind: str
    level: str
    rank: int
    instrument: str | None
    item: int | None
    value: int | None
    observed_on: dt.date
    message: str
    provenance: Provenance
    age_days: int = 0
    evidence: tuple[str, ...] = ()
    history: tuple[tuple[dt.date, int | None], ...] = ()
    private: bool = False
    last_signal_on: dt.date | None = None
    status: str = "open"
    disposition: Any = None

    @property
    def signal(self) -> str:
        """What raised it, as a disposition names it: ``phq9.item9``, else the kind."""
        return f"{self.instrument}.item{self.item}" if self.instrument and self.item else self.kind

    @property
    def is_open(self) -> bool:
        """Whether it asks for a clinician now (any status but ``dispositioned``)."""
        return self.status != "dispositioned"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``disposition`` only when one is recorded for the flag's signal)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level,
            "rank": self.rank,
            "status": self.status,
            "instrument": self.instrument,
            "item": self.item,
            "value": self.value,
            "observed_on": self.observed_on.isoformat(),
            "age_days": self.age_days,
            "evidence": list(self.evidence),
            "history": [{"date": d.isoformat(), "value": value} for d, value in self.history],
            "private": self.private,
            "message": self.message,
            "closable_by": "clinician",
            "provenance": self.provenance.to_dict(),
        } | ({} if self.disposition is None else {"disposition": self.disposition.to_dict()})
