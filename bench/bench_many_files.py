"""Peak memory and time of ``planengine plan`` (or ``validate``) over many files, for two
installs interleaved in one run.

Usage (wheel installs, as for ``bench_ab.py``)::

    python3 bench/bench_many_files.py --baseline /tmp/base/bin/planengine \\
        --candidate /tmp/cand/bin/planengine [--files 2000] [--rounds 5] [--format json] \\
        [--command plan|validate]

``plan``: writes ``--files`` assessment files (the examples, each under a patient id of its own)
into a temporary folder, then runs ``planengine plan FILES --format F --as-of 2026-11-25 >
/dev/null``. ``validate``: writes the goal files of ``bench_validate.py`` and runs ``planengine
validate FOLDER --jobs 1 --as-of 2026-11-25`` (one process: its throughput). Each install runs
in alternating rounds; per side it prints the median peak resident memory (``ru_maxrss`` of the
child), the median wall time and time per file, and the median CPU time of the child (user +
system: what other jobs on a shared machine disturb far less than wall time), each with the
spread over the rounds, and the candidate's medians as a ratio of the baseline's. A batch that
streams its output holds one plan at a time: its peak does not grow with the file count.
``--jobs N`` (validate only) runs both sides with ``--jobs N`` instead of 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: assessments that plan without an error (every top-level YAML example)
EXAMPLES = sorted(ROOT.glob("examples/*.yaml"))


def write_files(folder: Path, count: int) -> list[str]:
    """``count`` assessment files: the examples in turn, each with its own patient id."""
    names = []
    for index in range(count):
        source = EXAMPLES[index % len(EXAMPLES)].read_text("utf-8")
        lines = [
            f"  id: B-{index:06d}" if line.startswith("  id: ") else line
            for line in source.splitlines()
        ]
        path = folder / f"a{index:06d}.yaml"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        names.append(str(path))
    return names


def run_once(program: str, names: list[str], fmt: str) -> tuple[float, float, float]:
    """Peak RSS (MB), wall time and CPU time (s) of one ``plan`` batch, its output thrown away."""
    return run_command([program, "plan", *names, "--format", fmt, "--as-of", "2026-11-25"])


def run_command(argv: list[str]) -> tuple[float, float, float]:
    """Peak RSS (MB), wall time and CPU time (s; the child's and its workers', user + system)
    of one command, its output thrown away."""
    start = time.perf_counter()
    program = argv[0]
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE)
        assert process.stderr is not None
        errors = process.stderr.read()
        _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1, 2):
        raise SystemExit(f"{program} failed: {errors.decode()[-500:]}")
    return usage.ru_maxrss / 1024, elapsed, usage.ru_utime + usage.ru_stime


def main() -> None:
    """Parse arguments, run the interleaved rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="planengine program of the baseline")
    parser.add_argument("--candidate", required=True, help="planengine program of the candidate")
    parser.add_argument("--files", type=int, default=2000, help="assessment files per batch")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side (at least 5)")
    parser.add_argument("--format", default="json", help="plan's output format (default json)")
    parser.add_argument("--command", choices=("plan", "validate"), default="plan")
    parser.add_argument("--jobs", default="1", help="validate's --jobs (default 1)")
    args = parser.parse_args()
    sides = {"baseline": args.baseline, "candidate": args.candidate}
    peaks: dict[str, list[float]] = {name: [] for name in sides}
    times: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory() as folder:
        if args.command == "plan":
            names = write_files(Path(folder), args.files)
        else:
            import sys

            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_validate import generate

            generate(Path(folder), args.files)
        for _ in range(max(5, args.rounds)):
            for side, program in sides.items():
                if args.command == "plan":
                    peak, elapsed, used = run_once(program, names, args.format)
                else:
                    peak, elapsed, used = run_command(
                        [program, "validate", folder, "--jobs", args.jobs, "--as-of", "2026-11-25"]
                    )
                peaks[side].append(peak)
                times[side].append(elapsed)
                cpu[side].append(used)
    for side in sides:
        print(
            f"{side:9}  peak RSS median {statistics.median(peaks[side]):7.1f} MB "
            f"(spread {min(peaks[side]):.1f}-{max(peaks[side]):.1f})  "
            f"wall median {statistics.median(times[side]):6.2f} s "
            f"(spread {min(times[side]):.2f}-{max(times[side]):.2f}; "
            f"{1000 * statistics.median(times[side]) / args.files:.2f} ms/file; "
            f"{args.command} of {args.files} files, {len(peaks[side])} rounds)\n"
            f"{'':9}  CPU median {statistics.median(cpu[side]):6.2f} s "
            f"(spread {min(cpu[side]):.2f}-{max(cpu[side]):.2f}; "
            f"{1000 * statistics.median(cpu[side]) / args.files:.3f} ms/file)"
        )
    wall = statistics.median(times["candidate"]) / statistics.median(times["baseline"])
    used = statistics.median(cpu["candidate"]) / statistics.median(cpu["baseline"])
    print(f"candidate / baseline: wall {wall:.2f}x, CPU {used:.2f}x")


if __name__ == "__main__":
    main()
