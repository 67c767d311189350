"""A/B benchmark of the statement analyser's cost per statement, uncached: two installs of
planengine, interleaved in one run (issue 20's speed budget: the statement rules' cost per statement
must not grow by more than 10 %).

``bench_ab.py --what lint`` times ``check_goals`` on the example plans, whose statements the
analyser caches after the first call; this times ``analyse`` itself (its cache bypassed) on every
statement of the labelled corpus (``tests/data/smart-corpus/``), so that a change to the rules'
reading shows. Each round runs each side in a fresh interpreter of its own install (A, B, A, B,
...); CPU time of the process is measured, which the other work on a shared machine disturbs less
than wall time. Install each side from a wheel, as for ``bench_ab.py``::

    python3 bench/bench_statements_ab.py --baseline /tmp/base/bin/python \\
        --candidate /tmp/cand/bin/python [--rounds 11] [--passes 10]

Prints, per side: the median of the round medians (microseconds per statement), p99 over every
pass and the spread of the round medians; then the paired ratio of each round and candidate /
baseline.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "smart-corpus"

#: Run in each side's interpreter: read every statement once (the lemma table and the pattern lists
#: load), then time ``passes`` passes over all of them; prints the microseconds per statement of
#: each pass.
_ROUND = """
import json, sys, time
from planengine.smart._statement import analyse
texts = json.load(open(sys.argv[1], encoding="utf-8"))
raw = analyse.__wrapped__
for text in texts:
    raw(text)
samples = []
for _ in range(int(sys.argv[2])):
    start = time.process_time()
    for text in texts:
        raw(text)
    samples.append((time.process_time() - start) / len(texts) * 1e6)
print(json.dumps(samples))
"""


def _statements() -> list[str]:
    found = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [str(entry["statement"]) for entry in data.get("entries", []) if "statement" in entry]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="python of the baseline install")
    parser.add_argument("--candidate", required=True, help="python of the candidate install")
    parser.add_argument("--rounds", type=int, default=11, help="rounds per side (at least 5)")
    parser.add_argument("--passes", type=int, default=10, help="timed passes per round")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    statements = _statements()
    sides = {"baseline": args.baseline, "candidate": args.candidate}
    samples: dict[str, list[list[float]]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory() as folder:
        texts = pathlib.Path(folder) / "statements.json"
        texts.write_text(json.dumps(statements), encoding="utf-8")
        for _ in range(args.rounds):
            for name, python in sides.items():
                out = subprocess.run(
                    [python, "-c", _ROUND, str(texts), str(args.passes)],
                    capture_output=True, text=True, check=True, cwd=folder,
                )  # fmt: skip
                samples[name].append(json.loads(out.stdout))
    medians = {name: [statistics.median(r) for r in rounds] for name, rounds in samples.items()}
    for name, rounds in samples.items():
        every = sorted(value for passes in rounds for value in passes)
        p99 = every[int(0.99 * (len(every) - 1))]
        print(
            f"{name:10} median {statistics.median(medians[name]):7.1f} us/statement  p99 {p99:7.1f}"
            f"  spread {min(medians[name]):.1f}-{max(medians[name]):.1f}"
            f"  ({len(statements)} statements, {args.rounds} rounds x {args.passes})"
        )
    ratios = [c / b for b, c in zip(medians["baseline"], medians["candidate"], strict=True)]
    print("paired round ratios: " + " ".join(f"{r:.2f}" for r in ratios)
          + f" (median {statistics.median(ratios):.2f})")  # fmt: skip
    ratio = statistics.median(medians["candidate"]) / statistics.median(medians["baseline"])
    print(f"candidate / baseline: {ratio:.3f}x")


if __name__ == "__main__":
    main()
