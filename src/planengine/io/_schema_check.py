"""Validate a loaded document against one of the bundled JSON Schemas, with positions.

The fast path asks ``jsonschema-rs`` (when installed) only whether a document is valid, which takes
microseconds. Only documents that fail are validated again with the pure-Python ``jsonschema``
library, whose errors carry paths and support ``best_match`` for ``oneOf``/``anyOf``; only those
documents are composed again for line numbers. Validators are compiled once per schema and process.

Schemas are local: ``$ref`` resolves among the bundled schemas (by ``$id``) and nothing is fetched.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

import attrs

from planengine._errors import ConfigError, UnknownNameError
from planengine.io._document import Document
from planengine.io._json_path import format_json_path
from planengine.io._location import Located, Location

__all__ = ["SchemaIssue", "check_schema", "element_problem", "is_valid", "schema_names"]


@attrs.frozen
class SchemaIssue(Located):
    """One schema error, the most relevant one when ``oneOf``/``anyOf`` branches failed.

    :ivar message: what is wrong (``jsonschema``'s message, one line).
    :ivar parts: path of the offending value, as parts (``("goals", 0, "measure")``).
    :ivar keyword: the failing schema keyword (``type``, ``required``, ``anyOf`` ...).
    :ivar location: the document's file, the 1-based line and column when the document has
        source text (else ``None``), and the path as JSONPath text.
    :ivar alternatives: how many sub-errors the best match was chosen among (0 when none).
    """

    message: str
    parts: tuple[str | int, ...]
    keyword: str
    location: Location
    alternatives: int = 0



    @property
    def path_text(self) -> str:
        """The path as JSONPath text, e.g. ``$.goals[0].measure``."""
        return self.location.json_path or "$"


def _schemas() -> Any:
    """The ``planengine.schemas`` package (installed from the top-level ``schemas/`` folder)."""
    import importlib

    return importlib.import_module("planengine.schemas")


def schema_names() -> list[str]:
    """Names of the bundled schemas (``goal``, ``plan``, ...)."""
    schemas = _schemas()
    return list(schemas.names())


def _load_schema(name: str) -> dict[str, Any]:
    schemas = _schemas()
    try:
        return dict(schemas.load(name))
    except UnknownNameError:
        known = ", ".join(schemas.names()) or "none"
        raise ConfigError(
            f"schema {name!r} is not bundled with this planengine (available: {known})"
        ) from None


def _bundled_by_id() -> dict[str, dict[str, Any]]:
    schemas = _schemas()
    found: dict[str, dict[str, Any]] = {}
    for name in schemas.names():
        try:
            schema = schemas.load(name)
        except Exception:
            continue
        if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
            found[schema["$id"]] = schema
    return found


def _refuse_remote(uri: str) -> Any:
    raise ConfigError(f"schema reference {uri!r} is not bundled; planengine never fetches schemas")


@cache
def _fast_validator(name: str, pointer: str = "") -> Any:
    """A compiled jsonschema-rs validator (of the sub-schema at ``pointer``, e.g. ``/$defs/goal``),
    or ``None`` when the package is not installed."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    schema = _load_schema(name)
    bundled = _bundled_by_id()

    def retrieve(uri: str) -> Any:
        if uri in bundled:
            return bundled[uri]
        return _refuse_remote(uri)

    target = {"$ref": f"{schema['$id']}#{pointer}"} if pointer else schema
    try:
        return jsonschema_rs.validator_for(target, retriever=retrieve)
    except Exception:
        return None


@cache
def _full_validator(name: str, pointer: str = "") -> Any:
    import jsonschema
    from referencing import Registry, Resource

    schema = _load_schema(name)
    registry: Registry[Any] = Registry(retrieve=lambda uri: _refuse_remote(uri))  # type: ignore[call-arg]
    registry = registry.with_resources(
        (uri, Resource.from_contents(contents)) for uri, contents in _bundled_by_id().items()
    )
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls = jsonschema.validators.extend(cls, {"pattern": _ecma_pattern})  # type: ignore[no-untyped-call]
    target = {"$ref": f"{schema['$id']}#{pointer}"} if pointer else schema
    return cls(target, registry=registry)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """The ``pattern`` keyword with ECMA-262's ``$`` (the very end: Python's ``$`` also matches
    before a final newline, so ``"g1\\n"`` would pass an id pattern the fast check refuses)."""
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not _python_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _python_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with every ``$`` outside a character class read as ``\\Z``."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = "\\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))


#: schema name -> (array property, JSON pointer of its items' sub-schema): documents whose
#: errors are found item by item, so only items that fail the fast check pay for the slow one.
_ITEMISED = {"goal": ("goals", "/$defs/goal")}


def _full_errors(data: Any, schema: str) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every error of the full validator, with the path prefix to put before its own path.

    For a goal file, the document without its goals is checked once, then each goal that fails
    the fast check is checked on its own; the errors are the ones a whole-document run reports.
    """
    itemised = _ITEMISED.get(schema)
    items = data.get(itemised[0]) if itemised and isinstance(data, Mapping) else None
    fast = _fast_validator(schema, itemised[1]) if itemised and isinstance(items, list) else None
    if itemised is None or fast is None or not isinstance(items, list):
        for error in _full_validator(schema).iter_errors(data):
            yield (), error
        return
    key, pointer = itemised
    for error in _full_validator(schema).iter_errors({**data, key: []}):
        yield (), error
    item_validator = _full_validator(schema, pointer)
    for index, item in enumerate(items):
        try:
            if fast.is_valid(item):
                continue
        except Exception:  # data jsonschema-rs cannot take (integer keys from code): check fully
            pass
        for error in item_validator.iter_errors(item):
            yield (key, index), error


@attrs.frozen
class _PlainError:
    """One error of jsonschema-rs in the shape :func:`_message` reads (``jsonschema``'s names):
    the keyword, its value in the schema, the offending value and ``jsonschema``'s message."""

    validator: str
    validator_value: Any
    instance: Any
    message: str
    context: tuple[()] = ()


def _plain_error(kind: Any, instance: Any) -> _PlainError | None:
    """``jsonschema``'s own error for one jsonschema-rs error kind, word for word (the messages
    of its keywords in ``jsonschema/_keywords.py``); ``None`` for a kind that needs more than
    the kind says (``anyOf``, ``oneOf``, unknown fields, a list of types: ``jsonschema``
    words those from the schema itself)."""
    name = kind.__class__.__name__
    if name == "Type":
        types = list(kind.types)
        if len(types) != 1:  # jsonschema-rs sorts a list of types; the schema's order is lost
            return None
        return _PlainError("type", types[0], instance, f"{instance!r} is not of type {types[0]!r}")
    if name == "Required":
        message = f"{kind.property!r} is a required property"
        return _PlainError("required", None, instance, message)
    if name == "Constant":
        expected = kind.expected_value
        return _PlainError("const", expected, instance, f"{expected!r} was expected")
    if name == "Enum":
        options = list(kind.options)
        return _PlainError("enum", options, instance, f"{instance!r} is not one of {options!r}")
    if name == "Pattern":
        pattern = kind.pattern
        return _PlainError("pattern", pattern, instance, f"{instance!r} does not match {pattern!r}")
    limit = getattr(kind, "limit", None)
    wording = _LIMIT_WORDING.get(name)
    if wording is None or limit is None:
        return None
    keyword, text = wording
    if keyword in ("minLength", "minItems"):
        text = "should be non-empty" if limit == 1 else text
    return _PlainError(keyword, limit, instance, f"{instance!r} {text.format(limit=limit)}")


#: jsonschema-rs kind -> (keyword, ``jsonschema``'s wording after the value's repr).
_LIMIT_WORDING = {
    "Minimum": ("minimum", "is less than the minimum of {limit!r}"),
    "Maximum": ("maximum", "is greater than the maximum of {limit!r}"),
    "ExclusiveMinimum": ("exclusiveMinimum", "is less than or equal to the minimum of {limit!r}"),
    "ExclusiveMaximum": ("exclusiveMaximum", "is greater than or equal to the maximum of {limit!r}"),
    "MinLength": ("minLength", "is too short"),
    "MinItems": ("minItems", "is too short"),
}


def _fast_errors(
    data: Any, schema: str
) -> list[tuple[tuple[str | int, ...], _PlainError]] | None:
    """Every schema error of ``data`` from jsonschema-rs's error iteration, worded as
    ``jsonschema`` words it; ``None`` when ``jsonschema`` must name them (a kind worded from the
    schema itself, two errors at one place other than missing fields, data jsonschema-rs cannot
    take), so that the report is always the one ``jsonschema`` gives.

    A goal file is checked as :func:`_full_errors` checks it: without its goals once, then
    each goal.
    """
    itemised = _ITEMISED.get(schema)
    parts: list[tuple[Any, tuple[str | int, ...], Any]] = []
    items = data.get(itemised[0]) if itemised and isinstance(data, Mapping) else None
    if itemised is not None and isinstance(items, list):
        key, pointer = itemised
        whole, item = _fast_validator(schema), _fast_validator(schema, pointer)
        if whole is None or item is None:
            return None
        parts.append((whole, (), {**data, key: []}))
        parts.extend((item, (key, index), goal) for index, goal in enumerate(items))
    else:
        whole = _fast_validator(schema)
        if whole is None:
            return None
        parts.append((whole, (), data))
    found: list[tuple[tuple[str | int, ...], _PlainError]] = []
    keywords: dict[tuple[str | int, ...], str] = {}
    try:
        for validator, prefix, instance in parts:
            for error in validator.iter_errors(instance):
                where = tuple(error.instance_path)
                plain = _plain_error(error.kind, _value_at(instance, where))
                if plain is None:
                    return None
                path = (*prefix, *where)
                seen = keywords.get(path)
                if seen is not None and not (seen == plain.validator == "required"):
                    return None  # which comes first is jsonschema's relevance order: ask it
                keywords[path] = plain.validator
                found.append((path, plain))
    except Exception:  # data jsonschema-rs cannot take (integer keys from code)
        return None
    return found or None


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at ``path`` in ``data`` as the document has it (for the message's repr)."""
    for part in path:
        data = data[part]
    return data


def is_valid(data: Any, schema: str) -> bool:
    """Whether ``data`` is valid against the bundled schema ``schema`` (fast path)."""
    fast = _fast_validator(schema)
    if fast is not None:
        try:
            return bool(fast.is_valid(data))
        except Exception:
            pass
    return not any(True for _ in _full_validator(schema).iter_errors(data))


def check_schema(document: Document | Mapping[str, Any], schema: str) -> list[SchemaIssue]:
    """Validate a document (or a plain mapping) against the bundled schema called ``schema``.

    :return: one issue per top-level schema error, sorted by position; for ``oneOf``/``anyOf``
        the most relevant sub-error (``jsonschema.exceptions.best_match``) stands for its group.
        Empty when valid.
    :raises planengine.ConfigError: when no schema of that name is bundled.
    """
    data = document.data if isinstance(document, Document) else document
    # JSON has no NaN or infinity, but YAML (.nan, .inf) and JSON Schema's "number" let them in.
    non_finite = (
        _non_finite_paths(data)
        if not isinstance(document, Document) or document.has_non_finite_numbers
        else []
    )
    issues: list[SchemaIssue] = [
        _issue(document, path, "the value is not a finite number (NaN or infinity); use a number", "finite")
        for path in non_finite
    ]
    if is_valid(data, schema):
        return issues
    fast = None if non_finite else _fast_errors(data, schema)
    if fast is not None:  # every error a plain one: jsonschema-rs named them all
        for path, error in fast:
            issues.append(_issue(document, path, _message(error), error.validator))
        issues.sort(key=lambda issue: (issue.line or 0, issue.column or 0, issue.path_text))
        return issues
    from jsonschema.exceptions import best_match, relevance

    for prefix, error in sorted(_full_errors(data, schema), key=lambda pair: relevance(pair[1])):
        alternatives = len(error.context or ())
        chosen = best_match([error]) if error.context else error
        if chosen is None:  # pragma: no cover - best_match of a non-empty list
            chosen = error
        path = (*prefix, *chosen.absolute_path)
        if chosen.validator in ("minimum", "maximum") and path in non_finite:
            continue  # NaN or infinity, said above
        issues.append(
            _issue(document, path, _message(chosen), str(chosen.validator), alternatives)
        )
    # The two validators disagree (jsonschema-rs refuses NaN and infinity, which jsonschema's
    # "number" lets in: those are reported above). Never pass such a document unexplained.
    if not issues:
        issues.append(
            _issue(
                document,
                (),
                f"the document does not match the {schema} schema (the detailed check could not "
                "name the value; please report this)",
                "schema",
            )
        )
    issues.sort(key=lambda issue: (issue.line or 0, issue.column or 0, issue.path_text))
    return issues


def _issue(
    document: Document | Mapping[str, Any],
    path: tuple[str | int, ...],
    message: str,
    keyword: str,
    alternatives: int = 0,
) -> SchemaIssue:
    file = line = column = None
    if isinstance(document, Document):
        file = document.path
        position = document.locate(path)
        if position is not None:
            line, column = position
    return SchemaIssue(
        message=message,
        parts=path,
        keyword=keyword,
        location=Location(file, line, column, format_json_path(path)),
        alternatives=alternatives,
    )


def _non_finite_paths(data: Any) -> list[tuple[str | int, ...]]:
    """Paths of the float values in ``data`` that are NaN or infinite, in document order.

    Most documents have none: the standard library's C encoder, refusing NaN and infinity, says
    so in a few microseconds, where the walk below takes about a millisecond for a goal file
    (a quarter of checking one). Only when it refuses is the document walked for the paths.
    """
    try:
        json.dumps(data, allow_nan=False, default=_as_container)
        return []
    except (ValueError, TypeError, RecursionError):
        pass  # a NaN or infinity (or a key or value it cannot write): walk to find them
    found: list[tuple[str | int, ...]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, float):
            if not math.isfinite(value):
                found.append(path)
        elif isinstance(value, Mapping):
            stack.extend((child, (*path, key)) for key, child in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((child, (*path, i)) for i, child in reversed(list(enumerate(value))))
    return found


def _as_container(value: Any) -> Any:
    """For the encoder above: a mapping that is not a dict is walked as one; anything else it
    cannot write holds no float the walk would look at (it walks mappings and lists only)."""
    return dict(value) if isinstance(value, Mapping) else None


def _message(error: Any) -> str:
    text = " ".join(str(error.message).split())
    if len(text) > 300:
        text = text[:297] + "..."
    if error.validator == "additionalProperties":
        return _unknown_fields(error) or f"unknown field: {text}"
    if error.validator == "maxLength" and isinstance(error.instance, str):  # not the text again
        return f"{len(error.instance)} characters long; at most {error.validator_value}"
    if error.validator in ("minimum", "maximum") and error.validator_value in (-1e15, 1e15):
        return f"{error.instance!r:.40} is not a usable number (finite, within ±1e15)"
    choices = error.validator_value if error.validator == "anyOf" else None
    if isinstance(choices, list) and all(
        isinstance(c, Mapping) and set(c) == {"required"} for c in choices
    ):  # anyOf [{required: [value]}, {required: [note]}]: say which fields would do
        names = [str(name) for c in choices for name in c["required"]]
        return f"needs at least one of the fields {', '.join(names)}"
    return text


def _unknown_fields(error: Any) -> str | None:
    """The fields an object may not have, each with the closest allowed name (``targte``: did
    you mean ``target``?), and the names it may have; ``None`` when they cannot be named."""
    import difflib

    schema, instance = error.schema, error.instance
    if not isinstance(schema, Mapping) or not isinstance(instance, Mapping):
        return None
    allowed = [str(name) for name in schema.get("properties", {})]
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    unknown = [
        str(key)
        for key in instance
        if str(key) not in allowed and not any(p.search(str(key)) for p in patterns)
    ]
    if not unknown or not allowed:
        return None
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, allowed, n=1)
        if close:
            hints.append(
                f"did you mean {close[0]!r}?" if len(unknown) == 1 else f"{key!r}: did you mean {close[0]!r}?"
            )
    extension = " (and x-*)" if any(p.pattern == "^x-" for p in patterns) else ""
    return (
        f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"[:200]
        + (f" ({'; '.join(hints)})"[:200] if hints else "")
        + f"; allowed: {', '.join(allowed)}{extension}"
    )


def element_problem(schema: str, pointer: str, data: Any) -> str | None:
    """What makes ``data`` (one element, e.g. an objective as it goes into a plan) break the
    definition at ``pointer`` of the bundled schema ``schema``, naming the field; ``None`` when
    it is fine.

    The compiled fast check (``jsonschema-rs``) decides; only an element it refuses is checked
    again with ``jsonschema``, whose errors name the field.
    """
    fast = _fast_validator(schema, pointer)
    refused = False  # the fast check refused it
    if fast is not None:
        try:
            if fast.is_valid(data):
                return None
            refused = True
        except Exception:  # data jsonschema-rs cannot take: the full check decides
            pass
    errors = list(_full_validator(schema, pointer).iter_errors(data))
    if errors:
        from jsonschema.exceptions import best_match

        worst = best_match(errors) or errors[0]
        where = _field_names(worst.absolute_path)
        return f"{where}: {_message(worst)}" if where else _message(worst)
    if refused:  # the two validators disagree: never let such an element through
        return f"does not match the {schema} schema (the detailed check could not name the field)"
    return None


def _field_names(path: Iterable[object]) -> str:
    """A JSON path as field names: ``measure.target.value``, ``addresses[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
