"""Shared fixtures: a real server process on 127.0.0.1 with a temporary data dir, and its CLI."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from appliance.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT.parent / "shared" / "feeds"

# Every per-minute request limit off (README, Settings: 0 turns a limit off), for servers that
# several tests share: their requests add up over the run, and a fast machine would send the
# 61st report of a minute with the shared agent key, so some unrelated test would get 429.
# A test of a limit starts its own server (make_server) with the limit it tests.
NO_RATE_LIMITS: dict[str, str] = {s.env: "0" for s in SETTINGS if s.name.startswith("rate_")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(data_dir: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -m appliance ARGS --data-dir DIR`` the way an admin would."""
    result = subprocess.run(
        [sys.executable, "-m", "appliance", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"sentrikat {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


class Server:
    """The appliance started as a real process; stop() sends SIGTERM and checks the exit code.

    It serves HTTPS on ``https_url`` with the certificate it makes in its data dir (``cert``),
    and, with ``allow_http`` (the default here, so that tests can use plain ``url``), the whole
    API over plain HTTP too.
    """

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, allow_http: bool = True) -> None:
        self.data_dir = data_dir
        self.env = env or {}
        self.allow_http = allow_http
        self.port = free_port()
        self.https_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.https_url = f"https://127.0.0.1:{self.https_port}"
        self.process: subprocess.Popen[str] | None = None
        self.log_path = data_dir.parent / f"server-{self.port}.log"

    @property
    def cert(self) -> Path:
        """The certificate the server made on first start (DATA_DIR/tls/cert.pem)."""
        return self.data_dir / "tls" / "cert.pem"

    def start(self) -> "Server":
        self.port = free_port()
        self.https_port = free_port()
        while self.https_port == self.port:
            self.https_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.https_url = f"https://127.0.0.1:{self.https_port}"
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "appliance", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--https-port", str(self.https_port), "--data-dir", str(self.data_dir),
             *(["--allow-http"] if self.allow_http else [])],
            cwd=ROOT,
            # No test reaches the internet: scheduled downloads are off unless a test turns them on.
            env={**os.environ, "SENTRIKAT_LOG_LEVEL": "warning", "SENTRIKAT_REFRESH_ENABLED": "false", **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server did not answer within 30 s:\n{self.log()}")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def create_key(self, *scopes: str, org: int = 1) -> str:
        args = ["keys", "create", "--json", "--org", str(org)]
        for scope in scopes or ("agent",):
            args += ["--scope", scope]
        return json.loads(run_cli(self.data_dir, *args).stdout)["key"]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_cli(self.data_dir, *args, check=check)

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"X-Agent-Key": key} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def https_client(self, key: str | None = None) -> httpx.Client:
        """A client of ``https_url`` that trusts exactly the server's generated certificate."""
        headers = {"X-Agent-Key": key} if key else {}
        trust = ssl.create_default_context(cafile=str(self.cert))
        return httpx.Client(base_url=self.https_url, headers=headers, timeout=60, verify=trust)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.data_dir / 'sentrikat.db'}?mode=ro", uri=True)

    def snapshot(self) -> dict[str, object]:
        """Row counts of every table plus a digest of all stored data except key last-use times."""
        with self.db() as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            tables = [t for t in tables if t != "jobs"]
            state: dict[str, object] = {}
            digest = hashlib.sha256()
            for table in tables:
                state[table] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                # Key last-use times and the scheduler's run records (the expiry job writes one
                # every minute) change by the clock, not by requests.
                if table not in ("api_keys", "jobs"):
                    for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                        digest.update(repr(row).encode())
            state["digest"] = digest.hexdigest()
        return state


@pytest.fixture(scope="session")
def feed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle compiled from the real feeds in ../shared/feeds, as scripts/build_feed.py does."""
    if not FEEDS.is_dir():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    from appliance.matching.bundle import compile_sources, write_bundle

    out = tmp_path_factory.mktemp("feed")
    bundle, manifest = compile_sources([FEEDS / "nvd", FEEDS / "cpe", FEEDS / "kev"])
    write_bundle(bundle, manifest, out)
    return out


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    """One server with the real feed, shared by tests that use distinct hostnames; default settings
    but for the request limits, which are off (NO_RATE_LIMITS)."""
    srv = Server(tmp_path_factory.mktemp("shared-server") / "data",
                 {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator:
    """Start servers with their own data dir and settings; all are stopped at the end of the test.

    Without SENTRIKAT_FEED_DIR they get an empty feed folder: no feed, agent-supplied CPEs only.
    """
    started: list[Server] = []
    empty = tmp_path / "no-feed"
    empty.mkdir()

    def make(**env: str) -> Server:
        srv = Server(tmp_path / f"data{len(started)}", {"SENTRIKAT_FEED_DIR": str(empty), **env}).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        if srv.process is not None:
            srv.stop()


@pytest.fixture(scope="session")
def agent_key(server: Server) -> str:
    return server.create_key("agent")


@pytest.fixture
def agent(server: Server, agent_key: str) -> Iterator[httpx.Client]:
    with server.client(agent_key) as client:
        yield client


@pytest.fixture
def hostname(request: pytest.FixtureRequest) -> str:
    """A hostname unique to the test, so tests can share one server."""
    return "host-" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:12]


@pytest.fixture(scope="session")
def feeds_root() -> Path:
    if not FEEDS.is_dir():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    return FEEDS


def debian_software(feeds: Path) -> list[dict[str, str]]:
    """The real Debian 12 dpkg inventory as the contract's software items (extra fields ignored by the server)."""
    data = json.loads((feeds / "inventories" / "debian12-dpkg.json").read_text())
    return [{"name": p["name"], "version": p["version"], "vendor": p["vendor"]} for p in data["software"]]
