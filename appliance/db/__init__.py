"""Embedded SQLite storage: one Database class, one write path, versioned migrations."""

from appliance.db.database import Database, DatabaseError

__all__ = ["Database", "DatabaseError"]
