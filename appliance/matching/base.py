"""The matcher contract: what the agent service hands over and what it gets back per item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec


# Where an item came from (our extension of the agent API, optional): each inventory names
# software its own way (Windows Uninstall display names, macOS bundles, Homebrew formulas,
# distribution packages, language packages).
SOURCES = ("windows_program", "macos_app", "homebrew", "dpkg", "rpm", "apk", "pip", "npm", "other")


class SoftwareItem(msgspec.Struct, frozen=True):
    """One installed program as the agent reported it; ``source``, ``bundle_id`` and
    ``source_package`` (the distribution source package of a dpkg, rpm or apk item) are
    optional hints ("" when absent)."""

    name: str
    version: str
    vendor: str = ""
    cpe: str | None = None
    source: str = ""
    bundle_id: str = ""
    source_package: str = ""


# (ItemMatch and Vulnerability hold strings, numbers and flags only, so they cannot be part of a
# reference cycle: gc=False spares the collector tracking the thousand of them a report makes.)
class ItemMatch(msgspec.Struct, frozen=True, gc=False):
    """How an item was identified: the CPE, the method (agent_cpe, alias, exact, fuzzy, reference), a 0..1 score and why;
    ``version`` is the version CVE ranges were compared with and ``version_rule`` the translation
    rule that made it from the reported one ("" when the reported version was used as it is)."""

    cpe: str
    method: str
    score: float
    evidence: str = ""
    version: str = ""
    version_rule: str = ""


class Vulnerability(msgspec.Struct, frozen=True, gc=False):
    """One CVE that applies to an item; ``via`` says which NVD criterion matched and how.

    ``fixed_version``/``fix_kind`` come from the upper bound of the range that matched:
    ``versionEndExcluding`` X is "fixed_in" X, ``versionEndIncluding`` X is "fixed_after" X,
    no upper bound (or an exact version) is "none" with no version. ``version_unknown`` is
    true when the installed version could not decide the range (an empty or unreadable
    version, or one known only in part): the CVE may apply, and is never counted as certain.
    """

    cve: str
    cvss: float | None
    severity: str | None
    kev: bool
    backport_possible: bool = False
    via: str = ""
    kev_date_added: str | None = None
    kev_due_date: str | None = None
    kev_ransomware: str | None = None
    fixed_version: str | None = None
    fix_kind: str = "none"
    version_unknown: bool = False


FIX_KINDS = ("fixed_in", "fixed_after", "none")


class MatchResult(msgspec.Struct, frozen=True):
    """The outcome for one item: a match, or the reason there is none ("could not match" is data)."""

    match: ItemMatch | None
    reason: str | None = None
    vulnerabilities: tuple[Vulnerability, ...] = ()


# --- Identification results (appliance/matching/identify.py, packages.py) ---------------------

class Identification(msgspec.Struct, frozen=True):
    """A product, how it was found (agent_cpe, alias, exact, fuzzy, reference) and the 0..1 score;
    ``part`` is the CPE part the product is filed under ("o" for the Linux kernel, an operating system)."""

    key: str
    method: str
    score: float
    evidence: str
    part: str = "a"


class Unidentified(msgspec.Struct, frozen=True):
    """Why an item could not be identified (shown to the user)."""

    reason: str


class Candidate(msgspec.Struct, frozen=True):
    """One product a name may be, with its score and evidence (internal to identification)."""

    key_id: int
    score: float
    evidence: str
    fuzzy: bool = False


class Matcher(Protocol):
    """Turns reported items into match results, one per item, in input order."""

    def match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]: ...
