"""Bodies that are cheap to send and dear to decode are refused cheaply, off the event loop, with default limits."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import NO_RATE_LIMITS, Server

REPORT = "/api/agent/report"
GZIP = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
MIB = 1024 * 1024


def tree_bomb(inflated: int = 127 * MIB) -> bytes:
    """The issue's body: a valid report plus an unknown field holding millions of empty arrays, gzip-compressed."""
    head, tail = b'{"hostname":"tb","software":[],"x":[', b"[]]}"
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"[]," * (MIB // 3)
    out = [packer.compress(head)]
    for _ in range((inflated - len(head) - len(tail)) // len(block)):
        out.append(packer.compress(block))
    out += [packer.compress(tail), packer.flush()]
    return b"".join(out)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    body = tree_bomb()
    assert 100_000 < len(body) < 200_000  # the 129 KB
    return body


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """A server with the default body limits (only rate limits off, so 40 bombs are all answered)."""
    empty = tmp_path_factory.mktemp("no-feed")
    srv = Server(tmp_path_factory.mktemp("bombs") / "data", {"SENTRIKAT_FEED_DIR": str(empty), **NO_RATE_LIMITS}).start()
    key = srv.create_key()
    yield srv, key
    assert srv.stop() == 0, srv.log()


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def post_bomb(client: httpx.Client, body: bytes) -> tuple[int, float, str]:
    started = time.perf_counter()
    response = client.post(REPORT, content=body, headers=GZIP)
    return response.status_code, time.perf_counter() - started, response.text


def test_tree_bomb_is_refused_within_a_second(target: tuple[Server, str], bomb: bytes) -> None:
    server, key = target
    before = server.snapshot()
    with server.client(key) as client:
        status, seconds, text = post_bomb(client, bomb)
    assert 400 <= status < 500, text
    assert "gzip bomb" in text or "JSON values" in text, text
    assert seconds < 1.0, f"the bomb took {seconds:.2f} s to refuse"
    assert server.snapshot() == before


def test_ten_bombs_in_parallel_do_not_stall_the_server(target: tuple[Server, str], bomb: bytes) -> None:
    """/healthz keeps answering (p99 < 100 ms) and RSS grows by less than 100 MB during 10 bombs at once, 4 times."""
    server, key = target
    # One client for all senders (it is thread-safe): a client per request would spend the
    # test process's own CPU on setting up TLS contexts, and the probe below would measure that.
    client = httpx.Client(base_url=server.url, headers={"X-Agent-Key": key}, timeout=60,
                          limits=httpx.Limits(max_connections=10))
    post_bomb(client, bomb)  # warm: first use of the decode threads
    pid = server.process.pid  # type: ignore[union-attr]
    baseline = rss_bytes(pid)
    peak = baseline
    latencies: list[float] = []
    done = threading.Event()

    def probe() -> None:
        nonlocal peak
        with httpx.Client(base_url=server.url, timeout=10) as client:
            while not done.is_set():
                started = time.perf_counter()
                assert client.get("/healthz").status_code == 200
                latencies.append(time.perf_counter() - started)
                peak = max(peak, rss_bytes(pid))
                time.sleep(0.01)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        time.sleep(0.2)
        with ThreadPoolExecutor(10) as pool:
            for _ in range(4):
                results = list(pool.map(lambda _: post_bomb(client, bomb), range(10)))
                assert all(400 <= status < 500 for status, _, _ in results), results
    finally:
        done.set()
        prober.join()
        client.close()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"healthz p99 {p99 * 1000:.1f} ms over {len(latencies)} probes; RSS +{(peak - baseline) / 1e6:.1f} MB")
    assert len(latencies) >= 20, latencies
    assert p99 < 0.100, f"/healthz p99 {p99 * 1000:.0f} ms over {len(latencies)} probes"
    assert peak - baseline < 100 * 1000 * 1000, f"RSS grew by {(peak - baseline) / 1e6:.0f} MB"


def test_small_gzip_reports_still_work(target: tuple[Server, str]) -> None:
    """The ratio cap leaves real bodies alone: a tiny gzip report and a highly compressible one of 3,000 items."""
    server, key = target
    with server.client(key) as client:
        tiny = gzip.compress(b'{"hostname": "gz-tiny", "software": []}')
        assert client.post(REPORT, content=tiny, headers=GZIP).status_code == 200
        items = ",".join(f'{{"name": "package-{i}", "version": "1.0.{i}", "vendor": "example"}}' for i in range(3000))
        raw = f'{{"hostname": "gz-many", "software": [{items}]}}'.encode()
        response = client.post(REPORT, content=gzip.compress(raw), headers=GZIP)
        assert response.status_code == 200, response.text
        assert response.json()["products_processed"] == 3000


def test_without_the_ratio_cap_the_value_count_stops_the_bomb(make_server, bomb: bytes) -> None:
    """The second line of defence: with the ratio check off, the value count refuses the tree while it inflates."""
    server: Server = make_server(SENTRIKAT_MAX_INFLATE_RATIO="0", SENTRIKAT_MAX_JSON_VALUES="100000")
    with server.client(server.create_key()) as client:
        status, seconds, text = post_bomb(client, bomb)
        assert status == 413 and "more than 100000 JSON values" in text, text
        assert seconds < 1.0, f"the bomb took {seconds:.2f} s to refuse"
        deep = b'{"hostname": "deep", "software": [], "x": ' + b"[" * 65 + b"]" * 65 + b"}"
        response = client.post(REPORT, content=deep, headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and "nested more than 64 levels" in response.text, response.text
        ok = b'{"hostname": "deep", "software": [], "x": ' + b"[" * 63 + b"]" * 63 + b"}"
        assert client.post(REPORT, content=ok, headers={"Content-Type": "application/json"}).status_code == 200
