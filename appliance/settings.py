"""Every setting of the appliance: its name, environment variable, default and meaning."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

ENV_PREFIX = "SENTRIKAT_"
CONFIG_ENV = "SENTRIKAT_CONFIG"
CONFIG_FILE_NAME = "sentrikat.toml"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """The resolved settings the app runs with; HELP says what each one means."""

    host: str = "0.0.0.0"
    port: int = 8080
    https_port: int = 8443
    allow_http: bool = False
    data_dir: Path = Path("sentrikat-data")
    feed_dir: str = ""
    agents_dir: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    log_level: str = "info"
    allowed_hosts: str = ""
    rate_report: int = 60
    rate_heartbeat: int = 120
    rate_config: int = 30
    rate_container_scan: int = 30
    rate_inventory: int = 10
    rate_commands: int = 10
    rate_unauthenticated: int = 30
    rate_read: int = 600
    rate_login: int = 10
    rate_login_account: int = 10
    max_body_bytes: int = 32 * 1024 * 1024
    max_decompressed_bytes: int = 128 * 1024 * 1024
    max_inflate_ratio: int = 100
    max_json_values: int = 2_000_000
    max_json_depth: int = 64
    max_items: int = 50_000
    max_body_bytes_in_flight: int = 256 * 1024 * 1024
    header_timeout: int = 10
    body_timeout: int = 10
    body_min_rate: int = 1024
    keepalive_timeout: int = 5
    max_connections: int = 1000
    max_connections_per_client: int = 64
    max_header_bytes: int = 65536
    max_images: int = 50
    scan_interval: int = 86400
    include_updates: bool = False
    include_services: bool = True
    minimum_agent_version: str = "1.0.0"
    refresh_enabled: bool = True
    nvd_cve_url: str = "https://services.nvd.nist.gov/rest/json/cves/2.0"
    nvd_cpe_url: str = "https://services.nvd.nist.gov/rest/json/cpes/2.0"
    kev_url: str = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
    nvd_api_key: str = ""
    cve_refresh_interval: int = 7200
    cpe_refresh_interval: int = 86400
    kev_refresh_interval: int = 21600
    refresh_start_delay: int = 10
    nvd_cve_page_size: int = 2000
    nvd_cpe_page_size: int = 10000
    nvd_rate_window: int = 30
    http_timeout: int = 60
    retry_attempts: int = 5
    retry_base_delay: float = 6.0
    min_feed_ratio: float = 0.9
    offline_after: int = 1800
    stale_after: int = 604800
    delete_after: int = 0
    delete_pending_after: int = 86400
    expiry_interval: int = 60
    feed_check_interval: int = 30
    session_lifetime: int = 28800
    feed_max_age: int = 604800
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_ca_file: str = ""
    smtp_tls_fingerprint: str = ""
    alert_email_from: str = ""
    alert_email_to: str = ""
    webhook_url: str = ""
    webhook_format: str = "json"
    alert_cvss_threshold: float = 9.0
    alert_digest: str = "off"
    alert_refresh_failing_after: int = 86400
    alert_send_interval: int = 30
    alert_retry_delay: float = 30.0
    alert_timeout: int = 30

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
    "port": "TCP port for plain HTTP: it redirects pages to HTTPS and refuses the API, unless allow_http.",
    "https_port": "TCP port for HTTPS; 0 serves no HTTPS (then allow_http is needed for agents).",
    "allow_http": "Serve everything over plain HTTP too, agent keys and passwords in clear text; only on a network you trust.",
    "data_dir": "Folder for the database and the key secret; created on first start.",
    "feed_dir": "Folder with a compiled feed bundle or raw NVD/CPE/KEV files; empty means the bundled data/cpe_dictionary.",
    "agents_dir": "Folder with the agent scripts served at /agents/; empty means the bundled agents/.",
    "tls_cert": "PEM certificate file (chain) to serve instead of the generated DATA_DIR/tls/cert.pem; needs tls_key.",
    "tls_key": "PEM private key file for tls_cert, instead of the generated DATA_DIR/tls/key.pem.",
    "log_level": "Log level: debug, info, warning or error.",
    "allowed_hosts": "Extra names the Host header may carry (comma-separated) besides IP addresses, localhost and this machine's names; * allows any.",
    "rate_report": "POST /api/agent/report requests per minute per API key.",
    "rate_heartbeat": "POST /api/agent/heartbeat requests per minute per API key.",
    "rate_config": "GET /api/agent/config requests per minute per API key.",
    "rate_container_scan": "POST /api/agent/container-scan requests per minute per API key.",
    "rate_inventory": "POST /api/agent/inventory (agent 1.5) requests per minute per API key and hostname.",
    "rate_commands": "GET /api/agent/commands (agent 1.5) requests per minute per API key and hostname.",
    "rate_unauthenticated": "Requests per minute per client address without a valid key; past it they get 429, not 401.",
    "rate_read": "Read API requests (/api/status, /api/assets, /api/vulnerabilities) per minute per API key or admin session.",
    "rate_login": "Status page login attempts per minute per client address, successful or not.",
    "rate_login_account": "Status page login attempts per minute per username, from any address, successful or not.",
    "max_body_bytes": "Largest request body as sent (compressed or not), in bytes.",
    "max_decompressed_bytes": "Largest request body after gzip decompression, in bytes; more is refused as a gzip bomb.",
    "max_inflate_ratio": "Largest ratio of a gzip body's inflated to compressed size (past the first 64 KiB); more is refused as a gzip bomb. 0 turns it off.",
    "max_json_values": "Most JSON values in one body (counted as commas plus opening brackets), checked while it is read.",
    "max_json_depth": "Deepest nesting of arrays and objects in one body, checked while it is read.",
    "max_body_bytes_in_flight": "Most bytes of request bodies (as sent plus inflated) held at once by all requests together; past it a request gets 503 with Retry-After.",
    "header_timeout": "Seconds a client has to send a request's line and headers (and the TLS handshake), from connecting or from its first byte after the previous answer.",
    "body_timeout": "Window in seconds over which a request body must arrive at body_min_rate; slower uploads are closed.",
    "body_min_rate": "Bytes per second a request body must arrive at, measured over each body_timeout window.",
    "keepalive_timeout": "Seconds an idle keep-alive connection stays open after an answer.",
    "max_connections": "Most open connections in all; a new one then closes the oldest still waiting for a request, or gets 503.",
    "max_connections_per_client": "Most open connections from one client address; more get 503.",
    "max_header_bytes": "Largest request line plus headers, in bytes; more gets 431.",
    "max_items": "Most software items in one report (a full list, or added plus removed in a delta).",
    "max_images": "Most container images in one container scan request.",
    "scan_interval": "Seconds between agent scans, sent to agents in their config.",
    "include_updates": "Tell agents to report installed OS updates (agent config).",
    "include_services": "Tell agents to report services (agent config).",
    "minimum_agent_version": "Oldest agent version the server supports, sent in the agent config.",
    "refresh_enabled": "Download NVD and CISA feeds on schedule; false for offices without internet (use feeds import).",
    "nvd_cve_url": "NVD CVE API 2.0 endpoint.",
    "nvd_cpe_url": "NVD CPE API 2.0 endpoint.",
    "kev_url": "CISA Known Exploited Vulnerabilities JSON feed.",
    "nvd_api_key": "NVD API key, sent as the apiKey header; raises NVD's limit from 5 to 50 requests per 30 seconds.",
    "cve_refresh_interval": "Seconds between NVD CVE refreshes.",
    "cpe_refresh_interval": "Seconds between NVD CPE dictionary refreshes.",
    "kev_refresh_interval": "Seconds between CISA KEV refreshes.",
    "refresh_start_delay": "Seconds after start before the first refreshes run.",
    "nvd_cve_page_size": "resultsPerPage for the CVE API (NVD's maximum is 2000).",
    "nvd_cpe_page_size": "resultsPerPage for the CPE API (NVD's maximum is 10000).",
    "nvd_rate_window": "Seconds of NVD's rolling rate-limit window (5 requests without a key, 50 with one, per window).",
    "http_timeout": "Seconds before a feed download request is abandoned (and retried).",
    "retry_attempts": "Attempts per feed request before the refresh fails (on 403, 429, 5xx, timeouts, damaged bodies).",
    "retry_base_delay": "Seconds before the first retry; each further retry waits twice as long (Retry-After wins).",
    "min_feed_ratio": "A full feed with fewer records than this share of the current one is refused as damaged.",
    "offline_after": "Seconds without a report or heartbeat before an asset counts as offline.",
    "stale_after": "Seconds without contact before an asset is stale: data kept, left out of active counts.",
    "delete_after": "Seconds without contact before an asset is deleted; 0 keeps assets forever.",
    "delete_pending_after": "Seconds without contact before a pending asset (never sent a full report) is deleted; 0 keeps them.",
    "expiry_interval": "Seconds between checks that mark assets offline, stale or deleted.",
    "feed_check_interval": "Seconds between checks for a feed written by another process (sentrikat feeds import).",
    "session_lifetime": "Seconds an admin stays logged in to the status page; the session then ends whatever the activity.",
    "feed_max_age": "Seconds after its own date before CVE or KEV data counts as old on the status page and in /api/status.",
    "smtp_host": "SMTP server for alert emails; empty means no email alerts.",
    "smtp_port": "SMTP port; 0 means the usual one for smtp_security (25 plain, 587 starttls, 465 tls).",
    "smtp_security": "How the SMTP connection is protected: plain, starttls or tls.",
    "smtp_user": "SMTP login name; empty means no login.",
    "smtp_password": "SMTP password for smtp_user (never shown on the status page).",
    "smtp_ca_file": "PEM file of the CA (or the mail server's own certificate) that SMTP TLS trusts instead of the system's CAs;"
    " the server's name is still checked.",
    "smtp_tls_fingerprint": "SHA-256 fingerprint of the mail server's certificate (AB:CD:…): SMTP TLS then trusts exactly"
    " that certificate, whatever its issuer and names.",
    "alert_email_from": "Sender address of alert emails; empty means sentrikat@ and this machine's name.",
    "alert_email_to": "Recipients of alert emails, separated by commas.",
    "webhook_url": "URL that alerts are POSTed to; empty means no webhook alerts.",
    "webhook_format": "Webhook body: json, slack, teams or discord.",
    "alert_cvss_threshold": "A new finding with a CVSS score at or above this is alerted (KEV findings always are).",
    "alert_digest": "A summary message besides the event alerts: off, daily or weekly.",
    "alert_refresh_failing_after": "Seconds a feed refresh must keep failing before it is alerted.",
    "alert_send_interval": "Seconds between runs of the job that sends pending alerts (and batches them).",
    "alert_retry_delay": "Seconds before an alert that could not be sent is tried again; each retry waits twice as long, at most an hour.",
    "alert_timeout": "Seconds before an SMTP or webhook connection attempt is abandoned (and retried later).",
}


# A SHA-256 certificate fingerprint as openssl and `sentrikat tls show` print it (AB:CD:…), or without colons.
SHA256_FINGERPRINT = re.compile(r"[0-9A-Fa-f]{2}(?::?[0-9A-Fa-f]{2}){31}")

# Settings with a fixed set of values.
CHOICES: dict[str, tuple[str, ...]] = {
    "smtp_security": ("plain", "starttls", "tls"),
    "webhook_format": ("json", "slack", "teams", "discord"),
    "alert_digest": ("off", "daily", "weekly"),
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
BY_NAME = {s.name: s for s in SETTINGS}


def convert(setting: Setting, raw: Any, source: str) -> Any:
    """``raw`` (a string from the environment, or a TOML or JSON value) as the setting's type; SettingsError names ``source``."""
    if setting.kind is bool and isinstance(raw, bool):
        return raw
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
    if setting.kind in (int, float) and value < 0:
        raise SettingsError(f"{source}: must not be negative, got {raw!r}")
    return value


def read_config_file(path: Path) -> dict[str, Any]:
    """Settings from a TOML file whose keys are the setting names (``port = 8080``)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - set(BY_NAME))
    if unknown:
        raise SettingsError(f"config file {path}: unknown settings {', '.join(unknown)}")
    return data


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Resolve settings, each later source winning: built-in defaults, the config file
    (``--config``, ``SENTRIKAT_CONFIG`` or ``DATA_DIR/sentrikat.toml``), SENTRIKAT_* variables,
    then explicit overrides (command-line options)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if config_file is None and environ.get(CONFIG_ENV):
        config_file = Path(environ[CONFIG_ENV])
    if config_file is None:
        data_dir = (overrides or {}).get("data_dir") or environ.get(ENV_PREFIX + "DATA_DIR") or Settings().data_dir
        candidate = Path(data_dir) / CONFIG_FILE_NAME
        config_file = candidate if candidate.exists() else None
    if config_file is not None:
        for name, raw in read_config_file(config_file).items():
            values[name] = convert(BY_NAME[name], raw, f"{config_file}: {name}")
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = convert(setting, environ[setting.env], setting.env)
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        setting = BY_NAME[name]
        values[name] = convert(setting, raw, "--" + name.replace("_", "-"))
    if not 1 <= values.get("port", 8080) <= 65535:
        raise SettingsError(f"port: expected a port number from 1 to 65535, got {values['port']}")
    if not 0 <= values.get("https_port", 8443) <= 65535:
        raise SettingsError(f"https_port: expected a port number from 1 to 65535, or 0 for no HTTPS, got {values['https_port']}")
    if bool(values.get("tls_cert")) != bool(values.get("tls_key")):
        raise SettingsError("tls_cert and tls_key must be given together")
    if values.get("https_port") and values.get("https_port") == values.get("port", Settings.port):
        raise SettingsError("https_port and port must differ")
    if values.get("log_level", "info") not in ("debug", "info", "warning", "error"):
        raise SettingsError(f"log_level: expected debug, info, warning or error, got {values['log_level']!r}")
    for name, allowed in CHOICES.items():
        if name in values and values[name] not in allowed:
            raise SettingsError(f"{name}: expected {', '.join(allowed)}, got {values[name]!r}")
    if values.get("smtp_tls_fingerprint") and not SHA256_FINGERPRINT.fullmatch(values["smtp_tls_fingerprint"]):
        raise SettingsError(f"smtp_tls_fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons allowed),"
                            f" got {values['smtp_tls_fingerprint']!r}")
    return Settings(**values)
