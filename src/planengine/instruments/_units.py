"""Which scale a goal's unit names: an instrument's own total, its percent score, or neither.

Shared by the SMART checker (``validate``) and the review, so that both read a unit such as
``PHQ-9 points`` (the unit the engine writes in its goal files) the same way.
"""

from __future__ import annotations

__all__ = ["PERCENT_UNITS", "SCORE_UNITS", "unit_scale"]

#: Units that mean "the instrument's own total".
SCORE_UNITS = frozenset({"points", "point", "score", "total", "raw", "raw score", "raw points"})
PERCENT_UNITS = frozenset({"percent", "%", "percentage", "percent score"})


def unit_scale(unit: str | None, names: tuple[str, ...]) -> str | None:
    """``"total"`` or ``"percent"`` when ``unit`` names the instrument's own scale, else ``None``.

    ``names`` are the instrument's name and id, which may lead the unit: the engine's goal files
    write ``PHQ-9 points`` and ``WHO-5 raw points``, and a clinician may write ``GAD-7 score``.
    Case and runs of spaces do not matter.
    """
    if unit is None:
        return "total"
    key = " ".join(unit.lower().split())
    for name in names:
        if key.startswith(name.lower()):
            key = key[len(name) :].strip()
            break
    if key in SCORE_UNITS or not key:
        return "total"
    return "percent" if key in PERCENT_UNITS else None
