"""Risk answers in FHIR input that could not be read: every answer to a risk item (PHQ-9 item 9)
at or above the level that raises a flag, found without judging the rest of the input, so that a
patient whose input is refused (an item given twice, two responses of one day) is still in the
clinician's flag queue when any of its answers is a risk signal (docs/batch.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from planengine._errors import InputError
from planengine.fhir._codes import codes
from planengine.fhir._observations import coding_value
from planengine.fhir._read import Located

__all__ = ["RiskAnswer", "risk_answers"]


@attrs.frozen
class RiskAnswer:
    """A risk item answered at or above its ``endorsed_at`` level, and where."""

    instrument: str
    item: int
    kind: str
    value: int
    date: str | None
    located: Located
    path: str


def risk_answers(located: Iterable[Located], instruments: Mapping[str, Any]) -> list[RiskAnswer]:
    """Every risk answer of ``located`` (QuestionnaireResponses and Observations of any status
    but entered-in-error), each copy of a repeated item on its own; never raises."""
    from planengine.fhir._import import _answer_items, _date, _Reader

    risky = {name: tuple(getattr(i, "risk_items", ())) for name, i in instruments.items()}
    risky = {name: items for name, items in risky.items() if items}
    reader = _Reader(instruments, {}, None)  # type: ignore[arg-type]  # no Condition is read
    found: list[RiskAnswer] = []
    for item in located:
        resource = item.resource
        if resource.get("status") == "entered-in-error":
            continue
        kind = resource.get("resourceType")
        if kind == "QuestionnaireResponse":
            try:
                instrument, link_ids = reader._identify(item)
            except (InputError, KeyError, ValueError, TypeError):
                continue
            date = _date(resource.get("authored"))
            for place, entry in _answer_items(resource.get("item", []), ".item"):
                number = link_ids.get(str(entry.get("linkId", "")))
                for index, answer in enumerate(entry.get("answer", ()) or ()):
                    value = _qr_value(instrument, answer) if isinstance(answer, Mapping) else None
                    found += _risk(risky, instrument, number, value, date, item, f"{place}.answer[{index}]")
        elif kind == "Observation":
            found += _observation(risky, item)
    return found


def _risk(
    risky: Mapping[str, tuple[Any, ...]],
    instrument: str,
    number: int | None,
    value: int | None,
    date: str | None,
    item: Located,
    place: str,
) -> Iterator[RiskAnswer]:
    for risk in risky.get(instrument, ()):
        if number is not None and number == risk.item and value is not None and value >= risk.endorsed_at:
            yield RiskAnswer(instrument, number, risk.kind, value, date, item, item.path + place)


def _qr_value(instrument: str, answer: Mapping[str, Any]) -> int | None:
    value = answer.get("valueInteger")
    if value is None and isinstance(answer.get("valueDecimal"), (int, float)):
        value = answer["valueDecimal"]
    if value is None and isinstance(answer.get("valueCoding"), Mapping):
        value = coding_value(instrument, answer["valueCoding"], answer)
    return _whole(value)


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else None


def _observation(risky: Mapping[str, tuple[Any, ...]], item: Located) -> Iterator[RiskAnswer]:
    resource = item.resource
    raw_date = resource.get("effectiveDateTime") or resource.get("issued")
    date = raw_date[:10] if isinstance(raw_date, str) and len(raw_date) >= 10 else None
    holders: list[tuple[str, Any]] = [("", resource)]
    components = resource.get("component")
    holders += [(f".component[{i}]", c) for i, c in enumerate(components if isinstance(components, list) else ())]
    for place, holder in holders:
        if not isinstance(holder, Mapping) or not isinstance(holder.get("code"), Mapping):
            continue
        codings = holder["code"].get("coding")
        # one holder gives one answer, however many codings name its item (as the reader:
        # fhir/_observations), so a risk answer is listed once
        named = next(
            (
                (instrument, number)
                for coding in (codings if isinstance(codings, list) else ())
                if isinstance(coding, Mapping)
                for instrument in risky
                if (number := codes().item_of_code(
                    instrument, str(coding.get("system")), str(coding.get("code"))
                )) is not None
            ),
            None,
        )
        if named is not None:
            instrument, number = named
            yield from _risk(risky, instrument, number, _observation_value(instrument, holder), date, item, place)


def _observation_value(instrument: str, holder: Mapping[str, Any]) -> int | None:
    value = holder.get("valueInteger")
    if value is None and isinstance(holder.get("valueQuantity"), Mapping):
        value = holder["valueQuantity"].get("value")
    concept = holder.get("valueCodeableConcept")
    if value is None and isinstance(concept, Mapping) and isinstance(concept.get("coding"), list):
        for coding in concept["coding"]:
            if isinstance(coding, Mapping) and (coded := coding_value(instrument, coding, concept)) is not None:
                return coded
    return _whole(value)
