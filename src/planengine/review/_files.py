"""Reviewing files and folders (the command line's library half): a bad file never stops the run."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from planengine._errors import InputError
from planengine._json_form import json_form, key
from planengine.instruments._instrument import Instrument
from planengine.io._location import Located, Location
from planengine.review._file_conflicts import judge_with_other_files
from planengine.review._model import Review, ReviewConfig
from planengine.review._several_files import hold_for_merge, several_files_notice

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._caseload import CaseloadEntry

__all__ = ["FileError", "ReviewRun", "review_paths"]


@attrs.frozen
class FileError(Located):
    """A file that could not be reviewed at all (unreadable, not YAML/JSON, not a mapping).

    :ivar location: where: always the file, the line and column when known (``file``, ``line``
        and ``column`` read from it).
    """

    location: Location
    message: str

    @property
    def file(self) -> str:
        """The file that could not be reviewed."""
        return self.location.file or ""

    to_dict = json_form(key("file"), key("line"), key("column"), key("message"))


@attrs.frozen
class ReviewRun:
    """The reviews of every file of one run, and the files that could not be read.

    :ivar reviews: in caseload order (:mod:`planengine.review._caseload`): patients with an open
        risk flag first, by the flag's place in the queue, then those that need attention, then
        those with a measurement overdue, then the rest; never in file-name order.
    """

    as_of: dt.date
    reviews: tuple[Review, ...]
    errors: tuple[FileError, ...]
    #: The instruments the run used (for charts' bands); not part of equality.
    instruments: Mapping[str, Instrument] = attrs.field(factory=dict, eq=False, repr=False)
    #: The plugins loaded for the run, with their versions (recorded in the JSON report).
    plugins: tuple[Any, ...] = ()

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read or had input errors, 1 when anything needs attention
        (an open risk flag always does), else 0. An open flag beside an input error is still
        exit 2: the flags are printed all the same, and :attr:`open_flags` and the summary say
        so (docs/review-workflow.md)."""
        if self.has_input_errors:
            return 2
        return 1 if any(r.needs_attention for r in self.reviews) else 0

    @property
    def has_input_errors(self) -> bool:
        """Whether a file could not be read or had values left out."""
        return bool(self.errors) or any(r.has_input_errors for r in self.reviews)

    @property
    def open_flags(self) -> tuple[Any, ...]:
        """Every open risk flag of the run, in caseload order (each id names its patient)."""
        return tuple(flag for review in self.reviews for flag in review.open_flags)

    @property
    def caseload(self) -> tuple[CaseloadEntry, ...]:
        """One line per patient (and per unreadable file), most urgent first."""
        from planengine.review._caseload import caseload

        return caseload(self.reviews, self.errors)[0]


def review_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    as_of: dt.date,
    instruments: Mapping[str, Instrument] | None = None,
    plugins: Any = None,
    config: ReviewConfig | None = None,
    strict_plugins: bool = False,
) -> ReviewRun:
    """Review every goal file under ``paths`` (folders walked for ``*.yaml``, ``*.yml``, ``*.json``)."""
    from planengine.io._loader import load_document
    from planengine.io._walk import iter_files
    from planengine.review._review import _manager, review_goals

    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    if plugins is not None and not hasattr(plugins, "hook") and not hasattr(plugins, "manager"):
        manager, notices = _manager(plugins)  # load once, not once per file
        plugins = _Loaded(manager, notices)
    reviews: list[Review] = []
    errors: list[FileError] = []
    documents = []
    for path in iter_files(paths):
        try:
            documents.append(load_document(path))
        except InputError as error:
            where = attrs.evolve(error.location, file=error.file or path)
            errors.append(FileError(where, error.message))
    files_of = _files_by_patient(documents)
    for document in documents:
        several = files_of.get(_patient_of(document) or "", ())
        try:
            review = review_goals(
                document,
                as_of=as_of,
                instruments=instruments,
                plugins=plugins,
                config=config,
                strict_plugins=strict_plugins,
                file_tag=os.path.basename(document.path or "") if len(several) > 1 else None,
                autoload=False,  # the caller chose the plugins and settings for every file
            )
        except InputError as error:
            where = attrs.evolve(error.location, file=error.file or document.path)
            errors.append(FileError(where, error.message))
            continue
        if len(several) > 1:
            review = attrs.evolve(
                hold_for_merge(review, several),
                notices=(several_files_notice(review, several), *review.notices),
            )
        reviews.append(review)
    reviews = _judged_together(reviews, files_of, instruments)
    infos = tuple(getattr(plugins, "infos", ()))
    from planengine.review._caseload import caseload

    ordered = caseload(reviews, errors)[1]  # the most urgent patient first, never file order
    return ReviewRun(as_of, ordered, tuple(errors), instruments, infos)


def _judged_together(
    reviews: list[Review],
    files_of: Mapping[str, tuple[str, ...]],
    instruments: Mapping[str, Instrument],
) -> list[Review]:
    """``reviews`` with each patient's several goal files read beside each other: where they
    disagree, and which of the other files' scores each goal's status does not use."""
    out = list(reviews)
    for files in files_of.values():
        places = [i for i, r in enumerate(out) if len(files) > 1 and r.file in files]
        if len(places) > 1:
            for i, judged in zip(
                places, judge_with_other_files([out[i] for i in places], instruments), strict=True
            ):
                out[i] = judged
    return out


def _patient_of(document: Any) -> str | None:
    from planengine.review._flag_workflow import patient_id_of

    return patient_id_of(document.data) if isinstance(document.data, Mapping) else None


def _files_by_patient(documents: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """Patient id -> its goal files in the run (files with no patient id are left out)."""
    out: dict[str, list[str]] = {}
    for document in documents:
        patient = _patient_of(document)
        if patient is not None:
            out.setdefault(patient, []).append(str(document.path))
    return {patient: tuple(sorted(files)) for patient, files in out.items()}


@attrs.frozen
class _Loaded:
    manager: Any
    notices: tuple[Any, ...]
