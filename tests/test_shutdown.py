"""Stopping the server: SIGTERM and SIGINT (once or twice) close the database and exit 0."""

from __future__ import annotations

import signal
import sqlite3
import time

from tests.conftest import Server


def _wait(srv: Server, timeout: float = 30) -> int:
    assert srv.process is not None
    code = srv.process.wait(timeout=timeout)
    srv.process = None
    return code


def test_sigint_stops_cleanly(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_LOG_LEVEL="info")  # "database closed" is an info line
    assert srv.process is not None
    srv.process.send_signal(signal.SIGINT)
    assert _wait(srv) == 0, srv.log()
    assert "database closed" in srv.log()
    assert not (srv.data_dir / "sentrikat.db-wal").exists()


def test_second_ctrl_c_forces_the_stop_but_still_closes_the_database(make_server) -> None:
    """uvicorn's "force quit" skips waiting for requests; the database must be closed anyway, and the process exit."""
    srv: Server = make_server(SENTRIKAT_LOG_LEVEL="info")
    key = srv.create_key()
    with srv.client(key) as client:
        assert client.get("/api/agent/config").status_code == 200
    assert srv.process is not None
    srv.process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    srv.process.send_signal(signal.SIGINT)
    assert _wait(srv, timeout=20) == 0, srv.log()
    assert "database closed" in srv.log()
    assert not (srv.data_dir / "sentrikat.db-wal").exists()
    with sqlite3.connect(srv.data_dir / "sentrikat.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The key's last use is flushed even on a forced stop.
        assert conn.execute("SELECT last_used_at FROM api_keys").fetchone()[0] is not None
