"""Browser fixtures: Debian's headless Chromium driven by Selenium through Debian's chromedriver, and screenshots."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct horse battery staple"
# No first-run UI, no calls home, no GPU: the page is all the browser loads.
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
)


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            return f"{path} not found: install Debian's {package} (apt-get install chromium chromium-driver; .ci/run does)"
    return None


@pytest.fixture(scope="session")
def browser_available() -> None:
    if reason := _missing():
        pytest.skip(reason)


@pytest.fixture(scope="module")
def driver(browser_available: None) -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument("--window-size=1280,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver path is given, so Selenium Manager never tries to download one.
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


def screenshot(driver, name: str) -> Path:
    """Save the whole page as test-artifacts/NAME.png (git-ignored), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height + 120, 600), 6000))
    driver.save_screenshot(str(path))
    return path


def set_admin_password(server: Server, password: str = PASSWORD) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "admin", "set-password", "--password-stdin", "--data-dir", str(server.data_dir)],
        input=password + "\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def wait_for(driver, element_id: str, timeout: float = 30):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located((By.ID, element_id)))


def wait_for_text(driver, element_id: str, text: str, timeout: float = 30) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(ec.text_to_be_present_in_element((By.ID, element_id), text))


def log_in(driver, url: str, password: str = PASSWORD) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url + "/")
    field = wait_for(driver, "password")
    field.clear()
    field.send_keys(password)
    driver.find_element(By.ID, "login-button").click()


def javascript_errors(driver) -> list[dict]:
    """Errors the page's script raised or logged (failed requests, such as the 401 before login, are the
    browser's network log, not script errors)."""
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and entry["source"] != "network"]


