"""Fixtures for the matching tests: an index compiled from the real feeds, the feed matcher, and real inventories."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from appliance.matching.aliases import load_aliases
from appliance.matching.base import SoftwareItem
from appliance.matching.bundle import load_bundle
from appliance.matching.engine import FeedMatcher, default_feed_dir
from appliance.matching.index import CpeIndex


@pytest.fixture(scope="session")
def index(feed_dir: Path) -> CpeIndex:
    return CpeIndex(load_bundle(feed_dir), load_aliases(default_feed_dir() / "aliases.tsv"))


@pytest.fixture(scope="session")
def matcher(index: CpeIndex) -> FeedMatcher:
    return FeedMatcher(index)


Inventories = list[tuple[list[SoftwareItem], str]]


@pytest.fixture(scope="session")
def real_inventories(feeds_root: Path) -> Callable[[Sequence[str]], Inventories]:
    """Reports to compare two ways of matching on: the real Debian inventory, and the development
    set's items per OS, each at its own version and at every one of ``versions``."""

    def build(versions: Sequence[str]) -> Inventories:
        debian = json.loads((feeds_root / "inventories" / "debian12-dpkg.json").read_text())["software"]
        cases = [([SoftwareItem(p["name"], p["version"], p["vendor"]) for p in debian], "Debian GNU/Linux 12 (bookworm)")]
        labelled = json.loads((Path(__file__).parent / "labelled_items.json").read_text())["items"]
        for os_name in sorted({i["os"] for i in labelled}):
            items = [SoftwareItem(i["name"], v, i["vendor"] or "", None, i.get("source", ""), i.get("bundle_id", ""))
                     for i in labelled if i["os"] == os_name for v in (i["version"], *versions)]
            cases.append((items, os_name))
        return cases

    return build
