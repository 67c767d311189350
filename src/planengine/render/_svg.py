"""Hand-written inline SVG charts for the HTML report: no dependency, no script, works offline.

A goal chart shows the measured values (``polyline.actual``), the expected-recovery path from
baseline to target (``polyline.expected``), the target (``line.target``), the review date
(``line.as-of``) and, for instrument totals, the severity bands (``rect.band``); an instrument
with cut-offs but no bands (WHO-5) shows each cut-off, and a behavioural goal (a free metric)
its baseline, as a labelled reference line (``line.reference``). A history chart shows repeat
questionnaire totals over the instrument's bands, with every recorded answer to a risk item
(PHQ-9 item 9) marked at its date (``path.item-mark``, a triangle with the answer beside it).
Every measurement has its date on the x axis (``text.date-label``) and its value printed beside
its point (``text.point-value``), so a printed page in greyscale still carries the numbers. The ``svg`` element carries the
plot's value and pixel bounds (``data-vmin``, ``data-vmax``, ``data-top``, ``data-bottom``) so a
reader, or a test, can map a point back to its value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

import attrs

from planengine.instruments._instrument import Instrument
from planengine.review._model import GasResult, GoalReview
from planengine.review._rules import caseness_cutoff

__all__ = ["ChartScale", "gas_chart", "goal_chart", "history_chart"]

WIDTH, HEIGHT = 640, 290
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 66
#: Fill per band severity (0 = least severe); more severe bands are warmer.
BAND_FILLS = ("#e8f5e9", "#fffde7", "#fff3e0", "#ffe0cc", "#fdd5d5", "#f8c4c4")


@attrs.frozen
class ChartScale:
    """Maps dates and values to pixels inside the plot area."""

    start: dt.date
    end: dt.date
    vmin: float
    vmax: float

    @property
    def top(self) -> float:
        return float(TOP)

    @property
    def bottom(self) -> float:
        return float(HEIGHT - BOTTOM)

    def x(self, date: dt.date) -> float:
        span = max(1, (self.end - self.start).days)
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (date - self.start).days / span, 2)

    def y(self, value: float) -> float:
        span = self.vmax - self.vmin or 1.0
        return round(self.bottom - (self.bottom - self.top) * (value - self.vmin) / span, 2)


def _num(value: float) -> str:
    return f"{value:g}"


def _percent_factor(instrument: Instrument | None, scale: str) -> float:
    if instrument is not None and scale == "percent":
        for derived in instrument.derived:
            if derived.id == "percent":
                return float(derived.multiply)
    return 1.0


def _value_range(
    values: Sequence[float], instrument: Instrument | None, factor: float
) -> tuple[float, float]:
    if instrument is not None:
        return instrument.total_min * factor, instrument.total_max * factor
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or max(1.0, abs(high) * 0.1)
    low = 0.0 if low >= 0 and low - pad < 0 else low - pad
    return low, high + pad


def _bands(instrument: Instrument | None, scale: ChartScale, factor: float) -> list[str]:
    if instrument is None:
        return []
    out = []
    for band in instrument.bands:
        low = max(band.min - 0.5, instrument.total_min) * factor
        high = min(band.max + 0.5, instrument.total_max) * factor
        y_top, y_bottom = scale.y(high), scale.y(low)
        fill = BAND_FILLS[min(band.severity, len(BAND_FILLS) - 1)]
        out.append(
            f'<rect class="band" data-band="{escape(band.label)}" data-min="{band.min}" '
            f'data-max="{band.max}" x="{LEFT}" y="{y_top}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{round(y_bottom - y_top, 2)}" fill="{fill}"><title>{escape(band.title)}: '
            f"{band.min}-{band.max}</title></rect>"
        )
        out.append(
            f'<text class="band-label" x="{WIDTH - RIGHT - 4}" y="{round(y_top + 11, 2)}" '
            f'text-anchor="end">{escape(band.title)}</text>'
        )
    return out


def _ticks(low: float, high: float) -> list[float]:
    """About five round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) from low to high."""
    import math

    span = high - low
    if span <= 0:
        return [low]
    raw = span / 6
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def _axes(scale: ChartScale) -> list[str]:
    out = [
        f'<line class="axis" x1="{LEFT}" y1="{scale.bottom}" x2="{WIDTH - RIGHT}" y2="{scale.bottom}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{scale.top}" x2="{LEFT}" y2="{scale.bottom}"/>',
    ]
    for value in _ticks(scale.vmin, scale.vmax):
        y = scale.y(value)
        out.append(
            f'<text class="tick" x="{LEFT - 6}" y="{round(y + 4, 2)}" text-anchor="end">{value:.4g}</text>'
        )
    return out


def _date_axis(scale: ChartScale, dates: Sequence[dt.date]) -> list[str]:
    """A tick and a slanted date label at each measurement date (and the chart's two ends)."""
    out = []
    for date in sorted({scale.start, scale.end, *dates}):
        x = scale.x(date)
        y = scale.bottom + 10
        out.append(
            f'<line class="date-tick" x1="{x}" y1="{scale.bottom}" x2="{x}" y2="{scale.bottom + 4}"/>'
            f'<text class="tick date-label" x="{x}" y="{y}" text-anchor="end" '
            f'transform="rotate(-40 {x} {y})">{date.isoformat()}</text>'
        )
    return out


def _reference(scale: ChartScale, value: float, label: str) -> str:
    """A labelled horizontal reference line at ``value``."""
    y = scale.y(value)
    return (
        f'<line class="reference" data-value="{_num(value)}" x1="{LEFT}" y1="{y}" '
        f'x2="{WIDTH - RIGHT}" y2="{y}"><title>{escape(label)}</title></line>'
        f'<text class="reference-label" x="{LEFT + 4}" y="{round(y - 3, 2)}">{escape(label)}</text>'
    )


def _references(goal: GoalReview, instrument: Instrument | None, scale: ChartScale, factor: float) -> list[str]:
    """The goal's own reference lines: an instrument's caseness line (PHQ-9, GAD-7: recovery is
    below it), its cut-offs when it has no bands to shade (WHO-5: poor well-being, likely
    depression), a free metric's baseline."""
    if instrument is not None:
        caseness = caseness_cutoff(instrument)
        lines = (
            [_reference(scale, caseness.value * factor,
                        f"caseness {caseness.comparator} {_num(caseness.value * factor)}")]
            if caseness is not None and scale.vmin <= caseness.value * factor <= scale.vmax
            else []
        )
        if instrument.bands:
            return lines
        return lines + [
            _reference(scale, c.value * factor, f"cut-off {c.comparator} {_num(c.value * factor)}: {c.meaning}")
            for c in instrument.cutoffs
            if scale.vmin <= c.value * factor <= scale.vmax
        ]
    baseline = next((m for m in goal.measurements if m.source == "baseline"), None)
    if baseline is None:
        return []
    return [_reference(scale, baseline.value, f"baseline {_num(baseline.value)} ({baseline.date})")]


def _open(scale: ChartScale, label: str, css: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'data-vmin="{_num(scale.vmin)}" data-vmax="{_num(scale.vmax)}" data-top="{_num(scale.top)}" '
        f'data-bottom="{_num(scale.bottom)}" data-start="{scale.start}" data-end="{scale.end}">'
        f"<title>{escape(label)}</title>"
    )


def _series(
    points: Sequence[tuple[dt.date, float]], scale: ChartScale, css: str, name: str
) -> list[str]:
    coords = " ".join(f"{scale.x(d)},{scale.y(v)}" for d, v in points)
    values = " ".join(_num(v) for _, v in points)
    dates = " ".join(d.isoformat() for d, _ in points)
    out = [
        f'<polyline class="{css}" fill="none" points="{coords}" data-values="{values}" data-dates="{dates}"/>'
    ]
    for d, v in points:
        out.append(
            f'<circle class="{css}-point" cx="{scale.x(d)}" cy="{scale.y(v)}" r="4">'
            f"<title>{escape(name)} {d.isoformat()}: {_num(v)}</title></circle>"
            f'<text class="point-value" x="{round(scale.x(d) + 5, 2)}" y="{round(scale.y(v) - 6, 2)}">'
            f"{_num(v)}</text>"
        )
    return out


def _item_marks(
    marks: Sequence[tuple[dt.date, int | None, int]], points: Sequence[tuple[dt.date, float]], scale: ChartScale
) -> list[str]:
    """A triangle at each endorsed (1 or more) or unanswered risk-item answer, on its date at
    the total's height, with ``item 9: 2`` beside it; answers of 0 are listed in its title only."""
    totals = dict(points)
    out = []
    for date, value, item in sorted(marks, key=lambda m: (m[0], m[2])):
        if value == 0 or not scale.start <= date <= scale.end:
            continue
        x = scale.x(date)
        y = scale.y(totals.get(date, scale.vmax))
        said = "unanswered" if value is None else str(value)
        out.append(
            f'<path class="item-mark" data-item="{item}" data-value="{said}" data-date="{date}" '
            f'd="M{x},{round(y - 16, 2)} l6,10 h-12 z"><title>item {item} on {date}: {said}</title></path>'
            f'<text class="item-mark-label" x="{round(x + 8, 2)}" y="{round(y - 14, 2)}">item {item}: {said}</text>'
        )
    return out


def _date_span(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """``start`` to ``end``, at least a day wide (also at the calendar's last day)."""
    if end > start:
        return start, end
    if start == dt.date.max:
        return start - dt.timedelta(days=1), start
    return start, start + dt.timedelta(days=1)


def goal_chart(goal: GoalReview, instrument: Instrument | None, as_of: dt.date) -> str | None:
    """An inline SVG of one goal's values against its expected path and target (``None``: no values)."""
    points = [(m.date, m.value) for m in goal.measurements]
    if not points:
        return None
    traj = goal.trajectory
    start = min([points[0][0]] + ([traj.start] if traj.start else []))
    end = max([points[-1][0], as_of] + ([traj.due] if traj.due else []))
    start, end = _date_span(start, end)
    chart_instrument = instrument if goal.instrument else None
    factor = _percent_factor(chart_instrument, goal.scale)
    values = [v for _, v in points] + ([goal.target] if goal.target is not None else [])
    vmin, vmax = _value_range(values, chart_instrument, factor)
    scale = ChartScale(start, end, vmin, vmax)
    out = [_open(scale, f"{goal.goal_id}: measured values, expected path and target", "goal-chart")]
    out.extend(_bands(chart_instrument, scale, factor))
    out.extend(_axes(scale))
    out.extend(_date_axis(scale, [d for d, _ in points]))
    out.extend(_references(goal, chart_instrument, scale, factor))
    if goal.target is not None:
        y = scale.y(goal.target)
        out.append(
            f'<line class="target" data-value="{_num(goal.target)}" x1="{LEFT}" y1="{y}" '
            f'x2="{WIDTH - RIGHT}" y2="{y}"><title>target {escape(goal.comparator or "")} '
            f"{_num(goal.target)}</title></line>"
        )
    if traj.path and goal.measurements[0].source == "baseline":
        path = list(traj.path)  # the expected-recovery path, bent at the review point
        coords = " ".join(f"{scale.x(d)},{scale.y(v)}" for d, v in path)
        out.append(
            f'<polyline class="expected" fill="none" points="{coords}" '
            f'data-values="{" ".join(_num(v) for _, v in path)}" '
            f'data-dates="{" ".join(d.isoformat() for d, _ in path)}"><title>expected path</title></polyline>'
        )
    if start <= as_of <= end:
        x = scale.x(as_of)
        out.append(
            f'<line class="as-of" x1="{x}" y1="{scale.top}" x2="{x}" y2="{scale.bottom}">'
            f"<title>review date {as_of}</title></line>"
        )
    out.extend(_series(points, scale, "actual", goal.goal_id))
    out.append("</svg>")
    return "".join(out)


def history_chart(
    instrument: Instrument,
    points: Sequence[tuple[dt.date, float]],
    marks: Sequence[tuple[dt.date, int | None, int]] = (),
) -> str | None:
    """An inline SVG of repeat questionnaire totals over the instrument's bands.

    :param marks: ``(date, answer, item)`` of the answers to a risk item (PHQ-9 item 9) that
        flags carry; each endorsed or unanswered one is marked on its date.
    """
    if not points:
        return None
    start, end = _date_span(points[0][0], points[-1][0])
    scale = ChartScale(start, end, float(instrument.total_min), float(instrument.total_max))
    out = [_open(scale, f"{instrument.name} score history", "history-chart")]
    out.extend(_bands(instrument, scale, 1.0))
    out.extend(_axes(scale))
    out.extend(_date_axis(scale, [d for d, _ in points]))
    out.extend(_series(points, scale, "actual", instrument.name))
    out.extend(_item_marks(marks, points, scale))
    out.append("</svg>")
    return "".join(out)


def gas_chart(goal_id: str, gas: GasResult, due: dt.date | None, as_of: dt.date) -> str | None:
    """An inline SVG of a Goal Attainment Scaling goal's ratings (-2..+2) over time, with the
    expected outcome (level 0) as the target line and each level's value printed beside its
    point (``None``: not rated yet)."""
    points = [(date, float(level)) for date, level in gas.history]
    if not points:
        return None
    start, end = _date_span(points[0][0], max([points[-1][0], as_of] + ([due] if due else [])))
    scale = ChartScale(start, end, -2.0, 2.0)
    out = [_open(scale, f"{goal_id}: Goal Attainment Scaling ratings", "gas-chart")]
    out.extend(_axes(scale))
    out.extend(_date_axis(scale, [d for d, _ in points]))
    y = scale.y(0)
    out.append(
        f'<line class="target" data-value="0" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}">'
        "<title>level 0: the expected outcome</title></line>"
    )
    if start <= as_of <= end:
        x = scale.x(as_of)
        out.append(
            f'<line class="as-of" x1="{x}" y1="{scale.top}" x2="{x}" y2="{scale.bottom}">'
            f"<title>review date {as_of}</title></line>"
        )
    out.extend(_series(points, scale, "actual", f"{goal_id} GAS level"))
    out.append("</svg>")
    return "".join(out)
