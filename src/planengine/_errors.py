"""Every error planengine raises on purpose, in one place.

The hierarchy, each class also subclassing the built-in a caller would expect::

    PlanEngineError (Exception)
    ├── InputError (ValueError)          bad input: a file, a field, a value; one line, with location
    │   ├── DocumentParseError           the file cannot be read or parsed at all
    │   └── DocumentSchemaError          it parses, but breaks the schema or a documented rule
    ├── ConfigError (ValueError)         bad configuration or command-line usage
    ├── OutputError (ValueError)         an output planengine refuses to write (an input, a link,
    │                                    a file a person edited)
    ├── UnknownNameError (KeyError)      an instrument, schema, rule or strategy id that does not exist
    ├── PluginError (RuntimeError)       a plugin failed to load or raised while it ran
    └── SafetyInvariantError (AssertionError)
                                         the core found its own safety guarantee broken; never caught

``str()`` of each is a single line fit for a terminal, without a traceback.
"""

from __future__ import annotations

import os

from planengine._printable import printable, shorten_numbers
from planengine.io._location import Located, Location

__all__ = [
    "PLUGIN_FAILURES",
    "ConfigError",
    "DocumentParseError",
    "DocumentSchemaError",
    "InputError",
    "OutputError",
    "PlanEngineError",
    "PluginError",
    "SafetyInvariantError",
    "UnknownNameError",
]


#: What plugin code may raise that is its own failure, not the host's: any exception, and
#: ``SystemExit`` (a plugin's ``sys.exit()`` never ends the host, with or without output).
#: ``KeyboardInterrupt`` still stops the host.
PLUGIN_FAILURES: tuple[type[BaseException], ...] = (Exception, SystemExit)


class PlanEngineError(Exception):
    """Base class of every error planengine raises on purpose."""


class InputError(Located, PlanEngineError, ValueError):
    """Input that planengine cannot accept, with where it is.

    :param message: what is wrong, in words a user can act on.
    :param file: the file name, when the input came from a file.
    :param line: 1-based line, when known.
    :param column: 1-based column, when known.
    :param path: JSON path of the offending value, e.g. ``$.responses[0].answers[3]``.
    :ivar location: all four as one :class:`Location` (``file``, ``line``, ``column`` and ``path``
        read from it); a caller that learns more about where the error is replaces it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        message = shorten_numbers(message)  # a 401-digit answer is named, not echoed whole
        super().__init__(message)
        self.message = message
        file = os.fsdecode(file) if isinstance(file, bytes) else file
        self.location = Location(file, line, column, path)

    @property
    def file(self) -> str | None:
        """The file name, when the input came from a file."""
        return self.location.file



    @property
    def path(self) -> str | None:
        """JSON path of the offending value, when known."""
        return self.location.json_path

    def __str__(self) -> str:
        where = str(self.location)
        return (f"{where}: {self.message}" if where else self.message).replace("\n", " ")


class DocumentParseError(InputError):
    """The file is empty, binary, not UTF-8, too large, or not valid YAML/JSON."""


class DocumentSchemaError(InputError):
    """The document parses but breaks its JSON Schema or a documented constraint."""


class ConfigError(PlanEngineError, ValueError):
    """Bad configuration (``[tool.planengine]``, ``planengine.toml``) or command-line usage."""


class OutputError(PlanEngineError, ValueError):
    """An output file planengine refuses to write, and why: it is an input, a symbolic link, a
    folder, or a file planengine did not write (or a person edited since).

    :param message: why, in words a user can act on.
    :param path: the output file.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{printable(self.path)}: {self.message}"


class UnknownNameError(PlanEngineError, KeyError):
    """A name (instrument, schema, rule code, strategy, area) that planengine does not know."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a user-facing message should read as a sentence.
        return str(self.args[0]) if self.args else ""


class PluginError(PlanEngineError, RuntimeError):
    """A plugin failed to load, registered something invalid, or raised while it ran.

    :param plugin: the plugin's registration name (its entry-point name).
    :param version: the plugin's version, when known.
    """

    def __init__(self, message: str, *, plugin: str, version: str | None = None) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.version = version

    def __str__(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"plugin {self.plugin!r}{version}: {self.args[0]}"


class SafetyInvariantError(PlanEngineError, AssertionError):
    """The core's own safety check found a plan that breaks a safety guarantee.

    This signals a bug in planengine, never bad input; it is not meant to be caught.
    """
