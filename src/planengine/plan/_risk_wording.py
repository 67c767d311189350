"""Wording that claims there is no risk: the engine never states it [R27][R29], whoever wrote it.

Strategy data files are checked when they load (:func:`no_risk_claim_path`); what Python plugin
code writes is checked as it arrives: proposals from ``propose`` hooks and strategy objects
(:func:`redact_proposal`), and the whole draft after ``adjust_plan`` hooks
(:func:`redact_no_risk_claims`). Such wording is replaced, and a notice names its source.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from planengine._look_alikes import to_latin
from planengine._records import Notice

if TYPE_CHECKING:  # pragma: no cover
    from planengine._model import PlanDraft, Proposal

__all__ = [
    "claims_no_risk",
    "no_risk_claim_notice",
    "no_risk_claim_path",
    "redact_no_risk_claims",
    "redact_proposal",
]

#: The code of the notice that says such wording was removed.
RULE_NO_RISK = "safety.risk-claim-removed"


@functools.cache
def _load_claims() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The patterns of ``data/no-risk-claims.yaml`` in one expression, and their anchors (read
    and compiled when first needed: a command that checks no wording never pays for them)."""
    from planengine._cache import shipped_data

    data = shipped_data("data/no-risk-claims.yaml")  # parsed once, then cached
    parts: dict[str, str] = data["parts"]
    patterns = [_filled(entry["pattern"], parts) for entry in data["patterns"]]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE), tuple(
        data["anchors"]
    )


def _filled(pattern: str, parts: Mapping[str, str]) -> str:
    """``pattern`` with each ``{name}`` replaced by its part (a ``{m,n}`` count is kept)."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: parts[m.group(1)], pattern)


def __getattr__(name: str) -> Any:
    """``NO_RISK_CLAIM``: wording that claims there is no risk or that a person is safe ("no
    risk", "not at risk", "risk-free", "low risk", "patient is safe", "denies SI"), which the
    engine never states [R27][R29], whoever wrote the text: the patterns are data
    (``data/no-risk-claims.yaml``), each with the texts it must and must not find; one compiled
    expression, made on first use."""
    if name == "NO_RISK_CLAIM":
        return _load_claims()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_REDACTED = "[wording removed: only a clinician's assessment can judge risk]"


def no_risk_claim_path(data: Any, path: str = "$") -> str | None:
    """The JSON path of the first string in ``data`` that claims there is no risk, else ``None``.

    Used on strategy files when they load, so that static content is refused before any plan.
    """
    if isinstance(data, str):
        return path if claims_no_risk(data) else None
    if isinstance(data, Mapping):
        items: Iterable[tuple[Any, Any]] = ((f"{path}.{key}", value) for key, value in data.items())
    elif isinstance(data, (list, tuple)):
        items = ((f"{path}[{index}]", value) for index, value in enumerate(data))
    else:
        return None
    for where, value in items:
        found = no_risk_claim_path(value, where)
        if found is not None:
            return found
    return None


#: Characters that take no space and could split a word from the check ("no\u200b risk").
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _as_shown(text: str) -> str:
    """``text`` read as it shows: look-alike letters as Latin, invisible characters dropped."""
    return to_latin(text).translate(_INVISIBLE)


def claims_no_risk(text: str) -> bool:
    """Whether ``text`` claims there is no risk or that a person is safe (read as it shows:
    look-alike letters from other scripts as Latin, invisible characters ignored)."""
    shown = _as_shown(text)
    folded = shown.casefold()
    # every claim holds an anchor word: a plain substring test first (fast)
    claim, anchors = _load_claims()
    return any(anchor in folded for anchor in anchors) and bool(claim.search(shown))


class _Redactor:
    """Replaces wording that claims there is no risk in plan elements, in place, and counts it."""

    def __init__(self) -> None:
        self.count = 0

    def text(self, text: Any) -> Any:
        if isinstance(text, str) and claims_no_risk(text):
            self.count += 1
            return _load_claims()[0].sub(_REDACTED, _as_shown(text))
        return text

    def each(self, texts: Any) -> Any:
        """``texts`` (a list, tuple or mapping of texts) with each text checked: the same object
        when nothing changed, else a list or dict."""
        if not texts or not isinstance(texts, (list, tuple, Mapping)):
            return texts
        before = self.count
        cleaned: Any = (
            {key: self.text(value) for key, value in texts.items()}
            if isinstance(texts, Mapping)
            else [self.text(value) for value in texts]
        )
        return texts if self.count == before else cleaned

    def elements(self, objectives: Iterable[Any], steps: Iterable[Any]) -> None:
        text, each = self.text, self.each
        for objective in objectives:
            objective.statement = text(objective.statement)
            objective.rationale = text(objective.rationale)
            objective.citations = each(objective.citations)
            objective.gas = each(objective.gas)
            objective.frequency = each(objective.frequency)
            measure = objective.measure
            measure.metric = text(measure.metric)
            measure.method = text(measure.method)
            measure.unit = text(measure.unit)
        for step in steps:
            step.title = text(step.title)
            step.description = text(step.description)
            step.rationale = text(step.rationale)
            step.category = text(step.category)
            step.steps = each(step.steps)
            step.notes = each(step.notes)
            step.citations = each(step.citations)
            step.frequency = each(step.frequency)

    def notices(self, notices: Iterable[Notice]) -> list[Notice]:
        out = []
        for notice in notices:
            message = self.text(notice.message)
            out.append(notice if message is notice.message else attrs.evolve(notice, message=message))
        return out

    def exclusions(self, exclusions: Iterable[Any]) -> list[Any]:
        out = []
        for exclusion in exclusions:
            title, reason = self.text(exclusion.title), self.text(exclusion.reason)
            changed = title is not exclusion.title or reason is not exclusion.reason
            out.append(attrs.evolve(exclusion, title=title, reason=reason) if changed else exclusion)
        return out


def redact_proposal(proposal: Proposal) -> tuple[Proposal, int]:
    """``proposal`` from Python plugin code with wording that claims there is no risk replaced
    (its elements in place); and how many texts were changed."""
    redactor = _Redactor()
    redactor.elements(proposal.objectives, proposal.interventions)
    goal = redactor.text(proposal.long_term_goal)
    notices = redactor.notices(proposal.notices)
    exclusions = redactor.exclusions(proposal.exclusions)
    if not redactor.count:
        return proposal, 0
    changed = attrs.evolve(
        proposal, long_term_goal=goal, notices=tuple(notices), exclusions=tuple(exclusions)
    )
    return changed, redactor.count


def redact_no_risk_claims(draft: PlanDraft, unchanged: Collection[int] = ()) -> int:
    """Replace wording that claims there is no risk anywhere in a draft's text (after
    ``adjust_plan`` hooks, which may change any of it); return how many texts were changed.

    The patient's own words and the core's findings are left as they are.

    :param unchanged: identities of the elements, notices and exclusions the hooks left as they
        were: they were checked when they were made (and the core's own notices may quote the
        wording they refused), so they are left alone.
    """
    redactor = _Redactor()
    for problem in draft.problems:
        problem.title = redactor.text(problem.title)
        problem.long_term_goal = redactor.text(problem.long_term_goal)
        redactor.elements(
            [o for o in problem.objectives if id(o) not in unchanged],
            [s for s in problem.interventions if id(s) not in unchanged],
        )
    draft.notices = [
        n if id(n) in unchanged else redactor.notices([n])[0] for n in draft.notices
    ]
    draft.exclusions = [
        e if id(e) in unchanged else redactor.exclusions([e])[0] for e in draft.exclusions
    ]
    return redactor.count


def no_risk_claim_notice(source: str) -> Notice:
    """The notice that wording claiming there is no risk was removed from what ``source`` wrote."""
    return Notice(
        RULE_NO_RISK,
        f"Text from {source} made a claim about risk that only a clinician's assessment can "
        "make; that wording was removed.",
        source,
    )


def failure_notice(code: str, failure: Exception, plugin: str) -> Notice:
    """The notice for a plugin that failed: its error text (which the plugin wrote, and the plan
    prints) with wording that claims there is no risk removed."""
    return Notice(code, _Redactor().text(str(failure)), f"plugin:{plugin}")
