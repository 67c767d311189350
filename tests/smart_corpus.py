"""The labelled SMART statement corpus (tests/data/smart-corpus/): loading, the tuning and held-out
split, and precision and recall per letter of what the linter reports on it."""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).parent / "data" / "smart-corpus" / "goals.yaml"
#: The fourth tuning part: statements gathered and labelled after the first tuning ended; the second
#: held-out part (new-held-out.yaml) until it had been scored three times (README.md).
TUNING_4 = CORPUS.with_name("tuning-4.yaml")
#: A second, small tuning part, gathered after the second held-out part was scored (README.md).
TUNING_2 = CORPUS.with_name("tuning-2.yaml")
#: A third tuning part, gathered for more Achievable positives and unusual specific forms (README.md).
TUNING_3 = CORPUS.with_name("tuning-3.yaml")
#: The fifth tuning part: the third held-out part (held-out-3.yaml), gathered after session 28's
#: tuning round and scored once while held out; tuned on from session 29 (README.md).
TUNING_5 = CORPUS.with_name("tuning-5.yaml")
#: The fourth held-out part: gathered in session 29 while the fifth tuning round ran, never tuned on
#: (README.md).
HELD_OUT_4 = CORPUS.with_name("held-out-4.yaml")
#: Two further labellers' letters for every statement of every part, labelled blind (README.md).
SECOND_LABELS = (CORPUS.with_name("labels-b.yaml"), CORPUS.with_name("labels-c.yaml"))
LETTERS = "SMART"
AS_OF = datetime.date(2026, 12, 15)
START = "2026-12-01"

#: Rules that say the record lacks a field the statement itself supplies (the statement states its
#: count or its timeframe; the goal file has no measure or due date yet). A supervisor reading the
#: statement has nothing to circle there, so they do not count as circling a letter.
RECORD_ONLY = frozenset({"M208", "T507"})


def entries(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The labelled statements of one corpus file (the tuning and first held-out parts by default)."""
    with path.open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["entries"])


def _labels_by_id(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {str(row["id"]): str(row["circled"]) for row in yaml.safe_load(handle)["entries"]}


@functools.cache
def second_labels() -> tuple[dict[str, str], ...]:
    """The other labellers' letters by statement id, one mapping per labeller."""
    return tuple(_labels_by_id(path) for path in SECOND_LABELS)


def labellings(entry: Mapping[str, Any]) -> tuple[str, str, str]:
    """The three labellers' letters for one statement: the corpus file's own (the first labeller,
    `circled`) and the two blind second labellings."""
    first = str(entry["circled"])
    second, third = (labels[str(entry["id"])] for labels in second_labels())
    return first, second, third


def consensus(entry: Mapping[str, Any]) -> str:
    """The letters at least two of the three labellers circle: the reference the floors use."""
    votes = labellings(entry)
    return "".join(letter for letter in LETTERS if sum(letter in vote for vote in votes) >= 2)


def first_labeller(entry: Mapping[str, Any]) -> str:
    """The letters the corpus file's own labeller circles (the reference before the second
    labellings)."""
    return str(entry["circled"])


def kappa(chosen: Iterable[Mapping[str, Any]], letter: str, first: int, second: int) -> float:
    """Cohen's kappa of two labellers (0, 1, 2: the file's own, B, C) on one letter; 1.0 when
    both always agree on a letter nobody or everybody circles."""
    pairs = [(letter in votes[first], letter in votes[second])
             for votes in (labellings(entry) for entry in chosen)]
    total = len(pairs)
    observed = sum(a == b for a, b in pairs) / total
    yes_a = sum(a for a, _ in pairs) / total
    yes_b = sum(b for _, b in pairs) / total
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def held_out(entry: Mapping[str, Any]) -> bool:
    """About 30 % of the statements, chosen by a hash of the statement (not by hand)."""
    digest = hashlib.sha256(entry["statement"].encode("utf-8")).digest()
    return digest[0] % 10 < 3


def as_goal_file(chosen: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The statements as a clinician transcribes the plan: statement, problem area, the problem it
    sits under, a start date and the plan's review cycle; nothing read out of the statement."""
    goals = [
        {
            "id": entry["id"],
            "area": entry["area"],
            "statement": entry["statement"],
            "addresses": [entry["area"]],
            "start_date": START,
        }
        for entry in chosen
    ]
    return {"planengine": 1, "review_interval_days": 90, "goals": goals}


def predicted(violations: Iterable[Any]) -> dict[str, set[str]]:
    """Goal id -> the letters the linter circles (errors and warnings, record-only rules aside)."""
    found: dict[str, set[str]] = {}
    for violation in violations:
        if violation.severity == "info" or violation.code in RECORD_ONLY:
            continue
        if violation.letter in LETTERS and violation.goal_id is not None:
            found.setdefault(violation.goal_id, set()).add(violation.letter)
    return found


def scores(
    chosen: list[Mapping[str, Any]], truth: Callable[[Mapping[str, Any]], str] = consensus
) -> dict[str, tuple[float, float, int, int, int]]:
    """Letter -> (precision, recall, true positives, false positives, false negatives) against
    `truth` (the three labellers' majority by default); with no positive and no prediction,
    precision and recall are 1."""
    from planengine.smart import check_goals

    found = predicted(check_goals(as_goal_file(chosen), as_of=AS_OF))
    table = {}
    for letter in LETTERS:
        tp = fp = fn = 0
        for entry in chosen:
            wanted = letter in truth(entry)
            guess = letter in found.get(entry["id"], set())
            tp += wanted and guess
            fp += guess and not wanted
            fn += wanted and not guess
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        table[letter] = (precision, recall, tp, fp, fn)
    return table


def mistakes(chosen: list[Mapping[str, Any]]) -> list[str]:
    """One line per statement whose letters the linter gets wrong (for tuning)."""
    from planengine.smart import check_goals

    violations = check_goals(as_goal_file(chosen), as_of=AS_OF)
    found = predicted(violations)
    lines = []
    for entry in chosen:
        guess = "".join(sorted(found.get(entry["id"], set()), key=LETTERS.index))
        want = consensus(entry)
        if guess != want:
            codes = sorted({v.code for v in violations if v.goal_id == entry["id"]})
            lines.append(f"{entry['id']} want {want!r:7} got {guess!r:7} {codes} "
                         f"{entry['statement'][:90]}")
    return lines
