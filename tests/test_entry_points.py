"""The installed entry points kept in the cache (planengine._entry_points): the same answer as
``importlib.metadata``, read again when a distribution is installed, removed or edited."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import pathlib
import sys

import pytest

from planengine import _cache, _entry_points


def _from_importlib(group: str) -> tuple[tuple[object, ...], ...]:
    found = sorted(importlib.metadata.entry_points(group=group), key=lambda ep: ep.name)
    return tuple(
        (ep.name, ep.value, ep.dist.metadata["Name"], ep.dist.metadata["Version"])  # type: ignore[union-attr]
        for ep in found
    )


def _install(site: pathlib.Path, name: str, points: str) -> pathlib.Path:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(points)
    importlib.invalidate_caches()
    return info


def _cached_reads(folder: pathlib.Path) -> int:
    return len(list(folder.glob(f"{_cache.CACHE_PREFIX}entry-points-*.bin")))


def test_the_kept_answer_is_importlib_metadatas(cache_dir: pathlib.Path) -> None:
    first = _entry_points.installed_entry_points("planengine")
    assert first == _from_importlib("planengine")
    assert len(first) >= 11  # the built-in strategies
    assert _cached_reads(cache_dir) == 1
    assert _entry_points.installed_entry_points("planengine") == first
    assert _cached_reads(cache_dir) == 1


def test_installing_editing_and_removing_a_distribution_is_seen(
    cache_dir: pathlib.Path, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = _entry_points.installed_entry_points("planengine")
    info = _install(site, "clinic_extra", "[planengine]\nclinic = clinic_extra:plugin\n")
    added = _entry_points.installed_entry_points("planengine")
    assert ("clinic", "clinic_extra:plugin", "clinic_extra", "1.0") in added
    assert added == _from_importlib("planengine")
    points = info / "entry_points.txt"
    points.write_text("[planengine]\nclinic2 = clinic_extra:other\n")
    os.utime(points, ns=(1, 1))  # edited in place: another time (and size) of the file
    edited = _entry_points.installed_entry_points("planengine")
    assert [p[0] for p in edited if p[2] == "clinic_extra"] == ["clinic2"]
    for item in info.iterdir():
        item.unlink()
    info.rmdir()
    importlib.invalidate_caches()
    assert _entry_points.installed_entry_points("planengine") == before


def test_with_the_cache_off_nothing_is_kept(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PLANENGINE_NO_CACHE", "1")
    assert _entry_points.installed_entry_points("planengine") == _from_importlib("planengine")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    "value",
    [
        "planengine_builtins",
        "planengine_builtins:alcohol",
        "planengine._entry_points:load_entry_point.__name__",
        "planengine_builtins:alcohol [extra]",
        " planengine_builtins : alcohol ",
    ],
)
def test_an_entry_point_loads_what_importlib_metadata_loads(value: str) -> None:
    expected = importlib.metadata.EntryPoint("x", value.strip(), "planengine").load()
    assert _entry_points.load_entry_point(value) is expected


def test_another_finder_of_distributions_bypasses_the_cache(
    cache_dir: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Finder:
        def find_spec(self, *args: object) -> None:
            return None

        def find_distributions(self, *args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    assert _entry_points.installed_entry_points("planengine") == _from_importlib("planengine")
    assert _cached_reads(cache_dir) == 0
