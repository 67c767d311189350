"""Load YAML and JSON documents safely, keeping the way back to source positions.

Every input file (assessments, goals, plans, instruments, strategies) comes in through
:func:`load_document` or :func:`parse_document`. They return a :class:`Document`: plain Python data
(dicts, lists, str, int, float, bool, None) plus :meth:`Document.locate`, which maps a JSON path back to
the 1-based line and column in the file. Positions are computed lazily: the fast path parses with
libyaml (``CParser``) or :mod:`json` and keeps no marks; only when a caller asks for a position is the
text composed again into a node tree.

What the loader refuses, always as a one-line :class:`planengine.DocumentParseError` naming the file:

* an unreadable, empty, binary (NUL bytes), non-UTF-8 or over-size file;
* YAML or JSON syntax errors (with line and column), and duplicate mapping keys;
* any tag beyond the YAML 1.2 core types (``!!python/object`` and friends are never constructed);
* alias bombs (too many alias references, or an expansion far larger than the file) and recursive
  aliases;
* nesting deeper than :data:`MAX_DEPTH` (checked before the recursive composer can run);
* a top-level value that is not a mapping.

YAML follows the 1.2 core schema: ``yes``/``no``/``on``/``off`` stay strings, and dates and timestamps
stay strings (``2026-11-01`` reaches the schema as ``"2026-11-01"``). Mapping keys that are numbers,
booleans or null become strings (``-2: x`` gives the key ``"-2"``), as JSON requires.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import yaml

from planengine._errors import DocumentParseError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_ALIAS_REFERENCES",
    "MAX_DEPTH",
    "Document",
    "format_json_path",
    "load_document",
    "parse_document",
]

#: Largest file accepted by default (1 MiB); a goal file is a few kilobytes.
DEFAULT_MAX_BYTES = 1024 * 1024
#: Deepest nesting of mappings and sequences accepted.
MAX_DEPTH = 64
#: Most alias references (``*anchor``, merges included) one document may hold.
MAX_ALIAS_REFERENCES = 1000
#: Most nodes an alias expansion may add beyond the nodes written in the file.
MAX_ALIAS_EXPANSION = 100_000

_YAML_EXTENSIONS = (".yaml", ".yml")
_JSON_EXTENSIONS = (".json",)

# --------------------------------------------------------------------------------------------------
# YAML: libyaml when available, the 1.2 core schema, no timestamps, no foreign tags.

try:  # pragma: no branch - libyaml ships with the PyYAML wheels
    from yaml._yaml import CParser as _Parser

    _LIBYAML = True
except ImportError:  # pragma: no cover - pure-Python fallback

    class _Parser(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)

    _LIBYAML = False

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP, _MERGE, _TIMESTAMP = (_TAG + t for t in ("seq", "map", "merge", "timestamp"))


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema resolution (plus ``<<`` merge keys); no timestamps."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - a class-level table in PyYAML


_CoreResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_CoreResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_CoreResolver.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreResolver.add_implicit_resolver(_MERGE, re.compile(r"^(?:<<)$"), ["<"])


class _Composer(_Parser, _CoreResolver):
    """Parser + composer only: used to find positions (and nesting depth), never to build data.

    Tags do not matter for positions, so resolution is a constant: it saves the per-node regex
    work of the real resolver.
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _CoreResolver.__init__(self)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _STR

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe construction limited to the core types; raises on anything else."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {}

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:  # type: ignore[override]
        if not isinstance(node, yaml.MappingNode):  # pragma: no cover - guarded by the tag
            raise _LoadError("expected a mapping", node)
        explicit = {id(key) for key, _ in node.value if key.tag != _MERGE}
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        origin: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _LoadError("mapping keys must be plain scalars", key_node)
            key = _key_text(self.construct_object(key_node, deep=True))
            if key in mapping and id(key_node) in explicit and id(origin[key]) in explicit:
                raise _LoadError(f"duplicate key {key!r}", key_node)
            origin[key] = key_node
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_core_int(self, node: Any) -> int:
        return _core_int(self.construct_scalar(node))

    def construct_as_string(self, node: Any) -> str:
        return str(self.construct_scalar(node))

    def construct_unsupported(self, node: Any) -> Any:
        raise _LoadError(f"unsupported YAML tag {node.tag!r}", node)

    #: Set when a float is NaN or infinite (YAML's .nan and .inf): the schema check looks for them.
    non_finite = False

    def construct_float(self, node: Any) -> float:
        value: float = _SAFE.construct_yaml_float(self, node)
        if not math.isfinite(value):
            self.non_finite = True
        return value


_SAFE = yaml.constructor.SafeConstructor
# Only the core types; every other tag (None = any unknown tag) is refused, never constructed.
_Constructor.yaml_constructors = {
    _NULL: _SAFE.construct_yaml_null,
    _BOOL: _SAFE.construct_yaml_bool,
    _INT: _Constructor.construct_core_int,
    _FLOAT: _Constructor.construct_float,
    _STR: _SAFE.construct_yaml_str,
    _SEQ: _SAFE.construct_yaml_seq,
    _MAP: _SAFE.construct_yaml_map,
    _TIMESTAMP: _Constructor.construct_as_string,
    None: _Constructor.construct_unsupported,
}


_IMPLICIT: dict[Any, list[tuple[str, re.Pattern[str]]]] = _CoreResolver.yaml_implicit_resolvers


class _Loader(_Parser, _Constructor, _CoreResolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)
        _CoreResolver.__init__(self)

    # The composer calls these once per node. They give exactly what ``BaseResolver`` gives for this
    # resolver (no path resolvers, no wildcard resolvers), without its general machinery.

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def construct_fast(self, root: Any, shared: bool) -> Any:
        """The data of ``root``, built directly for the common case; else what the safe
        constructor builds (and refuses).

        The direct builder accepts only what the safe constructor accepts the same way: core tags,
        plain scalar keys, no merge keys, no duplicate keys. On anything else (or any error) it gives
        up and :meth:`construct_document` decides, on the same untouched node tree, so the data and
        every refusal are the safe constructor's own.
        """
        try:
            return _build(root, {} if shared else None, self)
        except Exception:
            self.constructed_objects = {}
            return self.construct_document(root)


class _GiveUp(Exception):
    """Internal: the direct builder leaves this node to the safe constructor."""


_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_BOOL_VALUES = yaml.constructor.SafeConstructor.bool_values


def _scalar(node: Any, loader: _Loader) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _INT:
        return _core_int(node.value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOL_VALUES[node.value.lower()]
    if tag == _FLOAT:
        return loader.construct_float(node)
    if tag == _TIMESTAMP:
        return str(node.value)
    raise _GiveUp


def _build(node: Any, memo: dict[int, Any] | None, loader: _Loader) -> Any:
    """Data of one node (recursion is bounded: nesting was checked before composing)."""
    cls = node.__class__
    if cls is _ScalarNode:
        return _scalar(node, loader)
    if memo is not None:
        found = memo.get(id(node))
        if found is not None:
            return found
    if cls is _MappingNode and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode or key_node.tag == _MERGE:
                raise _GiveUp
            key = key_node.value if key_node.tag == _STR else _key_text(_scalar(key_node, loader))
            if key in mapping:
                raise _GiveUp  # duplicate: the safe constructor words the refusal
            if value_node.__class__ is _ScalarNode:
                mapping[key] = _scalar(value_node, loader)
            else:
                mapping[key] = _build(value_node, memo, loader)
        result: Any = mapping
    elif cls is _SequenceNode and node.tag == _SEQ:
        result = [
            _scalar(item, loader) if item.__class__ is _ScalarNode else _build(item, memo, loader)
            for item in node.value
        ]
    else:
        raise _GiveUp
    if memo is not None:
        memo[id(node)] = result
    return result


class _LoadError(Exception):
    """Internal: a refusal with the node it concerns (turned into DocumentParseError)."""

    def __init__(self, message: str, node: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def _core_int(value: Any) -> int:
    text = str(value).replace("_", "")
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return repr(key) if isinstance(key, float) else str(key)
    raise _LoadError(f"unsupported mapping key of type {type(key).__name__}")  # pragma: no cover


# --------------------------------------------------------------------------------------------------
# The document


@attrs.frozen
class Document:
    """A parsed file: its data, its format, and the way back to source positions.

    :ivar path: the file name as the user gave it (used in messages).
    :ivar data: plain Python data; YAML dates and timestamps stay strings.
    :ivar format: ``"yaml"`` or ``"json"``.
    """

    path: str
    data: Any
    format: str
    text: str | None = attrs.field(default=None, repr=False, eq=False)
    _nodes: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False, init=False)

    @property
    def has_non_finite_numbers(self) -> bool:
        """Whether the data holds a NaN or infinite float (YAML's ``.nan``/``.inf``; JSON has
        neither, and a JSON number too large for a float is refused when parsed)."""
        return bool(self._nodes.get("non_finite"))

    def locate(self, json_path: Sequence[str | int]) -> tuple[int, int] | None:
        """Return the 1-based ``(line, column)`` of the node at ``json_path``.

        When the path does not exist in the file (a missing required property, say), the position of
        its nearest existing ancestor is returned. ``None`` when the text is not available or cannot be
        composed (rare JSON that is not also YAML).
        """
        if self.format == "json" and self.text is not None and "root" not in self._nodes:
            found = _json_locate(self.text, json_path, self._nodes)
            if found is not _UNSURE:
                return found  # type: ignore[no-any-return]
        root = self._root()
        if root is None:
            return None
        node = root
        for part in json_path:
            child = _child_node(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _root(self) -> Any:
        if "root" not in self._nodes:
            self._nodes["root"] = _compose(self.text) if self.text is not None else None
        return self._nodes["root"]


_UNSURE = object()
_JSON_WS = re.compile(r"[ \n]*")
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \n]*:[ \n]*')
_JSON_SKIP = json.JSONDecoder()
#: JSON that libyaml might read differently (or refuse): escapes it may not know, surrogates,
#: control characters; such files are located by composing the YAML nodes as before.
_JSON_ODD = re.compile(r"\\/|\\u(?:[dD][89a-fA-F]|00[01])|\"<<\"")


def _json_plain(text: str, nodes: dict[str, Any]) -> bool:
    """Whether ``text`` is JSON the scanner locates exactly as libyaml's composer would."""
    plain = nodes.get("json_plain")
    if plain is None:
        plain = nodes["json_plain"] = bool(
            text.isascii()
            and "\t" not in text
            and "\r" not in text
            and not _JSON_ODD.search(text)
            and max(map(len, text.split("\n"))) < 1000
        )
    return bool(plain)


def _json_locate(text: str, json_path: Sequence[str | int], nodes: dict[str, Any]) -> Any:
    """``(line, column)`` of the value at ``json_path`` (or its nearest existing ancestor) in JSON
    text, walking only that path: what :meth:`Document.locate` gives through the YAML nodes, without
    composing them. :data:`_UNSURE` when the text is not plain enough to be sure."""
    if not _json_plain(text, nodes):
        return _UNSURE
    try:
        at = _JSON_WS.match(text).end()  # type: ignore[union-attr]
        for part in json_path:
            child = _json_child(text, at, part)
            if child is None:
                break
            at = child
    except (ValueError, AttributeError, IndexError):
        return _UNSURE
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _json_child(text: str, at: int, part: str | int) -> int | None:
    """Where the value of ``part`` starts inside the container starting at ``at``, else ``None``."""
    opener = text[at]
    if opener == "{":
        wanted = str(part)
        at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
        if text[at] == "}":
            return None
        while True:
            key = _JSON_KEY.match(text, at)
            if key is None:
                raise ValueError("not a key")
            raw = key.group(1)
            name = json.loads(key.group(0)[: key.end(1) + 1 - key.start()]) if "\\" in raw else raw
            value = key.end()
            if name == wanted:
                return value
            at = _JSON_WS.match(text, _JSON_SKIP.raw_decode(text, value)[1]).end()  # type: ignore[union-attr]
            if text[at] == "}":
                return None
            if text[at] != ",":
                raise ValueError("expected ,")
            at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
    if opener == "[" and isinstance(part, int):
        if part < 0:
            return None
        at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
        if text[at] == "]":
            return None
        index = 0
        while index < part:
            at = _JSON_WS.match(text, _JSON_SKIP.raw_decode(text, at)[1]).end()  # type: ignore[union-attr]
            if text[at] == "]":
                return None
            if text[at] != ",":
                raise ValueError("expected ,")
            at = _JSON_WS.match(text, at + 1).end()  # type: ignore[union-attr]
            index += 1
        return at
    return None


def _compose(text: str) -> Any:
    try:
        if len(text) > 64 and _depth_bound(text) > MAX_DEPTH:
            return None  # never reached for a loaded document; guards direct construction
        composer = _Composer(text)
        try:
            return composer.get_single_node()
        finally:
            composer.dispose()
    except Exception:
        return None


def _child_node(node: Any, part: str | int) -> Any:
    if isinstance(node, yaml.MappingNode):
        wanted = str(part)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == wanted:
                return value_node
        for key_node, value_node in node.value:  # keys written differently (0x10, merges)
            if key_node.tag == _MERGE:
                found = _child_node(value_node, part)
                if found is not None:
                    return found
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]
    return None


_JSON_PATH_PART = re.compile(r'\.([^.\[]+)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]')


def parse_json_path(path: str) -> list[str | int]:
    """The parts of a path written by :func:`format_json_path` (``$.a[0].b`` -> ``["a", 0, "b"]``)."""
    return [
        int(index) if index else (json.loads(quoted) if quoted else key)
        for key, index, quoted in _JSON_PATH_PART.findall(path.removeprefix("$"))
    ]


def format_json_path(parts: Sequence[str | int]) -> str:
    """Render a path as JSONPath: ``("responses", 0, "answers", 3)`` -> ``$.responses[0].answers[3]``.

    Keys that are not plain identifiers are quoted: ``$["odd key"]``.
    """
    out = "$"
    for part in parts:
        out = json_path_child(out, part)
    return out


def json_path_child(path: str, part: str | int) -> str:
    """``path`` extended by one key or index, written as :func:`format_json_path` writes it."""
    if isinstance(part, int):
        return f"{path}[{part}]"
    if _IDENTIFIER.match(part):
        return f"{path}.{part}"
    return f"{path}[{json.dumps(part, ensure_ascii=False)}]"


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


# --------------------------------------------------------------------------------------------------
# Loading


def load_document(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one YAML or JSON file (format chosen by extension; YAML otherwise).

    :raises planengine.DocumentParseError: for every way the file can be unusable (see module doc).
        No other exception escapes.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            content = handle.read(max_bytes + 1)
    except IsADirectoryError:  # a folder that could not be listed while walking
        try:
            os.listdir(name)
            reason = "it is a folder"
        except OSError as error:
            reason = f"cannot list this folder: {error.strerror or error.__class__.__name__}"
        raise DocumentParseError(f"cannot read: {reason}", file=name) from None
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise DocumentParseError(f"cannot read file: {reason}", file=name) from None
    except Exception as error:
        raise DocumentParseError(f"cannot read file: {error}", file=name) from None
    return parse_document(content, name=name, max_bytes=max_bytes)


def parse_document(
    content: bytes | str,
    *,
    name: str,
    format: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Parse YAML or JSON text already in memory; ``name`` is used in messages.

    ``format`` is ``"yaml"`` or ``"json"``; by default it follows ``name``'s extension (YAML otherwise).

    :raises planengine.DocumentParseError: as :func:`load_document`.
    """
    try:
        return _parse(content, name, format, max_bytes)
    except DocumentParseError:
        raise
    except RecursionError:
        raise DocumentParseError(f"nesting deeper than {MAX_DEPTH} levels", file=name) from None
    except ValueError as error:
        if _INT_LIMIT_MESSAGE in str(error):
            text = content if isinstance(content, str) else content.decode("utf-8", "replace")
            raise _too_many_digits(text, name) from None
        message = str(error).replace("\n", " ") or error.__class__.__name__
        raise DocumentParseError(f"cannot parse: {message}", file=name) from None
    except Exception as error:
        message = str(error).replace("\n", " ") or error.__class__.__name__
        raise DocumentParseError(f"cannot parse: {message}", file=name) from None


#: Part of the message Python gives for an integer longer than ``sys.get_int_max_str_digits()``.
_INT_LIMIT_MESSAGE = "integer string conversion"


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _error_at(
    message: str, name: str, position: tuple[int, int] | None, path: str | None = None
) -> DocumentParseError:
    """A parse error at ``position`` (line, column), when it is known."""
    line, column = position if position else (None, None)
    return DocumentParseError(message, file=name, line=line, column=column, path=path)


def _too_many_digits(text: str, name: str) -> DocumentParseError:
    """The error for a number too long to read, at the first such number in ``text``."""
    limit = sys.get_int_max_str_digits()
    position = next(
        (_line_column(text, m.start()) for m in re.finditer(r"\d+", text) if len(m[0]) > limit),
        None,
    )
    return _error_at(
        f"a number has more than {limit} digits; no field takes a number that long", name, position
    )


def _parse(content: bytes | str, name: str, format: str | None, max_bytes: int) -> Document:
    if format is None:
        lower = name.lower()
        format = "json" if lower.endswith(_JSON_EXTENSIONS) else "yaml"
    elif format not in ("yaml", "json"):
        raise DocumentParseError(f"unknown format {format!r}; expected yaml or json", file=name)
    size = len(content.encode("utf-8")) if isinstance(content, str) else len(content)
    if size > max_bytes:
        raise DocumentParseError(
            f"file is larger than the limit of {max_bytes} bytes (max-file-bytes)", file=name
        )
    if isinstance(content, bytes):
        text = _decode(content, name)
    else:
        text = content
        if "\x00" in text:
            raise DocumentParseError("file looks binary (contains NUL characters)", file=name)
    if not text.strip():
        raise DocumentParseError("file is empty", file=name)
    nodes: dict[str, Any] = {}
    data = _parse_json(text, name) if format == "json" else _parse_yaml(text, name, nodes)
    if not isinstance(data, dict):
        kind = _kind(data)
        raise DocumentParseError(
            f"the top-level value must be a mapping, not {kind}", file=name, line=1, column=1
        )
    document = Document(path=name, data=data, format=format, text=text)
    document._nodes.update(nodes)
    if "\\u" in text or "\\U" in text:  # only an escape can make a lone surrogate
        _reject_lone_surrogates(document)
    return document


#: A high surrogate escape not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _lone_surrogate_position(text: str) -> tuple[int, int] | None:
    found = _LONE_SURROGATE.search(text)
    if found is None:
        return None
    return _line_column(text, found.start())


def _reject_lone_surrogates(document: Document) -> None:
    """A string with half of a UTF-16 surrogate pair cannot be written out as UTF-8: refuse it."""
    stack: list[tuple[Any, list[str | int]]] = [(document.data, [])]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):  # pushed in reverse, so the first in the file is found first
            for key, child in reversed(list(value.items())):
                stack.append((child, [*where, key]))
                stack.append((key, where))
        elif isinstance(value, list):
            stack.extend((child, [*where, i]) for i, child in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                position = document.locate(where) if where else None
                raise _error_at(
                    "text contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), "
                    "which is not a character",
                    document.path,
                    position or _lone_surrogate_position(document.text or ""),
                    format_json_path(where),
                ) from None


def _decode(content: bytes, name: str) -> str:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DocumentParseError("file is UTF-16 encoded; save it as UTF-8", file=name)
    if b"\x00" in content:
        raise DocumentParseError("file looks binary (contains NUL bytes)", file=name)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = content[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise DocumentParseError(
            f"file is not valid UTF-8 (byte 0x{content[error.start]:02x})",
            file=name,
            line=line,
            column=column,
        ) from None


def _kind(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    if data is None:
        return "null"
    return f"a {type(data).__name__}"


#: YAML texts up to this size keep the node tree composed while parsing, so that positions cost
#: nothing more; larger ones are composed again when a position is asked for.
KEEP_NODES_BELOW = 64 * 1024


def _parse_yaml(text: str, name: str, nodes: dict[str, Any]) -> Any:
    if _depth_bound(text) > MAX_DEPTH:
        _check_depth_by_events(text, name)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                raise DocumentParseError("file is empty (no YAML document)", file=name)
            shared = "&" in text  # aliases need an anchor; without one there is nothing to expand
            if shared:
                _check_aliases(node, name)
            data = loader.construct_fast(node, shared)
            if len(text) < KEEP_NODES_BELOW:
                nodes["root"] = node
            if loader.non_finite:
                nodes["non_finite"] = True
            return data
        except _LoadError as error:
            mark = getattr(error.node, "start_mark", None)
            raise DocumentParseError(
                error.message,
                file=name,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            ) from None
        except yaml.MarkedYAMLError as error:
            raise _yaml_error(error, name) from None
        except yaml.YAMLError as error:
            raise DocumentParseError(f"YAML error: {_one_line(str(error))}", file=name) from None
    finally:
        loader.dispose()


def _yaml_error(error: yaml.MarkedYAMLError, name: str) -> DocumentParseError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "syntax error"
    if isinstance(error, yaml.constructor.ConstructorError) and "constructor" in problem:
        # "could not determine a constructor for the tag ..." from the safe constructor
        message = f"unsupported YAML tag: {_one_line(problem)}"
    else:
        context = f" ({_one_line(error.context)})" if error.context else ""
        message = f"YAML syntax error: {_one_line(problem)}{context}"
    return DocumentParseError(
        message,
        file=name,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


_FIRST_INDENT = re.compile(r"[ ]*(?=\S)")
_INDENT = re.compile(r"\n([ ]*)(?=\S)")
_COMPACT_RUN = re.compile(r"(?:[-?][ \t]+)+")
_TWO_INDICATORS = re.compile(r"[-?][ \t]+[-?][ \t]")


def _depth_bound(text: str) -> int:
    """A cheap upper bound of the nesting depth, so that the exact check runs only when needed.

    Each level of nesting needs a flow bracket, a new indentation width, or a block indicator on the
    same line (``- - x``); the bound counts all three generously.
    """
    flow = text.count("[") + text.count("{")
    if flow > MAX_DEPTH:
        return flow
    indents = set(_INDENT.findall(text))  # lines after the first ...
    first = _FIRST_INDENT.match(text)  # ... and the first
    if first is not None:
        indents.add(first.group())
    widths = len(indents)
    # compact nesting on one line ("- - - x", "- ? - x"), plus one for a mapping in the last entry;
    # without two indicators in a row every run is one indicator long
    compact = 1
    if _TWO_INDICATORS.search(text):
        compact = max(run.count("-") + run.count("?") for run in _COMPACT_RUN.findall(text))
    return flow + 2 * widths + compact + 1


def _check_depth_by_events(text: str, name: str) -> None:
    """Exact nesting depth from the event stream (iterative, so no recursion can overflow)."""
    parser = _Composer(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise DocumentParseError(
                        f"nesting deeper than {MAX_DEPTH} levels",
                        file=name,
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None,
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, name) from None
    finally:
        parser.dispose()


def _check_aliases(root: Any, name: str) -> None:
    """Refuse recursive aliases, too many alias references, and expansions far beyond the file.

    Walks the composed node graph once (iteratively), memoising each node's expanded size; a node
    reached a second time is an alias reference (or a merge of one).
    """
    size: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    on_path: set[int] = set()
    references = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth_of[key] = 1 + max((depth_of[id(child)] for child in children), default=0)
            if depth_of[key] > MAX_DEPTH + 1:
                raise _LoadError(f"alias expansion nests deeper than {MAX_DEPTH} levels", node)
            continue
        if key in size:
            references += 1
            if references > MAX_ALIAS_REFERENCES:
                raise _LoadError(
                    f"too many alias references (more than {MAX_ALIAS_REFERENCES})", node
                )
            continue
        if key in on_path:
            raise _LoadError("recursive alias (a node that contains itself)", node)
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise _LoadError("recursive alias (a node that contains itself)", child)
            stack.append((child, False))
    written = len(size)
    if size[id(root)] > written + MAX_ALIAS_EXPANSION:
        raise _LoadError(
            f"alias expansion too large ({size[id(root)]} nodes from {written} written)", root
        )


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# --------------------------------------------------------------------------------------------------
# JSON


class _NotJson(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python reads them, JSON does not have them."""

    def __init__(self, constant: str, message: str | None = None) -> None:
        super().__init__(message or f"{constant} is not valid JSON")
        self.constant = constant


def _reject_constant(value: str) -> Any:
    raise _NotJson(value)


def _constant_position(text: str, constant: str) -> tuple[int, int] | None:
    """Line and column of the first ``constant`` outside a string (best effort)."""
    for found in re.finditer(re.escape(constant), text):
        start = found.start()
        if text.count('"', text.rfind("\n", 0, start) + 1, start) % 2 == 0:  # not in a string
            return _line_column(text, start)
    return None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(text, f"the number {text} is too large to read")
    return value


_JSON_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_constant=_reject_constant, parse_float=_finite_float
)


def _parse_json(text: str, name: str) -> Any:
    try:
        data = _JSON_DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise DocumentParseError(
            f"JSON syntax error: {error.msg}", file=name, line=error.lineno, column=error.colno
        ) from None
    except _DuplicateKey as error:
        raise _error_at(
            f"duplicate key {error.key!r}", name, _json_key_position(text, error.key)
        ) from None
    except RecursionError:
        raise DocumentParseError(f"nesting deeper than {MAX_DEPTH} levels", file=name) from None
    except _NotJson as error:
        raise _error_at(
            f"JSON error: {error}", name, _constant_position(text, error.constant)
        ) from None
    except ValueError as error:
        if _INT_LIMIT_MESSAGE in str(error):
            raise _too_many_digits(text, name) from None
        raise DocumentParseError(f"JSON error: {_one_line(str(error))}", file=name) from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _data_depth(data) > MAX_DEPTH:
        raise DocumentParseError(f"nesting deeper than {MAX_DEPTH} levels", file=name)
    return data


def _json_key_position(text: str, key: str) -> tuple[int, int] | None:
    """Line and column of the first ``key`` given twice in one object (the parse found it, so
    the text is JSON up to there): objects are tracked by nesting, so the same key in sibling
    objects does not count."""
    seen: list[set[str] | None] = []  # per open container: the object's keys (None: an array)
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char == '"':
            end = index + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            after = end + 1
            while after < size and text[after] in " \t\r\n":
                after += 1
            keys = seen[-1] if seen else None
            if keys is not None and after < size and text[after] == ":":
                try:
                    name = json.loads(text[index : end + 1])
                except ValueError:
                    name = None
                if name == key:
                    if key in keys:
                        return _line_column(text, index)
                    keys.add(key)
            index = end + 1
            continue
        if char == "{":
            seen.append(set())
        elif char == "[":
            seen.append(None)
        elif char in "]}" and seen:
            seen.pop()
        index += 1
    return None


def _data_depth(data: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
