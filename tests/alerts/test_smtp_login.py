"""SMTP login: the email channel authenticates with smtp_user and smtp_password; a server that wants a login says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.alerts.conftest import SmtpReceiver
from tests.conftest import ROOT


class LoginSmtp(SmtpReceiver):
    """aiosmtpd that requires AUTH (allowed without TLS here, on loopback only) and accepts one user."""

    def __init__(self) -> None:
        super().__init__()
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == b"sentrikat" and auth_data.password == b"mail-secret"
            return AuthResult(success=ok)

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=authenticator,
                                     auth_required=True, auth_require_tls=False)


@pytest.fixture
def login_smtp():
    pytest.importorskip("aiosmtpd")
    receiver = LoginSmtp()
    receiver.controller.start()
    yield receiver
    receiver.controller.stop()


def alerts_test(data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appliance", "alerts", "test", "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, **env},
    )


def test_login_is_used_and_a_missing_login_is_named(tmp_path: Path, login_smtp: LoginSmtp) -> None:
    env = {**login_smtp.env(), "SENTRIKAT_SMTP_USER": "sentrikat"}
    (tmp_path / "data").mkdir()  # commands other than serve work on an existing appliance database
    subprocess.run([sys.executable, "-m", "appliance", "orgs", "create", "Office", "--data-dir", str(tmp_path / "data")],
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    anonymous = alerts_test(tmp_path / "data", login_smtp.env())
    assert anonymous.returncode == 1 and "530" in anonymous.stderr, anonymous.stderr  # authentication required
    assert login_smtp.messages == []
    ok = alerts_test(tmp_path / "data", {**env, "SENTRIKAT_SMTP_PASSWORD": "mail-secret"})
    assert ok.returncode == 0, ok.stderr
    assert len(login_smtp.messages) == 1
