"""Planning settings from [tool.planengine.plan], shared with validate's review-interval maximum."""

from __future__ import annotations

import json
import re

import pytest

from planengine import ConfigError, EngineConfig
from planengine.cli._main import main
from planengine.io._plan_config import engine_config_from_mapping, load_engine_config


def test_defaults_without_a_config_file(tmp_path) -> None:
    assert load_engine_config(start=tmp_path) == EngineConfig()


def test_plan_table_and_shared_maximum(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.planengine]\nmax-review-interval-days = 21\n"
        "[tool.planengine.plan]\nreview-interval-days = 14\nmax-objectives-per-problem = 1\n"
        '[tool.planengine.plan.instrument-overrides.pcl5]\ncutoffs = {"pcl5.provisional" = 33}\n'
    )
    config = load_engine_config(start=tmp_path)
    assert config.max_review_interval_days == 21
    assert config.review_interval_days == 14
    assert config.max_objectives_per_problem == 1
    assert config.instrument_overrides == {"pcl5": {"cutoffs": {"pcl5.provisional": 33}}}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"plan": {"horizon-weeks": 0}}, "positive whole number"),
        ({"plan": {"horizon-weeks": True}}, "positive whole number"),
        ({"plan": {"max-objectives": 2}}, "unknown key plan.max-objectives"),
        ({"plan": {"allow-draft-strategies": "yes"}}, "true or false"),
        ({"plan": {"review-interval-days": 120}}, "above max-review-interval-days"),
        ({"plan": []}, "must be a table"),
    ],
)
def test_bad_values_are_config_errors(table, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        engine_config_from_mapping(table)


def test_cli_uses_the_config_file(tmp_path, capsys, examples_dir) -> None:
    config = tmp_path / "planengine.toml"
    # Strategies set their own review intervals; the organisation's maximum caps them.
    config.write_text(
        "[plan]\nmax-objectives-per-problem = 1\nmax-review-interval-days = 7\nreview-interval-days = 7\n"
    )
    example = str(examples_dir / "moderate-phq9-gad7-isi.yaml")
    code = main(["plan", example, "--as-of", "2026-11-25", "--config", str(config)])
    plan = json.loads(capsys.readouterr().out)
    assert code == 0
    objectives = [o for p in plan["problems"] for o in p["objectives"]]
    assert all(len(p["objectives"]) <= 1 for p in plan["problems"])
    assert all(o["review_interval_days"] <= 7 for o in objectives)
    config.write_text("[plan]\nhorizon-weeks = -1\n")
    assert main(["plan", example, "--as-of", "2026-11-25", "--config", str(config)]) == 2
    assert "plan.horizon-weeks" in capsys.readouterr().err


def test_an_instrument_override_changes_the_cut_off(tmp_path) -> None:
    import datetime as dt

    from planengine import Assessment, Engine, Response

    answers = (2,) * 8 + (1,) * 8 + (0,) * 4  # total 24: below 31, so no provisional finding
    assessment = Assessment(responses=(Response("pcl5", dt.date(2026, 11, 20), answers),))
    plain = Engine(autoload=False).plan(assessment, as_of=dt.date(2026, 11, 25))
    assert not [f for f in plain.findings if f.area == "trauma"]
    lowered = Engine(
        autoload=False,
        config=EngineConfig(instrument_overrides={"pcl5": {"cutoffs": {"pcl5.provisional": 20}}}),
    ).plan(assessment, as_of=dt.date(2026, 11, 25))
    assert [f for f in lowered.findings if f.area == "trauma"]


def test_overrides_for_an_unknown_instrument_are_an_error_not_ignored() -> None:
    from planengine import Engine, EngineConfig
    from planengine._errors import ConfigError

    with pytest.raises(ConfigError, match="unknown instrument 'pcl-5'"):
        Engine(autoload=False, config=EngineConfig(instrument_overrides={"pcl-5": {"cutoffs": {}}}))


def test_an_unknown_top_level_key_is_an_error_for_plan_too() -> None:
    from planengine._errors import ConfigError
    from planengine.io._plan_config import engine_config_from_mapping

    with pytest.raises(ConfigError, match="unknown key 'bogus'"):
        engine_config_from_mapping({"bogus": 1}, where="pyproject.toml")


def test_a_maximum_below_the_default_interval_lowers_the_default() -> None:
    from planengine.io._plan_config import engine_config_from_mapping

    config = engine_config_from_mapping({"max-review-interval-days": 20})
    assert (config.review_interval_days, config.max_review_interval_days) == (20, 20)
    with pytest.raises(ConfigError, match=r"review-interval-days \(28\) is above"):
        engine_config_from_mapping({"max-review-interval-days": 20, "plan": {"review-interval-days": 28}})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"screen_followup_days": -2}, "screen_followup_days must be a positive whole number"),
        ({"horizon_weeks": "12"}, "horizon_weeks must be a positive whole number, not '12'"),
        ({"max_objectives_per_problem": 0}, "max_objectives_per_problem must be a positive"),
        ({"horizon_weeks": 60}, "horizon_weeks (60) is above 52"),
        ({"max_review_interval_days": 14, "review_interval_days": 28}, "review_interval_days (28) is above max_review"),
        ({"allow_draft_strategies": "yes"}, "allow_draft_strategies must be true or false"),
    ],
)
def test_a_config_built_in_code_is_checked_too(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        EngineConfig(**changes)


def test_one_file_gives_the_plan_lint_and_review_settings(tmp_path) -> None:
    import planengine

    (tmp_path / "planengine.toml").write_text(
        "max-review-interval-days = 60\nignore = ['T503']\n"
        "[plan]\nhorizon-weeks = 8\ncrisis-locale = 'GB'\n[review]\nno-response-weeks = 10\n",
        encoding="utf-8",
    )
    config = planengine.load_config(start=tmp_path)
    assert config.file == str(tmp_path / "planengine.toml")
    assert (config.plan.horizon_weeks, config.plan.max_review_interval_days) == (8, 60)
    assert config.lint.max_review_interval_days == 60 and "T503" in config.lint.ignore
    assert (config.review.no_response_weeks, config.review.crisis_locale) == (10, "GB")
    assert planengine.load_config(start=tmp_path / "nothing-here").file == str(tmp_path / "planengine.toml")


def test_every_command_finds_the_config_from_its_first_path(tmp_path, monkeypatch, capsys, examples_dir) -> None:
    """One rule: plan, like validate and review, reads the nearest config file upwards from the
    first path it is given, not from wherever it was started."""
    import shutil

    from planengine.cli._main import main

    project = tmp_path / "clinic"
    project.mkdir()
    (project / "planengine.toml").write_text("[plan]\nmax-objectives-per-problem = 1\n", encoding="utf-8")
    shutil.copy(examples_dir / "mild-sleep-only.yaml", project / "a.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "planengine.toml").write_text("[plan]\nmax-objectives-per-problem = 3\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert main(["plan", str(project / "a.yaml"), "--as-of", "2026-11-25"]) == 0
    import json

    plan = json.loads(capsys.readouterr().out)
    # the clinic's file (one objective a problem), not the working directory's (three)
    assert [len(p["objectives"]) for p in plan["problems"]] == [1]


def test_stepped_care_limits_come_from_the_plan_table() -> None:
    from planengine.io._plan_config import engine_config_from_mapping

    config = engine_config_from_mapping(
        {"plan": {"max-courses-now": 2, "homework-minutes-per-week": 0, "step-up-review-weeks": 2}}
    )
    assert (config.max_courses_now, config.homework_minutes_per_week) == (2, 0)
    assert (config.step_up_review_weeks, config.sequence_review_weeks) == (2, 8)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"max-courses-now": 9}, "plan.max-courses-now must be a whole number from 1 to 3"),
        ({"homework-minutes-per-week": "lots"}, "plan.homework-minutes-per-week must be a whole"),
        ({"max-self-guided-modules": True}, "plan.max-self-guided-modules must be a whole"),
    ],
)
def test_stepped_care_limits_out_of_range_name_the_key(table, expected) -> None:
    from planengine import ConfigError
    from planengine.io._plan_config import engine_config_from_mapping

    with pytest.raises(ConfigError, match=expected):
        engine_config_from_mapping({"plan": table}, where="pyproject.toml")
