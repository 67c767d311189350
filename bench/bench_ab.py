"""A/B benchmark: plan(), SMART checks or review of two installs of planengine, interleaved in one
run (``--what plan|plan_cohort|to_json|to_json_once|lint|review``).

The machine is shared and noisy, so the baseline and the candidate are measured in alternating
rounds (A, B, A, B, ...), each round in a fresh interpreter of its own install, and compared by
their medians. Install each side from a wheel (an editable install recompiles on every start when
``PYTHONDONTWRITEBYTECODE`` is set)::

    python3 -m venv /tmp/base && /tmp/base/bin/pip install -q <checkout of the baseline>
    python3 -m venv /tmp/cand && /tmp/cand/bin/pip install -q .
    python3 bench/bench_ab.py --baseline /tmp/base/bin/python --candidate /tmp/cand/bin/python \\
        [--what plan|to_json|to_json_once|lint|review]

Prints, per side: the median of the per-round medians, p99 over every call, the spread (min-max
of the round medians) and operations per second from the median; then candidate / baseline.
``--clock cpu`` times each call in the process's CPU time instead of wall time: on a machine
other jobs load, the wall time of a call includes the time the process waited for a core, and
its CPU time does not (the same calls, the same rounds; compare builds only within one run).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "moderate-phq9-gad7-isi.yaml"

#: Run in each side's interpreter: warm up, then time ``calls`` operations; prints the samples
#: (us). Only the public API is used, so that any two versions compare.
_ROUND = """
import datetime as dt, json, pathlib, sys, time
import planengine
what, example, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
clock_name = sys.argv[4] if len(sys.argv) > 4 else "wall"
as_of = dt.date(2026, 11, 25)
if what == "plan":
    engine = planengine.Engine()
    assessment = planengine.load_assessment(example)
    run = lambda: engine.plan(assessment, as_of=as_of)
elif what == "plan_cohort":  # each call plans the next patient of a synthetic cohort
    import itertools, os, tempfile
    from planengine.fhir import assessments_from_fhir, read_fhir_file
    engine = planengine.Engine()
    folder = tempfile.mkdtemp()
    planengine.write_synthetic_cohort(folder, int(example), seed=1, as_of=as_of)  # a count here
    located = [r for name in sorted(os.listdir(folder)) if name.endswith(".ndjson")
               for r in read_fhir_file(os.path.join(folder, name))]
    cohort = []
    for number, imported in enumerate(assessments_from_fhir(located)):
        path = os.path.join(folder, f"patient-{number}.json")
        with open(path, "w") as handle:
            json.dump(imported.document, handle)
        try:
            assessment = planengine.load_assessment(path)
            engine.plan(assessment, as_of=as_of)  # warm: every strategy it needs compiled
        except planengine.InputError:  # the cohort's deliberately bad patients
            continue
        cohort.append(assessment)
    patients = itertools.cycle(cohort)
    run = lambda: engine.plan(next(patients), as_of=as_of)
elif what == "to_json":
    plan = planengine.Engine().plan(planengine.load_assessment(example), as_of=as_of)
    run = plan.to_json
elif what == "to_json_once":
    engine = planengine.Engine()
    assessment = planengine.load_assessment(example)
    fresh = []
    def run():  # each plan written once, as a user writes it; plans made 100 at a time, untimed
        if not fresh:
            fresh.extend(engine.plan(assessment, as_of=as_of) for _ in range(100))
            return None
        return fresh.pop().to_json()
elif what == "lint":
    engine = planengine.Engine()
    folder = pathlib.Path(example).parent
    documents = [
        planengine.plan_to_goal_document(engine.plan(planengine.load_assessment(str(p)), as_of=as_of))
        for p in sorted(folder.glob("*.yaml"))
    ]
    run = lambda: [planengine.check_goals(d, as_of=as_of) for d in documents]
else:
    folder = pathlib.Path(example).parent / "review"
    documents = [planengine.load_document(str(p)) for p in sorted(folder.glob("*.yaml"))]
    review_as_of = dt.date(2027, 1, 20)
    def run():
        for d in documents:
            try:
                planengine.review_goals(d, as_of=review_as_of)
            except planengine.InputError:
                pass
for _ in range(20):
    run()
clock = time.process_time_ns if clock_name == "cpu" else time.perf_counter_ns
samples = []
while len(samples) < calls:
    start = clock()
    written = run()
    if what != "to_json_once" or written is not None:
        samples.append((clock() - start) / 1000)
print(json.dumps(samples))
"""


def _round(python: str, what: str, example: str, calls: int, clock: str = "wall") -> list[float]:
    out = subprocess.run(
        [python, "-c", _ROUND, what, example, str(calls), clock],
        check=True,
        capture_output=True,
        text=True,
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
    parser.add_argument(
        "--what",
        choices=("plan", "plan_cohort", "to_json", "to_json_once", "lint", "review"),
        default="plan",
        help="plan the example; plan the patients of a synthetic cohort in turn (plan_cohort: "
        "--patients of them, each planned once before timing, so that a cache is measured on "
        "many patients, not on one repeated example); write its plan as JSON text "
        "(Plan.to_json), again and again or each of many fresh plans once (to_json_once); check the goal "
        "files of every example plan; or review every file in examples/review (each timed "
        "sample is one pass over them all)",
    )
    parser.add_argument(
        "--patients", type=int, default=500, help="plan_cohort: patients in the cohort"
    )
    parser.add_argument("--rounds", type=int, default=7, help="rounds per side (at least 5)")
    parser.add_argument("--calls", type=int, default=2000, help="timed plan() calls per round")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time each call in wall time (default) or in the process's CPU time, which the "
        "load of other jobs on the machine disturbs far less",
    )
    args = parser.parse_args()
    sides = {"baseline": args.baseline, "candidate": args.candidate}
    medians: dict[str, list[float]] = {name: [] for name in sides}
    every: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(max(5, args.rounds)):
        for name, python in sides.items():
            example = str(args.patients) if args.what == "plan_cohort" else args.example
            samples = _round(python, args.what, example, args.calls, args.clock)
            medians[name].append(statistics.median(samples))
            every[name].extend(samples)
    summary = {}
    for name in sides:
        median = statistics.median(medians[name])
        summary[name] = median
        print(
            f"{name:9}  median {median:8.1f} us  p99 {_p99(every[name]):8.1f} us  "
            f"spread {min(medians[name]):.1f}-{max(medians[name]):.1f} us  "
            f"{1e6 / median:8.0f} {args.what}s/s  ({len(medians[name])} rounds x {args.calls})"
        )
    print(
        f"candidate / baseline: {summary['candidate'] / summary['baseline']:.3f}x "
        f"({args.clock} time)"
    )


if __name__ == "__main__":
    main()
