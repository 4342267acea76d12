"""Windows product version ordering."""

from __future__ import annotations

import pytest

from appliance.versions import GENERIC, WINDOWS, UnknownVersion, in_range

LESS = [
    ("10.0.19045.3693", "10.0.22621.1"),
    ("23.01", "24.09"),
    ("22.003.20281", "23.001.20093"),
    ("118.0.5993.89", "118.0.5993.117"),
    ("6.22", "6.23.0"),
    ("10.0.19045", "10.0.19045.1"),
    # not a plain build: the generic rules take over
    ("2.0-beta", "2.0"),
]

EQUAL = [
    ("22.003.20281", "22.3.20281"),
    ("10.0", "10.0.0.0"),
    ("v3.1", "3.1"),
    ("5.16.10 (26186)", "5.16.10"),
    ("7.4.2 (x64)", "7.4.2"),
]


@pytest.mark.parametrize(("lower", "higher"), LESS)
def test_less(lower, higher):
    assert WINDOWS.compare(lower, higher) == -1
    assert WINDOWS.compare(higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal(a, b):
    assert WINDOWS.compare(a, b) == 0


def test_four_part_build_parses():
    assert WINDOWS.key("3.10.11150.0") is not None
    assert WINDOWS.compare("3.10.11150.0", "3.10.11150") == 0
    assert WINDOWS.compare("3.10.11150.0", "3.10.11149.999") == 1


def test_keys_agree_with_generic_on_numeric_builds():
    # The matcher may compare a Windows inventory version with a bound read generically.
    assert WINDOWS.key("10.0.19045.3693") == GENERIC.key("10.0.19045.3693")


def test_in_range_by_name():
    assert in_range("116.0.5845.96", end_excl="116.0.5845.187", scheme="windows")
    assert not in_range("116.0.5845.187", end_excl="116.0.5845.187", scheme="windows")


@pytest.mark.parametrize("text", ["", "-", "unknown", "4f2e8a91c"])
def test_unknown(text):
    assert WINDOWS.key(text) is None
    with pytest.raises(UnknownVersion):
        WINDOWS.compare(text, "1.0")


def test_total_order(total_order):
    total_order(
        WINDOWS,
        [
            "3.10.11150.0",
            "6.22",
            "10.0.19045.3693",
            "10.0.19045.3803",
            "10.0.22621.1",
            "10.0.22621.2428",
            "22.003.20281",
            "23.01",
            "24.09",
            "118.0.5993.89",
            "118.0.5993.117",
        ],
    )
