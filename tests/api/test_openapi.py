"""The published OpenAPI document describes the agent API with explicit operation ids and bodies."""

from __future__ import annotations

import httpx

from tests.conftest import Server


def test_schema_lists_agent_operations(server: Server) -> None:
    schema = httpx.get(server.url + "/schema/openapi.json").json()
    operations = {
        (path, method): op for path, item in schema["paths"].items() for method, op in item.items()
    }
    report = operations[("/api/agent/report", "post")]
    assert report["operationId"] == "submitReport"
    body = report["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["hostname"]
    assert body["properties"]["software"]["anyOf"][0]["items"]["required"] == ["name", "version"]
    # Our optional per-item hints, with their bounds.
    item = body["properties"]["software"]["anyOf"][0]["items"]["properties"]
    assert {"source", "bundle_id", "source_package"} <= item.keys()
    hint = item["source_package"]["anyOf"][0]
    assert hint["maxLength"] == 255 and "source package" in hint["description"]
    assert "409" in report["description"]
    assert operations[("/api/agent/heartbeat", "post")]["operationId"] == "sendHeartbeat"
    assert operations[("/api/agent/config", "get")]["operationId"] == "getAgentConfig"
    assert operations[("/healthz", "get")]["operationId"] == "getHealth"
