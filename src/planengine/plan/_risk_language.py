"""Risk language in free text: the patient's own words can open a flag, as item 9 can.

clinical.md §3.2: a free-text entry that marks risk opens a flag; stepped-care.md R-SC18: the
best text classifier found only 80-93 % of documented suicidal history [S19], so a match is a
flag for a clinician to read and no match is never evidence of safety. The phrases are data
(``risk_language`` in ``planengine/data/vocabulary.yaml``).

Matching is deliberately conservative: case, accents, apostrophes, punctuation, HTML entities,
invisible characters and look-alike letters from other scripts are ignored; words may follow each
other or be run together in one word ("killmyself", "#wanttodie", "sui-cidal"); pronoun slots
let third-person notes match ("she wants to kill herself"); negation, quotation or a
hypothetical never dismiss a match ("I no longer want to die" opens the flag). Only the fixed
idioms the data lists, standing whole, are read as not marking risk ("cut myself some slack").
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, Sequence

import attrs

__all__ = ["RiskLanguage", "normalise_text"]

#: Apostrophes and primes of every kind, dropped so that "don't", "don’t" and "dont" read alike.
_APOSTROPHES = dict.fromkeys(
    map(ord, "'\u2018\u2019\u02bc\u02b9\u0060\u00b4\uff07\u2032\u275b\u275c\u055a\u02bb\u02bd"),
    None,
)
#: Categories dropped before matching: combining marks and invisible format characters
#: (zero-width spaces and joiners, bidi controls, soft hyphens, tag characters).
_DROPPED = frozenset({"Mn", "Me", "Cf"})
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")
#: A word broken over a line with a hyphen ("sui-\ncidal").
_LINE_BREAK_HYPHEN = re.compile(r"-[ \t]*\r?\n[ \t]*")
_SLOT = re.compile(r"\{([a-z]+)\}")


def _fold(text: str, look_alikes: Mapping[int, str]) -> str:
    """Lower case, look-alike letters read as Latin, accents, invisible characters and
    apostrophes dropped; everything else kept (punctuation decides the words later)."""
    if "&" in text:
        text = html.unescape(text)
    if "\n" in text:
        text = _LINE_BREAK_HYPHEN.sub("", text)
    if text.isascii():  # the usual case: nothing to fold but case
        return text.lower().translate(_APOSTROPHES)
    folded = unicodedata.normalize("NFKD", text).casefold().translate(look_alikes)
    kept = "".join(ch for ch in folded if unicodedata.category(ch) not in _DROPPED)
    return unicodedata.normalize("NFKD", kept).translate(_APOSTROPHES)


def normalise_text(text: str, look_alikes: Mapping[int, str] | None = None) -> str:
    """``text`` as the screen reads it: folded (see the module), every run of other characters
    one space, with a space at each end."""
    folded = _fold(text, look_alikes or {})
    return " " + _NOT_A_WORD.sub(" ", folded).strip() + " "


@attrs.frozen
class RiskLanguage:
    """The risk phrases, compiled once.

    :ivar phrases: theme (``suicide``, ``self-harm``) -> the phrases as the data writes them.
    :ivar citation: where the rule comes from.
    """

    phrases: Mapping[str, tuple[str, ...]]
    citation: str
    #: (theme, phrase, pattern over the spaced text, pattern over one run-together word)
    _patterns: tuple[tuple[str, str, re.Pattern[str], re.Pattern[str]], ...]
    #: every phrase in one pattern of each kind: one search answers the usual "nothing here"
    _any_spaced: re.Pattern[str]
    _any_word: re.Pattern[str]
    _idioms: re.Pattern[str] | None
    _look_alikes: Mapping[int, str]

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> RiskLanguage:
        """Build from the vocabulary's ``risk_language`` mapping.

        :raises ValueError: on a phrase that would match nothing or everything, or an unknown
            slot.
        """
        themes = data.get("phrases")
        citation = data.get("citation")
        if not isinstance(themes, Mapping) or not isinstance(citation, str) or not citation:
            raise ValueError("vocabulary risk_language needs phrases (by theme) and a citation")
        slots_data = data.get("slots") or {}
        if not isinstance(slots_data, Mapping):
            raise ValueError("vocabulary risk_language slots must map a name to its words")
        look_alikes_data = data.get("look_alikes") or {}
        if not isinstance(look_alikes_data, Mapping) or not all(
            isinstance(k, str) and len(k) == 1 and isinstance(v, str)
            for k, v in look_alikes_data.items()
        ):
            raise ValueError("vocabulary risk_language look_alikes must map one letter to Latin")
        look_alikes = {ord(k): v for k, v in look_alikes_data.items()}
        slots = {str(k): tuple(str(w) for w in v) for k, v in slots_data.items()}
        phrases: dict[str, tuple[str, ...]] = {}
        patterns: list[tuple[str, str, re.Pattern[str], re.Pattern[str]]] = []
        for theme, listed in themes.items():
            if not isinstance(listed, Sequence) or isinstance(listed, str) or not listed:
                raise ValueError(f"vocabulary risk_language theme {theme!r} needs a list of phrases")
            phrases[str(theme)] = tuple(str(p) for p in listed)
            for phrase in phrases[str(theme)]:
                spaced, word = _compile(phrase, slots, look_alikes)
                patterns.append((str(theme), phrase, spaced, word))
        listed_idioms = data.get("idioms") or ()
        if not isinstance(listed_idioms, Sequence) or isinstance(listed_idioms, str):
            raise ValueError("vocabulary risk_language idioms must be a list of phrases")
        idioms = [_compile(str(i), slots, look_alikes)[0].pattern for i in listed_idioms]
        return cls(
            phrases,
            citation,
            tuple(patterns),
            re.compile("|".join(f"(?:{p[2].pattern})" for p in patterns)),
            re.compile("|".join(f"(?:{p[3].pattern})" for p in patterns)),
            re.compile("|".join(idioms)) if idioms else None,
            look_alikes,
        )

    def find(self, text: str) -> tuple[tuple[str, str], ...]:
        """The ``(theme, phrase)`` pairs found in ``text``, in data order (empty: nothing matched,
        which says nothing about risk)."""
        folded = _fold(text, self._look_alikes)
        spaced = " " + _NOT_A_WORD.sub(" ", folded).strip() + " "
        if self._idioms is not None:  # a listed idiom, standing whole, is not a match
            spaced = self._idioms.sub(" ", spaced)
        words = [_NOT_A_WORD.sub("", w) for w in folded.split()]
        if not self._any_spaced.search(spaced) and not any(
            self._any_word.fullmatch(w) for w in words
        ):
            return ()
        return tuple(
            (theme, phrase)
            for theme, phrase, in_text, in_word in self._patterns
            if in_text.search(spaced) or any(in_word.fullmatch(w) for w in words)
        )


def _compile(
    phrase: str, slots: Mapping[str, tuple[str, ...]], look_alikes: Mapping[int, str]
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The phrase over the spaced text (words apart), and over one word (words run together)."""
    apart: list[str] = []
    together: list[str] = []
    for word in phrase.split():
        slot = _SLOT.fullmatch(word)
        if slot is not None:
            if slot.group(1) not in slots:
                raise ValueError(f"vocabulary risk_language phrase {phrase!r}: unknown slot {word}")
            values = [normalise_text(v, look_alikes).strip() for v in slots[slot.group(1)]]
            apart.append("(?:" + "|".join(re.escape(v) for v in values) + ")")
            together.append("(?:" + "|".join(re.escape(v.replace(" ", "")) for v in values) + ")")
            continue
        stem = word.removesuffix("*")
        plain = normalise_text(stem, look_alikes).strip()
        if not plain or " " in plain:
            raise ValueError(f"vocabulary risk_language phrase {phrase!r}: {word!r} is not one word")
        ending = r"[0-9a-z]*" if word.endswith("*") else ""
        apart.append(re.escape(plain) + ending)
        # run together, a stem takes only a word ending, so it cannot swallow the next word
        together.append(re.escape(plain) + (r"(?:s|es|d|ed|ing|al|ally)?" if ending else ""))
    # the spaced text has a space at each end and between words
    return re.compile(" " + " ".join(apart) + " "), re.compile("".join(together))
