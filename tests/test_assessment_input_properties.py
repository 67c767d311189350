"""No assessment file, however malformed, makes loading or planning raise an undocumented error."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan_helpers import assert_valid
from planengine import Engine, InputError, load_assessment

AS_OF = dt.date(2026, 11, 25)
ENGINE = Engine(autoload=False)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 40), st.floats(allow_nan=True), st.text(max_size=8),
    st.sampled_from(["phq9", "gad7", "isi", "2026-11-20", "2026-13-40", "sleep", "bipolar-disorder"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=10),
        st.dictionaries(st.sampled_from(["1", "2", "x", "item3", "answers"]), inner, max_size=4),
    ),
    max_leaves=30,
)
responses = st.lists(
    st.fixed_dictionaries(
        {"instrument": values, "date": values, "answers": values},
        optional={"extra": values},
    ),
    max_size=3,
)
documents = st.fixed_dictionaries(
    {"planengine": st.one_of(st.just(1), values)},
    optional={
        "responses": st.one_of(responses, values),
        "context": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "concerns": values, "conditions": values, "patient_goals": values, "sex": values,
                },
            ),
            values,
        ),
        "patient": values,
    },
)


@given(document=documents)
def test_any_document_loads_and_plans_or_raises_input_error(tmp_path_factory, document) -> None:
    import json

    path = tmp_path_factory.mktemp("a") / "assessment.json"
    path.write_text(json.dumps(document, default=str))
    try:
        assessment = load_assessment(path)
    except InputError as error:
        assert str(path) in str(error) and "\n" not in str(error)
        return
    # What the engine accepts, the published schema accepts too (CI checks files with it).
    assert_valid("assessment", json.loads(path.read_text()))
    try:
        ENGINE.plan(assessment, as_of=AS_OF)
    except InputError as error:
        assert "\n" not in str(error)


@given(text=st.text(max_size=200))
def test_any_text_as_yaml_gives_input_error_or_loads(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("b") / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_assessment(path)
    except InputError as error:
        assert str(path) in str(error)


@pytest.mark.parametrize(
    "extra",
    [
        {"context": None},
        {"patient": None},
        {"responses": None},
        {"patient": {"id": True}},
        {"patient": {"id": None}},
        {"patient": {"id": "P-1", "name": "x"}},
        {"context": {"concerns": None}},
        {"context": {"conditions": None}},
        {"context": {"patient_goals": None}},
        {"responses": [{"instrument": "phq2", "date": "2026-11-20", "answers": {"0": 1}}]},
        {"responses": [{"instrument": "phq2", "date": "2026-11-20", "answers": {"01": 1}}]},
        {"responses": [{"instrument": "phq2", "date": "2026-11-20", "answers": {"q1": 1}}]},
        {"responses": [{"instrument": "phq2", "date": "2026-11-20", "answers": [1.5, 0]}]},
    ],
)
def test_what_the_schema_refuses_the_loader_refuses(tmp_path, extra: dict) -> None:
    import json

    document = {"planengine": 1, **extra}
    with pytest.raises(AssertionError):
        assert_valid("assessment", document)
    path = tmp_path / "assessment.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError):
        load_assessment(path)


@pytest.mark.parametrize(
    "extra",
    [
        {"context": {"sex": None}},
        {"patient": {}},
        {"context": {}},
        {"responses": []},
        {"patient": {"id": 7.0}},
        {"responses": [{"instrument": "phq2", "date": "2026-11-20", "answers": [1.0, 0]}]},
        {"responses": [{"instrument": "phq2", "date": "2026-11-20", "answers": {"item2": 2.0}}]},
    ],
)
def test_what_the_schema_accepts_the_loader_accepts(tmp_path, extra: dict) -> None:
    import json

    document = {"planengine": 1, **extra}
    assert_valid("assessment", document)
    path = tmp_path / "assessment.json"
    path.write_text(json.dumps(document))
    load_assessment(path)
