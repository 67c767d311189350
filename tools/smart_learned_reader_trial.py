"""Reproduce the learned-reader trial of issue 20 (docs/smart-statements.md): can a statistical
reader trained on the labelled SMART corpus judge S, M, A and T on a part it never saw?

Two readers, each a logistic regression (scikit-learn, ``class_weight="balanced"``, C=1) per
letter, trained on every corpus part except ``--test`` against the three labellers' majority:

- ``lemmas``: binary unigrams and bigrams of the analyser's lemmas (``min_df=2``);
- ``embeddings``: wordllama's bundled 256-dimension sentence embeddings (``l2_supercat``).

Held-out parts (``held-out-*.yaml``) are never trained on.

Neither is shipped: the trial is how the choice to keep rules was measured. Not part of the test
suite; it needs packages planengine does not depend on::

    pip install scikit-learn==1.9.1 wordllama==0.4.0.post1
    python tools/smart_learned_reader_trial.py --test tuning-5.yaml  # the session-29 trial
    python tools/smart_learned_reader_trial.py --test held-out-4.yaml
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()
    chosen = [p for p in _parts() if p.name != args.test and not p.name.startswith("held-out")]
    train = [e for p in chosen for e in smart_corpus.entries(p)]
    test = smart_corpus.entries(FOLDER / args.test)
    lemmas = {id(e): " ".join(t.lemma for t in tokens_of(e["statement"])) for e in train + test}
    vectoriser = CountVectorizer(ngram_range=(1, 2), binary=True, min_df=2)
    bags = vectoriser.fit_transform([lemmas[id(e)] for e in train]), vectoriser.transform(
        [lemmas[id(e)] for e in test]
    )
    embedded = _embed([e["statement"] for e in train]), _embed([e["statement"] for e in test])
    print(f"train {len(train)} statements, test {len(test)} ({args.test})")
    print("letter  lemmas P/R  embeddings P/R")
    for letter in "SMAT":
        wanted = [np.array([letter in smart_corpus.consensus(e) for e in part]) for part in (train, test)]
        row = []
        for x_train, x_test in (bags, embedded):
            model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
            model.fit(x_train, wanted[0])
            row.append(_score(model.predict(x_test), wanted[1]))
        print(f"{letter:6}  {row[0]:>10}  {row[1]:>14}")


if __name__ == "__main__":
    main()
