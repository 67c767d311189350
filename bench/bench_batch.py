"""Batch bench: wall time, throughput and peak memory of ``planengine batch`` over synthetic
cohorts of growing size (a bench, not a timed test: the machine is shared and noisy).

Peak memory is the largest sum of the resident set sizes of the ``planengine batch`` process and
all its workers, sampled from ``/proc`` every 50 ms (Linux), so it counts the whole pool, not one
process. Install from a wheel for throughput figures (an editable install recompiles on start
with ``PYTHONDONTWRITEBYTECODE``)::

    python3 -m venv /tmp/wheel && /tmp/wheel/bin/pip install -q '.[spark]'
    /tmp/wheel/bin/python bench/bench_batch.py --sizes 2000 10000 20000 --jobs 2 [--engine spark]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import subprocess
import sys
import tempfile
import time

AS_OF = dt.date(2026, 11, 25)


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and every process below it (Linux ``/proc``)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure(source: str, out: str, jobs: int, engine: str) -> tuple[float, int]:
    """Seconds and peak tree RSS (bytes) of one ``planengine batch`` run."""
    command = [
        sys.executable,
        "-m",
        "planengine",
        "batch",
        source,
        "-o",
        out,
        "--as-of",
        AS_OF.isoformat(),
        "-q",
    ]
    command += ["--engine", engine] + (
        ["--master", f"local[{jobs}]"] if engine == "spark" else ["-j", str(jobs)]
    )
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 2):
        raise SystemExit(f"batch failed with exit {process.returncode}")
    return seconds, peak


def main() -> None:
    """Generate each cohort once, run the batch on it, print one line a size."""
    from planengine.batch import write_synthetic_cohort

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 20000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engine", choices=("local", "spark"), default="local")
    parser.add_argument("--keep", metavar="DIR", help="generate the cohorts here and keep them")
    args = parser.parse_args()
    root = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="planengine-bench-"))
    print(f"engine={args.engine} jobs={args.jobs} cpus={os.cpu_count()}")
    print("patients  input_MB  seconds  patients/s  patients/s/worker  peak_RSS_MB")
    for size in args.sizes:
        source = root / f"cohort-{size}"
        if not source.exists():
            write_synthetic_cohort(str(source), size, seed=1, as_of=AS_OF)
        megabytes = sum(p.stat().st_size for p in source.iterdir()) / 1e6
        seconds, peak = measure(str(source), str(root / f"out-{size}"), args.jobs, args.engine)
        rate = size / seconds
        print(
            f"{size:8d}  {megabytes:8.1f}  {seconds:7.1f}  {rate:10.0f}  {rate / args.jobs:17.0f}  {peak / 1e6:11.0f}"
        )


if __name__ == "__main__":
    main()
