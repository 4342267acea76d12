"""Status page sessions over real HTTP: login, cookie attributes, CSRF and origin checks, logout, expiry, limits."""

from __future__ import annotations

import http.cookies
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_agent_errors import assert_refused
from tests.conftest import NO_RATE_LIMITS, ROOT, Server, free_port

PASSWORD = "correct horse battery staple"
SESSION = "/api/session"


def set_password(server: Server, password: str = PASSWORD, user: str = "admin") -> None:
    """``sentrikat admin set-password`` as an admin would run it, the password on standard input."""
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "admin", "set-password", "--user", user, "--password-stdin",
         "--data-dir", str(server.data_dir)],
        input=password + "\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def login(server: Server, password: str = PASSWORD, user: str = "admin", **headers: str) -> httpx.Response:
    return httpx.post(server.url + SESSION, json={"username": user, "password": password}, headers=headers)


def set_cookie(response: httpx.Response) -> http.cookies.Morsel:
    cookie = http.cookies.SimpleCookie()
    cookie.load(response.headers["set-cookie"])
    return cookie["sentrikat_session"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's server; it logs in more often than the default limits allow one address and one account,
    so request limits are off here (the tests of those limits have their own servers)."""
    empty = tmp_path_factory.mktemp("no-feed")
    srv = Server(tmp_path_factory.mktemp("session") / "data", {"SENTRIKAT_FEED_DIR": str(empty), **NO_RATE_LIMITS}).start()
    set_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


def test_login_sets_a_strict_http_only_cookie(server: Server) -> None:
    response = login(server)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["username"] == "admin" and len(body["csrf_token"]) >= 40 and body["expires_at"]
    morsel = set_cookie(response)
    assert morsel["httponly"] and morsel["samesite"].lower() == "strict" and morsel["path"] == "/"
    assert not morsel["secure"]  # plain HTTP here; see test_cookie_is_secure_over_tls
    assert int(morsel["max-age"]) == 28800
    token = morsel.value
    assert token not in str(server.snapshot())  # only its hash is stored
    with httpx.Client(base_url=server.url, cookies={"sentrikat_session": token}) as client:
        assert client.get(SESSION).json() == body
        status = client.get("/api/status")
        assert status.status_code == 200 and status.json()["organization_id"] is None


@pytest.mark.parametrize(("user", "password"), [("admin", "wrong password!"), ("nobody", PASSWORD), ("ADMIN", "x")])
def test_wrong_credentials_get_one_answer(server: Server, user: str, password: str) -> None:
    payload = assert_refused(server, lambda: login(server, password, user), 401, "invalid_credentials")
    assert payload["message"] == "the username or password is wrong"


def test_username_is_case_insensitive(server: Server) -> None:
    assert login(server, user="Admin").status_code == 200


@pytest.mark.parametrize(
    ("content", "headers", "status", "error", "field"),
    [
        (b'{"username": "admin"}', {"Content-Type": "application/json"}, 400, "invalid_request", "password"),
        (b'{"username": "admin", "password": 5}', {"Content-Type": "application/json"}, 400, "invalid_request", "password"),
        (b"{", {"Content-Type": "application/json"}, 400, "invalid_request", None),
        (b"username=admin&password=x", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", None),
        (b'{"username": "admin", "password": "' + b"x" * 5000 + b'"}', {"Content-Type": "application/json"}, 413, "payload_too_large", None),
    ],
    ids=["missing password", "password not a string", "not json", "form post", "too large"],
)
def test_bad_login_bodies(server: Server, content: bytes, headers: dict, status: int, error: str, field: str | None) -> None:
    assert_refused(server, lambda: httpx.post(server.url + SESSION, content=content, headers=headers), status, error, field)


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}],
    ids=["other origin", "null origin", "cross-site", "same-site"],
)
def test_login_from_another_site_is_refused(server: Server, headers: dict) -> None:
    assert_refused(server, lambda: login(server, **headers), 403, "csrf_failed")


def test_login_from_the_page_itself(server: Server) -> None:
    assert login(server, Origin=server.url, **{"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_logout_needs_the_csrf_token(server: Server) -> None:
    response = login(server)
    token, csrf = set_cookie(response).value, response.json()["csrf_token"]
    with httpx.Client(base_url=server.url, cookies={"sentrikat_session": token}) as client:
        assert_refused(server, lambda: client.delete(SESSION), 403, "csrf_failed")
        assert_refused(server, lambda: client.delete(SESSION, headers={"X-CSRF-Token": "guess"}), 403, "csrf_failed")
        assert_refused(
            server, lambda: client.delete(SESSION, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"}),
            403, "csrf_failed",
        )
        assert client.get("/api/status").status_code == 200  # still logged in
        out = client.delete(SESSION, headers={"X-CSRF-Token": csrf})
        assert out.status_code == 204
        assert set_cookie(out).value == "" and int(set_cookie(out)["max-age"]) == 0
    with httpx.Client(base_url=server.url, cookies={"sentrikat_session": token}) as client:
        assert client.get("/api/status").json()["error"] == "not_logged_in"
        assert client.get(SESSION).status_code == 401
        assert client.delete(SESSION, headers={"X-CSRF-Token": csrf}).status_code == 401


def test_no_session(server: Server) -> None:
    assert_refused(server, lambda: httpx.get(server.url + SESSION), 401, "not_logged_in")
    forged = {"sentrikat_session": "forged"}
    assert httpx.get(server.url + SESSION, cookies=forged).json()["error"] == "not_logged_in"
    assert httpx.get(server.url + "/api/assets", cookies=forged).json()["error"] == "not_logged_in"


def test_a_key_wins_over_the_cookie(server: Server) -> None:
    token = set_cookie(login(server)).value
    agent = server.create_key("agent")
    response = httpx.get(server.url + "/api/status", cookies={"sentrikat_session": token}, headers={"X-Agent-Key": agent})
    assert response.status_code == 403 and response.json()["error"] == "insufficient_scope"


def test_changing_the_password_ends_sessions(make_server) -> None:
    srv: Server = make_server()
    set_password(srv)
    token = set_cookie(login(srv)).value
    set_password(srv, "another good password")
    assert httpx.get(srv.url + "/api/status", cookies={"sentrikat_session": token}).status_code == 401
    assert login(srv).status_code == 401
    assert login(srv, "another good password").status_code == 200


def test_sessions_expire(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_SESSION_LIFETIME="1")
    set_password(srv)
    token = set_cookie(login(srv)).value
    time.sleep(2.1)
    assert httpx.get(srv.url + "/api/status", cookies={"sentrikat_session": token}).json()["error"] == "not_logged_in"


def test_login_attempts_are_limited_per_address(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_RATE_LOGIN="3")
    set_password(srv)
    for _ in range(3):
        assert login(srv, "wrong password!").status_code == 401
    before = srv.snapshot()
    limited = login(srv)  # even the right password waits
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert srv.snapshot() == before


def test_login_attempts_are_limited_per_account_from_any_address(make_server) -> None:
    """Guesses from several machines of the LAN (here 127.0.0.2-4, all loopback) share the account's limit."""
    srv: Server = make_server(SENTRIKAT_RATE_LOGIN="0", SENTRIKAT_RATE_LOGIN_ACCOUNT="3")
    set_password(srv)
    set_password(srv, user="second")
    for n in (2, 3, 4):
        with httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.0.{n}")) as machine:
            wrong = machine.post(srv.url + SESSION, json={"username": "ADMIN", "password": "wrong password!"})
            assert wrong.status_code == 401, wrong.text
    before = srv.snapshot()
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.5")) as machine:
        limited = machine.post(srv.url + SESSION, json={"username": "admin", "password": PASSWORD})
        assert limited.status_code == 429 and limited.json()["error"] == "rate_limited", limited.text
        assert int(limited.headers["Retry-After"]) >= 1
    assert srv.snapshot() == before
    # Another account is not held back by them.
    assert login(srv, user="second").status_code == 200


def test_cookie_is_secure_over_tls(make_server, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("openssl cannot make a test certificate here")
    srv = TlsServer(tmp_path / "tls-data", {"SENTRIKAT_FEED_DIR": str(tmp_path), "SENTRIKAT_TLS_CERT": str(cert),
                                             "SENTRIKAT_TLS_KEY": str(key)}).start()
    try:
        set_password(srv)
        response = httpx.post(srv.url + SESSION, json={"username": "admin", "password": PASSWORD}, verify=False)
        assert response.status_code == 200, response.text
        morsel = set_cookie(response)
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"].lower() == "strict"
    finally:
        assert srv.stop() == 0, srv.log()


class TlsServer(Server):
    """The appliance serving HTTPS with a given certificate; ``url`` is the HTTPS one."""

    def start(self) -> "TlsServer":
        self.url = f"https://127.0.0.1:{self.port}"
        plain = free_port()
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "appliance", "serve", "--host", "127.0.0.1", "--https-port", str(self.port),
             "--port", str(plain), "--data-dir", str(self.data_dir)],
            cwd=ROOT,
            env={**os.environ, "SENTRIKAT_LOG_LEVEL": "warning", "SENTRIKAT_REFRESH_ENABLED": "false", **self.env},
            stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                if httpx.get(self.url + "/healthz", timeout=1, verify=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"TLS server did not answer:\n{self.log()}")
