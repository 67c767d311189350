"""Writing output files: whole or not at all, never over an input, a link or a person's edits.

Every command that writes a file (``plan -o DIR``, ``review -o FILE``) writes through
:func:`write_output`, which keeps these rules (``docs/outputs.md`` gives the reasons):

* **Atomic.** The text goes to a temporary file in the output's folder (``.planengine-*.tmp``),
  is flushed and fsynced, and is then renamed over the output; the folder is fsynced after. A
  crash, ``kill -9`` or full disk leaves the old file or the new one, never a part; on an error
  the temporary file is removed and the old file kept. A folder that does not exist yet is
  made first, as ``plan -o newdir/sub`` makes its folder.
* **Never over an input.** An output that is one of the run's inputs (the same file, by device
  and inode, so hard links and other spellings of the path count) is refused.
* **Never through a link.** An output that is a symbolic link is refused, not followed (it
  could point anywhere) and not replaced (someone put it there on purpose).
* **Never over a person's edits.** Every file planengine writes carries a marker: the SHA-256 of
  its own text (:func:`stamp`). An existing output is replaced only while its text still matches
  its marker, that is, while it is exactly what planengine wrote; a file without a valid marker
  (edited since, or never written by planengine) is refused unless ``force`` is given.

Each refusal is an :class:`planengine._errors.OutputError` naming the file; a failed write is
the :class:`OSError` itself, after the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable

from planengine._errors import OutputError

__all__ = [
    "KINDS",
    "InputFiles",
    "is_unchanged_output",
    "stamp",
    "write_output",
]

#: The kinds of text :func:`stamp` knows where to put a marker in.
KINDS = ("json", "yaml", "markdown", "html", "text")
_MARKER = "planengine-output sha256:"
_PLACEHOLDER = "0" * 64
_FOUND = re.compile(re.escape(_MARKER) + "([0-9a-f]{64})")
#: Largest existing output read to check its marker; anything larger is not planengine's.
_MAX_CHECKED_BYTES = 64 * 1024 * 1024


class InputFiles:
    """The inputs of one run, so that no output replaces one: compared by device and inode (hard
    links, ``./a`` and ``a``, a folder reached through a link all count) and by real path."""

    def __init__(self, paths: Iterable[str]) -> None:
        """Record ``paths`` (names that do not exist, such as ``-`` for stdin, are skipped)."""
        self._ids: set[tuple[int, int]] = set()
        self._real: set[str] = set()
        for path in paths:
            try:
                info = os.stat(path)
            except (OSError, ValueError):
                continue
            self._ids.add((info.st_dev, info.st_ino))
            self._real.add(os.path.realpath(path))

    def __contains__(self, path: object) -> bool:
        """Whether the output ``path`` (already known to exist) is one of the inputs."""
        if not isinstance(path, str):
            return False
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return os.path.realpath(path) in self._real
        return (info.st_dev, info.st_ino) in self._ids or os.path.realpath(path) in self._real


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stamp(text: str, kind: str) -> str:
    """``text`` with its marker: the SHA-256 of the text as written, with the digest's own 64
    characters read as zeros. ``kind`` (one of :data:`KINDS`) says where it goes, so the file
    stays what it was: a YAML comment, an HTML comment (Markdown and HTML), a field of the
    plan's ``generated_by`` (JSON plans; other JSON: a last top-level key), a last line (text).
    """
    line = f"{_MARKER}{_PLACEHOLDER}"
    if kind == "yaml":
        lines = text.splitlines(keepends=True)
        at = 0
        while at < len(lines) and lines[at].startswith("#"):
            at += 1
        note = f"# {line} (planengine replaces this file only while it is unchanged)\n"
        marked = "".join([*lines[:at], note, *lines[at:]])
    elif kind in ("markdown", "html"):
        comment = f"<!-- {line} -->\n"
        first, newline, rest = text.partition("\n")
        if kind == "html" and first.lower().startswith("<!doctype"):
            marked = first + newline + comment + rest
        else:
            marked = text + ("" if text.endswith("\n") or not text else "\n") + comment
    elif kind == "json":
        marked = _stamp_json(text, line)
    elif kind == "text":
        marked = text + ("" if text.endswith("\n") or not text else "\n") + line + "\n"
    else:
        raise ValueError(f"unknown output kind {kind!r}; expected one of {', '.join(KINDS)}")
    at = marked.index(line) + len(_MARKER)
    return marked[:at] + _digest(marked) + marked[at + 64 :]


def _stamp_json(text: str, line: str) -> str:
    """The marker as a field of ``generated_by`` (the plan schema allows more fields there, and
    nowhere else at the top), else as the object's last key ``planengine_output``."""
    bundle = '{\n  "resourceType": "Bundle",\n'
    if text.startswith(bundle):  # a FHIR Bundle allows no other field: the marker is a meta tag
        tag = f'{{"system": "http://example.org/planengine/CodeSystem/output", "code": "{line}"}}'
        return f'{bundle}  "meta": {{"tag": [{tag}]}},\n{text[len(bundle):]}'
    opening = '\n  "generated_by": {\n'
    at = text.find(opening)
    if at >= 0:
        at += len(opening)
        return f'{text[:at]}    "output": "{line}",\n{text[at:]}'
    body = text.rstrip()
    if not body.endswith("}"):
        raise ValueError("a JSON output must be an object")
    inner = body[:-1].rstrip()
    comma = "" if inner.endswith("{") else ","
    return f'{inner}{comma}\n  "planengine_output": "{line}"\n}}\n'


def is_unchanged_output(text: str) -> bool:
    """Whether ``text`` is exactly what planengine wrote: it holds a marker whose digest is the
    digest of the text itself (a person's edit anywhere, marker included, breaks the match)."""
    for found in _FOUND.finditer(text):
        digest = found[1]
        start, end = found.span(1)
        if _digest(text[:start] + _PLACEHOLDER + text[end:]) == digest:
            return True
    return False


def _check_target(path: str, inputs: InputFiles, force: bool) -> None:
    """Refuse ``path`` if it is an input, a link, not a file, or a file planengine did not write
    (or one edited since) without ``force``."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(
            "is a symbolic link; planengine never writes through one (remove it, or choose "
            "another output)",
            path=path,
        )
    if stat.S_ISDIR(info.st_mode):
        raise OutputError("is a folder; give a file name", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise OutputError("is not a regular file; not replaced", path=path)
    if path in inputs:
        raise OutputError("is an input; not replaced", path=path)
    if force or info.st_size == 0:  # an empty file holds nothing to lose
        return
    if info.st_size > _MAX_CHECKED_BYTES or not _unchanged_on_disk(path):
        raise OutputError(
            "exists and is not a file planengine wrote, or was edited since; not replaced "
            "(--force replaces it)",
            path=path,
        )


def _unchanged_on_disk(path: str) -> bool:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return False
    with os.fdopen(handle, "rb") as stream:
        content = stream.read(_MAX_CHECKED_BYTES + 1)
    try:
        return is_unchanged_output(content.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def write_output(
    path: str, text: str, *, kind: str, inputs: InputFiles, force: bool = False, mark: bool = True
) -> None:
    """Write ``text`` (stamped with its marker) to ``path``, whole or not at all, under the
    rules in this module's docstring.

    :param mark: stamp the marker; ``False`` for a file that is the user's to edit and that the
        command never replaces without ``force`` (``import -o``: an assessment, whose schema
        has no room for a marker field).

    :raises planengine._errors.OutputError: when ``path`` is refused.
    :raises OSError: when the write fails (the temporary file is removed, the old file kept).
    """
    _check_target(path, inputs, force)
    content = (stamp(text, kind) if mark else text).encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)  # a new folder, as `plan -o newdir/sub` makes one
    handle, temporary = tempfile.mkstemp(prefix=".planengine-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            view = memoryview(content)
            while view:  # os.write may write less than asked (a signal, a pipe-like mount)
                view = view[os.write(stream.fileno(), view) :]
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it 0600; an output is a normal file
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    _sync_folder(folder)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: str) -> None:
    """fsync the folder, so the rename itself survives a power cut (POSIX; elsewhere a no-op)."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:  # some file systems cannot sync a folder; the file itself is synced
        pass
    finally:
        os.close(handle)
