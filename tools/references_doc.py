"""Write ``docs/references.md`` from the shipped bibliography (``src/planengine/data/references.yaml``):
the sources, the design notes and the stepped-care rules, each under the id it is cited with.

Usage: python tools/references_doc.py [--check]   (--check: exit 1 when the page is out of date)
"""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "references.md"

_INTRO = """\
# References

Every source, design note and stepped-care rule that planengine's code, data, schemas,
strategies and SARIF output cite, by the id they are cited with (`[R42]`, `[S2]`,
`[DN-smart-checks]`, `R-SC5`; a plan cites the rules as `stepped-care.R-SCn`). The data is
`src/planengine/data/references.yaml`, shipped in the package; `planengine rules CODE` and the
clinician document's appendix print the entries they rest on. This page is generated from it by
`python tools/references_doc.py` (a test checks that it is up to date).

How a source was used: **opened** = read when the facts were gathered (sometimes through a
reproduction or an abstract page); **cited** = named from the literature, not opened. Facts carry
their own marks where they are used: **V** checked in a source that was opened, **L** from the
literature but not re-opened (kept behind configuration), **U** unconfirmed (configurable, never
hard-coded). A design note is the project's own reasoning, not a fact from a source.

What a plan prints: a plan document's reference list names clinical sources only. A source marked
**Context** (US payer or state rules: regulatory context, not clinical guidance) stays here, in
`planengine rules` and in SARIF, but no plan lists it, and a design note's **Regulatory context**
is left out of a plan too. A source read in a secondary copy (a blog, a full-text copy, a
calculator page) is printed in a plan with its primary citation, its primary address and its
honesty mark; the copy's address (**read via**) is kept here as the evidence trail.
"""

_SECTIONS = (
    ("source", "Sources"),
    ("design-note", "Design notes"),
    ("rule", "Stepped-care rules"),
)


def _natural(key: str) -> list[int | str]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key)]


def render() -> str:
    """The page's text."""
    sys.path.insert(0, str(ROOT / "src"))
    from planengine._references import references

    entries = references()
    out = [_INTRO]
    for kind, heading in _SECTIONS:
        out.append(f"\n## {heading}\n\n")
        keys = [k for k, e in entries.items() if e.kind == kind]
        if kind != "rule":
            keys.sort(key=_natural)
        for key in keys:
            entry = entries[key]
            if kind == "source":
                full = entry.full_text().removeprefix(f"{key}: ")
                lines = [f"- **{key}** {full}", f"  Used for: {entry.supports}"]
                if entry.context:
                    lines.append(f"  Context: {entry.context} (not listed in a plan).")
            else:
                lines = [f"- **{key}** {entry.text}. {entry.supports}"]
                if entry.regulatory_context:
                    lines.append(
                        f"  Regulatory context (not in a plan): {entry.regulatory_context}"
                    )
                if entry.derived_from:
                    lines.append(f"  From: {', '.join(entry.derived_from)}.")
            if entry.note:
                lines.append(f"  Review note: {entry.note}")
            if entry.background:
                lines.append("  Background: not cited by shipped text today.")
            out.append("\n".join(lines) + "\n")
    return "".join(out)


def main(argv: list[str]) -> int:
    """Write the page, or with ``--check`` exit 1 when it differs from the data."""
    text = render()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            sys.stderr.write(
                f"{PAGE.relative_to(ROOT)} is out of date: run tools/references_doc.py\n"
            )
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
