"""The review_suggestions hook: plugins add suggestions, a crashing plugin is named and skipped,
and no plugin can close or downgrade a risk flag."""

from __future__ import annotations

import datetime as dt
import pathlib
import types

import pytest

from planengine import PluginError, hookimpl
from planengine.io._loader import load_document
from planengine.review import Suggestion, review_goals

AS_OF = dt.date(2026, 11, 25)
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"


def plugin(name: str, impl) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        PLUGIN_NAME=name, __version__="1.0", review_suggestions=hookimpl(impl)
    )


def adds(goal_review, context):
    assert context.as_of == AS_OF
    return [
        Suggestion("homework.check", "check-homework", f"{goal_review.goal_id}: ask about homework")
    ]


def crashes(goal_review, context):
    raise RuntimeError("boom")


def closes_flag(goal_review, context):
    return [
        Suggestion("x.close", "close-risk-flag", "item 9 back to 0"),
        {"rule": "x.ok", "action": "note", "reason": "a mapping is accepted too"},
    ]


def returns_junk(goal_review, context):
    return [42]


def test_plugin_suggestion_is_added_with_its_source() -> None:
    result = review_goals(
        load_document(EXAMPLES / "on-track.yaml"), as_of=AS_OF, plugins=[plugin("homework", adds)]
    )
    found = [s for s in result.goal("mood").suggestions if s.rule == "homework.check"]
    assert len(found) == 1
    assert found[0].source == "plugin:homework@1.0" and found[0].goal_id == "mood"
    assert result.goal("mood").suggestions[0].source == "core"  # core rules first


def test_crashing_plugin_is_named_and_skipped() -> None:
    plugins = [plugin("crashy", crashes), plugin("homework", adds)]
    result = review_goals(load_document(EXAMPLES / "on-track.yaml"), as_of=AS_OF, plugins=plugins)
    failures = [n for n in result.notices if n.code == "plugin.failed"]
    assert failures and all("crashy" in n.message and "boom" in n.message for n in failures)
    assert any(s.rule == "homework.check" for s in result.goal("mood").suggestions)


def test_crashing_plugin_raises_in_strict_mode() -> None:
    with pytest.raises(PluginError, match="crashy"):
        review_goals(
            load_document(EXAMPLES / "on-track.yaml"),
            as_of=AS_OF,
            plugins=[plugin("crashy", crashes)],
            strict_plugins=True,
        )


def test_plugin_cannot_close_a_risk_flag() -> None:
    result = review_goals(
        load_document(EXAMPLES / "risk-item9.yaml"),
        as_of=AS_OF,
        plugins=[plugin("closer", closes_flag)],
    )
    actions = {s.action for s in result.goal("mood").suggestions}
    assert "close-risk-flag" not in actions and "note" in actions
    assert any(n.code == "review.plugin-suggestion-refused" for n in result.notices)
    assert len(result.risk_flags) == 1


def test_plugin_returning_junk_is_reported() -> None:
    result = review_goals(
        load_document(EXAMPLES / "on-track.yaml"),
        as_of=AS_OF,
        plugins=[plugin("junk", returns_junk)],
    )
    assert any(n.code == "plugin.failed" and "junk" in n.message for n in result.notices)


def claims_safety(goal_review, context):
    return [Suggestion("x.safe", "note", "the patient is no longer at risk")]


def raises_midway(goal_review, context):
    yield Suggestion("x.first", "note", "fine")
    raise ZeroDivisionError("midway")


def test_a_suggestion_that_rules_out_risk_is_dropped_and_said() -> None:
    result = review_goals(
        load_document(EXAMPLES / "risk-item9.yaml"), as_of=AS_OF, plugins=[plugin("calm", claims_safety)]
    )
    assert not [s for g in result.goals for s in g.suggestions if s.rule == "x.safe"]
    refused = [n for n in result.notices if n.code == "review.plugin-suggestion-refused"]
    assert refused and "rules out risk" in refused[0].message


def test_a_generator_that_raises_midway_is_named_and_the_review_goes_on() -> None:
    result = review_goals(
        load_document(EXAMPLES / "on-track.yaml"), as_of=AS_OF, plugins=[plugin("gen", raises_midway)]
    )
    failed = [n for n in result.notices if n.code == "plugin.failed"]
    assert failed and "gen" in failed[0].message and "ZeroDivisionError: midway" in failed[0].message
    assert result.goals  # the review itself is intact
    with pytest.raises(PluginError, match="midway"):
        review_goals(
            load_document(EXAMPLES / "on-track.yaml"),
            as_of=AS_OF,
            plugins=[plugin("gen", raises_midway)],
            strict_plugins=True,
        )


def test_suggestions_name_the_version_loading_recorded() -> None:
    from planengine._plugins import load_plugins

    loaded = load_plugins(plugins=[plugin("homework", adds)], autoload=False)
    versions = types.SimpleNamespace(
        manager=loaded.manager, notices=(), version_of=lambda name: "2.5"
    )
    result = review_goals(load_document(EXAMPLES / "on-track.yaml"), as_of=AS_OF, plugins=versions)
    sources = {s.source for g in result.goals for s in g.suggestions if s.rule == "homework.check"}
    assert sources == {"plugin:homework@2.5"}


@pytest.mark.parametrize("action", ["close-goal", "raise-target", "keep", "Close_Goal", " KEEP"])
def test_a_plugin_cannot_close_a_goal_an_open_flag_concerns(action: str) -> None:
    def suggests(goal_review, context):
        return [Suggestion(f"p.{action}", action, "the target was met")]

    data = {
        "planengine": 1,
        "assessments": [
            {"instrument": "phq9", "date": "2026-11-20", "answers": [0, 0, 1, 0, 0, 0, 0, 0, 1]}
        ],
        "goals": [{
            "id": "mood", "area": "depression", "statement": "PHQ-9 below 10",
            "measure": {"instrument": "phq9", "baseline": {"value": 15, "date": "2026-09-01"},
                        "target": {"value": 9, "comparator": "<="}},
            "start_date": "2026-09-01", "due_date": "2027-02-28", "review_interval_days": 28,
            "progress": [{"date": "2026-10-15", "value": 8}],
        }],
    }
    result = review_goals(data, as_of=AS_OF, plugins=[plugin("closer", suggests)])
    assert result.risk_flags  # item 9 answered 1
    assert not [s for s in result.goal("mood").suggestions if s.source.startswith("plugin:")]
    refused = [n for n in result.notices if n.code == "review.plugin-suggestion-refused"]
    assert len(refused) == 1 and "open risk flag concerns this goal" in refused[0].message
    # without the flag, the same suggestion is taken
    data["assessments"][0]["answers"][8] = 0
    calm = review_goals(data, as_of=AS_OF, plugins=[plugin("closer", suggests)])
    assert [s.action for s in calm.goal("mood").suggestions if s.source.startswith("plugin:")] == [action]
