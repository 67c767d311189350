"""attrs' generated methods kept compiled (planengine._attrs_code): a later process takes them
from the cache instead of compiling, and the classes behave exactly as freshly compiled ones
(the same equality, hash, repr, defaults and validation), whatever the process's hash salt; a
damaged cache file is ignored; ``PLANENGINE_NO_CACHE`` turns it off."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from planengine import _attrs_code

#: run in a new process: defines attrs classes through planengine's hook and reports what they do
#: and how many texts were compiled (not taken from the cache)
_PROBE = """
import json, sys
import planengine
from planengine import _attrs_code
import attrs
compiled = []
import builtins
_compile = builtins.compile
def counting(*args, **kwargs):
    compiled.append(args[1] if len(args) > 1 else "")
    return _compile(*args, **kwargs)
builtins.compile = counting

def ours(name, annotations, **fields):  # a class in a planengine module: kept
    namespace = {"__module__": "planengine._probe", "__qualname__": name}
    namespace["__annotations__"] = annotations
    namespace.update(fields)
    return type(name, (), namespace)

Point = attrs.frozen(ours(
    "Point", {"x": "int", "label": "str"},
    label=attrs.field(default="here", validator=attrs.validators.instance_of(str)),
))
Empty = attrs.frozen(ours("Empty", {}))
Bag = attrs.define(ours("Bag", {"items": "list"}, items=attrs.Factory(list)))

@attrs.frozen
class Theirs:  # a program's own class: compiled by attrs every time
    x: int

import planengine.io._location  # planengine's own records, through the same hook
builtins.compile = _compile
point = Point(1)
try:
    Point(2, label=3)
    refused = False
except TypeError:
    refused = True
bag = Bag()
bag.items.append(1)
print(json.dumps({
    "installed": _attrs_code.installed(),
    "attrs_compiled": sum("attrs generated" in name and "planengine" in name for name in compiled),
    "theirs_compiled": sum("__main__.Theirs" in name for name in compiled),
    "theirs": repr(Theirs(3)) + str(Theirs(3) == Theirs(3)),
    "hash": hash(point),
    "empty_hash": hash(Empty()),
    "expected_empty_hash": hash((hash("<attrs generated hash planengine._probe.Empty>"),)),
    "expected_hash": hash((hash("<attrs generated hash planengine._probe.Point>"), 1, "here")),
    "equal": point == Point(1, "here") and point != Point(2),
    "repr": repr(point),
    "refused": refused,
    "bag": repr(bag),
    "fresh_bag": Bag().items,
}))
"""


def _probe(env: dict[str, str], seed: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**env, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture
def env(tmp_path: pathlib.Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "PLANENGINE_NO_CACHE"}
    environment["PLANENGINE_CACHE_DIR"] = str(tmp_path / "cache")
    return environment


def _code_files(env: dict[str, str]) -> list[pathlib.Path]:
    return sorted(pathlib.Path(env["PLANENGINE_CACHE_DIR"]).glob(f"{_attrs_code.CODE_PREFIX}*"))


def _same_behaviour(result: dict[str, object]) -> None:
    assert result["hash"] == result["expected_hash"]
    assert result["empty_hash"] == result["expected_empty_hash"]
    assert result["equal"] is True
    assert result["repr"] == "Point(x=1, label='here')"
    assert result["refused"] is True
    assert result["bag"] == "Bag(items=[1])"
    assert result["fresh_bag"] == []
    assert result["theirs"] == "Theirs(x=3)True"
    assert result["theirs_compiled"] == 1


def test_a_later_process_compiles_nothing_and_the_classes_behave_the_same(
    env: dict[str, str],
) -> None:
    first = _probe(env, "1")
    assert first["installed"] is True
    assert first["attrs_compiled"] >= 3  # Point, Bag and planengine's Location, compiled once
    assert len(_code_files(env)) == 1
    _same_behaviour(first)
    for seed in ("1", "2", "3"):  # another salt: the type hash is put back, not reused
        later = _probe(env, seed)
        assert later["attrs_compiled"] == 0
        _same_behaviour(later)


def test_a_damaged_cache_file_is_ignored_and_written_again(env: dict[str, str]) -> None:
    _probe(env, "1")
    (path,) = _code_files(env)
    raw = path.read_bytes()
    path.write_bytes(raw[:-40] + bytes(40))  # same length, a damaged body
    damaged = _probe(env, "2")
    assert damaged["attrs_compiled"] >= 3
    _same_behaviour(damaged)
    assert path.read_bytes() != raw[:-40] + bytes(40)  # written again, whole
    assert _probe(env, "3")["attrs_compiled"] == 0
    path.write_bytes(raw[: len(raw) // 2])  # truncated
    _same_behaviour(_probe(env, "4"))


def test_no_cache_turns_it_off(env: dict[str, str]) -> None:
    env["PLANENGINE_NO_CACHE"] = "1"
    result = _probe(env, "1")
    assert result["installed"] is False
    assert result["attrs_compiled"] >= 3
    _same_behaviour(result)
    assert _code_files(env) == []


def test_a_text_whose_type_hash_changed_is_put_back_in_every_function() -> None:
    script = "def __hash__(self):\n        return hash((\n                12345,\n        ))\n"
    script += "def __eq__(self, other):\n    return 12345\n"  # only __hash__ holds the type hash
    key, seed = _attrs_code._key(script, "<attrs generated methods x.Y>")
    other_key, other_seed = _attrs_code._key(
        script.replace("12345", "-678", 1), "<attrs generated methods x.Y>"
    )
    assert (key, seed, other_seed) == (other_key, 12345, -678)
    code = _attrs_code._reseeded(compile(script, "f", "exec"), 12345, -678)
    names: dict[str, object] = {}
    exec(code, names)
    assert names["__hash__"](None) == hash((-678,))  # type: ignore[operator]
    assert names["__eq__"](None, None) == 12345  # type: ignore[operator]
