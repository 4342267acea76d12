"""Reader for CISA's Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json)."""

from __future__ import annotations

import msgspec

from appliance.feeds._common import CveIdText, PathLike, check_count, decode_json, decode_records
from appliance.feeds.base import Feed, FeedInfo, KevEntry
from appliance.ids import CveId

FORMAT = "kev"

# Upstream shape, after CISA's schema (known_exploited_vulnerabilities_schema.json,
# kept next to the feed): catalogVersion, dateReleased, count and vulnerabilities
# are required, and in each vulnerability all fields but
# knownRansomwareCampaignUse, notes and cwes.


class _Vulnerability(msgspec.Struct):
    cveID: CveIdText  # the schema's pattern: ^CVE-[0-9]{4}-[0-9]{4,19}$
    vendorProject: str
    product: str
    vulnerabilityName: str
    dateAdded: str
    shortDescription: str
    requiredAction: str
    dueDate: str
    knownRansomwareCampaignUse: str = ""  # "Known" or "Unknown"
    notes: str = ""


class _Catalog(msgspec.Struct):
    catalogVersion: str
    dateReleased: str
    count: int
    vulnerabilities: list[msgspec.Raw]  # each a _Vulnerability, decoded when iterated


def read(path: PathLike) -> Feed[KevEntry]:
    """Read the KEV catalog; raise FeedError if it is damaged, not the catalog, or miscounted."""
    catalog = decode_json(path, _Catalog, "a CISA KEV catalog")
    check_count(path, catalog.count, len(catalog.vulnerabilities))
    info = FeedInfo(
        FORMAT, str(path), len(catalog.vulnerabilities), catalog.dateReleased, catalog.catalogVersion
    )
    items = decode_records(path, catalog.vulnerabilities, _Vulnerability, "vulnerabilities")
    return Feed(info, (_entry(v) for v in items))


def _entry(v: _Vulnerability) -> KevEntry:
    return KevEntry(
        cve_id=CveId(v.cveID),
        vendor_project=v.vendorProject,
        product=v.product,
        vulnerability_name=v.vulnerabilityName,
        date_added=v.dateAdded,
        due_date=v.dueDate,
        known_ransomware_campaign_use=v.knownRansomwareCampaignUse,
        short_description=v.shortDescription,
        required_action=v.requiredAction,
        notes=v.notes,
    )
