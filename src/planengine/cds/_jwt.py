"""Checking the EHR's JSON Web Token as CDS Hooks 2.0 §Security requires: ES384 or RS384 only
(never ``none`` or HMAC), ``kid`` and ``typ`` in the header, an allowed ``iss`` whose key comes
from its configured JWKS, ``aud`` equal to the URL called, ``exp`` and ``iat`` present and
current, and a ``jti`` not seen before within the token's lifetime (replay)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from planengine.cds._config import ServiceConfig

__all__ = ["ALGORITHMS", "TokenError", "TokenVerifier"]

#: the asymmetric algorithms CDS Hooks recommends; everything else is refused
ALGORITHMS = ("ES384", "RS384")


class TokenError(Exception):
    """A token that is refused: ``status`` 401 (not authenticated) or 403 (replayed).

    The reason is for the service's own log, never sent to the caller.
    """

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.status = status


class TokenVerifier:
    """Verifies bearer tokens against the configured issuers; remembers ``jti`` until expiry."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self._keys: dict[str, Any] = {}
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def verify(self, authorization: str | None, audience: str) -> Mapping[str, Any]:
        """The verified claims of ``Authorization: Bearer <JWT>``.

        :raises TokenError: for anything short of a valid, fresh, unreplayed token.
        """
        import jwt

        if not authorization or not authorization.startswith("Bearer "):
            raise TokenError("no bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise TokenError(f"malformed token: {type(error).__name__}") from None
        if header.get("alg") not in ALGORITHMS:
            raise TokenError(f"algorithm {header.get('alg')!r} refused")
        if header.get("typ") not in ("JWT", None) or not header.get("kid"):
            raise TokenError("header needs typ JWT and a kid")
        issuer = unverified.get("iss")
        if not isinstance(issuer, str) or issuer not in self.config.issuers:
            raise TokenError("issuer not allowed")
        key = self._key(issuer, str(header["kid"]))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=list(ALGORITHMS),
                audience=audience,
                issuer=issuer,
                leeway=self.config.leeway_seconds,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.PyJWTError as error:
            raise TokenError(f"token refused: {type(error).__name__}") from None
        if claims["exp"] - claims["iat"] > self.config.max_token_lifetime_seconds + self.config.leeway_seconds:
            raise TokenError("token lifetime too long")
        self._remember(issuer, str(claims["jti"]), float(claims["exp"]))
        return claims

    def _key(self, issuer: str, kid: str) -> Any:
        import jwt

        cache_key = f"{issuer}\x1f{kid}"
        if cache_key in self._keys:
            return self._keys[cache_key]
        source = self.config.issuers[issuer]
        try:
            if source.startswith(("https://", "http://")):
                key = jwt.PyJWKClient(source, timeout=5).get_signing_key(kid).key
            else:
                with open(source, encoding="utf-8") as handle:
                    key = jwt.PyJWKSet.from_json(handle.read())[kid].key
        except (jwt.PyJWTError, KeyError, OSError) as error:
            raise TokenError(f"no key {kid!r} for the issuer: {type(error).__name__}") from None
        self._keys[cache_key] = key
        return key

    def _remember(self, issuer: str, jti: str, expires: float) -> None:
        now = time.time()
        with self._lock:
            if len(self._seen) > 10_000:  # forget expired ids; a live one is never forgotten
                self._seen = {k: v for k, v in self._seen.items() if v + self.config.leeway_seconds > now}
            if (issuer, jti) in self._seen:
                raise TokenError("jti replayed", status=403)
            self._seen[(issuer, jti)] = expires
