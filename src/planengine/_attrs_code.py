"""The methods attrs writes for planengine's record classes, compiled once and kept.

attrs makes each class's ``__init__``, ``__eq__``, ``__repr__``, ... by writing their Python text
and compiling it when the class is defined; for planengine's ~160 record classes that compiling
was a fifth of a one-file ``planengine plan`` (about 45-70 ms of CPU on this project's machine).
The compiled form of a text depends only on the text, its file name and the Python that
compiles it, so it is kept in one cache file beside the checked data
(:mod:`planengine._cache`) and later starts take it from there instead of compiling again.

* Only planengine's own classes (their module under ``planengine``): a program that imports
  planengine and defines attrs classes of its own has them compiled by attrs as always.
* The code objects are looked up by a BLAKE2b hash of the exact text attrs wrote and the file
  name it gave it: a new attrs release, or an edited class, writes another text, which is
  compiled as before and added. Nothing else about a class is kept: attrs still builds every
  class itself, with the same functions, names and source lines (for tracebacks and debuggers).
* The file is named by the Python version and bytecode magic number, starts with a header and
  the hash of its body, and is ignored when either does not match (truncated, damaged, of
  another Python); it is written atomically (a temporary file, then a rename) at the end of a
  process that compiled something new, and never makes a command fail.
* This file holds bytecode (``marshal``, as Python's own ``__pycache__`` does), unlike the
  checked-data entries: it is read only from planengine's own cache folder, which only its
  user can write.
* ``PLANENGINE_NO_CACHE=1`` turns it off with the rest of the cache.

attrs has no public hook for this: :func:`install` wraps ``attr._make._compile_and_eval`` (the
one function attrs compiles its texts through) and leaves attrs alone when that function is
missing or looks different, so an attrs release that changes it only loses the saving.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing ``typing`` on start-up
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["CODE_PREFIX", "install", "installed"]

#: the cache file's name starts with this (``planengine cache clear`` removes it)
CODE_PREFIX = "code-attrs-"
#: the layout of the file; raise it when what it holds changes meaning
_LAYOUT = 2
_DIGEST_SIZE = 20
#: a file with more entries than this is started afresh (old classes' texts pile up otherwise)
_MOST_ENTRIES = 5000

#: attrs starts each class's hash with ``hash()`` of a name, which differs from process to process
#: (string hashing is salted): the one number in a text that does. It is left out of the key and
#: put back into the kept code (:func:`_reseeded`). It is the line after this one:
_HASH_START = "hash((\n"

#: the file names attrs gives the texts of planengine's own classes (and its built-in plugins'):
#: only these are kept; the classes of a program that imports planengine are left to attrs
_OURS = tuple(
    f"<attrs generated {part} {package}."
    for part in ("methods", "__hash__", "__eq__", "__repr__", "getattr", "hash")
    for package in ("planengine", "planengine_builtins")
)

_state: dict[str, Any] = {}


def _magic() -> bytes:
    from importlib.util import MAGIC_NUMBER

    return b"planengine-attrs-code-%d-" % _LAYOUT + MAGIC_NUMBER.hex().encode() + b"\n"




def _path() -> str | None:
    from planengine._cache import cache_enabled, cache_folder

    folder = cache_folder() if cache_enabled() else None
    if folder is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.version_info[0]}.{sys.version_info[1]}"
    return os.path.join(folder, f"{CODE_PREFIX}{tag}.bin")


def _read(path: str) -> dict[bytes, Any]:
    """The kept ``(code object, type hash)`` pairs by key; empty when there is no file or it cannot be trusted."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return {}
    magic = _magic()
    start = len(magic) + _DIGEST_SIZE
    if not raw.startswith(magic) or len(raw) <= start:
        return {}
    body = memoryview(raw)[start:]
    from planengine._digest import blake2b

    if blake2b(body, digest_size=_DIGEST_SIZE).digest() != raw[len(magic) : start]:
        return {}
    try:
        stored = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return stored if isinstance(stored, dict) else {}


def _write(path: str, entries: dict[bytes, Any]) -> None:
    """Write the file whole or not at all; a folder that cannot be written is skipped."""
    from planengine._cache import write_cache_file
    from planengine._digest import blake2b

    body = marshal.dumps(entries)
    payload = _magic() + blake2b(body, digest_size=_DIGEST_SIZE).digest() + body
    write_cache_file(path, payload, prefix=".code-")


def _save() -> None:
    """At the end of a process that compiled new texts: add them to the file (merged with what
    another process may have written meanwhile)."""
    new = _state.get("new")
    path = _state.get("path")
    if not new or path is None:
        return
    entries = _read(path)
    if len(entries) + len(new) > _MOST_ENTRIES:
        entries = {}
    entries.update(new)
    _write(path, entries)
    new.clear()


def _key(script: str, filename: str) -> tuple[bytes, int | None]:
    """The key of a text (its file name and words, with the salted type hash left out) and that
    type hash (``None`` when the text has none)."""
    seed = None
    start = script.find(_HASH_START)
    if start >= 0:
        start += len(_HASH_START)
        end = script.find(",\n", start)
        number = script[start:end].strip()
        if end > 0 and number.lstrip("-").isdigit():
            seed = int(number)
            script = script[:start] + "#" + script[end:]
    from planengine._digest import blake2b

    text = f"{filename}\0{script}".encode("utf-8", "surrogatepass")
    return bytes(blake2b(text, digest_size=_DIGEST_SIZE).digest()), seed


def _reseeded(code: Any, old: int | None, new: int | None) -> Any:
    """``code`` (a class's methods) with the constant ``old`` (its type hash) replaced by ``new``
    in the ``__hash__`` it defines, also inside constant tuples (a class with no hashed field
    hashes the constant ``(type hash,)``)."""
    return code.replace(
        co_consts=tuple(
            const.replace(co_consts=_reseeded_consts(const.co_consts, old, new))
            if getattr(const, "co_name", None) == "__hash__"
            else const
            for const in code.co_consts
        )
    )


def _reseeded_consts(consts: tuple[Any, ...], old: int | None, new: int | None) -> tuple[Any, ...]:
    return tuple(
        (new if const == old else const)
        if type(const) is int
        else _reseeded_consts(const, old, new)
        if type(const) is tuple
        else const
        for const in consts
    )


def _kept_compile(
    original: Callable[..., None],
) -> Callable[..., None]:
    def compile_and_eval(
        script: str,
        globs: dict[str, Any] | None,
        locs: Mapping[str, object] | None = None,
        filename: str = "",
    ) -> None:
        if not filename.startswith(_OURS):  # another program's classes: attrs' own way
            original(script, globs, locs, filename)
            return
        kept: dict[bytes, Any] | None = _state.get("kept")
        if kept is None:
            path = _path()
            _state["path"] = path
            kept = _state["kept"] = {} if path is None else _read(path)
            _state["new"] = {}
        key, seed = _key(script, filename)
        entry = kept.get(key)
        if not (
            type(entry) is tuple
            and len(entry) == 2
            and hasattr(entry[0], "co_consts")
            and type(entry[1]) is type(seed)
        ):
            entry = None
        elif entry[1] != seed:
            entry = (_reseeded(entry[0], entry[1], seed), seed)
        if entry is None:
            entry = (compile(script, filename, "exec"), seed)
            if _state["path"] is not None:
                kept[key] = entry
                if not _state["new"]:
                    import atexit

                    atexit.register(_save)
                _state["new"][key] = entry
        eval(entry[0], globs, locs)

    compile_and_eval.__wrapped__ = original  # type: ignore[attr-defined]
    return compile_and_eval


def _patch(make: Any) -> None:
    """Wrap attrs' compile step in ``make`` (``attr._make``) if it is the one this was written
    for: ``_compile_and_eval(script, globs, locs=None, filename="")``."""
    original = getattr(make, "_compile_and_eval", None)
    if original is None or hasattr(original, "__wrapped__"):
        return
    code = getattr(original, "__code__", None)
    if code is None or code.co_varnames[:4] != ("script", "globs", "locs", "filename"):
        return
    make._compile_and_eval = _kept_compile(original)
    _state["installed"] = True


class _AfterAttrsImport:
    """Finds nothing itself: when ``attr._make`` is first imported, wraps its compile step once
    the module has run (and then leaves the import system)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "attr._make":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        loader = None if spec is None else spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return spec

        def exec_and_patch(module: Any) -> None:
            exec_module(module)
            _patch(module)

        loader.exec_module = exec_and_patch  # type: ignore[union-attr,method-assign]
        return spec


def install() -> None:
    """Keep attrs' compiled methods from now on (a no-op when the cache is off, or already on).
    When attrs is not imported yet, this waits for its import and costs nothing until then."""
    if "hooked" in _state:
        return
    _state["hooked"] = True
    if os.environ.get("PLANENGINE_NO_CACHE", "") not in ("", "0"):
        return
    make = sys.modules.get("attr._make")
    if make is not None:
        _patch(make)
    else:
        sys.meta_path.insert(0, _AfterAttrsImport())


def installed() -> bool:
    """Whether attrs' compile step goes through the kept code (for tests and diagnostics)."""
    return bool(_state.get("installed"))
