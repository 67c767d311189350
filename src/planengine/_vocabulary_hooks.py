"""An open vocabulary: the areas and conditions plugins register (``register_vocabulary``),
checked one by one as they arrive and added to the built-in vocabulary.

A registered id never replaces a built-in one or another plugin's: a clash is refused, naming
both plugins. A plugin's patient-goal keyword already listed under another area stays with that
area (``vocabulary.keyword-taken``, naming both), so a new area never takes over another's goals.
Nothing a plugin registers can weaken the core's safety screen: ``safety: ask-about-risk`` only
adds a notice asking the clinician about risk; ``routine`` leaves the core's screen as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import PluginError
from planengine._model import Notice
from planengine._plugins import LoadedPlugins, call_each
from planengine._vocabulary import Vocabulary

__all__ = [
    "SAFETY_RELEVANCE",
    "Area",
    "Condition",
    "area_safety_notices",
    "collect_vocabulary",
    "known_area_instruments",
]

#: What a registered area or condition says about safety: ``routine`` (the core's own risk screen,
#: which runs for every plan, is enough) or ``ask-about-risk`` (a plan that has it carries a
#: notice asking the clinician about risk to self and others, with the area's own note).
SAFETY_RELEVANCE = ("routine", "ask-about-risk")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def _tuple_of_text(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


@attrs.frozen
class Area:
    """A problem area a plugin registers (``register_vocabulary``).

    :ivar id: lower-case id (``anger``); not a built-in area, not ``safety``.
    :ivar title: human title (``Anger``).
    :ivar summary: one sentence on what the area covers.
    :ivar safety: ``routine`` or ``ask-about-risk`` (see :data:`SAFETY_RELEVANCE`).
    :ivar safety_note: with ``ask-about-risk``, what the clinician asks about (shown in the plan).
    :ivar keywords: the patient's words that link a goal to the area (``temper``, ``lose it``):
        whole words, ``*`` at the end for a stem, as in ``vocabulary.yaml``.
    :ivar instruments: ids of the questionnaires that measure the area (a finding of one of
        them opens it; listed by ``planengine areas``).
    """

    id: str
    title: str
    summary: str
    safety: str
    safety_note: str = ""
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_text)
    instruments: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_text)


@attrs.frozen
class Condition:
    """A documented condition a plugin registers, for contraindications (``conditions_any``,
    ``contraindications[].condition``) and assessments' ``context.conditions``.

    :ivar area: an area the condition brings into the plan when documented (``None``: none).
    """

    id: str
    title: str
    summary: str
    safety: str
    safety_note: str = ""
    area: str | None = None


_AREA_KEYS = {field.name for field in attrs.fields(Area)}
_CONDITION_KEYS = {field.name for field in attrs.fields(Condition)}


def _as_item(item: Any) -> Area | Condition:
    """``item``, or the :class:`Area` / :class:`Condition` a mapping with ``kind`` describes.

    :raises ValueError: naming what is wrong.
    """
    if isinstance(item, (Area, Condition)):
        return item
    if not isinstance(item, Mapping):
        raise ValueError(f"register takes an Area, a Condition or a mapping, not {type(item).__name__}")
    fields = dict(item)
    kind = fields.pop("kind", None)
    keys = {"area": _AREA_KEYS, "condition": _CONDITION_KEYS}.get(str(kind))
    if keys is None:
        raise ValueError(f"kind: {kind!r} is not 'area' or 'condition'")
    unknown = sorted(set(fields) - keys)
    if unknown:
        raise ValueError(f"{kind} {fields.get('id')!r}: unknown field {unknown[0]!r}")
    missing = sorted({"id", "title", "summary", "safety"} - set(fields))
    if missing:
        raise ValueError(f"{kind} {fields.get('id')!r}: missing field {missing[0]!r}")
    return Area(**fields) if kind == "area" else Condition(**fields)


def _problem(item: Area | Condition) -> str | None:
    """What is wrong with a registered item on its own, or ``None``."""
    from planengine.plan._risk_wording import no_risk_claim_path

    kind = "area" if isinstance(item, Area) else "condition"
    if not isinstance(item.id, str) or not _ID.match(item.id):
        return f"{kind} id {item.id!r} must be lower-case letters, digits and hyphens"
    for name in ("title", "summary"):
        value = getattr(item, name)
        if not isinstance(value, str) or not value.strip():
            return f"{kind} {item.id!r}: {name} must be non-empty text"
    if item.safety not in SAFETY_RELEVANCE:
        return f"{kind} {item.id!r}: safety must be one of {', '.join(SAFETY_RELEVANCE)}"
    if item.safety == "ask-about-risk" and not (
        isinstance(item.safety_note, str) and item.safety_note.strip()
    ):
        return f"{kind} {item.id!r}: safety ask-about-risk needs a safety_note"
    words = attrs.asdict(item)
    claim = no_risk_claim_path(words)
    if claim is not None:
        return f"{kind} {item.id!r}: {claim[2:]} rules out risk, which a plan never states"
    texts = item.keywords + item.instruments if isinstance(item, Area) else ()
    if not all(isinstance(text, str) and text.strip() for text in texts):
        return f"area {item.id!r}: keywords and instruments must be non-empty text"
    return None


def collect_vocabulary(
    loaded: LoadedPlugins,
    base: Vocabulary,
    *,
    strict: bool,
    notices: list[Notice],
    on_error: Callable[[PluginError], None],
) -> Vocabulary:
    """``base`` with the areas and conditions the plugins register, each checked as it arrives.

    :raises PluginError: in strict mode, for the first registration that fails its checks.
    """
    areas: dict[str, tuple[str, Area]] = {}
    conditions: dict[str, tuple[str, Condition]] = {}

    def bind(plugin: str) -> dict[str, Any]:
        def register(item: Any) -> None:
            try:
                checked = _as_item(item)
            except (TypeError, ValueError) as error:
                raise PluginError(str(error), plugin=plugin) from None
            problem = _problem(checked)
            if problem is not None:
                raise PluginError(problem, plugin=plugin)
            kind, taken = (
                ("area", areas) if isinstance(checked, Area) else ("condition", conditions)
            )
            built_in = base.areas if isinstance(checked, Area) else base.conditions
            if checked.id in built_in or checked.id == "safety":
                raise PluginError(
                    f"{kind} {checked.id!r} is a built-in {kind}: a plugin cannot replace it "
                    "(register content for it with a strategy instead)",
                    plugin=plugin,
                )
            if checked.id in taken:
                raise PluginError(
                    f"{kind} {checked.id!r} is already registered by plugin "
                    f"{taken[checked.id][0]!r}; plugins {taken[checked.id][0]!r} and {plugin!r} "
                    "conflict (block one with -p no:NAME)",
                    plugin=plugin,
                )
            taken[checked.id] = (plugin, checked)  # type: ignore[assignment]

        return {"register": register}

    call_each(loaded.manager, "register_vocabulary", bind, strict=strict, on_error=on_error)
    if not areas and not conditions:
        return base
    for condition_id, (plugin, condition) in sorted(conditions.items()):
        if condition.area is not None and condition.area not in {*base.areas, *areas}:
            failure = PluginError(
                f"condition {condition_id!r}: area {condition.area!r} is not a known area",
                plugin=plugin,
            )
            if strict:
                raise failure
            on_error(failure)
            del conditions[condition_id]
    return _extended(base, areas, conditions, notices)


def _extended(
    base: Vocabulary,
    areas: Mapping[str, tuple[str, Area]],
    conditions: Mapping[str, tuple[str, Condition]],
    notices: list[Notice],
) -> Vocabulary:
    """``base`` with the registered items (in id order, after the built-ins)."""
    from planengine.plan._goal_words import GoalWords, _parse

    look_alikes = base.risk_language.look_alikes
    words: dict[str, list[str]] = {a: list(p) for a, p in base.goal_words.phrases.items()}
    owner: dict[Any, str] = {
        _parse(phrase, look_alikes): area for area, listed in words.items() for phrase in listed
    }
    owner.update({_parse(phrase, look_alikes): "idioms" for phrase in base.goal_idioms})
    area_entries = dict(base.areas)
    sources = dict(base.sources)
    for area_id, (plugin, area) in sorted(areas.items()):
        area_entries[area_id] = _entry(area, plugin)
        sources[area_id] = f"plugin:{plugin}"
        kept: list[str] = []
        for keyword in area.keywords:
            parsed = _parse(keyword, look_alikes)
            if parsed in owner:
                holder = owner[parsed]
                notices.append(
                    Notice(
                        "vocabulary.keyword-taken",
                        f"keyword {keyword!r} of area {area_id!r} ({sources[area_id]}) is "
                        f"already listed under {holder!r} ({sources.get(holder, 'built-in')}); "
                        f"it stays with {holder!r}",
                        f"plugin:{plugin}",
                    )
                )
                continue
            owner[parsed] = area_id
            kept.append(keyword)
        words[area_id] = kept
    condition_entries = dict(base.conditions)
    for condition_id, (plugin, condition) in sorted(conditions.items()):
        condition_entries[condition_id] = _entry(condition, plugin)
        sources[condition_id] = f"plugin:{plugin}"
    return attrs.evolve(
        base,
        areas=area_entries,
        conditions=condition_entries,
        goal_words=GoalWords.from_data(words, list(base.goal_idioms), look_alikes),
        sources=sources,
    )


def _entry(item: Area | Condition, plugin: str) -> dict[str, Any]:
    """The vocabulary entry of a registered item (the built-in entries' keys, and more)."""
    entry: dict[str, Any] = {
        "title": item.title,
        "description": item.summary,
        "safety": item.safety,
        "source": f"plugin:{plugin}",
    }
    if item.safety_note:
        entry["safety_note"] = item.safety_note
    if isinstance(item, Area):
        entry["keywords"] = list(item.keywords)
        entry["instruments"] = list(item.instruments)
    elif item.area is not None:
        entry["area"] = item.area
        entry["summary"] = item.summary
    return entry


def known_area_instruments(
    instruments: dict[str, Any], vocabulary: Vocabulary, *, strict: bool, notices: list[Notice]
) -> dict[str, Any]:
    """``instruments`` without those whose area the vocabulary does not know (a plugin's
    instrument for an area no plugin registered), each named in a ``plugin.failed`` notice; and a
    ``vocabulary.unknown-instrument`` notice for a registered area naming an instrument that is
    not installed.

    :raises PluginError: in strict mode, for the first instrument of an unknown area.
    """
    kept: dict[str, Any] = {}
    for key, instrument in instruments.items():
        if instrument.area in vocabulary.areas:
            kept[key] = instrument
            continue
        failure = PluginError(
            f"instrument {key!r} measures area {instrument.area!r}, which is neither built in "
            "nor registered by a plugin (register_vocabulary)",
            plugin=str(getattr(instrument, "source", None) or key),
        )
        if strict:
            raise failure
        notices.append(Notice("plugin.failed", str(failure), "core"))
    for area_id, entry in vocabulary.areas.items():
        for wanted in entry.get("instruments", ()):
            if wanted not in kept:
                notices.append(
                    Notice(
                        "vocabulary.unknown-instrument",
                        f"area {area_id!r} ({vocabulary.source_of(area_id)}) names instrument "
                        f"{wanted!r}, which is not installed",
                        vocabulary.source_of(area_id),
                    )
                )
    return kept


def area_safety_notices(
    areas: Sequence[str], conditions: Sequence[str], vocabulary: Vocabulary
) -> list[Notice]:
    """A ``vocabulary.safety-relevant`` notice for each planned area and documented condition
    that a plugin registered with ``safety: ask-about-risk``: the clinician asks about risk
    before routine work (the core's own safety screen runs as always)."""
    notes = vocabulary.safety_notes()
    found: list[Notice] = []
    for item in (*areas, *conditions):
        if item in notes:
            title = (vocabulary.areas.get(item) or vocabulary.conditions[item])["title"]
            found.append(
                Notice(
                    "vocabulary.safety-relevant",
                    f"{title}: {notes[item]} Ask about risk to the patient and to others before "
                    "routine work; an unanswered question is not evidence of safety.",
                    vocabulary.source_of(item),
                )
            )
    return found
