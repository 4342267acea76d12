"""Organizations are isolated: a key of organization B can neither change nor read organization A's assets."""

from __future__ import annotations

import json

import pytest

from tests.api.test_agent_errors import assert_refused
from tests.conftest import FEEDS, Server

REPORT, HEARTBEAT, SCAN, CONFIG = "/api/agent/report", "/api/agent/heartbeat", "/api/agent/container-scan", "/api/agent/config"


def asset_rows(server: Server, hostname: str) -> tuple:
    """Everything stored about one asset: its row, software, findings, changes and container data."""
    with server.db() as conn:
        (asset_id,) = conn.execute("SELECT id FROM assets WHERE hostname = ?", (hostname,)).fetchone()
        return tuple(
            conn.execute(f"SELECT * FROM {table} WHERE {column} = ? ORDER BY rowid", (asset_id,)).fetchall()
            for table, column in (("assets", "id"), ("software", "asset_id"), ("findings", "asset_id"),
                                  ("software_changes", "asset_id"), ("container_images", "asset_id"),
                                  ("container_findings", "asset_id"))
        )


def test_another_organization_cannot_write_or_read_an_asset(server: Server, hostname: str) -> None:
    # Organization names that do not contain the hostname, so a read that leaks it is visible.
    org_a = json.loads(server.cli("orgs", "create", f"A {hostname[::-1]}", "--json").stdout)["id"]
    org_b = json.loads(server.cli("orgs", "create", f"B {hostname[::-1]}", "--json").stdout)["id"]
    key_a, key_b = server.create_key(org=org_a), server.create_key(org=org_b)
    trivy = FEEDS / "trivy" / "alpine-310.json"
    if not trivy.exists():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    with server.client(key_a) as a:
        software = [{"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}]
        assert a.post(REPORT, json={"hostname": hostname, "os": "Windows 11", "software": software}).status_code == 200
        scan = a.post(SCAN, params={"hostname": hostname}, content=trivy.read_bytes(), headers={"Content-Type": "application/json"})
        assert scan.status_code == 200, scan.text
    before = asset_rows(server, hostname)

    envelope = {"hostname": hostname, "images": [{"image_name": "alpine", "image_tag": "3.10", "trivy_output": json.loads(trivy.read_text())}]}
    writes = {
        "full report": lambda b, h: b.post(REPORT, json={"hostname": h, "software": []}),
        "delta adding": lambda b, h: b.post(REPORT, json={"hostname": h, "delta": True, "software_added": [{"name": "x", "version": "1"}]}),
        "delta removing": lambda b, h: b.post(REPORT, json={"hostname": h, "delta": True, "software_removed": software}),
        "heartbeat": lambda b, h: b.post(HEARTBEAT, json={"hostname": h, "agent_version": "9.9.9"}),
        "container scan": lambda b, h: b.post(SCAN, json={**envelope, "hostname": h}),
        "bare container scan": lambda b, h: b.post(SCAN, params={"hostname": h}, content=trivy.read_bytes(),
                                                    headers={"Content-Type": "application/json"}),
    }
    with server.client(key_b) as b:
        for name, send in writes.items():
            for spelling in (hostname, hostname.upper()):
                payload = assert_refused(server, lambda: send(b, spelling), 409, "hostname_conflict", "hostname")
                # The answer names the conflict, never the other organization's data.
                without_name = payload["message"].replace(hostname, "").replace(hostname.upper(), "")
                assert str(org_a) not in without_name and "asset" not in payload, (name, payload)
        # The config answers A's host exactly as one nobody has: it says nothing about A.
        unknown = b.get(CONFIG, params={"hostname": hostname + "-nobody"})
        for spelling in (hostname, hostname.upper()):
            assert b.get(CONFIG, params={"hostname": spelling}).content == unknown.content
        # Naming organization A in the body does not help either.
        assert_refused(server, lambda: b.post(REPORT, json={"hostname": hostname, "organization_id": org_a, "software": []}),
                       403, "organization_forbidden", "organization_id")
        assert_refused(server, lambda: b.post(SCAN, json={**envelope, "organization_id": org_a}), 403, "organization_forbidden")
    assert asset_rows(server, hostname) == before

    # Reads: B's read key sees none of A's asset, its findings or its containers, on every
    # read endpoint; A's own read key does see them (so the checks below can fail).
    with server.db() as conn:
        (asset_id,) = conn.execute("SELECT id FROM assets WHERE hostname = ?", (hostname,)).fetchone()
    reads = {
        "assets": lambda c: c.get("/api/assets", params={"q": hostname, "limit": 200}),
        "vulnerabilities": lambda c: c.get("/api/vulnerabilities", params={"limit": 500}),
        "csv": lambda c: c.get("/api/vulnerabilities.csv"),
        "patch plan": lambda c: c.get("/api/remediation", params={"limit": 1000}),
        "patch plan csv": lambda c: c.get("/api/remediation.csv"),
    }
    read_a, read_b = server.create_key("read", org=org_a), server.create_key("read", org=org_b)
    with server.client(read_a) as a, server.client(read_b) as b:
        assert a.get(f"/api/assets/{asset_id}").status_code == 200
        assert b.get(f"/api/assets/{asset_id}").status_code == 404
        for name, read in reads.items():
            seen_by_a, seen_by_b = read(a), read(b)
            assert seen_by_a.status_code == seen_by_b.status_code == 200, name
            assert hostname in seen_by_a.text, name
            assert hostname not in seen_by_b.text.lower() and hostname.lower() not in seen_by_b.text.lower(), name
        # Asking for A's organization outright is refused.
        assert b.get("/api/assets", params={"organization": org_a}).status_code == 403
        assert b.get("/api/vulnerabilities", params={"organization": org_a}).status_code == 403
        assert b.get("/api/remediation", params={"organization": org_a}).status_code == 403
        status = b.get("/api/status").json()
        assert hostname not in json.dumps(status)
    # The admin API (keys, recent devices) spans organizations, so no read or agent key may use it;
    # the agent scripts carry no asset data.
    admin_calls = {
        "keys": lambda c: c.get("/api/keys"),
        "recent devices": lambda c: c.get("/api/devices/recent"),
        "create key": lambda c: c.post("/api/keys", json={"organization_id": org_b, "name": "x"}),
        "revoke key": lambda c: c.delete("/api/keys/1"),
    }
    with server.client(read_b) as b, server.client(key_b) as agent_b:
        for client in (b, agent_b):
            for send in admin_calls.values():
                assert_refused(server, lambda: send(client), 403, "insufficient_scope")
        script = b.get("/agents/sentrikat-agent.sh")
        assert hostname.lower() not in script.text.lower()
        # The alert settings are the appliance's, for admins only: no read key gets them.
        assert b.get("/api/alerts").status_code == 403
    # Every read path of the API is covered above; a new one must be added here.
    paths = json.loads(server.client().get("/schema/openapi.json").text)["paths"]
    read_paths = {p for p in paths if not p.startswith(("/api/agent/", "/api/alerts")) and p not in ("/healthz", "/api/session")}
    assert read_paths == {"/api/assets", "/api/assets/{asset_id}", "/api/vulnerabilities", "/api/vulnerabilities.csv",
                          "/api/status", "/api/keys", "/api/keys/{key_id}", "/api/devices/recent", "/agents/{name}",
                          "/api/assets/{asset_id}/move", "/api/remediation", "/api/remediation.csv",
                          "/api/container-findings/{finding_id}/triage", "/api/container-images/{image_id}/triage"}, (
        "a new read endpoint appeared: extend this test to it"
    )
    # The admin changes (deleteAsset, moveAsset) refuse read keys: tests/api/test_hostname_claims.py.
    with server.client(read_b) as b:
        assert b.delete(f"/api/assets/{asset_id}").status_code == 403
        assert b.post(f"/api/assets/{asset_id}/move", json={"organization_id": org_b}).status_code == 403
        # So does triage (tests/api/test_triage.py), even of an id that exists nowhere.
        assert b.put("/api/container-findings/1/triage", json={"triage": "accepted_risk"}).status_code == 403
        assert b.put("/api/container-images/1/triage", json={"vulnerability_id": "CVE-2019-1551", "triage": "open"}).status_code == 403
