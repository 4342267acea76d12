"""Names that reference URLs give products: reading URLs, mining them into the bundle, and identification by them."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.bundle import compile_sources
from appliance.matching.engine import FeedMatcher
from appliance.matching.identify import Identifier, source_of
from appliance.matching.index import CpeIndex
from appliance.matching.platform import platform_of
from appliance.matching.references import names_in, owner_of

DEBIAN = "Debian GNU/Linux 12 (bookworm)"
UBUNTU = "Ubuntu 22.04"


# Real reference URLs of the NVD 2022 file and the 2015 CPE dictionary.
@pytest.mark.parametrize(("url", "expected"), [
    ("https://pypi.org/project/b2sdk/", [("pypi", "b2sdk")]),
    ("https://pypi.python.org/pypi/Pillow/2.5.2", [("pypi", "pillow")]),
    ("https://www.npmjs.com/package/@awsui/components-react", [("npm", "@awsui/components-react")]),
    ("https://www.npmjs.com/package/express-fileupload", [("npm", "express-fileupload")]),
    ("https://snyk.io/vuln/SNYK-JS-POSTLOADER-2403737", [("npm", "postloader")]),
    ("https://security.snyk.io/vuln/SNYK-PYTHON-JOBLIB-3027033", [("pypi", "joblib")]),
    ("https://snyk.io/vuln/SNYK-GOLANG-GITHUBCOMGINGONICGIN-1041736", [("go", "githubcomgingonicgin")]),
    ("https://security.snyk.io/vuln/SNYK-PHP-DOMPDFDOMPDF-2434814", [("packagist", "dompdfdompdf")]),
    ("http://rubygems.org/gems/paratrooper-pingdom", [("gem", "paratrooper-pingdom")]),
    ("https://packagist.org/packages/dompdf/dompdf#v1.2.1", [("packagist", "dompdf/dompdf")]),
    ("https://play.google.com/store/apps/details?id=com.kindle.books.for99", [("play", "com.kindle.books.for99")]),
    ("https://github.com/libexpat/libexpat/issues/649", [("repo", "libexpat")]),
    ("https://gitlab.gnome.org/GNOME/ocrfeeder/-/merge_requests/13", [("repo", "ocrfeeder")]),
    ("https://gitlab.com/gsasl/gsasl/-/commit/796e4197f696261c1f872d7576371232330bcc30", [("repo", "gsasl")]),
    ("https://cgit.freedesktop.org/xorg/xserver/commit/?id=11beef0b7f1ed290348e45618e5fa0d2bffcb72e", [("repo", "xserver")]),
    ("https://git.openssl.org/gitweb/?p=openssl.git;a=commitdiff;h=380085481c64de749a6dd25cdf0bcf4360b30f83", [("repo", "openssl")]),
    ("http://www.gnu.org/software/a2ps/", [("repo", "a2ps")]),
    ("http://udisks.freedesktop.org/docs/", [("repo", "udisks")]),
    # Research and advisory pages name no product.
    ("https://github.com/Crusaders-of-Rust/CVE-2022-0185", []),
    ("https://github.com/advisories/GHSA-jr96-7frv-3mpj", []),
    ("https://gitlab.com/gitlab-org/cves/-/blob/master/2022/CVE-2022-0090.json", []),
    ("https://pkg.go.dev/vuln/GO-2022-0525", []),
    ("https://www.openwall.com/lists/oss-security/2022/03/18/2", []),
    ("not a url at all", []),
])
def test_names_in_urls(url: str, expected: list[tuple[str, str]]) -> None:
    assert names_in(url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://github.com/lovell/sharp", "lovell"),
    ("https://github.com/DIYgod/RSSHub/issues/10045", "diygod"),
    ("https://gitlab.com/freedesktop-sdk/mirrors/gitlab/libtiff/libtiff", "freedesktop-sdk"),
    ("https://github.com/advisories/GHSA-jr96-7frv-3mpj", ""),
    ("http://sourceforge.net/projects/graphicsmagick", ""),
])
def test_owner_of_forge_urls(url: str, expected: str) -> None:
    # Session 17: the owner a repository is filed under (CpeIndex._namesakes compares vendors with it).
    assert owner_of(url) == expected


def _rows(index: CpeIndex, kind: str, name: str) -> dict[str, int]:
    return {index.keys[row.key]: row.support for row in index.references(kind, name)}


def test_mined_from_the_real_feeds(index: CpeIndex) -> None:
    # A CVE with one product: its package page names it, though NVD spells the product otherwise.
    assert _rows(index, "pypi", "b2sdk") == {"backblaze:b2_python_software_development_kit": 1}
    assert _rows(index, "npm", "@awsui/components-react") == {"amazon:awsui\\/components-react": 1}
    # Many CVEs link expat's repository.
    assert _rows(index, "repo", "libexpat")["libexpat_project:libexpat"] >= 10
    # Twisted's CVE-2022-21716 also lists debian, fedora and two Oracle products as vulnerable:
    # the twisted repository goes only to the product spelled like it.
    assert set(_rows(index, "repo", "twisted")) == {"twistedmatrix:twisted"}
    # HTTP/2 Rapid Reset (CVE-2023-44487, one product ietf:http) links the fixes of many
    # projects: those names are not ietf:http's.
    assert "ietf:http" not in _rows(index, "repo", "kubernetes")
    # The registry itself is no package: python:pypi's malicious upload "marcador".
    assert not index.references("pypi", "marcador") and not index.references("repo", "marcador")
    assert list(index.bundle.references) == sorted(index.bundle.references)
    for rows in index.bundle.references.values():
        assert rows == sorted(rows, key=lambda r: (r.name, r.key))
        assert all(row.support >= 1 and row.url.startswith(("http", "ftp")) for row in rows)
    # The URL is kept up to the name it gives, not the commit or issue under it.
    assert {row.url for row in index.references("repo", "libexpat")} == {"https://github.com/libexpat/libexpat"}


def test_a_repository_that_cves_of_many_products_cite_names_none_of_them(index: CpeIndex, matcher: FeedMatcher) -> None:
    """Session 21: VICIdial's CVEs (and ScreenConnect's, GoAnywhere's, Zimbra's...) link their
    Metasploit modules: rapid7/metasploit-framework is an exploit collection, not their home."""
    assert not index.references("repo", "metasploit-framework")
    (found,) = matcher.match([SoftwareItem(name="metasploit-framework", version="6.4.12-0kali1", vendor="Kali Developers",
                                           source="dpkg", source_package="metasploit-framework")], "Kali GNU/Linux Rolling")
    assert found.match is None or "vicidial" not in found.match.cpe, found.match
    # A repository given to several products, one of them spelled like it, still names that one.
    assert _rows(index, "repo", "linux")["linux:linux_kernel"] >= 10
    assert _rows(index, "repo", "njs")["f5:njs"] >= 10


def test_mining_does_not_depend_on_feed_or_reference_order(feeds_root: Path, tmp_path: Path) -> None:
    sample = json.loads((feeds_root / "nvd" / "nvdcve-2.0-sample.json").read_text())
    assert any("github.com" in ref["url"] for v in sample["vulnerabilities"] for ref in v["cve"].get("references", []))
    sample["vulnerabilities"].reverse()
    for vulnerability in sample["vulnerabilities"]:
        vulnerability["cve"].get("references", []).reverse()
    (tmp_path / "reversed.json").write_text(json.dumps(sample))
    products = feeds_root / "cpe" / "cpes.csv"
    forward, _ = compile_sources([products, feeds_root / "nvd" / "nvdcve-2.0-sample.json"])
    backward, _ = compile_sources([products, tmp_path / "reversed.json"])
    assert forward.references and forward.references == backward.references


def test_a_refresh_keeps_the_mined_names_of_its_base(feeds_root: Path) -> None:
    base, manifest = compile_sources([feeds_root / "cpe" / "cpes.csv", feeds_root / "nvd" / "nvdcve-2.0-sample.json"])
    refreshed, _ = compile_sources([feeds_root / "kev"], base=base, base_manifest=manifest)
    assert base.references and refreshed.references == base.references


def test_a_format_4_bundle_has_no_reference_names(index: CpeIndex) -> None:
    old = CpeIndex(msgspec.structs.replace(index.bundle, format=4, references={}), index.aliases)
    (result,) = FeedMatcher(old).match([SoftwareItem("b2sdk", "1.14.0", source="pip")], UBUNTU)
    assert result.match is None


@pytest.mark.parametrize(("item", "os_name", "expected", "url"), [
    # pip: the package page names a product spelled otherwise.
    (SoftwareItem("b2sdk", "1.14.0", source="pip"), UBUNTU, "backblaze:b2_python_software_development_kit",
     "NVD links its package page https://pypi.org/project/b2sdk"),
    (SoftwareItem("VNCAuthProxy", "1.1.0", source="pip"), UBUNTU, "osuosl:twisted_vnc_authentication_proxy",
     "https://pypi.org/project/VNCAuthProxy"),
    # Two products spelled "memcached", neither with a CVE in the feed: only one's references
    # link the project's page.
    (SoftwareItem("memcached", "1.6.22", source="homebrew"), "macOS 14.5", "memcached:memcached",
     "only this one's references link http://code.google.com/p/memcached"),
])
def test_identified_by_reference(matcher: FeedMatcher, item: SoftwareItem, os_name: str, expected: str, url: str) -> None:
    (result,) = matcher.match([item], os_name)
    assert result.match is not None, result.reason
    assert result.match.cpe.split(":")[3:5] == expected.split(":")
    assert url in result.match.evidence


@pytest.mark.parametrize(("item", "os_name", "expected", "url"), [
    # The package rules find these by name alone; the references say the same product.
    (SoftwareItem("libde265-0", "1.0.11-1", "Debian Multimedia Maintainers"), DEBIAN, "struktur:libde265",
     "https://github.com/strukturag/libde265"),
    (SoftwareItem("libgstreamer1.0-0", "1.22.0-2", "Maintainers of GStreamer packages"), DEBIAN,
     "gstreamer_project:gstreamer", "gitlab.freedesktop.org/gstreamer"),
    (SoftwareItem("polkit", "0.117-11.el9"), "Rocky Linux 9.3", "polkit_project:polkit", "freedesktop.org/polkit"),
])
def test_references_agree_with_the_package_rules(index: CpeIndex, item: SoftwareItem, os_name: str, expected: str, url: str) -> None:
    (result,) = FeedMatcher(index).match([item], os_name)
    assert result.match is not None and result.match.cpe.split(":")[3:5] == expected.split(":"), result
    found = Identifier(index)._by_reference(item.name.lower(), source_of(item, platform_of(os_name)))
    assert found is not None and found.key == expected and url in found.evidence, found


@pytest.mark.parametrize(("item", "os_name", "reason"), [
    # A package named after a product with more words is an extension of it: a dictionary
    # entry of Django links django-reversion's PyPI page.
    (SoftwareItem("django-reversion", "5.0.12", source="pip"), UBUNTU, "no NVD product"),
    # The URL names an old vendor's product without CVEs; others are spelled like the package
    # (pyOpenSSL itself is chosen by its vendor's Python name: test_language_packages.py).
    (SoftwareItem("openssl", "0.1", source="pip"), UBUNTU, "jean-paul_calderone:pyopenssl, pyopenssl:pyopenssl"),
    (SoftwareItem("marcador", "0.1", source="pip"), UBUNTU, "no NVD product"),
    # Type declarations of express are not express.
    (SoftwareItem("@types/express", "4.17.21", source="npm"), UBUNTU, "TypeScript type declarations"),
    # A look-alike of the alias table stays one, whatever a URL says.
    (SoftwareItem("Git Extensions", "4.1.1"), "Windows 11 23H2", "look-alike"),
])
def test_refused_with_the_candidates(matcher: FeedMatcher, item: SoftwareItem, os_name: str, reason: str) -> None:
    (result,) = matcher.match([item], os_name)
    assert result.match is None, result.match
    assert reason in result.reason


def test_one_repository_of_one_product_under_two_vendor_names(matcher: FeedMatcher) -> None:
    # Session 20: github.com/pjsip/pjproject is linked from CVEs of pjsip:pjsip and teluu:pjsip,
    # one product name: the key with more CVEs, and the item's binaries inherit it from the source.
    (formula,) = matcher.match([SoftwareItem("pjproject", "2.14.1", "", None, "homebrew")], "macOS 14.5")
    assert formula.match is not None and ":teluu:pjsip:" in formula.match.cpe, formula.reason
    assert "pjsip:pjsip, the same product under another vendor name" in formula.match.evidence
    (library,) = matcher.match([SoftwareItem("libpjsua2", "2.14-1", "", None, "dpkg", "", "pjproject")], "Ubuntu 24.04")
    assert library.match is not None and ":teluu:pjsip:" in library.match.cpe, library.reason
