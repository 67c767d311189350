"""Issue 19, item 10: the caseload view of a folder, and charts that carry their numbers."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import xml.etree.ElementTree as ET

from planengine.render._review_formats import render_review
from planengine.review._files import review_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASELOAD = ROOT / "examples" / "review" / "caseload"
AS_OF = dt.date(2027, 1, 20)
SVG = "{http://www.w3.org/2000/svg}"
ORDER = ["c-204", "c-203", "c-202", "c-201"]


def charts(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def test_the_caseload_comes_first_most_urgent_first_in_every_format() -> None:
    run = review_paths([CASELOAD], as_of=AS_OF)
    assert [e.patient for e in run.caseload] == ORDER  # files are a..d: the reverse
    # c-202: GAD-7 8 (caseness) and 50 days old: possible disengagement, not only overdue
    assert [e.group for e in run.caseload] == [
        "open-risk-flag", "needs-attention", "needs-attention", "routine"
    ]
    text = render_review(run, "text").splitlines()
    assert text[0].startswith("Caseload as of 2027-01-20")
    assert text[1].startswith("RISK FLAG c-204/risk-1 UNASSESSED FOR 71 DAYS")  # at the top
    assert [re.search(r"\] (c-\d+):", line).group(1) for line in text[2:6]] == ORDER
    markdown = render_review(run, "markdown")
    assert markdown.index("| 1 | open-risk-flag | c-204:") < markdown.index("## c-204")
    page = render_review(run, "html")
    assert page.index('class="caseload"') < page.index('class="risk"')
    data = json.loads(render_review(run, "json"))
    assert [e["patient"] for e in data["caseload"]] == ORDER
    assert data["open_risk_flags"] == ["c-204/risk-1"]


def test_an_unreadable_file_comes_right_after_the_open_flags(tmp_path: pathlib.Path) -> None:
    for path in CASELOAD.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b-broken.yaml").write_text("goals: [\n", encoding="utf-8")
    groups = [e.group for e in review_paths([tmp_path], as_of=AS_OF).caseload]
    assert groups[:2] == ["open-risk-flag", "not-reviewed"]


def test_measurement_overdue_is_the_last_value_against_the_review_interval() -> None:
    def worry(as_of: dt.date):
        run = review_paths([CASELOAD], as_of=as_of)
        return next(r for r in run.reviews if r.patient == "c-202").goal("worry")

    assert worry(AS_OF).measurement_overdue  # last 2026-12-01, every 30 days
    assert not worry(dt.date(2026, 12, 31)).measurement_overdue


def test_charts_have_dates_values_item9_marks_and_their_own_reference_lines() -> None:
    run = review_paths([CASELOAD], as_of=AS_OF)
    page = render_review(run, "html")
    svgs = charts(page)
    goal_charts = [c for c in svgs if "goal-chart" in c.get("class")]
    for svg in goal_charts:
        actual = svg.find(f"{SVG}polyline[@class='actual']")
        dates = actual.get("data-dates").split()
        labels = {t.text for t in svg.iter(f"{SVG}text") if "date-label" in (t.get("class") or "")}
        assert set(dates) <= labels  # a date at each measurement
        values = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "point-value"]
        assert values == actual.get("data-values").split()  # visible in print
    wellbeing = next(c for c in goal_charts if c.find(f"{SVG}title").text.startswith("wellbeing"))
    refs = [r.get("data-value") for r in wellbeing.findall(f"{SVG}line[@class='reference']")]
    assert refs == ["52", "28"]  # the WHO-5 cut-offs on its percent scale
    walking = [c for c in goal_charts if c.find(f"{SVG}title").text.startswith("walking")]
    assert all(c.find(f"{SVG}line[@class='reference']").get("data-value") == "0" for c in walking)
    history = [c for c in svgs if "history-chart" in c.get("class")]
    marks = [(m.get("data-date"), m.get("data-value")) for h in history for m in h.iter(f"{SVG}path")]
    assert ("2027-01-10", "2") in marks and ("2026-11-10", "1") in marks


def test_status_is_shown_by_shape_and_words_as_well_as_colour() -> None:
    page = render_review(review_paths([CASELOAD], as_of=AS_OF), "html")
    assert "&#9632; open risk flag" in page and "&#9650; needs attention" in page
    assert "&#9679; no action needed" in page


def test_gas_goals_have_a_chart_and_phq9_and_gad7_charts_a_caseness_line() -> None:
    examples = CASELOAD.parent
    gas_page = render_review(review_paths([examples / "gas.yaml"], as_of=AS_OF), "html")
    charts = re.findall(r'<svg[^>]*class="chart gas-chart".*?</svg>', gas_page, re.S)
    assert charts, "no GAS chart"
    assert all('data-vmin="-2"' in c and 'data-vmax="2"' in c and 'class="target"' in c
               for c in charts)
    assert re.search(r'class="point-value"[^>]*>-?[0-2]<', charts[0])  # the level printed
    run = review_paths([CASELOAD], as_of=AS_OF)
    page = render_review(run, "html")
    for instrument, value in (("phq9", "10"), ("gad7", "8")):
        goal = next(g for r in run.reviews for g in r.goals if g.instrument == instrument)
        section = page[page.index(f'id="goal-{next(r.patient for r in run.reviews if goal in r.goals)}-{goal.goal_id}"'):]
        chart = section[: section.index("</svg>")]
        assert f'class="reference" data-value="{value}"' in chart and "caseness" in chart, instrument


def test_a_symptom_reliably_worse_with_its_risk_item_unknown_is_its_own_group_contact_today() -> None:
    """Clinician read 7: p-104 (PHQ-9 12 -> 19, item 9 never recorded) sat among goals merely
    behind; it is contacted today and asked."""
    review = ROOT / "examples" / "review"
    run = review_paths([review / "worsening.yaml", review / "behind.yaml"], as_of=dt.date(2026, 12, 7))
    groups = {entry.patient: entry for entry in run.caseload}
    assert groups["p-104"].group == "contact-today"
    assert groups["p-104"].status_line.startswith("p-104: CONTACT TODAY")
    assert run.caseload[0].patient == "p-104"
    assert all(e.group != "contact-today" for p, e in groups.items() if p != "p-104")
