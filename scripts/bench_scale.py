#!/usr/bin/env python3
"""Scale benchmark with the full-size feed: server startup time and memory, and re-evaluating a large fleet after a feed update."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.loadgen import (  # noqa: E402
    record_block,
    DEBIAN_OS,
    FEEDS,
    ROOT,
    WINDOWS_OS,
    bump,
    debian_packages,
    dictionary_programs,
    windows_names,
    machine,
    process_tree_rss_mb,
    server_command,
    stop,
    wait_healthy,
)

DEFAULT_BUNDLE = Path("/tmp/sentrikat-scale/bundle")  # where scripts/bench_matching.py builds it


def rss_mb() -> float:
    return process_tree_rss_mb(os.getpid())


def measure_startup(args: argparse.Namespace, work: Path) -> dict:
    """Start the real server on the feed and time it until /healthz answers (the feed is loaded by then)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SENTRIKAT_FEED_DIR": str(args.feed_dir), "SENTRIKAT_REFRESH_ENABLED": "false",
           "SENTRIKAT_LOG_LEVEL": "warning"}
    with open(work / "server.log", "w") as log:
        started = time.perf_counter()
        server = subprocess.Popen(
            [*server_command(args.binary), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--https-port", "0", "--allow-http", "--data-dir", str(work / "startup-data")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy("127.0.0.1", port, server, timeout=900)
            ready = time.perf_counter() - started
            rss_ready = process_tree_rss_mb(server.pid)
            time.sleep(5)  # the background re-evaluation job of an empty database, allocator settling
            rss_settled = process_tree_rss_mb(server.pid)
        finally:
            code = stop(server)
    return {"startup_s": round(ready, 1), "rss_ready_mb": round(rss_ready), "rss_after_5s_mb": round(rss_settled),
            "exit_status": code}


def fleet(assets: int, items: int, seed: int = 11) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(hostname, os, items) per asset: Windows PCs share the common programs and draw the rest from
    real dictionary programs at slightly different versions; Debian hosts draw from the real dpkg inventory."""
    rng = random.Random(seed)
    common = windows_names()
    catalogue = dictionary_programs(FEEDS, 3000, seed)
    debian = debian_packages(FEEDS)
    result = []
    for n in range(assets):
        if n % 3 == 2:
            chosen, os_name = rng.sample(debian, min(items, len(debian))), DEBIAN_OS
        else:
            chosen = list(common) + rng.sample(catalogue, max(0, items - len(common)))
            chosen = [bump(i, rng) if rng.random() < 0.05 else i for i in chosen[:items]]
            os_name = WINDOWS_OS
        result.append((f"scale-{n:06d}", os_name, [(i["name"], i["version"], i["vendor"]) for i in chosen]))
    return result


async def measure_reevaluation(args: argparse.Namespace, work: Path) -> dict:
    """Store a fleet through AgentService (the reports' own write path), then load the feed anew
    (a new matcher with empty caches, as after an update) and time AgentService.reevaluate()."""
    from appliance.db import Database
    from appliance.settings import Settings

    settings = Settings(data_dir=work / "fleet-data")
    db = Database(settings.database_path)
    await db.open()
    try:
        return await _reevaluation(args, db, settings)
    finally:
        await db.close()


async def _reevaluation(args: argparse.Namespace, db, settings) -> dict:
    from appliance.agent.service import AgentService
    from appliance.matching.engine import FeedMatcher, load_index
    from appliance.timeutil import now_iso

    rss_start = rss_mb()
    hosts = fleet(args.assets, args.items)
    started = time.perf_counter()
    now = now_iso()
    # The fleet goes straight into the tables (what full reports store, before matching): storing
    # 10,000 reports through the service first would take longer than what is measured here.
    async with db.transaction() as tx:
        for hostname, os_name, items in hosts:
            cursor = await tx.execute(
                "INSERT INTO assets (organization_id, hostname, os, status, first_seen, last_seen, last_full_report_at,"
                " last_report_at) VALUES (1, ?, ?, 'active', ?, ?, ?, ?)", (hostname, os_name, now, now, now, now))
            asset_id = cursor.lastrowid
            unique = {(name, version): vendor for name, version, vendor in items}
            await tx.executemany(
                "INSERT INTO software (asset_id, name, version, vendor, first_seen) VALUES (?, ?, ?, ?, ?)",
                [(asset_id, name, version, vendor, now) for (name, version), vendor in unique.items()])
    store_s = time.perf_counter() - started
    started = time.perf_counter()
    index = await asyncio.to_thread(load_index, args.feed_dir)
    load_s = time.perf_counter() - started
    holder = {"matcher": FeedMatcher(index)}
    service = AgentService(db, lambda: holder["matcher"], settings)
    # First evaluation: every item is identified and every finding inserted.
    started = time.perf_counter()
    await service.reevaluate()
    first_s = time.perf_counter() - started
    counts = {table: (await db.fetchone(f"SELECT COUNT(*) FROM {table}"))[0] for table in ("assets", "software", "findings")}
    # A feed update: a new index and matcher, so every identification and evaluation starts cold,
    # and every stored finding is compared and kept, updated or removed.
    holder["matcher"] = FeedMatcher(await asyncio.to_thread(load_index, args.feed_dir))
    rss_before = rss_mb()
    started = time.perf_counter()
    updated = await service.reevaluate()
    reevaluate_s = time.perf_counter() - started
    rss_after = rss_mb()
    return {
        "assets": updated, "items_per_asset": args.items, **{f"{k}_rows": v for k, v in counts.items()},
        "feed_load_s": round(load_s, 1), "store_fleet_s": round(store_s, 1), "first_evaluation_s": round(first_s, 1),
        "reevaluate_s": round(reevaluate_s, 1), "reevaluate_assets_per_s": round(updated / reevaluate_s, 1),
        "process_rss_start_mb": round(rss_start), "process_rss_before_reevaluate_mb": round(rss_before),
        "process_rss_after_reevaluate_mb": round(rss_after),
        "database_mb": round(settings.database_path.stat().st_size / 1e6),
    }


def table(result: dict) -> str:
    m, s, r = result["machine"], result.get("startup"), result.get("reevaluation")
    lines = [
        f"Measured {result['date']} with `{result['command']}`.",
        f"Machine: {m['cpus']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, Python {m['python']}; shared with "
        "other developers' test runs, so expect noise of 10-30 %.",
        f"Feed: {result['feed']['cves']:,} CVEs, {result['feed']['products']:,} products, {result['feed']['kev']:,} KEV entries "
        f"({result['feed']['bundle_mb']} MB bundle).",
        "",
        "| metric | measured | for comparison |",
        "|---|---|---|",
    ]
    if s:
        lines += [
            f"| server startup until /healthz answers (feed loaded) | {s['startup_s']} s | |",
            f"| server resident memory, ready | {s['rss_ready_mb']} MB | Fleet: ~3 GB for its vulnerability run; Wazuh: 16 GB recommended |",
            f"| server resident memory, 5 s later | {s['rss_after_5s_mb']} MB | |",
        ]
    if r:
        lines += [
            f"| first evaluation of {r['assets']:,} stored assets x {r['items_per_asset']} items (all findings new) | "
            f"{r['first_evaluation_s']} s | |",
            f"| re-evaluating {r['assets']:,} assets after a feed update (new matcher, cold caches) | {r['reevaluate_s']} s "
            f"({r['reevaluate_assets_per_s']} assets/s) | |",
            f"| rows: software / findings | {r['software_rows']:,} / {r['findings_rows']:,} | |",
            f"| benchmark process memory before / after re-evaluation | {r['process_rss_before_reevaluate_mb']} / "
            f"{r['process_rss_after_reevaluate_mb']} MB | |",
            f"| database size | {r['database_mb']} MB | |",
        ]
    lines += ["", "<details><summary>JSON result</summary>", "", "```json", json.dumps(result, indent=1), "```", "",
              "</details>"]
    return "\n".join(lines)


def record(result: dict, path: Path) -> None:
    """Replace the generated block of the Scale section in BENCHMARKS.md."""
    record_block(path, "bench_scale", "Scale", table(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="With the full-size feed bundle: the server's startup time and resident memory, and the time "
        "AgentService.reevaluate() takes for ASSETS assets of ITEMS items after a feed update (the fleet is written "
        "straight into the tables, evaluated once, then the feed is loaded anew and it is re-evaluated). Make the bundle with "
        "scripts/generate_scale_feed.py -o SOURCES and scripts/build_feed.py SOURCES ../shared/feeds/kev -o BUNDLE. "
        "Writes the result into BENCHMARKS.md (## Scale) unless --no-record.",
    )
    parser.add_argument("--feed-dir", type=Path, default=DEFAULT_BUNDLE, help=f"The feed bundle (default {DEFAULT_BUNDLE}).")
    parser.add_argument("--assets", type=int, default=10_000, help="Assets to re-evaluate (default 10000).")
    parser.add_argument("--items", type=int, default=300, help="Software items per asset (default 300).")
    parser.add_argument("--binary", metavar="PATH", help="Run this sentrikat executable for the startup measurement.")
    parser.add_argument("--skip-startup", action="store_true", help="Only measure re-evaluation.")
    parser.add_argument("--skip-reevaluate", action="store_true", help="Only measure startup.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of the table.")
    parser.add_argument("--no-record", action="store_true", help="Do not write BENCHMARKS.md.")
    args = parser.parse_args(argv)
    manifest_path = args.feed_dir / "manifest.json"
    if not manifest_path.exists():
        parser.error(f"no feed bundle in {args.feed_dir}; see --help for how to make one")
    manifest = json.loads(manifest_path.read_text())
    result: dict = {
        "machine": machine(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "feed": {"dir": str(args.feed_dir), "cves": manifest.get("cves"), "products": manifest.get("products"),
                 "kev": manifest.get("kev"),
                 "bundle_mb": round((args.feed_dir / "bundle.msgpack").stat().st_size / 1e6, 1)},
    }
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        if not args.skip_startup:
            result["startup"] = measure_startup(args, Path(tmp))
        if not args.skip_reevaluate:
            result["reevaluation"] = asyncio.run(measure_reevaluation(args, Path(tmp)))
    result["command"] = "python " + " ".join(shlex.quote(a) for a in ["scripts/bench_scale.py", *(argv if argv is not None else sys.argv[1:])])
    if not args.no_record:
        record(result, ROOT / "BENCHMARKS.md")
    print(json.dumps(result) if args.json else table(result).split("<details>")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
