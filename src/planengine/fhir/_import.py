"""FHIR in: QuestionnaireResponses, instrument-total Observations, Conditions, the Patient's own
Goals and gender, grouped by patient, become the assessment documents the engine reads.

* A QuestionnaireResponse is matched to an instrument by a configured canonical URL (with its
  linkIds), planengine's own canonical, a LOINC panel code in the canonical, or its LOINC item
  linkIds. Answers: ``valueInteger``, a whole ``valueDecimal``, a LOINC answer ``valueCoding``,
  or a coding with an ``ordinalValue``/``itemWeight`` extension ([Ext-itemWeight]).
* An Observation whose components carry item codes is a response; one with a total only is
  kept as a total (``x-fhir-totals``), as a goal file's totals-only assessments are, and a
  risk item it cannot show (PHQ-9 item 9) is named in a notice, never read as "no risk".
* A Condition maps through the Condition map (SNOMED CT, ICD-10; ``data/conditions.yaml``); an
  unmapped one is named in a notice, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import InputError
from planengine.fhir._codes import ConditionMap, codes, condition_map
from planengine.fhir._observations import (
    InstrumentReading,
    coding_value,
    instrument_readings,
    made_by_planengine,
    where,
)
from planengine.fhir._read import Located
from planengine.fhir._resources import patient_id_of

__all__ = ["ImportedPatient", "assessments_from_fhir"]

_USABLE_QR = frozenset({"completed", "amended"})
#: linkIds of LOINC forms that carry no scored answer (PHQ-9 functional item, totals, panels)
_NOT_SCORED = frozenset({"69722-7", "44261-6", "70274-6", "44249-1", "69737-5"})


@attrs.frozen
class ImportedPatient:
    """One patient's assessment document read from FHIR, with what could not be used.

    :ivar document: the assessment mapping (``planengine: 1``, ``patient``, ``responses``,
        ``context``; totals-only Observations under ``x-fhir-totals``).
    :ivar notices: what the clinician must know: totals without item answers, unmapped
        Conditions, resources skipped and why.
    """

    patient_id: str | None
    document: dict[str, Any]
    notices: tuple[str, ...] = ()
    #: the resource each of ``document["responses"]`` was read from, in the same order (an error
    #: in ``$.responses[N]`` names the resource, not the document made from it)
    response_sources: tuple[Located, ...] = ()
    #: one of the patient's resources was refused (an error in the caller's ``errors``): the
    #: document lacks its answers, so it is never written as the patient's assessment (a plan
    #: made from it could miss a risk answer)
    refused: bool = False


@attrs.define
class _Patient:
    responses: list[dict[str, Any]] = attrs.Factory(list)
    sources: list[Located] = attrs.Factory(list)
    totals: list[dict[str, Any]] = attrs.Factory(list)
    concerns: list[str] = attrs.Factory(list)
    conditions: list[str] = attrs.Factory(list)
    goals: list[str] = attrs.Factory(list)
    sex: str | None = None
    notices: list[str] = attrs.Factory(list)
    refused: bool = False


def assessments_from_fhir(
    resources: Iterable[Located],
    *,
    questionnaires: Mapping[str, Mapping[str, Any]] | None = None,
    conditions: ConditionMap | None = None,
    instruments: Mapping[str, Any] | None = None,
    errors: list[InputError] | None = None,
) -> list[ImportedPatient]:
    """Assessment documents, one per patient in order of first appearance.

    :param resources: located resources (:func:`planengine.fhir.read_fhir_file`).
    :param questionnaires: canonical URL -> ``{"instrument": id, "items": {linkId: item}}``.
    :param conditions: the Condition map (default: the shipped one).
    :param errors: when given, a resource that cannot be read (an item answered twice, ...) is
        added to it, left out, and the other resources are still read; else the first is raised.
    :raises InputError: naming file, line and path, for a response that cannot be read.
    """
    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    reader = _Reader(instruments, dict(questionnaires or {}), conditions or condition_map())
    located = list(resources)
    reader.index_patients(located)
    derived = {
        str(ref.get("reference"))
        for item in located
        if item.resource.get("resourceType") == "Observation"
        for ref in item.resource.get("derivedFrom", ())
        if isinstance(ref, Mapping)
    }
    before = len(errors) if errors is not None else 0
    readings = reader.readings(located, errors)
    for item in located:
        try:
            reader.read(item, derived, readings)
        except InputError as error:
            if errors is None:
                raise
            errors.append(error)
    for refusal in (errors or [])[before:]:  # whose resource each refusal was
        source = _resource_of(refusal, located)
        if source is not None:
            reader._subject(source.resource).refused = True
    return [reader.finish(key) for key in reader.patients]


def _resource_of(error: InputError, located: Sequence[Located]) -> Located | None:
    """The resource an error names (its file, its line for NDJSON, and the longest resource
    path its path starts with), or ``None``."""
    path = error.json_path
    found = [
        item for item in located
        if item.file == error.file
        and (item.line is None or item.line == error.line)
        and (path == item.path or path.startswith((item.path + ".", item.path + "[")))
    ]
    return max(found, key=lambda item: len(item.path), default=None)


class _Reader:
    def __init__(
        self, instruments: Mapping[str, Any], questionnaires: dict[str, Mapping[str, Any]], conditions: ConditionMap
    ) -> None:
        self.instruments = instruments
        self.questionnaires = questionnaires
        self.condition_map = conditions
        self.patients: dict[str | None, _Patient] = {}
        self.by_url: dict[str, str] = {}

    def index_patients(self, located: list[Located]) -> None:
        for item in located:
            resource = item.resource
            if resource.get("resourceType") != "Patient":
                continue
            pid = resource.get("id")
            if item.full_url and isinstance(pid, str):
                self.by_url[item.full_url] = pid
            patient = self._patient(pid if isinstance(pid, str) else None)
            if resource.get("gender") in ("female", "male"):
                patient.sex = resource["gender"]

    def _patient(self, key: str | None) -> _Patient:
        return self.patients.setdefault(key, _Patient())

    def _subject(self, resource: Mapping[str, Any]) -> _Patient:
        subject = resource.get("subject")
        literal = subject.get("reference") if isinstance(subject, Mapping) else None
        if isinstance(literal, str) and literal in self.by_url:
            return self._patient(self.by_url[literal])
        return self._patient(patient_id_of(subject))

    def read(self, item: Located, derived: set[str], readings: Mapping[Any, InstrumentReading]) -> None:
        kind = item.resource.get("resourceType")
        if kind == "QuestionnaireResponse":
            self._questionnaire_response(item, derived)
        elif kind == "Observation":
            reading = readings.get((item.file, item.line, item.path))
            if reading is not None:
                self._observation(reading)
        elif kind == "Condition":
            self._condition(item)
        elif kind == "Goal":
            self._goal(item)

    def _questionnaire_response(self, item: Located, derived: set[str]) -> None:
        resource = item.resource
        if resource.get("status") not in _USABLE_QR:
            self._subject(resource).notices.append(
                f"{where(item)}: QuestionnaireResponse with status {resource.get('status')!r} skipped "
                "(only completed or amended responses are read)"
            )
            return
        instrument, link_ids = self._identify(item)
        count = int(self.instruments[instrument].items)
        answers: list[int | None] = [None] * count
        first: dict[int, str] = {}  # item number -> the path of its first answer
        for place, answer_item in _answer_items(resource.get("item", []), ".item"):
            link_id = str(answer_item.get("linkId", ""))
            number = link_ids.get(link_id)
            if number is None:
                if link_id.lstrip("/") in _NOT_SCORED:
                    continue
                raise item.error(f"linkId {link_id!r} is not an item of {instrument}", place)
            if not 1 <= number <= count:
                raise item.error(f"linkId {link_id!r} maps to item {number}; {instrument} has {count}", place)
            if number in first:
                raise item.error(
                    f"item {number} of {instrument} (linkId {link_id!r}) is answered twice in one "
                    f"QuestionnaireResponse (also at {item.path}{first[number]}); a repeated item is "
                    "not read: which answer holds is for the clinician to settle",
                    place,
                )
            first[number] = place
            answers[number - 1] = self._answer_value(item, instrument, answer_item, place)
        date = _date(resource.get("authored"))
        if date is None:
            raise item.error("a QuestionnaireResponse needs 'authored' (the date it was answered)")
        patient = self._subject(resource)
        patient.responses.append({"instrument": instrument, "date": date, "answers": answers})
        patient.sources.append(item)

    def _identify(self, item: Located) -> tuple[str, dict[str, int]]:
        """The instrument of a response and its linkId -> item number map."""
        table = codes()
        canonical = str(item.resource.get("questionnaire", "")).split("|")[0]
        configured = self.questionnaires.get(canonical)
        if configured is not None:
            items = {str(k): int(v) for k, v in (configured.get("items") or {}).items()}
            return str(configured["instrument"]), items or _default_link_ids(str(configured["instrument"]), self.instruments)
        prefix = table.questionnaire_url("")
        if canonical.startswith(prefix) and canonical[len(prefix) :] in self.instruments:
            instrument = canonical[len(prefix) :]
            return instrument, _default_link_ids(instrument, self.instruments)
        for instrument, entry in table.loinc.items():
            panel = entry.get("panel", {}).get("code")
            if panel and canonical.rstrip("/").endswith(panel):
                return instrument, _default_link_ids(instrument, self.instruments)
        answered = {str(a.get("linkId", "")) for _, a in _answer_items(item.resource.get("item", []), "")}
        for instrument in table.loinc:
            known = table.item_linkids(instrument)
            if answered and answered - {f"/{c}" for c in _NOT_SCORED} - _NOT_SCORED <= known.keys():
                return instrument, _default_link_ids(instrument, self.instruments)
        raise item.error(
            f"cannot tell which instrument questionnaire {canonical or '(none)'!r} is; map its "
            "canonical URL and linkIds (planengine import --questionnaires FILE)",
            ".questionnaire",
        )

    def _answer_value(self, item: Located, instrument: str, answer_item: Mapping[str, Any], where: str) -> int:
        answers = answer_item.get("answer", [])
        if len(answers) != 1:
            raise item.error(f"expected one answer, got {len(answers)}", where + ".answer")
        answer = answers[0]
        value: Any = answer.get("valueInteger")
        if value is None and isinstance(answer.get("valueDecimal"), (int, float)):
            decimal = answer["valueDecimal"]
            value = int(decimal) if float(decimal).is_integer() else None
        if value is None and isinstance(answer.get("valueCoding"), Mapping):
            value = coding_value(instrument, answer["valueCoding"], answer)
        if isinstance(value, bool) or not isinstance(value, int):
            raise item.error(
                "answer must be valueInteger, a whole valueDecimal, a LOINC answer valueCoding, "
                "or a coding with an ordinalValue/itemWeight extension",
                where + ".answer[0]",
            )
        return value

    def readings(
        self, located: list[Located], errors: list[InputError] | None = None
    ) -> dict[tuple[str | None, int | None, str], InstrumentReading]:
        """The questionnaire results among the Observations, by the place of the Observation
        they were read from (so that they keep their place among the responses)."""
        found, skipped = instrument_readings(located, self.instruments, errors)
        for item, reason in skipped:
            self._subject(item.resource).notices.append(f"{where(item)}: {reason}")
        return {(r.located.file, r.located.line, r.located.path): r for r in found}

    def _observation(self, reading: InstrumentReading) -> None:
        """A result with item answers is a response; a total alone is kept as a total, and a risk
        item it cannot show is named (a total says nothing about risk)."""
        patient = self._subject(reading.located.resource)
        if reading.has_items:
            patient.responses.append({"instrument": reading.instrument, "date": reading.date, "answers": list(reading.answers)})
            patient.sources.append(reading.located)
            return
        assert reading.total is not None  # a total-only Observation without a value is an error
        patient.totals.append({"instrument": reading.instrument, "date": reading.date, "total": reading.total})
        instrument = self.instruments[reading.instrument]
        risk_items = getattr(instrument, "risk_items", ())
        if risk_items:
            numbers = ", ".join(str(getattr(r, "item", "?")) for r in risk_items)
            patient.notices.append(
                f"{instrument.name} total only on {reading.date} (no item answers): risk "
                f"item {numbers} not recorded; ask it at the next contact (a total says nothing "
                "about risk)"
            )

    def _condition(self, item: Located) -> None:
        resource = item.resource
        if made_by_planengine(resource):
            return  # the engine's own provisional problems are its output, not its input
        status = resource.get("verificationStatus", {}).get("coding", [{}])[0].get("code")
        if status in ("entered-in-error", "refuted"):
            return
        patient = self._subject(resource)
        for code in resource.get("code", {}).get("coding", ()):
            found = self.condition_map.lookup(str(code.get("system")), str(code.get("code")))
            if found is not None:
                target = patient.conditions if found[0] == "condition" else patient.concerns
                if found[1] not in target:
                    target.append(found[1])
                return
        shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in resource.get("code", {}).get("coding", ()))
        patient.notices.append(
            f"{where(item)}: Condition {shown or '(no coding)'} is in no Condition map; add it to "
            "the assessment by hand if it matters (planengine import --conditions FILE maps it)"
        )

    def _goal(self, item: Located) -> None:
        resource = item.resource
        expressed = resource.get("expressedBy", {})
        if made_by_planengine(resource) or "Patient/" not in str(expressed.get("reference", "")):
            return
        text = resource.get("description", {}).get("text")
        if isinstance(text, str) and text.strip():
            self._subject(resource).goals.append(text.strip())

    def finish(self, key: str | None) -> ImportedPatient:
        patient = self.patients[key]
        context: dict[str, Any] = {
            "concerns": patient.concerns,
            "conditions": patient.conditions,
            "patient_goals": patient.goals,
        }
        if patient.sex is not None:
            context["sex"] = patient.sex
        document: dict[str, Any] = {"planengine": 1}
        if key is not None:
            document["patient"] = {"id": key}
        document["responses"] = patient.responses
        document["context"] = context
        if patient.totals:
            document["x-fhir-totals"] = patient.totals
        if patient.notices:
            document["x-fhir-notices"] = patient.notices
        return ImportedPatient(
            key, document, tuple(patient.notices), tuple(patient.sources), patient.refused
        )


def _default_link_ids(instrument: str, instruments: Mapping[str, Any]) -> dict[str, int]:
    """``item<n>``, ``<n>`` and the instrument's LOINC item codes (``/``-prefixed too)."""
    count = int(instruments[instrument].items)
    out = {f"item{n}": n for n in range(1, count + 1)} | {str(n): n for n in range(1, count + 1)}
    return out | codes().item_linkids(instrument)


def _answer_items(items: Any, path: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Every item with an answer, groups flattened, with its path."""
    for index, entry in enumerate(items if isinstance(items, list) else ()):
        place = f"{path}[{index}]"
        if entry.get("answer"):
            yield place, entry
        yield from _answer_items(entry.get("item", []), f"{place}.item")


def _date(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None

