"""Shared pieces of the CDS Hooks tests and bench: keys and JWKS, signed tokens, a real uvicorn
server on loopback in a thread, and a patient-view request built from an example assessment."""

from __future__ import annotations

import contextlib
import json
import pathlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from planengine import load_assessment
from planengine.fhir import assessment_to_fhir

ISSUER = "https://ehr.example.org"


class Keys:
    """An ES384 and an RS384 key of the trusted EHR, and the JWKS file that publishes them."""

    def __init__(self, folder: pathlib.Path) -> None:
        self.ec = ec.generate_private_key(ec.SECP384R1())
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        keys = []
        for kid, key, alg in (("ec-1", self.ec, "ES384"), ("rsa-1", self.rsa, "RS384")):
            jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
            keys.append(jwk | {"kid": kid, "alg": alg, "use": "sig"})
        self.jwks = folder / "jwks.json"
        self.jwks.write_text(json.dumps({"keys": keys}))

    def token(self, aud: str, *, alg: str = "ES384", kid: str | None = None, key: Any = None,
              lifetime: int = 120, iat_offset: int = 0, **claims: Any) -> str:
        """A signed token; any claim may be overridden or removed (``claim=None``)."""
        now = int(time.time()) + iat_offset
        body = {"iss": ISSUER, "aud": aud, "iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4())}
        body = {k: v for k, v in (body | claims).items() if v is not None}
        if key is None:
            key = self.ec if alg.startswith("ES") else self.rsa
        header = {"kid": kid or ("ec-1" if alg.startswith("ES") else "rsa-1"), "typ": "JWT"}
        return jwt.encode(body, key, algorithm=alg, headers=header)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(app: Any, port: int) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1:``port`` in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def patient_view(example: pathlib.Path, *, prefetch: bool = True) -> dict[str, Any]:
    """A patient-view request whose prefetch is the FHIR form of an example assessment."""
    assessment = load_assessment(example)
    resources = [e["resource"] for e in assessment_to_fhir(assessment)["entry"]]

    def searchset(kind: str) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == kind]}

    patients = [r for r in resources if r["resourceType"] == "Patient"]
    request: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid5(uuid.NAMESPACE_URL, str(example))),
        "context": {"userId": "Practitioner/dr-1", "patientId": assessment.patient_id},
    }
    if prefetch:
        request["prefetch"] = {
            "patient": patients[0] if patients else None,
            "questionnaireResponses": searchset("QuestionnaireResponse"),
            "observations": searchset("Observation"),
            "conditions": searchset("Condition"),
            "goals": searchset("Goal"),
        }
    return request
