"""The patient's own goals link to the right areas by whole words, stems and phrases (the
vocabulary's ``patient_goal_words``), never by letters inside a word (the plan's side:
``test_unlinked_goals.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from planengine import Response
from planengine._vocabulary import load_vocabulary
from planengine.plan._goal_words import GoalWords
from planengine.plan._risk_language import normalise_text, normalised_words

VOCABULARY = load_vocabulary()
AS_OF = dt.date(2026, 11, 25)
MODERATE_PHQ9 = Response("phq9", AS_OF, (2, 2, 1, 2, 1, 2, 1, 1, 0))

LINKED = [
    # the phrases (the decisions are documented in vocabulary.yaml)
    ("I'm useless", ("self-esteem",)),  # the inner critic; depression comes from the PHQ-9
    ("get moving again", ("lifestyle",)),  # physical activity; BA is the depression plan's
    ("stop fighting every evening", ("relationships",)),
    ("waking at 3am", ("sleep",)),
    ("run a 5k", ("lifestyle",)),
    ("feel like myself again", ("wellbeing",)),  # well-being asks for a PHQ-9 when none is on file
    # case, curly apostrophes, punctuation and spacing are ignored
    ("I\u2019M USELESS!!", ("self-esteem",)),
    ("Stop waking at 3 a.m.", ("sleep",)),
    ("Run a 5K in the spring", ("lifestyle",)),
    ("Build my self-esteem", ("self-esteem",)),
    ("I'd like to be sleeping better", ("sleep",)),
    ("Say no to extra shifts", ("assertiveness",)),
    ("Be happier", ("wellbeing",)),
    # stems take any ending
    ("Worrying less about money", ("anxiety",)),
    ("Stop panicking on the bus", ("anxiety",)),
    ("Be more confident at work", ("self-esteem",)),
    ("Stop over-thinking everything", ("anxiety",)),
    # phrases, and the longest of two overlapping phrases
    ("Stand up for myself", ("assertiveness",)),
    ("Stop letting people walk all over me", ("assertiveness",)),  # not the lifestyle "walk"
    ("I want to like myself", ("self-esteem",)),
    ("Lift my spirits", ("wellbeing",)),  # not the alcohol of "spirits"
    ("Drink less at weekends", ("alcohol",)),
    ("Stop crying all the time", ("depression",)),
    ("Stop snapping at the kids", ("emotional-awareness",)),
    # two areas from two phrases, in vocabulary order
    ("Walk with my partner on Sundays", ("relationships", "lifestyle")),
    ("Stop using a drink to calm down in the evening", ("anxiety", "alcohol")),
    # the examples' goals keep their links
    ("Fall asleep faster on work nights", ("sleep",)),
    ("Stop beating myself up over every mistake", ("self-esteem",)),
    ("Stop the nightmares so I can sleep", ("sleep",)),
    ("Get my motivation back without going too high again", ("depression",)),
    ("Get fit again after the heart scare", ("lifestyle",)),
    ("Stop the flashbacks of the crash", ("trauma",)),
    ("Say no without being afraid", ("assertiveness",)),
]

NOT_LINKED = [
    "Be a great cook",  # "eat" is not in "great"
    "Turn the heat down",  # nor in "heat"
    "Repeat the course",  # nor in "repeat"
    "Draw sidewalk chalk art",  # "walk" is not in "sidewalk"
    "Go out tonight with the team",  # "night" is not in "tonight"
    "Host a sleepover",  # a sleepover is no sleep problem
    "Buy a new saddle",  # "sad" is not in "saddle"
    "Find an interesting job",  # "interesting" is not lost interest
    "Run my own business",  # "run" alone is no exercise
    "Move house before spring",  # "move" alone is no exercise
    "Drink more water",  # an idiom: no alcohol goal
    "Cut down on energy drinks",  # nor is this (and no well-being "energy")
    "Drink less coffee at work",
    "Lower my blood pressure",  # no stress
    "Fight the urge to check my phone",  # "fight" alone is no relationship conflict
    "Sick and tired of my job",  # no sleep
    "I want to fit in with the people at work",  # "fit" alone is no fitness
    "Be a stand-up comedian",  # "stand up" alone is no assertiveness
    "Learn to play the guitar",
    "",
]


@pytest.mark.parametrize(("text", "areas"), LINKED)
def test_a_goal_links_to_the_areas_its_words_name(text: str, areas: tuple[str, ...]) -> None:
    assert VOCABULARY.areas_for_goal(text) == areas


@pytest.mark.parametrize("text", NOT_LINKED)
def test_a_near_miss_links_to_no_area(text: str) -> None:
    assert VOCABULARY.areas_for_goal(text) == ()


def test_every_area_has_goal_words() -> None:
    assert list(VOCABULARY.goal_words.phrases) == [
        "sleep", "anxiety", "depression", "stress", "self-esteem", "assertiveness",
        "relationships", "emotional-awareness", "lifestyle", "alcohol", "trauma", "wellbeing",
    ]
    assert set(VOCABULARY.goal_words.phrases) == set(VOCABULARY.areas)


def _written(phrase: str) -> str:
    """A listed phrase as a patient might write it (a stem with an ending)."""
    return " ".join(w[:-1] + "ing" if w.endswith("*") else w for w in phrase.split())


@pytest.mark.parametrize(
    ("area", "phrase"),
    [(a, p) for a, listed in VOCABULARY.goal_words.phrases.items() for p in listed],
)
def test_every_listed_phrase_alone_links_to_its_own_area(area: str, phrase: str) -> None:
    assert VOCABULARY.areas_for_goal(_written(phrase)) == (area,)


@pytest.mark.parametrize("idiom", VOCABULARY.goal_words.idioms)
def test_every_idiom_alone_links_nowhere(idiom: str) -> None:
    assert VOCABULARY.areas_for_goal(_written(idiom)) == ()


_GOALS = [text for text, _ in LINKED] + NOT_LINKED
#: words that are in no listed phrase, so they can neither make nor complete a link
_FILLER = ["really", "now", "soon", "honestly", "this", "year", "just"]


def test_the_filler_words_are_in_no_listed_phrase() -> None:
    listed = [
        *(p for ps in VOCABULARY.goal_words.phrases.values() for p in ps),
        *VOCABULARY.goal_words.idioms,
    ]
    for word in _FILLER:
        for phrase in listed:
            for written in phrase.split():
                stem = written.endswith("*")
                for listed_word in normalise_text(written.removesuffix("*")).split():
                    assert not (word.startswith(listed_word) if stem else word == listed_word), (
                        word, phrase
                    )


@given(
    goal=st.sampled_from(_GOALS),
    case=st.sampled_from([str, str.upper, str.lower, str.title, str.swapcase]),
    before=st.sampled_from(["", "“", "(", "- ", "...", "Just: ", "Really, now "]),
    after=st.sampled_from(["", "”", ")", "!!", ".", " - soon", "?!", " this year, honestly"]),
    gap=st.sampled_from([" ", "  ", "\t", " \n "]),
)
def test_linking_ignores_case_spacing_and_the_words_and_punctuation_around_a_goal(
    goal: str, case: Any, before: str, after: str, gap: str
) -> None:
    written = before + case(goal).replace(" ", gap) + after
    assert VOCABULARY.areas_for_goal(written) == VOCABULARY.areas_for_goal(goal)


@given(st.text(max_size=60))
def test_the_goal_words_are_the_risk_screens_normalised_words(text: str) -> None:
    look_alikes = VOCABULARY.risk_language.look_alikes
    assert normalised_words(text, look_alikes) == normalise_text(text, look_alikes).split()


def _goal_words(words: Any, idioms: Any = ()) -> GoalWords:
    return GoalWords.from_data(words, list(idioms), {})


@pytest.mark.parametrize(
    ("words", "idioms", "message"),
    [
        ({"sleep": ["sleep"], "anxiety": ["Sleep"]}, [], "'Sleep' is listed twice"),
        ({"sleep": ["self-esteem"], "anxiety": ["self esteem"]}, [], "listed twice"),
        ({"sleep": ["sleep"]}, ["sleep"], r"\(sleep and idioms\)"),
        ({"sleep": ["sl*"]}, [], "shorter than 3 letters"),
        ({"sleep": ["sl*eep"]}, [], "a \\* only ends a word"),
        ({"sleep": ["!!"]}, [], "has no letters"),
        ({"sleep": ["   "]}, [], "has no words"),
        ({"sleep": "sleep"}, [], "must map each area to a list"),
        ({"sleep": ["sleep"]}, "x", "idioms must be a list"),
    ],
)
def test_goal_words_that_would_mislead_are_refused(words: Any, idioms: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GoalWords.from_data(words, idioms, {})


def test_the_longest_overlapping_phrase_stands_and_an_idiom_links_nowhere() -> None:
    words = _goal_words(
        {"a": ["night*", "walk"], "b": ["walk all over"], "c": ["water"]}, ["drink* water"]
    )
    assert words.areas("Nightly walks") == ("a",)  # "walks" is not "walk"
    assert words.areas("walk all over the night") == ("a", "b")
    assert words.areas("walk all over") == ("b",)
    assert words.areas("drinking water") == ()
    assert words.areas("water the garden") == ("c",)


def test_the_vocabulary_documents_its_goal_words() -> None:
    """The data says what the lists are and why, beside them."""
    from importlib import resources

    text = (resources.files("planengine") / "data" / "vocabulary.yaml").read_text(encoding="utf-8")
    above: list[str] = []  # the comment lines right above the key
    for line in reversed(text[: text.index("\npatient_goal_words:")].splitlines()):
        if not line.startswith("#"):
            break
        above.append(line)
    comment = " ".join(reversed(above))
    assert "synonym list" in comment and "whole words" in comment and "plan.unlinked-goal" in comment
    assert yaml.safe_load(text)["patient_goal_idioms"] == list(VOCABULARY.goal_words.idioms)
