"""Fixtures for the matching tests: an index compiled from the real feeds, and the feed matcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.matching.aliases import load_aliases
from appliance.matching.bundle import load_bundle
from appliance.matching.engine import FeedMatcher, default_feed_dir
from appliance.matching.index import CpeIndex


@pytest.fixture(scope="session")
def index(feed_dir: Path) -> CpeIndex:
    return CpeIndex(load_bundle(feed_dir), load_aliases(default_feed_dir() / "aliases.tsv"))


@pytest.fixture(scope="session")
def matcher(index: CpeIndex) -> FeedMatcher:
    return FeedMatcher(index)
