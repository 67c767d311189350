"""The documented vocabularies agree with the schemas (goal linking: ``test_goal_words.py``)."""

from __future__ import annotations

import json
import pathlib

import pytest

from planengine import schemas
from planengine._vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
REQUIRED_AREAS = {
    "depression", "anxiety", "stress", "sleep", "trauma", "self-esteem", "assertiveness",
    "relationships", "emotional-awareness", "lifestyle", "wellbeing", "alcohol",
}
REQUIRED_CONDITIONS = {
    "bipolar-disorder", "seizure-disorder", "hazardous-occupation", "psychosis",
    "eating-disorder", "cardiac-condition", "pregnancy",
}


def test_vocabulary_covers_the_documented_ids() -> None:
    assert set(VOCABULARY.areas) >= REQUIRED_AREAS
    assert set(VOCABULARY.conditions) >= REQUIRED_CONDITIONS
    for entry in [*VOCABULARY.areas.values(), *VOCABULARY.conditions.values()]:
        assert entry["title"] and entry["description"]


def test_the_schemas_ids_are_generated_from_the_vocabulary() -> None:
    """One list (vocabulary.yaml): the schemas' enums are written from it by
    tools/sync_vocabulary.py, and the smart rules read it."""
    import importlib.util

    from planengine.smart import known_areas

    spec = importlib.util.spec_from_file_location(
        "sync_vocabulary", pathlib.Path(__file__).resolve().parent.parent / "tools" / "sync_vocabulary.py"
    )
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    assert sync.out_of_date() == {}, "run tools/sync_vocabulary.py"
    assessment = schemas.load("assessment")["$defs"]
    # examples, not an enum: plugins register more ids, which the engine checks in code
    assert assessment["area"]["examples"] == list(VOCABULARY.areas)
    assert assessment["condition"]["examples"] == list(VOCABULARY.conditions)
    assert "enum" not in assessment["area"] and "enum" not in assessment["condition"]
    assert known_areas() == {*VOCABULARY.areas, "safety"}
    # each layout is kept when the list changes (one line, one a line, wrapped)
    for old in ('["a", "b"]', '[\n        "a",\n        "b"\n      ]', '[\n        "a", "b",\n        "c"\n      ]'):
        new = sync._layout(old, ["x", "y", "z"])
        assert json.loads(new) == ["x", "y", "z"]
        assert ("\n" in new) == ("\n" in old)


def test_a_condition_can_only_bring_a_known_area_with_a_summary() -> None:
    from planengine._vocabulary import check_condition_areas

    areas = {"relationships": {"title": "Relationships", "description": "d"}}
    check_condition_areas({"areas": areas, "conditions": {"x": {"area": "relationships", "summary": "why"}}})
    for entry in ({"area": "relationship", "summary": "why"}, {"area": "relationships"}):
        with pytest.raises(ValueError, match="'x'"):
            check_condition_areas({"areas": areas, "conditions": {"x": entry}})
