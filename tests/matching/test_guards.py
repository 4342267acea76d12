"""Refusals and choices that keep identification precise on software the rules were not written from (sets 22-25)."""

from __future__ import annotations

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher
from appliance.matching.packages import repository_stems

DEBIAN = "Debian GNU/Linux 12 (bookworm)"
ROCKY = "Rocky Linux 9.4"
MACOS = "macOS 14.5"


def product(matcher: FeedMatcher, item: SoftwareItem, os_name: str) -> tuple[str | None, str]:
    (result,) = matcher.match([item], os_name)
    if result.match is None:
        return None, result.reason or ""
    return ":".join(result.match.cpe.split(":")[3:5]), result.match.evidence


def test_a_library_named_with_a_digit_keeps_it_before_its_hyphened_soname() -> None:
    # Debian Policy 8.1: libgit2-1.5's soname version follows a hyphen because the name ends in a digit.
    assert repository_stems("libgit2-1.5") == ["libgit2-1.5", "libgit2", "git2"]
    # Without the hyphen the trailing digits are the soname version, as before.
    assert repository_stems("libexpat1") == ["libexpat1", "libexpat", "expat1", "expat"]
    assert repository_stems("libx265-199") == ["libx265-199", "libx265", "x265"]


@pytest.mark.parametrize("source_package", ["libgit2", ""])
def test_libgit2_is_not_git(matcher: FeedMatcher, source_package: str) -> None:
    # git-scm:git's CVEs link git-for-windows/git, a repository the stem "git" of libgit2 names.
    item = SoftwareItem("libgit2-1.5", "1.5.1+ds-1+deb12u2", "Utkarsh Gupta <utkarsh@debian.org>", None, "dpkg",
                        "", source_package)
    found, evidence = product(matcher, item, DEBIAN)
    assert found is not None and found.startswith("libgit2"), evidence


def test_a_repository_named_like_the_whole_package_still_speaks(matcher: FeedMatcher) -> None:
    # lrzip's repository (ckolivas/lrzip) is linked by the CVEs of long_range_zip_project:long_range_zip.
    item = SoftwareItem("lrzip", "0.651-2", "Debian", None, "dpkg", "", "lrzip")
    assert product(matcher, item, DEBIAN)[0] == "long_range_zip_project:long_range_zip"


@pytest.mark.parametrize("source_package", ["quota", ""])
def test_translations_split_off_as_nls_are_no_code(matcher: FeedMatcher, source_package: str) -> None:
    item = SoftwareItem("quota-nls", "4.06-6.el9", "Rocky Enterprise Software Foundation", None, "rpm", "", source_package)
    found, reason = product(matcher, item, ROCKY)
    assert found is None, reason


def test_an_apple_bundle_id_refuses_another_vendors_product(matcher: FeedMatcher) -> None:
    item = SoftwareItem("System Information.app", "11.0", "", None, "macos_app", "com.apple.SystemProfiler")
    found, reason = product(matcher, item, MACOS)
    assert found is None and "com.apple.SystemProfiler" in reason and "systeminformation" in reason


def test_an_apple_bundle_id_keeps_apples_products(matcher: FeedMatcher) -> None:
    item = SoftwareItem("Safari.app", "17.5", "", None, "macos_app", "com.apple.Safari")
    assert product(matcher, item, MACOS)[0] == "apple:safari"
