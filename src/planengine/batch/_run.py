"""``run_batch``: a cohort in, plans, FHIR Bundles, a flag queue, an errors file and a summary
out, on the local process pool or on Spark; the same input gives the same bytes on both."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import attrs

from planengine.batch._outputs import OutputSet
from planengine.batch._planning import BatchSettings, PatientResult
from planengine.batch._source import SourceProblem, input_files

__all__ = ["ENGINES", "BatchSummary", "run_batch"]

#: the engines ``run_batch`` runs on
ENGINES = ("local", "spark")


@attrs.frozen
class BatchSummary:
    """The counts of a run, reconciled: every patient read has a plan or an error entry.

    :ivar patients_in: distinct patients in the input.
    :ivar plans_out: patients planned; ``reviews_out`` patients whose goal file was reviewed;
        ``patients_out`` patients with a plan, a review or both.
    :ivar patients_with_errors: patients that gave no output (each has an entry in the errors
        file).
    :ivar records_without_patient: input lines that could not be read or name no patient
        (each has an entry in the errors file).
    :ivar flags: open risk flags in the flag queue; ``patients_flagged`` the patients they are of.
    :ivar internal_errors: patients whose planning hit a bug (exit 3).
    :ivar resources_skipped: resources of types no plan reads, by type.
    """

    as_of: dt.date
    engine: str
    patients_in: int
    plans_out: int
    reviews_out: int
    patients_out: int
    patients_with_errors: int
    records_without_patient: int
    flags: int
    patients_flagged: int
    internal_errors: int
    resources_skipped: dict[str, int]
    outputs: dict[str, str]

    @property
    def reconciled(self) -> bool:
        """Whether patients in = patients out + patients with errors (nothing silently missing)."""
        return self.patients_in == self.patients_out + self.patients_with_errors

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``summary.json``; no clock time, no machine names:
        the same input gives the same summary)."""
        data = attrs.asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["resources_skipped"] = dict(sorted(self.resources_skipped.items()))
        data["reconciled"] = self.reconciled
        from planengine._version import __version__

        return {"planengine": 1, "kind": "batch-summary", "version": __version__, **data}


class _Runner(Protocol):
    skipped: dict[str, int]

    def problems(self) -> Iterator[SourceProblem]: ...

    def results(self) -> Iterator[PatientResult]: ...

    def close(self) -> None: ...


def run_batch(
    sources: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output_dir: str,
    settings: BatchSettings,
    *,
    engine: str = "local",
    jobs: int | None = None,
    file_format: str = "jsonl",
    master: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Plan every patient of ``sources`` and write the outputs into ``output_dir``.

    :param sources: a FHIR Bulk Data export folder, a folder of assessment documents, or
        NDJSON / JSON Lines files (FHIR resources or assessment documents, one a line).
    :param settings: the planning date and engine settings every worker builds its engine from.
    :param engine: ``local`` (a process pool of ``jobs`` workers; default: one per CPU) or
        ``spark`` (PySpark, the ``spark`` extra; ``master`` e.g. ``local[2]`` or a cluster URL).
    :param file_format: ``jsonl`` or ``parquet`` (pyarrow, the ``parquet`` extra).
    :param progress: called with ``(patients done, patients in)``.
    :param jobs: the local engine's worker processes. They are spawned, and each runs the main
        script again: a script must call ``run_batch`` under ``if __name__ == "__main__":``.
    :raises ConfigError: for a missing input, an unknown engine or format, a missing extra, or
        a script that calls it with several workers outside its ``__main__`` guard.
    :raises OutputError: when an output would replace an input or a link.
    """
    import os

    from planengine._errors import ConfigError

    if engine not in ENGINES:
        raise ConfigError(f"unknown batch engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if file_format not in ("jsonl", "parquet"):
        raise ConfigError(f"unknown batch format {file_format!r}; choose jsonl or parquet")
    from planengine.io._walk import path_list

    names = [os.fspath(source) for source in path_list(sources)]
    _refuse_output_in_input(output_dir, names)
    files = [name for source in names for name in input_files(source)]
    os.makedirs(output_dir, exist_ok=True)
    outputs = OutputSet(output_dir, file_format, files, bundles=settings.bundles)
    runner: _Runner
    if engine == "spark":
        from planengine.batch._spark import SparkRun

        runner = SparkRun(files, settings, master=master)
    else:
        from planengine.batch._local import LocalRun

        runner = LocalRun(
            files, settings, jobs=jobs or os.cpu_count() or 1, scratch=output_dir, progress=progress
        )
    try:
        summary = _write_all(runner, outputs, settings, engine)
        outputs.commit(summary.to_dict())
        return summary
    except BaseException:
        outputs.discard()
        raise
    finally:
        runner.close()


def _refuse_output_in_input(output_dir: str, sources: list[str]) -> None:
    """An output folder that is, or is inside, an input folder would be read as input by the
    next run (its plans and flags taken for assessments): refused, before anything is written."""
    import os

    from planengine._errors import ConfigError
    from planengine._printable import printable

    target = os.path.realpath(output_dir)
    for source in sources:
        if not os.path.isdir(source):
            continue
        folder = os.path.realpath(source)
        if target == folder or target.startswith(folder.rstrip(os.sep) + os.sep):
            raise ConfigError(
                f"--output-dir {printable(output_dir)}: is, or is inside, the input folder "
                f"{printable(source)}; the next run would read its outputs as input: choose a "
                "folder outside it"
            )


def _write_all(
    runner: _Runner, outputs: OutputSet, settings: BatchSettings, engine: str
) -> BatchSummary:
    problems = 0
    for problem in runner.problems():
        problems += 1
        row = {
            "patient": problem.patient,
            "file": problem.file,
            "line": problem.line,
            "path": problem.path,
            "reason": problem.reason,
        }
        outputs.write("errors", problem.patient, None, row)
    patients = planned = reviewed = out = failed = internal = 0
    queue: list[tuple[list[Any], dict[str, Any]]] = []
    flagged: set[str] = set()
    for result in runner.results():
        patients += 1
        if result.plan is not None:
            planned += 1
            outputs.write("plans", result.patient, result.plan)
            outputs.write("bundles", result.patient, result.bundle)
        if result.review is not None:
            reviewed += 1
            outputs.write("reviews", result.patient, result.review)
        if result.errors:
            failed += 1
        elif result.plan is not None or result.review is not None:
            out += 1
        internal += result.internal
        for error in result.errors:
            outputs.write("errors", result.patient, None, error)
        for entry in result.flags:
            queue.append((entry["queue_key"], entry["flag"]))
            flagged.add(result.patient)
    queue.sort(key=lambda item: item[0])  # the flags alone are held: a share of the patients
    for _key, flag in queue:
        outputs.write("flags", flag["patient"], None, flag)
    import os

    return BatchSummary(
        as_of=settings.as_of,
        engine=engine,
        patients_in=patients,
        plans_out=planned,
        reviews_out=reviewed,
        patients_out=out,
        patients_with_errors=failed,
        records_without_patient=problems,
        flags=len(queue),
        patients_flagged=len(flagged),
        internal_errors=internal,
        resources_skipped=dict(runner.skipped),
        outputs={kind: os.path.basename(path) for kind, path in sorted(outputs.targets.items())},
    )
