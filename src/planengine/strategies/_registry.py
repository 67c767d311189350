"""Registering strategies: what the ``register_strategies`` hooks hand over, checked one by one
(the :class:`~planengine.Strategy` protocol, a unique id, areas and instruments the engine knows,
the status), so that a bad registration is reported with the plugin that made it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from planengine._errors import PluginError
from planengine._model import Notice
from planengine._plugins import LoadedPlugins, call_each
from planengine.hookspecs import Strategy

__all__ = ["RegisteredStrategy", "collect_strategies"]


@attrs.frozen
class RegisteredStrategy:
    """A strategy and the plugin that registered it."""

    plugin: str
    strategy: Any


def collect_strategies(
    loaded: LoadedPlugins,
    vocabulary: Any,
    instruments: Mapping[str, Any],
    *,
    allow_drafts: bool,
    strict: bool,
    notices: list[Notice],
    on_error: Callable[[PluginError], None],
) -> tuple[RegisteredStrategy, ...]:
    """The strategies the plugins register, each checked as it arrives (a
    :class:`~planengine.Strategy`, a unique id, known areas and instruments), highest priority
    first; drafts (unless allowed) and retired ones are refused with a notice.

    :raises PluginError: in strict mode, for the first registration that fails its checks.
    """
    from planengine.strategies._validation import unknown_instrument_ids, unknown_vocabulary

    areas = vocabulary.areas

    found: dict[str, RegisteredStrategy] = {}

    def bind(plugin: str) -> dict[str, Any]:
        def register(strategy: Any) -> None:
            if not isinstance(strategy, Strategy):  # the Protocol's attributes, by name
                wanted = (*Strategy.__annotations__, "propose")
                missing = next(n for n in wanted if not hasattr(strategy, n))
                raise PluginError(f"strategy object has no {missing!r}", plugin=plugin)
            if strategy.id in found:
                other = found[strategy.id].plugin
                raise PluginError(
                    f"strategy id {strategy.id!r} is already registered by {other!r}",
                    plugin=plugin,
                )
            unknown = [a for a in strategy.areas if a not in areas]
            if unknown:
                raise PluginError(
                    f"strategy {strategy.id!r} names unknown areas {unknown}", plugin=plugin
                )
            data = getattr(strategy, "data", None)
            misspelt = (
                unknown_instrument_ids(data, instruments)
                if isinstance(data, Mapping)
                else None
            )
            if misspelt is not None:
                raise PluginError(f"strategy {strategy.id!r}: {misspelt}", plugin=plugin)
            unknown_id = (
                unknown_vocabulary(data, vocabulary.areas, vocabulary.conditions)
                if isinstance(data, Mapping)
                else None
            )
            if unknown_id is not None:
                raise PluginError(
                    f"strategy {strategy.id!r}: {unknown_id[0]}: {unknown_id[1]}", plugin=plugin
                )
            if strategy.status == "retired" or (
                strategy.status == "draft" and not allow_drafts
            ):
                notices.append(
                    Notice(
                        "strategy.refused",
                        f"strategy {strategy.id!r} ({strategy.status}) from plugin {plugin!r} was not used: "
                        + (
                            "retired"
                            if strategy.status == "retired"
                            else "drafts need allow_draft_strategies"
                        ),
                        f"plugin:{plugin}",
                    )
                )
                return
            found[strategy.id] = RegisteredStrategy(plugin, strategy)

        return {"register": register}

    call_each(loaded.manager, "register_strategies", bind, strict=strict, on_error=on_error)
    return tuple(sorted(found.values(), key=lambda r: (-r.strategy.priority, r.strategy.id)))
