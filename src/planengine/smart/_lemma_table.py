"""lemminflect's lemma lookup lines, sorted, read in a few milliseconds from a cache file.

The lookup table (``lemma_lu.csv.gz``, about 80,000 ``word,category,lemma`` lines) costs about
50 ms to decompress, split and sort on every ``validate`` that reads a goal statement. The sorted
lines are kept instead in one cache file: the lines as one text and the offset of each, so that
reading it makes two objects rather than 80,000 strings (about 2 ms here). The file is named by
the SHA-256 of the source table, so a new lemminflect release builds a new one; it is written
atomically on the first run (into ``PLANENGINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/planengine``
or ``~/.cache/planengine``), and where it cannot be written or read the lines are built in memory
as before. The cache holds nothing but what the source table holds: deleting it is always safe.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
import tempfile
from array import array
from collections.abc import Sequence
from typing import overload

__all__ = ["SortedLines", "cache_folder", "sorted_lines"]

#: the first bytes of a cache file, and its layout's version
_MAGIC = b"planengine-lemma-lines-1\n"


class SortedLines(Sequence[str]):
    """The lines of a text in sorted order, as a sequence (``bisect`` searches it): one string and
    the offset at which each line starts (the last offset is the end)."""

    def __init__(self, text: str, offsets: array[int]) -> None:
        self.text = text
        self.offsets = offsets

    @classmethod
    def of(cls, lines: list[str]) -> SortedLines:
        """``lines``, sorted."""
        lines = sorted(lines)
        offsets = array("I", [0])
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
        """The cache file's content."""
        offsets = array("I", self.offsets)
        if sys.byteorder == "big":  # the file is little-endian wherever it was written
            offsets.byteswap()
        count = len(offsets).to_bytes(4, "little")
        return _MAGIC + count + offsets.tobytes() + self.text.encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> SortedLines:
        """Lines from a cache file's content; ``ValueError`` when it is not one."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a lemma-lines cache file")
        start = len(_MAGIC)
        count = int.from_bytes(data[start : start + 4], "little")
        start += 4
        offsets = array("I")
        offsets.frombytes(data[start : start + 4 * count])
        if sys.byteorder == "big":
            offsets.byteswap()
        text = data[start + 4 * count :].decode("utf-8")
        if count < 1 or len(offsets) != count or offsets[-1] != len(text):
            raise ValueError("a truncated lemma-lines cache file")
        return cls(text, offsets)


def cache_folder() -> str:
    """Where planengine keeps its caches: ``PLANENGINE_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/planengine`` (``~/.cache/planengine``; on Windows, under
    ``%LOCALAPPDATA%``)."""
    chosen = os.environ.get("PLANENGINE_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA")
        if sys.platform == "win32"
        else os.path.join(os.path.expanduser("~"), ".cache")
    )
    return os.path.join(base or os.path.expanduser("~"), "planengine")


def sorted_lines(path: str) -> SortedLines:
    """The lines of the gzipped text file at ``path``, sorted: from the cache when it holds this
    very file (by SHA-256), else built and cached for the next run."""
    with open(path, "rb") as source:
        packed = source.read()
    digest = hashlib.sha256(packed).hexdigest()[:32]
    cached = os.path.join(cache_folder(), f"lemma-lines-{digest}.bin")
    try:
        with open(cached, "rb") as file:
            return SortedLines.from_bytes(file.read())
    except (OSError, ValueError):
        pass  # not built yet (or damaged): build it
    lines = SortedLines.of(gzip.decompress(packed).decode("utf-8").splitlines())
    _write(cached, lines.to_bytes())
    return lines


def _write(path: str, data: bytes) -> None:
    """Write the cache file whole or not at all; a cache that cannot be written is skipped."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".lemma-lines-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
