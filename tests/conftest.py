"""Shared fixtures: one engine per session (building it loads plugins and data once)."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import pathlib
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

from planengine import Engine

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.load_profile("default")

# A bug that the command line would report as "internal error" raises in the tests instead (also in
# the subprocesses they start), so no test can pass over one.
os.environ["PLANENGINE_DEBUG"] = "1"

# The checked-data cache (planengine._cache) of this test run, not the user's: every run starts
# with none, so the first use in each process builds it and later ones read it, as for a user.
if "PLANENGINE_CACHE_DIR" not in os.environ:
    _cache_dir = tempfile.mkdtemp(prefix="planengine-test-cache-")
    os.environ["PLANENGINE_CACHE_DIR"] = _cache_dir
    atexit.register(shutil.rmtree, _cache_dir, ignore_errors=True)

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine with every installed plugin (the built-ins), strict so failures surface."""
    return Engine(strict=True)


@pytest.fixture(scope="session")
def examples_dir() -> pathlib.Path:
    """The repository's examples folder."""
    return EXAMPLES


@pytest.fixture
def cache_dir(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """An empty cache folder of this test's own, with the cache on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLANENGINE_CACHE_DIR", str(folder))
    monkeypatch.delenv("PLANENGINE_NO_CACHE", raising=False)
    return folder
