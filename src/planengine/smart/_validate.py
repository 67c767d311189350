"""``planengine validate`` as a library: walk paths, load each file, check it, collect violations.

Data flows one way: walk -> load (``_loader``) -> schema (``_schema_check``) -> SMART rules
(``_smart``) -> report (``_reporters``). A file that cannot be read or parsed gives one ``E001``
violation and the run goes on with the other files.
"""

from __future__ import annotations

import datetime
import operator
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import ConfigError, DocumentParseError
from planengine._log import StageTimes
from planengine.io._location import Location
from planengine.io._walk import iter_files, path_list
from planengine.smart._check import RuleSet, check_goals, rule_set
from planengine.smart._config import SmartConfig
from planengine.smart._model import SEVERITIES, Violation

__all__ = ["ValidationReport", "auto_jobs", "iter_files", "validate_file", "validate_paths"]


@attrs.frozen
class ValidationReport:
    """What a run found.

    :ivar violations: sorted by file, line, column and code.
    :ivar files: the files checked, in order.
    :ivar as_of: the date date-relative rules were judged against.
    :ivar schema: the schema files were checked against (``goal`` runs the SMART rules too).
    :ivar rules: the rule set of the run (for reporters: metadata of each code).
    :ivar fmt: the output format asked for (``text`` by default; :func:`planengine.render_lint`
        renders in it when given no other).
    """

    violations: tuple[Violation, ...]
    files: tuple[str, ...]
    as_of: datetime.date | None
    schema: str = "goal"
    rules: RuleSet | None = attrs.field(default=None, eq=False, repr=False)
    fmt: str = "text"

    @property
    def exit_code(self) -> int:
        """0 when clean (info findings allowed), 1 when any error or warning was found, 2 when
        no file was checked (an empty list of paths, a folder with no goal files): as
        ``planengine validate`` exits, for checking nothing is a mistake."""
        if not self.files:
            return 2
        return 1 if any(v.severity in ("error", "warning") for v in self.violations) else 0

    def counts(self) -> dict[str, int]:
        """Violations per severity."""
        found = Counter(v.severity for v in self.violations)
        return {severity: found.get(severity, 0) for severity in SEVERITIES}

    def statistics(self) -> list[tuple[str, str, str, int]]:
        """``(code, name, letter, count)`` per rule, most frequent first."""
        counts = Counter((v.code, v.name, v.letter) for v in self.violations)
        return sorted(
            ((code, name, letter, n) for (code, name, letter), n in counts.items()),
            key=lambda row: (-row[3], row[0]),
        )


def validate_file(
    path: str,
    *,
    as_of: datetime.date | None,
    config: SmartConfig,
    rules: RuleSet,
    instruments: Mapping[str, Any] | None,
    schema: str = "goal",
) -> list[Violation]:
    """Check one file; never raises for a bad file (it becomes an ``E001`` violation)."""
    from planengine.io._loader import load_document

    try:
        document = load_document(path, max_bytes=config.max_file_bytes)
    except DocumentParseError as error:
        rule = rules["E001"]
        return [
            Violation(
                code=rule.code,
                name=rule.name,
                letter=rule.letter,
                severity=config.severity_of(rule.code, rule.name, rule.severity),
                message=error.message,
                fix=rule.fix,
                location=Location(error.file or path, error.line, error.column, error.path or "$"),
                source=rule.source,
            )
        ]
    if schema == "goal":
        return _of_its_kind(
            check_goals(
                document,
                as_of=as_of,
                config=config,
                instruments=instruments,
                rules=rules,
                autoload=False,  # validate_paths worked the defaults out once for every file
            ),
            document,
            schema,
        )
    from planengine.io._schema_check import check_schema

    rule = rules["E002"]
    if not config.is_enabled(rule.code, rule.name, path):
        return []
    found = [
        (issue.message, issue.line, issue.column, issue.path_text)
        for issue in check_schema(document, schema)
    ]
    if not found:  # what the engine refuses beyond the schema (links, ids, wording)
        found = _content_problems(document, schema, as_of, config)
    return _of_its_kind(
        [
            Violation(
                code=rule.code,
                name=rule.name,
                letter=rule.letter,
                severity=config.severity_of(rule.code, rule.name, rule.severity),
                message=message,
                fix=f"See `planengine schema {schema}`.",
                location=Location(path, line, column, json_path),
                source=f"schemas/{schema}.schema.json",
            )
            for message, line, column, json_path in found
        ],
        document,
        schema,
    )


def _of_its_kind(violations: list[Violation], document: Any, schema: str) -> list[Violation]:
    """``violations``, or for a file of another kind (its ``kind:``, or ``goals``,
    ``responses``, ``resourceType``) that failed the schema, one ``E002`` naming its kind and
    the command that checks it, in place of schema errors that would not say so."""
    first = next((v for v in violations if v.code == "E002"), None)
    if first is None:  # a clean file is never looked at again
        return violations
    from planengine.io._kinds import wrong_kind_message

    message = wrong_kind_message(document.data, schema)
    if message is None:
        return violations
    top = document.locate(())
    line, column = top if top is not None else (None, None)
    where = Location(first.location.file, line, column, "$")
    return [attrs.evolve(first, message=message, location=where, fix="Check it as its kind.")]


def _content_problems(
    document: Any, schema: str, as_of: datetime.date | None = None, config: Any = None
) -> list[tuple[str, int | None, int | None, str]]:
    """For strategy, instrument and assessment files, the first problem the engine would refuse
    the file for although the schema passes it (an undefined citation, a misspelt condition, a
    no-risk claim; answers an instrument cannot have, a response after ``as_of``): the same
    verdict as the command that reads the file."""
    from planengine._errors import DocumentSchemaError, InputError
    from planengine.io._json_path import parse_json_path

    known = _known_ids(config)
    if schema == "strategy":
        from planengine.strategies._validation import semantic_problem

        problem = semantic_problem(document.data, known.areas, known.conditions)
        if problem is None:
            return []
        path, message = problem
    elif schema == "instrument":
        from planengine.instruments._build import instrument_from_mapping

        try:
            area = instrument_from_mapping(document.data).area
        except DocumentSchemaError as error:
            path, message = error.path or "$", error.message
        else:
            if area in known.areas:
                return []
            path, message = (
                "$.area",
                f"unknown area {area!r}; known: {', '.join(sorted(known.areas))}",
            )
    elif schema == "assessment":
        try:
            _read_as_plan_does(document, as_of, known)
        except InputError as error:
            path, message = error.path or "$", error.message
        else:
            return []
    else:
        return []
    try:
        position = document.locate(parse_json_path(path))
    except ValueError:
        position = None
    line, column = position if position is not None else (None, None)
    return [(message, line, column, path)]


@attrs.frozen
class _KnownIds:
    """The area and condition ids a file may name: the built-in vocabulary's and the plugins'."""

    areas: frozenset[str]
    conditions: frozenset[str]


def _known_ids(config: Any) -> _KnownIds:
    from planengine._vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    return _KnownIds(
        frozenset(vocabulary.areas).union(getattr(config, "plugin_areas", ())),
        frozenset(vocabulary.conditions).union(getattr(config, "plugin_conditions", ())),
    )


def _read_as_plan_does(
    document: Any, as_of: datetime.date | None, known: _KnownIds | None = None
) -> None:
    """Read an assessment as ``planengine plan`` does: the model's checks and, with ``as_of``,
    scoring by the built-in instruments (answers each can have, no response after ``as_of``).

    :raises InputError: what ``plan`` would refuse the file for.
    """
    from planengine.instruments._data_files import load_builtin_instruments
    from planengine.io._assessment import assessment_from_mapping
    from planengine.plan._scored import score_assessment

    assessment = assessment_from_mapping(
        document.data, file=document.path, document=document, vocabulary=known
    )
    if as_of is not None:
        score_assessment(assessment, as_of, load_builtin_instruments(), stale_after_days=10**6)


# Per-process state for --jobs workers (set once by the pool initialiser).
_WORKER: dict[str, Any] = {}


def _init_worker(state: dict[str, Any]) -> None:
    _WORKER.update(state)


#: A violation's fields but its location, and its location's: workers send plain tuples (cheaper
#: to pickle than attrs objects).
_FIELDS = tuple(field.name for field in attrs.fields(Violation) if field.name != "location")
_VIOLATION_FIELDS = operator.attrgetter(*_FIELDS)
_LOCATION_FIELDS = operator.attrgetter(*(field.name for field in attrs.fields(Location)))


def _row(violation: Violation) -> tuple[Any, ...]:
    """``violation`` as plain tuples, for a worker to send."""
    return _LOCATION_FIELDS(violation.location), _VIOLATION_FIELDS(violation)


def _violation(row: tuple[Any, ...]) -> Violation:
    """The violation a worker sent as :func:`_row`."""
    where, fields = row
    return Violation(**dict(zip(_FIELDS, fields, strict=True)), location=Location(*where))


def _run_chunk(chunk: Sequence[str]) -> list[tuple[Any, ...]]:
    state = _WORKER
    out: list[Violation] = []
    for path in chunk:
        out.extend(validate_file(path, **state))
    return list(map(_row, out))


def validate_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    as_of: datetime.date | None,
    config: SmartConfig | None = None,
    fmt: str = "text",
    jobs: int | str = 1,
    schema: str = "goal",
    instruments: Mapping[str, Any] | None = None,
    extra_rules: Iterable[Any] = (),
    plugin_manager: Any = None,
    autoload: bool = True,
) -> ValidationReport:
    """Validate every file under ``paths``: one path (a ``str`` or :class:`os.PathLike`, as
    Python's path functions take it) or a list of them.

    By default it judges as ``planengine validate`` does (:func:`planengine.check_goals`): with
    every installed plugin's rules, areas and instruments and the nearest configuration file's
    settings (found from the first path). ``autoload=False`` uses no installed plugin; an
    explicit ``config`` reads no file.

    :param as_of: the date for date-relative rules (T503, M203); ``None`` turns them off; the
        library never reads the clock (the command line's default is today).
    :param config: rule selection and limits (default: the configuration file's; with
        ``autoload=False``, :class:`SmartConfig()`).
    :param instruments: instrument id -> instrument (default: as :func:`check_goals`).
    :param extra_rules: more rules, beside the built-in (and installed plugins') ones.
    :param plugin_manager: a pluggy manager whose ``register_smart_rules`` hooks add rules
        (instead of the installed plugins').
    :param autoload: use the installed plugins and the configuration file for what is not given.
    :param fmt: the format :func:`planengine.render_lint` renders the report in by default.
    :param jobs: worker processes (1: in this process); ``"auto"``: one per idle CPU when there
        are enough files to pay for the workers' start (see :func:`auto_jobs`). The report is the
        same whatever the number.
    :param schema: ``goal`` (schema and SMART rules) or another bundled schema (schema only).
    :raises planengine.ConfigError: when ``schema`` is not bundled.
    :raises TypeError: when ``as_of`` is neither a date nor ``None`` (as for ``check_goals``).
    """
    from planengine.io._schema_check import _load_schema

    if as_of is not None and (
        not isinstance(as_of, datetime.date) or isinstance(as_of, datetime.datetime)
    ):
        raise TypeError(f"as_of must be a datetime.date or None, got {type(as_of).__name__}")

    times = StageTimes("validate", "validate")  # DEBUG only: stage times, never content
    paths = path_list(paths)
    _load_schema(schema)  # a missing schema is a usage error, before any file is read
    if autoload and (config is None or (schema == "goal" and instruments is None)):
        from planengine.smart._check import lint_defaults

        first = os.fspath(paths[0]) if paths else None
        found_config, found_instruments = lint_defaults(
            first if first is not None and os.path.exists(first) else None
        )
        config = config or found_config
        if schema == "goal" and instruments is None:
            instruments = found_instruments
    config = config or SmartConfig()
    if autoload and plugin_manager is None:
        from planengine.smart._check import installed_rule_set

        rules = installed_rule_set().with_rules(extra_rules)
    else:
        rules = rule_set(extra_rules, plugin_manager)
    if schema == "goal" and instruments is None:
        from planengine.smart._check import _default_instruments

        instruments = _default_instruments()
    files = iter_files(paths)
    times.mark("rules and files")
    state: dict[str, Any] = {
        "as_of": as_of,
        "config": config,
        "rules": rules,
        "instruments": instruments,
        "schema": schema,
    }
    if jobs == "auto":
        jobs = auto_jobs(len(files))
    elif not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ConfigError(f"jobs must be a positive number or 'auto', not {jobs!r}")
    violations: list[Violation] = []
    jobs = min(jobs, len(files), _usable_cpus())  # never more workers than files or CPUs
    from planengine.io._loader import STDIN

    if jobs > 1 and STDIN in files:  # only this process can read stdin
        violations.extend(validate_file(STDIN, **state))
        violations.extend(_run_parallel([f for f in files if f != STDIN], jobs, state))
    elif jobs > 1:
        violations = _run_parallel(files, jobs, state)
    else:
        for path in files:
            violations.extend(validate_file(path, **state))
    violations.sort(key=Violation.sort_key)
    times.mark("check")
    times.done(files=len(files), violations=len(violations), jobs=jobs)
    return ValidationReport(tuple(violations), tuple(files), as_of, schema, rules, fmt)


#: ``jobs="auto"`` starts one more worker per this many files when other CPUs are idle. A pool
#: costs about 0.15 s of CPU to start and to hand its results back, and a file about 0.65 ms to
#: check (``bench/bench_validate_jobs.py``, 50 to 2,000 files on the project's 2-core machine): a
#: second worker on an idle core pays from about 470 files, so two workers start at 1,000.
FILES_PER_AUTO_JOB = 500
#: The same on a busy machine (the load average leaves no other CPU idle): a worker then only
#: wins a larger share of the CPUs from the other jobs. Measured under a load average of 7-10:
#: two workers were slower than one at every count from 50 to 5,000 files (1.08-1.23x the
#: time) and faster at 10,000 (0.74x), so two workers start at 8,000.
FILES_PER_BUSY_JOB = 4000


def auto_jobs(file_count: int) -> int:
    """Workers for ``jobs="auto"``: one per :data:`FILES_PER_AUTO_JOB` files, up to the CPUs the
    load average leaves idle; on a machine with no other idle CPU, one per
    :data:`FILES_PER_BUSY_JOB` files, up to the usable CPUs; at least one."""
    idle = _idle_cpus()
    if idle > 1:
        return max(1, min(idle, file_count // FILES_PER_AUTO_JOB))
    return max(1, min(_usable_cpus(), file_count // FILES_PER_BUSY_JOB))


def _idle_cpus() -> int:
    """The usable CPUs that the last minute's load average leaves free (rounded), at least one."""
    usable = _usable_cpus()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - not on a Unix
        return usable
    return max(1, min(usable, int(usable - load + 0.5)))


def _usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _run_parallel(files: list[str], jobs: int, state: dict[str, Any]) -> list[Violation]:
    import multiprocessing

    from planengine.io._schema_check import _fast_validator

    _fast_validator(state["schema"])  # compiled once here, inherited by the forked workers

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(1, min(256, len(files) // (jobs * 4) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    out: list[Violation] = []
    with context.Pool(jobs, initializer=_init_worker, initargs=(state,)) as pool:
        for part in pool.imap(_run_chunk, chunks):
            out.extend(map(_violation, part))
    return out
