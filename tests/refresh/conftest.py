"""A local stand-in for NVD and CISA on 127.0.0.1, serving API-shaped pages built from ../shared/feeds."""

from __future__ import annotations

import csv
import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import FEEDS


def _when(text: str) -> str:
    """NVD timestamps compare as text once cut to seconds ("2024-04-01T13:00:00")."""
    return text[:19]


class FakeNvd:
    """Serves /rest/json/cves/2.0, /rest/json/cpes/2.0 and /kev.json like the real services.

    ``faults[path]`` is a queue of what the next requests to that path get instead of the
    real answer: an HTTP status (with Retry-After: 0), "truncate" or "corrupt".
    """

    def __init__(self, cves: list[dict], products: list[dict], kev: bytes) -> None:
        self.cves = cves
        self.products = products
        self.kev = kev
        self.faults: dict[str, deque] = {}
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request
        self.total_override: int | None = None
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _page(self, records: list[dict], key: str, query: dict[str, str], fmt: str) -> bytes:
        start, end = query.get("lastModStartDate"), query.get("lastModEndDate")
        if start and end:
            records = [r for r in records if _when(start) <= _when(r["_modified"]) < _when(end)]
        index, size = int(query.get("startIndex", 0)), int(query.get("resultsPerPage", 2000))
        chosen = records[index : index + size]
        return json.dumps({
            "resultsPerPage": len(chosen), "startIndex": index,
            "totalResults": self.total_override if self.total_override is not None else len(records),
            "format": fmt, "version": "2.0", "timestamp": "2026-11-29T04:00:00.000",
            key: [{k: v for k, v in r.items() if k != "_modified"} for r in chosen],
        }).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append((url.path, query, dict(self.headers)))
                fake.arrivals.append(time.monotonic())
                fault = fake.faults.get(url.path)
                if fault:
                    action = fault.popleft()
                    if isinstance(action, int):
                        self.send_response(action)
                        self.send_header("Retry-After", "0")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                else:
                    action = None
                headers = {"Content-Type": "application/json"}
                if url.path == "/rest/json/cves/2.0":
                    body = fake._page(fake.cves, "vulnerabilities", query, "NVD_CVE")
                elif url.path == "/rest/json/cpes/2.0":
                    body = fake._page(fake.products, "products", query, "NVD_CPE")
                elif url.path == "/kev.json":
                    etag = '"' + hashlib.sha256(fake.kev).hexdigest()[:16] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    body, headers["ETag"] = fake.kev, etag
                    headers["Last-Modified"] = "Mon, 25 Aug 2025 17:04:19 GMT"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                if action == "corrupt":
                    body = b'{"resultsPerPage": 1, "vulnerabilities": [{"cve": {"id": ' + body[:40]
                elif action == "truncate":
                    # A body cut short: the declared length is the full one, the connection closes early.
                    self.send_response(200)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                    return
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def paths(self, path: str) -> list[dict[str, str]]:
        return [query for p, query, _ in self.requests if p == path]


def sample_cves() -> list[dict]:
    data = json.loads((FEEDS / "nvd" / "nvdcve-2.0-sample.json").read_text())
    return sorted(
        ({**v, "_modified": v["cve"]["lastModified"]} for v in data["vulnerabilities"]), key=lambda v: v["cve"]["id"]
    )


def sample_products(count: int = 40) -> list[dict]:
    """CPE API products for real vendor,product pairs of the NVD CPE list."""
    with open(FEEDS / "cpe" / "cpes.csv", newline="") as handle:
        rows = list(csv.reader(handle))[1 : count + 1]
    return [
        {
            "cpe": {
                "cpeName": f"cpe:2.3:a:{vendor}:{product}:1.0:*:*:*:*:*:*:*",
                "cpeNameId": hashlib.md5(f"{vendor}:{product}".encode()).hexdigest(),
                "deprecated": False,
                "titles": [{"title": f"{vendor} {product} 1.0", "lang": "en"}],
                "lastModified": "2025-06-01T00:00:00.000",
                "created": "2025-06-01T00:00:00.000",
            },
            "_modified": "2025-06-01T00:00:00.000",
        }
        for vendor, product in rows
    ]


@pytest.fixture
def fake_nvd(feeds_root: Path) -> Iterator[FakeNvd]:
    server = FakeNvd(sample_cves(), sample_products(), (feeds_root / "kev" / "known_exploited_vulnerabilities.json").read_bytes())
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
