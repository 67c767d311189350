"""Where the goal files of one patient contradict each other (clinician read 8, p-108).

Two files of one patient are reviewed one by one; each status rests on its own file's values.
When the files disagree, a status can credit a target "met on 2026-10-29 (8)" one day after the
other file's "baseline 15 on 2026-10-28". This module names such disagreements:

* two scores of one questionnaire, from different files, taken within its recall window (the
  two scores cover overlapping weeks, [DN-change-measures]) that differ by its reliable-change
  threshold or more (or differ on the same day): both cannot describe one patient;
* one goal id with a different baseline in two files.

Each file's review then says so (notice ``review.conflicting-goal-files``), and each goal whose
questionnaire the other files score too says that its status is judged on its own file's values
only, naming the other file's values it could not use (``review.other-file-values``): the files
cannot be judged together until a clinician has said which values are right and merged them.
A "possible disengagement" or "contact today" beside a later score in another file says that score.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence

import attrs

from planengine._records import Notice
from planengine.instruments._instrument import Instrument
from planengine.review._flag_workflow import risk_first
from planengine.review._model import GoalReview, Review, Suggestion

__all__ = ["RULE_CONFLICT", "RULE_OTHER_FILE_VALUES", "judge_with_other_files"]

RULE_CONFLICT = "review.conflicting-goal-files"
RULE_OTHER_FILE_VALUES = "review.other-file-values"
#: At most this many disagreements are spelt out in one notice; the rest are counted.
_SHOWN = 3


@attrs.frozen
class _Reading:
    """One score of a questionnaire in one goal file."""

    file: str
    instrument: str
    date: dt.date
    value: float
    where: str  # "baseline of mood", "progress of mood", "assessment"

    def said(self, name: str) -> str:
        return f"{name} {self.value:g} on {self.date} ({self.file}, {self.where})"


def _name(review: Review) -> str:
    return os.path.basename(review.file or "") or review.patient


def _readings(review: Review) -> list[_Reading]:
    """Every questionnaire total the file gives, once per (questionnaire, date, value)."""
    file = _name(review)
    seen: dict[tuple[str, dt.date, float], _Reading] = {}
    for goal in review.goals:
        if goal.instrument is None or goal.scale != "total":
            continue
        for m in goal.measurements:
            where = "assessment" if m.source == "assessment" else f"{m.source} of {goal.goal_id}"
            seen.setdefault(
                (goal.instrument, m.date, m.value),
                _Reading(file, goal.instrument, m.date, m.value, where),
            )
    for instrument, date, total in review.assessments:
        seen.setdefault(
            (instrument, date, total), _Reading(file, instrument, date, total, "assessment")
        )
    return sorted(seen.values(), key=lambda r: (r.instrument, r.date, r.value))


def _clash(a: _Reading, b: _Reading, instrument: Instrument | None) -> str | None:
    """Why ``a`` and ``b`` (two files, one questionnaire) cannot both be right, or ``None``."""
    days = abs((b.date - a.date).days)
    gap = abs(b.value - a.value)
    if days == 0:
        return "on the same day" if gap else None
    if instrument is None:
        return None
    window = instrument.recall_window_days
    points = instrument.change.reliable_change_points
    if not window or points is None or days >= window or gap < points:
        return None
    return (
        f"{days} day{'s' if days != 1 else ''} apart (within its {window}-day recall window) "
        f"yet differ by {gap:g} (its reliable-change threshold is {points:g})"
    )


def _score_conflicts(
    by_file: Mapping[str, Sequence[_Reading]], instruments: Mapping[str, Instrument]
) -> list[tuple[_Reading, _Reading, str]]:
    files = list(by_file)
    out = []
    for i, first in enumerate(files):
        for second in files[i + 1 :]:
            for a in by_file[first]:
                for b in by_file[second]:
                    if a.instrument != b.instrument:
                        continue
                    why = _clash(a, b, instruments.get(a.instrument))
                    if why is not None:
                        earlier, later = sorted((a, b), key=lambda r: (r.date, r.file))
                        out.append((earlier, later, why))
    return sorted(out, key=lambda c: (c[0].date, c[1].date, c[0].file))


def _baseline_conflicts(reviews: Sequence[Review]) -> list[tuple[str, str]]:
    """(goal id, what differs) for each goal id with different baselines in different files."""
    found: dict[str, list[tuple[str, GoalReview]]] = {}
    for review in reviews:
        for goal in review.goals:
            if goal.measurements and goal.measurements[0].source == "baseline":
                found.setdefault(goal.goal_id, []).append((_name(review), goal))
    out = []
    for goal_id, places in found.items():
        starts = {(g.measurements[0].date, g.measurements[0].value) for _, g in places}
        if len(starts) > 1:
            said = " but ".join(
                f"{g.measurements[0].value:g} on {g.measurements[0].date} in {file}"
                for file, g in places
            )
            out.append((goal_id, f"goal {goal_id} has baseline {said}"))
    return out


def _label(instrument: str, instruments: Mapping[str, Instrument]) -> str:
    known = instruments.get(instrument)
    return known.name if known is not None else instrument


def _score_sentence(a: _Reading, b: _Reading, why: str, name: str) -> str:
    return f"{a.said(name)} and {b.value:g} on {b.date} ({b.file}, {b.where}) are {why}"


def _conflict_notice(patient: str, sentences: Sequence[str]) -> Notice:
    shown = list(sentences[:_SHOWN])
    if len(sentences) > _SHOWN:
        shown.append(f"and {len(sentences) - _SHOWN} more")
    return Notice(
        RULE_CONFLICT,
        f"the goal files of {patient} disagree, and one patient cannot have both: "
        f"{'; '.join(shown)}. Check which values are this patient's, correct the wrong file and "
        "merge the files. Until then each file is judged on its own values only, and its statuses "
        "may be wrong.",
    )


def _other_values(
    goal: GoalReview, own: str, by_file: Mapping[str, Sequence[_Reading]]
) -> dict[str, list[_Reading]]:
    """The scores of the goal's questionnaire in the other files that this goal does not use."""
    used = {(m.date, m.value) for m in goal.measurements}
    return {
        file: unused
        for file, readings in by_file.items()
        if file != own
        and (
            unused := [
                r
                for r in readings
                if r.instrument == goal.instrument and (r.date, r.value) not in used
            ]
        )
    }


def _goal_note(
    goal: GoalReview,
    own: str,
    others: Mapping[str, Sequence[_Reading]],
    conflicts: Sequence[str],
    name: str,
) -> GoalReview:
    listed = "; ".join(
        f"{file}: {', '.join(f'{r.value:g} on {r.date}' for r in readings)}"
        for file, readings in others.items()
    )
    why = (
        f"the files disagree ({'; '.join(conflicts[:_SHOWN])}"
        f"{f'; and {len(conflicts) - _SHOWN} more' if len(conflicts) > _SHOWN else ''}), so they "
        "cannot be judged together"
        if conflicts
        else "they are not judged together until the files are merged"
    )
    note = Suggestion(
        RULE_OTHER_FILE_VALUES,
        "wait",
        f"this status is judged on {own}'s values only; the other {name} scores of this patient "
        f"({listed}) are not used: {why}. Merge the files, then review again.",
        goal.goal_id,
        "core",
        {
            "other_values": {
                f: [{"date": str(r.date), "value": r.value} for r in rs] for f, rs in others.items()
            }
        },
    )
    latest = goal.measurements[-1].date if goal.measurements else None
    later = [r for rs in others.values() for r in rs if latest is not None and r.date > latest]
    suggestions = tuple(
        _later_score(s, name, max(later, key=lambda r: (r.date, r.file)))
        if later and s.rule in ("review.possible-disengagement", "review.contact-today")
        else s
        for s in goal.suggestions
    )
    return attrs.evolve(goal, suggestions=risk_first((note, *suggestions)))


def _later_score(suggestion: Suggestion, name: str, reading: _Reading) -> Suggestion:
    return attrs.evolve(
        suggestion,
        reason=f"{suggestion.reason} But {reading.file} has a later {name}, {reading.value:g} on "
        f"{reading.date}: check with that file before treating this as disengagement.",
    )


def judge_with_other_files(
    reviews: Sequence[Review], instruments: Mapping[str, Instrument]
) -> tuple[Review, ...]:
    """The reviews of one patient's goal files (``reviews``), each naming where the files
    disagree and, per goal, the other files' scores its status could not use."""
    by_file = {_name(r): _readings(r) for r in reviews}
    scores = _score_conflicts(by_file, instruments)
    baselines = _baseline_conflicts(reviews)
    # (instrument or None, goal id or None, sentence)
    named = [
        (a.instrument, None, _score_sentence(a, b, why, _label(a.instrument, instruments)))
        for a, b, why in scores
    ] + [(None, goal_id, said) for goal_id, said in baselines]
    sentences = [said for _, _, said in named]
    out = []
    for review in reviews:
        own = _name(review)
        goals = []
        for goal in review.goals:
            others = _other_values(goal, own, by_file) if goal.instrument else {}
            if goal.scale != "total" or not others:
                goals.append(goal)
                continue
            conflicts = [
                said
                for instrument, goal_id, said in named
                if instrument == goal.instrument or goal_id == goal.goal_id
            ]
            name = _label(goal.instrument or "", instruments)
            goals.append(_goal_note(goal, own, others, conflicts, name))
        notices = review.notices
        if sentences:
            notices = (*notices[:1], _conflict_notice(review.patient, sentences), *notices[1:])
        out.append(attrs.evolve(review, goals=tuple(goals), notices=notices))
    return tuple(out)
