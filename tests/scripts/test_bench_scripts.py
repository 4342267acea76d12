"""scripts/bench_ingest.py and scripts/bench_scale.py run end to end at a tiny size and report what they promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT.parent / "shared" / "feeds"


def run_script(*args: str) -> dict:
    if not FEEDS.is_dir():
        pytest.skip(f"real feed data not found at {FEEDS}")
    result = subprocess.run([sys.executable, *args, "--json", "--no-record"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_bench_ingest_smoke() -> None:
    result = run_script("scripts/bench_ingest.py", "--agents", "6", "--items", "40", "--duration", "1",
                        "--full-rate", "20")
    for key in ("full_reports_per_s", "full_p99_ms", "delta_reports_per_s", "heartbeats_per_s", "errors", "rss_mb"):
        assert key in result, key
    assert result["errors"] == 0, result["phases"]
    assert result["phases"]["register"]["ok"] == 6
    assert result["full_reports_per_s"] > 0 and result["heartbeats_per_s"] > 0 and result["rss_mb"] > 0
    assert result["server_exit_status"] == 0


def test_bench_ingest_over_https_and_tls_cost() -> None:
    over_https = run_script("scripts/bench_ingest.py", "--agents", "4", "--items", "20", "--duration", "1",
                            "--full-rate", "0", "--https")
    assert over_https["config"]["scheme"] == "https" and over_https["errors"] == 0, over_https["phases"]
    assert over_https["phases"]["register"]["ok"] == 4 and over_https["full_reports_per_s"] > 0
    cost = run_script("scripts/bench_ingest.py", "--agents", "4", "--items", "20", "--duration", "1", "--tls-cost")
    rows = {row["measure"]: row for row in cost["tls_cost"]}
    assert set(rows) == {"full reports/s, keep-alive", "heartbeats/s, keep-alive",
                         "heartbeats/s, a new connection per request"}
    for row in rows.values():
        assert row["errors"] == 0 and row["http_per_s"] > 0 and row["https_per_s"] > 0, row


def test_bench_scale_smoke(feed_dir: Path) -> None:
    result = run_script("scripts/bench_scale.py", "--feed-dir", str(feed_dir), "--assets", "6", "--items", "30")
    assert result["startup"]["startup_s"] > 0 and result["startup"]["rss_ready_mb"] > 0
    assert result["startup"]["exit_status"] == 0
    reevaluation = result["reevaluation"]
    assert reevaluation["assets"] == 6 and reevaluation["software_rows"] > 0 and reevaluation["reevaluate_s"] >= 0
