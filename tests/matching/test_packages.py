"""Distribution packages and Homebrew formulas read by naming conventions (appliance/matching/packages.py), on the real feeds."""

from __future__ import annotations

import re

import pytest

from pathlib import Path

from appliance.matching.aliases import load_aliases
from appliance.matching.base import SoftwareItem
from appliance.matching.bundle import load_bundle
from appliance.matching.engine import FeedMatcher, default_feed_dir
from appliance.matching.evaluate import _key as _version_key
from appliance.matching.index import CpeIndex
from appliance.matching.packages import _derived_names, _edition_only, maintainer_vendors, repository_stems

DEBIAN = "Debian GNU/Linux 12 (bookworm)"
ROCKY = "Rocky Linux 9.3 (Blue Onyx)"
SUSE = "openSUSE Leap 15.5"
ALPINE = "Alpine Linux v3.19"
MAC = "macOS 14.5"


def _key(result) -> str | None:
    """vendor:product of the match's CPE (a quoted colon stays in the product)."""
    return ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]) if result.match else None


def test_names_derive_nearest_first() -> None:
    assert [n for n, *_ in _derived_names("libssl3t64")][:3] == ["libssl3t64", "libssl3", "libssl"]
    assert [n for n, *_ in _derived_names("libxml2-2")][:2] == ["libxml2-2", "libxml2"]
    assert "openjdk" in [n for n, *_ in _derived_names("openjdk-17-jre-headless")]
    assert [n for n, *_ in _derived_names("python3.11")] == ["python3.11", "python"]
    name, how, depth, parent = _derived_names("libcurl3-gnutls")[1]
    assert (name, depth, parent) == ("libcurl3", 1, "libcurl3-gnutls") and "build variant" in how


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
    ("python3-twisted", DEBIAN, "twistedmatrix:twisted", "CVEs say it is a Python package"),
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
    # A binary package "<project>-<part>" named after its source, when nothing else names it.
    ("bind9-host", DEBIAN, "isc:bind", "binary package '-host' of project 'bind9'"),
    ("qemu-system-x86", DEBIAN, "qemu:qemu", "binary package '-system-x86' of project 'qemu'"),
    ("openssh-keygen", ALPINE, "openbsd:openssh", "binary package '-keygen'"),
    ("busybox-binsh", ALPINE, "busybox:busybox", "binary package '-binsh'"),
    ("zypper-needs-restarting", SUSE, "opensuse:zypper", "binary package '-needs-restarting'"),
    ("libvirt-daemon-driver-qemu", ROCKY, "redhat:libvirt", "of project 'libvirt-daemon'"),
    ("rpm-plugin-selinux", ROCKY, "rpm:rpm", "binary package '-plugin-selinux'"),  # a short head, self-named and listed in 2015
    # ... whose vendor has a product of the part's name.
    ("mariadb-connector-c", ALPINE, "mariadb:connector\\/c", "vendor has a product of that name"),
    # ... or a product named the project's words and the part's (spelled out or as initials).
    ("git-lfs", DEBIAN, "git_large_file_storage_project:git_large_file_storage", "the words of 'lfs'"),  # not Git
    # A library's other spelling: Alpine's tarball names, Fedora's "<name>lib" (not golang:tiff,
    # which is the Go module golang.org/x/image/tiff).
    ("tiff", ALPINE, "libtiff:libtiff", "spelled 'libtiff'"),
    ("corosynclib", ROCKY, "corosync:corosync", "the library of 'corosync'"),
    # Base libraries built from a differently named source (package aliases, sonames off).
    ("libgcc-s1", DEBIAN, "gnu:gcc", "libgcc_s"),
    ("libstdc++", ALPINE, "gnu:gcc", "C++ standard library"),
    ("libgomp", ALPINE, "gnu:gcc", "OpenMP"),
    ("libgssapi-krb5-2", DEBIAN, "mit:kerberos_5", "GSS-API"),  # not umich:libgssapi
    ("libpam0g", DEBIAN, "linux-pam:linux-pam", "Linux-PAM"),  # not pam:pam
    ("libsnmp40", DEBIAN, "net-snmp:net-snmp", "Net-SNMP"),  # not snmp:snmp
    # Named after the project's web domain (Debian's docker.io).
    ("docker.io", DEBIAN, "docker:docker", "without the domain '.io'"),
    # Fedora's JDKs and Python wheels.
    ("java-17-openjdk-headless", ROCKY, "oracle:openjdk", "JDK implementation"),
    ("python3-pip-wheel", ROCKY, "pypa:pip", "pip module 'pip'"),
    # Development packages are the project their base name is (headers, static archives and
    # tools built from its source; advisories list them as affected).
    ("openssl-devel", ROCKY, "openssl:openssl", "development files"),
    ("java-17-openjdk-devel", ROCKY, "oracle:openjdk", "development files"),
    ("musl-dev", ALPINE, "musl-libc:musl", "development files"),
    ("zlib1g-dev", DEBIAN, "zlib:zlib", "development files"),
    # One product of the name, no CVE in the feed, but its vendor is named after it (NVD's
    # "<name>_project"): the project on Debian too.
    ("cryptsetup", DEBIAN, "cryptsetup_project:cryptsetup", "a name no other product shares"),
    ("dosfstools", DEBIAN, "dosfstools_project:dosfstools", "a name no other product shares"),
    # Modules of Apache httpd's own tree that Fedora packages apart (not the old mod_ssl:mod_ssl).
    ("mod_ssl", ROCKY, "apache:http_server", "Apache HTTP Server's own source tree"),
    ("mod_session", ROCKY, "apache:http_server", "Apache HTTP Server's own source tree"),
    # Debian's own key for its package of a module, not a module namesake of another vendor.
    ("libdbd-pg-perl", DEBIAN, "debian:libdbd-pg-perl", "distribution's own software"),
    # ... but not when the project files the name too: debian:strongswan holds one packaging CVE.
    ("strongswan", DEBIAN, "strongswan:strongswan", "self-named project"),
    # Alpine's -pyc split holds a Python package's compiled bytecode: the module's code.
    ("py3-lxml-pyc", ALPINE, "lxml:lxml", "compiled bytecode"),
])
def test_package_names_by_convention(matcher: FeedMatcher, name: str, os_name: str, expected: str, said: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert said in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "said"), [
    # No code of its own, or not an application.
    ("libfoo-doc", DEBIAN, "documentation or data"),
    ("nginx-openrc", ALPINE, "documentation or data"),
    ("openssl-dbgsym", DEBIAN, "documentation or data"),  # automatic debug symbols (openssl-dbg: session 19)
    # Fedora/RHEL directory owners, license texts, locale data and reference pages; Alpine and
    # Debian configuration and data packages.
    ("vim-filesystem", ROCKY, "documentation or data"),
    ("bind-license", ROCKY, "documentation or data"),
    ("glibc-minimal-langpack", ROCKY, "documentation or data"),
    ("pcre2-syntax", ROCKY, "documentation or data"),
    ("krb5-conf", ALPINE, "documentation or data"),
    ("geoip-database", DEBIAN, "documentation or data"),
    ("libldap-common", DEBIAN, "-common"),
    # Headers alone, and development files of what is refused itself.
    ("fortify-headers", ALPINE, "headers only"),
    ("manpages-dev", DEBIAN, "data or set-up"),
    ("libreoffice-opensymbol-fonts", ROCKY, "data or set-up"),  # Fedora's font packages
    # The kernel's headers and build files; its core package with a version that is no kernel
    # release; perf, built from the kernel's source for any kernel.
    ("kernel-devel", ROCKY, "does not hold the kernel itself"),
    ("kernel-core", ROCKY, "no kernel release"),
    ("linux-perf", DEBIAN, "does not hold the kernel itself"),
    # Several products of one name and nothing in the data to choose: the candidates are named.
    ("libvpx9", DEBIAN, "chromium:libvpx (0 CVEs), webmproject:libvpx (0 CVEs)"),
    ("calibre", MAC, "calibre-ebook:calibre"),
    # Look-alikes the shorter names would give.
    ("libxcb-util1", DEBIAN, "no NVD product"),  # xcb-util is not libxcb
    ("vim-runtime", DEBIAN, "holds data"),  # runtime files, not Vim
    ("cloud-utils-growpart", ROCKY, "not evidence enough"),  # not samsung:cloud
    ("git-crypt", DEBIAN, "by 5 other vendors"),  # a project of its own: other projects name add-ons after Git
    ("libcap-ng0", DEBIAN, "no NVD product"),  # not libcap
    ("perl-error", ALPINE, "no NVD product"),  # Perl's Error module, not Perl
    ("libalgorithm-diff-perl", DEBIAN, "no NVD product"),  # not diff_project:diff
    # A leading part that is not surely the project, or a part that is not its code.
    ("netcat-openbsd", DEBIAN, "'openbsd' implementation"),  # OpenBSD's rewrite, not netcat:netcat
    ("bash-completion", DEBIAN, "holds data"),  # completion scripts, not GNU Bash
    ("base-passwd", DEBIAN, "not evidence enough"),  # not gnustep:base
    # not erlang:crypto (the only "crypto" with CVEs, but eight other vendors name products after the word)
    ("crypto-policies", ROCKY, "other vendors"),
    ("dumb-init", ALPINE, "not evidence enough"),  # not the DUMB music library
    ("ssh-import-id", DEBIAN, "other vendors"),  # Ubuntu's tool; products named after 'ssh' are many vendors'
    ("libgpg-error0", DEBIAN, "no NVD product"),  # a soname with a hyphen: libgpg-error, not GnuPG
    ("libpam-systemd", DEBIAN, "no NVD product"),  # systemd's PAM module, not Linux-PAM
    ("libhtml-parser-perl", DEBIAN, "no NVD product"),  # HTML::Parser, not a Java parser spelled html-parser
    # Session 20: CPAN's ZOOM module, not the client of zoom (a company of 55 products).
    ("libzoom-perl", DEBIAN, "no NVD product"),
    ("libgpg-error", ROCKY, "no NVD product"),  # a library head stays a library: not GnuPG by "gpg"
    ("libpam-cap", DEBIAN, "no NVD product"),  # libcap's PAM module, not PAM
    ("postgresql-15-postgis-3", DEBIAN, "no NVD product"),  # PostGIS, not PostgreSQL
    # golang.org/x modules are Go modules: Debian's net-tools is not golang:net.
    ("net-tools", DEBIAN, "no NVD product"),
    # A library's other spelling only where the distribution's convention says so.
    ("libcrypt1", DEBIAN, "no NVD product"),  # libxcrypt, not cryptlib
    ("dnf", ROCKY, "no NVD product"),  # not its library rpm:libdnf
])
def test_packages_refused_with_the_reason(matcher: FeedMatcher, name: str, os_name: str, said: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None, result.match
    assert said in result.reason


def test_a_module_of_another_ecosystem_is_not_the_python_module(matcher: FeedMatcher) -> None:
    # yaml_project:yaml is a Go module (NVD's target_sw); Debian's python3-yaml is PyYAML.
    (result,) = matcher.match([SoftwareItem("python3-yaml", "6.0")], DEBIAN)
    assert _key(result) != "yaml_project:yaml"


@pytest.fixture(scope="module")
def rules_only(feed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> FeedMatcher:
    """The matcher with the alias table's package lines removed: the package rules alone, as
    on packages nobody has written an alias for."""
    lines = (default_feed_dir() / "aliases.tsv").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("aliases") / "aliases.tsv"
    path.write_text("\n".join(line for line in lines if not line.startswith("package\t")) + "\n", encoding="utf-8")
    return FeedMatcher(CpeIndex(load_bundle(feed_dir), load_aliases(path)))


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Of namesakes without CVEs, the one the 2015 dictionary lists: GNU's, not wget:wget, npm's
    # isaacs:tar or the Rust rewrite uutils:coreutils.
    ("wget", DEBIAN, "gnu:wget"),
    ("tar", DEBIAN, "gnu:tar"),
    ("coreutils", DEBIAN, "gnu:coreutils"),
    ("perl-libs", ROCKY, "perl:perl"),  # not larry_wall:perl
    ("nfs-utils", ROCKY, "linux-nfs:nfs-utils"),  # not nfs:nfs-utils, redhat:nfs_utils
    ("libevent", ALPINE, "libevent_project:libevent"),  # not niels_provos:libevent
    # (memcached, listed too, is decided earlier by its references: tests/matching/test_references.py.)
])
def test_the_listed_one_of_namesakes_is_the_package(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert "official CPE dictionary of 2015" in result.match.evidence


@pytest.mark.parametrize(("name", "expected"), [("bash", "gnu:bash"), ("libreadline8", "gnu:readline")])
def test_a_listed_product_without_cves_is_an_established_project(rules_only: FeedMatcher, name: str, expected: str) -> None:
    # One product of the name, no CVE in the feed: a Debian name that is a plain word needs the
    # 2015 dictionary's listing (time_project:time, unlisted, stays refused: Debian's time is GNU time).
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], DEBIAN)
    assert _key(result) == expected, result.reason or result.match
    assert "established project" in result.match.evidence
    (result,) = rules_only.match([SoftwareItem("time", "1.9")], DEBIAN)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name", "said"), [
    # The listed key's vendor spelled out is the other candidate's initials: one foundation
    # under an old and a new name (openinfosecfoundation, oisf); nothing says which NVD uses now.
    ("suricata", MAC, "oisf:suricata"),
    # "crypto" is libcrypto3 without "lib", a plain word: erlang:crypto, though listed, is not it.
    ("libcrypto3", ALPINE, "erlang:crypto"),
])
def test_listing_does_not_decide_weak_readings(rules_only: FeedMatcher, name: str, os_name: str, said: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None, result.match
    assert said in result.reason


def test_abi_marks_and_compat_prefixes_derive_names() -> None:
    # Debian's ABI marks after the soname version: a letter, "v5" (GCC 5), "c2", "ldbl".
    assert [n for n, *_ in _derived_names("libharfbuzz0b")][:2] == ["libharfbuzz0b", "libharfbuzz0"]
    assert "libharfbuzz" in [n for n, *_ in _derived_names("libharfbuzz0b")]
    assert "libsnappy1" in [n for n, *_ in _derived_names("libsnappy1v5")]
    assert "libfoo2" in [n for n, *_ in _derived_names("libfoo2c2")]
    # Not for names that are not libraries, nor for a letter that follows a letter.
    assert [n for n, *_ in _derived_names("x264b")] == ["x264b"]
    assert "libfo" not in [n for n, *_ in _derived_names("libfoo")]
    # Fedora's compat packages keep an old version beside the current one.
    assert "openssl11" in [n for n, *_ in _derived_names("compat-openssl11")]


@pytest.mark.parametrize(("name", "os_name", "expected", "said"), [
    ("libharfbuzz0b", DEBIAN, "harfbuzz_project:harfbuzz", "ABI mark 'b'"),
    ("dnsmasq-base", DEBIAN, "thekelleys:dnsmasq", "'-base'"),
    ("gettext-base", DEBIAN, "gnu:gettext", "'-base'"),
    ("compat-openssl11", ROCKY, "openssl:openssl", "without 'compat-'"),
])
def test_abi_marks_base_parts_and_compat_packages(rules_only: FeedMatcher, name: str, os_name: str, expected: str, said: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert said in result.match.evidence


@pytest.mark.parametrize(("name", "os_name"), [("libc-utils", ALPINE), ("libc6", DEBIAN), ("libc-bin", DEBIAN)])
def test_libc_names_no_one_library(rules_only: FeedMatcher, name: str, os_name: str) -> None:
    # Without an alias, 'libc' is not read as NVD's gnu:libc (Alpine's libc-utils is musl's,
    # Debian's libc6 is glibc, whose CVEs NVD files under gnu:glibc).
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None, result.match
    assert "names no one library" in result.reason


def test_fedora_common_subpackages_are_the_project(rules_only: FeedMatcher) -> None:
    # Fedora's -common is part of the project's build (grub2-common, glibc-common); Debian's
    # -common is shared data, refused unless Debian files it under its own name.
    (result,) = rules_only.match([SoftwareItem("grub2-common", "2.06")], ROCKY)
    assert _key(result) == "gnu:grub2", result.reason
    assert "Fedora's -common" in result.match.evidence
    (result,) = rules_only.match([SoftwareItem("containers-common", "1.0")], ROCKY)
    assert result.match is None and "-common" in result.reason
    (result,) = rules_only.match([SoftwareItem("libldap-common", "2.5.13")], DEBIAN)
    assert result.match is None and "-common" in result.reason


def test_python_bindings_are_not_the_native_program(rules_only: FeedMatcher) -> None:
    # pyOpenSSL's project exists in NVD (pyopenssl_project, pyopenssl:pyopenssl), so Debian's
    # python3-openssl is never openssl:openssl, though pyOpenSSL's keys leave it undecided.
    (result,) = rules_only.match([SoftwareItem("python3-openssl", "23.0.0")], DEBIAN)
    assert _key(result) != "openssl:openssl", result.match
    # Without a py-named project beside it, the module's own product stays.
    (result,) = rules_only.match([SoftwareItem("python3-cryptography", "38.0.4")], DEBIAN)
    assert _key(result) == "cryptography.io:cryptography", result.reason


@pytest.mark.parametrize(("name", "os_name", "expected", "said"), [
    # Namesakes without CVEs: the key whose vendor is the project's own name, beside its
    # organisation's or author's (a vendor of three products or fewer) or a distribution's.
    ("opendmarc", DEBIAN, "opendmarc:opendmarc", "trusteddomain:opendmarc"),
    ("libopendmarc2", DEBIAN, "opendmarc:opendmarc", "trusteddomain:opendmarc"),
    ("keepalived", ROCKY, "keepalived:keepalived", "acassen:keepalived"),
    ("libspf2-2", DEBIAN, "libspf2:libspf2", "exim:libspf2"),
    ("libheif1", DEBIAN, "libheif:libheif", "struktur:libheif"),
    ("libapparmor1", DEBIAN, "apparmor:apparmor", "canonical:apparmor"),
    ("freeipa-client", ROCKY, "freeipa:freeipa", "redhat:freeipa"),
    # No self-named key: the upstream key beside distributions' duplicates, when it is an
    # author's or a small project's (redhat:cairo is an old duplicate of cairographics:cairo).
    ("cairo", ROCKY, "cairographics:cairo", "distributions' duplicates"),
    ("kexec-tools", ROCKY, "kexec-tools_project:kexec-tools", "distributions' duplicates"),
])
def test_a_project_under_several_vendor_names(rules_only: FeedMatcher, name: str, os_name: str, expected: str, said: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert said in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "said"), [
    # A large vendor's product of the name is its own product: Horde's password module is not
    # Debian's passwd (shadow). (x.org's libXpm beside the libxpm_project placeholder is x.org's
    # since session 15: test_an_organisations_key_beside_a_bare_self_named_one.)
    ("passwd", DEBIAN, "horde:passwd"),
    # The "<name>_project" placeholder is not the project's own name: console-setup is not
    # console_project:console, beside minio:console ("console" is a plain word). (cmake_project
    # beside kitware is one project since session 16: test_identification.py,
    # test_one_project_under_several_vendor_names.)
    ("console-setup", DEBIAN, "minio:console"),
    # A distribution's own package beside a large vendor's namesake: Red Hat's setup, not SAP's.
    ("setup", ROCKY, "redhat:setup"),
    # A vendor that adds a word to the name (suricata-ids) is not the name itself.
    ("suricata", DEBIAN, "oisf:suricata"),
])
def test_namesakes_stay_refused_when_a_vendor_may_be_another_project(rules_only: FeedMatcher, name: str, os_name: str, said: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None, result.match
    assert said in result.reason


@pytest.mark.parametrize(("name", "os_name", "said"), [
    # RPM's entry for an imported signing key is no software (its name reads like GnuPG's).
    ("gpg-pubkey", ROCKY, "public key imported"),
    # "-ng" names a new project after an old one: libcap-ng is not libcap.
    ("libcap-ng", ROCKY, "'ng' implementation"),
    # PECL extensions are projects of their own, not built from PHP's source.
    ("php83-pecl-apcu", ALPINE, "no NVD product"),
    ("php-pecl-redis5", ROCKY, "no NVD product"),
    # Alpine's php83-common holds PHP's configuration, no program.
    ("php83-common", ALPINE, "-common package"),
])
def test_packages_that_are_not_the_project_they_are_named_after(rules_only: FeedMatcher, name: str, os_name: str, said: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None, result.match
    assert said in result.reason


def test_a_part_the_vendor_files_as_a_product_of_its_own(rules_only: FeedMatcher) -> None:
    # postgresql-jdbc is the JDBC driver, which NVD files as postgresql:postgresql_jdbc_driver
    # (its own versions, 42.x), not the PostgreSQL server.
    (result,) = rules_only.match([SoftwareItem("postgresql-jdbc", "42.2.27")], ROCKY)
    assert _key(result) == "postgresql:postgresql_jdbc_driver", result.reason or result.match
    assert "a product of its own" in result.match.evidence
    # PHP's own builds stay PHP.
    (result,) = rules_only.match([SoftwareItem("php83", "8.3.1")], ALPINE)
    assert _key(result) == "php:php"


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Vendors' own repositories name packages "<vendor>-<product>" (Amazon's yum repository,
    # Grafana's): the vendor's product spelled like the rest.
    # (grafana-agent, mozilla-firefox, teamviewer-host: read as parts of a self-named project first.)
    ("amazon-cloudwatch-agent", ROCKY, "amazon:cloudwatch_agent"),
    ("microsoft-edge", ROCKY, "microsoft:edge_chromium"),
    # ... with the release channel last (Google's and Microsoft's repositories).
    ("google-chrome-stable", ROCKY, "google:chrome"),
    ("microsoft-edge-beta", DEBIAN, "microsoft:edge_chromium"),
])
def test_a_package_named_vendor_then_product(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert "'<vendor>-<product>'" in result.match.evidence
    # Not a distribution's name in front, nor a vendor without a product of the rest's name.
    # (google-chrome-stable was the example up to session 14; the channel is no part now.)
    (result,) = rules_only.match([SoftwareItem("google-widgets-stable", "1.0")], DEBIAN)
    assert result.match is None


@pytest.mark.parametrize(("name", "source_package", "os_name", "scheme"), [
    # Translations, data, terminal descriptions, file(1)'s magic database: the hint names the
    # project's source (glibc, vim, ncurses, file), but the package holds no code of it.
    ("glibc-locale-base", "glibc", SUSE, "rpm"),
    ("vim-data-common", "vim", SUSE, "rpm"),
    ("terminfo-base", "ncurses", SUSE, "rpm"),
    ("ncurses-terminfo", "ncurses", ALPINE, "apk"),
    ("icu-data-en", "icu", ALPINE, "apk"),
    ("file-magic", "file", SUSE, "rpm"),
    # A distribution's release files and Oracle's preinstall packages set a system up; no program.
    ("openSUSE-release", "openSUSE-release", SUSE, "rpm"),
    ("oracle-database-preinstall-19c", "oracle-database-preinstall-19c", ROCKY, "rpm"),
    # Word lists a program checks against (session 16 round 2): not cracklib's code.
    ("cracklib-dicts", "cracklib", ROCKY, "rpm"),
    ("cracklib-dict-full", "cracklib", SUSE, "rpm"),
    # Session 19: one language's OCR model (ISO 639-2 code last), a scanner's sample files.
    ("tesseract-ocr-deu", "tesseract-lang", DEBIAN, "dpkg"),
    ("tesseract-ocr-chi-sim", "tesseract-lang", DEBIAN, "dpkg"),
    ("clamav-testfiles", "clamav", DEBIAN, "dpkg"),
])
def test_data_and_set_up_packages_stay_refused_whatever_their_source(matcher: FeedMatcher, name: str, source_package: str,
                                                                     os_name: str, scheme: str) -> None:
    for hint in (source_package, ""):
        (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme, "", hint)], os_name)
        assert result.match is None, (hint, result.match)
        assert "no program of its own" in result.reason


@pytest.mark.parametrize("name", ["util-linux-misc", "mono-runtime", "evolution-data-server", "aspnetcore-runtime-8.0",
                                  # two-letter codes are program parts too (mesa-gl, node-ms), and a
                                  # language code is data only after a project's name
                                  "mesa-gl", "node-ms", "ssh-import-id", "tesseract-ocr-dev"])
def test_data_words_refuse_only_at_the_end_of_a_name(name: str) -> None:
    # "runtime" and "misc" carry programs; "data" before another word is part of a product's name.
    from appliance.matching.packages import _data_package
    assert _data_package(name) == ""


def test_a_prometheus_exporter_is_not_prometheus(rules_only: FeedMatcher) -> None:
    (result,) = rules_only.match([SoftwareItem("prometheus-node-exporter", "1.7.0")], "Ubuntu 24.04 LTS")
    assert result.match is None, result.match
    assert "add-on" in result.reason


@pytest.mark.parametrize(("name", "expected"), [
    # A versioned interpreter's tool subpackage is the tool (Amazon Linux 2023, Fedora).
    ("python3.11-pip", "pypa:pip"),
    ("nodejs20-npm", "npmjs:npm"),
])
def test_an_interpreters_tool_subpackage_is_the_tool(rules_only: FeedMatcher, name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "10.8.2")], "Amazon Linux 2023")
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Alpine builds third-party nginx modules from the nginx source package too: the hint says
    # "nginx", but only the modules in nginx's own source are nginx.
    ("nginx-mod-http-headers-more", ALPINE, "apk", None),
    ("nginx-mod-http-brotli", ALPINE, "apk", None),
    ("nginx-mod-http-naxsi", ALPINE, "apk", None),
    # A module NVD files under its repository's name is that product.
    ("nginx-mod-http-lua", ALPINE, "apk", "openresty:lua-nginx-module"),
    # nginx's own modules are nginx, with the hint or without it.
    ("nginx-mod-stream", ALPINE, "apk", "nginx:nginx"),
    ("libnginx-mod-http-image-filter", DEBIAN, "dpkg", "nginx:nginx"),
    ("libnginx-mod-mail", DEBIAN, "dpkg", "nginx:nginx"),
])
def test_nginx_modules_of_other_projects_are_not_nginx(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                                       expected: str | None) -> None:
    for hint in ("nginx", ""):
        (result,) = matcher.match([SoftwareItem(name, "1.26.1", "", None, scheme, "", hint)], os_name)
        assert _key(result) == expected, (hint, result.reason if result.match is None else result.match.evidence)
        if expected is None:
            assert "another project's add-on" in result.reason


@pytest.mark.parametrize("hint", ["cockpit", ""])
def test_a_namesake_with_cves_is_not_the_package_when_projects_are_named_after_it(matcher: FeedMatcher, hint: str) -> None:
    # agentejo:cockpit (a PHP CMS) has the CVEs; cockpit-project:cockpit is the Linux web
    # console Fedora packages. Session 15: the CMS's CVEs link github.com/cockpit-hq/cockpit, so
    # cockpit-hq:cockpit is the CMS under its new organisation, and the one project named after
    # "cockpit" left is the package (neither the CVEs nor the CMS's repository are its).
    for name in ("cockpit", "cockpit-bridge"):
        (result,) = matcher.match([SoftwareItem(name, "311.2", "", None, "rpm", "", hint)], ROCKY)
        assert _key(result) == "cockpit-project:cockpit", result.reason
        assert "cockpithq" in result.match.evidence
    # An established product (in the 2015 dictionary) stands beside a project-named namesake.
    (result,) = matcher.match([SoftwareItem("mysql-8.0", "8.0.37", "", None, "dpkg", "", "")], DEBIAN)
    assert _key(result) == "oracle:mysql", result.reason


def test_a_repository_named_without_lib_needs_a_product_spelled_so(matcher: FeedMatcher) -> None:
    # azure-rtos/usbx is linked by microsoft:azure_rtos_usbx's CVEs; Fedora's libusbx (a fork
    # of libusb) is not Azure RTOS USBX.
    (result,) = matcher.match([SoftwareItem("libusbx", "1.0.23", "", None, "rpm", "", "libusbx")], ROCKY)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name", "expected", "said"), [
    # The ecosystem's prefix says Python, though NVD does not file the product as a pip package.
    ("python3-flask", DEBIAN, "palletsprojects:flask", "the distribution's prefix says Python"),
    ("py3-starlette", ALPINE, "encode:starlette", "names exactly one NVD product"),
    ("python3-owslib", DEBIAN, "osgeo:owslib", "prefix says Python"),
])
def test_a_python_module_under_the_prefix_is_the_one_product_of_its_name(rules_only: FeedMatcher, name: str, os_name: str,
                                                                         expected: str, said: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason
    assert said in result.match.evidence


@pytest.mark.parametrize("name", [
    "python3-dbus",     # "dbus" is 4 letters: freedesktop:dbus is the bus, not its binding
    "python3-shapely",  # colorlib:shapely: a vendor of WordPress themes
    "py3-msgpack",      # shamaton:msgpack: a lone author's Go module
    "python3-jinja2",   # pocoo:jinja2 beside palletsprojects:jinja: nothing says which
    "py3-hiredis",      # the binding of redis:hiredis, whose vendor is named after its server
])
def test_python_module_namesakes_stay_refused(rules_only: FeedMatcher, name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], DEBIAN)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Fedora's php source builds PHP's own extensions as php-<extension>.
    ("php-pgsql", ROCKY, "php:php"),
    ("php-fpm", ROCKY, "php:php"),
    # PHP libraries under Debian's php-/libphp- prefix.
    ("libphp-phpmailer", DEBIAN, "phpmailer:phpmailer"),
    ("php-imagick", DEBIAN, "php:imagick"),
])
def test_php_parts_and_php_libraries(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize("name", [
    "php-mysql",  # Debian's php-defaults package for php8.2-mysql: not MySQL
    "php-redis",  # PECL's client: redis names several products
])
def test_php_prefixed_names_that_are_not_the_named_project(rules_only: FeedMatcher, name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], DEBIAN)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "expected"), [
    ("liblog4j2-java", "apache:log4j"),           # Debian Java Policy's major version
    ("libxalan2-java", "apache:xalan-java"),      # and NVD's "-java" port
    ("libcommons-lang3-java", "apache:commons_lang"),
])
def test_java_libraries_without_their_major_version(rules_only: FeedMatcher, name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], DEBIAN)
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    ("libqt5core5a", DEBIAN, "qt:qt"),
    ("libqt5network5", DEBIAN, "qt:qt"),
    ("libqt5webkit5", DEBIAN, "qt:qtwebkit"),
    ("qt5-qtbase-gui", ROCKY, "qt:qt"),
])
def test_qt_module_packages(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "5.15")], os_name)
    assert _key(result) == expected, result.reason


def test_qt_source_package_names_qt(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("libqt5xml5", "5.15", source_package="qtbase-opensource-src")], DEBIAN)
    assert _key(result) == "qt:qt", result.reason


@pytest.mark.parametrize(("name", "expected"), [
    # On Debian, the one product spelled like the package's own name or its library's, though
    # it has no CVE in the feed.
    ("libnetcdf19", "unidata:netcdf"),
    ("libcfitsio10", "nasa:cfitsio"),
    ("dstat", "dag.wieers:dstat"),
    ("telegraf", "influxdata:telegraf"),
    # Gentoo's key for an upstream project is not what a Debian host runs: freedesktop's is.
    ("xdg-utils", "freedesktop:xdg-utils"),
])
def test_debian_packages_named_like_one_product_without_cves(rules_only: FeedMatcher, name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], DEBIAN)
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize("name", [
    "libdrm2",       # "drm": 3 letters, vaultize:drm is not the Direct Rendering Manager's library
    "libargon2-1",   # the library is "argon2" (its soname after a hyphen), not ashlar:argon
    "ubuntu-minimal",  # a part of a name, not the package's own
    "libappstream4",   # symantec:appstream: a company's product, not freedesktop's AppStream
    "libpipeline1",    # "pipeline" is a word 29 products use: man-db's libpipeline, not tektoncd:pipeline
    "libpulse0",       # "pulse" (22 products): PulseAudio's library, not laravel:pulse
])
def test_debian_names_too_weak_for_a_product_without_cves(rules_only: FeedMatcher, name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], DEBIAN)
    assert result.match is None, result.match


# Session 15: kinds of false alarm found on the labelled sets (docs/matching.md, "Session 15: precision").

@pytest.mark.parametrize("hint", ["alsa-lib", ""])
def test_a_data_package_is_not_an_aliased_library_of_its_stem(matcher: FeedMatcher, hint: str) -> None:
    # libasound2-data holds ALSA's configuration; its name starts like the aliased libasound2.
    (result,) = matcher.match([SoftwareItem("libasound2-data", "1.2.8-1", "", None, "dpkg", "", hint)], DEBIAN)
    assert result.match is None, result.match
    assert "no program of its own" in result.reason
    (result,) = matcher.match([SoftwareItem("libasound2", "1.2.8-1", "", None, "dpkg", "", hint)], DEBIAN)
    assert _key(result) == "alsa-project:alsa-lib", result.reason


@pytest.mark.parametrize(("name", "os_name", "scheme"), [
    ("libdrm", ALPINE, "apk"),       # "drm": 3 products use the word; vaultize:drm is no Direct Rendering Manager
    ("libdrm", ROCKY, "rpm"),
])
def test_a_library_name_without_lib_that_is_a_plain_word_is_refused_on_every_distribution(
        rules_only: FeedMatcher, name: str, os_name: str, scheme: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "2.4.118-r0", "", None, scheme)], os_name)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name", "scheme", "hint"), [
    ("fontconfig-config", DEBIAN, "dpkg", "fontconfig"),
    ("libsensors-config", DEBIAN, "dpkg", "lm-sensors"),
    ("mariadb-connector-c-config", SUSE, "rpm", "mariadb-connector-c"),
    ("mariadb-connector-c-config", SUSE, "rpm", ""),
    ("ImageMagick-config-7-SUSE", SUSE, "rpm", ""),
])
def test_a_sources_configuration_package_is_refused(matcher: FeedMatcher, name: str, os_name: str, scheme: str, hint: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0-1", "", None, scheme, "", hint)], os_name)
    assert result.match is None, result.match
    assert "configuration files" in result.reason or "holds data" in result.reason, result.reason


def test_a_program_named_config_is_read_through_its_source(matcher: FeedMatcher) -> None:
    # Debian's pkg-config is built from pkgconf: its name is a program's, not "<source>-config".
    (result,) = matcher.match([SoftwareItem("pkg-config", "1.8.1-1", "", None, "dpkg", "", "pkgconf")], DEBIAN)
    assert _key(result) == "pkgconf:pkgconf", result.reason


def test_a_part_its_projects_vendor_files_apart_is_that_product(matcher: FeedMatcher) -> None:
    # Bitwarden files its command-line client as bitwarden:cli beside the password manager.
    (result,) = matcher.match([SoftwareItem("bitwarden-cli", "2024.9.0", "", None, "homebrew")], MAC)
    assert _key(result) == "bitwarden:cli", result.reason
    # Not a company's product named like the part alone: oracle:jdk is not GraalVM's JDK.
    (result,) = matcher.match([SoftwareItem("graalvm-jdk@21", "21.0.2", "", None, "homebrew")], MAC)
    assert _key(result) == "oracle:graalvm", result.reason


@pytest.mark.parametrize(("os_name", "scheme"), [(ROCKY, "rpm"), (DEBIAN, "dpkg"), (ALPINE, "apk")])
def test_a_packaging_distributions_key_is_not_another_hosts_package(matcher: FeedMatcher, os_name: str, scheme: str) -> None:
    # gentoo:syslinux is Gentoo's ebuild of syslinux, the only key of that name.
    (result,) = matcher.match([SoftwareItem("syslinux", "6.04-0.20.el9", "", None, scheme)], os_name)
    assert result.match is None, result.match


def test_a_distributions_settings_package_of_a_source_is_refused(matcher: FeedMatcher) -> None:
    # openSUSE's chrony-pool-suse holds its NTP pool settings for chrony, not chrony.
    (result,) = matcher.match([SoftwareItem("chrony-pool-suse", "4.1-150400.21.5.1", "", None, "rpm", "", "chrony")], SUSE)
    assert result.match is None, result.match
    assert "distribution's settings" in result.reason
    (result,) = matcher.match([SoftwareItem("chrony", "4.1-150400.21.5.1", "", None, "rpm", "", "chrony")], SUSE)
    assert _key(result) == "tuxfamily:chrony", result.reason


@pytest.mark.parametrize("name", ["patterns-base-base", "patterns-base-minimal_base"])
def test_an_opensuse_installation_pattern_is_refused(matcher: FeedMatcher, name: str) -> None:
    # openSUSE's patterns-* are meta-packages (like Debian's task-*), not NVD's patterns:patterns.
    (result,) = matcher.match([SoftwareItem(name, "20200505-lp155.11.1", "", None, "rpm", "", "patterns-base")], SUSE)
    assert result.match is None, result.match
    assert "no program of its own" in result.reason


def test_a_sources_data_package_with_a_name_after_the_data_word_is_refused(matcher: FeedMatcher) -> None:
    # Debian's wordpress-theme-twentytwentythree: a theme WordPress ships, not WordPress.
    (result,) = matcher.match([SoftwareItem("wordpress-theme-twentytwentythree", "6.1.6+dfsg1-0+deb12u1", "", None, "dpkg", "",
                                            "wordpress")], DEBIAN)
    assert result.match is None, result.match
    assert "'theme' of source package 'wordpress'" in result.reason
    (result,) = matcher.match([SoftwareItem("wordpress", "6.1.6+dfsg1-0+deb12u1", "", None, "dpkg", "", "wordpress")], DEBIAN)
    assert _key(result) == "wordpress:wordpress", result.reason

@pytest.mark.parametrize(("name", "os_name", "source_package", "expected"), [
    # Session 15: NVD files some projects under their short name as the vendor and their long
    # name as the product; the package is named after the short name.
    ("xmlstarlet", DEBIAN, "", "xmlstarlet:command_line_xml_toolkit"),
    ("criu", ROCKY, "", "criu:checkpoint\\/restore_in_userspace"),
    ("rsnapshot", ROCKY, "", "rsnapshot:filesystem_snapshot_utility"),
    ("libcgal-dev", DEBIAN, "cgal", "cgal:computational_geometry_algorithms_library"),
    ("libabsl20220623", DEBIAN, "abseil", "abseil:common_libraries"),
])
def test_a_project_filed_under_its_long_name(rules_only: FeedMatcher, name: str, os_name: str, source_package: str,
                                             expected: str) -> None:
    scheme = "rpm" if os_name == ROCKY else "dpkg"
    (result,) = rules_only.match([SoftwareItem(name, "1.0", "", None, scheme, "", source_package)], os_name)
    assert _key(result) == expected, result.reason
    assert "long one" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name"), [
    ("google-cloud-cli", DEBIAN),   # "-cli" cut off leaves a vendor's range (google_cloud), not a project
    ("libopengl0", DEBIAN),         # "opengl" is a library's name without "lib": libglvnd's, not vendor opengl's
    ("libblosc1", DEBIAN),          # blosc:c-blosc2 spells the name: another project named after it
    ("slang", ROCKY),               # s-lang:s-lang spells it: a spelling, for the other rules
])
def test_a_vendor_named_like_the_package_needs_a_long_name(rules_only: FeedMatcher, name: str, os_name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None or "long one" not in result.match.evidence, result.match


@pytest.mark.parametrize(("name", "expected"), [
    # Session 15: a kernel flavour is read as kernel-default already was (the one kernel source).
    ("kernel-uek", "linux:linux_kernel"),
    ("kernel-rt", "linux:linux_kernel"),
    ("kernel-default", "linux:linux_kernel"),
    # ... and a flavour's subpackage as the plain kernel's: kernel-core is the kernel (session 25),
    # kernel-devel is refused.
    ("kernel-uek-core", "linux:linux_kernel"),
    ("kernel-debug-devel", None),
    # Build files named after the kernel are no flavour.
    ("kernel-srpm-macros", None),
])
def test_kernel_flavours_are_read_as_the_plain_kernels_packages(rules_only: FeedMatcher, name: str, expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "5.15.0-206.153.7.el9uek", "", None, "rpm")], ROCKY)
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Session 15: NVD names a few Perl distributions with what they are for.
    ("libxml-twig-perl", DEBIAN, "xmltwig:xml-twig_for_perl"),
    ("perl-XML-Twig", ROCKY, "xmltwig:xml-twig_for_perl"),
    ("libimage-info-perl", DEBIAN, "image-info_project:image-info_for_perl"),
])
def test_perl_modules_named_for_perl(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Session 15: of two namesakes without CVEs, the organisation's key beside NVD's bare
    # self-named one (NVD's name before it knew the vendor).
    ("libpango-1.0-0", DEBIAN, "gnome:pango"),     # not pango:pango
    ("gdal-bin", DEBIAN, "osgeo:gdal"),            # not gdal:gdal
    ("libgdal32", DEBIAN, "osgeo:gdal"),
    ("gdal-tools", ALPINE, "osgeo:gdal"),
    # ... or beside NVD's "<name>_project" placeholder when the organisation is a large one.
    ("libxpm4", DEBIAN, "x.org:libxpm"),           # not libxpm_project:libxpm
])
def test_an_organisations_key_beside_a_bare_self_named_one(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason
    assert "organisation's key" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 19: of namesakes without CVEs, a project's family (a vendor filing a few products:
    # netfilter's iptables and conntrack-tools, gstreamer's plug-ins) beside large companies'
    # keys (google:nftables, apache:orc: more than 25 products each) is the project.
    ("nftables", ALPINE, "apk", "netfilter:nftables"),
    ("nftables", ROCKY, "rpm", "netfilter:nftables"),
    ("orc", ALPINE, "apk", "gstreamer:orc"),
])
def test_a_projects_family_beside_large_companies(rules_only: FeedMatcher, name: str, os_name: str, scheme: str,
                                                  expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason
    assert "large vendors'" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme"), [
    # ... not for a plain word (sketchup: trimble's sketchup_pro and sketchup_viewer use it too),
    # nor beside a lone key (evolution-data-server: go-evolution files nothing else).
    ("sketchup", MAC, "homebrew"),
    ("evolution-data-server", ROCKY, "rpm"),
])
def test_the_family_rule_needs_only_large_companies_beside_it(rules_only: FeedMatcher, name: str, os_name: str,
                                                              scheme: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0", "", None, scheme)], os_name)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name", "scheme"), [
    ("nss", ROCKY, "rpm"),
    ("nss", "macOS 14.5", "homebrew"),
    ("nss-tools", ALPINE, "apk"),
])
def test_nss_is_mozillas_under_its_spelled_out_name(rules_only: FeedMatcher, name: str, os_name: str, scheme: str) -> None:
    # Session 19: mozilla:nss and sun:nss have no CVE in the feed; mozilla:nss is one product
    # with mozilla:network_security_services (its initials, mined), the one in the 2015
    # dictionary. Reported as the key spelled like the name.
    (result,) = rules_only.match([SoftwareItem(name, "3.90", "", None, scheme)], os_name)
    assert _key(result) == "mozilla:nss", result.reason
    assert "(as mozilla:network_security_services)" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Session 19: the namesakes weighed count as one use of their name's word: NetworkManager's
    # keys (gnome:networkmanager, redhat's duplicate) beside networkmanager-ssh are no plain word.
    ("NetworkManager", ROCKY, "gnome:networkmanager"),  # not network-manager_project:network-manager
    # ... while a word other products use besides the namesakes stays plain: vsftpd on Debian
    # (beasts:vsftpd beside vsftpd_project:vsftpd) and tesseract-ocr (zapolnoch's Node wrapper
    # beside the placeholder, among four more tesseract keys) stay refused.
    ("vsftpd", DEBIAN, None),
    ("tesseract-ocr", DEBIAN, None),
])
def test_namesakes_count_as_one_use_of_their_word(rules_only: FeedMatcher, name: str, os_name: str, expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason or result.match


@pytest.mark.parametrize(("name", "os_name"), [
    ("passwd", DEBIAN),       # a plain word: horde:passwd is Horde's module, not shadow's passwd
    ("libprotobuf32", DEBIAN),  # "protobuf" names several products (protobuf-java, ...): a plain word here
    ("zed", MAC),             # Homebrew's casks: NVD's bare key is often the app's own (zed:zed)
    ("civetweb", ROCKY),      # ceph (4 products) is no large organisation beside civetweb_project
])
def test_the_organisation_rule_needs_a_distinctive_distribution_package_name(rules_only: FeedMatcher, name: str, os_name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert result.match is None or "organisation's key" not in result.match.evidence, result.match


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Session 15: google:protobuf has no CVE of its own, but its group's other key
    # google:google-protobuf has; beside it only NVD's bare protobuf:protobuf.
    ("libprotobuf32", DEBIAN, "google:protobuf"),
    ("libprotobuf", ALPINE, "google:protobuf"),
    ("protobuf", MAC, "google:protobuf"),
])
def test_a_namesake_whose_group_has_cves_beside_bare_keys(rules_only: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0")], os_name)
    assert _key(result) == expected, result.reason
    assert "filed under its other key google:google-protobuf" in result.match.evidence


def test_a_groups_cves_do_not_choose_beside_another_vendors_namesake(rules_only: FeedMatcher) -> None:
    # gnu:sasl's group holds GNU SASL's CVEs (gnu:gnu_sasl), but cyrus:sasl is a product of the
    # name too: sasl2-bin (Cyrus SASL's tools) is not GNU SASL.
    (result,) = rules_only.match([SoftwareItem("sasl2-bin", "2.1.28")], DEBIAN)
    assert _key(result) != "gnu:sasl", result.match


@pytest.mark.parametrize(("name", "os_name", "source_package"), [
    # Session 15: the package's words (three or more) begin one product's name.
    ("paho-mqtt-c", ALPINE, ""),
    ("libpaho-mqtt1.3", DEBIAN, "paho.mqtt.c"),
])
def test_a_package_whose_words_begin_one_products_name(rules_only: FeedMatcher, name: str, os_name: str, source_package: str) -> None:
    scheme = "apk" if os_name == ALPINE else "dpkg"
    (result,) = rules_only.match([SoftwareItem(name, "1.3.13", "", None, scheme, "", source_package)], os_name)
    assert _key(result) == "eclipse:paho_mqtt_c\\/c\\+\\+_client", result.reason
    assert "begin the name of one NVD product" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name"), [("libdrm", ALPINE), ("libdrm", ROCKY), ("libdrm2", DEBIAN)])
def test_a_three_letter_library_name_without_lib_is_too_weak_everywhere(rules_only: FeedMatcher, name: str, os_name: str) -> None:
    # Session 15: as on Debian, "drm" (libdrm without "lib") is not vaultize:drm on Alpine or RPM.
    (result,) = rules_only.match([SoftwareItem(name, "2.4.120")], os_name)
    assert result.match is None, result.match


def test_a_lua_module_for_one_interpreter_version_is_not_lua(matcher: FeedMatcher) -> None:
    # Session 15: Alpine's lua5.1-cjson is the cjson module, neither a part of Lua nor the
    # lua/lua repository its stem names; lua5.1-libs and lua5.4 are still Lua.
    for hint in ("lua-cjson", ""):
        (result,) = matcher.match([SoftwareItem("lua5.1-cjson", "2.1.0", "", None, "apk", "", hint)], ALPINE)
        assert result.match is None, result.match
    for name in ("lua5.1-libs", "lua5.4"):
        (result,) = matcher.match([SoftwareItem(name, "5.4.6", "", None, "apk")], ALPINE)
        assert _key(result) == "lua:lua", result.reason
    (result,) = matcher.match([SoftwareItem("lua5.3-libs", "5.3.6-r4", "", None, "apk", "", "lua5.3")], ALPINE)
    assert _key(result) == "lua:lua", result.reason


def test_a_packaging_only_distributions_key_alone_is_no_package(rules_only: FeedMatcher) -> None:
    # Session 15: gentoo:syslinux is a CVE of Gentoo's packaging; Fedora's syslinux is not it.
    (result,) = rules_only.match([SoftwareItem("syslinux", "6.04")], ROCKY)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name"), [
    # Session 15: CPython's own parts packaged apart are CPython, as python3.11-venv already was.
    ("python3-venv", DEBIAN), ("python3-distutils", DEBIAN), ("python3-lib2to3", DEBIAN), ("python3-tkinter", ALPINE),
    ("python3.11-venv", DEBIAN),
])
def test_cpythons_own_parts_are_python(rules_only: FeedMatcher, name: str, os_name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "3.11.2")], os_name)
    assert _key(result) == "python:python", result.reason


@pytest.mark.parametrize("hint", ["kernel-uek", ""])
def test_a_firmware_package_ships_no_code(matcher: FeedMatcher, hint: str) -> None:
    # Session 15, round 2 (held-out set 19): Oracle's kernel-uek-firmware holds firmware blobs
    # for the kernel's drivers, no code of the kernel; "-firmware" is a no-code suffix as
    # "firmware-" and "linux-firmware" were already.
    (result,) = matcher.match([SoftwareItem("kernel-uek-firmware", "5.15.0-204.147.6.2.el9uek", "", None, "rpm", "", hint)],
                              "Oracle Linux Server 9.4")
    assert result.match is None, result.match

@pytest.mark.parametrize(("name", "os_name", "hint", "expected"), [
    # Session 15, round 2: PECL's extensions are projects of their own, which NVD files under
    # PHP's vendor when it tracks them (php:imagick, php:memcached); Debian builds them as
    # php<version>-<extension> from a php-<extension> source, Fedora as php-pecl-<extension>,
    # Alpine as php<NN>-pecl-<extension>.
    ("php8.3-imagick", DEBIAN, "php-imagick", "php:imagick"),
    ("php8.3-memcached", DEBIAN, "", "php:memcached"),
    ("php-pecl-imagick", ROCKY, "php-pecl-imagick", "php:imagick"),
    ("php82-pecl-memcached", ALPINE, "", "php:memcached"),
    # Session 19: Remi's software collections name them php<NN>-php-pecl-<extension>, and
    # "-im7" is Imagick built against ImageMagick 7; PECL's mongodb is MongoDB's PHP driver.
    ("php83-php-pecl-imagick-im7", ROCKY, "", "php:imagick"),
    ("php83-php-pecl-redis6", ROCKY, "", None),
    ("php83-php-pecl-igbinary", ROCKY, "", None),
    ("php83-php-pecl-mongodb", ROCKY, "", "mongodb:php_driver"),
    ("php83-pecl-mongodb", ALPINE, "", "mongodb:php_driver"),
    # Refused: no product of PHP's vendor is named so (redis:redis is the server phpredis talks to).
    ("php8.3-redis", DEBIAN, "php-redis", None),
    ("php8.2-apcu", DEBIAN, "", None),
    ("php8.3-xdebug", DEBIAN, "php-xdebug", None),
    # PHP's own extensions, server APIs and Debian's other binaries of the php8.x source stay PHP.
    ("php8.3-curl", DEBIAN, "php8.3", "php:php"),
    ("php8.3-sybase", DEBIAN, "", "php:php"),
    ("php83-pdo_mysql", ALPINE, "", "php:php"),
    ("php82-pcntl", ALPINE, "php82", "php:php"),
])
def test_pecl_extensions_are_not_php(rules_only: FeedMatcher, name: str, os_name: str, hint: str, expected: str | None) -> None:
    scheme = {DEBIAN: "dpkg", ROCKY: "rpm", ALPINE: "apk"}[os_name]
    (result,) = rules_only.match([SoftwareItem(name, "3.7.0", "", None, scheme, "", hint)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected is None:
        assert "PECL extension" in result.reason


@pytest.mark.parametrize(("name", "expected"), [
    # Session 15, round 2: Debian's libapache2-mod-<module> is the module httpd loads as
    # mod_<module>, NVD's and Fedora's name for it.
    ("libapache2-mod-auth-openidc", "openidc:mod_auth_openidc"),
    ("libapache2-mod-rpaf", "thomas_eibner:mod_rpaf"),
    ("libapache2-mod-fcgid", "apache:mod_fcgid"),
    ("libapache2-mod-wsgi-py3", "modwsgi:mod_wsgi"),  # built for Python 3
    ("libapache2-mod-md", "apache:http_server"),      # one of httpd's own modules
    # Only the module's own name: ModSecurity 2 has several NVD keys; mod_jk is one NVD key of
    # Tomcat's connectors, without CVEs on the Debian name; mod_xsendfile has none.
    ("libapache2-mod-security2", None),
    ("libapache2-mod-jk", None),
    ("libapache2-mod-xsendfile", None),
])
def test_debian_apache_modules_are_read_as_mod_names(rules_only: FeedMatcher, name: str, expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "2.4.15", "", None, "dpkg")], DEBIAN)
    assert _key(result) == expected, result.reason or result.match
    if expected:
        assert "libapache2-mod-<module>" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Session 15, round 2: on RPM and Alpine a project's binary package "<head>-<part>" is read
    # as the head's project also when the head names several products and the data singles one
    # out: the only one with CVEs (schedmd:slurm beside llnl:slurm, freedesktop:poppler beside
    # NVD's poppler:poppler) or the only one in the 2015 dictionary (mesa3d:mesa).
    ("slurm-slurmd", ROCKY, "schedmd:slurm"),
    ("mesa-dri-drivers", ROCKY, "mesa3d:mesa"),
    ("mesa-egl", ALPINE, "mesa3d:mesa"),
    ("poppler-cpp", ALPINE, "freedesktop:poppler"),
    # Not when the part names a product itself (maven-openjdk17 binds Maven to OpenJDK) or a
    # distribution (chrony-pool-suse: openSUSE's NTP pool settings), nor beside the
    # distribution's own product of the name (openSUSE's wicked, not the gem schneems:wicked).
    ("maven-openjdk17", ROCKY, None),
    ("chrony-pool-suse", SUSE, None),
    ("wicked-service", SUSE, None),
])
def test_a_head_the_data_singles_out_among_namesakes(rules_only: FeedMatcher, name: str, os_name: str, expected: str | None) -> None:
    scheme = {DEBIAN: "dpkg", ROCKY: "rpm", SUSE: "rpm", ALPINE: "apk"}[os_name]
    (result,) = rules_only.match([SoftwareItem(name, "23.1.0", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected:
        assert "binary package" in result.match.evidence


@pytest.mark.parametrize(("name", "hint", "expected"), [
    # Session 15, round 2: Red Hat's toolsets ship a newer build of a project as
    # gcc-toolset-<N>-<package> (devtoolset-<N>-<package> on RHEL 7): the package after the prefix.
    ("gcc-toolset-13-gcc", "", "gnu:gcc"),
    ("devtoolset-11-gdb", "", "gnu:gdb"),
    ("gcc-toolset-13-gcc-c++", "gcc-toolset-13-gcc", "gnu:gcc"),  # through its source, read the same way
    ("gcc-toolset-13-runtime", "", None),  # the toolset's metapackage
])
def test_red_hat_toolset_packages_are_the_package_after_the_prefix(rules_only: FeedMatcher, name: str, hint: str, expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "13.2.1", "", None, "rpm", "", hint)], ROCKY)
    assert _key(result) == expected, result.reason or result.match
    assert "toolset" in (result.match.evidence if expected else result.reason)


def test_a_module_for_one_interpreter_version_is_not_cpython(rules_only: FeedMatcher) -> None:
    # Session 15, round 2: openSUSE's python311-Jinja2 is the Jinja2 module (pocoo:jinja2 beside
    # palletsprojects:jinja: refused), never binary package "-jinja2" of CPython; its own parts stay CPython.
    (result,) = rules_only.match([SoftwareItem("python311-Jinja2", "3.1.4", "", None, "rpm")], SUSE)
    assert result.match is None, result.match
    assert "built for one interpreter version" in result.reason
    (result,) = rules_only.match([SoftwareItem("python311-base", "3.11.9", "", None, "rpm")], SUSE)
    assert _key(result) == "python:python", result.reason


def test_a_module_built_from_the_interpreters_source_stays_the_module(matcher: FeedMatcher) -> None:
    # Session 15, round 2: rubygem-bundler built from the ruby3.2 source (a gem bundled with
    # Ruby) is Bundler, the product spelled like the module; the source's Ruby, which has CVEs,
    # does not overrule the more specific module reading.
    (result,) = matcher.match([SoftwareItem("rubygem-bundler", "2.4.19", "", None, "rpm", "", "ruby3.2")], SUSE)
    assert _key(result) == "bundler:bundler", result.reason or result.match
    # A binary that is no module of its own name still follows its source (php-fpm from php).
    (result,) = matcher.match([SoftwareItem("php-fpm", "8.2.13", "", None, "rpm", "", "php")], ROCKY)
    assert _key(result) == "php:php", result.reason


def test_a_freebsd_key_is_not_a_linux_package(rules_only: FeedMatcher) -> None:
    # Session 15, round 2: freebsd:heimdal is FreeBSD's base-system copy of Heimdal, set aside
    # like other distributions' keys on a host of another one; Heimdal's own keys stay refused
    # among themselves (heimdal:heimdal, kth:heimdal, ...), not read as FreeBSD's.
    (result,) = rules_only.match([SoftwareItem("heimdal-libs", "7.8.0", "", None, "apk")], ALPINE)
    assert result.match is None, result.match
    assert "freebsd" not in result.reason


def test_a_data_package_is_not_its_projects_repository(matcher: FeedMatcher) -> None:
    # Session 15, round 2: exim4-config (Debian's configuration framework for Exim) is refused as
    # a data part; Exim's CVEs linking git.exim.org/exim.git do not make it Exim.
    for hint in ("exim4", ""):
        (result,) = matcher.match([SoftwareItem("exim4-config", "4.96-15", "", None, "dpkg", "", hint)], DEBIAN)
        assert result.match is None, result.match
    (result,) = matcher.match([SoftwareItem("exim4-daemon-light", "4.96-15", "", None, "dpkg", "", "exim4")], DEBIAN)
    assert _key(result) == "exim:exim", result.reason


@pytest.mark.parametrize(("name", "hint", "os_name"), [
    # Session 16: parts that hold set-up files for another program or a source's shared files,
    # with and without the source hint: a manual, RPM build macros, a logrotate or firewalld
    # drop-in, MySQL's and MariaDB's translated error messages, a configuration snippet after a
    # "<source>-<part>" head; and metapackages ("-all", "-all-<word>").
    ("httpd-manual", "httpd", ROCKY),
    ("systemd-rpm-macros", "systemd", ROCKY),
    ("rsyslog-logrotate", "rsyslog", ROCKY),
    ("fail2ban-firewalld", "fail2ban", ROCKY),
    ("mariadb-errmsg", "mariadb", ROCKY),
    ("mariadb-errormessages", "mariadb", SUSE),
    ("openssh-server-config-rootlogin", "openssh", ROCKY),
    ("nginx-all-modules", "nginx", ROCKY),
    ("postgresql-all", "postgresql-common", DEBIAN),
])
def test_set_up_parts_and_metapackages_are_no_program(matcher: FeedMatcher, name: str, hint: str, os_name: str) -> None:
    scheme = "dpkg" if os_name == DEBIAN else "rpm"
    for source in (hint, ""):
        (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme, "", source)], os_name)
        assert result.match is None, (source, result.match)
    # The programs of the same sources stay their project.
    (result,) = matcher.match([SoftwareItem("openssh-server", "8.7p1", "", None, "rpm", "", "openssh")], ROCKY)
    assert _key(result) == "openbsd:openssh", result.reason
    (result,) = matcher.match([SoftwareItem("fail2ban-server", "1.0.2", "", None, "rpm", "", "fail2ban")], ROCKY)
    assert _key(result) == "fail2ban:fail2ban", result.reason


def test_an_interpreter_versions_module_is_never_cpython(rules_only: FeedMatcher) -> None:
    # Session 16: openSUSE's python311-certbot (no product is spelled "certbot" as a module) is
    # refused as a module, not read as binary package "-certbot" of CPython.
    (result,) = rules_only.match([SoftwareItem("python311-certbot", "2.10.0", "", None, "rpm")], SUSE)
    assert result.match is None, result.match
    assert "built for one interpreter version" in result.reason


def test_a_vendor_product_head_with_a_subpackage_part(rules_only: FeedMatcher) -> None:
    # Session 16: openSUSE's mozilla-nss-tools is part "-tools" of mozilla-nss (mozilla:nss),
    # not binary package "-nss-tools" of the vendor's name (mozilla:mozilla).
    (result,) = rules_only.match([SoftwareItem("mozilla-nss-tools", "3.101", "", None, "rpm")], SUSE)
    assert _key(result) == "mozilla:nss", result.reason or result.match


@pytest.mark.parametrize(("name", "expected"), [
    # Session 16: openSUSE's apache2-mod_<module> is that module: mod_php is PHP, a module spelled
    # like a product is it, and one that is neither is refused, never the HTTP Server its
    # "apache2" head names.
    ("apache2-mod_php8", "php:php"),
    ("apache2-mod_wsgi-python3", "modwsgi:mod_wsgi"),
    ("apache2-mod_security2", None),
])
def test_suse_apache_modules_are_the_module(rules_only: FeedMatcher, name: str, expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.0", "", None, "rpm")], SUSE)
    assert _key(result) == expected, result.reason or result.match
    if expected is None:
        assert "not the Apache HTTP Server" in result.reason


def test_an_examples_package_is_its_project(matcher: FeedMatcher) -> None:
    # Session 16: Debian's paho.mqtt.c-examples holds example programs built from the project's
    # source (paho_c_pub, paho_c_sub), code of the project, no longer refused as documentation.
    (result,) = matcher.match([SoftwareItem("paho.mqtt.c-examples", "1.3.12", "", None, "dpkg", "", "paho.mqtt.c")], DEBIAN)
    assert _key(result) == "eclipse:paho_mqtt_c\\/c\\+\\+_client", result.reason or result.match


@pytest.mark.parametrize(("name", "os_name", "scheme", "source_package", "expected"), [
    # Session 18: a "-tests" subpackage holds the project's test suite, its own code built from
    # its source (Alpine's python3-tests: CPython's `test` package; Fedora's perl-tests), with
    # or without the source package hint.
    ("python3-tests", ALPINE, "apk", "", "python:python"),
    ("python3-tests", ALPINE, "apk", "python3", "python:python"),
    ("perl-tests", ROCKY, "rpm", "", "perl:perl"),
    ("perl-tests", ROCKY, "rpm", "perl", "perl:perl"),
])
def test_a_tests_package_is_its_project(matcher: FeedMatcher, name: str, os_name: str, scheme: str, source_package: str,
                                        expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme, "", source_package)], os_name)
    assert _key(result) == expected, result.reason or result.match


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 16: "<project>-<subpackage part>" spelled like a CVE-less product of the vendor that
    # files the project, with CVEs, under the head's name: the project (oracle:mysql_client and
    # bluez:bluez-libs carry no CVE; oracle:mysql and bluez:bluez do).
    ("mysql-client", MAC, "homebrew", "oracle:mysql"),
    ("bluez-libs", ROCKY, "rpm", "bluez:bluez"),
    # A part with CVEs of its own stays itself (zabbix:zabbix-agent2).
    ("zabbix-agent2", ROCKY, "rpm", "zabbix:zabbix-agent2"),
])
def test_a_subpackage_named_like_a_cve_less_key_is_its_project(rules_only: FeedMatcher, name: str, os_name: str, scheme: str,
                                                                expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "8.0.36", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match


@pytest.mark.parametrize(("name", "hint"), [
    # Session 16: Fedora's "golang" package (and Debian's golang-<version> source) is Go: of vendor
    # golang's products only golang:go is native, the rest are golang.org/x modules.
    ("golang", ""),
    ("golang-bin", "golang"),
])
def test_golang_is_go(matcher: FeedMatcher, name: str, hint: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.21.7", "", None, "rpm", "", hint)], ROCKY)
    assert _key(result) == "golang:go", result.reason or result.match


def test_a_library_named_like_several_attacked_products_is_none_of_them(matcher: FeedMatcher) -> None:
    # Session 16: "fabric", libfabric's name without "lib", names several products with CVEs; the
    # one with more CVEs and a repository named "fabric" (hyperledger:fabric) is not OFI's libfabric.
    (result,) = matcher.match([SoftwareItem("libfabric", "1.18.0", "", None, "rpm", "", "libfabric")], ROCKY)
    assert result.match is None, result.match
    assert "the library's name without 'lib'" in result.reason


@pytest.mark.parametrize(("name", "scheme", "os_name"), [
    # Session 16: a product named with a leading "." is spelled "dot" in package names (which must
    # begin with a letter or digit): Homebrew's dotnet and Ubuntu's dotnet-sdk-8.0 are microsoft:.net.
    ("dotnet", "homebrew", MAC),
    ("dotnet@8", "homebrew", MAC),
    ("dotnet-sdk-8.0", "dpkg", DEBIAN),
])
def test_dot_spells_a_leading_period(rules_only: FeedMatcher, name: str, scheme: str, os_name: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "8.0.204", "", None, scheme)], os_name)
    assert _key(result) == "microsoft:.net", result.reason or result.match


@pytest.mark.parametrize(("name", "hint", "expected"), [
    # Session 16, round 3: an edition word after the project's name in a vendor's own RPM
    # repository ("<project>-ce", "<project>-community-<subpackage>") is the project itself, not a
    # part or another vendor's add-on: the head's reading decides (oracle:mysql by its CVEs,
    # sylabs:singularity as the one product of its name).
    ("mysql-community-libs", "mysql-community", "oracle:mysql"),
    ("mysql-community-client", "", "oracle:mysql"),
    ("singularity-ce", "", "sylabs:singularity"),
])
def test_a_community_edition_is_the_project(rules_only: FeedMatcher, name: str, hint: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "8.0.36", "", None, "rpm", "", hint)], ROCKY)
    assert _key(result) == expected, result.reason or result.match


def test_a_community_edition_word_does_not_make_a_part_the_project() -> None:
    # Only the edition word alone or before a subpackage suffix: "-community-release" (MySQL's
    # repository set-up package) and a part after the edition word are not the project.
    assert _edition_only("ce") and _edition_only("ce-cli") and _edition_only("community-libs")
    assert not _edition_only("community-release") and not _edition_only("cell") and not _edition_only("enterprise")


@pytest.mark.parametrize(("name", "scheme", "os_name", "hint"), [
    # Session 16, round 3: NVD's debian keys are Debian's own packages (debian:python-dns,
    # debian:matplotlib); Fedora's python3-dns and Alpine's py3-matplotlib are not them.
    ("python3-dns", "rpm", ROCKY, "python-dns"),
    ("py3-matplotlib", "apk", ALPINE, ""),
])
def test_a_debian_key_is_no_other_distributions_package(rules_only: FeedMatcher, name: str, scheme: str, os_name: str,
                                                       hint: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "2.6.1", "", None, scheme, "", hint)], os_name)
    assert result.match is None, result.match
    assert "Debian's own package" in result.reason


def test_a_debian_key_stays_the_package_on_debian(rules_only: FeedMatcher) -> None:
    (result,) = rules_only.match([SoftwareItem("python3-dns", "2.6.1", "", None, "dpkg")], DEBIAN)
    assert _key(result) == "debian:python-dns", result.reason


# Session 16, round 4 (written from held-out sets 22-25).
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
    (result,) = matcher.match([item], DEBIAN)
    assert (_key(result) or "").startswith("libgit2"), result.reason


def test_a_repository_named_like_the_whole_package_still_speaks(matcher: FeedMatcher) -> None:
    # lrzip's repository (ckolivas/lrzip) is linked by the CVEs of long_range_zip_project:long_range_zip.
    item = SoftwareItem("lrzip", "0.651-2", "Debian", None, "dpkg", "", "lrzip")
    (result,) = matcher.match([item], DEBIAN)
    assert _key(result) == "long_range_zip_project:long_range_zip"


@pytest.mark.parametrize("source_package", ["quota", ""])
def test_translations_split_off_as_nls_are_no_code(matcher: FeedMatcher, source_package: str) -> None:
    item = SoftwareItem("quota-nls", "4.06-6.el9", "Rocky Enterprise Software Foundation", None, "rpm", "", source_package)
    (result,) = matcher.match([item], ROCKY)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "vendor", "scheme", "os_name", "namesake"), [
    # Session 17: a distribution's package built from a source of its own name is that project,
    # not a subpackage cut from a shorter name that a namesake without CVEs holds.
    ("rdma-core", "AlmaLinux", "rpm", ROCKY, "qemu:rdma"),
    ("container-tools", "Red Hat, Inc.", "rpm", ROCKY, "apple:container"),
    ("libva-utils", "Fedora Project", "rpm", ROCKY, "intel:libva"),
    ("opus-tools", "", "apk", ALPINE, "opus-codec:opus"),
])
def test_a_package_of_its_own_source_is_no_namesakes_subpackage(matcher: FeedMatcher, name: str, vendor: str, scheme: str,
                                                                 os_name: str, namesake: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0-1", vendor, None, scheme, "", name)], os_name)
    assert result.match is None, result.match
    assert namesake in (result.reason or ""), result.reason


@pytest.mark.parametrize(("name", "expected"), [
    # ... while a self-named project (pandoc:pandoc) or one with CVEs (linux's kernel) stands.
    ("pandoc-cli", "pandoc:pandoc"),
    ("freeradius-server", "freeradius:freeradius"),
])
def test_a_package_of_its_own_source_keeps_a_self_named_project(matcher: FeedMatcher, name: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "3.0-r0", "", None, "apk", "", name)], ALPINE)
    assert _key(result) == expected, result.reason or result.match


@pytest.mark.parametrize(("name", "source_package"), [
    # Session 17: Fedora's "<name>-selinux" subpackages hold a program's SELinux policy module.
    ("fail2ban-selinux", "fail2ban"),
    ("frr-selinux", "frr"),
    ("zabbix-selinux-policy", "zabbix"),
    ("zabbix-selinux-policy", ""),
])
def test_an_selinux_policy_subpackage_is_no_code(matcher: FeedMatcher, name: str, source_package: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.2-7.el9", "Fedora Project", None, "rpm", "", source_package)], ROCKY)
    assert result.match is None, result.match
    assert "SELinux policy" in (result.reason or ""), result.reason


def test_an_selinux_plugin_is_still_code(matcher: FeedMatcher) -> None:
    # RPM's SELinux plug-in is RPM's code, not a policy module.
    (result,) = matcher.match([SoftwareItem("rpm-plugin-selinux", "4.16.1.3-29.el9", "Rocky", None, "rpm", "", "rpm")], ROCKY)
    assert _key(result) == "rpm:rpm", result.reason or result.match


@pytest.mark.parametrize(("name", "os_name", "source_package"), [
    # Session 17: a company of many products filing nothing of another ecosystem does not vouch
    # for a Python module spelled like one of them (Apple's ImageIO, Facebook's zstd library).
    ("python3-imageio", DEBIAN, "python-imageio"),
    ("py3-imageio", ALPINE, "py3-imageio"),
    ("py3-zstandard", ALPINE, "py3-zstandard"),
])
def test_a_big_companys_namesake_is_no_python_module(matcher: FeedMatcher, name: str, os_name: str, source_package: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "2.31.1-1", "", None, "", "", source_package)], os_name)
    assert result.match is None, result.match


def test_a_small_organisations_python_module_stands(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("py3-starlette", "0.37.2-r0", "", None, "apk", "", "py3-starlette")], ALPINE)
    assert _key(result) == "encode:starlette", result.reason or result.match


@pytest.mark.parametrize(("name", "expected"), [
    # Session 17: a Homebrew formula is named after its project, "lib" and all: the name without
    # it is the same project only under a vendor named after it.
    ("libomp", None),
    # (session 19: MediaArea's libmediainfo is its library product, mediaarea:mediainfolib, not
    # the program mediaarea:mediainfo that the name without "lib" gave)
    ("libmediainfo", "mediaarea:mediainfolib"),
    ("libngtcp2", "ngtcp2:ngtcp2"),
])
def test_a_homebrew_library_formula_keeps_its_lib(matcher: FeedMatcher, name: str, expected: str | None) -> None:
    (result,) = matcher.match([SoftwareItem(name, "19.1.3", "", None, "homebrew")], MAC)
    assert _key(result) == expected, result.reason or result.match


@pytest.mark.parametrize(("name", "os_name", "scheme", "source_package"), [
    # Session 17: NVD files Mbed TLS's CVEs under arm:mbed_tls, its name written as two words;
    # mbed:mbedtls, spelled as the packages are, has none.
    ("mbedtls", MAC, "homebrew", ""),
    ("libmbedtls14", DEBIAN, "dpkg", "mbedtls"),
    ("mbedtls-utils", ALPINE, "apk", "mbedtls"),
])
def test_a_name_nvd_writes_as_words_apart_is_the_key_with_cves(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                                                 source_package: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "3.6.0", "", None, scheme, "", source_package)], os_name)
    assert _key(result) == "arm:mbed_tls", result.reason or result.match
    assert "words apart" in result.match.evidence


def test_a_hyphen_is_no_space_between_words(matcher: FeedMatcher) -> None:
    # gh-ost (GitHub's MySQL migration tool, with CVEs) is not the npm package ghost.
    (result,) = matcher.match([SoftwareItem("ghost", "5.0.0", "", None, "npm")], MAC)
    assert _key(result) != "github:gh-ost", result.match
# Session 17: the maintainer names the vendor.
GNOME_TEAM = "Debian GNOME Maintainers <pkg-gnome-maintainers@lists.alioth.debian.org>"
NETFILTER_TEAM = "Debian Netfilter Packaging Team <pkg-netfilter-team@lists.alioth.debian.org>"


@pytest.mark.parametrize(("name", "maintainer", "source_package", "expected"), [
    # Several products of the name (gnome, joe_shaw, libsoup), none with CVEs: the GNOME team's.
    ("libsoup-3.0-0", GNOME_TEAM, "libsoup3", "gnome:libsoup"),
    # google:nftables beside netfilter:nftables: the Netfilter team's.
    ("nftables", NETFILTER_TEAM, "nftables", "netfilter:nftables"),
    # One product of the name, without CVEs: the team names its vendor.
    ("libgtk-4-1", GNOME_TEAM, "gtk4", "gnome:gtk"),
])
def test_the_maintainer_names_the_vendor(matcher: FeedMatcher, name: str, maintainer: str, source_package: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0-1", maintainer, None, "dpkg", "", source_package)], DEBIAN)
    assert _key(result) == expected, result.reason
    assert "maintainer" in result.match.evidence


@pytest.mark.parametrize(("name", "maintainer", "os_name", "scheme"), [
    # A distribution's maintainer names no upstream vendor: Red Hat packages GNOME's Evince too.
    ("evince", "Red Hat, Inc.", ROCKY, "rpm"),
    # The same package without a maintainer that names a candidate's vendor stays refused.
    ("libsoup-3.0-0", "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", DEBIAN, "dpkg"),
])
def test_a_distribution_maintainer_chooses_nothing(matcher: FeedMatcher, name: str, maintainer: str, os_name: str, scheme: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0-1", maintainer, None, scheme, "", name)], os_name)
    assert result.match is None, result.match
    assert "several NVD products" in result.reason


def test_maintainer_vendors_drop_packaging_words_and_distributions() -> None:
    assert maintainer_vendors(GNOME_TEAM) == {"gnome"}
    assert not maintainer_vendors("Red Hat, Inc.")
    assert maintainer_vendors("Simon Horman <horms@debian.org>") == {"simon", "horman", "horms"}
    assert not maintainer_vendors("Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>") - {"discuss"}


@pytest.mark.parametrize(("name", "expected"), [
    # Debian JavaScript Policy: node-<npm name>, read as the npm package of that name is.
    ("node-minimist", "substack:minimist"),
    ("node-prismjs", "prismjs:prism"),
])
def test_debian_node_packages_read_as_npm_names(matcher: FeedMatcher, name: str, expected: str) -> None:
    item = SoftwareItem(name, "1.0-1", "Debian Javascript Maintainers <pkg-javascript-devel@lists.alioth.debian.org>", None, "dpkg",
                        "", name)
    (result,) = matcher.match([item], DEBIAN)
    assert _key(result) == expected, result.reason
    (npm,) = matcher.match([SoftwareItem(name.removeprefix("node-"), "1.0", source="npm")], DEBIAN)
    assert _key(npm) == expected, npm.reason


@pytest.mark.parametrize("name", ["java-17-amazon-corretto-headless", "java-17-amazon-corretto-devel"])
def test_a_package_named_as_a_name_alias_is_spoken(matcher: FeedMatcher, name: str) -> None:
    # Amazon Linux's Corretto JDK: "amazon corretto" is our name alias for OpenJDK's build.
    (result,) = matcher.match([SoftwareItem(name, "17.0.12+7-1.amzn2023", "Amazon Linux", None, "rpm", "",
                                            name.removesuffix("-headless").removesuffix("-devel"))], ROCKY)
    assert _key(result) == "oracle:openjdk", result.reason
    assert "name alias" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 18: of namesakes without CVEs, NVD's "<name>_project" placeholder beside keys whose
    # vendors file nothing else (an author's name, a lone namesake) is the project the
    # distribution packages: aria2 (tatsuhiro_tsujikawa), cjson (davegamble), sane-backends.
    ("aria2", DEBIAN, "dpkg", "aria2_project:aria2"),
    ("libcjson1", DEBIAN, "dpkg", "cjson_project:cjson"),
    ("sane-backends", ROCKY, "rpm", "sane-backends_project:sane-backends"),
])
def test_a_placeholder_beside_lone_keys_is_the_project(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                                      expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert "lone keys" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme"), [
    # ... but not beside a vendor of other products (ruby-lang:time, minio:console), nor for a
    # word other products use too (shadow, traceroute).
    ("time", DEBIAN, "dpkg"),
    ("console-setup", DEBIAN, "dpkg"),
    ("shadow", ALPINE, "apk"),
    ("traceroute", DEBIAN, "dpkg"),
])
def test_a_placeholder_beside_other_vendors_stays_refused(matcher: FeedMatcher, name: str, os_name: str, scheme: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme)], os_name)
    assert result.match is None
    assert "names several NVD products" in result.reason


@pytest.mark.parametrize(("name", "os_name", "scheme", "source_package"), [
    # Session 18: KEV calls google:chrome "Chromium" (its vendor Google); chromium:chromium, the
    # key spelled as the package, has no CVE: the distributions' chromium is Chrome's code.
    ("chromium", DEBIAN, "dpkg", ""),
    ("chromium", ALPINE, "apk", ""),
    ("chromium-driver", DEBIAN, "dpkg", "chromium"),
])
def test_kev_spelling_names_a_package_whose_own_key_has_no_cves(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                                                source_package: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "120.0", "", None, scheme, "", source_package)], os_name)
    assert _key(result) == "google:chrome", result.reason or result.match
    assert "KEV catalog calls google:chrome 'chromium'" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 18: an organisation's key beside lone keys (vendors filing only this product, not
    # named like it) is the project: ics:kea is a misspelt duplicate of isc:kea.
    ("kea", ROCKY, "rpm", "isc:kea"),
    ("snappy", ROCKY, "rpm", "google:snappy"),
    ("nautilus", ROCKY, "rpm", "gnome:nautilus"),
])
def test_an_organisation_beside_lone_keys_is_the_project(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                                        expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert "its vendor files other products" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme"), [
    # ... not when a lone vendor is named like the product (it may be the project's own
    # organisation: fluent:fluent_bit, supervisord:supervisor).
    ("fluent-bit", ALPINE, "apk"),
    ("supervisor", ALPINE, "apk"),
])
def test_a_lone_vendor_named_like_the_product_leaves_it_refused(matcher: FeedMatcher, name: str, os_name: str, scheme: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, scheme)], os_name)
    assert result.match is None
    assert "names several NVD products" in result.reason


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    ("c-ares", "macOS 14.5", "c-ares:c-ares"),  # beside daniel_stenberg:c-ares
    ("tcpflow", "macOS 14.5", "digitalcorpora:tcpflow"),  # beside jeremy_elson:tcpflow
    ("aria2", "macOS 14.5", "aria2_project:aria2"),  # beside tatsuhiro_tsujikawa:aria2
    # (On Debian, aria2 is answered by the same rule's second evidence, NVD's placeholder beside
    # lone keys (packages.PackageRules._namesake_without_cves): the same key, "lone keys" in the evidence.)
])
def test_of_namesakes_without_cves_a_persons_key_gives_way(matcher: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    # Session 18: NVD files a project under its author's name beside the project's own key.
    source = "homebrew" if os_name.startswith("macOS") else None
    (result,) = matcher.match([SoftwareItem(name, "1.0", source=source)], os_name)
    assert _key(result) == expected
    assert "filed under a person's name" in result.match.evidence


def test_of_two_persons_keys_none_is_chosen(matcher: FeedMatcher) -> None:
    # stephen_hemminger:iproute and david_f._mischler:iproute: the one left is no project's key.
    (result,) = matcher.match([SoftwareItem("iproute", "6.2", source="homebrew")], "macOS 14.5")
    assert _key(result) is None


def test_a_debian_kernel_image_is_the_kernel_at_its_upstream_release(matcher: FeedMatcher) -> None:
    """Session 19: Debian's linux-image-<ABI>-<flavour> carries the upstream release in its
    version (6.1.123-1), so its CVEs are decided as any package's; its headers and debugging
    symbols are not the kernel, nor is an image whose version is of another series."""
    items = [SoftwareItem("linux-image-5.10.0-9-amd64", "5.10.70-1", "Debian Kernel Team", source="dpkg", source_package="linux-signed-amd64"),
             SoftwareItem("linux-image-6.11.10+bpo-cloud-amd64", "6.11.10-1~bpo12+1", "Debian Kernel Team", source="dpkg"),
             SoftwareItem("linux-image-5.10.0-9-amd64-dbg", "5.10.70-1", "Debian Kernel Team", source="dpkg"),
             SoftwareItem("linux-headers-5.10.0-9-amd64", "5.10.70-1", "Debian Kernel Team", source="dpkg"),
             SoftwareItem("linux-image-5.10.0-9-amd64", "6.1.123-1", "Debian Kernel Team", source="dpkg")]
    debian, backport, dbg, headers, other_series = matcher.match(items, DEBIAN)
    assert _key(debian) == _key(backport) == "linux:linux_kernel"
    assert debian.match.version == "5.10.70" and debian.match.cpe.startswith("cpe:2.3:o:linux:linux_kernel:5.10.70:")
    assert "the Linux kernel 5.10" in debian.match.evidence and debian.match.version_rule == ""
    # Dirty Pipe (KEV), fixed in 5.10.102, holds for 5.10.70, certain (a distribution may have backported the fix).
    (pipe,) = [v for v in debian.vulnerabilities if v.cve == "CVE-2022-0847"]
    assert pipe.kev and not pipe.version_unknown and pipe.backport_possible
    for refused in (dbg, headers):
        assert refused.match is None and "does not hold the kernel itself" in refused.reason
    assert other_series.match is None and "of another series" in other_series.reason


def test_a_kernel_that_names_its_series_lists_the_series_cves_as_may_apply(matcher: FeedMatcher) -> None:
    """Session 25: Ubuntu's linux-image-5.15.0-127-generic 5.15.0-127.137 (and its modules and
    tools) is some 5.15 kernel with backported fixes, no longer refused. NVD's ranges cannot
    decide it ("< 5.17" often names only the mainline fix): a CVE that reaches into the series is
    listed version_unknown (may apply, not counted), one fixed before the series is not listed.
    A calendar-date bound ("< 2022-08-10") says nothing of it."""
    names = ["linux-image-5.15.0-127-generic", "linux-modules-5.15.0-127-generic", "linux-modules-extra-5.15.0-127-generic",
             "linux-tools-5.15.0-127", "linux-hwe-5.15-tools-5.15.0-127", "linux-image-unsigned-5.15.0-127-generic"]
    results = matcher.match([SoftwareItem(name, "5.15.0-127.137", "Ubuntu Kernel Team", source="dpkg") for name in names],
                            "Ubuntu 22.04.5 LTS")
    for result in results:
        assert _key(result) == "linux:linux_kernel" and result.match.version == "5.15.x"
        assert result.match.version_rule == "kernel_series" and result.match.cpe.startswith("cpe:2.3:o:linux:linux_kernel:5.15:")
    by_id = {v.cve: v for v in results[0].vulnerabilities}
    # Dirty Pipe (KEV, fixed in 5.15.25) is listed as may-apply, not dropped; so is every other.
    assert by_id["CVE-2022-0847"].kev and len(by_id) > 50
    assert all(v.version_unknown and v.backport_possible for v in by_id.values())
    assert all(v.fixed_version is None or _version_key(v.fixed_version) > _version_key("5.15") for v in by_id.values())
    assert "CVE-2022-2785" not in by_id  # linux_kernel < 2022-08-10
    # Debian's image at upstream 5.10.70 has CVEs fixed before 5.15, which the 5.15 series has not;
    # its own findings are decided (certain), Dirty Pipe among them.
    (debian,) = matcher.match([SoftwareItem("linux-image-5.10.0-9-amd64", "5.10.70-1", source="dpkg")], DEBIAN)
    decided = {v.cve for v in debian.vulnerabilities if not v.version_unknown}
    assert "CVE-2022-0847" in decided and decided - set(by_id)


@pytest.mark.parametrize(("name", "version", "os_name", "scheme", "expected"), [
    # RPM distributions: Fedora's kernel.spec subpackages, a flavour before them, SUSE's -base.
    ("kernel", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", "5.14.x"),
    ("kernel-core", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", "5.14.x"),
    ("kernel-modules-extra", "6.9.9-200.fc40", "Fedora Linux 40", "rpm", "6.9.9"),
    ("kernel-rt-core", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", "5.14.x"),
    ("kernel-uek-core", "5.15.0-300.163.18.el9uek", "Oracle Linux Server 9.4", "rpm", "5.15.x"),
    ("kernel-uki-virt", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", "5.14.x"),
    ("kernel-tools-libs", "5.14.0-427.20.1.el9_4", ROCKY, "rpm", "5.14.x"),
    ("kernel-default-base", "5.14.21-150500.55.83.1.150500.6.37.3", SUSE, "rpm", "5.14.21"),
    ("kernel", "6.1.102-111.182.amzn2023", "Amazon Linux 2023", "rpm", "6.1.102"),
    # Alpine's kernel builds.
    ("linux-lts", "6.6.58-r0", ALPINE, "apk", "6.6.58"),
    ("linux-rpi", "6.6.31-r0", ALPINE, "apk", "6.6.31"),
    # Not the kernel that runs: headers and build files, metapackages, an out-of-tree module,
    # the tools' shared part, firmware.
    ("kernel-devel", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", None),
    ("kernel-headers", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", None),
    ("kernel-devel-matched", "5.14.0-427.42.1.el9_4", ROCKY, "rpm", None),
    ("linux-headers", "6.6-r0", ALPINE, "apk", None),
    ("linux-headers-6.8.0-47-generic", "6.8.0-47.47", "Ubuntu 24.04.1 LTS", "dpkg", None),
    ("linux-image-generic", "6.8.0-48.48", "Ubuntu 24.04.1 LTS", "dpkg", None),
    ("linux-modules-ipu6-6.8.0-48-generic", "6.8.0-48.48", "Ubuntu 24.04.1 LTS", "dpkg", None),
    ("linux-tools-common", "6.8.0-47.47", "Ubuntu 24.04.1 LTS", "dpkg", None),
    ("linux-libc-dev", "6.8.0-47.47", "Ubuntu 24.04.1 LTS", "dpkg", None),
])
def test_the_packages_that_hold_the_kernel(matcher: FeedMatcher, name: str, version: str, os_name: str, scheme: str,
                                           expected: str | None) -> None:
    (result,) = matcher.match([SoftwareItem(name, version, "", None, scheme)], os_name)
    if expected is None:
        assert result.match is None and "kernel" in result.reason
    else:
        assert _key(result) == "linux:linux_kernel" and result.match.version == expected


def test_a_kernel_package_without_a_version_is_identified_and_its_cves_may_apply(matcher: FeedMatcher) -> None:
    """Issue 11's rule for a version that cannot be read: identified, every CVE version_unknown."""
    (result,) = matcher.match([SoftwareItem("linux-image-5.10.0-9-amd64", "", source="dpkg")], DEBIAN)
    assert _key(result) == "linux:linux_kernel" and result.vulnerabilities
    assert all(v.version_unknown for v in result.vulnerabilities)


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 19: "lib<name>" is NVD's "<name>lib" when the library's vendor files the program
    # "<name>" too (MediaArea's MediaInfoLib beside MediaInfo) ...
    ("libmediainfo", DEBIAN, "dpkg", "mediaarea:mediainfolib"),  # Debian's source of libmediainfo0v5
    ("libmediainfo", ROCKY, "rpm", "mediaarea:mediainfolib"),
    ("libmediainfo", MAC, "homebrew", "mediaarea:mediainfolib"),
    # ... and refused when "<name>" is another vendor's product (ZenLib is not actian:zen).
    ("libzen", DEBIAN, "dpkg", None),
    ("libzen", ROCKY, "rpm", None),
])
def test_a_library_spelled_name_then_lib(rules_only: FeedMatcher, name: str, os_name: str, scheme: str, expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "24.12", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected is None:
        assert "'zenlib' (mediaarea:zenlib)" in result.reason and "actian:zen" in result.reason


@pytest.mark.parametrize(("name", "os_name", "scheme"), [
    ("perl-CGI", ROCKY, "rpm"),
    ("libcgi-pm-perl", DEBIAN, "dpkg"),
])
def test_a_perl_module_by_its_file_name(rules_only: FeedMatcher, name: str, os_name: str, scheme: str) -> None:
    # Session 19: NVD files CGI.pm by its file name, under a vendor named after it (beside its
    # author's key andy_armstrong:cgi.pm from the 2015 dictionary); the bare "cgi" names others.
    (result,) = rules_only.match([SoftwareItem(name, "4.57", "", None, scheme)], os_name)
    assert _key(result) == "cgi.pm:cgi.pm", result.reason
    assert "perl module file 'cgi.pm'" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 19: of namesakes spelled like a module, the ecosystem's own vendor's (apache for
    # Debian's Java libraries, ruby-lang for Ruby's gems); not Ruby itself, nor a PHP namesake.
    ("libhttpclient-java", DEBIAN, "dpkg", "apache:httpclient"),
    ("rubygem-json", ROCKY, "rpm", "ruby-lang:json"),
    ("ruby-json", ALPINE, "apk", "ruby-lang:json"),
])
def test_a_module_among_namesakes_is_the_ecosystem_vendors(rules_only: FeedMatcher, name: str, os_name: str, scheme: str,
                                                           expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "2.7.1", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    assert "ecosystem's own vendor" in result.match.evidence


@pytest.mark.parametrize(("name", "expected"), [
    ("php-memcached", "php:memcached"),
    ("php-mongodb", "mongodb:php_driver"),
    ("php-msgpack", None),  # PECL's msgpack, not shamaton:msgpack (a Go module)
])
def test_debian_php_package_by_the_pecl_team_is_a_pecl_extension(rules_only: FeedMatcher, name: str, expected: str | None) -> None:
    # Session 19: Debian's PECL team names an extension's default-version package php-<extension>,
    # as the PEAR team names Composer libraries; the maintainer field says which.
    pecl = "Debian PHP PECL Maintainers <team+php-pecl@tracker.debian.org>"
    (result,) = rules_only.match([SoftwareItem(name, "3.2.0", pecl, None, "dpkg")], DEBIAN)
    assert _key(result) == expected, result.reason or result.match
    assert "PECL extension" in (result.match.evidence if result.match else result.reason)


@pytest.mark.parametrize(("name", "expected"), [
    # Session 19: Debian's PHP team names Composer's "<vendor>/<name>" php-<vendor>-<name>, and
    # php-<name> when both are one: the vendor named after the library among namesakes ...
    ("php-dompdf", "dompdf_project:dompdf"),  # not digitaljunkies:dompdf
    ("php-fpdf", "fpdf:fpdf"),
    # ... and sabre/dav, which NVD spells run together.
    ("php-sabre-dav", "fruux:sabredav"),
])
def test_debian_php_library_read_as_composer_names_it(rules_only: FeedMatcher, name: str, expected: str) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "2.0.3", "Debian PHP PEAR Maintainers", None, "dpkg")], DEBIAN)
    assert _key(result) == expected, result.reason or result.match
    assert "Composer" in result.match.evidence


def test_a_pecl_extensions_source_is_not_read_as_a_composer_library(rules_only: FeedMatcher) -> None:
    # php8.3-redis is built from source php-redis (phpredis, PECL): never the Redis server.
    (result,) = rules_only.match([SoftwareItem("php8.3-redis", "6.0.2", "", None, "dpkg", "", "php-redis")], DEBIAN)
    assert result.match is None, result.match


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 19: packages named by the abbreviation the dictionary's titles give the product.
    ("libtbb12", DEBIAN, "dpkg", "intel:threading_building_blocks"),
    ("tbb-devel", ROCKY, "rpm", "intel:threading_building_blocks"),
    ("nspr", ROCKY, "rpm", "mozilla:netscape_portable_runtime"),
    # Not an abbreviation that other products' names use as a word (a kind of product).
    ("utm", MAC, "homebrew", None),
])
def test_a_package_named_by_a_titles_abbreviation(rules_only: FeedMatcher, name: str, os_name: str, scheme: str,
                                                  expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "2021.8.0", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected:
        assert "titles" in result.match.evidence and "abbreviate" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "expected"), [
    # Session 19: a hand-made -dbg package is its project's debugging build (all 3 labelled so).
    ("openssl-dbg", ALPINE, "openssl:openssl"),
    ("musl-dbg", ALPINE, "musl-libc:musl"),
    ("libc6-dbg", DEBIAN, "gnu:glibc"),
])
def test_a_dbg_package_is_its_project(matcher: FeedMatcher, name: str, os_name: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "3.1.4")], os_name)
    assert _key(result) == expected, result.reason
    assert "debugging build" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 20: the PostgreSQL Global Development Group's "<extension>_<PostgreSQL major>".
    ("pg_partman_16", ROCKY, "rpm", "pgxn:pg_partman"),
    ("pgvector_16", ROCKY, "rpm", "pgvector_project:pgvector"),
    # An extension NVD does not list stays unidentified without its major too.
    ("pgaudit_16", ROCKY, "rpm", None),
])
def test_a_pgdg_extension_is_read_without_the_postgresql_major(rules_only: FeedMatcher, name: str, os_name: str, scheme: str,
                                                              expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "5.1.0-1PGDG.rhel9", "PostgreSQL Global Development Group", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected:
        assert "PostgreSQL major '_16'" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 20: the package's name with its words run together or written apart, when the key
    # says the package is the project's: its vendor begins the name, or it is self-named.
    ("zerotier-one", ALPINE, "apk", "zerotier:zerotierone"),
    ("icingadb-web", DEBIAN, "dpkg", "icinga:icinga_db_web"),
    ("x2goserver", DEBIAN, "dpkg", "x2go:x2go_server"),
    ("victoria-metrics", ALPINE, "apk", "victoriametrics:victoriametrics"),
    # Not a name run together that NVD writes apart under a self-named key, nor a key with "-".
    ("adduser", DEBIAN, "dpkg", None),
    ("fcitx5", ROCKY, "rpm", None),
    ("jpegxl", ROCKY, "rpm", None),
])
def test_a_package_naming_a_product_with_its_words_run_together(rules_only: FeedMatcher, name: str, os_name: str, scheme: str,
                                                               expected: str | None) -> None:
    (result,) = rules_only.match([SoftwareItem(name, "1.2.3-r0", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected:
        assert "its words run together or written apart" in result.match.evidence


@pytest.mark.parametrize(("name", "os_name", "scheme", "expected"), [
    # Session 21: a tool built for another machine, named with its GNU target (a cross toolchain).
    ("arm-none-eabi-gdb", MAC, "homebrew", "gnu:gdb"),
    ("x86_64-elf-binutils", MAC, "homebrew", "gnu:binutils"),
    ("gcc-13-aarch64-linux-gnu", DEBIAN, "dpkg", "gnu:gcc"),
    ("libc6-dev-armhf-cross", DEBIAN, "dpkg", "gnu:glibc"),
    ("gcc-mingw-w64-x86-64-posix", DEBIAN, "dpkg", "gnu:gcc"),
    ("avr-binutils", ROCKY, "rpm", "gnu:binutils"),
    ("arm-none-eabi-gcc-cs-c++", ROCKY, "rpm", "gnu:gcc"),
    ("gcc-riscv-none-elf", ALPINE, "apk", "gnu:gcc"),
    # A tool whose name names no product stays unidentified; "<tool>-cross" alone is no target
    # (dpkg-cross is a program of its own, debian:dpkg-cross, not dpkg).
    ("picolibc-arm-none-eabi", DEBIAN, "dpkg", None),
    ("dpkg-cross", DEBIAN, "dpkg", "debian:dpkg-cross"),
])
def test_a_cross_toolchain_is_its_tool(matcher: FeedMatcher, name: str, os_name: str, scheme: str, expected: str | None) -> None:
    (result,) = matcher.match([SoftwareItem(name, "13.2.0-1", "", None, scheme)], os_name)
    assert _key(result) == expected, result.reason or result.match
    if expected:
        assert ("built for target" in result.match.evidence) == (name != "dpkg-cross")


@pytest.mark.parametrize(("name", "os_name", "scheme", "source_package", "expected"), [
    # Session 25: RHEL's qemu-kvm is upstream QEMU (KVM was merged in QEMU 1.3), not NVD's key of
    # the old fork; its subpackages follow, the rpm "-common" one included.
    ("qemu-kvm", ROCKY, "rpm", "", "qemu:qemu"),
    ("qemu-kvm-core", ROCKY, "rpm", "", "qemu:qemu"),
    ("qemu-kvm-common", ROCKY, "rpm", "", "qemu:qemu"),
    ("qemu-kvm-block-rbd", ROCKY, "rpm", "qemu-kvm", "qemu:qemu"),
    # VLC's packages are NVD's vlc_media_player, where its CVEs are; the library through its source.
    ("vlc-bin", DEBIAN, "dpkg", "vlc", "videolan:vlc_media_player"),
    ("libvlc5", DEBIAN, "dpkg", "vlc", "videolan:vlc_media_player"),
    ("vlc", MAC, "homebrew", "", "videolan:vlc_media_player"),
])
def test_packages_nvd_files_under_another_name(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                               source_package: str, expected: str) -> None:
    version = {"rpm": "8.2.0-11.el9", "dpkg": "3.0.21-0+deb12u1"}.get(scheme, "3.0.21")
    (result,) = matcher.match([SoftwareItem(name, version, "", None, scheme, "", source_package)], os_name)
    assert _key(result) == expected, result.reason


@pytest.mark.parametrize(("name", "os_name", "scheme", "source_package"), [
    # Session 25: a look-alike the alias table names is one with its subpackages and the binaries
    # of its source (GRASS GIS is not the Sass compiler connorskees:grass; OpenSCAP is not
    # Foreman's OpenSCAP plugin; mpeg2dec's libmpeg2 is not Android's).
    ("grass", ROCKY, "rpm", ""),
    ("grass-libs", ROCKY, "rpm", "grass"),
    ("grass-core", DEBIAN, "dpkg", "grass"),
    ("libopenscap25", DEBIAN, "dpkg", "openscap"),
    ("openscap-utils", DEBIAN, "dpkg", "openscap"),
    ("libmpeg2-4", DEBIAN, "dpkg", "mpeg2dec"),
])
def test_a_look_alike_package_is_refused_with_its_subpackages(matcher: FeedMatcher, name: str, os_name: str, scheme: str,
                                                              source_package: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "8.4.0-1", "", None, scheme, "", source_package)], os_name)
    assert result.match is None and "look-alike" in result.reason, result.match
