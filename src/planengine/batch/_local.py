"""The local batch engine: a process pool over a cohort of any size, in bounded memory.

Three passes, none holding the cohort:

1. **Key**: every input line goes, with its patient id, to one of ``K`` temporary shard files
   (by a stable hash of the id); a line that cannot be read or names no patient goes to the
   problems file. ``K`` grows with the input size, so a shard stays near ``shard_bytes``.
2. **Plan**: one shard at a time is grouped by patient and its patients, in id order, are
   planned by the pool (each worker builds its engine once); the results go to a result file
   per shard, in id order.
3. **Merge**: the result files are merged by patient id (a k-way merge, one line of each file
   in memory), so the output is sorted by patient id whatever ``K`` and the pool size are.
"""

from __future__ import annotations

import heapq
import math
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from planengine.batch._planning import BatchSettings, PatientResult, planner_for
from planengine.batch._source import SourceProblem, SourceRecord, keyed_records

__all__ = ["LocalRun", "shard_of"]

#: Input bytes per shard: a shard's records are held while it is planned.
DEFAULT_SHARD_BYTES = 16 * 1024 * 1024


def shard_of(patient: str, shards: int) -> int:
    """The shard of a patient id: CRC-32 of its UTF-8 bytes (stable across runs and machines)."""
    return zlib.crc32(patient.encode("utf-8", "surrogatepass")) % shards


class LocalRun:
    """One local batch run over ``files``, in a scratch folder removed by :meth:`close`.

    :param jobs: worker processes (1: plan in this process).
    :param scratch: the folder to make the scratch folder in (the output folder: same disk).
    :param progress: called with ``(done, total)`` patients as they are planned.
    """

    def __init__(
        self,
        files: list[str],
        settings: BatchSettings,
        *,
        jobs: int,
        scratch: str,
        shard_bytes: int = DEFAULT_SHARD_BYTES,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Prepare the run (nothing is read until :meth:`problems` or :meth:`results`)."""
        self.files = files
        self.settings = settings
        self.jobs = max(1, jobs)
        self.progress = progress
        size = sum(os.path.getsize(name) for name in files)
        self.shards = max(1, math.ceil(size / max(1, shard_bytes)))
        self.folder = tempfile.mkdtemp(prefix=".planengine-batch-", dir=scratch)
        self.skipped: dict[str, int] = {}
        self.patients_in = 0
        self._keyed = False

    def close(self) -> None:
        """Remove the scratch folder."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def _path(self, kind: str, index: int = 0) -> str:
        return os.path.join(self.folder, f"{kind}-{index}.jsonl")

    def key(self) -> None:
        """Pass 1: every record into its shard file, every problem into the problems file."""
        outs = [open(self._path("shard", i), "wb") for i in range(self.shards)]  # noqa: SIM115
        try:
            with open(self._path("problems"), "wb") as problems:
                for item in keyed_records(self.files, self.skipped):
                    if isinstance(item, SourceProblem):
                        row = [item.file, item.line, item.path, item.reason]
                        problems.write(orjson.dumps(row) + b"\n")
                        continue
                    patient, record = item
                    outs[shard_of(patient, self.shards)].write(
                        orjson.dumps([patient, record.to_row()]) + b"\n"
                    )
        finally:
            for out in outs:
                out.close()
        self._keyed = True

    def problems(self) -> Iterator[SourceProblem]:
        """The records that name no patient or cannot be read, in input order."""
        if not self._keyed:
            self.key()
        with open(self._path("problems"), "rb") as handle:
            for line in handle:
                file, number, path, reason = orjson.loads(line)
                yield SourceProblem(file, number, path, reason)

    def results(self) -> Iterator[PatientResult]:
        """Pass 2 and 3: every patient's result, sorted by patient id."""
        if not self._keyed:
            self.key()
        self.patients_in = sum(len(self._grouped(i)) for i in range(self.shards))
        done = 0
        pool = _pool(self.settings, self.jobs) if self.jobs > 1 else None
        try:
            for index in range(self.shards):
                group = self._load_group(index)
                tasks = [(self.settings, patient, group[patient]) for patient in sorted(group)]
                del group
                mapped = (
                    pool.imap(_plan_task, tasks, chunksize=8)
                    if pool is not None
                    else map(_plan_task, tasks)
                )
                with open(self._path("result", index), "wb") as out:
                    for row in mapped:
                        out.write(orjson.dumps(row) + b"\n")
                        done += 1
                        if self.progress is not None:
                            self.progress(done, self.patients_in)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        handles = [open(self._path("result", i), "rb") for i in range(self.shards)]  # noqa: SIM115
        try:
            rows = heapq.merge(*(map(orjson.loads, h) for h in handles), key=lambda row: row[0])
            for row in rows:
                yield PatientResult.from_row(row)
        finally:
            for handle in handles:
                handle.close()

    def _grouped(self, index: int) -> set[str]:
        """The patient ids of a shard (for the progress total)."""
        with open(self._path("shard", index), "rb") as handle:
            return {orjson.loads(line)[0] for line in handle}

    def _load_group(self, index: int) -> dict[str, list[list[Any]]]:
        group: dict[str, list[list[Any]]] = {}
        with open(self._path("shard", index), "rb") as handle:
            for line in handle:
                patient, row = orjson.loads(line)
                group.setdefault(patient, []).append(row)
        return group


def _plan_task(task: tuple[BatchSettings, str, list[list[Any]]]) -> list[Any]:
    settings, patient, rows = task
    records = [SourceRecord.from_row(row) for row in rows]
    return planner_for(settings).plan_patient(patient, records).to_row()


def _pool(settings: BatchSettings, jobs: int) -> Any:
    import multiprocessing

    from planengine.batch._main_guard import check_main_guard

    check_main_guard()  # a spawned worker runs the main script again: it must be guarded

    # spawn: a worker starts clean (no copied threads or locks), builds its engine once
    context = multiprocessing.get_context("spawn")
    return context.Pool(jobs, initializer=planner_for, initargs=(settings,))
