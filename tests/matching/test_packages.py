"""Distribution packages and Homebrew formulas read by naming conventions (appliance/matching/packages.py), on the real feeds."""

from __future__ import annotations

import re

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher
from appliance.matching.packages import _derived_names

DEBIAN = "Debian GNU/Linux 12 (bookworm)"
ROCKY = "Rocky Linux 9.3 (Blue Onyx)"
SUSE = "openSUSE Leap 15.5"
ALPINE = "Alpine Linux v3.19"
MAC = "macOS 14.5"


def _key(result) -> str | None:
    """vendor:product of the match's CPE (a quoted colon stays in the product)."""
    return ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]) if result.match else None


def test_names_derive_nearest_first() -> None:
    assert [n for n, _, _ in _derived_names("libssl3t64")][:3] == ["libssl3t64", "libssl3", "libssl"]
    assert [n for n, _, _ in _derived_names("libxml2-2")][:2] == ["libxml2-2", "libxml2"]
    assert "openjdk" in [n for n, _, _ in _derived_names("openjdk-17-jre-headless")]
    assert [n for n, _, _ in _derived_names("python3.11")] == ["python3.11", "python"]
    name, how, depth = _derived_names("libcurl3-gnutls")[1]
    assert (name, depth) == ("libcurl3", 1) and "build variant" in how


@pytest.mark.parametrize(("name", "os_name", "expected", "said"), [
    # Library packages: soname version, t64 rebuild, build variant, "lib" taken off (Debian Policy 8.1).
    ("libxslt1.1", DEBIAN, "xmlsoft:libxslt", "without version"),
    ("libnettle8t64", DEBIAN, "nettle_project:nettle", "64-bit time_t"),
    ("libcurl3t64-gnutls", DEBIAN, "haxx:libcurl", "build variant"),
    ("libjansson4", DEBIAN, "jansson_project:jansson", "the library's project"),
    ("libx265-199", DEBIAN, "multicorewareinc:x265", "no other product shares"),
    ("libopenssl1_1", SUSE, "openssl:openssl", "without version"),
    # Of one name, the product NVD files CVEs under (struktur:libde265, golang:go, gnu:gcc).
    ("libde265-0", DEBIAN, "struktur:libde265", "CVEs"),
    ("go", MAC, "golang:go", "NVD files mostly as golang:go"),
    ("gcc-12", DEBIAN, "gnu:gcc", "only gnu:gcc has CVEs"),
    # Versioned names and subpackage parts.
    ("openjdk-21-jre-headless", DEBIAN, "oracle:openjdk", "'-headless'"),
    ("postgresql-client-15", DEBIAN, "postgresql:postgresql", "'-client'"),
    ("llvm-14-tools", DEBIAN, "llvm:llvm", "without version"),
    ("bind-utils", ROCKY, "isc:bind", "'-utils'"),
    ("openjdk@17", MAC, "oracle:openjdk", "19 CVEs"),
    # A static archive in lib*-dev (Debian Policy 8.3).
    ("libssl-dev", DEBIAN, "openssl:openssl", "static archive"),
    ("coreutils-single", ROCKY, "gnu:coreutils", "'-single'"),
    # Software the distribution develops itself, among look-alike products.
    ("whoopsie", "Ubuntu 24.04 LTS", "canonical:whoopsie", "distribution's own software"),
    ("libzypp", SUSE, "opensuse:libzypp", "distribution's own software"),
    # Another distribution's duplicate of an upstream product is not what a Mac runs.
    ("cairo", MAC, "cairographics:cairo", "exactly one NVD product"),
    ("libc-utils", ALPINE, "musl-libc:musl", "alias"),  # not gnu:libc, nor glibc by Debian's libc6
    # Language modules packaged by the distribution.
    ("python3-jwt", DEBIAN, "pyjwt_project:pyjwt", "pip module 'pyjwt'"),
    ("python3-yaml", DEBIAN, "pyyaml:pyyaml", "pip module 'pyyaml'"),
    ("python3-twisted", DEBIAN, "twistedmatrix:twisted", "CVE descriptions say it is a Python package"),
    ("python3-pip-whl", DEBIAN, "pypa:pip", "pip module 'pip'"),
    ("py3-cryptography", ALPINE, "cryptography.io:cryptography", "pip module"),
    ("libspreadsheet-parseexcel-perl", DEBIAN, "jmcnamara:spreadsheet\\:\\:parseexcel", "perl module"),
    ("libdbi-perl", DEBIAN, "perl:dbi", "perl module 'dbi'"),
    ("ruby-nokogiri", DEBIAN, "nokogiri:nokogiri", "ruby module"),
    ("libcommons-io-java", DEBIAN, "apache:commons_io", "java module"),
    ("libjs-underscore", DEBIAN, "underscorejs:underscore", "javascript module"),
    # Built from another project's source.
    ("php8.2-curl", DEBIAN, "php:php", "PHP's own source"),
    ("libapache2-mod-php8.2", DEBIAN, "php:php", "PHP's own source"),
    ("golang-1.22-go", DEBIAN, "golang:go", "Go's toolchain"),
])
def test_package_names_by_convention(matcher: FeedMatcher, name: str, os_name: str, expected: str, said: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert said in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "said"), [
    # No code of its own, or not an application.
    ("libfoo-doc", DEBIAN, "documentation or data"),
    ("nginx-openrc", ALPINE, "documentation or data"),
    ("openssl-dbg", ALPINE, "documentation or data"),
    ("libldap-common", DEBIAN, "-common"),
    ("openssl-devel", ROCKY, "development headers"),
    ("kernel-core", ROCKY, "operating system"),
    ("linux-perf", DEBIAN, "operating system"),
    # Several products of one name and nothing in the data to choose: the candidates are named.
    ("libheif1", DEBIAN, "libheif:libheif (0 CVEs), struktur:libheif (0 CVEs)"),
    ("nfs-utils", ROCKY, "linux-nfs:nfs-utils"),
    ("cairo", ROCKY, "cairographics:cairo (0 CVEs), redhat:cairo (0 CVEs)"),  # redhat:cairo is an old duplicate
    ("calibre", MAC, "calibre-ebook:calibre"),
    # Look-alikes the shorter names would give.
    ("libxcb-util1", DEBIAN, "no NVD product"),  # xcb-util is not libxcb
    ("vim-runtime", DEBIAN, "no NVD product"),  # runtime files, not Vim
    ("cloud-utils-growpart", ROCKY, "no NVD product"),  # not samsung:cloud
    ("git-lfs", DEBIAN, "no NVD product"),  # a project of its own, not Git
    ("libcap-ng0", DEBIAN, "no NVD product"),  # not libcap
    ("perl-error", ALPINE, "no NVD product"),  # Perl's Error module, not Perl
    ("libalgorithm-diff-perl", DEBIAN, "no NVD product"),  # not diff_project:diff
])
def test_packages_refused_with_the_reason(matcher: FeedMatcher, name: str, os_name: str, said: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None, result.match
    assert said in result.reason


def test_a_module_of_another_ecosystem_is_not_the_python_module(matcher: FeedMatcher) -> None:
    # yaml_project:yaml is a Go module (NVD's target_sw); Debian's python3-yaml is PyYAML.
    (result,) = matcher.match([SoftwareItem("python3-yaml", "6.0")], DEBIAN)
    assert _key(result) != "yaml_project:yaml"
