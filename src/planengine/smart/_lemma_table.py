"""lemminflect's lemma lookup lines, sorted, read in a few milliseconds from a cache file.

The lookup table (``lemma_lu.csv.gz``, about 80,000 ``word,category,lemma`` lines) costs about
50 ms to decompress, split and sort on every ``validate`` that reads a goal statement. The sorted
lines are kept instead in one cache file: the lines as one UTF-8 text and the offset of each, so
that reading it makes two views of the file's bytes rather than 80,000 strings (about 1 ms here,
with no module to import but ``zlib``), and a lookup searches the bytes and decodes only the
lines it finds (:meth:`SortedLines.starting_with`). The
file is named by the layout's version and the source table's size and CRC-32, so a new
lemminflect release builds a new one (a checksum, not a cryptographic hash: it only tells a
changed table from the one cached, and ``hashlib`` would add 3 ms to import); it is written
atomically on the first run (into ``PLANENGINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/planengine``
or ``~/.cache/planengine``), and where it cannot be written or read the lines are built in memory
as before. The cache holds nothing but what the source table holds: deleting it is always safe.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Sequence
from typing import overload

from planengine._cache import (  # the one cache folder (PLANENGINE_CACHE_DIR, ...)
    cache_folder,
    write_cache_file,
)

__all__ = ["SortedLines", "cache_folder", "sorted_lines"]

#: the first bytes of a cache file: its layout's version, and the byte order of its offsets
#: (a file from a machine of the other order is rebuilt)
_LAYOUT = 2
_MAGIC = f"planengine-lemma-lines-{_LAYOUT}-{sys.byteorder}\n".encode()


class SortedLines(Sequence[str]):
    """The lines of a text in sorted order, as a sequence: the text as UTF-8 and the byte offset
    at which each line starts (the last offset is the end). A line is decoded only when it is
    read or found: a lookup compares the bytes of about 17 of the 80,000 lines, so a start never
    decodes (nor copies) the whole 1.8 MB."""

    def __init__(self, data: bytes | memoryview, offsets: Sequence[int]) -> None:
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, lines: list[str]) -> SortedLines:
        """``lines``, sorted (as strings: UTF-8 keeps that order, so the bytes are in it too)."""
        encoded = [line.encode("utf-8") for line in sorted(lines)]
        offsets = [0]
        end = 0
        for line in encoded:
            end += len(line) + 1
            offsets.append(end)
        return cls(b"".join(line + b"\n" for line in encoded), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return str(self.data[self.offsets[index] : self.offsets[index + 1] - 1], "utf-8")

    def starting_with(self, prefix: str) -> list[str]:
        """The lines that start with ``prefix``, in order. The search compares the lines' UTF-8
        bytes (whose order is the strings' order) without decoding them, and decodes only the
        lines found: a lookup through ``bisect`` on the sequence decoded each line it probed, and
        the ~400 pattern words the SMART rules look up on every start made that about 14 ms."""
        key = prefix.encode("utf-8")
        data, offsets = self.data, self.offsets
        low, high = 0, len(offsets) - 1
        while low < high:
            middle = (low + high) // 2
            if bytes(data[offsets[middle] : offsets[middle + 1] - 1]) < key:
                low = middle + 1
            else:
                high = middle
        found = []
        while low < len(offsets) - 1:
            line = bytes(data[offsets[low] : offsets[low + 1] - 1])
            if not line.startswith(key):
                break
            found.append(str(line, "utf-8"))
            low += 1
        return found

    def to_bytes(self) -> bytes:
        """The cache file's content: the header, the CRC-32 of the rest, the count of offsets,
        the offsets (unsigned 32-bit, this machine's byte order) and the text (UTF-8)."""
        from array import array

        offsets = array("I", self.offsets)
        body = len(offsets).to_bytes(4, "little") + offsets.tobytes() + bytes(self.data)
        return _MAGIC + zlib.crc32(body).to_bytes(4, "little") + body

    @classmethod
    def from_bytes(cls, data: bytes) -> SortedLines:
        """Lines from a cache file's content (kept, not copied); ``ValueError`` when it is not
        one, or is truncated or damaged (its CRC-32 does not match)."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a lemma-lines cache file of this layout and byte order")
        view = memoryview(data)
        start = len(_MAGIC)
        body = view[start + 4 :]
        if len(body) < 4 or zlib.crc32(body) != int.from_bytes(data[start : start + 4], "little"):
            raise ValueError("a truncated or damaged lemma-lines cache file")
        count = int.from_bytes(body[:4], "little")
        packed = body[4 : 4 + 4 * count]
        if count < 1 or len(packed) != 4 * count:
            raise ValueError("a truncated lemma-lines cache file")
        offsets = packed.cast("I")  # no copy, no array module to import
        text = body[4 + 4 * count :]
        if offsets[-1] != len(text):
            raise ValueError("a truncated lemma-lines cache file")
        return cls(text, offsets)  # a memoryview of ints: a sequence


def sorted_lines(path: str) -> SortedLines:
    """The lines of the gzipped text file at ``path``, sorted: from the cache when it holds this
    very file (by its size and CRC-32), else built and cached for the next run."""
    with open(path, "rb") as source:
        packed = source.read()
    digest = f"{len(packed)}-{zlib.crc32(packed):08x}"
    folder = cache_folder()
    # the layout in the name too: two planengine versions sharing the folder (two virtual
    # environments) each keep their own file rather than rebuilding the other's on every run
    name = f"lemma-lines-{_LAYOUT}-{digest}.bin"
    cached = None if folder is None else os.path.join(folder, name)
    if cached is not None:
        try:
            with open(cached, "rb") as file:
                return SortedLines.from_bytes(file.read())
        except (OSError, ValueError):
            pass  # not built yet (or damaged): build it
    lines = SortedLines.of(zlib.decompress(packed, wbits=31).decode("utf-8").splitlines())
    if cached is not None:
        write_cache_file(cached, lines.to_bytes(), prefix=".lemma-lines-")
    return lines
