"""SMART rules, S (specific): vague wording with nothing to pin it down, and one statement naming
several behaviours."""

from __future__ import annotations

import re
from collections.abc import Iterator

from planengine._values import is_number
from planengine.smart._model import GoalContext, Hit
from planengine.smart._rules_shared import has_metric

__all__ = ["VAGUE_PATTERN", "VAGUE_WORDS", "check_multiple_behaviours", "check_vague"]

#: The §6.3 lint list of vague wording (a design note, not a sourced list).
VAGUE_WORDS = (
    r"improve[sd]?",
    r"improving",
    r"better",
    r"more",
    r"less",
    r"increase[sd]?",
    r"decrease[sd]?",
    r"understand(?:ing)?",
    r"explore",
    r"gain(?:ing)? insight",
    r"be(?:come)? (?:more )?aware of",
    r"work(?:ing)? on",
    r"deal(?:ing)? with",
    r"cope with",
    r"coping with",
    r"manage",
    r"managing",
    r"feel(?:ing)? (?:better|happier|less stressed)",
    r"reduce symptoms",
    r"stabili[sz]e",
    r"as needed",
    r"appropriate(?:ly)?",
    r"adequate(?:ly)?",
    r"regularly",
    r"often",
    r"sometimes",
    r"try to",
    r"hopefully",
    r"learn about",
)
VAGUE_PATTERN = re.compile(r"\b(?:" + "|".join(VAGUE_WORDS) + r")\b", re.IGNORECASE)

# Verbs that open a separate observable behaviour ("walk 20 minutes and call a friend").
_BEHAVIOUR_VERBS = (
    "attend|avoid|call|complete|cut|do|drink|eat|exercise|fall|finish|get|go|join|journal|keep|limit|"
    "log|meditate|meet|practi[sc]e|read|record|reduce|run|say|schedule|sleep|speak|spend|stop|swim|"
    "take|talk|use|visit|wake|walk|write"
)
_SEGMENT_START = re.compile(rf"^\s*(?:to\s+)?(?:{_BEHAVIOUR_VERBS})\b", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r"\band(?: also)?\b|;|\.\s+(?=[A-Z])|,\s*(?:and|then)\b", re.IGNORECASE)


def check_vague(ctx: GoalContext) -> Iterator[Hit]:
    statement = ctx.goal.get("statement")
    if not isinstance(statement, str):
        return
    match = VAGUE_PATTERN.search(statement)
    if match is None:
        return
    target = ctx.target
    anchored = (
        has_metric(ctx)
        and target is not None
        and is_number(target.get("value"))
        and ctx.date("due_date") is not None
    )
    if not anchored:
        yield Hit(
            ("statement",),
            f"vague wording {match.group(0)!r} with no metric, target and due date to pin it down",
        )


def check_multiple_behaviours(ctx: GoalContext) -> Iterator[Hit]:
    statement = ctx.goal.get("statement")
    if not isinstance(statement, str):
        return
    segments = [part for part in _SEGMENT_SPLIT.split(statement) if part and part.strip()]
    behaviours = [part.strip() for part in segments if _SEGMENT_START.match(part)]
    if len(behaviours) >= 2:
        listed = "; ".join(repr(part[:40]) for part in behaviours[:3])
        yield Hit(("statement",), f"the statement names {len(behaviours)} behaviours ({listed})")
