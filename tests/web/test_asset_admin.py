"""The asset page's Manage section in headless Chromium: move an asset to another organization, delete one;
and a scanner's javascript: URL never becomes a link."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import FEEDS, NO_RATE_LIMITS, Server
from tests.web.conftest import javascript_errors, log_in, screenshot, set_admin_password, wait_for, wait_for_text

SOFTWARE = [{"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_available: None) -> Iterator[Server]:
    empty = tmp_path_factory.mktemp("no-feed")
    srv = Server(tmp_path_factory.mktemp("asset-admin") / "data", {"SENTRIKAT_FEED_DIR": str(empty), **NO_RATE_LIMITS}).start()
    set_admin_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


def asset_row(server: Server, hostname: str) -> tuple | None:
    with server.db() as conn:
        return conn.execute("SELECT id, organization_id FROM assets WHERE hostname = ?", (hostname,)).fetchone()


def test_move_and_delete_from_the_asset_page(driver, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    branch = json.loads(server.cli("orgs", "create", "Branch office", "--json").stdout)["id"]
    trivy = FEEDS / "trivy" / "alpine-310.json"
    with server.client(server.create_key()) as agent:
        for hostname in ("pc-to-move", "pc-to-delete"):
            assert agent.post("/api/agent/report", json={"hostname": hostname, "software": SOFTWARE}).status_code == 200
        if trivy.exists():
            report = json.loads(trivy.read_text())
            report["Results"][0]["Vulnerabilities"][0]["PrimaryURL"] = "javascript:alert(document.cookie)"
            assert agent.post("/api/agent/container-scan", params={"hostname": "pc-to-move"}, json=report).status_code == 200
    moving, _ = asset_row(server, "pc-to-move")
    deleting, _ = asset_row(server, "pc-to-delete")

    log_in(driver, server.url)
    wait_for(driver, "count-kev-assets")
    driver.get(f"{server.url}/#/assets/{moving}")
    wait_for(driver, "asset-manage")
    # No link on the page runs script, whatever a scan report said.
    hrefs = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
    assert hrefs and not [h for h in hrefs if not h.startswith(("http://", "https://"))], hrefs
    if trivy.exists():
        assert driver.find_elements(By.CSS_SELECTOR, "#asset-containers a[href^='https://']")  # real URLs stay links

    Select(driver.find_element(By.ID, "move-organization")).select_by_visible_text("Branch office")
    driver.find_element(By.ID, "move-button").click()
    wait_for_text(driver, "message", "Moved pc-to-move to organization")
    assert asset_row(server, "pc-to-move") == (moving, branch)
    wait_for_text(driver, "asset-facts", "Branch office")
    screenshot(driver, "10-asset-moved")

    driver.get(f"{server.url}/#/assets/{deleting}")
    wait_for(driver, "delete-button")
    driver.find_element(By.ID, "delete-button").click()
    alert = WebDriverWait(driver, 10).until(lambda d: d.switch_to.alert)
    assert "pc-to-delete" in alert.text
    alert.dismiss()  # "Cancel" deletes nothing
    assert asset_row(server, "pc-to-delete") is not None
    driver.find_element(By.ID, "delete-button").click()
    WebDriverWait(driver, 10).until(lambda d: d.switch_to.alert).accept()
    WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("#/assets"))
    wait_for(driver, "asset-table")
    assert asset_row(server, "pc-to-delete") is None
    assert javascript_errors(driver) == []

