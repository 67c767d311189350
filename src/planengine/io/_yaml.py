"""YAML: the safe loader (libyaml when available, the YAML 1.2 core schema, no timestamps, no
foreign tags), the checks that run before and after composing (nesting depth, aliases), and the
node tree that gives source positions.

The fast path builds plain data straight from the composed nodes; anything unusual is left to the
safe constructor (:class:`_Constructor`), which refuses every tag beyond the core types.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml

from planengine._errors import DocumentParseError
from planengine.io._limits import MAX_ALIAS_EXPANSION, MAX_ALIAS_REFERENCES, MAX_DEPTH
from planengine.io._parse_errors import one_line

__all__ = ["KEEP_NODES_BELOW", "child_node", "compose", "parse_yaml"]

# --------------------------------------------------------------------------------------------------
# The loader: the core schema's resolver, the safe constructor and the direct builder

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
# Parsing, with the checks on nesting and aliases


#: YAML texts up to this size keep the node tree composed while parsing, so that positions cost
#: nothing more; larger ones are composed again when a position is asked for.
KEEP_NODES_BELOW = 64 * 1024


def parse_yaml(text: str, name: str, nodes: dict[str, Any]) -> Any:
    """The data of YAML ``text``; the node tree (when kept) and the NaN/infinity flag go into
    ``nodes``. Every refusal is a :class:`planengine.DocumentParseError`."""
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
            raise DocumentParseError(f"YAML error: {one_line(str(error))}", file=name) from None
    finally:
        loader.dispose()


def _yaml_error(error: yaml.MarkedYAMLError, name: str) -> DocumentParseError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "syntax error"
    if isinstance(error, yaml.constructor.ConstructorError) and "constructor" in problem:
        # "could not determine a constructor for the tag ..." from the safe constructor
        message = f"unsupported YAML tag: {one_line(problem)}"
    else:
        context = f" ({one_line(error.context)})" if error.context else ""
        message = f"YAML syntax error: {one_line(problem)}{context}"
    return DocumentParseError(
        message,
        file=name,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


_FIRST_INDENT = re.compile(r"[ ]*(?=\S)")
_INDENT = re.compile(r"\n([ ]*)(?=\S)")
_COMPACT_RUN = re.compile(r"(?:[-?][ \t]+)+")
_TWO_INDICATORS = re.compile(r"[-?][ \t]+[-?][ \t]")


_LINE_START = re.compile(r"\n *")


def _depth_bound(text: str) -> int:
    """A cheap upper bound of the nesting depth, so that the exact check runs only when needed.

    Each level of nesting needs a flow bracket, a new indentation width, or a block indicator on the
    same line (``- - x``); the bound counts all three generously. A rougher bound comes first
    (every line's leading spaces, every indicator followed by a blank): it is never below the
    closer one, and for the usual file it is far enough below the limit to answer alone.
    """
    flow = text.count("[") + text.count("{")
    if flow > MAX_DEPTH:
        return flow
    rough = _rough_depth_bound(text, flow)
    return rough if rough <= MAX_DEPTH else _close_depth_bound(text, flow)


def _rough_depth_bound(text: str, flow: int) -> int:
    """Never below :func:`_close_depth_bound`: one width per line start (blank lines too, and
    one for the first line), one level per indicator followed by a blank anywhere."""
    indicators = text.count("- ") + text.count("? ")
    if "\t" in text:
        indicators += text.count("-\t") + text.count("?\t")
    return flow + 2 * (len(set(_LINE_START.findall(text))) + 1) + max(1, indicators) + 1


def _close_depth_bound(text: str, flow: int) -> int:
    """The closer bound: the indentation widths of lines with content, the longest run of
    indicators on one line."""
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
# Positions: the node tree


def compose(text: str) -> Any:
    """The composed node tree of ``text`` (marks give positions), or ``None`` when it cannot be
    composed."""
    try:
        if len(text) > 64 and _depth_bound(text) > MAX_DEPTH:
            # the bound counts every bracket (70 short flow lists are not deep): ask the events;
            # a loaded document passed this already, so only direct construction can stop here
            _check_depth_by_events(text, "")
        composer = _Composer(text)
        try:
            return composer.get_single_node()
        finally:
            composer.dispose()
    except Exception:
        return None


def child_node(node: Any, part: str | int) -> Any:
    """The node of one key or index inside ``node``, else ``None`` (merge keys followed)."""
    if isinstance(node, yaml.MappingNode):
        wanted = str(part)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == wanted:
                return value_node
        for key_node, value_node in node.value:  # keys written differently (0x10, merges)
            if key_node.tag == _MERGE:
                found = child_node(value_node, part)
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
