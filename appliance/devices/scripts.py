"""The agent scripts the appliance serves at /agents/: read once at startup, served byte for byte."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import msgspec

log = logging.getLogger("sentrikat.devices")

# The only names served under /agents/; anything else there is 404.
SCRIPT_NAMES = ("sentrikat-agent.sh", "sentrikat-agent.ps1")
# Plain text for both (PowerShell has no registered type): a browser shows it, curl and Invoke-WebRequest save it
# as it is, and the OpenAPI document can say so. Litestar adds "; charset=utf-8".
MEDIA_TYPE = "text/plain"


class AgentScript(msgspec.Struct, frozen=True):
    name: str
    content: bytes
    sha256: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPE

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'


def load_scripts(folder: Path) -> dict[str, AgentScript]:
    """The scripts found in ``folder`` by name; a missing one is logged and left out (its URL answers 404)."""
    scripts: dict[str, AgentScript] = {}
    for name in SCRIPT_NAMES:
        path = folder / name
        try:
            content = path.read_bytes()
        except OSError as exc:
            log.warning("agent script %s cannot be read (%s); /agents/%s answers 404", path, exc.strerror or exc, name)
            continue
        scripts[name] = AgentScript(name, content, hashlib.sha256(content).hexdigest())
    return scripts
