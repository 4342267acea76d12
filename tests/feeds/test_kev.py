"""Tests for appliance.feeds.kev against the real CISA KEV catalog (2025.08.25)."""

import json
from pathlib import Path

import msgspec
import pytest

from appliance.feeds import kev, nvd20
from appliance.feeds.base import FeedError, KevEntry


@pytest.fixture(scope="module")
def entries(kev_catalog: Path) -> dict[str, KevEntry]:
    return {entry.cve_id: entry for entry in kev.read(kev_catalog).records}


def _write(kev_catalog: Path, target: Path, change) -> Path:
    catalog = json.loads(kev_catalog.read_bytes())
    change(catalog)
    target.write_text(json.dumps(catalog))
    return target


def test_counts_and_feed_info(kev_catalog: Path, entries: dict[str, KevEntry]) -> None:
    info = kev.read(kev_catalog).info
    assert info.format == "kev"
    assert info.record_count == 1404
    assert info.feed_date == "2025-08-25T17:04:19.9796Z"
    assert info.feed_version == "2025.08.25"
    assert len(entries) == 1404  # and no CVE listed twice


def test_winrar_entry(entries: dict[str, KevEntry]) -> None:
    assert entries["CVE-2023-38831"] == KevEntry(
        cve_id="CVE-2023-38831",
        vendor_project="RARLAB",
        product="WinRAR",
        vulnerability_name="RARLAB WinRAR Code Execution Vulnerability",
        date_added="2023-08-24",
        due_date="2023-09-14",
        known_ransomware_campaign_use="Known",
        short_description=(
            "RARLAB WinRAR contains an unspecified vulnerability that allows an attacker to execute code "
            "when a user attempts to view a benign file within a ZIP archive."
        ),
        required_action=(
            "Apply mitigations per vendor instructions or discontinue use of the product if mitigations "
            "are unavailable."
        ),
        notes=(
            "http://www.win-rar.com/singlenewsview.html?&L=0&tx_ttnews%5Btt_news%5D=232"
            "&cHash=c5bf79590657e32554c6683296a8e8aa;  https://nvd.nist.gov/vuln/detail/CVE-2023-38831"
        ),
    )


def test_winrar_is_exploited_and_fixed_in_6_23(entries: dict[str, KevEntry], nvd20_sample: Path) -> None:
    # The two feeds meet on the CVE id: KEV says exploited, NVD says which versions.
    [winrar] = [r for r in nvd20.read(nvd20_sample).records if r.id == "CVE-2023-38831"]
    assert winrar.id in entries
    ends = {m.version_end_excluding for c in winrar.configurations for n in c.nodes for m in n.cpe_match}
    assert ends == {"6.23"}


def test_sample_records_with_nvd_kev_dates_are_in_the_catalog(
    entries: dict[str, KevEntry], nvd20_sample: Path
) -> None:
    # NVD copies KEV's dateAdded into cisaExploitAdd (30 of the 48 sample records).
    page = json.loads(nvd20_sample.read_bytes())
    cves = [item["cve"] for item in page["vulnerabilities"]]
    flagged = {cve["id"]: cve["cisaExploitAdd"] for cve in cves if "cisaExploitAdd" in cve}
    assert len(flagged) == 30
    assert {cve_id: entries[cve_id].date_added for cve_id in flagged} == flagged


def test_ransomware_use_values(entries: dict[str, KevEntry]) -> None:
    assert {e.known_ransomware_campaign_use for e in entries.values()} == {"Known", "Unknown"}


def test_optional_fields_default_to_empty(kev_catalog: Path, tmp_path: Path) -> None:
    def drop_optional(catalog: dict) -> None:
        catalog["vulnerabilities"] = catalog["vulnerabilities"][:1]
        catalog["count"] = 1
        for key in ("knownRansomwareCampaignUse", "notes", "cwes"):
            del catalog["vulnerabilities"][0][key]

    [entry] = kev.read(_write(kev_catalog, tmp_path / "kev.json", drop_optional)).records
    assert entry.cve_id == "CVE-2025-48384"
    assert (entry.known_ransomware_campaign_use, entry.notes) == ("", "")


# Corrupt files, derived from the real one.


def test_truncated_file_is_refused(kev_catalog: Path, tmp_path: Path) -> None:
    path = tmp_path / "kev.json"
    path.write_bytes(kev_catalog.read_bytes()[:-10])
    with pytest.raises(FeedError, match="kev.json: invalid JSON") as caught:
        kev.read(path)
    assert isinstance(caught.value.__cause__, msgspec.DecodeError)


def test_wrong_shape_is_refused(nvd20_sample: Path) -> None:
    with pytest.raises(FeedError, match="nvdcve-2.0-sample.json: not a CISA KEV catalog") as caught:
        kev.read(nvd20_sample)
    assert isinstance(caught.value.__cause__, msgspec.ValidationError)


def test_miscounted_catalog_is_refused(kev_catalog: Path, tmp_path: Path) -> None:
    path = _write(kev_catalog, tmp_path / "kev.json", lambda c: c["vulnerabilities"].pop())
    with pytest.raises(FeedError, match="kev.json: states 1404 records but holds 1403"):
        kev.read(path)


def test_bad_cve_id_is_refused(kev_catalog: Path, tmp_path: Path) -> None:
    def bad_id(catalog: dict) -> None:
        catalog["vulnerabilities"][0]["cveID"] = "CVE-25-48384"

    path = _write(kev_catalog, tmp_path / "kev.json", bad_id)
    with pytest.raises(FeedError, match=r"kev.json: vulnerabilities\[0\] has the wrong shape.*cveID"):
        kev.read(path)


def test_entry_missing_a_required_field_is_refused_while_iterating(kev_catalog: Path, tmp_path: Path) -> None:
    def drop_due_date(catalog: dict) -> None:
        del catalog["vulnerabilities"][700]["dueDate"]

    records = kev.read(_write(kev_catalog, tmp_path / "kev.json", drop_due_date)).records
    with pytest.raises(FeedError, match=r"kev.json: vulnerabilities\[700\].*dueDate"):
        list(records)
