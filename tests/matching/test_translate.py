"""Version translation: each rule with the registry string it handles, the table file, and the shared-feed acceptance."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher, default_feed_dir, default_rules
from appliance.matching.translate import RuleError, Translation, decorations, load_rules
from tests.conftest import FEEDS

RULES = default_rules()

# (product key, display name, version as the installer registers it) -> (version, update, floor, ceiling, rule).
# Registry strings from issue 16 and from the AppsAndFeaturesEntries (DisplayName, DisplayVersion)
# of the public winget-pkgs installer manifests of the same releases.
CASES = [
    # Oracle Java 8: "Java 8 Update 321" is 8.0.3210.7 (winget Oracle.JavaRuntimeEnvironment 8.0.3210.7).
    ("oracle:jre", "Java 8 Update 321 (64-bit)", "8.0.3210.7", ("1.8.0", "update321", None, None, "oracle_java")),
    ("oracle:jre", "Java 8 Update 451 (64-bit)", "8.0.4510.10", ("1.8.0", "update451", None, None, "oracle_java")),
    ("oracle:jdk", "Java SE Development Kit 8 Update 321 (64-bit)", "8.0.3210.7", ("1.8.0", "update321", None, None, "oracle_java")),
    ("oracle:jre", "Java 8", "1.8.0_321", ("1.8.0", "update321", None, None, "oracle_java")),
    ("oracle:jdk", "Java(TM) SE Development Kit 17.0.2 (64-bit)", "17.0.2.0", ("17.0.2", "", None, None, "oracle_java")),
    # OpenJDK builds: Temurin 8u345-b01 registers 8.0.345.1, 11.0.16+101 registers 11.0.16.101.
    ("oracle:openjdk", "Eclipse Temurin JDK with Hotspot 8u345-b01 (x64)", "8.0.345.1", ("8", "update345", None, None, "openjdk")),
    ("oracle:openjdk", "Eclipse Temurin JDK with Hotspot 11.0.16+101 (x64)", "11.0.16.101", ("11.0.16", "", None, None, "openjdk")),
    # JetBrains: IntelliJ IDEA Community Edition 2022.1.3 registers 221.5921.22 (winget 2022.1.3).
    ("jetbrains:intellij_idea", "IntelliJ IDEA Community Edition 2022.1.3", "221.5921.22", ("2022.1.3", "", None, None, "jetbrains_build")),
    ("jetbrains:intellij_idea", "IntelliJ IDEA", "221.5921.22", ("2022.1", "", "2022.1", "2022.2", "jetbrains_build")),
    ("jetbrains:pycharm", "PyCharm Community Edition 2022.3", "223.7571.203", ("2022.3", "", "2022.3", "2022.4", "jetbrains_build")),
    # Adobe: the build's first digit is the track.
    ("adobe:acrobat_reader_dc", "Adobe Acrobat Reader DC", "20.005.30407", ("20.005.30407", "", None, None, "adobe_track")),
    ("adobe:acrobat_dc", "Adobe Acrobat DC", "2022.003.20281", ("22.003.20281", "", None, None, "adobe_track")),
    # .NET: "Microsoft .NET Runtime - 6.0.16 (x64)" registers 6.0.16.32323 (winget Microsoft.DotNet.Runtime.6 6.0.16).
    ("microsoft:.net", "Microsoft .NET Runtime - 6.0.16 (x64)", "6.0.16.32323", ("6.0.16", "", None, None, "dotnet")),
    # A number that is not the release (constructed: the shape of the runtime MSI parts' product versions).
    ("microsoft:.net", "Microsoft .NET Runtime - 6.0.16 (x64)", "48.67.58635", ("6.0.16", "", None, None, "dotnet")),
    ("microsoft:.net_framework", "Microsoft .NET Framework 4.8", "4.8.04084", ("4.8", "", None, None, "dotnet_framework")),
    ("microsoft:.net_framework", "Microsoft .NET Framework", "4.8.04084", ("4.8", "", "4.8", "4.9", "dotnet_framework")),
    ("microsoft:visual_c\\+\\+", "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532", "14.36.32532.0",
     ("2022", "", None, None, "msvc_redistributable")),
    ("microsoft:visual_c\\+\\+", "Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219", "10.0.40219",
     ("2010", "", None, None, "msvc_redistributable")),
    # Zoom's MSI for 5.13.4 (download 5.13.4.11835) registers 5.13.11835 (winget Zoom.Zoom 5.13.11835).
    ("zoom:meetings", "Zoom", "5.13.11835", ("5.13", "", "5.13", "5.14", "zoom_build")),
    ("zoom:meetings", "Zoom", "5.13.4.11835", ("5.13.4", "", None, None, "zoom_build")),
    # A Linux kernel package's upstream version "6.8.0" (Ubuntu 6.8.0-47.47, RHEL 5.14.0-427.el9) is some 6.8 kernel.
    ("linux:linux_kernel", "linux-image-6.8.0-47-generic", "6.8.0", ("6.8", "", "6.8", "6.9-rc0", "kernel_series")),
    ("linux:linux_kernel", "kernel-core", "5.14.0", ("5.14", "", "5.14", "5.15-rc0", "kernel_series")),
    # Decorations, for any product: AnyDesk "ad 7.0.9" (issue 16), Zoom "5.12.0 (8964)" (winget Zoom.Zoom).
    ("anydesk:anydesk", "AnyDesk", "ad 7.0.9", ("7.0.9", "", None, None, "prefix")),
    ("zoom:meetings", "Zoom", "5.12.0 (8964)", ("5.12.0", "", None, None, "bracketed_build")),
    ("acme:tool", "Acme Tool", "5.13.4 (11359)", ("5.13.4", "", None, None, "bracketed_build")),
    ("acme:tool", "Acme Tool", "1.2.3 build 456", ("1.2.3", "", None, None, "trailing_build")),
    ("acme:tool", "Acme Tool", "Version 2.1 (Build 77)", ("2.1", "", None, None, "prefix+bracketed_build")),
    # From the labelled sets' real entries: Tunnelblick "4.0.1 (build 5971)", a Windows driver package's date.
    ("acme:tool", "Tunnelblick", "4.0.1 (build 5971)", ("4.0.1", "", None, None, "bracketed_build")),
    ("acme:tool", "Windows Driver Package - Intel (MEIx64) System  (10/29/2023 2251.4.2.0)", "10/29/2023 2251.4.2.0",
     ("2251.4.2.0", "", None, None, "date_prefix")),
]


@pytest.mark.parametrize(("key", "name", "version", "expected"), CASES, ids=[f"{c[0]} {c[2]}" for c in CASES])
def test_each_rule_on_the_string_it_handles(key: str, name: str, version: str, expected: tuple) -> None:
    found = RULES.translate(key, name, version)
    assert found is not None and found.note
    assert (found.version, found.update, found.floor, found.ceiling, found.rule) == expected


@pytest.mark.parametrize(
    ("key", "version"),
    [("oracle:jre", "1.8.0"), ("jetbrains:intellij_idea", "2022.1.3"), ("acme:tool", "1.0 beta 2"), ("acme:tool", "4.2.8p15"),
     ("adobe:acrobat_reader_dc", "22.003.20281"), ("zoom:meetings", "5.13.4"), ("acme:tool", ""), ("acme:tool", "1:2.39.5"),
     ("linux:linux_kernel", "6.1.123"), ("linux:linux_kernel", "6.10"), ("linux:linux_kernel", "6.8.0.1")],
)
def test_versions_nvd_already_understands_are_left_alone(key: str, version: str) -> None:
    assert RULES.translate(key, "", version) is None


def test_update_field_is_compared_in_short_form() -> None:
    assert Translation("1.8.0", "update321").compared == "1.8.0u321"
    assert Translation("1.9.5", "patch1").compared == "1.9.5p1"
    assert decorations("ad 7.0.9") == Translation("7.0.9", rule="prefix", note="prefix 'ad' dropped")


def test_adobe_classic_track_moves_to_the_classic_product() -> None:
    assert RULES.translate("adobe:acrobat_reader_dc", "Adobe Acrobat Reader 2020", "20.005.30407").key == "adobe:acrobat_reader"
    assert RULES.translate("adobe:acrobat", "Adobe Acrobat", "23.006.20320").key == "adobe:acrobat_dc"


def test_the_table_names_known_rules_and_products(tmp_path: Path) -> None:
    table = default_feed_dir() / "version_rules.tsv"
    rules = load_rules(table)
    assert len(rules.by_key) >= 20
    if FEEDS.is_dir():
        with open(FEEDS / "cpe" / "cpes.csv", newline="", encoding="utf-8") as handle:
            products = {f"{row['vendor']}:{row['product']}" for row in csv.DictReader(handle)}
        assert not set(rules.by_key) - products, "keys not in the NVD CPE product list"
    bad = tmp_path / "rules.tsv"
    bad.write_text("acme:tool\tno_such_rule\tcomment\n")
    with pytest.raises(RuleError, match="rules.tsv:1"):
        load_rules(bad)


# Issue 16's acceptance on the shared feed: a Windows host, versions as the installers register them.
ACCEPTANCE = [
    ("Java 8 Update 321 (64-bit)", "8.0.3210.7", "Oracle Corporation", {"CVE-2022-21426", "CVE-2022-21434"}, set()),
    ("IntelliJ IDEA 2022.1.3", "221.5921.22", "JetBrains s.r.o.", {"CVE-2022-37009"}, {"CVE-2022-29812", "CVE-2022-24346"}),
    ("AnyDesk", "ad 7.0.9", "philandro Software GmbH", {"CVE-2022-32450"}, set()),
]


@pytest.mark.parametrize(("name", "version", "vendor", "found", "absent"), ACCEPTANCE, ids=[a[0] for a in ACCEPTANCE])
def test_issue_16_acceptance(matcher: FeedMatcher, name: str, version: str, vendor: str, found: set, absent: set) -> None:
    (result,) = matcher.match([SoftwareItem(name, version, vendor)], "Windows 11 23H2")
    assert result.match is not None, result.reason
    certain = {v.cve for v in result.vulnerabilities if not v.version_unknown}
    assert found <= certain, f"missing {found - certain}; got {sorted(certain)}"
    assert not absent & {v.cve for v in result.vulnerabilities}
    assert result.match.version_rule


def test_java_cpe_carries_the_update_field(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("Java 8 Update 321 (64-bit)", "8.0.3210.7", "Oracle Corporation")], "Windows 11")
    assert result.match.cpe == "cpe:2.3:a:oracle:jre:1.8.0:update321:*:*:*:*:*:*"
    (other,) = matcher.match([SoftwareItem("Java 8 Update 311 (64-bit)", "8.0.3110.11", "Oracle Corporation")], "Windows 11")
    assert not {"CVE-2022-21426", "CVE-2022-21434"} & {v.cve for v in other.vulnerabilities}


def test_a_build_without_its_patch_level_decides_what_it_can(matcher: FeedMatcher) -> None:
    # No release in the name: 221.5921.22 is "2022.1.x". < 2022.1 is decided (not affected),
    # < 2022.2 is decided (affected); nothing in this feed is left undecided for IntelliJ.
    (result,) = matcher.match([SoftwareItem("IntelliJ IDEA", "221.5921.22", "JetBrains s.r.o.")], "Windows 11")
    by_id = {v.cve: v for v in result.vulnerabilities}
    assert by_id["CVE-2022-37009"].version_unknown is False
    assert "CVE-2022-29812" not in by_id and "CVE-2022-24346" not in by_id
    assert result.match.version == "2022.1.x" and result.match.version_rule == "jetbrains_build"


def test_a_span_that_straddles_a_bound_is_version_unknown(matcher: FeedMatcher) -> None:
    # Zoom's MSI "5.10.4306" (winget Zoom.Zoom 5.10.4306) is some 5.10.x: CVE-2022-22788's "< 5.10.3"
    # falls inside the line, so it is undecided; "< 5.12.2" holds for every 5.10.x.
    (result,) = matcher.match([SoftwareItem("Zoom", "5.10.4306", "Zoom Video Communications, Inc.")], "Windows 11")
    assert result.match is not None and result.match.version_rule == "zoom_build"
    unknown = {v.cve for v in result.vulnerabilities if v.version_unknown}
    certain = {v.cve for v in result.vulnerabilities if not v.version_unknown}
    assert unknown and certain, sorted((v.cve, v.via) for v in result.vulnerabilities)
    assert all(v.fixed_version and v.fixed_version.startswith("5.10.") for v in result.vulnerabilities if v.version_unknown)
    assert "CVE-2022-28763" in certain  # < 5.12.2
