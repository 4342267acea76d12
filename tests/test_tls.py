"""HTTPS by default: the generated certificate, real curl against it, plain HTTP refused for the API, tls show."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server, run_cli

REPORT = {"hostname": "tls-host", "software": [{"name": "curl", "version": "7.88.1"}]}


@pytest.fixture
def https_only(tmp_path: Path) -> Iterator[Server]:
    """A server as the README starts it: HTTPS, and plain HTTP without --allow-http."""
    empty = tmp_path / "no-feed"
    empty.mkdir()
    srv = Server(tmp_path / "data", {"SENTRIKAT_FEED_DIR": str(empty)}, allow_http=False).start()
    yield srv
    assert srv.stop() == 0, srv.log()


def openssl_fingerprint(cert: Path) -> str:
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_with_the_generated_certificate(https_only: Server) -> None:
    server = https_only
    result = subprocess.run(
        ["curl", "-sS", "-i", "--cacert", str(server.cert), f"https://127.0.0.1:{server.https_port}/healthz"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")  # text mode: curl's CRLFs are newlines here
    assert head.startswith("HTTP/1.1 200") and json.loads(body)["status"] == "ok"
    assert "strict-transport-security: max-age=31536000" in head.lower()
    # Without the certificate, curl refuses the connection: it is not trusted by anything else.
    untrusted = subprocess.run(["curl", "-sS", f"https://127.0.0.1:{server.https_port}/healthz"],
                               capture_output=True, text=True, timeout=30)
    assert untrusted.returncode != 0
    # The same name works as localhost.
    by_name = subprocess.run(
        ["curl", "-sS", "--cacert", str(server.cert), f"https://localhost:{server.https_port}/healthz"],
        capture_output=True, text=True, timeout=30,
    )
    assert by_name.returncode == 0, by_name.stderr


def test_certificate_and_key_files(https_only: Server) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    tls = https_only.data_dir / "tls"
    assert tls.stat().st_mode & 0o777 == 0o700
    assert (tls / "key.pem").stat().st_mode & 0o777 == 0o600
    cert = x509.load_pem_x509_certificate(https_only.cert.read_bytes())
    key = cert.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
    days = (cert.not_valid_after_utc - cert.not_valid_before_utc).days
    assert 3649 <= days <= 3651
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert {str(a) for a in names.get_values_for_type(x509.IPAddress)} >= {"127.0.0.1", "::1"}


def test_plain_http_refuses_agents_and_redirects_pages(https_only: Server) -> None:
    server = https_only
    key = server.create_key()
    response = httpx.post(server.url + "/api/agent/report", json=REPORT, headers={"X-Agent-Key": key})
    assert response.status_code == 403, response.text
    payload = response.json()
    assert payload["error"] == "https_required"
    assert f"https://127.0.0.1:{server.https_port}/api/agent/report" in payload["message"]
    assert "--allow-http" in payload["message"] and "tls show" in payload["message"]
    assert httpx.get(server.url + "/healthz").status_code == 200
    page = httpx.get(server.url + "/index.html?x=1")
    assert page.status_code == 308 and page.headers["location"] == f"https://127.0.0.1:{server.https_port}/index.html?x=1"
    assert httpx.get(server.url + "/api/status").status_code == 403
    # Over HTTPS, trusting the generated certificate, the same report is accepted.
    with server.https_client(key) as client:
        answer = client.post("/api/agent/report", json=REPORT)
        assert answer.status_code == 200, answer.text
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


def test_tls_show_matches_openssl_and_api_status(https_only: Server) -> None:
    server = https_only
    text = server.cli("tls", "show").stdout
    expected = openssl_fingerprint(server.cert)
    assert f"SHA-256 fingerprint: {expected}" in text and str(server.cert) in text
    shown = json.loads(server.cli("tls", "show", "--json").stdout)
    assert shown == {"fingerprint_sha256": expected, "certificate": str(server.cert),
                     "key": str(server.data_dir / "tls" / "key.pem")}
    read = server.create_key("read")
    with server.https_client() as client:
        status = client.get("/api/status", headers={"Authorization": f"Bearer {read}"}).json()
    assert status["tls_fingerprint"] == expected
    assert expected in server.log()


def test_own_certificate_replaces_the_generated_pair(tmp_path: Path) -> None:
    """--tls-cert/--tls-key (here as settings): that pair is served, and none is generated."""
    source = tmp_path / "made-elsewhere"
    run_cli(source, "tls", "show")  # makes a pair in another data dir
    cert, key = source / "tls" / "cert.pem", source / "tls" / "key.pem"
    empty = tmp_path / "no-feed"
    empty.mkdir()
    server = Server(tmp_path / "data", {"SENTRIKAT_FEED_DIR": str(empty), "SENTRIKAT_TLS_CERT": str(cert),
                                        "SENTRIKAT_TLS_KEY": str(key)}).start()
    try:
        assert not (server.data_dir / "tls").exists()
        trust = ssl.create_default_context(cafile=str(cert))
        assert httpx.get(server.https_url + "/healthz", verify=trust).status_code == 200
        shown = run_cli(server.data_dir, "tls", "show", "--tls-cert", str(cert), "--tls-key", str(key)).stdout
        assert openssl_fingerprint(cert) in shown
    finally:
        assert server.stop() == 0, server.log()


def test_allow_http_serves_the_api_in_clear_text(make_server) -> None:
    server: Server = make_server()  # the fixture starts servers with --allow-http
    with server.client(server.create_key()) as client:
        assert client.post("/api/agent/report", json=REPORT).status_code == 200
    assert "clear text" in server.log()
