"""Issue 22 and issue 15 item 15: one goal file, one verdict. ``validate`` rejects a goal file (an
input-contract E-code) exactly when ``review`` reports an input error (exit 2), for every file
of a corpus of good and bad goal files and for small mutations of valid ones."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pathlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planengine.instruments._data_files import load_builtin_instruments
from planengine.io._loader import parse_document
from planengine.review import review_goals
from planengine.review._files import review_paths
from planengine.smart import check_goals
from planengine.smart._contract import INPUT_CONTRACT_CODES
from planengine.smart._validate import validate_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = dt.date(2027, 1, 20)
INSTRUMENTS = load_builtin_instruments()

CORPUS = sorted(
    p.relative_to(ROOT).as_posix()
    for pattern in ("examples/review/**/*.yaml", "tests/example-files/smart/*/*", "tests/data/**/*.yaml")
    for p in ROOT.glob(pattern)
    if p.is_file()
)

#: A valid goal file with every part the review reads: a goal on an instrument with progress, a
#: free-metric goal with GAS levels, repeat questionnaires with answers, a disposition.
VALID: dict[str, Any] = {
    "planengine": 1,
    "patient": {"id": "p-900"},
    "assessments": [
        {"instrument": "phq9", "date": "2026-10-01", "answers": [2, 2, 1, 2, 1, 1, 2, 1, 0]},
        {"instrument": "phq9", "date": "2026-12-01", "total": 9},
    ],
    "goals": [
        {
            "id": "mood",
            "area": "depression",
            "statement": "Bring my PHQ-9 down to 9 or below.",
            "measure": {
                "instrument": "phq9",
                "baseline": {"value": 16, "date": "2026-09-01"},
                "target": {"value": 9, "comparator": "<="},
            },
            "start_date": "2026-09-01",
            "due_date": "2027-02-28",
            "review_interval_days": 30,
            "progress": [{"date": "2026-11-01", "value": 13}, {"date": "2027-01-10", "value": 10}],
        },
        {
            "id": "say-no",
            "area": "assertiveness",
            "statement": "Say no to extra shifts.",
            "measure": {
                "metric": "refusals",
                "unit": "occasions per week",
                "baseline": {"value": 0, "date": "2026-09-01"},
                "target": {"value": 3, "comparator": ">="},
            },
            "start_date": "2026-09-01",
            "due_date": "2027-03-31",
            "gas": {"levels": {k: f"level {k}" for k in ("-2", "-1", "0", "1", "2")}},
            "progress": [{"date": "2026-12-01", "value": 2, "gas_level": 1.0}],
        },
    ],
}

#: The cases the issues name, each a change to VALID: (path, value); ``None`` as path part
#: renames the key before it.
CASES: dict[str, tuple[bool, Any]] = {
    "valid": (True, lambda d: None),
    "float GAS level 1.0 is level 1 (accepted)": (True, lambda d: _set(d, "goals.1.gas.current_level", 1.0)),
    "misspelt target": (False, lambda d: _rename(d, "goals.0.measure", "target", "targte")),
    "misspelt due_date": (False, lambda d: _rename(d, "goals.0", "due_date", "due_dtae")),
    "misspelt review_interval_days": (
        False, lambda d: _rename(d, "goals.0", "review_interval_days", "review_intervl_days")
    ),
    "answer out of range in an assessment": (
        False, lambda d: _set(d, "assessments.0.answers", [2, 2, 1, 2, 1, 1, 2, 1, 7])
    ),
    "future progress date": (False, lambda d: _set(d, "goals.0.progress.1.date", "2027-02-01")),
    "unknown assessment instrument": (False, lambda d: _set(d, "assessments.1.instrument", "phq-99")),
    "huge total": (False, lambda d: _set(d, "assessments.1.total", 10**12)),
    "total beyond 1e15": (False, lambda d: _set(d, "assessments.1.total", 10**400)),
    "string answers": (False, lambda d: _set(d, "assessments.0.answers", ["2"] * 9)),
    "GAS level 1.5": (False, lambda d: _set(d, "goals.1.progress.0.gas_level", 1.5)),
    "empty unit": (False, lambda d: _set(d, "goals.1.measure.unit", "")),
    "not a calendar day": (False, lambda d: _set(d, "goals.0.due_date", "2027-02-30")),
    "pending baseline by no day": (
        False, lambda d: _set(d, "goals.1.measure.baseline", {"pending": "first week", "by": "2026-02-30"})
    ),
    "duplicate goal id": (False, lambda d: _set(d, "goals.1.id", "mood")),
    "review interval 0": (False, lambda d: _set(d, "goals.0.review_interval_days", 0)),
}


def _walk(data: Any, path: str) -> tuple[Any, str | int]:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    for part in parents:
        data = data[part]
    return data, last


def _set(data: Any, path: str, value: Any) -> None:
    node, last = _walk(data, path)
    node[last] = value


def _rename(data: Any, path: str, old: str, new: str) -> None:
    node, _ = _walk(data, f"{path}.x")
    node[new] = node.pop(old)


def _verdicts(data: Any) -> tuple[bool, bool]:
    """(validate rejects, review rejects) for ``data`` written as a goal file."""
    document = parse_document(json.dumps(data), name="goals.json")
    violations = check_goals(document, as_of=AS_OF, instruments=INSTRUMENTS)
    rejected = any(v.code in INPUT_CONTRACT_CODES and v.severity == "error" for v in violations)
    review = review_goals(document, as_of=AS_OF, instruments=INSTRUMENTS)
    return rejected, review.has_input_errors


@pytest.mark.parametrize("path", CORPUS)
def test_validate_and_review_give_one_verdict_for_every_corpus_file(path: str) -> None:
    report = validate_paths([ROOT / path], as_of=AS_OF)
    rejected = any(v.code in INPUT_CONTRACT_CODES and v.severity == "error" for v in report.violations)
    assert rejected is review_paths([ROOT / path], as_of=AS_OF).has_input_errors


def test_the_corpus_has_good_and_bad_files() -> None:
    verdicts = {review_paths([ROOT / p], as_of=AS_OF).has_input_errors for p in CORPUS}
    assert verdicts == {True, False} and len(CORPUS) > 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_the_issues_name_gets_one_verdict(name: str) -> None:
    accepted, change = CASES[name]
    data = copy.deepcopy(VALID)
    change(data)
    assert _verdicts(data) == (not accepted, not accepted)


# -- a property: small mutations of the valid file -------------------------------------------------

_MUTANTS = st.one_of(
    st.sampled_from(["", " ", "2027-13-01", "2027-02-30", "2027-02-01", "2026-08-01", "x"]),
    st.integers(min_value=-5, max_value=40),
    st.sampled_from([1.5, 1.0, -0.0, 1e16, 10**20, True, None, [], {}, [1], {"value": 3}]),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found.append((*prefix, key))
        found.extend(_paths(value, (*prefix, key)))
    return found


PATHS = _paths(VALID)


def _typo(key: str, seed: int) -> str:
    if len(key) < 3:
        return key + "x"
    i = seed % (len(key) - 1)
    return key[:i] + key[i + 1] + key[i] + key[i + 2 :]  # two letters swapped: targte


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(["value", "typo", "drop"]), _MUTANTS, st.integers(0, 30)),
        min_size=1,
        max_size=3,
    )
)
def test_mutations_of_a_valid_file_get_one_verdict(mutations: list[tuple[Any, ...]]) -> None:
    data = copy.deepcopy(VALID)
    for path, kind, value, seed in mutations:
        try:
            node = data
            for part in path[:-1]:
                node = node[part]
            last = path[-1]
            if kind == "typo" and isinstance(node, dict) and last in node:
                node[_typo(last, seed)] = node.pop(last)
            elif kind == "drop" and isinstance(node, dict) and last in node:
                del node[last]
            elif isinstance(node, (dict, list)):
                node[last] = copy.deepcopy(value)  # a shared mutant must not come to hold itself
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the place
    validate_rejects, review_rejects = _verdicts(data)
    assert validate_rejects is review_rejects, data


@pytest.mark.parametrize("goals", [[" "], ["\t"], [""], ["sleep better"], [" sleep "]])
def test_validate_schema_assessment_refuses_what_plan_refuses(tmp_path: pathlib.Path, goals: list[str]) -> None:
    from planengine._errors import InputError
    from planengine.io._assessment import assessment_from_mapping

    data = {"planengine": 1, "responses": [], "context": {"patient_goals": goals}}
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    refused_by_validate = bool(validate_paths([path], as_of=AS_OF, schema="assessment").violations)
    try:
        assessment_from_mapping(data, instruments=INSTRUMENTS)
    except InputError:
        refused_by_plan = True
    else:
        refused_by_plan = False
    assert refused_by_validate is refused_by_plan is (not any(g.strip() for g in goals))


def _error_places(path: pathlib.Path) -> tuple[set[str], set[str]]:
    """(where validate's input-contract errors are, where review's input errors are) in one file;
    a file that cannot be read at all is at ``$`` for both."""
    report = validate_paths([path], as_of=AS_OF)
    validate = {
        v.location.json_path or "$"
        for v in report.violations
        if v.code in INPUT_CONTRACT_CODES and v.severity == "error"
    }
    run = review_paths([path], as_of=AS_OF)
    review = {f.location.json_path or "$" for r in run.reviews for f in r.findings if f.severity == "error"}
    review |= {e.location.json_path or "$" for e in run.errors}
    return validate, review


INVALID = [p for p in CORPUS if "/invalid/" in p or "bad" in p]


@pytest.mark.parametrize("path", INVALID)
def test_review_refuses_exactly_the_places_validate_refuses(path: str) -> None:
    """Issue 22: not only one verdict per file, but one set of errors: every value ``validate``
    refuses is one the review refuses, at the same place, and no other."""
    validate, review = _error_places(ROOT / path)
    assert validate == review, (sorted(validate - review), sorted(review - validate))


def test_the_invalid_corpus_has_input_errors_and_goals_that_are_not_smart() -> None:
    """The SMART tests' invalid files: some break the input contract (the test above compares
    their places), the rest are readable goals a SMART rule circles (neither command refuses)."""
    refused = [p for p in INVALID if _error_places(ROOT / p)[0]]
    assert len(refused) >= 15 and len(INVALID) - len(refused) >= 15
    assert any(p.endswith("E001.yaml") for p in refused)


@pytest.mark.parametrize("goal", [0, 1])
def test_an_empty_instrument_name_is_refused_by_both(goal: int) -> None:
    """(Found by the mutation test above, session 31) A goal's ``instrument: ''`` is a schema
    error for ``validate``; the review's own warning (a free metric) must not hide it."""
    data = copy.deepcopy(VALID)
    data["goals"][goal]["measure"]["instrument"] = ""
    assert _verdicts(data) == (True, True)
