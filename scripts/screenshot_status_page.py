#!/usr/bin/env python3
"""Make docs/status-page.png: the real server, real reports, the dashboard in headless Chromium."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "feeds"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reports() -> list[dict]:
    """A small office: the real Debian 12 dpkg inventory, two Windows PCs, a Mac."""
    debian = json.loads((SHARED / "inventories" / "debian12-dpkg.json").read_text())
    software = [{"name": i["name"], "version": i["version"], "vendor": i.get("vendor", ""), "source": "dpkg"}
                for i in debian["software"]]
    return [
        {"hostname": "files-debian", "os": debian["os"], "software": software, "tags": ["server"]},
        {"hostname": "reception-pc", "os": "Windows 11 23H2", "tags": ["office"], "software": [
            {"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"},
            {"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"},
            {"name": "Slack", "version": "4.35.126", "vendor": "Salesforce"}]},
        {"hostname": "finance-pc", "os": "Windows 11 23H2", "tags": ["finance"], "software": [
            {"name": "Google Chrome", "version": "121.0.6167.85", "vendor": "Google LLC"},
            {"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}]},
        {"hostname": "design-mac", "os": "macOS 14.2", "tags": [], "software": [
            {"name": "Slack", "version": "4.36.140", "vendor": "", "source": "macos_app"}]},
    ]


def cli(data: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "appliance", *args, "--data-dir", str(data)], cwd=ROOT,
                            input=stdin, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feed-dir", default=str(SHARED), help="Feed for the server (default: the raw ../shared/feeds).")
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "status-page.png"))
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        port, https_port = free_port(), free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "appliance", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--https-port", str(https_port), "--data-dir", str(data), "--feed-dir", args.feed_dir],
            cwd=ROOT, env={**os.environ, "SENTRIKAT_REFRESH_ENABLED": "false", "SENTRIKAT_LOG_LEVEL": "warning"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"https://127.0.0.1:{https_port}"
            for _ in range(600):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            key = json.loads(cli(data, "keys", "create", "--scope", "agent", "--json"))["key"]
            cli(data, "admin", "set-password", "--password-stdin", stdin=PASSWORD + "\n")
            with httpx.Client(base_url=url, verify=str(data / "tls" / "cert.pem"), timeout=120,
                              headers={"X-Agent-Key": key}) as client:
                for report in reports():
                    response = client.post("/api/agent/report", json=report)
                    response.raise_for_status()
                    print(report["hostname"], response.json()["vulnerabilities_found"], "vulnerabilities")
                client.post("/api/agent/container-scan", params={"hostname": "files-debian"},
                            content=(SHARED / "trivy" / "alpine-310.json").read_bytes(),
                            headers={"Content-Type": "application/json"}).raise_for_status()
                client.post("/api/agent/heartbeat", json={"hostname": "new-laptop"}).raise_for_status()

            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--ignore-certificate-errors",
                        "--hide-scrollbars", f"--window-size={args.width},{args.height}"):
                options.add_argument(arg)
            driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
            try:
                driver.get(url + "/")
                wait = WebDriverWait(driver, 60)
                wait.until(ec.visibility_of_element_located((By.ID, "password"))).send_keys(PASSWORD)
                driver.find_element(By.ID, "login-button").click()
                wait.until(ec.text_to_be_present_in_element((By.ID, "view-title"), "What needs doing today"))
                time.sleep(2)  # the dashboard's tables fill in after the title
                driver.save_screenshot(args.output)
            finally:
                driver.quit()
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"wrote {args.output}: {Path(args.output).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
