"""Names a package exports but imports only when first read (PEP 562), so that importing the
package costs only its ``__init__``: each package keeps its table of name -> module and hands it
here from its own ``__getattr__``."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping

__all__ = ["exported_attribute"]


def exported_attribute(
    namespace: MutableMapping[str, object], exports: Mapping[str, str], name: str
) -> object:
    """The exported ``name`` of the package whose globals are ``namespace``, imported from the
    module ``exports`` names and kept in the namespace, so it is looked up only once."""
    module_name = exports.get(name)
    if module_name is None:
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    namespace[name] = value
    return value
