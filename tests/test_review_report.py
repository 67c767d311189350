"""Reports: the HTML page is self-contained and its charts reflect the data; text/JSON/Markdown."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import xml.etree.ElementTree as ET

import pytest

from planengine.instruments._data_files import load_builtin_instruments
from planengine.render._review_formats import render_review
from planengine.review._files import review_paths

AS_OF = dt.date(2026, 11, 25)
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "review"
SVG = "{http://www.w3.org/2000/svg}"


def charts(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def values_of(svg: ET.Element, polyline: ET.Element) -> list[float]:
    """Map each point of a polyline back to a value with the chart's own bounds."""
    vmin, vmax = float(svg.get("data-vmin")), float(svg.get("data-vmax"))
    top, bottom = float(svg.get("data-top")), float(svg.get("data-bottom"))
    out = []
    for pair in polyline.get("points").split():
        y = float(pair.split(",")[1])
        out.append(vmin + (vmax - vmin) * (bottom - y) / (bottom - top))
    return out


@pytest.fixture(scope="module")
def html() -> str:
    return render_review(review_paths([EXAMPLES], as_of=AS_OF), "html")


def test_html_is_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert not re.search(r"(src|href)=\"https?:", html)
    assert "@import" not in html and "url(" not in html
    for url in re.findall(r"https?://[^\"' <]+", html):
        assert url == "http://www.w3.org/2000/svg", url


def test_each_goal_chart_reflects_its_values(html: str) -> None:
    run = review_paths([EXAMPLES / "on-track.yaml"], as_of=AS_OF)
    page = render_review(run, "html")
    goal_charts = [c for c in charts(page) if "goal-chart" in c.get("class")]
    assert len(goal_charts) == len(run.reviews[0].goals)
    for svg, goal in zip(goal_charts, run.reviews[0].goals, strict=True):
        actual = svg.find(f"{SVG}polyline[@class='actual']")
        expected_values = [m.value for m in goal.measurements]
        assert [float(v) for v in actual.get("data-values").split()] == expected_values
        assert values_of(svg, actual) == pytest.approx(expected_values, abs=0.05)
        assert len(svg.findall(f"{SVG}circle[@class='actual-point']")) == len(expected_values)
        target = svg.find(f"{SVG}line[@class='target']")
        assert float(target.get("data-value")) == goal.target
        # the expected-recovery path, bent at the non-response review point for the PHQ-9
        expected = svg.find(f"{SVG}polyline[@class='expected']")
        path = goal.trajectory.path
        assert values_of(svg, expected) == pytest.approx([v for _, v in path], abs=0.05)
        assert (path[0][1], path[-1][1]) == (goal.measurements[0].value, goal.target)
        assert expected.get("data-dates").split() == [d.isoformat() for d, _ in path]
        assert path[0][0] == goal.trajectory.start and path[-1][0] == goal.trajectory.due
    assert [len(g.trajectory.path) for g in run.reviews[0].goals] == [3, 2]


def test_instrument_chart_has_band_shading_matching_the_bands() -> None:
    page = render_review(review_paths([EXAMPLES / "on-track.yaml"], as_of=AS_OF), "html")
    phq9 = load_builtin_instruments()["phq9"]
    svg = charts(page)[0]  # the PHQ-9 mood goal
    bands = svg.findall(f"{SVG}rect[@class='band']")
    assert [
        (b.get("data-band"), int(b.get("data-min")), int(b.get("data-max"))) for b in bands
    ] == [(band.label, band.min, band.max) for band in phq9.bands]
    # Bands are stacked: the more severe, the higher on the chart.
    tops = [float(b.get("y")) for b in bands]
    assert tops == sorted(tops, reverse=True)
    # The free-metric goal has no bands.
    assert not charts(page)[1].findall(f"{SVG}rect[@class='band']")


def test_questionnaire_history_chart(html: str) -> None:
    history = [c for c in charts(html) if "history-chart" in c.get("class")]
    # the repeat PHQ-9s of risk-item9.yaml, disposition.yaml and caseload/d-flag.yaml
    assert len(history) == 3
    history = [
        c for c in history
        if c.find(f"{SVG}polyline[@class='actual']").get("data-values") == "14 15 17"
    ]
    actual = history[0].find(f"{SVG}polyline[@class='actual']")
    assert values_of(history[0], actual) == pytest.approx([14, 15, 17], abs=0.05)
    assert len(history[0].findall(f"{SVG}rect[@class='band']")) == 5


def test_risk_flags_come_first_in_every_format() -> None:
    run = review_paths([EXAMPLES / "risk-item9.yaml"], as_of=AS_OF)
    text = render_review(run, "text").splitlines()
    assert "RISK FLAG p-105/risk-1 UNASSESSED FOR 41 DAYS" in text[1]  # escalation first
    assert "RISK FLAG [p-105/risk-1: suicidal ideation, priority 1]" in "\n".join(text[1:5])
    assert render_review(run, "markdown").index("Risk flags of p-105") < render_review(run, "markdown").index(
        "| Goal |"
    )
    page = render_review(run, "html")
    assert page.index('class="risk"') < page.index('class="goal')


def test_json_report() -> None:
    run = review_paths([EXAMPLES], as_of=AS_OF)
    data = json.loads(render_review(run, "json"))
    assert data["kind"] == "review" and data["exit_code"] == run.exit_code == 2
    assert len(data["reviews"]) == 14  # 10 files, and 4 in caseload/
    statuses = {g["status"]["code"] for r in data["reviews"] for g in r["goals"]}
    assert statuses <= {
        "in-progress",
        "improving",
        "worsening",
        "no-change",
        "achieved",
        "sustaining",
        "not-achieved",
        "no-progress",
        "not-attainable",
    }


def test_text_report_lists_suggestions_with_rule_ids() -> None:
    text = render_review(review_paths([EXAMPLES / "behind.yaml"], as_of=AS_OF), "text")
    assert "-> extend-or-split [review.extend-or-split]" in text
    assert "-> change-strategy [review.change-strategy]" in text
    assert "0 input error(s)" in text


def test_chart_ticks_are_round_numbers_covering_the_range() -> None:
    from planengine.render._svg import _ticks

    assert _ticks(0, 27) == [0, 5, 10, 15, 20, 25]
    assert _ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert _ticks(10, 40) == [10, 15, 20, 25, 30, 35, 40]
    assert _ticks(3, 3) == [3]
