"""Reproduce the learned-reader trial of issue 20 (docs/smart-statements.md): can a statistical
reader trained on the labelled SMART corpus judge S, M, A and T on a part it never saw?

Two readers, each a logistic regression (scikit-learn, ``class_weight="balanced"``, C=1) per
letter, trained on every corpus part except ``--test`` against the three labellers' majority:

- ``lemmas``: binary unigrams and bigrams of the analyser's lemmas (``min_df=2``);
- ``embeddings``: wordllama's bundled 256-dimension sentence embeddings (``l2_supercat``);
- ``pos``: the lemma n-grams plus what Pattern's tagger and chunker (TextBlob's bundled copy, read
  through ``tools/smart_parse_trial.py``) say: Penn tags and their bigrams, the chunk sequence,
  each verb chunk's head lemma with its object chunk's head lemma, whether that object is an
  abstract noun of the pattern lists or holds a number, adverbs, comparatives and negated verbs.

Held-out parts (``held-out-*.yaml``) are never trained on.

Neither is shipped: the trial is how the choice to keep rules was measured. Not part of the test
suite; it needs packages planengine does not depend on::

    pip install scikit-learn==1.9.1 wordllama==0.4.0.post1 textblob==0.20.1
    python tools/smart_learned_reader_trial.py --test tuning-5.yaml  # the session-29 trial
    python tools/smart_learned_reader_trial.py --test held-out-4.yaml
    python tools/smart_learned_reader_trial.py --test tuning-5.yaml --readers lemmas,pos  # session 30
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

import smart_corpus  # noqa: E402
from planengine.smart._statement import tokens_of  # noqa: E402

FOLDER = smart_corpus.CORPUS.parent


def _parts() -> list[Path]:
    return sorted(p for p in FOLDER.glob("*.yaml") if not p.name.startswith("labels-"))


def _embed(texts: list[str]) -> np.ndarray:
    import wordllama

    reader = wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    return np.asarray(reader.embed(texts))


def _pos_features(text: str) -> list[str]:
    """Lemma unigrams and bigrams, then the tagger's and chunker's features (see the docstring)."""
    from smart_parse_trial import parsed

    from planengine.smart._statement_words import lists

    abstract = lists()["abstract"]
    lemmas = [t.lemma for t in tokens_of(text)]
    found = [*lemmas, *(f"{a} {b}" for a, b in itertools.pairwise(lemmas))]
    for chunks in parsed(text):
        words = [word for chunk in chunks for word in chunk.words]
        tags = [word.tag for word in words]
        found += [f"T={tag}" for tag in tags] + [f"TT={a}_{b}" for a, b in itertools.pairwise(tags)]
        kinds = [chunk.kind for chunk in chunks]
        found += [f"C={a}_{b}" for a, b in itertools.pairwise(kinds)]
        found.append(f"NVP={min(4, kinds.count('VP'))}")
        for word in words:
            if word.tag.startswith("RB"):
                found.append(f"ADV={word.lemma}")
            if word.tag in ("JJR", "RBR", "JJS", "RBS"):
                found.append(f"CMP={word.tag}")
        for index, chunk in enumerate(chunks):
            if chunk.kind != "VP":
                continue
            verb = chunk.head.lemma
            found.append(f"VH={verb}")
            if any(word.text.lower() in ("not", "never", "n't") for word in chunk.words):
                found.append("VNEG")
            following = chunks[index + 1] if index + 1 < len(chunks) else None
            if following is not None and following.kind == "NP":
                head = following.head.lemma
                found += [f"VO={verb}_{head}", f"O={head}"]
                if head in abstract:
                    found += ["OABS", f"VABS={verb}"]
                if any(word.tag == "CD" for word in following.words):
                    found.append("ONUM")
    return found


def _score(guess: np.ndarray, truth: np.ndarray) -> str:
    tp = int((guess & truth).sum())
    fp = int((guess & ~truth).sum())
    fn = int((~guess & truth).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"{precision:.2f}/{recall:.2f}"


def main() -> None:
    """Train on every part but ``--test``; print precision/recall per letter on ``--test``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", required=True, help="the corpus part to test on, e.g. tuning-5.yaml")
    parser.add_argument("--readers", default="lemmas,embeddings", help="comma-separated: lemmas, embeddings, pos")
    args = parser.parse_args()
    readers = args.readers.split(",")
    chosen = [p for p in _parts() if p.name != args.test and not p.name.startswith("held-out")]
    train = [e for p in chosen for e in smart_corpus.entries(p)]
    test = smart_corpus.entries(FOLDER / args.test)
    lemmas = {id(e): " ".join(t.lemma for t in tokens_of(e["statement"])) for e in train + test}
    features = {}
    if "lemmas" in readers:
        vectoriser = CountVectorizer(ngram_range=(1, 2), binary=True, min_df=2)
        features["lemmas"] = vectoriser.fit_transform([lemmas[id(e)] for e in train]), vectoriser.transform(
            [lemmas[id(e)] for e in test]
        )
    if "embeddings" in readers:
        features["embeddings"] = _embed([e["statement"] for e in train]), _embed([e["statement"] for e in test])
    if "pos" in readers:
        tagged = CountVectorizer(analyzer=_pos_features, binary=True, min_df=2)
        features["pos"] = tagged.fit_transform([e["statement"] for e in train]), tagged.transform(
            [e["statement"] for e in test]
        )
    print(f"train {len(train)} statements, test {len(test)} ({args.test})")
    print("letter" + "".join(f"  {name + ' P/R':>14}" for name in features))
    for letter in "SMAT":
        wanted = [np.array([letter in smart_corpus.consensus(e) for e in part]) for part in (train, test)]
        row = []
        for x_train, x_test in features.values():
            model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
            model.fit(x_train, wanted[0])
            row.append(_score(model.predict(x_test), wanted[1]))
        print(f"{letter:6}" + "".join(f"  {cell:>14}" for cell in row))


if __name__ == "__main__":
    main()
