"""Full and delta reports over real HTTP, checked against the contract and the database."""

from __future__ import annotations

import re

from tests.conftest import Server, debian_software

CONTRACT_FULL = {
    "hostname": "workstation-001",
    "os": "Windows 11 23H2",
    "organization_id": 1,
    "ip_address": "192.168.1.50",
    "tags": ["office", "finance"],
    "software": [
        {
            "name": "Google Chrome",
            "version": "121.0.6167.85",
            "vendor": "Google LLC",
            "cpe": "cpe:2.3:a:google:chrome:121.0.6167.85:*:*:*:*:*:*:*",
        },
        {"name": "7-Zip", "version": "23.01", "vendor": "Igor Pavlov"},
    ],
}


def full(hostname: str, *items: tuple[str, str], **extra: object) -> dict:
    return {"hostname": hostname, "software": [{"name": n, "version": v} for n, v in items], **extra}


def software_rows(server: Server, hostname: str) -> list[tuple]:
    with server.db() as conn:
        return conn.execute(
            "SELECT s.name, s.version, s.vendor, s.cpe, s.match_method FROM software s JOIN assets a ON a.id = s.asset_id"
            " WHERE a.hostname = ? ORDER BY s.name, s.version",
            (hostname,),
        ).fetchall()


def test_contract_full_report_example(server: Server, agent) -> None:
    response = agent.post("/api/agent/report", json=CONTRACT_FULL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "accepted"
    assert isinstance(body["asset_id"], int)
    assert body["hostname"] == "workstation-001"
    assert body["products_processed"] == 2
    # Chrome by its agent-supplied CPE, 7-Zip by the alias table.
    assert body["products_matched"] == 2
    # 7-Zip 23.01: CVE-2024-11477 and CVE-2025-0411; Chrome 121.0.6167.85: CVE-2024-4671.
    assert body["vulnerabilities_found"] == 3
    with server.db() as conn:
        os_name, ip, tags, status = conn.execute(
            "SELECT os, ip_address, tags, status FROM assets WHERE hostname = 'workstation-001'"
        ).fetchone()
    assert (os_name, ip, tags, status) == ("Windows 11 23H2", "192.168.1.50", '["office","finance"]', "active")
    assert software_rows(server, "workstation-001") == [
        ("7-Zip", "23.01", "Igor Pavlov", None, "alias"),
        ("Google Chrome", "121.0.6167.85", "Google LLC", CONTRACT_FULL["software"][0]["cpe"], "agent_cpe"),
    ]


def test_contract_delta_example(server: Server, agent, hostname: str) -> None:
    assert agent.post("/api/agent/report", json=full(hostname, ("Slack", "4.35.126"))).status_code == 200
    response = agent.post(
        "/api/agent/report",
        json={
            "hostname": hostname,
            "delta": True,
            "software_added": [{"name": "Slack", "version": "4.36.0", "vendor": "Salesforce"}],
            "software_removed": [{"name": "Slack", "version": "4.35.126"}],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "accepted"
    assert body["products_added"] == 1
    assert body["products_removed"] == 1
    assert body["vulnerabilities_found"] == 0
    assert body["products_already_present"] == 0 and body["products_not_found"] == 0
    assert body["force_full_scan"] is False
    assert software_rows(server, hostname) == [("Slack", "4.36.0", "Salesforce", None, None)]
    with server.db() as conn:
        changes = conn.execute(
            "SELECT change, name, version FROM software_changes c JOIN assets a ON a.id = c.asset_id"
            " WHERE a.hostname = ? ORDER BY change",
            (hostname,),
        ).fetchall()
    assert changes == [("added", "Slack", "4.36.0"), ("removed", "Slack", "4.35.126")]


def test_without_a_feed_only_agent_cpes_match(make_server, hostname: str) -> None:
    srv = make_server()
    with srv.client(srv.create_key()) as client:
        body = client.post("/api/agent/report", json={**CONTRACT_FULL, "hostname": hostname}).json()
    assert (body["products_processed"], body["products_matched"], body["vulnerabilities_found"]) == (2, 1, 0)
    assert "no vulnerability feed loaded" in srv.log()


def test_defaults_for_optional_fields(server: Server, agent, hostname: str) -> None:
    response = agent.post("/api/agent/report", json=full(hostname, ("Office Intranet Helper", "7.88.1")))
    assert response.status_code == 200, response.text
    with server.db() as conn:
        row = conn.execute(
            "SELECT organization_id, os, ip_address, tags FROM assets WHERE hostname = ?", (hostname,)
        ).fetchone()
    assert row == (1, "Unknown", "127.0.0.1", "[]")
    assert software_rows(server, hostname) == [("Office Intranet Helper", "7.88.1", "", None, None)]


def test_full_report_replaces_the_list(server: Server, agent, hostname: str) -> None:
    first = agent.post("/api/agent/report", json=full(hostname, ("a", "1"), ("b", "1"), ("c", "1"))).json()
    assert (first["products_added"], first["products_removed"]) == (3, 0)
    second = agent.post("/api/agent/report", json=full(hostname, ("a", "1"), ("b", "2"), ("d", "1"))).json()
    assert second["asset_id"] == first["asset_id"]
    assert (second["products_processed"], second["products_added"], second["products_removed"]) == (3, 2, 2)
    assert [r[:2] for r in software_rows(server, hostname)] == [("a", "1"), ("b", "2"), ("d", "1")]
    with server.db() as conn:
        changes = conn.execute(
            "SELECT change, name, version FROM software_changes c JOIN assets a ON a.id = c.asset_id"
            " WHERE a.hostname = ? ORDER BY change, name, version",
            (hostname,),
        ).fetchall()
    # The first full report is the baseline; only the second one's differences are history.
    assert changes == [("added", "b", "2"), ("added", "d", "1"), ("removed", "b", "1"), ("removed", "c", "1")]


def test_repeated_items_are_collapsed(server: Server, agent, hostname: str) -> None:
    body = agent.post("/api/agent/report", json=full(hostname, ("a", "1"), ("a", "1"), ("a", "2"))).json()
    assert body["products_processed"] == 2
    assert [r[:2] for r in software_rows(server, hostname)] == [("a", "1"), ("a", "2")]


def test_hostnames_are_case_insensitive(server: Server, agent, hostname: str) -> None:
    first = agent.post("/api/agent/report", json=full(hostname, ("a", "1"))).json()
    second = agent.post("/api/agent/report", json=full(hostname.upper(), ("a", "1"))).json()
    assert first["asset_id"] == second["asset_id"]


def test_delta_before_full_report_registers_pending(server: Server, agent, hostname: str) -> None:
    delta = {"hostname": hostname, "delta": True, "software_added": [{"name": "x", "version": "1"}]}
    response = agent.post("/api/agent/report", json=delta)
    assert response.status_code == 400
    assert response.json()["error"] == "full_report_required"
    with server.db() as conn:
        assert conn.execute("SELECT status, force_full_scan FROM assets WHERE hostname = ?", (hostname,)).fetchone() == ("pending", 1)
    assert software_rows(server, hostname) == []
    assert agent.get("/api/agent/config", params={"hostname": hostname}).json()["force_full_scan"] is True
    # Still pending: a second delta gets the same answer.
    assert agent.post("/api/agent/report", json=delta).json()["error"] == "full_report_required"
    assert agent.post("/api/agent/report", json=full(hostname, ("x", "1"))).status_code == 200
    assert agent.get("/api/agent/config", params={"hostname": hostname}).json()["force_full_scan"] is False
    with server.db() as conn:
        assert conn.execute("SELECT status FROM assets WHERE hostname = ?", (hostname,)).fetchone() == ("active",)


def test_delta_divergence_forces_full_scan(server: Server, agent, hostname: str) -> None:
    agent.post("/api/agent/report", json=full(hostname, ("a", "1"), ("b", "1")))
    response = agent.post(
        "/api/agent/report",
        json={
            "hostname": hostname,
            "delta": True,
            "software_added": [{"name": "a", "version": "1"}, {"name": "c", "version": "1"}],
            "software_removed": [{"name": "zz", "version": "9"}, {"name": "b", "version": "1"}],
        },
    )
    body = response.json()
    assert (body["products_added"], body["products_removed"]) == (1, 1)
    assert (body["products_already_present"], body["products_not_found"]) == (1, 1)
    assert body["force_full_scan"] is True
    assert [r[:2] for r in software_rows(server, hostname)] == [("a", "1"), ("c", "1")]
    assert agent.get("/api/agent/config", params={"hostname": hostname}).json()["force_full_scan"] is True
    agent.post("/api/agent/report", json=full(hostname, ("a", "1")))
    assert agent.get("/api/agent/config", params={"hostname": hostname}).json()["force_full_scan"] is False


def test_real_debian_inventory(server: Server, agent, hostname: str, feeds_root) -> None:
    software = debian_software(feeds_root)
    response = agent.post("/api/agent/report", json={"hostname": hostname, "os": "Debian GNU/Linux 12 (bookworm)", "software": software})
    assert response.status_code == 200, response.text
    distinct = {(s["name"], s["version"]) for s in software}
    assert response.json()["products_processed"] == len(distinct)
    assert len(software_rows(server, hostname)) == len(distinct)


def test_twenty_thousand_items(server: Server, agent, hostname: str) -> None:
    items = [{"name": f"package-{i:05d}", "version": f"1.{i % 97}.{i % 13}", "vendor": "Example"} for i in range(20_000)]
    response = agent.post("/api/agent/report", json={"hostname": hostname, "software": items})
    assert response.status_code == 200, response.text
    assert response.json()["products_processed"] == 20_000
    assert len(software_rows(server, hostname)) == 20_000


def test_heartbeat(server: Server, agent, hostname: str) -> None:
    agent.post("/api/agent/report", json=full(hostname, ("a", "1")))
    response = agent.post("/api/agent/heartbeat", json={"hostname": hostname, "agent_version": "1.2.0"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert isinstance(body["asset_id"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["server_time"])
    assert body["config"] == {"scan_interval": 86400, "include_updates": False, "force_full_scan": False}
    with server.db() as conn:
        version, last_seen = conn.execute("SELECT agent_version, last_seen FROM assets WHERE hostname = ?", (hostname,)).fetchone()
    assert version == "1.2.0"
    assert last_seen == body["server_time"]


def test_heartbeat_from_unknown_host_registers_pending(server: Server, agent, hostname: str) -> None:
    body = agent.post("/api/agent/heartbeat", json={"hostname": hostname}).json()
    assert body["config"]["force_full_scan"] is True
    with server.db() as conn:
        assert conn.execute("SELECT id, status, force_full_scan FROM assets WHERE hostname = ?", (hostname,)).fetchone() == (body["asset_id"], "pending", 1)


def test_config_defaults(server: Server, agent) -> None:
    response = agent.get("/api/agent/config")
    assert response.status_code == 200
    assert response.json() == {
        "scan_interval": 86400,
        "include_updates": False,
        "include_services": True,
        "minimum_agent_version": "1.0.0",
        "force_full_scan": False,
    }


def test_config_for_a_host_never_seen_asks_for_a_full_scan(server: Server, agent, hostname: str) -> None:
    before = server.snapshot()
    assert agent.get("/api/agent/config", params={"hostname": hostname}).json()["force_full_scan"] is True
    assert server.snapshot() == before


def test_source_and_bundle_id_hints_are_used_and_kept(server: Server, agent, hostname: str) -> None:
    # Our extension: a macOS host's bundle and Homebrew formula, with the agent's hints.
    software = [
        {"name": "Google Chrome.app", "version": "116.0.5845.96", "source": "macos_app", "bundle_id": "com.google.Chrome"},
        {"name": "openssl@3", "version": "3.0.1", "source": "homebrew"},
    ]
    report = {"hostname": hostname, "os": "macOS 14.5", "software": software}
    body = agent.post("/api/agent/report", json=report).json()
    assert body["products_matched"] == 2
    with server.db() as conn:
        rows = conn.execute(
            "SELECT s.name, s.source, s.bundle_id, s.match_cpe FROM software s JOIN assets a ON a.id = s.asset_id"
            " WHERE a.hostname = ? ORDER BY s.name", (hostname,),
        ).fetchall()
    assert rows == [
        ("Google Chrome.app", "macos_app", "com.google.Chrome", "cpe:2.3:a:google:chrome:116.0.5845.96:*:*:*:*:*:*:*"),
        ("openssl@3", "homebrew", "", "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*"),
    ]
    delta = {"hostname": hostname, "delta": True,
             "software_added": [{"name": "tomcat", "version": "9.0.60", "source": "homebrew"}]}
    assert agent.post("/api/agent/report", json=delta).json()["products_added"] == 1
    with server.db() as conn:
        assert conn.execute(
            "SELECT s.source, s.match_cpe FROM software s JOIN assets a ON a.id = s.asset_id WHERE a.hostname = ? AND s.name = 'tomcat'",
            (hostname,),
        ).fetchone() == ("homebrew", "cpe:2.3:a:apache:tomcat:9.0.60:*:*:*:*:*:*:*")


def test_source_package_hint_is_used_stored_and_not_part_of_an_items_identity(server: Server, agent, hostname: str) -> None:
    # Our extension: the dpkg agent sends each package's source package when it differs from its name.
    software = [
        {"name": "bsdextrautils", "version": "2.38.1-5+deb12u3", "vendor": "Debian", "source": "dpkg", "source_package": "util-linux"},
        {"name": "libnuma1", "version": "2.0.16-1", "source": "dpkg", "source_package": "numactl"},
        {"name": "curl", "version": "7.88.1-10+deb12u5", "source": "dpkg", "source_package": ""},
    ]
    report = {"hostname": hostname, "os": "Debian GNU/Linux 12 (bookworm)", "software": software}
    assert agent.post("/api/agent/report", json=report).json()["products_matched"] == 2

    def rows() -> list[tuple]:
        with server.db() as conn:
            return conn.execute(
                "SELECT s.name, s.source_package, s.match_cpe, COALESCE(s.match_evidence, s.unmatched_reason)"
                " FROM software s JOIN assets a ON a.id = s.asset_id WHERE a.hostname = ? ORDER BY s.name", (hostname,),
            ).fetchall()

    (bsdextrautils, curl, numa) = rows()
    assert bsdextrautils[:3] == ("bsdextrautils", "util-linux", "cpe:2.3:a:kernel:util-linux:2.38.1:*:*:*:*:*:*:*")
    assert "built from source package 'util-linux'" in bsdextrautils[3]
    assert curl[:2] == ("curl", "") and curl[2].startswith("cpe:2.3:a:haxx:curl:7.88.1")
    assert numa[:3] == ("libnuma1", "numactl", None) and "source package 'numactl'" in numa[3]

    # A delta names items by name and version only: a removal without the hint removes the item,
    # and an addition carries its hint like a full report's item.
    delta = {"hostname": hostname, "delta": True, "os": "Debian GNU/Linux 12 (bookworm)",
             "software_removed": [{"name": "bsdextrautils", "version": "2.38.1-5+deb12u3"}],
             "software_added": [{"name": "logsave", "version": "1.47.0-2", "source": "dpkg", "source_package": "e2fsprogs"}]}
    answer = agent.post("/api/agent/report", json=delta).json()
    assert (answer["products_added"], answer["products_removed"], answer["products_not_found"]) == (1, 1, 0)
    assert [r[:3] for r in rows()] == [
        ("curl", "", curl[2]),
        ("libnuma1", "numactl", None),
        ("logsave", "e2fsprogs", "cpe:2.3:a:e2fsprogs_project:e2fsprogs:1.47.0:*:*:*:*:*:*:*"),
    ]
    # The same name and version with another hint is the same item: already present, nothing changes.
    again = {"hostname": hostname, "delta": True,
             "software_added": [{"name": "logsave", "version": "1.47.0-2", "source": "dpkg", "source_package": "e2fsprogs1"}]}
    answer = agent.post("/api/agent/report", json=again).json()
    assert (answer["products_added"], answer["products_already_present"]) == (0, 1)
    assert rows()[2][1] == "e2fsprogs"
    # A full report is the whole truth: it replaces the hint (and the identification made with it).
    software = [{"name": "logsave", "version": "1.47.0-2", "source": "dpkg"}]
    agent.post("/api/agent/report", json={"hostname": hostname, "os": "Debian GNU/Linux 12 (bookworm)", "software": software})
    assert rows() == [("logsave", "", None, rows()[0][3])]
