"""The HTML documents in a real headless browser: they render, print to PDF on A4 and US Letter
with the expected number of pages, and every section is there. Skipped when no Chromium is
installed (CI may have none); tools/plan_screenshots.py does the browser work."""

from __future__ import annotations

import importlib.util
import pathlib
import re
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("plan_screenshots", ROOT / "tools" / "plan_screenshots.py")
assert _spec is not None and _spec.loader is not None
tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tools)
BROWSER = tools.find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed")

#: (example, format) -> the pages it may print to, on either paper, and its sections
CASES = {
    ("moderate-phq9-gad7-isi.yaml", "html"): (range(8, 40), ["Risk and safety", "Scores", "The plan at a glance", "Sign-off", "How this plan was made"]),
    ("moderate-phq9-gad7-isi.yaml", "patient-html"): (range(1, 6), ["What you want", "Your next appointment", "What to do each week", "Who to contact", "Agreed by"]),
    ("relationships-with-ipv.yaml", "patient-html"): (range(1, 5), ["Keeping safe", "If you need help now", "Your next appointment", "Agreed by"]),
    ("severe-with-risk-flag.yaml", "html"): (range(6, 30), ["Risk and safety", "If you are in crisis now", "Left out, and why", "Sign-off"]),
}


@pytest.mark.parametrize(("example", "fmt"), list(CASES), ids=[f"{e}-{f}" for e, f in CASES])
def test_the_page_renders_and_prints_on_a4_and_letter(example: str, fmt: str) -> None:
    pages, sections = CASES[(example, fmt)]
    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(scratch)
        page = tools.render_example(example, fmt, folder)
        dom = subprocess.run(
            [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={folder / 'p'}",
             "--dump-dom", page.as_uri()],
            check=True, capture_output=True, text=True, timeout=60,
        ).stdout
        headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", dom)
        for section in sections:
            assert section in headings, (section, headings)
        assert "<script" not in dom and 'name="viewport"' in dom
        counts = {}
        for paper in tools.PAPERS:
            pdf = folder / f"{paper}.pdf"
            tools.print_to_pdf(BROWSER, page, pdf, paper)
            counts[paper] = tools.page_count(pdf)
            assert counts[paper] in pages, counts
        assert abs(counts["A4"] - counts["Letter"]) <= 3


def test_what_a_clinician_reads_before_signing_prints_on_at_most_four_pages() -> None:
    """Status, risk, scores, the patient's words, the plan at a glance, each problem that
    starts now in short, the problems that wait, and the sign-off: up to the appendices."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(scratch)
        page = tools.render_example("moderate-phq9-gad7-isi.yaml", "html", folder)
        html = page.read_text(encoding="utf-8")
        page.write_text(html.split('<section class="appendix">', 1)[0] + "</main></body></html>\n", encoding="utf-8")
        for paper in tools.PAPERS:
            pdf = folder / f"{paper}.pdf"
            tools.print_to_pdf(BROWSER, page, pdf, paper)
            assert tools.page_count(pdf) <= 4, (paper, tools.page_count(pdf))
