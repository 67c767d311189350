"""The safety problem's step for words of harm to other people (a ``harm-to-others`` flag:
"I want to kill my husband"): a clinician's assessment today of the risk to others, under the
service's safeguarding / duty-to-protect policy ([DN-risk-flags]; docs/safety.md, "Words of harm
to others").

The engine reads words only: it does not judge intent, never says there is no risk, and does not
decide who must be told; the step names what the clinician asks and that the service's own
policy decides the rest.
"""

from __future__ import annotations

import datetime as dt

import attrs

from planengine._model import Intervention, Objective, Provenance, RiskFlag
from planengine.plan._risk_flags import KIND_OTHERS
from planengine.plan._safety_today import SAFETY_AREA, visit_objective

__all__ = ["OTHERS_STEP", "others_objective", "others_step"]

#: The step (and its objective) the core puts in the safety problem for a harm-to-others flag.
OTHERS_STEP = "safety-others-assessment"
_OBJECTIVE = "safety-others-assessed"
#: The design note and the free-text study cited (a text screen misses words; no match is never
#: evidence of safety).
_CITATIONS = ["DN-risk-flags", "S19: multi-site NLP study, PMC10980141"]


def others_objective(flags: tuple[RiskFlag, ...], as_of: dt.date, provenance: Provenance) -> Objective:
    """The objective due at this visit: the risk to others assessed by a clinician, and the
    service's safeguarding / duty-to-protect policy followed."""
    return attrs.evolve(visit_objective(
        _OBJECTIVE,
        "Have the risk to others the patient's words speak of assessed by a clinician, and the "
        "service's safeguarding / duty-to-protect policy followed, by "
        f"{as_of.isoformat()}.",
        "clinician assessment of the risk to others completed",
        [f.id for f in flags if f.kind == KIND_OTHERS],
        as_of,
        provenance,
        "Words of harming someone else are read by a clinician the same day; a word search "
        "cannot tell a passing phrase from a threat or an intrusive thought.",
    ), urgent=True)


def others_step(provenance: Provenance) -> Intervention:
    """The clinician's step: who, how, intent, means and access, and the service's policy."""
    return Intervention(
        id=OTHERS_STEP,
        area=SAFETY_AREA,
        title="Clinician assessment today of the risk to others",
        description=(
            "The patient's own words speak of killing or harming someone else. A clinician "
            "reads the words with the patient today and assesses the risk to others: who is at "
            "risk (including any children in the household), how, whether there is intent or "
            "a plan, and the means and access to that person. Unwanted, distressing thoughts of "
            "harm that the person fights against (as in perinatal or obsessional intrusive "
            "thoughts) are told apart from intent by the clinician, never by a word search. The "
            "clinician follows the service's safeguarding and duty-to-protect policy (who must "
            "be told, and when) and records what was found, the actions taken and the next "
            "review date (with no low, medium or high label of risk)."
        ),
        steps=[
            "Read the words with the patient and ask about them directly.",
            "Ask who is at risk, how, whether there is intent or a plan, and about the means "
            "and access to that person; ask whether children live in the household.",
            "Ask about suicidal thoughts too: harm to others and to oneself often go together.",
            "Follow the service's safeguarding / duty-to-protect policy; seek senior or "
            "specialist advice the same day where the policy calls for it.",
            "Record what was found, the actions taken and the next review date.",
        ],
        delivery="clinician-led",
        category="safety",
        rationale=(
            "Words of harming another person are a risk signal beyond PHQ-9 item 9; a "
            "text screen only finds words, so a clinician assesses the risk and the service's "
            "policy decides who must be told."
        ),
        citations=list(_CITATIONS),
        objective_ids=[_OBJECTIVE],
        provenance=provenance,
    )
