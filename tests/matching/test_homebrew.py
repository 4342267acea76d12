"""Homebrew formulas and casks (identify.Identifier's homebrew path, normalize.brew_name), on the real feed files."""

from __future__ import annotations

import re

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher
from appliance.matching.normalize import brew_name

MAC = "macOS 14.5"


def brew(matcher: FeedMatcher, name: str) -> tuple[str | None, str]:
    (result,) = matcher.match([SoftwareItem(name, "1.0", "", None, "homebrew")], MAC)
    if result.match is None:
        return None, result.reason or ""
    return ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]), result.match.evidence


@pytest.mark.parametrize(("name", "formula"), [
    ("google-chrome@beta", "google-chrome"), ("firefox@developer-edition", "firefox"),
    ("visual-studio-code@insiders", "visual-studio-code"), ("openssl@3", "openssl"), ("python@3.12", "python"),
    ("firefox@esr", "firefox@esr"),  # ESR is a product of its own (mozilla:firefox_esr), not a channel
    # session 17: the alpha, daily, developer and snapshot channels
    ("tor-browser@alpha", "tor-browser"), ("thunderbird@daily", "thunderbird"), ("opera@developer", "opera"),
    ("vivaldi@snapshot", "vivaldi"),
])
def test_a_casks_release_channel_is_the_product(name: str, formula: str) -> None:
    assert brew_name(name) == formula


@pytest.mark.parametrize(("name", "expected"), [
    ("google-chrome@beta", "google:chrome"), ("firefox@developer-edition", "mozilla:firefox"), ("firefox@esr", "mozilla:firefox_esr"),
    ("tor-browser@alpha", "torproject:tor_browser"), ("thunderbird@daily", "mozilla:thunderbird"),
])
def test_channel_casks_are_identified_as_their_product(matcher: FeedMatcher, name: str, expected: str) -> None:
    assert brew(matcher, name)[0] == expected


@pytest.mark.parametrize(("name", "expected"), [("gd", "libgd:libgd"), ("webp", "webmproject:libwebp"), ("png", "libpng:libpng")])
def test_a_library_formula_named_without_lib_is_the_library(matcher: FeedMatcher, name: str, expected: str) -> None:
    key, evidence = brew(matcher, name)
    assert key == expected
    assert f"is library 'lib{name}'" in evidence


def test_a_formula_named_like_a_product_is_never_read_as_a_library(matcher: FeedMatcher) -> None:
    # uv is astral:uv, not libuv; the "lib" reading is only for names no product has.
    assert brew(matcher, "uv")[0] == "astral:uv"


def test_a_cask_named_vendor_and_initials_is_the_vendors_product(matcher: FeedMatcher) -> None:
    assert brew(matcher, "owasp-zap")[0] == "owasp:zed_attack_proxy"


def test_a_cask_named_vendor_dash_product_is_that_vendors_product(matcher: FeedMatcher) -> None:
    # mattermost:google_drive is spelled like the whole name; the cask is Google's Drive.
    key, _ = brew(matcher, "google-drive")
    assert key == "google:drive"


def test_a_formula_whose_product_names_its_vendor_keeps_the_package_reading(matcher: FeedMatcher) -> None:
    assert brew(matcher, "visual-studio-code")[0] == "microsoft:visual_studio_code"


@pytest.mark.parametrize(("name", "expected", "not_this"), [
    ("libgit2", "libgit2", "git-scm:git"),  # a shorter stem ("git") names Git's repository
    ("nats-server", "nats-server", "nats:nats_streaming_server"),
])
def test_a_formula_spelled_like_a_product_keeps_it_over_another_products_repository(
        matcher: FeedMatcher, name: str, expected: str, not_this: str) -> None:
    key, _ = brew(matcher, name)
    assert key != not_this and key is not None and key.split(":")[1] == expected


def test_keys_the_2015_dictionary_titles_alike_are_one_product(matcher: FeedMatcher) -> None:
    # x.org:libx11 and x:libx11 are both "X.Org libX11": one product, no longer refused as namesakes.
    key, evidence = brew(matcher, "libx11")
    assert key in ("x.org:libx11", "x:libx11") and "x.org:libx11" in evidence and "x:libx11" in evidence


def test_a_formula_whose_product_has_a_vendor_named_after_its_head_is_not_read_as_vendor_dash_product(matcher: FeedMatcher) -> None:
    # "cyrus-sasl" is the Cyrus project's SASL library, not a product "sasl" of a vendor "cyrus".
    assert brew(matcher, "cyrus-sasl")[0] == "cyrusimap:cyrus-sasl"
    assert brew(matcher, "google-drive")[0] == "google:drive"  # the rule the exception is made to


def test_an_edition_suffix_that_is_the_products_name_is_read_back(matcher: FeedMatcher) -> None:
    # "-edge" is an edition suffix (brew_name drops it), but "microsoft" alone names nothing:
    # the cask is Microsoft Edge.
    assert brew_name("microsoft-edge") == "microsoft" and brew_name("microsoft-edge", editions=False) == "microsoft-edge"
    assert brew(matcher, "microsoft-edge")[0] == "microsoft:edge_chromium"
    assert brew(matcher, "intellij-idea-ce")[0] == "jetbrains:intellij_idea"  # a real edition suffix still goes


@pytest.mark.parametrize(("name", "expected", "said"), [
    # Session 15: a third-party tap's formula, written <owner>/<tap>/<formula>; the owner is the vendor.
    ("hashicorp/tap/terraform", "hashicorp:terraform", "tap owner 'hashicorp' is the vendor"),
    ("hashicorp/tap/vault", "hashicorp:vault", "tap owner 'hashicorp' is the vendor"),
    # ... whose product NVD names with the major number the formula leaves out.
    ("fluxcd/tap/flux", "fluxcd:flux2", "fluxcd"),
    # A tap of another owner packaging someone's software: the formula's own reading stands.
    ("shivammathur/php/php@8.2", "php:php", "php"),
    # Session 18: the owner's editions of its product, "<product>-<edition>"; a product NVD files
    # under the whole name stays that product.
    ("hashicorp/tap/consul-enterprise", "hashicorp:consul", "edition 'enterprise' of 'consul'"),
    ("elastic/tap/kibana-oss", "elastic:kibana", "edition 'oss' of 'kibana'"),
    ("elastic/tap/logstash-full", "elastic:logstash", "edition 'full' of 'logstash'"),
    ("hashicorp/tap/vault-enterprise", "hashicorp:vault_enterprise", "tap owner 'hashicorp' is the vendor"),
])
def test_a_tap_formula_is_its_formula_with_the_owner_as_vendor(matcher: FeedMatcher, name: str, expected: str, said: str) -> None:
    key, evidence = brew(matcher, name)
    assert key == expected
    assert said in evidence


def test_homebrews_own_taps_read_as_the_plain_formula(matcher: FeedMatcher) -> None:
    assert brew(matcher, "homebrew/cask/firefox") == brew(matcher, "firefox")


@pytest.mark.parametrize(("name", "expected"), [
    # Session 15: "<project>-cli" is the command-line client NVD files apart from the project.
    ("bitwarden-cli", "bitwarden:cli"),  # not the password manager bitwarden:bitwarden
    ("firebase-cli", "google:firebase_command_line_interface"),
    ("azure-cli", "microsoft:azure_command-line_interface"),  # not the Jenkins plugin jenkins:azure_cli
])
def test_a_cli_formula_is_the_command_line_product(matcher: FeedMatcher, name: str, expected: str) -> None:
    key, evidence = brew(matcher, name)
    assert key == expected
    assert "command-line client" in evidence


def test_a_cli_formula_nvd_files_twice_is_refused_not_read_as_the_project(matcher: FeedMatcher) -> None:
    key, reason = brew(matcher, "1password-cli")  # 1password:command-line and :command_line_interface
    assert key is None and "1password:command-line" in reason and "1password:command_line_interface" in reason
    # With no such product, the formula is read as before (kubernetes-cli is built from kubernetes).
    assert brew(matcher, "kubernetes-cli")[0] == "kubernetes:kubernetes"


@pytest.mark.parametrize(("name", "expected"), [
    # Session 15: a formula spelled like a vendor that files its project under a descriptive name.
    ("xmlstarlet", "xmlstarlet:command_line_xml_toolkit"), ("borgbackup", "borgbackup:borg"),
    ("abseil", "abseil:common_libraries"), ("kicad", "kicad:kicad_eda"),
])
def test_a_formula_named_like_a_vendor_is_its_one_product(matcher: FeedMatcher, name: str, expected: str) -> None:
    key, evidence = brew(matcher, name)
    assert key == expected and "is named like vendor" in evidence


@pytest.mark.parametrize(("name", "expected"), [
    # four letters or fewer: Intel's Threading Building Blocks, not tbb:taiwan_business_bank
    # (since session 19 identified by its 2015 title's abbreviation "(TBB)")
    ("tbb", "intel:threading_building_blocks"),
    ("slack", None),  # the vendor "slack" files a WordPress plug-in (wp_slacksync), not Slack
])
def test_a_short_formula_or_a_plugin_under_the_vendor_name_is_not_read_so(matcher: FeedMatcher, name: str, expected: str | None) -> None:
    assert brew(matcher, name)[0] == expected


def test_of_namesakes_without_cves_the_one_spelled_as_the_formula_is_taken(matcher: FeedMatcher) -> None:
    # Session 15: openapitools:openapi-generator, not openapi-generator:openapi_generator.
    key, evidence = brew(matcher, "openapi-generator")
    assert key == "openapitools:openapi-generator" and "spelled as the formula is" in evidence
    # Both spelled so: still refused with both (smartbear and swagger).
    key, reason = brew(matcher, "swagger-codegen")
    assert key is None and "smartbear:swagger-codegen" in reason and "swagger:swagger-codegen" in reason


@pytest.mark.parametrize("name", ["temurin", "temurin@21", "corretto@17"])
def test_a_cask_without_its_vendors_word_is_the_vendors_display_name(matcher: FeedMatcher, name: str) -> None:
    # Session 16: the temurin and corretto casks are the apps "Eclipse Temurin" and "Amazon
    # Corretto" without the vendor's word: the display name aliases of those (OpenJDK builds).
    key, evidence = brew(matcher, name)
    assert key == "oracle:openjdk" and "without its vendor's word" in evidence


def test_a_plain_word_cask_is_not_read_as_a_vendors_display_name(matcher: FeedMatcher) -> None:
    # "reader" ends "adobe acrobat reader" and others: a word many products use, never read so.
    key, evidence = brew(matcher, "reader")
    assert key != "adobe:acrobat_reader_dc", evidence


def test_a_distributions_cve_less_key_is_no_formula(matcher: FeedMatcher) -> None:
    # Session 16: redhat:tectonic (CoreOS Tectonic) and fedoraproject:anaconda (Fedora's installer),
    # without CVEs, are not the tectonic (TeX engine) and anaconda formulas; a distribution's key
    # with CVEs (redhat:openshift) and Canonical's cross-platform tools (juju) stay.
    assert brew(matcher, "tectonic")[0] is None
    assert brew(matcher, "anaconda")[0] != "fedoraproject:anaconda"
    assert brew(matcher, "openshift")[0] == "redhat:openshift"
    assert brew(matcher, "juju")[0] == "canonical:juju"


@pytest.mark.parametrize("name", ["speedtest-cli", "mermaid-cli", "influxdb-cli", "openshift-cli"])
def test_a_cli_formula_is_not_read_as_another_vendors_key_of_its_project(matcher: FeedMatcher, name: str) -> None:
    # Session 18: "<name>-cli" cut to <name> is the project only under its own key (kubernetes-cli,
    # below); another vendor's key of the name is a namesake or the server the client talks to.
    key, reason = brew(matcher, name)
    assert key is None and "is a command-line client named after" in reason


@pytest.mark.parametrize("name", ["sqlite-utils", "wireguard-tools", "selenium-server", "parquet-tools"])
def test_a_tools_formula_is_not_read_as_its_project(matcher: FeedMatcher, name: str) -> None:
    # Session 16 round 2: "<project>-utils/-tools/-server" cut to <project> named another
    # program (sqlite-utils is not SQLite); refused with the product it would have been.
    key, reason = brew(matcher, name)
    assert key is None and "is a program that works with" in reason


@pytest.mark.parametrize(("name", "expected"), [("vorbis-tools", "xiph:vorbis-tools"), ("nats-server", "linuxfoundation:nats-server"),
                                                ("kubernetes-cli", "kubernetes:kubernetes"), ("nginx-full", "nginx:nginx")])
def test_a_formula_spelled_whole_or_of_another_part_is_still_identified(matcher: FeedMatcher, name: str, expected: str) -> None:
    assert brew(matcher, name)[0] == expected


def test_a_casks_plus_is_the_products_plus_sign(matcher: FeedMatcher) -> None:
    # Session 17: Homebrew's token rule writes "+" as "plus"; read as a plain word, "plus" is an
    # edition and "Logi Options" another Logitech program.
    key, evidence = brew(matcher, "logi-options-plus")
    assert key == "logitech:logi_options\\+"
    assert "'-plus' of cask 'logi-options-plus' is '+'" in evidence


def test_a_cask_spelling_an_aliased_display_name_is_the_alias(matcher: FeedMatcher) -> None:
    # Session 17: "brave-browser" is "Brave Browser" (alias brave:brave), not the CVE-less
    # brave:brave_browser the package rules find by its spelling.
    key, evidence = brew(matcher, "brave-browser@nightly")
    assert key == "brave:brave" and "alias" in evidence
    # ... but a key of the same product group as the alias keeps the package reading.
    assert brew(matcher, "docker-desktop")[0] == "docker:docker_desktop"


def test_a_tap_named_after_its_formula_is_not_another_organisations_namesake(matcher: FeedMatcher) -> None:
    # Session 17: Ookla's tap holds Ookla's Speedtest CLI, not librespeed:speedtest.
    key, reason = brew(matcher, "teamookla/speedtest/speedtest")
    assert key is None and "librespeed:speedtest" in reason
    # The project's own key in a tap named after it stays.
    assert brew(matcher, "shivammathur/php/php@8.1")[0] == "php:php"


def test_an_mpi_build_is_the_project(matcher: FeedMatcher) -> None:
    # Session 17: Homebrew's hdf5-mpi (Fedora's hdf5-openmpi, hdf5-mpich) is HDF5 built against MPI.
    assert brew(matcher, "hdf5-mpi")[0] == "hdfgroup:hdf5"


@pytest.mark.parametrize("name", ["mongodb-compass-readonly", "mongodb-compass-isolated-edition"])
def test_a_casks_build_words_after_the_vendors_product_are_an_edition(matcher: FeedMatcher, name: str) -> None:
    # Session 17: the cask is MongoDB Compass (vendor mongodb + product compass) in another build.
    key, evidence = brew(matcher, name)
    assert key == "mongodb:compass" and "build words" in evidence


def test_a_casks_part_words_after_the_vendors_product_are_no_edition(matcher: FeedMatcher) -> None:
    # A helper or a server after the product is another program (the part words of display names).
    assert brew(matcher, "mongodb-compass-helper")[0] != "mongodb:compass"


def test_a_cask_is_the_product_holding_the_cves_not_a_cve_less_mac_build(matcher: FeedMatcher) -> None:
    # Session 18: microsoft:word_for_mac holds no CVE in the feed, microsoft:word does; a cask
    # token names the product. A Mac app bundle keeps NVD's Mac build.
    assert brew(matcher, "microsoft-word")[0] == "microsoft:word"
    assert brew(matcher, "microsoft-excel")[0] == "microsoft:excel"
    (found,) = matcher.match([SoftwareItem("Microsoft Word.app", "16.89")], "macOS 14.5")
    assert found.match is not None and found.match.cpe.split(":")[3:5] == ["microsoft", "word_for_mac"]


@pytest.mark.parametrize(("name", "expected"), [
    ("ntfs-3g-mac", "tuxera:ntfs-3g"), ("wireguard-go", "wireguard:wireguard"), ("poppler-qt5", "freedesktop:poppler"),
    ("git-gui", "git-scm:git"), ("tigervnc-viewer", "tigervnc:tigervnc"),
])
def test_a_port_binding_or_front_end_of_a_project_is_the_project(matcher: FeedMatcher, name: str, expected: str) -> None:
    # Session 18: "<project>-<port>" naming nothing itself is the project when its reading is sure.
    key, evidence = brew(matcher, name)
    assert key == expected and "a platform build, port, binding or front-end" in evidence


def test_a_port_of_a_project_known_only_by_name_is_not_taken(matcher: FeedMatcher) -> None:
    # tidy is htacg:tidy by name alone (no CVE, not self-named): "tidy-html5" stays unidentified.
    assert brew(matcher, "tidy-html5")[0] is None


def brew_at(matcher: FeedMatcher, name: str, version: str) -> tuple[str | None, str]:
    (result,) = matcher.match([SoftwareItem(name, version, "", None, "homebrew")], MAC)
    if result.match is None:
        return None, result.reason or ""
    return ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]), result.match.evidence


@pytest.mark.parametrize(("name", "version", "expected", "said"), [
    # Session 19: NVD names the project with its major number; the item's version is of that line ...
    ("flux", "2.4.0", "fluxcd:flux2", "its version 2.4.0 is of line 2"),
    ("lzo", "2.10", "oberhumer:lzo2", "its version 2.10 is of line 2"),
    ("transmit", "5.10.4", "panic:transmit_5", "of line 5"),
    # ... or the numbered product's vendor is the project's own name.
    ("miniconda", "py312_24.1.2-0", "conda:miniconda3", "vendor 'conda'"),
])
def test_a_formula_is_the_product_nvd_names_with_its_major_number(matcher: FeedMatcher, name: str, version: str,
                                                                  expected: str, said: str) -> None:
    key, evidence = brew_at(matcher, name, version)
    assert key == expected and said in evidence


@pytest.mark.parametrize(("name", "version"), [
    ("iperf", "2.2.1"),  # es:iperf3 is ESnet's rewrite, another project and another line
    ("c-blosc", "1.21.5"),  # c-blosc2 is the next line, under vendors not named c-blosc
])
def test_a_numbered_product_of_another_line_or_project_is_not_taken(matcher: FeedMatcher, name: str, version: str) -> None:
    key, _ = brew_at(matcher, name, version)
    assert key is None or not key.endswith(("iperf3", "c-blosc2"))


@pytest.mark.parametrize(("name", "expected"), [
    ("git-lfs", "git_large_file_storage_project:git_large_file_storage"),
    ("aws-cdk", "amazon:aws_cloud_development_kit"),
])
def test_a_formula_of_a_word_and_initials_is_the_product_so_spelled(matcher: FeedMatcher, name: str, expected: str) -> None:
    # Session 19: "<word>-<initials of the product's other words>".
    key, evidence = brew(matcher, name)
    assert key == expected and "initials of the other words" in evidence


@pytest.mark.parametrize(("name", "expected"), [
    ("timidity", "timidity\\+\\+_project:timidity\\+\\+"),
    ("cryptopp", "cryptopp:crypto\\+\\+"),
])
def test_a_formula_leaves_out_a_projects_plus_plus_or_spells_it_pp(matcher: FeedMatcher, name: str, expected: str) -> None:
    # Session 19: formula names carry no "++" for these projects.
    key, evidence = brew(matcher, name)
    assert key == expected and '"++"' in evidence

@pytest.mark.parametrize(("name", "expected"), [
    # Session 19: a cask spelled as the product is the app, NVD's desktop program key.
    ("signal", "signal:signal-desktop"), ("whatsapp", "whatsapp:whatsapp_desktop"), ("nextcloud", "nextcloud:desktop"),
    ("opera", "opera:opera_browser"), ("parallels", "parallels:parallels_desktop"), ("claude", "anthropic:claude_desktop"),
])
def test_a_cask_spelled_as_the_product_is_its_desktop_program(matcher: FeedMatcher, name: str, expected: str) -> None:
    key, evidence = brew(matcher, name)
    assert key == expected
    assert f"cask '{name}'" in evidence


def test_a_name_not_spelled_as_a_self_named_product_keeps_its_key(matcher: FeedMatcher) -> None:
    # "tor" is torproject:tor (the daemon), not the Tor Browser: only a self-named key turns to its browser.
    assert brew(matcher, "tor")[0] == "torproject:tor"
    assert brew(matcher, "brave-browser")[0] == "brave:brave"


def test_a_casks_display_name_alias_decides_its_desktop_program(matcher: FeedMatcher) -> None:
    # "Dropbox.app" is dropbox:dropbox by the authored alias; the cask too, not NVD's CVE-less dropbox_desktop.
    assert brew(matcher, "dropbox")[0] == "dropbox:dropbox"
