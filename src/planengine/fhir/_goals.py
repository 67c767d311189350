"""A planengine Goal and the goal file's goal entry, both ways.

The plan export writes what the review needs and R4's Goal has no element for into one
extension (:data:`GOAL_EXTENSION`): the objective id, the baseline (value and date, or pending
and by when), the review interval, the phase and whether its steps are held. The problem area is
a second ``category`` coding (planengine's ``area`` system). Everything else is read from Goal
elements: ``description``, ``target.measure``, ``target.detailQuantity``, ``target.dueDate``,
``startDate``. docs/fhir.md lists the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planengine.fhir._codes import codes
from planengine.fhir._read import Located

__all__ = ["GOAL_EXTENSION", "goal_entry_from_fhir", "goal_review_extension", "objective_id_of"]

#: the extension on a planengine Goal carrying what the review reads and R4's Goal has no
#: element for (docs/fhir.md)
GOAL_EXTENSION = "http://example.org/planengine/StructureDefinition/goal-review"


def goal_review_extension(objective: Mapping[str, Any], unit: str) -> dict[str, Any]:
    """The :data:`GOAL_EXTENSION` of an objective (its plan JSON form)."""
    baseline = objective["measure"].get("baseline") or {}
    parts: list[dict[str, Any]] = [{"url": "objective", "valueString": objective["id"]}]
    if baseline.get("value") is not None:
        parts.append(
            {"url": "baseline", "valueQuantity": codes().quantity(baseline["value"], unit)}
        )
        if baseline.get("date"):
            parts.append({"url": "baselineDate", "valueDate": baseline["date"]})
    elif baseline.get("pending"):
        parts.append({"url": "baselinePending", "valueString": baseline["pending"]})
        if baseline.get("by"):
            parts.append({"url": "baselineBy", "valueDate": baseline["by"]})
    if objective.get("review_interval_days"):
        parts.append(
            {"url": "reviewIntervalDays", "valueInteger": objective["review_interval_days"]}
        )
    parts.append({"url": "phase", "valueCode": objective.get("phase") or "now"})
    if objective.get("starts_when"):  # a waiting goal's trigger, in the plan's words (read 23)
        parts.append({"url": "startsWhen", "valueString": objective["starts_when"]})
    if objective.get("held"):
        parts.append({"url": "held", "valueBoolean": True})
    if objective.get("condition"):  # a goal only if the condition is met: not reviewed as due
        parts.append({"url": "condition", "valueString": objective["condition"]})
    if objective.get("due_after_condition_days") is not None:  # due days after the condition
        parts.append(
            {"url": "dueAfterConditionDays", "valueInteger": objective["due_after_condition_days"]}
        )
    return {"url": GOAL_EXTENSION, "extension": parts}


def _parts(resource: Mapping[str, Any]) -> dict[str, Any] | None:
    """The sub-extensions of a Goal's :data:`GOAL_EXTENSION` by name (``None``: it has none)."""
    extensions = resource.get("extension")
    for extension in extensions if isinstance(extensions, list) else ():
        if isinstance(extension, Mapping) and extension.get("url") == GOAL_EXTENSION:
            found: dict[str, Any] = {}
            for part in extension.get("extension") or ():
                if isinstance(part, Mapping) and isinstance(part.get("url"), str):
                    values = [v for k, v in part.items() if k.startswith("value")]
                    found[part["url"]] = values[0] if values else None
            return found
    return None


def objective_id_of(resource: Mapping[str, Any]) -> str | None:
    """The plan objective id of a planengine Goal (``None``: not a Goal planengine wrote)."""
    parts = _parts(resource)
    value = None if parts is None else parts.get("objective")
    return value if isinstance(value, str) and value else None


def goal_entry_from_fhir(item: Located) -> tuple[dict[str, Any], bool]:
    """A planengine Goal as a goal file's goal entry, and whether it waits (its steps start
    later or are held: listed, not reviewed, as ``planengine plan --format goals`` does).

    :raises InputError: (file, line, path) when the Goal lacks what the review needs.
    """
    resource = item.resource
    parts = _parts(resource) or {}
    objective = objective_id_of(resource)
    if objective is None:
        raise item.error(
            f"not a Goal planengine wrote: no {GOAL_EXTENSION} extension with the objective id",
            ".extension",
        )
    area = _area(resource)
    if area is None:
        raise item.error(
            "the Goal names no problem area (a category coding in planengine's area system)",
            ".category",
        )
    description = resource.get("description")
    statement = description.get("text") if isinstance(description, Mapping) else None
    if not isinstance(statement, str) or not statement.strip():
        raise item.error("the Goal needs description.text (the goal's statement)", ".description")
    targets = resource.get("target")
    if not isinstance(targets, list) or len(targets) != 1 or not isinstance(targets[0], Mapping):
        raise item.error("a planengine Goal has exactly one target", ".target")
    target = targets[0]
    measure, unit = _measure(item, target)
    detail = target.get("detailQuantity")
    if not isinstance(detail, Mapping) or not _number(detail.get("value")):
        raise item.error(
            "the target needs detailQuantity.value (a number)", ".target[0].detailQuantity"
        )
    measure["target"] = {"value": detail["value"], "comparator": detail.get("comparator", "=")}
    measure["baseline"] = _baseline(item, parts)
    entry: dict[str, Any] = {
        "id": objective,
        "area": area,
        "statement": statement.strip(),
        "measure": measure,
    }
    if unit is not None:
        entry["measure"]["unit"] = unit
    for key, element in (
        ("start_date", resource.get("startDate")),
        ("due_date", target.get("dueDate")),
    ):
        if isinstance(element, str):
            entry[key] = element[:10]
    if isinstance(parts.get("reviewIntervalDays"), int) and not isinstance(
        parts.get("reviewIntervalDays"), bool
    ):
        entry["review_interval_days"] = parts["reviewIntervalDays"]
    waits = (
        parts.get("phase", "now") != "now"
        or parts.get("held") is True
        or isinstance(parts.get("condition"), str)
    )
    if waits and isinstance(parts.get("startsWhen"), str):  # listed with its trigger
        entry["starts_when"] = parts["startsWhen"]
    return entry, waits


def _area(resource: Mapping[str, Any]) -> str | None:
    system = codes().system("area")
    categories = resource.get("category")
    for category in categories if isinstance(categories, list) else ():
        codings = category.get("coding") if isinstance(category, Mapping) else None
        for code in codings if isinstance(codings, list) else ():
            if (
                isinstance(code, Mapping)
                and code.get("system") == system
                and isinstance(code.get("code"), str)
            ):
                return str(code["code"])
    return None


def _measure(item: Located, target: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``measure`` (instrument or metric) and its unit in the plan's words."""
    table = codes()
    concept = target.get("measure")
    codings = concept.get("coding") if isinstance(concept, Mapping) else None
    for code in codings if isinstance(codings, list) else ():
        if not isinstance(code, Mapping):
            continue
        system, value = str(code.get("system")), str(code.get("code"))
        found = table.instrument_of_code(system, value)
        if found is not None and found[1] == "total":
            text = concept.get("text") if isinstance(concept, Mapping) else None
            return {"instrument": found[0]}, text if isinstance(text, str) else None
        if system == table.system("metric"):
            name = (
                code.get("display")
                or (concept.get("text") if isinstance(concept, Mapping) else None)
                or value
            )
            return {"metric": str(name)}, _unit_words(target.get("detailQuantity"))
    raise item.error(
        "target.measure names neither an instrument total nor a planengine metric",
        ".target[0].measure",
    )


def _unit_words(quantity: Any) -> str | None:
    """The plan's words for a Quantity's unit (``d/wk`` -> ``days per week``)."""
    if not isinstance(quantity, Mapping):
        return None
    for words, entry in codes().units.items():
        if quantity.get("system") == codes().system("ucum") and entry["code"] == quantity.get(
            "code"
        ):
            return words
    unit = quantity.get("unit")
    return unit if isinstance(unit, str) and unit else None


def _baseline(item: Located, parts: Mapping[str, Any]) -> dict[str, Any]:
    quantity = parts.get("baseline")
    if isinstance(quantity, Mapping) and _number(quantity.get("value")):
        out: dict[str, Any] = {"value": quantity["value"]}
        if isinstance(parts.get("baselineDate"), str):
            out["date"] = parts["baselineDate"]
        return out
    if isinstance(parts.get("baselinePending"), str) and isinstance(parts.get("baselineBy"), str):
        return {"value": None, "pending": parts["baselinePending"], "by": parts["baselineBy"]}
    raise item.error(
        "the Goal's extension gives no baseline (value and date, or pending and by)", ".extension"
    )


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
