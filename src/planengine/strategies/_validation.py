"""Checks on a strategy document beyond its schema: every citation defined, links between items
resolved, placeholders known, vocabulary and instrument ids real (a misspelt id would make a
contraindication never fire)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import attrs

from planengine._errors import DocumentSchemaError
from planengine.strategies._conditions import (
    FLAG_CONDITIONS,
)
from planengine.strategies._templates import _unknown_placeholder

RISK_CLAIM_REFUSED = (
    "the text rules out risk, which only a clinician's assessment can do; a plan never states that"
)


def semantic_problem(
    data: Mapping[str, Any],
    known_areas: Collection[str] | None = None,
    known_conditions: Collection[str] | None = None,
) -> tuple[str, str] | None:
    """``(JSON path, message)`` of the first thing wrong with a schema-valid strategy document
    that the schema cannot see (``planengine validate --schema strategy`` reports it too):
    citations defined, links resolvable, placeholders known, and no text that claims there is no
    risk (references too: they are copied into the plan); with ``known_areas`` and
    ``known_conditions`` (the ids an engine knows: built-in and registered by plugins), area and
    condition ids known too. Without them, those ids are checked when an engine registers the
    strategy."""
    from planengine.plan._risk_wording import no_risk_claim_path

    claim = no_risk_claim_path(data)
    if claim is not None:
        return claim, RISK_CLAIM_REFUSED
    refs = data.get("references", {})
    areas = set(data["areas"])
    objective_ids = {o["id"] for o in data.get("objectives", ())}
    step_areas = {step["id"]: step.get("area") for step in data.get("interventions", ())}
    if known_areas is not None and known_conditions is not None:
        misspelt = unknown_vocabulary(data, known_areas, known_conditions)
        if misspelt is not None:
            return misspelt
    for kind in ("objectives", "interventions"):
        unknown = _unknown_placeholder(data.get(kind, ()), f"$.{kind}")
        if unknown is not None:
            return unknown
    for index, objective in enumerate(data.get("objectives", ())):
        if isinstance(objective["measure"].get("baseline"), Mapping) and "{baseline}" in repr(
            {k: objective.get(k) for k in ("statement", "gas", "variants")}
        ):
            return f"$.objectives[{index}]", (
                "{baseline} has no value while the baseline is recorded in week 1; word the "
                "statement without it"
            )
    for key in ("long_term_goals",):
        for area in data.get(key, {}):
            if area not in areas:
                return f"$.{key}.{area}", f"area {area!r} is not one of the strategy's areas"
    for kind in ("objectives", "interventions"):
        for index, item in enumerate(data.get(kind, ())):
            where = f"$.{kind}[{index}]"
            if item.get("area") is not None and item["area"] not in areas:
                return f"{where}.area", f"area {item['area']!r} is not one of the strategy's areas"
            cited = [*item.get("citations", ()),  # objectives and steps, and their variants
                     *(c for v in item.get("variants", ()) for c in v.get("citations", ()))]
            for cid in cited:
                if cid not in refs:
                    return f"{where}.citations", f"citation {cid!r} is not defined in references"
            for oid in item.get("objectives", ()):
                if oid not in objective_ids:
                    return f"{where}.objectives", f"objective {oid!r} is not defined in this file"
            required = [*item.get("requires", ()),
                        *(sid for v in item.get("variants", ()) for sid in v.get("requires", ()))]
            for sid in required:  # conflicts_with may name another file's step
                if sid not in step_areas or sid == item["id"]:
                    return f"{where}.requires", f"step {sid!r} is not another step of this file"
                if step_areas[sid] not in (None, item.get("area")):
                    return f"{where}.requires", (
                        f"step {sid!r} is only for area {step_areas[sid]!r}, so this step could "
                        "never be planned without it"
                    )
            hosts = [*item.get("in_sessions_of", ()),
                     *(h for v in item.get("variants", ()) for h in v.get("in_sessions_of", ()))]
            for host in hosts:
                if host.startswith("area:"):
                    continue  # another area's sessions: checked against the vocabulary
                if host not in step_areas or host == item["id"]:
                    return f"{where}.in_sessions_of", f"step {host!r} is not another step of this file"
            written = {*item.get("steps", ()), *(t for v in item.get("variants", ()) for t in v.get("steps", ()))}
            for rule_index, rule in enumerate(item.get("contraindications", ())):
                for side in ("patient", "steps"):
                    for text in (rule.get(side) or {}).get("replace", {}):
                        if text not in written:  # a rewrite of a sub-step the step no longer has
                            return f"{where}.contraindications[{rule_index}].{side}.replace", (
                                f"{text!r} is not one of the step's sub-steps"
                            )
    return None


def hold_rule_without_until(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(JSON path, rule key)`` of the first hold rule (``action: hold``) in a strategy document
    that does not name what releases it (``until``), objectives first; ``None`` when every one
    does. The schema lets a plugin's hold rule leave it out (the plan then keeps the generic
    words); every built-in strategy's hold rule must have it (``planengine_builtins`` refuses
    its file otherwise)."""
    for kind in ("objectives", "interventions"):
        for index, item in enumerate(data.get(kind, ())):
            for rule_index, rule in enumerate(item.get("contraindications", ())):
                if rule.get("action") == "hold" and not rule.get("until"):
                    key = rule.get("condition") or rule.get("id") or "?"
                    return f"$.{kind}[{index}].contraindications[{rule_index}]", key
    return None


def unknown_vocabulary(
    data: Mapping[str, Any], areas: Collection[str], conditions: Collection[str]
) -> tuple[str, str] | None:
    """``(JSON path, message)`` for the first area or condition id in a strategy document that
    ``areas`` / ``conditions`` do not have (its ``areas``, a step's or objective's ``area``, a
    long-term goal's key, a contraindication or a ``when`` block): a misspelt
    ``intimate-partner-violance`` would make a contraindication never fire."""
    known_areas = {*areas, "safety"}
    for index, area in enumerate(data.get("areas", ())):
        if area not in areas:
            return f"$.areas[{index}]", (
                f"unknown area {area!r}; known: {', '.join(sorted(areas))} (a plugin registers "
                "a new one with register_vocabulary)"
            )
    for path, key, value in ids_in_document(data)[1]:
        if key == "condition" and value not in conditions and value not in FLAG_CONDITIONS:
            known = ", ".join(sorted([*conditions, *FLAG_CONDITIONS]))
            return path, f"unknown condition {value!r}; known: {known}"
        if key in ("conditions_any", "conditions_none") and value not in conditions:
            return path, f"unknown condition {value!r}; known: {', '.join(sorted(conditions))}"
        if key in ("with_area", "without_area") and value not in known_areas:
            return path, f"unknown area {value!r}; known: {', '.join(sorted(known_areas))}"
        if key == "in_sessions_of" and value.startswith("area:") and value[5:] not in known_areas:
            return path, f"unknown area {value[5:]!r}; known: {', '.join(sorted(known_areas))}"
    return None


_Ids = tuple[tuple[str, str, Any], ...]
#: id(document) -> (the document, its instrument ids, its vocabulary ids): every engine
#: registers the same strategy objects, so a document's ids are found once a process (and for a
#: strategy file, once: they are kept in its cache entry, see :func:`remember_ids`)
_IDS: dict[int, tuple[Mapping[str, Any], _Ids, _Ids]] = {}


def ids_in_document(data: Mapping[str, Any]) -> tuple[_Ids, _Ids]:
    """``(JSON path, key, id)`` of every instrument id and every condition and area id a strategy
    document names (as :func:`unknown_instrument_ids` and :func:`unknown_vocabulary` check
    them): found once for a read-only document (a :class:`DataStrategy`'s, read-only all the way
    down), afresh for any other (a dict may change between calls)."""
    if not isinstance(data, MappingProxyType):
        return find_ids(data)
    known = _IDS.get(id(data))
    if known is not None and known[0] is data:
        return known[1], known[2]
    found = find_ids(data)
    remember_ids(data, found)
    return found


def find_ids(data: Mapping[str, Any]) -> tuple[_Ids, _Ids]:
    """:func:`ids_in_document`, worked out afresh (nothing kept)."""
    return tuple(_instrument_ids(data, "$")), tuple(_vocabulary_ids(data, "$"))


def remember_ids(data: Mapping[str, Any], found: tuple[_Ids, _Ids]) -> None:
    """Keep ``found`` (:func:`ids_in_document` of ``data``, worked out before, perhaps from the
    same document read from a cache entry) for ``data``."""
    if not isinstance(data, MappingProxyType):  # a dict may change: nothing is kept for it
        return
    if len(_IDS) >= 512:  # strategies made in code, one after another (tests): bounded
        _IDS.clear()
    _IDS[id(data)] = (data, tuple(map(tuple, found[0])), tuple(map(tuple, found[1])))


_ID_KEYS = frozenset(
    {"condition", "conditions_any", "conditions_none", "with_area", "without_area", "in_sessions_of"}
)


def _vocabulary_ids(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """``(JSON path, key, id)`` of every condition and area id in a strategy document."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            where = f"{path}.{key}"
            if key in _ID_KEYS:
                items = child if isinstance(child, (list, tuple)) else [child]
                for index, item in enumerate(items):
                    yield (where if items is not child else f"{where}[{index}]"), key, item
            else:
                yield from _vocabulary_ids(child, where)
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _vocabulary_ids(child, f"{path}[{index}]")


def unknown_instrument_ids(data: Mapping[str, Any], instruments: Mapping[str, Any]) -> str | None:
    """The first instrument or cut-off id in a strategy's ``when`` blocks that ``instruments``
    do not have (checked when an engine registers the strategy, as plugins add instruments)."""
    cutoffs = {c.id for inst in instruments.values() for c in inst.cutoffs}
    for path, key, value in ids_in_document(data)[0]:
        if key == "cutoffs_met_any" and value not in cutoffs:
            return f"{path}: unknown cut-off {value!r}"
        if key != "cutoffs_met_any" and value not in instruments:
            return f"{path}: unknown instrument {value!r}; known: {', '.join(sorted(instruments))}"
    return None


def _instrument_ids(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            where = f"{path}.{key}"
            if key in ("instrument", "without_score", "cutoffs_met_any") and isinstance(
                child, (str, list, tuple)
            ):
                items = child if isinstance(child, (list, tuple)) else [child]
                for item in items:
                    yield where, key, item
            else:
                yield from _instrument_ids(child, where)
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _instrument_ids(child, f"{path}[{index}]")


@lru_cache(maxsize=1)
def _fast_strategy_validator() -> Any:
    """jsonschema-rs's validator of the strategy schema, dates checked as the full check checks
    them (``None``: it cannot be made). It only says whether a file is valid: a file it refuses
    is checked again by :func:`_strategy_validator`, whose errors are the ones reported (and
    whose verdict stands), so a valid file never pays for the pure-Python check."""
    try:
        import jsonschema_rs

        from planengine.schemas import load

        return jsonschema_rs.validator_for(load("strategy"), validate_formats=True)
    except Exception:  # not installed, or a schema it cannot compile: the full check alone
        return None


@lru_cache(maxsize=1)
def _strategy_validator() -> Any:
    import jsonschema

    from planengine.schemas import load

    schema = load("strategy")
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def check_strategy_document(
    data: Mapping[str, Any],
    *,
    file: str | None = None,
    document: Any = None,
    vocabulary: Any = None,
) -> None:
    """Every check :func:`strategy_from_mapping` makes, without building the strategy.

    :raises DocumentSchemaError: for the first problem, with its line when ``document`` is given.
    """
    fast = _fast_strategy_validator()
    if fast is not None and fast.is_valid(data):
        error = None
    else:
        import jsonschema

        error = jsonschema.exceptions.best_match(_strategy_validator().iter_errors(data))
    if error is not None:
        path = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
        )
        raise _located(DocumentSchemaError(error.message, file=file, path=path), document)
    problem = (
        semantic_problem(data)
        if vocabulary is None
        else semantic_problem(data, vocabulary.areas, vocabulary.conditions)
    )
    if problem is not None:
        raise _located(DocumentSchemaError(problem[1], file=file, path=problem[0]), document)


def _located(error: DocumentSchemaError, document: Any) -> DocumentSchemaError:
    """``error`` with the line and column of its path in ``document`` (when known)."""
    from planengine.io._json_path import parse_json_path

    if document is not None and error.path:
        try:
            position = document.locate(parse_json_path(error.path))
        except ValueError:
            position = None
        if position is not None:
            error.location = attrs.evolve(error.location, line=position[0], column=position[1])
    return error
