"""kill -9 during a stream of reports: after a restart every answered report is there, whole, and the file is sound."""

from __future__ import annotations

import signal
import threading
import time

import httpx
import pytest

from tests.conftest import Server

REPORT = "/api/agent/report"


def software_of(server: Server) -> dict[str, list[tuple[str, str]]]:
    with server.db() as conn:
        rows = conn.execute(
            "SELECT a.hostname, s.name, s.version FROM assets a JOIN software s ON s.asset_id = a.id ORDER BY s.name"
        ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for hostname, name, version in rows:
        found.setdefault(hostname, []).append((name, version))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_kill_9_loses_no_answered_report(make_server, round_: int) -> None:
    srv: Server = make_server(SENTRIKAT_RATE_REPORT="0")
    key = srv.create_key()
    answered: dict[str, list[tuple[str, str]]] = {}
    sent: dict[str, list[tuple[str, str]]] = {}
    stop = threading.Event()

    def agent(worker: int) -> None:
        # Several agents at once, so that transactions share group commits when the kill comes.
        with httpx.Client(base_url=srv.url, headers={"X-Agent-Key": key}, timeout=10) as client:
            n = 0
            while not stop.is_set():
                hostname = f"crash-{round_}-{worker}-{n}"
                items = sorted({(f"program-{(worker * 7 + n + i) % 97}", f"{i}.{n}") for i in range(60)})
                sent[hostname] = items
                try:
                    response = client.post(REPORT, json={
                        "hostname": hostname, "software": [{"name": a, "version": b} for a, b in items]})
                except httpx.HTTPError:
                    return
                if response.status_code == 200:
                    answered[hostname] = items
                n += 1

    threads = [threading.Thread(target=agent, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(answered) < 40 + 40 * round_ and time.monotonic() < deadline:
        time.sleep(0.01)
    assert srv.process is not None
    srv.process.send_signal(signal.SIGKILL)
    assert srv.process.wait(timeout=10) == -signal.SIGKILL
    srv.process = None
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answered) >= 40, f"only {len(answered)} reports were answered before the kill"

    srv.start()
    stored = software_of(srv)
    with srv.db() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    missing = [h for h in answered if stored.get(h) != answered[h]]
    assert not missing, f"{len(missing)} of {len(answered)} answered reports are missing or incomplete: {missing[:5]}"
    # A report that was not answered is either all there or not there at all.
    assert all(stored[h] == sent[h] for h in stored), "a report was stored in part"
    with srv.client(key) as client:
        assert client.post(REPORT, json={"hostname": "after-the-crash", "software": []}).status_code == 200
