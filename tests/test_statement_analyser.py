"""The statement analyser's pattern lists (data/statement-patterns.yaml): every list has a rationale
and a source, and its examples fire or stay quiet as the list says."""

from __future__ import annotations

import datetime

import pytest

from planengine.smart import check_goals
from planengine.smart._statement import Statement, analyse, patterns

LISTS = [name for name, value in patterns().items() if isinstance(value, dict)]


def _fires(name: str, statement: Statement) -> bool:
    """Whether the part of the analysis a list feeds says something for ``statement``."""
    if name in ("vague_phrases", "change_verbs", "feelings", "negation", "purpose_markers", "clinician_actions"):
        return bool(statement.vague) and not statement.anchored
    if name == "comparators":
        return statement.quantity is not None and not statement.vague
    if name == "one_routine_pairs":
        return len(statement.behaviours) >= 2
    if name == "absolute_targets":
        return bool(statement.absolutes)
    if name == "timeframes":
        return statement.timeframe is not None
    if name == "measures":
        return statement.measurable
    raise AssertionError(f"no test reading for list {name}")


@pytest.mark.parametrize("name", LISTS)
def test_every_list_has_rationale_source_and_examples(name: str) -> None:
    entry = patterns()[name]
    assert entry["rationale"].strip() and entry["source"].strip()
    assert entry["fires"] and entry["quiet"]


@pytest.mark.parametrize(
    ("name", "text", "fires"),
    [
        (name, text, fires)
        for name in LISTS
        for key, fires in (("fires", True), ("quiet", False))
        for text in patterns()[name][key]
    ],
)
def test_pattern_examples(name: str, text: str, fires: bool) -> None:
    assert _fires(name, analyse(text)) is fires, analyse(text)


def _codes(statement: str, **fields: object) -> set[str]:
    goal = {"id": "g", "area": "anxiety", "statement": statement, "addresses": ["gad7"]}
    goal.update(fields)
    return {v.code for v in check_goals(goal, as_of=datetime.date(2026, 12, 15))}


@pytest.mark.parametrize(
    "statement",
    [
        "Lower my anxiety.",
        "Reduce drinking.",
        "Boost self-esteem.",
        "Work through triggers.",
        "Fix negative thinking.",
        "Learn relaxation.",
        "Have regular check-ins.",
        "Generally sleep better.",
        "I will not be anxious at work.",
        "Never feel nervous when speaking.",
        "Feel less anxious.",
    ],
)
def test_issue_vague_wording_is_caught(statement: str) -> None:
    assert "S101" in _codes(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "Report low mood less than once a week.",
        "Drink no more than 2 units on any day.",
        "Develop two strategies to help cope with reminders.",
    ],
)
def test_issue_comparators_and_purpose_clauses_are_not_vague(statement: str) -> None:
    assert "S101" not in _codes(statement)


def test_a_concrete_statement_without_a_date_is_t501_alone() -> None:
    codes = _codes("Walk for 20 minutes on 5 days a week.")
    assert "T501" in codes and "S101" not in codes


def test_an_invented_metric_does_not_anchor() -> None:
    measure = {"metric": "self-esteem", "unit": "%", "target": {"value": 80, "comparator": ">="}}
    codes = _codes("Achieve an 80% increase in self-esteem.", measure=measure, due_date="2027-03-01")
    assert "S101" in codes


def test_compound_after_a_subject_and_one_behaviour_with_details() -> None:
    assert "S102" in _codes("Client will greet a coworker, make small talk, and speak up in one meeting.")
    assert "S102" not in _codes(
        "Stay in the crowded supermarket, with my partner nearby and without my phone, for 20"
        " minutes, rating fear 0-100 every 5 minutes."
    )


@pytest.mark.parametrize(
    "statement",
    [
        "Have zero panic attacks.",
        "Use the breathing skill 100 % of the time.",
        "Be free of outbursts.",
        "Fall asleep immediately every night.",
    ],
)
def test_absolute_targets(statement: str) -> None:
    assert "A304" in _codes(statement)


def _a304_message(statement: str) -> str:
    goal = {"id": "g", "area": "lifestyle", "statement": statement, "addresses": ["who5"]}
    found = [v for v in check_goals(goal, as_of=datetime.date(2026, 12, 15)) if v.code == "A304"]
    assert found, statement
    return found[0].message


@pytest.mark.parametrize(
    ("statement", "rewrite"),
    [
        ("Use a calming strategy in 5 out of 5 opportunities.", "in 4 of 5 situations"),
        ("Stay relaxed all day.", "in 4 of 5 situations"),
        ("I must be perfect.", "in 4 of 5 situations"),
        ("Sleep 8 hours uninterrupted every night.", "within 10-30 minutes"),
        ("Go to the gym every day.", "on 4 of 7 days a week"),
        ("Exercising every day.", "on 4 of 7 days a week"),
        ("No snacking.", "a reduction from the baseline"),
    ],
)
def test_absolute_targets_suggest_a_rewrite_by_kind(statement: str, rewrite: str) -> None:
    """Session 29's absolute wording (tuning-5) is flagged with the rewrite that fits its kind."""
    assert rewrite in _a304_message(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "Patient will have no self-harm during hospitalization.",
        "No smoking in the house.",
        "Eliminate screen time 30 minutes before bedtime.",
        "Walk for 30 minutes every day.",
        "Practise breathing exercises every day.",
    ],
)
def test_safety_abstinence_windows_and_light_activity_are_not_absolute(statement: str) -> None:
    assert "A304" not in _codes(statement)


def test_implausible_free_metric_change_suggests_an_intermediate_target() -> None:
    measure = {
        "metric": "alcohol",
        "unit": "units per week",
        "baseline": {"value": 57, "date": "2026-11-01"},
        "target": {"value": 14, "comparator": "<"},
    }
    goal = {
        "id": "g", "area": "alcohol", "statement": "Keep a drinks diary every day.",
        "addresses": ["audit-c"], "measure": measure, "start_date": "2026-11-01",
        "due_date": "2026-11-29",
    }  # fmt: skip
    found = [v for v in check_goals(goal, as_of=None) if v.code == "A305"]
    assert found and "intermediate target of about" in found[0].message
    assert not [v for v in check_goals(goal, as_of=None, config=_config(0.5)) if v.code == "A305"]


def _config(per_week: float) -> object:
    from planengine.smart import config_from_mapping

    return config_from_mapping({"plausible-change-per-week": per_week})


def test_done_objectives_are_measurable_and_statement_numbers_are_quoted() -> None:
    assert not {"M201", "M208"} & _codes("Complete the assessment questionnaires.")
    codes = _codes("Attend three support group meetings per week within 12 weeks.", start_date="2026-12-01")
    assert "M201" not in codes and "M208" in codes and "T501" not in codes and "T507" in codes
    goal = {"id": "g", "area": "alcohol", "statement": "Attend a group within 12 weeks.",
            "addresses": ["x"], "start_date": "2026-12-01"}  # fmt: skip
    t507 = next(v for v in check_goals(goal, as_of=None) if v.code == "T507")
    assert "'within 12 weeks'" in t507.message and "2027-02-23" in t507.message


def test_plan_level_review_interval() -> None:
    goal = {"id": "g", "area": "sleep", "statement": "Walk daily.", "addresses": ["x"]}
    assert "T505" in {v.code for v in check_goals({"planengine": 1, "goals": [goal]}, as_of=None)}
    document = {"planengine": 1, "review_interval_days": 90, "goals": [goal]}
    assert "T505" not in {v.code for v in check_goals(document, as_of=None)}
    document["review_interval_days"] = 180
    assert "T506" in {v.code for v in check_goals(document, as_of=None)}


def test_m203_is_a_warning_that_says_where_the_baseline_comes_from() -> None:
    goal = {
        "id": "g", "area": "sleep", "statement": "Keep a sleep diary every morning.",
        "addresses": ["isi"],
        "measure": {"metric": "sleep onset", "unit": "minutes", "method": "sleep diary",
                    "target": {"value": 30, "comparator": "<="}},
    }  # fmt: skip
    found = next(v for v in check_goals(goal, as_of=None) if v.code == "M203")
    assert found.severity == "warning" and "sleep diary" in found.message


@pytest.mark.parametrize(
    "word",
    ["felt", "triggers", "better", "drinking", "places", "cooked", "wake", "feelings", "units",
     "anxious", "all", "it", "greeted", "worse", "made"],
)  # fmt: skip
def test_lemma_table_read_as_lemminflect_reads_it(word: str) -> None:
    """The table is read without importing lemminflect (start-up); it must say what lemminflect
    says, so that a new lemminflect release that changes its layout fails here."""
    from lemminflect import getAllLemmas

    from planengine.smart._statement_words import readings

    assert readings(word) == getAllLemmas(word)


#: What the second tuning part taught (tests/data/smart-corpus/tuning-2.yaml), with examples of our
#: own: statement -> (quantity, timeframe, vague, negated behaviour, done task) as read.
READINGS = [
    # "one of these days" counts nothing
    ("I will be happy one of these days", None, None, ("be happy",), None, None),
    ("Call two of my friends each week.", "two of", None, (), None, "Call"),
    # "after this week" is a start with no end, "after 4 weeks" a point in time
    ("I'll never cry again after this week.", None, None, (), "never cry again after this week", None),
    ("Walk without the stick after next month.", None, None, (), "without the stick after next month", None),
    # a vague change made specific by a counted means clause, not by an uncounted one
    ("Improve my eating habits by eating breakfast on 5 of 7 days.", "5 of", None, (), None, None),
    ("Improve my eating habits by eating better.", None, None, ("better", "Improve my eating habits"), None, None),
    # a negated state after a linking verb is no behaviour to count
    ("Work on my storytelling so I'm not so awkward at parties.", None, None, ("Work on",), None, None),
    # a main verb under "not" is a standing habit to avoid, and "on weekdays" says when, not how
    # often: nothing counts it (tuning-1's "I will not drink alcohol on weekdays", labelled M)
    ("I will not drink alcohol on weekdays.", None, None, (), None, None),
    ("Stop drinking forever.", None, None, (), "Stop drinking forever", None),
    # a one-off event is done or not done
    ("Run a 5k race.", "5k", None, (), None, "Run a"),
    ("Finish the worry workbook.", None, None, (), None, "Finish"),
]


@pytest.mark.parametrize(("text", "quantity", "timeframe", "vague", "negated", "done"), READINGS)
def test_what_the_second_tuning_part_taught(
    text: str,
    quantity: str | None,
    timeframe: str | None,
    vague: tuple[str, ...],
    negated: str | None,
    done: str | None,
) -> None:
    statement = analyse(text)
    assert (statement.quantity, statement.timeframe, statement.vague) == (quantity, timeframe, vague)
    assert (statement.negated_behaviour, statement.done_task) == (negated, done)


#: statement -> the S rules it draws (what the second tuning part taught, with examples of our own)
S_CASES = [
    # one act, not several behaviours
    ("Call up a friend and ask them to have a weekend brunch.", set()),
    ("Go to a social gathering twice this month and speak to someone new for five minutes.", set()),
    ("Read chapter 7 and complete exercises 1, 2, and 3.", set()),
    ("Call my sister, walk the dog and cook dinner on 3 evenings a week.", {"S102"}),
    # a count in the first part says nothing of a second one
    ("Meet with two of my friends and be more focused on the interaction.", {"S101"}),
    ("Learn two ways of coping with stress.", {"S101"}),  # learning is unseen, counted or not
    ("Name two ways of coping with stress.", set()),
    # comparatives, "feel like", cognitive verbs
    ("Have a stronger social circle.", {"S101"}),
    ("Add healthier activities during the day.", {"S101"}),
    ("Keep my bedtime no later than 11 pm.", set()),
    ("I will feel like I can hold my own in a conversation.", {"S101"}),
    ("Stop assuming that I say the wrong things.", {"S101"}),
    ("Work in the anxiety workbook.", set()),  # names the activity (the labellers' majority)
    # a countable event after an abstract word, and a change with its target, are not vague
    ("Reduce my anxiety attacks to three times a week or less.", set()),
    ("Reduce drinking to 2 drinks a day.", set()),
    ("Reduce my anxiety.", {"S101"}),
    ("Significantly reduce verbal aggression.", {"S101"}),
    ("Take steps to soothe myself when anxious.", {"S101"}),
    # what a named thing is for is no vague goal; an abstract quality is, named examples closed by
    # "and so forth" are not
    ("Identify, disclose and demonstrate techniques for controlling anxiety.", set()),
    ("Improve physiological stability.", {"S101"}),
    ("Discuss feelings of dread, anxiety, and so forth.", set()),
]


@pytest.mark.parametrize(("statement", "codes"), S_CASES)
def test_s_rules_on_ordinary_sentences(statement: str, codes: set[str]) -> None:
    assert _codes(statement) & {"S101", "S102"} == codes


@pytest.mark.parametrize(
    ("statement", "timeframe"),
    [("Tomorrow I will call one friend.", "Tomorrow"), ("Walk daily starting today.", None)],
)
def test_a_day_named_is_a_deadline_unless_it_starts_something(statement: str, timeframe: str | None) -> None:
    assert analyse(statement).timeframe == timeframe


@pytest.mark.parametrize(
    ("statement", "done"),
    [
        ("Client will role-play asking for help in session.", "role-play"),
        ("Express feelings about the loss in session.", "Express"),
        # a report of a state is said or not said (its vagueness is S101's); a state shown is not
        ("Verbalize decreased anxiety.", "Verbalize"),
        ("Demonstrate improved concentration.", None),
        ("Client will attend therapy.", None),  # a standing habit with no count
        ("Attend the intake session.", "Attend"),
        ("Making a phone call to book an appointment.", "Making"),
        ("Clients are able to identify and express symptoms of anxiety.", "identify"),
    ],
)
def test_done_tasks_and_reported_states(statement: str, done: str | None) -> None:
    assert analyse(statement).done_task == done


def test_free_from_is_absolute() -> None:
    assert "A304" in _codes("Be free from anxiety attacks.")


def test_a_school_year_is_a_timeframe() -> None:
    assert analyse("Decrease suspensions during the academic school year.").timeframe == (
        "during the academic school year"
    )
