"""Reader for Trivy's JSON report (SchemaVersion 2), the output of ``trivy image --format json``."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec

from appliance.feeds._common import PathLike, decode_json
from appliance.feeds.base import Feed, FeedInfo, ScanFinding

FORMAT = "trivy"

# Upstream shape: Trivy's JSON report, described in Trivy's docs under "Reporting / JSON"
# (https://trivy.dev/latest/docs/configuration/reporting/#json) and defined by the Go types
# Report, Metadata and Result (pkg/types/report.go) and DetectedVulnerability
# (pkg/types/vulnerability.go, which embeds trivy-db's types.Vulnerability). Almost every
# field there is `json:",omitempty"`: a missing field means empty, not invalid. So only
# SchemaVersion (2 since Trivy v0.20; version 1 was a bare array of results), Result.Target
# (the one field without omitempty) and what identifies a finding (VulnerabilityID,
# PkgName) are required. Every other field Trivy writes (Layer, References, Description,
# VendorSeverity, Packages, Misconfigurations, ...) is ignored.
#
# The same Structs decode request bodies of the agent API (POST /api/agent/container-scan),
# so they are strict where a finding's identity is concerned: identity text must not hold
# control characters, as the agent API's names must not.

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
_Id = Annotated[str, msgspec.Meta(min_length=1, max_length=1024, pattern=_PRINTABLE)]
_Text = Annotated[str, msgspec.Meta(max_length=1024, pattern=_PRINTABLE)]


class TrivyOS(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """Metadata.OS: the OS family (``alpine``, ``debian``, ``centos``) and its version as ``Name``."""

    family: str = ""
    name: str = ""


class TrivyMetadata(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """Metadata: for images the image id and registry digests; OS is absent for repository scans and distroless images."""

    os: TrivyOS | None = msgspec.field(default=None, name="OS")
    image_id: str = msgspec.field(default="", name="ImageID")
    repo_digests: tuple[str, ...] | None = None


class TrivyPkgIdentifier(msgspec.Struct, frozen=True, kw_only=True):
    """PkgIdentifier (Trivy v0.46 and later; older reports have none): the package URL."""

    purl: str | None = msgspec.field(default=None, name="PURL")


class TrivyCvss(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """One source's CVSS entry (trivy-db's types.CVSS): vectors and base scores per CVSS version.

    V40 appears in reports of Trivy v0.53 and later. JSON integers are accepted as scores
    (Trivy writes ``"V2Score": 5``).
    """

    v2_vector: str = ""
    v3_vector: str = ""
    v40_vector: str = ""
    v2_score: float | None = None
    v3_score: float | None = None
    v40_score: float | None = None


class TrivyDataSource(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """DataSource: the advisory database the finding comes from (``ID`` e.g. ``alpine``, ``ghsa``)."""

    id: str = msgspec.field(default="", name="ID")
    name: str = ""
    url: str = msgspec.field(default="", name="URL")


class TrivyVulnerability(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """Results[].Vulnerabilities[]: one vulnerability of one installed package."""

    vulnerability_id: _Id = msgspec.field(name="VulnerabilityID")
    pkg_name: _Id
    installed_version: _Text = ""
    pkg_path: str = ""
    pkg_identifier: TrivyPkgIdentifier | None = None
    fixed_version: str = ""
    status: str = ""
    severity: str = ""
    severity_source: str = ""
    cvss: dict[str, TrivyCvss] | None = msgspec.field(default=None, name="CVSS")
    title: str = ""
    primary_url: str = msgspec.field(default="", name="PrimaryURL")
    data_source: TrivyDataSource | None = None


class TrivyResult(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """Results[]: one target (the image's OS packages, a lock file, ...) with its vulnerabilities."""

    target: _Text
    target_class: str = msgspec.field(default="", name="Class")
    target_type: str = msgspec.field(default="", name="Type")
    vulnerabilities: tuple[TrivyVulnerability, ...] | None = None


class TrivyReport(msgspec.Struct, frozen=True, kw_only=True, rename="pascal"):
    """A whole Trivy JSON report. Results is absent (or empty) when nothing was found."""

    schema_version: Literal[2]
    artifact_name: _Text = ""
    artifact_type: str = ""
    created_at: str = ""
    metadata: TrivyMetadata | None = None
    results: tuple[TrivyResult, ...] | None = None


def read(path: PathLike) -> Feed[ScanFinding]:
    """Read a Trivy JSON report file; raise FeedError if it is damaged or not SchemaVersion 2."""
    report = decode_json(path, TrivyReport, "a Trivy JSON report (SchemaVersion 2)")
    found = findings(report)
    return Feed(FeedInfo(FORMAT, str(path), len(found), report.created_at or None), iter(found))


def findings(report: TrivyReport) -> list[ScanFinding]:
    """Every vulnerability of the report, in report order, one per (result, vulnerability) pair.

    Duplicates are kept: whether two entries are the same finding (ScanFinding.key) is the
    caller's decision.
    """
    return [
        _finding(result, vulnerability)
        for result in report.results or ()
        for vulnerability in result.vulnerabilities or ()
    ]


def _finding(result: TrivyResult, v: TrivyVulnerability) -> ScanFinding:
    chosen = choose_cvss(v.cvss, v.severity_source)
    return ScanFinding(
        vulnerability_id=v.vulnerability_id,
        pkg_name=v.pkg_name,
        installed_version=v.installed_version,
        target=result.target,
        target_class=result.target_class,
        target_type=result.target_type,
        pkg_path=v.pkg_path or None,
        purl=(v.pkg_identifier.purl or None) if v.pkg_identifier else None,
        fixed_version=v.fixed_version or None,
        status=v.status or None,
        # Trivy's severities are UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL (trivy-db types.Severity).
        severity=v.severity.upper() or "UNKNOWN",
        cvss=chosen[0] if chosen else None,
        cvss_vector=chosen[1] if chosen else None,
        cvss_source=chosen[2] if chosen else None,
        title=v.title or None,
        primary_url=web_url(v.primary_url),
        data_source=(v.data_source.id or None) if v.data_source else None,
    )


_WEB_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def web_url(url: str) -> str | None:
    """An http(s) URL as given, else None: a report's PrimaryURL is shown as a link on the status
    page, and a javascript:, data: or file: URL there would run or open whatever the report chose."""
    return url if url and _WEB_URL.match(url) else None


def choose_cvss(cvss: dict[str, TrivyCvss] | None, severity_source: str = "") -> tuple[float, str | None, str] | None:
    """One base score for a finding: (score, vector or None, source), or None if no source scored it.

    Trivy's CVSS maps each scoring source (``nvd``, ``redhat``, ``ghsa``, ...) to its own
    vectors and scores. Host findings use NVD's score, so ``nvd`` comes first, then the
    source Trivy took the severity from (SeveritySource), then the others by name. CVSS v3
    is preferred as for NVD records; v4.0 (which the host findings do not use) only when no
    source has v3, and v2 last.
    """
    if not cvss:
        return None
    order = sorted(cvss, key=lambda source: (source != "nvd", source != severity_source, source))
    for version in ("v3", "v40", "v2"):
        for source in order:
            entry = cvss[source]
            score = getattr(entry, f"{version}_score")
            if score is not None:
                return score, getattr(entry, f"{version}_vector") or None, source
    return None


# A tag as the image reference grammar defines it (github.com/distribution/reference,
# reference.go: tag := /[\w][\w.-]{0,127}/).
_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)


def image_reference(artifact_name: str) -> tuple[str, str]:
    """(name, tag) of the image a report's ArtifactName names; the tag is "" when there is none.

    ArtifactName is what Trivy was given: ``alpine:3.10``, ``registry:5000/team/app:1.2``,
    ``nginx@sha256:…``, or a file for ``--input`` (``images/alpine-310.tar.gz``). A digest is
    dropped (the image id identifies the content), and a colon only starts a tag after the
    last slash and when a valid tag follows, so registry ports and file names stay in the
    name. No tag is not taken to mean ``latest``: Docker's default is not Trivy's to state.
    """
    name = artifact_name.split("@", 1)[0]
    colon = name.rfind(":")
    if colon > name.rfind("/") and _TAG.fullmatch(name[colon + 1 :]):
        return name[:colon], name[colon + 1 :]
    return name, ""
