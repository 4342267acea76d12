"""Reader for NVD CVE API 2.0 JSON: an API response page or a yearly nvdcve-2.0-*.json[.gz] file."""

from __future__ import annotations

from typing import Literal, TypeVar

import msgspec

from appliance.feeds._common import (
    CveIdText,
    PathLike,
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

FORMAT = "nvd20"

# Upstream shape, after the NVD CVE API 2.0 documentation
# (https://nvd.nist.gov/developers/vulnerabilities) and its JSON schema
# (cve_api_json_2.0.schema). Field names are NVD's. Only the fields we use are
# declared; msgspec skips the others (weaknesses, cisa*, cveTags,
# the newer `affected`, cvssMetricV40, ssvcV203, ...).


class _CpeMatch(msgspec.Struct):
    vulnerable: bool
    criteria: str
    matchCriteriaId: str | None = None
    versionStartIncluding: str | None = None
    versionStartExcluding: str | None = None
    versionEndIncluding: str | None = None
    versionEndExcluding: str | None = None


class _Node(msgspec.Struct):
    operator: Literal["OR", "AND"]
    cpeMatch: list[_CpeMatch]
    negate: bool = False  # optional in the schema; NVD writes it on every node today


class _Configuration(msgspec.Struct):
    nodes: list[_Node]
    # NVD writes `operator` only when a configuration has several nodes (e.g.
    # Adobe Reader AND Windows); `negate` is optional and rare.
    operator: Literal["OR", "AND"] | None = None
    negate: bool = False


class _CvssV3Data(msgspec.Struct):
    vectorString: str
    baseScore: float
    baseSeverity: str  # required by the CVSS v3.x JSON schema


class _CvssV3Metric(msgspec.Struct):
    cvssData: _CvssV3Data
    type: str = ""  # "Primary" or "Secondary"


class _CvssV2Data(msgspec.Struct):
    vectorString: str
    baseScore: float


class _CvssV2Metric(msgspec.Struct):
    cvssData: _CvssV2Data
    type: str = ""
    baseSeverity: str | None = None  # v2 keeps severity on the metric, not in cvssData


class _Metrics(msgspec.Struct):
    # `metrics` is {} for records NVD has not analysed yet.
    cvssMetricV31: list[_CvssV3Metric] = []
    cvssMetricV30: list[_CvssV3Metric] = []
    cvssMetricV2: list[_CvssV2Metric] = []


class _LangString(msgspec.Struct):
    lang: str
    value: str


class _Reference(msgspec.Struct):
    url: str  # also source and tags, which we do not use


class _Cve(msgspec.Struct):
    id: CveIdText
    published: str
    lastModified: str
    descriptions: list[_LangString]
    vulnStatus: str | None = None
    metrics: _Metrics = msgspec.field(default_factory=_Metrics)
    configurations: list[_Configuration] = []  # absent until NVD analyses the CVE
    references: list[_Reference] = []


class _Vulnerability(msgspec.Struct):
    cve: _Cve


class _Response(msgspec.Struct):
    vulnerabilities: list[msgspec.Raw]  # each a _Vulnerability, decoded when iterated
    format: str | None = None  # "NVD_CVE"
    timestamp: str | None = None


def read(path: PathLike) -> Feed[CveRecord]:
    """Read an NVD CVE API 2.0 document; raise FeedError if it is damaged or not one."""
    response = decode_json(path, _Response, "an NVD CVE API 2.0 document")
    if response.format not in (None, "NVD_CVE"):
        raise FeedError(f"{path}: not an NVD CVE document: format is {response.format!r}")
    info = FeedInfo(FORMAT, str(path), len(response.vulnerabilities), response.timestamp)
    items = decode_records(path, response.vulnerabilities, _Vulnerability, "vulnerabilities")
    return Feed(info, (_record(item.cve) for item in items))


def _record(cve: _Cve) -> CveRecord:
    return CveRecord(
        id=CveId(cve.id),
        published=cve.published,
        last_modified=cve.lastModified,
        status=cve.vulnStatus,
        description=english([(d.lang, d.value) for d in cve.descriptions]) or "",
        cvss=_cvss(cve.metrics),
        configurations=tuple(_configuration(c) for c in cve.configurations),
        references=urls(r.url for r in cve.references),
    )


_M = TypeVar("_M", _CvssV3Metric, _CvssV2Metric)


def _primary(metrics: list[_M]) -> _M:
    """The NVD "Primary" metric of a version if there is one, else the first listed."""
    return next((m for m in metrics if m.type == "Primary"), metrics[0])


def _cvss(metrics: _Metrics) -> Cvss | None:
    # The rule: v3.1, else v3.0, else v2; Primary first within a version.
    for version, v3 in (("3.1", metrics.cvssMetricV31), ("3.0", metrics.cvssMetricV30)):
        if v3:
            data = _primary(v3).cvssData
            return Cvss(version, data.baseScore, data.baseSeverity, data.vectorString)
    if metrics.cvssMetricV2:
        metric = _primary(metrics.cvssMetricV2)
        data = metric.cvssData
        severity = metric.baseSeverity or cvss2_severity(data.baseScore)
        return Cvss("2.0", data.baseScore, severity, data.vectorString)
    return None


def _configuration(config: _Configuration) -> Configuration:
    return Configuration(
        operator=config.operator,
        negate=config.negate,
        nodes=tuple(
            ConfigNode(node.operator, node.negate, tuple(_cpe_match(m) for m in node.cpeMatch))
            for node in config.nodes
        ),
    )


def _cpe_match(match: _CpeMatch) -> CpeMatch:
    return CpeMatch(
        criteria=match.criteria,
        vulnerable=match.vulnerable,
        version_start_including=match.versionStartIncluding,
        version_start_excluding=match.versionStartExcluding,
        version_end_including=match.versionEndIncluding,
        version_end_excluding=match.versionEndExcluding,
        match_criteria_id=match.matchCriteriaId,
    )
