"""Risk language in free text: the patient's own words can open a flag, as item 9 can.

clinical.md §3.2: a free-text entry that marks risk opens a flag; stepped-care.md R-SC18: the
best text classifier found only 80-93 % of documented suicidal history [S19], so a match is a
flag for a clinician to read and no match is never evidence of safety. The phrases are data
(``risk_language`` in ``planengine/data/vocabulary.yaml``). Matching is deliberately
conservative: case, accents, apostrophes and punctuation are ignored, and negation, quotation or
a hypothetical never dismiss a match ("I no longer want to die" opens the flag): when unsure,
flag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import attrs

__all__ = ["RiskLanguage", "normalise_text"]

#: Apostrophes of every kind, dropped so that "don't", "don’t" and "dont" read alike.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u02bc\u02b9\u0060\u00b4\uff07"), None)
#: Characters that take no space and could split a word from the screen ("kill\u200bmyself").
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def normalise_text(text: str) -> str:
    """``text`` as the screen reads it: lower case, accents and apostrophes dropped, every run of
    other characters (punctuation, dashes, line breaks) one space."""
    if text.isascii():  # the usual case: nothing to fold but case
        plain = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).casefold()
        plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " " + _NOT_A_WORD.sub(" ", plain.translate(_APOSTROPHES)).strip() + " "


@attrs.frozen
class RiskLanguage:
    """The risk phrases, compiled once.

    :ivar phrases: theme (``suicide``, ``self-harm``) -> the phrases as the data writes them.
    :ivar citation: where the rule comes from.
    """

    phrases: Mapping[str, tuple[str, ...]]
    citation: str
    _patterns: tuple[tuple[str, str, re.Pattern[str]], ...]
    #: every phrase in one pattern: one search answers the usual "nothing here"
    _any: re.Pattern[str]

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> RiskLanguage:
        """Build from the vocabulary's ``risk_language`` mapping.

        :raises ValueError: on a phrase that would match nothing or everything.
        """
        themes = data.get("phrases")
        citation = data.get("citation")
        if not isinstance(themes, Mapping) or not isinstance(citation, str) or not citation:
            raise ValueError("vocabulary risk_language needs phrases (by theme) and a citation")
        phrases: dict[str, tuple[str, ...]] = {}
        patterns: list[tuple[str, str, re.Pattern[str]]] = []
        for theme, listed in themes.items():
            if not isinstance(listed, Sequence) or isinstance(listed, str) or not listed:
                raise ValueError(f"vocabulary risk_language theme {theme!r} needs a list of phrases")
            phrases[str(theme)] = tuple(str(p) for p in listed)
            for phrase in phrases[str(theme)]:
                patterns.append((str(theme), phrase, _compile(phrase)))
        combined = re.compile("|".join(f"(?:{p.pattern})" for _, _, p in patterns))
        return cls(phrases, citation, tuple(patterns), combined)

    def find(self, text: str) -> tuple[tuple[str, str], ...]:
        """The ``(theme, phrase)`` pairs found in ``text``, in data order (empty: nothing matched,
        which says nothing about risk)."""
        plain = normalise_text(text)
        if not self._any.search(plain):
            return ()
        return tuple(
            (theme, phrase) for theme, phrase, pattern in self._patterns if pattern.search(plain)
        )


def _compile(phrase: str) -> re.Pattern[str]:
    words = phrase.split()
    parts = []
    for word in words:
        stem = word.removesuffix("*")
        plain = normalise_text(stem).strip()
        if not plain or " " in plain:
            raise ValueError(f"vocabulary risk_language phrase {phrase!r}: {word!r} is not one word")
        parts.append(re.escape(plain) + (r"[0-9a-z]*" if word.endswith("*") else ""))
    # the text is normalised with a space at each end and between words
    return re.compile(" " + " ".join(parts) + " ")
