"""Words of harm to other people ("I want to kill my husband") open a ``harm-to-others`` flag:
a clinician's assessment today of the risk to others, under the service's safeguarding /
duty-to-protect policy (docs/safety.md, "Words of harm to others"). A tester found the goal
filed under relationships with no flag at all."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from typing import Any

import pytest
import yaml

from planengine import Assessment
from planengine._vocabulary import load_vocabulary
from planengine.cli._main import main
from planengine.io._disposition import outcomes_for
from planengine.plan._risk_flags import KIND_OTHERS, PRIVATE_KINDS, SUICIDE_KINDS

AS_OF = dt.date(2026, 11, 24)
PHQ9_NO_ITEM9 = {"instrument": "phq9", "date": "2026-11-24", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}
PHQ9_ITEM9 = {"instrument": "phq9", "date": "2026-11-24", "answers": [2, 2, 2, 2, 1, 2, 1, 1, 1]}

#: text -> the risk-language themes it must open (written out, not derived)
OPENS: dict[str, set[str]] = {
    "I want to kill my husband": {"harm-to-others"},
    "I want to hurt someone": {"harm-to-others"},
    "Sometimes I think I could kill him": {"harm-to-others"},
    "i want to hurt people": {"harm-to-others"},
    "Thoughts of harming my baby": {"harm-to-others"},
    "I'm going to hurt them": {"harm-to-others"},
    "I keep having homicidal thoughts": {"harm-to-others"},
    "I'll kill you": {"harm-to-others"},
    "I could strangle her": {"harm-to-others"},
    "I'm going to beat him up": {"harm-to-others"},
    "intrusive thoughts of stabbing my child": {"harm-to-others"},
    "I wish my boss dead": {"harm-to-others"},
    "#killmyhusband": {"harm-to-others"},
    "I don't want to hurt anyone": {"harm-to-others"},  # negation never dismisses a match
    # the overlaps: the patient's own risk keeps its theme, and is not read as harm to others
    "he will kill me": {"suicide", "abuse"},
    "I want to kill myself": {"suicide"},
    "i want to hurt myself": {"self-harm"},
    "my husband hits me": {"abuse"},
    # both at once: both flags
    "I want to kill him and kill myself": {"harm-to-others", "suicide"},
}

#: texts that open no flag of harm to others (idioms, figures of speech, the patient's own risk)
NOT_HARM_TO_OTHERS = [
    "this job is killing me",
    "my feet are killing me",
    "I could kill for a coffee",
    "I need to kill time before work",
    "she was killing it at work",
    "I hurt her feelings and I want to say sorry",
    "I'll shoot him a text",
    "hit them up later",
    "kill them with kindness",
    "he stabbed me in the back at work",
    "he will kill me",
    "I want to kill myself",
    "stop hurting myself",
]


@pytest.mark.parametrize("text", sorted(OPENS))
def test_the_phrases_open_the_themes_they_must(text: str) -> None:
    themes = {theme for theme, _ in load_vocabulary().risk_language.find(text)}
    assert themes == OPENS[text]


@pytest.mark.parametrize("text", NOT_HARM_TO_OTHERS)
def test_idioms_and_the_patients_own_risk_open_no_harm_to_others_flag(text: str) -> None:
    themes = {theme for theme, _ in load_vocabulary().risk_language.find(text)}
    assert "harm-to-others" not in themes


def test_the_kind_is_neither_private_nor_a_suicide_kind() -> None:
    from planengine.plan._safety_others import OTHERS_STEP
    from planengine.plan._safety_problem import _REQUIRED_STEPS

    assert _REQUIRED_STEPS[KIND_OTHERS] == OTHERS_STEP
    assert KIND_OTHERS == "harm-to-others"
    assert KIND_OTHERS not in PRIVATE_KINDS and KIND_OTHERS not in SUICIDE_KINDS


def _assessment(goals: list[str], response: dict[str, Any] = PHQ9_NO_ITEM9, **extra: Any) -> Assessment:
    raw: dict[str, Any] = {
        "planengine": 1,
        "patient": {"id": "P-7001"},
        "responses": [response],
        "context": {"patient_goals": goals},
        **extra,
    }
    return Assessment.from_mapping(raw)


def test_the_plan_opens_the_flag_puts_the_safety_step_first_and_names_the_action(engine) -> None:
    data = engine.plan(_assessment(["I want to kill my husband", "Sleep better"]), as_of=AS_OF).to_dict()
    flags = data["risk"]["flags"]
    assert [f["kind"] for f in flags] == ["harm-to-others"]
    flag = flags[0]
    assert flag["id"] == "risk-1" and flag["private"] is False and flag["level"] == "endorsed"
    assert flag["rank"] == 2 and flag["status"] == "open"
    assert flag["evidence"] == ["I want to kill my husband"]
    message = flag["message"]
    assert "“I want to kill my husband”" in message
    assert "assessment today of the risk to others (who, how, intent, means, access)" in message
    assert "safeguarding / duty-to-protect policy" in message
    text = json.dumps(data).lower()
    assert "no risk" not in text
    assert "none was found" not in data["risk"]["statement"]  # the words were found
    safety = data["problems"][0]
    assert safety["id"] == "problem-safety"
    steps = [s["id"] for s in safety["interventions"]]
    assert steps[0] == "safety-others-assessment"
    objective = next(o for o in safety["objectives"] if o["id"] == "safety-others-assessed")
    assert objective["due_date"] == AS_OF.isoformat() and objective["addresses"] == ["risk-1"]
    # the goal in words of harm is linked to safety only (not filed under relationships)
    goal = next(g for g in data["patient_goals"] if g["text"] == "I want to kill my husband")
    assert goal["linked_areas"] == ["safety"]


def test_beside_endorsed_suicide_risk_both_flags_open_suicide_risk_first(engine) -> None:
    data = engine.plan(
        _assessment(["I want to kill my husband"], response=PHQ9_ITEM9), as_of=AS_OF
    ).to_dict()
    kinds = [f["kind"] for f in data["risk"]["flags"]]
    assert kinds == ["suicidal-ideation", "harm-to-others"]
    steps = [s["id"] for s in data["problems"][0]["interventions"]]
    assert "safety-plan" in steps and "safety-others-assessment" in steps


def _write(folder: pathlib.Path, extra: dict[str, Any] | None = None) -> pathlib.Path:
    data: dict[str, Any] = {
        "planengine": 1,
        "patient": {"id": "P-7001"},
        "responses": [PHQ9_NO_ITEM9],
        "context": {"patient_goals": ["I want to kill my husband", "Sleep better"]},
        **(extra or {}),
    }
    path = folder / "in.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["plan", "--as-of", AS_OF.isoformat(), "--no-plugins", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_patients_copy_keeps_the_words_off_and_the_clinicians_plan_names_the_kind(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path)
    patient = _run(capsys, "--format", "patient", str(path))
    assert "kill" not in patient.lower() and "husband" not in patient.lower()
    assert "Sleep better" in patient
    assert "written in your clinical record" in patient  # the copy says words were kept back
    clinician = _run(capsys, "--format", "markdown", str(path))
    assert "Risk to others (words of harming someone)" in clinician
    assert "Clinician assessment today of the risk to others" in clinician


def test_the_goal_file_carries_the_flag_and_the_review_keeps_it_open(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goals = _run(capsys, "--format", "goals", str(_write(tmp_path)))
    document = yaml.safe_load(goals)
    assert document["x-risk-flags"] == [{"id": "risk-1", "kind": "harm-to-others", "opened": "2026-11-24"}]
    # the words go with the assessment's goal, so the review screens them again (as for words
    # of suicide risk), dated by x-risk-flags
    goal = next(g for g in document["goals"] if g["id"] == "safety-others-assessed")
    assert goal["patient_words"] == "I want to kill my husband"
    path = tmp_path / "goals.yaml"
    path.write_text(goals, encoding="utf-8")
    main(["review", "--as-of", "2026-11-30", "--no-plugins", "--format", "json", str(path)])
    out, _ = capsys.readouterr()
    review = json.loads(out)
    assert review["open_risk_flags"] == ["P-7001/risk-1"]
    assert [(f["kind"], f["status"]) for f in review["reviews"][0]["risk_flags"]] == [
        ("harm-to-others", "open")
    ]
    flag = review["reviews"][0]["risk_flags"][0]
    assert "“I want to kill my husband”" in flag["message"] and flag["observed_on"] == "2026-11-24"


def test_fhir_exports_the_flag_by_its_kind(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = json.loads(_run(capsys, "--format", "fhir", str(_write(tmp_path))))
    flags = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]
    assert [f["code"]["coding"][0]["code"] for f in flags] == ["harm-to-others"]
    assert "security" not in flags[0]["meta"]  # not private: not restricted


def _record(outcome: str) -> dict[str, Any]:
    return {"risk_dispositions": [{
        "signal": "harm-to-others", "by": "Dr A", "date": "2026-11-24", "outcome": outcome,
        "next_review": "2026-12-08",
    }]}


def test_a_disposition_of_no_current_risk_keeps_the_flag_on_record(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(capsys, "--format", "json", str(_write(tmp_path, _record("assessed-no-current-risk-identified"))))
    flag = json.loads(out)["risk"]["flags"][0]
    assert flag["kind"] == "harm-to-others" and flag["status"] == "dispositioned"
    assert "assessed by a clinician on 2026-11-24" in flag["message"]
    assert "assessment today of the risk to others" not in flag["message"]
    assert "The flag stays on record" in flag["message"]


def test_a_safety_plan_does_not_record_the_risk_to_others(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert outcomes_for("harm-to-others") == (
        "assessed-no-current-risk-identified", "assessed-referred-for-urgent-care",
    )
    path = _write(tmp_path, _record("assessed-safety-plan-in-place"))
    code = main(["plan", "--as-of", AS_OF.isoformat(), "--no-plugins", "--format", "json", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and "does not suit the signal 'harm-to-others' (a harm-to-others flag)" in err
