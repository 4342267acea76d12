"""The SentriKat agent 1.5 dialect over real HTTP: /api/agent/inventory and /api/agent/commands.

The bodies are built here from the agents' documented format (field names as agent 1.5
sends them); the Linux and macOS body is made defective the way the agent makes it, by
running the same `sed 's/}$//'` in a real shell.
"""

from __future__ import annotations

import gzip
import json
import subprocess

import httpx
import pytest

from tests.conftest import Server

LINUX_UA = "SentriKat-Agent/1.5.0 (Linux)"
WINDOWS_UA = "SentriKat-Agent/1.5.0 (Windows)"


def linux_host_info(hostname: str) -> str:
    """The host part as the Linux agent writes it: a pretty-printed object, one field a line."""
    return (
        "{\n"
        f'    "hostname": "{hostname}",\n'
        f'    "fqdn": "{hostname}.office.lan",\n'
        '    "ip_address": "192.168.1.23",\n'
        '    "os": {\n'
        '        "name": "Debian GNU/Linux",\n'
        '        "version": "12 (bookworm)",\n'
        '        "kernel": "6.1.0-18-amd64"\n'
        "    },\n"
        '    "agent": {\n'
        '        "id": "4f1c2b7e9a0d4c3e8b6a5f1e2d3c4b5a",\n'
        '        "version": "1.5.0"\n'
        "    }\n"
        "}"
    )


LINUX_PRODUCTS = [
    {"vendor": "Debian", "product": "openssl", "version": "3.0.11-1~deb12u2", "distro_package_version": "3.0.11-1~deb12u2"},
    {"vendor": "Debian", "product": "curl", "version": "7.88.1-10+deb12u5", "distro_package_version": "7.88.1-10+deb12u5"},
    {"vendor": "PyPI", "product": "requests", "version": "2.31.0", "source_type": "language_package", "ecosystem": "pip"},
]


def agent_body(hostname: str, products: list[dict]) -> bytes:
    """The Linux/macOS agent's body as sent: sed strips every line-final brace, then products are appended."""
    stripped = subprocess.run(
        ["sh", "-c", "printf '%s' \"$1\" | sed 's/}$//'", "sh", linux_host_info(hostname)],
        capture_output=True, check=True,
    ).stdout
    return stripped + b', "products": ' + json.dumps(products).encode() + b"}"


def windows_body(hostname: str) -> dict:
    return {
        "hostname": hostname,
        "fqdn": f"{hostname}.corp.example",
        "ip_address": "10.0.0.7",
        "os": {"name": "Microsoft Windows 11 Pro", "version": "10.0.22631", "kernel": "10.0.22631"},
        "agent": {"id": "b5c2f0d4-1e2a-4c3b-9d8e-7f6a5b4c3d2e", "version": "1.5.0"},
        "installed_kbs": [],
        "products": [
            {"vendor": "Igor Pavlov", "product": "7-Zip 23.01 (x64)", "version": "23.01", "version_source": "registry",
             "path": "C:\\Program Files\\7-Zip"},
            {"vendor": "Microsoft Corporation", "product": "Microsoft Edge WebView2 Runtime", "version": None,
             "version_source": None, "path": None},
            {"vendor": "", "product": "Some Tool", "version": "", "version_source": "file", "path": None},
        ],
    }


@pytest.fixture(scope="module")
def reader(server: Server) -> httpx.Client:
    with server.client(server.create_key("read")) as client:
        yield client


def asset_detail(reader: httpx.Client, hostname: str) -> dict:
    page = reader.get("/api/assets", params={"q": hostname}).json()
    (summary,) = [a for a in page["items"] if a["hostname"] == hostname]
    return reader.get(f"/api/assets/{summary['id']}").json()


def test_windows_inventory_is_a_full_report(server: Server, agent_key: str, reader: httpx.Client, hostname: str) -> None:
    with server.client(agent_key) as client:
        response = client.post("/api/agent/inventory", json=windows_body(hostname), headers={"User-Agent": WINDOWS_UA})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["hostname"], body["products_processed"]) == ("accepted", hostname, 3)
    assert body["vulnerabilities_found"] >= 2  # 7-Zip 23.01: CVE-2024-11477, CVE-2025-0411
    detail = asset_detail(reader, hostname)
    assert detail["asset"]["os"] == "Microsoft Windows 11 Pro 10.0.22631"
    assert detail["asset"]["agent_version"] == "1.5.0"
    assert (detail["kernel"], detail["agent_id"]) == ("10.0.22631", "b5c2f0d4-1e2a-4c3b-9d8e-7f6a5b4c3d2e")
    assert detail["asset"]["ip_address"] == "10.0.0.7"
    software = {(s["name"], s["version"], s["vendor"]) for s in detail["software"]}
    assert software == {
        ("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov"),
        ("Microsoft Edge WebView2 Runtime", "", "Microsoft Corporation"),
        ("Some Tool", "", ""),
    }
    assert "CVE-2025-0411" in {v["cve"] for v in detail["vulnerabilities"]}


def test_linux_body_with_the_agents_missing_brace_is_accepted(
    server: Server, agent_key: str, reader: httpx.Client, hostname: str
) -> None:
    body = agent_body(hostname, LINUX_PRODUCTS)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)  # the defect is real
    headers = {"User-Agent": LINUX_UA, "Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"}
    with server.client(agent_key) as client:
        response = client.post("/api/agent/inventory", content=gzip.compress(body), headers=headers)
    assert response.status_code == 200, response.text
    detail = asset_detail(reader, hostname)
    assert detail["asset"]["os"] == "Debian GNU/Linux 12 (bookworm)"
    assert (detail["asset"]["agent_version"], detail["kernel"]) == ("1.5.0", "6.1.0-18-amd64")
    assert detail["agent_id"] == "4f1c2b7e9a0d4c3e8b6a5f1e2d3c4b5a"
    assert {(s["name"], s["version"]) for s in detail["software"]} == {
        (p["product"], p["version"]) for p in LINUX_PRODUCTS
    }


@pytest.mark.parametrize(
    ("user_agent", "mangle"),
    [
        # The same defect from an agent that does not have it (Windows, another version): refused.
        (WINDOWS_UA, lambda body: body),
        ("SentriKat-Agent/1.4.2 (Linux)", lambda body: body),
        ("curl/8.0", lambda body: body),
        # The right agent, but a second defect besides the known one: refused.
        (LINUX_UA, lambda body: body.replace(b'"fqdn"', b'"fqdn', 1)),
        (LINUX_UA, lambda body: body[:-1]),
    ],
)
def test_other_broken_bodies_are_refused_and_change_nothing(
    server: Server, agent_key: str, hostname: str, user_agent: str, mangle
) -> None:
    before = server.snapshot()
    with server.client(agent_key) as client:
        response = client.post(
            "/api/agent/inventory", content=mangle(agent_body(hostname, LINUX_PRODUCTS)),
            headers={"User-Agent": user_agent, "Content-Type": "application/json"},
        )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert "not valid JSON" in response.json()["message"]
    assert server.snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("products"), "products"),
        (lambda b: b.update(os="Windows 11"), "os"),
        (lambda b: b["products"].append({"vendor": "x", "version": "1"}), "products[3].product"),
        (lambda b: b["products"][0].update(version=5), "products[0].version"),
        (lambda b: b.update(hostname=""), "hostname"),
        (lambda b: b["products"][1].update(source_package="gcc 12"), "products[1].source_package"),
    ],
)
def test_invalid_inventory_names_the_field(server: Server, agent_key: str, hostname: str, change, field: str) -> None:
    body = windows_body(hostname)
    change(body)
    before = server.snapshot()
    with server.client(agent_key) as client:
        response = client.post("/api/agent/inventory", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert server.snapshot() == before


def test_inventory_products_may_carry_our_source_package_hint(server: Server, agent_key: str, hostname: str) -> None:
    # Agent 1.5 does not send it; an integration speaking its dialect may, as on /api/agent/report.
    products = [{"vendor": "Debian", "product": "libgssapi-krb5-2", "version": "1.20.1-2+deb12u2", "ecosystem": "deb",
                 "source_package": "krb5"},
                {"vendor": "Debian", "product": "libnuma1", "version": "2.0.16-1", "ecosystem": "deb"}]
    body = {"hostname": hostname, "os": {"name": "Debian GNU/Linux", "version": "12 (bookworm)"}, "products": products}
    with server.client(agent_key) as client:
        response = client.post("/api/agent/inventory", json=body, headers={"User-Agent": LINUX_UA})
    assert response.status_code == 200, response.text
    assert response.json()["products_matched"] == 1
    with server.db() as conn:
        rows = conn.execute(
            "SELECT s.name, s.source, s.source_package, s.match_cpe FROM software s JOIN assets a ON a.id = s.asset_id"
            " WHERE a.hostname = ? ORDER BY s.name", (hostname,),
        ).fetchall()
    assert rows == [("libgssapi-krb5-2", "dpkg", "krb5", "cpe:2.3:a:mit:kerberos_5:1.20.1:*:*:*:*:*:*:*"),
                    ("libnuma1", "dpkg", "", None)]


def test_inventory_needs_an_agent_key(server: Server, hostname: str) -> None:
    with server.client() as client:
        assert client.post("/api/agent/inventory", json=windows_body(hostname)).status_code == 401
        assert client.get("/api/agent/commands", params={"hostname": hostname}).status_code == 401


def test_inventory_rate_limit_counts_per_key_and_hostname(make_server) -> None:
    srv = make_server(SENTRIKAT_RATE_INVENTORY="2")
    key = srv.create_key("agent")
    with srv.client(key) as client:
        for _ in range(2):
            assert client.post("/api/agent/inventory", json=windows_body("pc-a")).status_code == 200
        limited = client.post("/api/agent/inventory", json=windows_body("pc-a"))
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        # Another PC behind the same key is not held back by pc-a.
        assert client.post("/api/agent/inventory", json=windows_body("pc-b")).status_code == 200


def grep(pattern: str, text: str, *flags: str) -> str:
    """What the Linux agent's own grep makes of the answer (it parses /commands with grep)."""
    done = subprocess.run(["grep", *flags, pattern], input=text, capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else ""


def test_commands_in_the_layout_the_linux_agent_parses(make_server) -> None:
    srv = make_server(SENTRIKAT_SCAN_INTERVAL="14400")
    key = srv.create_key("agent")
    query = {"agent_id": "x", "hostname": "pc-c", "version": "1.5.0", "platform": "linux"}
    with srv.client(key) as client:
        # A host the appliance has no software list for: a scan now, and our interval.
        first = client.get("/api/agent/commands", params=query)
        assert first.status_code == 200 and first.headers["content-type"].startswith("application/json")
        assert first.json()["scan_capabilities"] == {"extensions": False, "dependencies": False}
        assert grep('"command": "scan_now"', first.text)
        assert grep('"command": "update_config"', first.text)
        assert grep('"scan_interval_minutes": [0-9]*', first.text, "-o").strip() == '"scan_interval_minutes": 240'

        assert client.post("/api/agent/inventory", json=windows_body("pc-c")).status_code == 200
        # After the full report: the interval once more (never sent to this asset yet), no scan.
        second = client.get("/api/agent/commands", params=query).text
        assert not grep('"command": "scan_now"', second)
        assert grep('"scan_interval_minutes": [0-9]*', second, "-o").strip() == '"scan_interval_minutes": 240'
        # Nothing changed since: nothing to do.
        assert client.get("/api/agent/commands", params=query).json()["commands"] == []
        # A delta that diverges from the server's list asks for a full report: scan_now.
        client.post("/api/agent/report", json={
            "hostname": "pc-c", "delta": True, "software_added": [], "software_removed": [{"name": "absent", "version": "1"}],
        })
        assert grep('"command": "scan_now"', client.get("/api/agent/commands", params=query).text)


def test_commands_answer_another_organizations_host_as_an_unknown_one(make_server) -> None:
    srv = make_server()
    srv.cli("orgs", "create", "Branch")
    own, other = srv.create_key("agent", org=1), srv.create_key("agent", org=2)
    with srv.client(own) as client:
        assert client.post("/api/agent/inventory", json=windows_body("pc-own")).status_code == 200
    with srv.client(other) as client:
        foreign = client.get("/api/agent/commands", params={"hostname": "pc-own"})
        unknown = client.get("/api/agent/commands", params={"hostname": "pc-nobody"})
    assert (foreign.status_code, foreign.content) == (unknown.status_code, unknown.content)


def test_commands_need_a_valid_hostname(server: Server, agent_key: str) -> None:
    with server.client(agent_key) as client:
        missing = client.get("/api/agent/commands")
        assert (missing.status_code, missing.json()["field"]) == (400, "hostname")
        bad = client.get("/api/agent/commands", params={"hostname": "a\u0007b"})
        assert (bad.status_code, bad.json()["field"]) == (400, "hostname")
