"""The one mechanism that writes a record's JSON form (planengine._json_form): each conversion and
omission, the two compiled functions agreeing, and fresh copies from ``to_dict``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planengine._json_form import (
    ARGUMENT,
    DATE,
    DICT,
    FORM,
    FORMS,
    IF_EMPTY,
    IF_NONE,
    LIST,
    NULL,
    NUMBERED_FORMS,
    json_form,
    key,
)
from planengine.io._json_text import json_text


@attrs.frozen
class Leaf:
    name: str
    to_dict = json_form(key("name"))


@attrs.frozen
class Step:
    name: str
    to_dict = json_form(key("place", as_=ARGUMENT), key("name"))


@attrs.define
class Record:
    text: str
    day: dt.date
    when: dt.date | None
    tags: list[str]
    table: dict[str, int]
    leaf: Leaf | None
    leaves: tuple[Leaf, ...]
    steps: tuple[Step, ...]
    note: str | None

    to_dict = json_form(
        key("renamed", "text"),
        key("day", as_=DATE),
        key("when", as_=DATE, omit=NULL),
        key("tags", as_=LIST, omit=IF_EMPTY),
        key("table", as_=DICT),
        key("leaf", as_=FORM, omit=IF_NONE),
        key("leaves", as_=FORMS),
        key("numbered", "steps", as_=NUMBERED_FORMS),
        key("note", omit=IF_EMPTY),
        key("fixed", constant="always"),
        key("derived", function=lambda r: len(r.tags)),
        doc="A record for the tests.",
    )


def record(**changes: Any) -> Record:
    values: dict[str, Any] = {
        "text": "t",
        "day": dt.date(2026, 11, 25),
        "when": None,
        "tags": ["a"],
        "table": {"k": 1},
        "leaf": Leaf("x"),
        "leaves": (Leaf("y"), Leaf("z")),
        "steps": (Step("s"), Step("u")),
        "note": "",
    }
    return Record(**{**values, **changes})


def test_each_key_is_written_as_declared_in_order() -> None:
    assert record().to_dict() == {
        "renamed": "t",
        "day": "2026-11-25",
        "when": None,
        "tags": ["a"],
        "table": {"k": 1},
        "leaf": {"name": "x"},
        "leaves": [{"name": "y"}, {"name": "z"}],
        "numbered": [{"place": 1, "name": "s"}, {"place": 2, "name": "u"}],
        "fixed": "always",
        "derived": 1,
    }
    assert list(record().to_dict()) == [
        "renamed",
        "day",
        "when",
        "tags",
        "table",
        "leaf",
        "leaves",
        "numbered",
        "fixed",
        "derived",
    ]


@pytest.mark.parametrize(
    ("changes", "present", "absent"),
    [
        ({"tags": []}, {}, {"tags"}),
        ({"leaf": None}, {}, {"leaf"}),
        ({"note": None}, {}, {"note"}),
        ({"note": "n"}, {"note": "n"}, set()),
        ({"when": dt.date(2027, 1, 2)}, {"when": "2027-01-02"}, set()),
        ({"when": None}, {"when": None}, set()),
    ],
)
def test_omissions(changes: dict[str, Any], present: dict[str, Any], absent: set[str]) -> None:
    form = record(**changes).to_dict()
    assert present.items() <= form.items()
    assert not absent & set(form)


def test_to_dict_copies_what_it_writes() -> None:
    item = record()
    form = item.to_dict()
    form["tags"].append("b")
    form["table"]["k"] = 2
    assert item.tags == ["a"] and item.table == {"k": 1}


def test_the_compiled_function_replaces_the_declaration_and_keeps_its_doc() -> None:
    assert Record.to_dict.__doc__ == "A record for the tests."
    assert Record.to_dict.__qualname__ == "Record.to_dict"
    assert type(Record.__dict__["to_dict"]).__name__ == "function"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": "a", "attribute": "not a name"}, "not an attribute name"),
        ({"name": "a", "as_": "upper"}, "unknown conversion"),
        ({"name": "a", "omit": "sometimes"}, "unknown conversion"),
        ({"name": "a", "json_function": len}, "json_function without function"),
    ],
)
def test_a_bad_key_is_refused_when_declared(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        key(**arguments)


texts = st.text(max_size=5)
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))


@given(
    text=texts,
    day=dates,
    when=st.none() | dates,
    tags=st.lists(texts, max_size=3),
    table=st.dictionaries(texts, st.integers(-5, 5), max_size=3),
    leaf=st.none() | st.builds(Leaf, texts),
    leaves=st.lists(st.builds(Leaf, texts), max_size=3).map(tuple),
    steps=st.lists(st.builds(Step, texts), max_size=3).map(tuple),
    note=st.none() | texts,
)
def test_the_form_for_orjson_writes_the_same_text(**values: Any) -> None:
    item = Record(**values)
    assert json_text(item._json_data()) == json_text(item.to_dict())  # type: ignore[attr-defined]


@attrs.define
class Shared:
    tags: list[str]

    to_dict = json_form(
        key("tags", function=lambda r: list(r.tags), json_function=lambda r: r.tags),
    )


def test_a_json_function_writes_the_form_for_orjson_alone() -> None:
    item = Shared(["a", "b"])
    assert item._json_data()["tags"] is item.tags  # type: ignore[attr-defined]
    assert item.to_dict()["tags"] == item.tags
    assert item.to_dict()["tags"] is not item.tags
