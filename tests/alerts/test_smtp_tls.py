"""SMTP over STARTTLS and implicit TLS: the server's certificate is verified, and a wrong one is a one-line error."""

from __future__ import annotations

import hashlib
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alerts.conftest import WINRAR, SmtpReceiver, fast, wait_for
from tests.conftest import ROOT, Server

trustme = pytest.importorskip("trustme")


class TlsSmtp(SmtpReceiver):
    """aiosmtpd speaking STARTTLS (required before anything else, with a login that needs TLS),
    or implicit TLS from the first byte; ``tls`` records whether each message came over TLS."""

    def __init__(self, context: ssl.SSLContext, implicit: bool) -> None:
        super().__init__()
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        def authenticator(server, session, envelope, mechanism, auth_data):
            return AuthResult(success=auth_data.login == b"sentrikat" and auth_data.password == b"mail-secret")

        self.tls: list[bool] = []
        if implicit:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port, ssl_context=context)
        else:
            # auth_require_tls (aiosmtpd's default): AUTH is refused until STARTTLS, so a login proves TLS came first.
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port, tls_context=context,
                                         require_starttls=True, authenticator=authenticator, auth_required=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.tls.append(session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("smtp-ca") / "office-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def serving(ca: trustme.CA, *names: str) -> tuple[ssl.SSLContext, str]:
    """A server context with a certificate for ``names`` signed by ``ca``, and that certificate's SHA-256 fingerprint."""
    cert = ca.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    digest = hashlib.sha256(der).hexdigest().upper()
    return context, ":".join(digest[i : i + 2] for i in range(0, 64, 2))


@pytest.fixture(params=["starttls", "tls"])
def security(request: pytest.FixtureRequest) -> str:
    return request.param


def start(receiver: TlsSmtp) -> TlsSmtp:
    pytest.importorskip("aiosmtpd")
    receiver.controller.start()
    return receiver


@pytest.fixture
def tls_smtp(ca: trustme.CA, security: str) -> Iterator[tuple[TlsSmtp, str]]:
    context, fingerprint = serving(ca, "127.0.0.1", "localhost")
    receiver = start(TlsSmtp(context, implicit=security == "tls"))
    yield receiver, fingerprint
    receiver.controller.stop()


def alerts_test(data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`sentrikat alerts test` against an existing data dir, with only ``env``'s alert settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SENTRIKAT_")}
    if not data_dir.exists():
        data_dir.mkdir()  # commands other than serve work on an existing appliance database
        subprocess.run([sys.executable, "-m", "appliance", "orgs", "create", "Office", "--data-dir", str(data_dir)],
                       cwd=ROOT, check=True, capture_output=True, timeout=60, env=clean)
    return subprocess.run(
        [sys.executable, "-m", "appliance", "alerts", "test", "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={**clean, **env},
    )


def tls_env(receiver: SmtpReceiver, security: str, **extra: str) -> dict[str, str]:
    env = {**receiver.env(), "SENTRIKAT_SMTP_SECURITY": security, "SENTRIKAT_ALERT_TIMEOUT": "10", **extra}
    if security == "starttls":
        env.update(SENTRIKAT_SMTP_USER="sentrikat", SENTRIKAT_SMTP_PASSWORD="mail-secret")
    return env


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


def test_a_certificate_from_a_trusted_ca_is_accepted(tmp_path: Path, tls_smtp, ca_file: Path, security: str) -> None:
    receiver, _ = tls_smtp
    ok = alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_CA_FILE=str(ca_file)))
    assert ok.returncode == 0, ok.stderr
    assert "email: test message sent" in ok.stdout
    assert len(receiver.messages) == 1 and receiver.tls == [True]


def test_by_default_an_unknown_ca_is_refused_with_one_line(tmp_path: Path, tls_smtp, security: str) -> None:
    receiver, _ = tls_smtp
    line = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, security)))
    assert f"email: cannot connect to 127.0.0.1:{receiver.port}: TLS failed: the server's certificate is not trusted" in line
    assert "unable to get local issuer certificate" in line and "smtp_ca_file" in line and "smtp_tls_fingerprint" in line
    assert receiver.messages == []


def test_another_ca_or_another_name_is_refused(tmp_path: Path, ca: trustme.CA, ca_file: Path, security: str) -> None:
    other_ca = trustme.CA()
    other_file = tmp_path / "other-ca.pem"
    other_ca.cert_pem.write_to_path(str(other_file))
    context, _ = serving(ca, "mail.office.example")  # the right CA, but a name the appliance did not connect to
    receiver = start(TlsSmtp(context, implicit=security == "tls"))
    try:
        wrong_ca = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_CA_FILE=str(other_file))))
        assert "certificate is not trusted (unable to get local issuer certificate)" in wrong_ca
        wrong_name = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_CA_FILE=str(ca_file))))
        assert "certificate is not trusted (IP address mismatch, certificate is not valid for '127.0.0.1'.)" in wrong_name
        assert receiver.messages == []
    finally:
        receiver.controller.stop()


def test_a_pinned_fingerprint_trusts_exactly_that_certificate(tmp_path: Path, tls_smtp, security: str) -> None:
    receiver, fingerprint = tls_smtp
    pinned = alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_TLS_FINGERPRINT=fingerprint))
    assert pinned.returncode == 0, pinned.stderr
    assert len(receiver.messages) == 1 and receiver.tls == [True]
    other = ":".join(["AB"] * 32)
    line = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_TLS_FINGERPRINT=other)))
    assert f"presented a certificate with SHA-256 fingerprint {fingerprint}, not the one smtp_tls_fingerprint names ({other})" in line
    assert len(receiver.messages) == 1


def test_settings_that_cannot_work_are_named(tmp_path: Path, tls_smtp, security: str) -> None:
    receiver, _ = tls_smtp
    missing = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_CA_FILE=str(tmp_path / "nope.pem"))))
    assert f"smtp_ca_file {tmp_path / 'nope.pem'} cannot be used" in missing
    bad_pin = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, security, SENTRIKAT_SMTP_TLS_FINGERPRINT="12:34")))
    assert "SENTRIKAT_SMTP_TLS_FINGERPRINT" in bad_pin or "smtp_tls_fingerprint" in bad_pin
    # Implicit TLS against a STARTTLS port (or the other way round) says which setting to check.
    if security == "starttls":
        crossed = one_line_error(alerts_test(tmp_path / "data", tls_env(receiver, "tls")))
        assert "did not answer in TLS; check smtp_security (tls)" in crossed
    assert receiver.messages == []


def test_a_wrong_certificate_leaves_a_one_line_error_on_the_waiting_message(make_server, alert_feed: Path, tls_smtp, ca_file: Path,
                                                                             security: str) -> None:
    receiver, _ = tls_smtp
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), **tls_env(receiver, security)))
    with srv.client(srv.create_key()) as client:
        assert client.post("/api/agent/report", json={"hostname": "pc-tls", "os": "Windows 11", "software": [WINRAR]}).status_code == 200

    def batch() -> tuple | None:
        with srv.db() as conn:
            return conn.execute("SELECT state, attempts, last_error FROM alert_batches").fetchone()

    assert wait_for(lambda: (b := batch()) is not None and b[1] >= 1, 30), srv.log()
    state, _, error = batch()
    assert state == "pending" and "\n" not in error  # kept for a retry, not lost
    assert error.startswith(f"email: cannot connect to 127.0.0.1:{receiver.port}: TLS failed: the server's certificate is not trusted")
    with srv.client(srv.create_key("admin")) as client:
        [message] = client.get("/api/alerts").json()["messages"]
    assert message["last_error"] == error
    assert "Traceback" not in srv.log() and receiver.messages == []


def test_starttls_is_never_skipped_for_a_server_that_does_not_offer_it(tmp_path: Path, smtp: SmtpReceiver) -> None:
    """A server (or a machine in between) that leaves STARTTLS out of its EHLO answer gets no login and no mail in clear text."""
    env = {**smtp.env(), "SENTRIKAT_SMTP_SECURITY": "starttls", "SENTRIKAT_SMTP_USER": "sentrikat", "SENTRIKAT_SMTP_PASSWORD": "x"}
    line = one_line_error(alerts_test(tmp_path / "data", env))
    assert "the server does not support it: STARTTLS extension not supported by server." in line
    assert smtp.messages == []


def test_a_fingerprint_saved_on_the_alerts_page_is_used(make_server, tls_smtp, security: str) -> None:
    receiver, fingerprint = tls_smtp
    srv: Server = make_server(**tls_env(receiver, security))
    with srv.client(srv.create_key("admin")) as client:
        [untrusted] = client.post("/api/alerts/test").json()["results"]
        assert untrusted["ok"] is False and "certificate is not trusted" in untrusted["error"]
        bad = client.put("/api/alerts/settings", json={"smtp_tls_fingerprint": "AB:CD"})
        assert bad.status_code == 400 and bad.json()["field"] == "smtp_tls_fingerprint"
        saved = client.put("/api/alerts/settings", json={"smtp_tls_fingerprint": fingerprint.replace(":", "").lower()})
        assert saved.status_code == 200 and saved.json()["settings"]["smtp_tls_fingerprint"] == fingerprint.replace(":", "").lower()
        [pinned] = client.post("/api/alerts/test").json()["results"]
    assert pinned["ok"] is True, pinned
    assert len(receiver.messages) == 1 and receiver.tls == [True]
