"""scripts/bench_matching.py and scripts/first_report_work.py run end to end on a tiny generated feed, every option."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT.parent / "shared" / "feeds"
CVES, CPE_NAMES = 300, 2000

pytestmark = pytest.mark.slow  # (a feed generated and a bundle built: about half a minute)


def run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def scale(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A scale directory generated and built by bench_matching.py itself, and its JSON result."""
    if not FEEDS.is_dir():
        pytest.skip(f"real feed data not found at {FEEDS}")
    directory = tmp_path_factory.mktemp("scale")
    out = run("scripts/bench_matching.py", "--scale-dir", str(directory), "--cves", str(CVES), "--cpe-names",
              str(CPE_NAMES), "--items", "60", "--reports", "3", "--first-runs", "2", "--json")
    return directory, json.loads(out)


def test_bench_matching_generates_builds_and_reports(scale: tuple[Path, dict]) -> None:
    directory, result = scale
    assert (directory / "sources" / "manifest.json").exists() and (directory / "bundle" / "bundle.msgpack").exists()
    assert result["bundle_build_s"] > 0 and result["bundle_mb"] > 0
    load = result["load"]
    assert load["cves"] == CVES and load["runs"] == 2
    assert len(load["first_report_ms_each"]) == 2 and load["first_report_ms_best"] == min(load["first_report_ms_each"])
    assert load["first_report_ms"] > 0 and load["rss_loaded_mb"] > 0
    match = result["match_500"]
    assert match["reports"] == 3 and match["items"] == 60
    assert 0 < match["warm_median_ms"] <= match["warm_max_ms"] and match["cold_median_ms"] > 0


def test_bench_matching_table_with_source_package(scale: tuple[Path, dict]) -> None:
    directory, _ = scale
    out = run("scripts/bench_matching.py", "--scale-dir", str(directory), "--items", "40", "--reports", "2",
              "--first-runs", "1", "--source-package")
    assert f"bundle: {CVES:,} CVEs" in out
    assert "build:" not in out  # the bundle was there: not built again
    assert "match 40 items:" in out and "(with source_package hints)" in out


def test_first_report_work_split_and_count(scale: tuple[Path, dict]) -> None:
    directory, _ = scale
    out = run("scripts/first_report_work.py", "--scale-dir", str(directory), "--runs", "3", "--split")
    found = re.fullmatch(r"identification ([\d.]+) ms, rest ([\d.]+) ms, report ([\d.]+) ms \(first run\); "
                         r"identification ([\d.]+) ms, rest ([\d.]+) ms, report ([\d.]+) ms \(best of 3\)\n", out)
    assert found, out
    first = [float(v) for v in found.groups()[:3]]
    assert all(v > 0 for v in first) and abs(first[0] + first[1] - first[2]) <= 0.11  # (each printed to 0.1 ms)
    # Without --split it only does the work (for valgrind), and prints nothing.
    assert run("scripts/first_report_work.py", "--scale-dir", str(directory), "--runs", "1") == ""
