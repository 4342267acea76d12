"""Tests for appliance.feeds.cpe_csv against the real vendor,product pairs of the CPE dictionary."""

import gzip
import itertools
from pathlib import Path

import pytest

from appliance.cpe import parse_cpe23
from appliance.feeds import cpe_csv, nvd20
from appliance.feeds.base import CpeEntry, FeedError


@pytest.fixture(scope="module")
def entries(cpe_csv_file: Path) -> list[CpeEntry]:
    return list(cpe_csv.read(cpe_csv_file).records)


def _head(cpe_csv_file: Path, count: int) -> list[bytes]:
    with cpe_csv_file.open("rb") as stream:
        return list(itertools.islice(stream, count))


def test_counts_and_feed_info(cpe_csv_file: Path, entries: list[CpeEntry]) -> None:
    info = cpe_csv.read(cpe_csv_file).info
    assert (info.format, info.record_count, info.feed_date) == ("cpe_csv", None, None)
    assert len(entries) == 70_785
    assert len({e.product_key for e in entries}) == 70_785
    assert {e.part for e in entries} == {"a"}
    assert not any(e.cpe_name or e.title or e.deprecated or e.deprecated_by for e in entries)


def test_first_and_last_pairs(entries: list[CpeEntry]) -> None:
    assert entries[0] == CpeEntry(".bbsoftware", "bb_flashback", "a", None, None, False, ())
    assert entries[-1].product_key == "zzzcms:zzzphp"


def test_values_keep_the_cpe_quoting(entries: list[CpeEntry]) -> None:
    keys = {e.product_key for e in entries}
    assert "1c:1c\\:enterprise" in keys
    assert "7andi-fs.co:denny\\'s" in keys
    assert parse_cpe23("cpe:2.3:a:1c:1c\\:enterprise:*:*:*:*:*:*:*:*").product_key == "1c:1c\\:enterprise"


def test_odd_real_pairs_are_kept(entries: list[CpeEntry]) -> None:
    # Two pairs a strict CPE parser refuses; they are in NVD's dictionary, so kept.
    keys = {e.product_key for e in entries}
    assert "azure-iot-cli-extension:-" in keys
    assert 'kuronecostudio:noble_sticker_\\\\free\\\\""' in keys


def test_nvd_products_are_in_the_dictionary(entries: list[CpeEntry], nvd20_sample: Path) -> None:
    keys = {e.product_key for e in entries}
    for product in ("rarlab:winrar", "7-zip:7-zip", "apache:log4j", "google:chrome"):
        assert product in keys
    [winrar] = [r for r in nvd20.read(nvd20_sample).records if r.id == "CVE-2023-38831"]
    assert parse_cpe23(winrar.configurations[0].nodes[0].cpe_match[0].criteria).product_key in keys


def test_gzip_and_crlf_are_accepted(cpe_csv_file: Path, tmp_path: Path) -> None:
    lines = [line.rstrip(b"\n") + b"\r\n" for line in _head(cpe_csv_file, 101)]
    path = tmp_path / "cpes.csv.gz"
    path.write_bytes(gzip.compress(b"".join(lines)))
    entries = list(cpe_csv.read(path).records)
    assert len(entries) == 100
    assert entries[0].product_key == ".bbsoftware:bb_flashback"


# Corrupt files, derived from the real one.


def test_missing_header_is_refused(cpe_csv_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "no-header.csv"
    path.write_bytes(b"".join(_head(cpe_csv_file, 50)[1:]))
    with pytest.raises(FeedError, match=r"no-header.csv: expected a header with columns vendor and product"):
        cpe_csv.read(path)


def test_other_columns_are_refused(tmp_path: Path, cpe_csv_file: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_bytes(b'"vendor","name"\n' + b"".join(_head(cpe_csv_file, 50)[1:]))
    with pytest.raises(FeedError, match="other.csv: expected a header"):
        cpe_csv.read(path)


def test_short_row_is_refused(cpe_csv_file: Path, tmp_path: Path) -> None:
    lines = _head(cpe_csv_file, 50)
    lines[30] = lines[30].split(b",")[0] + b"\n"
    path = tmp_path / "short.csv"
    path.write_bytes(b"".join(lines))
    with pytest.raises(FeedError, match="short.csv: line 31: expected vendor and product"):
        list(cpe_csv.read(path).records)


@pytest.mark.parametrize(
    "bad_row",
    [b'"1c","1c:enterprise"\n', b'"1c","1c enterprise"\n', b'"","bb_flashback"\n', b'"1c","1c\x00"\n'],
    ids=["unquoted colon", "space", "empty vendor", "NUL"],
)
def test_row_that_is_not_a_cpe_pair_is_refused(cpe_csv_file: Path, tmp_path: Path, bad_row: bytes) -> None:
    lines = _head(cpe_csv_file, 50)
    lines[10] = bad_row
    path = tmp_path / "colon.csv"
    path.write_bytes(b"".join(lines))
    with pytest.raises(FeedError, match="colon.csv: line 11: not a CPE vendor,product pair"):
        list(cpe_csv.read(path).records)


def test_invalid_utf8_is_refused(cpe_csv_file: Path, tmp_path: Path) -> None:
    lines = _head(cpe_csv_file, 50)
    lines[20] = lines[20].replace(b'"', b'"\xff', 1)
    path = tmp_path / "latin.csv"
    path.write_bytes(b"".join(lines))
    with pytest.raises(FeedError, match="latin.csv: not UTF-8 text") as caught:
        list(cpe_csv.read(path).records)
    assert isinstance(caught.value.__cause__, UnicodeDecodeError)


def test_truncated_gzip_is_refused(cpe_csv_file: Path, tmp_path: Path) -> None:
    data = gzip.compress(cpe_csv_file.read_bytes())
    path = tmp_path / "cpes.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    records = cpe_csv.read(path).records
    with pytest.raises(FeedError, match="cpes.csv.gz: damaged or truncated file") as caught:
        list(records)
    assert isinstance(caught.value.__cause__, EOFError)
