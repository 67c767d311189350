"""The core's route to perinatal mental health care where a pregnancy (or a recent birth) is
documented (clinician read 11, S4).

The clinical brief marks pregnancy facts unconfirmed and gives no referral criteria, so the
plan sets no threshold of its own: it names the route as the clinician's choice, by the
service's local criteria, and points to the criteria the plan already has, reliable
deterioration on re-measure (the review's rule) and a disclosed risk (a risk flag)
[DN-perinatal-route]. In a plan with a condition of ``EngineConfig.perinatal_conditions``,
one problem lists the step: the first of mood, well-being, anxiety, trauma and sleep in the
plan (beside mood's active-monitoring review when mood waits), else the first other area by
name. It starts at once whatever the phase of that problem (it watches a documented condition).
"""

from __future__ import annotations

from planengine._model import Intervention, PlanningContext, Problem, Proposal, Provenance

__all__ = ["PERINATAL_ROUTE", "perinatal_route"]

#: the rule behind the perinatal mental health route
PERINATAL_ROUTE = "rule:conditions.perinatal-route"

_TITLE = "Perinatal mental health service: consider a referral"
_DESCRIPTION = (
    "A pregnancy or recent birth is documented. The clinician considers a referral to the "
    "perinatal mental health service, by its local criteria, and especially if mood or "
    "well-being is reliably worse on re-measure (reliable deterioration on the PHQ-9 or WHO-5 "
    "at a review) or a risk is disclosed (a risk flag). No referral threshold is set here: the "
    "guidance reviewed gives none for pregnancy, and the evidence in pregnancy is limited."
)
_WHY = (
    "Low mood or poor well-being in pregnancy needs a clear route to specialist perinatal care "
    "that does not wait for a later review; the service's own criteria decide the referral."
)


def perinatal_route(problem: Problem, context: PlanningContext) -> Proposal:
    """The perinatal mental health route for ``problem`` when a configured condition is
    documented, or an empty proposal."""
    if problem.area != _host(context.areas or frozenset({problem.area})):
        return _NO_PROPOSAL  # one problem of the plan lists the route
    paths = [
        f"$.context.conditions[{index}]"
        for index, condition in enumerate(context.assessment.context.conditions)
        if condition in context.config.perinatal_conditions
    ]
    if not paths:
        return _NO_PROPOSAL
    step = Intervention(
        id=f"{problem.area}-perinatal-route",
        area=problem.area,
        title=_TITLE,
        description=_DESCRIPTION,
        delivery="clinician-led",
        # watches a documented condition: it starts at once, whatever the phase of its problem
        category="condition-monitoring",
        rationale=_WHY,
        citations=["DN-perinatal-route"],
        provenance=Provenance(PERINATAL_ROUTE, tuple(paths)),
    )
    return Proposal(interventions=(step,))


def _host(areas: frozenset[str]) -> str | None:
    """The area whose problem lists the route (see the module docstring)."""
    preferred = next((area for area in _HOST_ORDER if area in areas), None)
    return preferred or min(areas - {"safety"}, default=None)


#: the areas that list the route, first found first: mood and well-being, which the route is
#: about, then the other mental health areas
_HOST_ORDER = ("depression", "wellbeing", "anxiety", "trauma", "sleep")

#: What ``perinatal_route`` offers when no configured condition is documented (frozen, shared).
_NO_PROPOSAL = Proposal()
