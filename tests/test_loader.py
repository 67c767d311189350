"""The document loader: plain data, lazy positions, and one error type for every bad input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planengine._errors import DocumentParseError
from planengine.io._document import Document
from planengine.io._json_path import format_json_path
from planengine.io._limits import MAX_DEPTH
from planengine.io._loader import load_document, parse_document

GOAL_YAML = """\
planengine: 1
goals:
  - id: sleep-onset
    area: sleep
    statement: Fall asleep within 30 minutes.
    measure:
      baseline: {value: 60, date: 2026-11-01}
      target: {value: 30, comparator: "<="}
    start_date: 2026-11-25
    flag: yes
"""


def test_yaml_core_types_and_dates_stay_strings() -> None:
    doc = parse_document(GOAL_YAML, name="g.yaml")
    goal = doc.data["goals"][0]
    assert doc.format == "yaml"
    assert goal["measure"]["baseline"] == {"value": 60, "date": "2026-11-01"}
    assert goal["start_date"] == "2026-11-25"
    assert goal["flag"] == "yes"  # YAML 1.2: yes is a string


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 0x10", 16),
        ("a: 0o10", 8),
        ("a: 012", 12),
        ("a: -3", -3),
        ("a: 1.5", 1.5),
        ("a: true", True),
        ("a: ~", None),
        ("a: null", None),
        ("a: on", "on"),
        ("a: !!str 12", "12"),
        ("a: !!timestamp 2020-01-01", "2020-01-01"),
        ("a: 2020-01-01T10:00:00Z", "2020-01-01T10:00:00Z"),
    ],
)
def test_scalar_resolution(text: str, expected: object) -> None:
    assert parse_document(text, name="x.yaml").data["a"] == expected


def test_non_string_keys_become_strings() -> None:
    data = parse_document("levels:\n  -2: a\n  0: b\n  true: c\n  ~: d\n", name="x.yml").data
    assert data["levels"] == {"-2": "a", "0": "b", "true": "c", "null": "d"}


def test_merge_keys_may_be_overridden() -> None:
    data = parse_document("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  x: 3\n", name="x.yaml").data
    assert data["m"] == {"x": 3, "y": 2}


def test_locate_yaml() -> None:
    doc = parse_document(GOAL_YAML, name="g.yaml")
    assert doc.locate(["goals", 0, "area"]) == (4, 11)
    assert doc.locate(["goals", 0, "measure", "target", "value"]) == (8, 23)
    # a missing property: the nearest existing ancestor
    assert doc.locate(["goals", 0, "measure", "unit"]) == (7, 7)
    assert doc.locate(["goals", 5]) == (3, 3)
    assert doc.locate([]) == (1, 1)


def test_locate_json() -> None:
    doc = parse_document('{\n  "goals": [\n    {"id": "x", "area": 3}\n  ]\n}\n', name="g.json")
    assert doc.format == "json"
    assert doc.locate(["goals", 0, "area"]) == (3, 25)


def test_locate_without_text() -> None:
    assert Document(path="x", data={}, format="yaml").locate(["a"]) is None


def test_format_json_path() -> None:
    assert format_json_path(("responses", 0, "answers", 3)) == "$.responses[0].answers[3]"
    assert format_json_path(()) == "$"
    assert format_json_path(("odd key",)) == '$["odd key"]'


BILLION_LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
MANY_ALIASES = "a: &a x\nb: [" + ", ".join(["*a"] * 2000) + "]\n"


@pytest.mark.parametrize(
    ("content", "name", "message", "line"),
    [
        (b"", "e.yaml", "empty", None),
        (b"   \n\n", "e.yaml", "empty", None),
        (b"# just a comment\n", "e.yaml", "empty", None),
        (b"a: \xff\xfe\n", "u.yaml", "not valid UTF-8", 1),
        (b"\xff\xfea\x00:\x00", "u.yaml", "UTF-16", None),
        (b"a: 1\x00\x01\x02", "b.yaml", "binary", None),
        (b"a: [1, 2\nb: 3\n", "s.yaml", "YAML syntax error", 2),
        (b"a: 1\nb: 2\na: 3\n", "d.yaml", "duplicate key 'a'", 3),
        (b"a: !!python/object/apply:os.system [echo hi]\n", "t.yaml", "unsupported YAML tag", 1),
        (b"a: !!python/name:os.system\n", "t.yaml", "unsupported YAML tag", 1),
        (b"a: !!binary aGk=\n", "t.yaml", "unsupported YAML tag", 1),
        (b"a: !!set {x}\n", "t.yaml", "unsupported YAML tag", 1),
        (b"a: !local x\n", "t.yaml", "unsupported YAML tag", 1),
        (BILLION_LAUGHS.encode(), "bomb.yaml", "alias expansion too large", 1),
        (MANY_ALIASES.encode(), "bomb.yaml", "too many alias references", 1),
        (b"a: &a [*a]\n", "r.yaml", "recursive alias", 1),
        (b"a: " + b"[" * 100_000 + b"]" * 100_000, "deep.yaml", "nesting", 1),
        (b"a:\n  " + b"- " * 5000 + b"x\n", "deep.yaml", "nesting deeper", 2),
        (b"- 1\n- 2\n", "l.yaml", "must be a mapping, not a list", 1),
        (b"just text\n", "l.yaml", "must be a mapping, not a str", 1),
        (b"a: 1\n---\nb: 2\n", "m.yaml", "YAML syntax error", 2),
        (b'{"a": 1,\n "a": 2}', "d.json", "duplicate key 'a'", 2),
        (b'{"g": [\n {"id": "a"},\n {"id": "b",\n  "x": "\\"id\\": 1",\n  "id": "c"}]}', "d.json", "duplicate key 'id'", 5),
        (b'{"a": }', "s.json", "JSON syntax error", 1),
        (b'{"a": NaN}', "n.json", "NaN is not valid JSON", 1),
        (b'{"a": "NaN",\n "b": Infinity}', "n.json", "Infinity is not valid JSON", 2),
        (b'{"a": 1,\n "b": -1e999}', "f.json", "too large to read", 2),
        (b"[1, 2]", "l.json", "must be a mapping", 1),
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "deep.json", "nesting deeper", 1),
        (b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}", "deep.json", "nesting deeper", 1),
        (b'{"a": ' + b"9" * 5000 + b"}", "big.json", "more than 4300 digits", 1),
        (b"a: 1\nb: " + b"9" * 5000 + b"\n", "big.yaml", "more than 4300 digits", 2),
        (b'{"a": 1,\n "b": ["ok \\ud83d\\ude00", "x \\ud800 y"]}', "s.json", "unpaired UTF-16", 2),
        (b'{"a": 1,\n "\\udc00": 2}', "k.json", "unpaired UTF-16", 2),
    ],
)
def test_bad_input(content: bytes, name: str, message: str, line: int | None) -> None:
    with pytest.raises(DocumentParseError) as caught:
        parse_document(content, name=name)
    error = caught.value
    assert message in error.message
    assert error.file == name
    assert error.line == line
    assert str(error).startswith(name)
    assert "\n" not in str(error)


def test_depth_limit_is_exact() -> None:
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_document(ok, name="x.yaml").data
    too_deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    with pytest.raises(DocumentParseError, match="nesting"):
        parse_document(too_deep, name="x.yaml")


def test_size_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    assert load_document(path).data["a"].startswith("x")
    with pytest.raises(DocumentParseError, match="larger than the limit of 1000 bytes"):
        load_document(path, max_bytes=1000)


def test_unreadable_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentParseError, match="cannot read file"):
        load_document(tmp_path / "missing.yaml")
    with pytest.raises(DocumentParseError, match="cannot read: it is a folder"):
        load_document(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    from unittest import mock

    denied = PermissionError(13, "Permission denied")
    message = "cannot list this folder: Permission denied"
    with mock.patch("os.listdir", side_effect=denied), pytest.raises(DocumentParseError, match=message):
        load_document(locked)


def test_load_document_keeps_given_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "g.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}')  # a UTF-8 BOM is fine
    doc = load_document(str(path))
    assert doc.path == str(path)
    assert doc.data == {"a": 1}


YAMLISH = st.lists(
    st.sampled_from(
        [*"ab01:-[]{},&*!<>?|'\"#%@`~.\\ \n\t\x00\xe9", "!!python/", "&a ", "*a", "<<: ", "\n  "]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=200))
def test_random_bytes_raise_only_parse_errors(content: bytes) -> None:
    for name in ("x.yaml", "x.json"):
        try:
            doc = parse_document(content, name=name)
        except DocumentParseError:
            continue
        assert isinstance(doc.data, dict)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH)
def test_random_yamlish_text_raises_only_parse_errors(text: str) -> None:
    for name in ("x.yaml", "x.json"):
        try:
            doc = parse_document(text, name=name)
        except DocumentParseError:
            continue
        assert isinstance(doc.data, dict)
        doc.locate(["a", 0, "b"])  # never raises either


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


NESTED = st.recursive(
    st.one_of(st.integers(), st.text(alphabet="ab -:?", max_size=4)),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text("abc", min_size=1), children, max_size=3),
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(value=NESTED, flow=st.booleans())
def test_depth_bound_is_an_upper_bound(value: object, flow: bool) -> None:
    import yaml

    from planengine.io._yaml import _depth_bound

    text = yaml.safe_dump({"a": value}, default_flow_style=flow)
    assert _depth_bound(text) >= _depth({"a": value})
    compact = yaml.safe_dump({"a": value}, default_flow_style=False, indent=2).replace("-   ", "- ")
    assert _depth_bound(compact) >= _depth({"a": value})


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="-? \t\n\r[{a:#", max_size=80))
def test_rough_depth_bound_is_never_below_the_close_one(text: str) -> None:
    """The quick bound answers alone only when the closer one would have answered the same."""
    from planengine.io._yaml import _close_depth_bound, _rough_depth_bound

    flow = text.count("[") + text.count("{")
    assert _rough_depth_bound(text, flow) >= _close_depth_bound(text, flow)


def test_locate_large_yaml_recomposes() -> None:
    from planengine.io._yaml import KEEP_NODES_BELOW

    filler = "".join(f"k{i}: {'x' * 60}\n" for i in range(KEEP_NODES_BELOW // 60))
    doc = parse_document(filler + "last: [1, 2]\n", name="big.yaml")
    assert "root" not in doc._nodes  # not kept: composed again on demand
    line = filler.count("\n") + 1
    assert doc.locate(["last", 1]) == (line, 11)
    small = parse_document("a: [1, 2]\n", name="small.yaml")
    assert "root" in small._nodes
    assert small.locate(["a", 1]) == (1, 8)


def _reference_parse(text: str) -> object:
    """What the safe constructor alone gives for ``text`` (data, or the refusal's message)."""
    from planengine.io._yaml import _Loader, _yaml_error

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return loader.construct_document(node) if node is not None else None
    except Exception as error:
        import yaml

        if isinstance(error, yaml.MarkedYAMLError):
            return ("error", _yaml_error(error, "x.yaml").message)
        return ("error", getattr(error, "message", repr(error)))
    finally:
        loader.dispose()


def _fast_parse(text: str) -> object:
    from planengine.io._yaml import _Loader, _yaml_error

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return loader.construct_fast(node, "&" in text) if node is not None else None
    except Exception as error:
        import yaml

        if isinstance(error, yaml.MarkedYAMLError):
            return ("error", _yaml_error(error, "x.yaml").message)
        return ("error", getattr(error, "message", repr(error)))
    finally:
        loader.dispose()


DIRECT_CASES = [
    "a: 1\nb: [x, 'y', ! z, !!str w, 0x1F, 0o17, -2, +3, 1.5, .inf, -.INF, .nan, ~, null, '']\n",
    "yes: no\non: off\ntrue: TRUE\nFalse: x\n2026-11-01: 2026-11-01 10:00:00\n",
    "!!int 1_000: !!float 1_0.5\n!!bool yes: !!bool off\n!!null x: !!timestamp 2026-01-01\n",
    "a: 1\na: 2\n",
    "0x10: a\n16: b\n",
    "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "s: &s [1, {k: v}]\nt: *s\nu: [*s, *s]\n",
    "!!value a: 1\n",
    "a: !!python/object:os.system x\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!map x\n",
    "a: !!str {k: v}\n",
    "? [a]\n: 1\n",
    "a: !!set {x, y}\n",
    "a: !custom 1\n",
    "- 1\n- 2\n",
    "a: !!bool maybe\n",
    "a: !!int 12z\n",
    "a: !!float 1:30\n",
]


@pytest.mark.parametrize("text", DIRECT_CASES)
def test_direct_builder_matches_safe_constructor(text: str) -> None:
    assert repr(_fast_parse(text)) == repr(_reference_parse(text))


def test_direct_builder_keeps_alias_sharing() -> None:
    data = _fast_parse("s: &s {k: [1]}\nt: *s\n")
    assert isinstance(data, dict)
    assert data["s"] is data["t"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH)
def test_direct_builder_matches_safe_constructor_on_random_text(text: str) -> None:
    from planengine.io._limits import MAX_DEPTH
    from planengine.io._yaml import _depth_bound

    if _depth_bound(text) > MAX_DEPTH:
        return  # refused before composing, by both
    assert repr(_fast_parse(text)) == repr(_reference_parse(text))


@settings(max_examples=200, deadline=None)
@given(value=NESTED, flow=st.booleans())
def test_direct_builder_matches_safe_constructor_on_dumped_data(value: object, flow: bool) -> None:
    import yaml

    text = yaml.safe_dump({"a": value, "b": [value, {"c": value}]}, default_flow_style=flow)
    assert repr(_fast_parse(text)) == repr(_reference_parse(text))


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


def _all_paths(data: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _all_paths(value, (*prefix, key))
        found.append((*prefix, "missing"))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _all_paths(value, (*prefix, index))
        found += [(*prefix, len(data)), (*prefix, -1), (*prefix, "x")]
    return found


@example(data={"\x7f": None}, indent=None, ascii_only=False)  # PyYAML refuses a raw DEL
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=4),
    indent=st.sampled_from([None, 0, 2, 4]),
    ascii_only=st.booleans(),
)
def test_json_positions_match_the_yaml_nodes(
    data: dict, indent: int | None, ascii_only: bool
) -> None:
    """The JSON path scanner gives the positions composing the YAML nodes gives (or defers to it)."""
    import json

    from planengine.io._yaml import compose

    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    try:
        parse_document(text, name="x.json")
    except DocumentParseError:
        return
    nodes = compose(text)
    if nodes is None:  # PyYAML cannot compose this JSON (a raw DEL, say): nothing to compare with
        return
    for path in _all_paths(data):
        scanned = parse_document(text, name="x.json")
        composed = parse_document(text, name="x.json")
        composed._nodes["root"] = nodes
        assert scanned.locate(path) == composed.locate(path), path


def test_a_surrogate_pair_escape_is_one_character_and_accepted() -> None:
    document = parse_document(b'{"a": "ok \\ud83d\\ude00"}', name="pair.json")
    assert document.data == {"a": "ok \U0001f600"}


@given(
    parts=st.lists(
        st.one_of(st.integers(0, 99), st.text(min_size=1, max_size=6)), max_size=5
    )
)
def test_parse_json_path_reverses_format_json_path(parts: list[str | int]) -> None:
    from planengine.io._json_path import parse_json_path

    assert parse_json_path(format_json_path(parts)) == parts


@pytest.mark.parametrize(("text", "flag"), [
    ("a: .nan\n", True), ("a: [1, -.inf]\n", True), ("a: 1.0e+999\n", True),
    ("a: 1.5\nb: '.nan'\n", False), ('{"a": 1.5}', False),
])
def test_documents_say_whether_they_hold_nan_or_infinity(text: str, flag: bool) -> None:
    assert parse_document(text, name="x.yaml").has_non_finite_numbers is flag


def test_the_first_lone_surrogate_is_reported_with_its_own_line_and_path() -> None:
    text = b'{"goals": [\n {"s": "x \\ud800"},\n {"s": "\\udc00 y"}]}'
    with pytest.raises(DocumentParseError) as info:
        parse_document(text, name="s.json")
    assert (info.value.line, info.value.path) == (2, "$.goals[0].s")


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


JSON_DATA = st.dictionaries(
    st.text(alphabet="abc", max_size=2),
    st.recursive(
        st.one_of(st.integers(-5, 5), st.text(alphabet="ab ,:", max_size=3), st.none()),
        lambda inner: st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet="abc", max_size=2), inner, max_size=3),
        max_leaves=10,
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(data=JSON_DATA, indent=st.sampled_from([None, 2]))
def test_json_positions_found_in_any_order_match_the_yaml_nodes(data, indent) -> None:  # type: ignore[no-untyped-def]
    """The JSON scanner notes every child it passes (one decode per file, not per finding): the
    positions it gives, asked in any order, are those libyaml's composer gives."""
    import json

    text = json.dumps(data, indent=indent)
    paths = [*_paths(data), ("missing",), *((*p, "missing") for p in _paths(data))]
    scanned = parse_document(text, name="x.json")
    composed = parse_document(text, name="x.json")
    composed._root()  # the YAML nodes: locate walks them from here on
    for path in reversed(paths):
        assert scanned.locate(path) == composed.locate(path), path
