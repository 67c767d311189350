"""``render_lint`` and ``render_review`` give the command line's bytes: an embedder gets
``planengine validate``'s SARIF or JUnit and ``planengine review``'s JSON or HTML without a
private import."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import planengine
from planengine import (
    ConfigError,
    load_document,
    render_lint,
    render_review,
    review_goals,
    validate_paths,
)

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "examples" / "review"
AS_OF = dt.date(2026, 12, 7)


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "planengine", *args, "--as-of", AS_OF.isoformat()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_render_lint_is_the_validate_command_s_output(fmt: str) -> None:
    paths = [str(REVIEW / "on-track.yaml"), str(REVIEW / "behind.yaml")]
    report = validate_paths(paths, as_of=AS_OF)
    assert render_lint(report, fmt) == _cli("validate", *paths, "--format", fmt)
    assert render_lint(validate_paths(paths, as_of=AS_OF, fmt=fmt)) == render_lint(report, fmt)


def test_render_lint_statistics_and_unknown_format() -> None:
    paths = [str(REVIEW / "behind.yaml")]
    report = validate_paths(paths, as_of=AS_OF)
    assert render_lint(report, statistics=True) == _cli("validate", *paths, "--statistics")
    with pytest.raises(ConfigError, match="unknown format 'pdf'"):
        render_lint(report, "pdf")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_render_review_is_the_review_command_s_output(fmt: str) -> None:
    files = [REVIEW / "on-track.yaml", REVIEW / "worsening.yaml", REVIEW / "risk-item9.yaml"]
    reviews = [review_goals(load_document(str(f)), as_of=AS_OF) for f in files]
    expected = _cli("review", *map(str, files), "--format", fmt)
    assert render_review(reviews, fmt) == expected
    one = _cli("review", str(files[0]), "--format", fmt)
    assert render_review(reviews[0], fmt) == one


def test_render_review_refuses_what_the_command_cannot_write() -> None:
    on_track = review_goals(load_document(str(REVIEW / "on-track.yaml")), as_of=AS_OF)
    later = review_goals(
        load_document(str(REVIEW / "behind.yaml")), as_of=AS_OF + dt.timedelta(days=1)
    )
    with pytest.raises(ConfigError, match="unknown format 'pdf'"):
        render_review(on_track, "pdf")
    with pytest.raises(ConfigError, match="reviews of one date, not 2"):
        render_review([on_track, later])


def test_both_are_public() -> None:
    assert {"render_lint", "render_review"} <= set(planengine.__all__)
    assert planengine.render_lint.__doc__ and planengine.render_review.__doc__
