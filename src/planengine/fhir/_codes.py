"""The code tables of ``fhir/data`` (LOINC, UCUM, local systems, Condition maps), read once, and
the small helpers that turn planengine's words into FHIR ``Coding``s and back."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

__all__ = [
    "ConditionMap",
    "FhirCodes",
    "codes",
    "condition_map",
    "content_id",
    "load_condition_map",
    "metric_code",
]

#: The namespace every deterministic resource id is derived in (uuid5 of the content key).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "http://example.org/planengine/fhir")


def metric_code(metric: str) -> str:
    """The code of a metric in planengine's ``metric`` system: its words, lower case, joined
    by hyphens (``planned activities per week`` -> ``planned-activities-per-week``)."""
    return "-".join(metric.lower().split())


def content_id(*parts: str) -> str:
    """A deterministic UUID (version 5) for a resource, from the strings that identify it."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def _read_yaml(name: str) -> Any:
    import yaml

    text = resources.files("planengine.fhir").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@attrs.frozen
class FhirCodes:
    """The LOINC codes, local code systems and UCUM units planengine uses (``codes.yaml``)."""

    systems: Mapping[str, str]
    loinc: Mapping[str, Mapping[str, Any]]
    units: Mapping[str, Mapping[str, str]]

    def system(self, name: str) -> str:
        """The URL of a code system by its short name (``loinc``, ``instrument``, ...)."""
        return self.systems[name]

    def total_coding(self, instrument: str, name: str) -> dict[str, str]:
        """The Coding of an instrument's total score: LOINC where shipped, else local."""
        entry = self.loinc.get(instrument, {}).get("total")
        if entry:
            return {"system": self.systems["loinc"], "code": entry["code"], "display": entry["display"]}
        return {
            "system": self.systems["instrument"],
            "code": f"{instrument}-total",
            "display": f"{name} total score",
        }

    def panel_coding(self, instrument: str, name: str) -> dict[str, str]:
        """The Coding of an instrument as a whole (its LOINC panel where shipped, else local)."""
        entry = self.loinc.get(instrument, {}).get("panel")
        if entry:
            return {"system": self.systems["loinc"], "code": entry["code"], "display": entry["display"]}
        return {"system": self.systems["instrument"], "code": instrument, "display": name}

    def item_coding(self, instrument: str, item: int) -> dict[str, str]:
        """The Coding of one item (1-based): LOINC where shipped, else local."""
        code = self.loinc.get(instrument, {}).get("items", {}).get(item)
        if code:
            return {"system": self.systems["loinc"], "code": str(code)}
        return {"system": self.systems["instrument"], "code": f"{instrument}-item{item}"}

    def questionnaire_url(self, instrument: str) -> str:
        """planengine's canonical URL of an instrument's Questionnaire."""
        return f"{self.systems['questionnaire']}/{instrument}"

    def instrument_of_code(self, system: str, code: str) -> tuple[str, str] | None:
        """``(instrument, "total" | "panel")`` for a total or panel code, else ``None``."""
        if system == self.systems["loinc"]:
            for instrument, entry in self.loinc.items():
                for kind in ("total", "panel"):
                    if entry.get(kind, {}).get("code") == code:
                        return instrument, kind
            return None
        if system == self.systems["instrument"]:
            if code.endswith("-total"):
                return code.removesuffix("-total"), "total"
            return code, "panel"
        return None

    def item_of_code(self, instrument: str, system: str, code: str) -> int | None:
        """The 1-based item an item code stands for in ``instrument``, else ``None``."""
        if system == self.systems["loinc"]:
            for item, item_code in self.loinc.get(instrument, {}).get("items", {}).items():
                if str(item_code) == code:
                    return int(item)
            return None
        match = re.fullmatch(re.escape(instrument) + r"-item(\d+)", code)
        return int(match.group(1)) if system == self.systems["instrument"] and match else None

    def item_linkids(self, instrument: str) -> dict[str, int]:
        """LOINC item codes as linkIds (``"44250-9"`` and ``"/44250-9"``) -> item number."""
        out: dict[str, int] = {}
        for item, code in self.loinc.get(instrument, {}).get("items", {}).items():
            out[str(code)] = out["/" + str(code)] = int(item)
        return out

    def answer_value(self, instrument: str, code: str) -> int | None:
        """The value of a LOINC answer code (``LA6570-1`` -> 2) in ``instrument``'s list."""
        value = self.loinc.get(instrument, {}).get("answers", {}).get(code)
        return None if value is None else int(value)

    def quantity(self, value: float | int, unit: str) -> dict[str, Any]:
        """A FHIR Quantity in UCUM where the unit is listed, else with the unit as text only."""
        entry = self.units.get(unit)
        if entry is None:
            return {"value": value, "unit": unit}
        return {
            "value": value,
            "unit": entry["display"],
            "system": self.systems["ucum"],
            "code": entry["code"],
        }


@functools.lru_cache(maxsize=1)
def codes() -> FhirCodes:
    """The shipped code tables (read on first use, then cached)."""
    data = _read_yaml("codes.yaml")
    return FhirCodes(systems=data["systems"], loinc=data["loinc"], units=data["units"])


@attrs.frozen
class ConditionMap:
    """SNOMED CT codes and ICD-10 category prefixes -> a vocabulary condition or concern."""

    snomed: Mapping[str, Mapping[str, str]]
    icd10: Mapping[str, Mapping[str, str]]

    def lookup(self, system: str, code: str) -> tuple[str, str] | None:
        """``("condition" | "concern", id)`` for a code, or ``None`` when unmapped."""
        entry: Mapping[str, str] | None = None
        if system == codes().system("snomed"):
            entry = self.snomed.get(code)
        elif system in (codes().system("icd10"), "http://hl7.org/fhir/sid/icd-10-cm"):
            bare = code.replace(".", "").upper()
            # the longest matching category prefix wins (F41.1 over F41)
            for prefix in sorted(self.icd10, key=len, reverse=True):
                if bare.startswith(prefix):
                    entry = self.icd10[prefix]
                    break
        elif system == codes().system("condition"):
            return "condition", code
        elif system == codes().system("area"):
            return "concern", code
        if entry is None:
            return None
        if "condition" in entry:
            return "condition", entry["condition"]
        return "concern", entry["concern"]


def load_condition_map(data: Mapping[str, Any] | None = None) -> ConditionMap:
    """A Condition map from parsed data (a clinic's own file), or the shipped one."""
    if data is None:
        return condition_map()
    return ConditionMap(
        snomed={str(k): v for k, v in (data.get("snomed") or {}).items()},
        icd10={str(k).replace(".", "").upper(): v for k, v in (data.get("icd10") or {}).items()},
    )


@functools.lru_cache(maxsize=1)
def condition_map() -> ConditionMap:
    """The shipped Condition map (``conditions.yaml``)."""
    return load_condition_map(_read_yaml("conditions.yaml"))
