"""Compiled strategy templates fill exactly like the plain placeholder substitution."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planengine.strategies._templates import TEMPLATE_FIELDS, _Template, _Values, fill_template

#: Literal text that could confuse a formatting pattern: ``%`` and ``{}`` in every combination.
_LITERALS = st.text(alphabet=st.sampled_from("ab %{}s()d\n"), max_size=12)
_FIELDS = st.sampled_from((*TEMPLATE_FIELDS, "unknown_name"))
_VALUES = st.one_of(
    st.text(alphabet=st.sampled_from("xy %{}s"), max_size=6),
    st.integers(-3, 100),
    st.floats(0, 30, allow_nan=False).map(lambda v: round(v, 1)),
)


@st.composite
def templates(draw: st.DrawFn) -> str:
    pieces = [draw(_LITERALS)]
    for _ in range(draw(st.integers(0, 4))):
        pieces += ["{" + draw(_FIELDS) + "}", draw(_LITERALS)]
    return "".join(pieces)


@given(text=templates(), values=st.dictionaries(_FIELDS, _VALUES, max_size=6))
def test_compiled_fill_matches_plain_substitution(text: str, values: dict[str, object]) -> None:
    compiled = _Template.compile(text)
    assert compiled.fill(_Values(values)) == fill_template(text, values)


def test_a_missing_value_keeps_its_placeholder_and_percent_signs_stay_literal() -> None:
    compiled = _Template.compile("Cut {unit} use by 50% (%s, %d) by {due_date}, {patient_words}.")
    filled = compiled.fill(_Values({"unit": "drinks", "due_date": "2027-02-17"}))
    assert filled == "Cut drinks use by 50% (%s, %d) by 2027-02-17, {patient_words}."


def test_a_single_placeholder_value_is_never_unpacked() -> None:
    # ``itemgetter`` of one key returns the bare value; a str must not be read as many arguments.
    assert _Template.compile("{unit}").fill(_Values({"unit": "ab"})) == "ab"
    assert _Template.compile("no placeholder %s").fill(_Values()) == "no placeholder %s"
