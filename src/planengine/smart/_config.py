"""Configuration of the SMART checker: ``[tool.planengine]`` in pyproject.toml, or planengine.toml.

Keys (kebab-case, as in ruff)::

    [tool.planengine]
    select = ["S", "M", "A", "R", "T"]       # codes, prefixes or rule names; default: every rule
                                              # (E001-E003, input validity, run whatever it says)
    extend-select = ["CBT"]                   # added to select (a plugin's rule prefix)
    ignore = ["R402"]                         # removed; the more specific selector wins
    per-file-ignores = { "drafts/**" = ["T"] }   # globs relative to the config file
    max-review-interval-days = 90             # T506; [DN-review-intervals]
    max-file-bytes = 1048576                  # larger files are refused (E001)
    plausible-weeks-per-reliable-change = 4   # A303
    plausible-change-per-week = 0.15          # A305: share of a free metric's baseline per week
    [tool.planengine.severity]
    R401 = "warning"

``[tool.planengine.plan]`` holds the planning settings (:mod:`planengine.io._plan_config`) and
``[tool.planengine.review]`` the review settings (:mod:`planengine.review._config`); any
other key is an error (:func:`check_keys`), and so is a selector or severity code that names no
rule (a plugin's codes count once the plugin is installed).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import ConfigError
from planengine.io._config_file import check_keys, read_config_table
from planengine.io._limits import DEFAULT_MAX_BYTES

__all__ = ["SmartConfig", "config_from_mapping", "load_config"]

#: Checks that the input is a goal file at all (parse, schema, version): on whatever ``select``
#: says (see :meth:`SmartConfig.is_enabled`).
INPUT_CHECKS = frozenset({"E001", "E002", "E003"})

#: Default longest review interval, days: Medicaid and state rules review at least every 90 days
#: ([DN-review-intervals][R44][R46]).
DEFAULT_MAX_REVIEW_INTERVAL_DAYS = 90


@attrs.frozen
class SmartConfig:
    """Which rules run, how serious each is, and the numbers rules use.

    ``select=None`` means every rule (built-in and plugin). Selectors are codes (``M203``),
    prefixes (``M``, ``M2``), rule names (``no-baseline``) or ``ALL``. A prefix names only codes
    with exactly its letters, as in ruff: ``S`` is not a plugin's ``SLP101``. The parse, schema and
    version checks (E001-E003) run whatever ``select`` says.
    """

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    max_review_interval_days: int = DEFAULT_MAX_REVIEW_INTERVAL_DAYS
    max_file_bytes: int = DEFAULT_MAX_BYTES
    plausible_weeks_per_reliable_change: float = 4.0
    #: A305: how much of its baseline a free metric (drinks, minutes, episodes) can plausibly
    #: change per week; a practice convention, not a sourced figure, so configurable.
    plausible_change_per_week: float = 0.15
    root: str | None = None  # the folder per-file-ignores globs are relative to
    #: area and condition ids plugins register (``register_vocabulary``), accepted besides the
    #: built-in vocabulary's; set by ``planengine validate`` from the installed plugins
    plugin_areas: tuple[str, ...] = ()
    plugin_conditions: tuple[str, ...] = ()

    def is_enabled(self, code: str, name: str, file: str | None = None) -> bool:
        """Whether a rule runs (for ``file``, given per-file-ignores); more specific selectors win,
        and an ``ignore`` as specific as a ``select`` wins.

        The input-validity checks (E001 parse, E002 schema, E003 version) are not lint rules: they
        run whatever ``select`` says, so that an invalid file never passes. Only an ``ignore`` (or
        per-file-ignores entry) naming E002 or E003 exactly, by code or name, turns one off; E001
        is always on.
        """
        if code in INPUT_CHECKS:
            return code == "E001" or not self._ignored_exactly(code, name, file)
        selected = 0 if self.select is None else _specificity(code, name, self.select)
        selected = max(selected, _specificity(code, name, self.extend_select))
        ignored = _specificity(code, name, self.ignore)
        if file is not None and self.per_file_ignores:
            for pattern, selectors in self.per_file_ignores:
                if self.matches(pattern, file):
                    ignored = max(ignored, _specificity(code, name, selectors))
        if self.select is None and selected == 0:
            return ignored == 0
        return selected > ignored

    def _ignored_exactly(self, code: str, name: str, file: str | None) -> bool:
        exact = (code, name)
        if any(selector in exact for selector in self.ignore):
            return True
        return file is not None and any(
            any(selector in exact for selector in selectors) and self.matches(pattern, file)
            for pattern, selectors in self.per_file_ignores
        )

    def matches(self, pattern: str, file: str) -> bool:
        """Whether ``file`` matches a per-file-ignores glob (relative to :attr:`root`)."""
        from pathlib import Path  # only with per-file-ignores: not imported on every start

        path = Path(file)
        candidates = {path.as_posix(), path.name}
        if self.root is not None:
            with contextlib.suppress(ValueError, OSError):
                candidates.add(path.resolve().relative_to(Path(self.root).resolve()).as_posix())
        return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates)

    def severity_of(self, code: str, name: str, default: str) -> str:
        """The effective severity of a rule: the most specific key of the severity table that
        names it (its code or name, then the longest code prefix, then ``ALL``), as for select.
        E001 (a file that cannot be read) stays an error: a broken file never passes."""
        if code == "E001":
            return default
        best, level = 0, default
        for key, value in self.severity:
            specificity = _specificity(code, name, (key,))
            if specificity > best:
                best, level = specificity, value
        return level

    def replace(self, **changes: Any) -> SmartConfig:
        return attrs.evolve(self, **changes)


_DIGITS = "0123456789"


def prefix_selects(selector: str, code: str) -> bool:
    """Whether the code prefix ``selector`` names ``code``: the code starts with it and both have
    the same letters, as in ruff (``S`` and ``S1`` name ``S101`` but not a plugin's ``SLP101``;
    ``SLP`` and ``SLP1`` name ``SLP101``; ``CB`` does not name ``CBT101``)."""
    return code.startswith(selector) and selector.rstrip(_DIGITS) == code.rstrip(_DIGITS)


def _specificity(code: str, name: str, selectors: Iterable[str]) -> int:
    """How specifically ``selectors`` name the rule: 0 none, 1 ``ALL``, 2+ prefix length, 99 exact."""
    best = 0
    for selector in selectors:
        if selector in (code, name):
            return 99
        if selector == "ALL":
            best = max(best, 1)
        elif prefix_selects(selector, code):
            best = max(best, 1 + len(selector))
    return best


def load_config(path: str | os.PathLike[str] | None = None, *, start: Any = None) -> SmartConfig:
    """Read the configuration from ``path``, or from the nearest config file found from ``start``.

    :raises planengine.ConfigError: for unreadable files, invalid TOML, or values of the wrong type.
    """
    table, where = read_config_table(path, start=start)
    if not table and where == "configuration":
        return SmartConfig()
    from pathlib import Path

    return config_from_mapping(table, where=where, root=str(Path(where).parent))


def config_from_mapping(
    table: Mapping[str, Any], *, where: str = "configuration", root: str | None = None
) -> SmartConfig:
    """Build a :class:`SmartConfig` from a ``[tool.planengine]``-shaped mapping.

    :raises ConfigError: for an unknown key (a misspelt setting would silently do nothing).
    """
    check_keys(table, where)
    changes: dict[str, Any] = {"root": root}
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            changes[key.replace("-", "_")] = tuple(_strings(table[key], f"{where}: {key}"))
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: per-file-ignores must be a table of glob = [codes]")
        changes["per_file_ignores"] = tuple(
            (str(glob), tuple(_strings(codes, f"{where}: per-file-ignores.{glob}")))
            for glob, codes in value.items()
        )
    if "severity" in table:
        value = table["severity"]
        if not isinstance(value, Mapping):
            raise ConfigError(f'{where}: severity must be a table of CODE = "error|warning|info"')
        from planengine.smart._model import SEVERITIES  # the rules' records: only for this table

        for code, level in value.items():
            if level not in SEVERITIES:
                raise ConfigError(
                    f"{where}: severity.{code} must be one of {', '.join(SEVERITIES)}, not {level!r}"
                )
        changes["severity"] = tuple((str(code), str(level)) for code, level in value.items())
    for key, attr, kind in (
        ("max-review-interval-days", "max_review_interval_days", int),
        ("max-file-bytes", "max_file_bytes", int),
        ("plausible-weeks-per-reliable-change", "plausible_weeks_per_reliable_change", float),
        ("plausible-change-per-week", "plausible_change_per_week", float),
    ):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{where}: {key} must be a positive number, not {value!r}")
            if kind is int and not isinstance(value, int):
                raise ConfigError(f"{where}: {key} must be a whole number, not {value!r}")
            changes[attr] = kind(value)
    return SmartConfig(**changes)


def _strings(value: Any, where: str) -> Sequence[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of rule codes or names")
    return [item.strip() for item in value if item.strip()]
