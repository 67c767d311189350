"""Crisis resources: the lines and numbers a patient is shown beside any risk-related message.

They belong to the clinic, not the code ([DN-risk-flags]: "show crisis resources next to any
risk-related message"; [R30] step 5). planengine ships lists per locale as data
(``data/crisis-resources.yaml``, checked against ``schemas/crisis-resources.schema.json``, each
entry with its source and whether that source confirmed it), but uses one only when the clinic
names its locale (``crisis-locale``); the clinic's own ``crisis-resources`` win over it, by id.

There is no default locale: a number that is right in one country is wrong, or a stranger's
phone, in another. A plan or review with an open risk flag and no configured resources says so
loudly (:data:`RULE_NO_RESOURCES`) and shows no number at all.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from planengine._errors import ConfigError
from planengine._json_form import FORMS, IF_NONE, LIST, json_form, key
from planengine._records import Notice

__all__ = [
    "CONFIG_SOURCE",
    "CRISIS_HEADING",
    "NO_ABUSE_RESOURCES_MESSAGE",
    "NO_RESOURCES_MESSAGE",
    "RULE_NO_ABUSE_RESOURCES",
    "RULE_NO_RESOURCES",
    "RULE_UNCONFIRMED",
    "CrisisResource",
    "CrisisResources",
    "check_locale",
    "crisis_notices",
    "crisis_resources_from_config",
    "resolve_crisis_resources",
    "shipped_locales",
]

RULE_NO_RESOURCES = "safety.no-crisis-resources"
RULE_UNCONFIRMED = "safety.crisis-resource-unconfirmed"
RULE_NO_ABUSE_RESOURCES = "safety.no-abuse-resources"
#: Provenance of a clinic's own resources; shipped ones are ``data:crisis-resources/<locale>``.
CONFIG_SOURCE = "config:crisis-resources"
DATA_SOURCE = "data:crisis-resources"
CRISIS_HEADING = "If you are in crisis now"
NO_RESOURCES_MESSAGE = (
    "No crisis resources are configured for this clinic: set crisis-locale or crisis-resources "
    "in [tool.planengine.plan] (crisis_locale or crisis_resources in Python) before giving this "
    "to the patient. planengine shows no crisis line rather than one that may be wrong for the "
    "patient's country. Until then, give the patient the local crisis and emergency numbers by "
    "hand (in the safety plan, where there is one)."
)
NO_ABUSE_RESOURCES_MESSAGE = (
    "Abuse is documented, or the patient's words speak of harm from someone else, but no "
    "domestic-abuse service is configured for this clinic: add one to crisis-resources (for = [\"abuse\"]) or set crisis-locale. Until then, "
    "give the patient the local domestic-abuse helpline privately, in the safety assessment."
)

#: the fields that say how to reach a resource and when, in the order the JSON form writes them
_CONTACT_FIELDS = (
    "phone",
    "text",
    "text_keyword",
    "url",
    "instructions",
    "availability",
    "cost",
    "use_when",
    "region",
)
_TEXT_FIELDS = (*_CONTACT_FIELDS, "checked_on", "note")


@attrs.frozen
class CrisisResource:
    """One crisis line or emergency number.

    :ivar id: stable id (a clinic resource with a shipped resource's id replaces it).
    :ivar source: where it came from: ``data:crisis-resources/<locale>`` or
        ``config:crisis-resources``.
    :ivar confirmed: whether its source confirmed every detail (``note`` says what to check when
        not); a clinic's own resources are confirmed unless it says otherwise.
    :ivar citation: the pages it was checked against (``source`` in the data file).
    """

    id: str
    name: str
    source: str
    phone: str | None = None
    text: str | None = None
    text_keyword: str | None = None
    url: str | None = None
    instructions: str | None = None
    availability: str | None = None
    cost: str | None = None
    use_when: str | None = None
    region: str | None = None
    confirmed: bool = True
    citation: str | None = None
    checked_on: str | None = None
    note: str | None = None
    #: what it serves: ``crisis`` (beside every open flag) and/or ``abuse`` (beside a documented
    #: intimate-partner violence flag, for the clinician to give privately)
    serves: tuple[str, ...] = ("crisis",)

    def how_to_reach(self) -> str:
        """``call 111 (choose the mental health option)``, ``call or text 988, or online: ...``."""
        ways: list[str] = []
        if self.phone and self.phone == self.text and not self.text_keyword:
            ways.append(f"call or text {self.phone}")
        else:
            if self.phone:
                ways.append(f"call {self.phone}")
            if self.text and self.text_keyword:
                ways.append(f"text {self.text_keyword} to {self.text}")
            elif self.text:
                ways.append(f"text {self.text}")
        if self.instructions and self.phone:
            ways[0] += f" ({self.instructions})"
        if self.url:
            ways.append(f"online: {self.url}")
        if self.instructions and not self.phone:
            ways.append(self.instructions)
        return ", or ".join(ways)

    def patient_line(self) -> str:
        """The resource in one plain-text line a patient can act on: who, how to reach them,
        when to use it, when they answer, what it costs and where they serve."""
        line = f"{self.name}: {self.how_to_reach()}"
        if self.use_when:
            line += f" {self.use_when}"
        details = [d for d in (self.availability, self.cost) if d]
        if self.region:
            details.append(f"in {self.region}")
        if details:
            line += "; " + "; ".join(details)
        return line + "."

    to_dict = json_form(
        key("id"),
        key("name"),
        *(key(name, omit=IF_NONE) for name in _CONTACT_FIELDS),
        key("for", "serves", as_=LIST),
        key("confirmed"),
        *(key(name, omit=IF_NONE) for name in ("citation", "checked_on", "note")),
        key("source"),
        doc="JSON-ready form (fields that are not set are left out).",
    )


@attrs.frozen
class CrisisResources:
    """The crisis resources a plan or review shows, and the locale they came from.

    :ivar locale: the configured ``crisis-locale`` (``None`` when none was set).
    :ivar resources: the clinic's own first, then the locale's it did not replace.
    """

    locale: str | None = None
    resources: tuple[CrisisResource, ...] = ()

    @property
    def for_crisis(self) -> tuple[CrisisResource, ...]:
        """The crisis lines and emergency numbers, shown beside every open flag."""
        return tuple(r for r in self.resources if "crisis" in r.serves)

    @property
    def for_abuse(self) -> tuple[CrisisResource, ...]:
        """The domestic-abuse services (and emergency numbers), shown beside a documented
        intimate-partner violence flag, for the clinician to give privately."""
        return tuple(r for r in self.resources if "abuse" in r.serves)

    def shown(self, *, abuse: bool) -> CrisisResources:
        """The resources a plan carries: the crisis lines, and the domestic-abuse services only
        where abuse is documented (a helpline's number on a copy an abusive partner finds can put
        the patient in danger, R-SC20)."""
        if abuse:
            return self
        return CrisisResources(self.locale, self.for_crisis)

    @property
    def unconfirmed(self) -> tuple[CrisisResource, ...]:
        """The resources whose source did not confirm every detail."""
        return tuple(r for r in self.resources if not r.confirmed)

    to_dict = json_form(
        key("locale"),
        key("resources", as_=FORMS),
        doc='JSON-ready form: ``{"locale": ..., "resources": [...]}``.',
    )


def _resource(data: Mapping[str, Any], *, source: str, default_id: str) -> CrisisResource:
    values = {name: data.get(name) for name in _TEXT_FIELDS}
    return CrisisResource(
        id=str(data.get("id") or default_id),
        name=str(data["name"]),
        source=source,
        confirmed=bool(data.get("confirmed", True)),
        citation=data.get("source"),
        serves=tuple(data.get("for", ("crisis",))),
        **values,
    )


@functools.lru_cache(maxsize=1)
def shipped_locales() -> Mapping[str, tuple[CrisisResource, ...]]:
    """The shipped resources by locale code (read and checked against the schema once).

    :raises planengine.DocumentSchemaError: when the shipped file breaks its schema (a packaging
        bug).
    """
    from planengine._cache import shipped_data

    def check(data: Any) -> None:
        from planengine._errors import DocumentSchemaError
        from planengine.io._schema_check import check_schema

        issues = check_schema(data, "crisis-resources")
        if issues:
            name = "planengine/data/crisis-resources.yaml"
            raise DocumentSchemaError(issues[0].message, file=name, path=issues[0].path_text)

    data = shipped_data("data/crisis-resources.yaml", check=check)  # checked once, then cached
    return MappingProxyType(
        {
            code: tuple(
                _resource(item, source=f"{DATA_SOURCE}/{code}", default_id="")
                for item in locale["resources"]
            )
            for code, locale in sorted(data["locales"].items())
        }
    )


def check_locale(value: object, key: str) -> str | None:
    """``value`` when it is ``None`` or a locale planengine ships resources for.

    :param key: the setting's name for the message (``plan.crisis-locale``, ``crisis_locale``).
    :raises ConfigError: naming ``key`` and the known locales.
    """
    if value is None:
        return None
    known = shipped_locales()
    if not isinstance(value, str) or value not in known:
        hint = " (the United Kingdom's ISO 3166 code is GB)" if value == "UK" else ""
        raise ConfigError(
            f"{key} must be one of {', '.join(known)} (the locales planengine ships crisis "
            f"resources for), not {value!r}{hint}; list your own under crisis-resources instead"
        )
    return value


def crisis_resources_from_config(value: object, key: str) -> tuple[CrisisResource, ...]:
    """A clinic's own resources, from a list of tables (TOML) or mappings (Python); items that are
    already :class:`CrisisResource` objects are kept as they are.

    :param key: the setting's name for the message (``plan.crisis-resources``).
    :raises ConfigError: one line naming ``key``, the item and the field.
    """
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ConfigError(
            f"{key} must be a list of tables ({{name = ..., phone = ...}}), not {value!r}"
        )
    found: list[CrisisResource] = []
    for number, item in enumerate(value):
        where = f"{key}[{number}]"
        if isinstance(item, CrisisResource):
            found.append(item)
            continue
        if not isinstance(item, Mapping):
            raise ConfigError(
                f"{where} must be a table with name and phone, text or url, not {item!r}"
            )
        data = dict(item)
        if "name" in data and not any(k in data for k in ("phone", "text", "url")):
            raise ConfigError(f"{where}: needs a phone, text or url to reach it")
        from planengine.io._schema_check import element_problem

        problem = element_problem("crisis-resources", "/$defs/resource", data)
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")
        found.append(_resource(data, source=CONFIG_SOURCE, default_id=f"clinic-{number + 1}"))
    ids = [r.id for r in found]
    for number, resource_id in enumerate(ids):
        if resource_id in ids[:number]:
            raise ConfigError(f"{key}[{number}]: id {resource_id!r} is given twice")
    return tuple(found)


def resolve_crisis_resources(
    locale: str | None, own: Iterable[CrisisResource] = ()
) -> CrisisResources:
    """The resources to show: the clinic's own first (in its order), then the locale's whose id
    none of the clinic's has."""
    own = tuple(own)
    replaced = {r.id for r in own}
    shipped = shipped_locales()[locale] if locale is not None else ()
    return CrisisResources(locale, own + tuple(r for r in shipped if r.id not in replaced))


def crisis_notices(
    crisis: CrisisResources, *, open_flag: bool, abuse_flag: bool = False
) -> tuple[Notice, ...]:
    """What the clinician must know about the crisis resources: none configured while a risk flag
    is open (loud, :data:`RULE_NO_RESOURCES`), no domestic-abuse service while documented abuse
    is flagged (:data:`RULE_NO_ABUSE_RESOURCES`), or some shown that their source did not
    confirm."""
    notices: list[Notice] = []
    if open_flag and not crisis.for_crisis:
        notices.append(Notice(RULE_NO_RESOURCES, NO_RESOURCES_MESSAGE, f"rule:{RULE_NO_RESOURCES}"))
    if abuse_flag and not crisis.for_abuse:
        notices.append(
            Notice(
                RULE_NO_ABUSE_RESOURCES,
                NO_ABUSE_RESOURCES_MESSAGE,
                f"rule:{RULE_NO_ABUSE_RESOURCES}",
            )
        )
    unconfirmed = crisis.unconfirmed
    if unconfirmed:
        names = "; ".join(f"{r.name} ({r.id}, {r.source})" for r in unconfirmed)
        notices.append(
            Notice(
                RULE_UNCONFIRMED,
                f"Not every detail of these crisis resources is confirmed: {names}. Check them "
                "(see each one's note) before giving this to the patient, or list the clinic's "
                "own under crisis-resources.",
                f"rule:{RULE_UNCONFIRMED}",
            )
        )
    return tuple(notices)
