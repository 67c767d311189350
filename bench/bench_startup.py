"""Whole-process time of planengine's commands on one file, for two installs interleaved in one
run, against ``python -c pass`` in the same rounds; and the first ``Engine()`` of a process, timed inside it.

Usage (wheel installs, as for ``bench_ab.py``; the candidate's caches are warmed first)::

    python3 bench/bench_startup.py --baseline /tmp/base/bin/python \\
        --candidate /tmp/cand/bin/python [--rounds 7] [--runs 5]

Each round runs every command ``--runs`` times with each install in turn (baseline, candidate,
``python -c pass``), so a busy moment hits all three alike; per command it prints the median of
the round medians, p99 over every run, the spread of the round medians, and the multiple of
``python -c pass``; then the same for the process's CPU time (user + system), which a machine
shared with other jobs disturbs far less than the wall time. ``validate-e002`` checks a goal
file with a schema error (what a pre-commit hook meets when it has work to do); ``--commands``
picks some of the commands (comma-separated names).

``--floors`` adds, in the same rounds, the least a command could cost with the libraries it
needs: ``python -c "import yaml, jsonschema_rs"`` (what any validate of a YAML goal file must
import: PyYAML reads it, jsonschema-rs checks it), the same plus attrs (planengine's records),
and for each command ``python -c "import <every third-party module it imports>"``. That last set
is not written down here: it is read from the candidate itself (the top-level modules in
``sys.modules`` after the command ran that are neither planengine nor the standard library), so
it stays true as the code changes. The floors run with the candidate's python and are printed
with their multiple of ``python -c pass`` beside the commands'.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--version": ["--version"],
    "validate": ["validate", str(ROOT / "examples" / "review" / "on-track.yaml")],
    "plan": [
        "plan",
        str(ROOT / "examples" / "moderate-phq9-gad7-isi.yaml"),
        "--as-of",
        "2026-11-25",
    ],
    "review": [
        "review",
        str(ROOT / "examples" / "review" / "on-track.yaml"),
        "--as-of",
        "2027-01-20",
    ],
}
#: A goal file whose goal has a schema error (a target that is a word, not a number).
INVALID_GOAL_FILE = """planengine: 1
goals:
  - id: g1
    area: sleep
    statement: Fall asleep within 30 minutes on at least 5 nights a week.
    measure:
      instrument: isi
      baseline: {value: 18, date: 2026-11-01}
      target: {value: low, comparator: "<="}
    due_date: 2027-02-01
"""


def run_ms(argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one process, in milliseconds (its output
    thrown away). CPU time hardly moves when other jobs share the machine; wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


#: the first ``Engine()`` of a process, timed inside it (after its imports): milliseconds
_FIRST_ENGINE = (
    "import time\n"
    "from planengine import Engine\n"
    "start = time.perf_counter(); cpu = time.process_time()\n"
    "Engine()\n"
    "print((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000)\n"
)


def first_engine_ms(python: str) -> tuple[float, float]:
    """Wall and CPU time of the first ``Engine()`` in a new process (its imports included, as
    the engine makes them lazily; ``from planengine import Engine`` before the clock starts)."""
    done = subprocess.run([python, "-c", _FIRST_ENGINE], capture_output=True, text=True, check=True)
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


#: the floors every run with ``--floors`` has, whatever the commands: (name, modules imported)
FIXED_FLOORS = (
    ("floor yaml+jsonschema_rs", ("yaml", "jsonschema_rs")),
    ("floor +attrs", ("yaml", "jsonschema_rs", "attrs")),
)

#: run inside the candidate: the top-level third-party modules a command imports
_THIRD_PARTY = """
import contextlib, io, json, sys
started = set(sys.modules)
from planengine.cli._main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
tops = {name.partition(".")[0] for name in set(sys.modules) - started}
print(json.dumps(sorted(
    top for top in tops
    if top not in sys.stdlib_module_names
    and not top.startswith(("_", "planengine"))
    and getattr(sys.modules.get(top), "__spec__", None) is not None
)))
"""


def third_party_imports(python: str, command: list[str]) -> list[str]:
    """The top-level third-party modules ``planengine <command>`` imports under ``python``
    (neither planengine's own, its built-in plugins included, nor the standard library's; a
    private ``_name`` module, such as a C extension's, is left to the package that imports it,
    and a module no import can find, such as Cython's ``cython_runtime``, is left out)."""
    argv = [python, "-c", _THIRD_PARTY, *command]
    subprocess.run(argv, capture_output=True, check=True)  # the first start may fill the cache
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    modules: list[str] = json.loads(done.stdout.splitlines()[-1])
    return modules


def floors(python: str, commands: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each floor's name and the ``python -c "import ..."`` command line that measures it."""
    rows = {name: list(modules) for name, modules in FIXED_FLOORS}
    for name, command in commands.items():
        if name != "--version":
            rows[f"floor {name} imports"] = third_party_imports(python, command)
    return {name: [python, "-c", "import " + ", ".join(modules)] for name, modules in rows.items()}


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    """Parse arguments, run the interleaved rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="python of the baseline install")
    parser.add_argument("--candidate", required=True, help="python of the candidate install")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (at least 5)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command per round")
    parser.add_argument("--commands", help="comma-separated names of the commands to run")
    parser.add_argument(
        "--floors",
        action="store_true",
        help="also time importing the third-party modules alone (the floor under each command)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        invalid = Path(folder) / "goals.yaml"
        invalid.write_text(INVALID_GOAL_FILE, "utf-8")
        commands = {
            **COMMANDS,
            "validate-e002": ["validate", str(invalid), "--as-of", "2026-11-25"],
        }
        if args.commands:
            commands = {name: commands[name] for name in args.commands.split(",")}
        _measure(args, commands)


def _measure(args: argparse.Namespace, commands: dict[str, list[str]]) -> None:
    sides = {"baseline": args.baseline, "candidate": args.candidate}
    for python in sides.values():  # warm the page cache and any cache file
        for command in commands.values():
            run_ms([python, "-m", "planengine", *command])
    # each row: its name and, per side, the command line; a round runs every row's sides in turn
    rows: dict[str, dict[str, list[str]]] = {
        name: {
            **{side: [python, "-m", "planengine", *command] for side, python in sides.items()},
            "python -c pass": [args.baseline, "-c", "pass"],
        }
        for name, command in commands.items()
    }
    if args.floors:
        for name, argv in floors(args.candidate, commands).items():
            print(f"{name}: {argv[-1]}")
            rows[name] = {"candidate": argv, "python -c pass": [args.baseline, "-c", "pass"]}
    medians: dict[tuple[str, str], list[float]] = {}
    every: dict[tuple[str, str], list[float]] = {}
    cpu_medians: dict[tuple[str, str], list[float]] = {}
    for _ in range(max(5, args.rounds)):
        for name, row in rows.items():
            for side, argv in row.items():
                runs = [run_ms(argv) for _ in range(args.runs)]
                times = [wall for wall, _ in runs]
                medians.setdefault((name, side), []).append(statistics.median(times))
                every.setdefault((name, side), []).extend(times)
                cpu_medians.setdefault((name, side), []).append(
                    statistics.median(cpu for _, cpu in runs)
                )
    engine: dict[str, list[float]] = {}
    engine_every: dict[str, list[float]] = {}
    engine_cpu: dict[str, list[float]] = {}
    for _ in range(max(5, args.rounds)):  # the first Engine(), interleaved the same way
        for side, python in sides.items():
            runs = [first_engine_ms(python) for _ in range(args.runs)]
            engine.setdefault(side, []).append(statistics.median(w for w, _ in runs))
            engine_every.setdefault(side, []).extend(w for w, _ in runs)
            engine_cpu.setdefault(side, []).append(statistics.median(c for _, c in runs))
    for side in sides:
        rounds = engine[side]
        print(
            f"{'Engine()':10} {side:15} median {statistics.median(rounds):7.1f} ms"
            f"  p99 {_p99(engine_every[side]):7.1f}  spread {min(rounds):.1f}-{max(rounds):.1f}"
            f" | CPU {statistics.median(engine_cpu[side]):6.1f} ms"
        )
    width = max(13, *(len(name) for name in rows))
    for name, row in rows.items():
        bare = statistics.median(medians[(name, "python -c pass")])
        bare_cpu = statistics.median(cpu_medians[(name, "python -c pass")])
        for side in row:
            rounds = medians[(name, side)]
            median = statistics.median(rounds)
            cpu_rounds = cpu_medians[(name, side)]
            cpu = statistics.median(cpu_rounds)
            print(
                f"{name:{width}} {side:15} median {median:7.1f} ms"
                f"  p99 {_p99(every[(name, side)]):7.1f}"
                f"  spread {min(rounds):.1f}-{max(rounds):.1f}  {median / bare:5.2f}x python -c pass"
                f" | CPU {cpu:6.1f} ms, spread {min(cpu_rounds):.1f}-{max(cpu_rounds):.1f},"
                f" {cpu / bare_cpu:5.2f}x"
            )


if __name__ == "__main__":
    main()
