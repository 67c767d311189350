"""Where something is in an input: the one location type every finding and error carries.

:class:`Location` is shared by :class:`~planengine.InputError` (and its subclasses), SMART
violations, review findings, schema issues and the review's unreadable-file errors, and it is
formatted one way: ``file:line:column: $.path``, leaving out what is not known.
"""

from __future__ import annotations

import attrs

from planengine._printable import printable

__all__ = ["Located", "Location"]

#: What a location's position reads as when the input came from no file (an in-memory mapping).
NO_FILE = "<data>"


@attrs.frozen
class Location:
    """Where a finding or error is: the file, the 1-based line and column, and the JSON path.

    Each part is ``None`` when it is not known: in-memory input has no file and no position, a
    file-level error (empty, not UTF-8) has no line, and an error about the whole input has no path.

    :ivar file: the file name, as the user gave it.
    :ivar line: 1-based line of the value.
    :ivar column: 1-based column of the value.
    :ivar json_path: JSONPath text of the value, e.g. ``$.goals[0].measure.target``.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    json_path: str | None = None

    @property
    def where(self) -> str:
        """``file:line:column`` as far as known; ``<data>`` stands for the file of in-memory input.

        The position part of :meth:`__str__`; reporters that put the path elsewhere in a line
        (``file:3:5: M203 [M] message ($.goals[0])``) print this.
        """
        where = NO_FILE if self.file is None else printable(self.file)
        if self.line is None:
            return where
        if self.column is None:
            return f"{where}:{self.line}"
        return f"{where}:{self.line}:{self.column}"

    def __str__(self) -> str:
        """``file:line:column: $.path``, leaving out what is not known; the position is left out
        altogether for input that came from no file (a line in no file tells a reader nothing)."""
        parts = [] if self.file is None else [self.where]
        if self.json_path:
            parts.append(self.json_path)
        return ": ".join(parts)


#: The whole of an in-memory input (``$``, no file): the default of a finding built without one.
WHOLE_INPUT = Location(json_path="$")


class Located:
    """What every finding and error that carries a :class:`Location` reads from it: ``file``,
    ``json_path``, ``line``, ``column`` and ``where`` (one definition, so the types cannot drift
    apart)."""

    __slots__ = ()
    location: Location

    @property
    def file(self) -> str | None:
        """The file, ``None`` for in-memory data."""
        return self.location.file

    @property
    def json_path(self) -> str:
        """JSONPath text of the value, e.g. ``$.goals[0].progress[2].date`` (``$``: the whole
        file)."""
        return self.location.json_path or "$"

    @property
    def line(self) -> int | None:
        """1-based line, when known."""
        return self.location.line

    @property
    def column(self) -> int | None:
        """1-based column, when known."""
        return self.location.column

    @property
    def where(self) -> str:
        """``file:line:column`` as far as known (:attr:`Location.where`)."""
        return self.location.where
