"""Tests for appliance.feeds.nvd11 against the real NVD JSON 1.1 feed for 2022."""

import gzip
import json
from pathlib import Path

import msgspec
import pytest

from appliance.feeds import nvd11
from appliance.feeds.base import ConfigNode, Configuration, CpeMatch, CveRecord, Cvss, FeedError


@pytest.fixture(scope="module")
def records(nvd11_2022: Path) -> dict[str, CveRecord]:
    return {record.id: record for record in nvd11.read(nvd11_2022).records}


@pytest.fixture(scope="module")
def raw_feed(nvd11_2022: Path) -> dict:
    return json.loads(gzip.decompress(nvd11_2022.read_bytes()))


def _write_feed(raw_feed: dict, target: Path, items: list[dict]) -> Path:
    """Write a gzip 1.1 feed with the real header and the given items."""
    feed = {k: v for k, v in raw_feed.items() if k != "CVE_Items"}
    feed["CVE_data_numberOfCVEs"] = str(len(items))
    feed["CVE_Items"] = items
    target.write_bytes(gzip.compress(json.dumps(feed).encode()))
    return target


def _item(raw_feed: dict, cve_id: str) -> dict:
    [item] = [i for i in raw_feed["CVE_Items"] if i["cve"]["CVE_data_meta"]["ID"] == cve_id]
    return json.loads(json.dumps(item))  # a copy to change


def test_counts_and_feed_info(nvd11_2022: Path, records: dict[str, CveRecord]) -> None:
    info = nvd11.read(nvd11_2022).info
    assert info.format == "nvd11"
    assert info.record_count == 16_315
    assert info.feed_date == "2022-11-04T07:00Z"
    assert len(records) == 16_315
    assert sum(1 for r in records.values() if r.configurations) == 16_035
    assert all(r.id.startswith("CVE-2022-") for r in records.values())
    assert all(r.status is None for r in records.values())


def test_references_are_kept(records: dict[str, CveRecord]) -> None:
    # reference_data[].url, in feed order: Werkzeug's fix commit and its issue.
    assert records["CVE-2022-29361"].references == (
        "https://github.com/pallets/werkzeug/commit/9a3a981d70d2e9ec3344b5192f86fcaf3210cd85",
        "https://github.com/pallets/werkzeug/issues/2420",
    )
    assert sum(len(record.references) for record in records.values()) == 30_478
    assert sum(1 for record in records.values() if not record.references) == 207


def test_and_node_with_children_becomes_one_and_configuration(records: dict[str, CveRecord]) -> None:
    # Palo Alto Cortex XDR agent ranges AND (non-vulnerable) Windows.
    record = records["CVE-2022-0012"]
    assert record.published == "2022-01-12T18:15Z"
    assert record.last_modified == "2022-01-19T19:18Z"
    assert record.cvss == Cvss("3.1", 7.1, "HIGH", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:H")
    [configuration] = record.configurations
    agent = "cpe:2.3:a:paloaltonetworks:cortex_xdr_agent:*:*:*:*:*:*:*:*"
    assert configuration == Configuration(
        operator="AND",
        negate=False,
        nodes=(
            ConfigNode(
                "OR",
                False,
                (
                    CpeMatch(agent, True, version_start_including="7.3", version_end_excluding="7.3.2"),
                    CpeMatch(agent, True, version_start_including="7.2", version_end_excluding="7.2.4"),
                    CpeMatch(agent, True, version_start_including="6.1", version_end_excluding="6.1.9"),
                    CpeMatch(agent, True, version_start_including="5.0", version_end_excluding="5.0.12"),
                ),
            ),
            ConfigNode("OR", False, (CpeMatch("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", False),)),
        ),
    )


def test_leaf_node_becomes_a_single_node_configuration_and_empty_nodes_are_dropped(
    records: dict[str, CveRecord],
) -> None:
    # CVE-2022-0790 (Chrome) lists three empty top-level nodes before the real one.
    assert records["CVE-2022-0790"].configurations == (
        Configuration(
            None,
            False,
            (
                ConfigNode(
                    "OR",
                    False,
                    (
                        CpeMatch(
                            "cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*",
                            True,
                            version_end_excluding="99.0.4844.51",
                        ),
                    ),
                ),
            ),
        ),
    )
    assert records["CVE-2022-0790"].cvss == Cvss(
        "3.1", 9.6, "CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H"
    )


def test_unscored_records_have_no_cvss(records: dict[str, CveRecord]) -> None:
    unscored = [r for r in records.values() if r.cvss is None]
    assert len(unscored) == 280
    assert records["CVE-2022-0177"].cvss is None
    assert {r.cvss.version for r in records.values() if r.cvss} == {"3.1"}


def test_cvss_falls_back_to_v2(raw_feed: dict, tmp_path: Path) -> None:
    item = _item(raw_feed, "CVE-2022-0012")
    del item["impact"]["baseMetricV3"]
    path = _write_feed(raw_feed, tmp_path / "v2.json.gz", [item])
    [record] = nvd11.read(path).records
    assert record.cvss == Cvss("2.0", 3.6, "LOW", "AV:L/AC:L/Au:N/C:N/I:P/A:P")


def test_references_missing_blank_or_repeated(raw_feed: dict, tmp_path: Path) -> None:
    item = _item(raw_feed, "CVE-2022-29361")
    urls = [ref["url"] for ref in item["cve"]["references"]["reference_data"]]
    item["cve"]["references"]["reference_data"] += [{"url": "  "}, {"url": urls[0]}]
    bare = _item(raw_feed, "CVE-2022-29361")
    del bare["cve"]["references"]
    path = _write_feed(raw_feed, tmp_path / "refs.json.gz", [item, bare])
    kept, missing = nvd11.read(path).records
    assert kept.references == tuple(urls) and missing.references == ()


def test_negate_is_carried(raw_feed: dict, tmp_path: Path) -> None:
    item = _item(raw_feed, "CVE-2022-0012")
    item["configurations"]["nodes"][0]["children"][1]["negate"] = True
    path = _write_feed(raw_feed, tmp_path / "negate.json.gz", [item])
    [record] = nvd11.read(path).records
    assert [node.negate for node in record.configurations[0].nodes] == [False, True]


def test_deeper_nesting_is_refused(raw_feed: dict, tmp_path: Path) -> None:
    item = _item(raw_feed, "CVE-2022-0012")
    top = item["configurations"]["nodes"][0]
    top["children"] = [{"operator": "AND", "children": top["children"], "cpe_match": []}]
    path = _write_feed(raw_feed, tmp_path / "nested.json.gz", [item])
    with pytest.raises(FeedError, match="nested.json.gz: CVE-2022-0012: .*nested"):
        list(nvd11.read(path).records)


# Corrupt files, derived from the real one.


def test_truncated_gzip_is_refused(nvd11_2022: Path, tmp_path: Path) -> None:
    data = nvd11_2022.read_bytes()
    path = tmp_path / "nvdcve-1.1-2022.json.gz"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(FeedError, match="nvdcve-1.1-2022.json.gz: damaged or truncated") as caught:
        nvd11.read(path)
    assert isinstance(caught.value.__cause__, EOFError)


def test_corrupt_gzip_data_is_refused(nvd11_2022: Path, tmp_path: Path) -> None:
    data = bytearray(nvd11_2022.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    path = tmp_path / "corrupt.json.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(FeedError, match="corrupt.json.gz: damaged or truncated"):
        nvd11.read(path)


def test_truncated_json_is_refused(raw_feed: dict, tmp_path: Path) -> None:
    text = json.dumps({**raw_feed, "CVE_Items": raw_feed["CVE_Items"][:50]})
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) - 100])
    with pytest.raises(FeedError, match="cut.json: invalid JSON") as caught:
        nvd11.read(path)
    assert isinstance(caught.value.__cause__, msgspec.DecodeError)


def test_wrong_shape_is_refused(nvd20_sample: Path) -> None:
    with pytest.raises(FeedError, match="nvdcve-2.0-sample.json: not an NVD JSON 1.1 feed.*CVE_Items") as caught:
        nvd11.read(nvd20_sample)
    assert isinstance(caught.value.__cause__, msgspec.ValidationError)


def test_stated_count_must_match(raw_feed: dict, tmp_path: Path) -> None:
    path = _write_feed(raw_feed, tmp_path / "miscounted.json.gz", [_item(raw_feed, "CVE-2022-0012")])
    feed = json.loads(gzip.decompress(path.read_bytes()))
    feed["CVE_data_numberOfCVEs"] = "16315"
    path.write_bytes(gzip.compress(json.dumps(feed).encode()))
    with pytest.raises(FeedError, match="miscounted.json.gz: states 16315 records but holds 1"):
        nvd11.read(path)
