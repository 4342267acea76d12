"""Soak: 200 simulated agents for 3 minutes against one server; no errors but the intended 429s, flat memory."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from scripts.loadgen import Agent, Connection, make_agents, process_tree_rss_mb
from tests.conftest import Server

REPORT, HEARTBEAT = "/api/agent/report", "/api/agent/heartbeat"
AGENTS, AGENTS_PER_KEY = 200, 10
SECONDS = float(os.environ.get("SENTRIKAT_SOAK_SECONDS", "180"))
WARM_UP = min(30.0, SECONDS / 6)  # every agent has registered by then; memory is measured from here


async def agent_life(agent: Agent, port: int, until: float, statuses: Counter, rng: random.Random) -> None:
    """Like a real agent: a full report at start, a heartbeat every 10 s, a delta every 30 s, a full report every 45 s."""
    connection = Connection("127.0.0.1", port)
    sequence = 0
    try:
        await asyncio.sleep(rng.uniform(0, WARM_UP / 2))  # agents do not all start in the same second
        status, _ = await connection.request("POST", REPORT, agent.key, agent.full_bodies[0])
        statuses[("register", status)] += 1
        next_beat, next_delta, next_full = (time.monotonic() + rng.uniform(0, t) for t in (10, 30, 45))
        while (now := time.monotonic()) < until:
            if now >= next_full:
                sequence += 1
                body, kind, next_full = agent.full_bodies[sequence % len(agent.full_bodies)], "full", now + 45
            elif now >= next_delta:
                body, kind, next_delta = agent.delta_bodies[sequence % 2], "delta", now + 30
                sequence += 1
            elif now >= next_beat:
                body, kind, next_beat = agent.heartbeat_body, "heartbeat", now + 10
            else:
                await asyncio.sleep(min(next_beat, next_delta, next_full, until) - now)
                continue
            status, _ = await connection.request("POST", HEARTBEAT if kind == "heartbeat" else REPORT, agent.key, body)
            statuses[(kind, status)] += 1
    finally:
        connection.close()


async def noisy_life(agent: Agent, port: int, until: float, statuses: Counter) -> None:
    """One misbehaving agent that heartbeats five times a second: its key's limit (120/min) must stop it with 429s."""
    connection = Connection("127.0.0.1", port)
    try:
        while time.monotonic() < until:
            status, body = await connection.request("POST", HEARTBEAT, agent.key, agent.heartbeat_body)
            statuses[("noisy", status)] += 1
            if status == 429:
                assert json.loads(body)["retry_after"] >= 1
            await asyncio.sleep(0.2)
    finally:
        connection.close()


async def sample_memory(pid: int, until: float, samples: list[tuple[float, float]]) -> None:
    started = time.monotonic()
    while time.monotonic() < until:
        samples.append((time.monotonic() - started, process_tree_rss_mb(pid)))
        await asyncio.sleep(2)


@pytest.mark.slow
@pytest.mark.soak
def test_soak(make_server, feed_dir: Path, tmp_path: Path) -> None:
    srv: Server = make_server(SENTRIKAT_FEED_DIR=str(feed_dir))  # default rate limits
    agents = make_agents(AGENTS + 1, 200, prefix="soak", variants=4)
    noisy = agents.pop()
    keys = [srv.create_key() for _ in range(AGENTS // AGENTS_PER_KEY + 1)]
    for n, agent in enumerate(agents):
        agent.key = keys[n // AGENTS_PER_KEY]
    noisy.key = keys[-1]
    statuses: Counter = Counter()
    samples: list[tuple[float, float]] = []
    assert srv.process is not None

    async def run() -> None:
        until = time.monotonic() + SECONDS
        rng = random.Random(5)
        await asyncio.gather(
            sample_memory(srv.process.pid, until, samples),
            noisy_life(noisy, srv.port, until, statuses),
            *(agent_life(agent, srv.port, until, statuses, rng) for agent in agents),
        )

    asyncio.run(run())
    baseline = next(rss for at, rss in samples if at >= WARM_UP)
    final = samples[-1][1]
    summary = {
        "seconds": SECONDS, "agents": AGENTS, "requests": sum(statuses.values()),
        "statuses": {f"{kind} {status}": n for (kind, status), n in sorted(statuses.items())},
        "rss_start_mb": round(samples[0][1], 1), "rss_after_warm_up_mb": round(baseline, 1),
        "rss_peak_mb": round(max(r for _, r in samples), 1), "rss_end_mb": round(final, 1),
        "growth_percent": round((final - baseline) / baseline * 100, 1),
    }
    print("soak:", json.dumps(summary))
    (tmp_path / "soak.json").write_text(json.dumps(summary))
    errors = {k: n for k, n in statuses.items() if k[1] != 200 and not (k[0] == "noisy" and k[1] == 429)}
    assert not errors, summary
    assert statuses[("noisy", 429)] > 0, "the noisy agent was never limited"
    assert statuses[("register", 200)] == AGENTS
    assert final < baseline * 1.10, summary
    with srv.db() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM assets WHERE status = 'active'").fetchone()[0] == AGENTS
