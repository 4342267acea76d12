"""The seam itself: unknown versions, range matching, scheme selection, the contract."""

from __future__ import annotations

import json

import pytest

from appliance.versions import (
    APK,
    DPKG,
    GENERIC,
    PEP440,
    RPM,
    WINDOWS,
    UnknownVersion,
    VersionError,
    VersionScheme,
    in_range,
    is_unknown,
    scheme_for,
)

UNKNOWN = [
    None,
    "",
    "   ",
    "-",
    "*",
    "?",
    "n/a",
    "unknown",
    "latest",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",  # 40-hex git sha
    "1a2b3c4",  # 7 hex characters, no dots
    "3FE48299DEAA",
    "1.2.*",
    "1" * 201,
]
KNOWN = ["1.0", "0", "20230101", "1234567", "2.39.5", "10.0.19045.3693", "1.0.0-abcdef1", "9.2p1"]
SCHEME_NAMES = ["dpkg", "rpm", "apk", "windows", "generic", "pep440"]


@pytest.mark.parametrize("text", UNKNOWN)
def test_is_unknown(text):
    assert is_unknown(text)


@pytest.mark.parametrize("text", KNOWN)
def test_is_known(text):
    assert not is_unknown(text)


@pytest.mark.parametrize("name", SCHEME_NAMES)
@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_never_matches_a_range_or_a_wildcard(name, text):
    scheme = scheme_for(name)
    assert scheme.key(text) is None
    assert not in_range(text, scheme=scheme)  # wildcard: no bounds at all
    assert not in_range(text, start_incl="0", scheme=scheme)
    assert not in_range(text, end_excl="999", scheme=scheme)
    assert not in_range(text, start_excl="0", end_incl="999", scheme=scheme)


@pytest.mark.parametrize("name", SCHEME_NAMES)
def test_known_version_matches_a_wildcard(name):
    assert in_range("1.0", scheme=name)


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({"start_incl": "1.0"}, True),
        ({"start_excl": "1.0"}, False),
        ({"end_incl": "1.0"}, True),
        ({"end_excl": "1.0"}, False),
        ({"start_incl": "0.9", "end_excl": "1.0.1"}, True),
        ({"start_excl": "0.9", "end_incl": "1.0.0"}, True),
        ({"start_incl": "1.0.1"}, False),
        ({"end_excl": "1.0-beta"}, False),
        ({"start_incl": "", "end_excl": None}, True),
    ],
)
def test_in_range_bounds(bounds, expected):
    assert in_range("1.0", **bounds) is expected


def test_in_range_with_an_unusable_bound_raises():
    with pytest.raises(UnknownVersion):
        in_range("1.0", end_excl="-")


def test_in_range_uses_the_scheme():
    # dpkg puts "1.0" before "1.0.0"; the generic (NVD) scheme treats them as equal.
    assert in_range("1.0", end_excl="1.0.0", scheme="dpkg")
    assert not in_range("1.0", end_excl="1.0.0", scheme="generic")
    assert in_range("1.0~rc1", end_excl="1.0", scheme=DPKG)


def test_compare_raises_unknown_version():
    with pytest.raises(UnknownVersion) as caught:
        GENERIC.compare("-", "1.0")
    assert isinstance(caught.value, VersionError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.scheme == "generic"
    assert caught.value.text == "-"


@pytest.mark.parametrize(
    ("source", "scheme"),
    [
        ("dpkg", DPKG),
        ("rpm", RPM),
        ("apk", APK),
        ("windows", WINDOWS),
        ("generic", GENERIC),
        ("pep440", PEP440),
        (" DPKG ", DPKG),
        ("chocolatey", GENERIC),
        ("", GENERIC),
        (None, GENERIC),
    ],
)
def test_scheme_for(source, scheme):
    assert scheme_for(source) is scheme


@pytest.mark.parametrize("name", SCHEME_NAMES)
def test_scheme_names(name):
    assert scheme_for(name).name == name


def test_version_scheme_is_abstract():
    with pytest.raises(TypeError):
        VersionScheme()


def test_contract_compare_and_sort_key_come_from_key():
    class Length(VersionScheme):
        name = "length"

        def key(self, text):
            return None if is_unknown(text) else len(text)

    scheme = Length()
    assert scheme.compare("1", "22") == -1
    assert scheme.compare("22", "1") == 1
    assert scheme.compare("22", "33") == 0
    assert sorted(["333", "1", "22"], key=scheme.sort_key) == ["1", "22", "333"]
    with pytest.raises(UnknownVersion):
        scheme.sort_key("")


@pytest.mark.parametrize("name", SCHEME_NAMES)
def test_deterministic(name):
    scheme = scheme_for(name)
    fresh = type(scheme)()
    versions = ["1.0", "1.0.1", "2.0", "1.1", "0.9"]
    first = [scheme.compare(a, b) for a in versions for b in versions]
    again = [fresh.compare(a, b) for a in reversed(versions) for b in reversed(versions)][::-1]
    assert first == again
    assert [scheme.key(v) for v in versions] == [fresh.key(v) for v in versions]


@pytest.mark.parametrize(
    ("report", "source"),
    [("debian-buster.json", "dpkg"), ("centos-7.json", "rpm"), ("alpine-310.json", "apk"), ("pip.json", "pip")],
)
def test_trivy_fixed_versions_are_newer(feeds, report: str, source: str) -> None:
    """In each real Trivy report every fixed version is newer than the installed one, under its scheme."""
    data = json.loads((feeds / "trivy" / report).read_text())
    pairs = [
        (vuln["InstalledVersion"], vuln["FixedVersion"])
        for result in data["Results"]
        for vuln in result.get("Vulnerabilities") or []
        if vuln.get("FixedVersion")
    ]
    assert pairs
    for installed, fixed in pairs:
        assert scheme_for(source).compare(installed, fixed) == -1, (installed, fixed)
