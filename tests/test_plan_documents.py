"""The three plan documents (docs/plan-documents.md): the clinician's plan and the patient's copy,
each in Markdown and HTML, for every example; goldens of both Markdown forms; what the patient's
copy must never show; reading grade; the same words in both formats of one audience."""

from __future__ import annotations

import datetime as dt
import html.parser
import os
import pathlib
import re
import statistics

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planengine import Engine, load_assessment
from planengine._vocabulary import load_vocabulary
from planengine.cli._main import main
from planengine.render._plan import (
    render_html,
    render_markdown,
    render_patient,
    render_patient_html,
)
from planengine.render._words import DocumentSettings, sensitive_pattern, sensitive_words
from planengine.testing.strategies import assessments

ROOT = pathlib.Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots" / "documents"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
AS_OF = dt.date(2026, 11, 25)
EXAMPLES = sorted(
    p.name for p in (ROOT / "examples").iterdir() if p.is_file() and p.suffix in (".yaml", ".json")
)
ENGINE = Engine()
#: engine internals that must not appear in the body of a document a person reads
INTERNAL = re.compile(
    r"plugin:|rule:|\bstepped-care\.|\bsafety\.[a-z]|\bcontraindication\.|\bassembly\.|"
    r"\bplan\.[a-z]|\bR-SC\d|none-minimal|moderately-severe|@\d+\.\d+|\b[a-z]+_[a-z_]+\b|\bpriority \d"
)


def _plan(name: str):  # type: ignore[no-untyped-def]
    return ENGINE.plan(load_assessment(str(ROOT / "examples" / name)), as_of=AS_OF)


def _compare(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {name}; run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.skip = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.skip = tag in ("style", "title")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self.skip = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self.skip:
            self.words += re.findall(r"\w+", data)


def html_words(page: str) -> list[str]:
    """The words a reader sees on the page, in order."""
    parser = _Text()
    parser.feed(page)
    return parser.words


def markdown_words(text: str) -> list[str]:
    """The words of the Markdown a reader sees, in order (markers and escapes dropped)."""
    text = re.sub(r"^\s*(?:#+|>|-|\d+\.)\s", " ", text, flags=re.M)
    text = re.sub(r"^\|(?:---\|)+$", " ", text, flags=re.M).replace("&lt;", "<")
    return re.findall(r"\w+", text.replace("**", " ").replace("\\", ""))


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_renders_in_every_form_and_matches_its_goldens(name: str) -> None:
    plan = _plan(name)
    stem = pathlib.Path(name).stem
    clinician, patient = render_markdown(plan), render_patient(plan)
    _compare(f"{stem}.plan.md", clinician)
    _compare(f"{stem}.patient.md", patient)
    for text in (clinician, patient, render_html(plan), render_patient_html(plan)):
        assert "draft" in text.lower()  # every form says it is a draft until signed
    assert render_markdown(_plan(name)) == clinician  # same input and date, same bytes


@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_and_html_of_one_audience_say_the_same_words(name: str) -> None:
    plan = _plan(name)
    assert html_words(render_html(plan)) == markdown_words(render_markdown(plan))
    assert html_words(render_patient_html(plan)) == markdown_words(render_patient(plan))


@pytest.mark.parametrize("name", EXAMPLES)
def test_nothing_internal_in_the_body_of_either_document(name: str) -> None:
    plan = _plan(name)
    body = render_markdown(plan).split("## How this plan was made")[0]
    assert not INTERNAL.findall(body)
    assert not INTERNAL.findall(render_patient(plan))
    assert "## How this plan was made" in render_markdown(plan)
    assert plan.input_sha256 in render_markdown(plan).split("## How this plan was made")[1]


@pytest.mark.parametrize("name", EXAMPLES)
def test_with_a_risk_flag_both_audiences_show_safety_and_help(name: str) -> None:
    plan = _plan(name)
    clinician, patient = render_markdown(plan), render_patient(plan)
    assert "no risk" not in (clinician + patient).lower()
    if plan.risk_flags:
        assert "## Risk and safety" in clinician and "### If you are in crisis now" in clinician
        assert "## Keeping safe" in patient and "## If you need help now" in patient
        # safety and help come first in the patient's copy, before any homework
        assert patient.index("## If you need help now") < patient.index("## Your next appointment")


def test_the_clinicians_plan_keeps_what_the_json_has() -> None:
    text = render_markdown(_plan("moderate-phq9-gad7-isi.yaml"))
    assert "Use the bed only for sleep and sex." in text  # sub-steps
    assert "do not drive or operate machinery when sleepy" in text  # drowsy-driving warning
    assert "**0 (expected outcome):** 5 planned activities a week" in text  # GAS levels
    assert "## Left out, and why" in text and "### Options to discuss with the patient" in text
    safety = render_markdown(_plan("severe-with-risk-flag.yaml"))
    assert "Making the environment safe: a plan for each means the patient can reach" in safety
    assert "from 0, to at least 6 sections" in safety and "0 -> >= 6" not in safety
    screens = render_markdown(_plan("screens-and-wellbeing.yaml"))
    tasks = screens.split("### Clinician tasks", 1)[1].split("###", 1)[0]
    assert (
        "Give the PCL-5 at this visit; if it is 31 or more, refer for a clinician-delivered "
        "trauma assessment" in tasks
    )
    # with a referral for trauma-focused therapy, one referral covers the assessment too
    trauma = render_markdown(_plan("trauma-pcl5-insomnia.yaml"))
    assert "It covers what the PCL-5 result asks for" in trauma


def test_the_ipv_patient_copy_names_no_violence_and_still_says_when_and_where_to_get_help() -> None:
    plan = _plan("relationships-with-ipv.yaml")
    for text in (render_patient(plan), render_patient_html(plan)):
        lowered = text.lower()
        for word in ("violence", "violent", "abuse", "abusive", "partner screen", "domestic", "coerci"):
            assert word not in lowered
        assert "Next review: on or before" in text and "Today:" in text
        assert "If you need help now" in text and "emergency number" in text
    clinician = render_markdown(plan)
    assert "Intimate partner violence (private)" in clinician  # the clinician sees it all


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    assessments(risk_words=True),
    st.lists(st.sampled_from(sorted(load_vocabulary().conditions)), unique=True),
)
def test_no_sensitive_condition_ever_appears_on_the_patients_copy(assessment, extra) -> None:
    chosen = tuple(extra) or tuple(sorted(load_vocabulary().conditions))
    options = DocumentSettings(sensitive_conditions=chosen)
    plan = ENGINE.plan(assessment, as_of=AS_OF)
    pattern = sensitive_pattern(sensitive_words(chosen))
    for text in (render_patient(plan, options), render_patient_html(plan, options)):
        assert not pattern.search(text), pattern.search(text)
        private = [w for f in plan.risk_flags if f.private for w in f.evidence]
        assert not [w for w in private if w in text]
        if plan.risk_flags:
            assert "If you need help now" in text


def test_scores_reach_the_patient_only_when_the_clinic_chooses() -> None:
    plan = _plan("moderate-phq9-gad7-isi.yaml")
    assert "from 12 to" not in render_patient(plan)
    shared = render_patient(plan, DocumentSettings(patient_scores=True))
    assert "Lower depression severity on the PHQ-9 from 12 to 6 or lower" in shared


def test_the_patients_copy_reads_at_about_age_eleven_to_twelve() -> None:
    from readability import reading_grade

    grades = {name: reading_grade(render_patient(_plan(name))) for name in EXAMPLES}
    # Flesch-Kincaid grade + 5 = reading age: at most 13 for any example, about 11-12 on average
    assert max(grades.values()) <= 8.0, grades
    assert statistics.mean(grades.values()) <= 7.0, grades


def test_the_cli_writes_every_form_atomically_and_never_over_an_input(tmp_path, capsys) -> None:
    source = ROOT / "examples" / "mild-sleep-only.yaml"
    for fmt, suffix in (("html", ".plan.html"), ("patient", ".patient.md"), ("patient-html", ".patient.html")):
        assert main(["plan", str(source), "--as-of", "2026-11-25", "--format", fmt, "-o", str(tmp_path)]) == 0
        assert (tmp_path / f"mild-sleep-only{suffix}").read_text(encoding="utf-8").strip()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".planengine-")]
    victim = tmp_path / "a.yaml"
    victim.write_text(source.read_text(), encoding="utf-8")
    before = victim.read_text(encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.patient.md").symlink_to(victim)  # the output would land on the input
    code = main(["plan", str(victim), "--as-of", "2026-11-25", "--format", "patient", "-o", str(out)])
    assert code == 2 and victim.read_text(encoding="utf-8") == before
    assert (out / "a.patient.md").is_symlink()
    assert "is a symbolic link" in capsys.readouterr().err
    os.link(victim, out / "b.patient.md")  # a hard link to the input is the input too
    (out / "b.yaml").symlink_to(victim)
    code = main(["plan", str(out / "b.yaml"), "--as-of", "2026-11-25", "--format", "patient", "-o", str(out)])
    assert code == 2 and victim.read_text(encoding="utf-8") == before
    assert "is an input; not replaced" in capsys.readouterr().err


def test_the_clinic_sets_scores_and_sensitive_conditions_in_its_config(tmp_path, capsys) -> None:
    config = tmp_path / "planengine.toml"
    config.write_text('[documents]\npatient-scores = true\nsensitive-conditions = ["psychosis"]\n')
    source = ROOT / "examples" / "moderate-phq9-gad7-isi.yaml"
    args = ["plan", str(source), "--as-of", "2026-11-25", "--format", "patient", "--config", str(config)]
    assert main(args) == 0
    assert "from 12 to 6" in capsys.readouterr().out
    config.write_text('[documents]\nsensitive-conditions = ["no-such-condition"]\n')
    assert main(args) == 2
    assert "documents.sensitive-conditions" in capsys.readouterr().err


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_label_comes_from_data(name: str) -> None:
    from planengine.render._words import label

    data = _plan(name).to_dict()
    for problem in data["problems"]:
        label("clinician", "phase", problem["phase"])
        for step in problem["interventions"]:
            for audience in ("clinician", "patient"):
                label(audience, "delivery", step["delivery"])
            label("clinician", "category", step["category"])
            label("clinician", "status", step["status"])
    for flag in data["risk"]["flags"]:
        label("clinician", "flag_kind", flag["kind"])
