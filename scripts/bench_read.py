#!/usr/bin/env python3
"""Benchmark the read API and the status page on a generated 10,000-asset office, over HTTP against the real server.

How the database is made (``generate``):
1. The real write path: ``--profiles`` assets (default 300) are reported through AgentService.submit and
   ContainerService.submit, exactly as the agent endpoints call them, with the feed compiled from
   ../shared/feeds. Their software comes from the real inventories: Windows and macOS display names from
   tests/matching/labelled_items.json (versions varied the way a fleet's patch levels vary) and random
   subsets of the real Debian 12 dpkg inventory; half the servers also send one of the real Trivy reports.
2. The bulk path: the remaining assets are copies of those profiles made with INSERT ... SELECT inside one
   Database.transaction() (software, findings, container images and findings, and the per-asset counts),
   with their own hostnames, organizations, presence and last-seen times. Copies of a matched profile need
   no matching of their own, which is what makes 10,000 assets take seconds instead of minutes.
Then the server is started on that data dir and each endpoint is timed over HTTP (keep-alive connection,
warm-up requests first), and, where Debian's Chromium is installed, the dashboard is rendered in it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FEEDS = ROOT.parent / "shared" / "feeds"
PASSWORD = "benchmark password"
ORGANIZATIONS = ("Default", "Branch North", "Branch South")
# Share of assets in each state; the rest are online.
OFFLINE, STALE, PENDING = 0.08, 0.05, 0.02


# --- the generated office ------------------------------------------------------------------


def _windows_items(rng: random.Random, windows: list[dict], count: int) -> list[dict]:
    chosen = rng.sample(windows, min(count, len(windows)))
    items = []
    for base in chosen:
        parts = base["version"].split(".")
        if parts and parts[-1].isdigit() and rng.random() < 0.5:
            parts[-1] = str(max(0, int(parts[-1]) + rng.randint(-3, 3)))
        items.append({"name": base["name"], "version": ".".join(parts), "vendor": base["vendor"]})
    return items


def profile_reports(count: int, seed: int, debian_limit: int | None = None) -> list[dict]:
    """``count`` full reports from the real inventories: 60% Windows, 25% Debian servers, 15% macOS."""
    rng = random.Random(seed)
    labelled = json.loads((ROOT / "tests" / "matching" / "labelled_items.json").read_text())["items"]
    windows = [i for i in labelled if i["os"].startswith("Windows")]
    mac = [i for i in labelled if i["os"].startswith("macOS")]
    inventory = json.loads((FEEDS / "inventories" / "debian12-dpkg.json").read_text())
    debian = [{"name": p["name"], "version": p["version"], "vendor": p["vendor"]} for p in inventory["software"]]
    reports = []
    for n in range(count):
        roll = n % 20
        if roll < 12:
            software = _windows_items(rng, windows, rng.randint(40, len(windows)))
            # Everyone has WinRAR on some PCs: the KEV finding an office must act on.
            if rng.random() < 0.15:
                software.append({"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"})
            reports.append({"hostname": f"pc-{n:05d}", "os": "Windows 11 23H2", "software": software, "tags": ["office"]})
        elif roll < 17:
            size = rng.randint(300, len(debian)) if debian_limit is None else min(debian_limit, len(debian))
            reports.append({"hostname": f"srv-{n:05d}", "os": inventory["os"], "software": rng.sample(debian, size),
                            "tags": ["server"]})
        else:
            software = _windows_items(rng, mac, rng.randint(15, len(mac)))
            reports.append({"hostname": f"mac-{n:05d}", "os": "macOS 14.5", "software": software, "tags": ["office"]})
    return reports


async def _generate(data_dir: Path, feed_dir: Path, assets: int, profiles: int, seed: int,
                    debian_limit: int | None) -> dict[str, Any]:
    from appliance.agent.containers import ContainerService
    from appliance.agent.payloads import ReportIn, decode, decode_container_scan
    from appliance.agent.service import AgentService
    from appliance.app import kev_catalog
    from appliance.auth import KeyService
    from appliance.auth.keys import load_or_create_secret
    from appliance.db import Database
    from appliance.organizations import OrganizationService
    from appliance.refresh.service import FeedService, MatcherHolder
    from appliance.settings import load_settings

    settings = load_settings({"data_dir": str(data_dir), "feed_dir": str(feed_dir)}, environ={})
    db = Database(settings.database_path)
    await db.open()
    result: dict[str, Any] = {}
    try:
        holder = MatcherHolder()
        agent = AgentService(db, holder.get, settings)
        containers = ContainerService(db, lambda: kev_catalog(holder.get()), settings)
        feeds = FeedService(settings, db, agent, holder, containers=containers)
        await feeds.load()
        keys = KeyService(db, load_or_create_secret(settings.secret_path))
        orgs = OrganizationService(db)
        principals = []
        for name in ORGANIZATIONS:
            org_id = 1 if name == "Default" else (await orgs.create(name)).id
            principals.append(await keys.authenticate((await keys.create(org_id, ["agent"])).key))
        trivy = sorted((FEEDS / "trivy").glob("*.json"))

        # 1. The real write path.
        reports = profile_reports(profiles, seed, debian_limit)
        timings = []
        started = time.perf_counter()
        for n, report in enumerate(reports):
            principal = principals[n % len(principals)]
            begun = time.perf_counter()
            await agent.submit(principal, decode(json.dumps(report).encode(), ReportIn), "10.0.0.1")
            timings.append((time.perf_counter() - begun) * 1000)
            if report["hostname"].startswith("srv-") and n % 10 < 5:
                scan = decode_container_scan(trivy[n % len(trivy)].read_bytes(), report["hostname"])
                await containers.submit(principal, scan)
        await feeds.reevaluate_if_changed()  # records which feed the data was evaluated against
        result["real_path"] = {
            "reports": len(reports),
            "seconds": round(time.perf_counter() - started, 1),
            "report_median_ms": round(statistics.median(timings), 1),
            "report_max_ms": round(max(timings), 1),
        }

        # 2. The bulk path: copies of the profiles.
        started = time.perf_counter()
        await _clone(db, assets - profiles, profiles, seed)
        result["bulk_path"] = {"assets": assets - profiles, "seconds": round(time.perf_counter() - started, 1)}
        await _age(db, seed)
    finally:
        await db.close()
    return result


_ASSET_COPY = (
    "organization_id, os, ip_address, tags, agent_version, status, force_full_scan, first_seen, last_seen,"
    " last_full_report_at, last_report_at, presence, software_count, matched_count, vulnerability_count, kev_count,"
    " max_cvss, container_image_count"
)


async def _clone(db: Any, count: int, profiles: int, seed: int) -> None:
    """Copy profile assets (ids 1..profiles) ``count`` times, with all their rows, in one transaction."""
    rng = random.Random(seed + 1)
    async with db.transaction() as tx:
        source = {r[0]: r for r in await tx.execute_fetchall("SELECT id, hostname FROM assets ORDER BY id")}
        profile_ids = sorted(source)[:profiles]
        await tx.execute("CREATE TEMP TABLE clone_map (new_id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL)")
        pairs = []
        for n in range(profiles, profiles + count):
            profile = profile_ids[n % len(profile_ids)]
            kind = source[profile][1].split("-", 1)[0]
            pairs.append((f"{kind}-{n:05d}", profile, rng.randrange(3) + 1))
        await tx.executemany(
            f"INSERT INTO assets (hostname, {_ASSET_COPY}) SELECT ?, ?, os, ip_address, tags, agent_version, status,"
            " force_full_scan, first_seen, last_seen, last_full_report_at, last_report_at, presence, software_count,"
            " matched_count, vulnerability_count, kev_count, max_cvss, container_image_count FROM assets WHERE id = ?",
            [(hostname, org, profile) for hostname, profile, org in pairs],
        )
        profile_of = {hostname: profile for hostname, profile, _ in pairs}
        created = await tx.execute_fetchall("SELECT id, hostname FROM assets WHERE id > ?", (max(source),))
        await tx.executemany("INSERT INTO clone_map (new_id, profile_id) VALUES (?, ?)",
                             [(r[0], profile_of[r[1]]) for r in created])
        await tx.execute(
            "INSERT INTO software (asset_id, name, version, vendor, cpe, match_cpe, match_method, match_score,"
            " unmatched_reason, match_evidence, first_seen)"
            " SELECT m.new_id, s.name, s.version, s.vendor, s.cpe, s.match_cpe, s.match_method, s.match_score,"
            " s.unmatched_reason, s.match_evidence, s.first_seen FROM clone_map m JOIN software s ON s.asset_id = m.profile_id"
        )
        await tx.execute(
            "INSERT INTO findings (asset_id, software_id, cve, cvss, severity, kev, kev_date_added, kev_due_date,"
            " kev_ransomware, backport_possible, via, first_seen, last_seen, fixed_version, fix_kind, version_unknown)"
            " SELECT m.new_id, s2.id, f.cve, f.cvss, f.severity, f.kev, f.kev_date_added, f.kev_due_date,"
            " f.kev_ransomware, f.backport_possible, f.via, f.first_seen, f.last_seen, f.fixed_version, f.fix_kind,"
            " f.version_unknown"
            " FROM clone_map m JOIN findings f ON f.asset_id = m.profile_id JOIN software s1 ON s1.id = f.software_id"
            " JOIN software s2 ON s2.asset_id = m.new_id AND s2.name = s1.name AND s2.version = s1.version"
        )
        await tx.execute(
            "INSERT INTO container_images (asset_id, image_name, image_tag, image_id, repo_digests, artifact_name,"
            " artifact_type, os_family, os_name, scanner, scanner_version, first_seen, last_scan_at)"
            " SELECT m.new_id, i.image_name, i.image_tag, i.image_id, i.repo_digests, i.artifact_name, i.artifact_type,"
            " i.os_family, i.os_name, i.scanner, i.scanner_version, i.first_seen, i.last_scan_at"
            " FROM clone_map m JOIN container_images i ON i.asset_id = m.profile_id"
        )
        columns = (
            "vulnerability_id, pkg_name, installed_version, target, target_class, target_type, pkg_path, purl,"
            " fixed_version, status, severity, cvss, cvss_vector, cvss_source, title, primary_url, data_source, kev,"
            " kev_date_added, kev_due_date, kev_ransomware, triage, first_seen, last_seen, resolved_at"
        )
        await tx.execute(
            f"INSERT INTO container_findings (container_image_id, asset_id, {columns})"
            f" SELECT i2.id, m.new_id, {', '.join('c.' + c.strip() for c in columns.split(','))}"
            " FROM clone_map m JOIN container_findings c ON c.asset_id = m.profile_id"
            " JOIN container_images i1 ON i1.id = c.container_image_id"
            " JOIN container_images i2 ON i2.asset_id = m.new_id AND i2.image_name = i1.image_name"
            " AND i2.image_tag = i1.image_tag"
        )
        await tx.execute("DROP TABLE clone_map")


async def _age(db: Any, seed: int) -> None:
    """Spread last-seen times and states over the office: most online, some offline, stale or pending."""
    from datetime import timedelta

    from appliance.timeutil import iso, utc_now

    rng = random.Random(seed + 2)
    now = utc_now()
    async with db.transaction() as tx:
        ids = [r[0] for r in await tx.execute_fetchall("SELECT id FROM assets ORDER BY id")]
        updates, pending = [], []
        for asset_id in ids:
            roll = rng.random()
            if roll < PENDING:
                pending.append((asset_id,))
                continue
            if roll < PENDING + STALE:
                presence, seconds = "stale", rng.randint(8, 60) * 86400
            elif roll < PENDING + STALE + OFFLINE:
                presence, seconds = "offline", rng.randint(2, 72) * 3600
            else:
                presence, seconds = "online", rng.randint(0, 1500)
            updates.append((presence, iso(now - timedelta(seconds=seconds)), asset_id))
        await tx.executemany("UPDATE assets SET presence = ?, last_seen = ? WHERE id = ?", updates)
        # A pending asset has only announced itself (a heartbeat): no software, no findings yet.
        await tx.executemany("DELETE FROM software WHERE asset_id = ?", pending)
        await tx.executemany("DELETE FROM container_images WHERE asset_id = ?", pending)
        await tx.executemany(
            "UPDATE assets SET status = 'pending', force_full_scan = 1, last_full_report_at = NULL,"
            " last_report_at = NULL, software_count = 0, matched_count = 0, vulnerability_count = 0, kev_count = 0,"
            " max_cvss = NULL, container_image_count = 0 WHERE id = ?",
            pending,
        )


def generate(data_dir: Path, feed_dir: Path, assets: int = 10_000, profiles: int = 300, seed: int = 7,
             debian_limit: int | None = None) -> dict[str, Any]:
    """Make an office of ``assets`` assets in ``data_dir`` (see the module docstring); returns timings and counts."""
    if not (feed_dir / "bundle.msgpack").exists():
        from appliance.matching.bundle import compile_sources, write_bundle

        bundle, manifest = compile_sources([FEEDS / "nvd", FEEDS / "cpe", FEEDS / "kev"])
        write_bundle(bundle, manifest, feed_dir)
    result = asyncio.run(_generate(data_dir, feed_dir, assets, profiles, seed, debian_limit))
    import sqlite3

    with sqlite3.connect(f"file:{data_dir / 'sentrikat.db'}?mode=ro", uri=True) as conn:
        result["rows"] = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("assets", "software", "findings", "container_images", "container_findings")
        }
    result["database_mb"] = round((data_dir / "sentrikat.db").stat().st_size / 1e6, 1)
    return result


# --- timing over HTTP ----------------------------------------------------------------------


def _serve(data_dir: Path, feed_dir: Path) -> tuple[subprocess.Popen, str]:
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SENTRIKAT_FEED_DIR": str(feed_dir), "SENTRIKAT_REFRESH_ENABLED": "false",
           "SENTRIKAT_LOG_LEVEL": "warning", "SENTRIKAT_RATE_READ": "0", "SENTRIKAT_RATE_LOGIN": "0",
           # The generated last-seen times stand; the expiry job would otherwise move them on.
           "SENTRIKAT_EXPIRY_INTERVAL": "86400"}
    process = subprocess.Popen(
        [sys.executable, "-m", "appliance", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--https-port", "0", "--allow-http", "--data-dir",
         str(data_dir)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start")


def cli(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "appliance", *args, "--data-dir", str(data_dir)], cwd=ROOT,
                            input=stdin, capture_output=True, text=True, check=True)
    return result.stdout


def _time(client: Any, path: str, repeat: int, warmup: int = 2) -> dict[str, Any]:
    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    samples = []
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.text[:200])
        size = len(response.content)
    samples.sort()
    return {
        "path": path,
        "repeat": repeat,
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 1),
        "max_ms": round(samples[-1], 1),
        "bytes": size,
    }


def measure_http(url: str, data_dir: Path, repeat: int) -> dict[str, Any]:
    import httpx

    admin = json.loads(cli(data_dir, "keys", "create", "--scope", "admin", "--json"))["key"]
    read = json.loads(cli(data_dir, "keys", "create", "--scope", "read", "--org", "2", "--json"))["key"]
    results: dict[str, Any] = {}
    with httpx.Client(base_url=url, headers={"X-Agent-Key": admin}, timeout=120) as client:
        total = client.get("/api/assets", params={"limit": 1}).json()["total"]
        some = client.get("/api/assets", params={"q": "srv-", "sort": "-software", "limit": 1}).json()["items"][0]
        windows = client.get("/api/assets", params={"q": "pc-", "kev": "true", "limit": 1}).json()["items"][0]
        cases = {
            "status": "/api/status",
            "assets_first_page": "/api/assets",
            "assets_kev_20": "/api/assets?kev=true&limit=20",
            "assets_offline_10": "/api/assets?state=offline&sort=last_seen&limit=10",
            "assets_search": f"/api/assets?q={some['hostname'][:-1]}",
            "assets_last_page_by_hostname": f"/api/assets?sort=hostname&limit=50&offset={max(0, total - 50)}",
            "assets_sorted_by_cvss": "/api/assets?sort=-cvss",
            "asset_detail_debian_server": f"/api/assets/{some['id']}",
            "asset_detail_windows_pc": f"/api/assets/{windows['id']}",
            "vulnerabilities_first_page": "/api/vulnerabilities",
            "vulnerabilities_kev": "/api/vulnerabilities?kev=true",
            "vulnerabilities_critical": "/api/vulnerabilities?min_severity=critical",
            "vulnerabilities_one_cve": "/api/vulnerabilities?cve=CVE-2023-38831",
            "vulnerabilities_csv_kev": "/api/vulnerabilities.csv?kev=true",
            "page_html": "/",
        }
        for name, path in cases.items():
            results[name] = _time(client, path, repeat)
        results["vulnerabilities_csv_all"] = _time(client, "/api/vulnerabilities.csv", max(3, repeat // 5), warmup=1)
        # The patch plan reads every certain host finding of the non-stale assets (no page of the SQL).
        results["remediation"] = _time(client, "/api/remediation", repeat)
        results["remediation_csv"] = _time(client, "/api/remediation.csv", repeat)
        # The four requests the dashboard makes, one after another (the page sends them at once).
        dashboard = ["/api/status", "/api/assets?kev=true&limit=20", "/api/assets?state=offline&sort=last_seen&limit=10",
                     "/api/assets?state=stale&sort=last_seen&limit=10"]
        totals = []
        for _ in range(repeat):
            started = time.perf_counter()
            for path in dashboard:
                assert client.get(path).status_code == 200
            totals.append((time.perf_counter() - started) * 1000)
        results["dashboard_api_sequential"] = {"paths": dashboard, "repeat": repeat,
                                               "median_ms": round(statistics.median(totals), 1),
                                               "max_ms": round(max(totals), 1)}
    with httpx.Client(base_url=url, headers={"X-Agent-Key": read}, timeout=120) as client:
        results["status_read_key_one_organization"] = _time(client, "/api/status", repeat)
        results["assets_read_key_one_organization"] = _time(client, "/api/assets", repeat)
        results["remediation_read_key_one_organization"] = _time(client, "/api/remediation", repeat)
    return results


def measure_browser(url: str, data_dir: Path, repeat: int) -> dict[str, Any] | None:
    """Time from navigation to the rendered dashboard (and the asset list) in Debian's headless Chromium."""
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        return None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return None
    cli(data_dir, "admin", "set-password", "--password-stdin", stdin=PASSWORD + "\n")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(url + "/")
        wait.until(ec.visibility_of_element_located((By.ID, "password"))).send_keys(PASSWORD)
        driver.find_element(By.ID, "login-button").click()
        wait.until(ec.visibility_of_element_located((By.ID, "kev-assets")))
        results = {}
        for name, route, ready in (("dashboard", "#/", "kev-assets"), ("asset_list", "#/assets", "asset-table")):
            samples = []
            for _ in range(repeat):
                driver.get("about:blank")
                started = time.perf_counter()
                driver.get(f"{url}/{route}")
                wait.until(ec.visibility_of_element_located((By.ID, ready)))
                samples.append((time.perf_counter() - started) * 1000)
            results[name] = {"repeat": repeat, "median_ms": round(statistics.median(samples), 1),
                             "max_ms": round(max(samples), 1)}
        return results
    finally:
        driver.quit()


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    import sqlite3

    return {"cpu": model, "cpus": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "os": platform.platform()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=10_000, help="Assets in the office (default 10000).")
    parser.add_argument("--profiles", type=int, default=300,
                        help="Assets reported through the real write path; the rest are copies (default 300).")
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per endpoint (default 20).")
    parser.add_argument("--work-dir", type=Path, help="Where the data dir and feed go (default: a temporary folder).")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json-out", type=Path, help="Also write the JSON result to this file.")
    args = parser.parse_args()
    if not FEEDS.is_dir():
        raise SystemExit(f"the real feeds are needed at {FEEDS}")
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="sentrikat-bench-read-"))
    data_dir, feed_dir = work / "data", work / "feed"
    results: dict[str, Any] = {"machine": machine(), "assets": args.assets}
    started = time.perf_counter()
    results["generate"] = generate(data_dir, feed_dir, args.assets, args.profiles, args.seed)
    results["generate"]["total_seconds"] = round(time.perf_counter() - started, 1)
    process, url = _serve(data_dir, feed_dir)
    try:
        results["http"] = measure_http(url, data_dir, args.repeat)
        results["browser"] = measure_browser(url, data_dir, max(3, args.repeat // 4))
    finally:
        process.terminate()
        process.wait(timeout=30)

    g = results["generate"]
    print(f"office: {g['rows']['assets']:,} assets, {g['rows']['software']:,} software rows, "
          f"{g['rows']['findings']:,} findings, {g['rows']['container_findings']:,} container findings, "
          f"database {g['database_mb']} MB")
    print(f"generated in {g['total_seconds']} s: {g['real_path']['reports']} reports through AgentService in "
          f"{g['real_path']['seconds']} s (median {g['real_path']['report_median_ms']} ms per report), "
          f"{g['bulk_path']['assets']:,} copies in {g['bulk_path']['seconds']} s")
    print(f"{'endpoint':40} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'bytes':>10}")
    for name, r in results["http"].items():
        print(f"{name:40} {r['median_ms']:>10} {r.get('p95_ms', ''):>8} {r['max_ms']:>8} {r.get('bytes', ''):>10}")
    if results["browser"]:
        for name, r in results["browser"].items():
            print(f"browser {name:32} {r['median_ms']:>10} {'':>8} {r['max_ms']:>8}")
    else:
        print("browser: skipped (no /usr/bin/chromium, /usr/bin/chromedriver or selenium)")
    text = json.dumps(results, indent=2)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
