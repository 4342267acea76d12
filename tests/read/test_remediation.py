"""The patch plan's rules on grouped finding rows: targets, "after X", CVEs without a fix, grouping, order."""

from __future__ import annotations

import json

from appliance.read.remediation import build_plan, display_name

TODAY = "2026-06-01"
WIN, DEB = "Windows 11 23H2", "Debian GNU/Linux 12 (bookworm)"


def finding(asset: int, cve: str, fixes: list[str], *, product: str = "acme:tool", os: str = WIN, version: str = "1.0",
            kev: bool = False, due: str | None = None, cvss: float | None = 5.0, name: str = "Acme Tool") -> tuple:
    """One row as the plan's SQL gives it: machine, identified item, CVE, and each package's "kind version"."""
    vendor, prod = product.split(":")
    return (asset, f"host-{asset}", os, f"cpe:2.3:a:{vendor}:{prod}:{version}:*:*:*:*:*:*:*", json.dumps([name]),
            json.dumps([version]), cve, int(kev), due, cvss, json.dumps(fixes))


def test_the_target_is_the_highest_fixed_version_in_the_platform_scheme() -> None:
    # As text "2.9" > "2.10"; as versions 2.10 is higher.
    [row] = build_plan([finding(1, "CVE-1", ["fixed_in 2.9"]), finding(1, "CVE-2", ["fixed_in 2.10"])], TODAY)
    assert (row.target_version, row.target_kind, row.target) == ("2.10", "fixed_in", "2.10")
    assert row.cves == ["CVE-1", "CVE-2"] and row.machines == ["host-1"]


def test_fixed_after_is_said_as_after_and_wins_at_an_equal_version() -> None:
    rows = [finding(1, "CVE-1", ["fixed_in 3.1"]), finding(1, "CVE-2", ["fixed_after 3.1"])]
    [row] = build_plan(rows, TODAY)
    assert (row.target_version, row.target_kind, row.target) == ("3.1", "fixed_after", "after 3.1")
    [row] = build_plan([finding(1, "CVE-1", ["fixed_in 3.2"]), finding(1, "CVE-2", ["fixed_after 3.1"])], TODAY)
    assert row.target == "3.2"


def test_a_cve_without_a_fixed_version_is_named_never_given_one() -> None:
    [row] = build_plan([finding(1, "CVE-1", ["fixed_in 2.0"]), finding(1, "CVE-2", ["none "])], TODAY)
    assert row.target_version == "2.0" and row.unfixed_cves == ["CVE-2"]
    assert row.target == "2.0 (no fixed version listed for CVE-2)"
    [row] = build_plan([finding(1, "CVE-3", ["none "])], TODAY)
    assert (row.target_version, row.target_kind, row.target) == (None, "none", "no fixed version listed")


def test_machines_group_by_the_version_they_need() -> None:
    rows = [
        finding(1, "CVE-1", ["fixed_in 2.0"], version="1.0"), finding(1, "CVE-2", ["fixed_in 3.0"], version="1.0"),
        finding(2, "CVE-2", ["fixed_in 3.0"], version="2.5"),  # needs 3.0 as well: same row
        finding(3, "CVE-1", ["fixed_in 2.0"], version="1.5"),  # needs only 2.0: its own row
    ]
    plan = {r.target: r for r in build_plan(rows, TODAY)}
    assert set(plan) == {"2.0", "3.0"}
    assert plan["3.0"].machines == ["host-1", "host-2"] and plan["3.0"].installed_versions == ["1.0", "2.5"]
    assert plan["3.0"].cves == ["CVE-1", "CVE-2"]
    assert plan["2.0"].machines == ["host-3"] and plan["2.0"].cves == ["CVE-1"]


def test_two_packages_of_one_product_on_one_machine_each_add_their_bound() -> None:
    [row] = build_plan([finding(1, "CVE-1", ["fixed_in 1.5", "fixed_in 1.7"])], TODAY)
    assert row.target == "1.7"


def test_products_are_separate_rows_named_as_most_machines_install_them() -> None:
    rows = [finding(1, "CVE-1", ["fixed_in 24.09"], product="7-zip:7-zip", name="7-Zip 23.01 (x64)"),
            finding(2, "CVE-1", ["fixed_in 24.09"], product="7-zip:7-zip", name="7-Zip 24.08 (x64)"),
            finding(3, "CVE-1", ["fixed_in 24.09"], product="7-zip:7-zip", name="7zip"),
            finding(1, "CVE-2", ["fixed_in 2"], product="b:two", name="two-tool")]
    assert sorted(r.name for r in build_plan(rows, TODAY)) == ["7-Zip", "two-tool"]
    assert display_name("WinRAR 6.22 (64-bit)") == "WinRAR" and display_name("Java 8 Update 321") == "Java 8 Update 321"
    assert display_name("1.2.3") == "1.2.3"  # nothing else to show


def test_order_kev_then_overdue_then_cvss_then_machine_count() -> None:
    rows = [
        finding(1, "CVE-A", ["fixed_in 2"], product="v:plain", cvss=9.8),
        finding(1, "CVE-B", ["fixed_in 2"], product="v:kev_later", kev=True, due="2026-12-01", cvss=5.0),
        finding(1, "CVE-C", ["fixed_in 2"], product="v:kev_overdue", kev=True, due="2026-01-01", cvss=4.0),
        finding(1, "CVE-D", ["fixed_in 2"], product="v:wide", cvss=7.0),
        finding(2, "CVE-D", ["fixed_in 2"], product="v:wide", cvss=7.0),
        finding(1, "CVE-E", ["fixed_in 2"], product="v:narrow", cvss=7.0),
        finding(1, "CVE-F", ["fixed_in 2"], product="v:unscored", cvss=None),
    ]
    plan = build_plan(rows, TODAY)
    assert [r.product for r in plan] == ["v:kev_overdue", "v:kev_later", "v:plain", "v:wide", "v:narrow", "v:unscored"]
    overdue, later = plan[0], plan[1]
    assert overdue.overdue and overdue.kev_due_date == "2026-01-01" and overdue.kev_count == 1
    assert not later.overdue and plan[5].max_cvss is None


def test_the_earliest_kev_due_date_and_highest_cvss_of_a_row() -> None:
    rows = [finding(1, "CVE-1", ["fixed_in 2"], kev=True, due="2026-03-01", cvss=7.5),
            finding(2, "CVE-2", ["fixed_in 2"], kev=True, due="2026-02-01", cvss=6.0),
            finding(2, "CVE-3", ["fixed_in 2"], cvss=9.1)]
    [row] = build_plan(rows, TODAY)
    assert (row.kev_count, row.kev_due_date, row.max_cvss, row.cve_count) == (2, "2026-02-01", 9.1, 3)
    assert row.cves == ["CVE-1", "CVE-2", "CVE-3"]  # KEV first, then by CVSS


def test_one_cve_in_two_installs_of_a_product_counts_once() -> None:
    rows = [finding(1, "CVE-1", ["fixed_in 24.09"], version="23.01", kev=True, due="2026-03-01", cvss=7.0),
            finding(1, "CVE-1", ["fixed_in 24.09"], version="22.01", cvss=7.8)]
    [row] = build_plan(rows, TODAY)
    assert (row.cves, row.kev_count, row.kev_due_date, row.max_cvss) == (["CVE-1"], 1, "2026-03-01", 7.8)
    assert row.installed_versions == ["22.01", "23.01"] and row.machine_count == 1
