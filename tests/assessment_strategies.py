"""Hypothesis strategies for assessments, shared by the property tests (one place, reused everywhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from planengine._instruments import load_builtin_instruments
from planengine._model import Assessment, Context, Response
from planengine._vocabulary import load_vocabulary

AS_OF = dt.date(2026, 11, 25)
INSTRUMENTS = load_builtin_instruments()
VOCABULARY = load_vocabulary()
AREAS = sorted(VOCABULARY.areas)
CONDITIONS = sorted(VOCABULARY.conditions)
GOAL_TEXTS = [
    "I want to sleep through the night",
    "Stop worrying about everything",
    "Be kinder to myself",
    "Walk three times a week",
    "Say no at work",
    "Feel closer to my partner",
    "Get my life back",
]


@st.composite
def answers_for(
    draw: Any, instrument_id: str, *, allow_missing: bool = True
) -> tuple[int | None, ...]:
    """A valid answer vector for an instrument, with some items possibly unanswered."""
    instrument = INSTRUMENTS[instrument_id]
    value = st.integers(instrument.answer_min, instrument.answer_max)
    if allow_missing:
        value = st.one_of(value, value, value, st.none())
    return tuple(draw(st.lists(value, min_size=instrument.items, max_size=instrument.items)))


@st.composite
def responses(draw: Any, *, min_size: int = 0) -> tuple[Response, ...]:
    """Responses to a random selection of instruments, dated on or before ``AS_OF``."""
    chosen = draw(st.lists(st.sampled_from(sorted(INSTRUMENTS)), min_size=min_size, max_size=5))
    out = []
    for index, instrument_id in enumerate(chosen):
        days = draw(st.integers(0, 120))
        out.append(
            Response(
                instrument=instrument_id,
                date=AS_OF - dt.timedelta(days=days),
                answers=draw(answers_for(instrument_id)),
                index=index,
            )
        )
    return tuple(out)


@st.composite
def contexts(draw: Any) -> Context:
    """Concerns, conditions, patient goals and sex, all from the documented vocabularies."""
    return Context(
        concerns=tuple(draw(st.lists(st.sampled_from(AREAS), max_size=3, unique=True))),
        conditions=tuple(draw(st.lists(st.sampled_from(CONDITIONS), max_size=3, unique=True))),
        patient_goals=tuple(draw(st.lists(st.sampled_from(GOAL_TEXTS), max_size=2, unique=True))),
        sex=draw(st.sampled_from([None, "female", "male"])),
    )


@st.composite
def assessments(draw: Any, *, phq9_item9: Any = None) -> Assessment:
    """A valid assessment; ``phq9_item9`` (a strategy) forces a PHQ-9 with that item 9 value."""
    items = list(draw(responses()))
    if phq9_item9 is not None:
        answers = list(draw(answers_for("phq9")))
        answers[8] = draw(phq9_item9)
        items.append(Response("phq9", AS_OF, tuple(answers), index=len(items)))
    return Assessment(responses=tuple(items), context=draw(contexts()), patient_id="P-test")
