"""The status page and the read API with 10,000 assets, made by scripts/bench_read.py's generator."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import NO_RATE_LIMITS, ROOT, Server
from tests.web.conftest import log_in, screenshot, set_admin_password, wait_for, wait_for_text

ASSETS = 10_000


def bench_read():
    spec = importlib.util.spec_from_file_location("bench_read", ROOT / "scripts" / "bench_read.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path, browser_available: None) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("ten-thousand") / "data"
    # Fewer and smaller profiles than the benchmark's, so the test takes seconds; still 10,000 assets.
    bench_read().generate(data_dir, feed_dir, assets=ASSETS, profiles=60, debian_limit=120)
    srv = Server(data_dir, {"SENTRIKAT_FEED_DIR": str(feed_dir), "SENTRIKAT_EXPIRY_INTERVAL": "86400", **NO_RATE_LIMITS}).start()
    set_admin_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


def test_read_api_answers_quickly(server: Server) -> None:
    key = server.create_key("admin")
    with httpx.Client(base_url=server.url, headers={"X-Agent-Key": key}, timeout=30) as client:
        for path in ("/api/status", "/api/assets", "/api/assets?sort=hostname&offset=9950", "/api/vulnerabilities?kev=true"):
            client.get(path)  # warm up
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text
            # Generous bound for a loaded CI box; scripts/bench_read.py measures the real numbers.
            assert elapsed < 2.0, f"{path} took {elapsed:.2f} s"
        assert client.get("/api/status").json()["assets"]["total"] == ASSETS
        assert len(client.get("/api/assets?sort=hostname&offset=9950").json()["items"]) == 50


def test_page_renders_with_ten_thousand_assets(driver, server: Server) -> None:
    from selenium.webdriver.common.by import By

    log_in(driver, server.url)
    wait_for(driver, "kev-assets")
    key = server.create_key("admin")
    status = httpx.get(server.url + "/api/status", headers={"X-Agent-Key": key}).json()
    assert driver.find_element(By.CSS_SELECTOR, "#count-online dd").text == f"{status['assets']['online']:,}"
    assert driver.find_element(By.CSS_SELECTOR, "#count-kev-assets dd").text == f"{status['data']['kev_assets']:,}"
    assert len(driver.find_elements(By.CSS_SELECTOR, "#kev-assets tbody tr")) == 20
    screenshot(driver, "10-dashboard-10000-assets")
    driver.get(f"{server.url}/#/assets")
    wait_for_text(driver, "range", f"of {ASSETS:,}")
    assert driver.find_element(By.ID, "range").text == f"Showing 1–50 of {ASSETS:,}"
    driver.get(f"{server.url}/#/assets?sort=hostname&page=200")
    wait_for_text(driver, "range", f"9,951–{ASSETS:,}")
    rows = driver.find_elements(By.CSS_SELECTOR, "#asset-table tbody tr")
    assert len(rows) == 50
    rows[0].find_element(By.TAG_NAME, "a").click()
    wait_for(driver, "asset-facts")
    screenshot(driver, "11-asset-page-10000-assets")
