"""RPM version ordering (rpmvercmp, rpm's lib/rpmvercmp.c)."""

from __future__ import annotations

import pytest

from appliance.versions import RPM, RpmVersion, UnknownVersion
from appliance.versions.rpm import parse_version

LESS = [
    ("1.0~rc1", "1.0"),
    ("1.0", "1.0^git1"),
    ("1:9", "2:1.0"),
    # cases from rpm's own test suite (tests/rpmvercmp.at)
    ("1.0", "2.0"),
    ("2.0", "2.0.1"),
    ("2.0.1", "2.0.1a"),
    ("5.5p1", "5.5p2"),
    ("5.5p1", "5.5p10"),
    ("10xyz", "10.1xyz"),
    ("xyz10", "xyz10.1"),
    ("xyz.4", "8"),
    ("5.5p2", "5.6p1"),
    ("6.0", "6.0.rc1"),
    ("10a1", "10b2"),
    ("1.0a", "1.0aa"),
    ("10.0001", "10.0039"),
    ("4.999.9", "5.0"),
    ("20101121", "20101122"),
    ("1.0~rc1", "1.0~rc2"),
    ("1.0~rc1~git123", "1.0~rc1"),
    ("1.0", "1.0^"),
    ("1.0^git1", "1.01"),
    ("1.0^20160101", "1.0.1"),
    ("1.0^20160101", "1.0^20160101^git1"),
    ("1.0~rc1", "1.0~rc1^git1"),
    ("1.0^git1~pre", "1.0^git1"),
    ("1.0^git1", "1.0^git2"),
    # epoch and release
    ("1.0-1", "1.0-2"),
    ("1.0-1.el7", "1.0-1.el8"),
    ("1.0-9", "1.0-10"),
    ("1:1.0.2k-16.el7", "1:1.0.2k-19.el7"),
    ("9.9-1", "1:0.1-1"),
    # an absent release sorts before any release
    ("1.0", "1.0-1"),
]

EQUAL = [
    ("10.0001", "10.1"),
    ("2_0", "2.0"),
    ("1.0", "1.0."),
    ("0:1.0-1", "1.0-1"),
]


@pytest.mark.parametrize(("lower", "higher"), LESS)
def test_less(lower, higher):
    assert RPM.compare(lower, higher) == -1
    assert RPM.compare(higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal(a, b):
    assert RPM.compare(a, b) == 0


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("1:1.0.2k-16.el7", RpmVersion(1, "1.0.2k", "16.el7")),
        ("4.2.46-31.el7", RpmVersion(0, "4.2.46", "31.el7")),
        ("1.0", RpmVersion(0, "1.0", "")),
    ],
)
def test_parse_version(text, fields):
    assert parse_version(text) == fields


@pytest.mark.parametrize("text", ["x:1.0", "1.0-", "-1", ":1.0", "-", "", "(none)"])
def test_invalid_is_unknown(text):
    assert RPM.key(text) is None
    with pytest.raises(UnknownVersion):
        RPM.compare("1.0", text)


def test_total_order(total_order):
    total_order(
        RPM,
        [
            "0.9",
            "1.0~rc1",
            "1.0~rc1^git1",
            "1.0",
            "1.0-1",
            "1.0-2",
            "1.0^git1~pre",
            "1.0^git1",
            "1.0^git2",
            "1.0a",
            "1.0.1",
            "1.01.1",
            "2.0",
            "1:0.1",
            "2:1.0",
        ],
    )
