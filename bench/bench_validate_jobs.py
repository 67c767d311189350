"""Where a second worker starts to pay: ``planengine validate --jobs 1`` against ``--jobs 2``
over growing numbers of goal files, interleaved in one run.

Usage (a wheel install, as for ``bench_ab.py``)::

    python3 bench/bench_validate_jobs.py --program /tmp/cand/bin/planengine \\
        [--counts 50,200,500,1000,2000] [--rounds 5]

For each file count it writes that many goal files of ``bench_validate.py`` and runs both
settings in alternating rounds (``--no-plugins``, output thrown away), then prints per setting
the median wall time with its spread and p99 (the slowest round, with as few rounds), the time
per file, and the ratio ``--jobs 2`` / ``--jobs 1``: below 1, the workers pay for their start.
``planengine.smart._validate.auto_jobs`` picks the workers from this table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_many_files import run_command
from bench_validate import generate


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    """Parse arguments, run the interleaved rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--program", required=True, help="the planengine program to run")
    parser.add_argument("--counts", default="50,200,500,1000,2000", help="file counts")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per setting (at least 5)")
    args = parser.parse_args()
    print("files  jobs  wall median (spread; p99)       ms/file   CPU median   2 / 1")
    for count in (int(part) for part in args.counts.split(",")):
        walls: dict[str, list[float]] = {"1": [], "2": []}
        cpus: dict[str, list[float]] = {"1": [], "2": []}
        with tempfile.TemporaryDirectory() as folder:
            generate(Path(folder), count)
            for _ in range(max(5, args.rounds)):
                for jobs in walls:
                    argv = [args.program, "validate", folder, "--jobs", jobs, "--no-plugins"]
                    _peak, wall, cpu = run_command([*argv, "--as-of", "2026-11-25"])
                    walls[jobs].append(wall)
                    cpus[jobs].append(cpu)
        ratio = statistics.median(walls["2"]) / statistics.median(walls["1"])
        for jobs, values in walls.items():
            median = statistics.median(values)
            print(
                f"{count:5}  {jobs:>4}  {median:7.3f} s ({min(values):.3f}-{max(values):.3f}; "
                f"{_p99(values):.3f})  {1000 * median / count:7.3f}  "
                f"{statistics.median(cpus[jobs]):8.3f} s"
                + (f"   {ratio:.2f}x" if jobs == "2" else "")
            )


if __name__ == "__main__":
    main()
