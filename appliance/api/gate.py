"""Checks every request passes before routing (path, Host header, no key in the URL), and what the access log may show."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar.types import ASGIApp, Receive, Scope, Send

from appliance.agent.payloads import ErrorBody

# Query parameters that carry credentials in other products' APIs. A key in a URL ends up in
# access logs, proxy logs and browser history, so it is refused, and redacted from our log.
KEY_PARAMETERS = frozenset(
    {"key", "api_key", "apikey", "api-key", "x-agent-key", "x_agent_key", "agent_key", "token", "access_token",
     "auth", "authorization", "password", "secret", "session", "sentrikat_session"}
)
# Our own key format (appliance/auth/keys.py), wherever it appears in a logged line.
_KEY_TEXT = re.compile(r"sk_(agent|read|admin)_[A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def allowed_host_names(configured: str) -> frozenset[str] | None:
    """The names the Host header may carry besides IP literals; None means any (``allowed_hosts = "*"``).

    By default: localhost, the machine's hostname, its short form, ``hostname.local`` (mDNS, how
    Windows and macOS PCs reach a box by name) and its fully qualified name, plus ``configured``
    (comma-separated). A DNS-rebinding page comes with its own name in Host, never these.
    """
    extra = [name.strip().lower().rstrip(".") for name in configured.split(",") if name.strip()]
    if "*" in extra:
        return None
    host = socket.gethostname().lower().rstrip(".")
    short = host.split(".")[0]
    names = {"localhost", host, short, f"{short}.local", socket.getfqdn().lower().rstrip(".")}
    return frozenset(name for name in (*names, *extra) if name)


def host_name(header: str) -> str:
    """The name in a Host header, without port, brackets or trailing dot, lower case."""
    header = header.strip().lower()
    if header.startswith("["):  # [v6]:port
        return header[1:].split("]", 1)[0]
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.rstrip(".")


def host_allowed(header: str | None, names: frozenset[str] | None) -> bool:
    if header is None or names is None:  # HTTP/1.0 without Host cannot be a rebinding browser
        return True
    name = host_name(header)
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return name in names or name.endswith(".localhost")


def key_parameters(query_string: bytes) -> list[str]:
    """Names of credential-like parameters in a raw query string."""
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    except ValueError:
        return []
    return sorted({name for name, _ in pairs if name.lower() in KEY_PARAMETERS})


def request_gate(allowed_hosts: str) -> Any:
    """Litestar middleware factory: refuse, with our JSON error body, a path with control characters
    (400, e.g. ``/index.html%00.js``), a Host header that is not this appliance (400, DNS rebinding),
    and credentials in the query string (400). Everything else goes on to routing."""
    names = allowed_host_names(allowed_hosts)

    def middleware(app: ASGIApp) -> ASGIApp:
        async def gate(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            problem = _problem(scope, names)
            if problem is None:
                await app(scope, receive, send)
                return
            body = msgspec.json.encode(ErrorBody(problem[0], problem[1], problem[2]))
            await send({
                "type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            })
            await send({"type": "http.response.body", "body": body})

        return gate

    return middleware


def _problem(scope: Scope, names: frozenset[str] | None) -> tuple[str, str, str | None] | None:
    path = scope.get("path", "")
    if _CONTROL.search(path):
        return "invalid_request", "the path contains a control character (such as %00); no such file", None
    headers = dict(_headers(scope.get("headers", [])))
    host = headers.get("host")
    if not host_allowed(host, names):
        return (
            "invalid_host",
            f"this appliance does not answer to the name {host_name(host or '')!r}; use its IP address or hostname,"
            " or add the name to SENTRIKAT_ALLOWED_HOSTS",
            None,
        )
    found = key_parameters(scope.get("query_string", b""))
    if found:
        return (
            "invalid_request",
            f"credentials are not accepted in the URL ({', '.join(found)}): URLs end up in logs; send the API key in"
            " the X-Agent-Key header (or Authorization: Bearer)",
            found[0],
        )
    return None


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> Iterable[tuple[str, str]]:
    for name, value in raw:
        yield name.decode("latin-1").lower(), value.decode("latin-1")


def redact(target: str) -> str:
    """A request target fit for the log: credential-like query values and our keys replaced by REDACTED."""
    path, sep, query = target.partition("?")
    if sep:
        parts = []
        for part in query.split("&"):
            name, eq, _ = part.partition("=")
            lowered = name.lower()
            parts.append(f"{name}{eq}REDACTED" if eq and lowered in KEY_PARAMETERS else part)
        target = path + "?" + "&".join(parts)
    return _KEY_TEXT.sub(lambda m: f"sk_{m.group(1)}_REDACTED", target)


class RedactingFilter(logging.Filter):
    """For uvicorn's access log, whose record args are (client, method, target, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True
