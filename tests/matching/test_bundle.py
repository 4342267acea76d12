"""scripts/build_feed.py and the bundle format: manifest, determinism, refusal of corrupt sources."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.matching.bundle import compile_sources, load_bundle
from tests.conftest import ROOT


def build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "build_feed.py"), *args], capture_output=True, text=True, cwd=ROOT)


def test_build_feed_writes_bundle_and_manifest(feed_dir: Path, feeds_root: Path) -> None:
    manifest = json.loads((feed_dir / "manifest.json").read_text())
    by_file = {s["file"]: s for s in manifest["sources"]}
    assert by_file["nvdcve-2.0-sample.json"]["records"] == 48
    assert by_file["nvdcve-1.1-2022.json.gz"]["records"] == 16315
    assert by_file["known_exploited_vulnerabilities.json"]["records"] == 1404
    assert by_file["cpes.csv"]["format"] == "cpe_csv"
    assert all(len(s["sha256"]) == 64 for s in manifest["sources"])
    assert manifest["kev"] == 1404
    # The 2.0 sample and the 2022 file overlap in a few CVEs; each is kept once.
    assert 16315 < manifest["cves"] < 16315 + 48
    bundle = load_bundle(feed_dir)
    assert len(bundle.cves) == manifest["cves"]
    assert bundle.keys == sorted(bundle.keys)


def test_same_sources_give_the_same_bundle(feeds_root: Path) -> None:
    sources = [feeds_root / "nvd" / "nvdcve-2.0-sample.json", feeds_root / "kev", feeds_root / "cpe" / "cpes.csv"]
    first, _ = compile_sources(sources)
    second, _ = compile_sources(list(reversed(sources)))
    strip = lambda b: msgspec.msgpack.encode(msgspec.structs.replace(b, built_at=""))  # noqa: E731
    assert strip(first) == strip(second)


def test_corrupt_source_is_refused_and_nothing_written(tmp_path: Path, feeds_root: Path) -> None:
    broken = tmp_path / "nvdcve-2.0-2024.json.gz"
    broken.write_bytes(gzip.compress((feeds_root / "nvd" / "nvdcve-2.0-sample.json").read_bytes())[:5000])
    out = tmp_path / "out"
    result = build(str(feeds_root / "kev"), str(broken), "-o", str(out))
    assert result.returncode == 1
    assert "nvdcve-2.0-2024.json.gz" in result.stderr
    assert not (out / "bundle.msgpack").exists()


def test_missing_source(tmp_path: Path) -> None:
    result = build(str(tmp_path / "nope.json"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_help_documents_the_options() -> None:
    result = build("--help")
    assert result.returncode == 0 and "--output" in result.stdout and "SOURCE" in result.stdout


def test_mined_groups_names_and_ecosystems(index) -> None:
    """Format 4 mines product groups, KEV names and package ecosystems from the real feeds."""
    bundle = index.bundle
    groups = {frozenset(bundle.keys[k] for k in group) for group in bundle.groups}
    assert frozenset({"docker:desktop", "docker:docker_desktop"}) in groups  # vendor's name in front
    assert frozenset({"dell:command_\\|_update", "dell:command_update"}) in groups  # punctuation only
    assert any({"caddy_project:caddy", "caddyserver:caddy"} <= group for group in groups)  # named after the product
    assert not any("madebytribe:caddy" in group for group in groups)
    # One product name under two vendors with the same 2015 dictionary title ("X.Org libX11").
    assert frozenset({"x.org:libx11", "x:libx11"}) in groups
    assert not any({"x.org:libx11", "x:libxv"} <= group for group in groups)
    names = {name.text: bundle.keys[name.key] for name in bundle.names}
    assert names["goanywhere mft"] == "fortra:goanywhere_managed_file_transfer"
    assert names["connectwise screenconnect"] == "connectwise:screenconnect"
    assert all(bundle.keys[k].count(":") >= 1 for k in bundle.ecosystems["node.js"])
    assert index.equivalents(index.key_id["docker:desktop"]) == index.equivalents(index.key_id["docker:docker_desktop"])


def test_a_format_3_bundle_still_loads_without_mined_fields(index, tmp_path) -> None:
    """An upgraded appliance keeps its format-3 feed; the next refresh writes the current format."""
    import msgspec

    import pytest

    from appliance.matching.bundle import BUNDLE_FILE, BundleError, load_bundle

    old = msgspec.structs.replace(index.bundle, format=3, groups=[], names=[], ecosystems={}, spans=[], exact=[], references={})
    raw = msgspec.msgpack.decode(msgspec.msgpack.encode(old))
    for field in ("groups", "names", "ecosystems", "spans", "exact", "references"):
        raw.pop(field)  # a format-3 file has none of these keys
    raw["kev"] = [entry[:5] for entry in raw["kev"]]  # nor the KEV vendor and product strings
    (tmp_path / BUNDLE_FILE).write_bytes(msgspec.msgpack.encode(raw))
    loaded = load_bundle(tmp_path)
    assert (loaded.format, loaded.groups, loaded.spans) == (3, [], [])
    assert len(loaded.cves) == len(index.bundle.cves) and loaded.kev[0].vendor_project == ""
    (tmp_path / BUNDLE_FILE).write_bytes(msgspec.msgpack.encode({**raw, "format": 2}))
    with pytest.raises(BundleError, match="format 2"):
        load_bundle(tmp_path)


def test_one_organisations_spellings_and_titles_group_one_product() -> None:
    # Vendors that are one organisation's name spelled two ways (punctuation, NVD's project
    # suffix, a tail such as "labs" or ".org"), and keys of one name with the same 2015 title.
    from appliance.matching.bundle import BProduct, _organisation, mine_groups

    assert _organisation("redislabs") == _organisation("redis") == "redis"
    assert _organisation("netart_media") == _organisation("netartmedia")
    assert _organisation("filezilla-project") == _organisation("filezilla")
    assert _organisation("chromium") != _organisation("webmproject")
    keys = ["chromium:libvpx", "redis:hiredis", "redislabs:hiredis", "webmproject:libvpx", "x.org:libxv", "x:libxv"]
    # x and x.org: too short to tell by the name; the 2015 titles ("x.org libxv") tell.
    products = [BProduct(i, "x.org libxv" if i >= 4 else "", -1, True) for i in range(len(keys))]
    groups = mine_groups(keys, products, [])
    assert (1, 2) in groups and (4, 5) in groups
    assert not any(0 in g for g in groups)  # chromium:libvpx and webmproject:libvpx: nothing says one
    titled = [BProduct(0, "gisle aas libwww-perl", -1, True), BProduct(1, "gisle aas libwww-perl", -1, True)]
    assert mine_groups(["gisle_aas:libwww-perl", "search.cpan:libwww-perl"], titled, []) == [(0, 1)]


def test_an_organisations_domain_name_added_word_and_initials_group_one_product() -> None:
    # Issue 11: one product under several spellings of one organisation's name, none with a CVE
    # to tell them apart: a domain (x.org, eza.rock), a word the organisation adds
    # (eclipse_foundation, langchain-ai, php_group), its initials (obdev: objective_development).
    from appliance.matching.bundle import BProduct, _abbreviates, _organisations, mine_groups

    assert "x" in _organisations("x.org") and "eza" in _organisations("eza.rock")
    assert "eclipse" in _organisations("eclipse_foundation") and "langchain" in _organisations("langchain-ai")
    assert "alex" not in _organisations("alex.kirk")  # a dot between a person's names is no domain
    assert _organisations("skype_technologies") == {"skypetechnologies"}  # NVD's old name of microsoft:skype
    assert _abbreviates("obdev", "objective_development") and _abbreviates("marlam", "martin_lambers")
    assert not _abbreviates("objective_development", "obdev")
    assert not _abbreviates("filemanagerpro", "file_manager_project")  # the placeholder is no word of a name
    assert not _abbreviates("ocean", "ocean_twelve")  # every word is kept
    keys = ["eclipse:mosquitto", "eclipse_foundation:mosquitto", "obdev:little_snitch", "objective_development:little_snitch",
            "x.org:libxrender", "x:libxrender", "home-assistant:supervisor", "supervisord:supervisor"]
    products = [BProduct(i, "", -1, True) for i in range(len(keys))]
    groups = mine_groups(keys, products, [])
    assert (0, 1) in groups and (2, 3) in groups and (4, 5) in groups
    assert not any(6 in g for g in groups)  # two projects named "supervisor"


def test_build_feed_groups_one_organisations_spellings(feed_dir: Path) -> None:
    bundle = load_bundle(feed_dir)
    grouped = {frozenset(bundle.keys[k] for k in group) for group in bundle.groups}
    assert {"eclipse:mosquitto", "eclipse_foundation:mosquitto"} in grouped
    assert {"obdev:little_snitch", "objective_development:little_snitch"} in grouped
    assert not any({"memcached:memcached", "memcachedb:memcached"} <= g for g in grouped)
    assert not any({"skype:skype", "skype_technologies:skype"} <= g for g in grouped)


def test_both_names_spelled_two_ways_are_one_product() -> None:
    # Session 21: the vendor's name spelled two ways and the product's with the organisation's
    # name in front or not (webwiz:web_wiz_newspad, web_wiz:newspad); not two products of one
    # organisation, nor another organisation's product of the name.
    from appliance.matching.bundle import BProduct, _spelled_product, mine_groups

    assert _spelled_product(["webwiz"], "webwiz", "webwiznewspad") == "newspad"
    assert _spelled_product(["git"], "git", "git") == "git"  # nothing left but the name: kept
    keys = ["gdata-software:g_data_antivirus", "gdata:antivirus", "gdata:internet_security", "kaspersky:antivirus",
            "web_wiz:newspad", "webwiz:web_wiz_newspad"]
    products = [BProduct(i, "", -1, True) for i in range(len(keys))]
    groups = mine_groups(keys, products, [])
    assert (0, 1) in groups and (4, 5) in groups
    assert not any(2 in g or 3 in g for g in groups)


def test_build_feed_groups_both_names_spelled_two_ways(feed_dir: Path, index) -> None:
    # Session 21 over the whole dictionary (22 groups, read one by one); Trend Micro Apex One
    # has KEV CVEs under trendmicro:apex_one, which evaluation of the other key now sees.
    bundle = load_bundle(feed_dir)
    grouped = {frozenset(bundle.keys[k] for k in group) for group in bundle.groups}
    assert {"trend_micro_inc:trend_micro_apex_one", "trendmicro:apex_one"} in grouped
    assert {"web_wiz:rich_text_editor", "webwiz:web_wiz_rich_text_editor"} in grouped
    other = index.key_id["trend_micro_inc:trend_micro_apex_one"]
    assert index.key_id["trendmicro:apex_one"] in index.cve_keys(other)


def test_a_vendors_product_under_its_initials_is_one_product(feed_dir: Path) -> None:
    # Session 19: mozilla:nss (no CVE in the feed) spells the initials of
    # mozilla:network_security_services (CVEs): one product, CVEs looked up under both.
    bundle = load_bundle(feed_dir)
    grouped = {frozenset(bundle.keys[k] for k in group) for group in bundle.groups}
    assert {"mozilla:network_security_services", "mozilla:nss"} in grouped
    # Not a key with CVEs of its own (cisco:ios is no initialism of ir510_operating_system), nor
    # two words' initials (sun:jre, sun:java_runtime_environment has three but no CVE).
    assert not any({"cisco:ios", "cisco:ir510_operating_system"} <= group for group in grouped)
    assert not any({"sun:jre", "sun:java_runtime_environment"} <= group for group in grouped)


def test_a_titles_abbreviation_is_the_initials_of_its_words() -> None:
    # Session 19: "(TBB)" after "Threading Building Blocks" abbreviates the product; a platform
    # or edition in parentheses is no abbreviation of the words before it.
    from appliance.matching.bundle import title_abbreviation
    assert title_abbreviation("Intel Threading Building Blocks (TBB) 2.2.013") == "tbb"
    assert title_abbreviation("Mozilla Netscape Portable Runtime (NSPR) 4.10") == "nspr"
    assert title_abbreviation("Nagios Remote Plug-In Executor (NRPE) 2.0") == "nrpe"
    assert title_abbreviation("Wireshark (SPARC) 1.2.0") == ""
    assert title_abbreviation("Foo Bar (x64)") == ""
    assert title_abbreviation("Mozilla Firefox 3.0") == ""


def test_build_feed_mines_title_abbreviations_of_one_product(index) -> None:
    assert index.keys[index.abbreviations["tbb"]] == "intel:threading_building_blocks"
    assert index.keys[index.abbreviations["nspr"]] == "mozilla:netscape_portable_runtime"
    # Several products' titles abbreviate "ESR" (Firefox's and Thunderbird's): it names none.
    assert "esr" not in index.abbreviations
    # Display names are not read by them (KEV's names are).
    assert "tbb" not in index.by_name


def test_format_7_versions_are_the_criteria_bounds_and_change_no_finding(index) -> None:
    """Bundle.versions: every bound and exact version of a vulnerable criterion, once each,
    sorted; the index reads their sort keys at load. Without them (a format-6 bundle) every
    finding is the same."""
    from appliance.matching.aliases import load_aliases
    from appliance.matching.base import SoftwareItem
    from appliance.matching.bundle import configs_of
    from appliance.matching.engine import FeedMatcher, default_feed_dir
    from appliance.matching.index import CpeIndex
    from appliance.versions import GENERIC

    versions = index.bundle.versions
    assert versions == sorted(set(versions))
    written = {text for cve in index.bundle.cves[:3000] for config in configs_of(cve) for node in config.nodes
               for m in node.matches if m.vulnerable and m.product >= 0 and m.version != "-"
               for text in (m.start_incl, m.start_excl, m.end_incl, m.end_excl, m.version) if text and text != "*"}
    assert written and written <= set(versions)
    assert all(index.version_keys[text] == GENERIC.key(text) for text in versions[:500] if GENERIC.key(text) is not None)
    old = CpeIndex(msgspec.structs.replace(index.bundle, format=6, versions=[]), load_aliases(default_feed_dir() / "aliases.tsv"))
    assert old.version_keys == {}
    items = [SoftwareItem("Google Chrome", "120.0.6099.130", "Google LLC"), SoftwareItem("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov"),
             SoftwareItem("Mozilla Firefox (x64 en-US)", "115.0.2", "Mozilla"), SoftwareItem("Wireshark 4.0.6 64-bit", "4.0.6", ""),
             SoftwareItem("Adobe Acrobat Reader DC", "23.006.20359", "Adobe"), SoftwareItem("VLC media player", "3.0.18", "VideoLAN")]
    new_results = FeedMatcher(index).match(items, "Windows 11 Pro")
    assert sum(len(r.vulnerabilities) for r in new_results) > 0
    assert new_results == FeedMatcher(old).match(items, "Windows 11 Pro")


@settings(max_examples=1000, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789.", max_size=40),
    st.lists(st.integers(min_value=0, max_value=1 << 45), max_size=12).map(lambda ns: ".".join(map(str, ns))),
    st.text(alphabet="0123456789.-_abpu\\", max_size=16),
))
def test_version_position_hashes_the_release_numbers_as_joined_by_dots(version: str) -> None:
    """version_position's span number and hash (the bundle's spans and exact hashes are built
    with it, and evaluation looks them up with it) are the release numbers' first two, clamped,
    and the CRC of the numbers written with dots, whatever their count and size."""
    import zlib

    from appliance.matching.bundle import _MINOR, version_position
    from appliance.versions import GENERIC

    key = None if not version or version in ("*", "-") else GENERIC.key(version.replace("\\", ""))
    expected = None
    if key is not None:
        release = key[0]
        first = min(release[0], 1 << 40) if release else 0
        second = min(release[1], _MINOR - 1) if len(release) > 1 else 0
        expected = (first * _MINOR + second, zlib.crc32(".".join(map(str, release)).encode()))
    assert version_position(version) == expected
