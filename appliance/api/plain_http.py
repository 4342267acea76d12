"""Plain HTTP beside HTTPS: /healthz answers, pages redirect to HTTPS, the API is refused (unless allow_http)."""

from __future__ import annotations

import msgspec
from litestar.types import ASGIApp, Receive, Scope, Send

from appliance.agent.payloads import ErrorBody
from appliance.settings import Settings

HSTS = (b"strict-transport-security", b"max-age=31536000")


def _host(scope: Scope) -> str:
    """The host name or address the client used, without its port ("[::1]:8080" -> "[::1]")."""
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1").strip()
            if host.startswith("["):
                return host.split("]", 1)[0] + "]"
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    server = scope.get("server")
    return str(server[0]) if server else "localhost"


def plain_http_policy(settings: Settings):  # type: ignore[no-untyped-def]
    """ASGI middleware factory: what a request that came over plain HTTP may do.

    With HTTPS on and allow_http off: GET and HEAD for pages get 308 to the same path over
    HTTPS; the API (and anything else) gets 403 https_required, saying how to connect,
    because an agent key or a password would cross the network in clear text. /healthz
    answers on both, for service managers and load balancers.
    """

    def middleware(app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope.get("scheme") == "https" or settings.allow_http or scope["path"] == "/healthz":
                await app(scope, receive, send)
                return
            host = _host(scope)
            base = f"https://{host}:{settings.https_port}" if settings.https_port else None
            path = scope["path"]
            if base and scope["method"] in ("GET", "HEAD") and not path.startswith("/api/"):
                query = scope.get("query_string", b"").decode("latin-1")
                location = base + scope.get("raw_path", path.encode()).decode("latin-1") + (f"?{query}" if query else "")
                await _answer(send, 308, b"", [(b"location", location.encode("latin-1"))])
                return
            where = (
                f"connect to {base}{path} instead (trust the appliance's certificate: curl --cacert "
                f"DATA_DIR/tls/cert.pem, or pin the fingerprint that `sentrikat tls show` prints)"
                if base else "the appliance serves no HTTPS (https_port is 0)"
            )
            message = (
                f"plain HTTP is refused here: API keys and passwords would cross the network in clear text; {where}, "
                "or start the appliance with --allow-http"
            )
            body = msgspec.json.encode(ErrorBody("https_required", message))
            await _answer(send, 403, body, [(b"content-type", b"application/json")])

        return guarded

    return middleware


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({
        "type": "http.response.start", "status": status,
        "headers": [*headers, (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})
