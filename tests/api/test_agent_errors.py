"""Every error status of the agent API, each leaving the database exactly as it was."""

from __future__ import annotations

import gzip
import json
import socket

import httpx
import pytest

from tests.conftest import Server

REPORT = "/api/agent/report"


def body(hostname: str, **extra: object) -> dict:
    return {"hostname": hostname, "software": [{"name": "curl", "version": "7.88.1"}], **extra}


def raw_post(server: Server, key: str, content: bytes, content_length: int) -> tuple[int, dict]:
    """POST with a Content-Length that need not match the body (HTTP clients refuse to send that)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            f"POST {REPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Agent-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {content_length}\r\nConnection: close\r\n\r\n".encode()
            + content
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


def assert_refused(server: Server, send, status: int, error: str, field: str | None = None) -> dict:
    """Send a request; it must get ``status`` with ``error`` (and ``field``) and change nothing."""
    before = server.snapshot()
    response = send()
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["error"] == error, payload
    assert payload["message"]
    if field is not None:
        assert payload.get("field") == field, payload
    assert server.snapshot() == before
    return payload


# --- 400: the body is not a valid report ------------------------------------------------

BAD_BODIES = [
    ("wrong type deep inside", {"hostname": "h", "software": [{"name": "a", "version": "1"}] * 3 + [{"name": "b", "version": 5}]}, "software[3].version"),
    ("missing version", {"hostname": "h", "software": [{"name": "a"}]}, "software[0].version"),
    ("missing hostname", {"software": []}, "hostname"),
    ("missing software", {"hostname": "h"}, "software"),
    ("empty hostname", {"hostname": "", "software": []}, "hostname"),
    ("empty name", {"hostname": "h", "software": [{"name": "", "version": "1"}]}, "software[0].name"),
    ("NUL in hostname", {"hostname": "h\u0000x", "software": []}, "hostname"),
    ("string organization", {"hostname": "h", "software": [], "organization_id": "1"}, "organization_id"),
    ("negative organization", {"hostname": "h", "software": [], "organization_id": -1}, "organization_id"),
    ("huge organization", {"hostname": "h", "software": [], "organization_id": 2**70}, "organization_id"),
    ("bad cpe", {"hostname": "h", "software": [{"name": "a", "version": "1", "cpe": "cpe:/a:google:chrome"}]}, "software[0].cpe"),
    ("cpe with too few parts", {"hostname": "h", "software": [{"name": "a", "version": "1", "cpe": "cpe:2.3:a:google:chrome"}]}, "software[0].cpe"),
    ("bad ip", {"hostname": "h", "software": [], "ip_address": "999.1.1.1"}, "ip_address"),
    ("tags not a list", {"hostname": "h", "software": [], "tags": "office"}, "tags"),
    ("software in a delta", {"hostname": "h", "delta": True, "software": []}, "software"),
    ("added list in a full report", {"hostname": "h", "software": [], "software_added": []}, "software_added"),
    ("bad cpe in a delta", {"hostname": "h", "delta": True, "software_added": [{"name": "a", "version": "1", "cpe": "x"}]}, "software_added[0].cpe"),
    ("unknown source", {"hostname": "h", "software": [{"name": "a", "version": "1", "source": "snap"}]}, "software[0].source"),
    ("source not a string", {"hostname": "h", "software": [{"name": "a", "version": "1", "source": 3}]}, "software[0].source"),
    ("bundle id not a string", {"hostname": "h", "delta": True, "software_added": [{"name": "a", "version": "1", "bundle_id": []}]}, "software_added[0].bundle_id"),
    ("source package not a string", {"hostname": "h", "software": [{"name": "a", "version": "1", "source_package": 5}]}, "software[0].source_package"),
    ("source package with a space", {"hostname": "h", "software": [{"name": "a", "version": "1", "source_package": "gcc 12"}]}, "software[0].source_package"),
    ("source package with a version", {"hostname": "h", "delta": True, "software_added": [{"name": "a", "version": "1", "source_package": "openssl (3.0.11-1)"}]}, "software_added[0].source_package"),
    ("source package too long", {"hostname": "h", "software": [{"name": "a", "version": "1", "source_package": "a" * 256}]}, "software[0].source_package"),
    ("source package starting with a dash", {"hostname": "h", "software": [{"name": "a", "version": "1", "source_package": "-rf"}]}, "software[0].source_package"),
]


@pytest.mark.parametrize(("case", "payload", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_invalid_body_names_the_field(server: Server, agent, case: str, payload: dict, field: str) -> None:
    assert_refused(server, lambda: agent.post(REPORT, json=payload), 400, "invalid_request", field)


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[]", b"null", b'{"hostname": "h", "software": []', b"\xff\xfe{}", b""],
    ids=["truncated", "array", "null", "unclosed", "invalid utf-8", "empty"],
)
def test_malformed_json(server: Server, agent, raw: bytes) -> None:
    assert_refused(
        server, lambda: agent.post(REPORT, content=raw, headers={"Content-Type": "application/json"}), 400, "invalid_request"
    )


def test_unknown_fields_are_ignored(server: Server, agent, hostname: str) -> None:
    payload = body(hostname, future_field={"x": 1})
    payload["software"][0]["license"] = "MIT"
    assert agent.post(REPORT, json=payload).status_code == 200


# --- gzip, 413, 415 --------------------------------------------------------------------------


def test_gzip_body_is_accepted(server: Server, agent, hostname: str) -> None:
    raw = gzip.compress(json.dumps(body(hostname)).encode())
    response = agent.post(REPORT, content=raw, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text
    assert response.json()["products_processed"] == 1


def test_gzip_heartbeat(server: Server, agent, hostname: str) -> None:
    raw = gzip.compress(json.dumps({"hostname": hostname}).encode())
    response = agent.post("/api/agent/heartbeat", content=raw, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text


def test_corrupt_gzip(server: Server, agent, hostname: str) -> None:
    raw = gzip.compress(json.dumps(body(hostname)).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    assert_refused(server, lambda: agent.post(REPORT, content=raw[:-12], headers=headers), 400, "invalid_request")
    assert_refused(server, lambda: agent.post(REPORT, content=b"not gzip at all", headers=headers), 400, "invalid_request")


def test_gzip_bomb(make_server) -> None:
    srv = make_server(SENTRIKAT_MAX_DECOMPRESSED_BYTES=str(1024 * 1024))
    key = srv.create_key()
    # 20 MB of JSON whitespace compresses to about 20 KB: under the body limit, over the inflate limit.
    bomb = gzip.compress(b'{"hostname": "h", "software": []' + b" " * 20_000_000 + b"}")
    with srv.client(key) as client:
        payload = assert_refused(
            srv,
            lambda: client.post(REPORT, content=bomb, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}),
            413,
            "payload_too_large",
        )
    assert "gzip" in payload["message"]


def test_body_over_the_limit(make_server, hostname: str) -> None:
    srv = make_server(SENTRIKAT_MAX_BODY_BYTES="2000")
    key = srv.create_key()
    big = body(hostname)
    big["software"] = [{"name": f"p{i}", "version": "1"} for i in range(200)]
    with srv.client(key) as client:
        assert_refused(srv, lambda: client.post(REPORT, json=big), 413, "payload_too_large")
        # A Content-Length far beyond the limit is refused before the body is read.
        before = srv.snapshot()
        status, payload = raw_post(srv, key, b"{}", content_length=999_999_999_999)
        assert status == 413 and payload["error"] == "payload_too_large"
        assert srv.snapshot() == before
        assert client.post(REPORT, json=body(hostname)).status_code == 200


def test_too_many_items(make_server, hostname: str) -> None:
    srv = make_server(SENTRIKAT_MAX_ITEMS="5")
    key = srv.create_key()
    with srv.client(key) as client:
        items = [{"name": f"p{i}", "version": "1"} for i in range(6)]
        assert_refused(srv, lambda: client.post(REPORT, json={"hostname": hostname, "software": items}), 413, "payload_too_large")
        assert client.post(REPORT, json={"hostname": hostname, "software": items[:5]}).status_code == 200
        delta = {"hostname": hostname, "delta": True, "software_added": items[:3], "software_removed": items[:3]}
        assert_refused(srv, lambda: client.post(REPORT, json=delta), 413, "payload_too_large")


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({"Content-Type": "text/plain"}, "unsupported_media_type"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, "unsupported_media_type"),
        ({"Content-Type": "application/json", "Content-Encoding": "br"}, "unsupported_media_type"),
        ({"Content-Type": "application/json", "Content-Encoding": "deflate"}, "unsupported_media_type"),
    ],
)
def test_unsupported_media(server: Server, agent, hostname: str, headers: dict, error: str) -> None:
    raw = json.dumps(body(hostname)).encode()
    assert_refused(server, lambda: agent.post(REPORT, content=raw, headers=headers), 415, error)


# --- 401, 403 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "error"),
    [({}, "missing_api_key"), ({"X-Agent-Key": "sk_agent_" + "x" * 43}, "invalid_api_key"), ({"X-Agent-Key": ""}, "missing_api_key")],
    ids=["missing", "unknown", "empty"],
)
def test_unauthenticated(server: Server, hostname: str, headers: dict, error: str) -> None:
    with httpx.Client(base_url=server.url) as client:
        for method, path in (("POST", REPORT), ("POST", "/api/agent/heartbeat"), ("GET", "/api/agent/config")):
            kwargs = {"json": body(hostname)} if method == "POST" else {}
            assert_refused(server, lambda: client.request(method, path, headers=headers, **kwargs), 401, error)


def test_revoked_key_stops_working(server: Server, hostname: str) -> None:
    key = server.create_key("agent")
    with server.client(key) as client:
        assert client.post(REPORT, json=body(hostname)).status_code == 200
        key_id = max(k["id"] for k in json.loads(server.cli("keys", "list", "--json").stdout))
        server.cli("keys", "revoke", str(key_id))
        assert_refused(server, lambda: client.post(REPORT, json=body(hostname)), 401, "invalid_api_key")


def test_key_without_agent_scope(server: Server, hostname: str) -> None:
    key = server.create_key("read")
    assert key.startswith("sk_read_")
    with server.client(key) as client:
        assert_refused(server, lambda: client.post(REPORT, json=body(hostname)), 403, "insufficient_scope")
        assert_refused(server, lambda: client.get("/api/agent/config"), 403, "insufficient_scope")


def test_organization_the_key_does_not_belong_to(server: Server, agent, hostname: str) -> None:
    assert_refused(server, lambda: agent.post(REPORT, json=body(hostname, organization_id=2)), 403, "organization_forbidden", "organization_id")
    assert_refused(server, lambda: agent.post(REPORT, json=body(hostname, organization_id=999)), 403, "organization_forbidden")


# --- 409 -------------------------------------------------------------------------------------


def test_hostname_of_another_organization(server: Server, agent, hostname: str) -> None:
    org = json.loads(server.cli("orgs", "create", f"Other {hostname}", "--json").stdout)["id"]
    other_key = server.create_key("agent", org=org)
    with server.client(other_key) as other:
        assert other.post(REPORT, json=body(hostname, organization_id=org)).status_code == 200
    assert_refused(server, lambda: agent.post(REPORT, json=body(hostname)), 409, "hostname_conflict", "hostname")
    assert_refused(server, lambda: agent.post(REPORT, json=body(hostname.upper())), 409, "hostname_conflict")
    delta = {"hostname": hostname, "delta": True, "software_added": []}
    assert_refused(server, lambda: agent.post(REPORT, json=delta), 409, "hostname_conflict")
    assert_refused(server, lambda: agent.post("/api/agent/heartbeat", json={"hostname": hostname}), 409, "hostname_conflict")
    # The config answers another organization's host as an unknown one (tests/api/test_hostname_claims.py).
    unknown = agent.get("/api/agent/config", params={"hostname": hostname + "-unknown"})
    assert agent.get("/api/agent/config", params={"hostname": hostname}).content == unknown.content


# --- 429 -------------------------------------------------------------------------------------


def test_rate_limits_per_key(make_server, hostname: str) -> None:
    srv = make_server(SENTRIKAT_RATE_REPORT="3", SENTRIKAT_RATE_HEARTBEAT="4", SENTRIKAT_RATE_CONFIG="2")
    key, other_key = srv.create_key(), srv.create_key()
    with srv.client(key) as client, srv.client(other_key) as other:
        for limit, send in (
            (3, lambda c: c.post(REPORT, json=body(hostname))),
            (4, lambda c: c.post("/api/agent/heartbeat", json={"hostname": hostname})),
            (2, lambda c: c.get("/api/agent/config")),
        ):
            for _ in range(limit):
                assert send(client).status_code == 200
            payload = assert_refused(srv, lambda: send(client), 429, "rate_limited")
            response = send(client)
            assert response.status_code == 429
            retry_after = int(response.headers["Retry-After"])
            assert 1 <= retry_after <= 60
            assert payload["retry_after"] >= 1
            # Limits are per key: another key of the same organization is not affected.
            assert send(other).status_code == 200


def test_requests_without_a_valid_key_are_limited_per_address(make_server) -> None:
    srv = make_server(SENTRIKAT_RATE_UNAUTHENTICATED="5")
    key = srv.create_key()
    with httpx.Client(base_url=srv.url, headers={"X-Agent-Key": "sk_agent_guess"}) as guesser:
        codes = [guesser.get("/api/agent/config").status_code for _ in range(7)]
        assert codes == [401] * 5 + [429] * 2
        assert int(guesser.get("/api/agent/config").headers["Retry-After"]) >= 1
    # Valid keys keep working from the same address.
    with srv.client(key) as client:
        assert client.get("/api/agent/config").status_code == 200


# --- restart ---------------------------------------------------------------------------------


def test_data_survives_a_restart(make_server, hostname: str) -> None:
    srv = make_server()
    key = srv.create_key()
    with srv.client(key) as client:
        asset_id = client.post(REPORT, json=body(hostname)).json()["asset_id"]
    assert srv.stop() == 0
    srv.start()
    with srv.client(key) as client:
        again = client.post(REPORT, json=body(hostname, software=[{"name": "curl", "version": "7.88.1"}, {"name": "git", "version": "2.39.5"}]))
        assert again.status_code == 200
        assert again.json()["asset_id"] == asset_id
        assert (again.json()["products_added"], again.json()["products_removed"]) == (1, 0)
    with srv.db() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Last use of the key is written at shutdown, not per request.
        assert conn.execute("SELECT last_used_at FROM api_keys").fetchone()[0] is not None


def test_unknown_path_and_method(server: Server, agent) -> None:
    response = agent.get("/api/agent/nothing")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    response = agent.get(REPORT)
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_a_bad_source_package_is_named_as_such(server: Server, agent) -> None:
    payload = {"hostname": "h", "software": [{"name": "a", "version": "1", "source_package": "open\u0000ssl"}]}
    refused = assert_refused(server, lambda: agent.post(REPORT, json=payload), 400, "invalid_request", "software[0].source_package")
    assert refused["message"] == "must be a package name: letters, digits and . _ + - only (at most 255 characters)"
    longest = {"hostname": "h", "software": [{"name": "a", "version": "1", "source_package": "a" * 255}]}
    assert agent.post(REPORT, json=longest).status_code == 200
