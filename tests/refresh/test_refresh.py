"""Feed refresh against a local NVD/CISA stand-in: first and incremental syncs, paging, faults, 304, refusals."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from appliance.agent.service import AgentService
from appliance.db import Database
from appliance.matching.bundle import compile_sources, load_bundle, write_bundle
from appliance.matching.engine import FeedMatcher
from appliance.refresh.nvd import MAX_WINDOW, parse_when
from appliance.refresh.service import FeedService, MatcherHolder, job_records
from appliance.settings import Settings
from tests.conftest import FEEDS
from tests.refresh.conftest import FakeNvd


class Clock:
    """A settable time source for the code under test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settings_for(tmp_path: Path, fake: FakeNvd, **changes) -> Settings:
    values = dict(
        nvd_cve_url=fake.url + "/rest/json/cves/2.0",
        nvd_cpe_url=fake.url + "/rest/json/cpes/2.0",
        kev_url=fake.url + "/kev.json",
        nvd_cve_page_size=10,
        nvd_cpe_page_size=15,
        nvd_rate_window=1,
        retry_attempts=4,
        retry_base_delay=0.01,
        http_timeout=5,
    )
    return msgspec.structs.replace(Settings(data_dir=tmp_path / "data"), **{**values, **changes})


async def service(settings: Settings, bundled: Path, clock: Clock | None = None) -> tuple[FeedService, Database]:
    db = Database(settings.database_path)
    await db.open()
    holder = MatcherHolder()
    feeds = FeedService(settings, db, AgentService(db, holder.get, settings), holder,
                        clock or Clock(datetime(2026, 11, 29, 4, 0, tzinfo=UTC)), bundled_dir=bundled)
    await feeds.load()
    return feeds, db


@pytest.fixture
def no_feed(tmp_path: Path) -> Path:
    empty = tmp_path / "no-feed"
    empty.mkdir()
    return empty


@pytest.fixture(scope="module")
def base_feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real 2022 NVD feed, CPE list and KEV: an installation's feed before any refresh."""
    out = tmp_path_factory.mktemp("base-feed")
    bundle, manifest = compile_sources([FEEDS / "nvd" / "nvdcve-1.1-2022.json.gz", FEEDS / "cpe" / "cpes.csv", FEEDS / "kev"])
    write_bundle(bundle, manifest, out)
    return out


def test_first_sync_lists_everything_in_pages(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), no_feed)
        assert feeds.holder.identity is None
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        [job] = await job_records(db)
        assert (job.name, job.last_outcome.startswith("48 records in 5 pages"), job.last_error) == ("refresh_cve", True, None)
        assert isinstance(feeds.holder.get(), FeedMatcher)
        bundle = load_bundle(settings_for(tmp_path, fake_nvd).data_dir / "feed")
        assert len(bundle.cves) == 48
        await db.close()

    asyncio.run(run())
    pages = fake_nvd.paths("/rest/json/cves/2.0")
    assert [int(q["startIndex"]) for q in pages] == [0, 10, 20, 30, 40]
    assert all(q["resultsPerPage"] == "10" and "lastModStartDate" not in q for q in pages)
    state = json.loads((tmp_path / "data" / "feed" / "sync-cve.json").read_text())
    assert state["last_end"] == "2026-11-29T04:00:00.000Z" and state["plan"] == []


def test_incremental_sync_uses_windows_of_at_most_120_days(tmp_path: Path, fake_nvd: FakeNvd, base_feed: Path) -> None:
    clock = Clock(datetime(2026, 11, 29, 4, 0, tzinfo=UTC))

    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), base_feed, clock)
        before = len(feeds.holder.get().index.cves)
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        after = feeds.holder.get().index
        assert len(after.cves) > before
        assert "CVE-2023-38831" in {c.id for c in after.cves}
        # A second sync shortly after asks only for what changed since the first one ended.
        identity = feeds.holder.identity
        clock.now += timedelta(hours=2)
        fake_nvd.requests.clear()
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        assert feeds.holder.identity == identity  # nothing changed: no new bundle, no re-evaluation
        [job] = await job_records(db)
        assert job.last_outcome.startswith("0 records")
        await db.close()

    asyncio.run(run())
    second = fake_nvd.paths("/rest/json/cves/2.0")
    assert second == [{"resultsPerPage": "10", "startIndex": "0", "lastModStartDate": "2026-11-29T04:00:00.000Z",
                       "lastModEndDate": "2026-11-29T06:00:00.000Z"}]


def test_windows_cover_the_gap_since_the_feed_date(tmp_path: Path, fake_nvd: FakeNvd, base_feed: Path) -> None:
    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), base_feed)
        await feeds.refresh_nvd("cve")
        await db.close()

    asyncio.run(run())
    windows = sorted({(q["lastModStartDate"], q["lastModEndDate"]) for q in fake_nvd.paths("/rest/json/cves/2.0")})
    # The 2022 feed states 2022-11-04T07:00Z; windows run from there to "now", back to back.
    assert windows[0][0] == "2022-11-04T07:00:00.000Z" and windows[-1][1] == "2026-11-29T04:00:00.000Z"
    for (start, end), (next_start, _) in zip(windows, windows[1:]):
        assert end == next_start
    for start, end in windows:
        assert parse_when(end) - parse_when(start) <= MAX_WINDOW


def test_retries_429_then_503_then_succeeds(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    fake_nvd.faults["/rest/json/cves/2.0"] = __import__("collections").deque([429, 503])

    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), no_feed)
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        [job] = await job_records(db)
        assert job.last_error is None and job.last_outcome.startswith("48 records")
        await db.close()

    asyncio.run(run())
    assert [int(q["startIndex"]) for q in fake_nvd.paths("/rest/json/cves/2.0")] == [0, 0, 0, 10, 20, 30, 40]


@pytest.mark.parametrize("fault", ["truncate", "corrupt", 503])
def test_damaged_downloads_keep_the_last_good_feed(tmp_path: Path, fake_nvd: FakeNvd, base_feed: Path, fault) -> None:
    from collections import deque

    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), base_feed)
        identity = feeds.holder.identity
        fake_nvd.faults["/rest/json/cves/2.0"] = deque([fault] * 10)
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        [job] = await job_records(db)
        assert job.last_outcome == "failed" and "gave up after 4 attempts" in job.last_error
        assert feeds.holder.identity == identity
        assert not (settings_for(tmp_path, fake_nvd).data_dir / "feed" / "bundle.msgpack").exists()
        # The next run, with NVD healthy again, completes.
        fake_nvd.faults.clear()
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        [job] = await job_records(db)
        assert job.last_error is None and job.last_success_at is not None
        assert feeds.holder.identity != identity
        await db.close()

    asyncio.run(run())


def test_kev_conditional_get(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), no_feed)
        assert await feeds.refresh_kev() == "1404 KEV entries"
        identity = feeds.holder.identity
        assert await feeds.refresh_kev() == "not modified"
        assert feeds.holder.identity == identity
        await db.close()

    asyncio.run(run())
    requests = [headers for path, _, headers in fake_nvd.requests if path == "/kev.json"]
    assert "If-None-Match" not in requests[0] and requests[1]["If-None-Match"].startswith('"')
    assert requests[1]["If-Modified-Since"] == "Mon, 25 Aug 2025 17:04:19 GMT"


def test_kev_catalog_far_smaller_is_refused(tmp_path: Path, fake_nvd: FakeNvd, base_feed: Path) -> None:
    catalog = json.loads(fake_nvd.kev)
    catalog["vulnerabilities"] = catalog["vulnerabilities"][:100]
    catalog["count"] = 100
    fake_nvd.kev = json.dumps(catalog).encode()

    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), base_feed)
        await feeds.run_job("refresh_kev", feeds.refresh_kev)
        [job] = await job_records(db)
        assert job.last_outcome == "failed" and "far fewer than the current 1404" in job.last_error
        assert len(feeds.holder.get().index.kev) == 1404
        await db.close()

    asyncio.run(run())


def test_full_listing_far_smaller_is_refused(tmp_path: Path, fake_nvd: FakeNvd, base_feed: Path) -> None:
    # A feed without a manifest gives no date to continue from: the sync lists everything,
    # and 48 CVEs where 16,315 are in service is a damaged answer.
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "bundle.msgpack").write_bytes((base_feed / "bundle.msgpack").read_bytes())

    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), bare)
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        [job] = await job_records(db)
        assert job.last_outcome == "failed" and "far fewer than the current" in job.last_error
        assert len(feeds.holder.get().index.cves) > 16000
        await db.close()

    asyncio.run(run())
    assert len(fake_nvd.paths("/rest/json/cves/2.0")) == 1  # refused at the first page


def test_cpe_refresh_adds_products(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), no_feed)
        await feeds.run_job("refresh_cpe", lambda: feeds.refresh_nvd("cpe"))
        index = feeds.holder.get().index
        assert len(index.current) == 40
        await db.close()

    asyncio.run(run())
    assert [int(q["startIndex"]) for q in fake_nvd.paths("/rest/json/cpes/2.0")] == [0, 15, 30]


def test_interrupted_sync_resumes(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    from collections import deque

    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd), no_feed)
        # Pages 0 and 10 arrive, then NVD fails long enough for the job to give up.
        fake_nvd.faults["/rest/json/cves/2.0"] = deque([None, None] + [503] * 4)
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        fake_nvd.faults.clear()
        await feeds.run_job("refresh_cve", lambda: feeds.refresh_nvd("cve"))
        assert len(feeds.holder.get().index.cves) == 48
        await db.close()

    asyncio.run(run())
    starts = [int(q["startIndex"]) for q in fake_nvd.paths("/rest/json/cves/2.0")]
    assert starts == [0, 10, 20, 20, 20, 20, 20, 30, 40]


def test_requests_respect_the_rolling_window(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd, nvd_cve_page_size=5), no_feed)
        await feeds.refresh_nvd("cve")  # 10 pages: at most 5 in any 1-second window
        await db.close()

    asyncio.run(run())
    stamps = fake_nvd.arrivals
    assert len(stamps) == 10
    # Any six consecutive requests span at least one window.
    assert all(later - earlier >= 0.95 for earlier, later in zip(stamps, stamps[5:]))


def test_api_key_is_sent_as_header(tmp_path: Path, fake_nvd: FakeNvd, no_feed: Path) -> None:
    async def run() -> None:
        feeds, db = await service(settings_for(tmp_path, fake_nvd, nvd_api_key="k-123"), no_feed)
        await feeds.refresh_nvd("cve")
        await db.close()

    asyncio.run(run())
    assert all(headers.get("apiKey") == "k-123" for path, _, headers in fake_nvd.requests)
