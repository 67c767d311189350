"""lemminflect's lemma lookup lines, sorted, read in a few milliseconds from a cache file.

The lookup table (``lemma_lu.csv.gz``, about 80,000 ``word,category,lemma`` lines) costs about
50 ms to decompress, split and sort on every ``validate`` that reads a goal statement. The sorted
lines are kept instead in one cache file: the lines as one text and the offset of each, so that
reading it makes two objects rather than 80,000 strings (about 4 ms here, with no module to
import but ``zlib``). The file is named by the source table's size and CRC-32, so a new
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
_MAGIC = f"planengine-lemma-lines-1-{sys.byteorder}\n".encode()


class SortedLines(Sequence[str]):
    """The lines of a text in sorted order, as a sequence (``bisect`` searches it): one string and
    the offset at which each line starts (the last offset is the end)."""

    def __init__(self, text: str, offsets: Sequence[int]) -> None:
        self.text = text
        self.offsets = offsets

    @classmethod
    def of(cls, lines: list[str]) -> SortedLines:
        """``lines``, sorted."""
        lines = sorted(lines)
        offsets = [0]
        end = 0
        for line in lines:
            end += len(line) + 1
            offsets.append(end)
        return cls("".join(line + "\n" for line in lines), offsets)

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
        return self.text[self.offsets[index] : self.offsets[index + 1] - 1]

    def to_bytes(self) -> bytes:
        """The cache file's content: the header, the count of offsets, the offsets (unsigned
        32-bit, this machine's byte order) and the text (UTF-8)."""
        from array import array

        offsets = array("I", self.offsets)
        count = len(offsets).to_bytes(4, "little")
        return _MAGIC + count + offsets.tobytes() + self.text.encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> SortedLines:
        """Lines from a cache file's content; ``ValueError`` when it is not one."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a lemma-lines cache file of this layout and byte order")
        start = len(_MAGIC)
        count = int.from_bytes(data[start : start + 4], "little")
        start += 4
        packed = data[start : start + 4 * count]
        if count < 1 or len(packed) != 4 * count:
            raise ValueError("a truncated lemma-lines cache file")
        offsets = memoryview(packed).cast("I")  # no copy, no array module to import
        text = data[start + 4 * count :].decode("utf-8")
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
    cached = None if folder is None else os.path.join(folder, f"lemma-lines-{digest}.bin")
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
