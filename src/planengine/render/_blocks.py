"""The shape of a plan document, apart from its format: sections of headings, paragraphs,
lists, tables, notes and a signature block.

The clinician's plan and the patient's copy are each built once as a :class:`Document`; the
Markdown and HTML writers (:mod:`._markdown`, :mod:`._html`) only lay it out, so the two formats
of one audience say the same things, word for word.
"""

from __future__ import annotations

from typing import Union

import attrs

__all__ = [
    "Block",
    "Callout",
    "Document",
    "Item",
    "ItemList",
    "Paragraph",
    "Section",
    "Signatures",
    "Table",
]


@attrs.frozen
class Paragraph:
    """A paragraph, optionally opened by a bold ``lead`` (``Long-term goal:``)."""

    text: str
    lead: str = ""


@attrs.frozen
class Callout:
    """A boxed note that must not be missed (the draft status, a warning)."""

    text: str
    lead: str = ""


@attrs.frozen
class Item:
    """A list item with an optional bold lead and sub-items."""

    text: str
    lead: str = ""
    children: tuple[Item, ...] = ()
    #: the sub-items are numbered (the steps of a step)
    ordered: bool = False


@attrs.frozen
class ItemList:
    """A bulleted or numbered list."""

    items: tuple[Item, ...]
    ordered: bool = False


@attrs.frozen
class Table:
    """A table with a header row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Signatures:
    """The sign-off block: one row per role, with blank name, signature and date."""

    header: tuple[str, ...]
    roles: tuple[str, ...]


Block = Union[Paragraph, Callout, ItemList, Table, Signatures, "Section"]


@attrs.frozen
class Section:
    """A headed part of the document (``level`` 2 for a part, 3 for a problem or step).

    :ivar kind: a name for styling and tests (``safety``, ``crisis``, ``appendix``, ...).
    """

    title: str
    blocks: tuple[Block, ...]
    level: int = 2
    kind: str = ""


@attrs.frozen
class Document:
    """A whole document: its title, the audience it is for and its sections."""

    title: str
    audience: str
    sections: tuple[Section, ...]
    #: the line under the title (who it is for, the date)
    subtitle: str = ""
