"""Hypothesis strategies for planengine's inputs: assessments, their contexts, goal files and
progress series. The project's own property tests use them, and so can a plugin's tests (with the
plugin's areas and conditions: ``assessments(areas=["grief"], min_concerns=1)``).

Requires hypothesis (``pip install 'planengine[testing]'``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any

import attrs
import yaml
from hypothesis import strategies as st

from planengine._model import Assessment, Context, Response

__all__ = [
    "AREAS",
    "AS_OF",
    "CONDITIONS",
    "GOAL_TEXTS",
    "answers_for",
    "assessments",
    "contexts",
    "goal_files",
    "json_mutations",
    "progress_series",
    "responses",
    "risk_phrase_texts",
]
from planengine._vocabulary import load_vocabulary
from planengine.instruments._data_files import load_builtin_instruments

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
    taken: set[tuple[str, int]] = set()  # two different responses on one day are an input error
    for index, instrument_id in enumerate(chosen):
        days = draw(st.integers(0, 120))
        while (instrument_id, days) in taken:
            days += 1
        taken.add((instrument_id, days))
        out.append(
            Response(
                instrument=instrument_id,
                date=AS_OF - dt.timedelta(days=days),
                answers=draw(answers_for(instrument_id)),
                index=index,
            )
        )
    return tuple(out)


#: The risk-language slots ({self}, {my}) and their words, from the vocabulary data.
VOCABULARY_DATA_SLOTS = yaml.safe_load(
    (resources.files("planengine") / "data" / "vocabulary.yaml").read_text(encoding="utf-8")
)["risk_language"]["slots"]
#: Every risk phrase in the vocabulary, as ``(theme, phrase)``.
RISK_PHRASES = [
    (theme, phrase)
    for theme, phrases in VOCABULARY.risk_language.phrases.items()
    for phrase in phrases
]
_GAP = st.sampled_from([" ", "  ", ", ", " - ", "... ", "\n", " / ", "! "])


@st.composite
def risk_phrase_texts(draw: Any) -> str:
    """A text holding a listed risk phrase in any case and punctuation, with words around it
    (a starred word keeps its stem, or takes an ending)."""
    _, phrase = draw(st.sampled_from(RISK_PHRASES))
    words = []
    slots = VOCABULARY_DATA_SLOTS
    for word in phrase.split():
        if word.startswith("{"):  # a slot: any of its words ("{self}": myself, herself, ...)
            word = draw(st.sampled_from(slots[word.strip("{}")]))
        elif word.endswith("*"):
            word = word[:-1] + draw(st.sampled_from(["", "s", "ing", "ed", "al"]))
        if word in ("dont", "wasnt", "cant", "isnt", "id"):  # written with an apostrophe, as people do
            word = draw(st.sampled_from([word, word[:-1] + "'" + word[-1], word[:-1] + "\u2019" + word[-1]]))
        cased = draw(st.sampled_from([word, word.upper(), word.title()]))
        words.append(cased)
    text: str = words[0]
    for word in words[1:]:
        text += draw(_GAP) + word
    before: str = draw(st.sampled_from(["", "I ", "Honestly, ", "Stop ", "\"", "I no longer "]))
    after: str = draw(st.sampled_from(["", ".", " anymore", "!!", " sometimes\"", " (said in session)"]))
    return before + text + after


@st.composite
def contexts(
    draw: Any,
    *,
    risk_words: bool = False,
    areas: Sequence[str] | None = None,
    conditions: Sequence[str] | None = None,
    goal_texts: Sequence[str] | None = None,
    min_concerns: int = 0,
) -> Context:
    """Concerns, conditions, patient goals and sex, all from the documented vocabularies
    (``risk_words``: a patient goal may hold a risk phrase). ``areas`` / ``conditions`` /
    ``goal_texts``: what to draw from instead (a plugin's own areas, say); ``min_concerns``: at
    least this many concerns, so a plugin's area is always in the plan."""
    goal: Any = st.sampled_from(list(goal_texts or GOAL_TEXTS))
    if risk_words:
        goal = st.one_of(goal, risk_phrase_texts())
    area_ids = sorted(areas) if areas is not None else AREAS
    condition_ids = sorted(conditions) if conditions is not None else CONDITIONS
    return Context(
        concerns=tuple(
            draw(st.lists(st.sampled_from(area_ids), min_size=min_concerns, max_size=3, unique=True))
        ),
        conditions=tuple(
            draw(st.lists(st.sampled_from(condition_ids), max_size=3, unique=True))
            if condition_ids
            else ()
        ),
        patient_goals=tuple(draw(st.lists(goal, max_size=2, unique=True))),
        sex=draw(st.sampled_from([None, "female", "male"])),
    )


@st.composite
def assessments(
    draw: Any,
    *,
    phq9_item9: Any = None,
    risk_words: bool = False,
    areas: Sequence[str] | None = None,
    conditions: Sequence[str] | None = None,
    min_concerns: int = 0,
) -> Assessment:
    """A valid assessment; ``phq9_item9`` (a strategy) forces a PHQ-9 with that item 9 value,
    dated ``AS_OF``; ``risk_words``: a patient goal may hold a risk phrase; ``areas``,
    ``conditions``, ``min_concerns``: as for :func:`contexts`."""
    items = [r for r in draw(responses()) if not (phq9_item9 is not None and r.instrument == "phq9"
                                                   and r.date == AS_OF)]
    items = [attrs.evolve(r, index=i) for i, r in enumerate(items)]
    if phq9_item9 is not None:
        answers = list(draw(answers_for("phq9")))
        answers[8] = draw(phq9_item9)
        items.append(Response("phq9", AS_OF, tuple(answers), index=len(items)))
    context = draw(
        contexts(
            risk_words=risk_words, areas=areas, conditions=conditions, min_concerns=min_concerns
        )
    )
    return Assessment(responses=tuple(items), context=context, patient_id="P-test")


@st.composite
def progress_series(
    draw: Any, *, start: dt.date = AS_OF, low: int = 0, high: int = 27, max_size: int = 8
) -> list[dict[str, Any]]:
    """A goal's ``progress`` entries: whole-number values between ``low`` and ``high``, on
    distinct dates from ``start`` on, in date order."""
    days = sorted(draw(st.lists(st.integers(0, 180), max_size=max_size, unique=True)))
    return [
        {"date": (start + dt.timedelta(days=day)).isoformat(), "value": draw(st.integers(low, high))}
        for day in days
    ]


@st.composite
def goal_files(draw: Any, *, areas: Sequence[str] | None = None) -> dict[str, Any]:
    """A goal document (``goal.schema.json``): up to three PHQ-9 goals in the given areas (default:
    depression), each with a baseline, a target, dates and a progress series."""
    goals = []
    for index in range(draw(st.integers(1, 3))):
        baseline = draw(st.integers(10, 27))
        start = AS_OF - dt.timedelta(days=draw(st.integers(0, 120)))
        goals.append(
            {
                "id": f"goal-{index + 1}",
                "area": draw(st.sampled_from(list(areas or ["depression"]))),
                "statement": f"Bring the PHQ-9 total from {baseline} to 9 or lower.",
                "addresses": ["problem-1"],
                "patient_words": "I want to feel like myself again",
                "measure": {
                    "instrument": "phq9",
                    "baseline": {"value": baseline, "date": start.isoformat()},
                    "target": {"value": 9, "comparator": "<="},
                },
                "start_date": start.isoformat(),
                "due_date": (start + dt.timedelta(weeks=12)).isoformat(),
                "review_interval_days": 28,
                "progress": draw(progress_series(start=start)),
            }
        )
    return {"planengine": 1, "goals": goals}


#: any JSON value: what a broken sender may put where planengine expects something else
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 30)
    | st.floats(-1e3, 1e3, allow_nan=False)
    | st.text(max_size=6)
    | st.sampled_from(["2026-11-20", "final", "Patient/x", "http://loinc.org", "44260-8", "LA6571-9"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _json_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_paths(item, (*path, index))


@st.composite
def json_mutations(draw: Any, document: Any, *, max_changes: int = 3) -> Any:
    """A copy of a JSON ``document`` (a FHIR Bundle, a goal file) with up to ``max_changes``
    values replaced by any JSON value or removed: the shapes a broken sender produces. Input
    readers must answer each with their documented error (file, line, path), never a crash."""
    out = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, max_changes))):
        paths = [p for p in _json_paths(out) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = out
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()):
            parent[path[-1]] = draw(JSON_VALUES)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    return out
