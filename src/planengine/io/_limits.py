"""The limits every document parser keeps to: file size, nesting depth and alias use."""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_BYTES", "MAX_ALIAS_EXPANSION", "MAX_ALIAS_REFERENCES", "MAX_DEPTH"]

#: Largest file accepted by default (1 MiB); a goal file is a few kilobytes.
DEFAULT_MAX_BYTES = 1024 * 1024
#: Deepest nesting of mappings and sequences accepted.
MAX_DEPTH = 64
#: Most alias references (``*anchor``, merges included) one document may hold.
MAX_ALIAS_REFERENCES = 1000
#: Most nodes an alias expansion may add beyond the nodes written in the file.
MAX_ALIAS_EXPANSION = 100_000
