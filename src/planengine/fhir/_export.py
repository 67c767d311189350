"""A plan as a FHIR R4 transaction Bundle: a draft CarePlan, a provisional Condition per problem,
a proposed Goal per objective, an Observation per instrument total, a Flag per risk flag, and
Provenance. Same plan (same input and ``as_of``), same bytes: every id is a uuid5 of content."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from planengine.fhir._codes import codes, metric_code
from planengine.fhir._goals import goal_review_extension
from planengine.fhir._resources import Builder, coding, subject_reference

if TYPE_CHECKING:  # pragma: no cover
    from planengine._model import Assessment, Plan

__all__ = ["bundle_to_json", "flag_resource", "plan_to_fhir_bundle"]

_COMPARATORS = frozenset({"<", "<=", ">=", ">"})
_PERIOD_UNITS = {"day": "d", "week": "wk", "month": "mo", "year": "a"}
_EXT = "http://example.org/planengine/StructureDefinition/"


def plan_to_fhir_bundle(
    plan: Plan,
    *,
    assessment: Assessment | None = None,
    instruments: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The plan as a FHIR R4 transaction Bundle (a JSON-ready dict).

    :param assessment: the assessment the plan was made from: each total's Observation then
        carries the item answers as components, so that importing the Bundle again gives the
        same responses (without it, only totals are written).
    :param instruments: instrument id -> :class:`planengine.Instrument` (default: the built-in
        ones), for display names.
    """
    if instruments is None:
        from planengine.instruments._data_files import load_builtin_instruments

        instruments = load_builtin_instruments()
    data = plan.to_dict()
    builder = Builder((data["generated_by"]["input_sha256"], data["as_of"]))
    subject = subject_reference(plan.patient_id)
    names = {key: getattr(value, "name", key) for key, value in instruments.items()}
    responses = assessment.responses if assessment is not None else ()
    for index, score in enumerate(data["scores"]):
        answers = _answers_for(score, responses, instruments)
        builder.add(_observation(score, subject, names, answers), "Observation", str(index))
    for flag in data["risk"]["flags"]:
        builder.add(flag_resource(flag, subject, data["as_of"]), "Flag", flag["id"])
    score_index = {score["source"]: i for i, score in enumerate(data["scores"])}
    findings = {finding["id"]: finding for finding in data["findings"]}
    for problem in data["problems"]:
        evidence = _evidence(problem, findings, score_index, builder)
        builder.add(_condition(problem, subject, data["as_of"], evidence), "Condition", problem["id"])
        for objective in problem["objectives"]:
            baseline = _baseline_ref(objective, data["scores"], builder)
            goal = _goal(objective, problem, subject, builder, names, baseline)
            builder.add(goal, "Goal", objective["id"])
    builder.add(_care_plan(data, subject, builder), "CarePlan")
    _add_provenance(builder, data)
    return builder.bundle()


def bundle_to_json(bundle: Mapping[str, Any]) -> str:
    """Deterministic JSON text of a Bundle (2-space indent, characters kept, final newline)."""
    return json.dumps(bundle, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _tags(provenance: Mapping[str, Any]) -> dict[str, Any]:
    """``meta.tag``: the rule or plugin that made the element, and its strategy."""
    tags = [coding("provenance", provenance["source"])]
    if provenance.get("strategy"):
        tags.append(coding("provenance", f"strategy:{provenance['strategy']}"))
    tags.extend(coding("provenance", f"adjusted-by:{a}") for a in provenance.get("adjusted_by", ()))
    return {"tag": tags}


def _answers_for(
    score: Mapping[str, Any], responses: Sequence[Any], instruments: Mapping[str, Any]
) -> list[int | None] | None:
    """The item answers of the response a score came from, in item order, when known."""
    source = str(score.get("source", ""))
    if not source.startswith("$.responses[") or not responses:
        return None
    index = int(source.removeprefix("$.responses[").rstrip("]"))
    if index >= len(responses):
        return None
    given = responses[index].answers
    if not isinstance(given, Mapping):
        return list(given)
    count = getattr(instruments.get(score["instrument"]), "items", None) or max(
        (_item_number(k) for k in given), default=0
    )
    ordered: list[int | None] = [None] * count
    for key, value in given.items():
        ordered[_item_number(key) - 1] = value
    return ordered


def _item_number(key: Any) -> int:
    return int(str(key).removeprefix("item"))


def _observation(
    score: Mapping[str, Any],
    subject: dict[str, Any],
    names: Mapping[str, str],
    answers: list[int | None] | None,
) -> dict[str, Any]:
    instrument = score["instrument"]
    name = names.get(instrument, instrument)
    table = codes()
    out: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"tag": [coding("provenance", f"rule:{instrument}.score")]},
        "status": "final",
        "category": [{"coding": [coding("observation-category", "survey", "Survey")]}],
        "code": {"coding": [table.total_coding(instrument, name)], "text": f"{name} total score"},
        "subject": subject,
        "effectiveDateTime": score["date"],
    }
    if score["total"] is not None:
        out["valueQuantity"] = table.quantity(score["total"], "{score}")
    else:
        out["dataAbsentReason"] = {"coding": [coding("data-absent-reason", "unknown", "Unknown")]}
        missing = ", ".join(str(i) for i in score.get("missing_items", ()))
        out["note"] = [{"text": f"No total: item(s) {missing} unanswered."}]
    if score.get("band"):
        out["interpretation"] = [
            {
                "coding": [coding("band", f"{instrument}.{score['band']}", score["band"])],
                "text": f"{name} {score['band']}",
            }
        ]
    if answers is not None:
        out["component"] = [_component(instrument, item, value) for item, value in enumerate(answers, 1)]
    return out


def _component(instrument: str, item: int, value: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"code": {"coding": [codes().item_coding(instrument, item)]}}
    if value is None:
        out["dataAbsentReason"] = {"coding": [coding("data-absent-reason", "unknown", "Unknown")]}
    else:
        out["valueInteger"] = value
    return out


def flag_resource(flag: Mapping[str, Any], subject: dict[str, Any], as_of: str) -> dict[str, Any]:
    """A risk flag as a FHIR Flag: active until a clinician closes it (docs/fhir.md says why a
    Flag and not a DetectedIssue)."""
    meta: dict[str, Any] = _tags(flag["provenance"])
    if flag.get("private"):
        # never on a copy the patient takes home: restricted in the record too
        meta["security"] = [coding("confidentiality", "R", "restricted")]
    return {
        "resourceType": "Flag",
        "meta": meta,
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/flag-priority",
                "valueCodeableConcept": {
                    "coding": [{"system": "http://hl7.org/fhir/flagpriority-code", "code": "PH"}],
                    "text": "high priority: clinician review today",
                },
            }
        ],
        "status": "active" if flag["status"] != "dispositioned" else "inactive",
        "category": [{"coding": [coding("flag-category", "safety", "Safety")]}],
        "code": {"coding": [coding("risk", flag["kind"], flag["kind"])], "text": flag["message"]},
        "subject": subject,
        "period": {"start": flag["observed_on"]},
        "author": {"display": "planengine (draft decision support; only a clinician closes it)"},
    }


def _evidence(
    problem: Mapping[str, Any],
    findings: Mapping[str, Mapping[str, Any]],
    score_index: Mapping[str, int],
    builder: Builder,
) -> list[dict[str, Any]]:
    """References to the total Observations the problem's findings rest on."""
    refs: list[dict[str, Any]] = []
    for finding_id in problem["evidence"]:
        for source in findings.get(finding_id, {}).get("provenance", {}).get("inputs", ()):
            response = str(source).split(".answers")[0]
            if response in score_index:
                ref = builder.ref("Observation", str(score_index[response]))
                if ref not in refs:
                    refs.append(ref)
    return refs


def _condition(
    problem: Mapping[str, Any], subject: dict[str, Any], as_of: str, evidence: list[dict[str, Any]]
) -> dict[str, Any]:
    """A problem as a provisional problem-list Condition (a screen is not a diagnosis)."""
    out: dict[str, Any] = {
        "resourceType": "Condition",
        "meta": {"tag": [coding("provenance", "rule:plan.problem")]},
        "clinicalStatus": {"coding": [coding("condition-clinical", "active", "Active")]},
        "verificationStatus": {
            "coding": [coding("condition-ver-status", "provisional", "Provisional")]
        },
        "category": [
            {"coding": [coding("condition-category", "problem-list-item", "Problem List Item")]}
        ],
        "code": {"coding": [coding("area", problem["area"], problem["title"])], "text": problem["title"]},
        "subject": subject,
        "recordedDate": as_of,
    }
    if evidence:
        out["evidence"] = [{"detail": evidence}]
    notes = [f"Priority {problem['priority']}, phase {problem['phase']}."]
    if problem.get("long_term_goal"):
        notes.append(f"Long-term goal: {problem['long_term_goal']}")
    out["note"] = [{"text": text} for text in notes]
    return out


def _baseline_ref(
    objective: Mapping[str, Any], scores: Sequence[Mapping[str, Any]], builder: Builder
) -> dict[str, str] | None:
    """The Observation of the objective's instrument baseline, when it is one of the scores."""
    measure = objective["measure"]
    baseline = measure.get("baseline", {})
    for index, score in enumerate(scores):
        if (
            measure.get("instrument") == score["instrument"]
            and baseline.get("date") == score["date"]
            and baseline.get("value") == score["total"]
        ):
            return builder.ref("Observation", str(index))
    return None


def _goal(
    objective: Mapping[str, Any],
    problem: Mapping[str, Any],
    subject: dict[str, Any],
    builder: Builder,
    names: Mapping[str, str],
    baseline_ref: dict[str, str] | None,
) -> dict[str, Any]:
    measure = objective["measure"]
    table = codes()
    instrument = measure.get("instrument")
    if instrument and not measure.get("metric"):
        name = names.get(instrument, instrument)
        measure_code = {"coding": [table.total_coding(instrument, name)], "text": measure["unit"]}
        unit = "{score}"
    else:
        metric = measure.get("metric") or measure["unit"]
        measure_code = {"coding": [coding("metric", metric_code(metric), metric)], "text": metric}
        unit = measure["unit"]
    detail = table.quantity(measure["target"]["value"], unit)
    if measure["target"]["comparator"] in _COMPARATORS:
        detail["comparator"] = measure["target"]["comparator"]
    addresses = [builder.ref("Condition", problem["id"])]
    if baseline_ref is not None:
        addresses.append(baseline_ref)
    baseline = measure["baseline"]
    if baseline.get("value") is not None:
        baseline_text = f"Baseline {baseline['value']} ({measure['unit']}) on {baseline.get('date')}."
    else:
        baseline_text = f"Baseline pending: {baseline.get('pending')}, by {baseline.get('by')}."
    notes = [baseline_text, f"Measured by: {measure['method']}."]
    notes += [f"Rationale: {objective['rationale']}"] if objective.get("rationale") else []
    notes += list(objective.get("notes", ()))
    category = "safety" if problem["area"] == "safety" else "behavioral"
    return {
        "resourceType": "Goal",
        "meta": _tags(objective["provenance"]),
        # what the review reads back and R4's Goal has no element for (fhir/_goals.py)
        "extension": [goal_review_extension(objective, unit)],
        "lifecycleStatus": "proposed",
        "category": [
            {"coding": [coding("goal-category", category)]},
            {"coding": [coding("area", problem["area"], problem["title"])]},
        ],
        "description": {"text": objective["statement"]},
        "subject": subject,
        "startDate": objective["start_date"],
        "target": [_target(objective, measure_code, detail)],
        "statusDate": objective["start_date"],
        "addresses": addresses,
        "note": [{"text": text} for text in notes],
    }


def _target(
    objective: Mapping[str, Any], measure: dict[str, Any], detail: dict[str, Any]
) -> dict[str, Any]:
    """A Goal's target: its measure, its detail and its due date, except for a goal whose
    condition can only be met after this visit (``due_after_condition_days``): its plan date is
    not a deadline, so it has no ``dueDate`` and the goal's extension gives the days after the
    condition instead (an EHR would otherwise list a safety plan that may never apply as due
    today)."""
    target: dict[str, Any] = {"measure": measure, "detailQuantity": detail}
    if objective.get("due_after_condition_days") is None:
        target["dueDate"] = objective["due_date"]
    return target


def _care_plan(data: Mapping[str, Any], subject: dict[str, Any], builder: Builder) -> dict[str, Any]:
    activities: list[dict[str, Any]] = []
    goals: list[dict[str, str]] = []
    for problem in data["problems"]:
        goals += [builder.ref("Goal", o["id"]) for o in problem["objectives"]]
        for step in problem["interventions"]:
            activities.append({"detail": _activity_detail(step, problem, builder)})
    notes = [data["sign_off"]["note"], data["risk"]["statement"]]
    notes += [f"Open risk flag: {flag['message']}" for flag in data["risk"]["flags"]]
    out: dict[str, Any] = {
        "resourceType": "CarePlan",
        "meta": {"tag": [coding("provenance", f"planengine@{data['generated_by']['version']}")]},
        "status": "draft",
        "intent": "proposal",
        "title": "Draft treatment plan",
        "description": "Draft decision support from planengine: a licensed clinician reviews, "
        "edits and signs it before it is used.",
        "subject": subject,
        "period": {"start": data["as_of"]},
        "created": data["as_of"],
        "author": {"display": f"planengine {data['generated_by']['version']} (draft)"},
        "addresses": [builder.ref("Condition", p["id"]) for p in data["problems"]],
        "goal": goals,
        "note": [{"text": text} for text in notes],
    }
    if activities:
        out["activity"] = activities
    return out


def _activity_detail(
    step: Mapping[str, Any], problem: Mapping[str, Any], builder: Builder
) -> dict[str, Any]:
    """One intervention as an inline activity detail (R4): held steps are on hold."""
    extensions = [
        {"url": _EXT + "phase", "valueCode": step["phase"]},
        {"url": _EXT + "delivery", "valueCode": step["delivery"]},
    ]
    out: dict[str, Any] = {
        "extension": extensions,
        "code": {"coding": [coding("metric", f"intervention:{step['id']}", step["title"])], "text": step["title"]},
        "reasonReference": [builder.ref("Condition", problem["id"])],
        "goal": [builder.ref("Goal", o) for o in step.get("objectives", ())],
        "status": "on-hold" if step["status"] == "held" else "not-started",
        "description": step["description"],
    }
    if step.get("notes"):
        out["statusReason"] = {"text": " ".join(step["notes"])}
    if not out["goal"]:
        del out["goal"]
    timing = _timing(step)
    if timing:
        out["scheduledTiming"] = {"repeat": timing}
    return out


def _timing(step: Mapping[str, Any]) -> dict[str, Any]:
    repeat: dict[str, Any] = {}
    frequency = step.get("frequency") or {}
    if frequency.get("times") and frequency.get("per") in _PERIOD_UNITS:
        repeat |= {"frequency": frequency["times"], "period": 1, "periodUnit": _PERIOD_UNITS[frequency["per"]]}
    minutes = step.get("duration_minutes") or frequency.get("duration_minutes")
    if minutes:
        repeat |= {"duration": minutes, "durationUnit": "min"}
    if step.get("course_weeks"):
        weeks = step["course_weeks"]
        repeat["boundsDuration"] = {"value": weeks, "unit": "wk", "system": codes().system("ucum"), "code": "wk"}
    return repeat


def _add_provenance(builder: Builder, data: Mapping[str, Any]) -> None:
    """One Provenance per distinct maker and inputs, targeting what that maker made."""
    groups: dict[str, tuple[Mapping[str, Any], list[dict[str, str]]]] = {}

    def record(provenance: Mapping[str, Any], ref: dict[str, str]) -> None:
        key = json.dumps(provenance, sort_keys=True)
        groups.setdefault(key, (provenance, []))[1].append(ref)

    for index, score in enumerate(data["scores"]):
        made = {"source": f"rule:{score['instrument']}.score", "inputs": [score["source"]]}
        record(made, builder.ref("Observation", str(index)))
    for flag in data["risk"]["flags"]:
        record(flag["provenance"], builder.ref("Flag", flag["id"]))
    record({"source": "rule:plan.assembly", "inputs": []}, builder.ref("CarePlan"))
    for problem in data["problems"]:
        record({"source": "rule:plan.problem", "inputs": list(problem["evidence"])}, builder.ref("Condition", problem["id"]))
        for objective in problem["objectives"]:
            record(objective["provenance"], builder.ref("Goal", objective["id"]))
    engine = f"planengine {data['generated_by']['version']}"
    for key, (provenance, targets) in groups.items():
        entities = [
            {"role": "source", "what": {"display": f"assessment sha256:{data['generated_by']['input_sha256']} {path}"}}
            for path in provenance.get("inputs", ())
        ]
        resource: dict[str, Any] = {
            "resourceType": "Provenance",
            "target": targets,
            "recorded": f"{data['as_of']}T00:00:00Z",
            "agent": [
                {
                    "type": {"coding": [coding("provenance-participant-type", "assembler", "Assembler")]},
                    "who": {"display": engine},
                },
                {
                    "type": {"coding": [coding("provenance-participant-type", "author", "Author")]},
                    "who": {"display": provenance["source"]},
                },
            ],
        }
        if entities:
            resource["entity"] = entities
        builder.add(resource, "Provenance", key, identified=False)
