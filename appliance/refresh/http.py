"""Polite, patient HTTP for feed downloads: a rolling-window request limit and retries with backoff."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from appliance.errors import ApplianceError

# NVD answers 403 (not only 429) when a client exceeds its rate limit, and 5xx under load:
# https://nvd.nist.gov/developers/start-here ("Rate Limits", "Best Practices").
RETRY_STATUS = {403, 429, 500, 502, 503, 504}


class DownloadError(ApplianceError):
    """A feed could not be downloaded after every retry; the message says what happened last."""

    code = "download_error"


class WindowLimiter:
    """At most ``limit`` requests in any rolling ``window`` seconds (NVD: 5 per 30 s, 50 with a key)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._sent and now - self._sent[0] >= self.window:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self.window - (now - self._sent[0]))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class Fetcher:
    """GET with the limiter, retrying transient failures; ``check`` validates a body (raising ValueError)."""

    def __init__(self, client: httpx.AsyncClient, limiter: WindowLimiter, attempts: int, base_delay: float) -> None:
        self.client = client
        self.limiter = limiter
        self.attempts = max(1, attempts)
        self.base_delay = base_delay

    async def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        check: Callable[[httpx.Response], Awaitable[None] | None] | None = None,
        accept: set[int] = frozenset({200}),
    ) -> httpx.Response:
        last = "no attempt made"
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(delay)
            delay = self.base_delay * 2**attempt
            await self.limiter.wait()
            try:
                response = await self.client.get(url, params=params, headers=headers)
            except httpx.TransportError as exc:  # timeouts, refused connections, broken bodies
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in RETRY_STATUS:
                last = f"HTTP {response.status_code}"
                delay = _retry_after(response) or delay
                continue
            if response.status_code not in accept:
                raise DownloadError(f"{url}: HTTP {response.status_code}")
            if check is not None and response.status_code == 200:
                try:
                    result = check(response)
                    if result is not None:
                        await result
                except ValueError as exc:
                    last = f"damaged body: {exc}"
                    continue
            return response
        raise DownloadError(f"{url}: gave up after {self.attempts} attempts; last: {last}")
