"""Planning one patient of a batch: read the patient's records (FHIR resources or an assessment
document, and a goal file with progress), plan and review, and return the plan, its FHIR
Bundle, the review, the open risk flags of both and any error, as text ready to write. The same function runs in the local process pool and on Spark executors,
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
    """What one patient gave: a plan (compact JSON text), a review, or both; or errors (and
    then nothing else), never neither.

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
    #: the review of the patient's goal file (compact JSON), when the input has one
    review: str | None = None

    def to_row(self) -> list[Any]:
        """A JSON-ready list (shard files, Spark rows)."""
        return [
            self.patient,
            self.plan,
            self.bundle,
            list(self.flags),
            list(self.errors),
            self.internal,
            self.review,
        ]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> PatientResult:
        """The inverse of :meth:`to_row`."""
        return cls(row[0], row[1], row[2], tuple(row[3]), tuple(row[4]), bool(row[5]), row[6])


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
        """The result of one patient: a plan from the assessment (FHIR resources or an
        assessment document) and a review of the goal file, where the patient has them. Bad
        input and failing plugins become errors, not raises; a patient with an error gets no
        output at all (the errors file names the patient, never a partial result)."""
        from planengine._errors import InputError, PluginError

        records = sorted(records, key=lambda r: (r.file, r.line or 0, r.path))
        first = records[0] if records else SourceRecord("fhir", "", None, "$", "")
        try:
            assessment_source, goal_file = self._sources(patient, records)
            plan_result = None
            assessment = None
            sources: tuple[Any, ...] = ()
            if assessment_source is not None:
                assessment, sources = self._assessment(
                    patient, assessment_source, goal_file is None
                )
            if assessment is not None:
                try:
                    plan = self.engine.plan(assessment, as_of=self.settings.as_of)
                except InputError as error:  # e.g. two responses of one day: name the resources
                    raise _at_source(error, sources) from None
                plan_result = self._planned(patient, plan, assessment)
            review_result = self._review(patient, goal_file) if goal_file is not None else None
            return _combined(patient, plan_result, review_result)
        except InputError as error:
            failed = _failed(
                patient, error.file or first.file, error.line, error.path or "$", error.message
            )
            return attrs.evolve(failed, flags=self._unread_risks(patient, records, error.message))
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

    def _sources(
        self, patient: str, records: list[SourceRecord]
    ) -> tuple[list[_Loaded] | None, _Loaded | None]:
        """The assessment's records (FHIR resources, or one document) and the goal file."""
        from planengine._errors import InputError

        loaded = [_load(record) for record in records]
        goal_files = [item for item in loaded if item.is_goal_file]
        documents = [
            item for item in loaded if item.record.kind != "fhir" and not item.is_goal_file
        ]
        resources = [item for item in loaded if item.record.kind == "fhir"]
        for kind, found in (("goal files", goal_files), ("assessment documents", documents)):
            if len(found) > 1:
                places = ", ".join(_place(item.record) for item in found[:4])
                raise InputError(
                    f"patient {patient!r} has {len(found)} {kind} ({places}); a batch takes one "
                    "per patient",
                    file=found[1].record.file,
                    line=found[1].record.line,
                )
        if documents and resources:
            raise InputError(
                f"patient {patient!r} has both an assessment document ({_place(documents[0].record)}) "
                "and FHIR resources; a batch takes one or the other per patient",
                file=documents[0].record.file,
                line=documents[0].record.line,
            )
        assessment = documents or resources or None
        return assessment, goal_files[0] if goal_files else None

    def _assessment(
        self, patient: str, sources: list[_Loaded], required: bool
    ) -> tuple[Any, tuple[Any, ...]]:
        """The assessment of ``sources`` and the resource each response was read from (FHIR);
        ``None`` when FHIR resources hold no response and the patient has a goal file to review
        (a Patient resource alone is not an error then)."""
        from planengine._errors import InputError
        from planengine.fhir._import import assessments_from_fhir
        from planengine.fhir._read import Located
        from planengine.io._assessment import assessment_from_mapping

        engine = self.engine
        if sources[0].record.kind != "fhir":
            source = sources[0]
            return assessment_from_mapping(
                source.data,
                file=source.record.file,
                document=source.document,
                instruments=engine.instruments,
                vocabulary=engine.vocabulary,
            ), ()
        records = [item.record for item in sources]
        located = [
            Located(item.data, r.path, r.file, r.line)
            for item, r in zip(sources, records, strict=True)
        ]
        imported = [
            p
            for p in assessments_from_fhir(located, instruments=engine.instruments)
            if p.patient_id == patient
        ]
        found: dict[str, Any] = imported[0].document if imported else {}
        origins = imported[0].response_sources if imported else ()
        if not found.get("responses") and not found.get("x-fhir-totals"):
            if not required:
                return None, ()
            raise InputError(
                f"patient {patient!r} has no completed questionnaire response to plan from",
                file=records[0].file,
                line=records[0].line,
            )
        try:
            assessment = assessment_from_mapping(
                found,
                file=records[0].file,
                instruments=engine.instruments,
                vocabulary=engine.vocabulary,
            )
        except InputError as error:
            raise _at_source(error, origins) from None
        return assessment, origins

    def _unread_risks(
        self, patient: str, records: list[SourceRecord], reason: str
    ) -> tuple[dict[str, Any], ...]:
        """The risk answers in a refused patient's FHIR resources, as flags of the queue
        (``source: input-error``): a patient whose input is in conflict stays in sight when any
        answer is a risk signal. Never raises: the error itself is already reported."""
        from planengine.fhir._read import Located
        from planengine.fhir._risk_scan import risk_answers
        from planengine.plan._risk_flags import _KIND_ORDER

        located = []
        for record in records:
            if record.kind != "fhir":
                continue
            try:
                located.append(Located(orjson.loads(record.text), record.path, record.file, record.line))
            except orjson.JSONDecodeError:  # pragma: no cover - the source wrote it as JSON
                continue
        flags = []
        for number, found in enumerate(risk_answers(located, self.engine.instruments), start=1):
            name = getattr(self.engine.instruments[found.instrument], "name", found.instrument)
            observed = found.date or ""
            try:
                ordinal = -dt.date.fromisoformat(observed).toordinal()
            except ValueError:
                ordinal = 0
            flag = {
                "patient": patient,
                "source": "input-error",
                "as_of": self.settings.as_of.isoformat(),
                "id": f"unread-{number}",
                "kind": found.kind,
                "level": "unread",
                "rank": 1,
                "status": "open",
                "instrument": found.instrument,
                "item": found.item,
                "value": found.value,
                "observed_on": found.date,
                "evidence": [],
                "message": (
                    f"{name} item {found.item} answered {found.value}"
                    + (f" on {found.date}" if found.date else "")
                    + f" in input that could not be read ({reason}); no plan was made: "
                    "clinician review of the input and of the risk today."
                ),
                "file": found.located.file,
                "line": found.located.line,
                "path": found.path,
                "closable_by": "clinician",
            }
            key = [1, _KIND_ORDER.get(found.kind, len(_KIND_ORDER)), ordinal, found.instrument,
                   found.item, found.kind, patient, "input-error", flag["id"]]
            flags.append({"queue_key": key, "flag": flag})
        return tuple(flags)

    def _planned(self, patient: str, plan: Any, assessment: Any) -> PatientResult:
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
                entry = {"patient": patient, "source": "plan", "as_of": data["as_of"], **shown}
                flags.append(
                    {"queue_key": [*flag_queue_key(flag), patient, "plan", flag.id], "flag": entry}
                )
        return PatientResult(patient, orjson.dumps(data).decode(), bundle, tuple(flags))

    def _review(self, patient: str, goal_file: _Loaded) -> PatientResult:
        from planengine.plan._risk_flags import flag_queue_key
        from planengine.review._config import review_config_from_mapping
        from planengine.review._review import review_goals

        settings = self.settings
        config = review_config_from_mapping(
            settings.config_table or {}, where=settings.config_where
        )
        review = review_goals(
            goal_file.document if goal_file.document is not None else goal_file.data,
            as_of=settings.as_of,
            instruments=self.engine.instruments,
            plugins=self.engine._loaded if settings.autoload else None,
            config=config,
            strict_plugins=settings.strict,
        )
        data = review.to_dict()
        flags = []
        for flag, shown in zip(review.risk_flags, data["risk_flags"], strict=True):
            if flag.status in _QUEUED_STATUSES:
                entry = {**shown, "patient": patient, "source": "review", "as_of": data["as_of"]}
                flags.append(
                    {
                        "queue_key": [*flag_queue_key(flag), patient, "review", flag.id],
                        "flag": entry,
                    }
                )
        return PatientResult(patient, None, None, tuple(flags), review=orjson.dumps(data).decode())


@attrs.frozen
class _Loaded:
    """A record read: its data and, for a document file, the document (for line numbers)."""

    record: SourceRecord
    data: Any
    document: Any = None

    @property
    def is_goal_file(self) -> bool:
        return self.record.kind != "fhir" and isinstance(self.data, dict) and "goals" in self.data


def _load(record: SourceRecord) -> _Loaded:
    if record.kind == "document-file":
        from planengine.io._loader import load_document

        document = load_document(record.file)
        return _Loaded(record, document.data, document)
    return _Loaded(record, orjson.loads(record.text))


def _combined(
    patient: str, plan: PatientResult | None, review: PatientResult | None
) -> PatientResult:
    """The plan's result and the review's, as one."""
    return PatientResult(
        patient,
        plan.plan if plan else None,
        plan.bundle if plan else None,
        (plan.flags if plan else ()) + (review.flags if review else ()),
        review=review.review if review else None,
    )


def _at_source(error: Any, sources: Sequence[Any]) -> Any:
    """``error`` of the document imported from FHIR, at the resource it came from: an error in
    ``$.responses[N]`` names the file, line and path of response N (each mention of another
    response too), not the first file of the patient."""
    import re

    from planengine._errors import InputError
    from planengine.fhir._observations import where

    pattern = re.compile(r"\$\.responses\[(\d+)\]")
    found = pattern.match(error.path or "")
    if found is None or int(found.group(1)) >= len(sources):
        return error
    source = sources[int(found.group(1))]

    def named(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return where(sources[index]) if index < len(sources) else match.group(0)

    return InputError(
        pattern.sub(named, error.message), file=source.file, line=source.line, path=source.path
    )


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
