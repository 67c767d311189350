"""The registry of built-in SMART rules: every code, name, severity, message, fix, source and
doc in one place, each pointing at its check.

Codes are stable: never renumber, only add. ``E0xx`` are file-level findings the checker raises
itself (parse, schema, suppressions); ``S1xx``/``M2xx``/``A3xx``/``R4xx``/``T5xx`` follow the SMART
letters ([DN-smart-checks]).

The checks live in one module per letter beside this one (``_rules_file`` for E,
``_rules_specific``, ``_rules_measurable``, ``_rules_achievable``, ``_rules_relevant``,
``_rules_time_bound``; ``_rules_shared`` for what several letters read). Flat modules rather than a
``rules/`` subfolder: the registry keeps its import path, the letters sort together beside it, and
no package ``__init__`` runs the whole registry when one letter is imported.
"""

from __future__ import annotations

from typing import Any

from planengine.smart._contract import CONTRACT_RULES
from planengine.smart._model import SmartRule
from planengine.smart._rules_achievable import (
    check_absolute_target,
    check_free_metric_change,
    check_harmful_direction,
    check_met_at_baseline,
    check_plausible_change,
)
from planengine.smart._rules_file import check_dates
from planengine.smart._rules_measurable import (
    check_baseline_date,
    check_measure_only_in_statement,
    check_no_baseline,
    check_no_metric,
    check_no_target,
    check_no_unit,
    check_out_of_range,
    check_unknown_instrument,
)
from planengine.smart._rules_relevant import (
    check_not_linked,
    check_patient_words,
    check_statement_off_area,
    check_unknown_area,
)
from planengine.smart._rules_specific import check_multiple_behaviours, check_vague
from planengine.smart._rules_time_bound import (
    check_due_before_start,
    check_due_only_in_statement,
    check_due_passed,
    check_horizon,
    check_no_due_date,
    check_no_review,
    check_review_interval,
)

__all__ = ["BUILTIN_RULES"]

_SOURCE_MEASURABLE = "[DN-smart-checks] (Measurable) [R42][R43]"
_SOURCE_TIME = "[DN-smart-checks] (Time-bound) [R42][R43]"


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
        "[DN-vague-wording] (goals must be individualised and reviewable) [R42]",
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
    *CONTRACT_RULES,
    _rule(
        "S101",
        "vague-without-measure",
        "error",
        "vague wording with no metric and target",
        'Name the behaviour, or attach a real metric and a target ("ISI <= 14").',
        "[DN-vague-wording] (design note) [R42]; data/statement-patterns.yaml",
        """
What it does: reads the statement's main clause (tokens and lemmas; purpose clauses such as "... to
help cope with reminders" left out) for vague wording: the [DN-vague-wording] words (better, manage, cope with,
learn to, try to ...), "reduce/lower/improve/boost + an abstract noun" ("lower my anxiety", "boost
self-esteem", "fix negative thinking") and feelings, negated ones included ("I will not be anxious at
work", "never feel nervous"). Comparators are not vague ("less than once a week", "no more than 2
units"), and a count on the object pins it down ("learn two ways of coping").
It stays quiet when a real metric with a target pins the wording down: an instrument or rating with a
number in the statement ("from 8/10 to 5/10", "on the GAD-7"), a count moving between two numbers, or
measure with a target (an instrument, or a metric with a unit; a percentage of an abstract quality
such as "80 % increase in self-esteem" is not a metric). The due date is T501's, not this rule's.
Why: "goals not measurable" is the most cited Joint Commission finding for behavioural-health plans
(CTS.03.01.03, 61.69 % non-compliance in 2020).
Example: "Improve sleep" fails; "Improve sleep: ISI <= 14" with measure.instrument and a target
passes. The word lists, with their sources and examples, are in data/statement-patterns.yaml.""",
        check_vague,
    ),
    _rule(
        "S102",
        "multiple-behaviours",
        "warning",
        "more than one behaviour in one goal",
        "Split the goal so that each names one observable behaviour.",
        "[DN-smart-checks] (Specific)",
        """
What it does: splits the statement's main clause on coordination after its subject and verb
("Client will greet a coworker, make small talk, and speak up in one meeting": three behaviours) and
counts the parts that open with a verb in its base form and carry an object; sentences count too.
One behaviour with details stays one ("walk ... in the morning, right after I wake up, for 15
minutes"), as do alternatives ("an app or a journal"), verbs sharing one object ("recognize and plan
for"), and a sleep window ("go to bed at 10 and wake up at 7").
Why: a goal must name one target behaviour, so that progress on it can be measured. This is a
heuristic: suppress it with a reason when the behaviours form one routine.""",
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
goal is scored by Goal Attainment Scaling with a written expected ("0") level, or the statement is
measurable by itself: a discrete task that is done or not done ("complete the assessment
questionnaires", "list", "describe", "verbalize") counts as measured; a statement that counts or
rates something ("3 times a week") is M208's.
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
        "warning",
        "no baseline yet",
        "Add `measure.baseline: {value: ..., date: YYYY-MM-DD}`, or say where it will come from: "
        "`{pending: ..., by: YYYY-MM-DD}`.",
        _SOURCE_MEASURABLE,
        """
What it does: flags a measured goal with no baseline value. A pending baseline
(`{pending: "recorded from the first week of the practice log", by: YYYY-MM-DD}`) is accepted until
its `by` date and flagged after it. A warning: goals in real plans are often written before the
first measurement; the message says where the baseline can come from (the measure's method, else
the first week of a log or the first questionnaire). A target relative to the baseline
(`target: {change: -1}`, `{change_percent: -50}`) is no target at all until the baseline is there,
and the message says so. Why: a target means little without the starting point; achievability
(A3xx) cannot be judged either (A3xx rules skip a pending baseline).""",
        check_no_baseline,
    ),
    _rule(
        "M204",
        "no-target",
        "error",
        "no target",
        'Add `measure.target: {value: ..., comparator: "<="}`, or a change from the baseline: '
        "`{change: -1}` or `{change_percent: -50}`.",
        _SOURCE_MEASURABLE,
        """
What it does: flags a measured goal with no target: neither a value nor a change from the
baseline (`change`, in the measure's unit, or `change_percent`).""",
        check_no_target,
    ),
    _rule(
        "M205",
        "unknown-instrument",
        "error",
        "unknown instrument",
        "Use an instrument id listed by `planengine instruments`.",
        "[DN-instrument-data]",
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
        "[DN-instrument-data]",
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
What it does: flags a baseline value with no date (a pending baseline has its `by` date). Why: [DN-smart-checks] asks for baseline value and date; the
date anchors achievability and review.""",
        check_baseline_date,
    ),
    _rule(
        "M208",
        "measure-only-in-statement",
        "warning",
        "the statement states a measure the record lacks",
        "Copy it into `measure` (metric, unit, target) so that progress can be recorded.",
        _SOURCE_MEASURABLE,
        """
What it does: flags a goal with no `measure` whose statement counts or rates something itself
("3 times per week", "two drinks per week", "from 8/10 to 5/10") and quotes it. Why: the goal is
measurable as written (so M201 does not fire), but the review can only follow what the record
holds.""",
        check_measure_only_in_statement,
    ),
    _rule(
        "A301",
        "target-met-at-baseline",
        "warning",
        "the target is already met at baseline",
        "Set a target beyond the baseline, or state it as a maintenance goal and suppress this.",
        "[DN-smart-checks] (Achievable)",
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
        "[DN-change-measures][DN-smart-checks] (Achievable)",
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
        "[DN-change-measures][R38] (MCID, RCI), [DN-smart-checks] (Achievable: warn only)",
        """
What it does: compares the change asked for (|target - baseline|) with what the time allows: about
one reliable change (the instrument's reliable_change_points, else its MCID) per 4 weeks
(plausible-weeks-per-reliable-change), and at least one reliable change whatever the time.
Example: PHQ-9 27 -> 0 in 2 weeks warns (27 points against about 6).""",
        check_plausible_change,
    ),
    _rule(
        "A304",
        "absolute-target",
        "warning",
        "an absolute or perfectionist target",
        'Aim for a reduction or a rate that allows a lapse ("no more than 1 a week", "in 4 of 5 '
        'situations").',
        "[DN-smart-checks] (Achievable); data/statement-patterns.yaml (absolute_targets)",
        """
What it does: flags absolute wording in the statement ("zero panic attacks", "100 % of the time",
"free of outbursts", "never", "fall asleep immediately every night", "uninterrupted sleep", "stay
calm all day", "no snacking", "in 5 out of 5 opportunities", "exercise every day" with no rest
day), or a free metric whose target is 0 (or 100 %), and suggests a rewrite by the kind of wording.
Abstinence from a substance ("free of drug and alcohol use") and no harm to self or others are
established treatment and safety goals and are not flagged, nor is a ban kept to a window
("eliminate screen time 30 minutes before bedtime").
Why: a target nobody meets every time turns one lapse into a failed goal.""",
        check_absolute_target,
    ),
    _rule(
        "A305",
        "free-metric-change-beyond-plausible",
        "warning",
        "more change in a free metric than the time allows",
        "Set an intermediate target, or move the due date later.",
        "[DN-smart-checks] (Achievable: warn only); plausible-change-per-week (practice convention)",
        """
What it does: for a free metric (drinks, minutes, episodes: no instrument scale) asked to fall,
compares the reduction asked for, as a share of the baseline, with plausible-change-per-week (default 0.15) times the
weeks from start to due date (at least one week's worth). It reads the record (baseline, target,
start_date, due_date) or, without them, the statement ("from 60 to 45 minutes in two weeks"). The
message suggests an intermediate target and the weeks the change would need. Increases are not
judged: a share of a small starting count ("from 1 to 5 activities a week") says little.
Example: 57 to 14 units a week in 4 weeks (75 %) warns; about 60 % is plausible in that time.""",
        check_free_metric_change,
    ),
    _rule(
        "R401",
        "not-linked-to-assessed-problem",
        "error",
        "not linked to any assessed problem",
        "List the findings or instruments it answers to in `addresses: [...]`.",
        "[DN-smart-checks] (Relevant), [R42][R43]",
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
        "[DN-smart-checks] (Relevant), [R42][R43]",
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
        "[DN-who-delivers][DN-instrument-mapping]",
        """
What it does: flags an `area` that is not one of the engine's problem areas.""",
        check_unknown_area,
    ),
    _rule(
        "R404",
        "statement-about-another-area",
        "warning",
        "the statement is about another problem area",
        "File the goal under the area its statement is about, or say in the statement how it "
        "serves this area (or add that area to `addresses`).",
        "data/area-relevance.yaml (each list with its reason); goals reflect the assessed needs [R42][R43]",
        """
What it does: reads the statement with the vocabulary's goal words (the words that link a
patient's goal to an area) and warns when they link only to other areas, none of which serves the
goal's area (`data/area-relevance.yaml`, each list with its reason: behavioural activation serves
depression, sleep hygiene's evening drinking serves sleep ...) and none of which is in its
`addresses`. "Drink no more than 14 units a week" filed under depression warns; "Take a 20-minute walk
four days a week" filed under depression does not (activity serves depression), nor does a
statement whose words link to no area. Why: a goal must serve the problem it is filed under;
a misfiled goal is reviewed against the wrong problem. A warning: the words are a screen, and the
lists are wide on purpose.""",
        check_statement_off_area,
    ),
    _rule(
        "T501",
        "no-due-date",
        "error",
        "no due date",
        "Add `due_date: YYYY-MM-DD`.",
        _SOURCE_TIME,
        """
What it does: flags a goal with no due date and no timeframe in its statement either (a timeframe
the statement states is T507's). Why: [DN-smart-checks] Time-bound: no date, reject.""",
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
        "[DN-vague-wording] (goals not reviewed at required time frames) [R42]",
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
        "[DN-plan-structure] (short-term objectives), [DN-review-intervals]",
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
        "[DN-smart-checks] (Time-bound), [DN-review-intervals][R44][R46]",
        """
What it does: flags a goal with no review interval, unless the file gives the plan's review cycle
once for all its goals (`review_interval_days` at the top of the file, as real plans carry one).""",
        check_no_review,
    ),
    _rule(
        "T506",
        "review-interval-over-max",
        "error",
        "review interval longer than allowed",
        "Shorten `review_interval_days`, or raise max-review-interval-days in config.",
        "[DN-review-intervals] (42 CFR 456.180: at least every 90 days) [R44][R46]",
        """
What it does: flags review intervals beyond max-review-interval-days (default 90: Medicaid
psychiatric plans and many state rules review at least every 90 days), the goal's own or, for a
goal with none, the file's.""",
        check_review_interval,
    ),
    _rule(
        "T507",
        "due-date-only-in-statement",
        "warning",
        "the statement states a timeframe the record lacks",
        "Add `due_date` (the message works it out from the start date when it can).",
        _SOURCE_TIME,
        """
What it does: flags a goal with no `due_date` whose statement states a timeframe ("within 12
weeks", "by week 8", "by the end of the month") and quotes it; with a start date and a timeframe in
days, weeks or months it gives the date. Why: the goal is time-bound as written (so T501 does not
fire), but the review can only know when it is due from the record.""",
        check_due_only_in_statement,
    ),
)
