"""Generic (NVD-style) version ordering."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.versions import GENERIC, in_range, is_unknown
from appliance.versions.generic import release_and_rest

LESS = [
    # (lower, higher)
    ("1.2.3-beta", "1.2.3"),
    ("1.1.1k", "1.1.1n"),
    ("0.9.8zh", "0.9.8zi"),
    ("1.0.2u", "1.0.2zd"),
    ("4.2.8p9", "4.2.8p15"),
    ("12.1-55.297", "12.1-55.300"),
    ("16.12.10", "16.12.10a"),
    ("2.8.75", "2.8.123e"),
    ("23.01", "24.09"),
    # numbers are numbers, not text
    ("1.9", "1.10"),
    ("118.0.5993.89", "118.0.5993.117"),
    # pre-release words before the release, in their own order
    ("1.0-rc1", "1.0"),
    ("1.0.dev", "1.0-alpha"),
    ("1.0-alpha", "1.0-beta"),
    ("1.0-beta", "1.0-pre"),
    ("1.0-pre", "1.0-rc1"),
    ("1.0-beta", "1.0-beta2"),
    ("1.0-rc1", "1.0-rc2"),
    ("2.0.0-rc1", "2.0.0"),
    # a letter suffix is a later patch, but earlier than the next number
    ("1.0.2", "1.0.2a"),
    ("1.0.2zh", "1.0.3"),
    ("9.2", "9.2p1"),
    ("9.2p1", "9.3"),
    ("1.1.0", "1.1.1-beta"),
    # only a leading "v" is dropped
    ("1.0-v1", "1.0-v2"),
    ("1.0-v2", "1.0-2"),
]

EQUAL = [
    ("v1.0", "1.0"),
    ("V2.4.1", "2.4.1"),
    ("1.0", "1.0.0"),
    ("1.0-RC1", "1.0rc1"),
    ("1.0-beta", "1.0.beta"),
    ("2.4.1", " 2.4.1 "),
    # NVD backslash-quotes punctuation inside CPE values
    (r"03.01.07\(13\)", "03.01.07(13)"),
]


@pytest.mark.parametrize(("lower", "higher"), LESS)
def test_less(lower, higher):
    assert GENERIC.compare(lower, higher) == -1
    assert GENERIC.compare(higher, lower) == 1


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal(a, b):
    assert GENERIC.compare(a, b) == 0
    assert GENERIC.key(a) == GENERIC.key(b)


def test_9_2p1_is_in_8_6_up_to_9_8():
    assert in_range("9.2p1", start_incl="8.6", end_excl="9.8")


@pytest.mark.parametrize("version", ["8.5p1", "9.8", "9.8p1", "10.0"])
def test_outside_8_6_up_to_9_8(version):
    assert not in_range(version, start_incl="8.6", end_excl="9.8")


def test_total_order(total_order):
    total_order(
        GENERIC,
        [
            "0.9.8zh",
            "0.9.8zi",
            "1.0.2-beta",
            "1.0.2rc1",
            "1.0.2",
            "1.0.2a",
            "1.0.2u",
            "1.0.2zd",
            "1.0.3",
            "1.1.1k",
            "1.1.1n",
            "2.8.75",
            "2.8.123e",
            "4.2.8",
            "4.2.8p9",
            "4.2.8p15",
            "9.2p1",
            "12.1-55.297",
            "12.1-55.300",
            "16.12.10",
            "16.12.10a",
            "23.01",
            "24.09",
        ],
    )


def test_nvd_sample_range_bounds_all_parse(feeds):
    """Every range bound in the real NVD 2.0 sample is a known generic version."""
    data = json.loads((feeds / "nvd" / "nvdcve-2.0-sample.json").read_text())
    bounds = set()
    for item in data["vulnerabilities"]:
        for config in item["cve"].get("configurations", []):
            for node in config["nodes"]:
                for match in node["cpeMatch"]:
                    for field in ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding"):
                        if field in match:
                            bounds.add(match[field])
    assert len(bounds) > 20
    assert sorted(b for b in bounds if GENERIC.key(b) is None) == []


@pytest.mark.slow
def test_nvd_2022_feed_range_bounds_all_parse(feeds):
    """The same over the 5,000+ distinct range bounds of the real 2022 NVD 1.1 feed."""
    with gzip.open(feeds / "nvd" / "nvdcve-1.1-2022.json.gz") as handle:
        data = json.load(handle)
    bounds = set()

    def walk(nodes):
        for node in nodes:
            for match in node.get("cpe_match", []):
                for field in ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding"):
                    if field in match:
                        bounds.add(match[field])
            walk(node.get("children", []))

    for item in data["CVE_Items"]:
        walk(item["configurations"]["nodes"])
    assert len(bounds) > 5000
    assert sorted(b for b in bounds if GENERIC.key(b) is None) == []


@settings(max_examples=500, deadline=None)
@given(st.lists(st.from_regex(r"[0-9]{1,25}", fullmatch=True), min_size=1, max_size=8))
def test_numbers_and_dots_take_a_short_path_to_the_same_key(numbers: list[str]) -> None:
    """GENERIC.key's path for versions of numbers and dots gives what the general reading gives."""
    text = ".".join(numbers)
    assert GENERIC.key(text) == (None if is_unknown(text) else release_and_rest(text))
    assert GENERIC.key(text + ".0") == GENERIC.key(text + ".0.0")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789.٣²v-a _", max_size=16))
def test_the_short_path_is_taken_only_for_what_the_general_reading_agrees_with(text: str) -> None:
    """Text near the short path's edge (empty parts, leading or trailing dots, non-ASCII digits,
    letters, separators) gets the general reading's key."""
    assert GENERIC.key(text) == (None if is_unknown(text) else release_and_rest(text))


@settings(max_examples=1000, deadline=None)
@given(st.from_regex(r"[0-9]{1,12}(?:[._-][0-9]{1,6}){0,4}(?:(?:u|b|sp|rc|beta|dev|abc|f|abcdef)[0-9]{1,7})?", fullmatch=True))
def test_numbers_with_a_word_take_a_short_path_to_the_same_key(text: str) -> None:
    """Session 20: dates ("2022-08-10") and numbers with one word and a number after them ("8u381",
    "12.5b125445", "9.90sp1"; a commit hash "1234abc5" stays unknown) get the general reading's key."""
    assert GENERIC.key(text) == (None if is_unknown(text) else release_and_rest(text))


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789.٣²-_ubcdefsprBU ", max_size=14))
def test_the_word_path_is_taken_only_for_what_the_general_reading_agrees_with(text: str) -> None:
    """Text near the word path's edge (capitals, spaces, non-ASCII digits, two words, hex letters) too."""
    assert GENERIC.key(text) == (None if is_unknown(text) else release_and_rest(text))
