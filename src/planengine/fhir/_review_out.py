"""A review as a FHIR R4 transaction Bundle of Goal updates (docs/fhir.md, "Review").

* Each reviewed Goal is sent back whole (``PUT``): ``achievementStatus`` is the review's verdict
  (the R4 goal-achievement code), a ``note`` says the verdict, the rule that chose it, the reason
  and the suggestions *for the clinician to decide*. ``lifecycleStatus`` is left as it is: a
  review never closes, completes or cancels a goal; a clinician does.
* A Goal read from the FHIR server (it has an ``id``) is updated at ``Goal/<id>``, with
  ``ifMatch`` on its version when known (the update fails rather than overwrite a clinician's
  edit made since); a Goal from the plan's own Bundle by a conditional update on the identifier
  the export gave it.
* Each risk flag of the review is a ``Flag`` (a conditional create: sending the Bundle twice
  creates it once); a risk signal in the progress (PHQ-9 item 9 above 0) is never only a note.
* One ``Provenance`` names planengine as its author, the review date, and the Observations the
  progress came from.

Same review (same input and ``as_of``), same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from planengine.fhir._codes import content_id
from planengine.fhir._export import flag_resource
from planengine.fhir._read import Located
from planengine.fhir._resources import HL7, IDENTIFIER_SYSTEM, coding, subject_reference
from planengine.fhir._review_in import FhirGoalReview

__all__ = ["review_to_fhir_bundle"]

_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
    "sustaining": "Sustaining",
    "not-achieved": "Not Achieved",
    "no-progress": "No Progress",
    "not-attainable": "Not Attainable",
}


def review_to_fhir_bundle(results: Iterable[FhirGoalReview]) -> dict[str, Any]:
    """The reviews as one FHIR R4 ``transaction`` Bundle of updates (a JSON-ready dict).

    :param results: from :meth:`planengine.fhir.ReviewInput.review`; every reviewed goal needs
        the FHIR Goal it came from.
    :raises InputError: when a reviewed goal has no FHIR Goal to update (a goal file's goals:
        review the Goals the plan export wrote, or read back from the server).
    """
    from planengine._errors import InputError
    from planengine._version import __version__

    entries: list[dict[str, Any]] = []
    key: list[str] = []
    for result in results:
        review = result.review
        day = review.as_of.isoformat()
        scope = ("review", str(review.patient_id), day)
        key.append("\x1f".join(scope))
        targets: list[dict[str, str]] = []
        for goal in review.goals:
            resource = result.goals.get(goal.goal_id)
            if resource is None:
                raise InputError(
                    f"goal {goal.goal_id!r} has no FHIR Goal to update: review the Goals the "
                    "plan's Bundle (or the FHIR server) holds, not a goal file, for --format fhir",
                    file=review.file,
                )
            full_url = f"urn:uuid:{content_id(*scope, 'Goal', goal.goal_id)}"
            entries.append(_goal_entry(resource, goal, day, full_url, __version__))
            targets.append({"reference": full_url})
        subject = subject_reference(review.patient_id)
        for flag in review.risk_flags:
            data = flag.to_dict()
            rid = content_id(
                "review-flag",
                str(review.patient_id),
                flag.kind,
                str(flag.instrument),
                str(flag.item),
                data["observed_on"],
            )
            resource = flag_resource(data, subject, day)
            resource["identifier"] = [{"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{rid}"}]
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{rid}",
                    "resource": resource,
                    "request": {
                        "method": "POST",
                        "url": "Flag",
                        "ifNoneExist": f"identifier={IDENTIFIER_SYSTEM}|urn:uuid:{rid}",
                    },
                }
            )
            targets.append({"reference": f"urn:uuid:{rid}"})
        if targets:
            entries.append(_provenance(scope, targets, day, result.observations, __version__))
    return {
        "resourceType": "Bundle",
        "id": content_id("review-bundle", *key),
        "type": "transaction",
        "entry": entries,
    }


def _goal_entry(
    resource: Mapping[str, Any], goal: Any, day: str, full_url: str, version: str
) -> dict[str, Any]:
    updated = json.loads(json.dumps(resource))  # a copy; the input is never changed
    status = goal.status
    updated["achievementStatus"] = {
        "coding": [
            {
                "system": HL7["goal-achievement"],
                "code": status.code,
                "display": _DISPLAY[status.code],
            }
        ],
        "text": f"{_DISPLAY[status.code]} (planengine review on {day}, draft: a clinician confirms)",
    }
    author = f"planengine {version} (draft review; a clinician confirms it)"
    notes = [
        n
        for n in updated.get("note", ())
        if not (
            isinstance(n, Mapping)
            and n.get("authorString", "").startswith("planengine")
            and n.get("time", "").startswith(day)
        )
    ]
    notes.append(
        {"authorString": author, "time": f"{day}T00:00:00Z", "text": _note_text(goal, day)}
    )
    updated["note"] = notes
    meta = updated.get("meta")
    request: dict[str, str] = {"method": "PUT"}
    if isinstance(meta, Mapping):
        version_id = meta.get("versionId")
        if isinstance(version_id, str):
            request["ifMatch"] = f'W/"{version_id}"'
        updated["meta"] = {k: v for k, v in meta.items() if k not in ("versionId", "lastUpdated")}
        if not updated["meta"]:
            del updated["meta"]
    if isinstance(updated.get("id"), str):
        request["url"] = f"Goal/{updated['id']}"
    else:
        own = [
            i.get("value")
            for i in updated.get("identifier", ())
            if isinstance(i, Mapping) and i.get("system") == IDENTIFIER_SYSTEM
        ]
        if not own:
            from planengine._errors import InputError

            raise InputError(
                f"goal {goal.goal_id!r}: its FHIR Goal has neither an id nor planengine's identifier"
            )
        request["url"] = f"Goal?identifier={IDENTIFIER_SYSTEM}|{own[0]}"
    return {"fullUrl": full_url, "resource": updated, "request": request}


def _note_text(goal: Any, day: str) -> str:
    status = goal.status
    parts = [f"Review on {day}: {status.code} ({status.rule}): {status.reason.rstrip('.')}."]
    if goal.trajectory.position != "unknown":
        parts.append(f"Trajectory: {goal.trajectory.position}.")
    parts += [f"Needs attention: {reason.rstrip('.')}." for reason in goal.attention]
    for suggestion in goal.suggestions:
        parts.append(
            f"Suggested ({suggestion.action}, for the clinician to decide): {suggestion.reason}"
        )
    parts.append("The goal's lifecycle status is left to the clinician.")
    return " ".join(p.rstrip() for p in parts)


def _provenance(
    scope: tuple[str, ...],
    targets: list[dict[str, str]],
    day: str,
    observations: Iterable[Located],
    version: str,
) -> dict[str, Any]:
    entities: list[dict[str, Any]] = []
    for item in observations:
        rid = item.resource.get("id")
        if isinstance(rid, str):
            what: dict[str, Any] = {"reference": f"Observation/{rid}"}
        else:
            what = {
                "display": f"Observation at {item.file or 'input'}{'' if item.line is None else f':{item.line}'} {item.path}"
            }
        if {"role": "source", "what": what} not in entities:
            entities.append({"role": "source", "what": what})
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": targets,
        "recorded": f"{day}T00:00:00Z",
        "activity": {"text": "planengine progress review (draft decision support)"},
        "agent": [
            {
                "type": {"coding": [coding("provenance-participant-type", "author", "Author")]},
                "who": {"display": f"planengine {version} review"},
            }
        ],
    }
    if entities:
        resource["entity"] = entities
    rid = content_id(*scope, "Provenance")
    return {
        "fullUrl": f"urn:uuid:{rid}",
        "resource": resource,
        "request": {"method": "POST", "url": "Provenance"},
    }
