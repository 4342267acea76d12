"""Agent fixtures: the real sh agent in a real shell, a recording HTTP relay on 127.0.0.1, PATH stubs of OS tools."""

from __future__ import annotations

import gzip
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import NO_RATE_LIMITS, ROOT, Server

AGENT_SH = ROOT / "agents" / "sentrikat-agent.sh"
AGENT_PS1 = ROOT / "agents" / "sentrikat-agent.ps1"
DATA = Path(__file__).resolve().parent / "data"
SHELL = "dash" if Path("/usr/bin/dash").exists() or Path("/bin/dash").exists() else "sh"


def run_agent(*args: str, env: dict[str, str] | None = None, stubs: Path | None = None,
              timeout: float = 120, shell: str = SHELL) -> subprocess.CompletedProcess[str]:
    """``sh agents/sentrikat-agent.sh ARGS`` in a real shell; ``stubs`` goes first on PATH."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SENTRIKAT_AGENT_")}
    environment = {**inherited, "SENTRIKAT_AGENT_RETRY_DELAY": "1", **(env or {})}
    if stubs is not None:
        environment["PATH"] = f"{stubs}:{environment['PATH']}"
    return subprocess.run([shell, str(AGENT_SH), *args], capture_output=True, text=True, timeout=timeout,
                          env=environment, cwd=ROOT)


@dataclass
class Recorded:
    """One request as the relay saw it: body inflated when it was gzip-compressed."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes
    body: bytes
    status: int
    at: float

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Relay:
    """A real HTTP server on 127.0.0.1 that forwards to ``upstream`` and records every exchange.

    ``script`` holds canned answers (status, headers, body) given instead of forwarding, one per
    request, in order, for requests whose path starts with the answer's path prefix.
    """

    upstream: str
    server: ThreadingHTTPServer | None = None
    requests: list[Recorded] = field(default_factory=list)
    script: list[tuple[str, int, dict[str, str], bytes]] = field(default_factory=list)

    scheme: str = "http"

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def answer_next(self, path_prefix: str, status: int, headers: dict[str, str] | None = None, body: dict | None = None) -> None:
        self.script.append((path_prefix, status, headers or {}, json.dumps(body or {}).encode()))

    def reports(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/api/agent/report"]


def _handler(relay: Relay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
            canned = next((c for c in relay.script if self.path.startswith(c[0])), None)
            if canned is not None:
                relay.script.remove(canned)
                _, status, extra, content = canned
                out_headers = {"Content-Type": "application/json", **extra}
            else:
                forward = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
                answer = httpx.request(self.command, relay.upstream + self.path, headers=forward, content=raw, timeout=60)
                status, content = answer.status_code, answer.content
                out_headers = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "retry-after")}
            relay.requests.append(Recorded(self.command, self.path.split("?")[0], headers, raw, body, status, time.monotonic()))
            self.send_response(status)
            for key, value in out_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = _serve

    return Handler


@pytest.fixture
def make_relay() -> Iterator:
    started: list[Relay] = []

    def make(upstream: str, tls: tuple[Path, Path] | None = None) -> Relay:
        """A relay to ``upstream``; with ``tls`` (certificate, key) it speaks HTTPS."""
        relay = Relay(upstream)
        relay.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(relay))
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            relay.server.socket = context.wrap_socket(relay.server.socket, server_side=True)
            relay.scheme = "https"
        threading.Thread(target=relay.server.serve_forever, daemon=True).start()
        started.append(relay)
        return relay

    yield make
    for relay in started:
        assert relay.server is not None
        relay.server.shutdown()
        relay.server.server_close()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server without a feed for a module's tests (request limits off); each test reports under its own hostname."""
    empty = tmp_path_factory.mktemp("no-feed")
    srv = Server(tmp_path_factory.mktemp("agents-server") / "data", {"SENTRIKAT_FEED_DIR": str(empty), **NO_RATE_LIMITS}).start()
    yield srv
    assert srv.stop() == 0, srv.log()


_ADMIN_KEYS: dict[str, str] = {}


def asset_software(server: Server, hostname: str) -> dict:
    """The asset and its software as the read API gives it (admin key), or {} when it does not exist."""
    key = _ADMIN_KEYS.get(str(server.data_dir)) or _ADMIN_KEYS.setdefault(str(server.data_dir), server.create_key("admin"))
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        found = [a for a in client.get("/api/assets", params={"q": hostname, "limit": 500}).json()["items"]
                 if a["hostname"].lower() == hostname.lower()]
        if not found:
            return {}
        return client.get(f"/api/assets/{found[0]['id']}").json()


def make_stub(folder: Path, name: str, body: str) -> Path:
    """An executable Python script named like an OS tool, placed first on PATH by run_agent."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(0o755)
    return path


def dpkg_stub(folder: Path, records: list[dict[str, str]]) -> Path:
    """A ``dpkg-query -W -f FORMAT`` that renders FORMAT (dpkg's ${field} and \\t \\n escapes) over records.

    Records come from the real dpkg-query (see captured_dpkg). A field the records lack makes
    the stub fail loudly, so a test notices when the agent asks dpkg for something new.
    """
    data = folder / "dpkg-records.json"
    folder.mkdir(parents=True, exist_ok=True)
    data.write_text(json.dumps(records))
    return make_stub(folder, "dpkg-query", f"""
import json, re, sys
records = json.load(open({str(data)!r}))
args = sys.argv[1:]
fmt = "${{binary:Package}}\\t${{Version}}\\n"
if "-W" not in args and "--show" not in args:
    sys.exit("stub dpkg-query: only -W is supported")
for i, a in enumerate(args):
    if a in ("-f", "--showformat"):
        fmt = args[i + 1]
    elif a.startswith("--showformat="):
        fmt = a.split("=", 1)[1]
fmt = fmt.replace("\\\\t", "\\t").replace("\\\\n", "\\n")
out = sys.stdout.buffer
for r in records:
    def field(m):
        if m.group(1) not in r:
            sys.exit("stub dpkg-query: unknown field " + m.group(1))
        return r[m.group(1)]
    out.write(re.sub(r"\\$\\{{([^}}]+)\\}}", field, fmt).encode("utf-8", "surrogateescape"))
""")


DPKG_FIELDS = ("Package", "binary:Package", "Version", "Maintainer", "db:Status-Abbrev", "Architecture", "source:Package", "Source",
               "source:Version")


def upstream_version(version: str) -> str:
    """A Debian version without epoch, revision and binNMU suffix (Debian Policy 5.6.12)."""
    version = re.sub(r"^\d+:", "", version)
    version = version.rsplit("-", 1)[0] if "-" in version else version
    return re.sub(r"\+b\d+$", "", version)


def sent_source_package(record: dict[str, str]) -> str | None:
    """The source_package the agent should send for a dpkg record: the source's name when it is
    not the package's own and the package has the source's upstream version (dmsetup 1.02.185
    from lvm2 2.03.16 has not)."""
    if record["source:Package"] == record["Package"]:
        return None
    if upstream_version(record["Version"]) != upstream_version(record["source:Version"]):
        return None
    return record["source:Package"]


def captured_dpkg() -> list[dict[str, str]]:
    """This machine's real dpkg database, every field the stub can render, captured with dpkg-query."""
    fmt = "\x1f".join("${" + f + "}" for f in DPKG_FIELDS) + "\x1e"
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt], capture_output=True, check=True).stdout
    records = []
    for line in out.split(b"\x1e"):
        if line:
            values = line.decode("utf-8", "surrogateescape").split("\x1f")
            records.append(dict(zip(DPKG_FIELDS, values)))
    return records


def dpkg_installed() -> set[tuple[str, str]]:
    """(name, version) of every package ``dpkg-query -W`` lists, without the :arch qualifier."""
    out = subprocess.run(["dpkg-query", "-W"], capture_output=True, text=True, check=True).stdout
    pairs = set()
    for line in out.splitlines():
        name, _, version = line.partition("\t")
        pairs.add((name.split(":")[0], version))
    return pairs


def state_bytes(state_dir: Path) -> dict[str, bytes]:
    return {name: (state_dir / name).read_bytes() for name in ("inventory.tsv", "agent.state") if (state_dir / name).exists()}
