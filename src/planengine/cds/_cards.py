"""The cards of the ``patient-view`` service (CDS Hooks 2.0 §CDS Service Response).

* **critical**, one per open risk flag: what to do today (the flag's own message); never a word
  that there is no risk.
* **warning**, a total without item answers for an instrument with a risk item (item 9 not
  recorded).
* **info** (or **warning** when the plan has problems): the draft plan, with one suggestion
  whose ``create`` action is the transaction Bundle, and a link to the clinician's HTML plan.
* **info**, no questionnaire results on file: what to ask for.

Every summary is under 140 characters; cards and suggestions carry deterministic uuids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from planengine.fhir._codes import content_id

__all__ = ["SOURCE", "cards_for", "no_data_card", "short"]

SOURCE = {"label": "planengine (draft decision support)", "topic": {
    "system": "http://example.org/planengine/CodeSystem/card", "code": "treatment-plan", "display": "Treatment plan"}}
_OVERRIDE_REASONS = [
    {"system": "http://example.org/planengine/CodeSystem/override", "code": "already-addressed", "display": "Already addressed today"},
    {"system": "http://example.org/planengine/CodeSystem/override", "code": "not-appropriate", "display": "Not appropriate for this patient"},
]


def short(text: str, limit: int = 139) -> str:
    """``text`` cut to fewer than 140 characters at a word, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def cards_for(
    plan: Any, bundle: Mapping[str, Any], notices: Sequence[str], plan_link: str | None
) -> list[dict[str, Any]]:
    """The cards for one patient's plan, most urgent first."""
    key = str(bundle["id"])
    cards = [_flag_card(flag, key) for flag in plan.risk_flags if flag.is_open]
    cards += [_caution_card(notice, key) for notice in notices if "not recorded" in notice]
    cards.append(_plan_card(plan, bundle, plan_link, key))
    return cards


def no_data_card(patient_key: str) -> dict[str, Any]:
    """Nothing to plan from: say what to collect (never that all is well)."""
    return {
        "uuid": content_id("card", "no-data", patient_key),
        "summary": "No PHQ-9, GAD-7 or other questionnaire results on file: ask for them to draft a plan.",
        "indicator": "info",
        "detail": "Risk cannot be judged from missing data: ask about safety directly.",
        "source": SOURCE,
    }


def _flag_card(flag: Any, key: str) -> dict[str, Any]:
    what = "PHQ-9 item 9" if flag.signal == "phq9.item9" else flag.kind.replace("-", " ")
    return {
        "uuid": content_id("card", "flag", key, flag.id),
        "summary": short(f"Open risk flag ({what}): clinician risk assessment today, before any self-guided step."),
        "indicator": "critical",
        "detail": f"{flag.message}\n\nOffer crisis support from the clinic's list alongside any "
        "risk-related message. Only a clinician closes this flag.",
        "source": SOURCE,
        "overrideReasons": _OVERRIDE_REASONS,
    }


def _caution_card(notice: str, key: str) -> dict[str, Any]:
    return {
        "uuid": content_id("card", "caution", key, notice),
        "summary": short("A total was recorded without item answers: ask the risk item (PHQ-9 item 9) today."),
        "indicator": "warning",
        "detail": notice,
        "source": SOURCE,
    }


def _plan_card(plan: Any, bundle: Mapping[str, Any], plan_link: str | None, key: str) -> dict[str, Any]:
    goals = sum(len(p.objectives) for p in plan.problems)
    problems = [p.title for p in plan.problems]
    summary = f"Draft treatment plan to review: {len(problems)} problem(s), {goals} goal(s)."
    card: dict[str, Any] = {
        "uuid": content_id("card", "plan", key),
        "summary": short(summary),
        "indicator": "warning" if plan.risk_flags else "info",
        "detail": "Problems: " + (", ".join(problems) or "none above threshold") + ".\n\n"
        "A draft: a licensed clinician reviews, edits and signs it before it is used.",
        "source": SOURCE,
        "suggestions": [
            {
                "label": "Save the draft care plan (CarePlan, Goals, Conditions, Observations, Flags)",
                "uuid": content_id("suggestion", "plan", key),
                "actions": [
                    {
                        "type": "create",
                        "description": "Create the draft CarePlan (status draft, intent proposal) and its proposed Goals.",
                        "resource": dict(bundle),
                    }
                ],
            }
        ],
        "selectionBehavior": "at-most-one",
        "overrideReasons": _OVERRIDE_REASONS,
    }
    if plan_link:
        card["links"] = [{"label": "Clinician's plan (HTML)", "url": plan_link, "type": "absolute"}]
    return card
