"""Simulated agents for benchmarks and soak tests: realistic inventories from ../shared/feeds and a lean HTTP/1.1 client."""

from __future__ import annotations

import asyncio
import ssl
import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT.parent / "shared" / "feeds"
WINDOWS_OS = "Windows 11 23H2"
DEBIAN_OS = "Debian GNU/Linux 12 (bookworm)"
AGENT_VERSION = "1.2.0"

_CPE_DICT = "{http://cpe.mitre.org/dictionary/2.0}"
_CPE23 = "{http://scap.nist.gov/schema/cpe-extension/2.3}"
_TRAILING_VERSION = re.compile(r"\s+v?\d[\w.\-]*$")


# --- inventories -------------------------------------------------------------------------------


def windows_names() -> list[dict[str, str]]:
    """Hand-checked Windows display names (tests/matching/labelled_items.json): the software every office has."""
    labelled = json.loads((ROOT / "tests" / "matching" / "labelled_items.json").read_text())["items"]
    return [
        {"name": i["name"], "version": i["version"], "vendor": i["vendor"]}
        for i in labelled
        if i["os"].startswith("Windows")
    ]


def dictionary_programs(feeds: Path, count: int, seed: int) -> list[dict[str, str]]:
    """Programs as Windows lists them, from the real CPE dictionary: its English title without the version as
    display name, the CPE's version, the vendor as a publisher would write it."""
    path = feeds / "cpe" / "official-cpe-dictionary_v2.3-2015.xml.gz"
    programs: list[dict[str, str]] = []
    with gzip.open(path) as stream:
        for _, elem in ET.iterparse(stream):
            if elem.tag != _CPE_DICT + "cpe-item":
                continue
            title = elem.findtext(_CPE_DICT + "title") or ""
            item23 = elem.find(_CPE23 + "cpe23-item")
            elem.clear()
            if item23 is None or not title:
                continue
            parts = item23.get("name", "").split(":")
            if len(parts) < 13 or parts[2] != "a" or parts[10] not in ("*", "-", "windows") or "\\" in parts[5]:
                continue
            name = _TRAILING_VERSION.sub("", title).strip()
            if name and parts[5] not in ("*", "-"):
                programs.append({"name": name, "version": parts[5], "vendor": parts[3].replace("_", " ").title()})
    random.Random(seed).shuffle(programs)
    # One version per program: a pool of distinct programs, as a fleet's software catalogue is.
    seen: set[str] = set()
    unique = [p for p in programs if not (p["name"] in seen or seen.add(p["name"]))]
    return unique[:count]


def debian_packages(feeds: Path) -> list[dict[str, str]]:
    data = json.loads((feeds / "inventories" / "debian12-dpkg.json").read_text())
    return [{"name": p["name"], "version": p["version"], "vendor": p["vendor"]} for p in data["software"]]


def bump(item: dict[str, str], rng: random.Random) -> dict[str, str]:
    """The same program after an update: its last numeric version part raised."""
    parts = re.split(r"(\d+)", item["version"])
    for index in range(len(parts) - 1, -1, -1):
        if parts[index].isdigit():
            parts[index] = str(int(parts[index]) + rng.randint(1, 3))
            break
    else:
        parts.append(".1")
    return {**item, "version": "".join(parts)}


@dataclass
class Agent:
    """One simulated host: its hostname, OS and software, and its pre-encoded request bodies."""

    hostname: str
    os: str
    software: list[dict[str, str]]
    key: str = ""
    full_bodies: list[bytes] = field(default_factory=list)
    delta_bodies: list[bytes] = field(default_factory=list)
    heartbeat_body: bytes = b""


def make_agents(count: int, items: int, feeds: Path = FEEDS, seed: int = 7, prefix: str = "bench",
                variants: int = 4) -> list[Agent]:
    """``count`` agents, alternately Windows and Debian, each with ``items`` programs.

    Windows hosts share the common desktop programs and draw the rest from a catalogue of
    real dictionary programs; Debian hosts draw from the real dpkg inventory (710 packages).
    Each agent gets ``variants`` full reports that differ by a few updated programs (as
    consecutive daily scans do), and two deltas that install and remove one program.
    """
    rng = random.Random(seed)
    common = windows_names()
    catalogue = dictionary_programs(feeds, 3000, seed)
    debian = debian_packages(feeds)
    extra_windows = {"name": "Zoom Workplace (64-bit)", "version": "6.1.1.36333", "vendor": "Zoom Video Communications, Inc."}
    extra_debian = {"name": "tcpdump", "version": "4.99.3-1", "vendor": "Debian Security Tools <team+security-tools@tracker.debian.org>"}
    agents = []
    for n in range(count):
        if n % 2 == 0:
            base = list(common) + rng.sample(catalogue, max(0, items - len(common)))
            os_name, extra = WINDOWS_OS, extra_windows
        else:
            base = rng.sample(debian, min(items, len(debian)))
            os_name, extra = DEBIAN_OS, extra_debian
        base = base[:items]
        agent = Agent(f"{prefix}-{'win' if n % 2 == 0 else 'deb'}-{n:05d}", os_name, base)
        current = list(base)
        for variant in range(variants):
            if variant:
                for index in rng.sample(range(len(current)), min(3, len(current))):
                    current[index] = bump(current[index], rng)
            agent.full_bodies.append(_encode({
                "hostname": agent.hostname, "os": os_name, "agent_version": AGENT_VERSION,
                "tags": ["benchmark"], "software": current,
            }))
        agent.delta_bodies = [
            _encode({"hostname": agent.hostname, "delta": True, "software_added": [extra]}),
            _encode({"hostname": agent.hostname, "delta": True, "software_removed": [extra]}),
        ]
        agent.heartbeat_body = _encode({"hostname": agent.hostname, "agent_version": AGENT_VERSION})
        agents.append(agent)
    return agents


def _encode(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# --- a lean HTTP/1.1 client --------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; far cheaper per request than a full client library,
    so that the load generator, which shares the machine, takes as little CPU as it can."""

    def __init__(self, host: str, port: int, tls: "ssl.SSLContext | None" = None, reuse: bool = True) -> None:
        self.host, self.port, self.tls, self.reuse = host, port, tls, reuse
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, key: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request and read the whole answer; (status, body). Reconnects once if the server closed."""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nX-Agent-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            + ("" if self.reuse else "Connection: close\r\n") + "\r\n"
        ).encode()
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    self.host, self.port, ssl=self.tls, server_hostname=self.host if self.tls else None
                )
            try:
                self.writer.write(head + body)
                return await self._answer()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _answer(self) -> tuple[int, bytes]:
        assert self.reader is not None
        status = int((await self.reader.readuntil(b"\r\n")).split()[1])
        length, close = 0, False
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# --- the server as a process -------------------------------------------------------------------


def server_command(binary: str | None) -> list[str]:
    """How to run ``sentrikat``: the given executable, or this checkout's source."""
    return [binary] if binary else [sys.executable, "-m", "appliance"]


def create_key(binary: str | None, data_dir: Path, org: int = 1) -> str:
    result = subprocess.run(
        [*server_command(binary), "keys", "create", "--json", "--org", str(org), "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(result.stdout)["key"]


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (a one-file executable runs the server in a child)."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        pids.extend(int(c) for c in children)
    return total / 1024


def wait_healthy(url_host: str, port: int, process: subprocess.Popen, timeout: float = 300) -> float:
    """Seconds until /healthz answers 200 (the server has loaded its feed and opened the database)."""
    started = time.monotonic()

    async def probe() -> int:
        connection = Connection(url_host, port)
        try:
            return (await connection.request("GET", "/healthz", ""))[0]
        finally:
            connection.close()

    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            if asyncio.run(probe()) == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server did not answer /healthz within {timeout} s")


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "kernel": os.uname().release,
    }


def record_block(path: Path, name: str, heading: str, text: str) -> None:
    """Replace the block a benchmark generated in BENCHMARKS.md (between its markers), or append
    it under ``heading`` the first time."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    document = path.read_text() if path.exists() else ""
    block = f"{begin}\n{text}\n{end}"
    if begin in document and end in document:
        head, rest = document.split(begin, 1)
        document = head + block + rest.split(end, 1)[1]
    else:
        document = document.rstrip() + f"\n\n## {heading}\n\n{block}\n"
    path.write_text(document)
