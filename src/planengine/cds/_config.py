"""The CDS service's settings: its public URL (the JWT audience), the EHRs it trusts (issuer ->
JWKS file or URL), limits, CORS origins. Read from a YAML/JSON file by ``planengine serve``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from planengine._errors import ConfigError

__all__ = ["ServiceConfig", "config_from_mapping"]


@attrs.frozen
class ServiceConfig:
    """How the CDS Hooks service runs.

    :ivar base_url: the service's public base URL, without ``/cds-services``: a JWT's ``aud``
        must be this plus the path called (CDS Hooks 2.0 §Security).
    :ivar issuers: allowed ``iss`` -> the JWKS holding its keys: a file path or an https URL.
    :ivar require_auth: ``False`` only for a local demo; every call then runs without a JWT.
    :ivar max_body_bytes: a larger request gets 413.
    :ivar timeout_seconds: a call that takes longer gets 503.
    :ivar cors_origins: origins of SMART apps allowed to call from a browser.
    :ivar as_of: the planning date (``None``: today, UTC); fixed in tests for repeatable cards.
    :ivar link_secret: keys the unguessable links to the clinician's HTML plan.
    """

    base_url: str
    issuers: Mapping[str, str] = attrs.field(factory=dict)
    require_auth: bool = True
    max_body_bytes: int = 1_000_000
    timeout_seconds: float = 5.0
    cors_origins: tuple[str, ...] = ()
    as_of: dt.date | None = None
    link_secret: bytes = b""
    max_token_lifetime_seconds: int = 300
    leeway_seconds: int = 30


def config_from_mapping(data: Any, *, file: str | None = None) -> ServiceConfig:
    """A :class:`ServiceConfig` from a parsed settings file.

    :raises ConfigError: naming the setting that is wrong.
    """
    import secrets

    where = f"{file}: " if file else ""
    if not isinstance(data, Mapping) or not isinstance(data.get("base_url"), str):
        raise ConfigError(f"{where}base_url: the service's public URL is required (the JWT audience)")
    issuers = data.get("issuers") or {}
    if not isinstance(issuers, Mapping) or not all(isinstance(v, str) for v in issuers.values()):
        raise ConfigError(f"{where}issuers: must map each allowed iss to a JWKS file or URL")
    require_auth = data.get("require_auth", True)
    if require_auth and not issuers:
        raise ConfigError(f"{where}issuers: no EHR is trusted; list at least one (or require_auth: false for a demo)")
    secret = data.get("link_secret")
    return ServiceConfig(
        base_url=data["base_url"].rstrip("/"),
        issuers=dict(issuers),
        require_auth=bool(require_auth),
        max_body_bytes=int(data.get("max_body_bytes", 1_000_000)),
        timeout_seconds=float(data.get("timeout_seconds", 5.0)),
        cors_origins=tuple(data.get("cors_origins", ())),
        link_secret=str(secret).encode() if secret else secrets.token_bytes(32),
    )
