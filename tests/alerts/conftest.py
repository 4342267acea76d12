"""Real receivers on 127.0.0.1: an SMTP server (aiosmtpd) and an HTTP server for webhooks, each able to stall or fail."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import FEEDS, free_port, run_cli

WINRAR = {"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"}
WINRAR_CVE = "CVE-2023-38831"  # in CISA's KEV catalog


class SmtpReceiver:
    """aiosmtpd on a free port. ``stall`` makes it keep a message it received without answering
    250 until released; ``refuse`` answers DATA with 451 (try again later)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        self.stall = threading.Event()
        self.refuse = False
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return "451 4.3.0 try again later"
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        while self.stall.is_set():
            await asyncio.sleep(0.05)
        return "250 OK"

    def event_ids(self) -> list[int]:
        return [int(i) for m in self.messages if m["X-SentriKat-Events"] != "test" for i in m["X-SentriKat-Events"].split(",")]

    def env(self) -> dict[str, str]:
        return {"SENTRIKAT_SMTP_HOST": "127.0.0.1", "SENTRIKAT_SMTP_PORT": str(self.port), "SENTRIKAT_SMTP_SECURITY": "plain",
                "SENTRIKAT_ALERT_EMAIL_TO": "admin@office.example", "SENTRIKAT_ALERT_EMAIL_FROM": "sentrikat@office.example"}


class WebhookReceiver:
    """An HTTP server that records every POST body; ``status`` is what it answers (200, or 503 to fail)."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.paths: list[str] = []
        self.failed = 0
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.status
                if status == 200:
                    receiver.bodies.append(json.loads(data))
                    receiver.paths.append(self.path)
                else:
                    receiver.failed += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hook/secret-token"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def event_ids(self) -> list[int]:
        return [e["id"] for body in self.bodies for e in body.get("events", [])]


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    pytest.importorskip("aiosmtpd")
    receiver = SmtpReceiver()
    receiver.controller.start()
    yield receiver
    receiver.stall.clear()
    receiver.controller.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.thread.start()
    yield receiver
    receiver.httpd.shutdown()
    receiver.httpd.server_close()


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def kev_catalog(without: str | None = None) -> dict:
    catalog = json.loads((FEEDS / "kev" / "known_exploited_vulnerabilities.json").read_bytes())
    if without:
        catalog["vulnerabilities"] = [v for v in catalog["vulnerabilities"] if v["cveID"] != without]
        catalog["count"] = len(catalog["vulnerabilities"])
    return catalog


def import_feed_without(data_dir: Path, kev_without: str) -> None:
    """Imports the NVD sample, the CPE list and the KEV catalog without one entry into a new data
    dir's own feed, so that importing the whole catalog later is a KEV update that flags it."""
    old_kev = data_dir.parent / "kev-old" / "known_exploited_vulnerabilities.json"
    old_kev.parent.mkdir()
    old_kev.write_text(json.dumps(kev_catalog(without=kev_without)))
    data_dir.mkdir()  # commands other than serve work on an existing data dir
    run_cli(data_dir, "feeds", "import", str(FEEDS / "nvd" / "nvdcve-2.0-sample.json"), str(FEEDS / "cpe" / "cpes.csv"), str(old_kev))


def small_feed(out: Path, kev_without: str | None = None) -> Path:
    """The NVD sample (WinRAR's CVEs), the CPE list and the KEV catalog, optionally without one entry."""
    from appliance.matching.bundle import compile_sources, write_bundle

    kev = out / "kev" / "known_exploited_vulnerabilities.json"
    kev.parent.mkdir(parents=True)
    kev.write_text(json.dumps(kev_catalog(kev_without)))
    bundle, manifest = compile_sources([FEEDS / "nvd" / "nvdcve-2.0-sample.json", FEEDS / "cpe" / "cpes.csv", kev])
    write_bundle(bundle, manifest, out / "bundle")
    return out / "bundle"


@pytest.fixture(scope="session")
def alert_feed(tmp_path_factory: pytest.TempPathFactory, feeds_root: Path) -> Path:
    return small_feed(tmp_path_factory.mktemp("alert-feed"))


def fast(**extra: str) -> dict[str, str]:
    """Settings that make the send job run every second and retry after a second."""
    return {"SENTRIKAT_ALERT_SEND_INTERVAL": "1", "SENTRIKAT_ALERT_RETRY_DELAY": "1", "SENTRIKAT_ALERT_TIMEOUT": "10", **extra}
