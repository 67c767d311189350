"""CDS Hooks load bench: the patient-view call built from the moderate example, against the real
server on loopback. Reports p50/p99 latency of sequential calls (one client) and of a concurrent
run (default 2,000 calls from 16 clients), failed calls, and RSS growth.

Usage: python bench/bench_cds.py [--calls 2000] [--clients 16]
(needs the test extra; run from the repository root)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from cds_helpers import ISSUER, Keys, free_port, patient_view, serving  # noqa: E402
from planengine.cds import SERVICE_ID, ServiceConfig, create_app  # noqa: E402


def _rss_mb() -> float:
    import os

    path = pathlib.Path("/proc/self/statm")
    return int(path.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6 if path.exists() else 0.0


def _report(name: str, results: list[tuple[int, float]]) -> None:
    latencies = sorted(t for _, t in results)
    failed = sum(1 for status, _ in results if status != 200)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
    print(f"{name}: {len(results)} calls, p50 {p50:.1f} ms, p99 {p99:.1f} ms, failed {failed}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    keys = Keys(pathlib.Path(tempfile.mkdtemp()))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/cds-services/{SERVICE_ID}"
    app = create_app(ServiceConfig(base_url=base, issuers={ISSUER: str(keys.jwks)}))
    body = patient_view(ROOT / "examples" / "moderate-phq9-gad7-isi.yaml")
    with serving(app, port):
        def run(count: int) -> list[tuple[int, float]]:
            out = []
            with httpx.Client(timeout=30) as http:
                for _ in range(count):
                    token = keys.token(url)
                    started = time.perf_counter()
                    reply = http.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
                    out.append((reply.status_code, time.perf_counter() - started))
            return out

        run(20)  # warm up
        _report("sequential (1 client)", run(200))
        before = _rss_mb()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            parts = pool.map(run, [args.calls // args.clients] * args.clients)
            results = [r for part in parts for r in part]
        _report(f"concurrent ({args.clients} clients)", results)
        print(f"RSS growth over the concurrent run: {_rss_mb() - before:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
