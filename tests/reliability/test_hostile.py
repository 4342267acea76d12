"""Hostile input the error tests do not cover: each gets a 4xx, changes nothing, and the server stays up."""

from __future__ import annotations

import gzip
import json
import socket
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.api.test_agent_errors import assert_refused
from tests.conftest import FEEDS, NO_RATE_LIMITS, Server

REPORT, HEARTBEAT, SCAN = "/api/agent/report", "/api/agent/heartbeat", "/api/agent/container-scan"
MB = 1024 * 1024
JSON = {"Content-Type": "application/json"}
GZIP = {"Content-Type": "application/json", "Content-Encoding": "gzip"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own with small body limits (4 MiB as sent and inflated), so bombs stay cheap;
    request limits off, since the module's tests share it."""
    srv = Server(tmp_path_factory.mktemp("hostile") / "data", {
        "SENTRIKAT_FEED_DIR": str(tmp_path_factory.mktemp("no-feed")),
        "SENTRIKAT_MAX_BODY_BYTES": str(4 * MB),
        "SENTRIKAT_MAX_DECOMPRESSED_BYTES": str(4 * MB),
        **NO_RATE_LIMITS,
    }).start()
    yield srv
    with srv.db() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def client(hostile: Server) -> Iterator[httpx.Client]:
    with hostile.client(hostile.create_key()) as c:
        # A known host, so that refused requests have something they could have damaged.
        assert c.post(REPORT, json={"hostname": "known", "software": [{"name": "curl", "version": "7.88.1"}]}).status_code == 200
        yield c


def refused(server: Server, send: Callable[[], httpx.Response], status: int = 400, error: str = "invalid_request",
            field: str | None = None) -> dict:
    payload = assert_refused(server, send, status, error, field)
    assert httpx.get(server.url + "/healthz").status_code == 200
    return payload


def trivy_report() -> bytes:
    path = FEEDS / "trivy" / "alpine-310.json"
    if not path.exists():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    return path.read_bytes()


# --- duplicate keys: msgspec keeps the last silently; the server refuses them ----------------------

DUPLICATES = {
    "top level": b'{"hostname": "known", "hostname": "victim", "software": []}',
    "inside an item": b'{"hostname": "known", "software": [{"name": "curl", "version": "1", "version": "2"}]}',
    "escaped spelling": b'{"hostname": "known", "host\\u006eame": "victim", "software": []}',
    "inside an unknown field": b'{"hostname": "known", "software": [], "extra": {"a": 1, "a": 2}}',
    "spaced colons": b'{"hostname" : "known", "software" : [], "hostname" : "victim"}',
}


@pytest.mark.parametrize("raw", DUPLICATES.values(), ids=DUPLICATES.keys())
def test_duplicate_keys_are_refused(hostile: Server, client: httpx.Client, raw: bytes) -> None:
    payload = refused(hostile, lambda: client.post(REPORT, content=raw, headers=JSON))
    assert "same key twice" in payload["message"]


def test_duplicate_keys_in_heartbeat_and_container_scan(hostile: Server, client: httpx.Client) -> None:
    refused(hostile, lambda: client.post(HEARTBEAT, content=b'{"hostname": "known", "hostname": "x"}', headers=JSON))
    report = trivy_report().replace(b'"SchemaVersion": 2,', b'"SchemaVersion": 2, "SchemaVersion": 2,', 1)
    assert report.count(b'"SchemaVersion"') == 2
    refused(hostile, lambda: client.post(SCAN, params={"hostname": "known"}, content=report, headers=JSON))


def test_no_false_alarm_on_look_alikes(hostile: Server, client: httpx.Client) -> None:
    """Escaped quotes before a colon, spaced colons and equal keys in different objects are not duplicates."""
    raw = (b'{"hostname" : "lookalike", "os": "say \\"os\\": twice", "software": ['
           b'{"name": "a\\":", "version": "1"}, {"name": "b", "version": "1", "vendor": "\\\\"}]}')
    response = client.post(REPORT, content=raw, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["products_processed"] == 2


# --- deep nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [2_000, 200_000])
def test_deeply_nested_json(hostile: Server, client: httpx.Client, depth: int) -> None:
    nested = b"[" * depth + b"]" * depth
    for path, raw in (
        (REPORT, b'{"hostname": "known", "software": [], "extra": ' + nested + b"}"),
        (REPORT, b'{"hostname": "known", "software": ' + nested + b"}"),
        (HEARTBEAT, b'{"hostname": "known", "extra": ' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"),
    ):
        refused(hostile, lambda: client.post(path, content=raw, headers=JSON))


# --- megabyte strings: every field has a length limit ------------------------------------------------

LONG = "x" * MB
LONG_FIELDS = {
    "hostname": ({"hostname": LONG, "software": []}, "hostname"),
    "name": ({"hostname": "known", "software": [{"name": LONG, "version": "1"}]}, "software[0].name"),
    "version": ({"hostname": "known", "software": [{"name": "a", "version": LONG}]}, "software[0].version"),
    "vendor": ({"hostname": "known", "software": [{"name": "a", "version": "1", "vendor": LONG}]}, "software[0].vendor"),
    "cpe": ({"hostname": "known", "software": [{"name": "a", "version": "1", "cpe": LONG}]}, "software[0].cpe"),
    "os": ({"hostname": "known", "os": LONG, "software": []}, "os"),
    "tag": ({"hostname": "known", "tags": [LONG], "software": []}, "tags[0]"),
    "agent_version": ({"hostname": "known", "agent_version": LONG, "software": []}, "agent_version"),
    "delta item": ({"hostname": "known", "delta": True, "software_added": [{"name": LONG, "version": "1"}]}, "software_added[0].name"),
}


@pytest.mark.parametrize(("payload", "field"), LONG_FIELDS.values(), ids=LONG_FIELDS.keys())
def test_megabyte_strings(hostile: Server, client: httpx.Client, payload: dict, field: str) -> None:
    refused(hostile, lambda: client.post(REPORT, json=payload), field=field)


def test_megabyte_strings_in_heartbeat_and_query(hostile: Server, client: httpx.Client) -> None:
    refused(hostile, lambda: client.post(HEARTBEAT, json={"hostname": "known", "agent_version": LONG}), field="agent_version")
    refused(hostile, lambda: client.post(SCAN, params={"hostname": "h" * 4096}, content=trivy_report(), headers=JSON),
            field="hostname")


# --- NUL bytes, invalid UTF-8 --------------------------------------------------------------------------

NULS = {
    "name": ({"hostname": "known", "software": [{"name": "a\u0000b", "version": "1"}]}, "software[0].name"),
    "version": ({"hostname": "known", "software": [{"name": "a", "version": "1\u0000"}]}, "software[0].version"),
    "vendor": ({"hostname": "known", "software": [{"name": "a", "version": "1", "vendor": "\u0000"}]}, "software[0].vendor"),
    "tag": ({"hostname": "known", "tags": ["of\u0000fice"], "software": []}, "tags[0]"),
    "os": ({"hostname": "known", "os": "Windows\u0000", "software": []}, "os"),
}


@pytest.mark.parametrize(("payload", "field"), NULS.values(), ids=NULS.keys())
def test_nul_in_fields(hostile: Server, client: httpx.Client, payload: dict, field: str) -> None:
    refused(hostile, lambda: client.post(REPORT, json=payload), field=field)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"hostname": "kno\x00wn", "software": []}',  # a raw NUL byte inside a string
        b'{"hostname": "known", "software": []}\x00',  # and after the document
        b'{"hostname": "kn\xc3\x28own", "software": []}',  # invalid UTF-8 in a known field
        b'{"hostname": "known", "software": [], "extra": "\xff\xfe"}',  # and in an unknown one
        b'{"hostname": "known", "software": [], "\xc0\xafkey": 1}',  # an overlong encoding in a key
        b'{"hostname": "known\\ud800", "software": []}',  # a lone surrogate escape
    ],
    ids=["raw NUL", "NUL after", "bad UTF-8 known field", "bad UTF-8 unknown field", "overlong key", "lone surrogate"],
)
def test_nul_bytes_and_invalid_utf8(hostile: Server, client: httpx.Client, raw: bytes) -> None:
    refused(hostile, lambda: client.post(REPORT, content=raw, headers=JSON))


# --- numbers ---------------------------------------------------------------------------------------------

NUMBERS = {
    "just over 64 bits": (b'{"hostname": "known", "software": [], "organization_id": 9223372036854775808}', "organization_id"),
    "zero": (b'{"hostname": "known", "software": [], "organization_id": 0}', "organization_id"),
    "minus zero": (b'{"hostname": "known", "software": [], "organization_id": -0}', "organization_id"),
    "float id": (b'{"hostname": "known", "software": [], "organization_id": 1.0}', "organization_id"),
    "exponent": (b'{"hostname": "known", "software": [], "organization_id": 1e400}', None),
    "number as version": (b'{"hostname": "known", "software": [{"name": "a", "version": 1.5}]}', "software[0].version"),
    "number as bool": (b'{"hostname": "known", "delta": 1, "software": []}', "delta"),
    "5000 digits unknown field": (b'{"hostname": "known", "software": [], "extra": 1' + b"0" * 5000 + b"}", None),
    "huge negative unknown field": (b'{"hostname": "known", "software": [], "extra": -1' + b"0" * 5000 + b"}", None),
}


@pytest.mark.parametrize(("raw", "field"), NUMBERS.values(), ids=NUMBERS.keys())
def test_huge_and_negative_numbers(hostile: Server, client: httpx.Client, raw: bytes, field: str | None) -> None:
    refused(hostile, lambda: client.post(REPORT, content=raw, headers=JSON), field=field)


# --- content type, gzip and length on the endpoints the error tests do not cover ----------------------


@pytest.mark.parametrize("media", ["text/plain", "multipart/form-data; boundary=x", "application/xml", "application/msgpack"])
@pytest.mark.parametrize("path", [HEARTBEAT, SCAN])
def test_wrong_content_type(hostile: Server, client: httpx.Client, path: str, media: str) -> None:
    refused(hostile, lambda: client.post(path, content=b'{"hostname": "known"}', headers={"Content-Type": media}),
            415, "unsupported_media_type")


@pytest.mark.parametrize("path", [HEARTBEAT, SCAN])
def test_gzip_bomb(hostile: Server, client: httpx.Client, path: str) -> None:
    bomb = gzip.compress(b'{"hostname": "known"' + b" " * (40 * MB) + b"}", compresslevel=9)
    assert len(bomb) < 100_000
    payload = refused(hostile, lambda: client.post(path, content=bomb, headers=GZIP), 413, "payload_too_large")
    assert "gzip" in payload["message"]


def test_gzip_tricks(hostile: Server, client: httpx.Client) -> None:
    body = json.dumps({"hostname": "known", "software": []}).encode()
    nested = gzip.compress(gzip.compress(body))  # one layer is inflated; the inner gzip is not JSON
    refused(hostile, lambda: client.post(REPORT, content=nested, headers=GZIP))
    two_members = gzip.compress(body) + gzip.compress(body)
    refused(hostile, lambda: client.post(REPORT, content=two_members, headers=GZIP))
    refused(hostile, lambda: client.post(REPORT, content=gzip.compress(b""), headers=GZIP))


def raw_request(server: Server, key: str, path: str, content_length: str, body: bytes, read: bool = True) -> int | None:
    """Send a request with any Content-Length; the status, or None if the server closed without answering."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Agent-Key: {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {content_length}\r\nConnection: close\r\n\r\n".encode() + body
        )
        if not read:
            return None
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    return int(data.split()[1]) if data.startswith(b"HTTP/") else None


@pytest.mark.parametrize("path", [HEARTBEAT, SCAN])
def test_content_length_far_beyond_the_limit(hostile: Server, client: httpx.Client, path: str) -> None:
    key = client.headers["X-Agent-Key"]
    before = hostile.snapshot()
    assert raw_request(hostile, key, path, str(10**15), b"{}") == 413
    assert hostile.snapshot() == before


@pytest.mark.parametrize("length", ["-1", "12abc", "1e3", "99999999999999999999999999999"])
def test_malformed_content_length(hostile: Server, client: httpx.Client, length: str) -> None:
    before = hostile.snapshot()
    status = raw_request(hostile, client.headers["X-Agent-Key"], REPORT, length, b"{}")
    assert status is None or 400 <= status < 500
    assert hostile.snapshot() == before
    assert httpx.get(hostile.url + "/healthz").status_code == 200


def test_body_shorter_than_announced_then_hang_up(hostile: Server, client: httpx.Client) -> None:
    before = hostile.snapshot()
    body = json.dumps({"hostname": "known", "software": []}).encode()
    raw_request(hostile, client.headers["X-Agent-Key"], REPORT, str(len(body) + 1000), body, read=False)
    assert hostile.snapshot() == before
    assert httpx.get(hostile.url + "/healthz").status_code == 200
    # And the server still takes reports.
    assert client.post(REPORT, json={"hostname": "known", "software": [{"name": "curl", "version": "7.88.1"}]}).status_code == 200
