"""The review's renderers by name: text, JSON and Markdown (:mod:`planengine.render._review`) and
the self-contained HTML page (:mod:`planengine.render._review_html`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from planengine.render._review import render_json, render_markdown, render_text
from planengine.render._review_html import render_html

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._files import ReviewRun

__all__ = ["RENDERER_BY_NAME", "render_review"]

RENDERER_BY_NAME: dict[str, Callable[[ReviewRun], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}


def render_review(run: ReviewRun, fmt: str = "text") -> str:
    """The review run as ``text``, ``json``, ``markdown`` or ``html``."""
    return RENDERER_BY_NAME[fmt](run)
