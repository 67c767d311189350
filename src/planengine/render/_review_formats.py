"""The review's renderers by name: text, JSON and Markdown (:mod:`planengine.render._review`) and
the self-contained HTML page (:mod:`planengine.render._review_html`, with its charts: imported
only when a page is written, as it costs a text review's start several milliseconds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from planengine.render._review import render_json, render_markdown, render_text

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._files import ReviewRun

__all__ = ["RENDERER_BY_NAME", "render_html", "render_review"]


def render_html(run: ReviewRun) -> str:
    """The review run as one self-contained HTML page
    (:func:`planengine.render._review_html.render_html`)."""
    from planengine.render._review_html import render_html as render

    return render(run)


RENDERER_BY_NAME: dict[str, Callable[[ReviewRun], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}


def render_review(run: ReviewRun, fmt: str = "text") -> str:
    """The review run as ``text``, ``json``, ``markdown`` or ``html``."""
    return RENDERER_BY_NAME[fmt](run)
