"""Finding and reading the configuration file: one rule for every command.

The configuration is the nearest ``planengine.toml``, or ``pyproject.toml`` with a
``[tool.planengine]`` table, found upwards from the first path a command is given (a file's
folder, or the folder itself), or from the working directory when it is given none; ``--config
FILE`` names it instead. ``plan``, ``validate`` and ``review`` all find it so, and read the one
table: its top-level keys for the SMART rules, ``[...plan]`` for planning and crisis resources,
``[...review]`` for the review (:func:`planengine.load_config` builds all three).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from planengine._errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["check_keys", "find_config_file", "read_config_table"]

#: the tables of ``[tool.planengine]``, each checked by its own reader
_TABLES = ("plan", "review", "documents")
#: the top-level keys of ``[tool.planengine]``: the SMART rules' settings
#: (:mod:`planengine.smart._config`)
_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "max-review-interval-days",
    "max-file-bytes",
    "plausible-weeks-per-reliable-change",
    "plausible-change-per-week",
}


def check_keys(table: Mapping[str, Any], where: str) -> None:
    """Every key of ``[tool.planengine]`` must be known (a misspelt setting would silently do
    nothing); the ``plan`` and ``review`` tables are checked by their own readers.

    :raises ConfigError: naming the first unknown key and the known ones.
    """
    unknown = sorted(str(key) for key in table if key not in _KEYS and key not in _TABLES)
    if unknown:
        known = ", ".join(sorted([*_KEYS, *_TABLES]))
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; known: {known}")


def _read_toml(path: str) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef, import-not-found, unused-ignore]
        except ModuleNotFoundError:
            raise ConfigError(
                f"{path}: reading TOML configuration on Python 3.10 needs the 'tomli' package "
                "(pip install tomli), or Python 3.11+"
            ) from None
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:  # TOML is UTF-8 (its settings would be lost unread)
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset "
            f"{error.start}); TOML files are UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def find_config_file(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest ``planengine.toml``, or ``pyproject.toml`` with ``[tool.planengine]``, from
    ``start`` (a folder or file; default the working directory) upwards."""
    from pathlib import Path

    found = _find_config_file(start)
    return None if found is None else Path(found)


def _find_config_file(start: str | os.PathLike[str] | None) -> str | None:
    """:func:`find_config_file`'s answer as a string, found with :mod:`os.path` (importing
    :mod:`pathlib` costs a start about 3 ms): from the working directory (already absolute and
    free of symbolic links), or from ``start`` resolved as ``Path.resolve`` resolves it."""
    if start is None:
        here = os.getcwd()
    else:
        here = _resolved(os.fspath(start))
        if not _is(here, "dir"):
            here = os.path.dirname(here)
    while True:
        own = os.path.join(here, "planengine.toml")
        if _is(own, "file"):
            return own
        pyproject = os.path.join(here, "pyproject.toml")
        if _is(pyproject, "file"):
            try:
                with open(pyproject, "rb") as handle:
                    text = handle.read()
            except OSError:
                text = b""  # unreadable: not ours to judge (a named --config file is read)
            if b"planengine" in text:
                # any TOML form: [tool.planengine], [tool] planengine = {...}, dotted keys; a
                # file that mentions planengine is read whole, so its errors are reported
                tool = _read_toml(pyproject).get("tool", {})
                if not isinstance(tool, Mapping):
                    raise ConfigError(
                        f"{pyproject}: [tool] must be a table, not {type(tool).__name__}"
                    )
                if "planengine" in tool:
                    return pyproject
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _resolved(path: str) -> str:
    """``str(Path(path).resolve())``: absolute, every symbolic link followed; in a symlink
    loop, the path as written made absolute."""
    import errno

    resolved = os.path.realpath(path)
    try:
        os.stat(resolved)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return os.path.abspath(path)
    except ValueError:
        pass
    return resolved


def _is(path: str, kind: str) -> bool:
    """``Path(path).is_file()`` (``kind`` ``"file"``) or ``.is_dir()`` (``"dir"``): a missing
    path, a missing folder on the way or a symlink loop is neither; another error (no
    permission to look) is raised."""
    import errno
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return False
        raise
    except ValueError:  # a NUL in the path
        return False
    return stat.S_ISREG(mode) if kind == "file" else stat.S_ISDIR(mode)


def read_config_table(
    path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None
) -> tuple[Mapping[str, Any], str]:
    """The ``[tool.planengine]``-shaped table of ``path``, or of the file :func:`find_config_file`
    finds from ``start``, and the file's name for messages (an empty table and
    ``"configuration"`` when there is no file).

    :raises ConfigError: for unreadable files, invalid TOML, or a table that is not a table.
    """
    if path is not None:
        from pathlib import Path

        file = str(Path(path))  # as written, tidied (``./a//b`` is ``a/b``) for messages
    else:
        found = _find_config_file(start)
        if found is None:
            return {}, "configuration"
        file = found
    data = _read_toml(file)
    is_pyproject = os.path.basename(file) == "pyproject.toml"
    tool = data.get("tool", {}) if is_pyproject else {"planengine": data}
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{file}: [tool] must be a table")
    table = tool.get("planengine", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{file}: [tool.planengine] must be a table")
    return table, file
