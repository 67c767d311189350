"""The hooks a planengine plugin can implement (hook API version 1).

A plugin is a module (or object) with functions marked ``@planengine.hookimpl`` whose names match
the specs below. Plugins are found through the ``planengine`` entry-point group; the built-in
strategies in ``plugins/`` are registered the same way.

Register-style hooks receive a ``register`` callback rather than returning lists, so the host can
check every item as it arrives and say which plugin it came from. A plugin that raises is reported
by name and skipped (``strict=True`` makes that an error). The core runs its safety checks after
every plugin, so no hook can remove, reorder or weaken a safety step.

Each implementation is called on its own, in plugin-name order, so that one failing plugin cannot
stop the others and a plan never depends on the order plugins were installed in. pluggy's
``tryfirst``, ``trylast``, ``hookwrapper`` and ``wrapper`` options only mean something when all
implementations run in one call, so a plugin that uses them is refused when it registers, with a
notice naming the option and the hook (an error with ``strict=True``), never silently ignored.

``docs/hooks.md`` gives each hook with a tested example, and the versioning and deprecation
policy: a hook or argument is removed or changed only after a deprecation (pluggy's
``warn_on_impl``) that keeps it working for at least two minor releases and six months.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from planengine._model import PlanDraft, PlanningContext, Problem, Proposal
    from planengine._vocabulary_hooks import Area, Condition
    from planengine.instruments._instrument import Instrument
    from planengine.review._model import GoalReview, ReviewContext, Suggestion
    from planengine.smart._model import SmartRule

__all__ = [
    "RegisterInstrument",
    "RegisterSmartRule",
    "RegisterStrategy",
    "RegisterVocabulary",
    "Strategy",
    "hookimpl",
    "hookspec",
]


@runtime_checkable
class Strategy(Protocol):
    """What ``register_strategies`` registers: a strategy the engine asks for content.

    :class:`planengine.DataStrategy` (content kept as data) is one; a plugin may write its own.
    The host checks each attribute when it is registered and names the plugin when one is
    missing.

    .. versionadded:: 0.1
    """

    #: unique id, recorded in every element it proposes (``provenance.strategy``)
    id: str
    #: the content's version (semantic version)
    version: str
    #: ``production``, ``draft`` (used only when drafts are allowed) or ``retired`` (never used)
    status: str
    #: the vocabulary's area ids it proposes for
    areas: Collection[str]
    #: higher wins a conflict with another strategy's content (ties: the lower id)
    priority: int

    def propose(self, problem: Problem, context: PlanningContext, plugin: str) -> Proposal:
        """Content for one problem; ``plugin`` is ``name@version`` of the registering plugin."""
        ...


#: The ``register`` callback of ``register_strategies``.
RegisterStrategy = Callable[[Strategy], None]
#: The ``register`` callback of ``register_instruments``: an instrument, or a mapping that
#: validates against ``schemas/instrument.schema.json``.
RegisterInstrument = Callable[["Instrument | Mapping[str, Any]"], None]
#: The ``register`` callback of ``register_smart_rules``: a rule, or a mapping of its fields.
RegisterSmartRule = Callable[["SmartRule | Mapping[str, Any]"], None]

#: The ``register`` callback of ``register_vocabulary``: a :class:`planengine.Area` or
#: :class:`planengine.Condition`, or a mapping of its fields with ``kind: area | condition``.
RegisterVocabulary = Callable[["Area | Condition | Mapping[str, Any]"], None]

#: Marks a hook specification (for the host only).
hookspec = pluggy.HookspecMarker("planengine")
#: Marks a plugin's hook implementation: ``@planengine.hookimpl``.
hookimpl = pluggy.HookimplMarker("planengine")


@hookspec
def register_instruments(register: RegisterInstrument) -> None:
    """Register extra questionnaires the engine can score.

    Called once, when an :class:`planengine.Engine` is built, and by ``planengine review`` and
    ``planengine validate``, which judge goals on the same instruments as planning.

    :param register: call it with an :class:`planengine.Instrument`, or with a mapping that
        validates against ``schemas/instrument.schema.json`` (the host converts it). An id that
        clashes with a built-in or another plugin's instrument is a :class:`PluginError`.
    :return: nothing.

    .. versionadded:: 0.1
    """


@hookspec
def register_vocabulary(register: RegisterVocabulary) -> None:
    """Register new problem areas and conditions (grief, anger, chronic pain ...).

    Called once, when an :class:`planengine.Engine` is built, before instruments and strategies
    register (so a strategy file, instrument or assessment may name what this hook registers).
    ``planengine areas`` lists every area and condition with the plugin it comes from.

    :param register: call it with a :class:`planengine.Area` (id, title, summary, ``safety``:
        ``routine`` or ``ask-about-risk`` with a ``safety_note``, the patient's ``keywords``
        that link a goal to it, the ``instruments`` that measure it) or a
        :class:`planengine.Condition` (id, title, summary, ``safety``, optionally the ``area`` it
        brings into the plan), or a mapping of those fields with ``kind: area | condition``.
        Each is checked as it arrives; an id a built-in or another plugin already has is a
        :class:`PluginError` naming both plugins. A keyword another area already lists stays
        with that area (notice ``vocabulary.keyword-taken``).
    :return: nothing.

    .. versionadded:: 0.2
    """


@hookspec
def register_strategies(register: RegisterStrategy) -> None:
    """Register strategies: the per-area content that turns problems into objectives and steps.

    Called once, when an :class:`planengine.Engine` is built.

    :param register: call it with a :class:`Strategy`, usually ``planengine.DataStrategy.from_file(path)``
        for content kept as data (``schemas/strategy.schema.json``). The host checks the manifest
        (id, version, status, areas) and refuses draft strategies unless they are allowed.
    :return: nothing.

    .. versionadded:: 0.1
    """


@hookspec
def propose(problem: Problem, context: PlanningContext) -> Proposal | None:
    """Propose objectives and interventions for one problem, beyond the registered strategies.

    Called once per problem, in priority order, after the registered strategies have proposed.

    :param problem: the problem being planned (area, severity, the findings behind it).
    :param context: the assessment, scores, risk flags, conditions and ``as_of`` date (read-only).
    :return: a :class:`planengine.Proposal`, or ``None`` to add nothing. Its elements are
        recorded as made by ``plugin:<name>@<version>``; wording in them that claims there is no
        risk is removed (see :func:`adjust_plan`). An objective or step that would break the plan
        schema, or whose id is taken or starts with ``safety-``, is left out
        (``plugin.invalid-objective``, ``plugin.invalid-step``; strict mode raises).

    .. versionadded:: 0.1
    """


@hookspec
def adjust_plan(plan: PlanDraft, context: PlanningContext) -> None:
    """Adjust the assembled draft plan in place (reword, re-order routine steps, add notes).

    Called once per plan, after assembly and before the core's final safety check. Whatever this
    hook does to safety steps is undone: the core puts the safety step back first and re-holds
    self-guided steps while a risk flag is open, including steps this hook relabelled from
    self-guided to another delivery. Wording that claims there is no risk ("no risk", "not at
    risk", "risk-free") is removed from the plan's text, with a ``safety.risk-claim-removed`` notice.
    Objectives and steps this hook adds, and long-term goals it rewrites, are recorded as made by
    ``plugin:<name>@<version>``. An objective or step it changes in place keeps the provenance it
    was proposed with (a change to its provenance is undone) and names the hook in
    ``provenance.adjusted_by``. Objectives and steps it adds or changes are checked as
    :func:`propose`'s are. A ``plan.adjusted`` notice names the hook's plugin. With several
    hooks, each is credited with its own changes only (they run one after another, in plugin
    name order). The planning stage runs after it (docs/stepped-care.md): the order of problems,
    every problem's and step's ``phase`` and its reason, a step's ``intensity`` (where it gives
    none) and the burden are set then, so reordering problems here has no effect; a course or
    self-help step this hook adds takes its place within the same limits.

    :param plan: the mutable draft.
    :param context: as for :func:`propose`.
    :return: nothing.

    .. versionadded:: 0.1
    """


@hookspec
def register_smart_rules(register: RegisterSmartRule) -> None:
    """Register extra SMART rules for ``planengine validate``.

    Called once, when the rule set is built.

    :param register: call it with a rule object (see :mod:`planengine` ``SmartRule``). A plugin's
        rule codes use its own prefix (1-3 capital letters); a clash is a :class:`PluginError`.
    :return: nothing.

    .. versionadded:: 0.1
    """


@hookspec
def review_suggestions(
    goal_review: GoalReview, context: ReviewContext
) -> Iterable[Suggestion | Mapping[str, Any]] | None:
    """Add suggestions to the review of one goal.

    Called once per goal during ``planengine review``, after the core's own suggestion rules.

    :param goal_review: the computed review of the goal (status, trajectory, change statistics).
    :param context: the review context (``as_of``, instruments, the other goals).
    :return: suggestions (:class:`planengine.Suggestion` objects, or mappings of their fields) or
        ``None``. A suggestion may not
        close or downgrade a risk flag; such a suggestion is dropped and reported.

    .. versionadded:: 0.1
    """
