"""Progress review: where each goal stands, and what to change (issue 5; [DN-change-measures][DN-gas]).

The public names are re-exported from :mod:`planengine`; the modules are private:

* ``_inputs``, ``_parse_goal``, ``_parse``: goal file data -> goals and assessments, every bad
  value a finding;
* ``_change``: response, remission, reliable change, MCID, band change;
* ``_trajectory``: expected linear path, ahead / on track / behind, review dates;
* ``_status``: FHIR achievementStatus with the rule that chose it;
* ``_gas``: Goal Attainment Scaling T-score;
* ``_risk``: risk flags from repeat questionnaires (never suggestions);
* ``_flag_workflow``: whose flag it is (ids name the patient), the clinician's dispositions, what
  waits while a flag is open (docs/review-workflow.md);
* ``_caseload``: a run's patients in caseload order, one status line each;
* ``_suggest``: suggestion rules and the ``review_suggestions`` plugin hook;
* ``_review``: :func:`review_goals`, which ties them together;
* ``_files``: reviewing files and folders for the command line;
* ``_render`` and ``_report_html``/``_svg``: text, JSON, Markdown and HTML output.

Each public name is imported on first use (PEP 562), so a module that reads one part
(``planengine.review._config`` for the settings) does not import the whole review.
"""

from __future__ import annotations

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing ``typing``

if TYPE_CHECKING:  # what type checkers see; at run time each name loads on first use
    from planengine.review._change import minimum_reliable_change, reliable_change_index
    from planengine.review._gas import gas_t_score
    from planengine.review._model import (
        ACHIEVEMENT_STATUSES,
        ChangeReport,
        GasResult,
        GasSummary,
        GoalReview,
        Measurement,
        Review,
        ReviewConfig,
        ReviewContext,
        ReviewFinding,
        Status,
        Suggestion,
        Trajectory,
        UnusableEntry,
        WaitingGoal,
    )
    from planengine.review._review import review_goals

#: public name -> the module that defines it
_EXPORTS = {
    "ACHIEVEMENT_STATUSES": "planengine.review._model",
    "ChangeReport": "planengine.review._model",
    "GasResult": "planengine.review._model",
    "GasSummary": "planengine.review._model",
    "GoalReview": "planengine.review._model",
    "Measurement": "planengine.review._model",
    "Review": "planengine.review._model",
    "ReviewConfig": "planengine.review._model",
    "ReviewContext": "planengine.review._model",
    "ReviewFinding": "planengine.review._model",
    "Status": "planengine.review._model",
    "Suggestion": "planengine.review._model",
    "Trajectory": "planengine.review._model",
    "UnusableEntry": "planengine.review._model",
    "WaitingGoal": "planengine.review._model",
    "gas_t_score": "planengine.review._gas",
    "minimum_reliable_change": "planengine.review._change",
    "reliable_change_index": "planengine.review._change",
    "review_goals": "planengine.review._review",
}

__all__ = [
    "ACHIEVEMENT_STATUSES",
    "ChangeReport",
    "GasResult",
    "GasSummary",
    "GoalReview",
    "Measurement",
    "Review",
    "ReviewConfig",
    "ReviewContext",
    "ReviewFinding",
    "Status",
    "Suggestion",
    "Trajectory",
    "UnusableEntry",
    "WaitingGoal",
    "gas_t_score",
    "minimum_reliable_change",
    "reliable_change_index",
    "review_goals",
]


def __getattr__(name: str) -> object:
    from planengine._lazy import exported_attribute

    return exported_attribute(globals(), _EXPORTS, name)


def __dir__() -> list[str]:
    return __all__
