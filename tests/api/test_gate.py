"""What every request passes before routing, over real sockets: paths, the Host header, keys in URLs; and output that
must stay inert: hostnames with invisible characters, CSV cells, scanner URLs."""

from __future__ import annotations

import csv
import io
import json
import socket

import pytest

from tests.conftest import FEEDS, Server

REPORT, HEARTBEAT, SCAN, CONFIG = "/api/agent/report", "/api/agent/heartbeat", "/api/agent/container-scan", "/api/agent/config"
SEVEN_ZIP = [{"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}]


def raw_get(server: Server, target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """A GET written byte for byte (httpx would normalise the path), answered over a plain socket."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("target", ["/index.html%00.js", "/%00", "/app.js%00", "/api/status%00", "/index.html%0a.js", "/x%1b[31m"])
def test_a_path_with_control_characters_is_a_400_not_a_500(server: Server, target: str) -> None:
    status, body = raw_get(server, target)
    payload = json.loads(body)
    if target.startswith("/api/"):
        # No route has such a path: Litestar answers 404 before any middleware (nothing is served either way).
        assert (status, payload["error"]) == (404, "not_found"), body
    else:
        assert status == 400, body
        assert payload["error"] == "invalid_request" and "control character" in payload["message"]
    assert raw_get(server, "/index.html")[0] == 200


def test_host_header_must_name_this_appliance(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_ALLOWED_HOSTS="sentrikat.office.example, Other.Example.")
    me = socket.gethostname().split(".")[0]
    accepted = ["127.0.0.1", f"127.0.0.1:{srv.port}", "192.168.1.20:8080", "[::1]:8080", "localhost", f"localhost:{srv.port}",
                me, f"{me}.local", f"{me.upper()}.LOCAL:8443", "sentrikat.office.example", "other.example", "OTHER.EXAMPLE."]
    for host in accepted:
        assert raw_get(srv, "/healthz", host)[0] == 200, host
    # A DNS-rebinding page reaches the appliance under its own name: refused, also for the page itself.
    for host in ("attacker.example", "attacker.example:8080", f"{me}.attacker.example", "sentrikat.office.example.evil"):
        for path in ("/", "/healthz", "/api/session"):
            status, body = raw_get(srv, path, host)
            assert status == 400, (host, path)
            payload = json.loads(body)
            assert payload["error"] == "invalid_host" and "SENTRIKAT_ALLOWED_HOSTS" in payload["message"]
    srv.stop()
    anything = make_server(SENTRIKAT_ALLOWED_HOSTS="*")
    assert raw_get(anything, "/healthz", "attacker.example")[0] == 200


def test_a_key_in_the_url_is_refused_and_never_logged(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_LOG_LEVEL="info")
    key = srv.create_key("agent", "read")
    with srv.client() as client:
        for name in ("key", "api_key", "X-Agent-Key", "token"):
            # Refused even beside a valid header key: the URL has already leaked it into logs.
            response = client.get("/api/agent/config", params={name: key}, headers={"X-Agent-Key": key})
            assert response.status_code == 400, response.text
            assert response.json()["error"] == "invalid_request" and "X-Agent-Key header" in response.json()["message"]
            assert response.json()["field"] == name
        assert client.get("/api/status", params={"q": "x", "apikey": key}).status_code == 400
        # A key pasted elsewhere in the URL is refused as unknown and redacted from the log as well.
        assert client.get(f"/api/assets/{key}").status_code in (400, 404)
        assert client.get("/api/agent/config", headers={"X-Agent-Key": key}).status_code == 200
    assert srv.stop() == 0
    log = srv.log()
    assert "GET /api/agent/config?key=REDACTED" in log and "apikey=REDACTED" in log, log[-2000:]
    assert key not in log and key[len("sk_agent_"):] not in log


@pytest.mark.parametrize(
    ("hostname", "named"),
    [
        ("exe.\u202e4102-cfe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("pc\u2028two", "U+2028 LINE SEPARATOR"),
        ("pc\u2029two", "U+2029 PARAGRAPH SEPARATOR"),
        ("pc\u200bzero", "U+200B ZERO WIDTH SPACE"),
        ("pc\u2066isolate", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("pc\ufeffbom", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("pc\u0085next", "U+0085"),
    ],
)
def test_hostnames_with_invisible_or_reordering_characters_are_refused(server: Server, agent, hostname: str, named: str) -> None:
    sends = [
        lambda: agent.post(REPORT, json={"hostname": hostname, "software": SEVEN_ZIP}),
        lambda: agent.post(REPORT, json={"hostname": hostname, "delta": True, "software_added": SEVEN_ZIP}),
        lambda: agent.post(HEARTBEAT, json={"hostname": hostname}),
        lambda: agent.post(SCAN, json={"hostname": hostname, "images": []}),
        lambda: agent.get(CONFIG, params={"hostname": hostname}),
    ]
    for send in sends:
        response = send()
        payload = response.json()
        assert (response.status_code, payload["error"], payload.get("field")) == (400, "invalid_request", "hostname"), payload
        assert named in payload["message"], payload
    with server.db() as conn:  # nothing was registered under that name (the shared server's jobs run meanwhile)
        assert conn.execute("SELECT COUNT(*) FROM assets WHERE hostname = ?", (hostname,)).fetchone() == (0,)
    # Letters of other scripts are not the problem.
    assert agent.post(HEARTBEAT, json={"hostname": f"büro-pc-{named[2:6]}"}).status_code == 200


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(server: Server, agent) -> None:
    hostile = [" =1+1", "\uff1dHYPERLINK(1)", "\uff0bcmd", "\uff0dcmd", "\uff20SUM(1)", "pc;=cmd|' /C calc'!A0", "pc,-2+3",
               "pc|=1", "@SUM(A1)", "+cmd", "-cmd"]
    reader = server.create_key("read")
    with server.client(reader) as client:
        before = {row["hostname"] for row in csv.DictReader(io.StringIO(client.get("/api/vulnerabilities.csv").text))}
    for hostname in hostile:
        response = agent.post(REPORT, json={"hostname": hostname, "software": SEVEN_ZIP})
        assert response.status_code == 200, response.text
    with server.client(reader) as client:
        text = client.get("/api/vulnerabilities.csv").text
    # Every cell is quoted, so a program splitting on ';' cannot start a cell inside one.
    first = text.split("\r\n", 1)[0]
    assert first.startswith('"') and first.endswith('"')
    hosts = {row["hostname"] for row in csv.DictReader(io.StringIO(text))} - before
    expected = {"'" + h for h in hostile}
    assert hosts == expected, hosts ^ expected
    # Ordinary names stay as they are.
    assert agent.post(REPORT, json={"hostname": "pc-07-finance", "software": SEVEN_ZIP}).status_code == 200
    with server.client(reader) as client:
        rows = list(csv.DictReader(io.StringIO(client.get("/api/vulnerabilities.csv").text)))
    assert "pc-07-finance" in {row["hostname"] for row in rows}
    assert {row["product"] for row in rows if row["hostname"] == "pc-07-finance"} == {"7-Zip 23.01 (x64)"}


def test_a_scanner_url_that_is_not_http_is_not_kept(server: Server, agent, hostname: str) -> None:
    trivy = FEEDS / "trivy" / "alpine-310.json"
    if not trivy.exists():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    report = json.loads(trivy.read_text())
    vulnerabilities = [v for result in report["Results"] for v in result.get("Vulnerabilities") or []]
    hostile = ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", " JavaScript:alert(1)"]
    assert len(vulnerabilities) > len(hostile)
    for vulnerability, url in zip(vulnerabilities, hostile):
        vulnerability["PrimaryURL"] = url
    assert agent.post(REPORT, json={"hostname": hostname, "software": []}).status_code == 200
    scan = agent.post(SCAN, params={"hostname": hostname}, json=report)
    assert scan.status_code == 200, scan.text
    with server.db() as conn:
        stored = [r[0] for r in conn.execute(
            "SELECT primary_url FROM container_findings f JOIN assets a ON a.id = f.asset_id WHERE a.hostname = ?"
            " ORDER BY f.id", (hostname,))]
    assert None in stored and any(url and url.startswith("https://avd.aquasec.com/") for url in stored)
    assert all(url is None or url.startswith("https://") for url in stored), stored
