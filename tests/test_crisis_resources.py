"""Crisis resources belong to the clinic, not the code (issue 12 item 7).

The shipped lists are data with their sources; a plan or review shows the configured ones beside
any risk-related message, never a default country's; with an open flag and none configured it says
so loudly. Bad configuration is one line naming the key, exit 2, from ``plan`` and ``review``
alike: each file in ``example-files/crisis-config/invalid/`` says the message it expects.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re

import pytest

from plan_helpers import all_steps, assert_valid
from planengine import ConfigError, Engine, EngineConfig, load_assessment
from planengine.cli._main import main
from planengine.io._plan_config import load_engine_config
from planengine.plan._crisis import shipped_locales
from planengine.render._review_formats import render_review
from planengine.review._model import ReviewConfig
from planengine.review._review import review_goals

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CONFIGS = pathlib.Path(__file__).resolve().parent / "example-files" / "crisis-config"
INVALID = sorted((CONFIGS / "invalid").glob("*.toml"))
VALID = sorted((CONFIGS / "valid").glob("*.toml"))
AS_OF = dt.date(2026, 11, 25)
FLAGGED = ["severe-with-risk-flag.yaml", "missing-item9.json"]
REVIEW_FLAGGED = EXAMPLES / "review" / "risk-item9.yaml"
NO_RESOURCES = "No crisis resources are configured for this clinic"
#: the same, as the plan's body says it (clinician read 23, S7)
NO_NUMBERS = "No crisis numbers are set up for this clinic: write the local crisis and emergency numbers in by hand"
#: every number of the shipped lists, so a plan for one locale can be checked for the others'
NUMBERS = {
    code: {r.phone for r in resources if r.phone} | {r.text for r in resources if r.text}
    for code, resources in shipped_locales().items()
}


def _engine(**changes: object) -> Engine:
    return Engine(strict=True, config=EngineConfig(**changes))  # type: ignore[arg-type]


def _without_hash(text: str) -> str:
    """The plan text without its input hash (hex digits can spell any number)."""
    return re.sub(r"[0-9a-f]{64}", "<sha256>", text)


# -- the shipped data -----------------------------------------------------------------------


def test_shipped_data_names_its_sources_and_marks_what_is_unconfirmed() -> None:
    locales = shipped_locales()
    assert set(locales) >= {"US", "GB"}
    for code, resources in locales.items():
        ids = [r.id for r in resources]
        assert len(ids) == len(set(ids))
        for resource in resources:
            assert resource.id.startswith(f"{code.lower()}-")
            assert resource.source == f"data:crisis-resources/{code}"
            assert resource.citation and "https://" in resource.citation and resource.checked_on
            assert resource.availability
            if not resource.confirmed:
                assert resource.note and "nconfirmed" in resource.note
    us = {r.id: r for r in locales["US"]}
    assert (us["us-988-lifeline"].phone, us["us-988-lifeline"].text) == ("988", "988")
    assert us["us-911"].phone == "911"
    gb = {r.id: r for r in locales["GB"]}
    assert gb["gb-samaritans"].phone == "116 123" and gb["gb-samaritans"].confirmed
    assert gb["gb-999"].phone == "999"
    # the menu option's number is disputed between sources: not shipped, and marked unconfirmed
    nhs = gb["gb-nhs-111-mental-health"]
    assert nhs.phone == "111" and not nhs.confirmed and "2" not in (nhs.instructions or "")


# -- plans ----------------------------------------------------------------------------------


def test_no_default_locale() -> None:
    config = EngineConfig()
    assert config.crisis_locale is None and config.crisis_resources == ()
    assert Engine(autoload=False).crisis_resources.resources == ()


@pytest.mark.parametrize("example", FLAGGED)
def test_a_gb_plan_names_no_us_number(example: str) -> None:
    plan = _engine(crisis_locale="GB").plan(load_assessment(str(EXAMPLES / example)), as_of=AS_OF)
    data = plan.to_dict()
    assert_valid("plan", data)
    assert data["risk"]["crisis_locale"] == "GB"
    assert [r["id"] for r in data["risk"]["crisis_resources"]] == [
        "gb-999",  # the emergency number first (clinician read 2, S8)
        "gb-samaritans",
        "gb-nhs-111-mental-health",
    ]
    assert {r["source"] for r in data["risk"]["crisis_resources"]} == {"data:crisis-resources/GB"}
    for text in (plan.to_json(), plan_markdown(plan)):
        text = _without_hash(text)
        assert "988" not in text and "911" not in text
        assert "116 123" in text and "999" in text
    assert "safety.no-crisis-resources" not in {n["code"] for n in data["notices"]}
    # NHS 111's menu option is unconfirmed: the clinician is told, in the plan and beside it
    assert "safety.crisis-resource-unconfirmed" in {n["code"] for n in data["notices"]}


def plan_markdown(plan: object) -> str:
    from planengine.render._plan import render_markdown

    return render_markdown(plan)  # type: ignore[arg-type]


def test_a_us_plan_shows_988_from_the_data() -> None:
    plan = _engine(crisis_locale="US").plan(
        load_assessment(str(EXAMPLES / "severe-with-risk-flag.yaml")), as_of=AS_OF
    )
    resources = plan.to_dict()["risk"]["crisis_resources"]
    assert resources[0]["phone"] == "911"  # the emergency number first (S8)
    assert resources[1]["name"] == "988 Suicide & Crisis Lifeline"
    assert resources[1]["source"] == "data:crisis-resources/US"
    text = _without_hash(plan_markdown(plan))
    assert "call or text 988" in text and "116 123" not in text
    assert not {n.code for n in plan.notices} & {
        "safety.no-crisis-resources",
        "safety.crisis-resource-unconfirmed",
    }


@pytest.mark.parametrize("example", FLAGGED)
def test_an_open_flag_with_nothing_configured_is_loud_and_names_no_number(
    engine: Engine, example: str
) -> None:
    plan = engine.plan(load_assessment(str(EXAMPLES / example)), as_of=AS_OF)
    data = plan.to_dict()
    assert data["risk"]["crisis_resources"] == [] and data["risk"]["crisis_locale"] is None
    assert data["notices"][0]["code"] == "safety.no-crisis-resources"
    assert NO_RESOURCES in data["notices"][0]["message"]
    markdown = plan_markdown(plan)
    block = markdown[markdown.index("### If you are in crisis now") : markdown.index("## Scores")]
    # in plain words above the signature; the setting to change, and the rule id, are kept for
    # the record in the appendix (clinician read 23, S7)
    assert NO_NUMBERS in block and "safety.no-crisis-resources" not in block
    assert "[tool.planengine.plan]" not in block
    appendix = markdown[markdown.index("## How this plan was made") :]
    assert "**safety.no-crisis-resources:**" in appendix
    assert NO_RESOURCES in appendix and "[tool.planengine.plan]" in appendix
    every_number = set().union(*NUMBERS.values())
    assert not [n for n in every_number if n in _without_hash(plan.to_json() + markdown)]
    # the safety step and the statement point at the clinic's list, not at one country's line
    section = next(s for s in all_steps(data) if s["id"] == "safety-plan")["steps"][4]
    assert "clinic's configured list" in section
    # with none set up, the statement asks for the numbers, never for a list that is empty (read 24)
    assert "Offer crisis numbers (none are set up for this clinic: write them in)." in (
        data["risk"]["statement"]
    )


def test_no_flag_and_nothing_configured_needs_no_notice_and_no_block(engine: Engine) -> None:
    plan = engine.plan(load_assessment(str(EXAMPLES / "mild-sleep-only.yaml")), as_of=AS_OF)
    assert not plan.risk_flags
    assert "safety.no-crisis-resources" not in {n.code for n in plan.notices}
    assert "If you are in crisis now" not in plan_markdown(plan)


def test_the_clinic_list_wins_over_the_locale(tmp_path: pathlib.Path) -> None:
    config = load_engine_config(CONFIGS / "valid" / "gb-with-clinic-override.toml")
    plan = Engine(strict=True, config=config).plan(
        load_assessment(str(EXAMPLES / "severe-with-risk-flag.yaml")), as_of=AS_OF
    )
    resources = plan.to_dict()["risk"]["crisis_resources"]
    assert [(r["id"], r["source"]) for r in resources] == [
        ("clinic-1", "config:crisis-resources"),
        ("gb-nhs-111-mental-health", "config:crisis-resources"),  # the clinic's replaces ours
        ("gb-999", "data:crisis-resources/GB"),
        ("gb-samaritans", "data:crisis-resources/GB"),
    ]
    assert resources[1]["instructions"] == "choose option 2" and resources[1]["confirmed"]
    # the clinic vouches for its own: nothing is left unconfirmed
    assert "safety.crisis-resource-unconfirmed" not in {n.code for n in plan.notices}
    markdown = plan_markdown(plan)
    assert markdown.index("Duty clinician") < markdown.index("Samaritans")


def test_resources_only_from_the_clinic() -> None:
    config = load_engine_config(CONFIGS / "valid" / "clinic-only.toml")
    plan = Engine(strict=True, config=config).plan(
        load_assessment(str(EXAMPLES / "severe-with-risk-flag.yaml")), as_of=AS_OF
    )
    data = plan.to_dict()
    assert data["risk"]["crisis_locale"] is None
    assert [r["name"] for r in data["risk"]["crisis_resources"]] == ["Duty clinician"]
    assert "- Duty clinician: call 0123 456 789; weekdays 9am-5pm." in plan_markdown(plan)


@pytest.mark.parametrize("config", VALID, ids=[p.stem for p in VALID])
def test_plans_with_crisis_settings_are_valid_and_repeatable(
    config: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(EXAMPLES / "severe-with-risk-flag.yaml")
    outputs = []
    for fmt in ("json", "json", "markdown", "markdown"):
        code = main(["plan", path, "--as-of", "2026-11-25", "--config", str(config), "--format", fmt])
        out, err = capsys.readouterr()
        assert (code, err) == (0, "")
        outputs.append(out)
    assert outputs[0] == outputs[1] and outputs[2] == outputs[3]
    assert_valid("plan", json.loads(outputs[0]))
    assert "If you are in crisis now" in outputs[2]


def test_config_built_in_code_is_checked_and_named() -> None:
    with pytest.raises(ConfigError, match=r"^crisis_locale must be one of GB, US"):
        EngineConfig(crisis_locale="XX")
    with pytest.raises(ConfigError, match=r"^crisis_resources\[0\]: needs a phone, text or url"):
        EngineConfig(crisis_resources=[{"name": "Duty clinician"}])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match=r"^crisis_locale must be one of"):
        ReviewConfig(crisis_locale="FR")
    config = EngineConfig(crisis_resources=[{"name": "Duty", "phone": "0123"}])  # type: ignore[list-item]
    assert config.crisis_resources[0].source == "config:crisis-resources"


# -- bad configuration on the command line ----------------------------------------------------


def _expected(path: pathlib.Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ")


def _commands(path: pathlib.Path) -> list[str]:
    """The commands a file is for (``# commands: review`` on its second line; default both)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) > 1 and lines[1].startswith("# commands: "):
        return lines[1].removeprefix("# commands: ").split(" (")[0].split(", ")
    return ["plan", "review"]


@pytest.mark.parametrize(
    ("config", "command"),
    [(path, command) for path in INVALID for command in _commands(path)],
    ids=[f"{path.stem}-{command}" for path in INVALID for command in _commands(path)],
)
def test_bad_crisis_config_is_one_line_exit_2(
    config: pathlib.Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = EXAMPLES / "severe-with-risk-flag.yaml" if command == "plan" else REVIEW_FLAGGED
    code = main([command, str(target), "--as-of", "2026-11-25", "--config", str(config)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"planengine: error: {config}: ")
    assert _expected(config) in lines[0]


# -- review ---------------------------------------------------------------------------------


def test_review_shows_the_configured_resources_beside_an_open_flag() -> None:
    from planengine.io._loader import load_document
    from planengine.review._files import ReviewRun

    review = review_goals(
        load_document(REVIEW_FLAGGED),
        as_of=dt.date(2027, 1, 20),
        config=ReviewConfig(crisis_locale="GB"),
    )
    assert review.risk_flags and review.crisis.locale == "GB"
    run = ReviewRun(dt.date(2027, 1, 20), (review,), ())
    for fmt in ("text", "markdown", "html", "json"):
        text = render_review(run, fmt)
        assert "116 123" in text and "988" not in text, fmt
        assert NO_RESOURCES not in text
    data = json.loads(render_review(run, "json"))["reviews"][0]
    assert data["crisis_locale"] == "GB"
    assert data["crisis_resources"][0]["source"] == "data:crisis-resources/GB"


def test_review_with_an_open_flag_and_nothing_configured_is_loud(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for fmt in ("text", "markdown", "html", "json"):
        code = main(["review", str(REVIEW_FLAGGED), "--as-of", "2027-01-20", "--format", fmt])
        out, _ = capsys.readouterr()
        assert code == 1
        assert NO_RESOURCES in out and "safety.no-crisis-resources" in out, fmt
        assert "988" not in out, fmt


def test_review_reads_the_crisis_settings_from_the_plan_table(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = CONFIGS / "valid" / "gb-with-clinic-override.toml"
    code = main(["review", str(REVIEW_FLAGGED), "--as-of", "2027-01-20", "--config", str(config)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert out.index("Duty clinician") < out.index("Samaritans") and "988" not in out


def test_review_without_a_flag_shows_no_crisis_notice() -> None:
    from planengine.io._loader import load_document

    review = review_goals(load_document(EXAMPLES / "review" / "on-track.yaml"), as_of=AS_OF)
    assert not review.risk_flags
    assert not [n for n in review.notices if n.code.startswith("safety.")]


# Clinician read 2, S8: the emergency number first in each locale; England-only services marked.
def test_each_locale_lists_the_emergency_number_first_and_marks_england_only_services() -> None:
    import yaml

    root = pathlib.Path(__file__).resolve().parent.parent
    data = yaml.safe_load((root / "src/planengine/data/crisis-resources.yaml").read_text(encoding="utf-8"))
    for name, locale in data["locales"].items():
        first = locale["resources"][0]
        assert first["phone"] in {"999", "911"} and first["name"] == "Emergency services", name
    gb = {r["id"]: r for r in data["locales"]["GB"]["resources"]}
    assert gb["gb-national-domestic-abuse-helpline"]["region"] == "England"
    assert gb["gb-nhs-111-mental-health"]["region"] == "England"
