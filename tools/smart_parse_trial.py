"""Reproduce the parse trial of issue 20 (docs/smart-statements.md, "Where this leaves issue 20"):
do the statement rules read unseen text better when a trained tagger and chunker tells them what
a verb's object is, which verbs are coordinated after one subject, and what "eliminate", "stop"
or "never" applies to?

The tagger and chunker are Pattern's, as bundled in TextBlob (``textblob.en.parse``: a Brill tagger
trained on the Penn Treebank, ``en-lexicon.txt`` and ``en-context.txt``, and a rule chunker giving
NP/VP/PP/ADJP/ADVP chunks; nothing is downloaded). TextBlob 0.20.1's copy of Pattern has no
relation finder (``relations=True`` raises ``NameError: find_relations``) and its "lemmata" are the
lower-cased words, so subjects and objects are read here as the noun chunk after a verb chunk, and
lemmas come from the analyser's own table.

With ``--parse`` the analyser (:func:`planengine.smart._statement.analyse`) is wrapped, in this
process only, by a reading of the parse that adds to what the word rules found:

- S101: a change verb of the pattern lists in the main clause (not a gerund, not after "to",
  "by", "that" ...) whose object chunk's head is an abstract noun of the pattern lists (not a
  measure noun), with no number in the chunk and no "to"/"by" and a number after it;
- S102: main-clause verb chunks joined by commas, "and" or "or", each with an object, a first
  verb that sets an act up ("choose a peer and ...") not counted (the chunker's reading replaces
  the word rules' when it finds two or more);
- A304: the object of "eliminate", "stop", "quit" or a verb after "never" in the main clause,
  unless it names a substance (abstinence is an established goal).

Not part of the test suite, and not shipped; it needs packages planengine does not depend on::

    pip install textblob==0.20.1
    python tools/smart_parse_trial.py                 # the tuning parts, rules and rules + parse
    python tools/smart_parse_trial.py --held-out      # also held-out-4 (figures only), once
    python tools/smart_parse_trial.py --cost textblob # import, first parse, per statement, memory
    python tools/smart_parse_trial.py --cost alone    # the same, Pattern's module alone (no nltk)
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import attrs  # noqa: E402

import smart_corpus  # noqa: E402
from planengine.smart import _statement  # noqa: E402
from planengine.smart._statement_words import lemma, lists  # noqa: E402

#: The tuning parts, as tests/test_smart_corpus.py names them.
TUNING_PARTS = ("tuning", "held-out", "tuning-2", "tuning-3", "tuning-4", "tuning-5")


@attrs.frozen
class Word:
    """One word of the parse: as written, its Penn tag, its chunk ("NP", "VP", ...; "" outside
    one) and whether it opens the chunk, and its lemma from the analyser's table."""

    text: str
    tag: str
    chunk: str
    opens: bool
    lemma: str


@attrs.frozen
class Chunk:
    """A run of words the chunker groups ("VP": "will greet"; "NP": "a coworker"); punctuation and
    conjunctions outside a chunk are chunks of their own with kind "O"."""

    kind: str
    words: tuple[Word, ...]

    @property
    def head(self) -> Word:
        """The head: the last noun of a noun chunk, the last verb of a verb chunk, else the last
        word."""
        wanted = "NN" if self.kind == "NP" else "VB" if self.kind == "VP" else ""
        found = [word for word in self.words if wanted and word.tag.startswith(wanted)]
        return found[-1] if found else self.words[-1]


@functools.cache
def _parser() -> Callable[..., Any]:
    from textblob.en import parse

    return parse


#: Words that open a leading subordinate clause ("When you do drink, set yourself a limit").
_LEADING = frozenset(
    {"when", "whenever", "if", "while", "after", "before", "once", "during", "given"}
)


@functools.lru_cache(maxsize=8192)
def parsed(text: str) -> tuple[tuple[Chunk, ...], ...]:
    """The statement's sentences, each as its chunks, a leading subordinate clause left out."""
    sentences = []
    for sentence in _parser()(text, collapse=False):
        words = [
            Word(
                token[0],
                token[1],
                token[2][2:] if token[2] != "O" else "",
                token[2].startswith("B-"),
                lemma(token[0].lower()),
            )
            for token in sentence
        ]
        chunks: list[Chunk] = []
        for word in words:
            if word.chunk and not word.opens and chunks and chunks[-1].kind == word.chunk:
                chunks[-1] = Chunk(word.chunk, (*chunks[-1].words, word))
            else:
                chunks.append(Chunk(word.chunk or "O", (word,)))
        if chunks and chunks[0].words[0].text.lower() in _LEADING:
            comma = next((i for i, chunk in enumerate(chunks) if chunk.words[-1].text == ","), None)
            chunks = chunks[comma + 1 :] if comma is not None else chunks
        sentences.append(tuple(chunks))
    return tuple(sentences)


def _flat(entries: Any) -> set[str]:
    return {" ".join(entry) if isinstance(entry, tuple) else str(entry) for entry in entries}


def _list(name: str) -> set[str]:
    return _flat(lists()[name])


def _number(chunk: Chunk) -> bool:
    return any(word.tag == "CD" for word in chunk.words)


def _after_object(chunks: Sequence[Chunk], index: int) -> bool:
    """Whether "to" or "by" and a number follow the chunk at ``index`` ("reduce drinking to 2
    drinks a day", "by 50%")."""
    rest = [word for chunk in chunks[index + 1 : index + 3] for word in chunk.words]
    if rest and rest[0].text.lower() == "by" and rest[1:2] and rest[1].text.lower().endswith("ing"):
        return True  # "reduce my stress levels by incorporating 30 minutes of ...": the means
    return (
        bool(rest)
        and rest[0].text.lower() in ("to", "by")
        and any(word.tag == "CD" for word in rest[1:3])
    )


#: Chunk-final words after which a verb chunk is a purpose, a means or a relative clause, not
#: the main clause's behaviour ("to reduce anxiety", "by incorporating", "that help").
_SUBORDINATE = frozenset({"to", "by", "for", "that", "which", "who", "help", "helps", "so"})


def _main_clause(chunks: Sequence[Chunk], index: int) -> bool:
    """Whether the verb chunk at ``index`` reads as the main clause's: not a gerund or participle,
    not after a purpose, means or relative marker."""
    head = chunks[index].head
    if head.tag in ("VBG", "VBN") or not head.tag.startswith("VB"):
        return False
    before = chunks[index - 1].words[-1].text.lower() if index else ""
    return before not in _SUBORDINATE and not any(
        word.text.lower() in _SUBORDINATE for word in chunks[index].words[:1]
    )


def _verbs(name: str) -> set[str]:
    return {entry[0] for entry in lists()[name] if len(entry) == 1}


def vague_objects(text: str) -> list[str]:
    """A change verb of the pattern lists in the main clause whose object chunk has an abstract
    head (not a measure noun) and nothing counting it ("boost my self-esteem")."""
    abstract = _list("abstract")
    measures = _list("measure_nouns")
    change = _verbs("change_verbs")
    found = []
    for chunks in parsed(text):
        for index, chunk in enumerate(chunks[:-1]):
            following = chunks[index + 1]
            if chunk.kind != "VP" or following.kind != "NP" or chunk.head.lemma not in change:
                continue
            if not _main_clause(chunks, index):
                continue
            head = following.head
            if head.lemma in measures or (
                head.lemma not in abstract and head.text.lower() not in abstract
            ):
                continue
            if _number(following) or _after_object(chunks, index + 1):
                continue
            found.append(" ".join(word.text for word in chunk.words[-1:] + following.words))
    return found


#: Verb chunks that carry the modality, not the behaviour ("will be able", "want").
_CARRIERS = frozenset({"be", "have", "want", "able", "go", "try", "need", "plan", "aim", "will"})


def coordinated_verbs(text: str) -> list[str]:
    """Main-clause verb chunks joined by commas, "and" or "or", each with an object or a
    prepositional phrase: separate behaviours ("greet a coworker, make small talk and speak up in
    one meeting")."""
    behaviours: list[str] = []
    for chunks in parsed(text):
        found = []
        started = False
        for index, chunk in enumerate(chunks):
            if (
                chunk.kind != "VP"
                or chunk.head.lemma in _CARRIERS
                or not _main_clause(chunks, index)
            ):
                continue
            before = chunks[index - 1] if index else None
            joined = not started or (
                before is not None
                and before.kind == "O"
                and before.words[-1].text.lower() in (",", "and", "or")
            )
            complement = index + 1 < len(chunks) and chunks[index + 1].kind in (
                "NP",
                "PP",
                "ADJP",
                "ADVP",
            )
            if started and not joined:
                break  # the main clause's list has ended
            started = True
            if complement and not (not found and chunk.head.lemma in _list("setup_verbs")):
                found.append(
                    " ".join(
                        word.text for chunk in chunks[index : index + 2] for word in chunk.words
                    )
                )
        if len(found) >= 2:
            behaviours.extend(found)
    return behaviours


def absolute_objects(text: str) -> list[str]:
    """The object of "eliminate", "stop", "quit" or a verb after "never" in the main clause, unless
    it names a substance (abstinence is an established goal)."""
    substances = _list("substances") | _list("counted_behaviours")
    found = []
    for chunks in parsed(text):
        for index, chunk in enumerate(chunks[:-1]):
            following = chunks[index + 1]
            if chunk.kind != "VP" or following.kind != "NP" or not _main_clause(chunks, index):
                continue
            words = [word.text.lower() for word in chunk.words]
            if (
                chunk.head.lemma not in ("eliminate", "stop", "quit", "cease")
                and "never" not in words
            ):
                continue
            named = {word.lemma for word in following.words} | {
                word.text.lower() for word in following.words
            }
            if not named & substances and not any(
                lemma(word[:-3]) in substances for word in named if word.endswith("ing")
            ):
                found.append(" ".join(word.text for word in chunk.words + following.words))
    return found


def parse_reading(statement: _statement.Statement) -> _statement.Statement:
    """The word rules' reading with what the parse adds (see the module's docstring)."""
    text = statement.text
    behaviours = coordinated_verbs(text)
    return attrs.evolve(
        statement,
        vague=tuple(dict.fromkeys((*statement.vague, *vague_objects(text)))),
        behaviours=tuple(behaviours) if len(behaviours) >= 2 else statement.behaviours,
        absolutes=tuple(dict.fromkeys((*statement.absolutes, *absolute_objects(text)))),
    )


def _part(name: str) -> list[Mapping[str, Any]]:
    if name in ("tuning", "held-out"):
        return [
            e for e in smart_corpus.entries() if smart_corpus.held_out(e) == (name == "held-out")
        ]
    return list(smart_corpus.entries(smart_corpus.CORPUS.with_name(f"{name}.yaml")))


def _row(name: str, table: Mapping[str, tuple[float, float, int, int, int]]) -> str:
    return f"{name:12}" + "".join(
        f"  {table[letter][0]:.2f}/{table[letter][1]:.2f}" for letter in "SMAT"
    )


def _pattern_alone() -> Callable[..., Any]:
    """Pattern's parser loaded from TextBlob's ``_text.py`` and lexicon files without importing the
    ``textblob`` package (whose ``__init__`` imports nltk): what an integration would load."""
    import importlib.util
    import types

    spec = importlib.util.find_spec("textblob")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    package = types.ModuleType("pattern_alone")
    package.__path__ = []
    sys.modules["pattern_alone"] = package
    found = importlib.util.spec_from_file_location("pattern_alone._text", folder / "_text.py")
    assert found is not None and found.loader is not None
    text = importlib.util.module_from_spec(found)
    sys.modules["pattern_alone._text"] = text
    found.loader.exec_module(text)
    data = {
        name: str(folder / "en" / f"en-{name}.txt")
        for name in ("lexicon", "morphology", "context", "entities")
    }
    lexicon = text.Lexicon(path=data["lexicon"], morphology=data["morphology"], context=data["context"],
                           entities=data["entities"], language="en")  # fmt: skip
    return text.Parser(lexicon=lexicon, default=("NN", "NNP", "CD"), language="en").parse  # type: ignore[no-any-return]


def _cost(alone: bool) -> None:
    """CPU time of importing the parser, of the first parse (the lexicon loads) and per tuning
    statement after it, and the growth of the process's peak memory."""
    import resource
    import time

    texts = [str(entry["statement"]) for name in TUNING_PARTS for entry in _part(name)]
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    parse = _pattern_alone() if alone else _parser()
    imported = time.process_time()
    parse("Warm the lexicon up.")
    first = time.process_time()
    for text in texts:
        parse(text, collapse=False)
    done = time.process_time()
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory) / 1024
    print(
        f"import {1e3 * (imported - start):.0f} ms (nltk loaded: {'nltk' in sys.modules}), first parse "
        f"{1e3 * (first - imported):.0f} ms, {1e6 * (done - first) / len(texts):.0f} us per statement "
        f"({len(texts)}), peak memory +{grown:.0f} MB"
    )


def main() -> None:
    """Print precision/recall per letter for the rules and for the rules with the parse."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--held-out", action="store_true", help="also score held-out-4 (figures only)"
    )
    parser.add_argument(
        "--cost", choices=("textblob", "alone"), help="measure the parser's cost and stop"
    )
    args = parser.parse_args()
    if args.cost:
        _cost(args.cost == "alone")
        return
    names = [*TUNING_PARTS, "held-out-4"] if args.held_out else list(TUNING_PARTS)
    words_only = _statement.analyse
    with_parse = functools.lru_cache(maxsize=8192)(lambda text: parse_reading(words_only(text)))
    print(f"{'part':12}  {'S P/R':9}  {'M P/R':9}  {'A P/R':9}  {'T P/R':9}")
    for name in names:
        part = _part(name)
        for label, reader in (("rules", words_only), ("+parse", with_parse)):
            _statement.analyse = reader  # type: ignore[assignment]
            try:
                print(
                    _row(
                        f"{name} {label}" if label == "rules" else f"  {label}",
                        smart_corpus.scores(part),
                    )
                )
            finally:
                _statement.analyse = words_only  # type: ignore[assignment]


if __name__ == "__main__":
    main()
