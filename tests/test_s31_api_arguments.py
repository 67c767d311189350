"""Session 31, the tester's findings on the Python API's argument checks: a wrong argument is a
TypeError naming it (or, for nothing to check, exit code 2 as on the command line), never an
AttributeError from deep inside or a silent no-op."""

from __future__ import annotations

import datetime as dt

import pytest

import planengine as pe

D = dt.date(2027, 1, 20)


def test_block_as_one_name_blocks_it() -> None:
    names = {i.name for i in pe.Engine(block="sleep").plugin_infos}
    assert "sleep" not in names
    assert names == {i.name for i in pe.Engine(block=["sleep"]).plugin_infos}


@pytest.mark.parametrize("plugins", [[1], [None], ["sleep"], "sleep"])
def test_plugins_that_are_not_plugins_are_refused(plugins: object) -> None:
    with pytest.raises(TypeError, match="plugins"):
        pe.Engine(plugins=plugins, autoload=False)  # type: ignore[arg-type]


def test_config_of_another_type_is_refused() -> None:
    with pytest.raises(TypeError, match="config must be an EngineConfig"):
        pe.Engine(config=1)  # type: ignore[arg-type]


def test_validating_nothing_is_exit_code_2_as_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert pe.validate_paths([], as_of=D, autoload=False).exit_code == 2
    assert pe.validate_paths(tmp_path, as_of=D, autoload=False).exit_code == 2


def test_review_goals_reports_a_bad_mapping_and_raises_for_no_mapping() -> None:
    review = pe.review_goals({}, as_of=D, autoload=False)
    assert review.exit_code == 2 and review.goals == ()
    with pytest.raises(pe.InputError):
        pe.review_goals([], as_of=D, autoload=False)  # type: ignore[arg-type]


def test_the_text_of_a_file_is_not_a_path() -> None:
    with pytest.raises(TypeError, match="load_assessment: path"):
        pe.load_assessment(b"planengine: 1\n")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="load_document: path"):
        pe.load_document(b"planengine: 1\n")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda: pe.render_markdown(None),
        lambda: pe.render_html(None),
        lambda: pe.render_patient(None),
        lambda: pe.render_goals(None),
        lambda: pe.plan_to_goal_document(None),
        lambda: pe.render_lint(None, "text"),
    ],
)
def test_renderers_name_what_they_take(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=r"(plan|report) must be a planengine\."):
        call()
