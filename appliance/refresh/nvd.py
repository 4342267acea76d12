"""Incremental, resumable downloads from the NVD CVE and CPE APIs 2.0 into staged page files."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import msgspec

from appliance.feeds import FeedError, cpe_api, kev, nvd20
from appliance.refresh.http import Fetcher
from appliance.refresh.store import FeedStore

# NVD: "The maximum allowable range when using any date range parameters is 120
# consecutive days" (https://nvd.nist.gov/developers/vulnerabilities, lastModStartDate).
MAX_WINDOW = timedelta(days=120)
_WHEN = re.compile(r"^(\d{4}-\d\d-\d\d)(?:T(\d\d:\d\d)(?::(\d\d))?)?")


def nvd_time(moment: datetime) -> str:
    """Extended ISO-8601 as the NVD API takes it: ``2024-04-01T13:00:00.000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_when(text: str | None) -> datetime | None:
    """A feed's own date ("2022-11-04T07:00Z", "2026-11-29T03:13:59.724", "2025-08-25"), as UTC."""
    found = _WHEN.match(text or "")
    if not found:
        return None
    day, clock, seconds = found.groups()
    return datetime.fromisoformat(f"{day}T{clock or '00:00'}:{seconds or '00'}+00:00")


def windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Consecutive [start, end) windows of at most 120 days covering start..end."""
    result = []
    while start < end:
        stop = min(start + MAX_WINDOW, end)
        result.append((start, stop))
        start = stop
    return result


class SyncState(msgspec.Struct):
    """What a sync has done, saved after every page so a restart resumes where it stopped."""

    last_end: str | None = None  # end of the last completed sync: the next one starts here
    plan: list[tuple[str | None, str | None]] = []  # windows of the sync in progress (None: full listing)
    window: int = 0
    next_index: int = 0
    pages: list[str] = []
    etag: str | None = None  # KEV conditional GET
    last_modified: str | None = None


def load_state(path: Path) -> SyncState:
    try:
        return msgspec.json.decode(path.read_bytes(), type=SyncState)
    except (OSError, msgspec.DecodeError):
        return SyncState()


def save_state(path: Path, state: SyncState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(msgspec.json.encode(state))
    temporary.replace(path)


class _Page(msgspec.Struct):
    totalResults: int
    resultsPerPage: int
    startIndex: int = 0


class _Count(msgspec.Struct):
    vulnerabilities: list[msgspec.Raw] = []
    products: list[msgspec.Raw] = []

    def count(self, field: str) -> int:
        return len(getattr(self, field))


class NvdSync:
    """Pages through one NVD API (CVEs or CPE names) for every window since the last sync."""

    KINDS = {"cve": (nvd20.read, "vulnerabilities"), "cpe": (cpe_api.read, "products")}

    def __init__(self, kind: str, url: str, page_size: int, fetcher: Fetcher, store: FeedStore, api_key: str,
                 clock: Callable[[], datetime], initial_start: datetime | None) -> None:
        self.kind = kind
        self.url = url
        self.page_size = page_size
        self.fetcher = fetcher
        self.store = store
        self.headers = {"apiKey": api_key} if api_key else {}
        self.clock = clock
        self.initial_start = initial_start
        self.staging = store.staging(kind)
        self.state_path = store.own_dir / f"sync-{kind}.json"

    def count(self, path: Path) -> int:
        """Records in a staged page (pages were validated when they were downloaded)."""
        return msgspec.json.decode(path.read_bytes(), type=_Count).count(self.KINDS[self.kind][1])

    def _validate(self, path: Path) -> int:
        reader, _ = self.KINDS[self.kind]
        try:
            return sum(1 for _ in reader(path).records)
        except FeedError as exc:
            raise ValueError(str(exc)) from exc

    async def download(self) -> tuple[list[Path], bool, str]:
        """Stage every page since the last sync; returns (page files, full listing?, end of this sync)."""
        state = load_state(self.state_path)
        if not state.plan:
            start = parse_when(state.last_end) or self.initial_start
            end = self.clock()
            if start is None:
                state.plan = [(None, nvd_time(end))]  # first sync: the complete listing
            else:
                state.plan = [(nvd_time(a), nvd_time(b)) for a, b in windows(start, end)] or [(nvd_time(end), nvd_time(end))]
            state.window, state.next_index, state.pages = 0, 0, []
            self.store.clear_staging(self.kind)
            save_state(self.state_path, state)
        self.staging.mkdir(parents=True, exist_ok=True)
        full = state.plan[0][0] is None
        while state.window < len(state.plan):
            start, end = state.plan[state.window]
            params = {"resultsPerPage": self.page_size, "startIndex": state.next_index}
            if start is not None:
                params.update(lastModStartDate=start, lastModEndDate=end)
            path = self.staging / f"page-{state.window:04d}-{state.next_index:08d}.json"

            def check(response: httpx.Response, path: Path = path) -> None:
                path.write_bytes(response.content)
                self._validate(path)

            response = await self.fetcher.get(self.url, params=params, headers=self.headers, check=check)
            page = msgspec.json.decode(response.content, type=_Page)
            if full and state.next_index == 0:
                self.store.check_full_listing(self.kind, page.totalResults)
            state.pages.append(path.name)
            state.next_index += max(page.resultsPerPage, 1)
            if state.next_index >= page.totalResults:
                state.window, state.next_index = state.window + 1, 0
            save_state(self.state_path, state)
        return [self.staging / name for name in state.pages], full, state.plan[-1][1] or ""

    def finish(self, end: str) -> None:
        """After the staged pages are in service: remember where the next sync starts."""
        save_state(self.state_path, SyncState(last_end=end))
        self.store.clear_staging(self.kind)

    def abandon(self) -> None:
        """A refused listing: drop the staged pages and the plan, keep where the last good sync ended."""
        state = load_state(self.state_path)
        save_state(self.state_path, SyncState(last_end=state.last_end))
        self.store.clear_staging(self.kind)


class KevSync:
    """CISA's KEV catalog with conditional GET: an unchanged catalog costs one 304."""

    def __init__(self, url: str, fetcher: Fetcher, store: FeedStore) -> None:
        self.url = url
        self.fetcher = fetcher
        self.store = store
        self.state_path = store.own_dir / "sync-kev.json"
        self.path = store.staging("kev") / "known_exploited_vulnerabilities.json"

    async def download(self) -> tuple[Path | None, SyncState]:
        state = load_state(self.state_path)
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        self.path.parent.mkdir(parents=True, exist_ok=True)

        def check(response: httpx.Response) -> None:
            self.path.write_bytes(response.content)
            try:
                sum(1 for _ in kev.read(self.path).records)
            except FeedError as exc:
                raise ValueError(str(exc)) from exc

        response = await self.fetcher.get(self.url, headers=headers, check=check, accept={200, 304})
        if response.status_code == 304:
            return None, state
        return self.path, SyncState(etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"))

    def finish(self, state: SyncState) -> None:
        save_state(self.state_path, state)
        self.store.clear_staging("kev")
