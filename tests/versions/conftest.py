"""Shared checks for the version-scheme tests."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

# Real public feed data lives next to the project (see ../shared/feeds/README.md).
FEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "feeds"


def assert_total_order(scheme, expected: list[str]) -> None:
    """``expected`` is strictly increasing under ``scheme``: sorting shuffles of it gives it
    back (by key and by compare), and compare is antisymmetric and transitive over it."""
    for seed in range(5):
        shuffled = expected[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=scheme.sort_key) == expected
        assert sorted(shuffled, key=functools.cmp_to_key(scheme.compare)) == expected
    for i, a in enumerate(expected):
        for j, b in enumerate(expected):
            want = (i > j) - (i < j)
            assert scheme.compare(a, b) == want, (a, b)
            assert scheme.compare(b, a) == -want, (b, a)


@pytest.fixture
def total_order():
    return assert_total_order


@pytest.fixture
def feeds() -> Path:
    if not FEEDS.is_dir():
        pytest.skip(f"feed data not found at {FEEDS}")
    return FEEDS
