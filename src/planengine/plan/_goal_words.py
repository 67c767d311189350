"""Linking the patient's own goals to problem areas, by the words and phrases each area lists.

The lists are data (``patient_goal_words`` and ``patient_goal_idioms`` in
``planengine/data/vocabulary.yaml``). A goal is read as the risk-language screen reads text
(:func:`~planengine.plan._risk_language.normalised_words`: case, accents, apostrophes and
punctuation ignored, so "I’m USELESS!" reads as "im useless"), split into words, and matched word
by word: a listed word matches that whole word only ("eat" is not in "great" or "heat", "night"
not in "tonight"), a word ending in ``*`` any word that starts with it ("worr*": worry, worried,
worrying), and a phrase its words in order. Where listed phrases overlap, the longest stands and
the shorter ones inside it do not count: "feel like myself" is well-being, not the self-esteem
"like myself", and an idiom (a phrase that links nowhere) silences the words inside it ("drink
more water" is no alcohol goal).

Everything is compiled once, when the vocabulary is loaded: the word each phrase starts with (or
its stem's first letters) maps to the phrases, so a goal costs two look-ups per word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from planengine.plan._risk_language import normalise_text, normalised_words

__all__ = ["GoalWords"]

#: The shortest stem a ``*`` may end: a shorter one would match too many words.
_SHORTEST_STEM = 3

#: One word of a phrase: its letters, and whether it is a stem (matches any word it starts).
_Word = tuple[str, bool]
#: A phrase after its first word: the words that must follow, and the area it links to
#: (``None``: an idiom, which links nowhere).
_Rest = tuple[tuple[_Word, ...], str | None]


@attrs.frozen
class GoalWords:
    """The areas' goal words and the idioms, compiled once.

    :ivar phrases: area -> its words and phrases as the data writes them, in vocabulary order.
    :ivar idioms: phrases whose words link to no area.
    """

    phrases: Mapping[str, tuple[str, ...]]
    idioms: tuple[str, ...]
    _look_alikes: Mapping[int, str]
    #: first word -> the phrases that start with that whole word
    _by_word: Mapping[str, tuple[_Rest, ...]]
    #: a stem's first 3 letters -> (stem, the rest, area) of the phrases that start with the stem
    _by_stem: Mapping[str, tuple[tuple[str, tuple[_Word, ...], str | None], ...]]
    #: area -> its place in the vocabulary, to answer in that order
    _order: Mapping[str, int]

    @classmethod
    def from_data(
        cls, words: object, idioms: object, look_alikes: Mapping[int, str]
    ) -> GoalWords:
        """Build from the vocabulary's ``patient_goal_words`` (area -> phrases) and
        ``patient_goal_idioms`` (phrases).

        :raises ValueError: naming the phrase: one listed under two areas (or as an idiom too),
            a ``*`` that is not at a word's end or ends a stem shorter than 3 letters, or a
            phrase with no letters.
        """
        if not isinstance(words, Mapping) or not all(
            isinstance(listed, list) and all(isinstance(p, str) for p in listed)
            for listed in words.values()
        ):
            raise ValueError("vocabulary patient_goal_words must map each area to a list of phrases")
        if not isinstance(idioms, list) or not all(isinstance(p, str) for p in idioms):
            raise ValueError("vocabulary patient_goal_idioms must be a list of phrases")
        phrases = {str(area): tuple(listed) for area, listed in words.items()}
        owner: dict[tuple[_Word, ...], str | None] = {}
        by_word: dict[str, list[_Rest]] = {}
        by_stem: dict[str, list[tuple[str, tuple[_Word, ...], str | None]]] = {}
        listed_with_area: list[tuple[str, str | None]] = [
            (phrase, area) for area, listed in phrases.items() for phrase in listed
        ]
        listed_with_area.extend((phrase, None) for phrase in idioms)
        for phrase, area in listed_with_area:
            parsed = _parse(phrase, look_alikes)
            if parsed in owner:
                raise ValueError(
                    f"vocabulary patient goal phrase {phrase!r} is listed twice "
                    f"({owner[parsed] or 'idioms'} and {area or 'idioms'})"
                )
            owner[parsed] = area
            (first, is_stem), rest = parsed[0], parsed[1:]
            if is_stem:
                by_stem.setdefault(first[:_SHORTEST_STEM], []).append((first, rest, area))
            else:
                by_word.setdefault(first, []).append((rest, area))
        return cls(
            phrases,
            tuple(idioms),
            look_alikes,
            {word: tuple(found) for word, found in by_word.items()},
            {prefix: tuple(found) for prefix, found in by_stem.items()},
            {area: index for index, area in enumerate(phrases)},
        )

    def areas(self, text: str) -> tuple[str, ...]:
        """The areas the goal's words link to, in vocabulary order (empty: none)."""
        tokens = normalised_words(text, self._look_alikes)
        by_word, by_stem = self._by_word, self._by_stem
        found: list[tuple[int, int, str | None]] = []  # (start, end, area) of every match
        for start, token in enumerate(tokens):
            # most words start no phrase: two look-ups, and nothing else, for those
            exact = by_word.get(token)
            if exact is not None:
                for rest, area in exact:
                    if not rest or _follows(tokens, start + 1, rest):
                        found.append((start, start + 1 + len(rest), area))
            stems = by_stem.get(token[:_SHORTEST_STEM])
            if stems is not None:
                for stem, rest, area in stems:
                    if token.startswith(stem) and (not rest or _follows(tokens, start + 1, rest)):
                        found.append((start, start + 1 + len(rest), area))
        if len(found) <= 1:
            return () if not found or found[0][2] is None else (found[0][2],)
        linked: set[str] = set()
        for start, end, area in found:
            if area is None or area in linked:
                continue
            for low, high, _ in found:  # a longer phrase over this one: it stands instead
                if low <= start and end <= high and high - low > end - start:
                    break
            else:
                linked.add(area)
        return tuple(sorted(linked, key=self._order.__getitem__))


def _follows(tokens: list[str], at: int, rest: tuple[_Word, ...]) -> bool:
    """Whether the words from ``tokens[at]`` on are the phrase's ``rest``."""
    if at + len(rest) > len(tokens):
        return False
    for word, is_stem in rest:
        token = tokens[at]
        if not (token.startswith(word) if is_stem else token == word):
            return False
        at += 1
    return True


def _parse(phrase: str, look_alikes: Mapping[int, str]) -> tuple[_Word, ...]:
    """A phrase's words as goals are read (see the module), each with whether it is a stem.

    :raises ValueError: naming the phrase (see :meth:`GoalWords.from_data`).
    """
    out: list[_Word] = []
    for written in phrase.split():
        stem = written.endswith("*")
        body = written.removesuffix("*")
        if "*" in body:
            raise ValueError(f"vocabulary patient goal phrase {phrase!r}: a * only ends a word")
        pieces: Sequence[str] = normalise_text(body, look_alikes).split()
        if not pieces:
            raise ValueError(f"vocabulary patient goal phrase {phrase!r}: {written!r} has no letters")
        if stem and len(pieces[-1]) < _SHORTEST_STEM:
            raise ValueError(
                f"vocabulary patient goal phrase {phrase!r}: the stem {written!r} is shorter "
                f"than {_SHORTEST_STEM} letters"
            )
        out.extend((piece, False) for piece in pieces[:-1])
        out.append((pieces[-1], stem))
    if not out:
        raise ValueError(f"vocabulary patient goal phrase {phrase!r} has no words")
    return tuple(out)
