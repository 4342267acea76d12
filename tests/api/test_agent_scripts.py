"""GET /agents/sentrikat-agent.sh and .ps1 over real HTTP: no key, byte for byte, types, caching; anything else 404."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, Server

NAMES = ("sentrikat-agent.sh", "sentrikat-agent.ps1")
# Test files standing in for the scripts; bytes a careless server would change (CRLF, a BOM, no final newline).
PLACEHOLDERS = {
    "sentrikat-agent.sh": b"#!/bin/sh\n# placeholder \xc3\xa9\n\techo 'not the agent'",
    "sentrikat-agent.ps1": b"\xef\xbb\xbf# placeholder\r\nWrite-Output 'not the agent'\r\n",
}


def fetch(server: Server, name: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{server.url}/agents/{name}", headers=headers)


@pytest.fixture
def placeholders(tmp_path: Path) -> Path:
    folder = tmp_path / "agents"
    folder.mkdir()
    for name, content in PLACEHOLDERS.items():
        (folder / name).write_bytes(content)
    return folder


def test_scripts_are_served_byte_for_byte_without_a_key(make_server, placeholders: Path) -> None:
    server = make_server(SENTRIKAT_AGENTS_DIR=str(placeholders))
    for name in NAMES:
        response = fetch(server, name)
        assert response.status_code == 200, response.text
        assert response.content == PLACEHOLDERS[name]
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        etag = f'"{hashlib.sha256(PLACEHOLDERS[name]).hexdigest()}"'
        assert response.headers["etag"] == etag
        assert response.headers["x-content-type-options"] == "nosniff"
        again = fetch(server, name, **{"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert fetch(server, name, **{"If-None-Match": '"other"'}).status_code == 200


def test_scripts_are_read_once_at_startup(make_server, placeholders: Path) -> None:
    """The install lines carry the hash computed at startup, so the served bytes must not change under them."""
    server = make_server(SENTRIKAT_AGENTS_DIR=str(placeholders))
    (placeholders / "sentrikat-agent.sh").write_bytes(b"#!/bin/sh\necho changed\n")
    assert fetch(server, "sentrikat-agent.sh").content == PLACEHOLDERS["sentrikat-agent.sh"]


OTHER_NAMES = [
    "sentrikat-agent.bat", "sentrikat-agent.sh.bak", "SENTRIKAT-AGENT.SH", "README.md", "..%2Fpyproject.toml",
    "%2e%2e%2fpyproject.toml", "sentrikat-agent.sh%00", "", "sub/sentrikat-agent.sh",
]


def test_any_other_name_is_404(make_server, placeholders: Path) -> None:
    (placeholders / "README.md").write_text("not served")
    (placeholders / "sentrikat-agent.sh.bak").write_text("not served")
    server = make_server(SENTRIKAT_AGENTS_DIR=str(placeholders))
    for name in OTHER_NAMES:
        response = httpx.get(f"{server.url}/agents/{name}")
        # A control character in the path is refused before routing (the request gate), the rest are unknown.
        expected = (400, "invalid_request") if "%00" in name else (404, "not_found")
        assert (response.status_code, response.json()["error"]) == expected, (name, response.text)


def test_missing_scripts_are_404_and_the_server_still_runs(make_server, tmp_path: Path) -> None:
    server = make_server(SENTRIKAT_AGENTS_DIR=str(tmp_path / "nowhere"))
    for name in NAMES:
        assert fetch(server, name).status_code == 404
    assert "sentrikat-agent.sh cannot be read" in server.log()
    assert httpx.get(server.url + "/healthz").status_code == 200


@pytest.mark.parametrize("name", NAMES)
def test_the_bundled_agents_are_served_byte_identical(make_server, name: str) -> None:
    """Default SENTRIKAT_AGENTS_DIR: the repository's agents/ (sys._MEIPASS/agents in the executable)."""
    if not (ROOT / "agents" / name).is_file():
        pytest.skip(f"agents/{name} is missing (written on the agents branch)")
    response = fetch(make_server(), name)
    assert response.status_code == 200
    assert response.content == (ROOT / "agents" / name).read_bytes()
