"""Tests for appliance.feeds.detect_format and read_any on the real feed files."""

import gzip
import json
import shutil
from pathlib import Path

import pytest

from appliance.feeds import READERS, FeedError, detect_format, read_any

REAL_FILES = [
    ("nvd/nvdcve-2.0-sample.json", "nvd20"),
    ("nvd/nvdcve-1.1-2022.json.gz", "nvd11"),
    ("kev/known_exploited_vulnerabilities.json", "kev"),
    ("cpe/cpes.csv", "cpe_csv"),
    ("cpe/official-cpe-dictionary_v2.3-2015.xml.gz", "cpe_xml"),
]


@pytest.mark.parametrize(("relative", "expected"), REAL_FILES)
def test_real_files(feeds_dir: Path, relative: str, expected: str) -> None:
    assert detect_format(feeds_dir / relative) == expected


@pytest.mark.parametrize(("relative", "expected"), REAL_FILES)
def test_content_decides_not_the_name(feeds_dir: Path, tmp_path: Path, relative: str, expected: str) -> None:
    renamed = tmp_path / "download.bin"
    shutil.copyfile(feeds_dir / relative, renamed)
    assert detect_format(renamed) == expected


def test_gzip_is_recognised_by_its_bytes(nvd20_sample: Path, kev_catalog: Path, tmp_path: Path) -> None:
    for source, expected in ((nvd20_sample, "nvd20"), (kev_catalog, "kev")):
        path = tmp_path / f"{expected}.data"
        path.write_bytes(gzip.compress(source.read_bytes()))
        assert detect_format(path) == expected


def test_cpe_api_page(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    page = {
        "resultsPerPage": 1,
        "startIndex": 0,
        "totalResults": 1,
        "format": "NVD_CPE",
        "version": "2.0",
        "timestamp": "2015-10-14T03:50:00.163",
        "products": [{"cpe": {"cpeName": "cpe:2.3:a:1024cms:1024_cms:0.7:*:*:*:*:*:*:*", "deprecated": False}}],
    }
    path.write_text(json.dumps(page))
    assert detect_format(path) == "cpe_api"
    [entry] = read_any(path).records
    assert entry.product_key == "1024cms:1024_cms"


def test_api_page_without_format_key_by_its_structure(nvd20_sample: Path, tmp_path: Path) -> None:
    page = json.loads(nvd20_sample.read_bytes())
    del page["format"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"vulnerabilities": page.pop("vulnerabilities"), **page}))
    assert detect_format(path) == "nvd20"


@pytest.mark.parametrize(
    "relative", ["nvd/nvdcve-2.0-sample.json", "kev/known_exploited_vulnerabilities.json", "cpe/cpes.csv"]
)
def test_read_any_reads_with_the_detected_reader(feeds_dir: Path, relative: str) -> None:
    path = feeds_dir / relative
    feed = read_any(path)
    assert feed.info.format == detect_format(path)
    assert feed.info.format in READERS
    assert next(feed.records)


def test_name_is_the_fallback(tmp_path: Path) -> None:
    # The first bytes say nothing; the upstream name picks the reader, which refuses the content.
    path = tmp_path / "nvdcve-1.1-2023.json"
    path.write_text("{}")
    assert detect_format(path) == "nvd11"
    with pytest.raises(FeedError, match="nvdcve-1.1-2023.json: not an NVD JSON 1.1 feed"):
        read_any(path)


@pytest.mark.parametrize(
    "relative",
    [
        "trivy/alpine-310.json",
        "inventories/debian12-dpkg.json",
        "kev/known_exploited_vulnerabilities_schema.json",
        "nvd/SAMPLE-provenance.tsv",
    ],
)
def test_other_files_are_refused(feeds_dir: Path, relative: str) -> None:
    with pytest.raises(FeedError, match=f"{Path(relative).name}: not a known feed format"):
        detect_format(feeds_dir / relative)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(FeedError, match="empty: not a known feed format"):
        read_any(path)


def test_damaged_gzip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feed.json.gz"
    path.write_bytes(b"\x1f\x8b" + b"not deflate data" * 10)
    with pytest.raises(FeedError, match="feed.json.gz: damaged or truncated"):
        detect_format(path)
