"""Tests for appliance.feeds.trivy against the real Trivy JSON reports in ../shared/feeds/trivy."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from appliance.feeds import trivy
from appliance.feeds.base import FeedError, ScanFinding
from appliance.feeds.trivy import TrivyCvss, TrivyReport, choose_cvss, image_reference

# What shared/feeds/trivy/README.md states about each file: artifact type, vulnerabilities.
FILES = {
    "alpine-310.json": ("container_image", 4),
    "debian-buster.json": ("container_image", 2),
    "centos-7.json": ("container_image", 3),
    "pip.json": ("repository", 2),
}


@pytest.fixture(scope="session")
def trivy_dir(feeds_dir: Path) -> Path:
    return feeds_dir / "trivy"


def _write(source: Path, target: Path, change) -> Path:
    report = json.loads(source.read_bytes())
    change(report)
    target.write_text(json.dumps(report))
    return target


def test_every_sample_file_is_listed(trivy_dir: Path) -> None:
    assert sorted(p.name for p in trivy_dir.glob("*.json")) == sorted(FILES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_counts_and_feed_info(trivy_dir: Path, name: str) -> None:
    artifact_type, count = FILES[name]
    feed = trivy.read(trivy_dir / name)
    records = list(feed.records)
    assert feed.info.format == "trivy"
    assert feed.info.record_count == len(records) == count
    assert feed.info.feed_date == "2021-08-25T12:20:30.000000005Z"  # CreatedAt
    raw = json.loads((trivy_dir / name).read_bytes())
    assert raw["ArtifactType"] == artifact_type
    assert [r.vulnerability_id for r in records] == [
        v["VulnerabilityID"] for result in raw["Results"] for v in result.get("Vulnerabilities", [])
    ]


def test_alpine_finding(trivy_dir: Path) -> None:
    first = next(trivy.read(trivy_dir / "alpine-310.json").records)
    assert first == ScanFinding(
        vulnerability_id="CVE-2019-1549",
        pkg_name="libcrypto1.1",
        installed_version="1.1.1c-r0",
        target="testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)",
        target_class="os-pkgs",
        target_type="alpine",
        pkg_path=None,
        purl="pkg:apk/alpine/libcrypto1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2",
        fixed_version="1.1.1d-r0",
        status="fixed",
        severity="MEDIUM",
        # NVD's v3.1 score, not Red Hat's 4.8 (CVSS:3.0) listed beside it.
        cvss=5.3,
        cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
        cvss_source="nvd",
        title="openssl: information disclosure in fork()",
        primary_url="https://avd.aquasec.com/nvd/cve-2019-1549",
        data_source="alpine",
    )
    assert first.key == ("CVE-2019-1549", "libcrypto1.1", "1.1.1c-r0", first.target)


def test_centos_findings_without_fix_or_data_source(trivy_dir: Path) -> None:
    records = {r.key[:2]: r for r in trivy.read(trivy_dir / "centos-7.json").records}
    bash = records[("CVE-2019-18276", "bash")]
    # No FixedVersion (Red Hat will not fix it) and no DataSource in this golden.
    assert (bash.fixed_version, bash.status, bash.data_source, bash.severity) == (None, "will_not_fix", None, "LOW")
    openssl = records[("CVE-2019-1559", "openssl-libs")]
    # rpm versions keep their epoch as Trivy writes them.
    assert (openssl.installed_version, openssl.fixed_version) == ("1:1.0.2k-16.el7", "1:1.0.2k-19.el7")


def test_repository_scan(trivy_dir: Path) -> None:
    report = msgspec.json.decode((trivy_dir / "pip.json").read_bytes(), type=TrivyReport)
    assert (report.artifact_name, report.artifact_type, report.metadata) == ("testdata/fixtures/repo/pip", "repository", None)
    records = list(trivy.read(trivy_dir / "pip.json").records)
    assert {(r.pkg_name, r.target, r.target_class, r.target_type, r.data_source) for r in records} == {
        ("Werkzeug", "requirements.txt", "lang-pkgs", "pip", "ghsa")
    }


def test_image_metadata(trivy_dir: Path) -> None:
    report = msgspec.json.decode((trivy_dir / "debian-buster.json").read_bytes(), type=TrivyReport)
    assert report.metadata is not None and report.metadata.os is not None
    assert (report.metadata.os.family, report.metadata.os.name) == ("debian", "10.1")
    assert report.metadata.image_id == "sha256:c2c03a296d2329a4f3ab72a7bf38b78a8a80108204d326b0139d6af700e152d1"
    assert report.metadata.repo_digests is None  # a --input tarball has no registry digests


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.pop("Results"),
        lambda r: r.update(Results=[]),
        lambda r: r.update(Results=None),
        lambda r: r["Results"][0].pop("Vulnerabilities"),
        lambda r: r["Results"][0].update(Vulnerabilities=None),
    ],
    ids=["no Results", "empty Results", "null Results", "no Vulnerabilities", "null Vulnerabilities"],
)
def test_nothing_found_is_valid(trivy_dir: Path, tmp_path: Path, change) -> None:
    feed = trivy.read(_write(trivy_dir / "alpine-310.json", tmp_path / "r.json", change))
    assert feed.info.record_count == 0 and list(feed.records) == []


def test_unknown_fields_are_ignored(trivy_dir: Path, tmp_path: Path) -> None:
    def add_fields(report: dict) -> None:
        report["FutureTopLevel"] = {"x": [1, 2]}
        report["Results"][0]["FutureResultField"] = True
        report["Results"][0]["Vulnerabilities"][0]["FutureVulnField"] = "y"
        report["Metadata"]["OS"]["Extended"] = True

    original = list(trivy.read(trivy_dir / "alpine-310.json").records)
    assert list(trivy.read(_write(trivy_dir / "alpine-310.json", tmp_path / "r.json", add_fields)).records) == original


def test_cvss_order() -> None:
    nvd = TrivyCvss(v3_score=5.3, v3_vector="CVSS:3.1/A", v2_score=5.0)
    redhat = TrivyCvss(v3_score=4.8, v3_vector="CVSS:3.0/B")
    ghsa = TrivyCvss(v3_score=7.5)
    assert choose_cvss({"redhat": redhat, "nvd": nvd}) == (5.3, "CVSS:3.1/A", "nvd")
    # Without NVD, the source Trivy took the severity from, then the others by name.
    assert choose_cvss({"redhat": redhat, "ghsa": ghsa}, "redhat") == (4.8, "CVSS:3.0/B", "redhat")
    assert choose_cvss({"redhat": redhat, "ghsa": ghsa}) == (7.5, None, "ghsa")
    # v3 from any source beats NVD's v2; v4.0 only without v3, v2 last.
    assert choose_cvss({"nvd": TrivyCvss(v2_score=5.0), "redhat": redhat}) == (4.8, "CVSS:3.0/B", "redhat")
    assert choose_cvss({"nvd": TrivyCvss(v2_score=5.0), "ghsa": TrivyCvss(v40_score=6.9, v40_vector="CVSS:4.0/C")}) == (
        6.9, "CVSS:4.0/C", "ghsa"
    )
    assert choose_cvss({"nvd": TrivyCvss(v2_score=5.0, v2_vector="AV:N")}) == (5.0, "AV:N", "nvd")
    assert choose_cvss({"nvd": TrivyCvss()}) is None
    assert choose_cvss(None) is None and choose_cvss({}) is None


def test_cvss_without_nvd_in_a_real_report(trivy_dir: Path, tmp_path: Path) -> None:
    def drop_nvd(report: dict) -> None:
        for v in report["Results"][0]["Vulnerabilities"]:
            del v["CVSS"]["nvd"]

    first = next(trivy.read(_write(trivy_dir / "alpine-310.json", tmp_path / "r.json", drop_nvd)).records)
    assert (first.cvss, first.cvss_vector, first.cvss_source) == (4.8, "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", "redhat")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alpine:3.10", ("alpine", "3.10")),
        ("alpine", ("alpine", "")),
        ("docker.io/library/nginx:1.25.3-alpine", ("docker.io/library/nginx", "1.25.3-alpine")),
        ("localhost:5000/team/app", ("localhost:5000/team/app", "")),
        ("localhost:5000/team/app:v2", ("localhost:5000/team/app", "v2")),
        ("nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", ("nginx", "")),
        ("nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", ("nginx", "1.25")),
        ("testdata/fixtures/images/alpine-310.tar.gz", ("testdata/fixtures/images/alpine-310.tar.gz", "")),
        ("C:\\images\\app.tar", ("C:\\images\\app.tar", "")),
    ],
)
def test_image_reference(name: str, expected: tuple[str, str]) -> None:
    assert image_reference(name) == expected


# Damaged or foreign files, derived from the real ones.


def test_other_schema_version_is_refused(trivy_dir: Path, tmp_path: Path) -> None:
    path = _write(trivy_dir / "alpine-310.json", tmp_path / "r.json", lambda r: r.update(SchemaVersion=1))
    with pytest.raises(FeedError, match=r"r.json: not a Trivy JSON report \(SchemaVersion 2\).*SchemaVersion") as caught:
        trivy.read(path)
    assert isinstance(caught.value.__cause__, msgspec.ValidationError)


def test_another_feed_is_refused(feeds_dir: Path) -> None:
    with pytest.raises(FeedError, match="not a Trivy JSON report"):
        trivy.read(feeds_dir / "nvd" / "nvdcve-2.0-sample.json")


def test_truncated_file_is_refused(trivy_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes((trivy_dir / "centos-7.json").read_bytes()[:-20])
    with pytest.raises(FeedError, match="r.json: invalid JSON"):
        trivy.read(path)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r["Results"][0]["Vulnerabilities"][2].pop("VulnerabilityID"), r"Results\[0\].Vulnerabilities\[2\]"),
        (lambda r: r["Results"][0]["Vulnerabilities"][1].update(PkgName=""), r"Results\[0\].Vulnerabilities\[1\].PkgName"),
        (lambda r: r["Results"][0]["Vulnerabilities"][0].update(PkgName="bash\u0000"), r"Vulnerabilities\[0\].PkgName"),
        (lambda r: r["Results"][0]["Vulnerabilities"][0].update(InstalledVersion=5), r"Vulnerabilities\[0\].InstalledVersion"),
        (lambda r: r["Results"][0]["Vulnerabilities"][0]["CVSS"]["nvd"].update(V3Score="7.8"), r"V3Score"),
        (lambda r: r["Results"][0].pop("Target"), r"Target"),
        (lambda r: r.update(Results={}), r"Results"),
    ],
    ids=["no VulnerabilityID", "empty PkgName", "NUL in PkgName", "numeric version", "score as text", "no Target", "Results not a list"],
)
def test_bad_finding_is_refused_with_its_path(trivy_dir: Path, tmp_path: Path, change, where: str) -> None:
    path = _write(trivy_dir / "centos-7.json", tmp_path / "r.json", change)
    with pytest.raises(FeedError, match=where):
        trivy.read(path)
