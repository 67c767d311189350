"""A/B benchmark: plan() time of two installs of planengine, interleaved in one run.

The machine is shared and noisy, so the baseline and the candidate are measured in alternating
rounds (A, B, A, B, ...), each round in a fresh interpreter of its own install, and compared by
their medians. Install each side from a wheel (an editable install recompiles on every start when
``PYTHONDONTWRITEBYTECODE`` is set)::

    python3 -m venv /tmp/base && /tmp/base/bin/pip install -q <checkout of the baseline>
    python3 -m venv /tmp/cand && /tmp/cand/bin/pip install -q .
    python3 bench/bench_ab.py --baseline /tmp/base/bin/python --candidate /tmp/cand/bin/python

Prints, per side: the median of the per-round medians, p99 over every call, the spread (min-max
of the round medians) and plans per second from the median; then candidate / baseline.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "moderate-phq9-gad7-isi.yaml"

#: Run in each side's interpreter: warm up, then time ``calls`` plans; prints the samples (us).
_ROUND = """
import datetime as dt, json, sys, time
from planengine import Engine, load_assessment
engine = Engine()
assessment = load_assessment(sys.argv[1])
as_of = dt.date(2026, 11, 25)
for _ in range(200):
    engine.plan(assessment, as_of=as_of)
clock = time.perf_counter_ns
samples = []
for _ in range(int(sys.argv[2])):
    start = clock()
    engine.plan(assessment, as_of=as_of)
    samples.append((clock() - start) / 1000)
print(json.dumps(samples))
"""


def _round(python: str, example: str, calls: int) -> list[float]:
    out = subprocess.run(
        [python, "-c", _ROUND, example, str(calls)], check=True, capture_output=True, text=True
    )
    samples: list[float] = json.loads(out.stdout)
    return samples


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    """Parse arguments, run the interleaved rounds and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="python of the baseline install")
    parser.add_argument("--candidate", required=True, help="python of the candidate install")
    parser.add_argument("--example", default=str(EXAMPLE), help="assessment file to plan")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per side (at least 5)")
    parser.add_argument("--calls", type=int, default=2000, help="timed plan() calls per round")
    args = parser.parse_args()
    sides = {"baseline": args.baseline, "candidate": args.candidate}
    medians: dict[str, list[float]] = {name: [] for name in sides}
    every: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(max(5, args.rounds)):
        for name, python in sides.items():
            samples = _round(python, args.example, args.calls)
            medians[name].append(statistics.median(samples))
            every[name].extend(samples)
    summary = {}
    for name in sides:
        median = statistics.median(medians[name])
        summary[name] = median
        print(
            f"{name:9}  median {median:8.1f} us  p99 {_p99(every[name]):8.1f} us  "
            f"spread {min(medians[name]):.1f}-{max(medians[name]):.1f} us  "
            f"{1e6 / median:8.0f} plans/s  ({len(medians[name])} rounds x {args.calls})"
        )
    print(f"candidate / baseline: {summary['candidate'] / summary['baseline']:.3f}x")


if __name__ == "__main__":
    main()
