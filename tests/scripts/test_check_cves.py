"""scripts/check_cves.py: the CVE-check file's format and how results are counted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import check_cves  # noqa: E402


def test_dev_checks_are_well_formed() -> None:
    items = json.loads((ROOT / "tests" / "matching" / "cve_checks_dev.json").read_text())["items"]
    assert len(items) >= 20
    for item in items:
        assert {"name", "version", "vendor", "os", "expected_cves", "absent_cves"} <= item.keys(), item
        assert not set(item["expected_cves"]) & set(item["absent_cves"]), item


def test_score_counts_certain_uncertain_and_crashed_results() -> None:
    items = [
        {"name": "a", "version": "1", "expected_cves": ["CVE-1", "CVE-2", "CVE-3"], "absent_cves": ["CVE-4", "CVE-5"]},
        {"name": "b", "version": "", "expected_cves": ["CVE-6"], "absent_cves": ["CVE-7"]},
    ]
    results = [
        {"vulnerabilities": [{"cve": "CVE-1"}, {"cve": "CVE-2", "version_unknown": True}, {"cve": "CVE-4"},
                             {"cve": "CVE-5", "version_unknown": True}]},
        {"crashed": True},
    ]
    totals = check_cves.score(items, results)
    assert (totals["expected"], totals["found"], totals["found_version_unknown"]) == (4, 1, 1)
    assert (totals["absent"], totals["absent_hold"], totals["absent_version_unknown"]) == (3, 2, 1)
    assert totals["crashed"] == 1
    assert totals["misses"] == ["a '1': CVE-3", "b '': CVE-6"] and totals["false_alarms"] == ["a '1': CVE-4"]
