"""The bibliography: every source, design note and stepped-care rule that planengine cites,
looked up by the id it is cited with (``R42``, ``S2``, ``DN-smart-checks``, ``R-SC5``).

The entries live in ``data/references.yaml`` (checked against ``schemas/references.schema.json``
when first read). Citations in code, data and output name these ids in square brackets
(``[R42][R43]``) or, for the stepped-care rules, as ``R-SCn`` / ``stepped-care.R-SCn``;
:func:`cited_ids` finds them in a text and :meth:`Reference.full_text` gives the line a reader
sees in the evidence trail (``planengine rules CODE``, SARIF rule metadata, the references page).
A plan document lists clinical sources only (:func:`full_references` with ``in_plan``, clinician
read 11): regulatory or payer context (``context``) is left out, a source read in a secondary copy
prints its primary citation without the copy's address (``read_via``), and a design note prints
without its ``regulatory_context``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

__all__ = ["Reference", "cited_ids", "full_references", "lookup_reference", "references"]

#: What an entry is: a published source, the project's own reasoning, or a stepped-care rule.
Kind = Literal["source", "design-note", "rule"]
#: A source that is regulatory or payer context, not clinical guidance (US Medicare/Medicaid
#: rules, a US state's rule): never listed in a plan document.
Context = Literal["us-payer", "us-state-rule"]

#: An id in square brackets (``[R42]``, ``[DN-smart-checks]``, ``[USCore-QR-PHQ9]``) or a
#: stepped-care rule id anywhere (``R-SC5``, ``stepped-care.R-SC5``). A bracketed word is only
#: taken for an id when the bibliography knows it (``[str]`` in a docstring is not a citation).
_BRACKETED = re.compile(r"\[([A-Za-z][A-Za-z0-9.-]*)\]")
_RULE = re.compile(r"(?<![A-Za-z0-9])R-SC\d+\b")
#: A citation that an output already spells out: ``"R64: Dimidjian S, ..."``.
_LEADING_ID = re.compile(r"^\s*([A-Za-z][A-Za-z0-9.-]*):\s")


@attrs.define(frozen=True, slots=True)
class Reference:
    """One entry of the bibliography.

    :ivar id: the id it is cited with (``R42``, ``S2``, ``DN-smart-checks``, ``R-SC5``).
    :ivar kind: ``source``, ``design-note`` or ``rule``.
    :ivar text: a source's full citation; a design note's or rule's title.
    :ivar supports: a source: what planengine uses it for; a design note or rule: its summary.
    :ivar urls: a source's own addresses (publisher, NICE, journal).
    :ivar read_via: secondary copies a source's facts were read in (the evidence trail; never
        printed in a plan document).
    :ivar context: ``us-payer`` or ``us-state-rule`` for regulatory or payer context, not
        clinical guidance (never listed in a plan document); ``None`` for a clinical source.
    :ivar locator: where in a repository or guide the cited artifact is (``None``: the
        citation says it).
    :ivar evidence: how a source was used (``opened``, ``cited``, ...).
    :ivar derived_from: the ids a design note or rule rests on.
    :ivar background: no shipped text cites it today.
    :ivar note: for planengine's own content review (what to verify); never printed in a plan.
    :ivar regulatory_context: the part of a design note's reasoning that rests on sources with a
        context; left out of a plan document.
    """

    id: str
    kind: Kind
    text: str
    supports: str
    urls: tuple[str, ...] = ()
    locator: str | None = None
    evidence: str | None = None
    derived_from: tuple[str, ...] = ()
    background: bool = False
    note: str | None = None
    read_via: tuple[str, ...] = ()
    context: Context | None = None
    regulatory_context: str | None = None

    def full_text(self) -> str:
        """The line a reader of the evidence trail sees: ``R42: The Joint Commission, ...
        (opened)`` for a source (with the secondary copies it was read in); ``DN-smart-checks:
        design note, What each SMART letter ... (from R42, R43)`` for a design note (with its
        regulatory context); ``R-SC5: stepped-care rule, ... (from S15, DN-non-response)`` for a
        rule."""
        return self._line(in_plan=False, basis=self.derived_from)

    def plan_text(self, basis: Iterable[str]) -> str:
        """The line a plan document prints: a source without the secondary copies it was read
        in; a design note or rule without its regulatory context, resting on ``basis`` (what it
        is derived from, less what a plan does not list)."""
        return self._line(in_plan=True, basis=tuple(basis))

    def _line(self, *, in_plan: bool, basis: tuple[str, ...]) -> str:
        if self.kind == "source":
            # a title without its address: the address (or the locator) follows it
            where = [url for url in self.urls if url.split("://", 1)[1] not in self.text]
            at = f" {self.locator}" if self.locator else f" {' ; '.join(where)}" if where else ""
            via = "" if in_plan or not self.read_via else f" ; read via {' ; '.join(self.read_via)}"
            mark = f" ({self.evidence})" if self.evidence else ""
            return f"{self.id}: {self.text}{at}{via}{mark}"
        label = "design note" if self.kind == "design-note" else "stepped-care rule"
        context = "" if in_plan or not self.regulatory_context else f" {self.regulatory_context}"
        basis_text = f" (from {', '.join(basis)})" if basis else ""
        return f"{self.id}: {label}, {self.text}: {self.supports}{context}{basis_text}"


@functools.lru_cache(maxsize=1)
def references() -> Mapping[str, Reference]:
    """Every entry of the shipped bibliography by id (read and checked once).

    :raises planengine.DocumentSchemaError: when the shipped file breaks its schema (a
        packaging bug).
    """
    from planengine._cache import shipped_data

    def check(data: Any) -> None:
        from planengine._errors import DocumentSchemaError
        from planengine.io._schema_check import check_schema

        issues = check_schema(data, "references")
        if issues:
            raise DocumentSchemaError(
                issues[0].message, file="planengine/data/references.yaml", path=issues[0].path_text
            )

    data = shipped_data("data/references.yaml", check=check)  # checked once, then cached
    return MappingProxyType({key: _entry(key, raw) for key, raw in data["entries"].items()})


def _entry(key: str, raw: Mapping[str, Any]) -> Reference:
    source = raw["kind"] == "source"
    return Reference(
        id=key,
        kind=raw["kind"],
        text=raw["citation"] if source else raw["title"],
        supports=raw["supports"] if source else raw["summary"],
        urls=tuple(raw.get("urls", ())),
        locator=raw.get("locator"),
        evidence=raw.get("evidence"),
        derived_from=tuple(raw.get("derived_from", ())),
        background=bool(raw.get("background", False)),
        note=raw.get("note"),
        read_via=tuple(raw.get("read_via", ())),
        context=raw.get("context"),
        regulatory_context=raw.get("regulatory_context"),
    )


def lookup_reference(ref_id: str) -> Reference:
    """The entry cited as ``ref_id`` (``R42``, ``[R42]``, ``stepped-care.R-SC5`` all work).

    :raises planengine.UnknownNameError: when the bibliography has no such id.
    """
    from planengine._errors import UnknownNameError

    key = ref_id.strip().strip("[]").removeprefix("stepped-care.")
    found = references().get(key)
    if found is None:
        raise UnknownNameError(f"no reference {ref_id!r} in planengine's bibliography")
    return found


def cited_ids(text: str) -> tuple[str, ...]:
    """The bibliography ids a text cites, in order of first mention: ``[R42]``-style brackets
    the bibliography knows, stepped-care rule ids, and a leading ``"R64: ..."`` tag."""
    known = references()
    found: list[str] = []
    leading = _LEADING_ID.match(text)
    if leading and leading.group(1) in known:
        found.append(leading.group(1))
    found += [m.group(1) for m in _BRACKETED.finditer(text) if m.group(1) in known]
    found += [m.group(0) for m in _RULE.finditer(text)]
    return tuple(dict.fromkeys(found))


def full_references(ids: Iterable[str], *, in_plan: bool = False) -> tuple[str, ...]:
    """The full lines of ``ids`` and of what their design notes and rules rest on, once each,
    in the order given (what is derived from comes after what derives from it). Unknown ids
    are skipped: the test suite, not the reader, is where an unresolved id is reported.

    ``in_plan``: the lines a plan document prints (:meth:`Reference.plan_text`): clinical
    sources only, so a source with a ``context`` (regulatory or payer) is neither listed nor
    named as what a design note rests on (clinician read 11, S3)."""
    known = references()

    def listed(key: str) -> bool:
        return not (in_plan and key in known and known[key].context)

    seen: dict[str, None] = {}
    queue = list(ids)
    while queue:
        key = queue.pop(0).removeprefix("stepped-care.")
        if key in seen or key not in known or not listed(key):
            continue
        seen[key] = None
        queue += known[key].derived_from
    if not in_plan:
        return tuple(known[key].full_text() for key in seen)
    return tuple(
        known[key].plan_text(d for d in known[key].derived_from if listed(d)) for key in seen
    )
