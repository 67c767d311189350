"""Invariants of the review over generated goal files (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from planengine._errors import InputError
from planengine.review import ACHIEVEMENT_STATUSES, review_goals

AS_OF = dt.date(2026, 11, 25)
START = dt.date(2026, 6, 1)

dates = st.one_of(
    st.integers(-30, 220).map(lambda d: (START + dt.timedelta(days=d)).isoformat()),
    st.integers(-30, 220).map(lambda d: START + dt.timedelta(days=d)),
    st.sampled_from(["2026-02-30", "soon", "", None, 20261001]),
)
values = st.one_of(
    st.integers(-5, 110),
    st.floats(-5, 110, allow_nan=False),
    st.sampled_from([float("nan"), float("inf"), True, None, "7", [1]]),
)
progress_entry = st.fixed_dictionaries(
    {"date": dates},
    optional={
        "value": values,
        "gas_level": st.one_of(st.integers(-3, 3), st.just("high")),
        "note": st.text(max_size=5),
        "unit": st.sampled_from(["points", "minutes", "percent"]),
    },
)
measure = st.fixed_dictionaries(
    {},
    optional={
        "instrument": st.sampled_from(
            ["phq9", "gad7", "isi", "who5", "pcl5", "rses", "pss10", "nope"]
        ),
        "metric": st.just("minutes asleep"),
        "unit": st.sampled_from(["points", "minutes", "percent", "%"]),
        "baseline": st.fixed_dictionaries({"value": values}, optional={"date": dates}),
        "target": st.fixed_dictionaries(
            {"value": values},
            optional={"comparator": st.sampled_from(["<=", "<", ">=", ">", "==", "~"])},
        ),
    },
)
gas = st.fixed_dictionaries(
    {"levels": st.just({k: f"level {k}" for k in ("-2", "-1", "0", "1", "2")})},
    optional={
        "weight": st.one_of(st.floats(-1, 9, allow_nan=False), st.integers(0, 9)),
        "current_level": st.integers(-3, 3),
    },
)
goal = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c"]), "statement": st.just("s")},
    optional={
        "area": st.sampled_from(["depression", "sleep"]),
        "measure": measure,
        "start_date": dates,
        "due_date": dates,
        "review_interval_days": st.one_of(st.integers(-1, 120), st.just("monthly")),
        "progress": st.lists(progress_entry, max_size=8),
        "gas": gas,
    },
)
assessment = st.fixed_dictionaries(
    {
        "instrument": st.sampled_from(["phq9", "gad7", "who5", "nope"]),
        "date": dates,
        "total": values,
    },
    optional={
        "answers": st.one_of(
            st.lists(st.one_of(st.integers(-1, 4), st.none()), max_size=10), st.just("x")
        )
    },
)
documents = st.fixed_dictionaries(
    {"planengine": st.just(1), "goals": st.lists(goal, max_size=4)},
    optional={"assessments": st.lists(assessment, max_size=5)},
)


def run(doc: dict[str, Any]) -> Any:
    try:
        return review_goals(doc, as_of=AS_OF)
    except InputError:  # the only documented error
        return None


@given(documents)
def test_status_is_always_a_fhir_code_and_output_is_deterministic(doc: dict[str, Any]) -> None:
    first = run(doc)
    if first is None:
        return
    for g in first.goals:
        assert g.status.code in ACHIEVEMENT_STATUSES
        assert g.status.rule.startswith("status.") and g.status.reason
        assert g.trajectory.position in ("ahead", "on-track", "behind", "unknown")
        for s in g.suggestions:
            assert s.rule and s.reason and s.action
        assert [m.date for m in g.measurements] == sorted(m.date for m in g.measurements)
        assert all(m.date <= AS_OF for m in g.measurements)
        assert len({m.date for m in g.measurements}) == len(g.measurements)
    assert run(doc).to_dict() == first.to_dict()
    assert first.exit_code in (0, 1, 2)


@given(documents)
def test_no_progress_value_is_dropped_silently(doc: dict[str, Any]) -> None:
    result = run(doc)
    if result is None:
        return
    reviewed = {g.index: g for g in result.goals}
    reported = [f.json_path for f in result.findings]
    for index, raw in enumerate(doc["goals"]):
        entries = raw.get("progress") or []
        used = {m.json_path for m in reviewed[index].measurements} if index in reviewed else set()
        for i, entry in enumerate(entries):
            if "value" not in entry:
                continue
            path = f"$.goals[{index}].progress[{i}]"
            assert path in used or any(p == path or p.startswith(path + ".") for p in reported), (
                path
            )


@given(st.lists(st.integers(0, 27), min_size=1, max_size=10), st.integers(1, 60))
def test_phq9_series_never_raises(totals: list[int], step: int) -> None:
    progress = [
        {"date": (START + dt.timedelta(days=step * (i + 1))).isoformat(), "value": v}
        for i, v in enumerate(totals[1:])
    ]
    doc = {
        "planengine": 1,
        "goals": [
            {
                "id": "g",
                "statement": "s",
                "measure": {
                    "instrument": "phq9",
                    "baseline": {"value": totals[0], "date": START.isoformat()},
                    "target": {"value": 9, "comparator": "<="},
                },
                "start_date": START.isoformat(),
                "due_date": "2026-12-31",
                "progress": progress,
            }
        ],
    }
    result = review_goals(doc, as_of=AS_OF)
    g = result.goals[0]
    assert g.status.code in ACHIEVEMENT_STATUSES
    if g.change is not None:
        assert not (g.change.reliable_improvement and g.change.reliable_deterioration)


#: instrument -> (MCID on the goal's scale, lower is better, range, unit)
_MCID = {"phq9": (5, True, 27, None), "gad7": (4, True, 21, None), "who5": (10, False, 100, "percent")}


@given(
    st.sampled_from(sorted(_MCID)),
    st.lists(st.integers(0, 100), min_size=2, max_size=8),
    st.lists(st.integers(1, 40), min_size=8, max_size=8),
    st.integers(0, 100),
    st.integers(0, 400),
)
def test_a_value_worse_than_its_best_by_the_mcid_is_never_kept_or_closed(
    instrument: str, raw: list[int], gaps: list[int], target: int, review_in: int
) -> None:
    """Issue 19: whatever the dates, target or due date, a goal whose latest value is worse than
    its best (the baseline included) by the MCID or more is never kept, closed or raised."""
    mcid, lower, top, unit = _MCID[instrument]
    values = [v * top // 100 for v in raw]
    dates, when = [], START
    for gap in gaps[: len(values)]:
        dates.append(when)
        when += dt.timedelta(days=gap)
    best = min(values[:-1]) if lower else max(values[:-1])
    worse = values[-1] - best if lower else best - values[-1]
    measure: dict[str, Any] = {
        "instrument": instrument,
        "baseline": {"value": values[0], "date": dates[0].isoformat()},
        "target": {"value": target * top // 100, "comparator": "<=" if lower else ">="},
    }
    if unit:
        measure["unit"] = unit
    doc = {
        "planengine": 1,
        "goals": [
            {
                "id": "g",
                "statement": "s",
                "measure": measure,
                "start_date": dates[0].isoformat(),
                "due_date": (START + dt.timedelta(days=review_in)).isoformat(),
                "progress": [
                    {"date": d.isoformat(), "value": v} for d, v in zip(dates[1:], values[1:], strict=False)
                ],
            }
        ],
    }
    result = review_goals(doc, as_of=dates[-1] + dt.timedelta(days=review_in % 60))
    g = result.goals[0]
    if worse >= mcid:
        assert not {s.action for s in g.suggestions} & {"keep", "close-goal", "raise-target"}, (
            values, g.status, [s.rule for s in g.suggestions]
        )
        assert g.needs_attention
    if g.trajectory.days_left is None or g.trajectory.days_left >= 0:
        assert g.status.code not in ("no-progress", "not-achieved")  # active: FHIR no-change
