"""Plan patterns in a synthetic cohort: how often a plan's structure repeats, and what differs
between plans of one structure (what a cache keyed on the structure would have to fill in).

A cache of plan skeletons (the issue's "precompute what depends only on which templates fire")
pays only if many patients share a skeleton, and only for the parts of the plan that are the
same for all of them. This script plans a synthetic FHIR cohort (``write_synthetic_cohort``)
and prints:

* ``plan()`` CPU time per patient (a warm engine; each patient planned once per pass), the
  figure a cache must be measured on besides the one repeated example of ``bench_ab.py``;
* the number of distinct skeletons (problems, phases, each step's id, status and phase, the
  exclusions, the options chosen, the flag kinds) and of distinct fired-template sets (step and
  objective ids by problem): the best hit rate a cache keyed on them can reach;
* the JSON paths whose values differ between plans of one skeleton, by how many skeletons they
  differ in: the "personal fields" a skeleton must leave open (numbered items as ``[*]``).

Run it from any install (it reads the cohort through the private FHIR-to-assessment path of
``planengine batch``)::

    python bench/bench_plan_patterns.py --patients 2000 [--passes 3] [--paths 40]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import pathlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from typing import Any

AS_OF = dt.date(2026, 11, 25)


def cohort(patients: int, folder: str) -> tuple[Any, list[Any]]:
    """The batch planner's engine and the cohort's assessments (patients that plan)."""
    from planengine._errors import InputError
    from planengine.batch import write_synthetic_cohort
    from planengine.batch._planning import BatchSettings, PatientPlanner
    from planengine.batch._source import input_files, keyed_records

    write_synthetic_cohort(folder, patients, seed=1, as_of=AS_OF)
    records: dict[str, list[Any]] = collections.defaultdict(list)
    for item in keyed_records(input_files(folder)):
        if isinstance(item, tuple):
            records[item[0]].append(item[1])
    planner = PatientPlanner(BatchSettings(as_of=AS_OF))
    assessments = []
    for patient, found in records.items():
        found.sort(key=lambda r: (r.file, r.line or 0, r.path))
        try:
            sources, goal_file = planner._sources(patient, found)
            if sources is not None:
                assessment = planner._assessment(patient, sources, goal_file is None)
                if assessment is not None:
                    assessments.append(assessment)
        except InputError:  # the cohort's deliberately bad patients
            continue
    return planner.engine, assessments


def skeleton(plan: Any) -> tuple[Any, ...]:
    """The plan's structure: what a pattern cache would hold for a patient's plan."""
    return (
        tuple(flag.kind for flag in plan.risk_flags),
        tuple(
            (
                problem.area,
                problem.phase,
                tuple((step.id, step.status, step.phase) for step in problem.interventions),
                tuple(objective.id for objective in problem.objectives),
            )
            for problem in plan.problems
        ),
        tuple((exclusion.item_id, exclusion.rule) for exclusion in plan.exclusions),
        tuple((choice.area, choice.chosen) for choice in plan.choices),
    )


def fired(plan: Any) -> tuple[Any, ...]:
    """The templates that fired, by problem (ids only)."""
    return tuple(
        (
            problem.area,
            tuple(sorted(step.id for step in problem.interventions)),
            tuple(sorted(objective.id for objective in problem.objectives)),
        )
        for problem in plan.problems
    )


def differing(a: Any, b: Any, path: str = "$") -> Iterator[str]:
    """The paths (numbered items as ``[*]``) where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            yield from differing(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for x, y in zip(a, b, strict=True):
            yield from differing(x, y, f"{path}[*]")
    elif a != b:
        yield path


def main() -> None:
    """Plan the cohort, time it, and print the pattern census."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the cohort")
    parser.add_argument("--paths", type=int, default=40, help="differing paths to list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine, assessments = cohort(args.patients, str(pathlib.Path(folder) / "cohort"))
    plans = [engine.plan(a, as_of=AS_OF) for a in assessments]  # every strategy compiled
    clock = time.process_time_ns
    for number in range(args.passes):
        times = []
        for assessment in assessments:
            start = clock()
            engine.plan(assessment, as_of=AS_OF)
            times.append((clock() - start) / 1000)
        p99 = statistics.quantiles(times, n=100)[98]
        print(
            f"pass {number + 1}: {len(times)} patients, plan() CPU median "
            f"{statistics.median(times):.0f} us, p99 {p99:.0f} us, mean {statistics.fmean(times):.0f} us"
        )
    count = len(plans)
    groups: dict[tuple[Any, ...], list[Any]] = collections.defaultdict(list)
    for plan in plans:
        groups[skeleton(plan)].append(plan)
    templates = {fired(plan) for plan in plans}
    sizes = sorted((len(members) for members in groups.values()), reverse=True)
    print(
        f"distinct skeletons: {len(groups)} of {count} plans ({sizes.count(1)} seen once; "
        f"largest groups {sizes[:8]}): a skeleton cache hits at most "
        f"{(count - len(groups)) / count:.1%}"
    )
    print(
        f"distinct fired-template sets: {len(templates)}: at most "
        f"{(count - len(templates)) / count:.1%}"
    )
    varies: collections.Counter[str] = collections.Counter()
    shared = [members for members in groups.values() if len(members) > 1]
    for members in shared:
        first = members[0].to_dict()
        found: set[str] = set()
        for other in members[1:]:
            found.update(differing(first, other.to_dict()))
        varies.update(found)
    print(f"paths that differ within a skeleton ({len(shared)} skeletons of two or more plans):")
    for path, groups_count in varies.most_common(args.paths):
        print(f"  {groups_count:4d}  {path}")


if __name__ == "__main__":
    main()
