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
    """How an item was identified: the CPE, the method (agent_cpe, alias, exact, fuzzy), a 0..1 score and why."""

    cpe: str
    method: str
    score: float
    evidence: str = ""


class Vulnerability(msgspec.Struct, frozen=True):
    """One CVE that applies to an item; ``via`` says which NVD criterion matched and how."""

    cve: str
    cvss: float | None
    severity: str | None
    kev: bool
    backport_possible: bool = False
    via: str = ""
    kev_date_added: str | None = None
    kev_due_date: str | None = None
    kev_ransomware: str | None = None


class MatchResult(msgspec.Struct, frozen=True):
    """The outcome for one item: a match, or the reason there is none ("could not match" is data)."""

    match: ItemMatch | None
    reason: str | None = None
    vulnerabilities: tuple[Vulnerability, ...] = ()


class Matcher(Protocol):
    """Turns reported items into match results, one per item, in input order."""

    def match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]: ...
