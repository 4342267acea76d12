#!/usr/bin/env python3
"""Ingest benchmark: the real server on 127.0.0.1 under simulated agents (full reports, deltas, heartbeats)."""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shlex
import ssl
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


def _connector(port: int, cert: str | None, reuse: bool):  # type: ignore[no-untyped-def]
    """A function making connections to the server: plain HTTP, or HTTPS trusting ``cert``; kept alive or one per request."""
    tls = ssl.create_default_context(cafile=cert) if cert else None
    return lambda: Connection("127.0.0.1", port, tls, reuse)


async def _closed_loop(kind: str, connect, mine: list[Agent], connections: int, duration: float) -> dict:  # type: ignore[no-untyped-def]
    """Each connection sends its agents' requests one after another as fast as the server answers.
    An agent never has two requests in flight, as a real agent would not."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + duration

    async def run(agents: list[Agent]) -> None:
        connection = connect()
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


async def _open_loop(kind: str, connect, mine: list[Agent], rate: float, duration: float) -> dict:  # type: ignore[no-untyped-def]
    """Requests leave at a fixed rate whether or not earlier ones were answered (as independent agents
    do); latency counts from the planned send time, so a stalled server cannot hide its queue."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    idle: list[Connection] = []
    tasks: set[asyncio.Task] = set()
    started = time.perf_counter()

    async def one(agent: Agent, sequence: int, planned: float) -> None:
        connection = idle.pop() if idle else connect()
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


def _worker(kind: str, port: int, share: list[int], connections: int, duration: float, rate: float, out,
            cert: str | None = None, reuse: bool = True) -> None:
    mine = [AGENTS[i] for i in share]
    connect = _connector(port, cert, reuse)
    if kind == "full_paced":
        result = asyncio.run(_open_loop(kind, connect, mine, rate, duration))
    else:
        result = asyncio.run(_closed_loop(kind, connect, mine, connections, duration))
    out.put(result)


def run_phase(kind: str, port: int, workers: int, connections: int, duration: float, rate: float = 0,
              cert: str | None = None, reuse: bool = True) -> dict:
    """One phase in ``workers`` load processes (separate from the server); merged throughput and latency.

    With ``cert`` the phase runs over HTTPS trusting that certificate; without ``reuse`` every
    request opens a new connection (and, over HTTPS, does a full TLS handshake), as an agent run does.
    """
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    shares = [list(range(w, len(AGENTS), workers)) for w in range(workers)]
    processes = [
        context.Process(target=_worker, args=(kind, port, share, max(1, connections // workers), duration,
                                              rate / workers, out, cert, reuse))
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
    http_port, https_port = free_port(), free_port()
    while https_port == http_port:
        https_port = free_port()
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
        # HTTPS as by default, and --allow-http so that the plain phases can post on the HTTP port.
        [*server_command(args.binary), "serve", "--host", "127.0.0.1", "--port", str(http_port),
         "--https-port", str(https_port), "--allow-http", "--data-dir", str(data_dir)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    result: dict = {"config": {}, "phases": {}}
    try:
        startup_s = wait_healthy("127.0.0.1", http_port, server)
        cert = str(data_dir / "tls" / "cert.pem")
        port, tls = (https_port, cert) if args.https else (http_port, None)
        keys = [create_key(args.binary, data_dir) for _ in range(args.keys)]
        for n, agent in enumerate(AGENTS):
            agent.key = keys[n % len(keys)]
        with RssSampler(server.pid) as rss:
            rss_start = rss.sample()
            phases = result["phases"]
            phases["register"] = run_phase("register", port, args.workers, args.connections, args.duration, cert=tls)
            rss_registered = rss.sample()
            if args.tls_cost:
                result["tls_cost"] = tls_cost_phases(args, http_port, https_port, cert, server.pid)
                rss_end = rss.sample()
                code = stop(server)
                return _tls_result(result, args, rss, startup_s, code)
            phases["full"] = run_phase("full", port, args.workers, args.connections, args.duration, cert=tls)
            if args.full_rate:
                phases["full_paced"] = run_phase("full_paced", port, args.workers, args.connections, args.duration,
                                                 rate=args.full_rate, cert=tls)
            phases["delta"] = run_phase("delta", port, args.workers, args.connections, args.duration, cert=tls)
            phases["heartbeat"] = run_phase("heartbeat", port, args.workers, args.hb_connections, args.duration, cert=tls)
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
        "full_rate": args.full_rate, "server": args.binary or "source", "scheme": "https" if args.https else "http", "feed_dir": str(args.feed_dir or "real feeds"),
        "inventory_build_s": round(inventory_s, 1),
    }
    result["machine"] = machine()
    result["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return result


# What the TLS comparison measures: (label, phase kind, keep connections alive).
TLS_COST_PHASES = (
    ("full reports/s, keep-alive", "full", True),
    ("heartbeats/s, keep-alive", "heartbeat", True),
    ("heartbeats/s, a new connection per request", "heartbeat", False),
)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tls_cost_phases(args: argparse.Namespace, http_port: int, https_port: int, cert: str, pid: int) -> list[dict]:
    """Each comparison over plain HTTP and HTTPS against the same server, in the order HTTP, HTTPS,
    HTTPS, HTTP, so that a drift of the machine's speed during the run cancels out. Besides the
    rate, the server's own CPU time per answered request, which the load generator's TLS work
    (on the same cores) does not blur."""
    rows = []
    for label, kind, reuse in TLS_COST_PHASES:
        connections = args.hb_connections if kind == "heartbeat" else args.connections
        runs: dict[str, list[dict]] = {"http": [], "https": []}
        for scheme in ("http", "https", "https", "http"):
            port, tls = (https_port, cert) if scheme == "https" else (http_port, None)
            before = cpu_seconds(pid)
            phase = run_phase(kind, port, args.workers, connections, args.duration / 2, cert=tls, reuse=reuse)
            phase["server_cpu_s"] = cpu_seconds(pid) - before
            runs[scheme].append(phase)
        http_per_s = sum(r["per_s"] for r in runs["http"]) / 2
        https_per_s = sum(r["per_s"] for r in runs["https"]) / 2

        def cpu_ms(scheme: str) -> float | None:
            ok = sum(r["ok"] for r in runs[scheme])
            return round(sum(r["server_cpu_s"] for r in runs[scheme]) / ok * 1000, 3) if ok else None

        rows.append({
            "measure": label,
            "http_per_s": round(http_per_s, 1),
            "https_per_s": round(https_per_s, 1),
            "change_pct": round((https_per_s - http_per_s) / http_per_s * 100, 1) if http_per_s else None,
            "http_server_cpu_ms": cpu_ms("http"),
            "https_server_cpu_ms": cpu_ms("https"),
            "http_p99_ms": max(r["p99_ms"] or 0 for r in runs["http"]),
            "https_p99_ms": max(r["p99_ms"] or 0 for r in runs["https"]),
            "errors": sum(r["errors"] for r in runs["http"] + runs["https"]),
        })
    return rows


def _tls_result(result: dict, args: argparse.Namespace, rss: "RssSampler", startup_s: float, code: int) -> dict:
    result.update(rss_peak_mb=round(rss.peak, 1), server_startup_s=round(startup_s, 2), server_exit_status=code)
    result["config"] = {
        "agents": args.agents, "items": args.items, "duration_s": args.duration, "keys": args.keys,
        "load_processes": args.workers, "connections": args.connections, "heartbeat_connections": args.hb_connections,
        "server": args.binary or "source",
    }
    result["machine"] = machine()
    result["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return result


def tls_table(result: dict) -> str:
    """The Markdown block for BENCHMARKS.md's TLS cost section."""
    m, c = result["machine"], result["config"]
    lines = [
        f"Measured {result['date']} with `{result['command']}`.",
        f"Machine: {m['cpus']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"Linux {m['kernel']}; server from {c['server']}, {c['load_processes']} load process(es) on the same cores "
        f"(the load generator's own TLS work shares them). {c['agents']} agents, {c['items']} items per report. "
        "Each row: two runs per scheme of half the duration each, in the order HTTP, HTTPS, HTTPS, HTTP; per s is their mean.",
        "",
        "| measure | plain HTTP per s | HTTPS per s | change | server CPU ms per request, HTTP | HTTPS | "
        "HTTP p99 ms | HTTPS p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|",
        *[
            f"| {r['measure']} | {r['http_per_s']} | {r['https_per_s']} | {r['change_pct']} % | {r['http_server_cpu_ms']} | "
            f"{r['https_server_cpu_ms']} | {r['http_p99_ms']} | {r['https_p99_ms']} | {r['errors']} |"
            for r in result["tls_cost"]
        ],
    ]
    return "\n".join(lines)


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
    """Replace the generated block of the Ingest section (or, with --tls-cost, the TLS cost section) in BENCHMARKS.md."""
    if "tls_cost" in result:
        record_block(path, "bench_ingest_tls", "TLS cost", tls_table(result))
    else:
        record_block(path, "bench_ingest", "Ingest", table(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start the real server on 127.0.0.1 and measure full reports/s, delta reports/s and "
        "heartbeats/s with latency percentiles, errors and the server's resident memory, under simulated "
        "agents whose inventories come from ../shared/feeds. Per-key rate limits are turned off for the run. "
        "Writes the result into BENCHMARKS.md (## Ingest, or ## TLS cost with --tls-cost) unless --no-record.",
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
    parser.add_argument("--https", action="store_true",
                        help="Run the phases over HTTPS (trusting the certificate the server makes) instead of plain HTTP.")
    parser.add_argument("--tls-cost", action="store_true",
                        help="Instead of the phases above: full reports and heartbeats over plain HTTP and HTTPS against "
                        "the same server, alternating, and heartbeats with a new connection per request; "
                        "writes BENCHMARKS.md's TLS cost section.")
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
    elif "tls_cost" in result:
        print(tls_table(result))
    else:
        print(table(result).split("<details>")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
