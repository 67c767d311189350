"""The shipped ``.pre-commit-hooks.yaml``, run by pre-commit itself against a sample repository.

Needs the ``pre-commit`` package (in the test extra) and git. The first test installs the hook the
way users get it (``language: python``: pre-commit builds a virtualenv and pip-installs planengine
from a git repository), which needs PyPI for the dependencies; the second runs the same hook
definition against the installed planengine (``repo: local``) and needs nothing from outside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).parent / "example-files" / "smart"

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


def _pre_commit() -> list[str]:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    return [sys.executable, "-m", "pre_commit"]


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _sample_repo(path: Path, config: dict) -> Path:
    path.mkdir()
    _git(path, "init", "-q")
    (path / "goals").mkdir()
    shutil.copy(EXAMPLES / "valid" / "sleep-onset.yaml", path / "goals" / "sleep.yaml")
    shutil.copy(EXAMPLES / "invalid" / "M203.yaml", path / "goals" / "no-baseline.yaml")
    (path / "other.yaml").write_text("not: [a goal file]\n")  # outside goals/: not checked
    (path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    _git(path, "add", "-A")
    return path


def _run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [*_pre_commit(), "run", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _hook_definition() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["planengine-validate"]
    return hooks[0]


def _check_results(repo: Path, home: Path) -> None:
    failed = _run(repo, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "goals/no-baseline.yaml" in failed.stdout and "M203 [M] no baseline" in failed.stdout
    assert "other.yaml" not in failed.stdout
    (repo / "goals" / "no-baseline.yaml").unlink()
    _git(repo, "add", "-A")
    passed = _run(repo, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_hook_with_local_repo(tmp_path: Path) -> None:
    """The shipped hook definition, run by pre-commit against this environment's planengine."""
    hook = _hook_definition()
    local = {
        **hook,
        "language": "system",
        "entry": f"{sys.executable} -m planengine validate --as-of 2026-12-15",
    }
    repo = _sample_repo(tmp_path / "sample", {"repos": [{"repo": "local", "hooks": [local]}]})
    _check_results(repo, tmp_path / "home")


def test_hook_installed_by_pre_commit(tmp_path: Path) -> None:
    """What users run: pre-commit clones planengine at a revision and installs it (needs PyPI)."""
    _pre_commit()
    if os.environ.get("PLANENGINE_SKIP_NETWORK_TESTS"):
        pytest.skip("PLANENGINE_SKIP_NETWORK_TESTS is set")
    hook_repo = tmp_path / "planengine"
    hook_repo.mkdir()
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, hook_repo / name)
    if not (hook_repo / "README.md").exists():
        (hook_repo / "README.md").write_text("planengine\n")
    for folder in ("src", "schemas", "plugins"):
        if (ROOT / folder).exists():
            shutil.copytree(
                ROOT / folder,
                hook_repo / folder,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-q", "-m", "snapshot")
    rev = _git(hook_repo, "rev-parse", "HEAD")
    config = {
        "repos": [
            {
                "repo": str(hook_repo),
                "rev": rev,
                "hooks": [{"id": "planengine-validate", "args": ["--as-of", "2026-12-15"]}],
            }
        ]
    }
    repo = _sample_repo(tmp_path / "sample", config)
    _check_results(repo, tmp_path / "home")
