"""Benchmark ``planengine validate`` against check-jsonschema and an in-process floor.

Usage::

    python bench/bench_validate.py [--files 10000] [--jobs N] [--skip-check-jsonschema]

Generates realistic goal files (about 2 KB each: 60 % YAML, 40 % JSON, about 8 % schema-invalid,
2 % unparsable) in a temporary folder, then measures, in the same run:

1. ``planengine validate DIR`` as a whole process (schema + all SMART rules): with ``--jobs 1``,
   as users run it (``--jobs auto``: one worker per CPU), and with ``--jobs N`` when asked;
2. ``check-jsonschema --schemafile schemas/goal.schema.json FILES`` (schema only; bench-only
   dependency: ``pip install check-jsonschema``);
3. the floor: the fastest parse + schema validation of the same files in one process
   (libyaml C parser or orjson/json, then jsonschema-rs ``is_valid``).

and prints the times, the per-file costs and the ratios, all from this one run.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
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


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start, done.returncode


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
        rows = []
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
        t1, rc = timed([*planengine, *common, "--jobs", "1"])
        rows.append(("planengine validate --jobs 1 (schema + rules)", t1, rc))
        ta, rc = timed([*planengine, *common])
        rows.append((f"planengine validate (default --jobs auto = {workers})", ta, rc))
        tn = None
        if args.jobs:
            tn, rc = timed([*planengine, *common, "--jobs", str(args.jobs)])
            rows.append((f"planengine validate --jobs {args.jobs}", tn, rc))
        t0, rc = timed([*planengine, *common[:1], str(paths[0]), *common[2:], "--jobs", "1"])
        rows.append(("planengine validate, one file (start-up)", t0, rc))
        tf = floor(paths)
        rows.append(("floor: C YAML/orjson parse + jsonschema-rs is_valid, in-process", tf, 0))
        tc = None
        checker = shutil.which("check-jsonschema", path=str(bindir)) or shutil.which(
            "check-jsonschema"
        )
        if checker and not args.skip_check_jsonschema:
            tc, rc = timed([checker, "--schemafile", str(SCHEMA), *map(str, paths)])
            rows.append(("check-jsonschema --schemafile (schema only)", tc, rc))
        for name, seconds, code in rows:
            per_file = seconds / (1 if "one file" in name else len(paths)) * 1000
            print(f"{name:<66} {seconds:8.2f} s  {per_file:7.3f} ms/file  exit {code}")
        if tc:
            ratio = tc / ta
            print(f"ratio check-jsonschema / planengine (--jobs 1):    {tc / t1:6.1f}x")
            print(f"ratio check-jsonschema / planengine (default):     {ratio:6.1f}x")
            if tn:
                print(
                    f"ratio check-jsonschema / planengine (--jobs {args.jobs}):    {tc / tn:6.1f}x"
                )
            print(f"goal 20x (default run): {'met' if ratio >= 20 else 'not met'}")
        print(f"ratio planengine (--jobs 1) / floor:               {t1 / tf:6.1f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
