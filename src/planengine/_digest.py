"""SHA-256 without loading OpenSSL: CPython's own module where there is one (``hashlib``
loads OpenSSL first, about 3 ms of a start), else ``hashlib``'s. The same digest either way."""

from __future__ import annotations

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing ``typing``
if TYPE_CHECKING:
    from typing import Any

__all__ = ["blake2b", "sha256"]


def _sha256_function() -> Any:
    """SHA-256 from CPython's own module (``hashlib`` loads OpenSSL first: about 3 ms of a start);
    ``hashlib``'s on other Pythons. The same digest either way."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found]  # Python 3.10, 3.11
        except ImportError:
            from hashlib import sha256
    return sha256


#: ``sha256(data)``: a hash object, as ``hashlib.sha256``
sha256 = _sha256_function()


def _blake2b_function() -> Any:
    """BLAKE2b from CPython's own ``_blake2`` module (``hashlib`` would load OpenSSL, about
    2 ms); ``hashlib``'s on other Pythons. The same digest either way."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b


#: ``blake2b(data, digest_size=...)``: a hash object, as ``hashlib.blake2b`` (the caches' keys and
#: the hashes that guard their files)
blake2b = _blake2b_function()
