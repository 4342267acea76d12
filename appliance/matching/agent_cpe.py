"""The matcher used until a CPE index is loaded: it trusts valid agent-supplied CPEs and nothing else."""

from __future__ import annotations

from collections.abc import Sequence

from appliance.matching.base import ItemMatch, MatchResult, SoftwareItem

NO_INDEX_REASON = "no CPE given by the agent and no CPE index is loaded"


class AgentCpeMatcher:
    """Counts an item as matched exactly when the agent sent a CPE (validated at the API edge).

    It finds no vulnerabilities: that needs the CVE feed, which this matcher does not have.
    """

    def match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]:
        return [
            MatchResult(ItemMatch(item.cpe, "agent_cpe", 1.0)) if item.cpe else MatchResult(None, NO_INDEX_REASON)
            for item in items
        ]
