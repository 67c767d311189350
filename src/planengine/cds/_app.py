"""The CDS Hooks 2.0 service as a Starlette app: discovery, the ``patient-view`` service and its
feedback endpoint, each behind the EHR's JWT; request size and time limits; CORS for SMART apps;
logs that carry no patient data (method, path, status, time, and why a token was refused)."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from planengine.cds._cards import cards_for, no_data_card
from planengine.cds._config import ServiceConfig
from planengine.cds._jwt import TokenError, TokenVerifier

__all__ = ["PREFETCH", "SERVICE_ID", "create_app"]

LOG = logging.getLogger("planengine.cds")
SERVICE_ID = "planengine-patient-view"
#: what the service asks the EHR to send; all but ``patient`` and ``goals`` (the patient's
#: own words) are required (else 412)
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "questionnaireResponses": "QuestionnaireResponse?subject={{context.patientId}}&status=completed",
    "observations": "Observation?subject={{context.patientId}}&category=survey",
    "conditions": "Condition?subject={{context.patientId}}",
    "goals": "Goal?subject={{context.patientId}}&lifecycle-status=proposed,active",
}
_REQUIRED = ("questionnaireResponses", "observations", "conditions")


class _Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


def create_app(config: ServiceConfig, engine: Any = None) -> Starlette:
    """The service. ``engine``: a :class:`planengine.Engine` (default: one with the built-ins)."""
    if engine is None:
        from planengine.plan._engine import Engine

        engine = Engine()
    service = _Service(config, engine)
    # httpx and httpcore log each request's URL at INFO/DEBUG: a FHIR search URL names the
    # patient, so their records stop at WARNING
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    routes = [
        Route("/cds-services", service.discovery, methods=["GET"]),
        Route(f"/cds-services/{SERVICE_ID}", service.call, methods=["POST"]),
        Route(f"/cds-services/{SERVICE_ID}/feedback", service.feedback, methods=["POST"]),
        Route("/plans/{token}", service.plan_page, methods=["GET"]),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.service = service
    return app


class _Service:
    def __init__(self, config: ServiceConfig, engine: Any) -> None:
        self.config = config
        self.engine = engine
        self.verifier = TokenVerifier(config)
        self.feedback_log: list[dict[str, Any]] = []
        self.pages: collections.OrderedDict[str, str] = collections.OrderedDict()

    async def discovery(self, request: Request) -> Response:
        return await self._guard(request, self._discovery)

    async def call(self, request: Request) -> Response:
        return await self._guard(request, self._call)

    async def feedback(self, request: Request) -> Response:
        return await self._guard(request, self._feedback)

    async def plan_page(self, request: Request) -> Response:
        page = self.pages.get(str(request.path_params["token"]))
        if page is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def _guard(self, request: Request, handler: Any) -> Response:
        """Authenticate, limit size and time, and log without patient data."""
        started = time.perf_counter()
        try:
            if self.config.require_auth:
                self.verifier.verify(request.headers.get("authorization"), self.config.base_url + request.url.path)
            response: Response = await asyncio.wait_for(handler(request), self.config.timeout_seconds)
        except TokenError as error:
            LOG.warning("%s %s refused: %s", request.method, request.url.path, error)
            response = JSONResponse(
                {"error": "unauthorized" if error.status == 401 else "forbidden"},
                status_code=error.status,
                headers={"WWW-Authenticate": "Bearer"} if error.status == 401 else None,
            )
        except _Refused as error:
            response = JSONResponse({"error": error.error}, status_code=error.status)
        except asyncio.TimeoutError:
            response = JSONResponse({"error": "timed out"}, status_code=503)
        LOG.info("%s %s -> %d in %.1f ms", request.method, request.url.path, response.status_code,
                 (time.perf_counter() - started) * 1000)
        return response

    async def _body(self, request: Request) -> Any:
        limit = self.config.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            raise _Refused(413, "request too large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _Refused(413, "request too large")
            chunks.append(chunk)
        try:
            return json.loads(b"".join(chunks))
        except (ValueError, UnicodeDecodeError):
            raise _Refused(400, "malformed JSON") from None

    async def _discovery(self, request: Request) -> Response:
        service = {
            "hook": "patient-view",
            "id": SERVICE_ID,
            "title": "planengine: draft therapy treatment plan",
            "description": "Scores PHQ-9, GAD-7, ISI and other questionnaires on file and proposes a draft "
            "plan of SMART goals for a clinician to review; open risk flags come first.",
            "prefetch": PREFETCH,
            "usageRequirements": "Send QuestionnaireResponses, survey Observations and Conditions "
            "(prefetch, or a FHIR server with an access token).",
        }
        return JSONResponse({"services": [service]})

    async def _call(self, request: Request) -> Response:
        body = await self._body(request)
        if not isinstance(body, Mapping) or body.get("hook") != "patient-view":
            raise _Refused(400, "expected a patient-view hook request")
        context = body.get("context")
        patient_id = context.get("patientId") if isinstance(context, Mapping) else None
        if not isinstance(patient_id, str) or not isinstance(body.get("hookInstance"), str):
            raise _Refused(400, "hookInstance and context.patientId are required")
        prefetch = await self._prefetch(body, patient_id)
        cards = await run_in_threadpool(self._cards, prefetch, patient_id)
        return JSONResponse({"cards": cards})

    async def _prefetch(self, body: Mapping[str, Any], patient_id: str) -> dict[str, Any]:
        given = body.get("prefetch")
        given = dict(given) if isinstance(given, Mapping) else {}
        missing = [
            key for key in _REQUIRED
            if key not in given or (isinstance(given[key], Mapping) and given[key].get("resourceType") == "OperationOutcome")
        ]
        if not missing:
            return given
        server, auth = body.get("fhirServer"), body.get("fhirAuthorization")
        if not isinstance(server, str) or not isinstance(auth, Mapping) or not auth.get("access_token"):
            raise _Refused(412, "required prefetch missing and no FHIR server access")
        import httpx

        headers = {"Authorization": f"Bearer {auth['access_token']}", "Accept": "application/fhir+json"}
        async with httpx.AsyncClient(timeout=self.config.timeout_seconds / 2) as client:
            for key in missing:
                query = PREFETCH[key].replace("{{context.patientId}}", patient_id)
                try:
                    reply = await client.get(f"{server.rstrip('/')}/{query}", headers=headers)
                    reply.raise_for_status()
                    given[key] = reply.json()
                except (httpx.HTTPError, ValueError):
                    LOG.warning("FHIR server read of %s failed", key)
                    raise _Refused(412, "required data could not be read from the FHIR server") from None
        return given

    def _cards(self, prefetch: Mapping[str, Any], patient_id: str) -> list[dict[str, Any]]:
        from planengine._errors import InputError
        from planengine.fhir._export import plan_to_fhir_bundle
        from planengine.fhir._import import assessments_from_fhir
        from planengine.fhir._read import iter_resources
        from planengine.io._assessment import assessment_from_mapping

        try:
            located = [
                found
                for key in PREFETCH
                if isinstance(prefetch.get(key), Mapping)
                for found in iter_resources(prefetch[key], path=f"$.prefetch.{key}")
            ]
            imported = assessments_from_fhir(located, instruments=self.engine.instruments)
            mine = [p for p in imported if p.patient_id == patient_id]
            if not mine or not mine[0].document["responses"]:
                cards = [no_data_card(patient_id)]
                return cards + ([] if not mine else self._caution_only(mine[0].notices))
            assessment = assessment_from_mapping(mine[0].document, instruments=self.engine.instruments)
        except InputError as error:
            LOG.warning("prefetch refused at %s", error.path)  # the path only: values may be PHI
            raise _Refused(422, "prefetch could not be read as assessments") from None
        as_of = self.config.as_of or dt.datetime.now(dt.timezone.utc).date()
        plan = self.engine.plan(assessment, as_of=as_of)
        bundle = plan_to_fhir_bundle(plan, assessment=assessment, instruments=self.engine.instruments)
        return cards_for(plan, bundle, mine[0].notices, self._page_link(plan, str(bundle["id"])))

    def _caution_only(self, notices: tuple[str, ...]) -> list[dict[str, Any]]:
        from planengine.cds._cards import _caution_card

        return [_caution_card(n, "no-responses") for n in notices if "not recorded" in n]

    def _page_link(self, plan: Any, bundle_id: str) -> str:
        """Keep the clinician's HTML plan under an unguessable, expiring-by-count link."""
        from planengine.render._plan import RENDERER_BY_NAME

        token = hmac.new(self.config.link_secret, bundle_id.encode(), hashlib.sha256).hexdigest()
        if token not in self.pages:
            self.pages[token] = RENDERER_BY_NAME["html"](plan)
            while len(self.pages) > 256:
                self.pages.popitem(last=False)
        return f"{self.config.base_url}/plans/{token}"

    async def _feedback(self, request: Request) -> Response:
        body = await self._body(request)
        entries = body.get("feedback") if isinstance(body, Mapping) else None
        if not isinstance(entries, list) or not entries:
            raise _Refused(400, "expected {\"feedback\": [...]}")
        recorded = []
        for entry in entries:
            if not isinstance(entry, Mapping) or entry.get("outcome") not in ("accepted", "overridden") \
                    or not isinstance(entry.get("card"), str) or not isinstance(entry.get("outcomeTimestamp"), str):
                raise _Refused(400, "each feedback needs card, outcome (accepted|overridden) and outcomeTimestamp")
            if entry["outcome"] == "accepted" and not entry.get("acceptedSuggestions"):
                raise _Refused(400, "accepted feedback needs acceptedSuggestions")
            given = entry.get("overrideReason")
            reason: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
            recorded.append({
                "card": entry["card"],
                "outcome": entry["outcome"],
                "acceptedSuggestions": [s.get("id") for s in entry.get("acceptedSuggestions", ()) if isinstance(s, Mapping)],
                "reason": (reason.get("reason") or {}).get("code"),
                "userComment": reason.get("userComment"),
                "outcomeTimestamp": entry["outcomeTimestamp"],
            })
            # the comment may name the patient: kept, never logged
            LOG.info("feedback card=%s outcome=%s reason=%s", entry["card"], entry["outcome"], recorded[-1]["reason"])
        self.feedback_log.extend(recorded)
        return JSONResponse({})
