"""What a clinician reading the risk sections asked for: follow-up contact after the safety plan,
a private assessment that covers children, a risk checklist and safe contact, and overdose risk
in the antidepressant option while a suicide-risk flag is open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import planengine

EXAMPLES = Path(__file__).parent.parent / "examples"
AS_OF = dt.date(2026, 11, 25)


def _plan(name: str) -> dict:
    return planengine.Engine().plan(
        planengine.load_assessment(EXAMPLES / name), as_of=AS_OF
    ).to_dict()


def test_a_suicide_risk_flag_brings_a_follow_up_contact_after_the_safety_plan() -> None:
    safety = _plan("severe-with-risk-flag.yaml")["problems"][0]
    ids = [s["id"] for s in safety["interventions"]]
    assert ids.index("safety-follow-up-contact") == ids.index("safety-plan") + 1
    step = safety["interventions"][ids.index("safety-follow-up-contact")]
    assert step["phase"] == "now" and "within 72 hours" in step["description"]
    assert any(c.startswith("R58:") for c in step["citations"])


def test_no_follow_up_contact_without_a_suicide_risk_flag() -> None:
    ids = [s["id"] for p in _plan("moderate-phq9-gad7-isi.yaml")["problems"]
           for s in p["interventions"]]
    assert "safety-follow-up-contact" not in ids


def test_the_private_assessment_covers_children_a_risk_checklist_and_safe_contact() -> None:
    plan = _plan("relationships-with-ipv.yaml")
    step = next(s for p in plan["problems"] for s in p["interventions"]
                if s["id"] == "safety-private-assessment")
    text = " ".join(step["steps"])
    for words in ("children", "safeguarding", "risk checklist", "safe way to make contact",
                  "online records", "confidentiality"):
        assert words in text, words


def test_the_antidepressant_option_weighs_overdose_while_a_suicide_risk_flag_is_open() -> None:
    def option(name: str) -> dict | None:
        return next((o for c in _plan(name)["choices"] for o in c["options"]
                     if o["id"] == "with-antidepressant"), None)

    flagged = option("severe-with-risk-flag.yaml")
    assert flagged is not None and "overdose" in flagged["involves"]
    plain = option("moderate-phq9-gad7-isi.yaml")
    assert plain is None or "overdose" not in plain["involves"]


def test_one_trauma_referral_not_a_referral_for_assessment_beside_one_for_therapy() -> None:
    for name in ("trauma-pcl5-insomnia.yaml", "all-instruments.yaml"):
        trauma = next(p for p in _plan(name)["problems"] if p["area"] == "trauma")
        referrals = [s for s in trauma["interventions"] if s["delivery"] == "referral"]
        assert [s["id"] for s in referrals] == ["trauma-trauma-therapy-referral"], name
        assert any("PCL-5 result asks for" in n for n in referrals[0]["notes"])
        assert not any(o["id"].startswith("trauma-next-step") for o in trauma["objectives"])


def test_a_missed_follow_up_contact_is_flagged_by_the_review_of_the_goal_file() -> None:
    import datetime as dt

    from planengine import plan_to_goal_document, review_goals

    plan = planengine.Engine().plan(
        planengine.load_assessment(EXAMPLES / "severe-with-risk-flag.yaml"), as_of=AS_OF
    )
    document = plan_to_goal_document(plan)
    goal = next(g for g in document["goals"] if g["id"] == "safety-follow-up-contact")
    assert goal["due_date"] == (AS_OF + dt.timedelta(days=3)).isoformat()
    review = review_goals(document, as_of=AS_OF + dt.timedelta(days=6))
    follow_up = next(g for g in review.goals if g.goal_id == "safety-follow-up-contact")
    assert follow_up.needs_attention
