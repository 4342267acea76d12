"""Triage of a container finding from the asset page in headless Chromium: the control, its reason prompt, Cancel."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import FEEDS, NO_RATE_LIMITS, Server
from tests.web.conftest import javascript_errors, log_in, screenshot, set_admin_password, wait_for, wait_for_text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_available: None) -> Iterator[Server]:
    empty = tmp_path_factory.mktemp("no-feed")
    srv = Server(tmp_path_factory.mktemp("triage-page") / "data", {"SENTRIKAT_FEED_DIR": str(empty), **NO_RATE_LIMITS}).start()
    set_admin_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


def stored(server: Server) -> dict[tuple[str, str], tuple]:
    with server.db() as conn:
        rows = conn.execute("SELECT vulnerability_id, pkg_name, id, triage, triage_comment, triage_by FROM container_findings").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_set_a_findings_triage_from_the_asset_page(driver, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    trivy = FEEDS / "trivy" / "alpine-310.json"
    if not trivy.exists():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    with server.client(server.create_key()) as agent:
        answer = agent.post("/api/agent/container-scan", params={"hostname": "docker-host"}, json=json.loads(trivy.read_text()))
    assert answer.status_code == 200, answer.text
    asset_id = answer.json()["asset_id"]
    libssl, libcrypto = stored(server)[("CVE-2019-1551", "libssl1.1")], stored(server)[("CVE-2019-1551", "libcrypto1.1")]

    log_in(driver, server.url)
    wait_for(driver, "count-kev-assets")
    driver.get(f"{server.url}/#/assets/{asset_id}")
    control = wait_for(driver, f"triage-{libssl[0]}")
    assert driver.execute_script("return arguments[0].labels.length", control) == 1
    assert Select(control).first_selected_option.text == "Open"

    # Accepted risk, with a reason typed into the prompt.
    Select(control).select_by_visible_text("Accepted risk")
    prompt = WebDriverWait(driver, 10).until(lambda d: d.switch_to.alert)
    assert "CVE-2019-1551" in prompt.text and "libssl1.1" in prompt.text
    prompt.send_keys("no TLS server in this image")
    prompt.accept()
    wait_for_text(driver, "message", "is now accepted risk")
    assert stored(server)[("CVE-2019-1551", "libssl1.1")][1:] == ("accepted_risk", "no TLS server in this image", "session:admin")
    wait_for_text(driver, "asset-containers", "1 more accepted or false positive")
    wait_for_text(driver, "asset-containers", "by admin")
    wait_for_text(driver, "asset-containers", "no TLS server in this image")
    assert Select(driver.find_element(By.ID, f"triage-{libssl[0]}")).first_selected_option.text == "Accepted risk"
    screenshot(driver, "11-container-triage")

    # Cancel in the prompt changes nothing, and the control shows the stored verdict again.
    other = driver.find_element(By.ID, f"triage-{libcrypto[0]}")
    Select(other).select_by_visible_text("False positive")
    WebDriverWait(driver, 10).until(lambda d: d.switch_to.alert).dismiss()
    assert Select(other).first_selected_option.text == "Open"
    assert stored(server)[("CVE-2019-1551", "libcrypto1.1")][1:] == ("open", "", None)
    assert javascript_errors(driver) == []
