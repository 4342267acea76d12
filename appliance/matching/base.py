"""The matcher contract: what the agent service hands over and what it gets back per item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec


class SoftwareItem(msgspec.Struct, frozen=True):
    """One installed program as the agent reported it."""

    name: str
    version: str
    vendor: str = ""
    cpe: str | None = None


class ItemMatch(msgspec.Struct, frozen=True):
    """How an item was identified: the CPE, the method (agent_cpe, alias, exact, fuzzy) and a 0..1 score."""

    cpe: str
    method: str
    score: float


class MatchResult(msgspec.Struct, frozen=True):
    """The outcome for one item: a match, or the reason there is none ("could not match" is data)."""

    match: ItemMatch | None
    reason: str | None = None
    vulnerabilities: tuple[str, ...] = ()


class Matcher(Protocol):
    """Turns reported items into match results, one per item, in input order."""

    def match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]: ...
