"""The command line's reports from the library: a lint report (``planengine validate``'s text,
JSON, GitHub, SARIF and JUnit) and a review (``planengine review``'s text, JSON, Markdown and
HTML), byte for byte what the commands write. The renderers themselves live in
:mod:`planengine.render`; this module is their public face."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from planengine.instruments._instrument import Instrument
    from planengine.review._files import ReviewRun
    from planengine.review._model import Review
    from planengine.smart._validate import ValidationReport

__all__ = ["render_lint", "render_review"]


def render_lint(
    report: ValidationReport, fmt: str | None = None, *, statistics: bool = False
) -> str:
    """``report`` (from :func:`planengine.validate_paths`) as ``planengine validate`` prints it.

    :param fmt: ``text``, ``json``, ``github``, ``sarif`` or ``junit``; default: the format the
        report was made for (``validate_paths(fmt=...)``, ``text`` unless given).
    :param statistics: add the per-rule counts (``--statistics``).
    :raises planengine.ConfigError: for an unknown format.
    :raises TypeError: when ``report`` is not a :class:`planengine.ValidationReport`.
    """
    from planengine.render._lint import render
    from planengine.smart._validate import ValidationReport

    if not isinstance(report, ValidationReport):
        raise TypeError(
            "render_lint: report must be a planengine.ValidationReport (from validate_paths), "
            f"got {type(report).__name__}"
        )
    return render(report, report.fmt if fmt is None else fmt, statistics=statistics)


def render_review(
    review: Review | Iterable[Review] | ReviewRun,
    fmt: str = "text",
    *,
    plugins: Any = None,
    instruments: Mapping[str, Instrument] | None = None,
) -> str:
    """A review (from :func:`planengine.review_goals`), or several, as ``planengine review``
    writes them for those goal files: the same caseload order, exit code and bytes (for one
    goal file per patient: the command also reads a patient's several files beside each other).

    :param review: one :class:`planengine.Review`, several (one run's, all with the same
        ``as_of``), or a run the review command's library half made.
    :param fmt: ``text``, ``json``, ``markdown`` or ``html``.
    :param plugins: the plugins the reviews were made with, listed in the JSON report: a
        ``load_plugins`` result or :class:`planengine.PluginInfo` records; default: the
        installed plugins, as ``review_goals`` uses them by default (``()`` lists none).
    :param instruments: for the HTML page's charts (their bands); default: the built-in and
        installed instruments, as ``review_goals`` uses them by default.
    :raises planengine.ConfigError: for an unknown format, or reviews of different dates.
    """
    from planengine._errors import ConfigError
    from planengine.render._review_formats import RENDERER_BY_NAME
    from planengine.render._review_formats import render_review as render
    from planengine.review._files import ReviewRun
    from planengine.review._model import Review

    if fmt not in RENDERER_BY_NAME:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERER_BY_NAME)}")
    if isinstance(review, ReviewRun):
        return render(review, fmt)
    reviews = (review,) if isinstance(review, Review) else tuple(review)
    dates = {r.as_of for r in reviews}
    if len(dates) != 1:
        raise ConfigError(
            f"render_review takes the reviews of one date, not {len(dates)} "
            f"({', '.join(sorted(map(str, dates))) or 'no review'})"
        )
    from planengine.review._caseload import caseload

    if plugins is None:
        from planengine._installed import installed_plugins

        plugins = installed_plugins()
    infos = tuple(getattr(plugins, "infos", plugins))
    if instruments is None:
        from planengine._installed import installed_instruments

        instruments = installed_instruments({}, "configuration")
    ordered = caseload(reviews, ())[1]  # the most urgent patient first, as the command
    return render(ReviewRun(dates.pop(), ordered, (), instruments, infos), fmt)
