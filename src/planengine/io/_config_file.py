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
from pathlib import Path
from typing import Any

from planengine._errors import ConfigError

__all__ = ["find_config_file", "read_config_table"]


def _read_toml(path: Path) -> dict[str, Any]:
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
    given = Path(start if start is not None else os.getcwd())
    try:
        here = given.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the path as written, made absolute
        here = Path(os.path.abspath(given))
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        own = folder / "planengine.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_bytes()
            except OSError:
                continue  # unreadable: not ours to judge (a named --config file is read)
            if b"planengine" not in text:
                continue
            # any TOML form: [tool.planengine], [tool] planengine = {...}, dotted keys; a
            # file that mentions planengine is read whole, so its errors are reported
            tool = _read_toml(pyproject).get("tool", {})
            if not isinstance(tool, Mapping):
                raise ConfigError(f"{pyproject}: [tool] must be a table, not {type(tool).__name__}")
            if "planengine" in tool:
                return pyproject
    return None


def read_config_table(
    path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None
) -> tuple[Mapping[str, Any], str]:
    """The ``[tool.planengine]``-shaped table of ``path``, or of the file :func:`find_config_file`
    finds from ``start``, and the file's name for messages (an empty table and
    ``"configuration"`` when there is no file).

    :raises ConfigError: for unreadable files, invalid TOML, or a table that is not a table.
    """
    file = Path(path) if path is not None else find_config_file(start)
    if file is None:
        return {}, "configuration"
    data = _read_toml(file)
    tool = data.get("tool", {}) if file.name == "pyproject.toml" else {"planengine": data}
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{file}: [tool] must be a table")
    table = tool.get("planengine", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{file}: [tool.planengine] must be a table")
    return table, str(file)
