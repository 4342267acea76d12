"""Per-key and per-address request limits, on the ``limits`` library's moving window."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from appliance.auth.base import RateLimited


class RateLimiter:
    """Counts requests per (bucket, identity) in a one-minute moving window.

    ``limits`` keeps the timestamps and answers when the window frees a slot, which is
    exactly what Retry-After must say. A limit of 0 disables the bucket.
    """

    def __init__(self, per_minute: dict[str, int]) -> None:
        self._items = {bucket: RateLimitItemPerMinute(n, namespace=bucket) for bucket, n in per_minute.items() if n > 0}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, bucket: str, identity: str) -> None:
        """Count one request, or raise RateLimited with the seconds until the next one is allowed."""
        item = self._items.get(bucket)
        if item is None:
            return
        if not self._limiter.hit(item, identity):
            reset_at = self._limiter.get_window_stats(item, identity).reset_time
            raise RateLimited(
                f"rate limit of {item.amount} requests per minute exceeded",
                retry_after=math.ceil(reset_at - time.time()),
            )
