"""The CDS Hooks 2.0 service (``planengine serve``, the ``server`` extra): discovery, a
``patient-view`` service whose cards carry open risk flags first and a draft plan as a FHIR
transaction Bundle, and feedback; JWT security as CDS Hooks 2.0 requires. docs/cds-hooks.md
walks through a call."""

from __future__ import annotations

from planengine.cds._app import PREFETCH, SERVICE_ID, create_app
from planengine.cds._config import ServiceConfig, config_from_mapping

__all__ = ["PREFETCH", "SERVICE_ID", "ServiceConfig", "config_from_mapping", "create_app"]
