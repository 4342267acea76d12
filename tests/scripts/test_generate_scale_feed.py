"""scripts/generate_scale_feed.py run as a subprocess at a tiny scale: shapes, counts, validity, determinism."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from appliance.cpe import parse_cpe23
from appliance.feeds import cpe_xml, nvd20

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_scale_feed.py"
FEEDS = ROOT.parent / "shared" / "feeds"
CVES, CPE_NAMES = 300, 2000
YEARS = range(1999, 2027)
DICT = "{http://cpe.mitre.org/dictionary/2.0}"
CPE23 = "{http://scap.nist.gov/schema/cpe-extension/2.3}"


def generate(out: Path, seed: int) -> Path:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "-o", str(out), "--cves", str(CVES), "--cpe-names", str(CPE_NAMES),
         "--seed", str(seed), "--feeds", str(FEEDS)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not FEEDS.is_dir():
        pytest.skip(f"real feed data not found at {FEEDS}")
    base = tmp_path_factory.mktemp("scale-feed")
    return {
        "a": generate(base / "seed1-a", 1),
        "b": generate(base / "seed1-b", 1),
        "c": generate(base / "seed2", 2),
    }


def cve_files(out: Path) -> list[Path]:
    return [out / f"nvdcve-2.0-{year}.json.gz" for year in YEARS]


def load_cves(out: Path) -> list[tuple[int, dict]]:
    records = []
    for year, path in zip(YEARS, cve_files(out)):
        with gzip.open(path, "rb") as stream:
            doc = json.load(stream)
        records.extend((year, item["cve"]) for item in doc["vulnerabilities"])
    return records


def output_files(out: Path) -> list[Path]:
    return [*cve_files(out), out / "official-cpe-dictionary_v2.3.xml.gz", out / "manifest.json"]


def test_files_exist(runs: dict[str, Path]) -> None:
    for path in output_files(runs["a"]):
        assert path.is_file() and path.stat().st_size > 0, path
    assert not list(runs["a"].glob("*.tmp"))


def test_cve_files_have_the_api_response_shape_and_total(runs: dict[str, Path]) -> None:
    counts = {}
    for year, path in zip(YEARS, cve_files(runs["a"])):
        with gzip.open(path, "rb") as stream:
            doc = json.load(stream)
        assert list(doc) == ["resultsPerPage", "startIndex", "totalResults", "format", "version", "timestamp",
                             "vulnerabilities"]
        assert doc["format"] == "NVD_CVE" and doc["version"] == "2.0" and doc["startIndex"] == 0
        assert doc["resultsPerPage"] == doc["totalResults"] == len(doc["vulnerabilities"])
        assert all(list(item) == ["cve"] for item in doc["vulnerabilities"])
        counts[year] = doc["totalResults"]
    assert sum(counts.values()) == CVES
    assert counts[2024] > 5 * counts[2000]  # few early CVEs, many recent ones


def test_cve_ids_are_unique_and_match_their_file_year(runs: dict[str, Path]) -> None:
    records = load_cves(runs["a"])
    ids = [cve["id"] for _, cve in records]
    assert len(ids) == len(set(ids)) == CVES
    for year, cve in records:
        assert re.fullmatch(rf"CVE-{year}-\d{{4,}}", cve["id"]), cve["id"]
        assert cve["published"].startswith(str(year)) and cve["lastModified"] >= cve["published"]


def test_records_keep_the_nvd_shape(runs: dict[str, Path]) -> None:
    unanalysed = 0
    for _, cve in load_cves(runs["a"]):
        assert {"id", "sourceIdentifier", "published", "lastModified", "vulnStatus", "descriptions", "metrics"} <= set(cve)
        if cve["vulnStatus"] == "Awaiting Analysis":
            unanalysed += 1
            assert cve["metrics"] == {} and "configurations" not in cve
            continue
        assert cve["configurations"], cve["id"]
        for config in cve["configurations"]:
            for node in config["nodes"]:
                assert node["operator"] in ("AND", "OR") and isinstance(node["negate"], bool)
                for match in node["cpeMatch"]:
                    assert isinstance(match["vulnerable"], bool)
                    assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
                                        match["matchCriteriaId"])
        for metrics in cve["metrics"].values():
            for metric in metrics:
                assert metric["type"] in ("Primary", "Secondary")
                assert {"version", "vectorString", "baseScore"} <= set(metric["cvssData"])
    assert unanalysed < CVES * 0.1


def test_every_criteria_is_a_valid_cpe23_name(runs: dict[str, Path]) -> None:
    checked = 0
    for _, cve in load_cves(runs["a"]):
        for config in cve.get("configurations", []):
            for node in config["nodes"]:
                for match in node["cpeMatch"]:
                    fields = match["criteria"].split(":")
                    if fields[3] in ("*", "-") or fields[4] in ("*", "-"):
                        continue  # a few real NVD criteria name no vendor/product; copied as they are
                    parse_cpe23(match["criteria"])
                    checked += 1
    assert checked > CVES


def test_the_appliance_reads_the_cve_files(runs: dict[str, Path]) -> None:
    records = [r for path in cve_files(runs["a"]) for r in nvd20.read(path).records]
    assert len(records) == CVES


def test_cpe_dictionary_is_well_formed_with_the_requested_items(runs: dict[str, Path]) -> None:
    path = runs["a"] / "official-cpe-dictionary_v2.3.xml.gz"
    names, successors, deprecated = set(), [], 0
    with gzip.open(path, "rb") as stream:
        for _, elem in ET.iterparse(stream):
            if elem.tag != DICT + "cpe-item":
                continue
            assert elem.get("name", "").startswith("cpe:/a:")
            assert elem.find(DICT + "title").text
            item = elem.find(CPE23 + "cpe23-item")
            parse_cpe23(item.get("name"))
            names.add(item.get("name"))
            if elem.get("deprecated") == "true":
                deprecated += 1
                assert elem.get("deprecation_date", "").endswith("Z")
                refs = [ref.get("name") for ref in item.iter(CPE23 + "deprecated-by")]
                assert refs and all(ref.get("type") == "NAME_CORRECTION" for ref in item.iter(CPE23 + "deprecated-by"))
                successors.extend(refs)
            elem.clear()
    assert len(names) == CPE_NAMES
    assert 0 < deprecated < CPE_NAMES * 0.1
    assert set(successors) <= names  # every deprecated-by names an item of the dictionary
    assert sum(1 for _ in cpe_xml.read(path).records) == CPE_NAMES


def test_manifest_counts(runs: dict[str, Path]) -> None:
    manifest = json.loads((runs["a"] / "manifest.json").read_text())
    assert manifest["arguments"]["cves"] == CVES and manifest["arguments"]["cpe_names"] == CPE_NAMES
    assert manifest["seed"] == 1
    assert manifest["counts"]["cves"] == CVES and manifest["counts"]["cpe_items"] == CPE_NAMES
    assert {entry["path"] for entry in manifest["inputs"]} == {
        "nvd/nvdcve-2.0-sample.json", "nvd/nvdcve-1.1-2022.json.gz", "cpe/cpes.csv",
        "cpe/official-cpe-dictionary_v2.3-2015.xml.gz"}
    assert {entry["file"] for entry in manifest["outputs"]} == {p.name for p in output_files(runs["a"])[:-1]}


def test_same_seed_gives_identical_bytes(runs: dict[str, Path]) -> None:
    for first, second in zip(output_files(runs["a"]), output_files(runs["b"])):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_another_seed_gives_different_data(runs: dict[str, Path]) -> None:
    for name in ("nvdcve-2.0-2024.json.gz", "official-cpe-dictionary_v2.3.xml.gz"):
        assert (runs["a"] / name).read_bytes() != (runs["c"] / name).read_bytes(), name
