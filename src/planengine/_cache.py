"""Data files checked once: the parsed, checked form of each data file kept in a cache file that
loads in well under a millisecond, so a start does not parse and re-check data that has not
changed.

Every data file planengine reads on start (the instruments, the strategy files, the vocabulary,
the bibliography, the crisis resources and the other tables in ``planengine/data``), and a
plugin's strategy or instrument file, comes through :func:`checked_data`: the file's bytes are
read and hashed; when the cache holds an entry made from those very bytes by the same planengine
and Python, that entry is the data (no YAML parser, no schema check, no data rule runs). Otherwise
the file is parsed and checked as it always was, and an entry is written for the next start.

The cache is only a faster way to the same data:

* an entry is named by a BLAKE2b hash of the file's bytes, the kind of data, planengine's
  version, the Python version, the layout version below, the size and modification time of
  each module and data file that decides whether data passes its checks (:data:`_CHECKED_BY`)
  and the installed versions of the libraries the checks use (:data:`_CHECKING_LIBRARIES`), so
  editing a data file, a plugin's file or a check, or upgrading such a library, makes a new
  entry (the old one is never read again);
* an entry starts with a header and the hash of its body, and the body holds the entry's key
  again; one that is truncated, damaged, of another layout or of another key is ignored and
  written again, never trusted, and never makes a command fail;
* entries are written atomically (a temporary file, then a rename), so a reader sees a whole
  entry or none;
* only data that passed every check is written, and only plain data (``marshal``: dicts, lists,
  strings, numbers): nothing in an entry is executed or names a Python object;
* where no cache folder can be written (a read-only home, a sandbox) every start parses and
  checks the files, as before: slower, never wrong.

The folder is ``PLANENGINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/planengine`` (``~/.cache/planengine``;
on Windows under ``%LOCALAPPDATA%``). Deleting it is always safe (``planengine cache clear``).
``PLANENGINE_NO_CACHE=1`` turns the cache off for a process (nothing is read or written).
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable
from typing import Any

from planengine._digest import blake2b
from planengine._version import __version__

__all__ = [
    "CACHE_PREFIX",
    "cache_enabled",
    "cache_folder",
    "checked_data",
    "clear_cache",
    "read_package_file",
    "shipped_data",
]

#: the layout of an entry; raise it when what an entry holds changes meaning
_LAYOUT = 1
#: every entry's file name starts with this (``planengine cache clear`` removes these)
CACHE_PREFIX = "data-"
_MAGIC = b"planengine-checked-data-%d\n" % _LAYOUT
_DIGEST_SIZE = 20
_PACKAGE = os.path.dirname(os.path.abspath(__file__))

#: The files, relative to the package, whose code or data decides whether a data file passes its
#: checks or what its checked form is: any change to one of them (a new data rule, a new
#: no-risk-claim phrase, a schema) makes new entries, so a cached file is never spared a check it
#: has not passed. (Their size and modification time are read, not their text: a few ``stat``
#: calls a process.)
_CHECKED_BY = (
    "_cache.py",
    "_look_alikes.py",
    "_references.py",
    "_vocabulary.py",
    "data/no-risk-claims.yaml",
    "instruments/_build.py",
    "instruments/_checks.py",
    "instruments/_data_files.py",
    "io/_loader.py",
    "io/_schema_check.py",
    "io/_yaml.py",
    "plan/_crisis.py",
    "plan/_goal_words.py",
    "plan/_risk_language.py",
    "plan/_risk_wording.py",
    "strategies/_conditions.py",
    "strategies/_strategy.py",
    "strategies/_templates.py",
    "strategies/_validation.py",
)

#: The libraries whose release can change a check's verdict (the look-alike letters of the
#: no-risk-claim check, the schema checkers, the YAML parser): their installed versions, read from
#: the ``*.dist-info`` folder names beside planengine (one folder listing), are in every key.
_CHECKING_LIBRARIES = ("confusable_homoglyphs-", "jsonschema-", "jsonschema_rs-", "pyyaml-")

_fingerprint: list[bytes] = []  # worked out once a process


def cache_folder() -> str | None:
    """Where planengine keeps its caches: ``PLANENGINE_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/planengine`` (``~/.cache/planengine``; on Windows, under
    ``%LOCALAPPDATA%``); ``None`` when there is no home folder to put it in (never a folder
    relative to the working directory)."""
    chosen = os.environ.get("PLANENGINE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    if chosen:
        base = (
            chosen if os.environ.get("PLANENGINE_CACHE_DIR") else os.path.join(chosen, "planengine")
        )
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = os.path.join(os.environ["LOCALAPPDATA"], "planengine")
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home, ".cache", "planengine")
    return base if os.path.isabs(base) else None


def _schemas_folder() -> str | None:
    """The folder of the bundled JSON Schemas (installed as ``planengine/schemas``; in a source
    tree, an editable install maps it to the top-level ``schemas/``)."""
    installed = os.path.join(_PACKAGE, "schemas")
    if os.path.isdir(installed):
        return installed
    try:
        import importlib.util

        spec = importlib.util.find_spec("planengine.schemas")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(next(iter(spec.submodule_search_locations)))


def _stamps() -> bytes:
    """What the entries depend on besides the data file: the versions and the checks' files."""
    if not _fingerprint:
        parts = [f"{_LAYOUT} {__version__} {sys.implementation.cache_tag} {sys.version}"]
        paths = [os.path.join(_PACKAGE, name) for name in _CHECKED_BY]
        schemas = _schemas_folder()
        if schemas is not None:
            try:
                paths.extend(
                    os.path.join(schemas, name)
                    for name in sorted(os.listdir(schemas))
                    if name.endswith(".json")
                )
            except OSError:
                parts.append("no schemas")
        try:
            beside = os.listdir(os.path.dirname(_PACKAGE))
        except OSError:
            beside = []
        parts.extend(
            sorted(
                name
                for name in beside
                if name.endswith(".dist-info") and name.lower().startswith(_CHECKING_LIBRARIES)
            )
        )
        for path in paths:
            try:
                status = os.stat(path)
                parts.append(f"{path} {status.st_size} {status.st_mtime_ns}")
            except OSError:
                parts.append(f"{path} missing")
        _fingerprint.append("\n".join(parts).encode("utf-8", "surrogateescape"))
    return _fingerprint[0]




def _key(kind: str, content: bytes) -> str:
    digest = blake2b(digest_size=_DIGEST_SIZE)
    digest.update(_stamps())
    digest.update(b"\0" + kind.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(content)
    return str(digest.hexdigest())


def cache_enabled() -> bool:
    """Whether this process may read and write the cache (``PLANENGINE_NO_CACHE`` unset or 0)."""
    return os.environ.get("PLANENGINE_NO_CACHE", "") in ("", "0")



def checked_data(kind: str, content: bytes, build: Callable[[bytes], Any]) -> Any:
    """The checked data of a file whose bytes are ``content``: from the cache when it holds an
    entry made from these bytes, else ``build(content)`` (which parses and checks, raising the
    file's own error when it is wrong), written to the cache for the next start.

    :param kind: what the file is and how ``build`` reads it (``"strategy"``,
        ``"instrument"``, ``"yaml"``, ...): part of the key, so one file read two ways has two
        entries.
    :param build: parses and checks; returns plain data (dicts, lists, tuples, strings,
        numbers, booleans, ``None``). What it raises is raised unchanged, and nothing is cached.
    """
    folder = cache_folder() if cache_enabled() else None
    if folder is None:
        return build(content)
    key = _key(kind, content)
    label = kind.split()[0]  # ``data-strategy-<key>.bin``: what an entry is, at a glance
    path = os.path.join(folder, f"{CACHE_PREFIX}{label}-{key}.bin")
    found = _read(path, key)
    if found is not None:
        return found[0]
    data = build(content)
    _write(path, key, data)
    return data


def _read(path: str, key: str) -> tuple[Any] | None:
    """The entry at ``path`` as a one-item tuple; ``None`` when there is none or it cannot be
    trusted (another header, another key, a body whose hash does not match: truncated or
    damaged)."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return None
    start = len(_MAGIC) + _DIGEST_SIZE
    if not raw.startswith(_MAGIC) or len(raw) <= start:
        return None
    body = memoryview(raw)[start:]
    if blake2b(body, digest_size=_DIGEST_SIZE).digest() != raw[len(_MAGIC) : start]:
        return None
    try:
        stored = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != key:
        return None
    return (stored[1],)


def _write(path: str, key: str, data: Any) -> None:
    """Write the entry whole or not at all: the header, the hash of the body, the body (the key
    and the data). Data ``marshal`` cannot hold, or a folder that cannot be written, is skipped
    silently (the next start builds the data again)."""
    try:
        body = marshal.dumps((key, data))
    except ValueError:
        return
    payload = _MAGIC + blake2b(body, digest_size=_DIGEST_SIZE).digest() + body
    write_cache_file(path, payload, prefix=".data-")


def write_cache_file(path: str, payload: bytes, prefix: str) -> None:
    """Write one file of the cache folder whole or not at all (a temporary file beside it, then
    an atomic rename); a folder that cannot be written is skipped silently."""
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=prefix)
        try:
            try:  # os.write, not a file object: nothing is opened twice
                written = 0
                while written < len(payload):
                    written += os.write(handle, payload[written:])
            finally:
                os.close(handle)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return


def read_package_file(relative: str) -> bytes:
    """The bytes of a file shipped in the ``planengine`` package (``data/vocabulary.yaml``):
    read from the package's folder (``importlib.resources`` costs several milliseconds on its
    first use), or through ``importlib.resources`` where the package is not a folder (a zip)."""
    try:
        with open(os.path.join(_PACKAGE, *relative.split("/")), "rb") as file:
            return file.read()
    except OSError:
        from importlib import resources

        return (resources.files("planengine") / relative).read_bytes()


def shipped_data(relative: str, check: Callable[[Any], None] | None = None) -> Any:
    """A YAML table shipped in the ``planengine`` package, parsed (PyYAML's safe loader, as
    every shipped table is read) and checked by ``check`` once, then read from the cache.

    :param check: raises when the parsed data is wrong (the entry is then not written).
    """

    def build(content: bytes) -> Any:
        import yaml

        data = yaml.load(
            content.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
        if check is not None:
            check(data)
        return data

    return checked_data(f"yaml {relative}", read_package_file(relative), build)


def clear_cache() -> tuple[str | None, int]:
    """Remove every entry from the cache folder: ``(folder, entries removed)``. Other files in it
    (the lemma lines, attrs' compiled methods: :mod:`planengine._attrs_code`) are planengine's too and are removed with them; the folder stays."""
    folder = cache_folder()
    removed = 0
    if folder is None:
        return None, 0
    try:
        names = os.listdir(folder)
    except OSError:
        return folder, 0
    for name in names:
        if name.startswith(
            (CACHE_PREFIX, "lemma-lines-", "code-attrs-", ".data-", ".lemma-lines-", ".code-")
        ):
            try:
                os.unlink(os.path.join(folder, name))
                removed += 1
            except OSError:
                pass
    return folder, removed
