"""Certificate pinning (--fingerprint) and --ca-file, against a real HTTPS relay with a generated certificate."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.agents.conftest import run_agent

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def self_signed(folder: Path, name: str) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1 and its SHA-256 fingerprint as openssl prints it (AA:BB:...)."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"],
                         check=True, capture_output=True, text=True).stdout
    return cert, key, out.strip().split("=", 1)[1]


@pytest.fixture
def tls_setup(shared_server, make_relay, tmp_path: Path):
    server = shared_server
    cert, key, fingerprint = self_signed(tmp_path, "appliance")
    relay = make_relay(server.url, tls=(cert, key))
    return server, relay, cert, fingerprint


def agent(relay, server, tmp_path: Path, *extra: str):
    return run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                     "--once", "--hostname", "tls-host", *extra)


def test_pinned_fingerprint_is_accepted_in_any_spelling(tls_setup, tmp_path: Path) -> None:
    server, relay, _, fingerprint = tls_setup
    assert relay.url.startswith("https://")
    result = agent(relay, server, tmp_path, "--fingerprint", fingerprint)
    assert result.returncode == 0, result.stderr
    assert [r.status for r in relay.requests] == [200, 200]
    result = agent(relay, server, tmp_path, "--fingerprint", fingerprint.replace(":", "").lower())
    assert result.returncode == 0, result.stderr


def test_wrong_fingerprint_sends_nothing(tls_setup, tmp_path: Path) -> None:
    server, relay, _, _ = tls_setup
    _, _, other = self_signed(tmp_path, "impostor")
    result = agent(relay, server, tmp_path, "--fingerprint", other)
    assert result.returncode == 1
    assert "certificate fingerprint mismatch" in result.stderr and result.stderr.count("\n") == 1
    assert relay.requests == []
    assert not (tmp_path / "s" / "inventory.tsv").exists()


def test_self_signed_certificate_is_refused_without_pin_or_ca(tls_setup, tmp_path: Path) -> None:
    server, relay, _, _ = tls_setup
    result = agent(relay, server, tmp_path)
    assert result.returncode == 1
    assert "no answer" in result.stderr and "certificate" in result.stderr.lower()
    assert relay.requests == []


def test_ca_file_is_trusted(tls_setup, tmp_path: Path) -> None:
    server, relay, cert, fingerprint = tls_setup
    result = agent(relay, server, tmp_path, "--ca-file", str(cert))
    assert result.returncode == 0, result.stderr
    result = agent(relay, server, tmp_path, "--ca-file", str(cert), "--fingerprint", fingerprint)
    assert result.returncode == 0, result.stderr
