"""Text from a file or a file name made safe to print: control characters escaped.

A file name or a ``patient.id`` is whatever the user's system or form allowed; printed raw, an
escape sequence in it can recolour a terminal, hide text or move the cursor, and a newline in it
breaks the one-line-per-error rule. Every such value passes :func:`printable` before it is
printed in text or Markdown (JSON escapes them itself).
"""

from __future__ import annotations

import re

__all__ = ["printable", "printable_lines", "shorten_numbers"]

#: As :data:`_UNPRINTABLE`, but a newline (and a tab) stays: for whole reports.
_UNPRINTABLE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional overrides
#: and isolates (which reorder what a terminal shows).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``)."""
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """A whole report as a person reads it: every control character but newline and tab
    escaped, and every number over 40 digits shortened (``999999...999 (a 401-digit number)``),
    the one pass text and Markdown reports go through, whatever field the text came from."""
    return shorten_numbers(_UNPRINTABLE_IN_LINES.sub(_escape, text))


#: A number long enough to flood a terminal line when a message quotes it.
_LONG_NUMBER = re.compile(r"\d{41,}")


def _shorten(found: re.Match[str]) -> str:
    digits = found[0]
    return f"{digits[:6]}...{digits[-3:]} (a {len(digits)}-digit number)"


def shorten_numbers(text: str) -> str:
    """``text`` with every number over 40 digits shortened to its ends and its length."""
    return _LONG_NUMBER.sub(_shorten, text) if len(text) > 40 else text
