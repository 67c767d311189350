"""What kind of planengine file a document is, for a file checked or planned as another kind:
one line naming the kind and the command that reads it, in place of a list of schema errors
that never say so (a strategy file given to ``validate`` would otherwise fail for lacking
``goals``). Imported only when a file has already failed, so it costs a clean run nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["document_kind", "wrong_kind_message"]

#: Each kind in words and the command that reads it.
_KINDS: dict[str, tuple[str, str]] = {
    "goal": ("a goal file", "`planengine validate FILE` or `planengine review FILE`"),
    "assessment": (
        "an assessment",
        "`planengine plan FILE` or `planengine validate --schema assessment FILE`",
    ),
    "plan": ("a JSON plan", "`planengine validate --schema plan FILE`"),
    "strategy": ("a strategy file", "`planengine validate --schema strategy FILE`"),
    "instrument": ("an instrument file", "`planengine validate --schema instrument FILE`"),
    "crisis-resources": (
        "a crisis-resources file",
        "`planengine validate --schema crisis-resources FILE`",
    ),
    "references": ("a references file", "`planengine validate --schema references FILE`"),
    "fhir": ("a FHIR resource", "`planengine import FILE` (then `planengine plan`)"),
}


def document_kind(data: Any) -> str | None:
    """The kind ``data`` clearly is: its ``kind:``, else ``resourceType`` (FHIR), ``goals`` (a
    goal file) or ``responses`` (an assessment); ``None`` when nothing says."""
    if not isinstance(data, Mapping):
        return None
    kind = data.get("kind")
    if isinstance(kind, str) and kind in _KINDS and kind not in ("fhir", "goal"):
        return kind
    if "resourceType" in data:
        return "fhir"
    if isinstance(data.get("goals"), list):
        return "goal"
    if "responses" in data and "kind" not in data:
        return "assessment"
    return None


def wrong_kind_message(data: Any, expected: str) -> str | None:
    """One line for a document of another kind than ``expected`` (a schema name), or ``None``
    when it is of that kind or nothing says what it is."""
    kind = document_kind(data)
    if kind is None or kind == expected:
        return None
    what, command = _KINDS[kind]
    how = "(`kind: " + kind + "`)" if isinstance(data.get("kind"), str) else _sign(kind)
    expected_what = _KINDS.get(expected, (f"a {expected} file", ""))[0]
    return f"this is {what} {how}, not {expected_what}; check it with {command}"


def _sign(kind: str) -> str:
    return {"fhir": "(it has `resourceType`)", "goal": "(it has `goals`)"}.get(
        kind, "(it has `responses`)"
    )
