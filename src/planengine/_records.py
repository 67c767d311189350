"""The records every part of the engine shares (re-exported by :mod:`planengine._model`): where
a plan element came from (:class:`Provenance`), an open safety signal (:class:`RiskFlag`),
something the clinician should know about how a plan or review was made (:class:`Notice`) and a
loaded plugin (:class:`PluginInfo`). They live here, apart from the plan's records, so that the
commands that make no plan (``validate``, ``review``) need not build those."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from planengine._json_form import DATE, FORM, IF_EMPTY, IF_NONE, LIST, json_form, key

__all__ = ["Notice", "PluginInfo", "Provenance", "RiskFlag"]


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

    to_dict = json_form(
        key("source"),
        key("inputs", as_=LIST),
        key("strategy", omit=IF_EMPTY),
        key("adjusted_by", as_=LIST, omit=IF_EMPTY),
    )


@attrs.frozen
class RiskFlag:
    """An open safety signal. Only a clinician can close it; the engine never does.

    :ivar kind: what it signals: ``suicidal-ideation`` (an endorsed risk item),
        ``risk-unknown`` (a risk item left blank), ``suicidal-language`` (the patient's own words),
        ``harm-to-others`` (the patient's words of harming someone else), ``possible-abuse``
        (words of harm from someone else), ``risky-behaviour`` (PCL-5 item 16) or
        ``intimate-partner-violence`` (documented).
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
    :ivar endorsed_now: the latest answer given to the item endorses it (``False``: the item
        was only ever left blank, or a later answer did not endorse it): the safety step then
        asks today before a safety plan (:mod:`planengine.plan._safety_problem`). ``True`` for
        flags that do not come from a questionnaire item (words, conditions).
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
    endorsed_now: bool = True

    @property
    def signal(self) -> str:
        """What raised it, as a disposition names it: ``phq9.item9``, else the kind."""
        return f"{self.instrument}.item{self.item}" if self.instrument and self.item else self.kind

    @property
    def is_open(self) -> bool:
        """Whether it asks for a clinician now (any status but ``dispositioned``)."""
        return self.status != "dispositioned"

    to_dict = json_form(
        key("id"),
        key("kind"),
        key("level"),
        key("rank"),
        key("status"),
        key("instrument"),
        key("item"),
        key("value"),
        key("observed_on", as_=DATE),
        key("age_days"),
        key("evidence", as_=LIST),
        key(
            "history",
            function=lambda flag: [
                {"date": day.isoformat(), "value": value} for day, value in flag.history
            ],
        ),
        key("private"),
        key("message"),
        key("closable_by", constant="clinician"),
        key("provenance", as_=FORM),
        key("disposition", as_=FORM, omit=IF_NONE),
        doc="JSON-ready form (``disposition`` only when one is recorded for the flag's signal).",
    )


@attrs.frozen
class Notice:
    """Something the clinician should know about how the plan was made."""

    code: str
    message: str
    source: str = "core"

    to_dict = json_form(key("code"), key("message"), key("source"))


@attrs.frozen
class PluginInfo:
    """A loaded plugin (or strategy) and its version, recorded in every plan."""

    name: str
    version: str
    kind: str = "plugin"
    #: the installed package it came from (``planengine`` for the built-ins)
    distribution: str | None = None
    #: for a strategy: the plugin (entry-point name) that registered it
    plugin: str | None = None

    to_dict = json_form(
        key("name"),
        key("version"),
        key("kind"),
        key("distribution", omit=IF_EMPTY),
        key("plugin", omit=IF_EMPTY),
    )
