"""``format_json_path`` keeps the paths it has written: a kept path is the one it would write."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planengine.io._json_path import format_json_path, json_path_child, parse_json_path

_PARTS = st.lists(st.one_of(st.text(max_size=6), st.integers(0, 40)), max_size=5)


def _written(parts: list[str | int]) -> str:
    out = "$"
    for part in parts:
        out = json_path_child(out, part)
    return out


@given(_PARTS)
def test_kept_path_is_the_written_one_and_reads_back(parts: list[str | int]) -> None:
    first = format_json_path(parts)
    assert first == _written(parts)
    assert format_json_path(tuple(parts)) == first  # the second call is answered from the cache
    assert parse_json_path(first) == parts


def test_an_index_is_not_confused_with_a_key_equal_to_it() -> None:
    # True == 1 and hash(True) == hash(1): a cache keyed on the parts alone would mix them up
    assert format_json_path(("goals", 1)) == "$.goals[1]"
    assert format_json_path(("goals", True)) == _written(["goals", True])
    assert format_json_path(("goals", 1)) == "$.goals[1]"
