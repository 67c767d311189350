"""Offline validation of the resources planengine writes, with the ``fhir.resources`` R4B models
(the R4 proxy [DN-fhir-validation] recommends) plus the check the models leave out: every code in an
element with a required binding is one of the codes the model lists for it (``enum_values``).

Needs the ``fhir`` extra (``pip install 'planengine[fhir]'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["validate_bundle", "validate_resource"]


def validate_resource(resource: Mapping[str, Any]) -> list[str]:
    """Problems with one resource (empty when it is valid R4B with codes in their value sets)."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = str(resource.get("resourceType"))
    try:
        model = get_fhir_model_class(kind).model_validate(dict(resource))
    except Exception as error:  # unknown types fail outside pydantic ([DN-fhir-validation])
        first = str(error).splitlines()
        return [f"{kind}: {' '.join(first[:3])}"]
    return [f"{kind}: {problem}" for problem in _codes_outside_value_sets(model, kind)]


def validate_bundle(bundle: Mapping[str, Any]) -> list[str]:
    """Problems with a Bundle and each of its entries' resources (empty: all valid)."""
    problems = validate_resource({**bundle, "entry": []})
    for index, entry in enumerate(bundle.get("entry", ())):
        problems += [f"entry[{index}] {p}" for p in validate_resource(entry.get("resource", {}))]
    return problems


def _codes_outside_value_sets(model: Any, path: str) -> list[str]:
    problems: list[str] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name, None)
        if value is None:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        allowed = extra.get("enum_values")
        values = value if isinstance(value, list) else [value]
        if allowed:
            problems += [
                f"{path}.{name}: {v!r} is not one of {', '.join(map(str, allowed))}"
                for v in values
                if isinstance(v, str) and v not in allowed
            ]
        for index, item in enumerate(values):
            if hasattr(type(item), "model_fields"):
                where = f"{path}.{name}[{index}]" if isinstance(value, list) else f"{path}.{name}"
                problems += _codes_outside_value_sets(item, where)
    return problems
