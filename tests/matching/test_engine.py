"""The feed matcher's own behaviour around matching (the garbage collector's state across a report)."""

from __future__ import annotations

import gc

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher
from appliance.matching.index import CpeIndex

ITEMS = [SoftwareItem("Mozilla Firefox (x64 en-US)", "121.0", "Mozilla"), SoftwareItem("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov")]


def test_the_collector_is_paused_for_a_report_and_left_as_it_was(index: CpeIndex) -> None:
    seen: list[bool] = []
    matcher = FeedMatcher(index)
    original = matcher._match

    def spy(items, os_name):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(items, os_name)

    matcher._match = spy  # type: ignore[method-assign]
    assert gc.isenabled()
    enabled = matcher.match(ITEMS, "Windows 11 23H2")
    assert gc.isenabled() and seen == [False]
    gc.disable()
    try:
        disabled = FeedMatcher(index).match(ITEMS, "Windows 11 23H2")
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
    assert enabled == disabled and enabled[0].match is not None
