"""Tests for appliance.feeds.nvd20 against the real 48-record NVD CVE API 2.0 sample."""

import gzip
import json
from pathlib import Path

import msgspec
import pytest

from appliance.cpe import parse_cpe23
from appliance.feeds import nvd20
from appliance.feeds.base import ConfigNode, Configuration, CpeMatch, CveRecord, Cvss, FeedError


@pytest.fixture(scope="module")
def records(nvd20_sample: Path) -> dict[str, CveRecord]:
    return {record.id: record for record in nvd20.read(nvd20_sample).records}


def _write_derived(nvd20_sample: Path, target: Path, cve_id: str, change) -> Path:
    """Write a one-record API page made from a real record, changed by ``change(cve)``."""
    page = json.loads(nvd20_sample.read_bytes())
    [item] = [v for v in page["vulnerabilities"] if v["cve"]["id"] == cve_id]
    change(item["cve"])
    page["vulnerabilities"] = [item]
    page["resultsPerPage"] = page["totalResults"] = 1
    target.write_text(json.dumps(page))
    return target


def test_reads_all_48_records_and_the_page_info(nvd20_sample: Path) -> None:
    feed = nvd20.read(nvd20_sample)
    assert feed.info.format == "nvd20"
    assert feed.info.path == str(nvd20_sample)
    assert feed.info.record_count == 48
    assert feed.info.feed_date == "2026-11-29T03:13:59.724"
    records = list(feed.records)
    assert len(records) == 48
    assert len({r.id for r in records}) == 48
    assert records[0].id == "CVE-2023-38831"
    assert records[-1].id == "CVE-2023-44487"
    assert all(isinstance(r, CveRecord) for r in records)


def test_winrar_record_in_full(records: dict[str, CveRecord]) -> None:
    winrar = records["CVE-2023-38831"]
    assert winrar.published == "2023-08-23T17:15:43.863"
    assert winrar.last_modified == "2025-10-21T20:19:37.430"
    assert winrar.status == "Modified"
    # The English description, not the Spanish one listed after it.
    assert winrar.description.startswith("RARLAB WinRAR before 6.23 allows attackers")
    assert winrar.cvss == Cvss("3.1", 7.8, "HIGH", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H")
    assert winrar.configurations == (
        Configuration(
            operator=None,
            negate=False,
            nodes=(
                ConfigNode(
                    "OR",
                    False,
                    (
                        CpeMatch(
                            criteria="cpe:2.3:a:rarlab:winrar:*:*:*:*:*:*:*:*",
                            vulnerable=True,
                            version_end_excluding="6.23",
                            match_criteria_id="A586AE4C-6F08-4E96-B74C-AA0A7BF4F2DD",
                        ),
                    ),
                ),
            ),
        ),
    )


def test_references_are_kept_once_each_in_feed_order(records: dict[str, CveRecord]) -> None:
    # NVD 2.0 lists WinRAR's five URLs twice (once per source, cve@mitre.org and then
    # af854a3a-...); each is kept once, in the order first listed.
    assert records["CVE-2023-38831"].references == (
        "http://packetstormsecurity.com/files/174573/WinRAR-Remote-Code-Execution.html",
        "https://blog.google/threat-analysis-group/government-backed-actors-exploiting-winrar-vulnerability/",
        "https://news.ycombinator.com/item?id=37236100",
        "https://www.bleepingcomputer.com/news/security/winrar-zero-day-exploited-since-april-to-hack-trading-accounts/",
        "https://www.group-ib.com/blog/cve-2023-38831-winrar-zero-day/",
    )
    assert all(record.references for record in records.values())
    assert sum(len(record.references) for record in records.values()) == 629  # of 818 listed


def test_adobe_reader_runs_on_windows_and_macos_as_non_vulnerable_platforms(
    records: dict[str, CveRecord],
) -> None:
    reader = records["CVE-2023-21608"]
    assert len(reader.configurations) == 3
    for configuration in reader.configurations:
        # Application node AND platform node.
        assert configuration.operator == "AND"
        application, platform = configuration.nodes
        assert all(m.vulnerable for m in application.cpe_match)
        assert not any(m.vulnerable for m in platform.cpe_match)
    first_app, first_platform = reader.configurations[0].nodes
    assert first_platform.cpe_match == (
        CpeMatch(
            "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
            vulnerable=False,
            match_criteria_id="A2572D17-1DE6-457B-99CC-64AFD54487EA",
        ),
    )
    assert first_app.cpe_match[1].criteria == "cpe:2.3:a:adobe:acrobat_reader_dc:*:*:*:*:continuous:*:*:*"
    assert first_app.cpe_match[1].version_start_including == "15.008.20082"
    assert first_app.cpe_match[1].version_end_including == "22.003.20282"
    platforms = {m.criteria for c in reader.configurations for m in c.nodes[1].cpe_match}
    assert platforms == {
        "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*",
    }


def test_citrix_versions_are_kept_verbatim(records: dict[str, CveRecord]) -> None:
    matches = [m for c in records["CVE-2023-3519"].configurations for n in c.nodes for m in n.cpe_match]
    assert ("12.1", "12.1-55.297") in {(m.version_start_including, m.version_end_excluding) for m in matches}


@pytest.mark.parametrize("cve_id", ["CVE-2024-7971", "CVE-2024-31497", "CVE-2023-48795", "CVE-2023-32784"])
def test_unanalysed_records_have_no_cvss_and_no_configurations(
    records: dict[str, CveRecord], cve_id: str
) -> None:
    record = records[cve_id]
    assert record.cvss is None
    assert record.configurations == ()
    assert record.status in ("Received", "Awaiting Analysis")
    assert record.description


def test_forty_records_have_configurations(records: dict[str, CveRecord]) -> None:
    assert sum(1 for r in records.values() if r.configurations) == 40


def test_every_criteria_is_a_cpe_23_name(records: dict[str, CveRecord]) -> None:
    for record in records.values():
        for configuration in record.configurations:
            for node in configuration.nodes:
                for match in node.cpe_match:
                    parse_cpe23(match.criteria)


@pytest.mark.parametrize(
    ("cve_id", "expected"),
    [
        # Secondary 9.4 is listed first; NVD's Primary 7.5 wins.
        ("CVE-2023-4966", Cvss("3.1", 7.5, "HIGH", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")),
        # v3.1 (two Secondary entries) beats a Primary v2 of 9.3.
        ("CVE-2022-30190", Cvss("3.1", 7.8, "HIGH", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H")),
        # v3.1 9.8 beats a v3.0 10.0.
        ("CVE-2023-22515", Cvss("3.1", 9.8, "CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")),
        # Only a Secondary v3.0.
        ("CVE-2023-40477", Cvss("3.0", 7.8, "HIGH", "CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H")),
        # Only a Secondary v3.1, on a "Received" record.
        ("CVE-2024-9680", Cvss("3.1", 9.8, "CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")),
        # A real 0.0 score stays 0.0.
        ("CVE-2023-36884", Cvss("3.1", 0.0, "NONE", "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N")),
        ("CVE-2021-44228", Cvss("3.1", 10.0, "CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")),
    ],
)
def test_cvss_choice_rule(records: dict[str, CveRecord], cve_id: str, expected: Cvss) -> None:
    assert records[cve_id].cvss == expected


def test_cvss_falls_back_to_v2(nvd20_sample: Path, tmp_path: Path) -> None:
    def drop_v31(cve: dict) -> None:
        del cve["metrics"]["cvssMetricV31"]

    path = _write_derived(nvd20_sample, tmp_path / "log4j-v2.json", "CVE-2021-44228", drop_v31)
    [record] = nvd20.read(path).records
    assert record.cvss == Cvss("2.0", 9.3, "HIGH", "AV:N/AC:M/Au:N/C:C/I:C/A:C")


def test_v2_severity_is_derived_when_missing(nvd20_sample: Path, tmp_path: Path) -> None:
    def v2_without_severity(cve: dict) -> None:
        del cve["metrics"]["cvssMetricV31"]
        [v2] = cve["metrics"]["cvssMetricV2"]
        del v2["baseSeverity"]
        v2["cvssData"]["baseScore"] = 6.9

    path = _write_derived(nvd20_sample, tmp_path / "v2.json", "CVE-2021-44228", v2_without_severity)
    [record] = nvd20.read(path).records
    assert record.cvss is not None
    assert (record.cvss.version, record.cvss.severity) == ("2.0", "MEDIUM")


def test_gzip_file_reads_the_same(nvd20_sample: Path, tmp_path: Path, records: dict[str, CveRecord]) -> None:
    path = tmp_path / "nvdcve-2.0-sample.json.gz"
    path.write_bytes(gzip.compress(nvd20_sample.read_bytes()))
    assert list(nvd20.read(path).records) == list(records.values())


# Corrupt files, derived from the real one.


def test_truncated_json_is_refused(nvd20_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.json"
    data = nvd20_sample.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FeedError, match="truncated.json: invalid JSON") as caught:
        nvd20.read(path)
    assert isinstance(caught.value.__cause__, msgspec.DecodeError)


def test_truncated_gzip_is_refused(nvd20_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.json.gz"
    data = gzip.compress(nvd20_sample.read_bytes())
    path.write_bytes(data[: len(data) - 1000])
    with pytest.raises(FeedError, match="truncated.json.gz: damaged or truncated") as caught:
        nvd20.read(path)
    assert isinstance(caught.value.__cause__, EOFError)


def test_invalid_json_is_refused(nvd20_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    data = nvd20_sample.read_bytes()
    assert b'"vulnStatus": "Modified",' in data
    path.write_bytes(data.replace(b'"vulnStatus": "Modified",', b'"vulnStatus": Modified,', 1))
    with pytest.raises(FeedError, match="broken.json: invalid JSON"):
        nvd20.read(path)


def test_another_feed_is_refused(kev_catalog: Path) -> None:
    # KEV has a "vulnerabilities" array too, of another shape.
    with pytest.raises(FeedError, match=r"known_exploited_vulnerabilities.json: vulnerabilities\[0\]") as caught:
        nvd20.read(kev_catalog)
    assert isinstance(caught.value.__cause__, msgspec.ValidationError)


def test_record_of_the_wrong_shape_is_refused(nvd20_sample: Path, tmp_path: Path) -> None:
    page = json.loads(nvd20_sample.read_bytes())
    del page["vulnerabilities"][5]["cve"]["published"]
    path = tmp_path / "missing-field.json"
    path.write_text(json.dumps(page))
    records = nvd20.read(path).records
    with pytest.raises(FeedError, match=r"missing-field.json: vulnerabilities\[5\].*published"):
        list(records)


def test_bad_cve_id_is_refused(nvd20_sample: Path, tmp_path: Path) -> None:
    path = _write_derived(
        nvd20_sample, tmp_path / "bad-id.json", "CVE-2023-38831", lambda cve: cve.update(id="38831")
    )
    with pytest.raises(FeedError, match="bad-id.json"):
        nvd20.read(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="nope.json: cannot open") as caught:
        nvd20.read(tmp_path / "nope.json")
    assert isinstance(caught.value.__cause__, FileNotFoundError)
