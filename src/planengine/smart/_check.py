"""Running the rules over a goal document: schema, rules, suppressions, positions."""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from planengine._errors import PLUGIN_FAILURES, PluginError
from planengine.goals._record import GoalRecord, read_file_record
from planengine.io._document import Document, refuse_path
from planengine.io._json_path import format_json_path
from planengine.io._location import Location
from planengine.smart._config import SmartConfig
from planengine.smart._contract import read_with_contract
from planengine.smart._model import GoalContext, Hit, SmartRule, Violation
from planengine.smart._rules import BUILTIN_RULES

__all__ = ["RuleSet", "check_goals", "collect_plugin_rules", "rule_set"]

SUPPORTED_VERSIONS = (1,)
_CORE_PREFIXES = frozenset("ESMART")


class RuleSet:
    """The rules of one run: built-in plus extra (plugin) rules, looked up by code or name."""

    def __init__(self, extra: Iterable[SmartRule] = ()) -> None:
        #: the rules beyond the built-in ones (plugins')
        self.extra: tuple[SmartRule, ...] = tuple(extra)
        self.rules: tuple[SmartRule, ...] = (*BUILTIN_RULES, *self.extra)
        self.by_key: dict[str, SmartRule] = {}
        for rule in self.rules:
            for key in (rule.code, rule.name):
                if key in self.by_key:
                    owner = rule.plugin or "planengine"
                    raise PluginError(
                        f"rule {key!r} is already defined by "
                        f"{self.by_key[key].plugin or 'planengine'}",
                        plugin=owner,
                    )
                self.by_key[key] = rule
        # config -> (code -> enabled, code -> severity, active checks), for configs without
        # per-file-ignores (then the answers are the same for every file of a run).
        self._per_config: dict[
            SmartConfig, tuple[dict[str, bool], dict[str, str], list[SmartRule]]
        ] = {}

    def with_rules(self, more: Iterable[SmartRule]) -> RuleSet:
        """These rules and ``more`` (this set itself when there are none more)."""
        added = tuple(more)
        return self if not added else RuleSet((*self.extra, *added))

    def get(self, key: str) -> SmartRule | None:
        """The rule with this code or name, if there is one."""
        return self.by_key.get(key)

    def __getitem__(self, key: str) -> SmartRule:
        return self.by_key[key]


def collect_plugin_rules(
    plugin_manager: Any, *, on_error: Callable[[PluginError], None] | None = None
) -> list[SmartRule]:
    """Call every ``register_smart_rules`` implementation, checking what each registers.

    A rule may be a :class:`SmartRule` or a mapping of its fields. Codes must use the plugin's own
    prefix (not one of the core letters E, S, M, A, R, T).

    :param on_error: report a plugin that raised or registered an invalid rule, and leave all its
        rules out (the other plugins' rules are checked); ``None``: raise (strict).
    :raises planengine.PluginError: without ``on_error``, naming the plugin, for an invalid or
        clashing rule, or a plugin that raised.
    """
    from planengine._plugins import call_each

    by_plugin: dict[str, list[SmartRule]] = {}
    failed: set[str] = set()

    def bind(name: str) -> dict[str, Any]:
        def register(rule: Any) -> None:
            by_plugin.setdefault(name, []).append(_plugin_rule(rule, name))

        return {"register": register}

    def report(failure: PluginError) -> None:
        if on_error is None:  # strict: the first failure is raised
            raise failure
        failed.add(failure.plugin or "")
        on_error(failure)

    # the host's one calling loop: plugin-name order, each implementation on its own
    call_each(plugin_manager, "register_smart_rules", bind, strict=on_error is None, on_error=report)
    return [rule for name, rules in by_plugin.items() if name not in failed for rule in rules]


def _plugin_rule(rule: Any, plugin: str) -> SmartRule:
    import attrs

    try:
        if isinstance(rule, SmartRule):
            built = rule
        elif isinstance(rule, Mapping):
            built = SmartRule(**dict(rule))
        else:
            raise TypeError(f"expected a SmartRule or a mapping, got {type(rule).__name__}")
    except (TypeError, ValueError) as error:
        raise PluginError(f"invalid SMART rule: {error}", plugin=plugin) from None
    prefix = built.code.rstrip("0123456789")
    if prefix in _CORE_PREFIXES:
        raise PluginError(
            f"rule code {built.code!r} uses a core prefix; plugins need their own (e.g. CBT101)",
            plugin=plugin,
        )
    if built.check is None:
        raise PluginError(f"rule {built.code} has no check function", plugin=plugin)
    return attrs.evolve(built, plugin=plugin)


def rule_set(extra_rules: Iterable[SmartRule] = (), plugin_manager: Any = None) -> RuleSet:
    """Built-in rules plus ``extra_rules`` plus those registered through ``plugin_manager``."""
    extra = list(extra_rules)
    if plugin_manager is not None:
        extra.extend(collect_plugin_rules(plugin_manager))
    if not extra:  # the built-ins alone: one set per process, so what it works out is kept
        return _builtin_rule_set()
    return RuleSet(extra)


@functools.cache
def _builtin_rule_set() -> RuleSet:
    return RuleSet()


@functools.lru_cache(maxsize=1)
def installed_rule_set() -> RuleSet:
    """The built-in rules and the rules of every installed plugin (``planengine validate``'s
    default), built once; a plugin whose rules fail to register is left out and logged."""
    from planengine._installed import installed_plugins
    from planengine._plugins import log_failure

    def skip(failure: PluginError) -> None:
        log_failure(failure.plugin or "unknown", "register_smart_rules", failure)

    return RuleSet(collect_plugin_rules(installed_plugins().manager, on_error=skip))


def lint_defaults(
    start: str | os.PathLike[str] | None,
) -> tuple[SmartConfig, Mapping[str, Any]]:
    """The lint settings and instruments ``planengine validate`` uses for a file at ``start``
    (``None``: the working directory): the nearest configuration file's settings, which also
    accept the areas and conditions installed plugins register, and the instruments as planning
    builds them (plugin instruments, the file's ``instrument-overrides``).

    :raises planengine.ConfigError: for a configuration file with unknown keys or bad values.
    """
    from planengine._config import config_near
    from planengine._installed import installed_instruments, installed_vocabulary

    found = config_near(start)
    areas, conditions = installed_vocabulary()
    config = found.lint
    if areas or conditions:
        config = config.replace(plugin_areas=areas, plugin_conditions=conditions)
    return config, installed_instruments(found.table, found.file or "configuration")


def _default_instruments() -> Mapping[str, Any]:
    try:
        from planengine.instruments._data_files import load_builtin_instruments
    except ImportError:  # pragma: no cover - the registry ships with planengine
        return {}
    return load_builtin_instruments()


class _Collector:
    """Turns hits into violations with severity, selection and positions applied."""

    def __init__(
        self, rules: RuleSet, config: SmartConfig, document: Document | None, file: str | None
    ) -> None:
        self.rules = rules
        self.config = config
        self.document = document
        self.file = file
        self.found: list[tuple[SmartRule, tuple[str | int, ...], str, str | None]] = []
        self._active: list[SmartRule] | None = None
        shared = None if config.per_file_ignores else rules._per_config.get(config)
        if shared is None:
            # code -> enabled for this file, code -> severity (each worked out once)
            self._enabled: dict[str, bool] = {}
            self._severity: dict[str, str] = {}
            if not config.per_file_ignores:
                if len(rules._per_config) >= 64:  # a long-lived process with many configs
                    rules._per_config.clear()
                rules._per_config[config] = (self._enabled, self._severity, [])
        else:
            self._enabled, self._severity, active = shared
            if active:
                self._active = active

    def active(self) -> list[SmartRule]:
        """The enabled rules that have a check function."""
        if self._active is None:
            self._active = [
                rule for rule in self.rules.rules if rule.check is not None and self.enabled(rule)
            ]
            if not self.config.per_file_ignores:
                shared = self.rules._per_config[self.config][2]
                shared[:] = self._active
        return self._active

    def enabled(self, rule: SmartRule) -> bool:
        code = rule.code
        known = self._enabled.get(code)
        if known is None:
            known = self._enabled[code] = code == "E001" or self.config.is_enabled(
                code, rule.name, self.file
            )
        return known

    def severity(self, rule: SmartRule) -> str:
        code = rule.code
        level = self._severity.get(code)
        if level is None:
            level = self._severity[code] = self.config.severity_of(code, rule.name, rule.severity)
        return level

    def add(
        self,
        code: str,
        path: Sequence[str | int],
        message: str | None = None,
        goal_id: str | None = None,
    ) -> None:
        rule = self.rules[code]
        if self.enabled(rule):
            self.found.append((rule, tuple(path), message or rule.message, goal_id))

    def violations(self) -> list[Violation]:
        result = []
        for rule, path, message, goal_id in self.found:
            line = column = None
            if self.document is not None:
                position = self.document.locate(path)
                if position is not None:
                    line, column = position
            result.append(
                Violation(
                    code=rule.code,
                    name=rule.name,
                    letter=rule.letter,
                    severity=self.severity(rule),
                    message=message,
                    fix=rule.fix,
                    location=Location(self.file, line, column, format_json_path(path)),
                    goal_id=goal_id,
                    plugin=rule.plugin,
                    source=rule.source,
                )
            )
        result.sort(key=Violation.sort_key)
        return result


def check_goals(
    document_or_mapping: Document | Mapping[str, Any],
    *,
    as_of: datetime.date | None,
    config: SmartConfig | None = None,
    instruments: Mapping[str, Any] | None = None,
    extra_rules: Iterable[SmartRule] = (),
    plugin_manager: Any = None,
    rules: RuleSet | None = None,
    autoload: bool = True,
) -> list[Violation]:
    """Check goals against the goal schema and the SMART rules.

    By default it judges as ``planengine validate`` does: with the rules, areas, conditions and
    instruments of every installed plugin, and the settings of the nearest configuration file
    (from the document's folder, else the working directory). ``autoload=False`` uses no
    installed plugin; an explicit ``config`` reads no file.

    :param document_or_mapping: a loaded :class:`Document` (violations get file, line and column),
        a goal-file mapping (``{"planengine": 1, "goals": [...]}``), or a single goal mapping.
    :param as_of: the date to judge date-relative rules against (T503); ``None`` skips them. The
        library never reads the clock.
    :param config: selection, severities and limits; default: the configuration file's (with
        ``autoload=False``: :class:`SmartConfig()`).
    :param instruments: instrument id -> instrument; default: the built-in ones, the installed
        plugins' and the configuration file's overrides (``autoload=False``: the built-in ones).
    :param extra_rules: more rules (e.g. a plugin's), checked like plugin rules by the caller.
    :param plugin_manager: a pluggy manager whose ``register_smart_rules`` hooks add rules.
    :param rules: a prepared :class:`RuleSet` (overrides ``extra_rules``/``plugin_manager``).
    :param autoload: use the installed plugins' rules, areas and instruments when no
        ``rules``, ``plugin_manager`` or ``instruments`` are given (as ``planengine validate``).
    :return: violations sorted by position (file, line, column, code).
    :raises planengine.ConfigError: for a configuration file with bad settings (when read).
    :raises TypeError: when ``as_of`` is neither a date nor ``None`` (as for ``review_goals``),
        or ``document_or_mapping`` is a path (load it with :func:`planengine.load_document`).
    """
    from planengine.io._schema_check import check_schema

    refuse_path(document_or_mapping, "check_goals")
    if as_of is not None and (
        not isinstance(as_of, datetime.date) or isinstance(as_of, datetime.datetime)
    ):
        raise TypeError(f"as_of must be a datetime.date or None, got {type(as_of).__name__}")
    document = document_or_mapping if isinstance(document_or_mapping, Document) else None
    config, instruments, rules = _settings(
        document, config, instruments, rules, extra_rules, plugin_manager, autoload
    )
    data: Any = document.data if document is not None else document_or_mapping
    if isinstance(data, Mapping) and "goals" not in data and "statement" in data:
        data = {"planengine": 1, "goals": [dict(data)]}
    collect = _Collector(rules, config, document, document.path if document else None)

    version = data.get("planengine") if isinstance(data, Mapping) else None
    if (
        isinstance(data, Mapping)
        and "planengine" in data
        and (isinstance(version, bool) or version not in SUPPORTED_VERSIONS)
    ):
        collect.add(
            "E003",
            ("planengine",),
            f"unknown format version {version!r}; this planengine reads version "
            + ", ".join(map(str, SUPPORTED_VERSIONS)),
        )
        return collect.violations()

    schema_target: Any = document if document is not None else data
    for issue in check_schema(schema_target, "goal"):
        collect.add("E002", issue.parts, issue.message)

    # The one reader of goal files reads each goal into its typed record, which the rules read,
    # and says what the review refuses beyond the schema (one verdict).
    goals = data.get("goals") if isinstance(data, Mapping) else None
    if not isinstance(goals, list):
        goals = []
    if isinstance(data, Mapping):
        parsed, contract = read_with_contract(schema_target, as_of=as_of, instruments=instruments)
        records = {goal.record.index: goal.record for goal in parsed.goals}
        file_record = parsed.record
    else:
        contract, records, file_record = [], {}, read_file_record({})
    # the dates outside the goals (the file's ``as_of``, repeat questionnaires), which
    # ``planengine review`` reads too
    for path, value in file_record.unreadable_dates:
        collect.add("E004", path, f"{value!r} is not a calendar date (YYYY-MM-DD)")
    active = collect.active()
    seen_ids: set[str] = set()
    for index, goal in enumerate(goals):
        if not isinstance(goal, Mapping):
            continue
        record = records[index]
        goal_id = record.id
        base: tuple[str | int, ...] = ("goals", index)
        if goal_id is not None:
            if goal_id in seen_ids:
                collect.add("E005", (*base, "id"), f"goal id {goal_id!r} is used twice", goal_id)
            seen_ids.add(goal_id)
        context = GoalContext(
            goal=goal,
            index=index,
            document=data,
            as_of=as_of,
            instruments=instruments,
            settings=config,
            record=record,
            file=file_record,
        )
        hits = _goal_hits(context, active, collect, base, goal_id)
        for rule, hit in _apply_suppressions(record, base, hits, rules, collect):
            collect.add(rule.code, (*base, *hit.path), hit.message, goal_id)
    reported = {(rule.code, path) for rule, path, _message, _goal in collect.found}
    for refused in contract:  # once per place: E004 and E005 may be reported above already
        if (refused.code, refused.parts) not in reported:
            collect.add(refused.code, refused.parts, refused.message, refused.goal_id)
    return collect.violations()


def _settings(
    document: Document | None,
    config: SmartConfig | None,
    instruments: Mapping[str, Any] | None,
    rules: RuleSet | None,
    extra_rules: Iterable[SmartRule],
    plugin_manager: Any,
    autoload: bool,
) -> tuple[SmartConfig, Mapping[str, Any], RuleSet]:
    """The configuration, instruments and rules ``check_goals`` judges with: those given, else
    (with ``autoload``) the nearest configuration file's and the installed plugins', else the
    built-in ones."""
    if autoload and (config is None or instruments is None):
        start = document.path if document is not None and os.path.exists(document.path) else None
        found_config, found_instruments = lint_defaults(start)
        config = config or found_config
        instruments = found_instruments if instruments is None else instruments
    if rules is None:
        if autoload and plugin_manager is None:
            rules = installed_rule_set().with_rules(extra_rules)
        else:
            rules = rule_set(extra_rules, plugin_manager)
    if instruments is None:
        instruments = _default_instruments()
    return config or SmartConfig(), instruments, rules


def _goal_hits(
    context: GoalContext,
    active: Iterable[SmartRule],
    collect: _Collector,
    base: tuple[str | int, ...],
    goal_id: str | None,
) -> list[tuple[SmartRule, Hit]]:
    """What each active rule finds in one goal; a rule that raises, or yields something that is
    not a :class:`Hit`, is reported as E009 and the others still run."""
    hits: list[tuple[SmartRule, Hit]] = []
    for rule in active:
        try:
            found = list(rule.check(context))  # type: ignore[misc]
        except PLUGIN_FAILURES as error:
            from planengine._plugins import log_failure

            owner = f" (plugin {rule.plugin})" if rule.plugin else ""
            log_failure(rule.plugin or "planengine", f"SMART rule {rule.code}", error)
            collect.add("E009", base, f"rule {rule.code}{owner} raised {error!r}", goal_id)
            continue
        if not found:  # most rules find nothing
            continue
        stray = next((hit for hit in found if not isinstance(hit, Hit)), None)
        if stray is not None:
            owner = f" (plugin {rule.plugin})" if rule.plugin else ""
            collect.add(
                "E009",
                base,
                f"rule {rule.code}{owner} yielded {type(stray).__name__} {stray!r:.80}, "
                "not a Hit",
                goal_id,
            )
            continue
        hits.extend((rule, hit) for hit in found)
    return hits


def _apply_suppressions(
    record: GoalRecord,
    base: tuple[str | int, ...],
    hits: list[tuple[SmartRule, Hit]],
    rules: RuleSet,
    collect: _Collector,
) -> list[tuple[SmartRule, Hit]]:
    if not record.suppress:
        return hits
    goal_id = record.id
    active: dict[str, int] = {}  # rule code -> suppress index
    for entry in record.suppress:
        index = entry.index
        where = (*base, "suppress", index)
        rule = rules.get(entry.rule)
        if rule is None:
            collect.add(
                "E008",
                (*where, "rule"),
                f"suppression names unknown rule {entry.rule!r}",
                goal_id,
            )
            continue
        if rule.check is None:  # file-level checks (parse, schema, ids) and suppression checks
            collect.add(
                "E008",
                (*where, "rule"),
                f"{rule.code} is not a check of this goal's content and cannot be suppressed; "
                "fix what it reports",
                goal_id,
            )
            continue
        reason = entry.reason
        if not (reason and reason.strip()):
            collect.add(
                "E006",
                where,
                f"suppression of {rule.code} has no reason, so it has no effect",
                goal_id,
            )
            continue
        active[rule.code] = index
    kept = []
    used: set[str] = set()
    for rule, hit in hits:
        if rule.code in active:
            used.add(rule.code)
        else:
            kept.append((rule, hit))
    for code, index in active.items():
        # A date-dependent rule (T503) that does not fire today fires on a later date.
        if code not in used and not rules[code].date_dependent and collect.enabled(rules[code]):
            collect.add(
                "E007",
                (*base, "suppress", index),
                f"{code} does not fire on this goal; remove the suppression",
                goal_id,
            )
    return kept
