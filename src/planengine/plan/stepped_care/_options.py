"""Options, not hidden priority: the treatments a problem may start with, the default and why,
and a recorded choice applied (stepped-care.md §9, R-SC2, R-SC4, R-SC7, R-SC17).

A problem's options are each course of therapy proposed for it (steps with ``intensity: high``,
grouped by their ``option`` name), guided self-help (its low-intensity self-help steps) and
active monitoring only. Courses that do the same job (``conflicts_with`` between steps of
different options) are alternatives: the plan keeps one, the default or the chosen one, and the
others are left out with a pointer to the choices. Plugin priority only breaks ties between
equivalent courses; it never reaches the plan's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from planengine._errors import InputError
from planengine._model import Exclusion, Intervention, Problem
from planengine.plan.stepped_care._dose import HIGH, SELF_HELP, homework_minutes
from planengine.plan.stepped_care._order import CASENESS, MORE_SEVERE, Severity
from planengine.plan.stepped_care._records import Choice, TreatmentOption
from planengine.plan.stepped_care._rules import SteppedCareRules, load_rules

__all__ = ["GUIDED_SELF_HELP", "MONITOR_ONLY", "Decision", "decide", "option_of"]

GUIDED_SELF_HELP = "guided-self-help"
MONITOR_ONLY = "monitor-only"
RULE_OPTION = "stepped-care.option"
#: the option id of the one course for depression and anxiety together (R-SC16)
TRANSDIAGNOSTIC: str = load_rules()["transdiagnostic"]["option"]
PROPORTIONATE = "stepped-care.proportionate-start"
_SESSION_WORDS = {"day": "a day", "week": "a week", "month": "a month"}


@attrs.frozen
class Decision:
    """How a problem starts: ``"high"`` (its course may start now), ``"low"`` (self-help first,
    the course is a step up), ``"monitor"`` (active monitoring only) or ``"within"`` (treated
    within another problem's transdiagnostic course), and the course kept."""

    start: str
    course: frozenset[str]
    rule: str
    reason: str


def option_of(step: Intervention) -> str:
    """The option a course step belongs to: its ``option``, else its id without the area."""
    if step.option:
        return step.option
    prefix = f"{step.area}-"
    return step.id[len(prefix):] if step.id.startswith(prefix) else step.id


def decide(
    problem: Problem,
    severity: Severity,
    rules: SteppedCareRules,
    chosen: str | None,
    exclusions: list[Exclusion],
    *,
    measure: str,
    review_weeks: int,
    suicide_flag: bool = False,
) -> tuple[Choice | None, Decision]:
    """The problem's options, its default or chosen one, applied to the problem in place
    (alternative courses move to ``exclusions``).

    :param chosen: the option recorded for this problem's area, if any.
    :param measure: what is re-measured, in words (for the monitoring option).
    :param suicide_flag: a suicide-risk flag is open: depression starts with a course with a
        clinician, and active monitoring alone is no option (R-SC5; NG222).
    :raises InputError: when ``chosen`` names no option of this problem.
    """
    courses: dict[str, list[Intervention]] = {}
    self_help: list[Intervention] = []
    requires = False
    for step in problem.interventions:  # intensity is declared on every step by now
        if step.intensity == HIGH:
            courses.setdefault(option_of(step), []).append(step)
        elif step.delivery in SELF_HELP and step.option is None:
            self_help.append(step)
        requires = requires or bool(step.requires)
    if requires and courses:  # a course's homework goes with it (thought records: CBT)
        for steps in courses.values():
            steps.extend(_built_on(problem.interventions, steps))
        in_a_course = {s.id for steps in courses.values() for s in steps}
        self_help = [s for s in self_help if s.id not in in_a_course]
    if not courses and not self_help:
        if chosen is not None:
            raise InputError(f"choice {problem.area}={chosen}: this problem has no options to choose")
        return None, _NO_DECISION
    risk = suicide_flag and problem.area == "depression"
    default_id, rule, reason = _default(problem, severity, rules, courses, bool(self_help), risk)
    monitor = not (risk and courses)  # with a course and a suicide-risk flag, never monitoring
    known = [
        *([GUIDED_SELF_HELP] if self_help else []), *courses, *([MONITOR_ONLY] if monitor else [])
    ]
    if chosen is not None and chosen not in known:
        raise InputError(
            f"choice {problem.area}={chosen}: no such option; the options are {', '.join(known)}"
        )

    def build() -> tuple[TreatmentOption, ...]:
        shared = round(sum(homework_minutes(s) for s in self_help))  # kept with any course
        options = [_self_help_option(self_help, shared, default_id)] if self_help else []
        options.extend(_course_option(name, steps, shared, default_id)
                       for name, steps in courses.items())
        if monitor:
            options.append(_monitor_option(measure, review_weeks, rules.references, default_id))
        return tuple(options)

    picked = chosen or default_id
    kept = (
        picked if picked in courses
        else next((name for name in courses if name != TRANSDIAGNOSTIC), None)
    )
    if len(courses) > 1:
        _leave_out_alternatives(problem, courses, kept, exclusions)
    start = "high" if picked in courses else "monitor" if picked == MONITOR_ONLY else "low"
    choice = Choice(
        problem.id,
        problem.area,
        picked,
        "input" if chosen is not None else "default",
        rule,
        reason,
        build,
    )
    course = frozenset(s.id for s in courses[kept]) if kept else frozenset()
    if chosen is not None:
        title = (courses[picked][0].title if picked in courses
                 else "Guided self-help" if picked == GUIDED_SELF_HELP else "Active monitoring only")
        rule, reason = RULE_OPTION, f"{title} was chosen (recorded choice)."
    return choice, Decision(start, course, rule, reason)


_NO_DECISION = Decision("low", frozenset(), PROPORTIONATE, "")


def _default(
    problem: Problem,
    severity: Severity,
    rules: SteppedCareRules,
    courses: Mapping[str, Sequence[Intervention]],
    self_help: bool,
    risk: bool,
) -> tuple[str, str, str]:
    """The default option, its rule and the reason, from the area's high-intensity rule."""
    at, rule, _ = rules.high_intensity_from.get(problem.area, ("", PROPORTIONATE, ()))
    high = (at == "more_severe" and severity.level == MORE_SEVERE) or (
        at == "caseness" and severity.level >= CASENESS
    )
    # the transdiagnostic course is offered, never the default (R-SC16)
    first_course = next((name for name in courses if name != TRANSDIAGNOSTIC), None)
    if risk and first_course is not None:
        return first_course, "stepped-care.suicide-risk", (
            "A suicide-risk flag is open: a course with a clinician, with the risk reviewed at "
            "every contact, rather than self-help alone; the options apply after the risk "
            "assessment."
        )
    if high and first_course is None:
        return (GUIDED_SELF_HELP if self_help else MONITOR_ONLY), rule, (
            f"{severity.text}: a specialist assessment comes first (the steps due at this "
            "visit); self-help supports it and never replaces it."
        )
    if high and first_course is not None:
        others = len(courses) - 1
        equal = (
            f"; {others} equivalent course{'s' if others > 1 else ''} can be chosen instead"
            if others
            else ""
        )
        return first_course, rule, (
            f"{severity.text}: a high-intensity course is recommended at this level{equal}."
        )
    fallback = GUIDED_SELF_HELP if self_help else MONITOR_ONLY
    if at == "more_severe":
        why = f"{severity.text}: guided self-help first; every other option can be chosen."
    elif at == "clinician":
        why = (
            "Low-intensity care first; step up to a course if it has not helped at the review, or "
            "now if the clinician judges daily functioning markedly impaired."
        )
    elif at == "caseness":
        why = f"{severity.text}: self-help first; the course is a step up."
    else:
        rule = PROPORTIONATE
        why = (
            f"{severity.text[:1].upper()}{severity.text[1:]}: a proportionate start with "
            "self-help; a course is a step up if it does not help."
        )
    return fallback, rule, why


def _leave_out_alternatives(
    problem: Problem,
    courses: Mapping[str, Sequence[Intervention]],
    kept: str | None,
    exclusions: list[Exclusion],
) -> None:
    """Alternative courses (an ``option`` other than the kept one's) and the steps built on them
    leave the problem; a course that names no option (CBT-I beside imagery rehearsal) is no
    alternative and stays."""
    gone = {
        s.id for name, steps in courses.items() if name != kept and steps[0].option for s in steps
    }
    if not gone:
        return
    gone.update(s.id for s in _built_on(problem.interventions, [
        s for s in problem.interventions if s.id in gone]))
    kept_title = next((s.title for s in courses.get(kept or "", ())), "the kept course")
    for step in problem.interventions:
        if step.id in gone:
            exclusions.append(
                Exclusion(
                    step.id,
                    step.area,
                    step.title,
                    f"an alternative to '{kept_title}'; it is listed with the options for "
                    f"{problem.title} and can be chosen instead",
                    RULE_OPTION,
                    step.provenance.source,
                )
            )
    problem.interventions = [s for s in problem.interventions if s.id not in gone]


def _built_on(steps: Sequence[Intervention], base: Sequence[Intervention]) -> list[Intervention]:
    """The steps that build on ``base`` (``requires``, to a fixed point), in plan order."""
    users: dict[str, list[int]] = {}  # step id -> places of the steps that require it
    for place, step in enumerate(steps):
        for required in step.requires:
            users.setdefault(required, []).append(place)
    found: set[int] = set()
    todo = [s.id for s in base]
    while todo:
        for place in users.get(todo.pop(), ()):
            if place not in found:
                found.add(place)
                todo.append(steps[place].id)
    base_ids = {s.id for s in base}
    return [steps[place] for place in sorted(found) if steps[place].id not in base_ids]


def _sessions(step: Intervention) -> str | None:
    frequency = step.frequency
    if not frequency:
        return None
    text = f"{frequency['times']} x {_SESSION_WORDS.get(frequency['per'], frequency['per'])}"
    if step.duration_minutes:
        text += f", {step.duration_minutes} min"
    if step.course_weeks:
        text += f", for {step.course_weeks} weeks"
    return text


def _course_option(
    name: str, steps: Sequence[Intervention], shared: int, default_id: str
) -> TreatmentOption:
    """A course option; its homework is its own steps' and the self-help every option keeps."""
    lead = steps[0]
    return TreatmentOption(
        name,
        lead.title,
        lead.description,
        lead.delivery,
        HIGH,
        _sessions(lead),
        shared + round(sum(homework_minutes(s) for s in steps)),
        tuple(dict.fromkeys(c for s in steps for c in s.citations)),
        tuple(s.id for s in steps),
        name == default_id,
    )


def _self_help_option(
    steps: Sequence[Intervention], minutes: int, default_id: str
) -> TreatmentOption:
    return TreatmentOption(
        GUIDED_SELF_HELP,
        "Guided self-help",
        "Self-help between short check-ins with the clinician: "
        + "; ".join(s.title for s in steps)
        + ".",
        "self-guided",
        "low",
        None,
        minutes,
        tuple(dict.fromkeys(c for s in steps for c in s.citations)),
        tuple(s.id for s in steps),
        default_id == GUIDED_SELF_HELP,
    )


def _monitor_option(
    measure: str, weeks: int, references: Mapping[str, str], default_id: str
) -> TreatmentOption:
    return TreatmentOption(
        MONITOR_ONLY,
        "Active monitoring only",
        f"No treatment yet: {measure} again within {weeks} weeks, and a step up if it has not "
        "improved.",
        "clinician-led",
        "none",
        None,
        0,
        (f"S2: {references['S2']}",),
        (),
        default_id == MONITOR_ONLY,
    )
