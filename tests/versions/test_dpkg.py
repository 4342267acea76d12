"""Debian version ordering (Debian Policy 5.6.12), checked against dpkg itself when present."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from appliance.versions import DPKG, DebianVersion, UnknownVersion, upstream_version
from appliance.versions.dpkg import parse_version

LESS = [
    ("1.0~rc1", "1.0"),
    ("2.0", "1:0.1"),
    ("1.0-1", "1.0-1+deb12u1"),
    # Policy's own example: "~~" < "~~a" < "~" < "" < "a"
    ("1.0~~", "1.0~~a"),
    ("1.0~~a", "1.0~"),
    ("1.0~", "1.0"),
    ("1.0", "1.0a"),
    # letters sort before non-letters
    ("1.0a", "1.0+"),
    ("1.0a", "1.0."),
    # dpkg is not NVD: a longer string is a later version
    ("1.0", "1.0.0"),
    ("1.2.3", "1.2.10"),
    ("1.0-9", "1.0-10"),
    ("2.36.1-8", "2.36.1-8+deb12u1"),
    ("1.0-1", "1.0-1.1"),
    ("0:9.9", "1:1.0"),
    ("7.88.1-10+deb12u5", "7.88.1-10+deb12u8"),
    ("1:2.39.5-0+deb12u2", "1:2.39.5-0+deb12u3"),
]

EQUAL = [
    ("1.0", "0:1.0"),
    ("1.0", "1.0-0"),
    ("01.0", "1.0"),
    ("1.0-01", "1.0-1"),
]


@pytest.mark.parametrize(("lower", "higher"), LESS)
def test_less(lower, higher):
    assert DPKG.compare(lower, higher) == -1
    assert DPKG.compare(higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal(a, b):
    assert DPKG.compare(a, b) == 0


def test_upstream_version():
    assert upstream_version("1:2.39.5-0+deb12u3") == "2.39.5"


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("1:2.39.5-0+deb12u3", DebianVersion(1, "2.39.5", "0+deb12u3")),
        ("3.134", DebianVersion(0, "3.134", "")),
        ("1.2-3-4", DebianVersion(0, "1.2-3", "4")),
        ("2:1.0:5-1", DebianVersion(2, "1.0:5", "1")),
    ],
)
def test_parse_version(text, fields):
    assert parse_version(text) == fields


@pytest.mark.parametrize("text", ["1.0-", "a1.0", "1.0 beta", "x:1.0", ":1.0", "1:", "1.0_1", "1.0-1_2", "-", ""])
def test_invalid_is_unknown(text):
    assert DPKG.key(text) is None
    with pytest.raises(UnknownVersion):
        DPKG.compare(text, "1.0")


def test_upstream_of_invalid_raises():
    with pytest.raises(UnknownVersion):
        upstream_version("not a version")


def test_total_order(total_order):
    total_order(
        DPKG,
        [
            "0.9",
            "1.0~~",
            "1.0~~a",
            "1.0~",
            "1.0~rc1",
            "1.0",
            "1.0-1",
            "1.0-1+deb12u1",
            "1.0-1.1",
            "1.0a",
            "1.0+dfsg",
            "1.0.0",
            "1.2.10",
            "2.0",
            "1:0.1",
            "2:0~beta",
        ],
    )


def _inventory_versions(feeds) -> list[str]:
    inventory = json.loads((feeds / "inventories" / "debian12-dpkg.json").read_text())
    return sorted({package["version"] for package in inventory["software"]})


def test_inventory_versions_all_parse(feeds):
    versions = _inventory_versions(feeds)
    assert len(versions) > 300
    assert [v for v in versions if DPKG.key(v) is None] == []


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs the dpkg program")
def test_agrees_with_dpkg_on_real_inventory(feeds):
    """Sort the real Debian 12 inventory's versions and let dpkg confirm each neighbour pair."""
    ordered = sorted(_inventory_versions(feeds), key=DPKG.sort_key)
    for lower, higher in zip(ordered, ordered[1:]):
        relation = "lt" if DPKG.compare(lower, higher) < 0 else "eq"
        result = subprocess.run(["dpkg", "--compare-versions", lower, relation, higher], check=False)
        assert result.returncode == 0, f"dpkg disagrees: {lower} {relation} {higher}"
