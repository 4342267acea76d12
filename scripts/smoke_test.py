#!/usr/bin/env python3
"""Smoke test of a sentrikat program (the one-file executable or the source): server, CLI, bundled feed, clean stops."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INVENTORY = ROOT.parent / "shared" / "feeds" / "inventories" / "debian12-dpkg.json"
AGENT_SCRIPTS = ("sentrikat-agent.sh", "sentrikat-agent.ps1")
START_TIMEOUT = 60  # seconds; the first start of the executable unpacks it
STOP_TIMEOUT = 60


class SmokeFailure(Exception):
    """A check failed; the message says which and why."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mei_folders(tmpdir: Path) -> list[str]:
    return sorted(p.name for p in tmpdir.iterdir() if p.name.startswith("_MEI"))


class Run:
    """One smoke test: a command that runs sentrikat, a scratch folder, and the checks."""

    def __init__(self, command: list[str], work: Path, feed_dir: str | None, onefile: bool, inventory: Path) -> None:
        self.command = command
        self.work = work
        self.data = work / "data"
        self.tmpdir = work / "tmp"  # TMPDIR of every process started here: where _MEI* folders go
        self.tmpdir.mkdir()
        self.feed_args = ["--feed-dir", feed_dir] if feed_dir else []
        self.onefile = onefile
        self.inventory = inventory
        # Only what is passed here configures the program: no SENTRIKAT_* from the caller's shell.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRIKAT_")}
        self.env["TMPDIR"] = str(self.tmpdir)
        self.log_path = work / "server.log"
        self.timings: dict[str, float] = {}
        self.processes: list[subprocess.Popen[bytes]] = []
        self.plain_url = ""  # the plain HTTP URL of the server started last

    # --- helpers -----------------------------------------------------------------------------

    def cli(self, *args: str, data_dir: bool = True, stdin: str | None = None) -> str:
        argv = [*self.command, *args, *(["--data-dir", str(self.data)] if data_dir else [])]
        result = subprocess.run(
            argv, cwd=self.work, env=self.env, input=stdin, capture_output=True, text=True, timeout=120
        )
        check(result.returncode == 0, f"`sentrikat {' '.join(args)}` exited {result.returncode}: {result.stderr.strip()}")
        return result.stdout

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def trust(self) -> ssl.SSLContext:
        """Trust exactly the certificate the server made in its data dir, as the README's curl --cacert does."""
        return ssl.create_default_context(cafile=str(self.data / "tls" / "cert.pem"))

    def start(self, label: str) -> tuple[subprocess.Popen[bytes], str]:
        """Start the server as the README does (HTTPS, plain HTTP only for redirects); returns it and its HTTPS URL."""
        port, https_port = free_port(), free_port()
        while https_port == port:
            https_port = free_port()
        plain = f"http://127.0.0.1:{port}"
        url = f"https://127.0.0.1:{https_port}"
        with open(self.log_path, "a") as log:
            log.write(f"\n===== {label} =====\n")
        started = time.perf_counter()
        process = subprocess.Popen(
            [*self.command, "serve", "--host", "127.0.0.1", "--port", str(port), "--https-port", str(https_port),
             "--data-dir", str(self.data), *self.feed_args],
            cwd=self.work,
            env=self.env,
            stdout=open(self.log_path, "a"),
            stderr=subprocess.STDOUT,
            # A process group of its own, like a program started from a shell, so the Ctrl-C
            # check below can signal the whole group as a terminal does.
            start_new_session=True,
        )
        self.processes.append(process)
        deadline = started + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise SmokeFailure(f"{label}: the server exited with {process.returncode} before answering")
            try:
                if httpx.get(plain + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() > deadline:
                process.kill()
                raise SmokeFailure(f"{label}: no answer from /healthz within {START_TIMEOUT} s")
            time.sleep(0.05)
        self.timings[f"{label}: start to first answer (s)"] = round(time.perf_counter() - started, 2)
        check(httpx.get(url + "/healthz", verify=self.trust(), timeout=10).status_code == 200,
              f"{label}: /healthz over HTTPS with the generated certificate failed")
        self.plain_url = plain
        if self.onefile:
            check(mei_folders(self.tmpdir), f"{label}: the executable did not unpack into TMPDIR ({self.tmpdir})")
        return process, url

    def report_body(self, hostname: str) -> bytes:
        data = json.loads(self.inventory.read_text())
        software = [{"name": p["name"], "version": p["version"], "vendor": p["vendor"]} for p in data["software"]]
        return json.dumps({"hostname": hostname, "os": data["os"], "software": software}).encode()

    def stop_during_request(self, process: subprocess.Popen[bytes], url: str, key: str, how: str) -> dict:
        """Send half a report, stop the server, send the rest: the report must still be answered.

        ``how`` is "SIGTERM" (to the main process, as a service manager does) or "Ctrl-C"
        (SIGINT to the whole process group, as a terminal does).
        """
        body = self.report_body("smoke-inflight-" + how.lower())
        port = int(url.rsplit(":", 1)[1])
        head = (
            f"POST /api/agent/report HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Agent-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        half = len(body) // 2
        with self.trust().wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30),
                                      server_hostname="127.0.0.1") as sock:
            sock.sendall(head + body[:half])
            time.sleep(0.5)  # the server has the headers and is reading the body
            if how == "SIGTERM":
                process.send_signal(signal.SIGTERM)
            else:
                os.killpg(process.pid, signal.SIGINT)
            time.sleep(1.0)  # the server is shutting down, waiting for this request
            check(process.poll() is None, f"{how}: the server exited ({process.returncode}) with a request in flight")
            sock.sendall(body[half:])
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        status_line, _, rest = answer.partition(b"\r\n")
        check(status_line.startswith(b"HTTP/1.1 200"), f"{how}: the request in flight got {status_line!r}, not 200")
        payload = json.loads(rest.partition(b"\r\n\r\n")[2])
        try:
            code = process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise SmokeFailure(f"{how}: the server did not exit within {STOP_TIMEOUT} s") from None
        check(code == 0, f"{how}: the server exited with {code}, not 0")
        return payload

    def check_stopped_cleanly(self, how: str) -> None:
        tail = self.log().rsplit("=====", 1)[-1]
        check("database closed" in tail, f"{how}: the log does not say 'database closed'")
        wal = self.data / "sentrikat.db-wal"
        check(not wal.exists() or wal.stat().st_size == 0, f"{how}: the WAL was not checkpointed ({wal} is not empty)")
        left = mei_folders(self.tmpdir)
        check(not left, f"{how}: the executable left {', '.join(left)} in {self.tmpdir}")

    def check_agent_scripts(self, url: str) -> None:
        """The program serves the agent scripts it carries, byte-identical to agents/ of this checkout, without a key."""
        for name in AGENT_SCRIPTS:
            expected = (ROOT / "agents" / name).read_bytes()
            served = httpx.get(f"{url}/agents/{name}", timeout=60, verify=self.trust())
            check(served.status_code == 200, f"/agents/{name}: status {served.status_code}")
            check(served.content == expected, f"/agents/{name}: {len(served.content)} bytes served, not the {len(expected)} of agents/{name}")
        check(httpx.get(f"{url}/agents/build.spec", timeout=60, verify=self.trust()).status_code == 404, "/agents/ serves a name that is not an agent script")

    def kill_leftovers(self) -> None:
        """After a failure: stop servers still running (SIGTERM first, so the executable can clean up)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    # --- the test ----------------------------------------------------------------------------

    def run(self) -> None:
        version = self.cli("version", data_dir=False)
        check(version.startswith("sentrikat "), f"`sentrikat version` printed {version!r}")

        process, url = self.start("first start")
        key = json.loads(self.cli("keys", "create", "--scope", "agent", "--json", "--name", "smoke"))["key"]
        cert = self.data / "tls" / "cert.pem"
        der_sha256 = hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert.read_text())).hexdigest().upper()
        shown = json.loads(self.cli("tls", "show", "--json"))
        check(shown["fingerprint_sha256"].replace(":", "") == der_sha256, f"tls show: {shown} is not the certificate's SHA-256")
        refused = httpx.post(self.plain_url + "/api/agent/report", content=self.report_body("smoke-plain"),
                             headers={"X-Agent-Key": key, "Content-Type": "application/json"}, timeout=60)
        check(refused.status_code == 403 and "https" in refused.json()["message"],
              f"plain HTTP report: {refused.status_code} {refused.text[:200]}, not 403 https_required")
        with httpx.Client(base_url=url, headers={"X-Agent-Key": key}, timeout=60, verify=self.trust()) as client:
            answer = client.post("/api/agent/report", content=self.report_body("smoke-debian12"),
                                 headers={"Content-Type": "application/json"})
            check(answer.status_code == 200, f"report: status {answer.status_code}: {answer.text[:300]}")
            result = answer.json()
            check(result["products_processed"] > 0, f"report: nothing processed: {result}")
            check(result["vulnerabilities_found"] > 0, f"report: vulnerabilities_found is 0, so the feed is not loaded: {result}")
            self.timings["report: vulnerabilities_found"] = result["vulnerabilities_found"]
            page = client.get("/")
            check(page.status_code == 200 and "SentriKat" in page.text, f"status page: status {page.status_code}")
            check(page.headers.get("content-type", "").startswith("text/html"), "status page is not HTML")
            schema = client.get("/schema/openapi.json")
            check(schema.status_code == 200 and "/api/agent/report" in schema.json()["paths"], "OpenAPI document missing")
            check(client.get("/schema/openapi.yaml").status_code == 200, "OpenAPI YAML missing")
            self.check_agent_scripts(url)
        inflight = self.stop_during_request(process, url, key, "SIGTERM")
        check(inflight["vulnerabilities_found"] > 0, f"SIGTERM: the report in flight found nothing: {inflight}")
        self.check_stopped_cleanly("SIGTERM")

        process, url = self.start("restart")
        with httpx.Client(base_url=url, headers={"X-Agent-Key": key}, timeout=60, verify=self.trust()) as client:
            config = client.get("/api/agent/config", params={"hostname": "smoke-debian12"})
            check(config.status_code == 200 and config.json()["force_full_scan"] is False,
                  f"after a restart the asset is not known: {config.status_code} {config.text[:200]}")
        self.stop_during_request(process, url, key, "Ctrl-C")
        self.check_stopped_cleanly("Ctrl-C")

        # Every other command, on the data the server left.
        keys = json.loads(self.cli("keys", "list", "--json"))
        check(keys and keys[0]["last_used_at"], "keys list: the key's last use was not written at shutdown")
        check("smoke" in self.cli("keys", "list"), "keys list (text) does not show the key")
        org = json.loads(self.cli("orgs", "create", "Smoke Branch", "--json"))
        check([o["name"] for o in json.loads(self.cli("orgs", "list", "--json"))] == ["Default", "Smoke Branch"], "orgs list")
        other = json.loads(self.cli("keys", "create", "--org", str(org["id"]), "--scope", "read", "--json"))
        self.cli("keys", "revoke", str(other["id"]))
        check("schema version" in self.cli("version"), "version does not show the database's schema version")
        backup = json.loads(self.cli("backup", str(self.work / "backup"), "--json"))
        check(backup["secret_key"] and backup["schema_version"] > 0, f"backup: {backup}")
        check((self.work / "backup" / "sentrikat.db").is_file(), "backup: no database in the backup folder")
        matched = json.loads(self.cli("match", "--json", *self.feed_args, "-", data_dir=False, stdin=self.report_body("m").decode()))
        found = sum(len(item["vulnerabilities"]) for item in matched["items"])
        check(found > 0, "match: no vulnerabilities found with the bundled feed")
        check(not mei_folders(self.tmpdir), f"CLI commands left {mei_folders(self.tmpdir)} in {self.tmpdir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start sentrikat on free ports with a temporary data dir (HTTPS with the certificate it makes, "
        "plain HTTP refusing reports), create a key with its own CLI, check tls show, post over HTTPS "
        "a real Debian 12 report (vulnerabilities_found must be > 0), load the status page, fetch the agent scripts "
        "(byte-identical to agents/), stop it with SIGTERM and "
        "with Ctrl-C while a request is in flight (exit 0, request answered, database closed, no _MEI* folder left), "
        "then run every other CLI command. Exits 1 with a message on the first failure.",
        epilog="examples: smoke_test.py --onefile dist/sentrikat;  smoke_test.py --feed-dir FEED .venv/bin/sentrikat",
    )
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, metavar="COMMAND...",
        help="How to run sentrikat, after the options: dist/sentrikat, .venv/bin/sentrikat or python -m appliance.",
    )
    parser.add_argument("--onefile", action="store_true", help="COMMAND is the one-file executable: check that it unpacks into TMPDIR and cleans up.")
    parser.add_argument("--feed-dir", metavar="DIR", help="Pass --feed-dir DIR to the program (default: its bundled feed).")
    parser.add_argument("--inventory", metavar="FILE", type=Path, default=DEFAULT_INVENTORY, help="dpkg inventory to report (default: %(default)s).")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder (data dir, server log).")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("COMMAND is required")
    if not args.inventory.is_file():
        print(f"smoke test: FAILED: inventory {args.inventory} not found", file=sys.stderr)
        return 1
    command = list(args.command)
    if os.sep in command[0]:
        command[0] = os.path.abspath(command[0])  # the program runs in the scratch folder (no resolve: venv symlinks)

    work = Path(tempfile.mkdtemp(prefix="sentrikat-smoke-"))
    feed_dir = str(Path(args.feed_dir).resolve()) if args.feed_dir else None
    smoke = Run(command, work, feed_dir, args.onefile, args.inventory)
    started = time.perf_counter()
    try:
        smoke.run()
    except (SmokeFailure, subprocess.TimeoutExpired, httpx.HTTPError, OSError, ValueError, KeyError) as exc:
        print(f"smoke test: FAILED: {exc}", file=sys.stderr)
        print(f"--- server log ({smoke.log_path}) ---\n{smoke.log()[-6000:]}", file=sys.stderr)
        return 1
    finally:
        smoke.kill_leftovers()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for name, value in smoke.timings.items():
        print(f"  {name}: {value}")
    print(f"smoke test: passed in {time.perf_counter() - started:.1f} s ({' '.join(args.command)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
