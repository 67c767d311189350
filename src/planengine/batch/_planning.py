"""Planning one patient of a batch: read the patient's records (FHIR resources or an assessment
document), plan, and return the plan, its FHIR Bundle, its open risk flags and any error, as
text ready to write. The same function runs in the local process pool and on Spark executors,
so both engines write the same bytes for the same patient.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import orjson

from planengine.batch._source import SourceRecord

__all__ = ["BatchSettings", "PatientPlanner", "PatientResult", "planner_for"]

#: Flag statuses a clinician still has to act on (a dispositioned flag is closed for the queue).
_QUEUED_STATUSES = frozenset({"open", "reopened", "review-due"})


@attrs.frozen
class BatchSettings:
    """What every worker needs to build the same engine: picklable, so that a process pool or a
    Spark executor builds its engine once from it.

    :ivar as_of: the planning date (the clock is an input).
    :ivar autoload: load the installed plugins; ``block`` names plugins not to load.
    :ivar config_table: the ``[tool.planengine]``-shaped table of a configuration file (as
        :attr:`planengine.Config.table` holds it; ``None``: the defaults), read on each worker
        with ``config_where`` naming the file in messages.
    :ivar allow_draft: use strategies whose status is draft.
    :ivar bundles: also make each plan's FHIR Bundle.
    """

    as_of: dt.date
    autoload: bool = True
    block: tuple[str, ...] = ()
    strict: bool = False
    config_table: Any = None
    config_where: str = "configuration"
    allow_draft: bool = False
    bundles: bool = True

    def engine_config(self) -> Any:
        """The :class:`planengine.EngineConfig` these settings describe."""
        from planengine.io._plan_config import engine_config_from_mapping

        config = engine_config_from_mapping(self.config_table or {}, where=self.config_where)
        return attrs.evolve(config, allow_draft_strategies=True) if self.allow_draft else config


@attrs.frozen
class PatientResult:
    """What one patient gave: a plan (compact JSON text) or errors, never neither.

    :ivar flags: the open risk flags, each ``{"queue_key": [...], "flag": {...}}``.
    :ivar errors: ``{"patient", "file", "line", "path", "reason"}`` mappings.
    :ivar internal: an error was a bug in planengine or a plugin, not bad input.
    """

    patient: str
    plan: str | None
    bundle: str | None
    flags: tuple[dict[str, Any], ...] = ()
    errors: tuple[dict[str, Any], ...] = ()
    internal: bool = False

    def to_row(self) -> list[Any]:
        """A JSON-ready list (shard files, Spark rows)."""
        return [
            self.patient,
            self.plan,
            self.bundle,
            list(self.flags),
            list(self.errors),
            self.internal,
        ]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> PatientResult:
        """The inverse of :meth:`to_row`."""
        return cls(row[0], row[1], row[2], tuple(row[3]), tuple(row[4]), bool(row[5]))


class PatientPlanner:
    """Plans patients with one engine, built once (per process, per Spark executor)."""

    def __init__(self, settings: BatchSettings) -> None:
        """Build the engine ``settings`` describe."""
        from planengine.plan._engine import Engine

        self.settings = settings
        self.engine = Engine(
            autoload=settings.autoload,
            block=settings.block,
            strict=settings.strict,
            config=settings.engine_config(),
        )

    def plan_patient(self, patient: str, records: Iterable[SourceRecord]) -> PatientResult:
        """The result of one patient; bad input and failing plugins become errors, not raises."""
        from planengine._errors import InputError, PluginError

        records = sorted(records, key=lambda r: (r.file, r.line or 0, r.path))
        first = records[0] if records else SourceRecord("fhir", "", None, "$", "")
        try:
            assessment = self._assessment(patient, records)
            plan = self.engine.plan(assessment, as_of=self.settings.as_of)
            return self._result(patient, plan, assessment)
        except InputError as error:
            return _failed(
                patient, error.file or first.file, error.line, error.path or "$", error.message
            )
        except PluginError as error:
            return _failed(patient, first.file, first.line, "$", f"a plugin failed: {error}")
        except Exception as error:  # a bug: reported for this patient, the batch goes on
            if os.environ.get("PLANENGINE_DEBUG") == "1":
                raise  # the traceback, as the command line shows it with PLANENGINE_DEBUG=1
            reason = (
                f"internal error: {type(error).__name__}: {error} (a bug in planengine or a plugin)"
            )
            return attrs.evolve(
                _failed(patient, first.file, first.line, "$", reason), internal=True
            )

    def _assessment(self, patient: str, records: list[SourceRecord]) -> Any:
        from planengine._errors import InputError
        from planengine.fhir._import import assessments_from_fhir
        from planengine.fhir._read import Located
        from planengine.io._assessment import assessment_from_mapping
        from planengine.io._loader import load_document

        engine = self.engine
        documents = [r for r in records if r.kind != "fhir"]
        if documents and len(records) > 1:
            places = ", ".join(_place(r) for r in records[:4])
            raise InputError(
                f"patient {patient!r} has {len(records)} inputs ({places}); a batch takes one "
                "assessment document, or FHIR resources, per patient",
                file=records[0].file,
                line=records[0].line,
            )
        if documents:
            record = documents[0]
            if record.kind == "document-file":
                loaded = load_document(record.file)
                data, document = loaded.data, loaded
            else:
                data, document = orjson.loads(record.text), None
            assessment = assessment_from_mapping(
                data,
                file=record.file,
                document=document,
                instruments=engine.instruments,
                vocabulary=engine.vocabulary,
            )
            return assessment
        located = [Located(orjson.loads(r.text), r.path, r.file, r.line) for r in records]
        imported = [
            p
            for p in assessments_from_fhir(located, instruments=engine.instruments)
            if p.patient_id == patient
        ]
        found: dict[str, Any] = imported[0].document if imported else {}
        if not found.get("responses") and not found.get("x-fhir-totals"):
            raise InputError(
                f"patient {patient!r} has no completed questionnaire response to plan from",
                file=records[0].file,
                line=records[0].line,
            )
        assessment = assessment_from_mapping(
            found,
            file=records[0].file,
            instruments=engine.instruments,
            vocabulary=engine.vocabulary,
        )
        return assessment

    def _result(self, patient: str, plan: Any, assessment: Any) -> PatientResult:
        from planengine.plan._risk_flags import flag_queue_key

        data = plan.to_dict()
        bundle = None
        if self.settings.bundles:
            from planengine.fhir._export import plan_to_fhir_bundle

            bundle = orjson.dumps(
                plan_to_fhir_bundle(
                    plan, assessment=assessment, instruments=self.engine.instruments
                )
            ).decode()
        flags = []
        for flag, shown in zip(plan.risk_flags, data["risk"]["flags"], strict=True):
            if flag.status in _QUEUED_STATUSES:
                entry = {"patient": patient, "as_of": data["as_of"], **shown}
                flags.append(
                    {"queue_key": [*flag_queue_key(flag), patient, flag.id], "flag": entry}
                )
        return PatientResult(patient, orjson.dumps(data).decode(), bundle, tuple(flags))


def _failed(
    patient: str, file: str | None, line: int | None, path: str, reason: str
) -> PatientResult:
    error = {"patient": patient, "file": file, "line": line, "path": path, "reason": reason}
    return PatientResult(patient, None, None, (), (error,))


def _place(record: SourceRecord) -> str:
    return f"{record.file}:{record.line}" if record.line is not None else record.file


_PLANNERS: list[PatientPlanner] = []


def planner_for(settings: BatchSettings) -> PatientPlanner:
    """The planner of ``settings`` in this process, built on first use (a pool worker or a Spark
    executor builds its engine once, not once a patient)."""
    for planner in _PLANNERS:
        if planner.settings == settings:
            return planner
    planner = PatientPlanner(settings)
    _PLANNERS[:] = [planner]  # one engine a process: a new setting replaces the old one
    return planner
