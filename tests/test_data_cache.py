"""The checked-data cache (planengine._cache): an unchanged data file is read from the cache
without being parsed or checked again; a changed, damaged or unwritable cache never changes a
result or stops a command."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from planengine import _cache
from planengine._errors import DocumentSchemaError
from planengine.instruments import _data_files
from planengine.strategies import _strategy

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BUILTIN_STRATEGIES = ROOT / "plugins" / "planengine_builtins" / "strategies"
BUILTIN_INSTRUMENTS = ROOT / "src" / "planengine" / "data" / "instruments"


def _entries(folder: pathlib.Path, kind: str = "*") -> list[pathlib.Path]:
    """The cache entries of one kind of file (strategy, instrument, yaml)."""
    return sorted(folder.glob(f"{_cache.CACHE_PREFIX}{kind}-*.bin")) if folder.exists() else []


def _load_strategy(path: pathlib.Path) -> _strategy.DataStrategy:
    """The strategy file loaded as on a new start (the in-process memo skipped)."""
    return _strategy._load_strategy_file.__wrapped__(str(path), "test")


class _Counter:
    """Counts calls to the data checks (the cache must spare them, not only time)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        for module, name in [
            (_strategy, "check_strategy_document"),
            (_data_files, "instrument_from_mapping"),
        ]:
            original = getattr(module, name)

            def counted(*args: object, _original=original, _name=name, **kwargs: object) -> object:
                self.calls.append(_name)
                return _original(*args, **kwargs)

            monkeypatch.setattr(module, name, counted)


def test_an_unchanged_strategy_file_is_not_checked_again(cache_dir, tmp_path, monkeypatch) -> None:
    source = tmp_path / "sleep.yaml"
    source.write_bytes((BUILTIN_STRATEGIES / "sleep.yaml").read_bytes())
    counter = _Counter(monkeypatch)
    first = _load_strategy(source)
    assert counter.calls == ["check_strategy_document"]
    assert len(_entries(cache_dir, "strategy")) == 1
    second = _load_strategy(source)
    assert counter.calls == ["check_strategy_document"]  # read from the cache: no check
    assert second.data == first.data and second.label == first.label


def test_an_edited_strategy_file_is_checked_and_cached_again(cache_dir, tmp_path) -> None:
    source = tmp_path / "sleep.yaml"
    text = (BUILTIN_STRATEGIES / "sleep.yaml").read_text("utf-8")
    source.write_text(text, "utf-8")
    before = _load_strategy(source)
    renamed = text.replace(f"name: {before.name}", "name: Sleep, edited", 1)
    assert renamed != text
    source.write_text(renamed, "utf-8")
    assert _load_strategy(source).name == "Sleep, edited"
    assert len(_entries(cache_dir, "strategy")) == 2
    # an edit that breaks a data rule is refused, whatever an older entry holds
    source.write_text(text.replace("citations: [", "citations: [NOT-DEFINED, ", 1), "utf-8")
    with pytest.raises(DocumentSchemaError, match="NOT-DEFINED"):
        _load_strategy(source)
    # and an edit that claims there is no risk, which only a clinician can say
    source.write_text(text.replace(f"name: {before.name}", "name: No risk of suicide", 1), "utf-8")
    with pytest.raises(DocumentSchemaError, match="rules out risk"):
        _load_strategy(source)
    assert len(_entries(cache_dir, "strategy")) == 2  # nothing that failed a check was cached


def test_a_plugin_instrument_file_is_checked_once(cache_dir, tmp_path, monkeypatch) -> None:
    source = tmp_path / "phq9.yaml"
    source.write_bytes((BUILTIN_INSTRUMENTS / "phq9.yaml").read_bytes())
    counter = _Counter(monkeypatch)
    first = _data_files.load_instrument_file(source, source="plugin-x")
    second = _data_files.load_instrument_file(source, source="plugin-x")
    assert counter.calls == ["instrument_from_mapping"]
    assert repr(second) == repr(first) and second.source == "plugin-x"
    source.write_text(source.read_text("utf-8").replace("name:", "name: Edited", 1), "utf-8")
    third = _data_files.load_instrument_file(source, source="plugin-x")
    assert counter.calls == ["instrument_from_mapping"] * 2
    assert third.name.startswith("Edited")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[:-1] + bytes([raw[-1] ^ 0xFF]), id="a byte changed"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: b"not a cache entry at all\n" * 10, id="garbage"),
        pytest.param(lambda raw: raw.replace(b"checked-data-", b"checked-data-9", 1), id="layout"),
    ],
)
def test_a_damaged_entry_is_ignored_and_written_again(cache_dir, tmp_path, damage) -> None:
    source = tmp_path / "cbt.yaml"
    source.write_bytes((BUILTIN_STRATEGIES / "cbt.yaml").read_bytes())
    expected = _load_strategy(source).data
    [entry] = _entries(cache_dir, "strategy")
    whole = entry.read_bytes()
    entry.write_bytes(damage(whole))
    assert _load_strategy(source).data == expected
    assert entry.read_bytes() == whole  # replaced by a whole entry


def test_an_entry_of_another_file_under_this_name_is_not_trusted(cache_dir, tmp_path) -> None:
    """An entry renamed onto another file's key (or a key collision) is refused: an entry holds
    its own key."""
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_bytes((BUILTIN_STRATEGIES / "cbt.yaml").read_bytes())
    two.write_bytes((BUILTIN_STRATEGIES / "ba.yaml").read_bytes())
    _load_strategy(one)
    [first] = _entries(cache_dir, "strategy")
    _load_strategy(two)
    [second] = [entry for entry in _entries(cache_dir, "strategy") if entry != first]
    second.write_bytes(first.read_bytes())
    assert _load_strategy(two).id == "behavioural-activation"


def test_no_writable_cache_folder_still_works(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(blocker / "cache"))
    source = tmp_path / "sleep.yaml"
    source.write_bytes((BUILTIN_STRATEGIES / "sleep.yaml").read_bytes())
    assert _load_strategy(source).id == "sleep"
    assert _load_strategy(source).id == "sleep"
    assert not (blocker / "cache").exists()


def test_no_cache_reads_and_writes_nothing(cache_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANENGINE_NO_CACHE", "1")
    counter = _Counter(monkeypatch)
    source = tmp_path / "sleep.yaml"
    source.write_bytes((BUILTIN_STRATEGIES / "sleep.yaml").read_bytes())
    _load_strategy(source)
    _load_strategy(source)
    assert counter.calls == ["check_strategy_document"] * 2
    assert _entries(cache_dir) == []


def test_a_changed_check_makes_new_entries(cache_dir, monkeypatch) -> None:
    """The key covers the files that decide the checks: a changed one is a new key."""
    monkeypatch.setattr(_cache, "_fingerprint", [])
    before = _cache._key("strategy", b"same bytes")
    monkeypatch.setattr(_cache, "_fingerprint", [b"another version of the checks"])
    assert _cache._key("strategy", b"same bytes") != before
    monkeypatch.setattr(_cache, "_fingerprint", [])
    assert _cache._key("strategy", b"same bytes") == before
    assert _cache._key("instrument", b"same bytes") != before


def test_an_upgraded_checking_library_makes_new_entries(tmp_path, monkeypatch) -> None:
    """The versions of the libraries the checks use (from their dist-info folders beside
    planengine) are in every key."""
    package = tmp_path / "site" / "planengine"
    package.mkdir(parents=True)
    (tmp_path / "site" / "confusable_homoglyphs-3.3.1.dist-info").mkdir()
    (tmp_path / "site" / "unrelated-1.0.dist-info").mkdir()
    monkeypatch.setattr(_cache, "_PACKAGE", str(package))
    monkeypatch.setattr(_cache, "_fingerprint", [])
    before = _cache._key("strategy", b"same bytes")
    (tmp_path / "site" / "unrelated-1.0.dist-info").rename(
        tmp_path / "site" / "unrelated-2.0.dist-info"
    )
    monkeypatch.setattr(_cache, "_fingerprint", [])
    assert _cache._key("strategy", b"same bytes") == before
    (tmp_path / "site" / "confusable_homoglyphs-3.3.1.dist-info").rename(
        tmp_path / "site" / "confusable_homoglyphs-3.4.0.dist-info"
    )
    monkeypatch.setattr(_cache, "_fingerprint", [])
    assert _cache._key("strategy", b"same bytes") != before


def test_data_marshal_cannot_hold_is_built_each_time(cache_dir) -> None:
    import datetime as dt

    calls = []

    def build(content: bytes) -> object:
        calls.append(content)
        return {"when": dt.date(2026, 1, 1)}

    assert _cache.checked_data("dated", b"x", build) == {"when": dt.date(2026, 1, 1)}
    assert _cache.checked_data("dated", b"x", build) == {"when": dt.date(2026, 1, 1)}
    assert len(calls) == 2 and _entries(cache_dir) == []


def test_clear_removes_the_entries(cache_dir, tmp_path) -> None:
    source = tmp_path / "sleep.yaml"
    source.write_bytes((BUILTIN_STRATEGIES / "sleep.yaml").read_bytes())
    _load_strategy(source)
    (cache_dir / "someone-elses-file.txt").write_text("kept", "utf-8")
    made = len(_entries(cache_dir))
    assert made >= 1
    assert _cache.clear_cache() == (str(cache_dir), made)
    assert _entries(cache_dir) == []
    assert (cache_dir / "someone-elses-file.txt").exists()


# -- whole processes ------------------------------------------------------------------------------

#: Plans every example (JSON) and reports which data checks ran, in one process.
_PLAN_EVERY_EXAMPLE = """
import json, sys
from planengine.strategies import _strategy
from planengine.instruments import _data_files
from planengine.io import _schema_check
from planengine import _vocabulary
calls = []
def counting(module, name):
    original = getattr(module, name)
    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)
    setattr(module, name, counted)
counting(_strategy, "check_strategy_document")
counting(_data_files, "instrument_from_mapping")
counting(_schema_check, "check_schema")
counting(_vocabulary, "_compiled_vocabulary")
import datetime as dt
from planengine import Engine
from planengine.io._assessment import load_assessment
engine = Engine(strict=True)
started = list(calls)
out = {}
for path in sys.argv[1:]:
    plan = engine.plan(load_assessment(path), as_of=dt.date(2026, 11, 25))
    out[path] = plan.to_json()
print(json.dumps({"start_checks": started, "plans": out}))
"""


def _plan_every_example(env: dict[str, str]) -> dict[str, object]:
    paths = sorted(str(p) for p in EXAMPLES.glob("*.y*ml")) + sorted(
        str(p) for p in EXAMPLES.glob("*.json")
    )
    done = subprocess.run(
        [sys.executable, "-c", _PLAN_EVERY_EXAMPLE, *paths],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_outputs_are_the_same_with_and_without_the_cache(tmp_path) -> None:
    """Every example's plan JSON is byte-identical without a cache, while the cache is made, and
    read from it; and a start with the cache made checks no data file."""
    base = {k: v for k, v in os.environ.items() if k not in ("PLANENGINE_NO_CACHE",)}
    base["PLANENGINE_CACHE_DIR"] = str(tmp_path / "cache")
    without = _plan_every_example({**base, "PLANENGINE_NO_CACHE": "1"})
    making = _plan_every_example(base)
    reading = _plan_every_example(base)
    assert without["plans"] and without["plans"] == making["plans"] == reading["plans"]
    # the checks ran where there was no cache, and not at all once it was made
    assert "check_strategy_document" in without["start_checks"]
    assert "instrument_from_mapping" in without["start_checks"]
    assert "_compiled_vocabulary" in without["start_checks"]
    assert "check_strategy_document" in making["start_checks"]
    assert reading["start_checks"] == []


def test_the_cache_command_prints_and_clears_the_folder(cache_dir, tmp_path, capsys) -> None:
    from planengine.cli._main import main

    source = tmp_path / "sleep.yaml"
    source.write_bytes((BUILTIN_STRATEGIES / "sleep.yaml").read_bytes())
    _load_strategy(source)
    made = len(_entries(cache_dir))
    assert main(["cache"]) == 0
    assert capsys.readouterr().out == f"{cache_dir}\n"
    assert main(["cache", "clear"]) == 0
    noun = "file" if made == 1 else "files"
    assert capsys.readouterr().out == f"removed {made} {noun} from {cache_dir}\n"
    assert _entries(cache_dir) == []
