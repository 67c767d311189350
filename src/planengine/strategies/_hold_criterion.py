"""What releases a step a strategy's hold rule holds, read from the rule's own reason: the
criterion the plan's status line and the goal file's ``held:`` line name (clinician read 22,
S1), never the generic "a clinician has weighed the step's caution"."""

from __future__ import annotations

#: how a hold rule's reason opens before its criterion, in the built-in strategies' words
#: ("held until the liaison ...", "start only after a private screen ...")
HOLD_OPENINGS = ("held until ", "start only after ", "agree this objective only after ")


def hold_criterion(reason: str) -> str | None:
    """The criterion a hold rule's ``reason`` names, as a clause after "until": its first
    clause (up to the first ";") without the opening of :data:`HOLD_OPENINGS`; ``None`` when
    the reason opens otherwise (a plugin's own wording: the plan keeps the generic words).

    >>> hold_criterion("start only after a private screen has found no violence; why.")
    'a private screen has found no violence'
    """
    first = reason.split(";", 1)[0].strip().rstrip(".")
    for opening in HOLD_OPENINGS:
        if first.lower().startswith(opening):
            return first[len(opening) :] or None
    return None
