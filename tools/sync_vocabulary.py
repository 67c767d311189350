"""Write the vocabulary's ids into the schemas: the one list of areas and conditions is
``src/planengine/data/vocabulary.yaml``; the ``examples`` of each schema's ``$defs/area`` (and
``$defs/condition``, where it has one) are generated from it, so that other tools and readers of
the bare schema files see the built-in ids. They are examples, not an ``enum``: plugins register
more (``register_vocabulary``), and the engine checks ids against its registry in code. Each list
keeps its file's layout.

Usage: python tools/sync_vocabulary.py [--check]   (--check: exit 1 naming what is out of date)
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "src" / "planengine" / "data" / "vocabulary.yaml"
#: schema file -> the ``$defs`` whose ``enum`` the vocabulary writes, and the vocabulary key
TARGETS = {
    "assessment.schema.json": {"area": "areas", "condition": "conditions"},
    "instrument.schema.json": {"area": "areas"},
    "strategy.schema.json": {"area": "areas"},
}


def _ids(kind: str) -> list[str]:
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    return list(data[kind])


def _enum_span(text: str, definition: str) -> tuple[int, int]:
    """Where the list of ``$defs/<definition>/examples`` stands in the file's text (``[`` to ``]``)."""
    defs = text.index('"$defs"')
    key = re.compile(rf'"{re.escape(definition)}"\s*:\s*\{{\s*"examples"\s*:\s*\[')
    found = key.search(text, defs)
    if found is None:
        raise SystemExit(f"no $defs/{definition}/examples to write")
    start = found.end() - 1
    return start, text.index("]", start) + 1


def _layout(old: str, ids: list[str]) -> str:
    """``ids`` as a JSON list laid out as ``old`` is: on one line, one a line, or wrapped."""
    items = [json.dumps(i) for i in ids]
    if "\n" not in old:
        return "[" + ", ".join(items) + "]"
    lines = old.splitlines()
    indent = re.match(r"\s*", lines[1]).group(0)
    closing = re.match(r"\s*", lines[-1]).group(0)
    if len(lines) - 2 == len(json.loads(old)):  # one a line
        return "[\n" + ",\n".join(indent + item for item in items) + "\n" + closing + "]"
    wrapped, line = [], indent
    for item in items:
        piece = item + ", "
        if len(line) + len(piece) > 100 and line.strip():
            wrapped.append(line.rstrip())
            line = indent
        line += piece
    wrapped.append(line.rstrip().rstrip(","))
    return "[\n" + "\n".join(wrapped) + "\n" + closing + "]"


def out_of_date() -> dict[pathlib.Path, str]:
    """Schema file -> its text with the vocabulary's ids, for every file that differs."""
    changed = {}
    for name, definitions in TARGETS.items():
        path = ROOT / "schemas" / name
        text = path.read_text(encoding="utf-8")
        new = text
        for definition, kind in definitions.items():
            start, end = _enum_span(new, definition)
            new = new[:start] + _layout(new[start:end], _ids(kind)) + new[end:]
        if new != text:
            changed[path] = new
    return changed


def main(argv: list[str]) -> int:
    """Write (or, with ``--check``, only report) the schemas whose ids are out of date."""
    changed = out_of_date()
    for path, text in changed.items():
        if "--check" in argv:
            print(f"{path.relative_to(ROOT)}: its ids differ from vocabulary.yaml; run tools/sync_vocabulary.py")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if changed and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
