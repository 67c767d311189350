"""The built-in SMART rules: one check per rule, each with its source in clinical.md.

Codes are stable: never renumber, only add. ``E0xx`` are file-level findings the checker raises
itself (parse, schema, suppressions); ``S1xx``/``M2xx``/``A3xx``/``R4xx``/``T5xx`` follow the SMART
letters (clinical.md §6.2).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from planengine._values import COMPARATORS, compare, is_number, parse_date, read_number
from planengine.instruments._units import unit_scale
from planengine.smart._model import GoalContext, Hit, SmartRule

__all__ = ["BUILTIN_RULES", "VAGUE_PATTERN", "known_areas"]

def known_areas() -> frozenset[str]:
    """Area ids a goal may name: the vocabulary's problem areas (``vocabulary.yaml``, the one
    list), plus ``safety``."""
    from planengine._vocabulary import load_vocabulary

    return frozenset(load_vocabulary().areas) | {"safety"}

#: The §6.3 lint list of vague wording (a design note, not a sourced list).
VAGUE_WORDS = (
    r"improve[sd]?",
    r"improving",
    r"better",
    r"more",
    r"less",
    r"increase[sd]?",
    r"decrease[sd]?",
    r"understand(?:ing)?",
    r"explore",
    r"gain(?:ing)? insight",
    r"be(?:come)? (?:more )?aware of",
    r"work(?:ing)? on",
    r"deal(?:ing)? with",
    r"cope with",
    r"coping with",
    r"manage",
    r"managing",
    r"feel(?:ing)? (?:better|happier|less stressed)",
    r"reduce symptoms",
    r"stabili[sz]e",
    r"as needed",
    r"appropriate(?:ly)?",
    r"adequate(?:ly)?",
    r"regularly",
    r"often",
    r"sometimes",
    r"try to",
    r"hopefully",
    r"learn about",
)
VAGUE_PATTERN = re.compile(r"\b(?:" + "|".join(VAGUE_WORDS) + r")\b", re.IGNORECASE)

# Verbs that open a separate observable behaviour ("walk 20 minutes and call a friend").
_BEHAVIOUR_VERBS = (
    "attend|avoid|call|complete|cut|do|drink|eat|exercise|fall|finish|get|go|join|journal|keep|limit|"
    "log|meditate|meet|practi[sc]e|read|record|reduce|run|say|schedule|sleep|speak|spend|stop|swim|"
    "take|talk|use|visit|wake|walk|write"
)
_SEGMENT_START = re.compile(rf"^\s*(?:to\s+)?(?:{_BEHAVIOUR_VERBS})\b", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r"\band(?: also)?\b|;|\.\s+(?=[A-Z])|,\s*(?:and|then)\b", re.IGNORECASE)

_SOURCE_MEASURABLE = "clinical.md §6.2 (Measurable) [R42][R43]"
_SOURCE_TIME = "clinical.md §6.2 (Time-bound) [R42][R43]"


def _on_instrument_scale(ctx: GoalContext) -> Any:
    """The instrument when the goal's values are its totals, else ``None``.

    A goal may name both a free metric (sleep onset latency, minutes) and an instrument (isi) it
    answers to; then the values are in the metric's unit and instrument checks do not apply, unless
    the unit is the instrument's total: ``points``, ``score``, or ``PHQ-9 points`` and ``phq9 score``
    (the engine's own goal files write ``PHQ-9 points``), read as the review reads it.
    """
    instrument = ctx.instrument
    if instrument is None:
        return None
    unit = ctx.measure.get("unit")
    if ctx.measure.get("metric") and unit is not None:
        candidates = (
            getattr(instrument, "name", None),
            getattr(instrument, "id", None),
            ctx.measure.get("instrument"),
        )
        names = tuple(name for name in candidates if isinstance(name, str) and name)
        if not isinstance(unit, str) or unit_scale(unit, names) != "total":
            return None
    return instrument


def _has_metric(ctx: GoalContext) -> bool:
    measure = ctx.measure
    return bool(measure.get("metric") or measure.get("instrument"))


# -- S: specific ---------------------------------------------------------------------------------


def check_vague(ctx: GoalContext) -> Iterator[Hit]:
    statement = ctx.goal.get("statement")
    if not isinstance(statement, str):
        return
    match = VAGUE_PATTERN.search(statement)
    if match is None:
        return
    target = ctx.target
    anchored = (
        _has_metric(ctx)
        and target is not None
        and is_number(target.get("value"))
        and ctx.date("due_date") is not None
    )
    if not anchored:
        yield Hit(
            ("statement",),
            f"vague wording {match.group(0)!r} with no metric, target and due date to pin it down",
        )


def check_multiple_behaviours(ctx: GoalContext) -> Iterator[Hit]:
    statement = ctx.goal.get("statement")
    if not isinstance(statement, str):
        return
    segments = [part for part in _SEGMENT_SPLIT.split(statement) if part and part.strip()]
    behaviours = [part.strip() for part in segments if _SEGMENT_START.match(part)]
    if len(behaviours) >= 2:
        listed = "; ".join(repr(part[:40]) for part in behaviours[:3])
        yield Hit(("statement",), f"the statement names {len(behaviours)} behaviours ({listed})")


# -- M: measurable -------------------------------------------------------------------------------


def _has_gas_scale(ctx: GoalContext) -> bool:
    """Goal Attainment Scaling with a written expected (0) level is a measure in itself (§5)."""
    gas = ctx.goal.get("gas")
    levels = gas.get("levels") if isinstance(gas, dict) else None
    if not isinstance(levels, dict):
        return False
    expected = levels.get("0", levels.get(0))
    return isinstance(expected, str) and bool(expected.strip())


def check_no_metric(ctx: GoalContext) -> Iterator[Hit]:
    if not _has_metric(ctx) and not _has_gas_scale(ctx):
        yield Hit(("measure",) if "measure" in ctx.goal else ())


def check_no_unit(ctx: GoalContext) -> Iterator[Hit]:
    measure = ctx.measure
    if measure.get("metric") and not measure.get("instrument") and not measure.get("unit"):
        yield Hit(("measure",), f"metric {measure['metric']!r} has no unit")


def check_no_baseline(ctx: GoalContext) -> Iterator[Hit]:
    if _has_metric(ctx) and ctx.baseline is None:
        yield Hit(("measure",))


def check_baseline_date(ctx: GoalContext) -> Iterator[Hit]:
    baseline = ctx.baseline
    if baseline is not None and "date" not in baseline:
        yield Hit(("measure", "baseline"))


def check_no_target(ctx: GoalContext) -> Iterator[Hit]:
    if _has_metric(ctx) and ctx.target is None:
        yield Hit(("measure",))


def check_unknown_instrument(ctx: GoalContext) -> Iterator[Hit]:
    name = ctx.measure.get("instrument")
    if isinstance(name, str) and name not in ctx.instruments:
        known = ", ".join(sorted(ctx.instruments)) or "none loaded"
        yield Hit(("measure", "instrument"), f"unknown instrument {name!r} (known: {known})")


def check_out_of_range(ctx: GoalContext) -> Iterator[Hit]:
    instrument = _on_instrument_scale(ctx)
    if instrument is None:
        return
    low = read_number(getattr(instrument, "total_min", None))
    high = read_number(getattr(instrument, "total_max", None))
    if low is None or high is None:
        return
    # A unit naming a derived score (WHO-5 "percent" = raw x 4) puts the values on that scale.
    unit = ctx.measure.get("unit")
    for derived in getattr(instrument, "derived", ()):
        if derived.id == unit:
            low, high = low * derived.multiply, high * derived.multiply
    places: list[tuple[tuple[str | int, ...], Any]] = [
        (("measure", "baseline", "value"), (ctx.baseline or {}).get("value")),
        (("measure", "target", "value"), (ctx.target or {}).get("value")),
    ]
    progress = ctx.goal.get("progress")
    if isinstance(progress, list):
        for index, entry in enumerate(progress):
            if isinstance(entry, dict):
                places.append((("progress", index, "value"), entry.get("value")))
    name = ctx.measure.get("instrument")
    for path, raw in places:
        value = read_number(raw)  # one too large to use (or NaN) is outside any range
        if is_number(raw) and (value is None or not low <= value <= high):
            yield Hit(path, f"{_shown(raw)} is outside the {name} range {_fmt(low)}-{_fmt(high)}")


# -- A: achievable -------------------------------------------------------------------------------


def check_met_at_baseline(ctx: GoalContext) -> Iterator[Hit]:
    baseline, target = ctx.baseline, ctx.target
    if baseline is None or target is None:
        return
    start, goal = read_number(baseline.get("value")), read_number(target.get("value"))
    comparator = target.get("comparator", "<=" if _lower_is_better(ctx) else ">=")
    if start is None or goal is None or not isinstance(comparator, str):
        return
    if "comparator" not in target and _worse(ctx, start, goal):
        return  # "from 12 to 18" on PHQ-9 asks for deterioration: A302 says so, not this
    if comparator in COMPARATORS and compare(start, comparator, goal):
        yield Hit(
            ("measure", "target"),
            f"the baseline {_fmt(start)} already meets the target {comparator} {_fmt(goal)}",
        )


def _lower_is_better(ctx: GoalContext) -> bool:
    instrument = _on_instrument_scale(ctx)
    direction = getattr(instrument, "direction", "higher-is-worse") if instrument else None
    if direction is not None:
        return bool(direction == "higher-is-worse")
    baseline, target = ctx.baseline, ctx.target
    start = read_number((baseline or {}).get("value"))
    goal = read_number((target or {}).get("value"))
    return start is not None and goal is not None and goal < start


def _worse(ctx: GoalContext, start: float, goal: float) -> bool:
    """Whether ``goal`` is worse than ``start`` in the direction of the goal's instrument (``False``
    when the values are not on an instrument's scale or its direction is unknown)."""
    direction = getattr(_on_instrument_scale(ctx), "direction", None)
    if direction == "higher-is-worse":
        return goal > start
    if direction == "higher-is-better":
        return goal < start
    return False


def check_harmful_direction(ctx: GoalContext) -> Iterator[Hit]:
    instrument = _on_instrument_scale(ctx)
    target = ctx.target
    if instrument is None or target is None:
        return
    direction = getattr(instrument, "direction", None)
    if direction not in ("higher-is-worse", "higher-is-better"):
        return
    worse_up = direction == "higher-is-worse"
    comparator = target.get("comparator")
    goal = read_number(target.get("value"))
    start = read_number((ctx.baseline or {}).get("value"))
    name = ctx.measure.get("instrument")
    if comparator in ((">=", ">") if worse_up else ("<=", "<")):
        yield Hit(
            ("measure", "target", "comparator"),
            f"on {name} {direction.replace('-', ' ')}, so a target of {comparator} "
            f"{_fmt(goal) if goal is not None else '?'} asks for deterioration",
        )
    elif (
        start is not None
        and goal is not None
        and (goal > start if worse_up else goal < start)
        # With no comparator the target value is where the goal heads ("PHQ-9 from 12 to 18");
        # with one the baseline may already meet it ("PHQ-9 <= 18" from 12), which is A301.
        and not (comparator in COMPARATORS and compare(start, comparator, goal))
    ):
        yield Hit(
            ("measure", "target", "value"),
            f"on {name} {direction.replace('-', ' ')}; moving from {_fmt(start)} to {_fmt(goal)} "
            "is deterioration",
        )


def check_plausible_change(ctx: GoalContext) -> Iterator[Hit]:
    instrument = _on_instrument_scale(ctx)
    baseline, target = ctx.baseline, ctx.target
    if instrument is None or baseline is None or target is None:
        return
    change = getattr(instrument, "change", None)
    if getattr(change, "scale", "total") != "total":
        return  # thresholds in percent points (WHO-5) are not comparable with totals
    step = read_number(getattr(change, "reliable_change_points", None)) or read_number(
        getattr(change, "mcid", None)
    )
    start, goal = read_number(baseline.get("value")), read_number(target.get("value"))
    begin, due = ctx.start, ctx.date("due_date")
    if not step or start is None or goal is None or begin is None or due is None:
        return
    weeks = max(0, (due - begin).days) / 7  # no time at all still allows one reliable change
    per = ctx.settings.plausible_weeks_per_reliable_change
    plausible = step * max(1.0, weeks / per)
    wanted = abs(goal - start)
    if wanted > plausible:
        yield Hit(
            ("measure", "target", "value"),
            f"a change of {_fmt(wanted)} points in {weeks:.0f} weeks exceeds about {_fmt(plausible)}"
            f" (one reliable change of {_fmt(step)} per {_fmt(per)} weeks)",
        )


# -- R: relevant ---------------------------------------------------------------------------------


def check_not_linked(ctx: GoalContext) -> Iterator[Hit]:
    addresses = ctx.goal.get("addresses")
    if not addresses:
        yield Hit(("addresses",) if "addresses" in ctx.goal else ())


def check_patient_words(ctx: GoalContext) -> Iterator[Hit]:
    words = ctx.goal.get("patient_words")
    if not (isinstance(words, str) and words.strip()):
        yield Hit()


def check_unknown_area(ctx: GoalContext) -> Iterator[Hit]:
    area = ctx.goal.get("area")
    known = known_areas()
    if isinstance(area, str) and area not in known:
        yield Hit(("area",), f"unknown area {area!r} (known: {', '.join(sorted(known))})")


# -- T: time-bound -------------------------------------------------------------------------------


def check_no_due_date(ctx: GoalContext) -> Iterator[Hit]:
    if "due_date" not in ctx.goal:
        yield Hit()


def check_due_before_start(ctx: GoalContext) -> Iterator[Hit]:
    start, due = ctx.start, ctx.date("due_date")
    if start is not None and due is not None and due < start:
        yield Hit(("due_date",), f"due date {due} is before the start {start}")


def check_due_passed(ctx: GoalContext) -> Iterator[Hit]:
    due = ctx.date("due_date")
    if ctx.as_of is not None and due is not None and due < ctx.as_of:
        yield Hit(("due_date",), f"due date {due} has passed (as of {ctx.as_of})")


def check_horizon(ctx: GoalContext) -> Iterator[Hit]:
    start, due = ctx.start, ctx.date("due_date")
    if start is not None and due is not None and due > _one_year_after(start):
        yield Hit(("due_date",), f"the goal spans {(due - start).days} days, more than a year")


def _one_year_after(day: dt.date) -> dt.date:
    """The same date a year later (29 February: 28 February, so a year is never over-counted)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February, or the calendar's last year
        return day.replace(year=day.year + 1, day=28) if day.year < dt.MAXYEAR else dt.date.max


def check_no_review(ctx: GoalContext) -> Iterator[Hit]:
    if "review_interval_days" not in ctx.goal:
        yield Hit()


def check_review_interval(ctx: GoalContext) -> Iterator[Hit]:
    days = ctx.goal.get("review_interval_days")  # 365.0 is the integer 365 in the schema
    limit = ctx.settings.max_review_interval_days
    if is_number(days) and days > limit:  # one too large to use is too long too
        yield Hit(
            ("review_interval_days",),
            f"review every {_shown(days)} days is longer than the maximum of {limit} days",
        )


def check_dates(ctx: GoalContext) -> Iterator[Hit]:
    fields: list[tuple[tuple[str | int, ...], Any]] = [
        (("start_date",), ctx.goal.get("start_date")),
        (("due_date",), ctx.goal.get("due_date")),
        (("measure", "baseline", "date"), (ctx.baseline or {}).get("date")),
    ]
    progress = ctx.goal.get("progress")
    if isinstance(progress, list):
        for index, entry in enumerate(progress):
            if isinstance(entry, dict):
                fields.append((("progress", index, "date"), entry.get("date")))
    for path, value in fields:
        if value is not None and parse_date(value) is None:
            yield Hit(path, f"{value!r} is not a calendar date (YYYY-MM-DD)")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{round(value, 1):g}"


def _shown(raw: Any) -> str:
    """A JSON number as messages show it, usable or not: ``inf`` when too large for a float."""
    try:
        return _fmt(float(raw))
    except OverflowError:  # an integer with hundreds of digits
        return "inf" if raw > 0 else "-inf"


def _rule(
    code: str,
    name: str,
    severity: str,
    message: str,
    fix: str,
    source: str,
    docs: str,
    check: Any = None,
    *,
    date_dependent: bool = False,
) -> SmartRule:
    return SmartRule(
        code=code,
        name=name,
        letter=code[0],
        severity=severity,
        message=message,
        fix=fix,
        source=source,
        docs=docs.strip(),
        check=check,
        date_dependent=date_dependent,
    )


BUILTIN_RULES: tuple[SmartRule, ...] = (
    _rule(
        "E001",
        "parse-error",
        "error",
        "the file cannot be read or parsed",
        "Fix the file so that it is UTF-8 YAML or JSON with a mapping at the top.",
        "planengine loader (safe YAML 1.2 core types)",
        """
What it does: reports a file that is empty, binary, not UTF-8, too large (max-file-bytes), not valid
YAML/JSON, has duplicate keys, uses tags beyond the core types (e.g. !!python/object, never executed),
expands aliases excessively, nests deeper than 64 levels, or is not a mapping at the top.
Why: nothing else can be checked in a file that cannot be read. This finding cannot be ignored.""",
    ),
    _rule(
        "E002",
        "schema-violation",
        "error",
        "the file breaks schemas/goal.schema.json",
        "Correct the field named in the message; `planengine schema goal` prints the schema.",
        "schemas/goal.schema.json",
        """
What it does: validates the structure against the goal schema (draft 2020-12). For oneOf/anyOf the
most relevant alternative is reported. Why: rules read fields by name; a misspelt or mistyped field
would otherwise pass silently. Extension keys starting with x- are allowed anywhere.
It runs whatever select says (an invalid file never passes); only ignoring E002 itself turns it off.""",
    ),
    _rule(
        "E003",
        "unsupported-version",
        "error",
        "unknown format version",
        "Set `planengine: 1`, or upgrade planengine.",
        "schemas/goal.schema.json",
        """
What it does: reports a `planengine:` format version this release does not read. Why: a file written
for another version may mean something else by the same field names; it is not checked further.
It runs whatever select says; only ignoring E003 itself turns it off.""",
    ),
    _rule(
        "E004",
        "invalid-date",
        "error",
        "not a calendar date",
        "Write dates as YYYY-MM-DD, e.g. 2027-02-28.",
        "schemas/goal.schema.json",
        """
What it does: reports date fields that look like YYYY-MM-DD but are not real dates (2027-02-30).
Why: time-bound rules cannot judge a goal whose dates are not dates.""",
        check_dates,
    ),
    _rule(
        "E005",
        "duplicate-goal-id",
        "error",
        "goal id used twice in this file",
        "Give each goal its own id.",
        "schemas/goal.schema.json",
        """
What it does: reports a goal id already used by an earlier goal in the same file. Why: reviews,
progress and suppressions refer to goals by id.""",
    ),
    _rule(
        "E006",
        "suppression-without-reason",
        "error",
        "a suppression needs a reason",
        "Add `reason:` saying why the rule does not apply to this goal.",
        "clinical.md §6.3 (goals must be individualised and reviewable) [R42]",
        """
What it does: reports an entry in a goal's `suppress:` list with no reason. Such a suppression has
no effect. Why: accreditors ask why a goal departs from the standard; the reason is the answer.""",
    ),
    _rule(
        "E007",
        "unused-suppression",
        "warning",
        "the suppressed rule does not fire here",
        "Remove the suppression.",
        "ruff RUF100 convention",
        """
What it does: reports a suppression whose rule did not fire on that goal (like ruff's RUF100).
Why: stale suppressions hide future problems. Not reported for rules that depend on the as-of date
(T503): a suppression written before the due date has not fired yet, but will.""",
    ),
    _rule(
        "E008",
        "unknown-suppressed-rule",
        "warning",
        "suppression names no known rule",
        "Use a rule code or name listed by `planengine rules`.",
        "ruff RUF100 convention",
        """
What it does: reports a suppression naming a rule that does not exist (or is not installed), or
a rule that is not a check of the goal's content (E001-E009), which cannot be suppressed.""",
    ),
    _rule(
        "E009",
        "rule-crashed",
        "error",
        "a rule raised an exception",
        "Report the bug to the rule's author (see the plugin name).",
        "planengine",
        """
What it does: reports a rule (usually a plugin's) that raised while checking a goal. The other rules
still ran.""",
    ),
    _rule(
        "S101",
        "vague-without-measure",
        "error",
        "vague wording with no metric, target and date",
        'Name the behaviour and attach a metric, a target and a due date ("ISI <= 14 by 2027-07-01").',
        "clinical.md §6.3 (design note) [R42]",
        """
What it does: flags the §6.3 vague words (improve, better, manage, cope with, feel better, regularly,
try to ...) when the goal lacks a metric or instrument, a numeric target, or a due date.
Why: "goals not measurable" is the most cited Joint Commission finding for behavioural-health plans
(CTS.03.01.03, 61.69 % non-compliance in 2020).
Example: "Improve sleep" fails; "Improve sleep: ISI <= 14 by 2027-07-01" with measure and due_date
passes.""",
        check_vague,
    ),
    _rule(
        "S102",
        "multiple-behaviours",
        "warning",
        "more than one behaviour in one goal",
        "Split the goal so that each names one observable behaviour.",
        "clinical.md §6.2 (Specific)",
        """
What it does: flags statements that join two or more action verbs ("walk 20 minutes and call a
friend"). Why: a goal must name one target behaviour, so that progress on it can be measured. This is
a heuristic: suppress it with a reason when the behaviours form one routine.""",
        check_multiple_behaviours,
    ),
    _rule(
        "M201",
        "no-metric-or-instrument",
        "error",
        "no metric or instrument",
        "Add `measure.metric` (e.g. sleep onset latency) and/or `measure.instrument` (e.g. isi).",
        _SOURCE_MEASURABLE,
        """
What it does: flags a goal whose `measure` names neither a metric nor an instrument, unless the
goal is scored by Goal Attainment Scaling with a written expected ("0") level.
Why: without a measure there is no way to tell whether the goal is met.""",
        check_no_metric,
    ),
    _rule(
        "M202",
        "no-unit",
        "error",
        "metric has no unit",
        "Add `measure.unit` (minutes, nights per week, drinks per day ...).",
        _SOURCE_MEASURABLE,
        """
What it does: flags a free metric (no instrument) with no unit. Instrument totals are points.""",
        check_no_unit,
    ),
    _rule(
        "M203",
        "no-baseline",
        "error",
        "no baseline",
        "Add `measure.baseline: {value: ..., date: YYYY-MM-DD}`.",
        _SOURCE_MEASURABLE,
        """
What it does: flags a measured goal with no baseline value. Why: a target means little without the
starting point; achievability (A3xx) cannot be judged either.""",
        check_no_baseline,
    ),
    _rule(
        "M204",
        "no-target",
        "error",
        "no target",
        'Add `measure.target: {value: ..., comparator: "<="}`.',
        _SOURCE_MEASURABLE,
        """
What it does: flags a measured goal with no target value.""",
        check_no_target,
    ),
    _rule(
        "M205",
        "unknown-instrument",
        "error",
        "unknown instrument",
        "Use an instrument id listed by `planengine instruments`.",
        "clinical.md §2",
        """
What it does: flags `measure.instrument` ids the engine cannot score (built-in or plugin).""",
        check_unknown_instrument,
    ),
    _rule(
        "M206",
        "value-out-of-instrument-range",
        "error",
        "value outside the instrument's range",
        "Check the value: totals must lie within the instrument's range (PHQ-9 0-27, GAD-7 0-21 ...).",
        "clinical.md §1, §2",
        """
What it does: flags baseline, target and progress values outside the instrument's total range.""",
        check_out_of_range,
    ),
    _rule(
        "M207",
        "baseline-without-date",
        "warning",
        "baseline has no date",
        "Add `measure.baseline.date`.",
        _SOURCE_MEASURABLE,
        """
What it does: flags a baseline value with no date. Why: §6.2 asks for baseline value and date; the
date anchors achievability and review.""",
        check_baseline_date,
    ),
    _rule(
        "A301",
        "target-met-at-baseline",
        "warning",
        "the target is already met at baseline",
        "Set a target beyond the baseline, or state it as a maintenance goal and suppress this.",
        "clinical.md §6.2 (Achievable)",
        """
What it does: compares the baseline with the target and its comparator (default: towards better on
the instrument; a target with no comparator that is worse than the baseline is A302 instead).
Why: a goal already met measures nothing.""",
        check_met_at_baseline,
    ),
    _rule(
        "A302",
        "target-harmful-direction",
        "error",
        "the target asks for deterioration",
        "Reverse the comparator or the target value: lower is better on higher-is-worse scales.",
        "clinical.md §4.1, §6.2 (Achievable)",
        """
What it does: using the instrument's direction (higher-is-worse or higher-is-better), flags targets
that ask for a worse score, e.g. PHQ-9 >= 10 or PHQ-9 from 12 to 18. A target with no comparator
is where the goal heads, so a value worse than the baseline is flagged here (not as A301).""",
        check_harmful_direction,
    ),
    _rule(
        "A303",
        "change-beyond-plausible",
        "warning",
        "more change than the time allows",
        "Move the due date later or set an intermediate target.",
        "clinical.md §4.1-4.2 (MCID, RCI), §6.2 (Achievable: warn only)",
        """
What it does: compares the change asked for (|target - baseline|) with what the time allows: about
one reliable change (the instrument's reliable_change_points, else its MCID) per 4 weeks
(plausible-weeks-per-reliable-change), and at least one reliable change whatever the time.
Example: PHQ-9 27 -> 0 in 2 weeks warns (27 points against about 6).""",
        check_plausible_change,
    ),
    _rule(
        "R401",
        "not-linked-to-assessed-problem",
        "error",
        "not linked to any assessed problem",
        "List the findings or instruments it answers to in `addresses: [...]`.",
        "clinical.md §6.2 (Relevant), §6.6 [R42][R43]",
        """
What it does: flags a goal with no `addresses`. Why: accreditors require the plan to reflect the
person's assessed needs; a goal linked to nothing cannot show that.""",
        check_not_linked,
    ),
    _rule(
        "R402",
        "no-patient-words",
        "info",
        "no patient words",
        "Record the goal in the patient's own words in `patient_words`.",
        "clinical.md §6.2 (Relevant), §6.6 [R42][R43]",
        """
What it does: notes goals without `patient_words`. Why: CARF and the Joint Commission want goals in
the person's own words. Info only: it never fails a run.""",
        check_patient_words,
    ),
    _rule(
        "R403",
        "unknown-area",
        "error",
        "unknown area",
        "Use one of the engine's area ids (depression, anxiety, sleep ...).",
        "clinical.md §7-8",
        """
What it does: flags an `area` that is not one of the engine's problem areas.""",
        check_unknown_area,
    ),
    _rule(
        "T501",
        "no-due-date",
        "error",
        "no due date",
        "Add `due_date: YYYY-MM-DD`.",
        _SOURCE_TIME,
        """
What it does: flags a goal with no due date. Why: §6.2 Time-bound: no date, reject.""",
        check_no_due_date,
    ),
    _rule(
        "T502",
        "due-before-start",
        "error",
        "due date before the start",
        "Fix `start_date` or `due_date`.",
        _SOURCE_TIME,
        """
What it does: flags a due date before the start (start_date, else the baseline date). A goal due
on the day it starts is allowed: urgent steps, such as a same-day safety plan, are exactly that.""",
        check_due_before_start,
    ),
    _rule(
        "T503",
        "due-date-passed",
        "error",
        "due date has passed",
        "Review the goal: record it as met, revise it, or set a new due date.",
        "clinical.md §6.3 (goals not reviewed at required time frames) [R42]",
        """
What it does: flags goals whose due date is before the --as-of date (default today, printed in
json output). Skipped when no as-of date is given (library use). A suppression of it is never
reported as unused (E007), since it fires once the due date has passed.""",
        check_due_passed,
        date_dependent=True,
    ),
    _rule(
        "T504",
        "horizon-over-a-year",
        "warning",
        "goal spans more than a year",
        "Break it into short-term objectives with nearer dates.",
        "clinical.md §6.5 (short-term objectives), §6.4",
        """
What it does: flags goals whose start-to-due span exceeds a year. Why: SMART applies to short-term
objectives, reviewed at least every 90 days.""",
        check_horizon,
    ),
    _rule(
        "T505",
        "no-review-interval",
        "error",
        "no review interval",
        "Add `review_interval_days` (30 for intensive programmes, 90 for routine outpatient).",
        "clinical.md §6.2 (Time-bound), §6.4 [R44][R46]",
        """
What it does: flags a goal with no review interval.""",
        check_no_review,
    ),
    _rule(
        "T506",
        "review-interval-over-max",
        "error",
        "review interval longer than allowed",
        "Shorten `review_interval_days`, or raise max-review-interval-days in config.",
        "clinical.md §6.4 (42 CFR 456.180: at least every 90 days) [R44][R46]",
        """
What it does: flags review intervals beyond max-review-interval-days (default 90: Medicaid
psychiatric plans and many state rules review at least every 90 days).""",
        check_review_interval,
    ),
)
