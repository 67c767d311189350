"""Session 31, the tester's nits: a missing next_review is said to be missing; review -o makes
its folder as plan -o does."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
import yaml

from planengine.cli._main import main
from planengine.review import review_goals

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"


def test_a_missing_next_review_is_said_to_be_missing() -> None:
    data = yaml.safe_load((EXAMPLES / "disposition.yaml").read_text(encoding="utf-8"))
    del data["risk_dispositions"][0]["next_review"]
    review = review_goals(data, as_of=dt.date(2027, 1, 20), autoload=False)
    messages = [f.message for f in review.findings if "next_review" in f.message]
    assert messages, [f.message for f in review.findings]
    assert all("None" not in m for m in messages)
    assert any("next_review is missing" in m for m in messages)


def test_review_output_into_a_new_folder_makes_it(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ro2" / "x" / "y.txt"
    code = main(["review", "--no-plugins", "--as-of", "2026-11-25", "-o", str(target),
                 str(EXAMPLES / "on-track.yaml")])
    assert code == 1, capsys.readouterr().err
    assert "Reviewed 1 file(s)" in target.read_text(encoding="utf-8")
