"""End-to-end behaviour of Engine.plan on realistic assessments."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from plan_helpers import all_objectives, all_steps, assert_valid
from planengine import (
    Assessment,
    Context,
    Engine,
    EngineConfig,
    InputError,
    Response,
    load_assessment,
)
from planengine.plan._safety_hold import RISK_HOLD_EXEMPT

AS_OF = dt.date(2026, 11, 25)


def phq9(answers: list[int | None], date: dt.date = AS_OF) -> Response:
    return Response("phq9", date, tuple(answers))


def plan_for(engine: Engine, *responses: Response, **context: object) -> dict:
    assessment = Assessment(
        responses=tuple(
            Response(r.instrument, r.date, r.answers, index=i) for i, r in enumerate(responses)
        ),
        context=Context(**context),  # type: ignore[arg-type]
    )
    data = engine.plan(assessment, as_of=AS_OF).to_dict()
    assert_valid("plan", data)
    return data


@pytest.mark.parametrize(
    "name",
    [
        "moderate-phq9-gad7-isi.yaml",
        "mild-sleep-only.yaml",
        "severe-with-risk-flag.yaml",
        "insomnia-with-conditions.yaml",
        "missing-item9.json",
        "nothing-above-threshold.yaml",
        "screens-and-wellbeing.yaml",
    ],
)
def test_every_example_plans_and_validates(engine: Engine, examples_dir, name: str) -> None:
    plan = engine.plan(load_assessment(examples_dir / name), as_of=AS_OF)
    data = plan.to_dict()
    assert_valid("plan", data)
    assert data["status"] == "draft"
    assert data["sign_off"]["status"] == "unsigned"
    assert re.fullmatch(r"[0-9a-f]{64}", data["generated_by"]["input_sha256"])
    assert (
        plan.to_json() == engine.plan(load_assessment(examples_dir / name), as_of=AS_OF).to_json()
    )


def test_moderate_example_has_depression_sleep_and_self_esteem(
    engine: Engine, examples_dir
) -> None:
    data = engine.plan(
        load_assessment(examples_dir / "moderate-phq9-gad7-isi.yaml"), as_of=AS_OF
    ).to_dict()
    areas = [p["area"] for p in data["problems"]]
    assert {"depression", "sleep", "anxiety", "self-esteem"} <= set(areas)
    assert data["risk"]["flags"] == []
    assert "not endorsed" in data["risk"]["statement"]
    sleep = next(p for p in data["problems"] if p["area"] == "sleep")
    assert sleep["patient_words"] == ["I want to sleep through the night"]
    isi = next(o for o in sleep["objectives"] if o["measure"].get("instrument") == "isi")
    assert isi["measure"]["baseline"] == {"value": 17, "date": "2026-11-20"}
    assert isi["measure"]["target"]["comparator"] in {"<=", "<"}
    assert isi["measure"]["target"]["value"] < 17
    assert isi["due_date"] > isi["start_date"] == "2026-11-25"
    assert isi["patient_words"] == "I want to sleep through the night"


@pytest.mark.parametrize(
    ("item9", "level", "rank"),
    [(1, "endorsed", 2), (2, "high", 1), (3, "high", 1), (None, "unknown", 3)],
)
def test_item9_signal_opens_flag_and_puts_safety_first(engine: Engine, item9, level, rank) -> None:
    data = plan_for(engine, phq9([1, 1, 1, 1, 1, 1, 1, 1, item9]), concerns=("sleep",))
    flags = data["risk"]["flags"]
    assert [(f["level"], f["rank"]) for f in flags] == [(level, rank)]
    first = data["problems"][0]
    assert first["area"] == "safety"
    ids = [s["id"] for s in first["interventions"]]
    core = ("safety-risk-assessment", "safety-plan", "safety-follow-up-contact")
    assert [i for i in ids if i in core] == list(core)
    # specialist care (step 4) is the clinician's option after a current endorsement, last;
    # a blank item is asked today first (docs/safety.md)
    assert (ids[-1] == "safety-specialist-option") == (item9 is not None)
    assert len(next(s for s in first["interventions"] if s["id"] == "safety-plan")["steps"]) == 6
    for step in all_steps(data)[len(first["interventions"]) :]:
        # coping skills are not held for a risk flag (clinician read 24, S3)
        if step["delivery"] == "self-guided" and step["category"] not in RISK_HOLD_EXEMPT:
            assert step["status"] == "held"
    if item9 is None:
        assert first["interventions"][0]["id"] == "safety-risk-assessment"


def test_item9_zero_never_says_no_risk(engine: Engine) -> None:
    data = plan_for(engine, phq9([2, 2, 2, 2, 2, 2, 2, 2, 0]))
    assert data["risk"]["flags"] == []
    assert "no risk" not in data["risk"]["statement"].lower()
    assert "not endorsed" in data["risk"]["statement"]
    assert data["problems"][0]["area"] != "safety"


def test_without_risk_item_the_plan_says_risk_was_not_screened(engine: Engine) -> None:
    data = plan_for(engine, Response("gad7", AS_OF, (1, 1, 1, 1, 1, 1, 1)))
    # risk never asked is risk unknown, a flag like a blank item 9's (clinician read 16, M1)
    (flag,) = data["risk"]["flags"]
    assert (flag["kind"] == "risk-unknown" and "item" not in flag) or flag["item"] is None
    assert flag["message"].startswith("No suicide-risk question (such as PHQ-9 item 9) was given")
    assert "no risk" not in data["risk"]["statement"].lower()
    assert data["problems"][0]["area"] == "safety"


def test_negative_phq2_says_nothing_about_risk(engine: Engine) -> None:
    data = plan_for(engine, Response("phq2", AS_OF, (0, 1)))
    # the PHQ-2 has no item 9: risk was never asked (clinician read 16, M1)
    assert [f["kind"] for f in data["risk"]["flags"]] == ["risk-unknown"]
    assert "No suicide-risk question" in data["risk"]["flags"][0]["message"]
    assert "no risk" not in data["risk"]["statement"].lower()


def test_positive_phq2_asks_for_phq9_without_claiming_severity(engine: Engine) -> None:
    data = plan_for(engine, Response("phq2", AS_OF, (2, 2)))
    problem = data["problems"][1]  # after the safety step: the PHQ-2 asks no item 9
    assert problem["area"] == "depression"
    assert problem["severity"] is None
    assert any("PHQ-9" in o["statement"] for o in problem["objectives"])
    step = problem["interventions"][0]
    assert "PHQ-9" in step["title"] and step["title"] not in step["description"]  # said once


def test_nothing_above_threshold_invents_no_goals(engine: Engine) -> None:
    data = plan_for(engine, phq9([0, 1, 0, 1, 0, 0, 1, 0, 0]))
    assert data["problems"] == []
    assert [n["code"] for n in data["notices"]] == ["plan.nothing-above-threshold"]
    assert "no concern or patient goal was recorded" in data["notices"][0]["message"]


@pytest.mark.parametrize(
    "responses",
    [
        [[0, 0, 0, 0, 0, 0, 0, 0, 1]],  # item 9 endorsed, total 1
        [[0, 0, 0, 0, 0, 0, 0, 0, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0]],  # an earlier endorsement
    ],
)
def test_a_risk_flag_alone_never_reads_as_nothing_found(
    engine: Engine, responses: list[list[int | None]]
) -> None:
    dated = [
        Response("phq9", AS_OF - dt.timedelta(days=len(responses) - i), tuple(answers), i)
        for i, answers in enumerate(responses)
    ]
    from planengine.render._plan import render_markdown

    plan = engine.plan(Assessment(responses=tuple(dated)), as_of=AS_OF)
    data = plan.to_dict()
    assert_valid("plan", data)
    codes = [n["code"] for n in data["notices"]]
    assert "plan.nothing-above-threshold" not in codes
    assert "plan.safety-only" in codes
    assert [p["area"] for p in data["problems"]] == ["safety"]
    assert "no goals were generated" not in render_markdown(plan).lower()


def test_a_score_no_rule_can_judge_says_so(engine: Engine) -> None:
    # The PSS-10 ships with no threshold (its author gives none): a total of 39 of 40 must not
    # pass as "nothing reached a threshold" without a word.
    pss10 = Response("pss10", AS_OF, (4, 4, 4, 0, 0, 4, 1, 0, 4, 4))
    data = plan_for(engine, pss10)
    (notice,) = [n for n in data["notices"] if n["code"] == "plan.score-not-judged"]
    assert "PSS-10 total 39 was scored but not judged" in notice["message"]
    assert "pss10.threshold" in notice["message"]
    configured = Engine(config=EngineConfig(instrument_overrides={"pss10": {"findings": {"pss10.threshold": 27}}}))
    judged = plan_for(configured, pss10)
    assert "plan.score-not-judged" not in [n["code"] for n in judged["notices"]]
    assert [p["area"] for p in judged["problems"]] == ["safety", "stress"]
    # an instrument with bands or cut-offs is judged, whatever its total
    assert "plan.score-not-judged" not in [n["code"] for n in plan_for(engine, phq9([0] * 9))["notices"]]


def test_a_patient_goal_no_area_matches_is_kept_and_not_denied(engine: Engine) -> None:
    data = plan_for(engine, patient_goals=("I want to learn to play guitar",))
    # only the safety step: no questionnaire asked the risk question (clinician read 16, M1)
    assert [p["area"] for p in data["problems"]] == ["safety"]
    assert [g["text"] for g in data["patient_goals"]] == ["I want to learn to play guitar"]
    codes = {n["code"]: n for n in data["notices"]}
    notice, unlinked = codes["plan.safety-only"], codes["plan.unlinked-goal"]
    assert "no concern or patient goal was recorded" not in notice["message"]
    assert "no concern or patient goal names a problem area" in notice["message"]
    # and the goal itself is put to the clinician, by name
    assert unlinked["code"] == "plan.unlinked-goal"
    assert "“I want to learn to play guitar”" in unlinked["message"]


@pytest.mark.parametrize(
    ("instrument", "answers", "area", "items"),
    [
        # the band is certain (severe) but the total is not: the strategies cannot set a baseline
        ("phq9", [3, 3, None, 3, 3, 3, 3, 3, 0], "depression", "item 3"),
        # the total could be on either side of every cut-off
        ("phq9", [1, 1, 1, 1, None, None, None, None, 0], "depression", "items 5, 6, 7, 8"),
        ("who5", [3, 3, 2, 2, None], "wellbeing", "item 5"),
    ],
)
def test_unanswered_items_ask_for_completion_and_never_read_as_nothing_found(
    engine: Engine, instrument: str, answers: list[int | None], area: str, items: str
) -> None:
    data = plan_for(engine, Response(instrument, AS_OF, tuple(answers)))
    assert "plan.nothing-above-threshold" not in [n["code"] for n in data["notices"]]
    problem = next(p for p in data["problems"] if p["area"] == area)
    evidence = [f for f in data["findings"] if f["id"] in problem["evidence"]]
    incomplete = [f for f in evidence if f["kind"] == "incomplete"]
    assert len(incomplete) == 1 and incomplete[0]["total"] is None
    assert incomplete[0]["provenance"]["source"] == "rule:findings.incomplete"
    first = problem["interventions"][0]
    assert first["title"].startswith(f"Ask the patient to answer {items} of the")
    assert first["delivery"] == "clinician-led"
    assert problem["objectives"][0]["id"] in first["objectives"]


def test_a_complete_response_gives_no_incomplete_finding(engine: Engine) -> None:
    data = plan_for(engine, phq9([2, 1, 2, 2, 1, 2, 1, 1, 0]))
    assert all(f["kind"] != "incomplete" for f in data["findings"])


@pytest.mark.parametrize(
    "condition", ["bipolar-disorder", "seizure-disorder", "hazardous-occupation"]
)
def test_sleep_restriction_is_removed_with_the_reason(engine: Engine, condition: str) -> None:
    severe_isi = Response("isi", AS_OF, (4, 3, 3, 4, 3, 3, 4))
    data = plan_for(engine, severe_isi, conditions=(condition,))
    assert "sleep-sleep-restriction" not in {s["id"] for s in all_steps(data)}
    excluded = {e["id"]: e for e in data["excluded"]}
    assert condition in excluded["sleep-sleep-restriction"]["reason"]
    # without the condition it goes too, but to the CBT-I course, which does the titration
    # (read 9, M2), not for the condition
    without = plan_for(engine, severe_isi)
    assert "sleep-sleep-restriction" not in {s["id"] for s in all_steps(without)}
    left = {e["id"]: e for e in without["excluded"]}["sleep-sleep-restriction"]
    assert left["rule"] == "stepped-care.delivered-by-course" and condition not in left["reason"]


def test_every_element_records_its_provenance(engine: Engine, examples_dir) -> None:
    data = engine.plan(
        load_assessment(examples_dir / "moderate-phq9-gad7-isi.yaml"), as_of=AS_OF
    ).to_dict()
    elements = [*data["findings"], *all_objectives(data), *all_steps(data)]
    assert elements
    for element in elements:
        source = element["provenance"]["source"]
        assert source.startswith(("rule:", "plugin:"))
        if source.startswith("plugin:"):
            assert re.fullmatch(r"plugin:[\w.-]+@[\w.+-]+", source)
            assert element["provenance"]["strategy"]
        assert element["provenance"]["inputs"], element["id"]
    versions = {p["name"]: p["version"] for p in data["generated_by"]["plugins"]}
    assert {"sleep", "cbt"} <= set(versions)


@pytest.mark.parametrize("name", ["moderate-phq9-gad7-isi.yaml", "severe-with-risk-flag.yaml"])
def test_goal_and_exclusion_sources_name_the_plugin_version(
    engine: Engine, examples_dir, name: str
) -> None:
    data = engine.plan(load_assessment(examples_dir / name), as_of=AS_OF).to_dict()
    sources = [p["long_term_goal_source"] for p in data["problems"]]
    sources += [e["proposed_by"] for e in data["excluded"]]
    assert any(s.startswith("plugin:") for s in sources)
    for source in sources:
        if source.startswith("plugin:"):
            assert re.fullmatch(r"plugin:[\w.-]+@[\w.+-]+", source), source


def test_objective_limit_defers_the_rest(examples_dir) -> None:
    from planengine import EngineConfig

    engine = Engine(config=EngineConfig(max_objectives_per_problem=1))
    data = engine.plan(
        load_assessment(examples_dir / "moderate-phq9-gad7-isi.yaml"), as_of=AS_OF
    ).to_dict()
    for problem in data["problems"]:
        assert len(problem["objectives"]) <= 1
    assert any(n["code"] == "assembly.objective-limit" for n in data["notices"])


def test_as_of_is_required_and_must_be_a_date(engine: Engine) -> None:
    assessment = Assessment(responses=(phq9([0] * 9),))
    with pytest.raises(TypeError):
        engine.plan(assessment)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date, got str"):
        engine.plan(assessment, as_of="2026-11-25")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got datetime"):
        engine.plan(assessment, as_of=dt.datetime(2026, 11, 25))  # type: ignore[arg-type]


def test_response_after_as_of_is_an_error(engine: Engine) -> None:
    assessment = Assessment(responses=(phq9([0] * 9, date=AS_OF + dt.timedelta(days=1)),))
    with pytest.raises(InputError, match=r"\$\.responses\[0\]\.date.*after as_of"):
        engine.plan(assessment, as_of=AS_OF)


def test_two_patients_with_different_inputs_get_different_plans(engine: Engine) -> None:
    first = plan_for(engine, Response("isi", AS_OF, (3, 3, 2, 3, 2, 3, 2)))
    second = plan_for(engine, Response("isi", AS_OF, (4, 4, 3, 4, 3, 3, 4)))
    assert all_objectives(first) != all_objectives(second)


def test_plan_is_thread_safe(engine: Engine, examples_dir) -> None:
    from concurrent.futures import ThreadPoolExecutor

    assessments = [
        load_assessment(examples_dir / name)
        for name in (
            "moderate-phq9-gad7-isi.yaml",
            "severe-with-risk-flag.yaml",
            "missing-item9.json",
        )
    ]
    expected = [engine.plan(a, as_of=AS_OF).to_json() for a in assessments]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda i: engine.plan(assessments[i % 3], as_of=AS_OF).to_json(), range(60))
        )
    assert results == [expected[i % 3] for i in range(60)]


def test_a_plugin_instrument_is_accepted_in_assessment_files(tmp_path) -> None:
    import types

    import planengine
    from planengine.instruments._data_files import load_builtin_instruments

    base = load_builtin_instruments()["gad2"].to_dict()
    import json

    base.pop("source", None)
    renamed = json.loads(json.dumps(base).replace('"gad2.', '"gad2-custom.'))
    custom = {**renamed, "id": "gad2-custom", "name": "GAD-2 (clinic copy)"}

    def register_instruments(register):
        register(custom)

    plugin = types.SimpleNamespace(
        PLUGIN_NAME="extra-instruments",
        register_instruments=planengine.hookimpl(register_instruments),
    )
    engine = Engine(plugins=[plugin], strict=True)
    path = tmp_path / "a.yaml"
    path.write_text(
        "planengine: 1\nresponses:\n  - {instrument: gad2-custom, date: 2026-11-20, answers: [2, 2]}\n"
    )
    with pytest.raises(InputError, match="unknown instrument 'gad2-custom'"):
        load_assessment(path)
    plan = engine.plan(load_assessment(path, instruments=engine.instruments), as_of=AS_OF).to_dict()
    assert plan["scores"][0]["instrument"] == "gad2-custom"
    assert plan["problems"][1]["area"] == "anxiety"  # after the safety step (no item 9 asked)


def test_an_unpaired_surrogate_in_text_is_an_input_error(engine: Engine) -> None:
    assessment = Assessment(context=Context(patient_goals=("I want \ud800 sleep",)))
    with pytest.raises(InputError, match="unpaired UTF-16 surrogate"):
        engine.plan(assessment, as_of=AS_OF)


def test_the_same_answers_as_a_list_or_a_mapping_hash_alike(engine: Engine) -> None:
    answers = [2, 1, 2, 2, 1, 2, 1, None, 0]
    forms = [
        tuple(answers),
        {str(i): v for i, v in enumerate(answers, 1) if v is not None},
        {f"item{i}": v for i, v in enumerate(answers, 1) if v is not None},
        {i: v for i, v in enumerate(answers, 1)},
    ]
    digests = {
        engine.plan(Assessment(responses=(Response("phq9", AS_OF, form),)), as_of=AS_OF).input_sha256  # type: ignore[arg-type]
        for form in forms
    }
    assert len(digests) == 1
    other = Assessment(responses=(Response("phq9", AS_OF, (2, 1, 2, 2, 1, 2, 1, 1, 0)),))
    assert engine.plan(other, as_of=AS_OF).input_sha256 not in digests


@pytest.mark.parametrize(
    ("assessment", "path"),
    [
        (Assessment(context=Context(conditions=("epilepsy",), concerns=("sleep",))),
         "$.context.conditions[0]"),
        (Assessment(context=Context(concerns=("sleep", "depresion"))), "$.context.concerns[1]"),
        (Assessment(responses=(Response("phq9", "2026-11-20", (0,) * 9),)),  # type: ignore[arg-type]
         "$.responses[0].date"),
        (Assessment(responses=(Response("phq9", dt.datetime(2026, 11, 20, 9), (0,) * 9),)),
         "$.responses[0].date"),
    ],
)
def test_an_assessment_built_in_code_is_checked_like_a_file(
    engine: Engine, assessment: Assessment, path: str
) -> None:
    with pytest.raises(InputError) as caught:
        engine.plan(assessment, as_of=AS_OF)
    assert caught.value.path == path


def test_markdown_writes_html_from_the_input_as_text(engine: Engine) -> None:
    from planengine.render._plan import render_markdown

    words = (
        "<script>alert(1)</script> I want to sleep through the night <!-- x -->"
        " [x](javascript:alert(1)) ![t](http://evil/t.png)"
    )
    plan = engine.plan(
        Assessment(
            responses=(phq9([2, 1, 2, 2, 1, 2, 1, 1, 0]),),
            context=Context(patient_goals=(words,)),
            patient_id="<b>P-1</b>",
        ),
        as_of=AS_OF,
    )
    text = render_markdown(plan)
    assert "<script" not in text and "</" not in text and "<!--" not in text and "<b>" not in text
    assert "&lt;script>alert(1)&lt;/script> I want to sleep" in text
    assert "at most" in text  # comparators in words
    assert "](" not in text and "[x]\\(javascript" in text
    defining = engine.plan(
        Assessment(
            responses=(phq9([2, 1, 2, 2, 1, 2, 1, 1, 0]),),
            context=Context(
                patient_goals=(
                    "[1]: http://evil.example/",
                    "I want to sleep\n\n    [2]: http://evil.example/",
                    "see [here][1] and [there][2]",
                )
            ),
        ),
        as_of=AS_OF,
    )
    lines = render_markdown(defining).splitlines()
    assert not [line for line in lines if line.lstrip("-*> ").startswith(("[1]:", "[2]:"))]


def test_what_engines_share_cannot_be_changed_through_one_of_them() -> None:
    """Strategies and instruments are shared by every engine in the process: read-only."""
    engine = Engine()
    strategy = engine.strategies[0]
    with pytest.raises(TypeError):
        strategy.data["long_term_goals"][strategy.areas[0]] = "CORRUPTED"  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        strategy.data["interventions"].append({})  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        engine.instruments["gad7"] = None  # type: ignore[index]
    configured = Engine(config=EngineConfig(instrument_overrides={"pcl5": {"cutoffs": {"pcl5.provisional": 33}}}))
    with pytest.raises(TypeError):
        configured.instruments["pcl5"].overrides["cutoffs"]["pcl5.provisional"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        Engine().instruments["phq9"].overrides["cutoffs"] = {}  # type: ignore[index]


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: Response(["phq9"], AS_OF, (0,) * 9), "$.responses[0].instrument"),  # type: ignore[arg-type]
        (lambda: Response("phq9", AS_OF, "000000000"), "$.responses[0].answers"),
        (lambda: Assessment(responses=None), "$.responses"),  # type: ignore[arg-type]
        (lambda: Assessment(responses=({"instrument": "phq9"},)), "$.responses[0]"),  # type: ignore[arg-type]
        (lambda: Assessment(context=None), "$.context"),  # type: ignore[arg-type]
        (lambda: Context(concerns=None), "$.context.concerns"),  # type: ignore[arg-type]
        (lambda: Context(patient_goals="sleep better"), "$.context.patient_goals"),  # type: ignore[arg-type]
        (lambda: Context(patient_goals=(1,)), "$.context.patient_goals[0]"),  # type: ignore[arg-type]
        (lambda: Context(sex="f"), "$.context.sex"),
        (lambda: Assessment(patient_id=7), "$.patient.id"),  # type: ignore[arg-type]
    ],
)
def test_an_assessment_built_in_code_is_checked_as_it_is_built(build, path: str) -> None:
    with pytest.raises(InputError) as info:
        build()
    assert info.value.path == path and "must be" in str(info.value)


@pytest.mark.parametrize("given", [None, {"planengine": 1}, "examples/mild-sleep-only.yaml"])
def test_plan_takes_an_assessment_only(engine: Engine, given: object) -> None:
    with pytest.raises(TypeError, match="plan\\(\\) takes an Assessment"):
        engine.plan(given, as_of=AS_OF)  # type: ignore[arg-type]


def test_planning_reads_no_file_not_even_the_first_time() -> None:
    """Everything plan() needs is loaded when the engine is built (no I/O while planning)."""
    import subprocess
    import sys

    script = """
import datetime as dt, sys
from planengine import Assessment, Context, Engine, Response
engine = Engine()
item = Assessment(
    responses=(Response("phq9", dt.date(2026, 11, 20), (2, 1, 2, 2, 1, 2, 1, 1, 0)),
               Response("isi", dt.date(2026, 11, 20), (3, 2, 2, 3, 2, 3, 2))),
    context=Context(concerns=("self-esteem",), patient_goals=("I want to sleep",)),
)
opened = []
watching = [True]
sys.addaudithook(lambda event, args: opened.append(args[0]) if watching[0] and event == "open" else None)
engine.plan(item, as_of=dt.date(2026, 11, 25)).to_json()
watching[0] = False
print(opened)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
