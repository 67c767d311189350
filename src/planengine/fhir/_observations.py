"""Questionnaire results in Observations, read once for import and for review: an instrument
total (with item ``component``s or without), a US Core panel (44249-1) whose items and total are
separate Observations linked by ``hasMember`` (resolved within the input), and a stand-alone item
Observation (PHQ-9 item 9 on its own). Results of one patient, instrument and day that complement
each other (a total and the items sent apart) become one reading; two totals of one day stay two
(the review reports the second, as it does in a goal file).

A risk item is never lost on the way: a panel member that is not in the input is an error naming
the reference, not an item left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import InputError
from planengine.fhir._codes import codes
from planengine.fhir._read import Located

__all__ = [
    "USABLE_STATUSES",
    "InstrumentReading",
    "coding_value",
    "instrument_readings",
    "made_by_planengine",
    "observation_date",
    "where",
]

_ORDINAL_URLS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
)
#: the Observation statuses whose values are read
USABLE_STATUSES = frozenset({"final", "amended", "corrected"})


@attrs.frozen
class InstrumentReading:
    """One questionnaire result: ``total`` and/or item ``answers`` (in item order, ``None`` for an
    item not given) of ``instrument`` on ``date`` (``YYYY-MM-DD``).

    :ivar located: the Observation it was read from (the panel for a ``hasMember`` panel).
    :ivar parts: every Observation that went into it (members, a total sent apart).
    :ivar has_items: whether any item answer was given (a total only: ``False``).
    """

    located: Located
    instrument: str
    date: str
    total: int | None
    answers: tuple[int | None, ...]
    has_items: bool
    parts: tuple[Located, ...] = ()

    @property
    def subject(self) -> Any:
        """The ``subject`` reference of the Observation."""
        return self.located.resource.get("subject")


def instrument_readings(
    located: Sequence[Located],
    instruments: Mapping[str, Any],
    errors: list[InputError] | None = None,
) -> tuple[list[InstrumentReading], list[tuple[Located, str]]]:
    """The questionnaire results among ``located`` (other resources and other Observations are
    passed over), in input order, and the instrument Observations skipped with the reason.

    :param errors: when given, an Observation that cannot be read is added to it and the others
        are still read (else the first one is raised).
    :raises InputError: (file, line, path) for an instrument Observation that cannot be read: no
        date, a value that is not a whole number, an item given twice, a panel member that is not
        in the input.
    """
    by_reference = _index(located)
    members: set[tuple[str | None, int | None, str]] = set()
    for item in located:
        if _kind(item, instruments) == "panel":
            try:
                members.update(_key(found) for found in _members(item, by_reference))
            except InputError as error:
                if errors is None:
                    raise
                members.update(_key(found) for found in _members(item, by_reference, lenient=True))
                errors.append(error)
    readings: list[InstrumentReading] = []
    skipped: list[tuple[Located, str]] = []
    for item in located:
        if _key(item) in members:
            continue  # read with its panel
        kind = _kind(item, instruments)
        if kind is None:
            continue
        status = item.resource.get("status")
        if status not in USABLE_STATUSES:
            skipped.append((item, f"Observation with status {status!r} skipped"))
            continue
        try:
            readings.append(_reading(item, kind, instruments, by_reference))
        except InputError as error:
            if errors is None:
                raise
            if not any(e is error or str(e) == str(error) for e in errors):
                errors.append(error)
    return _combined(readings), skipped


def _kind(item: Located, instruments: Mapping[str, Any]) -> str | None:
    """``panel``, ``total``, ``item`` for an instrument Observation, else ``None``."""
    resource = item.resource
    if resource.get("resourceType") != "Observation":
        return None
    table = codes()
    for code in _codings(resource.get("code")):
        found = table.instrument_of_code(str(code.get("system")), str(code.get("code")))
        if found and found[0] in instruments:
            return "panel" if found[1] == "panel" and resource.get("hasMember") else "total"
        if _item_of(code, instruments) is not None:
            return "item"
    return None


def _item_of(code: Mapping[str, Any], instruments: Mapping[str, Any]) -> tuple[str, int] | None:
    table = codes()
    for instrument in instruments:
        number = table.item_of_code(instrument, str(code.get("system")), str(code.get("code")))
        if number is not None and 1 <= number <= int(instruments[instrument].items):
            return instrument, number
    return None


def _instrument_of(item: Located, instruments: Mapping[str, Any]) -> str:
    for code in _codings(item.resource.get("code")):
        found = codes().instrument_of_code(str(code.get("system")), str(code.get("code")))
        if found and found[0] in instruments:
            return found[0]
        item_code = _item_of(code, instruments)
        if item_code is not None:
            return item_code[0]
    raise AssertionError("only instrument Observations are read")  # pragma: no cover


def _reading(
    item: Located, kind: str, instruments: Mapping[str, Any], by_reference: Mapping[str, Located]
) -> InstrumentReading:
    resource = item.resource
    instrument = _instrument_of(item, instruments)
    date = observation_date(item)
    count = int(instruments[instrument].items)
    answers: list[int | None] = [None] * count
    seen = False
    total: int | None = None
    parts: list[Located] = [item]
    if kind == "item":
        item_number = next(
            n
            for c in _codings(resource.get("code"))
            if (n := codes().item_of_code(instrument, str(c.get("system")), str(c.get("code"))))
            is not None
        )
        answers[item_number - 1] = _value(item, instrument, resource, "")
        return InstrumentReading(item, instrument, date, None, tuple(answers), True, (item,))
    given: dict[int, str] = {}  # item number -> where it was first given
    for index, component in enumerate(resource.get("component", ()) or ()):
        for code in _codings(component.get("code") if isinstance(component, Mapping) else None):
            number = codes().item_of_code(
                instrument, str(code.get("system")), str(code.get("code"))
            )
            if number is not None and 1 <= number <= count:
                seen = True
                _once(item, instrument, number, given, f".component[{index}]", item)
                answers[number - 1] = _value(
                    item, instrument, component, f".component[{index}]", absent_ok=True
                )
                break  # one component gives one item, however many codings name it
    if kind == "panel":
        for member in _members(item, by_reference):
            parts.append(member)
            status = member.resource.get("status")
            if status not in USABLE_STATUSES:
                continue
            for code in _codings(member.resource.get("code")):
                system, value = str(code.get("system")), str(code.get("code"))
                number = codes().item_of_code(instrument, system, value)
                found = codes().instrument_of_code(system, value)
                if number is not None and 1 <= number <= count:
                    seen = True
                    _once(member, instrument, number, given, "", item)
                    answers[number - 1] = _value(member, instrument, member.resource, "")
                    break
                elif found == (instrument, "total"):
                    total = _whole(member, member.resource, "")
    own = _whole(item, resource, "", required=kind == "total" and not seen)
    total = own if own is not None else total
    return InstrumentReading(item, instrument, date, total, tuple(answers), seen, tuple(parts))


def _once(
    at: Located, instrument: str, number: int, given: dict[int, str], place: str, panel: Located
) -> None:
    """Record that item ``number`` is given at ``at`` (``place`` below it); a second time is an
    error: two values for one item (a risk item among them) must not be settled by their order."""
    here = f"{where(at)}{place}"
    if number in given:
        raise at.error(
            f"item {number} of {instrument} is given twice in one result (also at {given[number]}); "
            "a repeated item is not read: which value holds is for the clinician to settle"
            + ("" if at is panel else f" (panel {where(panel)})"),
            place,
        )
    given[number] = here


def _members(
    item: Located, by_reference: Mapping[str, Located], *, lenient: bool = False
) -> list[Located]:
    """The panel's ``hasMember`` Observations, each resolved within the input (``lenient``:
    those that are; else a missing one is an error)."""
    found: list[Located] = []
    members = item.resource.get("hasMember", ())
    for index, ref in enumerate(members if isinstance(members, list) else ()):
        literal = ref.get("reference") if isinstance(ref, Mapping) else None
        target = by_reference.get(str(literal)) if literal else None
        if target is None and lenient:
            continue
        if target is None:
            raise item.error(
                f"member {literal!r} is not in the input: give the panel with its item "
                "Observations (a risk item among them must not go unread)",
                f".hasMember[{index}]",
            )
        found.append(target)
    return found


def _index(located: Iterable[Located]) -> dict[str, Located]:
    """Observations by every reference that names them: fullUrl, ``Observation/<id>``."""
    out: dict[str, Located] = {}
    for item in located:
        if item.resource.get("resourceType") != "Observation":
            continue
        if item.full_url:
            out[item.full_url] = item
        rid = item.resource.get("id")
        if isinstance(rid, str):
            out[f"Observation/{rid}"] = item
            if item.full_url and item.full_url.endswith(f"/Observation/{rid}"):
                out[item.full_url] = item
    return out


def _key(item: Located) -> tuple[str | None, int | None, str]:
    return item.file, item.line, item.path


def _codings(concept: Any) -> list[Mapping[str, Any]]:
    if not isinstance(concept, Mapping):
        return []
    found = concept.get("coding")
    return [c for c in found if isinstance(c, Mapping)] if isinstance(found, list) else []


def _whole(
    item: Located,
    holder: Mapping[str, Any],
    where: str,
    *,
    required: bool = False,
    refusal: str = "an instrument total needs a whole-number valueQuantity or valueInteger",
) -> int | None:
    """A whole-number ``valueInteger``/``valueQuantity`` (``None`` when there is none and none
    is ``required``); anything else is refused with ``refusal``."""
    value: Any = holder.get("valueInteger")
    if value is None and isinstance(holder.get("valueQuantity"), Mapping):
        value = holder["valueQuantity"].get("value")
    if value is None and not required:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not float(value).is_integer()
    ):
        raise item.error(refusal, where)
    return int(value)


def _value(
    item: Located,
    instrument: str,
    holder: Mapping[str, Any],
    where: str,
    *,
    absent_ok: bool = False,
) -> int | None:
    """An item's value: a whole number, a LOINC answer code or a weighted coding."""
    if (
        absent_ok
        and "dataAbsentReason" in holder
        and not any(k.startswith("value") for k in holder)
    ):
        return None
    concept = holder.get("valueCodeableConcept")
    if isinstance(concept, Mapping):
        for code in _codings(concept):
            coded = coding_value(instrument, code, concept)
            if coded is not None:
                return coded
        raise item.error(
            "an item answer code needs a LOINC answer code or an ordinalValue/itemWeight extension",
            where + ".valueCodeableConcept",
        )
    return _whole(
        item,
        holder,
        where,
        required=not absent_ok,
        refusal="an item needs a whole-number value (valueInteger, valueQuantity) or an answer code",
    )


def coding_value(
    instrument: str, coding: Mapping[str, Any], holder: Mapping[str, Any]
) -> int | None:
    """The value of an answer coding: an ``ordinalValue``/``itemWeight`` extension on the coding
    (or on ``holder``), else the LOINC answer list of ``instrument``; ``None`` when neither."""
    for place in (coding, holder):
        extensions = place.get("extension", ())
        for extension in extensions if isinstance(extensions, list) else ():
            if isinstance(extension, Mapping) and extension.get("url") in _ORDINAL_URLS:
                weight = extension.get("valueDecimal", extension.get("valueInteger"))
                if (
                    isinstance(weight, (int, float))
                    and not isinstance(weight, bool)
                    and float(weight).is_integer()
                ):
                    return int(weight)
    if coding.get("system") == codes().system("loinc"):
        return codes().answer_value(instrument, str(coding.get("code")))
    return None


def observation_date(item: Located) -> str:
    """The day an Observation was answered: ``effectiveDateTime`` (or the start of
    ``effectivePeriod``, or ``issued``), as ``YYYY-MM-DD``."""
    resource = item.resource
    period = resource.get("effectivePeriod")
    for value in (
        resource.get("effectiveDateTime"),
        period.get("start") if isinstance(period, Mapping) else None,
        resource.get("issued"),
    ):
        if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
            return value[:10]
    raise item.error("an instrument Observation needs effectiveDateTime (the date it was answered)")


def _combined(readings: list[InstrumentReading]) -> list[InstrumentReading]:
    """Results of one subject, instrument and day that complement each other, as one (in the
    order of the first; a Bulk Data export of thousands is read in one pass)."""
    out: list[InstrumentReading] = []
    same_day: dict[tuple[str, str, str], list[int]] = {}
    for reading in readings:
        key = (
            json.dumps(reading.subject, sort_keys=True, default=str),
            reading.instrument,
            reading.date,
        )
        indices = same_day.setdefault(key, [])
        for index in indices:
            earlier = out[index]
            if not _complement(earlier, reading):
                continue
            answers = tuple(
                a if a is not None else b
                for a, b in zip(earlier.answers, reading.answers, strict=True)
            )
            out[index] = attrs.evolve(
                earlier,
                total=earlier.total if earlier.total is not None else reading.total,
                answers=answers,
                has_items=earlier.has_items or reading.has_items,
                parts=earlier.parts + reading.parts,
            )
            break
        else:
            indices.append(len(out))
            out.append(reading)
    return out


def _complement(a: InstrumentReading, b: InstrumentReading) -> bool:
    if a.total is not None and b.total is not None:
        return False
    return all(x is None or y is None for x, y in zip(a.answers, b.answers, strict=True))


def where(item: Located) -> str:
    """``file:line: path`` of a resource, for a notice."""
    place = ":".join(str(p) for p in (item.file, item.line) if p is not None)
    return f"{place}: {item.path}" if place else item.path


def made_by_planengine(resource: Mapping[str, Any]) -> bool:
    """Whether planengine wrote the resource (its ``provenance`` tag)."""
    system = codes().system("provenance")
    meta = resource.get("meta")
    tags = meta.get("tag", ()) if isinstance(meta, Mapping) else ()
    return any(isinstance(tag, Mapping) and tag.get("system") == system for tag in tags)
