"""Goal Attainment Scaling (Kiresuk & Sherman 1968 [R39]; [DN-gas]).

Each goal is scored -2..+2 against five outcome descriptions written before treatment (0 is the
expected outcome). Across goals::

    T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i**2) + rho * sum(w_i)**2)

with rho = 0.3 by convention [R39] (configurable in :class:`ReviewConfig`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from planengine._errors import InputError

__all__ = ["GAS_LEVELS", "gas_t_score"]

#: The five attainment levels ([R39]).
GAS_LEVELS = (-2, -1, 0, 1, 2)


def gas_t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, *, rho: float = 0.3
) -> float:
    """The GAS T-score of goals with attainment ``levels`` and ``weights`` (default all 1).

    >>> round(gas_t_score([1, 0, -1], [3, 2, 1]), 1)
    54.4

    :raises ValueError: for no goals, a level outside -2..+2, a weight that is not positive,
        mismatched lengths or rho outside [0, 1).
    """
    if not levels:
        raise InputError("GAS T-score needs at least one goal")
    if weights is None:
        weights = [1.0] * len(levels)
    if len(weights) != len(levels):
        raise InputError("one weight per goal is needed")
    if any(level not in GAS_LEVELS or isinstance(level, bool) for level in levels):
        raise InputError(f"GAS levels must be -2..+2, got {list(levels)}")
    if any(not w > 0 or math.isinf(w) for w in weights):
        raise InputError("GAS weights must be positive and finite")
    if not 0 <= rho < 1:
        raise InputError("rho must be in [0, 1)")
    # T does not change when every weight is scaled alike; scaling to max 1 keeps tiny or huge
    # weights from underflowing or overflowing the squares.
    largest = max(weights)
    weights = [w / largest for w in weights]
    weighted = math.fsum(w * x for w, x in zip(weights, levels, strict=True))
    squares = math.fsum(w * w for w in weights)
    total = math.fsum(weights)
    return 50.0 + 10.0 * weighted / math.sqrt((1 - rho) * squares + rho * total * total)
