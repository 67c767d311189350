"""Text from a file or a file name made safe to print: control characters escaped.

A file name or a ``patient.id`` is whatever the user's system or form allowed; printed raw, an
escape sequence in it can recolour a terminal, hide text or move the cursor, and a newline in it
breaks the one-line-per-error rule. Every such value passes :func:`printable` before it is
printed in text or Markdown (JSON escapes them itself).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

#: C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional overrides
#: and isolates (which reorder what a terminal shows).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``)."""
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape, text)
