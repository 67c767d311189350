"""A synthetic cohort as a FHIR Bulk Data export (NDJSON per resource type), for demos, tests
and the bench: repeatable from its seed, written one patient at a time (any size, bounded memory).

Each patient has a Patient resource, PHQ-9, GAD-7 and ISI responses (QuestionnaireResponses with
LOINC linkIds, written by :func:`planengine.fhir.assessment_to_fhir`) at one to three visits a
fortnight apart, sometimes a documented concern and a goal in their own words.

The answer distributions are **design values for testing, not published score distributions**:
each patient draws a severity (``SEVERITY_WEIGHTS``) and each item is that severity give or take
one; PHQ-9 item 9 is endorsed at a visit with probability ``ITEM9_SHARE``. They make a cohort
whose plans differ and whose flags are known; they say nothing about any real population.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from typing import Any

import attrs
import orjson

__all__ = ["SynthStats", "write_synthetic_cohort"]

#: minimal, mild, moderate, severe: the share of patients at each (design values, not sourced)
SEVERITY_WEIGHTS = (0.35, 0.30, 0.20, 0.15)
#: the chance that a PHQ-9 at one visit has item 9 above 0 (a design value, not sourced)
ITEM9_SHARE = 0.08
_INSTRUMENTS = {"phq9": (9, 3), "gad7": (7, 3), "isi": (7, 4)}
_CONCERNS = ("self-esteem", "assertiveness", "relationships", "lifestyle")
_GOALS = (
    "I want to sleep through the night",
    "Stop beating myself up over every mistake",
    "Get back to seeing my friends",
    "Feel calmer at work",
)
_TYPES = ("Patient", "QuestionnaireResponse", "Condition", "Goal")


@attrs.frozen
class SynthStats:
    """What was written: patients, resources by type, and the patients whose latest PHQ-9 or
    any PHQ-9 endorsed item 9 (``patients_item9``), for tests that count flags independently."""

    patients: int
    resources: dict[str, int]
    patients_item9: int


def write_synthetic_cohort(
    folder: str, patients: int, *, seed: int = 0, as_of: dt.date
) -> SynthStats:
    """Write ``patients`` synthetic patients into ``folder`` as ``<Type>.ndjson`` files.

    :param as_of: the last visit's date; earlier visits are a fortnight apart before it.
    """
    from planengine.fhir._assessment_out import assessment_to_fhir
    from planengine.instruments._data_files import load_builtin_instruments
    from planengine.io._assessment import assessment_from_mapping

    instruments = load_builtin_instruments()
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(seed)
    counts = dict.fromkeys(_TYPES, 0)
    endorsed = 0
    outs = {kind: open(os.path.join(folder, f"{kind}.ndjson"), "wb") for kind in _TYPES}  # noqa: SIM115
    try:
        for number in range(patients):
            document = _patient_document(rng, f"syn-{seed}-{number:07d}", as_of)
            endorsed += any(
                r["instrument"] == "phq9" and r["answers"][8] > 0 for r in document["responses"]
            )
            assessment = assessment_from_mapping(document, instruments=instruments)
            bundle = assessment_to_fhir(assessment, instruments=instruments)
            for entry in bundle["entry"]:
                resource = entry["resource"]
                kind = resource["resourceType"]
                outs[kind].write(orjson.dumps(resource) + b"\n")
                counts[kind] += 1
    finally:
        for out in outs.values():
            out.close()
    return SynthStats(patients, counts, endorsed)


def _patient_document(rng: random.Random, patient: str, as_of: dt.date) -> dict[str, Any]:
    severity = rng.choices(range(4), weights=SEVERITY_WEIGHTS)[0]
    visits = rng.randint(1, 3)
    responses = []
    for visit in range(visits):
        date = (as_of - dt.timedelta(days=14 * (visits - 1 - visit))).isoformat()
        level = max(0, severity - (visit if rng.random() < 0.5 else 0))  # some improve over time
        for instrument, (items, top) in _INSTRUMENTS.items():
            answers = [min(top, max(0, level + rng.choice((-1, 0, 0, 1)))) for _ in range(items)]
            if instrument == "phq9":
                answers[8] = rng.choice((1, 1, 2, 3)) if rng.random() < ITEM9_SHARE else 0
            responses.append({"instrument": instrument, "date": date, "answers": answers})
    context: dict[str, Any] = {"concerns": [], "conditions": [], "patient_goals": []}
    if rng.random() < 0.3:
        context["concerns"] = [rng.choice(_CONCERNS)]
    if rng.random() < 0.5:
        context["patient_goals"] = [rng.choice(_GOALS)]
    context["sex"] = rng.choice(("female", "male"))
    return {"planengine": 1, "patient": {"id": patient}, "responses": responses, "context": context}
