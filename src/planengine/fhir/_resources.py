"""Shared pieces of the resources planengine writes: deterministic ids and references, the
patient reference, transaction entries, codings of the HL7 terminology systems used."""

from __future__ import annotations

import re
from typing import Any

import attrs

from planengine.fhir._codes import codes, content_id

__all__ = [
    "HL7",
    "IDENTIFIER_SYSTEM",
    "Builder",
    "coding",
    "patient_id_of",
    "subject_reference",
]

#: identifier system of a resource identified by its own URN (RFC 3986): the uuid5 of its content
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"

#: HL7 terminology code systems ([R4-Goal], checked in the FHIR.js R4 value sets)
HL7 = {
    "observation-category": "http://terminology.hl7.org/CodeSystem/observation-category",
    "condition-category": "http://terminology.hl7.org/CodeSystem/condition-category",
    "condition-clinical": "http://terminology.hl7.org/CodeSystem/condition-clinical",
    "condition-ver-status": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
    "goal-achievement": "http://terminology.hl7.org/CodeSystem/goal-achievement",
    "goal-category": "http://terminology.hl7.org/CodeSystem/goal-category",
    "flag-category": "http://terminology.hl7.org/CodeSystem/flag-category",
    "data-absent-reason": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
    "provenance-participant-type": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
    "confidentiality": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
}

_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def coding(system_name: str, code: str, display: str | None = None) -> dict[str, str]:
    """A Coding in one of :data:`HL7`'s systems (or planengine's own, by short name)."""
    system = HL7.get(system_name) or codes().system(system_name)
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def subject_reference(patient_id: str | None) -> dict[str, Any]:
    """The reference to the patient: ``Patient/<id>`` when the id is a FHIR id, else by
    identifier; a plan without a patient id names no one (``display`` only)."""
    if patient_id is None:
        return {"display": "patient not identified in the assessment"}
    if _FHIR_ID.fullmatch(patient_id):
        return {"reference": f"Patient/{patient_id}"}
    return {"identifier": {"value": patient_id}}


def patient_id_of(reference: Any) -> str | None:
    """The patient id a ``subject`` reference names (``Patient/x`` or an identifier), else None."""
    if not isinstance(reference, dict):
        return None
    literal = reference.get("reference")
    if isinstance(literal, str) and "Patient/" in literal:
        return literal.rsplit("Patient/", 1)[1].split("/_history")[0] or None
    identifier = reference.get("identifier")
    if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
        return str(identifier["value"])
    return None


@attrs.define
class Builder:
    """Collects the entries of one transaction Bundle, with ids derived from ``key`` parts."""

    key: tuple[str, ...]
    #: ``False`` for a ``collection`` Bundle, whose entries carry no request (bdl-3)
    transaction: bool = True
    entries: list[dict[str, Any]] = attrs.Factory(list)

    def id_for(self, *parts: str) -> str:
        """The deterministic id of the resource named by ``parts`` within this bundle."""
        return content_id(*self.key, *parts)

    def ref(self, *parts: str) -> dict[str, str]:
        """A reference to the resource named by ``parts`` (its ``urn:uuid`` full URL)."""
        return {"reference": f"urn:uuid:{self.id_for(*parts)}"}

    def add(self, resource: dict[str, Any], *parts: str, identified: bool = True) -> None:
        """Add ``resource`` as a conditional create: re-sending the Bundle creates nothing twice."""
        rid = self.id_for(*parts)
        entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{rid}"}
        request: dict[str, str] = {"method": "POST", "url": resource["resourceType"]}
        if identified:
            identifier = {"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{rid}"}
            # 0..1 on a QuestionnaireResponse, 0..* elsewhere
            single = resource["resourceType"] == "QuestionnaireResponse"
            resource["identifier"] = identifier if single else [identifier]
            request["ifNoneExist"] = f"identifier={IDENTIFIER_SYSTEM}|urn:uuid:{rid}"
        entry["resource"] = resource
        if self.transaction:
            entry["request"] = request
        self.entries.append(entry)

    def bundle(self) -> dict[str, Any]:
        """The finished Bundle (its id derived from the same key)."""
        return {
            "resourceType": "Bundle",
            "id": self.id_for("Bundle"),
            "type": "transaction" if self.transaction else "collection",
            "entry": self.entries,
        }
