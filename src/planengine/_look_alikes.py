"""Letters from other scripts that look like Latin ones, read as the Latin letter, so that text
mixing scripts ("nо risk" with a Cyrillic о) reads as what it shows.

The table comes from Unicode's confusables data (UTS #39), as the well-kept
``confusable_homoglyphs`` package ships it: every character Unicode lists as confusable with a
single ASCII letter or digit. It is built the first time a text that is not plain ASCII is read
(the package reads a large data file), so plain text costs nothing. Look-alikes that Unicode does
not list (small capitals, lower-case Cyrillic letters shaped like them) are added by the callers'
own data (``risk_language.look_alikes`` in ``vocabulary.yaml``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping

__all__ = ["latin_look_alikes", "to_latin"]


@functools.cache
def latin_look_alikes() -> Mapping[int, str]:
    """Code point -> the ASCII letter or digit it is confusable with (lower case for letters)."""
    from confusable_homoglyphs.confusables import (  # type: ignore[import-untyped]  # a large file: on first use
        confusables_data,
    )

    table: dict[int, str] = {}
    for character, homoglyphs in confusables_data.items():
        if len(character) != 1 or character.isascii():
            continue
        latin = [
            h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()
        ]
        if latin:  # a letter before a digit: a Cyrillic О reads as o, not 0
            table[ord(character)] = min(latin, key=lambda c: (not c.isalpha(), c)).lower()
    return table


def to_latin(text: str, extra: Mapping[int, str] | None = None) -> str:
    """``text`` in compatibility form (NFKC) with look-alike letters read as Latin and ``extra``
    (code point -> letters) applied after; plain ASCII text is returned as it is."""
    if text.isascii():
        return text
    # compatibility forms first (full-width Ｉ is I, not the l Unicode's table reads it as)
    latin = unicodedata.normalize("NFKC", text).translate(latin_look_alikes())
    return latin.translate(extra) if extra else latin
