"""The lemma lookup lines from their cache file (planengine.smart._lemma_table): the same lines,
searched the same way, as sorting lemminflect's table on every run."""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine.smart import _lemma_table
from planengine.smart._lemma_table import SortedLines, sorted_lines

lines_lists = st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))


@given(lines=lines_lists, key=st.text(max_size=4))
def test_bisection_finds_what_it_finds_in_the_sorted_list(lines: list[str], key: str) -> None:
    """Lines without line breaks, as ``splitlines`` gives them."""
    lines = [line for text in lines for line in text.splitlines()]
    table = SortedLines.of(lines)
    assert list(table) == sorted(lines)
    assert bisect.bisect_left(table, key) == bisect.bisect_left(sorted(lines), key)
    assert list(SortedLines.from_bytes(table.to_bytes())) == sorted(lines)


@given(lines=lines_lists, prefix=st.text(max_size=3))
def test_the_lines_starting_with_a_prefix_are_those_of_the_sorted_list(
    lines: list[str], prefix: str
) -> None:
    """The search on the lines' bytes finds what filtering the sorted strings finds, in a table
    built in memory and in one read from its cache file's bytes."""
    lines = [line for text in lines for line in text.splitlines()]
    expected = [line for line in sorted(lines) if line.startswith(prefix)]
    table = SortedLines.of(lines)
    assert table.starting_with(prefix) == expected
    assert SortedLines.from_bytes(table.to_bytes()).starting_with(prefix) == expected


def test_a_word_of_the_table_is_found_with_every_reading() -> None:
    table = SortedLines.of(["felt,verb,feel", "feel,verb,feel", "felt,noun,felt", "fell,verb,fall"])
    assert table.starting_with("felt,") == ["felt,noun,felt", "felt,verb,feel"]
    assert table.starting_with("fel") == ["fell,verb,fall", "felt,noun,felt", "felt,verb,feel"]
    assert table.starting_with("zz,") == []


def test_a_damaged_cache_file_is_refused() -> None:
    data = SortedLines.of(["b,verb,b", "a,noun,a"]).to_bytes()
    for damaged in (data[:-1], b"x" + data, data[:10]):
        with pytest.raises(ValueError):
            SortedLines.from_bytes(damaged)


def _source(tmp_path, lines: list[str]) -> str:
    path = tmp_path / "table.csv.gz"
    path.write_bytes(gzip.compress("".join(line + "\n" for line in lines).encode()))
    return str(path)


def test_the_cache_is_built_once_then_read(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(tmp_path / "cache"))
    source = _source(tmp_path, ["walks,verb,walk", "ran,verb,run"])
    assert list(sorted_lines(source)) == ["ran,verb,run", "walks,verb,walk"]
    (cached,) = (tmp_path / "cache").iterdir()

    def fail(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("rebuilt although cached")

    monkeypatch.setattr(_lemma_table.zlib, "decompress", fail)
    assert list(sorted_lines(source)) == ["ran,verb,run", "walks,verb,walk"]
    monkeypatch.undo()
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(tmp_path / "cache"))
    changed = _source(tmp_path, ["felt,verb,feel"])  # a new table: a new cache file
    assert list(sorted_lines(changed)) == ["felt,verb,feel"]
    assert len(list((tmp_path / "cache").iterdir())) == 2 and cached.exists()


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(blocker / "cache"))
    assert list(sorted_lines(_source(tmp_path, ["b", "a"]))) == ["a", "b"]


def test_the_cached_table_is_lemminflects_table_sorted(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(tmp_path))
    spec = importlib.util.find_spec("lemminflect")
    assert spec is not None and spec.submodule_search_locations
    path = os.path.join(spec.submodule_search_locations[0], "resources", "lemma_lu.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        expected = sorted(f.read().splitlines())
    assert list(sorted_lines(path)) == expected  # built
    assert list(sorted_lines(path)) == expected  # read back


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"PLANENGINE_CACHE_DIR": "/c"}, "/c"),
        ({"XDG_CACHE_HOME": "/x"}, os.path.join("/x", "planengine")),
        ({"HOME": "/h"}, os.path.join("/h", ".cache", "planengine")),
        ({"HOME": "relative"}, None),  # never a folder under the working directory
    ],
)
def test_the_cache_folder(monkeypatch, environment: dict[str, str], expected: str | None) -> None:
    for name in ("PLANENGINE_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _lemma_table.cache_folder() == expected


def test_no_cache_folder_builds_in_memory(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(_lemma_table, "cache_folder", lambda: None)
    assert list(sorted_lines(_source(tmp_path, ["b", "a"]))) == ["a", "b"]
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv.gz"]
