"""Stopping the appliance while a refresh waits on a feed server: one log line, no traceback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.conftest import Server


class Silent:
    """An HTTP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self, url: str, held: list[socket.socket]) -> None:
        self.url, self.held = url, held


@pytest.fixture
def silent_server() -> Iterator[Silent]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield Silent(f"http://127.0.0.1:{listener.getsockname()[1]}", held)
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_stopping_during_a_download_logs_one_line_and_no_traceback(make_server, silent_server: Silent) -> None:
    srv: Server = make_server(
        SENTRIKAT_LOG_LEVEL="info",
        SENTRIKAT_REFRESH_ENABLED="true",
        SENTRIKAT_REFRESH_START_DELAY="0",
        SENTRIKAT_NVD_CVE_URL=silent_server.url + "/rest/json/cves/2.0",
        SENTRIKAT_NVD_CPE_URL=silent_server.url + "/rest/json/cpes/2.0",
        SENTRIKAT_KEV_URL=silent_server.url + "/kev.json",
    )
    deadline = time.monotonic() + 20
    while not silent_server.held and time.monotonic() < deadline:
        time.sleep(0.1)  # the refresh jobs start at once: wait until a download is under way
    assert silent_server.held, srv.log()
    assert srv.stop() == 0
    log = srv.log()
    assert "Traceback" not in log and "ERROR" not in log, log
    assert "stopped: the appliance is shutting down" in log, log
