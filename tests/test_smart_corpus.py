"""Precision and recall per SMART letter on the labelled corpus of real goal statements
(tests/data/smart-corpus/, issue 20): five tuning parts and two held-out parts, each reported
against the majority of three labellers, with the labellers' agreement."""

from __future__ import annotations

import pytest

import smart_corpus

#: Floors from issue 20: S precision and recall at least 0.9, A recall at least 0.6, every letter at
#: least 0.9 otherwise. R has one positive in the corpus (an irrelevant goal, which the statement
#: alone cannot show) and is reported, not asserted (see docs/smart-statements.md).
FLOORS = {"S": (0.9, 0.9), "M": (0.9, 0.9), "A": (0.9, 0.6), "T": (0.9, 0.9)}

#: Since session 28 every part is scored against the majority of three labellers (the file's own
#: and two blind second labellings, README.md). Against it the first tuning part's A recall was
#: 0.50 (2 of 4 positives) until session 29, when training every day with no rest day ("Go to the
#: gym every day") became an absolute target: 0.75. The miss left is "Be free of drug / alcohol use
#: / abuse" (abstinence from a substance is an established treatment goal, so A304 stays quiet on
#: it; two of the three labellers circle it).
TUNING_FLOORS = FLOORS

#: The held-out part was scored once, after tuning ended, and is not tuned on: S precision 0.94,
#: recall 0.89; M 1.00 / 0.95; A 1.00 / 1.00; T 1.00 / 1.00 (39 statements). These floors keep those
#: figures from falling; they are not targets to tune towards (that would make the part no longer
#: held out).
#: Against the three labellers' majority (session 28): S 0.89 / 0.84 (one more statement circled S by
#: both second labellers, one that only the first labeller circled).
#: After session 28's round (tuned on the four tuning parts, checked after each group of fixes that
#: this part did not fall, its mistakes not printed): S 0.89 / 0.89, M 1.00 / 0.95, A and T 1.00.
HELD_OUT_FLOORS = {"S": (0.88, 0.88), "M": (0.9, 0.9), "A": (0.9, 0.6), "T": (0.9, 0.9)}

#: The fourth tuning part (tuning-4.yaml, 72 statements) was the second held-out part
#: (new-held-out.yaml) until session 28: gathered and labelled after tuning ended, labels committed
#: before the first run, and scored three times while held out: with the rules as they stood (S
#: precision 0.70, recall 0.84; M 0.83 / 0.86; A 1.00 / 0.50 of 4 positives; T 1.00 / 1.00), after
#: the tuning-2 fixes (S 0.77 / 0.92; M 0.83 / 0.86; A 1.00 / 0.50) and after the tuning-3 fixes (S
#: 0.77 / 0.92; M 0.83 / 0.86; A 1.00 / 0.75), below the issue's floors for S precision and M.
#: Against the three labellers' majority: S 0.77 / 0.92, M 0.83 / 0.83, A 1.00 / 1.00 (3 positives),
#: T 1.00 / 1.00. Scored that often it no longer showed unseen text honestly, so from session 28 it
#: is tuned on like the other tuning parts (docs/smart-statements.md); a fresh held-out part is
#: scored by the merger. After session 28's round: S 0.96 / 1.00, M 0.93 / 0.90, A 1.00 / 1.00,
#: T 1.00 / 1.00, so it carries the issue's floors.
TUNING_4_FLOORS = FLOORS


#: The fifth tuning part (tuning-5.yaml, 139 statements from 61 pages) was the third held-out part
#: (held-out-3.yaml): gathered after session 28's round, its three labellers' letters committed
#: before the linter first ran on it, scored once while held out: S precision 0.79, recall 0.55;
#: M 0.82 / 0.79; A 0.80 / 0.25 (16 positives); T 0.87 / 0.99, far below the issue's floors. In
#: session 29 it was tuned on (ids h3001-h3139 kept; docs/smart-statements.md, "What the fifth
#: tuning part taught"): S 0.98 / 0.97, M 0.96 / 0.93, A 1.00 / 0.88, T 0.98 / 1.00. Its A recall
#: floor is the issue's; the two A misses left are weight-loss rates ("lose 50 pounds in a month"),
#: for which the domain notes give no plausible rate.
TUNING_5_FLOORS = FLOORS

#: The fourth held-out part (held-out-4.yaml, 150 statements from 59 pages) was gathered and
#: labelled blind while session 29's round ran on the fifth tuning part; its three labellers' letters
#: were committed before the linter first ran on it, and it was scored once, after that round:
#: S precision 0.81, recall 0.69; M 0.88 / 0.92; A 0.60 / 0.23 (13 positives); T 0.94 / 1.00. The
#: build before the round (fd8112a) scored S 0.83 / 0.73, M 0.84 / 0.92, A 0.67 / 0.15, T 0.91 / 1.00
#: on it: a round that took its own part from S 0.79 / 0.55 to 0.98 / 0.97 moved unseen text by a
#: few points either way. These floors keep the figures from falling; they are not targets (its
#: mistakes are not printed: reading them would be tuning on them).
HELD_OUT_4_FLOORS = {"S": (0.80, 0.69), "M": (0.88, 0.92), "A": (0.6, 0.23), "T": (0.94, 1.0)}


def _part(name: str) -> list[dict[str, object]]:
    if name == "held-out-4":
        return smart_corpus.entries(smart_corpus.HELD_OUT_4)
    if name == "tuning-5":
        return smart_corpus.entries(smart_corpus.TUNING_5)
    if name == "tuning-4":
        return smart_corpus.entries(smart_corpus.TUNING_4)
    if name == "tuning-2":
        return smart_corpus.entries(smart_corpus.TUNING_2)
    if name == "tuning-3":
        return smart_corpus.entries(smart_corpus.TUNING_3)
    held_out = name == "held-out"
    return [entry for entry in smart_corpus.entries() if smart_corpus.held_out(entry) == held_out]


_FLOORS = {
    "tuning": TUNING_FLOORS,
    "tuning-2": FLOORS,
    "tuning-3": FLOORS,
    "tuning-4": TUNING_4_FLOORS,
    "held-out": HELD_OUT_FLOORS,
    "tuning-5": TUNING_5_FLOORS,
    "held-out-4": HELD_OUT_4_FLOORS,
}


def test_corpus_size_and_sources() -> None:
    entries = smart_corpus.entries()
    assert len(entries) >= 100
    assert all(str(entry["source"]).startswith("https://") for entry in entries)
    assert len({entry["statement"] for entry in entries}) == len(entries)
    held = sum(smart_corpus.held_out(entry) for entry in entries)
    assert 0.2 <= held / len(entries) <= 0.4


def test_fourth_tuning_part_is_new() -> None:
    new = smart_corpus.entries(smart_corpus.TUNING_4)
    assert len(new) >= 40
    assert all(str(entry["source"]).startswith("https://") for entry in new)
    old = {str(entry["statement"]).casefold() for entry in smart_corpus.entries()}
    statements = [str(entry["statement"]).casefold() for entry in new]
    assert len(set(statements)) == len(statements)
    assert not old.intersection(statements)


def test_fifth_tuning_part_is_new() -> None:
    """At least 100 statements, each with its page, none in another part."""
    new = smart_corpus.entries(smart_corpus.TUNING_5)
    assert len(new) >= 100
    assert all(str(entry["source"]).startswith(("https://", "http://")) for entry in new)
    assert len({str(entry["source"]) for entry in new}) >= 30
    others = [smart_corpus.CORPUS, smart_corpus.TUNING_2, smart_corpus.TUNING_3, smart_corpus.TUNING_4]
    old = {str(entry["statement"]).casefold() for path in others for entry in smart_corpus.entries(path)}
    statements = [str(entry["statement"]).casefold() for entry in new]
    assert len(set(statements)) == len(statements)
    assert not old.intersection(statements)


def test_fourth_held_out_part_is_new() -> None:
    """At least 100 statements, each with its page, none in another part, no page another part used."""
    new = smart_corpus.entries(smart_corpus.HELD_OUT_4)
    assert len(new) >= 100
    assert all(str(entry["source"]).startswith(("https://", "http://")) for entry in new)
    assert len({str(entry["source"]) for entry in new}) >= 30
    others = [smart_corpus.CORPUS, smart_corpus.TUNING_2, smart_corpus.TUNING_3, smart_corpus.TUNING_4,
              smart_corpus.TUNING_5]
    old = [entry for path in others for entry in smart_corpus.entries(path)]
    statements = [str(entry["statement"]).casefold() for entry in new]
    assert len(set(statements)) == len(statements)
    assert not {str(entry["statement"]).casefold() for entry in old}.intersection(statements)
    assert not {str(entry["source"]) for entry in old}.intersection(str(entry["source"]) for entry in new)


def _every_part() -> list[dict[str, object]]:
    names = ("tuning", "held-out", "tuning-2", "tuning-3", "tuning-4", "tuning-5", "held-out-4")
    return [entry for name in names for entry in _part(name)]


def test_second_labellings_cover_every_statement() -> None:
    ids = {str(entry["id"]) for entry in _every_part()}
    for labels in smart_corpus.second_labels():
        assert set(labels) == ids
        assert all(set(letters) <= set(smart_corpus.LETTERS) for letters in labels.values())


def test_labellers_agree_enough_to_be_a_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """Cohen's kappa of each pair of labellers per letter, over every statement. S, M and T must
    agree at least moderately (kappa 0.4) or the majority is no reference; A and R have too few
    positives for kappa to mean much and are reported only."""
    every = _every_part()
    pairs = {"first-B": (0, 1), "first-C": (0, 2), "B-C": (1, 2)}
    with capsys.disabled():
        print(f"\nSMART corpus, labeller agreement ({len(every)} statements), Cohen's kappa:")
        for letter in smart_corpus.LETTERS:
            figures = {name: smart_corpus.kappa(every, letter, *pair) for name, pair in pairs.items()}
            print(f"  {letter}: " + ", ".join(f"{name} {value:.2f}" for name, value in figures.items()))
            if letter in "SMT":
                assert min(figures.values()) >= 0.4, (letter, figures)


@pytest.mark.parametrize("name", list(_FLOORS))
def test_precision_and_recall_per_letter(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    part = _part(name)
    table = smart_corpus.scores(part)
    first = smart_corpus.scores(part, truth=smart_corpus.first_labeller)
    with capsys.disabled():
        print(f"\nSMART corpus, {name} part ({len(part)} statements), against the majority of "
              "three labellers (the first labeller alone in brackets):")
        for letter, (precision, recall, tp, fp, fn) in table.items():
            print(f"  {letter}: precision {precision:.2f} recall {recall:.2f} "
                  f"(tp {tp}, fp {fp}, fn {fn}) [{first[letter][0]:.2f} / {first[letter][1]:.2f}]")
    for letter, (precision_floor, recall_floor) in _FLOORS[name].items():
        precision, recall, *_ = table[letter]
        # the held-out part's mistakes are not printed: reading them would be tuning on them
        shown = smart_corpus.mistakes(part) if name.startswith("tuning") else name
        assert precision >= precision_floor, (letter, shown)
        assert recall >= recall_floor, (letter, shown)
