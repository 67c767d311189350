"""A :class:`~._blocks.Document` written as Markdown (CommonMark with GitHub tables)."""

from __future__ import annotations

import re

from planengine._printable import printable_lines
from planengine.render._blocks import (
    Block,
    Callout,
    Document,
    Item,
    ItemList,
    Paragraph,
    Section,
    Signatures,
    Table,
)
from planengine.render._words import one_line

__all__ = ["document_to_markdown", "neutralise_markup"]

#: ``<`` that could open an HTML tag or comment (``<b``, ``</``, ``<!``, ``<?``); comparators
#: such as ``<= 4`` are left alone.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")

#: A link reference definition (``[1]: http://...``) at a line start, also inside list items and
#: quotes: it would turn ``[text][1]`` anywhere in the document into a live link.
_LINK_DEFINITION = re.compile(r"^([ \t>*+\-\d.)]*)\[(?=[^\]\n]*\]:)", re.M)


def neutralise_markup(markdown: str) -> str:
    """Markdown with every would-be HTML tag written as text (``&lt;``), every link or image
    target escaped (``]\\(``) and every link reference definition escaped (``\\[1]:``), so
    that text from a file or a plugin (a patient's words, say) cannot inject markup or links
    where the Markdown is shown. The engine's own Markdown uses none of them. Control
    characters (a terminal escape in a ``patient.id``) are escaped (:func:`printable_lines`)."""
    text = _TAG_START.sub("&lt;", printable_lines(markdown)).replace("](", "]\\(")
    return _LINK_DEFINITION.sub(r"\1\\[", text)


def _lead(lead: str, text: str) -> str:
    if not lead:
        return one_line(text)
    return f"**{one_line(lead)}** {one_line(text)}".rstrip()


def _cell(text: str) -> str:
    return one_line(text).replace("|", "\\|")


def _items(items: tuple[Item, ...], ordered: bool, indent: str, out: list[str]) -> None:
    for number, item in enumerate(items, start=1):
        marker = f"{number}." if ordered else "-"
        out.append(f"{indent}{marker} {_lead(item.lead, item.text)}")
        if item.children:
            _items(item.children, item.ordered, indent + " " * (len(marker) + 1), out)


def _block(block: Block, out: list[str]) -> None:
    if isinstance(block, Section):
        out += [f"{'#' * block.level} {one_line(block.title)}", ""]
        for inner in block.blocks:
            _block(inner, out)
    elif isinstance(block, Paragraph):
        out += [_lead(block.lead, block.text), ""]
    elif isinstance(block, Callout):
        out += [f"> {_lead(block.lead, block.text)}", ""]
    elif isinstance(block, ItemList):
        _items(block.items, block.ordered, "", out)
        out.append("")
    elif isinstance(block, Table):
        out.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
        out.append("|" + "---|" * len(block.header))
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
        out.append("")
    elif isinstance(block, Signatures):
        out.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
        out.append("|" + "---|" * len(block.header))
        blanks = " |" * (len(block.header) - 1)
        out += [f"| {_cell(role)} |{blanks}" for role in block.roles]
        out.append("")


def document_to_markdown(document: Document) -> str:
    """The document as Markdown, markup from its text neutralised (:func:`neutralise_markup`)."""
    out = [f"# {one_line(document.title)}", ""]
    if document.subtitle:
        out += [one_line(document.subtitle), ""]
    for section in document.sections:
        _block(section, out)
    while out and out[-1] == "":
        out.pop()
    return neutralise_markup("\n".join(out) + "\n")
