"""Render example plans in headless Chromium: PDFs to count pages, PNG screenshots for the docs.

    python tools/plan_screenshots.py            # writes docs/plan-documents-*.png

Uses the system Chromium (``chromium`` or ``chromium-browser``, e.g. Debian's ``apt-get install
chromium``) through its own ``--headless --print-to-pdf`` and ``--screenshot``; no driver library.
tests/test_plan_documents_browser.py calls these functions, and skips when no browser is found.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
#: paper sizes the print style sheet must paginate cleanly on
PAPERS = {"A4": "A4", "Letter": "letter"}

__all__ = ["find_browser", "page_count", "print_to_pdf", "render_example", "screenshot"]


def find_browser() -> str | None:
    """The path of a headless-capable Chromium, or ``None``."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(browser: str, *args: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--no-pdf-header-footer", f"--user-data-dir={profile}", *args],
            check=True, capture_output=True, timeout=60,
        )


def print_to_pdf(browser: str, page: pathlib.Path, pdf: pathlib.Path, paper: str | None = None) -> None:
    """Print ``page`` to ``pdf``; ``paper`` (``A4``, ``Letter``) fixes the page size."""
    source = page
    if paper is not None:
        source = page.with_name(f"{page.stem}.{paper}.html")
        text = page.read_text(encoding="utf-8")
        rule = f"<style>@page {{ size: {PAPERS[paper]}; }}</style></head>"
        source.write_text(text.replace("</head>", rule, 1), encoding="utf-8")
    _run(browser, f"--print-to-pdf={pdf}", source.as_uri())


def page_count(pdf: pathlib.Path) -> int:
    """The number of pages of a PDF Chromium wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def screenshot(browser: str, page: pathlib.Path, png: pathlib.Path, width: int = 900, height: int = 1400) -> None:
    """A PNG of the top of ``page`` at ``width`` x ``height`` CSS pixels."""
    _run(browser, f"--screenshot={png}", f"--window-size={width},{height}", "--hide-scrollbars", page.as_uri())


def render_example(name: str, fmt: str, folder: pathlib.Path) -> pathlib.Path:
    """Plan ``examples/<name>`` and write it as ``fmt`` (``html``, ``patient-html``) into
    ``folder``; returns the file."""
    from planengine import Engine, load_assessment
    from planengine.render._plan import RENDERER_BY_NAME

    plan = Engine().plan(load_assessment(str(ROOT / "examples" / name)), as_of=AS_OF)
    target = folder / f"{pathlib.Path(name).stem}.{fmt}.html"
    target.write_text(RENDERER_BY_NAME[fmt](plan), encoding="utf-8")
    return target


def main() -> int:
    """Write the screenshots of the docs (docs/plan-documents-clinician.png, -patient.png)."""
    browser = find_browser()
    if browser is None:
        print("no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(scratch)
        for fmt, name, out in (
            ("html", "moderate-phq9-gad7-isi.yaml", "plan-documents-clinician.png"),
            ("patient-html", "moderate-phq9-gad7-isi.yaml", "plan-documents-patient.png"),
            ("patient-html", "severe-with-risk-flag.yaml", "plan-documents-patient-risk.png"),
        ):
            screenshot(browser, render_example(name, fmt, folder), ROOT / "docs" / out)
            print(f"wrote docs/{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
