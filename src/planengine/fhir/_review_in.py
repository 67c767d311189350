"""Review from FHIR: the goals (a goal file, or the Goals planengine's plan export wrote) and the
progress in Observations become the goal document the review reads, so that the review is the
very same one the YAML path runs.

* An instrument result (a total, items, a US Core panel; :mod:`planengine.fhir._observations`)
  becomes a repeat questionnaire (``assessments``): its total feeds every goal on that
  instrument, and its item answers are read for risk items (PHQ-9 item 9) as in a goal file.
* An Observation coded in planengine's ``metric`` system becomes a ``progress`` entry of each
  goal measured by that metric.
* A finding about a value that came from FHIR names the Observation (or Goal): its file, NDJSON
  line and JSON path, not the goal document planengine built in between.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from planengine._errors import InputError
from planengine.fhir._codes import codes, metric_code
from planengine.fhir._goals import goal_entry_from_fhir, objective_id_of
from planengine.fhir._observations import (
    USABLE_STATUSES,
    InstrumentReading,
    instrument_readings,
    observation_date,
    where,
)
from planengine.fhir._read import Located
from planengine.fhir._resources import patient_id_of
from planengine.io._document import Document
from planengine.io._location import Location

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._model import Review

__all__ = ["FhirGoalReview", "ReviewInput", "ReviewInputs", "review_inputs_from_fhir"]


@attrs.frozen
class FhirGoalReview:
    """A review and the FHIR Goals it judged (goal id -> Goal resource), for
    :func:`planengine.fhir.review_to_fhir_bundle`."""

    review: Review
    goals: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    #: the Observations the progress came from
    observations: tuple[Located, ...] = ()


@attrs.frozen
class ReviewInput:
    """One patient's goal document built from FHIR, ready to review.

    :ivar document: the goal document (a :class:`~planengine.io._document.Document` when it came
        from a goal file, so that its own values keep their lines).
    :ivar goals: goal id -> the FHIR Goal it was read from (empty for a goal file).
    :ivar origins: JSON path in the document (``$.assessments[3]``) -> the resource it came from.
    :ivar observations: every Observation the progress came from.
    :ivar notices: what was passed over and why.
    """

    patient_id: str | None
    document: Document | Mapping[str, Any]
    goals: Mapping[str, Located] = attrs.field(factory=dict)
    origins: Mapping[str, Located] = attrs.field(factory=dict)
    observations: tuple[Located, ...] = ()
    notices: tuple[str, ...] = ()

    def review(self, *, as_of: dt.date, **options: Any) -> FhirGoalReview:
        """Review the document with :func:`planengine.review_goals` (same ``options``); each
        finding about a value from FHIR names the resource it came from."""
        from planengine.review._review import review_goals

        review = review_goals(self.document, as_of=as_of, **options)
        findings = tuple(
            attrs.evolve(f, location=self._origin(f.location)) for f in review.findings
        )
        review = attrs.evolve(review, findings=findings)
        goals = {goal_id: item.resource for goal_id, item in self.goals.items()}
        return FhirGoalReview(review, goals, self.observations)

    def _origin(self, location: Location) -> Location:
        path = location.json_path or "$"
        best = max(
            (p for p in self.origins if path == p or path.startswith((p + ".", p + "["))),
            key=len,
            default=None,
        )
        if best is None:
            return location
        item = self.origins[best]
        return Location(item.file, item.line, None, item.path)


@attrs.frozen
class ReviewInputs:
    """The goal documents to review (iterate over it: one :class:`ReviewInput` each), and the
    notices of the run: what was passed over, and the results of patients none of whose goals
    are under review (never dropped silently: their answers were not read for risk items)."""

    inputs: tuple[ReviewInput, ...]
    notices: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[ReviewInput]:
        return iter(self.inputs)

    def __len__(self) -> int:
        return len(self.inputs)


def review_inputs_from_fhir(
    resources: Iterable[Located],
    *,
    goal_documents: Sequence[Document | Mapping[str, Any]] = (),
    instruments: Mapping[str, Any] | None = None,
) -> ReviewInputs:
    """The goal documents to review, one per goal file and one per patient with Goals in
    ``resources``, each with the progress in its patient's Observations.

    :param resources: located resources (:func:`planengine.fhir.read_fhir_file`): Observations,
        and the Goals planengine's plan export wrote (the plan's Bundle, or read back from the
        server).
    :param goal_documents: goal files (one patient each): their goals are reviewed with the
        Observations of their patient (every Observation when the file names no patient and
        they name one).
    :raises InputError: (file, line, path) for a Goal or Observation that cannot be read, or when
        there is nothing to review.
    """
    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    located = list(resources)
    patients = _Patients(located)
    readings, skipped = instrument_readings(located, instruments)
    metrics = [i for i in located if _metric_code(i.resource) is not None]
    inputs = [
        _with_goal_file(document, patients, readings, skipped, metrics)
        for document in goal_documents
    ]
    goals: dict[str | None, list[Located]] = {}
    for item in located:
        if (
            item.resource.get("resourceType") == "Goal"
            and objective_id_of(item.resource) is not None
        ):
            goals.setdefault(patients.of(item.resource), []).append(item)
    if not goals and not inputs:
        first = located[0] if located else None
        raise InputError(
            "no Goal planengine wrote (with its goal-review extension): give the plan's Bundle "
            "or the Goals read back from the FHIR server, or a goal file",
            file=first.file if first else None,
            path="$",  # the whole input: no resource in it is such a Goal
        )
    inputs += [
        _from_goals(pid, items, patients, readings, skipped, metrics)
        for pid, items in goals.items()
    ]
    notices = [n for found in inputs for n in found.notices]
    notices += _not_reviewed(inputs, readings, metrics, patients)
    return ReviewInputs(tuple(inputs), tuple(notices))


def _not_reviewed(
    inputs: Sequence[ReviewInput],
    readings: Sequence[InstrumentReading],
    metrics: Sequence[Located],
    patients: _Patients,
) -> list[str]:
    """A notice per patient whose results no review read (no goals of theirs under review)."""
    used = {_place(part) for found in inputs for part in found.observations}
    left: dict[str, list[Located]] = {}
    for item in [
        *(r.located for r in readings if not any(_place(p) in used for p in r.parts)),
        *metrics,
    ]:
        if _place(item) not in used:
            left.setdefault(str(patients.of(item.resource) or "no patient named"), []).append(item)
    return [
        f"{len(items)} Observation(s) of {patient} not reviewed (none of their goals is under "
        f"review), first at {where(items[0])}: their answers were NOT read for risk items here; "
        "review them with their goals, or plan from them (planengine import)"
        for patient, items in left.items()
    ]


def _place(item: Located) -> tuple[str | None, int | None, str]:
    return item.file, item.line, item.path


class _Patients:
    """Which patient a resource is about: ``Patient/<id>``, an identifier, or a Patient's fullUrl."""

    def __init__(self, located: Sequence[Located]) -> None:
        self.by_url = {
            item.full_url: str(item.resource["id"])
            for item in located
            if item.resource.get("resourceType") == "Patient"
            and item.full_url
            and isinstance(item.resource.get("id"), str)
        }

    def of(self, resource: Mapping[str, Any]) -> str | None:
        subject = resource.get("subject")
        literal = subject.get("reference") if isinstance(subject, Mapping) else None
        if isinstance(literal, str) and literal in self.by_url:
            return self.by_url[literal]
        return patient_id_of(subject)


def _from_goals(
    patient_id: str | None,
    items: list[Located],
    patients: _Patients,
    readings: Sequence[InstrumentReading],
    skipped: Sequence[tuple[Located, str]],
    metrics: Sequence[Located],
) -> ReviewInput:
    document: dict[str, Any] = {"planengine": 1}
    if patient_id is not None:
        document["patient"] = {"id": patient_id}
    goals: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    by_goal: dict[str, Located] = {}
    origins: dict[str, Located] = {}
    for item in items:
        entry, waits = goal_entry_from_fhir(item)
        if entry["id"] in by_goal:
            raise item.error(
                f"a second Goal for objective {entry['id']!r} of this patient", ".extension"
            )
        by_goal[entry["id"]] = item
        if waits:  # its steps start later or are held: listed, not reviewed (as the goal file)
            waiting.append(
                {"id": entry["id"], "area": entry["area"], "statement": entry["statement"]}
                | ({"starts_when": entry["starts_when"]} if "starts_when" in entry else {})
            )
            continue
        origins[f"$.goals[{len(goals)}]"] = item
        goals.append(entry)
    document["goals"] = goals
    if waiting:
        document["x-waiting-goals"] = waiting
    reviewed = {goal["id"]: by_goal[goal["id"]] for goal in goals}
    found = _merged(
        document,
        patient_id,
        patients,
        readings,
        skipped,
        metrics,
        reviewed,
        origins,
        single_patient=False,
    )
    if items[0].file is None:
        return found
    # named after the file the Goals came from, in every report (positions come from origins)
    return attrs.evolve(found, document=Document(items[0].file, found.document, "json"))


def _with_goal_file(
    source: Document | Mapping[str, Any],
    patients: _Patients,
    readings: Sequence[InstrumentReading],
    skipped: Sequence[tuple[Located, str]],
    metrics: Sequence[Located],
) -> ReviewInput:
    from planengine.review._flag_workflow import patient_id_of as goal_file_patient

    data = source.data if isinstance(source, Document) else source
    if not isinstance(data, Mapping):
        raise InputError(
            "a goal file must be a mapping with a `goals` list",
            file=source.path if isinstance(source, Document) else None,
            path="$",
        )
    patient_id = goal_file_patient(data)
    result = _merged(
        dict(copy.deepcopy(data)),
        patient_id,
        patients,
        readings,
        skipped,
        metrics,
        {},
        {},
        single_patient=patient_id is None,
    )
    if isinstance(source, Document):
        document = Document(source.path, result.document, source.format, source.text)
        return attrs.evolve(result, document=document)
    return result


def _merged(
    document: dict[str, Any],
    patient_id: str | None,
    patients: _Patients,
    readings: Sequence[InstrumentReading],
    skipped: Sequence[tuple[Located, str]],
    metrics: Sequence[Located],
    goals: Mapping[str, Located],
    origins: dict[str, Located],
    *,
    single_patient: bool,
) -> ReviewInput:
    """``document`` with the patient's Observations added: results as ``assessments``, metric
    values as ``progress`` of the goals measured by that metric."""
    notices: list[str] = []
    mine = _belongs(
        patient_id, patients, single_patient, [r.located for r in readings] + list(metrics)
    )
    used: list[Located] = []
    assessments = document.get("assessments")
    if not isinstance(assessments, list):
        assessments = []
    for reading in readings:
        if not mine(reading.located):
            continue
        entry: dict[str, Any] = {"instrument": reading.instrument, "date": reading.date}
        if reading.total is not None:
            entry["total"] = reading.total
        if reading.has_items:
            entry["answers"] = list(reading.answers)
        origins[f"$.assessments[{len(assessments)}]"] = reading.located
        assessments.append(entry)
        used.extend(reading.parts)
    if assessments:
        document["assessments"] = assessments
    for item, reason in skipped:
        if mine(item):
            notices.append(f"{where(item)}: {reason}")
    found_goals = document.get("goals")
    goal_list: list[Any] = found_goals if isinstance(found_goals, list) else []
    for item in metrics:
        if not mine(item):
            continue
        code = _metric_code(item.resource)
        if item.resource.get("status") not in USABLE_STATUSES:
            notices.append(
                f"{where(item)}: Observation with status {item.resource.get('status')!r} skipped"
            )
            continue
        measured = [
            (index, goal)
            for index, goal in enumerate(goal_list)
            if isinstance(goal, dict)
            and isinstance(goal.get("measure"), Mapping)
            and _slug(goal["measure"].get("metric")) == code
        ]
        if not measured:
            notices.append(
                f"{where(item)}: metric {code!r} measures no goal under review; passed over"
            )
            continue
        value = _metric_value(item)
        for index, goal in measured:
            progress = goal.setdefault("progress", [])
            origins[f"$.goals[{index}].progress[{len(progress)}]"] = item
            progress.append({"date": observation_date(item), "value": value})
        used.append(item)
    return ReviewInput(
        patient_id, document, dict(goals), dict(origins), tuple(used), tuple(notices)
    )


def _belongs(
    patient_id: str | None, patients: _Patients, single_patient: bool, items: Sequence[Located]
) -> Any:
    """Whether an Observation is about the patient under review."""
    if single_patient:  # a goal file that names no patient: its Observations must name one at most
        named = {patients.of(i.resource) for i in items} - {None}
        if len(named) > 1:
            raise InputError(
                f"the goal file names no patient and the Observations name {len(named)}: give "
                "patient.id in the goal file",
                file=items[0].file,
            )
        return lambda item: True
    return lambda item: patients.of(item.resource) == patient_id


def _metric_code(resource: Mapping[str, Any]) -> str | None:
    if resource.get("resourceType") != "Observation":
        return None
    concept = resource.get("code")
    codings = concept.get("coding") if isinstance(concept, Mapping) else None
    for code in codings if isinstance(codings, list) else ():
        if (
            isinstance(code, Mapping)
            and code.get("system") == codes().system("metric")
            and isinstance(code.get("code"), str)
        ):
            return str(code["code"])
    return None


def _metric_value(item: Located) -> float | int:
    quantity = item.resource.get("valueQuantity")
    value = (
        quantity.get("value")
        if isinstance(quantity, Mapping)
        else item.resource.get("valueInteger")
    )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise item.error(
            "a metric Observation needs a number (valueQuantity.value or valueInteger)"
        )
    return value


def _slug(metric: Any) -> str | None:
    return metric_code(metric) if isinstance(metric, str) else None
