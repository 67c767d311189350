"""A :class:`~._blocks.Document` written as one self-contained HTML page to read and to print.

No network and no script: the style sheet is inline, every text is escaped with the standard
library's :func:`html.escape`. The layout is dark text on white (contrast well above WCAG 2.1 AA,
4.5:1), readable on a phone (a viewport meta tag) and paginated for print on A4 or US Letter:
headings stay with what follows, table rows, list items and the signature block are not split
across pages, and the page size is left to the printer so that either paper works.
"""

from __future__ import annotations

from html import escape

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

__all__ = ["STYLE", "document_to_html"]

#: Colours: text #111 and headings #000 on #fff (18.9:1 and 21:1); notes #111 on #f3f3f3
#: (17:1); borders #595959 (7:1, also above the 3:1 AA asks of non-text contrast).
STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 48rem; padding: 1.25rem; color: #111; background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1, h2, h3, h4 { color: #000; line-height: 1.25; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid #595959; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .4rem 0 .7rem; }
.subtitle { margin-top: 0; }
.callout { border: 2px solid #595959; background: #f3f3f3; padding: .6rem .8rem; margin: .8rem 0;
  break-inside: avoid; page-break-inside: avoid; }
ul, ol { margin: .3rem 0 .8rem; padding-left: 1.5rem; }
li { margin: .15rem 0; break-inside: avoid; page-break-inside: avoid; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid #595959; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.table-wrap { overflow-x: auto; }
section.rules { border: 2px solid #595959; padding: .2rem .8rem .4rem; margin: .8rem 0; }
section.crisis td { height: 2.2rem; }
section.signatures td { height: 3.2rem; }
section.signatures { break-inside: avoid; page-break-inside: avoid; }
@media print {
  @page { margin: 15mm 14mm; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { font-size: 14pt; }
  h3 { font-size: 12pt; }
  .table-wrap { overflow: visible; }
  section.appendix { break-before: page; page-break-before: always; }
}
""".strip()


def _lead(lead: str, text: str) -> str:
    body = escape(one_line(text))
    if not lead:
        return body
    return f"<strong>{escape(one_line(lead))}</strong> {body}".rstrip()


def _items(items: tuple[Item, ...], ordered: bool, out: list[str]) -> None:
    tag = "ol" if ordered else "ul"
    out.append(f"<{tag}>")
    for item in items:
        out.append(f"<li>{_lead(item.lead, item.text)}")
        if item.children:
            _items(item.children, item.ordered, out)
        out.append("</li>")
    out.append(f"</{tag}>")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], out: list[str]) -> None:
    out.append('<div class="table-wrap"><table>')
    out.append("<thead><tr>" + "".join(f'<th scope="col">{escape(one_line(h))}</th>' for h in header) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{escape(one_line(c))}</td>" for c in row) + "</tr>")
    out.append("</tbody></table></div>")


def _block(block: Block, out: list[str]) -> None:
    if isinstance(block, Section):
        kind = f' class="{escape(block.kind)}"' if block.kind else ""
        out.append(f"<section{kind}>")
        out.append(f"<h{block.level}>{escape(one_line(block.title))}</h{block.level}>")
        for inner in block.blocks:
            _block(inner, out)
        out.append("</section>")
    elif isinstance(block, Paragraph):
        out.append(f"<p>{_lead(block.lead, block.text)}</p>")
    elif isinstance(block, Callout):
        out.append(f'<p class="callout">{_lead(block.lead, block.text)}</p>')
    elif isinstance(block, ItemList):
        _items(block.items, block.ordered, out)
    elif isinstance(block, Table):
        _table(block.header, list(block.rows), out)
    elif isinstance(block, Signatures):
        blank = ("",) * (len(block.header) - 1)
        _table(block.header, [(role, *blank) for role in block.roles], out)


def document_to_html(document: Document) -> str:
    """The document as a complete HTML page (UTF-8, ``lang="en"``, inline style, no script)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(one_line(document.title))}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        f'<body class="{escape(document.audience)}">',
        "<main>",
        f"<h1>{escape(one_line(document.title))}</h1>",
    ]
    if document.subtitle:
        out.append(f'<p class="subtitle">{escape(one_line(document.subtitle))}</p>')
    for section in document.sections:
        _block(section, out)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
