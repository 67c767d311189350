"""Benchmark: in-process plan() time, throughput, pluggy's share, and CLI start-up.

Run:  .venv/bin/python bench/bench_plan.py [--runs N]

Prints, for the PHQ-9 + GAD-7 + ISI example with every built-in plugin:
* median and p99 ``Engine.plan()`` time and plans per second on one core (goal: < 250 us median,
  >= 4,000 plans/s);
* the share of plan time spent in pluggy hook dispatch (built-ins and with 10 extra plugins
  that each implement ``propose``);
* ``planengine --version`` start-up against ``python -c pass`` in the same run (goal: < 1.5x).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pathlib
import pstats
import statistics
import subprocess
import sys
import time
import timeit
import types

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "moderate-phq9-gad7-isi.yaml"
AS_OF = dt.date(2026, 11, 25)


def time_plans(engine, assessment, runs: int) -> list[float]:
    """Per-call wall time of plan(), in microseconds."""
    for _ in range(200):
        engine.plan(assessment, as_of=AS_OF)
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        start = clock()
        engine.plan(assessment, as_of=AS_OF)
        samples.append((clock() - start) / 1000)
    return samples


def pluggy_share(engine, assessment, runs: int) -> float:
    """Fraction of plan() time inside pluggy and the host's per-hook dispatch loop."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        engine.plan(assessment, as_of=AS_OF)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    dispatch = 0.0
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        own_time = row[2]
        if "pluggy" in filename or (filename.endswith("_plugins.py") and function == "call_each"):
            dispatch += own_time
    return dispatch / total if total else 0.0


#: The stages of plan(), timed by wrapping the functions that do them (no profiler: its overhead
#: would distort the small calls). ``(module, attribute, label)``.
STAGES = (
    ("planengine.instruments._scoring", "score_response", "scoring (all responses)"),
    ("planengine.plan._engine", "instrument_findings", "findings from scores"),
    ("planengine.plan._engine", "context_findings", "findings from context"),
    ("planengine.plan._engine", "Engine._problems", "problems"),
    ("planengine.strategies._strategy", "DataStrategy.propose", "strategies (propose)"),
    ("planengine.plan._engine", "merge_proposals", "merge proposals"),
    ("planengine.plan._engine", "merge_across_problems", "merge across problems"),
    ("planengine.plan._safety", "enforce", "safety enforcement"),
    ("planengine._model", "Assessment.normalised", "input hash: normalised form"),
)


def stage_times(engine, assessment, runs: int) -> list[tuple[str, float]]:
    """Microseconds per plan spent in each stage of :data:`STAGES`."""
    import functools
    import importlib

    spent: dict[str, int] = {}
    restore = []
    for module_name, attribute, label in STAGES:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, name)

        def timed(*args, __f=original, __label=label, **kwargs):
            start = time.perf_counter_ns()
            try:
                return __f(*args, **kwargs)
            finally:
                spent[__label] = spent.get(__label, 0) + time.perf_counter_ns() - start

        setattr(owner, name, functools.wraps(original)(timed))
        restore.append((owner, name, original))
    try:
        for _ in range(50):
            engine.plan(assessment, as_of=AS_OF)
        spent.clear()
        for _ in range(runs):
            engine.plan(assessment, as_of=AS_OF)
    finally:
        for owner, name, original in restore:
            setattr(owner, name, original)
    return [(label, spent.get(label, 0) / runs / 1000) for _m, _a, label in STAGES]


def element_floor(plan, runs: int) -> float:
    """Microseconds to build only the plan's objectives, measures and steps with attrs, copying
    their lists as the engine must: what this machine charges before any planning logic."""
    from planengine._model import Intervention, Measure, Objective

    objectives = [o for p in plan.problems for o in p.objectives]
    steps = [i for p in plan.problems for i in p.interventions]

    def build() -> None:
        for o in objectives:
            m = o.measure
            measure = Measure(m.unit, m.method, m.target_value, m.comparator, m.baseline_value,
                              m.baseline_date, m.instrument, m.metric)
            Objective(o.id, o.area, o.statement, measure, o.start_date, o.due_date,
                      o.review_interval_days, list(o.addresses), o.provenance,
                      dict(o.frequency) if o.frequency else None, o.patient_words, o.rationale,
                      dict(o.gas) if o.gas else None, list(o.citations))
        for i in steps:
            Intervention(i.id, i.area, i.title, i.description, i.delivery, i.rationale,
                         i.provenance, list(i.steps), dict(i.frequency) if i.frequency else None,
                         i.duration_minutes, i.course_weeks, i.category, list(i.citations),
                         list(i.objective_ids), i.status, list(i.notes), list(i.conflicts_with))

    best = min(timeit.repeat(build, number=runs, repeat=5))
    return best / runs * 1e6


def extra_plugins(count: int) -> list[types.SimpleNamespace]:
    """Plugins that each implement ``propose`` (returning nothing), to load the dispatch path."""
    import planengine

    out = []
    for number in range(count):
        plugin = types.SimpleNamespace(PLUGIN_NAME=f"extra{number}")
        plugin.propose = planengine.hookimpl(lambda problem, context: None)
        out.append(plugin)
    return out


def startup(command: list[str], runs: int) -> float:
    """Median wall time of a command, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--startup-runs", type=int, default=30)
    args = parser.parse_args()

    from planengine import Engine, load_assessment

    assessment = load_assessment(EXAMPLE)
    engine = Engine()
    plugins = [i.name for i in engine.plugin_infos if i.kind == "plugin"]
    samples = sorted(time_plans(engine, assessment, args.runs))
    median = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    per_second = 1e6 / statistics.fmean(samples)
    print(f"example: {EXAMPLE.name}; plugins: {', '.join(plugins)}")
    print(
        f"plan() median {median:.1f} us, p99 {p99:.1f} us, {per_second:,.0f} plans/s on one core "
        f"(goal: median < 250 us, >= 4,000/s) -> {'OK' if median < 250 and per_second >= 4000 else 'MISSED'}"
    )
    print("where the time goes (us per plan; the rest is the engine's own glue):")
    for label, micros in stage_times(engine, assessment, args.runs // 3):
        print(f"  {label:30s} {micros:7.1f}")
    plan = engine.plan(assessment, as_of=AS_OF)
    count = sum(len(p.objectives) + len(p.interventions) for p in plan.problems)
    print(
        f"floor: building only the plan's {count} objectives and steps (with measures) costs "
        f"{element_floor(plan, 2000):.1f} us here, before any planning logic"
    )
    core = sorted(time_plans(Engine(autoload=False), assessment, args.runs // 3))
    print(f"core alone (no plugins): median {statistics.median(core):.1f} us")
    print(f"pluggy dispatch share, built-ins: {pluggy_share(engine, assessment, 300):.1%}")
    loaded = Engine(plugins=extra_plugins(10))
    extra_samples = sorted(time_plans(loaded, assessment, args.runs // 3))
    print(
        f"with 10 extra propose() plugins: median {statistics.median(extra_samples):.1f} us, "
        f"pluggy dispatch share {pluggy_share(loaded, assessment, 300):.1%}"
    )

    bare = startup([sys.executable, "-c", "pass"], args.startup_runs)
    cli = startup([sys.executable, "-m", "planengine", "--version"], args.startup_runs)
    script = pathlib.Path(sys.executable).with_name("planengine")
    line = f"start-up: python -c pass {bare:.1f} ms; python -m planengine --version {cli:.1f} ms ({cli / bare:.2f}x)"
    if script.exists():
        entry = startup([str(script), "--version"], args.startup_runs)
        line += f"; planengine --version {entry:.1f} ms ({entry / bare:.2f}x)"
    print(line + " (goal: < 1.5x)")


if __name__ == "__main__":
    main()
