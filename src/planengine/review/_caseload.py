"""The caseload view of a review run: one line per patient, the most urgent first (issue 19).

The groups, and why (docs/review-workflow.md §4):

1. ``open-risk-flag``: patients with a risk flag that asks for a clinician now. Safety first.
1. ``contact-today``: a symptom score reliably worse while its risk item is unknown (recorded as a
   total only, or left blank): contact the patient today and ask it (clinician read 7: such a
   patient must not sit in the same group as a goal merely behind); likewise a possible
   disengagement while the risk item has not been seen since a score at or above the level where
   it must be asked (PHQ-9 moderately severe, 15 or more) (clinician read 9, S11).
2. ``not-reviewed``: files that could not be read at all. Their risk items were not checked,
   so they come before anything routine.
3. ``needs-attention``: a goal needs the clinician (worsening, behind, no response, possible
   disengagement ...), or a high total was recorded without its risk item.
4. ``measurement-overdue``: its review date has passed, or no new measurement within the
   measurement cadence (:attr:`GoalReview.measurement_overdue`).
5. ``routine``: the rest.

A patient with several goal files is one short line (its group the most urgent of its files):
"2 goal files – merge", then what to do, with no file paths; ``files`` lists them. Within a group, by urgency (:func:`urgency_key`): the oldest unassessed risk flag
first (then the flag's place in the queue), then regression (reliable deterioration on a
symptom measure whose risk item is unknown, then any reliable deterioration on one, then a
worsening symptom score or a return to caseness, then a worsening well-being score), then
symptom non-response, then the latest severity band (most severe first), then
staleness (oldest first), then patients whose attention is on behavioural goals only; the
patient id and file break ties, so the same files give the same order.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from planengine._json_form import LIST, json_form, key
from planengine.plan._risk_flags import flag_queue_key
from planengine.review._file_conflicts import RULE_CONFLICT
from planengine.review._model import GoalReview, Review
from planengine.review._patient import escalation_line, unassessed_days, unassessed_flags
from planengine.review._readings import NOT_CHECKED

if TYPE_CHECKING:  # pragma: no cover
    from planengine.review._files import FileError

__all__ = ["CASELOAD_GROUPS", "CaseloadEntry", "caseload", "urgency_key"]

#: The caseload's groups, most urgent first.
CASELOAD_GROUPS = (
    "open-risk-flag",
    "contact-today",
    "not-reviewed",
    "needs-attention",
    "measurement-overdue",
    "routine",
)


@attrs.frozen
class CaseloadEntry:
    """One patient's line in the caseload (every goal file of the patient).

    :ivar patient: the patient id, or ``unidentified patient (FILE)``.
    :ivar group: one of :data:`CASELOAD_GROUPS`.
    :ivar status_line: the one-line status, naming the patient and each open flag.
    :ivar escalations: a line per risk flag unassessed for too long, each naming its flag.
    :ivar files: every goal file of the patient in this run (``file`` is the first).
    """

    patient: str
    file: str | None
    group: str
    status_line: str
    open_flags: tuple[str, ...] = ()
    attention_goals: tuple[str, ...] = ()
    overdue_goals: tuple[str, ...] = ()
    escalations: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    to_dict = json_form(
        key("patient"),
        key("file"),
        key("files", as_=LIST),
        key("group"),
        key("status", "status_line"),
        key("escalations", as_=LIST),
        key("open_risk_flags", "open_flags", as_=LIST),
        key("attention_goals", as_=LIST),
        key("measurement_overdue_goals", "overdue_goals", as_=LIST),
    )


_OVERDUE_REASONS = ("review overdue", "measurement overdue")
#: Attention reasons a caseload row repeats beside the goal's status (the rest are in the review).
_HEADLINES = (
    "reliable deterioration",
    "back at caseness",
    "possible disengagement: contact the patient",
    "likely non-response: re-measure and decide about a step-up",
    "improved – agree a new target",
    "newest entry unusable: re-measure",
    "latest value back at baseline: re-measure",
    "ask about risk",
)


def _clinical_attention(goal: GoalReview) -> bool:
    """Attention for anything but a review date or a measurement that is overdue (that is the
    overdue group)."""
    return any(not reason.startswith(_OVERDUE_REASONS) for reason in goal.attention)


def _goal_words(goal: GoalReview, name: str | None = None, skip: tuple[str, ...] = ()) -> str:
    said = [reason for reason in _HEADLINES if reason in goal.attention and reason not in skip]
    said += [reason for reason in goal.attention if reason.endswith(_REACH_OUT)]
    words = ", ".join([goal.status.code, goal.trajectory.position, *said])
    return f"{name or goal.goal_id} ({words})"


def _parts(review: Review) -> tuple[list[str], str]:
    """The status phrases of one goal file, and its group."""
    attention = [g for g in review.goals if _clinical_attention(g)]
    overdue = [g.goal_id for g in review.goals if g.overdue or g.measurement_overdue]
    parts = [
        f"open risk flag {f.id} ({f.kind.replace('-', ' ')}, priority {f.rank})"
        for f in review.open_flags
    ]
    parts += [f"flag {f.id}: {f.disposition.describe()}" for f in review.risk_flags if not f.is_open]
    gaps = [gap for gap in review.risk_item_gaps]
    parts += [gap.line() for gap in gaps]
    if attention:
        parts.append("needs attention: " + ", ".join(_goal_words(g) for g in attention))
    if overdue:
        parts.append("measurement overdue: " + ", ".join(overdue))
    if not attention and not overdue:
        parts.append(f"{len(review.goals)} goal(s) on track or waiting for their next measurement")
    unknown = _unknown_risk([review])
    today = [
        g.goal_id
        for g in review.goals
        if _symptom(g)
        and (_regression_rank(g, unknown) == 0 or (_back_at_caseness(g) and g.instrument in unknown))
    ]
    out_of_touch = [
        g.goal_id for g in review.goals if g.goal_id not in today and _disengaged_severe(review, g)
    ]
    if today:
        parts.insert(0, f"{_TODAY}{', '.join(today)} reliably worse or back at caseness with "
                        "its risk item unknown – ask about suicidal thoughts and self-harm")
    if out_of_touch:
        parts.insert(
            1 if today else 0,
            f"{_TODAY}{', '.join(out_of_touch)} possibly disengaged with its risk item unknown "
            "since a moderately severe score or worse – contact the patient and ask about "
            "suicidal thoughts and self-harm",
        )
    errors = sum(f.severity == "error" for f in review.findings)
    if errors:
        parts.append(f"{errors} input error(s)")
    group = (
        "open-risk-flag"
        if review.open_flags
        else "contact-today"
        if today or out_of_touch
        else "needs-attention"
        if attention or any(gap.needs_attention for gap in gaps)
        else "measurement-overdue"
        if overdue
        else "routine"
    )
    return parts, group


def _disengaged_severe(review: Review, goal: GoalReview) -> bool:
    """Possible disengagement while the instrument's risk item has not been seen since a total at
    or above the level where it must be asked (``risk-item-not-recorded`` in
    ``data/review.yaml``: PHQ-9 moderately severe, 15 or more): contact today, like a score
    reliably worse with its risk item unknown (clinician read 9, S11). The total is the highest
    recorded without the item since its latest answers, so a patient whose last score fell a
    little, still without the item, is not left in the routine queue."""
    if not _disengaged(goal):
        return False
    return any(
        gap.instrument == goal.instrument and gap.needs_attention for gap in review.risk_item_gaps
    )


def _symptom(goal: GoalReview) -> bool:
    return goal.instrument is not None


def _regression_rank(goal: GoalReview, unknown_risk: frozenset[str]) -> int:
    """How serious a goal's regression is (smaller is more urgent; 4: none).

    0. reliable deterioration on a symptom measure (an instrument with severity bands: PHQ-9,
       GAD-7, ISI) whose risk item is unknown (not recorded, or left blank);
    1. reliable deterioration on a symptom measure;
    2. a worsening symptom score, or a lost target back at caseness;
    3. a worsening on another instrument (a well-being scale: WHO-5).

    A symptom score getting reliably worse, with no word on suicidal thoughts, comes before a
    fall in well-being (clinician read 5, §4.3).
    """
    change = goal.change
    if change is None:
        return 4
    worse = change.reliable_deterioration or _back_at_caseness(goal) or goal.status.code == "worsening"
    if not worse:
        return 4
    if change.band is None:
        return 3
    if change.reliable_deterioration:
        return 0 if goal.instrument in unknown_risk else 1
    return 2


def _back_at_caseness(goal: GoalReview) -> bool:
    """A lost target whose latest value is back at caseness (a relapse, not a slower recovery)."""
    change = goal.change
    return (
        goal.status.rule == "status.target-lost"
        and change is not None
        and bool(change.recovery and change.recovery.get("latest_case"))
    )


def _unknown_risk(reviews: Sequence[Review]) -> frozenset[str]:
    """Instruments whose risk item is unknown now: recorded as totals only since the latest
    answers, or left blank (an open ``risk-unknown`` flag)."""
    gaps = {gap.instrument for r in reviews for gap in r.risk_item_gaps if gap.highest is not None}
    blank = {f.instrument for r in reviews for f in r.open_flags if f.kind == "risk-unknown"}
    return frozenset(i for i in gaps | blank if i is not None)


#: how a contact-today line starts (the row of a patient with several files keeps it)
_TODAY = "CONTACT TODAY: "

_NON_RESPONSE = frozenset({"review.step-up", "review.likely-non-response"})


def urgency_key(reviews: Sequence[Review]) -> tuple[Any, ...]:
    """How urgent one patient is within its group (smaller is more urgent; see the module)."""
    flags = [f for r in reviews for f in r.open_flags]
    ages = [d for r in reviews for f in r.open_flags if (d := unassessed_days(r, f)) is not None]
    goals = [g for r in reviews for g in r.goals]
    symptoms = [g for g in goals if _symptom(g)]
    attention = [g for g in goals if _clinical_attention(g)]
    severities = [
        int(g.change.band["to_severity"])
        for g in symptoms
        if g.change is not None and g.change.band is not None and "to_severity" in g.change.band
    ]
    stale = [g.measurement_age_days or 0 for g in goals if g.measurement_overdue]
    unknown_risk = _unknown_risk(reviews)
    return (
        -max(ages, default=-1),
        min((flag_queue_key(f) for f in flags), default=()),
        min((_regression_rank(g, unknown_risk) for g in symptoms), default=4),
        not any(
            g.status.rule in ("status.no-response", "status.due-passed-no-response")
            or any(s.rule in _NON_RESPONSE for s in g.suggestions)
            for g in symptoms
        ),
        -max(severities, default=-1),
        -max(stale, default=0),
        bool(attention) and not any(_symptom(g) for g in attention),
    )


def _cross_file_prompt(reviews: Sequence[Review]) -> list[str]:
    """Ask about risk when one file of a patient has a dispositioned flag and another a symptom
    score back at caseness since (a prompt, never a flag: only a clinician opens or closes one)."""
    done = [(r, f) for r in reviews for f in r.risk_flags if not f.is_open and f.instrument]
    out = []
    for other, flag in done:
        back = [
            goal.goal_id
            for review in reviews
            if review is not other
            for goal in review.goals
            if goal.status.rule == "status.target-lost"
            and goal.change is not None
            and goal.change.recovery
            and goal.change.recovery.get("latest_case")
            and goal.change.latest_date > flag.observed_on
        ]
        if back:
            out.append(
                f"back at caseness ({', '.join(dict.fromkeys(back))}) after a flag was "
                "dispositioned"
            )
    return out


_DISENGAGED = "possible disengagement: contact the patient"
#: how the firmer disengagement reason ends: not seen for long, risk not known (clinician read 24)
_REACH_OUT = "reach out this week"


def _disengaged(goal: GoalReview) -> bool:
    """The goal's attention says possible disengagement, in either wording."""
    return _DISENGAGED in goal.attention or any(a.endswith(_REACH_OUT) for a in goal.attention)


def _names(goals: Sequence[tuple[Review, GoalReview]]) -> list[str]:
    """Goal ids, each with its file's name (no path) where two listed goals share an id."""
    ids = [g.goal_id for _, g in goals]
    out = []
    for review, goal in goals:
        stem = os.path.splitext(os.path.basename(review.file or ""))[0]
        shared = ids.count(goal.goal_id) > 1 and stem
        out.append(f"{goal.goal_id} [{stem}]" if shared else goal.goal_id)
    return out


def _several_files_row(
    patient: str, reviews: Sequence[Review], escalations: Sequence[str], today: Sequence[str] = ()
) -> str:
    """The one short row of a patient with several goal files: what to do, no file paths
    (clinician read 5, §4.4: "2 goal files – merge; ask about risk"); each file's review says
    the rest."""
    attention = [(r, g) for r in reviews for g in r.goals if _clinical_attention(g)]
    overdue = [(r, g) for r in reviews for g in r.goals if g.overdue or g.measurement_overdue]
    disagree = any(getattr(n, "code", None) == RULE_CONFLICT for r in reviews for n in r.notices)
    files = f"{len(reviews)} goal files{' that disagree' if disagree else ''} – merge"
    parts = [files, *escalations, *today]
    prompts = _cross_file_prompt(reviews)
    said_once = ("ask about risk", _DISENGAGED)
    if prompts or any(said_once[0] in g.attention for _, g in attention):
        parts.append("ask about risk" + (f": {'; '.join(prompts)}" if prompts else ""))
    if any(_disengaged(g) for _, g in attention):
        parts.append(_DISENGAGED)
    parts += [
        f"open risk flag {f.id} ({f.kind.replace('-', ' ')}, priority {f.rank})"
        for r in reviews
        for f in r.open_flags
    ]
    parts += list(dict.fromkeys(gap.line() for r in reviews for gap in r.risk_item_gaps))
    if attention:
        names = _names(attention)
        words = [
            _goal_words(g, name, skip=said_once)
            for (_, g), name in zip(attention, names, strict=True)
        ]
        parts.append("needs attention: " + ", ".join(words))
    if overdue:
        parts.append("measurement overdue: " + ", ".join(_names(overdue)))
    errors = sum(f.severity == "error" for r in reviews for f in r.findings)
    if errors:
        parts.append(f"{errors} input error(s)")
    return f"{patient}: " + "; ".join(parts)


def _entry(patient: str, reviews: Sequence[Review]) -> CaseloadEntry:
    parts: list[str] = []
    groups = []
    for review in reviews:
        own, group = _parts(review)
        parts += own
        groups.append(group)
    late = [(r, f) for r in reviews for f in unassessed_flags(r)]
    escalations = tuple(escalation_line(r, f) for r, f in late)
    files = tuple(r.file for r in reviews if r.file)
    status = (
        _several_files_row(patient, reviews, escalations, [p for p in parts if p.startswith(_TODAY)])
        if len(reviews) > 1
        else f"{patient}: " + "; ".join([*escalations, *parts])
    )
    return CaseloadEntry(
        patient,
        reviews[0].file,
        min(groups, key=CASELOAD_GROUPS.index),
        status,
        tuple(f.id for r in reviews for f in r.open_flags),
        tuple(g.goal_id for r in reviews for g in r.goals if _clinical_attention(g)),
        tuple(g.goal_id for r in reviews for g in r.goals if g.overdue or g.measurement_overdue),
        escalations,
        files,
    )


def caseload(
    reviews: Sequence[Review], errors: Sequence[FileError] = ()
) -> tuple[tuple[CaseloadEntry, ...], tuple[Review, ...]]:
    """The caseload lines, most urgent first, and the reviews in the same order (a patient's
    files together, by file name)."""
    by_patient: dict[str, list[Review]] = {}
    for review in sorted(reviews, key=lambda r: r.file or ""):
        by_patient.setdefault(review.patient, []).append(review)
    keyed: list[tuple[tuple[Any, ...], CaseloadEntry, tuple[Review, ...]]] = []
    for patient, own in by_patient.items():
        entry = _entry(patient, own)
        key = (CASELOAD_GROUPS.index(entry.group), urgency_key(own), patient, entry.file or "")
        keyed.append((key, entry, tuple(own)))
    for error in errors:
        patient = f"unknown patient ({error.file})"
        said = NOT_CHECKED in error.message  # a skipped file of another kind
        tail = "" if said else "; its risk items were not checked"
        entry = CaseloadEntry(
            patient, error.file, "not-reviewed",
            f"{patient}: could not be reviewed ({error.message}){tail}",
            files=(error.file,),
        )
        keyed.append(((CASELOAD_GROUPS.index("not-reviewed"), (), patient, error.file), entry, ()))
    keyed.sort(key=lambda item: item[0])
    return (
        tuple(entry for _, entry, _ in keyed),
        tuple(review for _, _, own in keyed for review in own),
    )
