"""The plan's input hash: SHA-256 of the assessment's canonical JSON, then the recorded choices.

The canonical JSON has sorted keys, no spaces and UTF-8 characters kept, as the standard
library writes it with ``json.JSONEncoder(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``. orjson writes the same text about six times faster for what the form
holds: string keys, strings, whole numbers of 64 bits, ``None``, booleans, lists and dicts (the
answers as the engine read them are whole numbers, never floats, which orjson would write in
another notation). What orjson refuses (a lone surrogate, a number beyond 64 bits, a key that is
no string) goes to the standard library, which writes it as before or raises as before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from planengine._digest import sha256
from planengine._errors import InputError

__all__ = ["canonical_json", "input_sha256"]

#: The standard library's form of the same text: configuration only, no state.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_SORTED = orjson.OPT_SORT_KEYS


def canonical_json(form: Any) -> bytes:
    """``form``'s canonical JSON text, UTF-8 encoded.

    :raises UnicodeEncodeError: for a string with a lone surrogate (no character at all).
    """
    try:
        return orjson.dumps(form, option=_SORTED)
    except TypeError:  # orjson.JSONEncodeError is one: the standard library decides
        return _CANONICAL_JSON.encode(form).encode()


def input_sha256(
    assessment: Any, answers_read: Sequence[Sequence[int | None]], choices: Mapping[str, str]
) -> str:
    """The hex SHA-256 of the assessment's canonical form (``answers_read``: each response's
    answers as the engine read them) followed, when there are any, by the recorded choices'.

    :raises InputError: for text with an unpaired UTF-16 surrogate (an assessment built in
        code), naming the assessment's file.
    """
    try:
        canonical = canonical_json(assessment.normalised(answers_read))
        if choices:  # a recorded choice is input too (no choice: the assessment's hash alone)
            canonical += canonical_json({"choices": dict(choices)})
    except UnicodeEncodeError as error:
        raise InputError(
            f"text contains an unpaired UTF-16 surrogate ({error.object[error.start]!r}), "
            "which is not a character",
            file=assessment.source,
        ) from None
    return str(sha256(canonical).hexdigest())
