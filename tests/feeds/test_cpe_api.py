"""Tests for appliance.feeds.cpe_api with an NVD CPE API 2.0 page built from real dictionary values."""

import itertools
import json
from pathlib import Path

import msgspec
import pytest

from appliance.feeds import cpe_api, cpe_xml
from appliance.feeds.base import CpeEntry, FeedError

# Real items of the official CPE dictionary (official-cpe-dictionary_v2.3-2015.xml.gz),
# in the API's shape: name, deprecation, successors, titles with the API's
# language codes. test_values_are_real_dictionary_items checks them against the XML.
REAL_ITEMS = [
    {
        "cpeName": "cpe:2.3:a:\\$0.99_kindle_books_project:\\$0.99_kindle_books:6:*:*:*:*:android:*:*",
        "deprecated": False,
        "titles": [
            {
                "title": "$0.99 Kindle Books project $0.99 Kindle Books (aka com.kindle.books.for99) for android 6.0",
                "lang": "en",
            }
        ],
        # The API's refs are the XML's <references> (its "Product information" is type "Product").
        "refs": [
            {
                "ref": "https://docs.google.com/spreadsheets/d/1t5GXwjw82SyunALVJb2w0zi3FoLRIkfGPc7AMjRF0r4/edit?pli=1#gid=1053404143",
                "type": "Advisory",
            },
            {"ref": "https://play.google.com/store/apps/details?id=com.kindle.books.for99", "type": "Product"},
        ],
    },
    {
        "cpeName": "cpe:2.3:o:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*",
        "deprecated": False,
        "titles": [
            {"title": "スリーコム TippingPoint IPS TOS 2.2.1", "lang": "ja"},
            {"title": "3Com TippingPoint IPS TOS 2.2.1", "lang": "en"},
        ],
    },
    {
        "cpeName": "cpe:2.3:a:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*",
        "deprecated": True,
        "titles": [{"title": "3Com TippingPoint IPS TOS 2.2.1", "lang": "en"}],
        "deprecatedBy": [{"cpeName": "cpe:2.3:o:3com:tippingpoint_ips_tos:2.2.1:*:*:*:*:*:*:*"}],
    },
    {
        "cpeName": "cpe:2.3:a:acmailer:acmailer:3.8:*:*:*:*:*:*:*",
        "deprecated": True,
        "titles": [{"title": "acmailer 3.8", "lang": "en"}],
        "deprecatedBy": [{"cpeName": "cpe:2.3:a:seeds:acmailer:3.8.0:*:*:*:*:*:*:*"}],
        "refs": [{"ref": "http://www.acmailer.jp/info/de.cgi?id=52", "type": "Vendor"}],
    },
    {
        "cpeName": "cpe:2.3:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*",
        "deprecated": False,
        "titles": [{"title": "2Glux Sexy Polling (com_sexypolling) component for Joomla! 0.9.1", "lang": "en"}],
        "refs": [
            {"ref": "https://code.google.com/p/sexy-polling/downloads/list", "type": "Version"},
            {"ref": "http://2glux.com/projects/sexypolling", "type": "Product"},
        ],
    },
]


def _page(products: list[dict]) -> dict:
    return {
        "resultsPerPage": len(products),
        "startIndex": 0,
        "totalResults": len(products),
        "format": "NVD_CPE",
        "version": "2.0",
        "timestamp": "2015-10-14T03:50:00.163",
        "products": [{"cpe": cpe} for cpe in products],
    }


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    path = tmp_path / "cpe-page.json"
    path.write_text(json.dumps(_page(REAL_ITEMS), ensure_ascii=False), encoding="utf-8")
    return path


def test_values_are_real_dictionary_items(cpe_xml_file: Path) -> None:
    # The five items are among the first 500 of the XML dictionary, with these titles.
    xml_entries = {e.cpe_name: e for e in itertools.islice(cpe_xml.read(cpe_xml_file).records, 500)}
    for item in REAL_ITEMS:
        entry = xml_entries[item["cpeName"]]
        english = next(t["title"] for t in item["titles"] if t["lang"] == "en")
        assert entry.title == english
        assert entry.deprecated == item["deprecated"]
        assert entry.deprecated_by == tuple(ref["cpeName"] for ref in item.get("deprecatedBy", []))
        assert entry.references == tuple(ref["ref"] for ref in item.get("refs", []))


def test_reads_the_page(page_file: Path) -> None:
    feed = cpe_api.read(page_file)
    assert feed.info.format == "cpe_api"
    assert feed.info.record_count == 5
    assert feed.info.feed_date == "2015-10-14T03:50:00.163"
    entries = list(feed.records)
    assert [e.cpe_name for e in entries] == [item["cpeName"] for item in REAL_ITEMS]
    assert entries[3] == CpeEntry(
        vendor="acmailer",
        product="acmailer",
        part="a",
        cpe_name="cpe:2.3:a:acmailer:acmailer:3.8:*:*:*:*:*:*:*",
        title="acmailer 3.8",
        deprecated=True,
        deprecated_by=("cpe:2.3:a:seeds:acmailer:3.8.0:*:*:*:*:*:*:*",),
        references=("http://www.acmailer.jp/info/de.cgi?id=52",),
    )
    assert entries[0].product_key == "\\$0.99_kindle_books_project:\\$0.99_kindle_books"
    assert entries[1].title == "3Com TippingPoint IPS TOS 2.2.1"  # English, listed after Japanese
    assert entries[4].product == "com_sexypolling"
    assert entries[0].references == (
        "https://docs.google.com/spreadsheets/d/1t5GXwjw82SyunALVJb2w0zi3FoLRIkfGPc7AMjRF0r4/edit?pli=1#gid=1053404143",
        "https://play.google.com/store/apps/details?id=com.kindle.books.for99",
    )
    assert entries[1].references == ()  # no refs in the API record


def test_reads_like_the_xml_dictionary(page_file: Path, cpe_xml_file: Path) -> None:
    xml_entries = {e.cpe_name: e for e in itertools.islice(cpe_xml.read(cpe_xml_file).records, 500)}
    for entry in cpe_api.read(page_file).records:
        assert entry == xml_entries[entry.cpe_name]


def test_name_without_title_and_deprecated_without_successor(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(_page([{"cpeName": REAL_ITEMS[3]["cpeName"], "deprecated": True}])))
    [entry] = cpe_api.read(path).records
    assert (entry.title, entry.deprecated, entry.deprecated_by) == (None, True, ())


# Corrupt files.


def test_truncated_page_is_refused(page_file: Path) -> None:
    page_file.write_bytes(page_file.read_bytes()[:-3])
    with pytest.raises(FeedError, match="cpe-page.json: invalid JSON") as caught:
        cpe_api.read(page_file)
    assert isinstance(caught.value.__cause__, msgspec.DecodeError)


def test_cve_page_is_refused(nvd20_sample: Path) -> None:
    with pytest.raises(FeedError, match="nvdcve-2.0-sample.json: not an NVD CPE API 2.0 document.*products"):
        cpe_api.read(nvd20_sample)


def test_other_format_value_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps({**_page(REAL_ITEMS), "format": "NVD_CPEMatch"}))
    with pytest.raises(FeedError, match="page.json: not an NVD CPE document: format is 'NVD_CPEMatch'"):
        cpe_api.read(path)


def test_product_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    items = [dict(item) for item in REAL_ITEMS]
    del items[2]["deprecated"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(_page(items)))
    with pytest.raises(FeedError, match=r"page.json: products\[2\] has the wrong shape.*deprecated"):
        list(cpe_api.read(path).records)


def test_invalid_cpe_name_is_refused(tmp_path: Path) -> None:
    items = [dict(item) for item in REAL_ITEMS]
    items[1]["cpeName"] = "cpe:/o:3com:tippingpoint_ips_tos:2.2.1"  # the 2.2 URI binding
    path = tmp_path / "page.json"
    path.write_text(json.dumps(_page(items)))
    with pytest.raises(FeedError, match="page.json: not a CPE 2.3 name: 'cpe:/o:3com"):
        list(cpe_api.read(path).records)
