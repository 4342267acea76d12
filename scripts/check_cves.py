#!/usr/bin/env python3
"""Counts how many expected CVEs `sentrikat match --json` finds, and how many expected absences hold, per checkout.

A CVE-check file is JSON: {"items": [{"name", "version", "vendor", "os", "source"?,
"expected_cves": [...], "absent_cves": [...], "note"?}]}, versions as installers register them.
Each checkout (a source tree, with its own Python) compiles the shared feed with its own
scripts/build_feed.py and matches every item with its own `python -m appliance match --json`,
so one run compares two versions of the code on the same data:

    scripts/check_cves.py tests/matching/cve_checks_dev.json --checkout /tmp/base --checkout .

A checkout is DIR or DIR=PYTHON; the default Python is DIR/.venv/bin/python, else this one.
An expected CVE counts as found when it is reported as certain; one reported with
`version_unknown: true` (branches that have the field) is counted apart, as is an absent CVE
reported only as version_unknown (the absence holds: nothing certain is claimed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT.parent / "shared" / "feeds"


def checkout_python(spec: str) -> tuple[Path, str]:
    directory, _, python = spec.partition("=")
    path = Path(directory).resolve()
    if not (path / "appliance").is_dir():
        sys.exit(f"check_cves: {path} is not a checkout (no appliance/ in it)")
    if not python:
        venv = path / ".venv" / "bin" / "python"
        python = str(venv) if venv.exists() else sys.executable
    return path, python


def run(python: str, checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -m with cwd=checkout imports that checkout's appliance package first, whatever is installed.
    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([python, *args], cwd=checkout, env=env, capture_output=True, text=True, timeout=1800)


def build_feed(python: str, checkout: Path, feeds: Path, out: Path) -> None:
    result = run(python, checkout, "scripts/build_feed.py", str(feeds / "nvd"), str(feeds / "cpe"), str(feeds / "kev"), "-o", str(out))
    if result.returncode != 0:
        sys.exit(f"check_cves: building the feed in {checkout} failed:\n{result.stderr}")


def _match_report(python: str, checkout: Path, feed: Path, os_name: str, entries: list[dict], report: Path) -> list[dict] | None:
    report.write_text(json.dumps({"hostname": "check", "os": os_name, "software": entries}))
    result = run(python, checkout, "-m", "appliance", "match", "--feed-dir", str(feed), "--json", str(report))
    if result.returncode != 0:
        return None
    return json.loads(result.stdout)["items"]


def match(python: str, checkout: Path, feed: Path, items: list[dict], work: Path) -> list[dict]:
    """Results per item, in input order; one report per OS. When a report makes `match` fail,
    its items are matched one by one and those that still fail count as crashed."""
    results: list[dict] = [{}] * len(items)
    by_os: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        by_os.setdefault(item["os"], []).append(position)
    for number, (os_name, positions) in enumerate(sorted(by_os.items())):
        entries = []
        for p in positions:
            entry = {"name": items[p]["name"], "version": items[p]["version"], "vendor": items[p].get("vendor", "")}
            if items[p].get("source"):
                entry["source"] = items[p]["source"]  # an optional hint; unknown fields are ignored where unsupported
            entries.append(entry)
        found = _match_report(python, checkout, feed, os_name, entries, work / f"report-{number}.json")
        if found is None:
            found = []
            for p, entry in zip(positions, entries):
                single = _match_report(python, checkout, feed, os_name, [entry], work / f"report-{number}-{p}.json")
                found.append(single[0] if single else {"crashed": True})
        for p, explained in zip(positions, found):
            results[p] = explained
    return results


def score(items: list[dict], results: list[dict]) -> dict:
    totals = {"expected": 0, "found": 0, "found_version_unknown": 0, "absent": 0, "absent_hold": 0,
              "absent_version_unknown": 0, "crashed": 0, "misses": [], "false_alarms": []}
    for item, result in zip(items, results):
        certain = {v["cve"] for v in result.get("vulnerabilities", []) if not v.get("version_unknown", False)}
        unknown = {v["cve"] for v in result.get("vulnerabilities", []) if v.get("version_unknown", False)}
        label = f"{item['name']} {item['version']!r}"
        totals["crashed"] += bool(result.get("crashed"))
        for cve in item.get("expected_cves", []):
            totals["expected"] += 1
            if cve in certain:
                totals["found"] += 1
            elif cve in unknown:
                totals["found_version_unknown"] += 1
            else:
                totals["misses"].append(f"{label}: {cve}")
        for cve in item.get("absent_cves", []):
            totals["absent"] += 1
            if cve in certain:
                totals["false_alarms"].append(f"{label}: {cve}")
            else:
                totals["absent_hold"] += 1
                totals["absent_version_unknown"] += cve in unknown
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", type=Path, help="CVE-check JSON file")
    parser.add_argument("--checkout", action="append", required=True, metavar="DIR[=PYTHON]",
                        help="a source checkout to measure (repeatable: e.g. the base commit, then this branch)")
    parser.add_argument("--feeds", type=Path, default=FEEDS, help="folder with nvd/, cpe/ and kev/ (default ../shared/feeds)")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args(argv)
    items = json.loads(args.checks.read_text())["items"]
    report = {}
    with tempfile.TemporaryDirectory(prefix="check-cves-") as tmp:
        for number, spec in enumerate(args.checkout):
            checkout, python = checkout_python(spec)
            work = Path(tmp) / str(number)
            work.mkdir()
            build_feed(python, checkout, args.feeds, work / "feed")
            totals = score(items, match(python, checkout, work / "feed", items, work))
            report[str(checkout)] = totals
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{args.checks} ({len(items)} items)")
    for checkout, t in report.items():
        print(f"{checkout}: expected CVEs found {t['found']}/{t['expected']}"
              f" (+{t['found_version_unknown']} reported as version_unknown),"
              f" absences hold {t['absent_hold']}/{t['absent']} ({t['absent_version_unknown']} of them reported as version_unknown),"
              f" items that made match fail {t['crashed']}")
        if args.verbose:
            for line in t["misses"]:
                print(f"    missed       {line}")
            for line in t["false_alarms"]:
                print(f"    false alarm  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
