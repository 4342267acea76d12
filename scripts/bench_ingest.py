#!/usr/bin/env python3
"""Ingest benchmark: the real server on 127.0.0.1 under simulated agents (full reports, deltas, heartbeats)."""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.loadgen import (  # noqa: E402
    record_block,
    FEEDS,
    ROOT,
    Agent,
    Connection,
    create_key,
    machine,
    make_agents,
    process_tree_rss_mb,
    server_command,
    stop,
    wait_healthy,
)

REPORT, HEARTBEAT = "/api/agent/report", "/api/agent/heartbeat"
TARGETS = {"full_reports_per_s": 150, "full_p99_ms": 100, "heartbeats_per_s": 2000}

# Filled in the parent before the load processes fork, so they share it without copying.
AGENTS: list[Agent] = []


# --- load, run inside the load processes -----------------------------------------------------------


def _request_for(kind: str, agent: Agent, sequence: int) -> tuple[str, bytes]:
    if kind == "register":
        return REPORT, agent.full_bodies[0]
    if kind in ("full", "full_paced"):
        return REPORT, agent.full_bodies[1 + sequence % (len(agent.full_bodies) - 1)]
    if kind == "delta":
        return REPORT, agent.delta_bodies[sequence % 2]
    return HEARTBEAT, agent.heartbeat_body


async def _closed_loop(kind: str, port: int, mine: list[Agent], connections: int, duration: float) -> dict:
    """Each connection sends its agents' requests one after another as fast as the server answers.
    An agent never has two requests in flight, as a real agent would not."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + duration

    async def run(agents: list[Agent]) -> None:
        connection = Connection("127.0.0.1", port)
        sequence = 0
        try:
            while agents:
                for agent in agents:
                    if kind != "register" and time.perf_counter() >= deadline:
                        return
                    path, body = _request_for(kind, agent, sequence)
                    started = time.perf_counter()
                    try:
                        status, _ = await connection.request("POST", path, agent.key, body)
                    except (OSError, asyncio.IncompleteReadError, ValueError):
                        status = 0
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[status] += 1
                sequence += 1
                if kind == "register":
                    return
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(run(mine[i::connections]) for i in range(min(connections, len(mine)))))
    return {"latencies": latencies, "statuses": dict(statuses), "elapsed": time.perf_counter() - started}


async def _open_loop(kind: str, port: int, mine: list[Agent], rate: float, duration: float) -> dict:
    """Requests leave at a fixed rate whether or not earlier ones were answered (as independent agents
    do); latency counts from the planned send time, so a stalled server cannot hide its queue."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    idle: list[Connection] = []
    tasks: set[asyncio.Task] = set()
    started = time.perf_counter()

    async def one(agent: Agent, sequence: int, planned: float) -> None:
        connection = idle.pop() if idle else Connection("127.0.0.1", port)
        path, body = _request_for(kind, agent, sequence)
        try:
            status, _ = await connection.request("POST", path, agent.key, body)
            idle.append(connection)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
            connection.close()
        latencies.append((time.perf_counter() - planned) * 1000)
        statuses[status] += 1

    count = int(rate * duration)
    for n in range(count):
        planned = started + n / rate
        delay = planned - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(mine[n % len(mine)], n // len(mine), planned))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    for connection in idle:
        connection.close()
    return {"latencies": latencies, "statuses": dict(statuses), "elapsed": max(duration, time.perf_counter() - started)}


def _worker(kind: str, port: int, share: list[int], connections: int, duration: float, rate: float, out) -> None:
    mine = [AGENTS[i] for i in share]
    if kind == "full_paced":
        result = asyncio.run(_open_loop(kind, port, mine, rate, duration))
    else:
        result = asyncio.run(_closed_loop(kind, port, mine, connections, duration))
    out.put(result)


def run_phase(kind: str, port: int, workers: int, connections: int, duration: float, rate: float = 0) -> dict:
    """One phase in ``workers`` load processes (separate from the server); merged throughput and latency."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    shares = [list(range(w, len(AGENTS), workers)) for w in range(workers)]
    processes = [
        context.Process(target=_worker, args=(kind, port, share, max(1, connections // workers), duration,
                                              rate / workers, out))
        for share in shares if share
    ]
    for process in processes:
        process.start()
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: Counter[int] = Counter()
    for r in results:
        statuses.update({int(k): v for k, v in r["statuses"].items()})
    elapsed = max(r["elapsed"] for r in results)
    ok = statuses.get(200, 0)
    return {
        "requests": len(latencies),
        "ok": ok,
        "errors": len(latencies) - ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "per_s": round(ok / elapsed, 1) if elapsed else 0.0,
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "max_ms": round(latencies[-1], 1) if latencies else None,
    }


def _percentile(ordered: list[float], pct: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))], 1)


# --- the run ---------------------------------------------------------------------------------


class RssSampler:
    """Samples the server's resident memory in the background; peak and last value."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.last = pid, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.sample()

    def sample(self) -> float:
        self.last = process_tree_rss_mb(self.pid)
        self.peak = max(self.peak, self.last)
        return self.last

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def build_feed(out: Path) -> Path:
    """A bundle from the real feed files in ../shared/feeds (about 4 s)."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_feed.py"), str(FEEDS / "nvd"), str(FEEDS / "cpe"),
         str(FEEDS / "kev"), "-o", str(out)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    return out


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: argparse.Namespace, work: Path) -> dict:
    global AGENTS
    feed_dir = args.feed_dir or build_feed(work / "feed")
    data_dir = work / "data"
    port = free_port()
    env = {
        **os.environ,
        "SENTRIKAT_FEED_DIR": str(feed_dir),
        "SENTRIKAT_REFRESH_ENABLED": "false",
        "SENTRIKAT_LOG_LEVEL": "warning",
        # Per-key limits (60 reports, 120 heartbeats a minute) would throttle the benchmark's
        # few keys: they are turned off for it. The limiter then costs nothing per request.
        "SENTRIKAT_RATE_REPORT": "0",
        "SENTRIKAT_RATE_HEARTBEAT": "0",
    }
    build_started = time.perf_counter()
    AGENTS = make_agents(args.agents, args.items)
    inventory_s = time.perf_counter() - build_started
    log = open(work / "server.log", "w")
    # The first start creates the database; keys are created with the CLI while it runs.
    server = subprocess.Popen(
        [*server_command(args.binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    result: dict = {"config": {}, "phases": {}}
    try:
        startup_s = wait_healthy("127.0.0.1", port, server)
        keys = [create_key(args.binary, data_dir) for _ in range(args.keys)]
        for n, agent in enumerate(AGENTS):
            agent.key = keys[n % len(keys)]
        with RssSampler(server.pid) as rss:
            rss_start = rss.sample()
            phases = result["phases"]
            phases["register"] = run_phase("register", port, args.workers, args.connections, args.duration)
            rss_registered = rss.sample()
            phases["full"] = run_phase("full", port, args.workers, args.connections, args.duration)
            if args.full_rate:
                phases["full_paced"] = run_phase("full_paced", port, args.workers, args.connections, args.duration,
                                                 rate=args.full_rate)
            phases["delta"] = run_phase("delta", port, args.workers, args.connections, args.duration)
            phases["heartbeat"] = run_phase("heartbeat", port, args.workers, args.hb_connections, args.duration)
            rss_end = rss.sample()
        code = stop(server)
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
    phases = result["phases"]
    paced = phases.get("full_paced")
    result.update(
        full_reports_per_s=phases["full"]["per_s"],
        full_p50_ms=phases["full"]["p50_ms"],
        full_p99_ms=phases["full"]["p99_ms"],
        paced_full_reports_per_s=paced["per_s"] if paced else None,
        paced_full_p99_ms=paced["p99_ms"] if paced else None,
        delta_reports_per_s=phases["delta"]["per_s"],
        delta_p99_ms=phases["delta"]["p99_ms"],
        heartbeats_per_s=phases["heartbeat"]["per_s"],
        heartbeat_p99_ms=phases["heartbeat"]["p99_ms"],
        errors=sum(p["errors"] for p in phases.values()),
        rss_mb=round(rss_end, 1),
        rss_start_mb=round(rss_start, 1),
        rss_after_register_mb=round(rss_registered, 1),
        rss_peak_mb=round(rss.peak, 1),
        server_startup_s=round(startup_s, 2),
        server_exit_status=code,
    )
    result["config"] = {
        "agents": args.agents, "items": args.items, "duration_s": args.duration, "keys": args.keys,
        "load_processes": args.workers, "connections": args.connections, "heartbeat_connections": args.hb_connections,
        "full_rate": args.full_rate, "server": args.binary or "source", "feed_dir": str(args.feed_dir or "real feeds"),
        "inventory_build_s": round(inventory_s, 1),
    }
    result["machine"] = machine()
    result["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return result


def table(result: dict) -> str:
    """The Markdown block for BENCHMARKS.md: command, machine, measured next to target."""
    m, c, p = result["machine"], result["config"], result["phases"]

    def verdict(value: float | None, target: float, higher: bool) -> str:
        if value is None:
            return "not measured"
        return "met" if (value >= target if higher else value <= target) else "**missed**"

    paced = p.get("full_paced")
    rows = [
        ("full reports/s (closed loop)", result["full_reports_per_s"], f">= {TARGETS['full_reports_per_s']}",
         verdict(result["full_reports_per_s"], TARGETS["full_reports_per_s"], True)),
        ("full report p99 ms (closed loop)", result["full_p99_ms"], f"<= {TARGETS['full_p99_ms']}",
         verdict(result["full_p99_ms"], TARGETS["full_p99_ms"], False)),
    ]
    if paced:
        rows += [
            (f"full reports/s (paced at {c['full_rate']}/s)", paced["per_s"], f">= {TARGETS['full_reports_per_s']}",
             verdict(paced["per_s"], TARGETS["full_reports_per_s"] * 0.98, True)),
            (f"full report p99 ms (paced at {c['full_rate']}/s)", paced["p99_ms"], f"<= {TARGETS['full_p99_ms']}",
             verdict(paced["p99_ms"], TARGETS["full_p99_ms"], False)),
        ]
    rows += [
        ("delta reports/s", result["delta_reports_per_s"], "", ""),
        ("heartbeats/s", result["heartbeats_per_s"], f">= {TARGETS['heartbeats_per_s']}",
         verdict(result["heartbeats_per_s"], TARGETS["heartbeats_per_s"], True)),
        ("errors (non-200 answers)", result["errors"], "0", "met" if result["errors"] == 0 else "**missed**"),
        ("server resident memory at the end, MB", result["rss_mb"], "", ""),
        ("server resident memory peak, MB", result["rss_peak_mb"], "", ""),
    ]
    lines = [
        f"Measured {result['date']} with `{result['command']}`.",
        f"Machine: {m['cpus']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"Linux {m['kernel']}; server from {c['server']}, {c['load_processes']} load process(es) on the same cores. "
        "The machine is shared with other developers' test runs: expect noise of 10-30 %.",
        "",
        "| metric | measured | target | |",
        "|---|---|---|---|",
        *[f"| {name} | {value} | {target} | {ok} |" for name, value, target, ok in rows],
        "",
        "| phase | requests | per s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|---|",
        *[
            f"| {name} | {ph['requests']} | {ph['per_s']} | {ph['p50_ms']} | {ph['p95_ms']} | {ph['p99_ms']} | "
            f"{ph['max_ms']} | {ph['errors']} |"
            for name, ph in p.items()
        ],
        "",
        "<details><summary>JSON result</summary>",
        "",
        "```json",
        json.dumps(result, indent=1),
        "```",
        "",
        "</details>",
    ]
    return "\n".join(lines)


def record(result: dict, path: Path) -> None:
    """Replace the generated block of the Ingest section in BENCHMARKS.md."""
    record_block(path, "bench_ingest", "Ingest", table(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start the real server on 127.0.0.1 and measure full reports/s, delta reports/s and "
        "heartbeats/s with latency percentiles, errors and the server's resident memory, under simulated "
        "agents whose inventories come from ../shared/feeds. Per-key rate limits are turned off for the run. "
        "Writes the result into BENCHMARKS.md (## Ingest) unless --no-record.",
    )
    parser.add_argument("--agents", type=int, default=200, help="Simulated agents (hosts), each with its own inventory (default 200).")
    parser.add_argument("--items", type=int, default=500, help="Software items per full report (default 500).")
    parser.add_argument("--duration", type=float, default=20, help="Seconds per measured phase (default 20).")
    parser.add_argument("--binary", metavar="PATH", help="Run this sentrikat executable instead of the source checkout.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of the table.")
    parser.add_argument("--feed-dir", type=Path, help="Feed bundle for the server (default: built from ../shared/feeds).")
    parser.add_argument("--workers", type=int, default=1, help="Load-generating processes (default 1).")
    parser.add_argument("--connections", type=int, default=8,
                        help="Requests in flight in the closed-loop report phases (default 8).")
    parser.add_argument("--hb-connections", type=int, default=32, help="Requests in flight in the heartbeat phase (default 32).")
    parser.add_argument("--full-rate", type=float, default=150,
                        help="Rate of the paced full-report phase, per second (default 150; 0 skips it).")
    parser.add_argument("--keys", type=int, default=4, help="API keys the agents share (default 4).")
    parser.add_argument("--no-record", action="store_true", help="Do not write BENCHMARKS.md.")
    args = parser.parse_args(argv)
    if not FEEDS.is_dir():
        parser.error(f"the real feeds are needed at {FEEDS}")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        result = run(args, Path(tmp))
    result["command"] = "python " + " ".join(shlex.quote(a) for a in ["scripts/bench_ingest.py", *(argv if argv is not None else sys.argv[1:])])
    if not args.no_record:
        record(result, ROOT / "BENCHMARKS.md")
    if args.json:
        print(json.dumps(result))
    else:
        print(table(result).split("<details>")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
