"""The input hash's canonical JSON, written by orjson, is the standard library's text byte for
byte (so every plan's ``input_sha256`` is what it was), and refuses what the standard library
refuses."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine import Assessment, Context, InputError
from planengine._digest import sha256
from planengine.plan._input_hash import canonical_json, input_sha256
from planengine.testing.strategies import assessments

#: what the engine wrote before: the standard library, sorted keys, no spaces, UTF-8 kept
STDLIB = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
#: any text at all: control characters, astral characters, lone surrogates, look-alike keys
TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12)
#: whole numbers around and beyond orjson's 64 bits
WHOLE = st.one_of(st.integers(-(2**70), 2**70), st.integers(-300, 300))
#: the shapes the canonical form holds: string keys, strings, whole numbers, None, booleans
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), WHOLE, TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=20,
)


def stdlib_bytes(form: object) -> bytes:
    return STDLIB.encode(form).encode()


@given(JSON_VALUES)
def test_the_canonical_text_is_the_standard_librarys(form: object) -> None:
    try:
        expected = stdlib_bytes(form)
    except UnicodeEncodeError:  # a lone surrogate: no text, either way
        with pytest.raises(UnicodeEncodeError):
            canonical_json(form)
        return
    assert canonical_json(form) == expected


@given(
    assessments(risk_words=True),
    st.lists(TEXT, max_size=2),
    st.one_of(st.none(), TEXT),
    st.dictionaries(TEXT, TEXT, max_size=2),
)
def test_an_assessments_hash_is_the_one_the_standard_library_gives(
    assessment: Assessment, goals: list[str], patient_id: str | None, choices: dict[str, str]
) -> None:
    """Random assessments with any text in the patient's goals and id, and any choices."""
    assessment = attrs.evolve(
        assessment,
        context=attrs.evolve(
            assessment.context, patient_goals=(*assessment.context.patient_goals, *goals)
        ),
        patient_id=patient_id,
    )
    answers = [tuple(r.answers) for r in assessment.responses]  # lists in item order
    try:
        canonical = stdlib_bytes(assessment.normalised(answers))
        if choices:
            canonical += stdlib_bytes({"choices": choices})
    except UnicodeEncodeError:
        with pytest.raises(InputError, match="unpaired UTF-16 surrogate"):
            input_sha256(assessment, answers, choices)
        return
    assert input_sha256(assessment, answers, choices) == sha256(canonical).hexdigest()


def test_a_lone_surrogate_is_named_as_before() -> None:
    assessment = Assessment(
        context=Context(patient_goals=("I want \ud800 sleep",)), source="in-code.yaml"
    )
    with pytest.raises(InputError) as raised:
        input_sha256(assessment, [], {"sleep": "x\udfff"})
    assert raised.value.message == (
        "text contains an unpaired UTF-16 surrogate ('\\ud800'), which is not a character"
    )
    assert raised.value.file == "in-code.yaml"
