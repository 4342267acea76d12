"""Alpine version ordering (apk-tools src/version.c)."""

from __future__ import annotations

import pytest

from appliance.versions import APK, UnknownVersion

LESS = [
    ("1.2.3_rc1", "1.2.3"),
    ("1.2.3-r1", "1.2.3-r2"),
    ("1.2.3", "1.2.3_p1"),
    # suffix ladder: _alpha < _beta < _pre < _rc < (release) < _cvs < _svn < _git < _hg < _p
    ("1.0_alpha", "1.0_beta"),
    ("1.0_beta", "1.0_pre"),
    ("1.0_pre", "1.0_rc"),
    ("1.0_rc", "1.0"),
    ("1.0", "1.0_cvs"),
    ("1.0_cvs", "1.0_svn"),
    ("1.0_svn", "1.0_git"),
    ("1.0_git", "1.0_hg"),
    ("1.0_hg", "1.0_p"),
    ("1.0_alpha", "1.0_alpha2"),
    ("1.0_alpha_pre2", "1.0_alpha"),
    ("1.0_p9-r0", "1.0_p10-r0"),
    ("1.3_pre1-r1", "1.3.2"),
    # numbers, letter, revision
    ("1.2", "1.2.1"),
    ("1.2.9", "1.2.10"),
    ("1.0", "1.0a"),
    ("2.5.1-r8", "2.5.1a-r1"),
    ("0.9.8c-r1", "0.9.8d"),
    ("1.1.1c-r0", "1.1.1d-r0"),
    ("1.2.2", "1.2.2-r1"),
    ("104-r9", "104-r11"),
    ("1.3-r0", "1.3.1-r0"),
    # a dotted number with a leading zero compares as text
    ("8.2.0015", "8.2.002"),
    ("1.05", "1.5"),
    ("1.0", "1.00"),
    ("1.2.04", "1.2.3"),
]


@pytest.mark.parametrize(("lower", "higher"), LESS)
def test_less(lower, higher):
    assert APK.compare(lower, higher) == -1
    assert APK.compare(higher, lower) == 1


def test_equal():
    assert APK.compare("1.2.3-r0", "1.2.3-r0") == 0
    assert APK.compare("1.2.3-r00", "1.2.3-r0") == 0


@pytest.mark.parametrize("text", ["1.2.3~abc1234", "1.0_git20240101-r3", "0.1.0_alpha_pre2"])
def test_valid_forms(text):
    assert APK.key(text) is not None


# Debian-style revision, two letters, unknown suffix, "v" prefix, empty revision, uppercase
@pytest.mark.parametrize("text", ["1.2.3-1", "1.0bc", "1.0_foo", "v1.0", "1.0-r", "1.0A", "1.0a1", "-", ""])
def test_invalid_is_unknown(text):
    assert APK.key(text) is None
    with pytest.raises(UnknownVersion):
        APK.compare(text, "1.0")


def test_total_order(total_order):
    total_order(
        APK,
        [
            "1.2",
            "1.2.04",
            "1.2.3_alpha",
            "1.2.3_alpha2",
            "1.2.3_beta",
            "1.2.3_rc1",
            "1.2.3",
            "1.2.3-r1",
            "1.2.3-r2",
            "1.2.3_git20240101",
            "1.2.3_p1",
            "1.2.3a",
            "1.2.3.1",
            "1.2.4",
            "1.2.10",
            "2.0_rc1",
            "2.0",
        ],
    )
