"""The parts of a plan's JSON form that are no field of their own (:class:`~planengine.Plan`
writes them with :func:`~planengine._json_form.json_form` functions): the sign-off every plan
carries unsigned, what generated it, and its risk section; with the forms orjson writes once."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

from planengine._json_form import json_data
from planengine.io._json_text import written_part

if TYPE_CHECKING:  # pragma: no cover
    from planengine._model import Plan
    from planengine._records import PluginInfo

__all__ = [
    "SIGN_OFF_JSON",
    "generated_by",
    "generated_by_json",
    "patient_goals_as_is",
    "risk",
    "scores_as_is",
    "sign_off",
]

#: what every plan says about its sign-off (a fresh copy for each plan's form)
_SIGN_OFF_NOTE = (
    "Draft decision support. A licensed clinician must review, edit and sign this plan before it "
    "is used."
)


def sign_off() -> dict[str, Any]:
    """A plan's ``sign_off``: required, unsigned (only a clinician signs)."""
    return {
        "required": True,
        "status": "unsigned",
        "signatures": [],
        "patient_participation": None,
        "note": _SIGN_OFF_NOTE,
    }


def generated_by(plan: Plan) -> dict[str, Any]:
    """A plan's ``generated_by``: the engine, its plugins and the input's hash."""
    return {
        "engine": "planengine",
        "version": plan.engine_version,
        "plugins": [p.to_dict() for p in plan.plugins],
        "input_sha256": plan.input_sha256,
    }


#: the sign-off every plan's form for orjson shares, written once (a plan's second key)
SIGN_OFF_JSON = written_part(sign_off(), 1)
#: the last plugins seen and their text for orjson: an engine's plans share one tuple of
#: plugins (held here, so that its identity is not reused while it is kept)
_plugin_forms: tuple[tuple[PluginInfo, ...], Any] = ((), written_part([], 2))


def generated_by_json(plan: Plan) -> dict[str, Any]:
    """:func:`generated_by` for orjson alone: the plugins written once per engine, as
    :meth:`Plan.to_json` writes them (``generated_by.plugins``: two containers deep)."""
    global _plugin_forms
    plugins, forms = _plugin_forms
    if plugins is not plan.plugins:
        plugins = plan.plugins
        forms = written_part([json_data(p) for p in plugins], 2)
        _plugin_forms = (plugins, forms)
    return {
        "engine": "planengine",
        "version": plan.engine_version,
        "plugins": forms,
        "input_sha256": plan.input_sha256,
    }


#: a plan's scores and patient goals for orjson alone: as they are (orjson writes tuples as arrays)
scores_as_is = operator.attrgetter("scores")
patient_goals_as_is = operator.attrgetter("patient_goals")


def risk(plan: Plan) -> dict[str, Any]:
    """A plan's ``risk``: its flags, the risk statement and the crisis resources shown."""
    crisis = plan.crisis
    return {
        "flags": [f.to_dict() for f in plan.risk_flags],
        "statement": plan.risk_statement,
        "crisis_locale": None if crisis is None else crisis.locale,
        "crisis_resources": [] if crisis is None else [r.to_dict() for r in crisis.resources],
    }
