"""Recorded risk dispositions, as a tester attacked them (attack s30, findings 1-5 and 8).

* 1: a signal with no date of its own (documented abuse, risk words in the patient's goals, a
  risk question never given) is dated by the assessment's responses, so an earlier record that
  covers it is not read as older than the "signal" each time the plan is made again;
* 2: a risk question never given survives into the plan's goal file (``x-risk-flags``);
* 3: two records of one signal on one day are an input error in ``plan`` and ``review``;
* 4: ``plan`` reads records by ``review``'s rules (a future record, a record no flag matches);
* 5: after a referral for urgent care every held step waits for the urgent service;
* 8: one count of open and dispositioned flags.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from typing import Any

import pytest
import yaml
from tests.plan_helpers import all_steps

from planengine import Assessment, InputError
from planengine.cli._main import main
from planengine.render._plan import plan_to_goal_document, render_markdown, render_patient
from planengine.render._words import words_data
from planengine.review import review_goals

PLAN_DAY = dt.date(2026, 11, 24)
TAKEN = "2026-11-10"  # the day the assessment was taken, two weeks before the plan
PHQ9_ENDORSED = [3, 3, 2, 3, 2, 3, 2, 2, 2]
PHQ9_NOT_ENDORSED = [1, 2, 1, 1, 1, 2, 0, 0, 0]

#: Each signal with no date of its own: (what raises it, its signal, the outcome a clinician
#: records for it).
CONTEXT_SIGNALS = {
    "documented-ipv": (
        {"conditions": ["intimate-partner-violence"], "concerns": ["relationships"]},
        [{"instrument": "phq9", "answers": PHQ9_NOT_ENDORSED}],
        "intimate-partner-violence",
        "assessed-private-safety-plan-in-place",
    ),
    "abuse-in-goals": (
        {"patient_goals": ["My partner hits me when he drinks"]},
        [{"instrument": "phq9", "answers": PHQ9_NOT_ENDORSED}],
        "possible-abuse",
        "assessed-private-safety-plan-in-place",
    ),
    "suicidal-words": (
        {"patient_goals": ["Stop wanting to kill myself"]},
        [{"instrument": "phq9", "answers": PHQ9_NOT_ENDORSED}],
        "suicidal-language",
        "assessed-safety-plan-in-place",
    ),
    "never-asked": (
        {"patient_goals": ["I want to sleep through the night"]},
        [{"instrument": "gad7", "answers": [2, 2, 1, 2, 1, 1, 2]}],
        "risk-unknown",
        "assessed-no-current-risk-identified",
    ),
}


def assessment(
    context: dict[str, Any],
    responses: list[dict[str, Any]],
    records: list[dict[str, Any]] = (),  # type: ignore[assignment]
    taken: str = TAKEN,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "planengine": 1,
        "patient": {"id": "P-s30"},
        "responses": [{**r, "date": taken} for r in responses],
        "context": context,
    }
    if records:
        data["risk_dispositions"] = list(records)
    return data


def record(signal: str, outcome: str, date: str = TAKEN, by: str = "Dr A") -> dict[str, Any]:
    next_review = (dt.date.fromisoformat(date) + dt.timedelta(days=60)).isoformat()
    return {"signal": signal, "by": by, "date": date, "outcome": outcome, "next_review": next_review}


def plan_of(engine: Any, data: dict[str, Any], as_of: dt.date = PLAN_DAY) -> Any:
    return engine.plan(Assessment.from_mapping(data), as_of=as_of)


def flag_of(plan: Any, signal: str) -> Any:
    (flag,) = [f for f in plan.risk_flags if f.signal == signal]
    return flag


def write(folder: pathlib.Path, name: str, data: dict[str, Any]) -> pathlib.Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- 1: a context signal is dated by the assessment's own data -------------------------------


@pytest.mark.parametrize("case", sorted(CONTEXT_SIGNALS))
def test_an_earlier_record_covers_a_context_signal_when_the_plan_is_made_again(
    engine: Any, case: str
) -> None:
    context, responses, signal, outcome = CONTEXT_SIGNALS[case]
    data = assessment(context, responses, [record(signal, outcome)])
    for as_of in (dt.date(2026, 11, 10), dt.date(2026, 11, 11), PLAN_DAY):  # remade later
        flag = flag_of(plan_of(engine, data, as_of), signal)
        assert flag.observed_on == dt.date(2026, 11, 10), (case, as_of)
        assert flag.status == "dispositioned", (case, as_of, flag.message)  # was "reopened"


@pytest.mark.parametrize("case", sorted(CONTEXT_SIGNALS))
def test_a_new_assessment_with_the_same_signal_reopens_the_flag(engine: Any, case: str) -> None:
    context, responses, signal, outcome = CONTEXT_SIGNALS[case]
    data = assessment(context, responses, [record(signal, outcome)], taken="2026-11-20")
    flag = flag_of(plan_of(engine, data), signal)
    assert flag.observed_on == dt.date(2026, 11, 20)
    assert flag.status == "reopened"


@pytest.mark.parametrize("case", sorted(CONTEXT_SIGNALS))
def test_the_goal_file_keeps_the_flags_own_date_so_its_review_does_not_reopen_it(
    engine: Any, case: str
) -> None:
    context, responses, signal, outcome = CONTEXT_SIGNALS[case]
    plan = plan_of(engine, assessment(context, responses, [record(signal, outcome)]))
    document = plan_to_goal_document(plan)
    recorded = [*document.get("x-private-flags", ()), *document.get("x-risk-flags", ())]
    assert {entry["opened"] for entry in recorded} == {TAKEN}  # not the plan's as_of
    review = review_goals(document, as_of=PLAN_DAY)
    statuses = {f.status for f in review.risk_flags}
    assert statuses == {"dispositioned"}, [f.message for f in review.risk_flags]
    assert not [f for f in review.findings if f.code.startswith("input.disposition")]


# --- 2: a risk question never given survives into the goal file ---------------------------


def test_a_risk_question_never_given_is_open_in_the_review_of_the_plans_goal_file(
    engine: Any, tmp_path: pathlib.Path
) -> None:
    context, responses, _, _ = CONTEXT_SIGNALS["never-asked"]
    plan = plan_of(engine, assessment(context, responses, taken="2026-11-24"))
    document = plan_to_goal_document(plan)
    assert document["x-risk-flags"] == [
        {"id": "risk-1", "kind": "risk-unknown", "opened": "2026-11-24"}
    ]
    review = review_goals(document, as_of=PLAN_DAY)
    (flag,) = review.open_flags  # was none: "0 open risk flag(s)"
    assert (flag.kind, flag.signal, flag.private) == ("risk-unknown", "risk-unknown", False)
    # the goal file is valid, and validate reads it as the schema says
    path = write(tmp_path, "never-asked.goals.yaml", document)
    assert main(["validate", "--as-of", "2026-11-24", str(path)]) in (0, 1)
    bad = write(tmp_path, "bad.goals.yaml", {**document, "x-risk-flags": [{"kind": "x"}]})
    assert main(["validate", "--as-of", "2026-11-24", str(bad)]) == 1  # the schema reads it


def test_a_record_of_a_risk_question_never_given_dispositions_it_in_the_review(engine: Any) -> None:
    context, responses, signal, outcome = CONTEXT_SIGNALS["never-asked"]
    plan = plan_of(engine, assessment(context, responses, [record(signal, outcome)]))
    review = review_goals(plan_to_goal_document(plan), as_of=PLAN_DAY)
    (flag,) = review.risk_flags
    assert flag.status == "dispositioned" and not review.open_flags
    assert "input.disposition-unmatched" not in {f.code for f in review.findings}


# --- 3: two records of one signal on one day ---------------------------------------------

SAME_DAY = [
    record("phq9.item9", "assessed-no-current-risk-identified", "2026-11-24"),
    record("phq9.item9", "assessed-referred-for-urgent-care", "2026-11-24", by="Dr B"),
]


@pytest.mark.parametrize("order", [SAME_DAY, SAME_DAY[::-1]], ids=["as-given", "swapped"])
def test_two_records_of_one_signal_on_one_day_are_an_input_error_in_plan(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], order: list[dict[str, Any]]
) -> None:
    data = assessment({}, [{"instrument": "phq9", "answers": PHQ9_ENDORSED}], order, "2026-11-24")
    path = write(tmp_path, "two.yaml", data)
    assert main(["plan", "--as-of", "2026-11-24", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert re.match(rf"planengine: error: {re.escape(str(path))}:\d+:\d+: ", err)
    assert "input.disposition" in err
    assert "$.risk_dispositions[0] (line " in err and "$.risk_dispositions[1] (line " in err


@pytest.mark.parametrize("order", [SAME_DAY, SAME_DAY[::-1]], ids=["as-given", "swapped"])
def test_two_records_of_one_signal_on_one_day_are_an_input_error_in_review(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], order: list[dict[str, Any]]
) -> None:
    data = {
        "planengine": 1,
        "patient": {"id": "P-s30"},
        "assessments": [{"instrument": "phq9", "date": "2026-11-24", "answers": PHQ9_ENDORSED}],
        "risk_dispositions": order,
        "goals": [],
    }
    path = write(tmp_path, "two.goals.yaml", data)
    assert main(["review", "--as-of", "2026-11-24", "--no-plugins", str(path)]) == 2
    review = review_goals(data, as_of=PLAN_DAY)
    (finding,) = [f for f in review.findings if f.code == "input.disposition"]
    assert "$.risk_dispositions[0]" in finding.message and "$.risk_dispositions[1]" in finding.message
    (flag,) = review.risk_flags
    assert flag.status == "open"  # neither record is read: never settled by list order
    capsys.readouterr()


# --- 4: plan reads records by review's rules ---------------------------------------------


def test_a_record_dated_after_the_plan_date_is_an_input_error(
    engine: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = record("phq9.item9", "assessed-safety-plan-in-place", "2026-11-30")
    data = assessment({}, [{"instrument": "phq9", "answers": PHQ9_ENDORSED}], [later], "2026-11-24")
    with pytest.raises(InputError, match="after the plan date"):
        plan_of(engine, data)
    path = write(tmp_path, "future.yaml", data)
    assert main(["plan", "--as-of", "2026-11-24", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{path}:" in err and "$.risk_dispositions[0].date" in err and "input.disposition" in err


@pytest.mark.parametrize("signal", ["PHQ9.item9", "pcl5.item16", "private-safety"])
def test_a_record_no_flag_matches_is_a_warning_in_the_plan_and_on_stderr(
    engine: Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], signal: str
) -> None:
    # an outcome every signal accepts (io._disposition.outcomes_for), so only the match is tested
    stray = record(signal, "assessed-referred-for-urgent-care", "2026-11-20")
    data = assessment({}, [{"instrument": "phq9", "answers": PHQ9_ENDORSED}], [stray], "2026-11-24")
    plan = plan_of(engine, data)
    (notice,) = [n for n in plan.notices if n.code == "input.disposition-unmatched"]
    assert repr(signal) in notice.message and "signals: phq9.item9" in notice.message
    assert flag_of(plan, "phq9.item9").status == "open"
    path = write(tmp_path, "stray.yaml", data)
    assert main(["plan", "--as-of", "2026-11-24", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "input.disposition-unmatched" in err and "signals: phq9.item9" in err


# --- 5: a referral for urgent care beside any other flag ------------------------------------

URGENT = record("phq9.item9", "assessed-referred-for-urgent-care", "2026-11-24")
#: private flags beside the referral: (context, its signal)
PRIVATE = {
    "ipv": ({"conditions": ["intimate-partner-violence"]}, "intimate-partner-violence"),
    "abuse-words": ({"patient_goals": ["My partner hits me when he drinks"]}, "possible-abuse"),
}


@pytest.mark.parametrize("recorded", [True, False], ids=["private-recorded", "private-open"])
@pytest.mark.parametrize("kind", sorted(PRIVATE))
def test_after_an_urgent_referral_every_held_step_waits_for_the_urgent_service(
    engine: Any, kind: str, recorded: bool
) -> None:
    context, signal = PRIVATE[kind]
    records = [URGENT]
    if recorded:
        records.append(record(signal, "assessed-private-safety-plan-in-place", "2026-11-24"))
    data = assessment(context, [{"instrument": "phq9", "answers": PHQ9_ENDORSED}], records, "2026-11-24")
    plan = plan_of(engine, data)
    held = [  # held by the safety rule (a step unsafe beside abuse is held for that too)
        s
        for s in all_steps(plan.to_dict())
        if s["status"] == "held" and s.get("hold") not in (None, "contraindication")
    ]
    assert held and {s["hold"] for s in held} == {"urgent-care"}  # was private-assessment
    text = render_markdown(plan)
    held_lines = [line for line in text.splitlines() if re.search(r"\b[Hh]eld until\b", line)]
    assert held_lines
    # a step unsafe beside abuse waits for the private screen (its own gate, never lifted by a
    # referral): it keeps its own criterion (clinician read 22, S1) or the plain label; every
    # other marker names the urgent service
    gated = [s for s in all_steps(plan.to_dict()) if s.get("hold") == "contraindication"]
    caution = words_data()["clinician"]["hold"]["contraindication"]
    criteria = {f"Held until {s.get('hold_until') or caution}" for s in gated}
    plain = [line for line in held_lines if any(c in line for c in criteria)]
    assert len(plain) == len(gated)
    for line in held_lines:  # risk statement, summary, objectives, step labels
        if line not in plain:
            assert "urgent service" in line, line
    private_wait = "private safety assessment has agreed where written homework"
    assert (private_wait in text) is (not recorded)  # both waits while the private flag is open
    if not recorded:
        summary = next(line for line in held_lines if private_wait in line)
        assert summary.index("urgent service") < summary.index(private_wait)  # urgent first
    copy = render_patient(plan).lower()
    assert "urgent service" in copy
    for word in ("partner", "abuse", "violence", "private"):
        assert word not in copy, word


# --- 8: one count of open and dispositioned flags -----------------------------------------
#: a referral for urgent care is counted as such, never as settled (clinician read 21, S2)
REFERRED = "under urgent referral (24 November 2026) until the urgent service has seen the patient"


@pytest.mark.parametrize(
    ("records", "counted"),
    [
        ([], "2 risk flags on record, open."),
        ([URGENT], f"2 risk flags on record: 1 open, 1 {REFERRED};"),
        (
            [URGENT, record("intimate-partner-violence", "assessed-private-safety-plan-in-place", "2026-11-24")],
            f"2 risk flags on record: 1 {REFERRED}, 1 assessed by the clinician (kept under review);",
        ),
    ],
    ids=["none-recorded", "one-recorded", "both-recorded"],
)
def test_the_risk_statement_counts_flags_as_their_status_does(
    engine: Any, records: list[dict[str, Any]], counted: str
) -> None:
    context = {"conditions": ["intimate-partner-violence"]}
    data = assessment(context, [{"instrument": "phq9", "answers": PHQ9_ENDORSED}], records, "2026-11-24")
    plan = plan_of(engine, data)
    statement = plan.to_dict()["risk"]["statement"]
    # each state only when a flag is in it, its parenthesis after its own count (read 21, S2)
    assert statement.startswith(counted)
    assert "0 open" not in statement and "0 dispositioned" not in statement
    assert "open risk flag(s)" not in render_markdown(plan)  # the old words counted all as open


@pytest.mark.parametrize("swapped", [False, True], ids=["as-given", "swapped"])
def test_two_private_flags_records_of_one_day_become_one_record_in_the_goal_file(
    engine: Any, swapped: bool
) -> None:
    """Both private flags are written as ``private-safety``: their two records of one day must
    not become two records of one signal on one day (an input error in the review)."""
    ipv = record("intimate-partner-violence", "assessed-private-safety-plan-in-place", "2026-11-24")
    words = {
        **record("possible-abuse", "assessed-private-safety-plan-in-place", "2026-11-24", by="Dr B"),
        "next_review": "2026-12-01",  # the sooner review is the one kept
    }
    context = {
        "conditions": ["intimate-partner-violence"],
        "patient_goals": ["My partner hits me when he drinks"],
    }
    records = [words, ipv] if swapped else [ipv, words]
    data = assessment(context, [{"instrument": "phq9", "answers": PHQ9_NOT_ENDORSED}], records, "2026-11-24")
    document = plan_to_goal_document(plan_of(engine, data))
    (kept,) = document["risk_dispositions"]
    assert (kept["signal"], kept["by"], kept["next_review"]) == ("private-safety", "Dr B", "2026-12-01")
    review = review_goals(document, as_of=PLAN_DAY)
    assert not [f for f in review.findings if f.code.startswith("input.disposition")]
    assert {f.status for f in review.risk_flags} == {"dispositioned"}


def test_a_private_flag_open_in_the_plan_stays_open_in_its_goal_file(engine: Any) -> None:
    """Private flags share one neutral signal in the goal file: another private flag's record
    must not disposition the one the plan has open (attack s30, sc/urgent-ipv.yaml)."""
    context = {
        "conditions": ["intimate-partner-violence"],
        "patient_goals": ["My partner hits me when he drinks"],
    }
    ipv = record("intimate-partner-violence", "assessed-private-safety-plan-in-place", "2026-11-24")
    data = assessment(context, [{"instrument": "phq9", "answers": PHQ9_NOT_ENDORSED}], [ipv], "2026-11-24")
    plan = plan_of(engine, data)
    assert flag_of(plan, "possible-abuse").status == "open"
    document = plan_to_goal_document(plan)
    assert "risk_dispositions" not in document
    review = review_goals(document, as_of=PLAN_DAY)
    assert [f.status for f in review.risk_flags] == ["open", "open"]
