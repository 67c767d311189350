"""Reading instrument data files: the built-ins shipped in ``planengine/data/instruments``
(read and cached on first use, never at import time) and a plugin's own YAML or JSON file.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from planengine._errors import DocumentParseError, DocumentSchemaError
from planengine.instruments._build import instrument_from_checked, instrument_from_mapping
from planengine.instruments._instrument import Instrument

__all__ = [
    "builtin_instruments",
    "load_builtin_instruments",
    "load_instrument_file",
    "read_instrument_yaml",
]

_DATA_PACKAGE = "planengine"
_DATA_DIR = ("data", "instruments")


@functools.lru_cache(maxsize=1)
def _instrument_loader() -> Any:
    """The fastest safe YAML loader available, changed to keep dates as strings."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    return type("InstrumentLoader", (base,), {"yaml_implicit_resolvers": resolvers})


def read_instrument_yaml(text: str) -> Any:
    """Parse an instrument data file's text with a safe loader (dates stay strings).

    :raises yaml.YAMLError: when the text is not valid YAML.
    """
    import yaml

    # A SafeLoader subclass: no arbitrary objects can be built.
    return yaml.load(text, Loader=_instrument_loader())


def load_instrument_file(path: str | os.PathLike[str], *, source: str) -> Instrument:
    """Read, validate and build an instrument from a YAML or JSON file (for plugins). The checked
    data is cached by the file's bytes (:mod:`planengine._cache`): an unchanged file is not
    parsed or checked again on the next start.

    :param source: the registering plugin's name, kept as :attr:`Instrument.source`.
    :raises DocumentParseError: when the file cannot be read or parsed.
    :raises DocumentSchemaError: when it breaks the schema or a documented rule.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            content = handle.read()
    except OSError as error:
        message = " ".join(str(error).split())
        raise DocumentParseError(f"cannot read instrument file: {message}", file=name) from None
    return _checked_instrument(content, name, source)


def _checked_instrument(
    content: bytes, name: str, source: str, *, expected_file: str | None = None
) -> Instrument:
    """The instrument in a data file's bytes: checked once, then built from the cache."""
    from planengine._cache import checked_data

    def build(content: bytes) -> Any:
        import yaml

        try:
            data = read_instrument_yaml(content.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as error:
            message = " ".join(str(error).split())
            raise DocumentParseError(f"cannot read instrument file: {message}", file=name) from None
        instrument = instrument_from_mapping(data, source=source, file=name)
        if expected_file is not None and expected_file != f"{instrument.id}.yaml":
            raise DocumentSchemaError(
                f"file name must be the instrument id: {instrument.id}.yaml", file=name, path="$.id"
            )
        return data

    return instrument_from_checked(checked_data("instrument", content, build), source=source)


@functools.lru_cache(maxsize=1)
def builtin_instruments() -> tuple[Instrument, ...]:
    """The built-in instruments in file-name order, read and checked once (the tuple is shared;
    the checked data is cached between processes, see :mod:`planengine._cache`)."""
    from planengine._cache import read_package_file

    found: list[Instrument] = []
    for file_name in _builtin_instrument_files():
        relative = "/".join((*_DATA_DIR, file_name))
        found.append(
            _checked_instrument(
                read_package_file(relative),
                f"planengine/{relative}",
                "builtin",
                expected_file=file_name,
            )
        )
    return tuple(found)


def _builtin_instrument_files() -> list[str]:
    """The names of the built-in instrument files, sorted (listed from the package's folder;
    through ``importlib.resources`` where the package is not a folder)."""
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), *_DATA_DIR)
    try:
        names = os.listdir(folder)
    except OSError:
        from importlib import resources

        names = [
            entry.name for entry in resources.files(_DATA_PACKAGE).joinpath(*_DATA_DIR).iterdir()
        ]
    return sorted(name for name in names if name.endswith(".yaml"))


def load_builtin_instruments() -> dict[str, Instrument]:
    """The built-in instruments by id (a fresh dict each call; the instruments are shared)."""
    return {instrument.id: instrument for instrument in builtin_instruments()}
