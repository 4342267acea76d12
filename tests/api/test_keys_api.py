"""The admin API over real HTTP: /api/keys (create, list, revoke), /api/devices/recent, their auth, CSRF and 4xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_agent_errors import assert_refused
from tests.api.test_session import login, set_password
from tests.conftest import NO_RATE_LIMITS, Server

KEYS = "/api/keys"
RECENT = "/api/devices/recent"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with a second organization, placeholder agent scripts (agents/ is another helper's; these are
    not the agents) and no request limits, since this module logs in often."""
    root = tmp_path_factory.mktemp("keys-api")
    scripts = root / "agents"
    scripts.mkdir()
    (scripts / "sentrikat-agent.sh").write_bytes(b"#!/bin/sh\necho placeholder\n")
    (scripts / "sentrikat-agent.ps1").write_bytes(b"Write-Output 'placeholder'\r\n")
    empty = root / "no-feed"
    empty.mkdir()
    srv = Server(root / "data", {
        "SENTRIKAT_FEED_DIR": str(empty), "SENTRIKAT_AGENTS_DIR": str(scripts), **NO_RATE_LIMITS,
    }).start()
    srv.cli("orgs", "create", "Branch Office")
    set_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.client(server.create_key("admin")) as client:
        yield client


def create(client: httpx.Client, **body: object) -> httpx.Response:
    return client.post(KEYS, json={"organization_id": 1, "name": "Office PCs", **body})


def listed(client: httpx.Client, key_id: int) -> dict:
    response = client.get(KEYS)
    assert response.status_code == 200, response.text
    return next(k for k in response.json()["items"] if k["id"] == key_id)


def test_create_answers_the_key_once_and_it_works_for_agents(server: Server, admin: httpx.Client) -> None:
    response = create(admin, name="Front desk", organization_id=2)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["key"].startswith("sk_agent_") and len(created["key"]) == len("sk_agent_") + 43
    assert (created["organization_id"], created["organization"], created["name"], created["scopes"]) == (
        2, "Branch Office", "Front desk", ["agent"]
    )
    assert created["prefix"] == created["key"][:12] and created["created_at"].endswith("Z")
    assert created["install"]["server_url"] == server.url and created["install"]["fingerprint"] is None
    assert [c["os"] for c in created["install"]["commands"]] == ["linux", "macos", "windows"]
    assert all(created["key"] in c["command"] for c in created["install"]["commands"])
    # Only its HMAC is stored; listing never shows it.
    assert created["key"] not in admin.get(KEYS).text
    with server.db() as conn:
        assert created["key"].encode() not in b"".join(r[0] for r in conn.execute("SELECT key_hash FROM api_keys"))
    with server.client(created["key"]) as agent:
        report = agent.post("/api/agent/report", json={"hostname": "front-desk-1", "software": []})
        assert report.status_code == 200, report.text
        assert agent.post("/api/agent/report", json={"hostname": "front-desk-1", "organization_id": 1, "software": []}).status_code == 403


def test_list_shows_every_column_and_counts_devices_per_key(server: Server, admin: httpx.Client) -> None:
    first, second = create(admin, name="Laptops").json(), create(admin, name="Servers").json()
    with server.client(first["key"]) as a, server.client(second["key"]) as b:
        for hostname in ("laptop-1", "laptop-2"):
            assert a.post("/api/agent/report", json={"hostname": hostname, "software": []}).status_code == 200
        assert b.post("/api/agent/heartbeat", json={"hostname": "server-1"}).status_code == 200
        # laptop-2 is reinstalled with the servers' key: it now counts there (its last report's key).
        delta = {"hostname": "laptop-2", "delta": True, "software_added": [], "software_removed": []}
        assert b.post("/api/agent/report", json=delta).status_code == 200
    entry = listed(admin, first["id"])
    assert set(entry) == {
        "id", "organization_id", "organization", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at",
        "devices",
    }
    assert (entry["name"], entry["organization"], entry["scopes"], entry["prefix"]) == ("Laptops", "Default", ["agent"], first["prefix"])
    assert entry["last_used_at"] and entry["revoked_at"] is None
    assert entry["devices"] == 1 and listed(admin, second["id"])["devices"] == 2


def test_recent_devices_lists_new_assets_with_organization_and_key(server: Server, admin: httpx.Client) -> None:
    created = create(admin, name="Recent").json()
    with server.client(created["key"]) as agent:
        body = {"hostname": "new-pc-77", "os": "Debian GNU/Linux 12 (bookworm)", "software": [{"name": "curl", "version": "7.88.1-10"}]}
        assert agent.post("/api/agent/report", json=body).status_code == 200
    page = admin.get(RECENT).json()
    assert page["minutes"] == 60 and page["since"].endswith("Z")
    device = next(d for d in page["items"] if d["hostname"] == "new-pc-77")
    assert (device["os"], device["organization"], device["state"], device["software_count"]) == (
        "Debian GNU/Linux 12 (bookworm)", "Default", "online", 1
    )
    assert (device["key_id"], device["key_name"]) == (created["id"], "Recent")
    assert page["items"] == sorted(page["items"], key=lambda d: (d["first_seen"], d["id"]), reverse=True)
    assert any(d["hostname"] == "new-pc-77" for d in admin.get(RECENT, params={"minutes": 1}).json()["items"])


def test_recent_devices_leaves_out_older_assets(make_server) -> None:
    import sqlite3

    srv = make_server()
    agent = srv.create_key("agent")
    with srv.client(agent) as client:
        for hostname in ("old-pc", "new-pc"):
            assert client.post("/api/agent/report", json={"hostname": hostname, "software": []}).status_code == 200
    srv.stop()
    with sqlite3.connect(srv.data_dir / "sentrikat.db") as conn:
        conn.execute("UPDATE assets SET first_seen = '2020-01-01T00:00:00Z' WHERE hostname = 'old-pc'")
    srv.start()
    with srv.client(srv.create_key("admin")) as admin:
        assert [d["hostname"] for d in admin.get(RECENT).json()["items"]] == ["new-pc"]
        assert {d["hostname"] for d in admin.get(RECENT, params={"minutes": 7 * 24 * 60}).json()["items"]} == {"new-pc"}


def test_revoke_refuses_the_key_from_the_next_request_on(server: Server, admin: httpx.Client) -> None:
    created = create(admin, name="Lost laptop").json()
    with server.client(created["key"]) as agent:
        assert agent.post("/api/agent/heartbeat", json={"hostname": "lost-laptop"}).status_code == 200
        response = admin.delete(f"{KEYS}/{created['id']}")
        assert response.status_code == 200, response.text
        assert response.json()["revoked_at"] and response.json()["id"] == created["id"]
        assert agent.post("/api/agent/heartbeat", json={"hostname": "lost-laptop"}).status_code == 401
    assert listed(admin, created["id"])["revoked_at"] == response.json()["revoked_at"]
    assert_refused(server, lambda: admin.delete(f"{KEYS}/{created['id']}"), 409, "key_already_revoked")
    assert_refused(server, lambda: admin.delete(f"{KEYS}/999999"), 404, "key_not_found")
    assert_refused(server, lambda: admin.delete(f"{KEYS}/0"), 400, "invalid_request", "key_id")
    assert_refused(server, lambda: admin.delete(f"{KEYS}/abc"), 404, "not_found")


def test_admin_can_create_read_and_admin_keys(admin: httpx.Client) -> None:
    response = create(admin, name="Reporting script", scopes=["read"])
    assert response.status_code == 201 and response.json()["key"].startswith("sk_read_")
    assert response.json()["install"] is None  # no agent scope, no install lines
    both = create(admin, name="Both", scopes=["admin", "agent", "agent"]).json()
    assert both["scopes"] == ["agent", "admin"] and both["install"] is not None


BAD_BODIES = [
    ("unknown organization", {"organization_id": 99, "name": "x"}, 400, "unknown_organization", "organization_id"),
    ("organization as text", {"organization_id": "1", "name": "x"}, 400, "invalid_request", "organization_id"),
    ("organization zero", {"organization_id": 0, "name": "x"}, 400, "invalid_request", "organization_id"),
    ("organization beyond 64 bits", {"organization_id": 2**64, "name": "x"}, 400, "invalid_request", None),
    ("missing organization", {"name": "x"}, 400, "invalid_request", "organization_id"),
    ("missing name", {"organization_id": 1}, 400, "invalid_request", "name"),
    ("empty name", {"organization_id": 1, "name": ""}, 400, "invalid_request", "name"),
    ("blank name", {"organization_id": 1, "name": "   "}, 400, "invalid_request", "name"),
    ("control character in name", {"organization_id": 1, "name": "a\u001b[31m"}, 400, "invalid_request", "name"),
    ("name too long", {"organization_id": 1, "name": "x" * 101}, 400, "invalid_request", "name"),
    ("unknown scope", {"organization_id": 1, "name": "x", "scopes": ["root"]}, 400, "invalid_request", "scopes[0]"),
    ("no scope", {"organization_id": 1, "name": "x", "scopes": []}, 400, "invalid_request", "scopes"),
    ("scopes as text", {"organization_id": 1, "name": "x", "scopes": "agent"}, 400, "invalid_request", "scopes"),
    ("misspelt field", {"organization_id": 1, "name": "x", "scope": ["agent"]}, 400, "invalid_request", None),
    ("not an object", [1, "x"], 400, "invalid_request", None),
]


@pytest.mark.parametrize(("body", "status", "error", "field"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_are_refused_and_change_nothing(server: Server, admin: httpx.Client, body, status, error, field) -> None:
    payload = assert_refused(server, lambda: admin.post(KEYS, json=body), status, error, field)
    if error == "unknown_organization":
        assert "organization 99 does not exist" in payload["message"]


def test_bad_requests_are_refused(server: Server, admin: httpx.Client) -> None:
    assert_refused(server, lambda: admin.post(KEYS, content=b'{"organization_id": 1, "name": "x"', headers={"Content-Type": "application/json"}), 400, "invalid_request")
    assert_refused(server, lambda: admin.post(KEYS, content=b"organization_id=1", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type")
    assert_refused(server, lambda: admin.post(KEYS, json={"organization_id": 1, "name": "x" * 5000}), 413, "payload_too_large")
    assert_refused(server, lambda: admin.post(KEYS, content=b'{"organization_id": 1, "name": "a", "name": "b"}', headers={"Content-Type": "application/json"}), 400, "invalid_request")
    assert_refused(server, lambda: admin.get(RECENT, params={"minutes": 0}), 400, "invalid_request", "minutes")
    assert_refused(server, lambda: admin.get(RECENT, params={"minutes": "soon"}), 400, "invalid_request", "minutes")
    # The lines name the appliance by the Host header; one that a shell could read as a command is refused.
    for host in ("evil;touch /tmp/x", "a b", "$(id)", "host:99999", "x'y"):
        # The request gate refuses most of them first (a Host this appliance does not answer to).
        response = admin.post(KEYS, json={"organization_id": 1, "name": "x"}, headers={"Host": host})
        assert response.status_code == 400 and response.json()["error"] in ("invalid_request", "invalid_host"), response.text


def test_only_admins_may_use_it(server: Server) -> None:
    body = {"organization_id": 1, "name": "x"}
    for scopes in (("agent",), ("read",)):
        with server.client(server.create_key(*scopes)) as client:
            for send in (lambda: client.post(KEYS, json=body), lambda: client.get(KEYS), lambda: client.delete(f"{KEYS}/1"),
                         lambda: client.get(RECENT)):
                assert_refused(server, send, 403, "insufficient_scope")
    with server.client() as anonymous:
        assert_refused(server, lambda: anonymous.post(KEYS, json=body), 401, "missing_api_key")
        assert_refused(server, lambda: anonymous.get(RECENT), 401, "missing_api_key")
        assert_refused(server, lambda: anonymous.get(KEYS, headers={"Authorization": "Bearer sk_admin_nope"}), 401, "invalid_api_key")
    with httpx.Client(base_url=server.url, cookies={"sentrikat_session": "forged"}) as forged:
        assert_refused(server, lambda: forged.get(KEYS), 401, "not_logged_in")


def test_admin_key_as_bearer_token(server: Server) -> None:
    key = server.create_key("admin")
    response = httpx.post(server.url + KEYS, json={"organization_id": 1, "name": "via bearer"}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.text


def test_session_changes_need_the_csrf_token_and_the_same_origin(server: Server) -> None:
    session = login(server)
    assert session.status_code == 200
    token, csrf = session.cookies["sentrikat_session"], session.json()["csrf_token"]
    body = {"organization_id": 1, "name": "From the page"}
    with httpx.Client(base_url=server.url, cookies={"sentrikat_session": token}) as page:
        assert page.get(KEYS).status_code == 200 and page.get(RECENT).status_code == 200  # reading needs no token
        assert_refused(server, lambda: page.post(KEYS, json=body), 403, "csrf_failed")
        assert_refused(server, lambda: page.post(KEYS, json=body, headers={"X-CSRF-Token": "guess"}), 403, "csrf_failed")
        assert_refused(server, lambda: page.post(KEYS, json=body, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"}), 403, "csrf_failed")
        assert_refused(server, lambda: page.post(KEYS, json=body, headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}), 403, "csrf_failed")
        created = page.post(KEYS, json=body, headers={"X-CSRF-Token": csrf, "Origin": server.url, "Sec-Fetch-Site": "same-origin"})
        assert created.status_code == 201, created.text
        key_id = created.json()["id"]
        assert_refused(server, lambda: page.delete(f"{KEYS}/{key_id}"), 403, "csrf_failed")
        assert page.delete(f"{KEYS}/{key_id}", headers={"X-CSRF-Token": csrf}).status_code == 200


def test_openapi_documents_the_admin_api_and_the_scripts(server: Server) -> None:
    schema = httpx.get(server.url + "/schema/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/keys"]) and "delete" in paths["/api/keys/{key_id}"]
    post = paths["/api/keys"]["post"]
    assert post["operationId"] == "createKey" and "201" in post["responses"]
    assert {"400", "401", "403", "413", "415", "429"} <= set(post["responses"])
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"organization_id", "name", "scopes"} and set(body["required"]) == {"organization_id", "name"}
    assert {"404", "409"} <= set(paths["/api/keys/{key_id}"]["delete"]["responses"])
    assert paths["/api/devices/recent"]["get"]["operationId"] == "listRecentDevices"
    assert paths["/agents/{name}"]["get"]["operationId"] == "getAgentScript"


def test_keys_list_cli_shows_the_device_count(server: Server, admin: httpx.Client, tmp_path: Path) -> None:
    created = create(admin, name="CLI count").json()
    with server.client(created["key"]) as agent:
        assert agent.post("/api/agent/report", json={"hostname": "cli-count-pc", "software": []}).status_code == 200
    line = next(line for line in server.cli("keys", "list").stdout.splitlines() if line.rstrip().endswith("CLI count"))
    assert line.split()[-3] == "1"  # ... DEVICES NAME ("CLI count" is two words)
