"""Options, not hidden priority: the treatments a problem may start with, the default and why,
and a recorded choice applied ([S16], R-SC2, R-SC4, R-SC7, R-SC17).

A problem's options are each course of therapy proposed for it (steps with ``intensity: high``,
grouped by their ``option`` name, with the steps built on them), guided self-help (its
low-intensity self-help steps, never stabilisation skills alone) and active monitoring only. Courses that name different options
are alternatives (assembly keeps both where they declare ``conflicts_with``): the plan keeps
one, the default or the chosen one, and the others are left out with a pointer to the choices.
A course that names no option is no alternative and stays. Plugin priority only breaks ties
between equivalent courses; it never reaches the plan's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from planengine._errors import InputError
from planengine._model import Exclusion, Intervention, Objective, Problem
from planengine.plan.stepped_care._dose import HIGH, SELF_HELP, homework_minutes
from planengine.plan.stepped_care._order import BELOW, CASENESS, MORE_SEVERE, Severity
from planengine.plan.stepped_care._records import Choice, TreatmentOption
from planengine.plan.stepped_care._rules import SteppedCareRules, load_rules, rule_id

__all__ = ["GUIDED_SELF_HELP", "MONITOR_ONLY", "Decision", "choice_for", "decide", "option_of"]

GUIDED_SELF_HELP = "guided-self-help"
MONITOR_ONLY = "monitor-only"
RULE_OPTION = "stepped-care.option"
#: the option id of the one course for depression and anxiety together (R-SC16)
TRANSDIAGNOSTIC: str = load_rules()["transdiagnostic"]["option"]
#: the option id of an antidepressant beside the course: an add-on, never the default (R-SC3/4)
MEDICATION: str = load_rules()["medication"]["option"]
PROPORTIONATE = "stepped-care.proportionate-start"
#: self-help that is no treatment of its own: it goes with every option and is never offered as
#: guided self-help (grounding and breathing while waiting for trauma-focused therapy are no
#: treatment for PTSD, NICE NG116; clinician read 9, S3)
NOT_A_TREATMENT = frozenset({"stabilisation"})
_SESSION_WORDS = {"day": "a day", "week": "a week", "month": "a month"}


@attrs.frozen
class Decision:
    """How a problem starts and what it was offered.

    :ivar start: ``"high"`` (its course may start now), ``"low"`` (self-help first, the course is
        a step up), ``"monitor"`` (active monitoring only) or ``"within"`` (treated within
        another problem's transdiagnostic course).
    :ivar course: the ids of the course steps that may start (the kept course, and courses that
        are no alternative).
    :ivar rule: the rule behind the start; :ivar reason: why, in words.
    :ivar chosen: the option followed; :ivar default: the default option and ``default_rule``,
        ``default_reason`` why; :ivar chosen_by: ``"default"`` or ``"input"``.
    :ivar monitor: active monitoring is offered.
    :ivar left_out: the courses left out as alternatives (option name, its steps as they
        left the plan); :attr:`alternatives` writes them as options when they are first read.
    :ivar measure: what is re-measured, in words.
    """

    start: str
    course: frozenset[str]
    rule: str
    reason: str
    chosen: str = ""
    default: str = ""
    chosen_by: str = "default"
    default_rule: str = ""
    default_reason: str = ""
    monitor: bool = False
    #: no step of these is in the plan any more, so nothing changes them after they left
    left_out: tuple[tuple[str, tuple[Intervention, ...]], ...] = attrs.field(default=(), eq=False)
    measure: str = ""
    #: the kept option's steps, placed before the problem's other courses (CBT-I before
    #: imagery rehearsal, which follows it)
    first: frozenset[str] = frozenset()
    #: when active monitoring alone is offered at or above the level its area's course starts
    #: at: the condition, in words ("if the patient declines trauma-focused therapy"), else ""
    monitor_when: str = ""

    @property
    def alternatives(self) -> tuple[TreatmentOption, ...]:
        """The courses left out as alternatives, as options (written on each read: a plan reads
        them once, when its choices' options are first read)."""
        return tuple(_course_option(name, steps, 0, self.default) for name, steps in self.left_out)

    @property
    def offers(self) -> bool:
        """Whether the problem has options to show."""
        return bool(self.chosen)


def option_of(step: Intervention) -> str:
    """The option a course step belongs to: its ``option``, else its id without the area."""
    if step.option:
        return step.option
    prefix = f"{step.area}-"
    return step.id[len(prefix):] if step.id.startswith(prefix) else step.id


def _classify(
    interventions: Sequence[Intervention], objectives: Sequence[Objective]
) -> tuple[dict[str, list[Intervention]], list[Intervention]]:
    """The problem's courses by option (a course, or a low-intensity programme that names an
    option: guided self-help CBT is the CBT option at a mild level; each with the steps built on
    it: thought records go with the CBT course) and its self-help that goes with any option, in
    plan order."""
    courses: dict[str, list[Intervention]] = {}
    self_help: list[Intervention] = []
    requires = False
    for step in interventions:  # intensity is declared on every step by now
        if step.intensity == HIGH or step.option:  # a course, or a programme an option names
            courses.setdefault(option_of(step), []).append(step)
        elif step.delivery in SELF_HELP and step.category not in NOT_A_TREATMENT:
            self_help.append(step)
        requires = requires or bool(step.requires)
    if requires and courses:
        users = _users(interventions)
        for steps in courses.values():
            steps.extend(_built_on(interventions, steps, users))
        in_a_course = {s.id for steps in courses.values() for s in steps}
        self_help = [s for s in self_help if s.id not in in_a_course]
    measured = {o.id for o in objectives if o.measure.instrument}
    if len(courses) > 1 and measured:  # the course for the measured problem first (CBT-I for
        # the ISI before imagery rehearsal for nightmares)
        courses = dict(sorted(
            courses.items(), key=lambda item: measured.isdisjoint(item[1][0].objective_ids)
        ))
    return courses, self_help


def decide(
    problem: Problem,
    severity: Severity,
    rules: SteppedCareRules,
    chosen: str | None,
    exclusions: list[Exclusion],
    *,
    measure: str,
    risk_flag: str | None = None,
    risk_recorded: bool = False,
    stale: frozenset[str] = frozenset(),
) -> Decision:
    """The problem's default or chosen option, applied to the problem in place (alternative
    courses move to ``exclusions``).

    :param chosen: the option recorded for this problem's area, if any.
    :param measure: what is re-measured, in words (for the monitoring option).
    :param risk_flag: the open suicide-risk flag, named as the plan names it ("the suicide-risk
        flag", "the risk flag (item 9 unanswered)"), or None: depression starts with a course with a
        clinician, and active monitoring alone is no option (R-SC5; NG222).
    :param risk_recorded: the clinician's assessment of that flag is recorded (a safety plan or
        a referral): the reason no longer says the options wait for it.
    :param stale: instruments whose latest score is older than the stale-baseline limit: a
        course is not the default on one (it is measured again first).
    :raises InputError: when ``chosen`` names no option of this problem.
    """
    courses, self_help = _classify(problem.interventions, problem.objectives)
    if not courses and not self_help:
        if chosen is not None:
            raise InputError(f"choice {problem.area}={chosen}: this problem has no options to choose")
        return _NO_DECISION
    if not courses and _high(problem, severity, rules):  # possible alcohol dependence
        if chosen is not None:
            raise InputError(
                f"choice {problem.area}={chosen}: no options until the specialist assessment "
                "that comes first"
            )
        rule = rules.high_intensity_from[problem.area][1]
        return Decision("low", frozenset(), rule, (
            f"{severity.text}: the withdrawal-risk assessment and a specialist or GP assessment "
            "come first; the options follow it."
        ))
    risk = risk_flag if problem.area == "depression" else None
    default_id, rule, reason = _default(
        problem, severity, rules, courses, bool(self_help), risk, risk_recorded
    )
    if default_id in courses and severity.instrument in stale and not risk:
        default_id, rule, reason = MONITOR_ONLY, rule_id("R-SC6"), (
            f"{severity.text}, but that score is old: measure it again before a course starts; "
            "the course can be chosen at once instead."
        )
    # never monitoring alone with a course and a suicide-risk flag
    monitor = not (risk and courses) or len(courses) + bool(self_help) < 2  # two at least (R-SC17)
    known = [
        *([GUIDED_SELF_HELP] if self_help else []), *courses, *([MONITOR_ONLY] if monitor else [])
    ]
    if chosen is not None and chosen not in known:
        why = (
            " (active monitoring alone is not offered while a suicide-risk flag is on record)"
            if chosen == MONITOR_ONLY and risk
            else ""
        )
        raise InputError(
            f"choice {problem.area}={chosen}: no such option{why}; the options are "
            f"{', '.join(known)}"
        )
    picked = chosen or default_id
    kept = _kept_course(courses, picked)
    add_on = MEDICATION if picked == MEDICATION else None  # beside the kept course
    left_out: tuple[tuple[str, tuple[Intervention, ...]], ...] = ()
    if len(courses) > 1:
        left_out = _leave_out_alternatives(problem, courses, kept, exclusions, add_on)
    start = "high" if picked in courses else "monitor" if picked == MONITOR_ONLY else "low"
    # the kept course, and every course that is no alternative (it names no option): the
    # course limit then decides which starts first
    course = frozenset(
        s.id for name, steps in courses.items()
        if name in (kept, add_on) or (not steps[0].option and picked in courses) for s in steps
    )
    start_rule, start_reason = rule, reason
    if chosen is not None:
        title = (courses[picked][0].title if picked in courses
                 else "Guided self-help" if picked == GUIDED_SELF_HELP else "Active monitoring only")
        start_rule, start_reason = RULE_OPTION, f"{title} was chosen (recorded choice)."
    declined = _declined(problem.area) if _high(problem, severity, rules) else ""
    return Decision(
        start, course, start_rule, start_reason, picked, default_id,
        "input" if chosen is not None else "default", rule, reason, monitor, left_out, measure,
        frozenset(s.id for s in courses.get(kept or "", ())),
        f"if the patient declines {declined}" if declined and monitor else "",
    )


def _declined(area: str) -> str:
    """The course an area's ``high_intensity_from`` entry names as what active monitoring alone
    stands in for at or above its level (``declined`` in data/stepped-care.yaml), else ``""``."""
    entry = load_rules()["high_intensity_from"].get(area) or {}
    return str(entry.get("declined", ""))


def _kept_course(courses: Mapping[str, Sequence[Intervention]], picked: str) -> str | None:
    """The course the plan keeps: the one picked, else the first course proper (the step up),
    never one of the core's own options (the transdiagnostic course, the antidepressant)."""
    if picked in courses and picked != MEDICATION:
        return picked
    own = [name for name in courses if name not in (TRANSDIAGNOSTIC, MEDICATION)]
    return next((name for name in own if courses[name][0].intensity == HIGH), own[0] if own else None)


def choice_for(
    problem: Problem,
    decision: Decision,
    rules: SteppedCareRules,
    review_weeks: int,
    budget: int | None = None,
) -> Choice | None:
    """The problem's options as the finished plan has them (after every hook), with the
    alternatives that left it, and the one followed; ``None`` when nothing of it is left to
    choose (its steps are listed under another problem). The options are written from the
    problem's steps as they are now, when first read."""
    if not decision.left_out and not any(
        s.intensity == HIGH or s.option or s.delivery in SELF_HELP for s in problem.interventions
    ):
        return None
    default = decision.default
    steps_now, objectives = tuple(problem.interventions), tuple(problem.objectives)

    def build() -> tuple[TreatmentOption, ...]:
        courses, self_help = _classify(steps_now, objectives)
        # kept with any course: the self-help, and the stabilisation skills that are no option
        kept = [s for s in steps_now if s.delivery in SELF_HELP and s.category in NOT_A_TREATMENT]
        shared = round(sum(homework_minutes(s) for s in (*self_help, *kept)))
        options = [_self_help_option(self_help, shared, default)] if self_help else []
        options.extend(
            _course_option(name, steps, shared, default) for name, steps in courses.items()
        )
        options.extend(decision.alternatives)
        if decision.monitor or len(options) < 2:
            options.append(
                _monitor_option(decision.measure, review_weeks, rules.references, default,
                                decision.monitor_when)
            )
        if budget is not None:  # say where an option alone is more than a week can carry
            options = [
                attrs.evolve(o, involves=f"{o.involves} More than the weekly budget of {budget} "
                             "minutes: part of it starts when earlier homework has ended.")
                if o.homework_minutes_per_week > budget else o
                for o in options
            ]
        return tuple(options)

    return Choice(
        problem.id, problem.area, decision.chosen, decision.chosen_by,
        decision.default_rule, decision.default_reason, build,
    )


_NO_DECISION = Decision("low", frozenset(), PROPORTIONATE, "")
_CORE_OPTION = "rule:stepped-care."


def _default(
    problem: Problem,
    severity: Severity,
    rules: SteppedCareRules,
    courses: Mapping[str, Sequence[Intervention]],
    self_help: bool,
    risk: str | None,
    risk_recorded: bool = False,
) -> tuple[str, str, str]:
    """The default option, its rule and the reason, from the area's high-intensity rule."""
    at, rule, _ = rules.high_intensity_from.get(problem.area, ("", PROPORTIONATE, ()))
    high = _high(problem, severity, rules)
    # the transdiagnostic course is offered, never the default (R-SC16)
    first_course = next(
        (name for name, steps in courses.items()
         if name != TRANSDIAGNOSTIC and steps[0].intensity == HIGH),
        None,
    )
    # with a suicide-risk flag, a course whatever its first step (active monitoring alone is
    # not offered then, so it can never be the default); the transdiagnostic course only when it
    # is the one course with a clinician on offer (the risk rule comes before R-SC16 then)
    risk_course = (
        first_course
        or next((name for name in courses if name not in (TRANSDIAGNOSTIC, MEDICATION)), None)
        or (TRANSDIAGNOSTIC if TRANSDIAGNOSTIC in courses else None)
    )
    if risk and risk_course is not None:
        waits = (
            "the clinician's assessment of it is recorded"
            if risk_recorded
            else "the options apply after the risk assessment"
        )
        return risk_course, "stepped-care.suicide-risk", (
            f"{risk[:1].upper()}{risk[1:]} is on record: a course with a clinician, with the risk "
            f"reviewed at every contact, rather than self-help alone; {waits}."
        )
    if high and first_course is None:
        return (GUIDED_SELF_HELP if self_help else MONITOR_ONLY), rule, (
            f"{severity.text}: a specialist assessment comes first (the steps due at this "
            "visit); self-help supports it and never replaces it."
        )
    if high and first_course is not None:
        alternatives = sum(
            1 for name, steps in courses.items()
            if steps[0].option and steps[0].intensity == HIGH and name != TRANSDIAGNOSTIC
        ) - 1
        equal = (
            f"; {alternatives} equivalent course{'s' if alternatives > 1 else ''} can be chosen "
            "instead"
            if alternatives > 0
            else ""
        )
        return first_course, rule, (
            f"{severity.text}: "
            f"{severity.course_reason or 'a high-intensity course is recommended at this level'}"
            f"{equal}."
        )
    if severity.level == BELOW:  # below its cut-off: active monitoring first (R-SC6)
        return MONITOR_ONLY, rule_id("R-SC6"), (
            f"{severity.text}: active monitoring first, with a review within the step-up weeks; "
            "self-help or a course can be chosen instead."
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
        why = f"{severity.text[:1].upper()}{severity.text[1:]}: self-help first; the course is a step up."
    else:
        rule = PROPORTIONATE
        why = (
            f"{severity.text[:1].upper()}{severity.text[1:]}: a proportionate start with "
            "self-help; a course is a step up if it does not help."
        )
    return fallback, rule, why


def _high(problem: Problem, severity: Severity, rules: SteppedCareRules) -> bool:
    """Whether the problem's level calls for high-intensity care now (its area's rule)."""
    at = rules.high_intensity_from.get(problem.area, ("",))[0]
    return (at == "more_severe" and severity.level == MORE_SEVERE) or (
        at == "caseness" and severity.level >= CASENESS
    )


def _leave_out_alternatives(
    problem: Problem,
    courses: Mapping[str, Sequence[Intervention]],
    kept: str | None,
    exclusions: list[Exclusion],
    add_on: str | None = None,
) -> tuple[tuple[str, tuple[Intervention, ...]], ...]:
    """Alternative courses (an ``option`` other than the kept one's) and the steps built on them
    leave the problem; a course that names no option (CBT-I beside imagery rehearsal) is no
    alternative and stays. Returns each alternative's option name and steps, as they leave (the
    options are written from them when first read: :attr:`Decision.alternatives`)."""
    gone_courses = [
        (name, tuple(steps)) for name, steps in courses.items()
        if name not in (kept, add_on) and steps[0].option
    ]
    if not gone_courses:
        return ()
    gone = {s.id for _, steps in gone_courses for s in steps}
    gone.update(s.id for s in _built_on(problem.interventions, [
        s for s in problem.interventions if s.id in gone]))
    kept_title = next((s.title for s in courses.get(kept or "", ())), "the kept course")
    for step in problem.interventions:
        # an option the core itself adds (the Unified Protocol) is listed under the choices only
        if step.id in gone and not step.provenance.source.startswith(_CORE_OPTION):
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
    return tuple(gone_courses)


def _users(steps: Sequence[Intervention]) -> dict[str, list[int]]:
    """Step id -> the places of the steps that require it."""
    users: dict[str, list[int]] = {}
    for place, step in enumerate(steps):
        for required in step.requires:
            users.setdefault(required, []).append(place)
    return users


def _built_on(
    steps: Sequence[Intervention],
    base: Sequence[Intervention],
    users: Mapping[str, list[int]] | None = None,
) -> list[Intervention]:
    """The steps that build on ``base`` (``requires``, to a fixed point), in plan order."""
    if users is None:
        users = _users(steps)
    found: set[int] = set()
    todo = [s.id for s in base if s.id in users]
    while todo:
        for place in users.get(todo.pop(), ()):
            if place not in found:
                found.add(place)
                todo.append(steps[place].id)
    if not found:
        return []
    base_ids = {s.id for s in base}
    return [steps[place] for place in sorted(found) if steps[place].id not in base_ids]


def _sessions(step: Intervention) -> str | None:
    """A course's own contacts: how often, how long and for how many weeks (a referral with no
    frequency: its weeks only)."""
    frequency = step.frequency
    if not frequency:
        return f"for {step.course_weeks} weeks" if step.delivery == "referral" and step.course_weeks else None
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
        # a course is high intensity when any of its steps is (BA opens with a low planning step)
        HIGH if any(step.intensity == HIGH for step in steps) else lead.intensity or HIGH,
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
    measure: str, weeks: int, references: Mapping[str, str], default_id: str, when: str = ""
) -> TreatmentOption:
    """Active monitoring alone; ``when``: the condition it is offered on, in its title."""
    return TreatmentOption(
        MONITOR_ONLY,
        f"Active monitoring only ({when})" if when else "Active monitoring only",
        f"No treatment yet: {measure}, reviewed within {weeks} weeks, and a step up if it has not "
        "improved.",
        "clinician-led",
        "none",
        None,
        0,
        (f"S2: {references['S2']}",),
        (),
        default_id == MONITOR_ONLY,
    )
