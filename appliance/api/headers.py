"""Security headers on every response: a strict Content-Security-Policy for the page, no caching of API answers."""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

# The status page loads only its own files: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_COMMON = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
# API answers carry inventory data: no browser or proxy keeps a copy.
_API = [(b"cache-control", b"no-store")]


def security_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware adding the headers above to each HTTP response of the wrapped app."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        extra = _COMMON + (_API if scope["path"].startswith("/api/") else [])
        if scope.get("scheme") == "https":
            # Browsers that reached the appliance over HTTPS keep using it (RFC 6797).
            extra = extra + [(b"strict-transport-security", b"max-age=31536000")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers: list[Any] = list(message.get("headers", []))
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}  # type: ignore[typeddict-item]
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
