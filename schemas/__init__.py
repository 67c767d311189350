"""The JSON Schemas (draft 2020-12) shipped with planengine, loaded by name.

The files live in the repository's top-level ``schemas/`` folder and are installed as the
``planengine.schemas`` package, so ``importlib.resources`` finds them in wheels and editable installs.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

__all__ = ["load", "names"]


def names() -> list[str]:
    """The names of the bundled schemas, sorted (``assessment``, ``goal``, ``plan``, ...)."""
    suffix = ".schema.json"
    try:  # listed from this package's folder (importlib.resources costs a start milliseconds)
        found = os.listdir(os.path.dirname(os.path.abspath(__file__)))
    except OSError:
        from importlib import resources

        found = [entry.name for entry in resources.files(__name__).iterdir()]
    return sorted(name[: -len(suffix)] for name in found if name.endswith(suffix))


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """Return the parsed schema called ``name``.

    :raises planengine.UnknownNameError: when no schema has that name.
    """
    file_name = f"{name}.schema.json"
    # read from this package's folder (importlib.resources costs milliseconds on first use);
    # through importlib.resources where the package is not a folder
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name)
    if "/" not in name and os.sep not in name and os.path.isfile(here):
        with open(here, encoding="utf-8") as file:
            text = file.read()
    else:
        from importlib import resources

        resource = resources.files(__name__) / file_name
        if not resource.is_file():
            from planengine._errors import UnknownNameError

            known = ", ".join(names())
            raise UnknownNameError(f"no schema named {name!r}; known schemas: {known}")
        text = resource.read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result
