"""How the parsers word a refusal: a :class:`planengine.DocumentParseError` at a line and column,
on one line, and the refusal of a number with too many digits to read."""

from __future__ import annotations

import re
import sys

from planengine._errors import DocumentParseError

__all__ = ["INT_LIMIT_MESSAGE", "error_at", "line_column", "one_line", "too_many_digits"]

#: Part of the message Python gives for an integer longer than ``sys.get_int_max_str_digits()``.
INT_LIMIT_MESSAGE = "integer string conversion"


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def error_at(
    message: str, name: str, position: tuple[int, int] | None, path: str | None = None
) -> DocumentParseError:
    """A parse error at ``position`` (line, column), when it is known."""
    line, column = position if position else (None, None)
    return DocumentParseError(message, file=name, line=line, column=column, path=path)


def too_many_digits(text: str, name: str) -> DocumentParseError:
    """The error for a number too long to read, at the first such number in ``text``."""
    limit = sys.get_int_max_str_digits()
    position = next(
        (line_column(text, m.start()) for m in re.finditer(r"\d+", text) if len(m[0]) > limit),
        None,
    )
    return error_at(
        f"a number has more than {limit} digits; no field takes a number that long", name, position
    )


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines too) as one space."""
    return " ".join(text.split())
