"""Property-based tests from the app's own OpenAPI document (schemathesis): no 5xx, every answer as documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Server  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [
    "POST /api/agent/report",
    "POST /api/agent/heartbeat",
    "POST /api/agent/container-scan",
    "GET /api/agent/config",
    "POST /api/agent/inventory",
    "GET /api/agent/commands",
    "GET /healthz",
]
# The read API, fuzzed with a key of the read scope.
READ_OPERATIONS = [
    "GET /api/status",
    "GET /api/assets",
    "GET /api/assets/{asset_id}",
    "GET /api/vulnerabilities",
    "GET /api/vulnerabilities.csv",
    "GET /api/remediation",
    "GET /api/remediation.csv",
]
# The status page's login session (cookies and a CSRF token) is covered by tests/api and the
# browser tests; generated requests without the page's Origin and token only test the refusal.
SESSION_OPERATIONS = ["POST /api/session", "GET /api/session", "DELETE /api/session"]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    """A server with the real feed and per-key limits off, so generated requests reach the handlers."""
    srv = Server(tmp_path_factory.mktemp("fuzz") / "data", {
        "SENTRIKAT_FEED_DIR": str(feed_dir),
        "SENTRIKAT_RATE_REPORT": "0", "SENTRIKAT_RATE_HEARTBEAT": "0", "SENTRIKAT_RATE_CONFIG": "0",
        "SENTRIKAT_RATE_CONTAINER_SCAN": "0", "SENTRIKAT_RATE_INVENTORY": "0", "SENTRIKAT_RATE_COMMANDS": "0",
    }).start()
    yield srv
    with srv.db() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def api(fuzzed: Server):
    schema = schemathesis.openapi.from_url(fuzzed.url + "/schema/openapi.json")
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == set(OPERATIONS + READ_OPERATIONS + SESSION_OPERATIONS), (
        f"operations changed: {sorted(labels)}; update the lists above"
    )
    return schema


def run(api, label: str, mode: GenerationMode, examples: int, headers: dict[str, str]) -> None:
    operation = api.find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.fixture(scope="module")
def fuzz_key(fuzzed: Server) -> str:
    return fuzzed.create_key()


CASES = [(label, mode) for label in OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if not (label == "GET /healthz" and mode == GenerationMode.NEGATIVE)]  # no input to make invalid


@pytest.mark.slow
@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{label} {mode.value}" for label, mode in CASES])
def test_operation_answers_as_documented(api, fuzzed: Server, fuzz_key: str, label: str, mode: GenerationMode) -> None:
    """Generated valid and invalid requests with a valid key: never a 5xx, always a documented status and body."""
    run(api, label, mode, 60, {"X-Agent-Key": fuzz_key})
    assert fuzzed.process is not None and fuzzed.process.poll() is None


@pytest.mark.slow
@pytest.mark.parametrize("label", OPERATIONS[:4])
def test_operation_without_a_key(api, fuzzed: Server, label: str) -> None:
    """Without a key: 401, or 429 once one address has guessed too often; both documented."""
    run(api, label, GenerationMode.POSITIVE, 10, {"X-Agent-Key": ""})


@pytest.fixture(scope="module")
def read_key(fuzzed: Server) -> str:
    return fuzzed.create_key("read")


READ_CASES = [(label, mode) for label in READ_OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
              if not (label == "GET /api/status" and mode == GenerationMode.NEGATIVE)]  # no input to make invalid


@pytest.mark.slow
@pytest.mark.parametrize(("label", "mode"), READ_CASES, ids=[f"{label} {mode.value}" for label, mode in READ_CASES])
def test_read_operation_answers_as_documented(api, fuzzed: Server, read_key: str, label: str, mode: GenerationMode) -> None:
    """Generated valid and invalid queries with a read key: never a 5xx, always a documented status and body."""
    run(api, label, mode, 40, {"X-Agent-Key": read_key})
    assert fuzzed.process is not None and fuzzed.process.poll() is None
