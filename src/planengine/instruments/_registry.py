"""The :class:`InstrumentRegistry`: the instruments a run can use, by id (the built-ins, plus
plugin instruments, with a clinic's overrides applied)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from planengine._errors import PluginError, UnknownNameError
from planengine.instruments._data_files import builtin_instruments
from planengine.instruments._instrument import Instrument

__all__ = ["InstrumentRegistry"]


class InstrumentRegistry:
    """Immutable mapping of instrument id -> :class:`Instrument`: the built-ins plus plugin ones.

    ``InstrumentRegistry()`` holds the built-ins; :meth:`extended` adds plugin instruments and
    :meth:`with_overrides` applies configuration, each returning a new registry.
    """

    __slots__ = ("_instruments",)
    _instruments: Mapping[str, Instrument]

    def __init__(self, instruments: Iterable[Instrument] | None = None) -> None:
        """:param instruments: the instruments to hold; the built-ins when omitted."""
        chosen = builtin_instruments() if instruments is None else tuple(instruments)
        table: dict[str, Instrument] = {}
        for instrument in chosen:
            _add(table, instrument)
        object.__setattr__(self, "_instruments", MappingProxyType(table))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("InstrumentRegistry is immutable")

    def extended(self, instruments: Iterable[Instrument]) -> InstrumentRegistry:
        """A new registry with ``instruments`` added.

        :raises PluginError: when an id is already taken (naming the instrument's ``source``).
        """
        return InstrumentRegistry([*self._instruments.values(), *instruments])

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> InstrumentRegistry:
        """A new registry with :meth:`Instrument.with_overrides` applied per instrument id.

        :raises UnknownNameError: for an unknown instrument id.
        """
        changed = dict(self._instruments)
        for instrument_id, instrument_overrides in overrides.items():
            changed[instrument_id] = self.get(instrument_id).with_overrides(instrument_overrides)
        return InstrumentRegistry(changed.values())

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id.

        :raises UnknownNameError: listing the known ids.
        """
        try:
            return self._instruments[instrument_id]
        except (KeyError, TypeError):
            known = ", ".join(self.ids())
            raise UnknownNameError(
                f"unknown instrument {instrument_id!r}; known instruments: {known}"
            ) from None

    __getitem__ = get

    def ids(self) -> tuple[str, ...]:
        """The known instrument ids, sorted."""
        return tuple(sorted(self._instruments))

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._instruments

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __len__(self) -> int:
        return len(self._instruments)

    def values(self) -> tuple[Instrument, ...]:
        """The instruments, in id order."""
        return tuple(self._instruments[i] for i in self.ids())

    def __repr__(self) -> str:
        return f"InstrumentRegistry({', '.join(self.ids())})"


def _add(table: dict[str, Instrument], instrument: Instrument) -> None:
    if not isinstance(instrument, Instrument):
        raise TypeError(f"expected an Instrument, got {type(instrument).__name__}")
    existing = table.get(instrument.id)
    if existing is not None:
        raise PluginError(
            f"instrument id {instrument.id!r} is already registered by {existing.source!r}",
            plugin=instrument.source,
        )
    table[instrument.id] = instrument
