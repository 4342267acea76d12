"""The HTTP server: uvicorn with a guard on every connection (timeouts, minimum body rate, connection caps)
and one listener per scheme (HTTPS, and plain HTTP beside it)."""

from __future__ import annotations

import asyncio
import logging
import resource
import ssl
import time
from collections import Counter
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from appliance.settings import Settings

log = logging.getLogger("sentrikat.server")

# Phases of a connection, as the guard sees it.
HEAD, BODY, APP, IDLE = "head", "body", "app", "idle"
_SWEEP_SECONDS = 0.5
_REFUSED = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)
_HEADERS_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
)


class ConnectionGuard:
    """Every open connection with its phase and deadlines; one sweep per half second closes the overdue.

    uvicorn (with httptools) has a keep-alive timeout but no request-head timeout, no body
    rate, and no cap on connections (limit_concurrency answers 503 only once a request head
    has arrived, so connections that never finish one are never counted out). This adds them
    in front of its protocol, before anything reaches the app:

    - a request head (request line and headers) must arrive within ``header_timeout`` seconds
      of the connection or of its first byte after the previous answer, and within
      ``max_header_bytes``;
    - a body must arrive at ``body_min_rate`` bytes per second, measured over each
      ``body_timeout``-second window, except while the app itself is not reading;
    - at most ``max_connections`` connections in all: a new one then closes the oldest that
      is still waiting for a request head or idle, or is refused with 503 if none is;
    - at most ``max_connections_per_client`` connections per client address (503 past it).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connections: set[GuardedProtocol] = set()
        self.per_client: Counter[str] = Counter()
        self.closed_by: Counter[str] = Counter()  # reason -> count, for logs and tests
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._sweep_forever())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def admit(self, conn: GuardedProtocol) -> str | None:
        """None if ``conn`` may stay, else why it is refused; may close an older connection to make room."""
        if self.per_client[conn.peer] >= self.settings.max_connections_per_client:
            return f"too many connections from {conn.peer} (at most {self.settings.max_connections_per_client})"
        if len(self.connections) >= self.settings.max_connections:
            waiting = [c for c in self.connections if c.phase in (HEAD, IDLE)]
            if not waiting:
                return f"too many connections (at most {self.settings.max_connections})"
            self.close(min(waiting, key=lambda c: c.since), "evicted")
        self.connections.add(conn)
        self.per_client[conn.peer] += 1
        return None

    def forget(self, conn: GuardedProtocol) -> None:
        if conn in self.connections:
            self.connections.discard(conn)
            self.per_client[conn.peer] -= 1
            if self.per_client[conn.peer] <= 0:
                del self.per_client[conn.peer]

    def close(self, conn: GuardedProtocol, reason: str, flush: bool = False) -> None:
        """Close at once (``flush``: after sending what was written), freeing the socket."""
        self.closed_by[reason] += 1
        log.debug("closing a connection from %s: %s", conn.peer, reason)
        self.forget(conn)
        if conn.transport is not None and not conn.transport.is_closing():
            conn.transport.close() if flush else conn.transport.abort()

    def sweep(self, now: float) -> None:
        s = self.settings
        for conn in list(self.connections):
            if conn.phase == HEAD and now - conn.since > s.header_timeout:
                self.close(conn, "header_timeout")
            elif conn.phase == BODY:
                if conn.flow is not None and conn.flow.read_paused:
                    conn.window_start, conn.window_bytes = now, conn.body_bytes  # the app is behind, not the client
                elif now - conn.window_start >= s.body_timeout:
                    if conn.body_bytes - conn.window_bytes < s.body_min_rate * (now - conn.window_start):
                        self.close(conn, "body_too_slow")
                    else:
                        conn.window_start, conn.window_bytes = now, conn.body_bytes

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(_SWEEP_SECONDS)
            try:
                self.sweep(time.monotonic())
            except Exception:  # never let one bad connection stop the sweeps
                log.exception("connection sweep failed")


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, reporting each phase of its connection to the guard."""

    guard: ConnectionGuard  # set on the subclass made by protocol_class()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        self.phase, self.since = HEAD, time.monotonic()
        self.head_bytes = self.body_bytes = self.window_bytes = 0
        self.window_start = self.since
        self.refused = self.halted = False
        reason = self.guard.admit(self)
        if reason is not None:
            self.refused = True
            self.transport = transport
            message = f"{reason}; try again later\n".encode()
            transport.write(_REFUSED % (len(message), message))
            transport.close()
            return
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.refused:
            return
        self.guard.forget(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused or self.halted:
            return
        if self.phase == IDLE:
            self.phase, self.since, self.head_bytes = HEAD, time.monotonic(), 0
        counting = self.phase == HEAD
        super().data_received(data)
        if counting and self.phase == HEAD and not self.transport.is_closing():
            self.head_bytes += len(data)
            if self.head_bytes > self.guard.settings.max_header_bytes:  # and still no complete request head
                self.refuse_large_head()

    def refuse_large_head(self) -> None:
        limit = self.guard.settings.max_header_bytes
        message = f"the request head exceeds {limit} bytes\n".encode()
        self.transport.write(_HEADERS_TOO_LARGE % (len(message), message))
        self.guard.close(self, "header_too_large", flush=True)
        self.halted = True  # nothing more is parsed or answered on this connection

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.guard.settings.max_header_bytes:
            self.refuse_large_head()
            return
        now = time.monotonic()
        self.phase, self.since = BODY, now
        self.body_bytes = self.window_bytes = 0
        self.window_start = now
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self.halted:
            return
        self.body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self.halted:
            return
        self.phase = APP
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.phase == APP:
            self.phase, self.since = IDLE, time.monotonic()


def protocol_class(guard: ConnectionGuard) -> type[GuardedProtocol]:
    return type("SentriKatProtocol", (GuardedProtocol,), {"guard": guard})


def raise_open_file_limit(wanted: int) -> None:
    """Raise the soft limit on open files towards ``wanted`` (never above the hard limit): each connection is one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-file limit from %d to %d: %s", soft, target, exc)
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        log.warning(
            "the open-file limit is %d, below max_connections plus headroom (%d); raise it (LimitNOFILE=) or lower max_connections",
            soft, wanted,
        )


class Listener:
    """One listening socket: where, and with which TLS context (None: plain HTTP)."""

    def __init__(self, host: str, port: int, ssl_context: ssl.SSLContext | None) -> None:
        self.host, self.port, self.ssl_context = host, port, ssl_context

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context else "http"


class Server(uvicorn.Server):
    """uvicorn's server with guarded connections and several listeners (HTTPS and HTTP).

    Also: a requested stop (SIGTERM, SIGINT) ends with exit status 0. Since uvicorn 0.29 the
    captured signal is raised again after the graceful shutdown, so the process would die
    "by SIGTERM" (status -15) and systemd would log a failure.
    """

    def __init__(self, config: uvicorn.Config, guard: ConnectionGuard, listeners: list[Listener]) -> None:
        super().__init__(config)
        self.guard = guard
        self.listeners = listeners

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        self._captured_signals.clear()

    async def startup(self, sockets: Any = None) -> None:
        """As uvicorn's, but one asyncio server per listener, each with its own TLS context or none."""
        import sys

        await self.lifespan.startup()
        if self.lifespan.should_exit:
            sys.exit(3)
        config = self.config

        def create_protocol(_loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=_loop
            )

        loop = asyncio.get_running_loop()
        self.servers = []
        for listener in self.listeners:
            try:
                server = await loop.create_server(
                    create_protocol, host=listener.host, port=listener.port, ssl=listener.ssl_context,
                    backlog=config.backlog,
                    # A TLS handshake is part of the request head: the same time limit.
                    ssl_handshake_timeout=self.guard.settings.header_timeout if listener.ssl_context else None,
                )
            except OSError as exc:
                log.error("cannot listen on %s:%d: %s", listener.host, listener.port, exc)
                for started in self.servers:
                    started.close()
                await self.lifespan.shutdown()
                sys.exit(1)
            self.servers.append(server)
            log.info("listening on %s://%s:%d", listener.scheme, listener.host, listener.port)
        self.guard.start()
        self.started = True

    async def shutdown(self, sockets: Any = None) -> None:
        self.guard.stop()
        await super().shutdown(sockets)
