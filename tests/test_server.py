"""The connection guard in front of the app, over real sockets: timeouts, minimum body rate, connection caps."""

from __future__ import annotations

import json
import resource
import selectors
import socket
import threading
import time

import httpx
import pytest

from tests.conftest import Server

REPORT = "/api/agent/report"


@pytest.fixture(autouse=True, scope="module")
def enough_file_descriptors() -> None:
    """This process opens thousands of sockets; the server raises its own limit (max_connections + 256)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 6000 if hard == resource.RLIM_INFINITY else min(6000, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 2200:
        pytest.skip("the open-file limit is below 2,200 and cannot be raised")


def connect(server: Server, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def is_closed(sock: socket.socket) -> bool:
    """True if the server closed the connection (EOF or reset); never blocks."""
    sock.setblocking(False)
    try:
        return sock.recv(65536) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True
    finally:
        sock.setblocking(True)


def timed_health(server: Server) -> float:
    started = time.perf_counter()
    assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200
    return time.perf_counter() - started


def test_two_thousand_half_request_lines(make_server) -> None:
    """2,000 connections that send half a request line and wait: /healthz answers within 1 s, and the
    header timeout closes every one of them."""
    server: Server = make_server(SENTRIKAT_HEADER_TIMEOUT="3", SENTRIKAT_MAX_CONNECTIONS="2500",
                                 SENTRIKAT_MAX_CONNECTIONS_PER_CLIENT="2500")
    socks = []
    opened = time.monotonic()
    try:
        for _ in range(2000):
            sock = connect(server)
            sock.sendall(b"GET /healthz HT")
            socks.append(sock)
        assert timed_health(server) < 1.0
        assert not any(is_closed(s) for s in socks[-100:]), "closed before the header timeout"
        selector = selectors.DefaultSelector()
        for sock in socks:
            selector.register(sock, selectors.EVENT_READ)
        closed_at: list[float] = []
        deadline = opened + 3 + 10
        while len(closed_at) < len(socks) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                assert is_closed(key.fileobj), "the server answered a half request line"  # type: ignore[arg-type]
                selector.unregister(key.fileobj)
                closed_at.append(time.monotonic() - opened)
        assert len(closed_at) == len(socks), f"{len(socks) - len(closed_at)} connections still open after 13 s"
        assert min(closed_at) >= 2.5, "closed before the header timeout of 3 s"
        assert timed_health(server) < 1.0
    finally:
        for sock in socks:
            sock.close()


def test_connections_per_client_address(make_server) -> None:
    """The 6th connection from one address gets 503; another address is unaffected."""
    server: Server = make_server(SENTRIKAT_MAX_CONNECTIONS_PER_CLIENT="5")
    socks = [connect(server, "127.0.0.2") for _ in range(5)]
    try:
        time.sleep(0.2)
        sixth = connect(server, "127.0.0.2")
        sixth.settimeout(5)
        answer = b""
        while chunk := sixth.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 503") and b"too many connections from 127.0.0.2" in answer, answer
        assert timed_health(server) < 1.0  # from 127.0.0.1
        socks[0].close()
        time.sleep(0.3)
        again = connect(server, "127.0.0.2")
        again.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert again.recv(65536).startswith(b"HTTP/1.1 200")
        again.close()
    finally:
        for sock in socks:
            sock.close()


def test_total_cap_closes_the_oldest_waiting_connection(make_server) -> None:
    server: Server = make_server(SENTRIKAT_MAX_CONNECTIONS="10")
    socks = []
    try:
        for _ in range(10):
            socks.append(connect(server))
            socks[-1].sendall(b"GET / HT")
            time.sleep(0.02)
        assert timed_health(server) < 1.0
        time.sleep(0.2)
        assert is_closed(socks[0]) and not is_closed(socks[-1])
    finally:
        for sock in socks:
            sock.close()


def test_slow_body_is_closed_by_the_minimum_rate(make_server) -> None:
    """1 byte every 0.3 s against 1,000 bytes/s over 1-second windows: closed within a few seconds."""
    server: Server = make_server(SENTRIKAT_BODY_TIMEOUT="1", SENTRIKAT_BODY_MIN_RATE="1000")
    key = server.create_key()
    with connect(server) as sock:
        sock.sendall(
            f"POST {REPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Agent-Key: {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: 10000\r\n\r\n".encode()
        )
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 10:
            try:
                sock.sendall(b" ")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if is_closed(sock):
                closed = True
                break
            time.sleep(0.3)
        assert closed, "a body at 3 bytes/s stayed open for 10 s"
        assert time.monotonic() - started < 4
    # A body at full speed on the same server is fine.
    with server.client(key) as client:
        assert client.post(REPORT, json={"hostname": "fast", "software": []}).status_code == 200


def test_request_head_too_large(make_server) -> None:
    server: Server = make_server(SENTRIKAT_MAX_HEADER_BYTES="8192")
    with connect(server) as sock:
        sock.settimeout(5)
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Pad: " + b"a" * 20000 + b"\r\n\r\n")
        except ConnectionError:
            pass
        assert sock.recv(65536).startswith(b"HTTP/1.1 431")
    assert timed_health(server) < 1.0


def test_idle_keep_alive_is_closed(make_server) -> None:
    server: Server = make_server(SENTRIKAT_KEEPALIVE_TIMEOUT="1")
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        time.sleep(0.3)
        assert not is_closed(sock)
        time.sleep(1.5)
        assert is_closed(sock)


def test_bodies_in_flight_are_capped(make_server) -> None:
    """With 1 MB for all bodies, a second large body while the first is arriving gets 503 server_busy."""
    server: Server = make_server(SENTRIKAT_MAX_BODY_BYTES_IN_FLIGHT="1000000")
    key = server.create_key()
    first = json.dumps({"hostname": "first", "software": []}).encode().ljust(900_000)
    with connect(server) as sock:
        sock.sendall(
            f"POST {REPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Agent-Key: {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(first)}\r\nConnection: close\r\n\r\n".encode() + first[:800_000]
        )
        time.sleep(1.0)
        with server.client(key) as client:
            second = client.post(REPORT, content=json.dumps({"hostname": "second", "software": []}).encode().ljust(300_000),
                                 headers={"Content-Type": "application/json"})
            assert second.status_code == 503, second.text
            assert second.json()["error"] == "server_busy" and second.headers["Retry-After"] == "5"
        sock.sendall(first[800_000:])
        sock.settimeout(30)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    with server.client(key) as client:  # the first body's share was given back
        again = client.post(REPORT, content=json.dumps({"hostname": "second", "software": []}).encode().ljust(300_000),
                            headers={"Content-Type": "application/json"})
        assert again.status_code == 200, again.text
