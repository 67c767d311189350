"""Safety beyond PHQ-9 item 9 (issue 12): risk language, PCL-5 item 16, documented violence,
alcohol, and the context a flag needs (date, age, wording, history; stale baselines; same-day
duplicates). Each test fails without the rule it names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plan_helpers import all_steps, assert_valid
from planengine import Assessment, Engine, EngineConfig, InputError
from planengine._vocabulary import load_vocabulary
from planengine.cli._main import main
from planengine.review import review_goals

AS_OF = dt.date(2026, 11, 25)
DAY = "2026-11-24"
LANGUAGE = load_vocabulary().risk_language


def assessment(responses: list[tuple[str, str, list[Any]]] = (), **context: Any) -> Assessment:
    return Assessment.from_mapping(
        {
            "planengine": 1,
            "responses": [
                {"instrument": name, "date": date, "answers": answers}
                for name, date, answers in responses
            ],
            "context": context,
        }
    )


def plan(engine: Engine, item: Assessment, as_of: dt.date = AS_OF) -> dict[str, Any]:
    data = engine.plan(item, as_of=as_of).to_dict()
    assert_valid("plan", data)
    return data


PHQ9_ZERO_ITEM9 = ("phq9", DAY, [2, 2, 2, 2, 1, 2, 1, 1, 0])


# -- 1. risk language in free text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Stop wanting to kill myself", True),
        ("I don't want to be here anymore", True),
        ("I DON’T WANT TO BE HERE", True),  # curly apostrophe, capitals
        ("i no longer want to die", True),  # negation never dismisses a match
        ('My GP said "suicidal" once', True),  # nor quotation
        ("Stop self-harming", True),
        ("stop cutting myself", True),
        ("Everyone would be better off without me", True),
        ("Thinking about an overdose", True),
        # ways people write it (found by a tester's attack)
        ("I want to be dead", True),
        ("I'd rather be dead", True),
        ("I no longer want to live", True),
        ("life isn't worth living", True),
        ("thinking about hanging myself", True),
        ("wish I'd never been born", True),
        ("want 2 die", True),
        ("sucidal thoughts", True),  # a common misspelling
        # notes in the third person and clinical shorthand
        ("Pt said she wants to kill herself", True),
        ("cutting herself again", True),
        ("pt reports passive SI, no plan", True),
        ("SH x2 this week", True),
        ("took an OD last month", True),
        # evasions: run together, invisible characters, look-alike letters, entities, hyphens
        ("#wanttodie", True),
        ("kill\u200bmyself", True),
        ("k\u0456ll myself", True),  # a Cyrillic i
        ("\u1d0b\u026a\u029f\u029f \u1d0d\u028fs\u1d07\u029f\ua730", True),  # small capitals
        ("don&#39;t want to live", True),
        ("sui-\ncidal", True),
        ("FULL\uff37IDTH: \uff53\uff55\uff49\uff43\uff49\uff44\uff41\uff4c", True),
        # passive wishes and the rest of the second clinician's list
        ("I wish I could go to sleep and not wake up", True),
        ("I want to sleep forever", True),
        ("I want to stop cutting", True),
        ("I want it all to end", True),
        ("there is no way out", True),
        ("I can't do this anymore", True),
        ("I keep thinking about dying", True),
        ("Stop the nightmares about dying", True),
        # not risk language
        ("I want to sleep through the night", False),
        ("Kill time less on my phone", False),  # the words must follow each other
        ("Be kinder to myself", False),
        ("I want to skill myself up", False),  # run-together words stay within a word
        ("a decision about work", False),
        # the listed idioms, standing whole
        ("I never wake up feeling rested", False),
        ("Cut myself some slack", False),
        ("Stop burning myself out at work", False),
        ("I want to take my life back", False),
        ("I can endure it all", False),
        ("ending my life-long habit of snacking", False),
        ("Cut myself some slack, and stop cutting myself", True),  # an idiom hides only itself
    ],
)
def test_the_risk_language_screen(text: str, found: bool) -> None:
    assert bool(LANGUAGE.find(text)) is found


def test_suicidal_words_open_a_flag_with_item9_at_zero(engine) -> None:
    # The case: item 9 = 0 and goals that speak of suicide.
    data = plan(
        engine,
        assessment(
            [PHQ9_ZERO_ITEM9],
            patient_goals=["Stop wanting to kill myself", "I don't want to be here anymore"],
        ),
    )
    (flag,) = data["risk"]["flags"]  # one flag for the clinician to close, quoting both goals
    assert flag["kind"] == "suicidal-language"
    assert flag["evidence"] == ["Stop wanting to kill myself", "I don't want to be here anymore"]
    assert "“Stop wanting to kill myself”" in flag["message"]
    assert "“I don't want to be here anymore”" in flag["message"]
    assert flag["provenance"]["inputs"] == ["$.context.patient_goals[0]", "$.context.patient_goals[1]"]
    assert "raised no flag" not in data["risk"]["statement"]
    assert data["problems"][0]["id"] == "problem-safety"
    assert {"safety-risk-assessment", "safety-plan"} <= {
        s["id"] for s in data["problems"][0]["interventions"]
    }
    assert all(g["linked_areas"][0] == "safety" for g in data["patient_goals"])
    for step in all_steps(data):
        if step["delivery"] == "self-guided":
            assert step["status"] == "held", step["id"]


def test_no_match_is_never_read_as_safety(engine) -> None:
    data = plan(engine, assessment([PHQ9_ZERO_ITEM9], patient_goals=["Sleep through the night"]))
    assert not data["risk"]["flags"]
    statement = data["risk"]["statement"]
    assert "not evidence of safety" in statement
    assert "own words were screened" in statement and "not evidence of safety either" in statement


def test_risk_words_in_a_review_note_open_a_flag_that_holds_every_goal() -> None:
    goal = {
        "id": "g",
        "area": "sleep",
        "statement": "s",
        "measure": {
            "metric": "nights",
            "unit": "nights per week",
            "baseline": {"value": 1, "date": "2026-09-01"},
            "target": {"value": 5, "comparator": ">="},
        },
        "start_date": "2026-09-01",
        "due_date": "2027-01-31",
        "review_interval_days": 30,
        "progress": [
            {"date": "2026-11-20", "value": 6, "note": "Sleeping better but I wish I was dead"}
        ],
    }
    review = review_goals({"planengine": 1, "goals": [goal]}, as_of=AS_OF)
    (flag,) = review.risk_flags
    assert flag.kind == "suicidal-language"
    assert flag.provenance.inputs == ("$.goals[0].progress[0].note",)
    assert flag.observed_on == dt.date(2026, 11, 20) and flag.age_days == 5
    # the target is met, but the goal is not closed while the flag is open: review now
    assert [(s.rule, s.action) for s in review.goals[0].suggestions] == [
        ("review.risk-flag-open", "review-now")
    ]


# -- 4. intimate-partner violence ----------------------------------------------------------


def test_ipv_is_a_private_flag_whose_hold_names_safe_storage(engine) -> None:
    data = plan(engine, assessment([PHQ9_ZERO_ITEM9], conditions=["intimate-partner-violence"]))
    (flag,) = data["risk"]["flags"]
    assert flag["kind"] == "intimate-partner-violence" and flag["private"] is True
    held = [s for s in all_steps(data) if s["delivery"] == "self-guided"]
    assert held and all(s["status"] == "held" for s in held)
    assert all("kept without being found" in s["notes"][-1] for s in held)


# -- 5. PCL-5 item 16 --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "flagged"), [(0, False), (1, False), (2, True), (4, True)])
def test_pcl5_item_16_at_two_or_more_is_a_flag_for_clinician_review(engine, value, flagged) -> None:
    answers = [1] * 20
    answers[15] = value
    data = plan(engine, assessment([("pcl5", DAY, answers), PHQ9_ZERO_ITEM9]))
    kinds = [f["kind"] for f in data["risk"]["flags"]]
    assert kinds == (["risky-behaviour"] if flagged else [])
    if flagged:
        flag = data["risk"]["flags"][0]
        assert (flag["instrument"], flag["item"], flag["value"]) == ("pcl5", 16, value)
        assert flag["provenance"]["inputs"] == ["$.responses[0].answers[15]"]
        first = data["problems"][0]
        assert "safety-behaviour-review" in [s["id"] for s in first["interventions"]]


def test_a_blank_pcl5_item_16_is_asked_today_without_a_flag(engine) -> None:
    answers: list[int | None] = [1] * 20
    answers[15] = None
    data = plan(engine, assessment([("pcl5", DAY, answers)], concerns=["trauma"]))
    # no flag of item 16 (the only flag is of the suicide-risk question never given, read 16 M1)
    assert [f.get("instrument") for f in data["risk"]["flags"]] == [None]
    trauma = next(p for p in data["problems"] if p["area"] == "trauma")
    asked = [o for o in trauma["objectives"] if "item 16" in o["statement"]]
    assert asked and asked[0]["due_date"] == AS_OF.isoformat()


# -- 6. a flag's context ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "wording"), [(1, "several days"), (2, "more than half the days"), (3, "nearly every day")])
def test_a_flag_quotes_the_instruments_own_wording_for_the_answer(engine, value, wording) -> None:
    answers = [1, 1, 1, 1, 1, 1, 1, 1, value]
    (flag,) = plan(engine, assessment([("phq9", DAY, answers)]))["risk"]["flags"]
    assert f"answered {value} ('{wording}')" in flag["message"]
    other = {"several days", "more than half the days", "nearly every day"} - {wording}
    assert not any(f"'{w}'" in flag["message"] for w in other)


def test_an_old_endorsement_opens_one_flag_with_its_age_and_history(engine) -> None:
    responses = [
        ("phq9", "2024-11-20", [3, 3, 2, 2, 2, 2, 2, 1, 2]),
        ("phq9", "2025-06-02", [2, 2, 1, 2, 1, 1, 1, 0, 0]),
        ("phq9", "2026-03-10", [2, 2, 1, 1, 1, 1, 1, 0, 0]),
        ("phq9", "2026-11-18", [2, 2, 1, 2, 1, 1, 1, 1, 0]),
    ]
    (flag,) = plan(engine, assessment(responses))["risk"]["flags"]
    assert (flag["value"], flag["observed_on"], flag["age_days"]) == (2, "2024-11-20", 735)
    assert [h["value"] for h in flag["history"]] == [2, 0, 0, 0]
    assert "735 days ago" in flag["message"]
    assert "is not evidence of safety and does not close this flag" in flag["message"]


def test_a_current_endorsement_leads_an_older_more_serious_one(engine) -> None:
    # A clinician triaging the queue reads the headline: an answer of 1 five days ago must not
    # sit behind an answer of 2 two years ago, nor be called "lower".
    responses = [
        ("phq9", "2024-11-20", [3, 3, 2, 2, 2, 2, 2, 1, 2]),
        ("phq9", "2026-11-20", [2, 2, 1, 2, 1, 1, 1, 1, 1]),
    ]
    (flag,) = plan(engine, assessment(responses))["risk"]["flags"]
    assert (flag["value"], flag["observed_on"], flag["age_days"]) == (1, "2026-11-20", 5)
    assert flag["level"] == "high"  # the most serious answer keeps the level
    assert flag["message"].startswith("PHQ-9 item 9 (thoughts of being better off dead or of "
                                      "self-harm) answered 1 ('several days') on 2026-11-20")
    assert "most serious answer was 2 ('more than half the days') on 2024-11-20" in flag["message"]
    assert "lower" not in flag["message"]


def test_a_baseline_older_than_the_window_is_marked_stale(engine) -> None:
    item = assessment([("isi", "2026-07-28", [3, 3, 2, 3, 3, 2, 3])])
    data = plan(engine, item)
    (row,) = data["scores"]
    assert row["stale"] is True
    isi = [o for p in data["problems"] for o in p["objectives"] if o["measure"].get("instrument") == "isi"]
    assert isi and all("Stale baseline" in " ".join(o.get("notes", ())) for o in isi)
    assert "plan.stale-baseline" in [n["code"] for n in data["notices"]]
    wider = plan(Engine(config=EngineConfig(stale_baseline_days=180)), item)
    assert wider["scores"][0]["stale"] is False
    assert "plan.stale-baseline" not in [n["code"] for n in wider["notices"]]


def test_two_different_responses_on_one_day_are_an_error_naming_both(engine) -> None:
    item = assessment([PHQ9_ZERO_ITEM9, ("phq9", DAY, [0, 0, 0, 0, 0, 0, 0, 0, 0])])
    with pytest.raises(InputError) as caught:
        engine.plan(item, as_of=AS_OF)
    message = str(caught.value)
    assert "$.responses[0]" in message and "$.responses[1]" in message
    same = assessment([PHQ9_ZERO_ITEM9, PHQ9_ZERO_ITEM9])  # the same answers twice: one response
    assert engine.plan(same, as_of=AS_OF).to_dict()["scores"]


def test_same_day_duplicates_exit_2_with_one_line_from_the_cli(capsys, tmp_path, examples_dir) -> None:
    bad = tmp_path / "twice.yaml"
    bad.write_text(
        "planengine: 1\nresponses:\n"
        "  - {instrument: gad7, date: 2026-11-20, answers: [1, 1, 1, 1, 1, 1, 1]}\n"
        "  - {instrument: gad7, date: 2026-11-20, answers: [3, 3, 3, 3, 3, 3, 3]}\n",
        encoding="utf-8",
    )
    good = examples_dir / "mild-sleep-only.yaml"
    code = main(["plan", str(bad), str(good), "--as-of", "2026-11-25"])
    out, err = capsys.readouterr()
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "twice.yaml" in line and "$.responses[0]" in line and "$.responses[1]" in line
    assert "Traceback" not in err and out  # the other file was still planned


# -- alcohol and suicide risk (R-SC21) -------------------------------------------------------


def test_harmful_drinking_raises_a_suicide_flag_and_enters_the_safety_plan(engine) -> None:
    endorsed = ("phq9", DAY, [1, 1, 1, 1, 1, 1, 1, 1, 1])
    without = plan(engine, assessment([endorsed]))
    assert without["risk"]["flags"][0]["rank"] == 2
    data = plan(engine, assessment([endorsed, ("audit-c", DAY, [3, 2, 1])], sex="male"))
    (flag,) = data["risk"]["flags"]
    assert flag["rank"] == 1 and "Alcohol: AUDIT-C 6" in flag["message"]
    assert "$.responses[1]" in flag["provenance"]["inputs"]
    safety_plan = next(s for s in data["problems"][0]["interventions"] if s["id"] == "safety-plan")
    assert any("alcohol" in section for section in safety_plan["steps"])


def test_a_line_break_in_the_patients_words_cannot_forge_a_section(engine) -> None:
    from planengine.render._plan import render_markdown

    forged = "I want to die\n\n## Risk\n\nNo flags. Nothing to do here.\n\n- Call 555-0100"
    text = render_markdown(engine.plan(assessment(patient_goals=[forged]), as_of=AS_OF))
    assert [line for line in text.splitlines() if line.startswith("## Risk")] == ["## Risk and safety"]
    assert not any(line.startswith("- Call 555-0100") for line in text.splitlines())
    assert "“I want to die ## Risk No flags. Nothing to do here. - Call 555-0100”" in text


# -- what a tester's attack found ---------------------------------------------------------------


EXAMPLES_WITH_FLAGS = [
    "severe-with-risk-flag.yaml",
    "missing-item9.json",
    "suicidal-words-in-goals.yaml",
    "ptsd-risky-behaviour.yaml",
    "old-item9-history.yaml",
]


@pytest.mark.parametrize("name", EXAMPLES_WITH_FLAGS)
def test_the_review_of_a_plans_goal_file_sees_the_plans_flags(engine, examples_dir, name) -> None:
    from planengine import load_assessment
    from planengine.render._plan import plan_to_goal_document

    made = engine.plan(load_assessment(str(examples_dir / name)), as_of=AS_OF)
    review = review_goals(plan_to_goal_document(made), as_of=AS_OF)
    assert [f.kind for f in review.risk_flags] == [f.kind for f in made.risk_flags]
    safety = [g for g in review.goals if g.area == "safety"]
    assert safety and all(s.rule != "review.keep" for g in safety for s in g.suggestions)


def test_an_open_safety_goal_needs_attention_in_a_review(engine, examples_dir) -> None:
    from planengine import load_assessment
    from planengine.render._plan import plan_to_goal_document

    made = engine.plan(load_assessment(str(examples_dir / "relationships-with-ipv.yaml")), as_of=AS_OF)
    review = review_goals(plan_to_goal_document(made), as_of=AS_OF)
    # the assessment itself, and what it settles (read 8, S6): each open goal needs attention
    safety = next(g for g in review.goals if g.goal_id == "safety-private-assessment")
    assert {g.goal_id for g in review.goals if g.area == "safety"} == {
        "safety-private-assessment", "safety-specialist-support-offered", "safety-safe-contact-agreed"
    }
    rules = [s.rule for s in safety.suggestions]
    assert rules[0] == "review.safety-goal-open" and "review.keep" not in rules
    assert safety.attention


@pytest.mark.parametrize(
    ("note", "flagged"),
    [
        (["I want to kill myself"], True),  # a list where text belongs
        ({"a": "kill myself"}, True),
        ("fine this week", False),
    ],
)
def test_risk_words_in_a_note_of_the_wrong_shape_are_still_screened_and_reported(note, flagged) -> None:
    goal = {
        "id": "g", "area": "sleep", "statement": "s",
        "measure": {"metric": "nights", "unit": "nights per week",
                    "baseline": {"value": 1, "date": "2026-09-01"},
                    "target": {"value": 5, "comparator": ">="}},
        "start_date": "2026-09-01", "due_date": "2027-01-31", "review_interval_days": 30,
        "progress": [{"date": "2026-11-20", "value": 3, "note": note}],
    }
    review = review_goals({"planengine": 1, "goals": [goal]}, as_of=AS_OF)
    assert bool(review.risk_flags) is flagged
    codes = [f.code for f in review.findings]
    assert ("input.not-text" in codes) is (not isinstance(note, str))


def test_a_note_put_on_an_assessment_is_an_error_and_still_screened() -> None:
    data = {
        "planengine": 1,
        "goals": [],
        "assessments": [
            {"instrument": "phq9", "date": "2026-11-20", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0],
             "note": "said she wants to kill herself"},
        ],
    }
    review = review_goals(data, as_of=AS_OF)
    assert [f.kind for f in review.risk_flags] == ["suicidal-language"]
    assert "input.unknown-field" in [f.code for f in review.findings]


@pytest.mark.parametrize(
    ("responses", "says", "never"),
    [
        # PCL-5 only: no suicide question was given; item 16 below its threshold is said as such
        ([("pcl5", DAY, [1] * 15 + [1] + [1] * 4)],
         ["No suicide-risk question", "item 16 (risky or self-destructive behaviour) answered 1 ('a little bit')", "below the flag threshold of 2"],
         ["not endorsed, so the questionnaires"]),
        ([("pcl5", DAY, [1] * 15 + [None] + [1] * 4)],
         ["item 16 (risky or self-destructive behaviour) was left unanswered", "No suicide-risk question"],
         ["No questionnaire with a risk item"]),
        ([PHQ9_ZERO_ITEM9],
         ["PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered 0 ('not at all')", "not evidence of safety"],
         ["No suicide-risk question"]),
    ],
)
def test_the_risk_statement_says_what_each_risk_item_showed(engine, responses, says, never) -> None:
    risk = plan(engine, assessment(responses))["risk"]
    # a suicide-risk question never given is said by its flag (clinician read 16, M1)
    statement = " ".join([risk["statement"], *(f["message"] for f in risk["flags"])])
    for text in says:
        assert text in statement
    for text in never:
        assert text not in statement


def test_item_9_is_still_reported_when_another_kind_of_flag_is_open(engine) -> None:
    statement = plan(engine, assessment([PHQ9_ZERO_ITEM9], conditions=["intimate-partner-violence"]))["risk"]["statement"]
    assert "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered 0" in statement


def test_at_equal_rank_suicide_risk_comes_first_in_the_queue(engine) -> None:
    pcl5 = [1] * 20
    pcl5[15] = 2
    data = plan(engine, assessment(
        [("phq9", DAY, [1, 1, 1, 1, 1, 1, 1, 1, 1]), ("pcl5", DAY, pcl5)],
        conditions=["intimate-partner-violence"], patient_goals=["I want to die"],
    ))
    assert [f["kind"] for f in data["risk"]["flags"]] == [
        "suicidal-ideation", "suicidal-language", "risky-behaviour", "intimate-partner-violence",
    ]


def test_drinking_raises_a_blank_item_9_too_and_never_prints_none(engine) -> None:
    blank = ("phq9", DAY, [1, 1, 1, 1, 1, 1, 1, 1, None])
    (flag,) = plan(engine, assessment([blank, ("audit-c", DAY, [4, 4, None])], sex="male"))["risk"]["flags"]
    assert flag["kind"] == "risk-unknown" and flag["rank"] == 2
    assert "None" not in flag["message"] and "AUDIT-C of at least 8" in flag["message"]


def test_an_as_of_too_far_ahead_is_an_input_error(engine) -> None:
    with pytest.raises(InputError, match="too far in the future"):
        engine.plan(assessment(), as_of=dt.date(9999, 12, 31))


def test_the_same_answers_twice_on_one_day_are_one_response(engine) -> None:
    endorsed = ("phq9", DAY, [1, 1, 1, 1, 1, 1, 1, 1, 2])
    data = plan(engine, assessment([endorsed, endorsed]))
    assert len(data["scores"]) == 1
    assert [h["value"] for h in data["risk"]["flags"][0]["history"]] == [2]


def test_only_the_baseline_in_use_is_marked_stale(engine) -> None:
    rows = plan(engine, assessment([
        ("phq9", "2025-01-10", [1, 1, 1, 1, 1, 1, 1, 1, 0]),
        ("phq9", DAY, [1, 1, 1, 1, 1, 1, 1, 1, 0]),
    ]))["scores"]
    assert [r["stale"] for r in rows] == [False, False]


def test_each_kind_of_flag_gets_its_own_long_term_goal(engine) -> None:
    ipv = plan(engine, assessment([PHQ9_ZERO_ITEM9], conditions=["intimate-partner-violence"]))
    assert ipv["problems"][0]["long_term_goal"] == (
        "The patient has a private safety plan and knows how to reach specialist help safely."
    )
    both = plan(engine, assessment([("phq9", DAY, [1] * 9)], conditions=["intimate-partner-violence"]))
    safety_plan = next(s for s in both["problems"][0]["interventions"] if s["id"] == "safety-plan")
    assert any("can be kept safely" in note for note in safety_plan["notes"])


def test_domestic_abuse_services_appear_only_beside_documented_abuse() -> None:
    from planengine.render._plan import render_markdown

    gb = Engine(config=EngineConfig(crisis_locale="GB"))
    endorsed = assessment([("phq9", DAY, [1] * 9)])
    abuse = assessment([PHQ9_ZERO_ITEM9], conditions=["intimate-partner-violence"])
    plain = gb.plan(endorsed, as_of=AS_OF)
    assert "Domestic Abuse" not in render_markdown(plain)
    assert all("crisis" in r["for"] for r in plain.to_dict()["risk"]["crisis_resources"])
    text = render_markdown(gb.plan(abuse, as_of=AS_OF))
    assert "National Domestic Abuse Helpline" in text
    assert "For the clinician to give privately" in text
    none = render_markdown(Engine().plan(abuse, as_of=AS_OF))
    assert "safety.no-abuse-resources" in none


def test_guided_self_help_is_supervised_self_help_and_held_while_a_flag_is_open(engine) -> None:
    mild = ("phq9", DAY, [1, 1, 1, 1, 1, 0, 0, 0, 1])  # total 6, item 9 endorsed
    steps = {s["id"]: s for s in all_steps(plan(engine, assessment([mild])))}
    guided = steps["depression-ba-sessions"]
    assert guided["title"] == "Guided self-help behavioural activation"
    assert (guided["delivery"], guided["status"]) == ("clinician-supervised", "held")



@pytest.mark.parametrize(
    ("goal", "kinds"),
    [
        ("My partner hits me", {"possible-abuse"}),
        ("I am scared of my partner", {"possible-abuse"}),
        ("Stop my partner controlling my money", {"possible-abuse"}),
        ("Stand up to my husband when he shouts at me", {"possible-abuse"}),
        ("I'm afraid to go home", {"possible-abuse"}),
        # a threat to kill is read both ways: when unsure, both flags
        ("my boyfriend threatens to kill me", {"possible-abuse", "suicidal-language"}),
        ("alcohol abuse", set()),
        ("Say no at work", set()),
    ],
)
def test_words_of_harm_from_someone_else_open_the_private_abuse_flag(engine, goal, kinds) -> None:
    data = plan(engine, assessment([PHQ9_ZERO_ITEM9], patient_goals=[goal]))
    assert {f["kind"] for f in data["risk"]["flags"]} == kinds
    if "possible-abuse" in kinds:
        (flag,) = [f for f in data["risk"]["flags"] if f["kind"] == "possible-abuse"]
        assert flag["private"] is True
        first = data["problems"][0]
        assert "safety-private-assessment" in [s["id"] for s in first["interventions"]]
        written = [s for s in all_steps(data) if s["delivery"] == "self-guided"]
        assert written and all(s["status"] == "held" for s in written)
    if kinds == {"possible-abuse", "suicidal-language"}:  # a written plan a partner could find
        safety_plan = next(s for s in data["problems"][0]["interventions"] if s["id"] == "safety-plan")
        assert any("can be kept safely" in note for note in safety_plan["notes"])


def test_a_private_flag_stays_open_in_the_review_of_the_plans_goal_file(engine, examples_dir) -> None:
    from planengine import load_assessment
    from planengine.render._plan import plan_to_goal_document

    made = engine.plan(load_assessment(str(examples_dir / "relationships-with-ipv.yaml")), as_of=AS_OF)
    document = plan_to_goal_document(made)
    assert document["x-private-flags"] == [
        # opened: the day of the assessment the flag came from (attack s30, 1), not the plan's
        {"id": "risk-1", "kind": "private-safety", "opened": "2026-11-20"}
    ]
    assert "violence" not in str(document["x-private-flags"])  # neutral words (R-SC20)
    review = review_goals(document, as_of=AS_OF)
    (flag,) = review.risk_flags
    assert (flag.kind, flag.private) == ("private-safety", True)
    # with monitoring first, the depression goals wait: listed, never reviewed against dates
    # that are agreed only when their steps start
    waiting = {g["id"] for g in document["x-waiting-goals"]}
    assert "depression-scheduled-activities" in waiting
    assert not waiting & {g.goal_id for g in review.goals}
    assert all(s.rule != "review.keep" for g in review.goals for s in g.suggestions)


def test_the_markdown_shows_each_steps_sub_steps(engine, examples_dir) -> None:
    from planengine import load_assessment
    from planengine.render._plan import render_markdown

    text = render_markdown(
        engine.plan(load_assessment(str(examples_dir / "moderate-phq9-gad7-isi.yaml")), as_of=AS_OF)
    )
    # the step in full is in Appendix A, which the sign-off says is part of the plan signed
    assert "Appendix A" in text.split("## Sign-off", 1)[1].split("\n## ", 1)[0]
    full = text.split("## Appendix A.", 1)[1]
    # sleep restriction is the CBT-I course's (read 9, M2): its driving warning is the referral's
    step = full.split("**Refer for CBT for insomnia:**", 1)[1].split("\n1. ", 1)[0]
    step = step.split("\n2. **", 1)[0].split("\n3. **", 1)[0].split("\n4. **", 1)[0].split("\n5. **", 1)[0]
    assert "Step by step:" in step
    assert "do not drive or operate machinery when sleepy" in step  # the driving warning is signed


def test_an_objective_whose_steps_are_all_held_says_so(engine) -> None:
    # the positive-qualities log is self-help, held while the flag is open
    data = plan(engine, assessment([("phq9", DAY, [3, 3, 2, 3, 2, 3, 2, 2, 2])], concerns=["self-esteem"]))
    records = next(o for p in data["problems"] for o in p["objectives"] if o["id"] == "self-esteem-positive-qualities-log")
    assert any(note.startswith("Held: every step that serves it is held") for note in records["notes"])



@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I wanted to end my life long ago", True),  # an idiom hides only its own words
        ("I have cut myself off and on since I was 14", True),
        ("I cut myself off from friends", False),
        ("ending my life-long habit of snacking", False),
        ("she's hitting me", True),
        ("he keeps hitting me", True),
        ("my dad hits me", True),
        ("#IWantToDie", True),
    ],
)
def test_an_idiom_hides_only_its_own_words_and_everyday_wording_is_found(text: str, found: bool) -> None:
    assert bool(LANGUAGE.find(text)) is found


def test_responses_built_in_code_are_told_apart_on_one_day(engine) -> None:
    from planengine import Context, Response

    day = dt.date(2026, 11, 24)
    item = Assessment(
        responses=(
            Response("phq9", day, (2, 2, 2, 2, 1, 2, 1, 1, 0)),
            Response("phq9", day, (0, 0, 0, 0, 0, 0, 0, 0, 0)),  # both index 0
        ),
        context=Context(),
    )
    with pytest.raises(InputError, match="response 1 and response 2"):
        engine.plan(item, as_of=AS_OF)


def test_a_patient_id_cannot_forge_a_section(engine) -> None:
    from planengine._model import Assessment as Model
    from planengine.render._plan import render_markdown

    item = Model(patient_id="P-1\n\n## Risk\n\nNo open risk flags.", context=assessment().context)
    text = render_markdown(engine.plan(item, as_of=AS_OF))
    assert [line for line in text.splitlines() if line.startswith("## Risk")] == ["## Risk and safety"]


def test_a_goal_file_shows_no_words_of_abuse(engine) -> None:
    from planengine.render._plan import plan_to_goal_document

    made = engine.plan(
        assessment([PHQ9_ZERO_ITEM9], patient_goals=["my husband hits me", "Sleep better"]),
        as_of=AS_OF,
    )
    document = plan_to_goal_document(made)
    assert "hits me" not in str(document["goals"])
    assert document["x-private-flags"][0]["kind"] == "private-safety"


def test_a_passive_wish_to_die_is_no_sleep_goal(engine) -> None:
    data = plan(engine, assessment([PHQ9_ZERO_ITEM9], patient_goals=["I wish I could go to sleep and not wake up"]))
    assert data["patient_goals"][0]["linked_areas"] == ["safety"]
    assert "sleep" not in [p["area"] for p in data["problems"]]


def test_with_abuse_a_relationship_goal_is_about_safety_and_the_copy_is_agreed_first(engine) -> None:
    data = plan(engine, assessment([("phq9", DAY, [1] * 9)], concerns=["relationships"],
                                   conditions=["intimate-partner-violence"]))
    relationships = next(p for p in data["problems"] if p["area"] == "relationships")
    assert relationships["long_term_goal"].startswith("The patient is supported in staying safe in their close relationships")
    assert relationships["long_term_goal_source"] == "rule:safety.relationship-goal-with-abuse"
    objective = data["problems"][0]["objectives"][0]
    assert "where the private safety assessment agreed it is safe" in objective["statement"]


def test_the_insomnia_referral_carries_what_holds_sleep_restriction(engine, examples_dir) -> None:
    from planengine import load_assessment

    data = engine.plan(load_assessment(str(examples_dir / "alcohol-dependence-insomnia.yaml")), as_of=AS_OF).to_dict()
    referral = next(s for s in all_steps(data) if s["id"] == "sleep-cbti-referral")
    assert any("withdrawal-risk assessment" in note for note in referral["notes"])


def test_abuse_in_the_patients_words_leaves_out_the_duplicate_screen_and_the_couple_measure(engine) -> None:
    data = plan(engine, assessment([PHQ9_ZERO_ITEM9], concerns=["relationships"], patient_goals=["My partner hits me"]))
    ids = {s["id"] for s in all_steps(data)}
    assert "safety-private-assessment" in ids
    assert not {"relationships-ipv-screen", "relationships-csi-measure"} & ids
    left_out = {e["id"]: e for e in data["excluded"]}
    assert left_out["relationships-ipv-screen"]["rule"] == "contraindication.private-risk-flag"


@pytest.mark.parametrize(("answers", "says"), [([4, 4, 3], True), ([3, 3, 3], False)])
def test_an_audit_c_of_10_or_more_reads_as_possible_dependence(engine, answers, says) -> None:
    data = plan(engine, assessment([("audit-c", DAY, answers)], sex="male"))
    summaries = [f["summary"] for f in data["findings"]]
    assert any("possible dependence" in s for s in summaries) is says
