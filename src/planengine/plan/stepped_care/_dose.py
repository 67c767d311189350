"""What a step asks each week: homework minutes, clinician contacts, and whether it is a course.

* **Homework** is the patient's own time in self-guided and clinician-supervised self-help:
  ``frequency`` (per day x 7, per week x 1, per month x 12/52) times ``duration_minutes``. A
  rule to follow through the day or night (``rules_to_follow`` in the data: the bed rules, the
  sleep habits) asks no set-aside minutes (clinician read 11, S5).
* **A contact** is a session with a clinician: a clinician-led, supervised or referral step that
  recurs and has a length of its own or is a course; a step without a length is delivered inside
  another session and adds none.
* **A course** is high-intensity therapy or a referral for it (``intensity: high``). A step that
  does not say is a course when it is clinician-led or a referral, in the ``therapy`` or
  ``referral`` category, weekly or more often, for 4 weeks or more; a referral for a specialist
  assessment (no sessions) is not a course.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from planengine._model import Intervention
from planengine.plan.stepped_care._rules import load_rules

__all__ = [
    "HIGH",
    "LOW",
    "SELF_HELP",
    "contacts_per_week",
    "has_dose",
    "homework_minutes",
    "intensity_of",
    "is_rule_to_follow",
    "own_words_rules_start_now",
    "times_per_week",
]

HIGH, LOW = "high", "low"
#: deliveries whose time is the patient's own, counted against the homework budget
SELF_HELP = frozenset({"self-guided", "clinician-supervised"})
_PER_WEEK = {"day": 7.0, "week": 1.0, "month": 12 / 52}
_COURSE_CATEGORIES = frozenset({"therapy", "referral"})
#: the shortest course inferred as high intensity (a design rule of this engine, not a sourced
#: number: strategies that mean otherwise declare ``intensity``)
_MIN_COURSE_WEEKS = 4


def times_per_week(frequency: dict[str, Any] | None) -> float:
    """How many times a week a frequency comes round (0 without one)."""
    if not frequency:
        return 0.0
    return float(frequency.get("times", 0)) * _PER_WEEK.get(frequency.get("per", ""), 0.0)


def has_dose(step: Intervention) -> bool:
    """A self-help step has a dose when it says how often and for how long."""
    return bool(step.frequency) and bool(step.duration_minutes)


def is_rule_to_follow(step_id: str) -> bool:
    """True for a step that is a rule to follow through the day or night (the bed rules, the
    sleep habits), not a task that takes set-aside time."""
    return step_id in _rules_to_follow()


@lru_cache(maxsize=1)
def own_words_rules_start_now() -> frozenset[str]:
    """Ids of the rules to follow that start now in a waiting problem the patient named in their
    own goals (``rules_to_follow.own_words_start_now`` in ``data/stepped-care.yaml``)."""
    return frozenset(load_rules()["rules_to_follow"].get("own_words_start_now") or ())


@lru_cache(maxsize=1)
def _rules_to_follow() -> frozenset[str]:
    return frozenset(load_rules()["rules_to_follow"]["steps"])


def homework_minutes(step: Intervention) -> float:
    """The patient's minutes a week on a self-help step (0 for other steps, without a dose, for a
    rule to follow and for a habit)."""
    if (
        not step.duration_minutes
        or step.delivery not in SELF_HELP
        or is_rule_to_follow(step.id)
    ):
        return 0.0
    return times_per_week(step.frequency) * step.duration_minutes


def intensity_of(step: Intervention) -> str:
    """``"high"`` for a course of therapy or a referral for one; ``"low"`` otherwise."""
    if step.intensity in (HIGH, LOW):
        return step.intensity
    if (
        step.delivery in ("clinician-led", "referral")
        and step.category in _COURSE_CATEGORIES
        and (step.course_weeks or 0) >= _MIN_COURSE_WEEKS
        and times_per_week(step.frequency) >= 1
    ):
        return HIGH
    return LOW


def contacts_per_week(step: Intervention) -> float:
    """Sessions with a clinician a week that this step adds."""
    if step.delivery == "self-guided" or not step.frequency:
        return 0.0
    if step.duration_minutes or intensity_of(step) == HIGH:
        return times_per_week(step.frequency)
    return 0.0
