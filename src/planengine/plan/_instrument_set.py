"""The instruments a plan, a lint and a review all use: the built-in ones, those plugins register,
and the clinic's configured overrides, collected once so that every command judges change by the
same numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planengine._errors import ConfigError, PluginError
from planengine._plugins import call_each

__all__ = ["collect_instruments"]


def collect_instruments(
    manager: Any,
    *,
    overrides: Mapping[str, Mapping[str, Any]],
    strict: bool,
    on_error: Any,
) -> dict[str, Any]:
    """The built-in instruments, those plugins register, and the configured overrides applied.

    Planning and review both take their instruments from here, so they agree on every threshold.

    :param manager: the pluggy manager whose ``register_instruments`` hooks are called
        (``None``: no plugins).
    :param overrides: instrument id -> overrides (:meth:`Instrument.with_overrides`).
    :param strict: a failing hook raises :class:`PluginError` instead of going to ``on_error``.
    :param on_error: called with the :class:`PluginError` of a hook that failed.
    :raises ConfigError: for overrides of an unknown instrument, or malformed overrides.
    """
    from planengine.instruments._build import instrument_from_mapping
    from planengine.instruments._data_files import load_builtin_instruments
    from planengine.instruments._instrument import Instrument
    from planengine.plan._risk_wording import no_risk_claim_path

    instruments: dict[str, Any] = dict(load_builtin_instruments())

    def bind(plugin: str) -> dict[str, Any]:
        def register(item: Any) -> None:
            instrument = (
                item
                if isinstance(item, Instrument)
                else instrument_from_mapping(item, source=plugin)
            )
            if instrument.id in instruments:
                raise PluginError(
                    f"instrument id {instrument.id!r} is already registered", plugin=plugin
                )
            claim = no_risk_claim_path(instrument.to_dict())
            if claim is not None:  # its texts go into findings, plans and reviews
                raise PluginError(
                    f"instrument {instrument.id!r}: the text at {claim} rules out risk, which "
                    "only a clinician's assessment can do",
                    plugin=plugin,
                )
            instruments[instrument.id] = instrument

        return {"register": register}

    if manager is not None:
        call_each(manager, "register_instruments", bind, strict=strict, on_error=on_error)
    for instrument_id, changes in overrides.items():
        if instrument_id not in instruments:  # a misspelt id would silently change nothing
            raise ConfigError(
                f"instrument-overrides: unknown instrument {instrument_id!r}; known: "
                + ", ".join(sorted(instruments))
            )
        try:
            instruments[instrument_id] = instruments[instrument_id].with_overrides(changes)
        except ConfigError as error:  # its message starts with the instrument id
            raise ConfigError(f"instrument-overrides.{error}") from None
    return instruments
