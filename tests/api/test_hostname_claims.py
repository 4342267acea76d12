"""Hostnames are claimed only by a full report: pending assets block nobody, expire, and admins can delete or move assets."""

from __future__ import annotations

import json
import time

import httpx

from tests.api.test_agent_errors import assert_refused
from tests.api.test_session import PASSWORD, set_password
from tests.conftest import Server

REPORT, HEARTBEAT, SCAN, CONFIG = "/api/agent/report", "/api/agent/heartbeat", "/api/agent/container-scan", "/api/agent/config"
SOFTWARE = [{"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}]


def two_orgs(server: Server, label: str) -> tuple[int, int]:
    a = json.loads(server.cli("orgs", "create", f"A {label}", "--json").stdout)["id"]
    b = json.loads(server.cli("orgs", "create", f"B {label}", "--json").stdout)["id"]
    return a, b


def asset_of(server: Server, hostname: str) -> tuple | None:
    with server.db() as conn:
        return conn.execute("SELECT id, organization_id, status FROM assets WHERE hostname = ?", (hostname,)).fetchone()


def test_a_heartbeat_does_not_squat_another_organizations_hostname(server: Server, hostname: str) -> None:
    org_a, org_b = two_orgs(server, hostname)
    key_a, key_b = server.create_key(org=org_a), server.create_key(org=org_b)
    read_a = server.create_key("read", org=org_a)
    with server.client(key_a) as a, server.client(key_b) as b:
        # A squats first: a heartbeat, a delta and a container scan create or keep a pending asset.
        assert a.post(HEARTBEAT, json={"hostname": hostname}).status_code == 200
        assert asset_of(server, hostname)[1:] == (org_a, "pending")
        # B's own agent is not blocked: its full report claims the hostname.
        claimed = b.post(REPORT, json={"hostname": hostname, "os": "Windows 11", "software": SOFTWARE})
        assert claimed.status_code == 200, claimed.text
        asset_id, owner, status = asset_of(server, hostname)
        assert (owner, status) == (org_b, "active") and claimed.json()["asset_id"] == asset_id

        # From now on A can neither change it ...
        for send in (
            lambda: a.post(HEARTBEAT, json={"hostname": hostname}),
            lambda: a.post(REPORT, json={"hostname": hostname, "software": []}),
            lambda: a.post(REPORT, json={"hostname": hostname.upper(), "delta": True, "software_added": SOFTWARE}),
        ):
            assert_refused(server, send, 409, "hostname_conflict", "hostname")
        # ... nor learn about it: its config answer is byte for byte the one for a hostname nobody has.
        unknown = a.get(CONFIG, params={"hostname": hostname + "-never-seen"})
        taken = a.get(CONFIG, params={"hostname": hostname})
        assert (taken.status_code, taken.content) == (unknown.status_code, unknown.content) == (200, unknown.content)
        assert taken.json()["force_full_scan"] is True
        # B's own config for its active, fully reported asset differs (no full scan needed).
        assert b.get(CONFIG, params={"hostname": hostname}).json()["force_full_scan"] is False
    with server.client(read_a) as reader:
        assert reader.get(f"/api/assets/{asset_id}").status_code == 404
        assert hostname not in reader.get("/api/assets", params={"q": hostname}).text
    assert asset_of(server, hostname) == (asset_id, org_b, "active")


def test_pending_assets_of_two_organizations_take_turns_without_blocking(server: Server, hostname: str) -> None:
    org_a, org_b = two_orgs(server, hostname)
    with server.client(server.create_key(org=org_a)) as a, server.client(server.create_key(org=org_b)) as b:
        assert a.post(HEARTBEAT, json={"hostname": hostname}).status_code == 200
        # B's heartbeat and delta are not refused either; the pending registration is B's now.
        assert b.post(HEARTBEAT, json={"hostname": hostname}).status_code == 200
        assert asset_of(server, hostname)[1:] == (org_b, "pending")
        delta = a.post(REPORT, json={"hostname": hostname, "delta": True, "software_added": SOFTWARE})
        assert delta.status_code == 400 and delta.json()["error"] == "full_report_required"
        assert asset_of(server, hostname)[1:] == (org_a, "pending")
        # A full report from A claims it; B is then refused.
        assert a.post(REPORT, json={"hostname": hostname, "software": SOFTWARE}).status_code == 200
        assert_refused(server, lambda: b.post(HEARTBEAT, json={"hostname": hostname}), 409, "hostname_conflict", "hostname")


def test_pending_assets_expire_and_active_ones_stay(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_DELETE_PENDING_AFTER="2", SENTRIKAT_EXPIRY_INTERVAL="1")
    with srv.client(srv.create_key()) as agent:
        assert agent.post(HEARTBEAT, json={"hostname": "pending-only"}).status_code == 200
        assert agent.post(REPORT, json={"hostname": "reported", "software": SOFTWARE}).status_code == 200
    assert asset_of(srv, "pending-only")[2] == "pending"
    deadline = time.monotonic() + 20
    while asset_of(srv, "pending-only") is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert asset_of(srv, "pending-only") is None, srv.log()
    assert asset_of(srv, "reported")[2] == "active"


def test_assets_cli_lists_deletes_and_moves(server: Server, hostname: str) -> None:
    org_a, org_b = two_orgs(server, hostname)
    with server.client(server.create_key(org=org_a)) as a:
        for name in (hostname, hostname + "-2"):
            assert a.post(REPORT, json={"hostname": name, "software": SOFTWARE}).status_code == 200
    listed = json.loads(server.cli("assets", "list", "--org", str(org_a), "--json").stdout)
    assert sorted(row["hostname"] for row in listed) == [hostname, hostname + "-2"]
    assert all(row["organization_id"] == org_a and row["status"] == "active" for row in listed)
    assert hostname in server.cli("assets", "list").stdout
    first, second = sorted(listed, key=lambda row: row["hostname"])

    moved = json.loads(server.cli("assets", "move", str(first["id"]), "--org", str(org_b), "--json").stdout)
    assert moved == {"id": first["id"], "hostname": hostname, "organization_id": org_b, "action": "moved"}
    assert asset_of(server, hostname)[1] == org_b
    with server.db() as conn:  # its software and findings moved with it
        assert conn.execute("SELECT COUNT(*) FROM software WHERE asset_id = ?", (first["id"],)).fetchone()[0] == 1

    assert "Deleted asset" in server.cli("assets", "delete", str(second["id"])).stdout
    assert asset_of(server, hostname + "-2") is None
    with server.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM software WHERE asset_id = ?", (second["id"],)).fetchone()[0] == 0

    for args, message in (
        (("assets", "delete", str(second["id"])), f"there is no asset {second['id']}"),
        (("assets", "move", str(first["id"]), "--org", "999999"), "there is no organization 999999"),
    ):
        result = server.cli(*args, check=False)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_admins_delete_and_move_assets_over_http(make_server) -> None:
    srv: Server = make_server()
    set_password(srv)
    org_b = json.loads(srv.cli("orgs", "create", "Branch", "--json").stdout)["id"]
    with srv.client(srv.create_key()) as agent:
        ids = [agent.post(REPORT, json={"hostname": f"pc-{n}", "software": SOFTWARE}).json()["asset_id"] for n in range(3)]
    read_key, admin_key = srv.create_key("read"), srv.create_key("admin")
    login = httpx.post(srv.url + "/api/session", json={"username": "admin", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    cookies = {"sentrikat_session": login.cookies["sentrikat_session"]}
    with httpx.Client(base_url=srv.url, cookies=cookies) as page, srv.client(read_key) as reader, \
            srv.client(admin_key) as admin, srv.client(srv.create_key()) as agent:
        move = f"/api/assets/{ids[0]}/move"
        # Refused, changing nothing: no CSRF token, a wrong one, another site, a read key, an agent key.
        assert_refused(srv, lambda: page.post(move, json={"organization_id": org_b}), 403, "csrf_failed")
        assert_refused(srv, lambda: page.delete(f"/api/assets/{ids[0]}", headers={"X-CSRF-Token": "x" * 43}), 403, "csrf_failed")
        assert_refused(srv, lambda: page.delete(f"/api/assets/{ids[0]}", headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"}),
                       403, "csrf_failed")
        assert_refused(srv, lambda: reader.post(move, json={"organization_id": org_b}), 403, "insufficient_scope")
        assert_refused(srv, lambda: agent.delete(f"/api/assets/{ids[0]}"), 403, "insufficient_scope")
        assert_refused(srv, lambda: httpx.delete(f"{srv.url}/api/assets/{ids[0]}"), 401, "missing_api_key")
        # Bad targets.
        assert_refused(srv, lambda: admin.post(move, json={"organization_id": 999}), 400, "invalid_request", "organization_id")
        assert_refused(srv, lambda: admin.post(move, json={"organization_id": "2"}), 400, "invalid_request", "organization_id")
        assert_refused(srv, lambda: admin.delete("/api/assets/999999"), 404, "asset_not_found", "asset_id")

        # The admin session with its token moves and deletes; so does an admin key.
        moved = page.post(move, json={"organization_id": org_b}, headers={"X-CSRF-Token": csrf})
        assert moved.status_code == 200, moved.text
        assert moved.json() == {"id": ids[0], "hostname": "pc-0", "organization_id": org_b, "action": "moved"}
        assert asset_of(srv, "pc-0")[1] == org_b
        deleted = page.delete(f"/api/assets/{ids[1]}", headers={"X-CSRF-Token": csrf})
        assert deleted.status_code == 200 and deleted.json()["action"] == "deleted"
        assert admin.delete(f"/api/assets/{ids[2]}").status_code == 200
        assert asset_of(srv, "pc-1") is None and asset_of(srv, "pc-2") is None
        # The moved asset now belongs to Branch: organization 1's agent key is refused for it.
        assert agent.post(HEARTBEAT, json={"hostname": "pc-0"}).status_code == 409
