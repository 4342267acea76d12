"""The status page in Debian's headless Chromium: log in, find the KEV asset, check what it shows against the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
import time
from datetime import datetime
from zoneinfo import ZoneInfo
from pathlib import Path

import httpx
import pytest

from appliance.read.jobs import TITLES
from tests.api.test_read_api import SHELLSHOCK, WINRAR, WINRAR_CVE, buster_with_shellshock, kev_entry
from tests.conftest import FEEDS, NO_RATE_LIMITS, Server, debian_software, free_port
from tests.web.conftest import javascript_errors, log_in, screenshot, set_admin_password, wait_for, wait_for_text

KEV_HOST = "finance-pc-07"
SERVER_HOST = "files-srv"

# Contrast of text against what is behind it, per WCAG 2.x (relative luminance of sRGB colours).
CONTRAST_JS = """
function lum(c) {
  const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function background(node) {
  for (; node; node = node.parentElement) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
  }
  return 'rgb(255, 255, 255)';
}
return Array.from(document.querySelectorAll(arguments[0])).filter((e) => e.offsetParent !== null).map((e) => {
  const a = lum(getComputedStyle(e).color), b = lum(background(e));
  return [e.tagName + '.' + e.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path, browser_available: None) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("status-page") / "data", {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def office(server: Server) -> dict[str, str]:
    """Seeded through the real agent API: a PC with WinRAR 6.22 (CVE-2023-38831, in KEV), a Debian
    server with a container image, a clean PC and a pending laptop."""
    agent = server.create_key("agent")
    with server.client(agent) as client:
        for hostname, os, software in [
            (KEV_HOST, "Windows 11 23H2", [WINRAR, {"name": "Slack", "version": "4.35.126", "vendor": "Salesforce"}]),
            (SERVER_HOST, "Debian GNU/Linux 12 (bookworm)", debian_software(FEEDS)),
            ("clean-pc", "Windows 11 23H2", [{"name": "Slack", "version": "4.35.126", "vendor": "Salesforce"}]),
        ]:
            response = client.post("/api/agent/report", json={"hostname": hostname, "os": os, "software": software,
                                                               "tags": ["finance"] if hostname == KEV_HOST else []})
            assert response.status_code == 200, response.text
        assert client.post("/api/agent/container-scan", params={"hostname": SERVER_HOST},
                           json=buster_with_shellshock()).status_code == 200
        assert client.post("/api/agent/heartbeat", json={"hostname": "new-laptop"}).status_code == 200
    set_admin_password(server)
    return {"agent": agent, "admin": server.create_key("admin")}


def api(server: Server, key: str, path: str) -> dict:
    response = httpx.get(server.url + path, headers={"X-Agent-Key": key})
    assert response.status_code == 200, response.text
    return response.json()


def texts(driver, css: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]


def when(iso: str | None) -> str:
    """What the page shows for a timestamp (app.js `when`): the time in the browser's time zone,
    which is this process's (chromedriver starts the browser from it)."""
    if not iso:
        return "–"
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")


def due(date: str) -> str:
    """A KEV due date as the page shows it: marked when it has passed."""
    return f"{date} overdue" if date < datetime.now().strftime("%Y-%m-%d") else date


def table_rows(driver, table_id: str) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    table = driver.find_element(By.ID, table_id)
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]


def test_login_then_dashboard(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/")
    wait_for(driver, "login-form")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    for field in driver.find_elements(By.CSS_SELECTOR, "#login-form input"):
        assert driver.execute_script("return arguments[0].labels.length", field) == 1
    screenshot(driver, "01-login")
    log_in(driver, server.url, "not the password")
    wait_for_text(driver, "login-error", "wrong")
    log_in(driver, server.url)
    wait_for(driver, "kev-assets")
    assert driver.find_element(By.ID, "view-title").text == "What needs doing today"
    assert driver.title.startswith("What needs doing today")
    screenshot(driver, "02-dashboard")
    assert javascript_errors(driver) == []


def test_dashboard_shows_the_kev_asset_and_the_api_counts(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    status = api(server, office["admin"], "/api/status")
    kev_rows = table_rows(driver, "kev-assets")
    hosts = [row[0] for row in kev_rows]
    assert KEV_HOST in hosts and SERVER_HOST in hosts and "clean-pc" not in hosts
    row = kev_rows[hosts.index(KEV_HOST)]
    assert row[3] == "KEV 1"
    expected = {
        "count-kev-assets": status["data"]["kev_assets"],
        "count-kev-findings": status["data"]["kev_findings"],
        "count-vulnerable": status["data"]["vulnerable_assets"],
        "count-online": status["assets"]["online"],
        "count-pending": status["assets"]["pending"],
        "count-software": status["data"]["software_items"],
        "count-images": status["data"]["container_images"],
    }
    for card, value in expected.items():
        assert driver.find_element(By.CSS_SELECTOR, f"#{card} dd").text == f"{value:,}", card
    top = {r[0]: r for r in table_rows(driver, "top-vulnerabilities")}
    assert top[WINRAR_CVE][1] == "KEV" and top[WINRAR_CVE][2] == due(kev_entry(WINRAR_CVE)["dueDate"])
    assert top[WINRAR_CVE][2].endswith("overdue")  # due in 2023
    assert top[SHELLSHOCK][1] == "KEV" and top[SHELLSHOCK][6] == "container"
    # The product each was found in.
    assert top[WINRAR_CVE][7] == WINRAR["name"] and top[SHELLSHOCK][7] == "bash"
    kinds = {r[0]: r for r in table_rows(driver, "feed-kinds")}
    assert set(kinds) == {"CVE", "CPE", "KEV"} and kinds["KEV"][3] == "old"  # the sample KEV catalog is old
    # The jobs a person cares about, in words; housekeeping that runs every few seconds is left out.
    jobs = {r[0] for r in table_rows(driver, "jobs")}
    named = {j["title"] for j in status["jobs"] if j["title"]}
    assert jobs == named and TITLES["expire_agents"] in jobs
    assert not any("feed_import_check" in j or "flush" in j for j in jobs)
    assert driver.find_element(By.ID, "job-errors").text == "No job failed on its last run."
    # The footer shows the HTTPS certificate's fingerprint, for comparing with the browser's warning.
    assert status["tls_fingerprint"] and f"SHA-256 {status['tls_fingerprint']}" in driver.find_element(By.ID, "foot").text


def test_asset_page_matches_the_api(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.LINK_TEXT, KEV_HOST).click()
    title = wait_for(driver, "asset-vulnerabilities")
    assert driver.find_element(By.ID, "view-title").text == KEV_HOST
    asset_id = int(driver.current_url.rsplit("/", 1)[1])
    detail = api(server, office["admin"], f"/api/assets/{asset_id}")
    facts = dict(zip(texts(driver, "#asset-facts dt"), texts(driver, "#asset-facts dd")))
    summary = detail["asset"]
    assert facts["Operating system"] == summary["os"] and facts["Organization"] == summary["organization"]
    assert facts["State"] == summary["state"] and facts["Tags"] == "finance"
    assert facts["Last seen"] == when(summary["last_seen"])
    assert facts["Software"] == f"{summary['software_count']} items, {summary['matched_count']} identified"
    rows = table_rows(driver, "asset-vulnerabilities")
    assert [r[0] for r in rows] == [v["cve"] for v in detail["vulnerabilities"]]
    first, api_first = rows[0], detail["vulnerabilities"][0]
    entry = kev_entry(WINRAR_CVE)
    assert first[:6] == [WINRAR_CVE, "KEV", entry["dateAdded"], due(entry["dueDate"]), api_first["severity"],
                         f"{api_first['cvss']:.1f}"]
    # CVE ids of host findings link to NVD.
    nvd = driver.find_element(By.LINK_TEXT, WINRAR_CVE).get_attribute("href")
    assert nvd == f"https://nvd.nist.gov/vuln/detail/{WINRAR_CVE}"
    assert first[6:] == [WINRAR["name"], WINRAR["version"], f"fixed in {api_first['fixed_version']}", when(api_first["first_seen"])]
    assert api_first["fix_kind"] == "fixed_in" and api_first["version_unknown"] is False
    # Identified software in one table, vulnerable items first; the rest folded below (opened
    # with the keyboard's equivalent, a click on the summary).
    identified = table_rows(driver, "asset-software")
    counts = [int(r[6]) for r in identified]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    software = {r[0]: r for r in identified}
    if any(not item["match_cpe"] for item in detail["software"]):
        driver.find_element(By.CSS_SELECTOR, "#software-unidentified summary").click()
        software.update({r[0]: r for r in table_rows(driver, "asset-software-unidentified")})
    assert len(software) == len(detail["software"])
    for item in detail["software"]:
        shown = software[item["name"]]
        assert shown[3] == (item["match_cpe"] or f"not identified: {item['unmatched_reason']}")
        assert shown[4] == (item["match_method"] or "–")
    assert title.is_displayed()
    screenshot(driver, "03-asset-kev-pc")


def test_container_images_on_the_asset_page(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    assets = api(server, office["admin"], f"/api/assets?q={SERVER_HOST}")["items"]
    driver.get(f"{server.url}/#/assets/{assets[0]['id']}")
    wait_for(driver, "asset-containers")
    headings = texts(driver, "#asset-containers h3")
    assert len(headings) == 1 and "KEV 1" in headings[0]
    rows = driver.find_elements(By.CSS_SELECTOR, "#asset-containers tbody tr")
    first = [td.text for td in rows[0].find_elements(By.TAG_NAME, "td")]
    assert first[0] == SHELLSHOCK and first[1] == "KEV" and first[2] == due(kev_entry(SHELLSHOCK)["dueDate"])
    screenshot(driver, "04-asset-with-containers")


def test_asset_list_by_keyboard(driver, server: Server, office: dict) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{server.url}/#/assets")
    wait_for(driver, "asset-table")
    for control in driver.find_elements(By.CSS_SELECTOR, "form.filters input, form.filters select"):
        assert driver.execute_script("return arguments[0].labels.length", control) == 1
    search = driver.find_element(By.ID, "filter-q")
    search.send_keys("files" + Keys.ENTER)
    wait_for_text(driver, "range", "of 1")
    assert [r[0] for r in table_rows(driver, "asset-table")] == [SERVER_HOST]
    assert driver.find_element(By.ID, "range").text == "Showing 1–1 of 1"
    # Tab from the search field reaches the next control: everything is reachable without a mouse.
    driver.find_element(By.ID, "filter-q").send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "filter-state"
    driver.get(f"{server.url}/#/assets?state=pending")
    # The previous list's table has the same id until the new one replaces it: wait for the new rows.
    WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: [r[0] for r in table_rows(d, "asset-table")] == ["new-laptop"]
    )


def test_vulnerability_list_and_csv_link(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{server.url}/#/vulnerabilities?kev=true")
    wait_for(driver, "vulnerability-table")
    rows = table_rows(driver, "vulnerability-table")
    listing = api(server, office["admin"], "/api/vulnerabilities?kev=true&limit=50")["items"]
    assert [r[0] for r in rows] == [v["vulnerability_id"] for v in listing]
    assert {r[1] for r in rows} == {"KEV"}
    assert {r[6].split(" ")[0] for r in rows} == {"installed", "container"}
    link = driver.find_element(By.PARTIAL_LINK_TEXT, "Download these findings as CSV").get_attribute("href")
    assert link.endswith("/api/vulnerabilities.csv?kev=true")
    cookie = {c["name"]: c["value"] for c in driver.get_cookies()}
    exported = httpx.get(link, cookies=cookie)
    assert exported.status_code == 200 and WINRAR_CVE in exported.text
    screenshot(driver, "05-vulnerabilities-kev")


def test_readable_contrast_and_no_outside_requests(driver, server: Server, office: dict) -> None:
    driver.get(f"{server.url}/#/")
    wait_for(driver, "kev-assets")
    for selector in ("body", "th", "td", "a", ".badge", ".message", ".card dt", ".card dd", ".bar a", "button"):
        for element, ratio in driver.execute_script(CONTRAST_JS, selector):
            assert ratio >= 4.5, f"{selector} {element}: contrast {ratio:.2f}"
    resources = driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert resources and all(r.startswith(server.url) for r in resources), resources
    source = driver.page_source
    assert office["agent"] not in source and office["admin"] not in source and "sk_agent_" not in source


FIX_TEXT = {"fixed_in": "fixed in {}", "fixed_after": "fixed after {}", "none": "no fixed version listed"}


def test_asset_page_gives_the_fixed_version_of_each_cve(driver, server: Server, office: dict) -> None:
    # Issue 14's acceptance: 7-Zip 23.01 on Windows, each CVE with its fixed version from the shared feed.
    with server.client(office["agent"]) as client:
        answer = client.post("/api/agent/report", json={"hostname": "zip-pc", "os": "Windows 11 23H2", "software": [
            {"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"},
            {"name": "WinRAR", "version": "", "vendor": "win.rar GmbH"}]})  # no version: its CVEs are undecided
    assert answer.status_code == 200, answer.text
    asset_id = answer.json()["asset_id"]
    detail = api(server, office["admin"], f"/api/assets/{asset_id}")
    driver.get(f"{server.url}/#/assets/{asset_id}")
    wait_for(driver, "asset-vulnerabilities")
    rows = table_rows(driver, "asset-vulnerabilities")
    shown = {r[0]: r[8] for r in rows if r[6].startswith("7-Zip")}
    assert shown == {"CVE-2025-0411": "fixed in 24.09", "CVE-2024-11477": "fixed in 24.07"}
    assert {v["cve"]: FIX_TEXT[v["fix_kind"]].format(v["fixed_version"]) for v in detail["vulnerabilities"]
            if v["software_name"].startswith("7-Zip")} == shown
    # Findings the version could not decide come last and say so; they are not counted.
    undecided = [r for r in rows if r[6] == "WinRAR"]
    assert undecided and rows[-len(undecided):] == undecided
    assert all(r[7] == "no version (version unknown: may apply)" for r in undecided)
    assert detail["asset"]["vulnerability_count"] == 2


def test_patch_plan_page_matches_the_api(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    # Two machines on different 7-Zip versions that both need 24.09 (the shared feed's CVE-2025-0411,
    # in KEV, is fixed in 24.09; CVE-2024-11477 in 24.07).
    with server.client(office["agent"]) as client:
        for hostname, version in (("zip-pc", "23.01"), ("zip-pc-2", "24.08")):
            answer = client.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11 23H2", "software": [
                {"name": f"7-Zip {version} (x64)", "version": version, "vendor": "Igor Pavlov"}]})
            assert answer.status_code == 200, answer.text
    plan = api(server, office["admin"], "/api/remediation")
    driver.get(f"{server.url}/#/")
    wait_for(driver, "kev-assets")
    driver.find_element(By.LINK_TEXT, "Patch plan: what to update first").click()  # linked from the dashboard
    wait_for(driver, "plan-table")
    assert driver.find_element(By.ID, "view-title").text == "Patch plan"
    assert driver.find_element(By.CSS_SELECTOR, '#nav a[data-route="plan"]').get_attribute("aria-current") == "page"
    rows = table_rows(driver, "plan-table")
    assert len(rows) == len(plan["items"])
    for shown, item in zip(rows, plan["items"]):
        assert shown[0] == f"{item['name']} → {item['target']}"
        assert shown[2] == (f"KEV {item['kev_count']}" if item["kev_count"] else "0")
        assert shown[3] == (due(item["kev_due_date"]) if item["kev_due_date"] else "–")
        assert shown[5] == str(item["machine_count"]) and shown[6] == ", ".join(item["machines"])
        assert shown[7] == ", ".join(item["cves"])
    [seven] = [(shown, item) for shown, item in zip(rows, plan["items"]) if item["product"] == "7-zip:7-zip"]
    shown, item = seven
    assert shown[0].endswith("→ 24.09") and shown[2] == "KEV 1" and shown[1] == "23.01, 24.08"
    assert {"zip-pc", "zip-pc-2"} <= set(item["machines"])
    # KEV rows first; WinRAR's and 7-Zip's KEV entries are both overdue.
    assert [r[2] != "0" for r in rows] == sorted((r[2] != "0" for r in rows), reverse=True)
    # CVE ids link to NVD; the CSV link downloads the same plan.
    assert driver.find_element(By.LINK_TEXT, "CVE-2025-0411").get_attribute("href") == \
        "https://nvd.nist.gov/vuln/detail/CVE-2025-0411"
    csv_href = driver.find_element(By.LINK_TEXT, "Download the patch plan as CSV").get_attribute("href")
    assert csv_href == f"{server.url}/api/remediation.csv"
    screenshot(driver, "10-patch-plan")
    assert javascript_errors(driver) == []


def test_phone_screen(driver, server: Server, office: dict) -> None:
    size = driver.get_window_size()
    driver.set_window_size(390, 844)
    try:
        driver.get(f"{server.url}/#/")
        wait_for(driver, "kev-assets")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"
        screenshot(driver, "06-dashboard-phone")
        driver.get(f"{server.url}/#/assets/1")
        wait_for(driver, "asset-facts")
        assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(driver, "07-asset-phone")
    finally:
        driver.set_window_size(size["width"], size["height"])


def test_logout(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{server.url}/#/")
    wait_for(driver, "logout").click()
    wait_for_text(driver, "login-error", "logged out")
    assert json.loads(driver.execute_script(
        "return fetch('/api/status').then((r) => r.text())"))["error"] in ("not_logged_in", "missing_api_key")
    driver.get(f"{server.url}/#/assets")
    wait_for(driver, "login-form")
    assert javascript_errors(driver) == []


def test_login_page_shows_no_navigation(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{server.url}/#/")
    wait_for(driver, "login-form")
    assert not driver.find_element(By.ID, "nav").is_displayed()
    assert not driver.find_element(By.ID, "logout").is_displayed()
    log_in(driver, server.url)
    wait_for(driver, "kev-assets")
    assert driver.find_element(By.ID, "logout").is_displayed()


def test_times_are_in_the_browsers_time_zone(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    assets = api(server, office["admin"], f"/api/assets?q={KEV_HOST}")["items"]
    seen = assets[0]["last_seen"]
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    try:
        driver.get(f"{server.url}/#/assets/{assets[0]['id']}")
        driver.refresh()
        wait_for(driver, "asset-facts")
        facts = dict(zip(texts(driver, "#asset-facts dt"), texts(driver, "#asset-facts dd")))
        tokyo = datetime.fromisoformat(seen.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Tokyo"))
        assert facts["Last seen"] == tokyo.strftime("%Y-%m-%d %H:%M")
        shown = driver.find_element(By.CSS_SELECTOR, "#asset-facts time")
        assert shown.get_attribute("datetime") and shown.get_attribute("title")
    finally:
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def test_software_filter_on_a_debian_server(driver, server: Server, office: dict) -> None:
    from selenium.webdriver.common.by import By

    assets = api(server, office["admin"], f"/api/assets?q={SERVER_HOST}")["items"]
    driver.get(f"{server.url}/#/assets/{assets[0]['id']}")
    wait_for_text(driver, "view-title", SERVER_HOST)  # not the previous asset's page, still on screen
    wait_for(driver, "software-filter").send_keys("libcurl")
    visible = [tr for tr in driver.find_elements(By.CSS_SELECTOR, "#software-section tbody tr") if tr.is_displayed()]
    assert visible and all("libcurl" in tr.text for tr in visible)
    # The unidentified items stay folded: the page is not one long table.
    assert driver.find_element(By.ID, "software-unidentified").get_attribute("open") is None
    screenshot(driver, "08-debian-software-filter")


def test_a_failed_download_says_what_to_do(driver, make_server) -> None:
    """A box without internet: the KEV download fails, and the dashboard says how to import feeds offline."""
    from selenium.webdriver.common.by import By

    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    srv: Server = make_server(
        SENTRIKAT_REFRESH_ENABLED="true", SENTRIKAT_REFRESH_START_DELAY="0", SENTRIKAT_RETRY_ATTEMPTS="1",
        SENTRIKAT_KEV_URL=f"{nowhere}/kev.json", SENTRIKAT_NVD_CVE_URL=f"{nowhere}/cves",
        SENTRIKAT_NVD_CPE_URL=f"{nowhere}/cpes",
    )
    set_admin_password(srv)
    driver.delete_all_cookies()
    log_in(driver, srv.url)
    wait_for(driver, "counts")
    deadline = time.monotonic() + 30
    while True:
        driver.get(f"{srv.url}/#/")
        driver.refresh()
        wait_for(driver, "job-errors")
        text = driver.find_element(By.ID, "job-errors").text
        if "failed" in text or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert "could not reach CISA" in text and "sentrikat feeds import" in text, text
    assert "ConnectError" not in driver.find_element(By.ID, "job-errors").text  # the raw error stays folded
    screenshot(driver, "09-failed-download")
    driver.delete_all_cookies()
