"""Risk language in free text: the patient's own words can open a flag, as item 9 can.

[DN-risk-flags]: a free-text entry that marks risk opens a flag; R-SC18: the
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

import re
import unicodedata
from collections.abc import Mapping, Sequence

import attrs

from planengine._look_alikes import latin_look_alikes

__all__ = ["RiskLanguage", "normalise_text", "normalised_words"]

#: Apostrophes and primes of every kind, dropped so that "don't", "don’t" and "dont" read alike.
_APOSTROPHES = dict.fromkeys(
    map(ord, "'\u2018\u2019\u02bc\u02b9\u0060\u00b4\uff07\u2032\u275b\u275c\u055a\u02bb\u02bd"),
    None,
)
#: Categories dropped before matching: combining marks and invisible format characters
#: (zero-width spaces and joiners, bidi controls, soft hyphens, tag characters).
_DROPPED = frozenset({"Mn", "Me", "Cf"})
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[0-9a-z]+")
#: A word broken over a line with a hyphen ("sui-\ncidal").
_LINE_BREAK_HYPHEN = re.compile(r"-[ \t]*\r?\n[ \t]*")
_SLOT = re.compile(r"\{([a-z]+)\}")


def _fold(text: str, look_alikes: Mapping[int, str]) -> str:
    """Lower case, look-alike letters read as Latin, accents, invisible characters and
    apostrophes dropped; everything else kept (punctuation decides the words later)."""
    if "&" in text:
        import html  # (and its table of 2,231 entities) only for text that may hold one

        text = html.unescape(text)
    if "\n" in text:
        text = _LINE_BREAK_HYPHEN.sub("", text)
    if text.isascii():  # the usual case: nothing to fold but case
        return text.lower().translate(_APOSTROPHES)
    # Unicode's look-alikes before case folding (a Cyrillic capital reads as its Latin
    # capital), the vocabulary's own after it (small capitals Unicode does not list)
    latin = unicodedata.normalize("NFKD", text).translate(latin_look_alikes())
    folded = latin.casefold().translate(look_alikes)
    kept = "".join(ch for ch in folded if unicodedata.category(ch) not in _DROPPED)
    return unicodedata.normalize("NFKD", kept).translate(_APOSTROPHES)


def normalise_text(text: str, look_alikes: Mapping[int, str] | None = None) -> str:
    """``text`` as the screen reads it: folded (see the module), every run of other characters
    one space, with a space at each end."""
    folded = _fold(text, look_alikes or {})
    return " " + _NOT_A_WORD.sub(" ", folded).strip() + " "


def normalised_words(text: str, look_alikes: Mapping[int, str] | None = None) -> list[str]:
    """The words of :func:`normalise_text`, found in one pass (``normalise_text(text).split()``,
    without building the spaced text)."""
    return _WORD.findall(_fold(text, look_alikes or {}))


@attrs.frozen
class RiskLanguage:
    """The risk phrases, checked when read and compiled once, when first searched for (compiling
    the few hundred patterns costs more than the rest of a command's start: most commands never
    search, and a text compiles only the phrases whose anchor it holds).

    :ivar phrases: theme (``suicide``, ``self-harm``) -> the phrases as the data writes them.
    :ivar citation: where the rule comes from.
    """

    phrases: Mapping[str, tuple[str, ...]]
    citation: str
    #: (theme, phrase, pattern over the spaced text, pattern over one run-together word)
    _patterns: tuple[tuple[str, str, str, str], ...]
    #: each phrase's anchor (its most telling word, or a stem) in one pattern over the spaced
    #: text, and anchor -> the phrases it stands for: a text with no anchor holds no phrase, and
    #: only the phrases whose anchor is there are searched (most texts hold none)
    _anchors: str
    _by_anchor: Mapping[str, tuple[int, ...]]
    _stem_lengths: tuple[int, ...]
    #: every phrase written run together, in one pattern over the run-together words
    _any_together: str
    _idioms: str | None
    _look_alikes: Mapping[int, str]
    #: words written with a hyphen that are one word: ("life-long", "lifelong")
    _hyphenated: tuple[tuple[str, str], ...] = ()
    #: pattern source -> the compiled pattern, filled as the patterns are first used (the
    #: patterns over run-together words match line by line)
    _compiled: dict[str, re.Pattern[str]] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

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
        patterns: list[tuple[str, str, str, str]] = []
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
        idioms = [_compile(str(i), slots, look_alikes)[0] for i in listed_idioms]
        by_anchor: dict[str, list[int]] = {}
        for index, (_, phrase, _, _) in enumerate(patterns):
            for anchor in _anchors(phrase, slots, look_alikes):
                by_anchor.setdefault(anchor, []).append(index)
        # a literal anchor is a whole word (followed by a space, not taken), a stem a word start
        alternatives = sorted(
            (re.escape(a[:-1]) if a.endswith("*") else re.escape(a) + "(?= )" for a in by_anchor),
            key=lambda alt: (-len(alt), alt),
        )
        return cls(
            phrases,
            citation,
            tuple(patterns),
            " (?:" + "|".join(alternatives) + ")",
            {k: tuple(v) for k, v in by_anchor.items()},
            tuple(sorted({len(a) - 1 for a in by_anchor if a.endswith("*")})),
            "|".join(f"(?:{p[3]})" for p in patterns),
            "|".join(idioms) if idioms else None,
            look_alikes,
            tuple((w.lower(), w.lower().replace("-", "")) for w in _texts(data.get("hyphenated_words"))),
        )

    @property
    def look_alikes(self) -> Mapping[int, str]:
        """Letters from other scripts -> the Latin letter they are read as (for
        :func:`normalise_text`, so other free text is read as the screen reads it)."""
        return self._look_alikes

    def find(self, text: str) -> tuple[tuple[str, str], ...]:
        """The ``(theme, phrase)`` pairs found in ``text``, in data order (empty: nothing matched,
        which says nothing about risk)."""
        folded = _fold(text, self._look_alikes)
        for hyphenated, joined_word in self._hyphenated:
            if hyphenated in folded:
                folded = folded.replace(hyphenated, joined_word)
        spaced = " " + _NOT_A_WORD.sub(" ", folded).strip() + " "
        idioms = (
            [m.span() for m in self._regex(self._idioms).finditer(spaced)]
            if self._idioms is not None
            else []
        )
        # Words run together ("killmyself", "sui-cidal", "#wanttodie") are looked for in the
        # words that are long (8 letters or more) or lost characters to the folding, one a line.
        joined = "\n".join(
            cleaned
            for word in folded.split()
            if (cleaned := _NOT_A_WORD.sub("", word)) and (len(cleaned) >= 8 or cleaned != word)
        )
        together = bool(joined) and self._regex(self._any_together).search(joined) is not None
        candidates = self._candidates(spaced)
        if not candidates and not together:
            return ()
        # in data order: every phrase when words run together (rare), else the candidates only
        tried = range(len(self._patterns)) if together else sorted(candidates)
        patterns = self._patterns
        return tuple(
            patterns[index][:2]
            for index in tried
            if (index in candidates and _outside(self._regex(patterns[index][2]), spaced, idioms))
            or (together and self._regex(patterns[index][3]).search(joined) is not None)
        )

    def _regex(self, source: str) -> re.Pattern[str]:
        """``source`` compiled (once: kept); ``^`` and ``$`` match at each line."""
        pattern = self._compiled.get(source)
        if pattern is None:
            pattern = self._compiled[source] = re.compile(source, re.MULTILINE)
        return pattern

    def _candidates(self, spaced: str) -> set[int]:
        """The phrases whose anchor stands in the spaced text (every anchor that fits a word
        found, not only the one the pattern matched first)."""
        found: set[int] = set()
        by_anchor, stem_lengths = self._by_anchor, self._stem_lengths
        for match in self._regex(self._anchors).finditer(spaced):
            start = match.start() + 1
            word = spaced[start : spaced.index(" ", start)]
            found.update(by_anchor.get(word, ()))
            for length in stem_lengths:
                if length <= len(word):
                    found.update(by_anchor.get(word[:length] + "*", ()))
        return found


#: Words too common to tell a phrase apart; a phrase is anchored on another of its words.
_COMMON = frozenset(
    ["a", "about", "again", "all", "am", "an", "and", "any", "anymore", "at", "be", "by", "can", "cant", "dont", "do", "else", "everyone", "for", "go", "i", "im", "in", "is", "it", "me", "more", "my", "no", "not", "of", "off", "on", "or", "out", "so", "take", "taking", "the", "they", "to", "took", "up", "want", "wanna", "will", "with", "wont"]
)


def _anchors(
    phrase: str, slots: Mapping[str, tuple[str, ...]], look_alikes: Mapping[int, str]
) -> tuple[str, ...]:
    """The words a phrase cannot match without (a stem keeps its ``*``): its longest word that
    is not a common one; or, when every word is common or a slot, every word of its slots' values
    and its longest word."""
    words: list[str] = []
    slot_words: list[str] = []
    for word in phrase.split():
        slot = _SLOT.fullmatch(word)
        if slot is not None:
            for value in slots[slot.group(1)]:
                slot_words.extend(normalise_text(value, look_alikes).split())
            continue
        plain = normalise_text(word.removesuffix("*"), look_alikes).strip()
        words.append(plain + "*" if word.endswith("*") else plain)
    telling = [w for w in words if w.removesuffix("*") not in _COMMON]
    if telling:
        return (max(telling, key=lambda w: (len(w.removesuffix("*")), w)),)
    return tuple(sorted({*slot_words, *words}))


def _texts(value: object) -> list[str]:
    """A data list of strings (empty when not given).

    :raises ValueError: on anything but a list of strings.
    """
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("vocabulary risk_language hyphenated_words must be a list of words")
    return value


def _outside(pattern: re.Pattern[str], spaced: str, idioms: list[tuple[int, int]]) -> bool:
    """Whether ``pattern`` matches somewhere not wholly inside a listed idiom's words."""
    for match in pattern.finditer(spaced):
        start, end = match.span()
        if not any(low <= start and end <= high for low, high in idioms):
            return True
    return False


def _compile(
    phrase: str, slots: Mapping[str, tuple[str, ...]], look_alikes: Mapping[int, str]
) -> tuple[str, str]:
    """The patterns (their sources) of the phrase over the spaced text (words apart), and over
    one word (words run together)."""
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
    # the spaced text has a space at each end and between words; the run-together words are
    # one a line
    return (
        " " + " ".join(apart) + " ",
        "^(?:i|im|ive|id)?" + "".join(together) + "$",
    )
