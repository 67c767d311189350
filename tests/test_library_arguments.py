"""The library's path and type arguments: one path string is one path (never its characters,
where ``"/"`` would be the filesystem root), a path given where a loaded document is taken is
refused naming the loader, and a wrong-type ``as_of`` is a ``TypeError`` everywhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planengine import (
    check_goals,
    load_document,
    review_goals,
    run_batch,
    validate_paths,
)
from planengine.io._walk import iter_files, path_list

ROOT = Path(__file__).resolve().parent.parent
GOALS = ROOT / "examples" / "review" / "on-track.yaml"
AS_OF = dt.date(2026, 12, 7)


@pytest.mark.parametrize("given", [str(GOALS), GOALS])
def test_one_path_is_one_path(given: str | Path) -> None:
    report = validate_paths(given, as_of=AS_OF, autoload=False)
    assert report.files == (str(GOALS),)
    assert report == validate_paths([given], as_of=AS_OF, autoload=False)


def test_a_slash_in_one_path_string_never_walks_the_root(tmp_path: Path) -> None:
    missing = str(tmp_path / "no" / "such.yaml")  # every character a path would include "/"
    assert iter_files(missing) == [missing]
    report = validate_paths(missing, as_of=AS_OF, autoload=False)
    assert report.files == (missing,)
    assert [v.code for v in report.violations] == ["E001"]
    assert path_list("/") == ["/"]


@pytest.mark.parametrize("given", [b"examples", 7, None])
def test_what_is_not_a_path_is_refused(given: object) -> None:
    with pytest.raises(TypeError, match="paths must be a path or a list of paths"):
        path_list(given)  # type: ignore[arg-type]


def test_run_batch_takes_one_path_like(tmp_path: Path) -> None:
    from planengine import BatchSettings

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.yaml").write_bytes((ROOT / "examples" / "mild-sleep-only.yaml").read_bytes())
    summary = run_batch(inputs, str(tmp_path / "out"), BatchSettings(as_of=AS_OF), jobs=1)
    assert summary.reconciled


@pytest.mark.parametrize("function", [check_goals, review_goals])
@pytest.mark.parametrize("given", [str(GOALS), GOALS])
def test_a_path_where_a_document_is_taken_names_the_loader(function, given) -> None:  # type: ignore[no-untyped-def]
    name = function.__name__
    with pytest.raises(TypeError, match=rf"{name}\(\) takes a Document \(see load_document\)"):
        function(given, as_of=AS_OF, autoload=False)
    function(load_document(str(GOALS)), as_of=AS_OF, autoload=False)  # what the message says


@pytest.mark.parametrize("as_of", ["2026-12-07", dt.datetime(2026, 12, 7), 20261207])
def test_a_wrong_type_as_of_is_a_type_error(as_of: object) -> None:
    document = load_document(str(GOALS))
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date"):
        check_goals(document, as_of=as_of, autoload=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date"):
        review_goals(document, as_of=as_of, autoload=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date"):
        validate_paths([str(GOALS)], as_of=as_of, autoload=False)  # type: ignore[arg-type]


def test_as_of_none_turns_off_the_date_rules_only_in_the_checker() -> None:
    document = load_document(str(GOALS))
    dated = {v.code for v in check_goals(document, as_of=dt.date(2030, 1, 1), autoload=False)}
    undated = {v.code for v in check_goals(document, as_of=None, autoload=False)}
    assert "T503" in dated
    assert not {"T503", "M203"} & undated
    with pytest.raises(TypeError):
        review_goals(document, as_of=None, autoload=False)  # type: ignore[arg-type]
