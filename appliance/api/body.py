"""Reading request bodies safely: Content-Type and Content-Encoding checks, size caps, streamed gunzip."""

from __future__ import annotations

import zlib
from typing import Any

from litestar import Request

from appliance.agent.payloads import PayloadError, PayloadTooLarge, UnsupportedMediaType

_CHUNK = 64 * 1024


def _media_type(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_json_body(request: Request[Any, Any, Any], max_bytes: int, max_decompressed: int) -> bytes:
    """The JSON body as bytes, decompressed if gzip; raises 413/415/400-mapped PayloadErrors.

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
        raw += chunk
        if len(raw) > max_bytes:
            raise PayloadTooLarge(f"body exceeds the limit of {max_bytes} bytes")
    if encoding == "gzip":
        return gunzip(bytes(raw), max_decompressed)
    if not raw:
        raise PayloadError("request body is empty")
    return bytes(raw)


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress one gzip member, never producing more than ``limit`` bytes (a gzip bomb gets 413)."""
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
            out += inflater.decompress(chunk, limit + 1 - len(out))
            if len(out) > limit:
                raise PayloadTooLarge(f"gzip body inflates beyond the limit of {limit} bytes")
    except zlib.error as exc:
        raise PayloadError(f"body is not valid gzip: {exc}") from exc
    if not inflater.eof:
        raise PayloadError("gzip body is truncated")
    if inflater.unused_data or position < len(data):
        raise PayloadError("unexpected data after the end of the gzip stream")
    if not out:
        raise PayloadError("request body is empty")
    return bytes(out)
