"""The matching issue's acceptance cases, on the real NVD sample, CPE list and KEV catalog."""

from __future__ import annotations

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher

CASES = [
    # name, version, publisher, os, CVEs that must be found, CVEs that must not
    ("WinRAR 6.22 (64-bit)", "6.22.0", "win.rar GmbH", "Windows 11 23H2", {"CVE-2023-38831"}, set()),
    ("WinRAR 6.24 (64-bit)", "6.24.0", "win.rar GmbH", "Windows 11 23H2", set(), {"CVE-2023-38831"}),
    ("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov", "Windows 11 23H2", {"CVE-2025-0411", "CVE-2024-11477"}, set()),
    ("7-Zip 24.09 (x64)", "24.09", "Igor Pavlov", "Windows 11 23H2", set(), {"CVE-2025-0411", "CVE-2024-11477"}),
    ("Google Chrome", "116.0.5845.96", "Google LLC", "Windows 11 23H2", {"CVE-2023-4863"}, set()),
    ("Adobe Acrobat Reader DC", "22.003.20281", "Adobe Inc.", "Windows 10 22H2", {"CVE-2023-21608"}, set()),
    ("sudo", "1.9.4", "Sudo Maintainers", "Ubuntu 20.04 LTS", {"CVE-2021-3156"}, set()),
    ("Git", "2.43.0", "The Git Development Community", "Windows 11 23H2", {"CVE-2024-32002"}, set()),
    ("Git", "2.45.2", "The Git Development Community", "Windows 11 23H2", set(), {"CVE-2024-32002"}),
    ("Notepad++ (64-bit x64)", "8.5.6", "Notepad++ Team", "Windows 11 23H2", {"CVE-2023-40031"}, set()),
    ("Notepad++ (64-bit x64)", "8.5.7", "Notepad++ Team", "Windows 11 23H2", set(), {"CVE-2023-40031"}),
]


@pytest.mark.parametrize(("name", "version", "vendor", "os_name", "found", "absent"), CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_acceptance(matcher: FeedMatcher, name: str, version: str, vendor: str, os_name: str, found: set, absent: set) -> None:
    (result,) = matcher.match([SoftwareItem(name, version, vendor)], os_name)
    assert result.match is not None, result.reason
    cves = {v.cve for v in result.vulnerabilities}
    assert found <= cves, f"missing {found - cves}; got {sorted(cves)}"
    assert not absent & cves


def test_kev_entries_are_flagged_with_their_dates(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("WinRAR 6.22 (64-bit)", "6.22.0", "win.rar GmbH")], "Windows 11")
    by_id = {v.cve: v for v in result.vulnerabilities}
    winrar = by_id["CVE-2023-38831"]
    assert winrar.kev is True
    assert winrar.kev_date_added == "2023-08-24"
    assert winrar.kev_due_date == "2023-09-14"
    assert winrar.kev_ransomware in ("Known", "Unknown")
    assert (winrar.cvss, winrar.severity) == (7.8, "HIGH")
    assert winrar.via == "rarlab:winrar < 6.23"
    assert by_id["CVE-2023-40477"].kev is False


def test_reader_on_linux_does_not_match_the_windows_and_mac_configuration(matcher: FeedMatcher) -> None:
    item = SoftwareItem("Adobe Acrobat Reader DC", "22.003.20281", "Adobe Inc.")
    (linux,) = matcher.match([item], "Debian GNU/Linux 12 (bookworm)")
    (unknown,) = matcher.match([item], "Unknown")
    (mac,) = matcher.match([item], "macOS 14.5")
    assert "CVE-2023-21608" not in {v.cve for v in linux.vulnerabilities}
    assert "CVE-2023-21608" not in {v.cve for v in unknown.vulnerabilities}
    assert "CVE-2023-21608" in {v.cve for v in mac.vulnerabilities}


def test_distribution_os_cpes_are_not_matched_from_the_os_name(matcher: FeedMatcher) -> None:
    # CVE-2023-4863 lists debian_linux 12.0 as vulnerable; a Debian host with an unrelated
    # package must not get it for running Debian.
    (result,) = matcher.match([SoftwareItem("adduser", "3.134", "Debian Adduser Developers")], "Debian GNU/Linux 12 (bookworm)")
    assert result.vulnerabilities == ()


def test_package_versions_compare_upstream_and_flag_backports(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("sudo", "1.9.5p2-3+deb11u1", "Sudo Maintainers")], "Debian GNU/Linux 11")
    assert "CVE-2021-3156" not in {v.cve for v in result.vulnerabilities}  # 1.9.5p2 is the fixed release
    (old,) = matcher.match([SoftwareItem("sudo", "1.8.27-1+deb10u2", "Sudo Maintainers")], "Debian GNU/Linux 10")
    finding = {v.cve: v for v in old.vulnerabilities}["CVE-2021-3156"]
    assert finding.backport_possible is True  # Debian fixed it in 1.8.27-1+deb10u3 without a new upstream
    assert "upstream version 1.8.27" in old.match.evidence


def test_update_field_of_exact_criteria(matcher: FeedMatcher) -> None:
    # CVE-2021-3156 lists sudo 1.9.5 update "patch1" (installed as "1.9.5p1") and 1.9.5 with no update.
    for version in ("1.9.5p1", "1.9.5"):
        (result,) = matcher.match([SoftwareItem("sudo", version, "")], "Ubuntu 20.04")
        assert "CVE-2021-3156" in {v.cve for v in result.vulnerabilities}, version


@pytest.mark.parametrize("version", ["", " ", "-", "3f2a9c1d8e7b", "latest"])
def test_unknown_versions_are_identified_and_their_cves_are_never_certain(matcher: FeedMatcher, version: str) -> None:
    (result,) = matcher.match([SoftwareItem("WinRAR", version, "win.rar GmbH")], "Windows 11")
    assert result.match is not None and result.match.method == "alias"
    assert "unknown" in result.reason
    by_id = {v.cve: v for v in result.vulnerabilities}
    # Not dropped: the KEV entry for WinRAR < 6.23 may apply, and says that it is undecided.
    assert by_id["CVE-2023-38831"].version_unknown is True
    assert by_id["CVE-2023-38831"].kev is True
    assert all(v.version_unknown for v in result.vulnerabilities)


@pytest.mark.parametrize("os_name", ["Debian GNU/Linux 12 (bookworm)", "Fedora 39", "Alpine Linux v3.19", "Windows 11", "macOS 14", "Unknown"])
@pytest.mark.parametrize("version", ["", "   ", "not a version", "1:", "-r1", "\u00e9\u00e8", "1.0-", ":::"])
def test_unreadable_versions_under_every_scheme_give_a_defined_result(matcher: FeedMatcher, os_name: str, version: str) -> None:
    (result,) = matcher.match([SoftwareItem("openssl", version, "Debian")], os_name)
    if result.match is not None:
        assert all(v.version_unknown for v in result.vulnerabilities) or result.reason is None


def test_fixed_versions_come_from_the_range_that_matched(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov")], "Windows 11")
    fixes = {v.cve: (v.fixed_version, v.fix_kind, v.version_unknown) for v in result.vulnerabilities}
    assert fixes == {"CVE-2024-11477": ("24.07", "fixed_in", False), "CVE-2025-0411": ("24.09", "fixed_in", False)}
    # An exact-version criterion lists no fixed version (sudo 1.9.5p1 in CVE-2021-3156).
    (sudo,) = matcher.match([SoftwareItem("sudo", "1.9.5p1", "")], "Ubuntu 20.04")
    finding = {v.cve: v for v in sudo.vulnerabilities}["CVE-2021-3156"]
    assert (finding.fixed_version, finding.fix_kind) in ((None, "none"), ("1.9.5p2", "fixed_in"))


def test_results_are_deterministic(matcher: FeedMatcher) -> None:
    items = [SoftwareItem("Google Chrome", "116.0.5845.96", "Google LLC"), SoftwareItem("putty", "0.79", "")]
    assert matcher.match(items, "Windows 11") == matcher.match(list(items), "Windows 11")
    assert matcher.match(items[::-1], "Windows 11") == matcher.match(items, "Windows 11")[::-1]
