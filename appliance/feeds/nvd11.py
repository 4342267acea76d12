"""Reader for the legacy NVD JSON 1.1 feed (nvdcve-1.1-*.json[.gz], `CVE_Items[]`)."""

from __future__ import annotations

from typing import Literal

import msgspec

from appliance.feeds._common import (
    CveIdText,
    PathLike,
    check_count,
    cvss2_severity,
    decode_json,
    decode_records,
    english,
    urls,
)
from appliance.feeds.base import (
    ConfigNode,
    Configuration,
    CpeMatch,
    CveRecord,
    Cvss,
    Feed,
    FeedError,
    FeedInfo,
)
from appliance.ids import CveId

FORMAT = "nvd11"

# Upstream shape, after NVD's nvd_cve_feed_json_1.1 schema (which embeds the
# CVE_JSON_4.0 record and the CVSS v2/v3.x schemas). Field names are NVD's; only
# the fields we use are declared.


class _CpeMatch(msgspec.Struct):
    vulnerable: bool
    cpe23Uri: str  # the 1.1 name of 2.0's `criteria`; 1.1 has no matchCriteriaId
    versionStartIncluding: str | None = None
    versionStartExcluding: str | None = None
    versionEndIncluding: str | None = None
    versionEndExcluding: str | None = None


class _Node(msgspec.Struct):
    operator: Literal["OR", "AND"]
    negate: bool = False
    children: list[_Node] = []
    cpe_match: list[_CpeMatch] = []


class _Configurations(msgspec.Struct):
    nodes: list[_Node] = []


class _CvssV3(msgspec.Struct):
    version: Literal["3.0", "3.1"]
    vectorString: str
    baseScore: float
    baseSeverity: str


class _BaseMetricV3(msgspec.Struct):
    cvssV3: _CvssV3


class _CvssV2(msgspec.Struct):
    vectorString: str
    baseScore: float


class _BaseMetricV2(msgspec.Struct):
    cvssV2: _CvssV2
    severity: str | None = None  # optional in the schema


class _Impact(msgspec.Struct):
    # The 1.1 feed holds NVD's own scores only (one per CVSS version), so there
    # is no Primary/Secondary choice to make; {} when NVD has not scored the CVE.
    baseMetricV3: _BaseMetricV3 | None = None
    baseMetricV2: _BaseMetricV2 | None = None


class _Meta(msgspec.Struct):
    ID: CveIdText


class _LangString(msgspec.Struct):
    lang: str
    value: str


class _Description(msgspec.Struct):
    description_data: list[_LangString]


class _Reference(msgspec.Struct):
    url: str  # also name, refsource and tags, which we do not use


class _References(msgspec.Struct):
    reference_data: list[_Reference] = []


class _Cve(msgspec.Struct):
    CVE_data_meta: _Meta
    description: _Description
    references: _References = msgspec.field(default_factory=_References)


class _Item(msgspec.Struct):
    cve: _Cve
    publishedDate: str
    lastModifiedDate: str
    configurations: _Configurations = msgspec.field(default_factory=_Configurations)
    impact: _Impact = msgspec.field(default_factory=_Impact)


class _Feed(msgspec.Struct):
    CVE_Items: list[msgspec.Raw]  # each an _Item, decoded when iterated
    CVE_data_numberOfCVEs: str | None = None  # a count, written as a string
    CVE_data_timestamp: str | None = None


def read(path: PathLike) -> Feed[CveRecord]:
    """Read an NVD JSON 1.1 feed file; raise FeedError if it is damaged or not one."""
    feed = decode_json(path, _Feed, "an NVD JSON 1.1 feed")
    if feed.CVE_data_numberOfCVEs is not None:
        try:
            stated = int(feed.CVE_data_numberOfCVEs)
        except ValueError as exc:
            raise FeedError(f"{path}: CVE_data_numberOfCVEs is not a number") from exc
        check_count(path, stated, len(feed.CVE_Items))
    info = FeedInfo(FORMAT, str(path), len(feed.CVE_Items), feed.CVE_data_timestamp)
    items = decode_records(path, feed.CVE_Items, _Item, "CVE_Items")
    return Feed(info, (_record(path, item) for item in items))


def _record(path: PathLike, item: _Item) -> CveRecord:
    cve_id = item.cve.CVE_data_meta.ID
    return CveRecord(
        id=CveId(cve_id),
        published=item.publishedDate,
        last_modified=item.lastModifiedDate,
        status=None,  # 1.1 has no vulnStatus
        description=english([(d.lang, d.value) for d in item.cve.description.description_data]) or "",
        cvss=_cvss(item.impact),
        configurations=_configurations(path, cve_id, item.configurations.nodes),
        references=urls(r.url for r in item.cve.references.reference_data),
    )


def _cvss(impact: _Impact) -> Cvss | None:
    # The rule (v3.1, else v3.0, else v2): 1.1 has at most one v3 metric, whose
    # cvssV3.version says 3.0 or 3.1.
    if impact.baseMetricV3 is not None:
        v3 = impact.baseMetricV3.cvssV3
        return Cvss(v3.version, v3.baseScore, v3.baseSeverity, v3.vectorString)
    if impact.baseMetricV2 is not None:
        v2 = impact.baseMetricV2
        severity = v2.severity or cvss2_severity(v2.cvssV2.baseScore)
        return Cvss("2.0", v2.cvssV2.baseScore, severity, v2.cvssV2.vectorString)
    return None


def _configurations(path: PathLike, cve_id: str, nodes: list[_Node]) -> tuple[Configuration, ...]:
    # Mapping 1.1 onto the 2.0 model. In 1.1, configurations.nodes[] is a list of
    # top-level node trees (nested through `children`), any of which may match;
    # in 2.0 it is configurations[], each a flat list of nodes. NVD's 1.1 data
    # uses two tree shapes, which map one to one:
    #   - a leaf node (cpe_match, no children), e.g. OR [winrar < 6.23]
    #       -> Configuration(operator=None, nodes=(that node,))
    #   - a node whose children are leaves, e.g. AND [OR [app...], OR [windows]]
    #       -> Configuration(operator=AND, negate=node.negate, nodes=children)
    # A top-level node with neither children nor cpe_match states nothing (53
    # CVEs of the 2022 file have one next to real nodes); since configurations
    # are alternatives, dropping one that matches nothing changes nothing.
    # Deeper trees, or a node with both children and cpe_match, have no 2.0
    # equivalent and are refused rather than guessed at.
    configurations = []
    for node in nodes:
        if node.children and node.cpe_match:
            raise FeedError(f"{path}: {cve_id}: a configuration node has both children and cpe_match")
        if node.children:
            if any(child.children for child in node.children):
                raise FeedError(f"{path}: {cve_id}: configuration nodes nested more than two levels deep")
            children = tuple(_leaf(child) for child in node.children)
            configurations.append(Configuration(node.operator, node.negate, children))
        elif node.cpe_match:
            configurations.append(Configuration(None, False, (_leaf(node),)))
    return tuple(configurations)


def _leaf(node: _Node) -> ConfigNode:
    return ConfigNode(node.operator, node.negate, tuple(_cpe_match(m) for m in node.cpe_match))


def _cpe_match(match: _CpeMatch) -> CpeMatch:
    return CpeMatch(
        criteria=match.cpe23Uri,
        vulnerable=match.vulnerable,
        version_start_including=match.versionStartIncluding,
        version_start_excluding=match.versionStartExcluding,
        version_end_including=match.versionEndIncluding,
        version_end_excluding=match.versionEndExcluding,
    )
