"""Add a device in Chromium: log in, create a key, copy the Linux line, run it verbatim in sh, see the device arrive.

The line installs the real agent (agents/sentrikat-agent.sh, downloaded from the server under test)
with SENTRIKAT_AGENT_ROOT set to a temp dir, so --install writes only there and registers
nothing with this machine (the agent's documented test root). Real sudo would reset the
environment (and this machine has none), so a `sudo` that runs its arguments as they are stands
early on PATH.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import NO_RATE_LIMITS, ROOT, Server
from tests.web.conftest import javascript_errors, log_in, screenshot, set_admin_password, wait_for, wait_for_text

AGENT = ROOT / "agents" / "sentrikat-agent.sh"
SUDO_SHIM = "#!/bin/sh\n# test shim: runs its arguments as they are, keeping the environment\nexec \"$@\"\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_available: None) -> Iterator[Server]:
    if not AGENT.is_file():
        pytest.skip(f"{AGENT} is missing (the agents branch is not merged)")
    root = tmp_path_factory.mktemp("add-device")
    empty = root / "no-feed"
    empty.mkdir()
    srv = Server(root / "data", {"SENTRIKAT_FEED_DIR": str(empty), **NO_RATE_LIMITS}).start()
    srv.cli("orgs", "create", "Branch Office")
    set_admin_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


def run_pasted(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """The line as a user pastes it into a terminal: ``sh -c LINE``, with the test root and the sudo shim."""
    shims = folder / "bin"
    shims.mkdir()
    (shims / "sudo").write_text(SUDO_SHIM)
    (shims / "sudo").chmod(0o755)
    (folder / "tmp").mkdir()
    env = {
        **os.environ,
        "PATH": f"{shims}:{os.environ['PATH']}",
        "SENTRIKAT_AGENT_ROOT": str(folder / "root"),
        "TMPDIR": str(folder / "tmp"),
    }
    return subprocess.run(["sh", "-c", line], env=env, capture_output=True, text=True, timeout=300)


def test_add_a_device_from_the_page(driver, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    log_in(driver, server.url)
    # An appliance without devices says where to start.
    wait_for(driver, "no-devices").find_element(By.LINK_TEXT, "Add a device").click()
    wait_for(driver, "key-form")
    assert driver.find_element(By.CSS_SELECTOR, '#nav a[data-route="devices"]').get_attribute("aria-current") == "page"
    assert driver.find_element(By.ID, "view-title").text == "Add a device"
    wait_for_text(driver, "recent", "No device has enrolled in the last hour")
    for field in driver.find_elements(By.CSS_SELECTOR, "#key-form input, #key-form select"):
        assert driver.execute_script("return arguments[0].labels.length", field) == 1

    # An empty name is refused on the page, before any request.
    driver.find_element(By.ID, "create-key").click()
    wait_for_text(driver, "key-error", "Give the key a name")

    Select(driver.find_element(By.ID, "key-org")).select_by_visible_text("Branch Office")
    driver.find_element(By.ID, "key-name").send_keys("Front desk PCs")
    driver.find_element(By.ID, "create-key").click()
    wait_for(driver, "install-linux")
    key = driver.find_element(By.ID, "new-key-value").get_attribute("textContent")
    assert key.startswith("sk_agent_")
    assert driver.find_element(By.ID, "new-key-title").text == 'New agent key "Front desk PCs" for Branch Office'
    systems = ["linux", "macos"] + (["windows"] if (ROOT / "agents" / "sentrikat-agent.ps1").is_file() else [])
    for system in systems:
        assert key in driver.find_element(By.ID, f"install-{system}").get_attribute("textContent")
    screenshot(driver, "20-add-device-key")

    # The copy button copies exactly the text shown; read it as the clipboard would hold it.
    line = driver.find_element(By.ID, "install-linux").get_attribute("textContent")
    driver.find_element(By.ID, "install-linux-copy").click()
    wait_for_text(driver, "message", "the Linux line")
    assert line.startswith("f=$(mktemp) && curl ") and f"--server {server.url} --key {key} --allow-http" in line

    result = run_pasted(line, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "installed" in result.stdout + result.stderr
    config = tmp_path / "root" / "etc" / "sentrikat-agent" / "agent.conf"
    assert config.is_file() and stat.S_IMODE(config.stat().st_mode) == 0o600 and f"key={key}" in config.read_text()

    # The device the agent reported as, from the API, then on the page within a poll or two.
    admin = server.create_key("admin")
    assets = httpx.get(server.url + "/api/assets", headers={"X-Agent-Key": admin}).json()["items"]
    assert len(assets) == 1 and assets[0]["organization"] == "Branch Office" and assets[0]["software_count"] > 0
    hostname = assets[0]["hostname"]
    wait_for_text(driver, "recent-devices", hostname, timeout=30)
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#recent-devices tbody tr") if hostname in r.text)
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    assert cells[1] == "online" and cells[3] == "Branch Office" and cells[4] == f"{assets[0]['software_count']:,}"
    wait_for_text(driver, "message", f"New device: {hostname}")
    # The key's device count follows (the keys table is polled with the devices).
    key_id = next(k["id"] for k in httpx.get(server.url + "/api/keys", headers={"X-Agent-Key": admin}).json()["items"] if k["name"] == "Front desk PCs")
    wait_for_text(driver, f"key-{key_id}", "Front desk PCs")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.ID, f"key-{key_id}").find_elements(By.TAG_NAME, "td")[6].text == "1"
    )
    screenshot(driver, "21-add-device-arrived")

    # Revoke from the page (after confirming): the key is refused from then on.
    driver.find_element(By.ID, f"key-{key_id}").find_element(By.TAG_NAME, "button").click()
    driver.switch_to.alert.accept()
    wait_for_text(driver, f"key-{key_id}", "revoked")
    refused = httpx.post(server.url + "/api/agent/heartbeat", json={"hostname": hostname}, headers={"X-Agent-Key": key})
    assert refused.status_code == 401
    assert javascript_errors(driver) == []
