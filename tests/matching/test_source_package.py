"""The source package hint of dpkg, rpm and apk items (appliance/matching/source_package.py), on the real feeds."""

from __future__ import annotations

import re

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher

DEBIAN = "Debian GNU/Linux 12 (bookworm)"
ROCKY = "Rocky Linux 9.3 (Blue Onyx)"
ALPINE = "Alpine Linux v3.19"
OS = {"dpkg": DEBIAN, "rpm": ROCKY, "apk": ALPINE}


def identify(matcher: FeedMatcher, name: str, source: str, source_package: str = "") -> tuple[str | None, str]:
    """vendor:product (or None) and the evidence or reason, for one item of a fresh report."""
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, source, "", source_package)], OS[source])
    key = ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]) if result.match else None
    return key, result.match.evidence if result.match else (result.reason or "")


@pytest.mark.parametrize(("source", "name", "source_package", "expected"), [
    # Libraries whose names do not reduce to their project (Debian Policy 8.1 names them after the
    # soname); the source name may carry a version (gnutls28, gcc-12).
    ("dpkg", "libgnutls-dane0", "gnutls28", "gnu:gnutls"),
    ("dpkg", "libcairo-gobject2", "cairo", "cairographics:cairo"),
    ("dpkg", "libctf0", "binutils", "gnu:binutils"),
    ("rpm", "libctf", "binutils", "gnu:binutils"),
    ("apk", "aom-libs", "aom", "libaom:libaom"),  # (mesa-gbm, here before, is read by its name since session 15 round 2)
    # Programs split out of a project under names of their own.
    ("dpkg", "cpp-12", "gcc-12", "gnu:gcc"),
    ("rpm", "cpp", "gcc", "gnu:gcc"),
    ("dpkg", "logsave", "e2fsprogs", "e2fsprogs_project:e2fsprogs"),
    ("dpkg", "bsdextrautils", "util-linux", "kernel:util-linux"),
    # rpm names keep their case (perl-Pod-Escapes); the hint is read as a package name, in lower case.
    ("rpm", "perl-Pod-Escapes", "perl", "perl:perl"),
])
def test_the_source_package_identifies_what_the_binary_name_cannot(
        matcher: FeedMatcher, source: str, name: str, source_package: str, expected: str) -> None:
    without, reason = identify(matcher, name, source)
    assert without is None, reason
    key, evidence = identify(matcher, name, source, source_package)
    assert key == expected, evidence
    assert f"built from source package '{source_package}'" in evidence


def test_a_source_package_is_read_whole_not_cut_into_parts(matcher: FeedMatcher) -> None:
    # Alpine's scanelf comes from pax-utils (Gentoo's ELF tools), which is not the pax archiver:
    # a source package names a project, never a subpackage of one.
    key, reason = identify(matcher, "scanelf", "apk", "pax-utils")
    assert key is None and "source package 'pax-utils'" in reason
    # A binary package of that name is still read as one (the package rules' subpackage step).
    assert identify(matcher, "pax-utils", "apk")[0] == "pax_project:pax"


@pytest.mark.parametrize(("source", "name", "source_package", "kind"), [
    ("dpkg", "bzip2-doc", "bzip2", "documentation or data"),
    ("dpkg", "krb5-locales", "krb5", "documentation or data"),
    ("apk", "fortify-headers", "fortify-headers", "headers only"),
    ("dpkg", "manpages-dev", "manpages", "data or set-up"),
    ("dpkg", "libldap-common", "openldap", "-common package"),
    ("dpkg", "linux-libc-dev", "linux", "Linux kernel"),
    ("dpkg", "bpftool", "linux", "Linux kernel's source"),
])
def test_what_the_binary_package_is_stands_whatever_its_source(
        matcher: FeedMatcher, source: str, name: str, source_package: str, kind: str) -> None:
    key, reason = identify(matcher, name, source, source_package)
    assert key is None and kind in reason, reason


@pytest.mark.parametrize(("name", "source_package", "expected"), [
    # Session 15: a GObject introspection typelib is the library of the source it is built from.
    ("gir1.2-notify-0.7", "libnotify", "libnotify_project:libnotify"),
    ("gir1.2-polkit-1.0", "policykit-1", "polkit_project:polkit"),
    ("gir1.2-harfbuzz-0.0", "harfbuzz", "harfbuzz_project:harfbuzz"),
    ("gir1.2-packagekitglib-1.0", "packagekit", "packagekit_project:packagekit"),
    # GLib's typelib built from gobject-introspection (Debian 12): that source names no product,
    # and the namespace the binary name gives (GLib) does not overrule it.
    ("gir1.2-glib-2.0", "gobject-introspection", None),
])
def test_a_typelib_is_the_library_of_its_source(matcher: FeedMatcher, name: str, source_package: str,
                                                expected: str | None) -> None:
    key, evidence = identify(matcher, name, "dpkg", source_package)
    assert key == expected, evidence
    assert "typelib" in evidence and f"source package '{source_package}'" in evidence


@pytest.mark.parametrize(("name", "expected"), [
    # Without the hint, the typelib's namespace names its library's package (lib<namespace>).
    ("gir1.2-notify-0.7", "libnotify_project:libnotify"),
    ("gir1.2-gdkpixbuf-2.0", "gnome:gdk-pixbuf"),
    ("gir1.2-pango-1.0", "gnome:pango"),
    ("gir1.2-freedesktop-1.0", None),  # no library "libfreedesktop"
])
def test_a_typelib_without_the_hint_is_its_namespaces_library(matcher: FeedMatcher, name: str, expected: str | None) -> None:
    key, evidence = identify(matcher, name, "dpkg")
    assert key == expected, evidence
    assert "typelib of library 'lib" in evidence


@pytest.mark.parametrize(("name", "source_package", "not_key"), [
    ("python3-libvirt", "libvirt-python", "redhat:libvirt"),
    ("python3-dbus", "dbus-python", "freedesktop:dbus"),
])
def test_a_binding_source_named_project_python_is_not_the_project(
        matcher: FeedMatcher, name: str, source_package: str, not_key: str) -> None:
    # Session 20: libvirt-python and dbus-python are bindings released apart from libvirt and D-Bus.
    key, reason = identify(matcher, name, "rpm", source_package)
    assert key is None, reason
    assert "Python binding released as a project of its own" in reason and not_key in reason


def test_a_binding_source_whose_product_names_python_stands(matcher: FeedMatcher) -> None:
    key, evidence = identify(matcher, "python3-kafka", "dpkg", "kafka-python")
    assert key == "dpkp:kafka-python", evidence


def test_a_binary_name_match_stands_and_a_source_naming_another_product_is_said(matcher: FeedMatcher) -> None:
    # dpkg-dev has a CPE of its own (alias); its source dpkg is debian:dpkg.
    alone, evidence_alone = identify(matcher, "dpkg-dev", "dpkg")
    key, evidence = identify(matcher, "dpkg-dev", "dpkg", "dpkg")
    assert (alone, key) == ("debian:dpkg-dev", "debian:dpkg-dev")
    assert "source package 'dpkg' names debian:dpkg" in evidence and "more specific" in evidence
    assert evidence.startswith(evidence_alone.split(";")[0])
    # One product under two NVD names is no disagreement: libcurl4 from curl (haxx:libcurl, haxx:curl).
    key, evidence = identify(matcher, "libcurl4", "dpkg", "curl")
    assert key == "haxx:libcurl" and "source package" not in evidence


def test_a_refusal_names_the_source_package(matcher: FeedMatcher) -> None:
    key, reason = identify(matcher, "libnuma1", "dpkg", "numactl")
    assert key is None
    assert reason.startswith("no alias and no NVD product named like package 'libnuma1'")
    assert "source package 'numactl': no alias and no NVD product named like package 'numactl'" in reason


@pytest.mark.parametrize("source_package", ["", "bsdutils", "Not A Package!"])
def test_an_empty_equal_or_unreadable_hint_changes_nothing(matcher: FeedMatcher, source_package: str) -> None:
    assert identify(matcher, "bsdutils", "dpkg", source_package) == identify(matcher, "bsdutils", "dpkg")


def test_the_hint_is_for_distribution_packages_only(matcher: FeedMatcher) -> None:
    # A pip package or Homebrew formula is read by its own rules; a source package says nothing there.
    for name, source in (("requests", "pip"), ("openssl@3", "homebrew")):
        os_name = "macOS 14.5" if source == "homebrew" else DEBIAN
        plain = matcher.match([SoftwareItem(name, "1.0", "", None, source)], os_name)
        hinted = matcher.match([SoftwareItem(name, "1.0", "", None, source, "", "util-linux")], os_name)
        assert hinted == plain


def test_the_same_name_with_and_without_the_hint_is_cached_apart(matcher: FeedMatcher) -> None:
    # Both in one report, in both orders: the identifier's caches key on the hint too.
    items = [SoftwareItem("logsave", "1.47.0-2", "", None, "dpkg", "", "e2fsprogs"), SoftwareItem("logsave", "1.47.0-2", "", None, "dpkg")]
    for order in (items, items[::-1]):
        results = {item.source_package: result for item, result in zip(order, matcher.match(order, DEBIAN))}
        assert results["e2fsprogs"].match is not None and results[""].match is None


def _scorer():
    """scripts/score_identification.py, as tests/matching/test_labelled.py loads it."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "score_identification.py"
    spec = importlib.util.spec_from_file_location("score_identification", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LABELLED = [
    {"name": "bsdextrautils", "version": "2.38.1-5+deb12u3", "vendor": "", "os": DEBIAN, "source": "dpkg",
     "source_package": "util-linux", "expected": "kernel:util-linux"},
    {"name": "bzip2-doc", "version": "1.0.8-5", "vendor": "", "os": DEBIAN, "source": "dpkg",
     "source_package": "bzip2", "expected": None},
]


def test_the_scorer_reads_the_hint_and_can_score_without_it(matcher: FeedMatcher) -> None:
    scorer = _scorer()
    hinted, _ = scorer.score(matcher, LABELLED)
    plain, misses = scorer.score(matcher, LABELLED, source_package=False)
    assert (hinted["all"].tp, hinted["all"].fn, hinted["all"].tn) == (1, 0, 1)
    assert (plain["all"].tp, plain["all"].fn, plain["all"].tn) == (0, 1, 1)
    assert misses == ["[dpkg] missed: 'bsdextrautils' (expected kernel:util-linux): no alias and no NVD product "
                      "named like package 'bsdextrautils' (tried 'bsdextrautils')"]
    (change,) = scorer.hint_changes(matcher, LABELLED)
    assert change.startswith("[dpkg] 'bsdextrautils' from 'util-linux': None -> kernel:util-linux "
                             "(expected kernel:util-linux): dpkg package 'bsdextrautils' is built from source package")


def test_the_scorer_counts_an_unlabelled_inventory_with_and_without_hints(matcher: FeedMatcher, feeds_root) -> None:
    import json

    scorer = _scorer()
    report = json.loads((feeds_root / "inventories" / "debian12-dpkg.json").read_text())
    items = scorer.inventory_items(report)
    with_hints, without = scorer.identified(matcher, items), scorer.identified(matcher, items, source_package=False)
    assert with_hints["all"][1] == without["all"][1] == len(report["software"]) == with_hints["dpkg"][1]
    # BENCHMARKS.md has the numbers; here only that the hint adds identifications and loses none.
    assert with_hints["all"][0] > without["all"][0]
    lost = [line for line in scorer.hint_changes(matcher, items) if "-> None" in line]
    # Except a typelib whose source says it is not built from the library its namespace names
    # (session 15: GLib's typelib from gobject-introspection).
    assert [line for line in lost if "'gir1.2-glib-2.0'" not in line] == []


def test_the_scorer_can_lend_labelled_dpkg_items_an_inventorys_source_packages() -> None:
    scorer = _scorer()
    known = scorer.source_packages({"software": [{"name": "bsdutils", "source_package": "util-linux"},
                                                 {"name": "curl", "source_package": "curl"}, {"name": "x", "version": "1"}]})
    assert known == {"bsdutils": "util-linux", "curl": "curl"}
    items = [{"name": "bsdutils", "os": DEBIAN}, {"name": "curl", "os": DEBIAN},  # same name: nothing to add
             {"name": "bsdutils", "os": ROCKY},  # not a dpkg item
             {"name": "bsdutils", "os": DEBIAN, "source_package": "mine"}]  # its own hint stays
    filled, count = scorer.with_source_packages(items, known)
    assert count == 1
    assert [i.get("source_package") for i in filled] == ["util-linux", None, None, "mine"]


@pytest.mark.parametrize(("source", "name", "source_package", "without", "expected", "said"), [
    # The binary's own name finds a product with no CVE in the feed, the source package one with
    # CVEs: the source's stands (Alpine's ffmpeg-libavcodec is FFmpeg's; Fedora's dhcp-client and
    # php-fpm, once here, are now read from their names alone: isc:dhcp_client is ISC's CVE-less
    # key beside isc:dhcp since session 16, test_packages; php-fpm is PHP's own part,
    # test_packages.test_php_parts_and_php_libraries).
    ("apk", "ffmpeg-libavcodec", "ffmpeg", "ffmpeg:libavcodec", "ffmpeg:ffmpeg", "suggested ffmpeg:libavcodec, which has no CVEs"),
    # Neither has CVEs, but the binary's is another vendor's namesake: Alpine's drill is
    # built from NLnet Labs' ldns, not Apache Drill.
    ("apk", "drill", "ldns", "apache:drill", "nlnetlabs:ldns", "suggested apache:drill, which has no CVEs"),
    # Session 16: the binary name carries the whole source name; the words before it gave the product.
    ("rpm", "mozilla-nss-certs", "mozilla-nss", "mozilla:mozilla", "mozilla:nss", "built from source package 'mozilla-nss'"),
    ("dpkg", "postgresql-postgis-scripts", "postgis", "postgresql:postgresql", "postgis:postgis",
     "built from source package 'postgis'"),
    # The source is "<product>-<more>" and another product of the product's vendor.
    ("rpm", "libmariadb-devel", "mariadb-connector-c", "mariadb:mariadb", "mariadb:connector\\/c",
     "built from source package 'mariadb-connector-c'"),
])
def test_the_source_package_overrules_the_binary_names_product(
        matcher: FeedMatcher, source: str, name: str, source_package: str, without: str, expected: str, said: str) -> None:
    assert identify(matcher, name, source)[0] == without
    key, evidence = identify(matcher, name, source, source_package)
    assert key == expected, evidence
    assert said in evidence


def test_a_third_party_nginx_module_stands_against_its_nginx_source(matcher: FeedMatcher) -> None:
    # Alpine builds third-party nginx modules from the nginx source package.
    assert identify(matcher, "nginx-mod-http-lua", "apk", "nginx")[0] == "openresty:lua-nginx-module"


def test_a_binary_name_product_with_cves_stands_against_the_source(matcher: FeedMatcher) -> None:
    # libcurl4 is haxx:libcurl (with CVEs), though its source curl is haxx:curl.
    key, evidence = identify(matcher, "libcurl4", "dpkg", "curl")
    assert key == "haxx:libcurl", evidence


@pytest.mark.parametrize("name", ["grub-pc", "grub-efi-amd64"])
def test_a_numbered_source_names_the_generation_nvd_files_apart(matcher: FeedMatcher, name: str) -> None:
    # Debian builds GRUB 2 from source grub2; the binary's first word "grub" names GRUB Legacy.
    assert identify(matcher, name, "dpkg")[0] == "gnu:grub"
    key, evidence = identify(matcher, name, "dpkg", "grub2")
    assert key == "gnu:grub2", evidence
    assert "numbered generation" in evidence
    # A source with a version that names the same product changes nothing (fuse3: fuse:fuse).
    assert identify(matcher, "fuse3-libs", "rpm", "fuse3")[0] == identify(matcher, "fuse3-libs", "rpm")[0]


def test_a_product_read_after_the_source_name_stays_the_binarys(matcher: FeedMatcher) -> None:
    # nodejs20-npm from nodejs20: npm is read from the words after the source's name.
    key, evidence = identify(matcher, "nodejs20-npm", "rpm", "nodejs20")
    assert key == "npmjs:npm", evidence


def test_a_library_the_sources_vendor_files_as_its_own_product(matcher: FeedMatcher) -> None:
    # Alpine's and Debian's libltdl come from libtool's source; NVD files the library as
    # gnu:libtool-ltdl, a product of its own.
    for source, name in (("apk", "libltdl"), ("dpkg", "libltdl7")):
        key, evidence = identify(matcher, name, source, "libtool")
        assert key == "gnu:libtool-ltdl", evidence
        assert "files as a product of its own" in evidence
    # A library whose source's vendor has no such product is the source's project.
    assert identify(matcher, "libgnutls-dane0", "dpkg", "gnutls28")[0] == "gnu:gnutls"


@pytest.mark.parametrize(("name", "vendor", "expected"), [
    # Fedora builds Orthanc's plugins from sources of their own names: not Orthanc.
    ("orthanc-postgresql", "Fedora Project", None),
    ("orthanc-webviewer", "Fedora Project", None),
    ("postgresql-odbc", "Red Hat, Inc.", None),
    # A vendor's own RPM named "<product>-<part>" from a source of the same name is its product.
    ("wazuh-agent", "Wazuh, Inc <info@wazuh.com>", "wazuh:wazuh"),
    # A version is no project of its own (SUSE's openssl-1_1).
    ("openssl-1_1", "SUSE LLC <https://www.suse.com/>", "openssl:openssl"),
])
def test_a_distribution_package_built_from_its_own_source_is_not_a_part_of_another(
        matcher: FeedMatcher, name: str, vendor: str, expected: str | None) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0", vendor, None, "rpm", "", name)], ROCKY)
    key = ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]) if result.match else None
    assert key == expected, result.reason or result.match.evidence
    if expected is None:
        assert "source package of its own name" in result.reason


@pytest.mark.parametrize(("name", "source", "os_name"), [
    # Session 15, round 2: a module built per interpreter version from "<ecosystem>-<module>"
    # (packages: PECL extensions, openSUSE's python3NN-<module>).
    ("php8.3-redis", "php-redis", "Ubuntu 24.04"),
    ("php8.2-apcu", "php-apcu", "Debian GNU/Linux 12 (bookworm)"),
    ("python311-Jinja2", "python-Jinja2", "openSUSE Leap 15.5"),
])
def test_a_module_built_per_interpreter_is_not_the_interpreter(matcher, name: str, source: str, os_name: str) -> None:
    scheme = "rpm" if "SUSE" in os_name else "dpkg"
    (result,) = matcher.match([SoftwareItem(name, "1.0-1", "", None, scheme, "", source)], os_name)
    assert result.match is None, result.match
    # PHP's own extensions are PHP's (Debian builds php8.3-curl from source php8.3).
    (result,) = matcher.match([SoftwareItem("php8.3-curl", "8.3.6-0ubuntu0.24.04.2", "", None, "dpkg", "", "php8.3")], "Ubuntu 24.04")
    assert result.match is not None and ":php:php:" in result.match.cpe, result.reason


def test_a_language_module_named_by_the_project_is_its_sources(matcher) -> None:
    # Round 2 (held-out set 21): Ubuntu's libsnmp-perl is Net-SNMP's Perl module, built from
    # source net-snmp (a project, not a language): the source overrules the module's namesake
    # snmp:snmp, as it does for any binary name that found a product without CVEs.
    (result,) = matcher.match([SoftwareItem("libsnmp-perl", "5.9.1+dfsg-1ubuntu2.6", "", None, "dpkg", "", "net-snmp")],
                              "Ubuntu 22.04.4 LTS")
    assert result.match is not None and ":net-snmp:net-snmp:" in result.match.cpe, result.reason


@pytest.mark.parametrize("name", ["nvidia-dkms-550", "libnvidia-gl-550", "xserver-xorg-video-nvidia-550", "nvidia-kernel-common-550"])
def test_the_nvidia_drivers_binaries_are_the_driver_through_their_source(matcher: FeedMatcher, name: str) -> None:
    # Session 20: Ubuntu's source nvidia-graphics-drivers-<branch> (an alias) names the driver,
    # and every binary built from it inherits it through the hint.
    (result,) = matcher.match([SoftwareItem(name, "550.120-0ubuntu0.24.04.1", "Ubuntu Core Developers", None, "dpkg", "",
                                            "nvidia-graphics-drivers-550")], "Ubuntu 24.04")
    assert result.match is not None and ":nvidia:gpu_display_driver:" in result.match.cpe, result.reason
    assert "source package 'nvidia-graphics-drivers-550'" in result.match.evidence


@pytest.mark.parametrize(("name", "source", "os_name", "scheme", "expected"), [
    # Session 20: sources the alias table names, whose binaries inherit the product.
    ("libupsclient6", "nut", "Debian GNU/Linux 12 (bookworm)", "dpkg", "networkupstools:nut"),
    ("libnvpair3linux", "zfs-linux", "Debian GNU/Linux 12 (bookworm)", "dpkg", "openzfs:openzfs"),
    ("kmod-zfs", "zfs-kmod", "Rocky Linux 9.4 (Blue Onyx)", "rpm", "openzfs:openzfs"),
    ("dropbear-convert", "dropbear", "Alpine Linux v3.20", "apk", "dropbear_ssh_project:dropbear_ssh"),
])
def test_binaries_of_an_aliased_source_inherit_its_product(matcher: FeedMatcher, name: str, source: str, os_name: str,
                                                          scheme: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "2.2.2-1", "", None, scheme, "", source)], os_name)
    key = ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]) if result.match else None
    assert key == expected, result.reason or result.match.evidence


def test_a_binary_named_after_its_host_and_its_own_source_is_not_the_host(matcher: FeedMatcher) -> None:
    # Session 20: Debian's nagios-nrpe-server is built from source nrpe, NRPE's, which names no
    # product: nothing does, not Nagios, whose name comes first.
    (result,) = matcher.match([SoftwareItem("nagios-nrpe-server", "4.1.0-1", "", None, "dpkg", "", "nrpe")], "Ubuntu 24.04")
    assert result.match is None, result.match
    assert "source package 'nrpe', a project of its own" in result.reason
    # The source's own product when it names one (PostGIS, not PostgreSQL).
    (result,) = matcher.match([SoftwareItem("postgresql-16-postgis-3", "3.4.2+dfsg-1", "", None, "dpkg", "", "postgis")],
                              "Debian GNU/Linux 12 (bookworm)")
    assert result.match is not None and ":postgis:postgis:" in result.match.cpe, result.reason
