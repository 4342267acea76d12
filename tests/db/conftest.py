"""Shared helpers of the database tests: a database as an older program left it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from appliance.db.database import _statements
from appliance.db.migrations import MIGRATIONS


def database_before(path: Path, step: int) -> sqlite3.Connection:
    """A database at ``path`` with the schema of the migrations before ``step`` and that
    user_version, as the program before migration ``step`` left it; the connection stays open
    for the test's rows (the caller commits and closes it)."""
    conn = sqlite3.connect(path)
    for number in range(step):
        for statement in _statements(MIGRATIONS[number]):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {step}")
    return conn
