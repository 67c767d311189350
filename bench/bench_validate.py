"""Benchmark ``planengine validate`` against check-jsonschema and an in-process floor.

Usage::

    python bench/bench_validate.py [--files 10000] [--rounds 5] [--jobs N] [--skip-check-jsonschema]

Generates realistic goal files (about 2 KB each: 60 % YAML, 40 % JSON, about 8 % schema-invalid,
2 % unparsable) in a temporary folder, then measures, in the same run:

1. ``planengine validate DIR`` as a whole process (schema + all SMART rules): with ``--jobs 1``,
   as users run it (``--jobs auto``: one worker per CPU), and with ``--jobs N`` when asked;
2. ``check-jsonschema --schemafile schemas/goal.schema.json FILES`` (schema only; bench-only
   dependency: ``pip install check-jsonschema``);
3. the floor: the fastest parse + schema validation of the same files in one process
   (libyaml C parser or orjson/json, then jsonschema-rs ``is_valid``).

The whole-process commands run in interleaved rounds (``--rounds``, at least 5 when asked for
more than one): each prints its median wall time with the spread and p99 over the rounds, and its
median CPU time (the child's and its workers', user + system: what other jobs on a shared
machine disturb far less). The ratios are of the medians, all from this one run.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

print = functools.partial(print, flush=True)  # progress as it happens
ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "goal.schema.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))

AREAS = ["depression", "anxiety", "sleep", "stress", "self-esteem", "lifestyle"]
INSTRUMENTS = {
    "depression": ("phq9", 27),
    "anxiety": ("gad7", 21),
    "sleep": ("isi", 28),
    "stress": ("pss10", 40),
    "self-esteem": ("rses", 30),
    "lifestyle": (None, 0),
}
STATEMENTS = [
    "Walk for 20 minutes on at least 5 days a week.",
    "Fall asleep within 30 minutes on at least 5 nights a week.",
    "Use paced breathing when worry rises above 6/10 at work.",
    "Write one thought record on each day a low mood lasts over an hour.",
    "Improve sleep",
    "Manage anxiety better",
]


def make_goal(rng: random.Random, index: int) -> dict:
    area = rng.choice(AREAS)
    instrument, top = INSTRUMENTS[area]
    measure: dict = {"method": "diary and questionnaire every two weeks"}
    if instrument:
        base = rng.randint(top // 2, top)
        measure.update(
            instrument=instrument,
            baseline={"value": base, "date": f"2026-10-0{rng.randint(1, 9)}"},
            target={"value": max(0, base - rng.randint(4, 8)), "comparator": "<="},
        )
    else:
        measure.update(
            metric="active minutes per week",
            unit="minutes",
            baseline={"value": 30, "date": "2026-10-01"},
            target={"value": 150, "comparator": ">="},
        )
    return {
        "id": f"goal-{index}",
        "area": area,
        "statement": rng.choice(STATEMENTS),
        "patient_words": rng.choice(["I want to feel like myself again", "I lie awake for hours"]),
        "addresses": [instrument or "who-physical-activity"],
        "measure": measure,
        "frequency": {"times": rng.randint(3, 7), "per": "week"},
        "start_date": f"2026-11-0{rng.randint(1, 9)}",
        "due_date": f"2027-0{rng.randint(2, 5)}-15",
        "review_interval_days": rng.choice([30, 30, 60, 90, 120]),
        "progress": [{"date": "2026-12-10", "value": measure["baseline"]["value"] - 1}],
    }


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    import yaml

    rng = random.Random(seed)
    paths = []
    for index in range(count):
        data = {
            "planengine": 1,
            "patient": {"id": f"p-{index:05d}"},
            "goals": [make_goal(rng, index * 10 + k) for k in range(3)],
        }
        roll = rng.random()
        if roll < 0.08:  # schema-invalid
            data["goals"][0]["measure"]["target"]["value"] = "low"
        as_json = rng.random() < 0.4
        path = folder / f"goals-{index:05d}.{'json' if as_json else 'yaml'}"
        text = json.dumps(data, indent=2) if as_json else yaml.safe_dump(data, sort_keys=False)
        if 0.08 <= roll < 0.10:  # unparsable
            text = text[: len(text) // 2] + ("{" if as_json else "\n  - [unclosed: \n")
        path.write_text(text)
        paths.append(path)
    return paths


def timed(command: list[str]) -> tuple[float, int, float]:
    """Wall time, exit code and CPU time (user + system, with the workers') of one command."""
    import os

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def floor(paths: list[Path]) -> float:
    """Fastest parse + schema check of the same files in one process."""
    import jsonschema_rs
    import yaml

    try:
        import orjson

        loads = orjson.loads
    except ImportError:  # pragma: no cover
        loads = json.loads
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text()))
    loader = yaml.CSafeLoader
    start = time.perf_counter()
    for path in paths:
        raw = path.read_bytes()
        try:
            data = loads(raw) if path.suffix == ".json" else yaml.load(raw, Loader=loader)
        except Exception:
            continue
        validator.is_valid(data)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (1: once)")
    parser.add_argument("--jobs", type=int, help="also time --jobs N (default: auto only)")
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    planengine = (
        [str(bindir / "planengine")]
        if (bindir / "planengine").exists()
        else [sys.executable, "-m", "planengine"]
    )
    folder = Path(tempfile.mkdtemp(prefix="planengine-bench-"))
    try:
        paths = generate(folder, args.files)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        print(f"{len(paths)} files in {folder}, {size / 1024:.1f} KB each on average")
        common = [
            "validate",
            str(folder),
            "--as-of",
            "2026-12-01",
            "--format",
            "json",
            "--no-plugins",
        ]
        from planengine.smart._validate import auto_jobs

        workers = auto_jobs(len(paths))
        checker = shutil.which("check-jsonschema", path=str(bindir)) or shutil.which(
            "check-jsonschema"
        )
        commands: dict[str, list[str]] = {
            "planengine validate --jobs 1 (schema + rules)": [*planengine, *common, "--jobs", "1"],
            f"planengine validate (default --jobs auto = {workers} now)": [*planengine, *common],
        }
        if args.jobs:
            commands[f"planengine validate --jobs {args.jobs}"] = [
                *planengine,
                *common,
                "--jobs",
                str(args.jobs),
            ]
        one_file = [*planengine, *common[:1], str(paths[0]), *common[2:], "--jobs", "1"]
        commands["planengine validate, one file (start-up)"] = one_file
        if checker and not args.skip_check_jsonschema:
            commands["check-jsonschema --schemafile (schema only)"] = [
                checker,
                "--schemafile",
                str(SCHEMA),
                *map(str, paths),
            ]
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        codes: dict[str, int] = {}
        rounds = 1 if args.rounds <= 1 else max(5, args.rounds)
        for _ in range(rounds):
            for name, command in commands.items():
                wall, code, cpu = timed(command)
                walls[name].append(wall)
                cpus[name].append(cpu)
                codes[name] = code
        tf = floor(paths)
        median = {name: statistics.median(values) for name, values in walls.items()}
        for name in commands:
            count = 1 if "one file" in name else len(paths)
            values = walls[name]
            print(
                f"{name:<58} {median[name]:7.2f} s (spread {min(values):.2f}-{max(values):.2f}, "
                f"p99 {_p99(values):.2f})  {median[name] / count * 1000:7.3f} ms/file  "
                f"CPU {statistics.median(cpus[name]) / count * 1000:7.3f} ms/file  "
                f"exit {codes[name]}"
            )
        print(
            f"{'floor: C YAML/orjson parse + jsonschema-rs is_valid, in-process':<58} "
            f"{tf:7.2f} s  {tf / len(paths) * 1000:7.3f} ms/file"
        )
        names = list(commands)
        t1, ta = median[names[0]], median[names[1]]
        tn = median[names[2]] if args.jobs else None
        tc = median.get("check-jsonschema --schemafile (schema only)")
        if tc:
            cpu_one = statistics.median(cpus[names[0]])
            cpu_check = statistics.median(cpus["check-jsonschema --schemafile (schema only)"])
            print(f"ratio check-jsonschema / planengine (--jobs 1):    {tc / t1:6.1f}x")
            print(f"ratio check-jsonschema / planengine (default):     {tc / ta:6.1f}x")
            print(f"ratio of CPU time (--jobs 1):                      {cpu_check / cpu_one:6.1f}x")
            if tn:
                print(
                    f"ratio check-jsonschema / planengine (--jobs {args.jobs}):    {tc / tn:6.1f}x"
                )
            print(f"goal 20x (default run): {'met' if tc / ta >= 20 else 'not met'}")
        print(f"ratio planengine (--jobs 1) / floor:               {t1 / tf:6.1f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
