"""Reviewing FHIR input for the command line: goal files and FHIR files (the plan's Bundle, Goals
read back from the server) under review, Observations beside them, one review per patient."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from planengine.fhir._read import Located, read_fhir_file
from planengine.fhir._review_in import FhirGoalReview, review_inputs_from_fhir

__all__ = ["FhirReviewRun", "is_fhir_file", "review_fhir_paths"]


@attrs.frozen
class FhirReviewRun:
    """The run (for the text, JSON, Markdown and HTML reports), the reviews with their FHIR Goals
    (for the Bundle of updates), and what was passed over."""

    run: Any
    results: tuple[FhirGoalReview, ...]
    notices: tuple[str, ...] = ()


def is_fhir_file(path: str) -> bool:
    """Whether a file holds FHIR (NDJSON, or JSON whose top level has a ``resourceType``)."""
    if path.lower().endswith(".ndjson"):
        return True
    if not path.lower().endswith(".json") or not os.path.isfile(path):
        return False
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False  # the goal-file loader says why, with the file's name
    return '"resourceType"' in head and head.lstrip().startswith("{")


def review_fhir_paths(
    paths: Iterable[str],
    observations: Iterable[str],
    *,
    as_of: dt.date,
    instruments: Mapping[str, Any] | None = None,
    **options: Any,
) -> FhirReviewRun:
    """Review each goal file and each patient's Goals in FHIR files under ``paths``, with the
    Observations in ``observations`` (and in the FHIR files themselves).

    :param options: as :func:`planengine.review_goals` takes them (plugins, config, ...).
    :raises InputError: (file, line, path) for a file or resource that cannot be read.
    """
    from planengine.io._loader import load_document
    from planengine.io._walk import iter_files
    from planengine.review._caseload import caseload
    from planengine.review._files import ReviewRun

    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    seen: list[Located] = [found for name in observations for found in read_fhir_file(name)]
    goal_files: list[str] = []
    fhir: list[Located] = []
    for path in [
        *iter_files(p for p in paths if not p.lower().endswith(".ndjson")),
        *(p for p in paths if p.lower().endswith(".ndjson")),
    ]:
        if is_fhir_file(path):
            fhir += read_fhir_file(path)
        else:
            goal_files.append(path)
    inputs = review_inputs_from_fhir(
        [*fhir, *seen],
        goal_documents=[load_document(path) for path in goal_files],
        instruments=instruments,
    )
    results = tuple(
        found.review(as_of=as_of, instruments=instruments, **options) for found in inputs
    )
    ordered = caseload([r.review for r in results], [])[1]
    run = ReviewRun(as_of, tuple(ordered), (), instruments)
    return FhirReviewRun(run, results, inputs.notices)
