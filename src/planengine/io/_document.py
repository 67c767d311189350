"""The :class:`Document`: a parsed file's plain data, its format, and the way back to source
positions (computed lazily, from the JSON text or from the YAML node tree)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from planengine.io._json import UNSURE, json_locate
from planengine.io._yaml import child_node, compose

__all__ = ["Document", "refuse_path"]


@attrs.frozen
class Document:
    """A parsed file: its data, its format, and the way back to source positions.

    :ivar path: the file name as the user gave it (used in messages).
    :ivar data: plain Python data; YAML dates and timestamps stay strings.
    :ivar format: ``"yaml"`` or ``"json"``.
    """

    path: str
    data: Any
    format: str
    text: str | None = attrs.field(default=None, repr=False, eq=False)
    _nodes: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False, init=False)

    @property
    def has_non_finite_numbers(self) -> bool:
        """Whether the data holds a NaN or infinite float (YAML's ``.nan``/``.inf``; JSON has
        neither, and a JSON number too large for a float is refused when parsed)."""
        return bool(self._nodes.get("non_finite"))

    def locate(self, json_path: Sequence[str | int]) -> tuple[int, int] | None:
        """Return the 1-based ``(line, column)`` of the node at ``json_path``.

        When the path does not exist in the file (a missing required property, say), the position of
        its nearest existing ancestor is returned. ``None`` when the text is not available or cannot be
        composed (rare JSON that is not also YAML).
        """
        # A finding is often located twice (the review's reader, then the SMART checks): once
        # is enough.
        key = tuple(json_path)
        positions = self._nodes.get("positions")
        if positions is None:
            positions = self._nodes["positions"] = {}
        elif key in positions:
            return positions[key]  # type: ignore[no-any-return]
        found = positions[key] = self._locate(key)
        return found

    def _locate(self, json_path: tuple[str | int, ...]) -> tuple[int, int] | None:
        if self.format == "json" and self.text is not None and "root" not in self._nodes:
            found = json_locate(self.text, json_path, self._nodes)
            if found is not UNSURE:
                return found  # type: ignore[no-any-return]
        root = self._root()
        if root is None:
            return None
        node = root
        for part in json_path:
            child = child_node(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _root(self) -> Any:
        if "root" not in self._nodes:
            self._nodes["root"] = compose(self.text) if self.text is not None else None
        return self._nodes["root"]


def refuse_path(source: object, function: str) -> None:
    """A function that takes a loaded document is given a path instead: say which loader reads it.

    :raises TypeError: for a ``str``, ``bytes`` or :class:`os.PathLike` (checked by its
        ``__fspath__``, so that :mod:`os` is not needed here).
    """
    if isinstance(source, (str, bytes)) or hasattr(type(source), "__fspath__"):
        raise TypeError(
            f"{function}() takes a Document (see load_document) or a mapping, not "
            f"{type(source).__name__}: use {function}(planengine.load_document(path), ...)"
        )
