"""The CDS Hooks 2.0 service, started for real on loopback and called over HTTP: discovery, every
card type, the feedback endpoint, every bad-token case, malformed, oversized and
missing-prefetch requests, the FHIR-server fallback, CORS, logs free of patient data, and a
bounded load test (bench/cds_load.py runs the bigger one)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import pathlib
import statistics
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cds_helpers import ISSUER, Keys, free_port, patient_view, serving
from conftest import AS_OF, EXAMPLES
from planengine.cds import SERVICE_ID, ServiceConfig, create_app
from planengine.fhir import validate_bundle
from planengine.plan._risk_wording import claims_no_risk

MODERATE = EXAMPLES / "moderate-phq9-gad7-isi.yaml"
SEVERE = EXAMPLES / "severe-with-risk-flag.yaml"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def logs() -> Iterator[_Records]:
    handler = _Records()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def server(keys: Keys, engine: Any, logs: _Records) -> Iterator[tuple[str, Any]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = ServiceConfig(base_url=base, issuers={ISSUER: str(keys.jwks)}, as_of=AS_OF,
                           cors_origins=("https://smart-app.example.org",), max_body_bytes=200_000,
                           link_secret=b"test")
    app = create_app(config, engine)
    with serving(app, port):
        yield base, app.state.service


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def _call(client: httpx.Client, base: str, keys: Keys, body: Any, **token: Any) -> httpx.Response:
    url = f"{base}/cds-services/{SERVICE_ID}"
    return client.post(url, json=body, headers={"Authorization": f"Bearer {keys.token(url, **token)}"})


def test_discovery(server: tuple[str, Any], keys: Keys, client: httpx.Client) -> None:
    base, _ = server
    url = f"{base}/cds-services"
    reply = client.get(url, headers={"Authorization": f"Bearer {keys.token(url)}"})
    assert reply.status_code == 200
    (service,) = reply.json()["services"]
    assert service["hook"] == "patient-view" and service["id"] == SERVICE_ID
    assert {"questionnaireResponses", "observations", "conditions"} <= set(service["prefetch"])
    assert client.get(url).status_code == 401


def _check_card(card: dict[str, Any]) -> None:
    assert len(card["summary"]) < 140 and card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"] and card["uuid"]
    if "suggestions" in card:
        assert card["selectionBehavior"] in ("at-most-one", "any")
    for text in (card["summary"], card.get("detail", "")):
        assert not claims_no_risk(text), text


def test_moderate_example_gives_a_plan_card_with_a_bundle_and_a_link(
    server: tuple[str, Any], keys: Keys, client: httpx.Client
) -> None:
    base, _ = server
    reply = _call(client, base, keys, patient_view(MODERATE))
    assert reply.status_code == 200
    (card,) = reply.json()["cards"]
    _check_card(card)
    assert card["indicator"] == "info" and card["selectionBehavior"] == "at-most-one"
    (action,) = card["suggestions"][0]["actions"]
    assert action["type"] == "create" and validate_bundle(action["resource"]) == []
    care_plan = next(e["resource"] for e in action["resource"]["entry"] if e["resource"]["resourceType"] == "CarePlan")
    assert (care_plan["status"], care_plan["intent"]) == ("draft", "proposal")
    (link,) = card["links"]
    page = client.get(link["url"])
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert client.get(f"{base}/plans/not-a-token").status_code == 404


def test_an_open_risk_flag_is_a_critical_card_first(server: tuple[str, Any], keys: Keys, client: httpx.Client) -> None:
    base, _ = server
    cards = _call(client, base, keys, patient_view(SEVERE)).json()["cards"]
    for card in cards:
        _check_card(card)
    assert cards[0]["indicator"] == "critical"
    assert "risk assessment today" in cards[0]["summary"]
    assert cards[-1]["indicator"] == "warning"  # the plan card, while the flag is open


def test_totals_only_and_no_data_cards(server: tuple[str, Any], keys: Keys, client: httpx.Client) -> None:
    base, _ = server
    body = patient_view(MODERATE)
    body["prefetch"]["questionnaireResponses"] = None  # the query found nothing
    body["prefetch"]["observations"] = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
        "resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/P-1042"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "effectiveDateTime": "2026-11-20", "valueQuantity": {"value": 16}}}]}
    cards = _call(client, base, keys, body).json()["cards"]
    assert [c["indicator"] for c in cards] == ["info", "warning"]
    for card in cards:
        _check_card(card)
    assert "item 9" in cards[1]["summary"]


def test_missing_prefetch_is_412_and_the_fhir_server_is_read_instead(
    server: tuple[str, Any], keys: Keys, client: httpx.Client
) -> None:
    base, _ = server
    assert _call(client, base, keys, patient_view(MODERATE, prefetch=False)).status_code == 412
    full = patient_view(MODERATE)["prefetch"]
    kinds = {"QuestionnaireResponse": "questionnaireResponses", "Observation": "observations",
             "Condition": "conditions", "Goal": "goals"}
    seen_tokens: list[str] = []

    async def search(request: Request) -> JSONResponse:
        seen_tokens.append(request.headers.get("authorization", ""))
        return JSONResponse(full[kinds[request.path_params["kind"]]])

    fhir = Starlette(routes=[Route("/fhir/{kind}", search)])
    port = free_port()
    with serving(fhir, port) as fhir_base:
        body = patient_view(MODERATE, prefetch=False) | {
            "fhirServer": f"{fhir_base}/fhir",
            "fhirAuthorization": {"access_token": "abc", "token_type": "Bearer", "expires_in": 300,
                                  "scope": "patient/*.read", "subject": "planengine"},
        }
        reply = _call(client, base, keys, body)
    assert reply.status_code == 200 and reply.json()["cards"][-1]["suggestions"]
    assert seen_tokens and set(seen_tokens) == {"Bearer abc"}


@pytest.mark.parametrize(
    "case",
    ["none", "garbage", "expired", "wrong-aud", "unknown-iss", "alg-none", "hs384", "rs256",
     "wrong-key", "no-jti", "no-iat", "unknown-kid", "too-long"],
)
def test_every_bad_token_is_refused_without_detail(
    server: tuple[str, Any], keys: Keys, client: httpx.Client, case: str
) -> None:
    base, _ = server
    url = f"{base}/cds-services/{SERVICE_ID}"
    tokens: dict[str, Any] = {
        "none": None,
        "garbage": "not.a.jwt",
        "expired": lambda: keys.token(url, iat_offset=-600),
        "wrong-aud": lambda: keys.token(f"{base}/cds-services"),
        "unknown-iss": lambda: keys.token(url, iss="https://evil.example.org"),
        "alg-none": lambda: jwt.encode({"iss": ISSUER, "aud": url, "iat": int(time.time()), "exp": int(time.time()) + 60,
                                        "jti": "x"}, None, algorithm="none", headers={"kid": "ec-1"}),
        "hs384": lambda: jwt.encode({"iss": ISSUER, "aud": url, "iat": int(time.time()), "exp": int(time.time()) + 60,
                                     "jti": "y"}, keys.jwks.read_text() * 2, algorithm="HS384", headers={"kid": "ec-1"}),
        "rs256": lambda: keys.token(url, alg="RS256"),
        "wrong-key": lambda: keys.token(url, key=ec.generate_private_key(ec.SECP384R1())),
        "no-jti": lambda: keys.token(url, jti=None),
        "no-iat": lambda: keys.token(url, iat=None),
        "unknown-kid": lambda: keys.token(url, kid="nope"),
        "too-long": lambda: keys.token(url, lifetime=86_400),
    }
    made = tokens[case]
    token = made() if callable(made) else made
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    reply = client.post(url, json=patient_view(MODERATE), headers=headers)
    assert reply.status_code == 401
    assert reply.json() == {"error": "unauthorized"}


def test_a_replayed_jti_is_refused(server: tuple[str, Any], keys: Keys, client: httpx.Client) -> None:
    base, _ = server
    url = f"{base}/cds-services/{SERVICE_ID}"
    token = keys.token(url, alg="RS384")
    first = client.post(url, json=patient_view(MODERATE), headers={"Authorization": f"Bearer {token}"})
    second = client.post(url, json=patient_view(MODERATE), headers={"Authorization": f"Bearer {token}"})
    assert (first.status_code, second.status_code) == (200, 403)
    assert second.json() == {"error": "forbidden"}


def test_malformed_and_oversized_requests(server: tuple[str, Any], keys: Keys, client: httpx.Client) -> None:
    base, _ = server
    url = f"{base}/cds-services/{SERVICE_ID}"

    def post(content: bytes) -> int:
        return client.post(url, content=content, headers={"Authorization": f"Bearer {keys.token(url)}",
                                                          "Content-Type": "application/json"}).status_code

    assert post(b"{not json") == 400
    assert post(b'{"hook": "order-sign"}') == 400
    assert post(b'{"hook": "patient-view", "context": {}}') == 400
    assert post(b"[" + b"1," * 150_000 + b"1]") == 413
    bad = patient_view(MODERATE)
    bad["prefetch"]["questionnaireResponses"]["entry"][0]["resource"]["item"][0]["answer"] = [{"valueString": "x"}]
    assert _call(client, base, keys, bad).status_code == 422


def test_feedback_records_accepted_and_overridden_cards(
    server: tuple[str, Any], keys: Keys, client: httpx.Client
) -> None:
    base, service = server
    url = f"{base}/cds-services/{SERVICE_ID}/feedback"
    cards = _call(client, base, keys, patient_view(SEVERE)).json()["cards"]
    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc).isoformat()
    feedback = {"feedback": [
        {"card": cards[-1]["uuid"], "outcome": "accepted", "outcomeTimestamp": now,
         "acceptedSuggestions": [{"id": cards[-1]["suggestions"][0]["uuid"]}]},
        {"card": cards[0]["uuid"], "outcome": "overridden", "outcomeTimestamp": now,
         "overrideReason": {"reason": cards[0]["overrideReasons"][0], "userComment": "seen in clinic"}},
    ]}
    reply = client.post(url, json=feedback, headers={"Authorization": f"Bearer {keys.token(url)}"})
    assert reply.status_code == 200
    assert [(f["card"], f["outcome"]) for f in service.feedback_log[-2:]] == [
        (cards[-1]["uuid"], "accepted"), (cards[0]["uuid"], "overridden")]
    assert service.feedback_log[-1]["reason"] == "already-addressed"
    bad = client.post(url, json={"feedback": [{"card": "x", "outcome": "liked"}]},
                      headers={"Authorization": f"Bearer {keys.token(url)}"})
    assert bad.status_code == 400


def test_cors_for_smart_apps(server: tuple[str, Any], client: httpx.Client) -> None:
    base, _ = server
    reply = client.options(f"{base}/cds-services", headers={
        "Origin": "https://smart-app.example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert reply.headers["access-control-allow-origin"] == "https://smart-app.example.org"
    other = client.options(f"{base}/cds-services", headers={
        "Origin": "https://elsewhere.example.org", "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in other.headers


def test_bounded_load_no_failures_stable_memory(server: tuple[str, Any], keys: Keys) -> None:
    """400 calls from 16 clients on loopback: every one answered with the same cards."""
    base, _ = server
    url = f"{base}/cds-services/{SERVICE_ID}"
    body = patient_view(MODERATE)
    tokens = [keys.token(url) for _ in range(400)]

    def one(token: str, http: httpx.Client) -> tuple[int, float]:
        started = time.perf_counter()
        reply = http.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
        return reply.status_code, time.perf_counter() - started

    def run(chunk: list[str]) -> list[tuple[int, float]]:
        with httpx.Client(timeout=30) as http:
            return [one(t, http) for t in chunk]

    rss_before = _rss_mb()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = [r for part in pool.map(run, [tokens[i::16] for i in range(16)]) for r in part]
    growth = _rss_mb() - rss_before
    latencies = sorted(t for _, t in results)
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]
    print(f"\nCDS load: {len(results)} calls, p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, RSS +{growth:.1f} MB")
    assert {status for status, _ in results} == {200}
    assert growth < 100


def _rss_mb() -> float:
    path = pathlib.Path("/proc/self/statm")
    if not path.exists():
        return 0.0
    import os

    return int(path.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def test_logs_carry_no_patient_data(server: tuple[str, Any], keys: Keys, client: httpx.Client, logs: _Records) -> None:
    """Runs last in this module: every log line of every call above, scanned."""
    base, _ = server
    _call(client, base, keys, patient_view(SEVERE))
    text = "\n".join(logs.lines)
    assert "/cds-services" in text, "the service does log its calls"
    for phi in ("P-1042", "P-3307", "sleep through the night", "feel like myself", "seen in clinic"):
        assert phi not in text
