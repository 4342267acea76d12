"""Reading request bodies safely: Content-Type and Content-Encoding checks, size caps, then bounded
gunzip, shape checks and decoding in a worker thread, never on the event loop."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from litestar import Request

from appliance.agent.jsonshape import ShapeScanner
from appliance.agent.payloads import PayloadError, PayloadTooLarge, UnsupportedMediaType
from appliance.errors import ApplianceError
from appliance.settings import Settings

_CHUNK = 64 * 1024
# Inflating may always produce this much, whatever the ratio: tiny gzip bodies are mostly header.
_RATIO_FLOOR = 64 * 1024
# Bodies are inflated and decoded by at most this many threads at once (the box has 2 cores);
# the rest wait their turn, so a burst of large bodies cannot take every core or the memory.
DECODE_THREADS = 2
_limiter: anyio.CapacityLimiter | None = None

T = TypeVar("T")


class ServerBusy(ApplianceError):
    """Other requests' bodies fill the memory set aside for bodies; the client should retry (503)."""

    code = "server_busy"
    retry_after = 5


class BodyBudget:
    """The bytes of request bodies (as sent, and inflated) that all requests may hold at once.

    Each request takes from it as its body arrives and inflates, and gives everything back
    when it is decoded or refused. Thread-safe: inflating runs in worker threads.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def hold(self) -> "BodyHold":
        return BodyHold(self)


class BodyHold:
    """One request's share of the BodyBudget; ``release()`` gives it back."""

    def __init__(self, budget: BodyBudget) -> None:
        self.budget = budget
        self.held = 0

    def take(self, size: int) -> None:
        budget = self.budget
        with budget._lock:
            if budget.used + size > budget.limit:
                raise ServerBusy(
                    f"the server is busy receiving other large bodies (max_body_bytes_in_flight {budget.limit} bytes); "
                    f"try again in {ServerBusy.retry_after} s"
                )
            budget.used += size
            self.held += size

    def release(self) -> None:
        with self.budget._lock:
            self.budget.used -= self.held
            self.held = 0


def _media_type(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_json_body(
    request: Request[Any, Any, Any], max_bytes: int, take: Callable[[int], None] | None = None
) -> tuple[bytes, bool]:
    """The body as sent and whether it is gzip; raises 413/415/400-mapped PayloadErrors.

    A missing Content-Type is taken as JSON (some agents send none); any other type is refused.
    """
    media = _media_type(request)
    if media and media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {media!r}")
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", ""):
        raise UnsupportedMediaType(f"Content-Encoding {encoding!r} is not supported; use gzip or none")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise PayloadError("Content-Length is not a number")
        if int(declared) > max_bytes:
            raise PayloadTooLarge(f"body of {declared} bytes exceeds the limit of {max_bytes} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        if take is not None:
            take(len(chunk))
        raw += chunk
        if len(raw) > max_bytes:
            raise PayloadTooLarge(f"body exceeds the limit of {max_bytes} bytes")
    return bytes(raw), encoding == "gzip"


async def decode_request(request: Request[Any, Any, Any], decode: Callable[[bytes], T]) -> T:
    """Read the body, then inflate, check and ``decode`` it in a worker thread; PayloadErrors as for reading."""
    global _limiter
    settings: Settings = request.app.state.settings
    hold = BodyHold(request.app.state.body_budget)
    try:
        raw, gzipped = await read_json_body(request, settings.max_body_bytes, hold.take)
        if _limiter is None:
            _limiter = anyio.CapacityLimiter(DECODE_THREADS)
        return await anyio.to_thread.run_sync(
            _prepare_and_decode, raw, gzipped, settings, decode, hold.take, limiter=_limiter
        )
    finally:
        hold.release()


def _prepare_and_decode(
    raw: bytes, gzipped: bool, settings: Settings, decode: Callable[[bytes], T], take: Callable[[int], None]
) -> T:
    scanner = ShapeScanner(settings.max_json_values, settings.max_json_depth)
    if gzipped:

        def check(piece: bytes) -> None:
            take(len(piece))
            scanner.feed(piece)

        body = gunzip(raw, settings.max_decompressed_bytes, settings.max_inflate_ratio, check)
    else:
        body = raw
        for start in range(0, len(raw), _CHUNK):
            scanner.feed(raw[start : start + _CHUNK])
    if not body:
        raise PayloadError("request body is empty")
    return decode(body)


def gunzip(data: bytes, limit: int, ratio: int = 0, check: Callable[[bytes], None] | None = None) -> bytes:
    """Decompress one gzip member 64 KiB at a time, checking each piece before inflating more.

    Never produces more than ``limit`` bytes, nor more than ``ratio`` times the compressed
    bytes consumed so far (plus 64 KiB; 0 turns the ratio off): a gzip bomb gets 413 after a
    few pieces. ``check`` sees every piece as it is produced (the JSON shape scanner).
    """
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # 16+: gzip header and trailer required
    out = bytearray()
    position = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif position < len(data):
                chunk = data[position : position + _CHUNK]
                position += _CHUNK
            else:
                break
            # max_length (always >= 1 here; 0 would mean unbounded) caps what one step may produce.
            piece = inflater.decompress(chunk, min(_CHUNK, limit + 1 - len(out)))
            out += piece
            if len(out) > limit:
                raise PayloadTooLarge(f"gzip body inflates beyond the limit of {limit} bytes")
            consumed = position - len(inflater.unconsumed_tail) - len(inflater.unused_data)
            if ratio and len(out) > ratio * consumed + _RATIO_FLOOR:
                raise PayloadTooLarge(
                    f"gzip body inflates more than {ratio} times its compressed size; refused as a gzip bomb"
                )
            if check is not None and piece:
                check(piece)
    except zlib.error as exc:
        raise PayloadError(f"body is not valid gzip: {exc}") from exc
    if not inflater.eof:
        raise PayloadError("gzip body is truncated")
    if inflater.unused_data or position < len(data):
        raise PayloadError("unexpected data after the end of the gzip stream")
    if not out:
        raise PayloadError("request body is empty")
    return bytes(out)


async def read_small_json_body(request: Request[Any, Any, Any], max_bytes: int) -> bytes:
    """A body of at most ``max_bytes`` (a few KiB), sent and inflated, read on the event loop: too small to matter."""
    raw, gzipped = await read_json_body(request, max_bytes)
    body = gunzip(raw, max_bytes) if gzipped else raw
    if not body:
        raise PayloadError("request body is empty")
    return body
