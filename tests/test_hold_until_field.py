"""A hold rule's release criterion is its own ``until`` field, never parsed from its reason:
every built-in hold rule has one and the plan names it; a plugin's hold rule may leave it out
(the plan keeps the generic words), a built-in strategy file may not (it is refused, naming the
file and the rule); the schema takes ``until`` only on a hold rule, worded as a clause."""

from __future__ import annotations

import copy
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

import planengine
import planengine_builtins
from plan_helpers import example_plan, steps_by_id
from planengine import DocumentSchemaError, Engine, PluginError
from planengine.render._plan import render_markdown
from planengine.strategies._conditions import Contraindication
from planengine.strategies._strategy import strategy_from_mapping
from planengine.strategies._validation import hold_rule_without_until

STRATEGIES = pathlib.Path(planengine_builtins.__file__).parent / "strategies"
GENERIC = "Held until a clinician has weighed the step's caution"
PSYCHOSIS = (
    "the liaison with the psychosis team has agreed how cognitive work is adapted, paced or "
    "postponed"
)
#: a plan with psychosis documented: cbt holds its cognitive steps until the liaison
EXAMPLE = "psychosis-depression-apnoea.yaml"
HELD_STEP = "self-esteem-restructuring-sessions"


def _hold_rules() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(file name, JSON path, rule)`` of every hold rule in the built-in strategy files."""
    for path in sorted(STRATEGIES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("objectives", "interventions"):
            for index, item in enumerate(data.get(kind, ())):
                for rule_index, rule in enumerate(item.get("contraindications", ())):
                    if rule.get("action") == "hold":
                        where = f"$.{kind}[{index}].contraindications[{rule_index}]"
                        yield path.name, where, rule


HOLD_RULES = list(_hold_rules())


def test_the_built_in_strategies_have_hold_rules() -> None:
    assert len(HOLD_RULES) >= 24
    assert {name for name, _, _ in HOLD_RULES} >= {
        "assertiveness.yaml", "cbt.yaml", "relationships.yaml", "sleep.yaml"
    }


@pytest.mark.parametrize(
    ("name", "where", "rule"), HOLD_RULES, ids=[f"{n}:{w}" for n, w, _ in HOLD_RULES]
)
def test_every_built_in_hold_rule_names_what_releases_it(
    name: str, where: str, rule: dict[str, Any]
) -> None:
    until = rule.get("until")
    assert isinstance(until, str) and until, f"{name} {where}: no until"
    assert until == until.strip() and not until.endswith((".", ";"))
    assert Contraindication.compile(rule).hold_until == until
    assert until in rule["reason"]  # the reason still says it, for the plan's note


def test_no_caution_or_removal_carries_until() -> None:
    for path in sorted(STRATEGIES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        for item in (*data.get("objectives", ()), *data.get("interventions", ())):
            for rule in item.get("contraindications", ()):
                assert "until" not in rule or rule.get("action") == "hold", path.name


def test_the_plan_names_the_until_field(engine: Engine) -> None:
    plan = example_plan(engine, EXAMPLE)
    step = steps_by_id(plan.to_dict())[HELD_STEP]
    assert (step["status"], step["hold"], step["hold_until"]) == (
        "held", "contraindication", PSYCHOSIS
    )
    assert f"**Status:** Held until {PSYCHOSIS}\n" in render_markdown(plan)


def _cbt_copy(tmp_path: pathlib.Path, *, keep_until: bool) -> pathlib.Path:
    """The built-in cbt strategy written to ``tmp_path``, its hold rules' ``until`` kept or
    dropped (their reasons unchanged: still "held until the liaison ...")."""
    data = yaml.safe_load((STRATEGIES / "cbt.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    if not keep_until:
        for item in (*data.get("objectives", ()), *data.get("interventions", ())):
            for rule in item.get("contraindications", ()):
                rule.pop("until", None)
    path = tmp_path / "cbt.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


class _CbtPlugin:
    """A third-party plugin registering a strategy file of its own (cbt's content, as a copy)."""

    PLUGIN_NAME = "cbt-copy"
    __version__ = "0.1.0"

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    @planengine.hookimpl
    def register_strategies(self, register: Any) -> None:
        register(planengine.DataStrategy.from_file(str(self.path), source="cbt-copy"))


@pytest.mark.parametrize(("keep_until", "status"), [(True, f"Held until {PSYCHOSIS}"), (False, GENERIC)])
def test_a_plugins_hold_rule_without_until_keeps_the_generic_words(
    tmp_path: pathlib.Path, keep_until: bool, status: str
) -> None:
    """Through the plugin-loading path: a plugin's hold rule without ``until`` loads, holds its
    step and keeps the generic words, even though its reason opens "held until ..." (the reason
    is never parsed); with ``until``, the plan names it."""
    path = _cbt_copy(tmp_path, keep_until=keep_until)
    assert (hold_rule_without_until(yaml.safe_load(path.read_text())) is None) is keep_until
    engine = Engine(plugins=[_CbtPlugin(path)], autoload=False, strict=True)
    plan = example_plan(engine, EXAMPLE)
    step = steps_by_id(plan.to_dict())[HELD_STEP]
    assert (step["status"], step["hold"]) == ("held", "contraindication")
    assert step.get("hold_until") == (PSYCHOSIS if keep_until else None)
    assert f"**Status:** {status}\n" in render_markdown(plan)


def test_a_built_in_strategy_file_with_a_hold_rule_without_until_is_refused(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _cbt_copy(tmp_path, keep_until=False)
    monkeypatch.setattr(planengine_builtins, "_strategy_path", lambda name: str(path))
    builtin = planengine_builtins.BuiltinStrategy("cbt")
    with pytest.raises(PluginError) as caught:
        Engine(plugins=[builtin], autoload=False, strict=True)
    error = caught.value.__cause__
    assert isinstance(error, DocumentSchemaError)
    assert error.file == str(path)
    assert error.path is not None and error.path.startswith("$.interventions[")
    assert "hold rule 'psychosis' has no 'until'" in str(error)
    assert str(path) in str(caught.value)


def _sleep_data() -> dict[str, Any]:
    """The built-in sleep strategy: it has hold, caution and removal rules on its steps."""
    return yaml.safe_load((STRATEGIES / "sleep.yaml").read_text(encoding="utf-8"))


def _first_rule(data: dict[str, Any], action: str) -> dict[str, Any]:
    return next(
        rule
        for item in data["interventions"]
        for rule in item.get("contraindications", ())
        if rule.get("action", "remove") == action
    )


@pytest.mark.parametrize(
    ("action", "until", "message"),
    [
        ("caution", "the clinician agrees", "'hold' was expected"),
        ("remove", "the clinician agrees", "'hold' was expected"),
        ("hold", "the clinician agrees.", "does not match"),
        ("hold", "", "should be non-empty"),
    ],
)
def test_the_schema_takes_until_only_on_a_hold_rule_as_a_clause(
    action: str, until: str, message: str
) -> None:
    data = _sleep_data()
    rule = _first_rule(data, action)
    rule["until"] = until
    with pytest.raises(DocumentSchemaError) as caught:
        strategy_from_mapping(data)
    assert message in str(caught.value)
    assert ".contraindications[" in (caught.value.path or "")
