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

from tests.conftest import NO_RATE_LIMITS, Server  # noqa: E402

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
# Admin changes, fuzzed with a key of the admin scope (the session form is covered by tests/api).
ASSET_ADMIN_OPERATIONS = [
    "DELETE /api/assets/{asset_id}", "POST /api/assets/{asset_id}/move",
    "PUT /api/container-findings/{finding_id}/triage", "PUT /api/container-images/{image_id}/triage",
]
# The status page's login session (cookies and a CSRF token) is covered by tests/api and the
# browser tests; generated requests without the page's Origin and token only test the refusal.
SESSION_OPERATIONS = ["POST /api/session", "GET /api/session", "DELETE /api/session"]
# The admin API, fuzzed with an admin key; and the agent scripts, which need none.
ADMIN_OPERATIONS = ["POST /api/keys", "GET /api/keys", "DELETE /api/keys/{key_id}", "GET /api/devices/recent"]
SCRIPT_OPERATIONS = ["GET /agents/{name}"]
# The admin's alert settings. Only reading is fuzzed with an admin key: generated settings would
# point the appliance's mail and webhook sends at hosts beyond 127.0.0.1. Changes are fuzzed
# without credentials (the refusal); tests/alerts covers them with real values.
ALERT_OPERATIONS = ["GET /api/alerts", "PUT /api/alerts/settings", "DELETE /api/alerts/settings", "POST /api/alerts/test"]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    """A server with the real feed and request limits off, so generated requests reach the handlers."""
    srv = Server(tmp_path_factory.mktemp("fuzz") / "data", {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    yield srv
    with srv.db() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def api(fuzzed: Server):
    schema = schemathesis.openapi.from_url(fuzzed.url + "/schema/openapi.json")
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == set(
        OPERATIONS + READ_OPERATIONS + SESSION_OPERATIONS + ADMIN_OPERATIONS + SCRIPT_OPERATIONS + ALERT_OPERATIONS
        + ASSET_ADMIN_OPERATIONS
    ), (
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
    """Without a key: a documented 401 (request limits are off here, so never the 429 of too many guesses)."""
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


ADMIN_CASES = [(label, mode) for label in ADMIN_OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
               if not (label == "GET /api/keys" and mode == GenerationMode.NEGATIVE)]  # no input to make invalid
ASSET_ADMIN_CASES = [(label, mode) for label in ASSET_ADMIN_OPERATIONS
                     for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]


@pytest.mark.slow
@pytest.mark.parametrize(("label", "mode"), ADMIN_CASES, ids=[f"{label} {mode.value}" for label, mode in ADMIN_CASES])
def test_admin_operation_answers_as_documented(api, fuzzed: Server, label: str, mode: GenerationMode) -> None:
    """Generated bodies and ids with an admin key of its own (a generated DELETE may revoke a key): never a 5xx."""
    run(api, label, mode, 40, {"X-Agent-Key": fuzzed.create_key("admin")})
    assert fuzzed.process is not None and fuzzed.process.poll() is None


@pytest.mark.slow
def test_agent_scripts_answer_as_documented(api, fuzzed: Server) -> None:
    run(api, SCRIPT_OPERATIONS[0], GenerationMode.POSITIVE, 40, {})


@pytest.mark.slow
def test_alert_settings_read_answers_as_documented(api, fuzzed: Server) -> None:
    """GET /api/alerts with an admin key: never a 5xx, always a documented status and body."""
    run(api, "GET /api/alerts", GenerationMode.POSITIVE, 10, {"X-Agent-Key": fuzzed.create_key("admin")})


@pytest.mark.slow
@pytest.mark.parametrize("label", ALERT_OPERATIONS)
def test_alert_operation_without_credentials(api, fuzzed: Server, label: str) -> None:
    """Without a key or session: a documented 401, and nothing changes."""
    run(api, label, GenerationMode.POSITIVE, 10, {"X-Agent-Key": ""})
    with fuzzed.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM alert_settings").fetchone()[0] == 0



@pytest.mark.slow
@pytest.mark.parametrize(("label", "mode"), ASSET_ADMIN_CASES, ids=[f"{label} {mode.value}" for label, mode in ASSET_ADMIN_CASES])
def test_asset_admin_operation_answers_as_documented(api, fuzzed: Server, label: str, mode: GenerationMode) -> None:
    """Generated deletions and moves with an admin key: never a 5xx, always a documented status and body."""
    with fuzzed.client(fuzzed.create_key()) as agent:  # something to delete or move
        for n in range(5):
            assert agent.post("/api/agent/report", json={"hostname": f"fuzz-admin-{n}", "software": []}).status_code in (200, 409)
    run(api, label, mode, 30, {"X-Agent-Key": fuzzed.create_key("admin")})
    assert fuzzed.process is not None and fuzzed.process.poll() is None
