"""Fuzzing the command line: whatever the assessment, goal file, configuration file or path, every
command exits 0, 1 or 2 with no traceback (3 would be a bug in planengine), and a file that
``validate`` accepts is one the command that consumes it accepts too."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planengine.cli._main import main

ROOT = Path(__file__).parent.parent
ASSESSMENT = yaml.safe_load((ROOT / "examples" / "moderate-phq9-gad7-isi.yaml").read_text())
GOALS = yaml.safe_load((ROOT / "examples" / "review" / "on-track.yaml").read_text())
FUZZ = settings(
    max_examples=int(os.environ.get("PLANENGINE_FUZZ_EXAMPLES", "500")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples every run: a red CI is reproducible
)

_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
    st.text(max_size=12), st.sampled_from(["phq9", "gad7", "isi", "2026-11-20", "9999-12-31",
                                          "sleep", "depression", "", "item9", ">=", "x-"]),
)
_value = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
), max_leaves=12)


def _paths(document: Any) -> list[tuple[Any, ...]]:
    """Every place in ``document`` (key paths) a mutation can change."""
    found: list[tuple[Any, ...]] = [()]
    if isinstance(document, dict):
        for key, value in document.items():
            found += [(key, *rest) for rest in _paths(value)]
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += [(index, *rest) for rest in _paths(value)]
    return found


@st.composite
def _mutated(draw: st.DrawFn, original: Any) -> Any:
    """``original`` with one to three places replaced, deleted or given a stray key."""
    document = json.loads(json.dumps(original, default=str))
    for _ in range(draw(st.integers(1, 3))):
        places = _paths(document)
        where = draw(st.sampled_from(places))
        if not where:
            return draw(_value)
        parent = document
        for step in where[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "stray"]))
        if action == "replace":
            parent[where[-1]] = draw(_value)
        elif action == "delete":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(_value)
    return document


def _run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(list(argv))
    _, err = capsys.readouterr()
    return code, err


def _write(folder: Path, name: str, document: Any, as_json: bool) -> Path:
    path = folder / name
    text = json.dumps(document, default=str) if as_json else yaml.safe_dump(document)
    path.write_text(text, encoding="utf-8")
    return path


def _assert_clean(code: int, err: str) -> None:
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


@FUZZ
@given(document=_mutated(ASSESSMENT), as_json=st.booleans())
def test_any_assessment_gives_a_plan_or_an_input_error(
    document: Any, as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "a.json" if as_json else "a.yaml", document, as_json)
        code, err = _run("plan", str(path), "--as-of", "2026-11-25", capsys=capsys)
        _assert_clean(code, err)
        checked, err = _run("validate", "--schema", "assessment", str(path),
                            "--as-of", "2026-11-25", capsys=capsys)
        _assert_clean(checked, err)
        if checked == 0:  # what validate accepts, plan takes
            assert code == 0, err


@FUZZ
@given(document=_mutated(GOALS), as_json=st.booleans())
def test_any_goal_file_gives_a_review_or_an_input_error(
    document: Any, as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), "g.json" if as_json else "g.yaml", document, as_json)
        reviewed, err = _run("review", str(path), "--as-of", "2027-01-20", capsys=capsys)
        _assert_clean(reviewed, err)
        checked, err = _run("validate", str(path), "--as-of", "2027-01-20", capsys=capsys)
        _assert_clean(checked, err)


_config_text = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda section, key, value: f"[{section}]\n{key} = {value}\n",
        st.sampled_from(["tool.planengine", "tool.planengine.plan", "tool.planengine.review",
                         "tool", "tool.planengine.documents", "plan"]),
        st.sampled_from(["select", "ignore", "max-courses-now", "homework-minutes-per-week",
                         "tolerance", "crisis-locale", "planengine", "x"]),
        st.sampled_from(['"x"', "0", "-1", "1e400", "[1, 2]", "{a = 1}", "true", '"\\u0000"',
                         "99999999999999999999999"]),
    ),
)


@FUZZ
@given(text=_config_text, name=st.sampled_from(["pyproject.toml", "planengine.toml"]),
       command=st.sampled_from(["plan", "validate", "review"]))
def test_any_configuration_file_is_read_or_refused_in_one_line(
    text: str, name: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_text(text, encoding="utf-8", errors="surrogateescape")
        source = ASSESSMENT if command == "plan" else GOALS
        path = _write(Path(folder), "in.yaml", source, False)
        as_of = "2026-11-25" if command == "plan" else "2027-01-20"
        code, err = _run(command, str(path), "--as-of", as_of, capsys=capsys)
        _assert_clean(code, err)


@FUZZ
@given(name=st.text(min_size=1, max_size=20).filter(lambda n: "\x00" not in n and "/" not in n),
       command=st.sampled_from(["plan", "validate", "review"]))
def test_any_path_is_read_or_reported_in_one_line(
    name: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        missing = str(Path(folder) / name)
        code, err = _run(command, missing, "--as-of", "2026-11-25", capsys=capsys)
        _assert_clean(code, err)
        assert code in (1, 2)  # a missing file is never a pass
