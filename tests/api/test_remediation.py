"""The patch plan over real HTTP: the 7-Zip case from the shared feed, grouping, order, organizations, CSV, errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.api.test_agent_errors import assert_refused
from tests.api.test_read_api import WINRAR, WINRAR_CVE, Office, get, kev_entry
from tests.conftest import FEEDS, NO_RATE_LIMITS, Server

SEVEN_ZIP_2301 = {"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}
SEVEN_ZIP_2408 = {"name": "7-Zip 24.08 (x64)", "version": "24.08", "vendor": "Igor Pavlov"}
SEVEN_ZIP_2409 = {"name": "7-Zip 24.09 (x64)", "version": "24.09", "vendor": "Igor Pavlov"}
SEVEN_ZIP_CVES = {"CVE-2024-11477", "CVE-2025-0411"}  # the shared feed's 7-Zip CVEs; CVE-2025-0411 is in KEV
FORMULA_HOST = "=cmd|evil"


def fixed_in(cve: str, product: str) -> str:
    """versionEndExcluding of ``product``'s range in the shared NVD sample, read straight from the file."""
    data = json.loads((FEEDS / "nvd" / "nvdcve-2.0-sample.json").read_bytes())
    record = next(v["cve"] for v in data["vulnerabilities"] if v["cve"]["id"] == cve)
    return next(
        m["versionEndExcluding"] for c in record["configurations"] for n in c["nodes"] for m in n["cpeMatch"]
        if f":{product}:" in m["criteria"] and m.get("versionEndExcluding")
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("remediation") / "data", {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def office(server: Server) -> Office:
    office = Office(server)
    office.report(office.agent, "pc-old", [SEVEN_ZIP_2301, WINRAR])
    office.report(office.agent, "pc-newer", [SEVEN_ZIP_2408])
    office.report(office.agent, "pc-current", [SEVEN_ZIP_2409])
    office.report(office.agent, FORMULA_HOST, [SEVEN_ZIP_2301])
    office.report(office.branch_agent, "branch-pc", [WINRAR])
    return office


def plan(server: Server, key: str, **params: object) -> dict:
    response = get(server, key, "/api/remediation", **params)
    assert response.status_code == 200, response.text
    return response.json()


def row_of(items: list[dict], product: str) -> list[dict]:
    return [r for r in items if r["product"] == product]


def test_seven_zip_gets_one_row_with_the_smallest_version_fixing_both(server: Server, office: Office) -> None:
    # The asset page's API gives each CVE's fixed version from the feed.
    detail = get(server, office.read, f"/api/assets/{office.ids['pc-old']}").json()
    fixes = {v["cve"]: (v["fix_kind"], v["fixed_version"]) for v in detail["vulnerabilities"]
             if v["software_name"].startswith("7-Zip")}
    assert fixes == {cve: ("fixed_in", fixed_in(cve, "7-zip")) for cve in SEVEN_ZIP_CVES}
    # The plan: one 7-Zip row, to the higher of the two (24.09 > 24.07), both CVEs, one in KEV.
    [row] = row_of(plan(server, office.read)["items"], "7-zip:7-zip")
    assert row["target_version"] == max((fixed_in(c, "7-zip") for c in SEVEN_ZIP_CVES), key=lambda v: tuple(map(int, v.split("."))))
    assert row["target_version"] == "24.09" and row["target_kind"] == "fixed_in" and row["target"] == "24.09"
    assert set(row["cves"]) == SEVEN_ZIP_CVES and row["cve_count"] == 2
    assert row["kev_count"] == 1 and row["cves"][0] == "CVE-2025-0411"  # KEV first within the row
    assert row["kev_due_date"] == kev_entry("CVE-2025-0411")["dueDate"]
    assert row["overdue"] is (row["kev_due_date"] < date.today().isoformat())
    assert row["unfixed_cves"] == []
    assert row["name"] == "7-Zip"  # as installed, without version and notes


def test_machines_on_different_versions_with_the_same_target_share_a_row(server: Server, office: Office) -> None:
    [row] = row_of(plan(server, office.read)["items"], "7-zip:7-zip")
    # 24.08 has only CVE-2025-0411, which also needs 24.09; 24.09 itself has nothing to fix.
    assert row["machines"] == sorted([FORMULA_HOST, "pc-newer", "pc-old"], key=str.lower)
    assert row["machine_count"] == 3 and row["installed_versions"] == ["23.01", "24.08"]


def test_rows_are_ordered_kev_first_then_overdue_then_cvss_then_machines(server: Server, office: Office) -> None:
    items = plan(server, office.admin)["items"]
    assert len(items) >= 2  # WinRAR and 7-Zip, both with a KEV entry
    keys = [(r["kev_count"] == 0, not r["overdue"], -(r["max_cvss"] or -1), -r["machine_count"]) for r in items]
    assert keys == sorted(keys)
    [winrar] = row_of(items, "rarlab:winrar")
    assert WINRAR_CVE in winrar["cves"] and winrar["kev_count"] >= 1
    # The admin's plan spans organizations: the branch's WinRAR machine needs the same version.
    assert winrar["machines"] == ["branch-pc", "pc-old"]


def test_a_read_key_sees_its_own_organization_only(server: Server, office: Office) -> None:
    branch = plan(server, office.branch_read)
    assert [r["product"] for r in branch["items"]] == ["rarlab:winrar"]
    assert branch["items"][0]["machines"] == ["branch-pc"]
    assert_refused(server, lambda: get(server, office.branch_read, "/api/remediation", organization=1),
                   403, "organization_forbidden")
    assert_refused(server, lambda: get(server, office.branch_read, "/api/remediation.csv", organization=1),
                   403, "organization_forbidden")
    # An organization with no machines has an empty plan.
    empty = json.loads(server.cli("orgs", "create", "Empty", "--json").stdout)["id"]
    assert plan(server, server.create_key("read", org=empty))["items"] == []
    assert plan(server, office.admin, organization=office.branch)["items"] == branch["items"]


def test_csv_has_the_same_rows_and_is_safe_in_a_spreadsheet(server: Server, office: Office) -> None:
    response = get(server, office.read, "/api/remediation.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.text)))
    items = plan(server, office.read)["items"]
    assert [(r["product"], r["target"]) for r in lines] == [(r["product"], r["target"]) for r in items]
    [seven] = [r for r in lines if r["product"] == "7-zip:7-zip"]
    assert seven["kev_count"] == "1" and seven["target_version"] == "24.09"
    assert seven["machines"] == f"'{FORMULA_HOST}; pc-newer; pc-old"  # a formula would run: apostrophe first
    assert set(seven["cves"].split("; ")) == SEVEN_ZIP_CVES


@pytest.mark.parametrize(("params", "field"), [({"limit": 0}, "limit"), ({"limit": 1001}, "limit"),
                                               ({"offset": -1}, "offset"), ({"organization": "x"}, "organization")])
def test_bad_parameters_get_400_naming_them(server: Server, office: Office, params: dict, field: str) -> None:
    response = get(server, office.read, "/api/remediation", **params)
    assert response.status_code == 400 and field in response.text


def test_pages_and_credentials(server: Server, office: Office) -> None:
    whole = plan(server, office.admin)
    second = plan(server, office.admin, limit=1, offset=1)
    assert second["total"] == whole["total"] and second["items"] == whole["items"][1:2]
    assert_refused(server, lambda: get(server, None, "/api/remediation"), 401, "missing_api_key")
    assert_refused(server, lambda: get(server, office.agent, "/api/remediation"), 403, "insufficient_scope")


def test_openapi_documents_both_operations(server: Server) -> None:
    schema = get(server, None, "/schema/openapi.json").json()
    plan_op = schema["paths"]["/api/remediation"]["get"]
    csv_op = schema["paths"]["/api/remediation.csv"]["get"]
    assert plan_op["operationId"] == "getRemediationPlan" and csv_op["operationId"] == "exportRemediationPlan"
    assert {"400", "401", "403", "429"} <= set(plan_op["responses"]) and "organization" in str(plan_op["parameters"])
    assert "PlanRow" in str(schema["components"]["schemas"])
