"""Tests for appliance.feeds.cpe_xml against the real official CPE dictionary (XML 2.3, 2015)."""

import collections
import gzip
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from appliance.cpe import parse_cpe23
from appliance.feeds import cpe_xml
from appliance.feeds.base import CpeEntry, FeedError


@pytest.fixture(scope="module")
def entries(cpe_xml_file: Path) -> list[CpeEntry]:
    return list(cpe_xml.read(cpe_xml_file).records)


@pytest.fixture(scope="module")
def by_name(entries: list[CpeEntry]) -> dict[str, CpeEntry]:
    return {entry.cpe_name: entry for entry in entries}


def _head_lines(cpe_xml_file: Path, count: int) -> list[bytes]:
    """About the first ``count`` lines of the real dictionary, ending after a whole cpe-item."""
    with gzip.open(cpe_xml_file) as stream:
        lines = list(itertools.islice(stream, count))
    while not lines[-1].strip() == b"</cpe-item>":
        lines.pop()
    return lines


def test_counts_and_feed_info(cpe_xml_file: Path, entries: list[CpeEntry]) -> None:
    info = cpe_xml.read(cpe_xml_file).info
    assert info.format == "cpe_xml"
    assert info.record_count is None  # streamed: not known before reading
    assert info.feed_date == "2015-10-14T03:50:00.163Z"
    assert len(entries) == 101_371
    assert len({e.cpe_name for e in entries}) == 101_371
    assert collections.Counter(e.part for e in entries) == {"a": 86_836, "o": 10_934, "h": 3_601}
    assert all(e.title for e in entries)


def test_names_split_like_the_strict_parser(entries: list[CpeEntry]) -> None:
    for entry in entries:
        cpe = parse_cpe23(entry.cpe_name)
        assert (entry.part, entry.vendor, entry.product) == (cpe.part, cpe.vendor, cpe.product)


def test_first_item_keeps_quoted_characters(entries: list[CpeEntry]) -> None:
    assert entries[0] == CpeEntry(
        vendor="\\$0.99_kindle_books_project",
        product="\\$0.99_kindle_books",
        part="a",
        cpe_name="cpe:2.3:a:\\$0.99_kindle_books_project:\\$0.99_kindle_books:6:*:*:*:*:android:*:*",
        title="$0.99 Kindle Books project $0.99 Kindle Books (aka com.kindle.books.for99) for android 6.0",
        deprecated=False,
        deprecated_by=(),
        references=(
            "https://docs.google.com/spreadsheets/d/1t5GXwjw82SyunALVJb2w0zi3FoLRIkfGPc7AMjRF0r4/edit?pli=1#gid=1053404143",
            "https://play.google.com/store/apps/details?id=com.kindle.books.for99",
        ),
    )


def test_references_are_kept_per_item(entries: list[CpeEntry], by_name: dict[str, CpeEntry]) -> None:
    # 37,461 <reference href> in the file; an item that lists one URL twice keeps it once.
    assert sum(1 for e in entries if e.references) == 29_979
    assert sum(len(e.references) for e in entries) == 37_382
    assert all(len(set(e.references)) == len(e.references) for e in entries)
    assert by_name["cpe:2.3:a:1024cms:1024_cms:0.7:*:*:*:*:*:*:*"].references == ()


def test_deprecations(entries: list[CpeEntry], by_name: dict[str, CpeEntry]) -> None:
    deprecated = [e for e in entries if e.deprecated]
    assert len(deprecated) == 1532
    assert all(len(e.deprecated_by) == 1 for e in deprecated)
    assert not any(e.deprecated_by for e in entries if not e.deprecated)
    # 3Com TippingPoint IPS TOS was filed as an application, corrected to an OS.
    assert by_name["cpe:2.3:a:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*"] == CpeEntry(
        vendor="3com",
        product="tippingpoint_ips_tos",
        part="a",
        cpe_name="cpe:2.3:a:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*",
        title="3Com TippingPoint IPS TOS 2.2.1",
        deprecated=True,
        deprecated_by=("cpe:2.3:o:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*",),
    )
    acmailer = by_name["cpe:2.3:a:acmailer:acmailer:3.8:*:*:*:*:*:*:*"]
    assert acmailer.deprecated_by == ("cpe:2.3:a:seeds:acmailer:3.8.0:*:*:*:*:*:*:*",)


def test_repeated_deprecated_by_names_are_kept_once(by_name: dict[str, CpeEntry]) -> None:
    # The file names the same successor three times for this item.
    assert by_name["cpe:2.3:a:apache:http_server:2.2.5:*:*:*:*:*:*:*"].deprecated_by == (
        "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*",
    )


def test_english_title_is_chosen_over_japanese(by_name: dict[str, CpeEntry]) -> None:
    # This item lists its ja-JP title before the en-US one.
    entry = by_name["cpe:2.3:o:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*"]
    assert entry.title == "3Com TippingPoint IPS TOS 2.2.1"


def test_reading_is_streamed(cpe_xml_file: Path, tmp_path: Path) -> None:
    # Cut the file short: read() still succeeds, thousands of items come out,
    # and the damage is reported when the stream reaches it.
    data = cpe_xml_file.read_bytes()
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    feed = cpe_xml.read(path)
    seen = 0
    with pytest.raises(FeedError, match="cut.xml.gz: damaged CPE dictionary XML") as caught:
        for _ in feed.records:
            seen += 1
    assert seen > 10_000
    assert isinstance(caught.value.__cause__, EOFError)


def test_plain_xml_works_too(cpe_xml_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "dictionary.xml"
    path.write_bytes(b"".join(_head_lines(cpe_xml_file, 500)) + b"</cpe-list>\n")
    entries = list(cpe_xml.read(path).records)
    assert entries[0].product == "\\$0.99_kindle_books"
    assert "cpe:2.3:a:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*" in {e.cpe_name for e in entries}


# Corrupt files, derived from the real one.


def test_xml_that_is_not_well_formed_is_refused(cpe_xml_file: Path, tmp_path: Path) -> None:
    lines = _head_lines(cpe_xml_file, 300)
    at = next(i for i in range(250, len(lines)) if b"</title>" in lines[i])
    lines[at] = lines[at].replace(b"</title>", b"</titel>")
    path = tmp_path / "broken.xml"
    path.write_bytes(b"".join(lines) + b"</cpe-list>\n")
    records = cpe_xml.read(path).records  # the head is fine
    expected = f"broken.xml: damaged CPE dictionary XML: mismatched tag: line {at + 1}"
    with pytest.raises(FeedError, match=expected) as caught:
        list(records)
    assert isinstance(caught.value.__cause__, ET.ParseError)


def test_broken_head_is_refused_by_read(cpe_xml_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "head.xml"
    with gzip.open(cpe_xml_file) as stream:
        head = stream.read(4000)
    path.write_bytes(head[: head.index(b"<timestamp>")])  # cut inside the generator element
    with pytest.raises(FeedError, match="head.xml: damaged CPE dictionary XML"):
        cpe_xml.read(path)


def test_other_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    with pytest.raises(FeedError, match="other.xml: not a CPE dictionary: root element is .*feed"):
        cpe_xml.read(path)


def test_item_without_a_cpe23_name_is_refused(cpe_xml_file: Path, tmp_path: Path) -> None:
    lines = _head_lines(cpe_xml_file, 40)
    lines = [line for line in lines if not (b"cpe23-item" in line and b"1024_cms:1.2.5" in line)]
    path = tmp_path / "no-23.xml"
    path.write_bytes(b"".join(lines) + b"</cpe-list>\n")
    with pytest.raises(FeedError, match="no-23.xml: cpe-item 'cpe:/a:1024cms:1024_cms:1.2.5' has no cpe23-item"):
        list(cpe_xml.read(path).records)
