"""Every setting of the appliance: its name, environment variable, default and meaning."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

ENV_PREFIX = "SENTRIKAT_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """The resolved settings the app runs with; HELP says what each one means."""

    host: str = "0.0.0.0"
    port: int = 8080
    data_dir: Path = Path("sentrikat-data")
    feed_dir: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    log_level: str = "info"
    rate_report: int = 60
    rate_heartbeat: int = 120
    rate_config: int = 30
    rate_container_scan: int = 30
    rate_unauthenticated: int = 30
    max_body_bytes: int = 32 * 1024 * 1024
    max_decompressed_bytes: int = 128 * 1024 * 1024
    max_items: int = 50_000
    max_images: int = 50
    scan_interval: int = 86400
    include_updates: bool = False
    include_services: bool = True
    minimum_agent_version: str = "1.0.0"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sentrikat.db"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / "secret.key"


# What each setting means. README's "Settings" table and tests/test_settings.py check
# against this, so a setting added without documentation fails the test suite.
HELP: dict[str, str] = {
    "host": "Address the server listens on.",
    "port": "TCP port the server listens on.",
    "data_dir": "Folder for the database and the key secret; created on first start.",
    "feed_dir": "Folder with a compiled feed bundle or raw NVD/CPE/KEV files; empty means the bundled data/cpe_dictionary.",
    "tls_cert": "PEM certificate file; with tls_key, the server speaks HTTPS.",
    "tls_key": "PEM private key file for tls_cert.",
    "log_level": "Log level: debug, info, warning or error.",
    "rate_report": "POST /api/agent/report requests per minute per API key.",
    "rate_heartbeat": "POST /api/agent/heartbeat requests per minute per API key.",
    "rate_config": "GET /api/agent/config requests per minute per API key.",
    "rate_container_scan": "POST /api/agent/container-scan requests per minute per API key.",
    "rate_unauthenticated": "Requests per minute per client address without a valid key; past it they get 429, not 401.",
    "max_body_bytes": "Largest request body as sent (compressed or not), in bytes.",
    "max_decompressed_bytes": "Largest request body after gzip decompression, in bytes; more is refused as a gzip bomb.",
    "max_items": "Most software items in one report (a full list, or added plus removed in a delta).",
    "max_images": "Most container images in one container scan request.",
    "scan_interval": "Seconds between agent scans, sent to agents in their config.",
    "include_updates": "Tell agents to report installed OS updates (agent config).",
    "include_services": "Tell agents to report services (agent config).",
    "minimum_agent_version": "Oldest agent version the server supports, sent in the agent config.",
}


class Setting(msgspec.Struct, frozen=True):
    """One documented setting, as the CLI, the README and the environment see it."""

    name: str
    kind: type
    default: Any
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.type, f.default, HELP[f.name]) for f in msgspec.structs.fields(Settings)
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _convert(setting: Setting, raw: Any, source: str) -> Any:
    if setting.kind is bool and isinstance(raw, str):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{source}: expected true or false, got {raw!r}")
    try:
        value = setting.kind(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{source}: expected {setting.kind.__name__}, got {raw!r}") from exc
    if setting.kind is int and value < 0:
        raise SettingsError(f"{source}: must not be negative, got {raw!r}")
    return value


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings: built-in defaults, then SENTRIKAT_* variables, then explicit overrides (CLI options)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = _convert(setting, environ[setting.env], setting.env)
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        setting = _BY_NAME[name]
        values[name] = _convert(setting, raw, "--" + name.replace("_", "-"))
    if bool(values.get("tls_cert")) != bool(values.get("tls_key")):
        raise SettingsError("tls_cert and tls_key must be given together")
    if values.get("log_level", "info") not in ("debug", "info", "warning", "error"):
        raise SettingsError(f"log_level: expected debug, info, warning or error, got {values['log_level']!r}")
    return Settings(**values)
