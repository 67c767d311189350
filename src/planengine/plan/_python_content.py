"""What Python plugin code wrote in a plan (``propose`` hooks, strategy objects written in Python,
``adjust_plan`` hooks), checked as strategy files are checked when they load: a proposal the
engine cannot read is left out with a ``plugin.failed`` notice, an objective or step unfit for
the plan is left out with its reason (:mod:`planengine.plan._plugin_output`), and strict mode
raises instead, naming the plugin."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection

import attrs

from planengine._errors import PluginError
from planengine._model import (
    Exclusion,
    Intervention,
    Notice,
    Objective,
    PlanDraft,
    PlanningContext,
    Problem,
    Proposal,
)
from planengine._plugins import LoadedPlugins, call_each
from planengine.plan import _risk_wording
from planengine.plan._adjustments import Snapshot, checked_proposal
from planengine.plan._assembly import RankedProposal
from planengine.plan._plugin_output import (
    RULE_INVALID_OBJECTIVE,
    ObjectiveCheck,
    check_plugin_objectives,
    check_plugin_steps,
    check_proposal_objectives,
    objective_problem,
)

__all__ = ["PythonContent", "add_once", "handed_copy", "hook_proposals"]


def handed_copy(problem: Problem) -> Problem:
    """A deep copy of ``problem`` for Python plugin code (a strategy object or a ``propose``
    hook): what the code changes in it (its area, its findings) changes nothing in the plan."""
    return copy.deepcopy(problem)


def add_once(notices: list[Notice], notice: Notice) -> None:
    """Append ``notice`` unless the same one is there (a plugin failing on every problem)."""
    if notice not in notices:
        notices.append(notice)


@attrs.frozen
class PythonContent:
    """The Python plugins of an engine and how what they write is checked.

    :ivar plugins: their names (a plan the checks cannot complete names them all).
    :ivar sources: what their content is recorded as made by (``plugin:name@version``).
    :ivar strict: raise :class:`PluginError` instead of leaving content out.
    :ivar max_review_interval_days: the engine's maximum review interval.
    """

    plugins: tuple[str, ...]
    sources: Collection[str]
    strict: bool
    max_review_interval_days: int

    def written(self, element: Objective | Intervention) -> bool:
        """Whether Python plugin code made ``element`` or changed it in place (data strategies'
        content was checked when their files loaded)."""
        provenance = element.provenance
        return provenance.source in self.sources or bool(provenance.adjusted_by)

    def refuse(self, element: Objective | Intervention, exclusion: Exclusion) -> None:
        """Strict mode: an objective or step that plugin code wrote wrong is an error.

        :raises PluginError: naming the plugin that last changed ``element`` (else its maker),
            the element, the field and the problem.
        """
        provenance = element.provenance
        source = provenance.adjusted_by[-1] if provenance.adjusted_by else provenance.source
        kind = "objective" if exclusion.rule == RULE_INVALID_OBJECTIVE else "step"
        raise PluginError(
            f"{kind} {exclusion.item_id!r} is not fit for the plan: {exclusion.reason}",
            plugin=source.removeprefix("plugin:").rpartition("@")[0] or source,
        )

    def objective_check(self, as_of: dt.date) -> ObjectiveCheck:
        """:func:`objective_problem` with the engine's maximum review interval and the plan's
        date."""
        most = self.max_review_interval_days
        return lambda objective: objective_problem(
            objective, max_review_interval_days=most, as_of=as_of
        )

    def checked_or_reported(
        self,
        proposal: Proposal,
        source: str,
        plugin: str,
        notices: list[Notice],
        problem: Problem,
        exclusions: list[Exclusion],
        as_of: dt.date,
    ) -> Proposal | None:
        """The proposal attributed to ``source`` and checked, or ``None`` and a
        ``plugin.failed`` notice when it is not in a shape the engine can read. Objectives left
        out go to ``exclusions``. Strict mode raises :class:`PluginError` for either."""
        start = len(exclusions)
        try:
            checked = checked_proposal(proposal, source, notices)
            checked = check_proposal_objectives(
                checked,
                problem.area,
                exclusions,
                self.objective_check(as_of),
                self.refuse if self.strict else None,
            )
        except PluginError:
            raise  # strict mode: an objective written wrong
        except Exception as error:
            del exclusions[start:]  # the whole proposal is left out: so are its exclusions
            failure = PluginError(
                f"proposed content the engine cannot read: {type(error).__name__}: {error}",
                plugin=plugin,
            )
            if self.strict:
                raise failure from error
            add_once(notices, _risk_wording.failure_notice("plugin.failed", failure, plugin))
            return None
        return checked

    def check_draft(self, draft: PlanDraft, before: Snapshot | None, as_of: dt.date) -> None:
        """Check the objectives and steps in the assembled draft that plugin code wrote or
        changed (``before``: the draft as it was before ``adjust_plan`` hooks ran, when they
        did: proposed objectives were checked before assembly, hooks may have added or changed
        some since)."""
        keep = before.objects if before is not None else ()
        refuse = self.refuse if self.strict else None
        check = self.objective_check(as_of) if before is not None else None
        check_plugin_objectives(
            draft.problems,
            draft.exclusions,
            keep,
            None if check is None else lambda o: check(o) if self.written(o) else None,
            refuse,
        )
        check_plugin_steps(draft.problems, draft.exclusions, keep, self.written, refuse)

    def unreadable(self, error: Exception) -> PluginError:
        """The error for a draft that Python plugin code left in a shape the engine cannot read
        (a step without provenance, a notice that is not a Notice, ...)."""
        return PluginError(
            "the plan could not be completed from what plugin code wrote: "
            f"{type(error).__name__}: {error}",
            plugin=", ".join(self.plugins) or "unknown",
        )


def hook_proposals(
    loaded: LoadedPlugins,
    python: PythonContent,
    problem: Problem,
    context: PlanningContext,
    notices: list[Notice],
    exclusions: list[Exclusion],
    builtin: Collection[str],
) -> list[RankedProposal]:
    """The checked proposals of the ``propose`` hooks for ``problem`` (each given a copy of it);
    a hook that fails or returns something else is reported (raised in strict mode)."""
    results = call_each(
        loaded.manager,
        "propose",
        lambda _name: {"problem": handed_copy(problem), "context": context},
        strict=python.strict,
        on_error=lambda f: add_once(notices, _risk_wording.failure_notice("plugin.failed", f, f.plugin)),
    )
    ranked: list[RankedProposal] = []
    for name, result in results:
        if isinstance(result, Proposal):
            source = f"plugin:{name}@{loaded.version_of(name)}"
            checked = python.checked_or_reported(
                result, source, name, notices, problem, exclusions, context.as_of
            )
            if checked is not None:
                ranked.append(RankedProposal(checked, source, 50, name, name in builtin))
        elif result is not None:  # None: nothing to propose for this problem
            failure = PluginError(
                f"propose returned {type(result).__name__}, not a Proposal or None", plugin=name
            )
            if python.strict:
                raise failure
            add_once(notices, _risk_wording.failure_notice("plugin.failed", failure, name))
    return ranked
