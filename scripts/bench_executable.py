#!/usr/bin/env python3
"""Measure the executable: size, cold start to the first answered request, resident memory idle and with the feed."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
INVENTORY = ROOT.parent / "shared" / "feeds" / "inventories" / "debian12-dpkg.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_rss_kib(pid: int) -> tuple[int, int]:
    """RSS of the process and of all its descendants together (the executable is two processes)."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        found = [int(c) for c in children.read_text().split()] if children.exists() else []
        pids += found
        frontier += found
    return rss_kib(pid), sum(rss_kib(p) for p in pids)


def summary(seconds: list[float]) -> dict[str, object]:
    return {
        "median": round(statistics.median(seconds), 2), "min": round(min(seconds), 2), "max": round(max(seconds), 2),
        "runs": [round(s, 2) for s in seconds],
    }


class Server:
    def __init__(self, command: list[str], work: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.work = work
        self.env = env
        tmpdir = work / "tmp"
        tmpdir.mkdir(exist_ok=True)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--https-port", "0",
             "--allow-http", "--data-dir", str(work / "data")],
            cwd=work, env={**env, "TMPDIR": str(tmpdir), "SENTRIKAT_LOG_LEVEL": "warning"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the server exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.01)
        self.first_answer = time.perf_counter() - self.started

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        if code != 0:
            raise SystemExit(f"bench: the server exited with {code} on SIGTERM")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="Cold starts to time (default %(default)s).")
    parser.add_argument("--settle", type=float, default=5.0, help="Seconds to wait before reading idle memory.")
    parser.add_argument("command", nargs=argparse.REMAINDER, metavar="COMMAND...", help="dist/sentrikat, or python -m appliance.")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("COMMAND is required")
    command = list(args.command)
    if os.sep in command[0]:
        command[0] = os.path.abspath(command[0])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRIKAT_")}
    results: dict[str, object] = {"command": " ".join(args.command)}
    if Path(command[0]).is_file() and len(command) == 1:
        size = Path(command[0]).stat().st_size
        results["size_bytes"] = size
        results["size_mib"] = round(size / 2**20, 1)

    with tempfile.TemporaryDirectory(prefix="sentrikat-bench-") as scratch:
        empty = Path(scratch) / "no-feed"
        empty.mkdir()
        # A command that does not start the server: unpacking plus Python plus the CLI.
        times = []
        for run in range(args.runs):
            tmpdir = Path(scratch) / f"version{run}"
            tmpdir.mkdir()
            started = time.perf_counter()
            subprocess.run([*command, "version"], cwd=scratch, env={**env, "TMPDIR": str(tmpdir)}, check=True,
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
        results["version_command_s"] = summary(times)

        # Cold start: a new data dir (database created on first start), a new TMPDIR (the
        # executable unpacks itself again), until /healthz answers 200; with the bundled feed
        # and without a feed (an empty feed folder).
        for label, extra in (("cold_start_s", {}), ("cold_start_no_feed_s", {"SENTRIKAT_FEED_DIR": str(empty)})):
            starts = []
            for run in range(args.runs):
                work = Path(scratch) / f"{label}{run}"
                work.mkdir()
                server = Server(command, work, {**env, **extra})
                starts.append(server.first_answer)
                server.stop()
            results[label] = summary(starts)

        # Idle without a feed, then idle with the bundled feed, then after one real report.
        work = Path(scratch) / "nofeed"
        work.mkdir()
        server = Server(command, work, {**env, "SENTRIKAT_FEED_DIR": str(empty)})
        time.sleep(args.settle)
        main_rss, total = tree_rss_kib(server.process.pid)
        results["rss_idle_no_feed_mib"] = round(total / 1024, 1)
        server.stop()

        work = Path(scratch) / "feed"
        work.mkdir()
        server = Server(command, work, env)
        time.sleep(args.settle)
        main_rss, total = tree_rss_kib(server.process.pid)
        results["rss_idle_bundled_feed_mib"] = round(total / 1024, 1)
        results["rss_bootloader_mib"] = round(main_rss / 1024, 1) if total != main_rss else 0
        key = subprocess.run(
            [*command, "keys", "create", "--json", "--data-dir", str(work / "data")],
            cwd=work, env={**env, "TMPDIR": str(work / "tmp")}, capture_output=True, text=True, check=True,
        ).stdout
        data = json.loads(INVENTORY.read_text())
        body = {"hostname": "bench", "os": data["os"],
                "software": [{"name": p["name"], "version": p["version"], "vendor": p["vendor"]} for p in data["software"]]}
        answer = httpx.post(server.url + "/api/agent/report", json=body, timeout=60,
                            headers={"X-Agent-Key": json.loads(key)["key"]}).json()
        time.sleep(1)
        results["rss_after_debian_report_mib"] = round(tree_rss_kib(server.process.pid)[1] / 1024, 1)
        results["debian_report"] = {k: answer[k] for k in ("products_processed", "products_matched", "vulnerabilities_found")}
        server.stop()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
