"""Attack s30, findings 6 and 9: a recorded outcome must suit the signal's kind, and ``by`` is at
most 200 characters; both are ``input.disposition`` errors (one line, exit 2) in ``plan`` and in
``review``, read by the one reader both commands use (io/_disposition.py)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
import yaml

from planengine.cli._main import main
from planengine.io._disposition import PRIVATE_SIGNALS, outcomes_for
from planengine.plan._risk_flags import PRIVATE_KINDS

ROOT = pathlib.Path(__file__).resolve().parent.parent

PHQ9_ENDORSED = {"instrument": "phq9", "date": "2026-11-24", "answers": [3, 3, 2, 3, 2, 3, 2, 2, 2]}
PHQ9_NO_ITEM9 = {"instrument": "phq9", "date": "2026-11-24", "answers": [1, 2, 1, 1, 1, 2, 0, 0, 0]}
PCL5_ITEM16 = {"instrument": "pcl5", "date": "2026-11-24", "answers": [2] * 15 + [3] + [2] * 4}

#: one assessment per signal kind: (signal, responses, context)
SIGNALS: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {
    "phq9.item9": ([PHQ9_ENDORSED], {}),
    "suicidal-language": ([PHQ9_NO_ITEM9], {"patient_goals": ["Stop wanting to kill myself"]}),
    "pcl5.item16": ([PHQ9_NO_ITEM9, PCL5_ITEM16], {}),
    "intimate-partner-violence": (
        [PHQ9_NO_ITEM9],
        {"concerns": ["relationships"], "conditions": ["intimate-partner-violence"]},
    ),
    "possible-abuse": ([PHQ9_NO_ITEM9], {"patient_goals": ["My partner hits me when he drinks"]}),
    "harm-to-others": ([PHQ9_NO_ITEM9], {"patient_goals": ["I want to kill my husband"]}),
}

#: written out, not derived: what each kind of signal accepts (docs/review-workflow.md §2)
ANY_KIND = ("assessed-no-current-risk-identified", "assessed-referred-for-urgent-care")
SUICIDE_PLAN = ("assessed-safety-plan-in-place", "assessed-safety-plan-updated")
PRIVATE_PLAN = ("assessed-private-safety-plan-in-place",)
ACCEPTS = {
    "phq9.item9": SUICIDE_PLAN + ANY_KIND,
    "suicidal-language": SUICIDE_PLAN + ANY_KIND,
    "pcl5.item16": SUICIDE_PLAN + ANY_KIND,
    "risk-unknown": SUICIDE_PLAN + ANY_KIND,
    "intimate-partner-violence": PRIVATE_PLAN + ANY_KIND,
    "possible-abuse": PRIVATE_PLAN + ANY_KIND,
    "private-safety": PRIVATE_PLAN + ANY_KIND,
    # risk to others: a safety plan (suicide or private) is no assessment of it
    "harm-to-others": ANY_KIND,
}
ALL = SUICIDE_PLAN + ANY_KIND + PRIVATE_PLAN


def record(signal: str, outcome: str, by: str = "Dr A") -> dict[str, str]:
    return {"signal": signal, "by": by, "date": "2026-11-24", "outcome": outcome,
            "next_review": "2026-12-22"}


def write_assessment(folder: pathlib.Path, signal: str, entry: dict[str, str]) -> pathlib.Path:
    responses, context = SIGNALS[signal]
    data: dict[str, Any] = {"planengine": 1, "patient": {"id": "P-6"}, "responses": responses}
    if context:
        data["context"] = context
    data["risk_dispositions"] = [entry]
    path = folder / "in.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_private_signals_are_the_private_kinds_and_the_goal_files_name() -> None:
    assert PRIVATE_KINDS | {"private-safety"} == PRIVATE_SIGNALS


@pytest.mark.parametrize("signal", sorted(ACCEPTS))
def test_each_signal_accepts_the_outcomes_that_suit_it(signal: str) -> None:
    assert set(outcomes_for(signal)) == set(ACCEPTS[signal])


@pytest.mark.parametrize(
    ("signal", "outcome"),
    [(s, o) for s in SIGNALS for o in ALL],
)
def test_plan_refuses_an_outcome_that_does_not_suit_the_signal(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], signal: str, outcome: str
) -> None:
    path = write_assessment(tmp_path, signal, record(signal, outcome))
    code = main(["plan", "--as-of", "2026-11-24", "--no-plugins", "--format", "json", str(path)])
    out, err = capsys.readouterr()
    if outcome in ACCEPTS[signal]:
        assert code == 0, err
        flags = json.loads(out)["risk"]["flags"]
        read = [f["status"] for f in flags if (f.get("disposition") or {}).get("signal") == signal]
        assert read == ["dispositioned"]
        return
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    line = lines[0]
    assert line.startswith(f"planengine: error: {path}:") and ":" in line.split(str(path))[1]
    assert "$.risk_dispositions[0].outcome" in line
    assert f"does not suit the signal '{signal}'" in line
    assert "accepts " + ", ".join(o for o in ALL[:4] + ALL[4:] if o in ACCEPTS[signal]) in line


def goal_file(folder: pathlib.Path, entry: dict[str, str]) -> pathlib.Path:
    data = yaml.safe_load((ROOT / "examples" / "review" / "disposition.yaml").read_text("utf-8"))
    data = json.loads(json.dumps(data, default=str))
    data["risk_dispositions"] = [dict(entry, date="2026-10-28", next_review="2027-02-17")]
    if entry["signal"] == "private-safety":
        data["x-private-flags"] = [{"id": "risk-2", "kind": "private-safety", "opened": "2026-10-28"}]
    path = folder / "goals.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("signal", "outcome"),
    [("phq9.item9", "assessed-private-safety-plan-in-place"),
     ("private-safety", "assessed-safety-plan-in-place"),
     ("private-safety", "assessed-safety-plan-updated")],
)
def test_review_refuses_an_outcome_that_does_not_suit_the_signal(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], signal: str, outcome: str
) -> None:
    path = goal_file(tmp_path, record(signal, outcome))
    code = main(["review", "--as-of", "2027-01-20", "--no-plugins", str(path)])
    out, _ = capsys.readouterr()
    assert code == 2
    found = [line for line in out.splitlines() if "input.disposition [error]" in line]
    assert len(found) == 1
    lines = path.read_text("utf-8").splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.strip().startswith("outcome:"))
    assert found[0].startswith(f"{path}:{line}:") and "($.risk_dispositions[0].outcome)" in found[0]
    assert f"does not suit the signal '{signal}'" in found[0]
    assert "that signal accepts" in found[0]


@pytest.mark.parametrize(
    ("signal", "outcome"),
    [("phq9.item9", "assessed-safety-plan-in-place"),
     ("private-safety", "assessed-private-safety-plan-in-place")],
)
def test_review_reads_an_outcome_that_suits_the_signal(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], signal: str, outcome: str
) -> None:
    path = goal_file(tmp_path, record(signal, outcome))
    main(["review", "--as-of", "2027-01-20", "--no-plugins", str(path)])
    assert "input.disposition" not in capsys.readouterr().out


@pytest.mark.parametrize(("length", "code"), [(200, 0), (201, 2), (200_000, 2)])
def test_plan_reads_by_up_to_200_characters(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], length: int, code: int
) -> None:
    by = ("Dr " + "A" * length)[:length]
    path = write_assessment(
        tmp_path, "phq9.item9", record("phq9.item9", "assessed-safety-plan-in-place", by)
    )
    assert main(["plan", "--as-of", "2026-11-24", "--no-plugins", "--format", "json", str(path)]) == code
    out, err = capsys.readouterr()
    if code == 2:
        assert out == "" and len(err.strip().splitlines()) == 1 and len(err) < 400
        assert "$.risk_dispositions[0].by" in err and f"by is {length} characters long" in err


@pytest.mark.parametrize(("length", "code"), [(200, 0), (201, 2)])
def test_review_and_validate_read_by_up_to_200_characters(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], length: int, code: int
) -> None:
    by = ("Dr " + "A" * length)[:length]
    path = goal_file(tmp_path, record("phq9.item9", "assessed-safety-plan-in-place", by))
    main(["review", "--as-of", "2027-01-20", "--no-plugins", str(path)])
    out, _ = capsys.readouterr()
    assert ("input.disposition [error] by is" in out) == (code == 2)
    validated = main(["validate", "--as-of", "2027-01-20", str(path)])
    out, _ = capsys.readouterr()
    assert validated == (1 if code == 2 else 0)
    if code == 2:  # the schema's maxLength, without the text again
        assert "E002" in out and "201 characters long; at most 200" in out and "A" * 50 not in out
