"""Fixtures for the feed reader tests: the real feed files in ../shared/feeds."""

from pathlib import Path

import pytest

# <project root>/../shared/feeds; the project root is two levels above this folder.
FEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "feeds"


@pytest.fixture(scope="session")
def feeds_dir() -> Path:
    """The folder of real feed data; the tests are skipped if it is missing."""
    if not FEEDS_DIR.is_dir():
        pytest.skip(f"real feed data not found: expected {FEEDS_DIR} (../shared/feeds from the project root)")
    return FEEDS_DIR


@pytest.fixture(scope="session")
def nvd20_sample(feeds_dir: Path) -> Path:
    return feeds_dir / "nvd" / "nvdcve-2.0-sample.json"


@pytest.fixture(scope="session")
def nvd11_2022(feeds_dir: Path) -> Path:
    return feeds_dir / "nvd" / "nvdcve-1.1-2022.json.gz"


@pytest.fixture(scope="session")
def kev_catalog(feeds_dir: Path) -> Path:
    return feeds_dir / "kev" / "known_exploited_vulnerabilities.json"


@pytest.fixture(scope="session")
def cpe_csv_file(feeds_dir: Path) -> Path:
    return feeds_dir / "cpe" / "cpes.csv"


@pytest.fixture(scope="session")
def cpe_xml_file(feeds_dir: Path) -> Path:
    return feeds_dir / "cpe" / "official-cpe-dictionary_v2.3-2015.xml.gz"
