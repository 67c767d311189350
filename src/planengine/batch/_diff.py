"""Comparing a cohort's plans under two configurations or plugin sets: per patient, what a
clinical-safety officer must see before a change goes live, risk flags first.

The two sides are the ``plans.jsonl`` of two batch runs (sorted by patient id), read together
one patient at a time (a merge join). A plan is compared by the ids the engine gives its parts,
never by its wording or by the run's own details (``generated_by``, the input hash):

* **flags**: a risk flag (kind, instrument, item) added, removed, or of another level or status;
* **problems**: a problem added or removed, or in another phase or priority;
* **objectives** and **steps** (interventions): added or removed, or in another phase or status;
* **choices**: another treatment option followed;
* **burden**: a phase's courses, clinician contacts or weekly homework minutes.

The limits themselves (``burden.limits``: the configuration, the same in every plan of a run)
are reported once for the cohort (:attr:`CohortDiff.limits`), not as a change of every plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import orjson

__all__ = ["CATEGORIES", "CohortDiff", "PatientDiff", "diff_cohorts", "diff_plans"]

#: The categories of change, in the order a report lists them (risk flags first).
CATEGORIES = ("flags", "problems", "objectives", "steps", "choices", "burden", "plan")


@attrs.frozen
class PatientDiff:
    """What changed for one patient: ``changes`` are ``{"category", "change", "what", "old",
    "new"}`` mappings, flags first; ``change`` is ``added``, ``removed`` or ``changed``."""

    patient: str
    changes: tuple[dict[str, Any], ...]

    @property
    def risk_changed(self) -> bool:
        """Whether a risk flag changed."""
        return any(change["category"] == "flags" for change in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "patient": self.patient,
            "risk_changed": self.risk_changed,
            "changes": list(self.changes),
        }


@attrs.frozen
class CohortDiff:
    """A cohort's changes: every patient whose plan changed, and the totals.

    :ivar compared: patients with a plan on both sides.
    :ivar only_old: patients with a plan under the old configuration only (an error under the
        new one, say); ``only_new`` the other way round.
    :ivar by_category: category -> (patients with a change of it, changes of it).
    """

    old: str
    new: str
    compared: int
    patients: tuple[PatientDiff, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    #: the planning limits that differ between the runs, ``{"what", "old", "new"}`` mappings
    limits: tuple[dict[str, Any], ...] = ()

    @property
    def by_category(self) -> dict[str, tuple[int, int]]:
        """Category -> (patients, changes), in :data:`CATEGORIES` order."""
        out = {}
        for category in CATEGORIES:
            counts = [sum(c["category"] == category for c in p.changes) for p in self.patients]
            out[category] = (sum(1 for n in counts if n), sum(counts))
        return out

    @property
    def risk_changed(self) -> tuple[PatientDiff, ...]:
        """The patients whose risk flags changed (a report lists them first)."""
        return tuple(p for p in self.patients if p.risk_changed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "planengine": 1,
            "kind": "cohort-diff",
            "old": self.old,
            "new": self.new,
            "compared": self.compared,
            "changed": len(self.patients),
            "risk_changed": len(self.risk_changed),
            "only_old": list(self.only_old),
            "only_new": list(self.only_new),
            "limits": list(self.limits),
            "by_category": {
                k: {"patients": v[0], "changes": v[1]} for k, v in self.by_category.items()
            },
            "patients": [p.to_dict() for p in self.patients],
        }


def diff_cohorts(old: str, new: str) -> CohortDiff:
    """Compare two ``plans.jsonl`` files (or batch output folders) patient by patient.

    :raises InputError: when a file is not a batch's plans (not JSON Lines of plans, or not
        sorted by patient id), naming the file and line.
    """
    old_path, new_path = _plans_file(old), _plans_file(new)
    patients: list[PatientDiff] = []
    only_old: list[str] = []
    only_new: list[str] = []
    compared = 0
    limits: list[dict[str, Any]] = []
    left, right = _plans(old_path), _plans(new_path)
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            only_old.append(a[0])  # type: ignore[index]
            a = next(left, None)
        elif a is None or b[0] < a[0]:
            only_new.append(b[0])
            b = next(right, None)
        else:
            if not compared:
                _burden(
                    limits,
                    *(
                        {"limits": (p.get("burden") or {}).get("limits") or {}}
                        for p in (a[1], b[1])
                    ),
                )
            compared += 1
            changes = diff_plans(a[1], b[1])
            if changes:
                patients.append(PatientDiff(a[0], changes))
            a, b = next(left, None), next(right, None)
    limits = [{k: v for k, v in change.items() if k in ("what", "old", "new")} for change in limits]
    return CohortDiff(
        old_path,
        new_path,
        compared,
        tuple(patients),
        tuple(only_old),
        tuple(only_new),
        tuple(limits),
    )


def _plans_file(path: str) -> str:
    import os

    return os.path.join(path, "plans.jsonl") if os.path.isdir(path) else path


def _plans(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    from planengine._errors import DocumentParseError, InputError

    try:
        handle = open(path, "rb")  # noqa: SIM115  # closed below
    except OSError as error:
        raise DocumentParseError(f"cannot read: {error.strerror or error}", file=path) from None
    last = None
    with handle:
        for number, line in enumerate(handle, start=1):
            try:
                plan = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise DocumentParseError(f"not JSON: {error}", file=path, line=number) from None
            patient = (plan.get("patient") or {}).get("id") if isinstance(plan, dict) else None
            if not isinstance(patient, str) or plan.get("kind") != "plan":
                raise InputError(
                    "not a plan with a patient id (a batch's plans.jsonl)",
                    file=path,
                    line=number,
                    path="$.patient.id",
                )
            if last is not None and patient <= last:
                raise InputError(
                    f"patient {patient!r} after {last!r}: a batch's plans are sorted by patient id, once each",
                    file=path,
                    line=number,
                    path="$.patient.id",
                )
            last = patient
            yield patient, plan


def diff_plans(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """The changes from plan ``old`` to plan ``new`` (dicts as ``Plan.to_dict`` gives them),
    risk flags first; empty when nothing a clinician would see changed."""
    changes: list[dict[str, Any]] = []
    flag = lambda f: (f["kind"], f.get("instrument") or "", f.get("item") or 0)  # noqa: E731
    _keyed(
        changes,
        "flags",
        old["risk"]["flags"],
        new["risk"]["flags"],
        flag,
        ("level", "rank", "status"),
    )
    problem = lambda p: p["id"]  # noqa: E731
    _keyed(changes, "problems", old["problems"], new["problems"], problem, ("phase", "priority"))
    _keyed(
        changes,
        "objectives",
        _objectives(old),
        _objectives(new),
        lambda o: o["key"],
        ("phase", "due_date"),
    )
    _keyed(changes, "steps", _steps(old), _steps(new), lambda s: s["key"], ("phase", "status"))
    _keyed(
        changes,
        "choices",
        old.get("choices", []),
        new.get("choices", []),
        lambda c: c["problem"],
        ("chosen",),
    )
    _burden(changes, _phases(old), _phases(new))
    if not changes:
        paths = list(_changed_paths(_comparable(old), _comparable(new), "$"))
        if paths:
            shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
            changes.append(
                {
                    "category": "plan",
                    "change": "changed",
                    "what": f"wording or dates at {shown}",
                    "old": None,
                    "new": None,
                }
            )
    return tuple(changes)


def _objectives(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {**o, "key": f"{p['id']}/{o['id']}"}
        for p in plan["problems"]
        for o in p.get("objectives", [])
    ]


def _steps(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {**s, "key": f"{p['id']}/{s['id']}"}
        for p in plan["problems"]
        for s in p.get("interventions", [])
    ]


def _keyed(
    changes: list[dict[str, Any]],
    category: str,
    old: Sequence[Mapping[str, Any]],
    new: Sequence[Mapping[str, Any]],
    key: Any,
    fields: tuple[str, ...],
) -> None:
    before = {_text(key(item)): item for item in old}
    after = {_text(key(item)): item for item in new}
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            changes.append(
                {
                    "category": category,
                    "change": "removed",
                    "what": name,
                    "old": _brief(before[name], fields),
                    "new": None,
                }
            )
        elif name not in before:
            changes.append(
                {
                    "category": category,
                    "change": "added",
                    "what": name,
                    "old": None,
                    "new": _brief(after[name], fields),
                }
            )
        else:
            was, now = _brief(before[name], fields), _brief(after[name], fields)
            if was != now:
                changes.append(
                    {
                        "category": category,
                        "change": "changed",
                        "what": name,
                        "old": was,
                        "new": now,
                    }
                )


def _burden(changes: list[dict[str, Any]], old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    for part in sorted(old.keys() | new.keys()):
        was, now = old.get(part) or {}, new.get(part) or {}
        for field in sorted(was.keys() | now.keys()):
            if was.get(field) != now.get(field):
                changes.append(
                    {
                        "category": "burden",
                        "change": "changed",
                        "what": f"{part}.{field}",
                        "old": was.get(field),
                        "new": now.get(field),
                    }
                )


def _changed_paths(old: Any, new: Any, path: str) -> Iterator[str]:
    """The JSON paths where ``old`` and ``new`` differ (a list of another length: the list)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            yield from _changed_paths(old.get(key), new.get(key), f"{path}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _changed_paths(a, b, f"{path}[{index}]")
    elif old != new:
        yield path


def _phases(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The burden of each phase, without the limits (the configuration, not the plan)."""
    return {k: v for k, v in (plan.get("burden") or {}).items() if k != "limits"}


def _text(key: Any) -> str:
    return (
        ":".join(str(part) for part in key if part not in ("", 0))
        if isinstance(key, tuple)
        else str(key)
    )


def _brief(item: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: item.get(field) for field in fields}


def _comparable(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan without what says how it was made rather than what it says."""
    return {k: v for k, v in plan.items() if k != "generated_by"} | {"burden": _phases(plan)}
